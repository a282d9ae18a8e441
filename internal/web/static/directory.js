// The directory map (/directory) and a grid worker's phone page
// (/directory/mygrid): areas from /api/v1/areas drawn with the embedded
// Leaflet, no base tiles unless the server names a tile URL, and point →
// grid through /api/v1/locate.
(function () {
  "use strict";
  var root = document.getElementById("dir");
  if (!root || typeof L === "undefined") return;
  var T = root.dataset, mode = T.mode;
  var mapEl = document.getElementById("dir-map");
  var status = document.getElementById("dir-status");
  var list = document.getElementById("dir-list");
  var levelSel = document.getElementById("dir-level");
  var q = document.getElementById("dir-q");
  var levelName = {};
  Array.prototype.forEach.call(levelSel.options, function (o) { if (o.value) levelName[o.value] = o.textContent; });
  var style = {
    province: { color: "#6b7785", weight: 3, fill: false },
    city: { color: "#6b7785", weight: 3, fill: false, dashArray: "6 4" },
    county: { color: "#4a5560", weight: 3, fill: false },
    town: { color: "#b3261e", weight: 3, fill: false },
    community: { color: "#1f6feb", weight: 2, fill: false },
    grid: { color: "#2e7d32", weight: 1, fillColor: "#2e7d32", fillOpacity: 0.12 }
  };
  var order = ["grid", "community", "town", "county", "city", "province"];
  var map = L.map(mapEl, { zoomSnap: 0.25 });
  if (T.tiles) L.tileLayer(T.tiles, { maxZoom: 19 }).addTo(map);
  var layers = {};
  order.slice().reverse().forEach(function (l) { layers[l] = L.featureGroup().addTo(map); });
  var entries = [], bounds = null, marker = null;

  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function popup(a) {
    return "<strong>" + esc(a.name) + "</strong><br>" + esc(T.tCode) + ": <span class=\"mono\">" + esc(a.code) +
      "</span><br>" + esc(T.tLevel) + ": " + esc(levelName[a.level] || a.level) +
      "<br><a href=\"/api/v1/areas/" + a.id + "\">" + esc(T.tOpen) + "</a>";
  }
  function add(a) {
    var e = { area: a, layer: null, li: document.createElement("li") };
    e.li.innerHTML = "<a href=\"#area-" + a.id + "\">" + esc(a.name) + "</a> <span class=\"mono muted\">" + esc(a.code) + "</span> <span class=\"muted\">" + esc(levelName[a.level] || a.level) + "</span>";
    e.li.dataset.level = a.level;
    e.li.querySelector("a").addEventListener("click", function (ev) { ev.preventDefault(); focus(e); });
    if (a.geometry) {
      try {
        e.layer = L.geoJSON({ type: "Feature", geometry: a.geometry, properties: {} }, { style: style[a.level] || style.grid });
        e.layer.bindPopup(popup(a));
        (layers[a.level] || layers.grid).addLayer(e.layer);
        var b = e.layer.getBounds();
        if (b.isValid()) bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
      } catch (err) { e.layer = null; }
    }
    entries.push(e);
  }
  function focus(e) {
    if (e.layer) { map.fitBounds(e.layer.getBounds(), { maxZoom: 18 }); e.layer.openPopup(); }
  }
  function filter() {
    var s = q ? q.value.trim().toLowerCase() : "", lv = mode === "map" ? levelSel.value : "grid", shown = 0;
    entries.forEach(function (e) {
      var ok = (!lv || e.area.level === lv) && (!s || e.area.name.toLowerCase().indexOf(s) >= 0 || e.area.code.indexOf(s) === 0);
      e.li.hidden = !ok || shown >= 500;
      if (ok) shown++;
    });
  }
  function load(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (page) {
      page.items.forEach(add);
      if (page.next_cursor) return load("/api/v1/areas?geometry=true&limit=500&cursor=" + encodeURIComponent(page.next_cursor));
    });
  }
  load("/api/v1/areas?geometry=true&limit=500").then(function () {
    var frag = document.createDocumentFragment();
    entries.sort(function (a, b) { return a.area.code < b.area.code ? -1 : 1; });
    entries.forEach(function (e) { frag.appendChild(e.li); });
    list.appendChild(frag);
    filter();
    if (bounds) map.fitBounds(bounds); else map.setView([30, 112], 4);
    var drawn = entries.filter(function (e) { return e.layer; }).length;
    mapEl.dataset.count = String(drawn);
    mapEl.dataset.grids = String(layers.grid.getLayers().length);
    status.textContent = entries.length ? "" : T.tEmpty;
    var m = /^#area-(\d+)$/.exec(location.hash);
    if (m) entries.forEach(function (e) { if (String(e.area.id) === m[1]) focus(e); });
  }).catch(function () { status.textContent = T.tError; mapEl.dataset.count = "-1"; });
  if (q) q.addEventListener("input", filter);
  if (levelSel && mode === "map") levelSel.addEventListener("change", filter);

  var out = document.getElementById("loc-out");
  function locate(lon, lat, crs) {
    out.textContent = "…";
    return fetch("/api/v1/locate?lon=" + encodeURIComponent(lon) + "&lat=" + encodeURIComponent(lat) + "&crs=" + encodeURIComponent(crs),
      { credentials: "same-origin" }).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (res) {
        var p = res.body.wgs84 || null;
        if (res.status === 200) {
          var chain = res.body.ancestors.map(function (a) { return a.name; }).concat([res.body.grid.name]).join(" › ");
          out.textContent = T.tInside + " " + chain + " (" + res.body.grid.code + ")";
          out.dataset.grid = res.body.grid.code;
          p = res.body.wgs84;
        } else {
          out.textContent = res.body.detail || T.tNogrid;
          out.dataset.grid = "";
          if (!p) return;
        }
        if (p) {
          var ll = [p.lat, p.lon];
          if (marker) marker.setLatLng(ll); else marker = L.marker(ll).addTo(map);
          map.setView(ll, Math.max(map.getZoom() || 15, 15));
        }
      }).catch(function () { out.textContent = T.tError; });
  }
  var form = document.getElementById("dir-locate");
  if (form) form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    locate(document.getElementById("loc-lon").value.trim(), document.getElementById("loc-lat").value.trim(), document.getElementById("loc-crs").value);
  });
  var me = document.getElementById("locate-me");
  if (me) me.addEventListener("click", function () {
    if (!navigator.geolocation) { out.textContent = T.tNogeo; return; }
    out.textContent = "…";
    // The browser reports WGS-84 (W3C Geolocation), so no conversion is asked for.
    navigator.geolocation.getCurrentPosition(function (pos) {
      locate(pos.coords.longitude, pos.coords.latitude, "wgs84");
    }, function () { out.textContent = T.tNogeo; }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
