/*
 * Alert banner of quality inspection: an angry customer waiting in the queue.
 * Every agent sees it (anyone can take the conversation); a click opens it.
 * Re-read whenever the workbench refreshes and every 15 s. All data inserted as text.
 */
(function () {
  "use strict";

  var POLL_MS = 15000;
  var timer = null;
  var banner = document.getElementById("quality-alerts");

  var token = window.WorkbenchCommon.token;

  function clear() { while (banner.firstChild) banner.removeChild(banner.firstChild); }

  function show(alerts) {
    clear();
    banner.hidden = !alerts.length;
    if (!alerts.length) return;
    banner.appendChild(document.createTextNode("⚠ 有情绪激动的客户正在排队等待："));
    alerts.forEach(function (a) {
      var link = document.createElement("button");
      link.type = "button";
      link.className = "link alert-link";
      link.textContent = a.handoff_no + (a.vip ? "（VIP）" : "") + " 已等 " + a.waiting_minutes + " 分钟";
      link.addEventListener("click", function () {
        document.dispatchEvent(new CustomEvent("workbench:open", { detail: { handoff_no: a.handoff_no } }));
      });
      banner.appendChild(link);
    });
  }

  function load() {
    if (!token()) return;
    fetch("/api/agent/quality/alerts", { headers: { "X-Agent-Token": token() } })
      .then(function (r) { return r.ok ? r.json() : { alerts: [] }; })
      .then(function (data) { show(data.alerts || []); })
      .catch(function () {});
  }

  document.addEventListener("workbench:ready", function () {
    clearInterval(timer);
    timer = setInterval(load, POLL_MS);
    load();
  });
  document.addEventListener("workbench:refresh", load);
  document.addEventListener("workbench:logout", function () {
    clearInterval(timer);
    show([]);
  });
})();
