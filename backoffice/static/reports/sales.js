// The sales report's chart (templates/reports/sales.html): revenue and orders per period, from
// the data the page carries in a JSON block (no inline script under the CSP). Without
// JavaScript, or without ECharts, the tables above say the same.
(function () {
  "use strict";
  var holder = document.getElementById("sales-chart");
  var source = document.getElementById("sales-chart-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  var lang = document.documentElement.lang || "en";
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: data.currency, maximumFractionDigits: 0 });
  var day = new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [holder.dataset.revenueLabel, holder.dataset.ordersLabel] },
    grid: { left: 100, right: 50, bottom: 30, top: 40 },
    xAxis: {
      type: "category",
      data: data.periods,
      axisLabel: { formatter: function (value) { return day.format(new Date(value + "T00:00:00Z")); } }
    },
    yAxis: [
      { type: "value", axisLabel: { formatter: function (value) { return money.format(value); } } },
      { type: "value", minInterval: 1 }
    ],
    series: [
      { name: holder.dataset.revenueLabel, type: "bar", data: data.revenue.map(Number),
        tooltip: { valueFormatter: function (value) { return money.format(value); } } },
      { name: holder.dataset.ordersLabel, type: "line", yAxisIndex: 1, data: data.orders }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
