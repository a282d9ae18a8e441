// The area import page: posts the chosen file to the import API with a
// progress bar and lists every rejected feature or row with its reason.
(function () {
  "use strict";
  var form = document.getElementById("imp");
  if (!form) return;
  var T = form.dataset, bar = document.getElementById("imp-progress");
  var table = document.getElementById("imp-errors"), body = table.querySelector("tbody");
  var summary = document.getElementById("imp-summary"), sev = document.getElementById("imp-sev").dataset;
  function fmt(s, r) { return s.replace(/\{(\w+)\}/g, function (_, k) { return r[k] === undefined ? "" : r[k]; }); }
  function row(is, kind) {
    var tr = document.createElement("tr");
    tr.className = kind === "error" ? "error" : "muted";
    [is.row ? "row " + is.row : (is.index >= 0 ? "#" + is.index : "–"), (is.id || "") + (is.other_id ? " ↔ " + is.other_id : ""),
      is.field || "", is.code || "", is.detail || "", sev[kind]].forEach(function (v) {
      var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
    });
    body.appendChild(tr);
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = document.getElementById("imp-file").files[0];
    if (!f) return;
    var xlsx = /\.xlsx$/i.test(f.name);
    var url = "/api/v1/areas/import" + (xlsx ? ".xlsx" : "") + "?grid_code_width=" + document.getElementById("imp-width").value +
      "&dry_run=" + (document.getElementById("imp-dry").checked ? "true" : "false");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRF-Token", window.towngrid ? window.towngrid.csrf : "");
    xhr.setRequestHeader("Content-Type", xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "application/geo+json");
    bar.hidden = false; bar.value = 0; body.innerHTML = ""; table.hidden = true; summary.textContent = "";
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
    xhr.onload = function () {
      bar.value = 100;
      var r = {};
      try { r = JSON.parse(xhr.responseText); } catch (e) { r = { detail: xhr.responseText }; }
      (r.errors || []).forEach(function (is) { row(is, "error"); });
      (r.warnings || []).forEach(function (is) { row(is, "warning"); });
      table.hidden = !body.children.length;
      if (xhr.status === 200) summary.textContent = fmt(r.dry_run ? T.tDry : T.tOk, r);
      else if (r.code === "import.rejected") summary.textContent = fmt(T.tRejected, { n: (r.errors || []).length });
      else summary.textContent = T.tFailed + " " + (r.detail || xhr.status);
      summary.className = xhr.status === 200 ? "ok" : "error";
      summary.dataset.status = String(xhr.status);
    };
    xhr.onerror = function () { summary.textContent = T.tFailed; summary.className = "error"; };
    xhr.send(f);
  });
})();
