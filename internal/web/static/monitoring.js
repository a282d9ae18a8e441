// Monitoring pages: the live map (Leaflet, markers in the official AQI
// colours, refreshed from the JSON API), a device's chart (ECharts) and the
// alarm console (acknowledge / clear through the API).
(function () {
  "use strict";
  var api = function (m, u, b) { return window.towngrid.api(m, u, b); };
  var lang = document.documentElement.lang || "zh-CN";
  var fmt = function (ms) { return ms > 0 ? new Date(ms).toLocaleString(lang) : "—"; };
  var txt = function (s) { var d = document.createElement("span"); d.textContent = s; return d.innerHTML; };

  // ---- live map ----
  var mapEl = document.getElementById("mon-map");
  if (mapEl && typeof L !== "undefined") {
    var map = L.map(mapEl, { attributionControl: false }).setView([30.0, 120.0], 12);
    if (mapEl.dataset.tiles) L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19 }).addTo(map);
    var layer = L.layerGroup().addTo(map), fitted = false;
    var status = document.getElementById("mon-status");
    var tbody = document.querySelector("#mon-devices tbody");
    var refresh = function () {
      api("GET", "/api/v1/devices?latest=true&limit=500").then(function (list) {
        if (!list || !list.items) { status.textContent = mapEl.dataset.empty; return; }
        layer.clearLayers();
        var pts = [], rows = "";
        list.items.forEach(function (d) {
          var aqi = d.latest && d.latest.aqi ? d.latest.aqi.value : null;
          rows += "<tr data-device=\"" + d.id + "\"><td><a href=\"/monitoring/devices/" + d.id + "\">" + txt(d.name) + "</a></td><td>" + txt(d.kind) +
            "</td><td class=\"aqi\">" + (aqi === null ? "—" : aqi) + "</td><td>" + fmt(d.last_seen) + "</td><td>" + d.bad_payload_count + "</td></tr>";
          if (d.lat === undefined || d.lon === undefined) return;
          var colour = d.aqi_color || "#808080";
          var m = L.circleMarker([d.lat, d.lon], { radius: 10, color: "#333", weight: 1, fillColor: colour, fillOpacity: 0.9, className: "mon-marker" });
          var lines = [txt(d.name)];
          Object.keys(d.latest || {}).sort().forEach(function (k) { lines.push(txt(k) + ": " + d.latest[k].value); });
          lines.push("<a href=\"/monitoring/devices/" + d.id + "\">" + txt(mapEl.dataset.detail) + "</a>");
          m.bindPopup(lines.join("<br>"));
          m.addTo(layer);
          pts.push([d.lat, d.lon]);
        });
        tbody.innerHTML = rows;
        mapEl.dataset.markers = String(pts.length);
        status.textContent = list.items.length ? "" : mapEl.dataset.empty;
        if (pts.length && !fitted) { map.fitBounds(pts, { maxZoom: 15, padding: [24, 24] }); fitted = true; }
      }).catch(function () { status.textContent = "…"; });
    };
    refresh();
    setInterval(refresh, 5000);
  }

  // ---- device chart ----
  var dev = document.getElementById("mon-device");
  var chartEl = document.getElementById("chart");
  if (dev && chartEl) {
    var chart = typeof echarts !== "undefined" ? echarts.init(chartEl) : null;
    var draw = function () {
      var key = document.getElementById("chart-key").value;
      if (!key) return;
      var span = Number(document.getElementById("chart-range").value), res = document.getElementById("chart-res").value;
      var to = Date.now() + 60000, from = to - span;
      api("GET", "/api/v1/devices/" + dev.dataset.id + "/readings?key=" + encodeURIComponent(key) + "&resolution=" + res + "&from=" + from + "&to=" + to).then(function (pts) {
        if (!Array.isArray(pts)) return;
        document.getElementById("chart-status").textContent = pts.length + " · " + key;
        chartEl.dataset.points = String(pts.length);
        if (!chart) return;
        chart.setOption({
          tooltip: { trigger: "axis" }, grid: { left: 48, right: 16, top: 16, bottom: 40 },
          xAxis: { type: "time" }, yAxis: { type: "value", scale: true },
          series: [{ type: "line", name: key, showSymbol: pts.length < 100, data: pts.map(function (p) { return [p.ts, p.value]; }) },
            { type: "line", name: "max", lineStyle: { opacity: 0.3 }, showSymbol: false, data: res === "raw" ? [] : pts.map(function (p) { return [p.ts, p.max]; }) }]
        }, true);
      });
    };
    ["chart-key", "chart-range", "chart-res"].forEach(function (id) { document.getElementById(id).addEventListener("change", draw); });
    draw();
    setInterval(draw, 10000);
    window.addEventListener("resize", function () { if (chart) chart.resize(); });
  }

  // ---- alarm console ----
  var con = document.getElementById("alarm-console");
  if (con) {
    var body = document.querySelector("#alarms tbody");
    var canAck = con.dataset.canAck === "true";
    var load = function () {
      var st = document.getElementById("alarm-status").value, ak = document.getElementById("alarm-acked").value;
      var q = "/api/v1/alarms?limit=200" + (st ? "&status=" + st : "") + (ak ? "&acked=" + ak : "");
      api("GET", q).then(function (list) {
        if (!list || !list.items) return;
        body.innerHTML = list.items.map(function (a) {
          var btns = "";
          if (canAck && !a.acked) btns += "<button type=\"button\" class=\"ack\" data-id=\"" + a.id + "\">" + txt(con.dataset.ack) + "</button> ";
          if (canAck && a.active) btns += "<button type=\"button\" class=\"clear\" data-id=\"" + a.id + "\">" + txt(con.dataset.clear) + "</button>";
          return "<tr data-alarm=\"" + a.id + "\" class=\"sev-" + txt(a.severity) + "\"><td>" + a.id + "</td><td><a href=\"/monitoring/devices/" + a.device_id + "\">" + txt(a.name) +
            "</a></td><td>" + txt(a.severity) + "</td><td class=\"status\">" + txt(a.status) + "</td><td>" + a.value + "</td><td>" + fmt(a.start_ts) + "</td><td>" +
            (a.workorder_id ? "<a href=\"/workorders/" + a.workorder_id + "\">#" + a.workorder_id + "</a>" : "—") + "</td><td>" + btns + "</td></tr>";
        }).join("");
      });
    };
    body.addEventListener("click", function (ev) {
      var b = ev.target.closest("button");
      if (!b) return;
      api("POST", "/api/v1/alarms/" + b.dataset.id + "/" + (b.classList.contains("ack") ? "ack" : "clear"), {}).then(load);
    });
    ["alarm-status", "alarm-acked"].forEach(function (id) { document.getElementById(id).addEventListener("change", load); });
    load();
    setInterval(load, 5000);
  }
})();
