"use strict";
// The dashboard's front page (templates/dashboard/index.html; the figures: docs/dashboard.md).
// The server renders every figure as numbers; this script shows one period at a time, draws
// the charts with Apache ECharts (static/vendor/echarts), formats numbers and dates in the
// page's language and the dealership's zone, and refetches the figures when the staff feed
// reports a change (docs/architecture.md, "Live feed").
document.documentElement.classList.replace("no-js", "js");

const page = document.getElementById("dashboard").dataset;
const locale = document.documentElement.lang || navigator.language;
const zone = page.timeZone;
const connection = document.getElementById("connection");
const tilesBox = document.getElementById("tiles");
const plurals = new Intl.PluralRules(locale);
let figures = JSON.parse(document.getElementById("figures").textContent);

// Another showroom's figures: the page again, for it (the form works without the script too).
const showroomPick = document.getElementById("showroom-pick");
showroomPick?.querySelector("select").addEventListener("change", () => showroomPick.submit());

// Tiles where a rise is bad news: their arrow turns red when they grow.
const GOOD_WHEN_DOWN = new Set(["pending_payments", "refunds", "loans_declined", "test_drives_no_show"]);

// FORMATS
// ------------------------------------------------------------------------------------------
function number(value, digits = 0) {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

function money(value, currency) {
  // Kopecks only where there are some: tiles read as whole roubles.
  const amount = Number(value);
  const digits = Number.isInteger(Math.round(amount * 100) / 100) ? 0 : 2;
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount);
}

function percent(value) {
  // A rate in percent (0 to 100), as the figures carry it.
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(Number(value) / 100);
}

function figureText(kind, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (kind === "money") return money(value, figures.currency);
  if (kind === "percent") return percent(value);
  return number(Number(value));
}

// Dates on a 24-hour clock, British English for English: never the US order.
const dateLocale = locale.startsWith("en") ? "en-GB" : locale;
const dayFormat = new Intl.DateTimeFormat(dateLocale, { day: "numeric", month: "short", timeZone: "UTC" });
const stampFormat = new Intl.DateTimeFormat(dateLocale, { dateStyle: "medium", timeStyle: "short", timeZone: zone });

function day(isoDate) {
  // A dealership day (YYYY-MM-DD), written without moving it to another zone.
  return dayFormat.format(new Date(`${isoDate}T00:00:00Z`));
}

function countText(tile, count) {
  // The server wrote the phrase for 1, 2 and 5 in the page's language; the language's
  // plural rule picks the form for this count.
  const form = plurals.select(count);
  const [template, sample] =
    form === "one" ? [tile.dataset.countOne, "1"] : form === "few" ? [tile.dataset.countFew, "2"] : [tile.dataset.countMany, "5"];
  return template ? template.replace(sample, number(count)) : "";
}

// TILES
// ------------------------------------------------------------------------------------------
function delta(kind, value, previous) {
  // [trend, text]: percentage points for a rate, the relative change for the rest.
  if (value === null || previous === null || value === "" || previous === "") return ["flat", ""];
  const now = Number(value);
  const before = Number(previous);
  const arrow = now > before ? "▲" : now < before ? "▼" : "";
  const trend = now > before ? "up" : now < before ? "down" : "flat";
  if (now === before) return [trend, page.textNoChange];
  if (kind === "percent") return [trend, `${arrow} ${number(Math.abs(now - before), 1)} ${page.textPoints}`];
  if (before === 0) return [trend, `${arrow} ${figureText(kind, now - before)}`];  // from nothing
  return [trend, `${arrow} ${percent((Math.abs(now - before) / Math.abs(before)) * 100)}`];
}

function renderTile(tile, previousLabels) {
  const box = tilesBox.querySelector(`.tile[data-tile="${tile.key}"]`);
  if (!box) return;
  box.dataset.good = GOOD_WHEN_DOWN.has(tile.key) ? "down" : "up";
  if (tile.help) box.title = tile.help;
  for (const [key, figure] of Object.entries(tile.values)) {
    const link = box.querySelector(`.figure[data-period="${key}"]`);
    if (!link) continue;
    link.href = figure.href;
    const value = link.querySelector(".value");
    value.dataset.value = figure.value ?? "";
    value.textContent = figureText(tile.kind, figure.value);
    const count = link.querySelector(".count");
    count.dataset.count = figure.count ?? "";
    count.textContent = figure.count === null || figure.count === undefined ? "" : countText(box, figure.count);
    const [trend, text] = delta(tile.kind, figure.value, figure.previous);
    const change = link.querySelector(".delta");
    change.dataset.previous = figure.previous ?? "";
    change.dataset.trend = trend;
    change.textContent = text;
    change.title = `${previousLabels[key] || page.textPrevious} ${figureText(tile.kind, figure.previous)}`;
  }
}

