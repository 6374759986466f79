/*
 * Supervisor dashboard of the workbench (服务数据 tab) and the alert banner.
 * Figures come from /api/agent/analytics/* (supervisors only); charts are drawn with
 * the vendored Apache ECharts (vendor/echarts.min.js). All data is inserted as text.
 * It follows the workbench's login and logout events; the tab button is shown to
 * supervisors by the workbench (data-supervisor-only).
 */
(function () {
  "use strict";

  var common = window.WorkbenchCommon;
  var el = common.el;
  var clear = common.clear;

  var ALERT_EVERY_MS = 30000;
  var token = null;
  var alertTimer = null;
  var charts = {};
  var loaded = null;

  var TRIGGERS = {
    user_request: "用户要求", complaint: "投诉", repeated_failure: "多次未理解",
    form_failure: "表单多次失败", backend_error: "系统异常",
  };
  var OUTCOMES = [
    ["self_served", "机器人自助解决", "#3fb950"],
    ["handed_over", "人工接待", "#1f6feb"],
    ["ticket", "留言工单", "#d29922"],
    ["abandoned", "放弃", "#cf222e"],
  ];
  // What the banner says for each alert code; other parts of the desk add theirs here.
  var ALERT_TEXT = {
    queue_wait: function (a) {
      return "有用户排队已等待 " + a.value + " 秒，超过首次响应目标 " + a.threshold + " 秒（排队 " + a.detail.waiting + " 人）";
    },
    fallback_rate: function (a) {
      return "近一小时机器人未识别率 " + pct(a.value) + "，超过阈值 " + pct(a.threshold);
    },
  };
  var TABLES = [
    ["series", "趋势", [["bucket", "时间"], ["sessions", "会话"], ["self_served", "自助解决"], ["handed_over", "人工"], ["ticket", "工单"], ["abandoned", "放弃"], ["resolution_rate", "自助解决率", "pct"], ["handoff_rate", "转人工率", "pct"], ["fallback_rate", "未识别率", "pct"], ["bot_csat", "机器人满意度", "pct"]]],
    ["service", "人工服务", [["bucket", "时间"], ["handoffs", "转人工"], ["served", "接入"], ["abandoned", "排队放弃"], ["avg_queue_wait_s", "平均首次响应(秒)"], ["within_target_share", "30秒内响应", "pct"], ["avg_handling_s", "平均处理(秒)"], ["human_csat", "人工满意度", "pct"]]],
    ["agents", "客服", [["agent", "客服"], ["conversations", "会话"], ["avg_first_response_s", "平均首次响应(秒)"], ["avg_handling_s", "平均处理(秒)"], ["ratings", "评价数"], ["csat", "满意度", "pct"]]],
    ["triggers", "转人工原因", [["trigger", "原因", "trigger"], ["handoffs", "次数"], ["rate", "占会话", "pct"]]],
    ["intents", "热门意图", [["intent", "意图"], ["count", "次数"]]],
    ["unanswered", "未解答问题", [["question", "问题（已脱敏）"], ["kind", "类型"], ["count", "次数"], ["last_at", "最近"]]],
    ["tickets", "工单", [["opened", "新建"], ["closed", "已解决/关闭"], ["overdue", "超时未解决"]]],
  ];

  function $(id) { return document.getElementById(id); }
  function pct(v) { return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%"; }
  function secs(v) { return v === null || v === undefined ? "–" : v.toFixed(1) + " 秒"; }
  function cell(v, kind) {
    if (kind === "pct") return pct(v);
    if (kind === "trigger") return TRIGGERS[v] || v;
    return v === null || v === undefined ? "–" : v;
  }

  function get(path) {
    return fetch(path, { headers: { "X-Agent-Token": token } }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data.error && data.error.message) || "加载失败（" + r.status + "）");
        return data;
      });
    });
  }

  function query() {
    var params = new URLSearchParams();
    if ($("dash-from").value) params.set("from", $("dash-from").value);
    if ($("dash-to").value) params.set("to", $("dash-to").value);
    params.set("bucket", $("dash-bucket").value);
    if ($("dash-channel").value) params.set("channel", $("dash-channel").value);
    return params.toString();
  }

  // -- KPI cards -------------------------------------------------------------------

  function card(title, value, goal, met) {
    var node = el("div", "kpi" + (met === true ? " met" : met === false ? " missed" : ""));
    node.appendChild(el("div", "kpi-title", title));
    node.appendChild(el("div", "kpi-value", value));
    node.appendChild(el("div", "kpi-goal", goal || ""));
    if (met === false) node.setAttribute("data-missed", "true");
    return node;
  }

  function cards(data) {
    var s = data.summary, t = data.targets, box = $("dash-cards");
    clear(box);
    function atMost(v, goal) { return v === null ? null : v <= goal; }
    function atLeast(v, goal) { return v === null ? null : v >= goal; }
    box.appendChild(card("会话数", s.sessions, s.demo ? "含演示数据" : ""));
    box.appendChild(card("首次响应（平均排队）", secs(s.avg_first_response_s),
      "目标 ≤ " + t.first_response_s + " 秒 · " + pct(s.first_response_within_target) + " 在目标内",
      atMost(s.avg_first_response_s, t.first_response_s)));
    box.appendChild(card("自助解决率", pct(s.resolution_rate), "目标 ≥ " + pct(t.resolution_rate),
      atLeast(s.resolution_rate, t.resolution_rate)));
    box.appendChild(card("人工满意度", pct(s.human_csat), "目标 ≥ " + pct(t.satisfaction) + " · " + s.human_ratings + " 条评价",
      atLeast(s.human_csat, t.satisfaction)));
    box.appendChild(card("机器人满意度", pct(s.bot_csat), "目标 ≥ " + pct(t.satisfaction) + " · " + s.bot_ratings + " 条评价",
      atLeast(s.bot_csat, t.satisfaction)));
    box.appendChild(card("平均处理时长", secs(s.avg_handling_s), "人工会话"));
    box.appendChild(card("转人工率", pct(s.handoff_rate), s.handoffs + " 次转人工 · " + s.abandoned_queues + " 次排队放弃"));
    box.appendChild(card("未识别率", pct(s.fallback_rate), "机器人没听懂的消息占比"));
  }

  // -- charts --------------------------------------------------------------------------

  function chart(id) {
    if (!charts[id]) charts[id] = window.echarts.init($(id), null, { renderer: "canvas" });
    return charts[id];
  }

  function draw(data) {
    var series = data.tables.series, service = data.tables.service;
    var buckets = series.map(function (r) { return r.bucket; });
    chart("chart-sessions").setOption({
      title: { text: "会话量与结果", left: 0, top: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0 },
      grid: { top: 40, left: 40, right: 50, bottom: 30 },
      xAxis: { type: "category", data: buckets },
      yAxis: [{ type: "value" }, { type: "value", max: 1, axisLabel: { formatter: function (v) { return v * 100 + "%"; } } }],
      series: OUTCOMES.map(function (o) {
        return { name: o[1], type: "bar", stack: "outcome", color: o[2], data: series.map(function (r) { return r[o[0]]; }) };
      }).concat([{ name: "自助解决率", type: "line", yAxisIndex: 1, color: "#6e40c9", data: series.map(function (r) { return r.resolution_rate; }) }]),
    }, true);
    chart("chart-service").setOption({
      title: { text: "人工服务：首次响应与处理时长（秒）", left: 0, top: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0 },
      grid: { top: 40, left: 50, right: 40, bottom: 30 },
      xAxis: { type: "category", data: service.map(function (r) { return r.bucket; }) },
      yAxis: { type: "value" },
      series: [
        { name: "平均首次响应", type: "line", color: "#1f6feb", data: service.map(function (r) { return r.avg_queue_wait_s; }),
          markLine: { silent: true, symbol: "none", label: { formatter: "目标" }, data: [{ yAxis: data.targets.first_response_s }], lineStyle: { color: "#cf222e" } } },
        { name: "平均处理时长", type: "line", color: "#d29922", data: service.map(function (r) { return r.avg_handling_s; }) },
      ],
    }, true);
    chart("chart-csat").setOption({
      title: { text: "满意度", left: 0, top: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0 },
      grid: { top: 40, left: 50, right: 40, bottom: 30 },
      xAxis: { type: "category", data: buckets },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return v * 100 + "%"; } } },
      series: [
        { name: "人工", type: "line", color: "#1f6feb", connectNulls: true,
          data: buckets.map(function (b) { var r = service.filter(function (x) { return x.bucket === b; })[0]; return r ? r.human_csat : null; }),
          markLine: { silent: true, symbol: "none", label: { formatter: "目标" }, data: [{ yAxis: data.targets.satisfaction }], lineStyle: { color: "#cf222e" } } },
        { name: "机器人", type: "line", color: "#3fb950", connectNulls: true, data: series.map(function (r) { return r.bot_csat; }) },
      ],
    }, true);
    chart("chart-triggers").setOption({
      title: { text: "转人工原因", left: 0, top: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 20,
        data: data.tables.triggers.map(function (r) { return { name: TRIGGERS[r.trigger] || r.trigger, value: r.handoffs }; }) }],
    }, true);
    var intents = data.tables.intents.slice().reverse();
    chart("chart-intents").setOption({
      title: { text: "热门意图", left: 0, top: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { top: 30, left: 175, right: 20, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: intents.map(function (r) { return r.intent; }) },
      series: [{ type: "bar", color: "#1f6feb", data: intents.map(function (r) { return r.count; }) }],
    }, true);
  }

  // -- tables ----------------------------------------------------------------------------

  function exportCsv(name) {
    fetch("/api/agent/analytics/export/" + name + "?" + query(), { headers: { "X-Agent-Token": token } })
      .then(function (r) { return r.blob(); })
      .then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name + ".csv";
        a.click();
        URL.revokeObjectURL(a.href);
      });
  }

  function tables(data) {
    var box = $("dash-tables");
    clear(box);
    TABLES.forEach(function (spec) {
      var name = spec[0], section = el("section", "dash-table");
      var head = el("div", "dash-table-head");
      head.appendChild(el("h3", null, spec[1]));
      var button = el("button", "link", "导出 CSV");
      button.type = "button";
      button.setAttribute("data-export", name);
      button.addEventListener("click", function () { exportCsv(name); });
      head.appendChild(button);
      section.appendChild(head);
      var table = el("table"), tr = el("tr");
      spec[2].forEach(function (c) { tr.appendChild(el("th", null, c[1])); });
      table.appendChild(el("thead")).appendChild(tr);
      var body = el("tbody");
      data.tables[name].forEach(function (row) {
        var line = el("tr");
        spec[2].forEach(function (c) { line.appendChild(el("td", null, cell(row[c[0]], c[2]))); });
        body.appendChild(line);
      });
      if (!data.tables[name].length) {
        var empty = el("tr"), td = el("td", "muted", "无数据");
        td.colSpan = spec[2].length;
        empty.appendChild(td);
        body.appendChild(empty);
      }
      table.appendChild(body);
      section.appendChild(table);
      box.appendChild(section);
    });
  }

  function channels(list) {
    var select = $("dash-channel"), current = select.value;
    clear(select);
    select.appendChild(el("option", null, "全部渠道")).value = "";
    list.forEach(function (c) { select.appendChild(el("option", null, c)).value = c; });
    select.value = list.indexOf(current) >= 0 ? current : "";
  }

  function load() {
    $("dash-error").textContent = "";
    return get("/api/agent/analytics/dashboard?" + query()).then(function (data) {
      loaded = data;
      if (!$("dash-from").value) $("dash-from").value = data.range.date_from;
      if (!$("dash-to").value) $("dash-to").value = data.range.date_to;
      $("dash-demo").hidden = !data.summary.demo;
      channels(data.channels);
      cards(data);
      draw(data);
      tables(data);
      $("tab-dashboard").setAttribute("data-loaded", "true");
    }).catch(function (e) { $("dash-error").textContent = e.message; });
  }

  // -- alerts ------------------------------------------------------------------------------

  function checkAlerts() {
    if (!token) return;
    get("/api/agent/analytics/alerts").then(function (data) {
      var banner = $("alert-banner");
      clear(banner);
      data.alerts.forEach(function (a) {
        var say = ALERT_TEXT[a.code];
        banner.appendChild(el("div", "alert-line", say ? say(a) : "告警：" + a.code));
      });
      banner.hidden = !data.alerts.length;
    }).catch(function () {});
  }

  // -- wiring ------------------------------------------------------------------------------

  $("dash-refresh").addEventListener("click", load);
  ["dash-bucket", "dash-channel"].forEach(function (id) { $(id).addEventListener("change", load); });
  document.querySelector('[data-tab="dashboard"]').addEventListener("click", function () {
    if (!loaded) load(); else Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  // The workbench announces login and logout (workbench:ready / workbench:logout).
  document.addEventListener("workbench:ready", function (event) {
    if (event.detail.agent.role !== "supervisor") return;
    token = common.token();
    clearInterval(alertTimer);
    checkAlerts();
    alertTimer = setInterval(checkAlerts, ALERT_EVERY_MS);
  });
  document.addEventListener("workbench:logout", function () {
    token = null;
    loaded = null;
    clearInterval(alertTimer);
    $("alert-banner").hidden = true;
  });
})();
