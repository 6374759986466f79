/*
 * What every part of the workbench shares: building elements (data always as text),
 * short times, and calls to the desk's agent API with the signed-in agent's session
 * token. Loaded before the other workbench scripts.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "workbench:token";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function time(iso) { return iso ? String(iso).replace("T", " ").slice(5, 16) : ""; }

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  // onUnauthorized(status): called on 401 before the error is thrown (the workbench
  // shows its login form then).
  function api(method, path, body, onUnauthorized) {
    var current = token();
    return fetch(path, {
      method: method,
      headers: Object.assign({ "Content-Type": "application/json" }, current ? { "X-Agent-Token": current } : {}),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 401 && onUnauthorized) {
          onUnauthorized();
          throw new Error("请重新登录");
        }
        if (!r.ok) throw new Error((data.error && data.error.message) || "操作失败（" + r.status + "）");
        return data;
      });
    });
  }

  window.WorkbenchCommon = { TOKEN_KEY: TOKEN_KEY, el: el, clear: clear, time: time, token: token, api: api };
})();