function renderTiles() {
  // "yesterday: 3", "last week: 12": what each arrow compares with.
  const previousLabels = Object.fromEntries(
    figures.periods.map((p) => [p.key, p.previous_label ? `${p.previous_label}:` : ""]),
  );
  figures.tiles.forEach((tile) => renderTile(tile, previousLabels));
  const stamp = document.getElementById("generated-at");
  stamp.dateTime = figures.generated_at;
  stamp.textContent = stampFormat.format(new Date(figures.generated_at));
}

function choosePeriod(key) {
  tilesBox.dataset.period = key;
  document.querySelectorAll("#period-switch button").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.period === key));
  });
  try {
    localStorage.setItem("dashboard.period", key);
  } catch (error) {
    // private browsing: the choice lasts for this page only
  }
}

// CHARTS
// ------------------------------------------------------------------------------------------
// Tooltips drawn on the canvas (richText): ECharts' HTML tooltips carry inline styles,
// which the CSP refuses.
const TOOLTIP = { trigger: "axis", renderMode: "richText", confine: true };
const GRID = { left: 8, right: 8, top: 36, bottom: 8, containLabel: true };
const charts = {};
let revenueDays = 30;

function chart(id) {
  if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
  return charts[id];
}

function compactMoney(value) {
  return new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

function revenueOption() {
  const days = figures.charts.revenue_daily.slice(-revenueDays);
  return {
    tooltip: TOOLTIP,
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: "category", data: days.map((d) => day(d.date)) },
    yAxis: [
      { type: "value", axisLabel: { formatter: compactMoney } },
      { type: "value", minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      {
        name: page.textRevenue,
        type: "bar",
        data: days.map((d) => Number(d.revenue)),
        tooltip: { valueFormatter: (v) => money(v, figures.currency) },
      },
      { name: page.textOrders, type: "line", yAxisIndex: 1, smooth: true, data: days.map((d) => d.orders) },
      { name: page.textSold, type: "line", yAxisIndex: 1, smooth: true, data: days.map((d) => d.sold ?? 0) },
    ],
  };
}

function funnelOption(stages, name) {
  return {
    tooltip: { trigger: "item", renderMode: "richText" },
    series: [
      {
        name,
        type: "funnel",
        sort: "none",  // the stages in the order the figures give them
        left: "5%",
        width: "60%",  // the rest for the labels beside it
        label: { formatter: (p) => `${p.name}: ${number(p.value)}` },
        data: stages.map((s) => ({ name: s.label, value: s.count, stage: s.stage })),
      },
    ],
  };
}

function paymentsOption() {
  const rows = figures.charts.payments_by_provider;
  const providers = [...new Set(rows.map((r) => r.provider_label))];
  const statuses = [...new Set(rows.map((r) => r.status))];
  const statusLabel = Object.fromEntries(rows.map((r) => [r.status, r.status_label || r.status]));
  return {
    tooltip: TOOLTIP,
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: "category", data: providers },
    yAxis: { type: "value", minInterval: 1 },
    series: statuses.map((status) => ({
      name: statusLabel[status],
      type: "bar",
      stack: "payments",
      data: providers.map((provider) => {
        const row = rows.find((r) => r.provider_label === provider && r.status === status);
        return row ? row.count : 0;
      }),
    })),
  };
}

function topModelsOption() {
  const rows = figures.charts.top_models.slice().reverse();  // the best at the top
  return {
    tooltip: TOOLTIP,
    grid: { ...GRID, top: 8 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: rows.map((r) => r.model) },
    series: [{ name: page.textSold, type: "bar", data: rows.map((r) => r.count) }],
  };
}

function loansOption() {
  const weeks = figures.charts.loan_approval_weekly;
  return {
    tooltip: TOOLTIP,
    legend: { top: 0 },
    grid: GRID,
    xAxis: { type: "category", data: weeks.map((w) => day(w.week)) },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 100, splitLine: { show: false }, axisLabel: { formatter: (v) => percent(v) } },
    ],
    series: [
      { name: page.textApproved, type: "bar", stack: "decisions", data: weeks.map((w) => w.approved) },
      { name: page.textDeclined, type: "bar", stack: "decisions", data: weeks.map((w) => w.declined) },
      {
        name: page.textApprovalRate,
        type: "line",
        yAxisIndex: 1,
        connectNulls: true,
        data: weeks.map((w) => (w.rate === null ? null : w.rate)),
        tooltip: { valueFormatter: (v) => (v === null || v === undefined ? "—" : percent(v)) },
      },
    ],
  };
}

function lowStockOption() {
  const rows = figures.charts.low_stock.slice().reverse();
  return {
    tooltip: TOOLTIP,
    grid: { ...GRID, top: 8 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: rows.map((r) => r.product) },
    series: [{ name: page.textInStock, type: "bar", data: rows.map((r) => r.stock) }],
  };
}

