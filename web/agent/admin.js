/*
 * Agent administration (supervisors): list, create, disable / enable, reset passwords
 * and set roles through /api/agent/admin/agents. Self-contained: workbench.js shows
 * the tab to supervisors (data-supervisor-only) and switches panels; this file learns
 * who is signed in from the "workbench:ready" event, reads the same session token and
 * fills the panel when its tab opens. All data is inserted as text.
 */
(function () {
  "use strict";

  var common = window.WorkbenchCommon;
  var el = common.el;
  var api = common.api;

  var ROLES = { agent: "客服", supervisor: "主管" };
  var STATUS = { online: "在线", away: "离开", offline: "离线" };
  var tab = document.getElementById("admin-tab");
  var rows = document.getElementById("admin-rows");
  var error = document.getElementById("admin-error");
  var form = document.getElementById("admin-create");
  var me = null;

  // The message comes after the list is drawn again, so the page is settled when it
  // shows (a redraw would drop what is typed in the list).
  function done(message) {
    return load().then(function () {
      error.className = "note";
      error.textContent = message;
    });
  }
  function failed(e) {
    error.className = "error";
    error.textContent = e.message;
  }

  function actionButton(label, onClick) {
    var button = el("button", null, label);
    button.type = "button";
    button.addEventListener("click", onClick);
    return button;
  }

  function row(a) {
    var path = "/api/agent/admin/agents/" + encodeURIComponent(a.username);
    var tr = el("tr", a.disabled ? "disabled" : null);
    tr.dataset.username = a.username;
    tr.appendChild(el("td", null, a.username));
    tr.appendChild(el("td", null, a.name));
    var roleCell = el("td");
    var role = el("select");
    role.setAttribute("aria-label", a.username + " 的角色");
    Object.keys(ROLES).forEach(function (value) {
      var option = el("option", null, ROLES[value]);
      option.value = value;
      option.selected = value === a.role;
      role.appendChild(option);
    });
    role.disabled = me && a.username === me.username;
    role.addEventListener("change", function () {
      api("POST", path + "/role", { role: role.value })
        .then(function () { done("已将 " + a.username + " 设为" + ROLES[role.value]); })
        .catch(function (e) { failed(e); load(); });
    });
    roleCell.appendChild(role);
    tr.appendChild(roleCell);
    tr.appendChild(el("td", null, (a.disabled ? "已停用" : STATUS[a.status] || a.status) + " · 最多 " + a.max_concurrent + " 个会话"));
    var actions = el("td", "admin-actions");
    if (!me || a.username !== me.username) {
      actions.appendChild(actionButton(a.disabled ? "启用" : "停用", function () {
        api("POST", path + (a.disabled ? "/enable" : "/disable"))
          .then(function () { done((a.disabled ? "已启用 " : "已停用 ") + a.username); })
          .catch(failed);
      }));
    }
    var password = el("input");
    password.type = "password";
    password.autocomplete = "new-password";
    password.placeholder = "新口令";
    password.maxLength = 200;
    password.setAttribute("aria-label", a.username + " 的新口令");
    actions.appendChild(password);
    actions.appendChild(actionButton("重置口令", function () {
      api("POST", path + "/password", { password: password.value })
        .then(function () { done("已重置 " + a.username + " 的口令，其登录已失效"); })
        .catch(failed);
    }));
    tr.appendChild(actions);
    return tr;
  }

  function load() {
    return api("GET", "/api/agent/admin/agents").then(function (data) {
      while (rows.firstChild) rows.removeChild(rows.firstChild);
      data.agents.forEach(function (a) { rows.appendChild(row(a)); });
    }).catch(failed);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {
      username: form.elements.username.value.trim(),
      name: form.elements.name.value.trim(),
      password: form.elements.password.value,
      role: form.elements.role.value,
      max_concurrent: Number(form.elements.max_concurrent.value) || 3,
    };
    api("POST", "/api/agent/admin/agents", body).then(function (a) {
      form.reset();
      done("已创建 " + a.username);
    }).catch(failed);
  });

  tab.addEventListener("click", function () {
    error.textContent = "";
    load();
  });

  document.addEventListener("workbench:ready", function (event) {
    me = event.detail.agent;
  });
})();
