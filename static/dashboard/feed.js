"use strict";
// The staff feed, `ws/orders/` (docs/architecture.md, "Live feed"), as the staff pages open
// it: a ticket bought with the page's session, then the socket; when it closes, it is opened
// again after an exponential backoff with jitter, at most 30 s, so that a restarted server is
// not stampeded by every open dashboard at once. `onMessage` gets every message, the
// snapshot that starts each connection included; `onState` gets "live" or "reconnecting".
function staffFeed({ csrfToken, loginUrl, onMessage, onState }) {
  let attempt = 0;

  async function ticket() {
    const response = await fetch("/api/v1/auth/ws-ticket", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken },
    });
    if (response.status === 401 || response.status === 403) {
      window.location.assign(`${loginUrl}?next=${window.location.pathname}`);
      throw new Error("signed out");
    }
    if (!response.ok) throw new Error(`ticket: HTTP ${response.status}`);
    return (await response.json()).ticket;
  }

  function reconnectLater() {
    const delay = Math.min(30000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    onState("reconnecting");
    setTimeout(connect, delay);
  }

  async function connect() {
    let socket;
    try {
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      const url = `${scheme}://${window.location.host}/ws/orders/?ticket=${encodeURIComponent(await ticket())}`;
      socket = new WebSocket(url);
    } catch (error) {
      reconnectLater();
      return;
    }
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      onMessage(data);
      if (data.type === "snapshot") {  // shown, then said to be live
        attempt = 0;
        onState("live");
      }
    };
    socket.onclose = () => reconnectLater();
  }

  connect();
}
