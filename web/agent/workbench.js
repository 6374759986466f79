/*
 * Agent workbench: queue, live chat, customer context, audit log (tickets: tickets.js).
 * Live updates come from /api/agent/events (server-sent events); every change re-reads
 * the affected views through the ordinary API. All data is inserted as text.
 */
(function () {
  "use strict";

  var common = window.WorkbenchCommon;
  var el = common.el;
  var clear = common.clear;
  var time = common.time;

  var TOKEN_KEY = "workbench:token";
  var token = sessionStorage.getItem(TOKEN_KEY);
  var me = null;
  var selected = null; // handoff_no
  var activeTab = "chats";
  var events = null;

  var TRIGGERS = {
    user_request: "用户要求转人工",
    complaint: "投诉",
    repeated_failure: "机器人多次未理解",
    form_failure: "信息多次填写有误",
    backend_error: "系统查询失败",
  };
  var SLOTS = {
    task: "诉求", order_no: "订单号", order_status: "订单状态", order_items: "商品",
    reason: "原因", aftersale_type: "售后类型", request_no: "售后单号", product: "咨询商品",
    lookup_result: "查询结果", refusal: "办理结果",
  };
  var INTENTS = {
    greet: "问候", goodbye: "再见", thank: "感谢", affirm: "肯定", deny: "否定",
    request_human: "转人工", query_order: "查订单", query_logistics: "查物流",
    modify_order: "改订单", cancel_order: "取消订单", request_refund: "退款",
    request_return_exchange: "退换货", request_invoice: "发票", query_payment: "支付",
    account_help: "账户", product_inquiry: "商品咨询", complain: "投诉", inform: "提供信息",
    rate_service: "评价", faq: "常见问题", chitchat: "闲聊", out_of_scope: "超出范围",
    nlu_fallback: "未理解", bot_challenge: "问是否机器人",
  };
  var STATES = { queued: "排队中", serving: "接待中", closed: "已结束", cancelled: "已取消" };
  var SYSTEM = { joined: "{agent} 已接入", transferred: "已转接给 {agent}", closed: "{agent} 结束了会话" };
  var CANNED = [
    "您好，我是人工客服，很高兴为您服务，请问有什么可以帮您？",
    "您的问题我已经了解，正在为您查询，请稍等 1-2 分钟。",
    "已为您加急处理，处理结果会通过短信通知您。",
    "退款会在审核通过后 1-3 个工作日原路退回。",
    "很抱歉给您带来不便，我们会尽快为您解决。",
    "快递已催促，预计 24 小时内更新物流信息。",
    "请问还有其他可以帮您的吗？",
    "感谢您的耐心等待，祝您生活愉快！",
  ];

  function $(id) { return document.getElementById(id); }
  // Other parts of the page (quality.js, quality-alerts.js) follow the workbench
  // through these events and open a conversation with "workbench:open".
  function emit(name, detail) { document.dispatchEvent(new CustomEvent("workbench:" + name, { detail: detail || {} })); }

  function api(method, path, body) {
    return common.api(method, path, body, path === "/api/agent/login" ? null : showLogin);
  }

  // -- login ---------------------------------------------------------------------

  function showLogin() {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    clearTimeout(reconnectTimer);
    if (events) events.close();
    $("app").hidden = true;
    $("login").hidden = false;
    $("username").focus();
    emit("logout");
  }

  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("login-error").textContent = "";
    api("POST", "/api/agent/login", { username: $("username").value.trim(), password: $("password").value })
      .then(function (data) {
        token = data.token;
        sessionStorage.setItem(TOKEN_KEY, token);
        $("password").value = "";
        return api("POST", "/api/agent/status", { status: "online" });
      })
      .then(start)
      .catch(function (e) { $("login-error").textContent = e.message; });
  });

  $("logout").addEventListener("click", function () {
    api("POST", "/api/agent/status", { status: "offline" })
      .then(function () { return api("POST", "/api/agent/logout"); })
      .finally(showLogin);
  });

  $("status").addEventListener("change", function () {
    api("POST", "/api/agent/status", { status: $("status").value }).then(function (agent) { me = agent; showMe(); });
  });

  function showMe() {
    $("me").textContent = me.name + (me.role === "supervisor" ? "（主管）" : "") + " · 最多同时接待 " + me.max_concurrent;
    $("status").value = me.status;
    $("audit-tab").hidden = me.role !== "supervisor";
    Array.prototype.forEach.call(document.querySelectorAll("[data-supervisor-only]"), function (n) { n.hidden = me.role !== "supervisor"; });
    $("serving-title").firstChild.textContent = me.role === "supervisor" ? "进行中的会话 " : "我的会话 ";
  }

  function start(agent) {
    me = agent;
    $("login").hidden = true;
    $("app").hidden = false;
    showMe();
    connectEvents();
    refresh();
    emit("ready", { agent: me });
  }

  // The stream opens with a one-time ticket (the agent token never goes into a URL);
  // a ticket opens one stream only, so every reconnect asks for a new one.
  var reconnectTimer = null;
  function connectEvents() {
    if (events) events.close();
    events = null;
    clearTimeout(reconnectTimer);
    api("POST", "/api/agent/events/ticket").then(function (data) {
      if (!token) return;
      var stream = new EventSource("/api/agent/events?ticket=" + encodeURIComponent(data.ticket));
      events = stream;
      stream.addEventListener("change", refresh);
      stream.onopen = function () { $("live").className = "live"; $("live").textContent = "● 实时"; };
      stream.onerror = function () {
        stream.close();
        if (events !== stream) return;
        $("live").className = "live live-off"; $("live").textContent = "● 重连中";
        reconnectTimer = setTimeout(connectEvents, 2000);
      };
    }).catch(function () {
      if (!token) return;
      $("live").className = "live live-off"; $("live").textContent = "● 重连中";
      reconnectTimer = setTimeout(connectEvents, 2000);
    });
  }

  function refresh() {
    loadQueue();
    if (selected) loadDetail(selected);
    if (activeTab === "audit") loadAudit();
    if (activeTab === "kb") loadKb();
    emit("refresh", { tab: activeTab, selected: selected });
  }

  // -- tabs ----------------------------------------------------------------------

  Array.prototype.forEach.call(document.querySelectorAll("[data-tab]"), function (tab) {
    tab.addEventListener("click", function () {
      activeTab = tab.dataset.tab;
      Array.prototype.forEach.call(document.querySelectorAll("[data-tab]"), function (t) {
        t.setAttribute("aria-selected", t === tab ? "true" : "false");
      });
      Array.prototype.forEach.call(document.querySelectorAll("[data-tab]"), function (t) { $("tab-" + t.dataset.tab).hidden = t !== tab; });
      refresh();
    });
  });

  // -- queue ---------------------------------------------------------------------

  function who(h) {
    return h.customer ? h.customer.name + " " + h.customer.phone : "匿名访客";
  }

  function queueItem(h, waiting) {
    var li = el("li", "item" + (h.handoff_no === selected ? " selected" : ""));
    var button = el("button", "item-button");
    button.type = "button";
    var line = el("div", "item-line");
    line.appendChild(el("strong", null, who(h)));
    if (h.customer && h.customer.level === "vip") line.appendChild(el("span", "badge vip", "VIP"));
    if (h.urgent) line.appendChild(el("span", "badge urgent", "加急"));
    if (waiting && me && h.offered_to === me.username) line.appendChild(el("span", "badge offered", "分配给我"));
    button.appendChild(line);
    var meta = TRIGGERS[h.trigger] || h.trigger;
    meta += waiting ? " · 第 " + h.position + " 位 · 约 " + h.estimated_wait_minutes + " 分钟" : " · " + (h.agent || "");
    button.appendChild(el("div", "item-meta", meta + " · " + time(h.created_at)));
    button.addEventListener("click", function () { select(h.handoff_no); });
    li.appendChild(button);
    return li;
  }

  function loadQueue() {
    api("GET", "/api/agent/queue").then(function (q) {
      var queued = $("queued"), serving = $("serving");
      clear(queued);
      clear(serving);
      q.queued.forEach(function (h) { queued.appendChild(queueItem(h, true)); });
      q.serving.forEach(function (h) { serving.appendChild(queueItem(h, false)); });
      if (!q.queued.length) queued.appendChild(el("li", "empty", "暂无排队"));
      if (!q.serving.length) serving.appendChild(el("li", "empty", "暂无会话"));
      $("queued-count").textContent = q.queued.length;
      $("serving-count").textContent = q.serving.length;
    }).catch(function () {});
  }

  document.addEventListener("workbench:open", function (event) {
    var chats = document.querySelector('[data-tab="chats"]');
    if (activeTab !== "chats") chats.click();
    select(event.detail.handoff_no);
  });

  function select(handoffNo) {
    selected = handoffNo;
    $("reply-error").textContent = "";
    loadQueue();
    loadDetail(handoffNo);
    loadColleagues();
  }

  // -- conversation ----------------------------------------------------------------

  var lastRendered = null;

  function loadDetail(handoffNo) {
    api("GET", "/api/agent/handoffs/" + encodeURIComponent(handoffNo)).then(function (h) {
      if (handoffNo !== selected) return;
      $("no-selection").hidden = true;
      $("chat").hidden = false;
      $("chat-title").textContent = who(h) + " · " + h.handoff_no;
      $("chat-meta").textContent = STATES[h.state] + (h.agent ? " · " + h.agent : "") + " · " + (TRIGGERS[h.trigger] || h.trigger);
      var canAct = h.state === "serving" && (h.mine || me.role === "supervisor");
      $("claim").hidden = h.state !== "queued";
      ["transfer", "transfer-to", "close", "resolution", "send", "reply"].forEach(function (id) { $(id).disabled = !canAct; });
      var fingerprint = h.handoff_no + ":" + h.messages.length + ":" + h.state;
      if (fingerprint !== lastRendered) {
        lastRendered = fingerprint;
        renderMessages(h);
        renderContext(h);
      }
    }).catch(function (e) { $("reply-error").textContent = e.message; });
  }

  // A button click reaches the transcript as its payload (/intent{...}).
  function buttonLabel(text) {
    var match = /^\/([A-Za-z_]+)(\{.*\})?$/.exec(text || "");
    if (!match) return text;
    var label = "［点击按钮］" + (INTENTS[match[1]] || match[1]);
    try {
      var values = match[2] ? JSON.parse(match[2]) : {};
      var shown = Object.keys(values).map(function (k) { return values[k]; }).join(" ");
      return shown ? label + "：" + shown : label;
    } catch (e) {
      return label;
    }
  }

  function transcriptRow(m) {
    var row = el("div", "msg from-" + (m.from === "user" ? "user" : "bot"));
    row.appendChild(el("div", "who", m.from === "user" ? "用户" : "机器人"));
    row.appendChild(el("div", "text", m.from === "user" ? buttonLabel(m.text) : m.text));
    return row;
  }

  function renderMessages(h) {
    var box = $("messages");
    clear(box);
    var transcript = (h.summary && h.summary.transcript) || [];
    if (transcript.length) {
      box.appendChild(el("div", "divider", "机器人对话记录"));
      transcript.forEach(function (m) { box.appendChild(transcriptRow(m)); });
      box.appendChild(el("div", "divider", "人工服务"));
    }
    h.messages.forEach(function (m) {
      if (m.author === "system") {
        box.appendChild(el("div", "divider", (SYSTEM[m.text] || m.text).replace("{agent}", m.agent || "") + " · " + time(m.time)));
        return;
      }
      var row = el("div", "msg from-" + m.author);
      row.dataset.messageId = m.id;
      var label = { user: "用户", agent: m.agent || "客服", note: "内部备注 · " + (m.agent || "") }[m.author];
      row.appendChild(el("div", "who", label + " · " + time(m.time)));
      row.appendChild(el("div", "text", m.text));
      box.appendChild(row);
    });
    box.scrollTop = box.scrollHeight;
    emit("messages", { handoff_no: h.handoff_no });
  }

  function section(title) {
    var s = el("section", "ctx");
    s.appendChild(el("h3", null, title));
    return s;
  }

  function pairs(rows) {
    var dl = el("dl");
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "") return;
      dl.appendChild(el("dt", null, r[0]));
      dl.appendChild(el("dd", null, r[1]));
    });
    return dl;
  }

  // Masked shipping fields, and for the serving agent or a supervisor a button that
  // shows them in full (POST …/reveal, written to the audit log).
  function shippingLine(h, o) {
    var line = el("div", "muted shipping");
    var text = el("span", null, "收货：" + [o.shipping.consignee, o.shipping.phone, o.shipping.address].join(" · "));
    line.appendChild(text);
    if (me.role === "supervisor" || (h.state === "serving" && h.mine)) {
      var button = el("button", "reveal", "查看完整收货信息");
      button.type = "button";
      button.title = "查看会记录在操作日志中";
      button.addEventListener("click", function () {
        api("POST", "/api/agent/handoffs/" + encodeURIComponent(h.handoff_no) + "/reveal", { order_no: o.order_no })
          .then(function (data) {
            text.textContent = "收货：" + [data.fields.consignee, o.shipping.phone, data.fields.address].join(" · ") + "（已记录查看）";
            button.remove();
          })
          .catch(function (e) { $("reply-error").textContent = e.message; });
      });
      line.appendChild(button);
    }
    return line;
  }

  function renderContext(h) {
    var box = $("context");
    clear(box);
    var s = h.summary || {};
    var summary = section("机器人摘要");
    summary.appendChild(pairs([
      ["转人工原因", TRIGGERS[s.trigger] || s.trigger],
      ["用户意图", (s.intents || []).map(function (i) { return INTENTS[i] || i; }).join(" → ")],
      ["已尝试自助", (s.self_service || []).join("、") || "无"],
    ]));
    var slots = s.slots || {};
    summary.appendChild(pairs(Object.keys(slots).map(function (k) { return [SLOTS[k] || k, slots[k]]; })));
    box.appendChild(summary);

    var c = h.context || {};
    var profile = section("客户资料");
    if (c.customer) {
      profile.appendChild(pairs([
        ["姓名", c.customer.name], ["手机", c.customer.phone],
        ["等级", c.customer.level === "vip" ? "VIP" : "普通会员"],
        ["注册时间", time(c.customer.registered_at)], ["订单数", c.customer.order_count],
      ]));
    } else {
      profile.appendChild(el("p", "muted", "匿名访客" + (c.mentioned_order ? "（已在机器人处验证订单 " + c.mentioned_order + "）" : "")));
    }
    box.appendChild(profile);

    var orders = section("订单");
    (c.orders || []).forEach(function (o) {
      var row = el("div", "ctx-row" + (o.order_no === c.mentioned_order ? " highlight" : ""));
      row.appendChild(el("strong", null, o.order_no));
      row.appendChild(el("span", null, " " + o.status_label + " · ¥" + o.total));
      row.appendChild(el("div", "muted", (o.first_item || "") + " · " + time(o.created_at)));
      if (o.shipping) row.appendChild(shippingLine(h, o));
      orders.appendChild(row);
    });
    if (!(c.orders || []).length) orders.appendChild(el("p", "muted", "无"));
    box.appendChild(orders);

    var sales = section("售后");
    (c.after_sales || []).forEach(function (a) {
      var row = el("div", "ctx-row");
      row.appendChild(el("strong", null, a.request_no));
      row.appendChild(el("span", null, " " + a.kind_label + " · " + a.state_label));
      row.appendChild(el("div", "muted", a.order_no + " · " + a.item + " · " + a.reason));
      sales.appendChild(row);
    });
    if (!(c.after_sales || []).length) sales.appendChild(el("p", "muted", "无"));
    box.appendChild(sales);

    var tickets = section("工单");
    (c.tickets || []).forEach(function (t) {
      var row = el("div", "ctx-row");
      row.appendChild(el("strong", null, t.ticket_no));
      row.appendChild(el("span", null, " " + t.state_label + " · " + t.subject));
      tickets.appendChild(row);
    });
    if (!(c.tickets || []).length) tickets.appendChild(el("p", "muted", "无"));
    box.appendChild(tickets);
  }

  function loadColleagues() {
    api("GET", "/api/agent/agents").then(function (data) {
      var select = $("transfer-to");
      clear(select);
      data.agents.forEach(function (a) {
        if (a.username === me.username) return;
        var option = el("option", null, a.name + (a.has_room ? "" : "（不可接待）"));
        option.value = a.username;
        option.disabled = !a.has_room;
        select.appendChild(option);
      });
    }).catch(function () {});
  }

  function act(promise) {
    $("reply-error").textContent = "";
    return promise.then(function (result) {
      if (result && result.delivered === false) $("reply-error").textContent = "已保存，但暂时没有送达用户（机器人服务不可用）。";
      lastRendered = null;
      refresh();
      return result;
    }).catch(function (e) { $("reply-error").textContent = e.message; });
  }

  $("claim").addEventListener("click", function () {
    act(api("POST", "/api/agent/handoffs/" + encodeURIComponent(selected) + "/claim"));
  });
  $("transfer").addEventListener("click", function () {
    if (!$("transfer-to").value) return;
    act(api("POST", "/api/agent/handoffs/" + encodeURIComponent(selected) + "/transfer", { to: $("transfer-to").value }));
  });
  $("close").addEventListener("click", function () {
    act(api("POST", "/api/agent/handoffs/" + encodeURIComponent(selected) + "/close", { resolution: $("resolution").value }));
  });

  function sendReply() {
    var text = $("reply").value.trim();
    if (!text) return;
    act(api("POST", "/api/agent/handoffs/" + encodeURIComponent(selected) + "/messages", { text: text, note: $("as-note").checked }))
      .then(function (result) { if (result) $("reply").value = ""; });
  }
  $("reply-form").addEventListener("submit", function (event) { event.preventDefault(); sendReply(); });
  $("reply").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); sendReply(); }
  });

  CANNED.forEach(function (text) { $("canned").appendChild(el("option", null, text)); });
  $("canned-filter").addEventListener("change", function () {
    var text = $("canned-filter").value;
    if (CANNED.indexOf(text) >= 0) {
      $("reply").value = ($("reply").value ? $("reply").value + "\n" : "") + text;
      $("canned-filter").value = "";
      $("reply").focus();
    }
  });

  // Tickets and skill groups live in tickets.js.

  // -- knowledge base ------------------------------------------------------------------

  var kbOpen = null; // entry id in the editor, or "new"

  function loadKb() {
    api("GET", "/api/agent/kb?q=" + encodeURIComponent($("kb-filter").value.trim())).then(function (data) {
      var rows = $("kb-rows");
      clear(rows);
      data.entries.forEach(function (e) {
        var tr = el("tr", e.id === kbOpen ? "selected" : "");
        var cell = el("td");
        var link = el("button", "link", e.question);
        link.type = "button";
        link.addEventListener("click", function () { openKb(e.id); });
        cell.appendChild(link);
        tr.appendChild(cell);
        [e.category, e.enabled ? "启用" : "停用", "v" + e.version, time(e.updated_at)].forEach(function (v) {
          tr.appendChild(el("td", null, v));
        });
        rows.appendChild(tr);
      });
    }).catch(function () {});
    loadMisses();
  }

  function loadMisses() {
    api("GET", "/api/agent/kb/misses").then(function (data) {
      var rows = $("kb-misses");
      clear(rows);
      data.misses.forEach(function (m) {
        var tr = el("tr");
        tr.appendChild(el("td", null, m.text));
        tr.appendChild(el("td", null, m.kind === "unhelpful" ? "没解决" : "未答出"));
        tr.appendChild(el("td", null, m.count));
        var actions = el("td");
        var create = el("button", null, "新建条目");
        create.type = "button";
        create.addEventListener("click", function () {
          showKbForm(null, { question: m.text, similar: [] }, m.id);
        });
        var attach = el("button", null, "加为当前条目的相似问法");
        attach.type = "button";
        attach.disabled = typeof kbOpen !== "number";
        attach.addEventListener("click", function () {
          api("POST", "/api/agent/kb/misses/" + m.id + "/resolve", { entry_id: kbOpen }).then(function () {
            openKb(kbOpen);
            loadMisses();
          });
        });
        actions.appendChild(create);
        actions.appendChild(attach);
        tr.appendChild(actions);
        rows.appendChild(tr);
      });
      if (!data.misses.length) {
        var tr = el("tr");
        var td = el("td", "empty", "暂无");
        td.colSpan = 4;
        tr.appendChild(td);
        rows.appendChild(tr);
      }
    }).catch(function () {});
  }

  function openKb(id) {
    kbOpen = id;
    api("GET", "/api/agent/kb/entries/" + id).then(function (entry) { showKbForm(entry, entry, null); loadMisses(); });
  }

  function localTime(iso) { return iso ? String(iso).slice(0, 16) : ""; }

  function showKbForm(entry, values, missId) {
    var box = $("kb-detail");
    clear(box);
    var form = $("kb-form").content.firstElementChild.cloneNode(true);
    var f = form.elements;
    form.querySelector(".kb-title").textContent = entry ? "编辑知识条目 #" + entry.id + "（v" + entry.version + "）" : "新建知识条目";
    f.category.value = values.category || "";
    f.question.value = values.question || "";
    f.similar.value = (values.similar || []).join("\n");
    f.answer.value = values.answer || "";
    f.answer_vip.value = (values.audiences || {}).vip || "";
    f.answer_new.value = (values.audiences || {}).new || "";
    f.tags.value = (values.tags || []).join(", ");
    f.valid_from.value = localTime(values.valid_from);
    f.valid_to.value = localTime(values.valid_to);
    f.enabled.checked = values.enabled !== false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {
        key: entry ? entry.key : null,
        category: f.category.value.trim() || "其他",
        question: f.question.value.trim(),
        similar: f.similar.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean),
        answer: f.answer.value.trim(),
        audiences: { vip: f.answer_vip.value.trim(), new: f.answer_new.value.trim() },
        tags: f.tags.value.split(/[,，\s]+/).filter(Boolean),
        valid_from: f.valid_from.value || null,
        valid_to: f.valid_to.value || null,
        enabled: f.enabled.checked,
      };
      var saving = entry
        ? api("PUT", "/api/agent/kb/entries/" + entry.id, body)
        : api("POST", "/api/agent/kb", body);
      saving.then(function (saved) {
        var done = missId ? api("POST", "/api/agent/kb/misses/" + missId + "/resolve", {}) : Promise.resolve();
        return done.then(function () { openKb(saved.id); loadKb(); });
      }).catch(function (e) { form.querySelector(".kb-error").textContent = e.message; });
    });
    if (entry && entry.history) {
      var history = form.querySelector(".kb-history");
      history.appendChild(el("h4", null, "修改记录"));
      entry.history.forEach(function (h) {
        history.appendChild(el("div", null, "v" + h.version + " · " + h.author + " · " + time(h.at) + " · " + h.snapshot.answer.slice(0, 40)));
      });
    }
    box.appendChild(form);
  }

  // Both retrieval channels, so staff see whether meaning or wording found the entry.
  function channelScores(h) {
    if (h.lexical === undefined) return "";
    var parts = [];
    if (h.dense !== null && h.dense !== undefined) parts.push("语义 " + h.dense.toFixed(2));
    parts.push("字面 " + h.lexical.toFixed(2));
    return "（" + parts.join(" · ") + "）";
  }

  function renderHits(list, hits, onPick, pickLabel) {
    clear(list);
    hits.forEach(function (h) {
      var li = el("li");
      li.appendChild(el("strong", null, h.question));
      li.appendChild(el("span", "muted", " 相似度 " + h.score.toFixed(2) + channelScores(h) + (h.enabled ? "" : "（停用）")));
      if (onPick) {
        var pick = el("button", null, pickLabel);
        pick.type = "button";
        pick.addEventListener("click", function () { onPick(h); });
        li.appendChild(pick);
      }
      list.appendChild(li);
    });
    if (!hits.length) list.appendChild(el("li", "muted", "没有找到相关条目"));
  }

  $("kb-filter").addEventListener("input", loadKb);
  $("kb-new").addEventListener("click", function () { kbOpen = "new"; showKbForm(null, {}, null); });
  $("kb-try").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = $("kb-try-q").value.trim();
    if (!q) return;
    api("GET", "/api/agent/kb/search?q=" + encodeURIComponent(q)).then(function (data) {
      renderHits($("kb-try-results"), data.hits, function (h) { openKb(h.id); }, "打开");
    });
  });
  $("kb-lookup").addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var q = $("kb-lookup").value.trim();
    if (!q) return;
    api("GET", "/api/agent/kb/search?q=" + encodeURIComponent(q)).then(function (data) {
      renderHits($("kb-lookup-results"), data.hits, function (h) {
        $("reply").value = ($("reply").value ? $("reply").value + "\n" : "") + h.answer;
        clear($("kb-lookup-results"));
        $("reply").focus();
      }, "插入答案");
    });
  });

  function download(format) {
    fetch("/api/agent/kb/export?format=" + format, { headers: { "X-Agent-Token": token } })
      .then(function (r) { return r.blob(); })
      .then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "kb." + format;
        a.click();
        URL.revokeObjectURL(a.href);
      });
  }
  $("kb-export-yaml").addEventListener("click", function () { download("yaml"); });
  $("kb-export-csv").addEventListener("click", function () { download("csv"); });
  $("kb-import").addEventListener("change", function () {
    var file = $("kb-import").files[0];
    if (!file) return;
    file.text().then(function (text) {
      var format = /\.csv$/i.test(file.name) ? "csv" : "yaml";
      return fetch("/api/agent/kb/import?format=" + format, {
        method: "POST",
        headers: { "Content-Type": "text/plain", "X-Agent-Token": token },
        body: text,
      }).then(function (r) { return r.json(); });
    }).then(function (result) {
      alert(result.error ? result.error.message : "导入完成：新建 " + result.created + " 条，更新 " + result.updated + " 条");
      loadKb();
    });
    $("kb-import").value = "";
  });

  // -- audit -------------------------------------------------------------------------

  function loadAudit() {
    api("GET", "/api/agent/audit").then(function (data) {
      var rows = $("audit-rows");
      clear(rows);
      data.entries.forEach(function (e) {
        var tr = el("tr");
        [time(e.at), e.actor, e.action, e.target, JSON.stringify(e.detail)].forEach(function (v) { tr.appendChild(el("td", null, v)); });
        rows.appendChild(tr);
      });
    }).catch(function () {});
  }

  // -- start -------------------------------------------------------------------------

  if (token) {
    api("GET", "/api/agent/me").then(start).catch(showLogin);
  } else {
    showLogin();
  }
})();
