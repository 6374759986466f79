// The demo shop's page: pick a demo customer, list their orders, start the widget.
// A file of its own, not inline: the desk's Content-Security-Policy runs no inline script.
(function () {
  var params = new URLSearchParams(location.search);
  var token = params.get("as") || localStorage.getItem("demo-shop:customer") || "";
  var who = document.getElementById("who");
  var STATUS = { pending_payment: "待付款", to_ship: "待发货", shipped: "已发货", signed: "已签收", cancelled: "已取消" };

  function start(config) {
    var context = null;
    if (params.get("order")) {
      context = { orderNo: params.get("order"), intent: params.get("intent") || "query_order" };
    }
    ShopChat.init({
      socketUrl: config.socket_url,
      customerToken: token || null,
      title: "演示商城客服",
      context: context,
      open: !!context,
    });
  }

  function showOrders(customer) {
    var box = document.getElementById("orders");
    document.getElementById("my-orders").hidden = false;
    customer.orders.slice(0, 6).forEach(function (order) {
      var card = document.createElement("div");
      card.className = "order";
      var title = document.createElement("b");
      title.textContent = "订单 " + order.order_no;
      var state = document.createElement("span");
      state.className = "status";
      state.textContent = STATUS[order.status] || order.status;
      card.appendChild(title);
      card.appendChild(state);
      card.appendChild(document.createElement("br"));
      [["query_logistics", "查物流"], ["request_return_exchange", "申请售后"]].forEach(function (a) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = a[1];
        button.addEventListener("click", function () {
          location.search = "?as=" + encodeURIComponent(token) + "&order=" + order.order_no + "&intent=" + a[0];
        });
        card.appendChild(button);
      });
      box.appendChild(card);
    });
  }

  fetch("/api/widget/config").then(function (r) { return r.json(); }).then(function (config) {
    start(config);
    if (!config.demo) return;
    return fetch("/api/demo/customers").then(function (r) { return r.json(); }).then(function (data) {
      data.customers.forEach(function (c) {
        var option = document.createElement("option");
        option.value = c.token;
        option.textContent = c.name + "（" + (c.level === "vip" ? "VIP，" : "") + c.phone + "）";
        if (c.token === token) {
          option.selected = true;
          showOrders(c);
        }
        who.appendChild(option);
      });
    });
  });

  who.addEventListener("change", function () {
    localStorage.setItem("demo-shop:customer", who.value);
    location.search = who.value ? "?as=" + encodeURIComponent(who.value) : "";
  });
})();
