/*
 * Tickets in the workbench: the work queue (priority, category, due time, overdue
 * flags), a ticket's detail with assignment to an agent or a skill group, states,
 * internal comments, public updates and the resolution the customer reads; the contact
 * number in full for the assignee (each view is audited by the desk); skill groups,
 * edited by supervisors. Follows the workbench through its "workbench:*" events.
 * All data is inserted as text.
 */
(function () {
  "use strict";

  var common = window.WorkbenchCommon;
  var el = common.el;
  var clear = common.clear;
  var time = common.time;
  var api = common.api;

  var CATEGORIES = {
    after_sales: "售后", invoice: "发票", logistics: "物流", order: "订单", payment: "支付",
    account: "账户", complaint: "投诉", other: "其他",
  };
  var SKILLS = { after_sales: "售后", invoices: "发票", logistics: "物流", vip: "VIP" };
  var REASONS = { vip: "VIP", complaint: "投诉", repeat_contact: "重复来访" };
  var SLA = { overdue: "已超时", due_soon: "即将到期" };
  var STATES = [["open", "待处理"], ["in_progress", "处理中"], ["resolved", "已解决"], ["closed", "已关闭"]];
  var INTENTS = {
    request_human: "转人工", query_order: "查订单", query_logistics: "查物流", modify_order: "改订单",
    cancel_order: "取消订单", request_refund: "退款", request_return_exchange: "退换货",
    request_invoice: "发票", query_payment: "支付", account_help: "账户", complain: "投诉",
  };

  var me = null;
  var selected = null;
  var showingSkills = false;

  function $(id) { return document.getElementById(id); }
  function button(text, onClick, className) {
    var b = el("button", className || null, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function path(no, tail) { return "/api/agent/tickets/" + encodeURIComponent(no) + (tail || ""); }

  function pairs(rows) {
    var dl = el("dl");
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "") return;
      dl.appendChild(el("dt", null, r[0]));
      dl.appendChild(el("dd", null, r[1]));
    });
    return dl;
  }

  function showError(box, e) {
    var p = box.querySelector(".ticket-error");
    if (p) p.textContent = e.message;
  }

  // -- the queue -------------------------------------------------------------------

  function load() {
    if (!me) return;
    var query = ["mine=" + $("ticket-mine").checked, "overdue=" + $("ticket-overdue").checked];
    if ($("ticket-state").value) query.push("state=" + $("ticket-state").value);
    if ($("ticket-group").value) query.push("group=" + $("ticket-group").value);
    api("GET", "/api/agent/tickets?" + query.join("&")).then(function (data) {
      var rows = $("ticket-rows");
      clear(rows);
      data.tickets.forEach(function (t) { rows.appendChild(row(t)); });
      if (!data.tickets.length) {
        var tr = el("tr");
        var td = el("td", "empty", "没有工单");
        td.colSpan = 7;
        tr.appendChild(td);
        rows.appendChild(tr);
      }
      if (selected && !showingSkills) open(selected);
    }).catch(function () {});
  }

  function row(t) {
    var tr = el("tr", (t.ticket_no === selected ? "selected " : "") + (t.sla ? "sla-" + t.sla : ""));
    var first = el("td");
    first.appendChild(button(t.ticket_no, function () { selected = t.ticket_no; showingSkills = false; load(); }, "link"));
    tr.appendChild(first);
    var priority = el("td");
    (t.priority_reasons || []).forEach(function (r) { priority.appendChild(el("span", "badge reason-" + r, REASONS[r] || r)); });
    tr.appendChild(priority);
    tr.appendChild(el("td", null, CATEGORIES[t.category] || t.category));
    tr.appendChild(el("td", null, t.state_label));
    tr.appendChild(el("td", null, t.assignee || (t.skill_group ? SKILLS[t.skill_group] + "组" : "未分配")));
    var due = el("td", null, time(t.due_at));
    if (t.sla) due.appendChild(el("span", "badge sla " + t.sla, SLA[t.sla]));
    tr.appendChild(due);
    tr.appendChild(el("td", null, t.subject));
    return tr;
  }

  // -- one ticket ------------------------------------------------------------------

  function open(no) {
    Promise.all([api("GET", path(no)), api("GET", "/api/agent/agents")])
      .then(function (results) { render(results[0], results[1].agents); })
      .catch(function () {});
  }

  function summaryOf(text) {
    try {
      var summary = JSON.parse(text);
      return summary && summary.transcript ? summary : null;
    } catch (e) {
      return null;
    }
  }

  function render(t, agents) {
    var box = $("ticket-detail");
    clear(box);
    box.appendChild(el("h3", null, t.ticket_no + " · " + t.subject));
    var summary = summaryOf(t.description || "");
    box.appendChild(pairs([
      ["状态", t.state_label],
      ["处理人", t.assignee || "未分配"],
      ["技能组", t.skill_group ? SKILLS[t.skill_group] : "通用"],
      ["分类", CATEGORIES[t.category] || t.category],
      ["优先级", (t.priority_reasons || []).map(function (r) { return REASONS[r] || r; }).join("、") || "普通"],
      ["到期时间", time(t.due_at) + (t.sla ? "（" + SLA[t.sla] + "）" : "")],
      ["客户", t.customer ? t.customer.name + " " + t.customer.phone : "匿名"],
      ["订单号", t.order_no],
      ["用户留言", t.message],
      ["联系电话", t.contact_phone],
      ["联系方式", t.contact],
      ["希望回电", t.callback_time],
      ["来源", t.source === "agent" ? "客服创建" : "用户留言"],
      ["创建时间", time(t.created_at)],
    ]));
    if (t.contact_phone) {
      var reveal = el("p", "ticket-phone");
      reveal.appendChild(button("查看完整号码", function () {
        api("GET", path(t.ticket_no, "/contact")).then(function (data) {
          clear(reveal);
          reveal.appendChild(el("strong", "full-phone", data.contact_phone));
          reveal.appendChild(el("span", "muted", " （已记录查看）"));
        }).catch(function (e) { reveal.appendChild(el("span", "error", " " + e.message)); });
      }));
      box.appendChild(reveal);
    }
    if (summary) {
      var transcript = el("div", "description");
      transcript.appendChild(pairs([["用户意图", (summary.intents || []).map(function (i) { return INTENTS[i] || i; }).join(" → ")]]));
      summary.transcript.forEach(function (m) {
        var line = el("div", "msg from-" + (m.from === "user" ? "user" : "bot"));
        line.appendChild(el("div", "who", m.from === "user" ? "用户" : "机器人"));
        line.appendChild(el("div", "text", m.text));
        transcript.appendChild(line);
      });
      box.appendChild(transcript);
    } else if (t.description) {
      box.appendChild(el("pre", "description", t.description));
    }
    box.appendChild(controls(t, agents));
    box.appendChild(el("h4", null, "处理记录"));
    t.comments.forEach(function (c) {
      var line = el("div", "msg " + (c.public ? "from-agent" : "from-note"));
      line.appendChild(el("div", "who", c.author + " · " + time(c.time) + (c.public ? " · 客户可见" : " · 内部")));
      line.appendChild(el("div", "text", c.text));
      box.appendChild(line);
    });
    box.appendChild(commentForm(t));
    box.appendChild(resolveForm(t));
    box.appendChild(el("p", "error ticket-error"));
  }

  function controls(t, agents) {
    var box = el("div", "ticket-controls");
    var assign = el("select");
    assign.setAttribute("aria-label", "分配给");
    agents.forEach(function (a) {
      var o = el("option", null, a.name);
      o.value = "agent:" + a.username;
      o.selected = a.username === t.assignee_username;
      assign.appendChild(o);
    });
    Object.keys(SKILLS).forEach(function (s) {
      var o = el("option", null, SKILLS[s] + "组");
      o.value = "group:" + s;
      o.selected = !t.assignee_username && s === t.skill_group;
      assign.appendChild(o);
    });
    var assignButton = button("分配", function () {
      var parts = assign.value.split(":");
      var body = parts[0] === "group" ? { group: parts[1] } : { to: parts[1] };
      api("POST", path(t.ticket_no, "/assign"), body).then(load).catch(function (e) { showError($("ticket-detail"), e); });
    });
    var state = el("select");
    state.setAttribute("aria-label", "工单状态");
    STATES.forEach(function (s) {
      var o = el("option", null, s[1]);
      o.value = s[0];
      o.selected = s[0] === t.state;
      state.appendChild(o);
    });
    var stateButton = button("更新状态", function () {
      api("POST", path(t.ticket_no, "/state"), { state: state.value }).then(load).catch(function (e) { showError($("ticket-detail"), e); });
    });
    [assign, assignButton, state, stateButton].forEach(function (n) { box.appendChild(n); });
    return box;
  }

  function commentForm(t) {
    var form = el("form", "comment-form");
    var input = el("textarea");
    input.rows = 2;
    input.maxLength = 2000;
    input.placeholder = "添加处理记录";
    input.setAttribute("aria-label", "处理记录");
    var publicLabel = el("label", "inline");
    var publicBox = el("input");
    publicBox.type = "checkbox";
    publicLabel.appendChild(publicBox);
    publicLabel.appendChild(document.createTextNode(" 客户可见"));
    var submit = el("button", "primary", "添加");
    submit.type = "submit";
    [input, publicLabel, submit].forEach(function (n) { form.appendChild(n); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) return;
      api("POST", path(t.ticket_no, "/comments"), { text: input.value, public: publicBox.checked })
        .then(load).catch(function (e) { showError($("ticket-detail"), e); });
    });
    return form;
  }

  function resolveForm(t) {
    var form = el("form", "comment-form resolve-form");
    var input = el("textarea");
    input.rows = 2;
    input.maxLength = 2000;
    input.value = t.resolution || "";
    input.placeholder = "给客户的处理结果（客户会在对话中看到）";
    input.setAttribute("aria-label", "处理结果");
    var submit = el("button", "primary", "解决并通知客户");
    submit.type = "submit";
    form.appendChild(input);
    form.appendChild(submit);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) return;
      api("POST", path(t.ticket_no, "/resolve"), { text: input.value }).then(load).catch(function (e) { showError($("ticket-detail"), e); });
    });
    return form;
  }

  // -- new ticket ------------------------------------------------------------------

  $("new-ticket").addEventListener("click", function () {
    showingSkills = false;
    var box = $("ticket-detail");
    clear(box);
    var form = $("new-ticket-form").content.firstElementChild.cloneNode(true);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {};
      Array.prototype.forEach.call(form.elements, function (e) { if (e.name) body[e.name] = e.value.trim() || null; });
      body.description = body.description || "";
      body.contact = body.contact || "";
      api("POST", "/api/agent/tickets", body).then(function (t) {
        selected = t.ticket_no;
        load();
      }).catch(function (e) { alert(e.message); });
    });
    box.appendChild(form);
  });

  // -- skill groups ----------------------------------------------------------------

  $("ticket-skills").addEventListener("click", function () {
    showingSkills = true;
    api("GET", "/api/agent/skills").then(renderSkills).catch(function () {});
  });

  function renderSkills(data) {
    var box = $("ticket-detail");
    clear(box);
    box.appendChild(el("h3", null, "技能组"));
    var editable = me && me.role === "supervisor";
    var table = el("table", "skills-table");
    var head = el("tr");
    ["客服", "状态"].concat(data.skills.map(function (s) { return SKILLS[s] || s; })).forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(head);
    data.agents.forEach(function (a) {
      var tr = el("tr");
      tr.appendChild(el("td", null, a.name));
      tr.appendChild(el("td", null, { online: "在线", away: "离开", offline: "离线" }[a.status] || a.status));
      data.skills.forEach(function (s) {
        var td = el("td");
        var box = el("input");
        box.type = "checkbox";
        box.checked = a.skills.indexOf(s) >= 0;
        box.disabled = !editable;
        box.setAttribute("aria-label", a.name + " " + (SKILLS[s] || s));
        box.addEventListener("change", function () {
          var chosen = data.skills.filter(function (k) {
            return k === s ? box.checked : a.skills.indexOf(k) >= 0;
          });
          api("POST", "/api/agent/admin/agents/" + encodeURIComponent(a.username) + "/skills", { skills: chosen })
            .then(function (saved) { a.skills = saved.skills; })
            .catch(function (e) { box.checked = !box.checked; alert(e.message); });
        });
        td.appendChild(box);
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    box.appendChild(table);
    if (!editable) box.appendChild(el("p", "muted", "只有主管可以修改技能组。"));
  }

  ["ticket-state", "ticket-group", "ticket-mine", "ticket-overdue"].forEach(function (id) {
    $(id).addEventListener("change", load);
  });
  document.addEventListener("workbench:ready", function (event) { me = event.detail.agent; });
  document.addEventListener("workbench:logout", function () { me = null; selected = null; });
  document.addEventListener("workbench:refresh", function (event) {
    if (event.detail.tab === "tickets") load();
  });
})();