function renderCharts() {
  // notMerge: a series that is gone (a status no payment has any more) goes from the chart.
  chart("chart-revenue").setOption(revenueOption(), { notMerge: true });
  chart("chart-funnel").setOption(funnelOption(figures.charts.funnel, page.textOrders), { notMerge: true });
  chart("chart-trade-in-funnel").setOption(
    funnelOption(figures.charts.trade_in_funnel, page.textTradeIns),
    { notMerge: true },
  );
  chart("chart-payments").setOption(paymentsOption(), { notMerge: true });
  chart("chart-top-models").setOption(topModelsOption(), { notMerge: true });
  chart("chart-loans").setOption(loansOption(), { notMerge: true });
  chart("chart-low-stock").setOption(lowStockOption(), { notMerge: true });
}

// The partner banks' answers (a table, no chart): its rows and how many applications went to
// the banks, written again from the figures fetched.
function bankCell(text, numeric = true) {
  const cell = document.createElement("td");
  if (numeric) cell.className = "number";
  cell.textContent = text;
  return cell;
}

function renderBanks() {
  const box = document.getElementById("banks");
  if (!box) return;
  const applications = box.querySelector(".applications");
  applications.textContent = countText(applications, figures.charts.bank_applications ?? 0);
  const rows = figures.charts.banks.map((row) => {
    const line = document.createElement("tr");
    line.append(
      bankCell(row.bank, false),
      ...[row.asked, row.offered, row.refused, row.silent, row.chosen].map((n) => bankCell(number(n))),
      bankCell(row.rate === null ? "—" : `${number(row.rate, 1)} %`),
      bankCell(row.minutes === null ? "—" : number(row.minutes, 1)),
    );
    return line;
  });
  if (!rows.length) {
    const empty = bankCell(box.dataset.textEmpty, false);
    empty.colSpan = 8;
    rows.push(document.createElement("tr"));
    rows[0].append(empty);
  }
  box.querySelector("tbody").replaceChildren(...rows);
}

// The parts running low (a table, no chart), written again from the figures fetched.
function quantity(value) {
  // "4", "1,5": a part's quantity, its decimals only where it has some.
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(Number(value));
}

function renderPartsLow() {
  const box = document.getElementById("parts-low");
  if (!box) return;
  const rows = figures.charts.parts_low.map((row) => {
    const line = document.createElement("tr");
    const link = document.createElement("a");
    link.href = row.href;
    link.textContent = row.part;
    const name = bankCell("", false);
    name.append(link);
    line.append(
      name,
      bankCell(`${row.number} ${row.manufacturer}`, false),
      bankCell(row.showroom, false),
      bankCell(quantity(row.free)),
      bankCell(quantity(row.min)),
    );
    return line;
  });
  if (!rows.length) {
    const empty = bankCell(box.dataset.textEmpty, false);
    empty.colSpan = 5;
    rows.push(document.createElement("tr"));
    rows[0].append(empty);
  }
  box.querySelector("tbody").replaceChildren(...rows);
}

function chooseDays(days) {
  revenueDays = days;
  document.querySelectorAll("#days-switch button").forEach((button) => {
    button.setAttribute("aria-pressed", String(Number(button.dataset.days) === days));
  });
  chart("chart-revenue").setOption(revenueOption(), { notMerge: true });
}

function render() {
  renderTiles();
  renderCharts();
  renderBanks();
  renderPartsLow();
  document.body.dataset.generatedAt = figures.generated_at;
}

// LIVE (docs/dashboard.md, "Caching and liveness")
// ------------------------------------------------------------------------------------------
let refreshTimer = null;

function refreshSoon() {
  // Several pushes of one change (the order, its payment) make one request.
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 300);
}

async function refresh() {
  const response = await fetch(page.figuresUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 401 || response.status === 403) {
    window.location.assign(`${page.loginUrl}?next=${window.location.pathname}`);
    return;
  }
  if (!response.ok) return;
  figures = await response.json();
  render();
}

function setConnection(state, text) {
  connection.dataset.state = state;
  connection.textContent = text;
}

let connectedOnce = false;

function onFeed(data) {
  if (data.type !== "snapshot") {
    refreshSoon();  // `dashboard.changed`, or any change of an order
    return;
  }
  // After a reconnection, changes may have been missed: the figures are read again.
  if (connectedOnce) refreshSoon();
  connectedOnce = true;
}

// START
// ------------------------------------------------------------------------------------------
document.querySelectorAll(".chart details").forEach((details) => details.removeAttribute("open"));
document.querySelectorAll("#period-switch button").forEach((button) => {
  button.addEventListener("click", () => choosePeriod(button.dataset.period));
});
document.querySelectorAll("#days-switch button").forEach((button) => {
  button.addEventListener("click", () => chooseDays(Number(button.dataset.days)));
});
let savedPeriod = null;
try {
  savedPeriod = localStorage.getItem("dashboard.period");
} catch (error) {
  savedPeriod = null;
}
if (savedPeriod && document.querySelector(`#period-switch button[data-period="${savedPeriod}"]`)) {
  choosePeriod(savedPeriod);
}
render();
window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
staffFeed({
  csrfToken: page.csrfToken,
  loginUrl: page.loginUrl,
  onMessage: onFeed,
  onState: (state) => setConnection(state, state === "live" ? page.textLive : page.textReconnecting),
});
