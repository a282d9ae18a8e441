// Draws the home dashboard chart with ECharts (embedded from npm at build time).
(function () {
  "use strict";
  var el = document.getElementById("chart-areas");
  if (!el) return;
  var labels = el.dataset.labels ? el.dataset.labels.split(",") : [];
  var values = el.dataset.values ? el.dataset.values.split(",").map(Number) : [];
  if (typeof echarts === "undefined") {
    el.textContent = labels.map(function (l, i) { return l + ": " + values[i]; }).join(" · ");
    return;
  }
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {}, grid: { left: 40, right: 16, top: 16, bottom: 32 },
    xAxis: { type: "category", data: labels }, yAxis: { type: "value" },
    series: [{ type: "bar", data: values, itemStyle: { color: "#b3261e" } }]
  });
  el.dataset.rendered = "echarts";
  window.addEventListener("resize", function () { chart.resize(); });
})();
