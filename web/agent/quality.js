/*
 * Quality inspection in the workbench, for supervisors: the review queue (flagged
 * conversations and each agent's weekly sample), an inspection's flags, emotions and
 * transcript with the verdict form, the word lists, and flags on live agent replies
 * in the conversation view. Follows the workbench through its "workbench:*" events.
 * All data is inserted as text.
 */
(function () {
  "use strict";

  var common = window.WorkbenchCommon;
  var el = common.el;
  var clear = common.clear;
  var time = common.time;
  var api = common.api;

  var FLAGS = {
    abuse: "辱骂脏话", rude: "服务禁语", promise: "违规承诺", contact: "站外联系方式",
    competitor: "提及竞品", personal_data: "泄露个人信息", no_greeting: "未问候",
    no_closing: "未礼貌结束", slow_reply: "回复超时", ended_unhappy: "客户结束时不满",
    customer_angry: "客户愤怒", customer_abuse: "客户辱骂",
  };
  var EMOTIONS = { angry: "😠 愤怒", negative: "😟 不满", neutral: "😐 平静", positive: "🙂 满意" };
  var TRAJECTORY = { improved: "好转", worsened: "恶化", steady: "平稳" };
  var VERDICTS = { pass: "合格", coach: "需辅导", violation: "违规" };
  var DATA = { phone: "手机号", id_card: "身份证号", bank_card: "银行卡号", email: "邮箱", address: "地址" };
  var ROLES = { user: "用户", bot: "机器人", agent: "客服" };

  var me = null;
  var openId = null;

  function $(id) { return document.getElementById(id); }
  function supervisor() { return me && me.role === "supervisor"; }

  function flagText(f) {
    var text = FLAGS[f.code] || f.code;
    if (f.words && f.words.length) text += "：" + f.words.map(function (w) { return DATA[w] || w; }).join("、");
    if (f.seconds) text += "（" + f.seconds + " 秒）";
    return text;
  }

  function flagSummary(item) {
    var seen = {};
    item.flags.forEach(function (f) { seen[FLAGS[f.code] || f.code] = true; });
    return Object.keys(seen).join("、") || "无";
  }

  // -- ISO week for <input type=week> ------------------------------------------------

  function isoWeek(day) {
    var d = new Date(Date.UTC(day.getFullYear(), day.getMonth(), day.getDate()));
    var weekday = d.getUTCDay() || 7;
    d.setUTCDate(d.getUTCDate() + 4 - weekday);
    var yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
    var week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
    return d.getUTCFullYear() + "-W" + (week < 10 ? "0" : "") + week;
  }

  // -- review queue --------------------------------------------------------------------

  function conversationCell(item) {
    var td = el("td");
    var link = el("button", "link", item.handoff_no || item.conversation_id || item.session_key);
    link.type = "button";
    link.addEventListener("click", function () { openInspection(item.id); });
    td.appendChild(link);
    return td;
  }

  function verdictText(item) { return item.review ? VERDICTS[item.review.verdict] : "未复核"; }

  function scoreCell(item) { return el("td", item.score < 80 ? "score low" : "score", item.score); }

  function loadQueue() {
    if (!supervisor()) return;
    var week = $("quality-week").value;
    api("GET", "/api/agent/quality/reviews" + (week ? "?week=" + encodeURIComponent(week) : "")).then(function (data) {
      var flagged = $("quality-flagged");
      clear(flagged);
      data.flagged.forEach(function (item) {
        var tr = el("tr", item.id === openId ? "selected" : "");
        tr.appendChild(el("td", null, time(item.started_at)));
        tr.appendChild(conversationCell(item));
        tr.appendChild(el("td", null, item.agents.join("、") || "机器人"));
        tr.appendChild(scoreCell(item));
        tr.appendChild(el("td", null, flagSummary(item)));
        tr.appendChild(el("td", null, verdictText(item)));
        flagged.appendChild(tr);
      });
      if (!data.flagged.length) flagged.appendChild(emptyRow(6, "本周没有被标记的会话"));
      $("quality-flagged-count").textContent = data.flagged.length;

      var sample = $("quality-sample");
      clear(sample);
      Object.keys(data.sample).forEach(function (agent) {
        data.sample[agent].forEach(function (item) {
          var tr = el("tr", item.id === openId ? "selected" : "");
          tr.appendChild(el("td", null, agent));
          tr.appendChild(el("td", null, time(item.started_at)));
          tr.appendChild(conversationCell(item));
          tr.appendChild(scoreCell(item));
          tr.appendChild(el("td", null, flagSummary(item)));
          tr.appendChild(el("td", null, verdictText(item)));
          sample.appendChild(tr);
        });
      });
      if (!Object.keys(data.sample).length) sample.appendChild(emptyRow(6, "本周没有客服会话"));
    }).catch(function () {});
  }

  function emptyRow(span, text) {
    var tr = el("tr");
    var td = el("td", "empty", text);
    td.colSpan = span;
    tr.appendChild(td);
    return tr;
  }

  // -- one inspection --------------------------------------------------------------------

  function openInspection(id) {
    openId = id;
    api("GET", "/api/agent/quality/inspections/" + id).then(renderInspection).catch(function (e) {
      var box = $("quality-detail");
      clear(box);
      box.appendChild(el("p", "error", e.message));
    });
    loadQueue();
  }

  function renderInspection(item) {
    var box = $("quality-detail");
    clear(box);
    box.appendChild(el("h3", null, (item.handoff_no || item.session_key) + " · " + item.score + " 分"));
    var dl = el("dl");
    [["客服", item.agents.join("、") || "机器人"], ["时间", time(item.started_at) + " – " + time(item.ended_at)],
     ["轮次", item.turns], ["情绪走向", TRAJECTORY[item.trajectory] || item.trajectory]].forEach(function (r) {
      dl.appendChild(el("dt", null, r[0]));
      dl.appendChild(el("dd", null, r[1]));
    });
    box.appendChild(dl);

    var course = el("div", "emotion-course");
    item.emotions.forEach(function (e) { course.appendChild(el("span", "emotion " + e.emotion, EMOTIONS[e.emotion] || e.emotion)); });
    if (item.emotions.length) box.appendChild(course);

    box.appendChild(el("h4", null, "问题"));
    var list = el("ul", "quality-flags");
    item.flags.forEach(function (f) {
      var who = f.role ? ROLES[f.role] + (f.agent ? " " + f.agent : "") : "整通会话";
      list.appendChild(el("li", "flag " + f.severity, flagText(f) + " · " + who + (f.turn !== undefined ? " · 第 " + (f.turn + 1) + " 句" : "")));
    });
    if (!item.flags.length) list.appendChild(el("li", "muted", "没有发现问题"));
    box.appendChild(list);

    if (item.transcript.length) {
      box.appendChild(el("h4", null, "对话记录"));
      var flaggedTurns = {};
      item.flags.forEach(function (f) { if (f.turn !== undefined) flaggedTurns[f.turn] = true; });
      var emotionOf = {};
      item.emotions.forEach(function (e) { emotionOf[e.turn] = e.emotion; });
      var transcript = el("div", "quality-transcript");
      item.transcript.forEach(function (t, index) {
        var row = el("div", "msg from-" + t.role + (flaggedTurns[index] ? " flagged" : ""));
        var who = (ROLES[t.role] || t.role) + (t.agent ? " " + t.agent : "") + " · " + time(t.at);
        if (emotionOf[index]) who += " · " + EMOTIONS[emotionOf[index]];
        row.appendChild(el("div", "who", who));
        row.appendChild(el("div", "text", t.text));
        transcript.appendChild(row);
      });
      box.appendChild(transcript);
    }

    box.appendChild(el("h4", null, "复核"));
    item.reviews.forEach(function (r) {
      box.appendChild(el("div", "muted", time(r.at) + " · " + r.reviewer + " · " + VERDICTS[r.verdict] + (r.note ? " · " + r.note : "")));
    });
    var form = el("form", "comment-form verdict-form");
    var verdict = el("select");
    verdict.setAttribute("aria-label", "复核结论");
    Object.keys(VERDICTS).forEach(function (key) {
      var option = el("option", null, VERDICTS[key]);
      option.value = key;
      verdict.appendChild(option);
    });
    var note = el("input");
    note.maxLength = 500;
    note.placeholder = "备注（选填）";
    note.setAttribute("aria-label", "复核备注");
    var save = el("button", "primary", "保存复核");
    save.type = "submit";
    var error = el("span", "error");
    [verdict, note, save, error].forEach(function (n) { form.appendChild(n); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/api/agent/quality/inspections/" + item.id + "/verdict", { verdict: verdict.value, note: note.value })
        .then(function () { openInspection(item.id); })
        .catch(function (e) { error.textContent = e.message; });
    });
    box.appendChild(form);
  }

  // -- word lists --------------------------------------------------------------------------

  function openWords() {
    openId = null;
    var box = $("quality-detail");
    clear(box);
    var panel = $("quality-words-form").content.firstElementChild.cloneNode(true);
    box.appendChild(panel);
    var form = panel.querySelector("form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/api/agent/quality/words", { category: form.elements.category.value, phrase: form.elements.phrase.value })
        .then(function () { form.elements.phrase.value = ""; loadWords(panel); })
        .catch(function (e) { panel.querySelector(".quality-word-error").textContent = e.message; });
    });
    loadWords(panel);
  }

  function loadWords(panel) {
    api("GET", "/api/agent/quality/words").then(function (data) {
      var select = panel.querySelector("select");
      if (!select.options.length) {
        data.categories.forEach(function (c) {
          var option = el("option", null, c.label);
          option.value = c.key;
          select.appendChild(option);
        });
      }
      var groups = panel.querySelector(".quality-word-groups");
      clear(groups);
      data.categories.forEach(function (c) {
        var group = el("div", "word-group");
        group.appendChild(el("h4", null, c.label));
        data.words.filter(function (w) { return w.category === c.key; }).forEach(function (w) {
          var chip = el("span", "word-chip" + (w.enabled ? "" : " off"));
          chip.appendChild(el("span", null, w.phrase));
          var toggle = el("button", "link", w.enabled ? "停用" : "启用");
          toggle.type = "button";
          toggle.addEventListener("click", function () {
            api("POST", "/api/agent/quality/words/" + w.id, { enabled: !w.enabled }).then(function () { loadWords(panel); });
          });
          var remove = el("button", "link", "删除");
          remove.type = "button";
          remove.setAttribute("aria-label", "删除 " + w.phrase);
          remove.addEventListener("click", function () {
            api("DELETE", "/api/agent/quality/words/" + w.id).then(function () { loadWords(panel); });
          });
          chip.appendChild(toggle);
          chip.appendChild(remove);
          group.appendChild(chip);
        });
        groups.appendChild(group);
      });
    }).catch(function (e) { panel.querySelector(".quality-word-error").textContent = e.message; });
  }

  // -- flags on live replies in the conversation view ------------------------------------

  function markReplies(handoffNo) {
    if (!supervisor()) return;
    api("GET", "/api/agent/quality/handoffs/" + encodeURIComponent(handoffNo) + "/replies").then(function (data) {
      data.replies.forEach(function (r) {
        var row = document.querySelector('#messages [data-message-id="' + r.message_id + '"]');
        if (!row || !r.flags.length || row.querySelector(".reply-flags")) return;
        row.appendChild(el("div", "reply-flags", "质检：" + r.flags.map(flagText).join("；")));
      });
    }).catch(function () {});
  }

  // -- wiring --------------------------------------------------------------------------------

  $("quality-week").addEventListener("change", loadQueue);
  $("quality-words-open").addEventListener("click", openWords);

  document.addEventListener("workbench:ready", function (event) {
    me = event.detail.agent;
    if (!$("quality-week").value) $("quality-week").value = isoWeek(new Date());
  });
  document.addEventListener("workbench:refresh", function (event) {
    if (event.detail.tab === "quality") loadQueue();
  });
  document.addEventListener("workbench:messages", function (event) { markReplies(event.detail.handoff_no); });
  document.addEventListener("workbench:logout", function () { me = null; openId = null; });
})();
