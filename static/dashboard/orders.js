"use strict";
// The live order dashboard (templates/dashboard/orders.html). The feed (docs/architecture.md,
// "Live feed"): a snapshot on connect, then one push per change, each with the order's
// sequence number. A gap means a missed push: the order is refetched over REST. The sequence
// stays on the row (`data-sequence`) for that check; staff read names and times, not it.
const page = document.getElementById("dashboard").dataset;
const CSRF_TOKEN = page.csrfToken;
const MAX_ROWS = Number(page.snapshotSize);
const rows = document.getElementById("orders");
const connection = document.getElementById("connection");
const orders = new Map();  // id -> order as last shown
const statusFilter = document.getElementById("status-filter");
const locale = document.documentElement.lang || navigator.language;
// Statuses as the page's language names them: the filter's options carry the labels.
const statusLabels = Object.fromEntries([...statusFilter.options].map((o) => [o.value, o.textContent]));
// Dates and times as the page's language writes them, on a 24-hour clock: British English
// for English (24.11.2026 in Russian, 24/11/2026 in English; never the US order).
const dateLocale = locale.startsWith("en") ? "en-GB" : locale;
// When an order changed, on the dealership's clock (docs/api.md, "Times").
const updatedFormat = new Intl.DateTimeFormat(dateLocale, {
  timeZone: page.timeZone,
  dateStyle: "short",
  timeStyle: "short",
});

function money(amount, currency) {
  // Thousands separators and the currency, as the page's language writes them.
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
}

function orderLink(order) {
  const a = document.createElement("a");
  a.href = page.adminOrderUrl.replace(page.adminOrderPlaceholder, order.id);
  a.textContent = order.id.slice(0, 8);
  a.title = order.id;
  return a;
}

function applyFilter(row) {
  row.hidden = Boolean(statusFilter.value) && row.dataset.status !== statusFilter.value;
}

function setConnection(state, text) {
  connection.dataset.state = state;
  connection.textContent = text;
}

function cell(content, className) {
  const td = document.createElement("td");
  if (content instanceof Node) td.append(content);
  else td.textContent = content;
  if (className) td.className = className;
  return td;
}

function render(order, highlight) {
  const known = orders.get(order.id) || {};
  const shown = Object.assign({}, known, order);
  orders.set(order.id, shown);
  const row = document.createElement("tr");
  row.dataset.orderId = shown.id;
  row.dataset.status = shown.status;
  row.dataset.sequence = shown.sequence;
  const customer = cell(shown.customer_name || shown.customer_email || "—", "customer");
  if (shown.customer_name && shown.customer_email) customer.title = shown.customer_email;
  row.append(
    cell(orderLink(shown), "order"),
    customer,
    cell(statusLabels[shown.status] || shown.status, `status status-${shown.status}`),
    cell(money(shown.total_amount, shown.currency), "amount"),
    cell(money(shown.paid_amount, shown.currency), "amount"),
    cell(updatedFormat.format(new Date(shown.updated_at)), "updated"),
  );
  if (highlight) row.classList.add("changed");
  applyFilter(row);
  const old = rows.querySelector(`tr[data-order-id="${shown.id}"]`);
  if (old) {
    old.replaceWith(row);
  } else {
    rows.prepend(row);
    while (rows.children.length > MAX_ROWS) {
      orders.delete(rows.lastElementChild.dataset.orderId);
      rows.lastElementChild.remove();
    }
  }
}

async function refetch(orderId) {
  const response = await fetch(`/api/v1/orders/${orderId}/`, { credentials: "same-origin" });
  if (response.ok) render(await response.json(), true);
}

function onPush(push) {
  if (!push.order) return;  // about something else than an order (a registration)
  const known = orders.get(push.order.id);
  if (known && push.sequence <= known.sequence) return;  // already shown
  if (known && push.sequence > known.sequence + 1) {
    refetch(push.order.id);  // missed at least one change
    return;
  }
  render(push.order, true);
}

function onSnapshot(snapshot) {
  orders.clear();
  rows.replaceChildren();
  snapshot.orders.slice().reverse().forEach((order) => render(order, false));
}

function onFeed(data) {
  if (data.type === "snapshot") onSnapshot(data);
  else onPush(data);
}

// Today's test drives (docs/architecture.md, "Live feed"): read over REST, every minute. The
// day and the times are the dealership's (docs/api.md, "Times"), wherever the browser is.
const drives = document.getElementById("test-drives");
const dealershipDay = new Intl.DateTimeFormat("en-CA", { timeZone: page.timeZone });
const dealershipClock = new Intl.DateTimeFormat(dateLocale, {
  timeZone: page.timeZone,
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function driveStatus(status) {
  // data-drive-booked, data-drive-no_show: the label in the page's language.
  return page[`drive${status[0].toUpperCase()}${status.slice(1)}`] || status;
}

async function loadTestDrives() {
  const today = dealershipDay.format(new Date());  // YYYY-MM-DD
  const response = await fetch(`/api/v1/showroom/test-drives/?date=${today}&page_size=100`, {
    credentials: "same-origin",
  });
  if (!response.ok) return;
  const body = await response.json();
  drives.replaceChildren(
    ...body.results.map((drive) => {
      const tr = document.createElement("tr");
      tr.dataset.testDriveId = drive.id;
      const hours = (at) => dealershipClock.format(new Date(at));
      tr.append(
        cell(`${hours(drive.start_time)}–${hours(drive.end_time)}`),
        cell(drive.resource_name),
        cell(drive.client_name || "—", "client"),
        cell(drive.client_phone || "—", "phone"),
        cell(driveStatus(drive.status), `status status-${drive.status}`),
      );
      return tr;
    }),
  );
}

statusFilter.addEventListener("change", () => rows.querySelectorAll("tr").forEach(applyFilter));
staffFeed({
  csrfToken: CSRF_TOKEN,
  loginUrl: page.loginUrl,
  onMessage: onFeed,
  onState: (state) => setConnection(state, state === "live" ? page.textLive : page.textReconnecting),
});
loadTestDrives();
setInterval(loadTestDrives, 60_000);
