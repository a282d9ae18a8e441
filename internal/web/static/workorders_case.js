// The case page (案件详情): header with lights and deadlines, the timeline,
// the map and the action panel. workorders.js calls towngridCase with its
// helpers; the forms ask exactly for what the flow's action requires.
window.towngridCase = function (h) {
  "use strict";
  var root = h.root, t = h.t, esc = h.esc, api = h.api, $ = function (id) { return document.getElementById(id); };
  var id = root.dataset.id, view = null, flow = null, current = null, map = null, marker = null, depts = null;
  var UNITS = ["work_days", "work_hours", "work_minutes", "natural_days", "natural_hours"];
  document.querySelectorAll(".wo-units").forEach(function (s) {
    s.innerHTML = UNITS.map(function (u) { return "<option value=\"" + u + "\">" + esc(t("wo.unit." + u)) + "</option>"; }).join("");
  });
  var timer = function (s) {
    if (!s || !s.light) return "<span class=\"muted\">" + esc(t("wo.case.unlimited")) + "</span>";
    var due = s.running && s.deadline && new Date(s.deadline).getTime() > 0 ? " · " + esc(t("wo.case.deadline", h.when(s.deadline))) : "";
    return h.dot(s.light) + " " + esc(h.I["workorder.light." + s.light] || s.light) + due;
  };
  var drawHead = function () {
    $("c-number").textContent = view.number || "#" + view.id;
    $("c-title").textContent = view.title;
    $("c-category").textContent = h.catLabel(view.category);
    $("c-grid").textContent = h.AREAS[view.area_id] || view.area_id;
    $("c-state").textContent = h.stateLabel(view.state) + (view.suspended ? " · " + t("wo.case.suspended") : "");
    $("c-state").dataset.state = view.state;
    $("c-step").innerHTML = timer(view.status && view.status.step);
    $("c-clock").innerHTML = timer(view.status && view.status.clock);
    $("c-description").textContent = view.description || "—";
    $("c-department").textContent = view.department_id ? deptName(view.department_id) : "—";
  };
  var drawActions = function () {
    var box = $("c-actions");
    box.innerHTML = (view.actions || []).map(function (a) {
      return "<button type=\"button\" id=\"act-" + esc(a) + "\" data-action=\"" + esc(a) + "\">" + esc(h.actionLabel(a)) + "</button>";
    }).join("") || "<p class=\"muted\" id=\"c-no-actions\">" + esc(t("wo.case.no_actions")) + "</p>";
    if (current && (view.actions || []).indexOf(current.name) < 0) closeForm();
  };
  var photoLinks = function (ps) {
    return (ps || []).map(function (p) {
      var u = "/api/v1/workorders/" + id + "/attachments/" + encodeURIComponent(p);
      return "<a href=\"" + u + "\" class=\"ev-photo\"><img src=\"" + u + "\" alt=\"" + esc(t("wo.case.photo")) + "\"></a>";
    }).join("");
  };
  var drawTimeline = function (evs) {
    $("c-timeline").innerHTML = evs.map(function (e) {
      var inp = e.inputs || {}, bits = [];
      if (e.from !== e.to && e.to) bits.push(esc(h.stateLabel(e.from)) + " → " + esc(h.stateLabel(e.to)));
      if (inp.reason) bits.push(esc(t("wo.f.reason")) + ": " + esc(inp.reason));
      if (inp.extension) bits.push(esc(t("wo.f.extension")) + ": <span class=\"ev-extension\">+" + esc(inp.extension.value) + " " + esc(t("wo.unit." + inp.extension.unit)) + "</span>");
      if (inp.department) bits.push(esc(t("wo.case.department", deptName(inp.department))));
      if (e.comment) bits.push(esc(t("wo.f.comment")) + ": " + esc(e.comment));
      if (e.public_comment) bits.push(esc(t("wo.f.public_comment")) + ": " + esc(e.public_comment));
      return "<li data-action=\"" + esc(e.action) + "\"><span class=\"ev-act\">" + esc(h.actionLabel(e.action)) + "</span> <span class=\"muted\">" + esc(h.when(e.at)) +
        (e.actor ? " · " + esc(e.actor) : "") + "</span><div>" + bits.join("<br>") + "</div><div>" + photoLinks(inp.photos) + "</div></li>";
    }).join("");
  };
  var drawMap = function () {
    var has = view.lon !== undefined && view.lat !== undefined;
    $("c-map-none").hidden = has;
    $("c-map").hidden = !has;
    if (!has || typeof L === "undefined") return;
    if (!map) {
      map = L.map($("c-map"), { attributionControl: false });
      if (root.dataset.tiles) L.tileLayer(root.dataset.tiles, { maxZoom: 19 }).addTo(map);
    }
    if (marker) marker.remove();
    marker = L.circleMarker([view.lat, view.lon], { radius: 9, color: "#333", weight: 1, fillColor: "#c0392b", fillOpacity: 0.9 }).addTo(map);
    map.setView([view.lat, view.lon], 16);
    $("c-map").dataset.point = view.lon + "," + view.lat;
  };
  var deptName = function (d) {
    var x = (depts || []).filter(function (y) { return String(y.id) === String(d); })[0];
    return x ? x.name : "#" + d;
  };
  var drawFiles = function (as) {
    $("c-files").innerHTML = as.map(function (a) {
      var u = "/api/v1/workorders/" + id + "/attachments/" + a.id;
      return /^image\//.test(a.content_type) ? "<a href=\"" + u + "\"><img src=\"" + u + "\" alt=\"" + esc(a.name) + "\"></a>" : "<a href=\"" + u + "\">" + esc(a.name) + "</a>";
    }).join("") || "<span class=\"muted\">" + esc(t("wo.none")) + "</span>";
  };
  var load = function () {
    var staff = root.dataset.staff === "true";
    return Promise.all([api("GET", "/api/v1/workorders/" + id), api("GET", "/api/v1/workorders/" + id + "/events?limit=500"), h.kinds(),
      api("GET", "/api/v1/workorders/" + id + "/attachments"), staff ? loadDepts() : null]).then(function (rs) {
      if (!rs[0].ok) { $("c-msg").textContent = h.problem(rs[0].body); return; }
      view = rs[0].body;
      var k = rs[2].filter(function (x) { return x.kind === view.kind; })[0];
      flow = k ? k.flow_def : null;
      var cs = (k && k.categories && k.categories.categories) || [];
      $("cf-category").innerHTML = cs.map(function (c) { return "<option value=\"" + esc(c.code) + "\">" + esc(c.code + " " + c.name) + "</option>"; }).join("");
      drawHead(); drawActions(); drawMap();
      drawTimeline(rs[1].ok && rs[1].body ? rs[1].body.items || [] : []);
      drawFiles(rs[3].ok && Array.isArray(rs[3].body) ? rs[3].body : []);
      root.dataset.seq = view.seq;
      root.dataset.state = view.state;
    });
  };
  var actionDef = function (name) { return ((flow && flow.actions) || []).filter(function (a) { return a.name === name; })[0] || { name: name, requires: [] }; };
  var closeForm = function () { $("c-form").hidden = true; current = null; };
  var loadDepts = function () {
    if (depts) return Promise.resolve(depts);
    return api("GET", "/api/v1/departments?limit=500").then(function (r) {
      depts = r.ok && r.body ? r.body.items || [] : [];
      $("cf-department").insertAdjacentHTML("beforeend", depts.map(function (d) { return "<option value=\"" + d.id + "\">" + esc(d.name) + "</option>"; }).join(""));
      return depts;
    }, function () { depts = []; return depts; });
  };
  var openForm = function (name) {
    current = actionDef(name);
    var req = current.requires || [];
    $("c-form").reset();
    $("cf-title").textContent = h.actionLabel(name);
    document.querySelectorAll("#c-form [data-input]").forEach(function (el) { el.hidden = req.indexOf(el.dataset.input) < 0; });
    if (req.indexOf("category") >= 0) $("cf-category").value = view.category || "";
    if (req.indexOf("department") >= 0) loadDepts();
    $("c-form").dataset.action = name;
    $("c-form").hidden = false;
    $("c-msg").textContent = "";
  };
  $("c-actions").addEventListener("click", function (ev) { var b = ev.target.closest("button[data-action]"); if (b) openForm(b.dataset.action); });
  $("cf-cancel").addEventListener("click", closeForm);
  $("c-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!current) return;
    var req = current.requires || [], inputs = {}, missing = [];
    var val = function (el) { return $(el).value.trim(); };
    if (req.indexOf("department") >= 0 && val("cf-department")) inputs.department_id = Number(val("cf-department"));
    if (req.indexOf("category") >= 0) { if (val("cf-category")) inputs.category = val("cf-category"); else missing.push(t("wo.f.category")); }
    if (req.indexOf("reason") >= 0) { if (val("cf-reason")) inputs.reason = val("cf-reason"); else missing.push(t("wo.f.reason")); }
    if (req.indexOf("extension") >= 0) {
      if (Number(val("cf-ext-value")) > 0) inputs.extension = { value: Number(val("cf-ext-value")), unit: val("cf-ext-unit") }; else missing.push(t("wo.f.extension"));
    }
    if (req.indexOf("limit") >= 0 && Number(val("cf-limit-value")) > 0) inputs.limit = { value: Number(val("cf-limit-value")), unit: val("cf-limit-unit") };
    var files = Array.prototype.slice.call($("cf-photos").files || []);
    if (req.indexOf("photos") >= 0 && !files.length) missing.push(t("wo.f.photos"));
    if (val("cf-comment")) inputs.comment = val("cf-comment");
    if (val("cf-public")) inputs.public_comment = val("cf-public");
    if (missing.length) { $("c-msg").textContent = t("wo.case.need", missing.join("、")); return; }
    var name = current.name, seq = view.seq;
    $("cf-submit").disabled = true;
    Promise.all(req.indexOf("photos") >= 0 ? files.map(function (f) { return h.upload(id, f); }) : []).then(function (as) {
      if (as.length) inputs.photos = as.map(function (a) { return a.id; });
      return api("POST", "/api/v1/workorders/" + id + "/actions", { action: name, seq: seq, inputs: inputs });
    }).then(function (r) {
      if (r.status === 409) { closeForm(); return load().then(function () { $("c-msg").textContent = t("wo.case.changed"); }); }
      if (!r.ok) { $("c-msg").textContent = h.problem(r.body); return; }
      closeForm();
      return load().then(function () { $("c-msg").textContent = t("wo.case.done", h.actionLabel(name)); });
    }, function (b) { $("c-msg").textContent = h.problem(b && b.code ? b : null); })
      .then(function () { $("cf-submit").disabled = false; });
  });
  load();
};
