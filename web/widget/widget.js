/*
 * Shop chat widget: one <script> tag plus ShopChat.init({...}).
 *
 *   <script src="http://127.0.0.1:8000/widget/widget.js"></script>
 *   <script>ShopChat.init({ socketUrl: "http://127.0.0.1:5005", customerToken: "…" });</script>
 *
 * It speaks Rasa's standard socket.io channel (session_request / user_uttered /
 * bot_uttered, session_persistence) and sends the customer token as message metadata.
 * The server issues the session id with a signed session token; the widget keeps both
 * and shows the token to rejoin the session and to the service desk's widget endpoints
 * (a stored id without a valid token gets a new session, so a history starts over).
 * Everything it shows is inserted as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  var MAX_LENGTH = 500;
  var HISTORY_LIMIT = 200;
  var TYPING_TIMEOUT_MS = 15000;
  var QUEUE_POLL_MS = 5000;
  var script = document.currentScript;
  var base = script ? script.src.replace(/[^/]*$/, "") : "/widget/";

  var defaults = {
    socketUrl: "http://127.0.0.1:5005",
    deskUrl: base.replace(/\/widget\/$/, ""),
    socketPath: "/socket.io",
    customerToken: null,
    title: "智能客服",
    subtitle: "7×24 小时在线",
    colors: { primary: "#e4393c", text: "#ffffff" },
    open: false,
    context: null, // { orderNo: "…", intent: "request_return_exchange" }
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clock(iso) {
    var d = iso ? new Date(iso) : new Date();
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.io) return resolve();
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function Store(scope) {
    var prefix = "shopchat:" + scope + ":";
    function get(key, fallback) {
      try {
        var value = localStorage.getItem(prefix + key);
        return value === null ? fallback : JSON.parse(value);
      } catch (e) {
        return fallback;
      }
    }
    function set(key, value) {
      try {
        localStorage.setItem(prefix + key, JSON.stringify(value));
      } catch (e) {
        /* private mode or full: the conversation still works, history is lost */
      }
    }
    return { get: get, set: set };
  }

  function ticketText(m) {
    return m.ticket_no ? "【工单 " + m.ticket_no + " 处理进展】" + m.text : m.text;
  }

  function Widget(config) {
    this.config = config;
    var scope = config.customerToken ? "c-" + config.customerToken.slice(0, 16) : "anon";
    this.store = Store(scope);
    // Both come from the server's session_confirm; until then there is no session.
    this.sessionId = this.store.get("session", null);
    this.sessionToken = this.store.get("session_token", null);
    this.history = this.store.get("history", []);
    this.handoff = this.store.get("handoff", null); // {state, agent, position, wait, lastId}
    this.contextSent = false;
    this.build();
    this.history.forEach(this.render.bind(this));
    this.showHandoff();
    if (config.open) this.toggle(true);
  }

  Widget.prototype.build = function () {
    var c = this.config;
    var root = el("div", "sc-root");
    root.style.setProperty("--sc-primary", c.colors.primary || defaults.colors.primary);
    root.style.setProperty("--sc-on-primary", c.colors.text || defaults.colors.text);

    var launcher = el("button", "sc-launcher", "客服");
    launcher.type = "button";
    launcher.setAttribute("aria-label", "打开客服对话");
    launcher.addEventListener("click", this.toggle.bind(this, undefined));

    var panel = el("section", "sc-panel");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", c.title);
    panel.hidden = true;

    var header = el("header", "sc-header");
    var titles = el("div", "sc-titles");
    titles.appendChild(el("div", "sc-title", c.title));
    this.subtitle = el("div", "sc-subtitle", c.subtitle);
    titles.appendChild(this.subtitle);
    var human = el("button", "sc-human", "转人工");
    human.type = "button";
    human.addEventListener("click", this.send.bind(this, "/request_human", "转人工"));
    var close = el("button", "sc-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "收起对话");
    close.addEventListener("click", this.toggle.bind(this, false));
    header.appendChild(titles);
    header.appendChild(human);
    header.appendChild(close);

    this.status = el("div", "sc-status");
    this.status.setAttribute("role", "status");
    this.status.hidden = true;
    this.banner = el("div", "sc-banner");
    this.banner.hidden = true;

    this.log = el("div", "sc-log");
    this.log.setAttribute("aria-live", "polite");
    this.log.tabIndex = 0;
    this.typing = el("div", "sc-typing", "对方正在输入…");
    this.typing.hidden = true;

    var form = el("form", "sc-form");
    this.input = el("textarea", "sc-input");
    this.input.rows = 1;
    this.input.placeholder = "请输入您的问题，回车发送";
    this.input.setAttribute("aria-label", "输入消息");
    this.input.maxLength = MAX_LENGTH + 100; // typing past the cap shows the hint
    this.counter = el("div", "sc-hint");
    this.counter.hidden = true;
    this.sendButton = el("button", "sc-send", "发送");
    this.sendButton.type = "submit";
    form.appendChild(this.input);
    form.appendChild(this.sendButton);
    var self = this;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitInput();
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submitInput();
      }
    });
    this.input.addEventListener("input", this.updateCounter.bind(this));

    panel.appendChild(header);
    panel.appendChild(this.status);
    panel.appendChild(this.banner);
    panel.appendChild(this.log);
    panel.appendChild(this.typing);
    panel.appendChild(this.counter);
    panel.appendChild(form);
    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(root);
    this.root = root;
    this.panel = panel;
    this.launcher = launcher;
  };

  Widget.prototype.toggle = function (open) {
    var show = open === undefined ? this.panel.hidden : open;
    this.panel.hidden = !show;
    this.launcher.hidden = show;
    if (show) {
      this.connect();
      this.input.focus();
      this.scroll();
    } else {
      this.launcher.focus();
    }
  };

  Widget.prototype.connect = function () {
    if (this.socket) return;
    var self = this;
    this.setStatus("正在连接客服…", "connecting");
    loadScript(base + "vendor/socket.io.min.js").then(function () {
      var socket = window.io(self.config.socketUrl, {
        path: self.config.socketPath,
        transports: ["websocket", "polling"],
        reconnectionDelayMax: 5000,
      });
      self.socket = socket;
      socket.on("connect", function () {
        self.confirmed = false;
        socket.emit("session_request", self.sessionId && self.sessionToken
          ? { session_id: self.sessionId, session_token: self.sessionToken }
          : {});
      });
      socket.on("session_confirm", function (data) {
        if (!data || typeof data.session_id !== "string") return;
        self.confirmSession(data.session_id, data.session_token);
        self.setStatus(null);
        self.catchUp();
        self.ticketUpdates();
        self.sendContext();
      });
      socket.on("disconnect", function () {
        self.setStatus("网络连接已断开，正在重新连接…", "offline");
      });
      socket.on("connect_error", function () {
        self.setStatus("暂时连不上客服，正在重试…", "offline");
      });
      socket.on("bot_uttered", self.receive.bind(self));
    }, function () {
      self.setStatus("客服组件加载失败，请刷新页面重试。", "offline");
    });
  };

  // A different id than the stored one is a new conversation: what was shown and any
  // queue place belonged to the old one.
  Widget.prototype.confirmSession = function (sessionId, token) {
    if (sessionId !== this.sessionId) {
      this.history = [];
      this.store.set("history", this.history);
      this.log.textContent = "";
      this.handoff = null;
      this.store.set("handoff", null);
      this.showHandoff();
    }
    this.sessionId = sessionId;
    this.sessionToken = token;
    this.store.set("session", sessionId);
    this.store.set("session_token", token);
    this.confirmed = true;
  };

  // Answers to a message left in this conversation that arrived while the chat was
  // closed (the socket delivers only to browsers online at the time).
  Widget.prototype.ticketUpdates = function () {
    var self = this;
    if (!this.sessionId) return;
    var seen = this.store.get("ticket_seen", 0);
    var url = this.config.deskUrl + "/api/widget/tickets/" + encodeURIComponent(this.sessionId) + "?after=" + seen;
    fetch(url, { headers: { "X-Widget-Session-Token": this.sessionToken || "" } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      (data && data.updates || []).forEach(function (u) {
        if (u.id <= self.store.get("ticket_seen", 0)) return;
        self.store.set("ticket_seen", u.id);
        self.add({ from: "agent", agent: u.agent, text: ticketText(u), time: u.time });
      });
    }).catch(function () { /* the next connection tries again */ });
  };

  // The desk serves a conversation's handoff only with its session token.
  Widget.prototype.deskFetch = function (path, options) {
    var url = this.config.deskUrl + "/api/widget/handoffs/" + encodeURIComponent(this.sessionId) + path;
    return fetch(url, Object.assign({ headers: { "X-Widget-Session-Token": this.sessionToken || "" } }, options));
  };

  Widget.prototype.setStatus = function (text, kind) {
    this.status.hidden = !text;
    this.status.textContent = text || "";
    this.status.className = "sc-status" + (kind ? " sc-status-" + kind : "");
    this.online = !text;
  };

  Widget.prototype.updateCounter = function () {
    var length = this.input.value.length;
    if (length > MAX_LENGTH) {
      this.counter.hidden = false;
      this.counter.textContent = "消息最多 " + MAX_LENGTH + " 字，当前 " + length + " 字，请删减后再发送。";
      this.counter.className = "sc-hint sc-hint-error";
    } else if (length > MAX_LENGTH - 50) {
      this.counter.hidden = false;
      this.counter.textContent = "还可以输入 " + (MAX_LENGTH - length) + " 字";
      this.counter.className = "sc-hint";
    } else {
      this.counter.hidden = true;
    }
  };

  Widget.prototype.submitInput = function () {
    var text = this.input.value.trim();
    if (!text) {
      this.input.value = "";
      return;
    }
    if (text.length > MAX_LENGTH) {
      this.updateCounter();
      return;
    }
    // A typed "/intent" would be read by Rasa as a button payload.
    var message = text.charAt(0) === "/" ? " " + text : text;
    if (this.send(message, text)) {
      this.input.value = "";
      this.updateCounter();
    }
  };

  Widget.prototype.send = function (message, shown) {
    if (!this.socket || !this.socket.connected || !this.confirmed) {
      this.connect();
      this.setStatus("还没有连上客服，消息未发送，请稍后再试。", "offline");
      return false;
    }
    var metadata = {};
    if (this.config.customerToken) metadata.customer_token = this.config.customerToken;
    this.socket.emit("user_uttered", {
      message: message,
      session_id: this.sessionId,
      metadata: metadata,
    });
    this.add({ from: "user", text: shown || message });
    this.setConfirming(false);
    if (!this.handoff || this.handoff.state !== "serving") this.showTyping(true);
    return true;
  };

  Widget.prototype.sendContext = function () {
    var context = this.config.context;
    if (this.contextSent || !context || !context.orderNo) return;
    this.contextSent = true;
    var orderNo = String(context.orderNo).replace(/[^0-9A-Za-z]/g, "").slice(0, 32);
    var intent = /^[a-z_]+$/.test(context.intent || "") ? context.intent : "query_order";
    // Once per tab: a reload of the same order page continues, it does not start over.
    var key = "shopchat:context:" + intent + ":" + orderNo;
    try {
      if (sessionStorage.getItem(key)) return;
      sessionStorage.setItem(key, "1");
    } catch (e) {
      /* without sessionStorage the context is sent on every load */
    }
    var labels = {
      request_return_exchange: "申请售后",
      request_refund: "申请退款",
      query_logistics: "查询物流",
      request_invoice: "开发票",
      query_order: "咨询订单",
    };
    this.send(
      "/" + intent + JSON.stringify({ order_no: orderNo }),
      (labels[intent] || "咨询订单") + "：" + orderNo
    );
  };

  Widget.prototype.showTyping = function (on) {
    var self = this;
    clearTimeout(this.typingTimer);
    this.typing.hidden = !on;
    if (on) {
      this.typingTimer = setTimeout(function () {
        self.typing.hidden = true;
      }, TYPING_TIMEOUT_MS);
    }
  };

  // One bot_uttered event: text (with or without quick replies), an attachment, or a
  // custom payload (the `data` of actions/widget_payload.py).
  Widget.prototype.receive = function (data) {
    if (!data || typeof data !== "object") return;
    this.showTyping(false);
    if (data.type === "handoff") return this.onHandoff(data);
    if (data.type === "agent_message") {
      if (data.update_id) this.store.set("ticket_seen", Math.max(this.store.get("ticket_seen", 0), data.update_id));
      return this.add({ from: "agent", agent: data.agent, text: ticketText(data), id: data.id });
    }
    if (data.type === "order_choices") {
      return this.add({ from: "bot", kind: "cards", orders: data.orders || [] });
    }
    if (data.type === "rating_request") {
      return this.add({ from: "bot", kind: "rating", scale: data.scale || 5 });
    }
    if (data.attachment && data.attachment.type === "image") {
      return this.add({ from: "bot", kind: "image", src: (data.attachment.payload || {}).src });
    }
    if (typeof data.text === "string") {
      var buttons = (data.quick_replies || []).map(function (b) {
        return { title: b.title, payload: b.payload };
      });
      this.add({ from: "bot", text: data.text, buttons: buttons });
    }
  };

  Widget.prototype.add = function (message) {
    message.time = message.time || new Date().toISOString();
    this.history.push(message);
    if (this.history.length > HISTORY_LIMIT) this.history = this.history.slice(-HISTORY_LIMIT);
    this.store.set("history", this.history);
    this.render(message, this.history.length - 1);
    if (message.buttons && message.buttons.length) this.setConfirming(isConfirmation(message.buttons));
    if (message.from === "agent" && message.id && this.handoff) {
      this.handoff.lastId = Math.max(this.handoff.lastId || 0, message.id);
      this.store.set("handoff", this.handoff);
    }
  };

  function isConfirmation(buttons) {
    return buttons.every(function (b) {
      return b.payload === "/affirm" || b.payload === "/deny";
    });
  }

  // While the bot waits for a yes/no, the two buttons are the answer; typing is paused
  // until one is clicked (the 转人工 button stays available).
  Widget.prototype.setConfirming = function (on) {
    this.input.disabled = on;
    this.sendButton.disabled = on;
    this.input.placeholder = on ? "请点击上方按钮确认" : "请输入您的问题，回车发送";
  };

  Widget.prototype.render = function (message, index) {
    var self = this;
    var row = el("div", "sc-row sc-from-" + message.from);
    if (message.from === "system") {
      row.appendChild(el("div", "sc-system", message.text));
      this.log.appendChild(row);
      return this.scroll();
    }
    var bubble = el("div", "sc-bubble");
    if (message.from === "agent") bubble.appendChild(el("div", "sc-agent-name", "人工客服 · " + (message.agent || "")));
    if (message.kind === "image") {
      var src = safeUrl(message.src);
      if (src) {
        var img = el("img", "sc-image");
        img.src = src;
        img.alt = "图片";
        bubble.appendChild(img);
      }
    } else if (message.kind === "cards") {
      bubble.classList.add("sc-cards");
      message.orders.forEach(function (order) {
        bubble.appendChild(self.card(order, index));
      });
    } else if (message.kind === "rating") {
      bubble.appendChild(this.ratingForm(message, index));
    } else {
      bubble.appendChild(el("div", "sc-text", message.text));
    }
    row.appendChild(bubble);
    row.appendChild(el("time", "sc-time", clock(message.time)));
    if (message.buttons && message.buttons.length) {
      var group = el("div", "sc-buttons");
      message.buttons.forEach(function (b) {
        var button = el("button", "sc-button", b.title);
        button.type = "button";
        button.disabled = !!message.answered;
        button.addEventListener("click", function () {
          if (self.send(b.payload, b.title)) self.answered(index, group);
        });
        group.appendChild(button);
      });
      row.appendChild(group);
    }
    this.log.appendChild(row);
    this.scroll();
  };

  Widget.prototype.answered = function (index, group) {
    if (this.history[index]) {
      this.history[index].answered = true;
      this.store.set("history", this.history);
    }
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
      b.disabled = true;
    });
  };

  Widget.prototype.card = function (order, index) {
    var self = this;
    var card = el("div", "sc-card");
    var head = el("div", "sc-card-head");
    head.appendChild(el("span", "sc-card-no", "订单 " + order.order_no));
    head.appendChild(el("span", "sc-card-status", order.status_label || order.status));
    card.appendChild(head);
    card.appendChild(el("div", "sc-card-item", order.item || ""));
    var foot = el("div", "sc-card-foot");
    foot.appendChild(el("span", "sc-card-amount", "¥" + order.total));
    foot.appendChild(el("span", "sc-card-date", String(order.created_at || "").slice(0, 10)));
    card.appendChild(foot);
    var actions = el("div", "sc-card-actions");
    var choose = el("button", "sc-button", "选这个订单");
    choose.type = "button";
    choose.addEventListener("click", function () {
      self.send(order.payload, "订单 " + order.order_no);
    });
    actions.appendChild(choose);
    card.appendChild(actions);
    return card;
  };

  Widget.prototype.ratingForm = function (message, index) {
    var self = this;
    var form = el("form", "sc-rating");
    form.appendChild(el("div", "sc-rating-title", "请为本次人工服务评分"));
    var stars = el("div", "sc-stars");
    stars.setAttribute("role", "radiogroup");
    stars.setAttribute("aria-label", "评分");
    var chosen = message.rating || 0;
    var buttons = [];
    var labels = ["非常不满意", "不满意", "一般", "满意", "非常满意"];
    for (var i = 1; i <= (message.scale || 5); i++) {
      (function (value) {
        var star = el("button", "sc-star", "★");
        star.type = "button";
        star.setAttribute("role", "radio");
        star.setAttribute("aria-label", value + " 分 " + labels[value - 1]);
        star.addEventListener("click", function () {
          chosen = value;
          paint();
        });
        buttons.push(star);
        stars.appendChild(star);
      })(i);
    }
    var label = el("div", "sc-rating-label");
    function paint() {
      buttons.forEach(function (b, n) {
        b.classList.toggle("sc-star-on", n < chosen);
        b.setAttribute("aria-checked", n + 1 === chosen ? "true" : "false");
      });
      label.textContent = chosen ? chosen + " 分 · " + labels[chosen - 1] : "点击星星打分";
    }
    var comment = el("textarea", "sc-rating-comment");
    comment.placeholder = "还有什么建议？（选填）";
    comment.maxLength = 200;
    comment.setAttribute("aria-label", "评价内容（选填）");
    var submit = el("button", "sc-button sc-primary", "提交评价");
    submit.type = "submit";
    form.appendChild(stars);
    form.appendChild(label);
    form.appendChild(comment);
    form.appendChild(submit);
    paint();
    if (message.answered) {
      Array.prototype.forEach.call(form.elements, function (e) {
        e.disabled = true;
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!chosen) {
        label.textContent = "请先点击星星打分";
        return;
      }
      var text = comment.value.replace(/\s+/g, " ").trim();
      var payload = "/rate_service" + JSON.stringify({ rating: String(chosen), rating_comment: text || "-" });
      if (self.send(payload, "评分：" + chosen + " 分" + (text ? "，" + text : ""))) {
        message.rating = chosen;
        self.answered(index, form);
        Array.prototype.forEach.call(form.elements, function (e) {
          e.disabled = true;
        });
      }
    });
    return form;
  };

  // Handoff mode: queued (position and wait, refreshed), serving (the agent's name),
  // then closed or cancelled (back to the bot).
  Widget.prototype.onHandoff = function (data) {
    var previous = this.handoff || {};
    if (data.state === "queued") {
      this.handoff = { state: "queued", position: data.position, wait: data.wait, lastId: previous.lastId || 0 };
    } else if (data.state === "serving") {
      this.handoff = { state: "serving", agent: data.agent, lastId: previous.lastId || 0 };
      if (data.transferred) this.add({ from: "system", text: "已为您转接给 " + data.agent });
    } else {
      this.handoff = null;
    }
    this.store.set("handoff", this.handoff);
    this.showHandoff();
  };

  Widget.prototype.showHandoff = function () {
    var self = this;
    var h = this.handoff;
    clearInterval(this.queueTimer);
    this.banner.textContent = "";
    this.banner.hidden = !h;
    this.root.classList.toggle("sc-handoff", !!h && h.state === "serving");
    this.subtitle.textContent = this.config.subtitle;
    if (!h) return;
    if (h.state === "queued") {
      this.banner.appendChild(
        el("span", "sc-banner-text", "正在排队转人工：您目前排在第 " + h.position + " 位，预计等待约 " + h.wait + " 分钟")
      );
      var cancel = el("button", "sc-button", "取消排队");
      cancel.type = "button";
      cancel.addEventListener("click", this.cancelQueue.bind(this));
      this.banner.appendChild(cancel);
      this.queueTimer = setInterval(function () {
        self.catchUp();
      }, QUEUE_POLL_MS);
    } else if (h.state === "serving") {
      this.banner.appendChild(el("span", "sc-banner-text", "人工客服 " + h.agent + " 正在为您服务"));
      this.subtitle.textContent = "人工客服 " + h.agent;
    }
  };

  // Asks the service desk for the queue place, and for agent messages a reload or a
  // lost connection missed (the socket delivers only to browsers online at the time).
  Widget.prototype.catchUp = function () {
    var self = this;
    if (!this.handoff || !this.sessionId) return;
    this.deskFetch("?after=" + (this.handoff.lastId || 0)).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (state) {
      if (!state || !self.handoff) return;
      state.messages.forEach(function (m) {
        if (m.author === "agent" && m.id > (self.handoff.lastId || 0)) {
          self.add({ from: "agent", agent: m.agent, text: m.text, id: m.id, time: m.time });
        }
      });
      if (state.state === "queued") {
        self.handoff.position = state.position;
        self.handoff.wait = state.estimated_wait_minutes;
      } else if (state.state === "serving") {
        self.handoff.state = "serving";
        self.handoff.agent = state.agent;
      } else {
        self.handoff = null;
      }
      self.store.set("handoff", self.handoff);
      self.showHandoff();
    }).catch(function () {
      /* the next poll tries again */
    });
  };

  Widget.prototype.cancelQueue = function () {
    var self = this;
    this.deskFetch("/cancel", { method: "POST" }).then(function (r) {
      if (r.ok) {
        self.handoff = null;
        self.store.set("handoff", null);
        self.showHandoff();
      } else {
        // Already taken by an agent or ended meanwhile: show what the desk says.
        self.catchUp();
      }
    }).catch(function () {
      self.add({ from: "system", text: "取消排队没有成功，请稍后再试。" });
    });
  };

  Widget.prototype.scroll = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  function injectStyles() {
    if (document.getElementById("sc-styles")) return;
    var link = document.createElement("link");
    link.id = "sc-styles";
    link.rel = "stylesheet";
    link.href = base + "widget.css";
    document.head.appendChild(link);
  }

  window.ShopChat = {
    init: function (options) {
      var config = Object.assign({}, defaults, options || {});
      config.colors = Object.assign({}, defaults.colors, (options || {}).colors || {});
      injectStyles();
      var start = function () {
        window.ShopChat.instance = new Widget(config);
      };
      if (document.body) start();
      else document.addEventListener("DOMContentLoaded", start);
    },
  };
})();
