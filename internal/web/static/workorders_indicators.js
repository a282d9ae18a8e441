// The indicator page: §5.6 rates with 环比/同比 and the post evaluations with
// A–E grades, drawn with the embedded ECharts. workorders.js calls it.
window.towngridIndicators = function (h) {
  "use strict";
  var t = h.t, esc = h.esc, $ = function (id) { return document.getElementById(id); };
  var RATES = ["close_rate", "on_time_close_rate", "dispose_rate", "on_time_dispose_rate", "rework_rate", "accurate_dispatch_rate", "on_time_dispatch_rate",
    "on_time_verify_rate", "on_time_check_rate", "on_time_intake_rate", "on_time_register_rate", "valid_report_rate", "missed_rate"];
  var COUNTS = ["reported", "due_close", "closed", "reworked"];
  var now = new Date();
  $("i-period").value = now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0");
  var areaSel = $("i-area");
  Object.keys(h.AREAS).sort(function (a, b) { return h.AREAS[a].localeCompare(h.AREAS[b]); }).forEach(function (id) {
    areaSel.insertAdjacentHTML("beforeend", "<option value=\"" + id + "\">" + esc(h.AREAS[id]) + "</option>");
  });
  if (h.root.dataset.area) areaSel.value = h.root.dataset.area;
  var pct = function (p) { return p && p.pct !== null && p.pct !== undefined ? p.pct.toFixed(2) + "%" : "—"; };
  var change = function (c, isRate) {
    if (!c || !c.ok) return "—";
    if (isRate) return t("wo.ind.points", (c.points > 0 ? "+" : "") + c.points.toFixed(2));
    return (c.growth > 0 ? "+" : "") + c.growth.toFixed(2) + "%";
  };
  var chart = null;
  var draw = function () {
    var q = "?area_id=" + encodeURIComponent(areaSel.value) + "&period=" + encodeURIComponent($("i-period").value);
    var g = $("i-group").value;
    $("i-msg").textContent = "";
    Promise.all([h.api("GET", "/api/v1/indicators" + q + (g ? "&group=" + g : "")), h.api("GET", "/api/v1/indicators/posts" + q)]).then(function (rs) {
      if (!rs[0].ok) { $("i-msg").textContent = h.problem(rs[0].body); return; }
      var rep = rs[0].body, tot = rep.total, rows = "";
      COUNTS.forEach(function (k) {
        var v = k === "due_close" ? tot.rates.due_close : tot.counters[k];
        rows += "<tr data-key=\"" + k + "\"><td>" + esc(t("wo.count." + k)) + "</td><td class=\"val\">" + esc(v) + "</td><td>" + esc(change(tot.mom && tot.mom[k])) + "</td><td>" + esc(change(tot.yoy && tot.yoy[k])) + "</td></tr>";
      });
      RATES.forEach(function (k) {
        var p = tot.rates[k];
        rows += "<tr data-key=\"" + k + "\"><td>" + esc(t("wo.rate." + k)) + "</td><td class=\"val\">" + esc(pct(p)) + (p ? " <span class=\"muted\">(" + p.num + "/" + p.den + ")</span>" : "") +
          "</td><td>" + esc(change(tot.mom && tot.mom[k], true)) + "</td><td>" + esc(change(tot.yoy && tot.yoy[k], true)) + "</td></tr>";
      });
      $("i-rates").querySelector("tbody").innerHTML = rows;
      var gt = $("i-groups"), cols = ["close_rate", "on_time_close_rate", "dispose_rate", "on_time_dispose_rate", "rework_rate"];
      gt.querySelector("thead").innerHTML = g ? "<tr><th>" + esc(t("wo.ind.group")) + "</th><th>" + esc(t("wo.count.reported")) + "</th>" + cols.map(function (c) { return "<th>" + esc(t("wo.rate." + c)) + "</th>"; }).join("") + "</tr>" : "";
      gt.querySelector("tbody").innerHTML = (rep.groups || []).map(function (r) {
        var name = r.name || (g === "area" ? h.AREAS[r.key] : "") || r.key;
        return "<tr><td>" + esc(name) + "</td><td>" + r.counters.reported + "</td>" + cols.map(function (c) { return "<td>" + esc(pct(r.rates[c])) + "</td>"; }).join("") + "</tr>";
      }).join("");
      var posts = rs[1].ok && rs[1].body ? (rs[1].body.posts || []).concat(rs[1].body.regions || []) : [];
      $("i-posts").querySelector("tbody").innerHTML = posts.map(function (p) {
        var label = p.label + (p.area_id ? " " + (h.AREAS[p.area_id] || p.area_id) : "");
        return "<tr data-scheme=\"" + esc(p.scheme) + "\"><td>" + esc(label) + "</td><td>" + esc(p.result.score) + "</td><td class=\"grade\">" + esc(p.result.grade) + "</td></tr>";
      }).join("") || "<tr><td colspan=\"3\" class=\"muted\">" + esc(t("wo.none")) + "</td></tr>";
      if (typeof echarts === "undefined") return;
      if (!chart) chart = echarts.init($("i-chart"));
      chart.setOption({
        tooltip: {}, grid: { left: 40, right: 10, top: 20, bottom: 60 },
        xAxis: { type: "category", data: posts.map(function (p) { return p.label + (p.area_id ? " " + (h.AREAS[p.area_id] || "") : ""); }), axisLabel: { rotate: 30 } },
        yAxis: { type: "value", max: 100 },
        series: [{ type: "bar", data: posts.map(function (p) { return p.result.score; }), label: { show: true, position: "top", formatter: function (x) { return posts[x.dataIndex].result.grade; } } }]
      }, true);
      $("i-chart").dataset.rendered = "echarts";
    }, function () { $("i-msg").textContent = t("wo.load_failed"); });
  };
  $("i-form").addEventListener("submit", function (ev) { ev.preventDefault(); draw(); });
  draw();
};
