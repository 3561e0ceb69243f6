// A buyer's order page, live (docs/storefront.md, "Buying"): a ticket bought with the page's
// session, then `ws/orders/<id>/`; every push newer than what the page shows replaces its
// status. When the socket closes it is opened again after an exponential backoff.
// The words are the server's: each message carries the status's text in every language
// (orders/wording.py), and the page shows the one of its own; it never words a code itself.
(function () {
  "use strict";
  var status = document.getElementById("order-status");
  var state = document.getElementById("live-state");
  if (!status || !window.WebSocket || !window.fetch) return;
  var language = document.documentElement.lang;
  var attempt = 0;

  function show(order) {
    if (!order || order.id !== status.dataset.order) return;
    if (Number(order.sequence) < Number(status.dataset.sequence)) return;
    var text = order.status_text && order.status_text[language];
    if (!text) return; // nothing in the page's language: it keeps what it says
    status.dataset.sequence = order.sequence;
    status.dataset.status = order.status;
    status.className = "status status-" + order.status;
    status.textContent = text;
  }

  function live(on) {
    if (state) state.textContent = state.dataset[on ? "live" : "reconnecting"] || "";
  }

  function again() {
    live(false);
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    setTimeout(connect, delay);
  }

  function connect() {
    fetch("/api/v1/auth/ws-ticket", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": status.dataset.csrf },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("ticket: HTTP " + response.status);
        return response.json();
      })
      .then(function (body) {
        var scheme = window.location.protocol === "https:" ? "wss" : "ws";
        var socket = new WebSocket(
          scheme + "://" + window.location.host + "/ws/orders/" + status.dataset.order +
            "/?ticket=" + encodeURIComponent(body.ticket)
        );
        socket.onmessage = function (message) {
          var data = JSON.parse(message.data);
          if (data.type === "snapshot") {
            attempt = 0;
            live(true);
          }
          show(data.order);
        };
        socket.onclose = again;
      })
      .catch(again);
  }

  connect();
})();
