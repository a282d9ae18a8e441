// Work-order pages. Everything comes from and goes to the JSON API; this
// script only draws lists, the report form with its offline draft queue and
// the case page's action panel. Messages come from the page (data-i18n).
(function () {
  "use strict";
  var root = document.getElementById("wo-root");
  if (!root) return;
  var I = JSON.parse(root.dataset.i18n || "{}");
  var AREAS = JSON.parse(root.dataset.areas || "{}");
  var lang = document.documentElement.lang || "zh-CN";
  var t = function (k, a) { var s = I[k] || k; return a === undefined ? s : s.replace("%s", a); };
  var esc = function (s) { var d = document.createElement("span"); d.textContent = s == null ? "" : String(s); return d.innerHTML; };
  var when = function (v) { var d = typeof v === "number" ? new Date(v) : new Date(v || 0); return d.getTime() > 0 ? d.toLocaleString(lang) : "—"; };
  var $ = function (id) { return document.getElementById(id); };
  var csrf = function () { return window.towngrid.csrf; };
  // api answers {ok, status, body}; a rejected promise means the network failed.
  var api = function (method, url, body) {
    return fetch(url, { method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.text().then(function (x) { var b = null; try { b = x ? JSON.parse(x) : null; } catch (e) { b = null; } return { ok: r.ok, status: r.status, body: b }; }); });
  };
  var upload = function (id, file) {
    var fd = new FormData(); fd.append("file", file, file.name || "photo.jpg");
    return fetch("/api/v1/workorders/" + id + "/attachments", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf() }, body: fd })
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) throw b; return b; }); });
  };
  var problem = function (b) { if (!b) return t("wo.load_failed"); var k = "problem." + b.code; return I[k] || b.detail || b.title || b.code; };
  var stateLabel = function (s) { return I["wo.state." + s] || s; };
  var actionLabel = function (a) { return I["wo.action." + a] || I["workorder." + a] || a; };
  var dot = function (light) { var l = light || "none"; return '<span class="dot ' + esc(l) + '" data-light="' + esc(l) + '" title="' + esc(I["workorder.light." + l] || "") + '"></span>'; };
  var kindsP = null, CATS = {};
  var kinds = function () {
    if (!kindsP) kindsP = api("GET", "/api/v1/workorders/kinds").then(function (r) {
      var ks = r.ok && Array.isArray(r.body) ? r.body : [];
      ks.forEach(function (k) { ((k.categories && k.categories.categories) || []).forEach(function (c) { CATS[c.code] = c.name; }); });
      return ks;
    });
    return kindsP;
  };
  var catLabel = function (c) { return c ? c + (CATS[c] ? " " + CATS[c] : "") : "—"; };
  var page = root.dataset.page;

  // ---- lists: the command board, a department's inbox, a grid worker's tasks ----
  var queues = (root.dataset.queues || "").split(",").filter(Boolean);
  var row = function (w) {
    return "<tr data-id=\"" + w.id + "\" data-state=\"" + esc(w.state) + "\"><td><a href=\"/workorders/" + w.id + "\">" + esc(w.number || "#" + w.id) + "</a></td><td>" + esc(catLabel(w.category)) +
      "</td><td>" + esc(AREAS[w.area_id] || w.area_id) + "</td><td>" + esc(stateLabel(w.state)) + "</td><td>" + dot(w.light) + "</td></tr>";
  };
  var card = function (w) {
    return "<li data-id=\"" + w.id + "\">" + dot(w.light) + "<a href=\"/workorders/" + w.id + "\">" + esc(w.number || "#" + w.id) + "</a><span>" + esc(w.title) +
      "</span><span class=\"muted\">" + esc(catLabel(w.category)) + " · " + esc(AREAS[w.area_id] || "") + " · " + esc(stateLabel(w.state)) + "</span></li>";
  };
  var refreshLists = function () {
    var f = function (id) { var el = $(id); return el && el.value ? el.value : ""; };
    var extra = "";
    if (f("f-category")) extra += "&category=" + encodeURIComponent(f("f-category"));
    if (f("f-light")) extra += "&light=" + encodeURIComponent(f("f-light"));
    if (f("f-area")) extra += "&area_id=" + encodeURIComponent(f("f-area"));
    var dept = (root.dataset.depts || "").split(",")[0];
    if (dept) extra += "&department_id=" + dept;
    // A filtered page that stopped at the server's bound of work is partial:
    // follow it (a few hops) until 200 rows or the end.
    var fetchQueue = function (q, cursor, acc, hops) {
      return api("GET", "/api/v1/workorders?limit=" + (200 - acc.length) + "&queue=" + q + extra + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")).then(function (r) {
        var b = r.ok && r.body ? r.body : {};
        acc = acc.concat(b.items || []);
        if (b.partial && b.next_cursor && acc.length < 200 && hops < 10) return fetchQueue(q, b.next_cursor, acc, hops + 1);
        return { items: acc, more: !!b.next_cursor };
      });
    };
    return Promise.all(queues.map(function (q) {
      return fetchQueue(q, "", [], 0).then(function (res) {
        var items = res.items;
        $("count-" + q).textContent = items.length + (res.more ? "+" : "");
        var col = $("col-" + q);
        if (page === "board") col.querySelector("tbody").innerHTML = items.map(row).join("") || "<tr><td colspan=\"5\" class=\"muted\">" + esc(t("wo.none")) + "</td></tr>";
        else $("list-" + q).innerHTML = items.map(card).join("") || "<li class=\"muted\">" + esc(t("wo.none")) + "</li>";
      });
    })).then(function () { $("wo-updated").textContent = t("wo.updated", new Date().toLocaleTimeString(lang)); },
      function () { $("wo-updated").textContent = t("wo.load_failed"); });
  };
  if (page === "board" || page === "list") {
    kinds().then(function (ks) {
      var sel = $("f-category");
      if (sel) Object.keys(CATS).sort().forEach(function (c) { sel.insertAdjacentHTML("beforeend", "<option value=\"" + esc(c) + "\">" + esc(catLabel(c)) + "</option>"); });
      refreshLists();
    });
    var areaSel = $("f-area");
    if (areaSel) Object.keys(AREAS).sort(function (a, b) { return AREAS[a].localeCompare(AREAS[b]); }).forEach(function (id) {
      areaSel.insertAdjacentHTML("beforeend", "<option value=\"" + id + "\">" + esc(AREAS[id]) + "</option>");
    });
    document.querySelectorAll(".wo-filters select").forEach(function (s) { s.addEventListener("change", refreshLists); });
    var tabs = document.querySelectorAll(".wo-tab");
    var pick = function (q) {
      tabs.forEach(function (b) { b.classList.toggle("on", b.dataset.queue === q); });
      document.querySelectorAll(".wo-col").forEach(function (c) { c.classList.toggle("on", c.dataset.queue === q); });
    };
    tabs.forEach(function (b) { b.addEventListener("click", function () { pick(b.dataset.queue); }); });
    if (queues.length) pick(queues[0]);
    setInterval(refreshLists, 15000);
  }

  // ---- the report form with its offline draft queue ----
  var DRAFTS = "towngrid.wo.drafts";
  var loadDrafts = function () { try { return JSON.parse(localStorage.getItem(DRAFTS) || "[]"); } catch (e) { return []; } };
  var saveDrafts = function (ds) { try { localStorage.setItem(DRAFTS, JSON.stringify(ds)); return true; } catch (e) { return false; } }; // false: storage full
  var fileToData = function (f) { return new Promise(function (ok) { var r = new FileReader(); r.onload = function () { ok({ name: f.name, data: r.result }); }; r.onerror = function () { ok(null); }; r.readAsDataURL(f); }); };
  var dataToFile = function (p) {
    var parts = p.data.split(","), bin = atob(parts[1]), buf = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
    return new File([buf], p.name || "photo.jpg", { type: (parts[0].match(/data:([^;]+)/) || [])[1] || "image/jpeg" });
  };
  // send posts a report, then its photos; it rejects only when the network is down.
  var send = function (report, files, msg) {
    return api("POST", "/api/v1/workorders", report).then(function (r) {
      if (!r.ok) { msg.textContent = problem(r.body); return false; }
      var w = r.body;
      msg.textContent = t("wo.new.uploading");
      return files.reduce(function (p, f) { return p.then(function (bad) { return upload(w.id, f).then(function () { return bad; }, function () { return true; }); }); }, Promise.resolve(false))
        .then(function (bad) {
          msg.innerHTML = esc(t("wo.new.sent", w.number || "#" + w.id)) + (bad ? " " + esc(t("wo.new.photo_failed")) : "") +
            " <a id=\"r-case\" href=\"/workorders/" + w.id + "\">" + esc(t("wo.new.open_case")) + "</a>";
          return true;
        });
    });
  };
  var drawDrafts = function () {
    var ds = loadDrafts(), ul = $("r-drafts");
    $("r-drafts-count").textContent = ds.length;
    ul.innerHTML = ds.map(function (d) {
      return "<li data-draft=\"" + d.id + "\"><span>" + esc(d.report.title) + "</span><span class=\"muted\">" + esc(when(d.id)) + "</span>" +
        "<button type=\"button\" class=\"d-send\">" + esc(t("wo.new.send_now")) + "</button><button type=\"button\" class=\"d-drop secondary\">" + esc(t("wo.new.discard")) + "</button></li>";
    }).join("");
  };
  var sendDraft = function (id) {
    var d = loadDrafts().filter(function (x) { return x.id === id; })[0];
    if (!d) return Promise.resolve();
    return send(d.report, (d.photos || []).filter(Boolean).map(dataToFile), $("r-msg")).then(function () {
      saveDrafts(loadDrafts().filter(function (x) { return x.id !== id; })); drawDrafts();
    }, function () { $("r-msg").textContent = t("wo.new.offline"); });
  };
  var sendAll = function () { return loadDrafts().reduce(function (p, d) { return p.then(function () { return sendDraft(d.id); }); }, Promise.resolve()); };
  if (page === "new") {
    var kindSel = $("r-kind"), catSel = $("r-category"), gpsOut = $("r-gps-out");
    var KINDS = {};
    var fillCats = function () {
      var k = KINDS[kindSel.value], cs = (k && k.categories && k.categories.categories) || [];
      catSel.innerHTML = cs.map(function (c) { return "<option value=\"" + esc(c.code) + "\">" + esc(c.code + " " + c.name) + "</option>"; }).join("");
      catSel.parentNode.hidden = cs.length === 0;
    };
    kinds().then(function (ks) {
      ks.forEach(function (k) { KINDS[k.kind] = k; kindSel.insertAdjacentHTML("beforeend", "<option value=\"" + esc(k.kind) + "\">" + esc(k.label || k.kind) + "</option>"); });
      if (KINDS.citycase) kindSel.value = "citycase"; // the everyday 城市管理 case
      fillCats();
    });
    kindSel.addEventListener("change", fillCats);
    $("r-gps").addEventListener("click", function () {
      if (!navigator.geolocation) { gpsOut.textContent = t("wo.new.gps_fail"); return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        gpsOut.dataset.lon = p.coords.longitude.toFixed(6); gpsOut.dataset.lat = p.coords.latitude.toFixed(6);
        gpsOut.textContent = t("wo.new.gps_ok") + " " + gpsOut.dataset.lon + ", " + gpsOut.dataset.lat;
      }, function () { gpsOut.textContent = t("wo.new.gps_fail"); }, { enableHighAccuracy: true, timeout: 15000 });
    });
    $("wo-report").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var msg = $("r-msg");
      var rep = { kind: kindSel.value, title: $("r-title").value.trim() };
      if (!rep.title) { msg.textContent = t("wo.new.need_title"); return; }
      if (catSel.value && !catSel.parentNode.hidden) rep.category = catSel.value;
      if ($("r-description").value.trim()) rep.description = $("r-description").value.trim();
      if ($("r-grid").value) rep.area_id = Number($("r-grid").value);
      if (gpsOut.dataset.lon) { rep.lon = Number(gpsOut.dataset.lon); rep.lat = Number(gpsOut.dataset.lat); }
      var files = Array.prototype.slice.call($("r-photos").files || []);
      $("r-submit").disabled = true;
      send(rep, files, msg).then(function (ok) {
        if (ok) $("wo-report").reset();
      }, function () { // the network is down: keep the draft, photos included
        return Promise.all(files.map(fileToData)).then(function (ps) {
          var ds = loadDrafts(); ds.push({ id: Date.now(), report: rep, photos: ps });
          var kept = saveDrafts(ds); drawDrafts();
          msg.textContent = t(kept ? "wo.new.offline" : "wo.new.no_space");
        });
      }).then(function () { $("r-submit").disabled = false; });
    });
    $("r-drafts").addEventListener("click", function (ev) {
      var li = ev.target.closest("li[data-draft]"); if (!li) return;
      var id = Number(li.dataset.draft);
      if (ev.target.classList.contains("d-send")) sendDraft(id);
      if (ev.target.classList.contains("d-drop")) { saveDrafts(loadDrafts().filter(function (x) { return x.id !== id; })); drawDrafts(); }
    });
    window.addEventListener("online", sendAll);
    drawDrafts();
  }

  if (page === "case" && window.towngridCase) window.towngridCase({ root: root, I: I, AREAS: AREAS, t: t, esc: esc, when: when, api: api, upload: upload,
    problem: problem, stateLabel: stateLabel, actionLabel: actionLabel, dot: dot, kinds: kinds, catLabel: catLabel, lang: lang });
  if (page === "indicators" && window.towngridIndicators) window.towngridIndicators({ root: root, AREAS: AREAS, t: t, esc: esc, api: api, problem: problem, I: I });
})();
