// Residents' pages: file a report (category, pin or GPS, questions, photos,
// nearby duplicates to follow), track it and answer the survey, and the
// public map, list and indicators. Data comes from the public Open311
// endpoints and /api/v1/reports; no inline scripts (CSP).
(function () {
  "use strict";
  var tg = window.towngrid;
  var i18n = (document.getElementById("rp-i18n") || { dataset: {} }).dataset;
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (b) { if (!r.ok) throw b; return b; });
    });
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": tg.csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 204) return null;
      return r.json().then(function (b) { if (!r.ok) throw b; return b; });
    });
  }
  function makeMap(node, zoom) {
    var lat = parseFloat(node.dataset.lat), lon = parseFloat(node.dataset.lon);
    var map = L.map(node, { attributionControl: false });
    if (isNaN(lat) || isNaN(lon)) map.setView([30, 110], 3); else map.setView([lat, lon], zoom);
    if (node.dataset.tiles) L.tileLayer(node.dataset.tiles, { maxZoom: 19 }).addTo(map);
    return map;
  }
  // A W3C datetime with the browser's offset from a datetime-local value.
  function w3c(local) {
    if (!local) return "";
    var off = -new Date(local).getTimezoneOffset(), s = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return (local.length === 16 ? local + ":00" : local) + s + p(Math.floor(off / 60)) + ":" + p(off % 60);
  }

  // --- the report form ---------------------------------------------------
  var form = $("report-form");
  if (form && window.L) {
    var started = Date.now(), point = null, marker = null, defs = [];
    var map = makeMap($("rp-map"), 17);
    var setPoint = function (lat, lon) {
      point = { lat: lat, lon: lon };
      if (marker) marker.setLatLng([lat, lon]); else marker = L.marker([lat, lon]).addTo(map);
      $("rp-map").dataset.pins = "1";
      $("rp-point").textContent = (i18n.point || "") + " " + lat.toFixed(6) + ", " + lon.toFixed(6);
      nearby();
    };
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng); });
    $("rp-gps").addEventListener("click", function () {
      if (!navigator.geolocation) { $("rp-point").textContent = i18n.nogps; return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        map.setView([p.coords.latitude, p.coords.longitude], 18);
        setPoint(p.coords.latitude, p.coords.longitude);
      }, function () { $("rp-point").textContent = i18n.nogps; }, { enableHighAccuracy: true, timeout: 10000 });
    });
    getJSON("/open311/v2/services.json").then(function (list) {
      var groups = {};
      list.forEach(function (s) {
        if (!groups[s.group]) { groups[s.group] = el("optgroup", { label: s.group }); $("rp-category").appendChild(groups[s.group]); }
        groups[s.group].appendChild(el("option", { value: s.service_code }, s.service_name));
      });
    });
    $("rp-category").addEventListener("change", function () {
      var code = this.value, box = $("rp-attrs");
      box.textContent = ""; defs = [];
      nearby();
      if (!code) return;
      getJSON("/open311/v2/services/" + encodeURIComponent(code) + ".json").then(function (d) {
        defs = d.attributes;
        defs.forEach(function (a) {
          if (!a.variable) { box.appendChild(el("p", { "class": "muted" }, a.description)); return; }
          var id = "rp-attr-" + a.code, input;
          box.appendChild(el("label", { "for": id }, a.description + (a.required ? " *" : "")));
          if (a.datatype === "singlevaluelist") {
            input = el("select", { id: id });
            input.appendChild(el("option", { value: "" }, i18n.choose));
            a.values.forEach(function (v) { input.appendChild(el("option", { value: v.key }, v.name)); });
          } else if (a.datatype === "multivaluelist") {
            input = el("fieldset", { id: id });
            a.values.forEach(function (v) {
              var l = el("label"), c = el("input", { type: "checkbox", value: v.key });
              l.appendChild(c); l.appendChild(document.createTextNode(" " + v.name)); input.appendChild(l);
            });
          } else if (a.datatype === "text") {
            input = el("textarea", { id: id, rows: "2", maxlength: "4000" });
          } else {
            input = el("input", { id: id, type: a.datatype === "number" ? "number" : a.datatype === "datetime" ? "datetime-local" : "text" });
          }
          box.appendChild(input);
        });
      });
    });
    var nearby = function () {
      var code = $("rp-category").value, sec = $("rp-nearby"), ul = $("rp-nearby-list");
      if (!code || !point) { sec.hidden = true; return; }
      getJSON("/api/v1/reports/nearby?category=" + encodeURIComponent(code) + "&lat=" + point.lat + "&lon=" + point.lon).then(function (list) {
        ul.textContent = "";
        sec.hidden = list.length === 0;
        list.forEach(function (n) {
          var li = el("li", { "data-id": n.id }), b = el("button", { type: "button", id: "rp-follow-" + n.id, "class": "rp-follow" }, i18n.follow);
          li.appendChild(el("span", {}, n.title + " · " + n.state_label + " · " + n.distance_m + " " + i18n.metres + " "));
          li.appendChild(b);
          b.addEventListener("click", function () {
            post("/api/v1/reports/follow", { id: n.id, lang: i18n.lang }).then(function (r) { done(r.token, true); }, fail);
          });
          ul.appendChild(li);
        });
      });
    };
    var fail = function (p) {
      var e = $("rp-error");
      e.textContent = (p && (p.detail || p.title)) || i18n.failed;
      e.hidden = false;
    };
    var done = function (token, following) {
      form.hidden = true;
      $("rp-done").hidden = false;
      $("rp-token").textContent = token;
      if (following) $("rp-done-title").textContent = i18n.following;
      $("rp-track").href = "/report/track?token=" + encodeURIComponent(token);
    };
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      $("rp-error").hidden = true;
      var code = $("rp-category").value;
      if (!code || !point) { fail({ detail: i18n.required }); return; }
      var attrs = {};
      defs.forEach(function (a) {
        var n = $("rp-attr-" + a.code), vals = [];
        if (!n) return;
        if (a.datatype === "multivaluelist") n.querySelectorAll("input:checked").forEach(function (c) { vals.push(c.value); });
        else if (a.datatype === "datetime") { if (n.value) vals.push(w3c(n.value)); }
        else if (n.value) vals.push(n.value);
        if (vals.length) attrs[a.code] = vals;
      });
      var body = { category: code, description: $("rp-desc").value, lat: point.lat, lon: point.lon, email: $("rp-email").value,
        attributes: attrs, website: $("rp-website").value, started_at: started };
      $("rp-submit").disabled = true;
      post("/api/v1/reports", body).then(function (r) {
        var files = Array.prototype.slice.call($("rp-photos").files || []);
        return files.reduce(function (p, f) {
          return p.then(function () {
            var fd = new FormData(); fd.append("file", f);
            return fetch("/api/v1/reports/" + encodeURIComponent(r.token) + "/photos", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": tg.csrf }, body: fd });
          });
        }, Promise.resolve()).then(function () { done(r.token, false); });
      }).catch(function (p) { $("rp-submit").disabled = false; fail(p); });
    });
  }

  // --- tracking and the survey ------------------------------------------
  var trackForm = $("track-form");
  if (trackForm && $("tr-token").value) {
    var token = $("tr-token").value;
    getJSON("/api/v1/reports/track?token=" + encodeURIComponent(token)).then(function (t) {
      var q = t.request;
      $("tr-result").hidden = false;
      $("tr-service").textContent = "#" + q.service_request_id + " " + q.service_name;
      $("tr-status").textContent = q.status;
      $("tr-notes").textContent = q.status_notes;
      $("tr-expected").textContent = q.expected_datetime ? new Date(q.expected_datetime).toLocaleString(i18n.lang) : "–";
      $("tr-desc").textContent = q.description;
      (q.notes || []).forEach(function (n) {
        $("tr-timeline").appendChild(el("li", {}, new Date(n.datetime).toLocaleString(i18n.lang) + " · " + n.description));
      });
      $("survey-form").hidden = !t.can_survey;
      $("sub-form").hidden = q.status !== "open";
      $("survey-form").addEventListener("submit", function (ev) {
        ev.preventDefault();
        var r = document.querySelector("input[name=rating]:checked");
        post("/api/v1/reports/survey", { token: token, rating: r ? r.value : "", reason: $("sv-reason").value }).then(function () {
          $("survey-form").hidden = true;
          $("tr-msg").textContent = i18n.thanks; $("tr-msg").hidden = false;
        }, function (p) { $("tr-msg").textContent = (p && p.detail) || i18n.failed; $("tr-msg").hidden = false; });
      });
      $("sub-form").addEventListener("submit", function (ev) {
        ev.preventDefault();
        post("/api/v1/reports/subscriptions", { scope: "report", target: q.service_request_id, channel: $("sub-channel").value, address: $("sub-address").value, lang: i18n.lang })
          .then(function () { $("sub-form").hidden = true; $("tr-msg").textContent = i18n.thanks; $("tr-msg").hidden = false; },
            function (p) { $("tr-msg").textContent = (p && p.detail) || i18n.failed; $("tr-msg").hidden = false; });
      });
    }, function () { $("tr-msg").textContent = i18n.notfound; $("tr-msg").hidden = false; });
  }

  // --- transparency -------------------------------------------------------
  var pub = $("pub-map");
  if (pub && window.L) {
    var pmap = makeMap(pub, 15);
    getJSON("/reports/feed.geojson").then(function (fc) {
      var layer = L.geoJSON(fc, {
        onEachFeature: function (f, l) { l.bindPopup("#" + f.properties.id + " " + f.properties.service_name + " · " + f.properties.status_notes); }
      }).addTo(pmap);
      pub.dataset.count = String(fc.features.length);
      if (fc.features.length) pmap.fitBounds(layer.getBounds(), { maxZoom: 17 });
    });
    getJSON("/open311/v2/requests.json?page_size=200").then(function (list) {
      var tb = document.querySelector("#pub-list tbody");
      list.forEach(function (q) {
        var tr = el("tr", { id: "r" + q.service_request_id });
        [q.service_request_id, q.service_name, q.status_notes, new Date(q.requested_datetime).toLocaleDateString(i18n.lang || undefined)].forEach(function (v) { tr.appendChild(el("td", {}, v)); });
        tb.appendChild(tr);
      });
    });
  }
  var ind = $("pub-ind");
  if (ind) {
    getJSON("/api/v1/reports/indicators").then(function (rows) {
      var tb = ind.querySelector("tbody");
      var pct = function (v) { return v === null || v === undefined ? "–" : v.toFixed(2) + "%"; };
      rows.forEach(function (r) {
        var tr = el("tr");
        [r.period, r.area, r.closed, pct(r.on_time_rate), r.surveys, pct(r.satisfaction_rate)].forEach(function (v) { tr.appendChild(el("td", {}, String(v))); });
        tb.appendChild(tr);
      });
    });
  }
})();
