// Directory records: upload an enterprise or component sheet to the import
// API with fetch and show the per-row, per-column errors in a table.
(function () {
  "use strict";
  var form = document.getElementById("dirrec-import");
  if (!form) return;
  var status = document.getElementById("dirrec-import-status");
  var table = document.getElementById("dirrec-import-errors");
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var file = document.getElementById("dirrec-file").files[0];
    if (!file) return;
    var ext = /\.csv$/i.test(file.name) ? "csv" : "xlsx";
    var url = "/api/v1/" + form.dataset.kind + "/import." + ext;
    if (document.getElementById("dirrec-dry").checked) url += "?dry_run=true";
    fetch(url, {
      method: "POST", credentials: "same-origin", body: file,
      headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": window.towngrid.csrf }
    }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        var body = table.querySelector("tbody");
        body.textContent = "";
        var errs = res.body.errors || [];
        table.hidden = errs.length === 0;
        errs.forEach(function (e) {
          var tr = document.createElement("tr");
          [e.row, e.column || e.field || "", (e.detail || "") + " (" + e.code + ")"].forEach(function (v) {
            var td = document.createElement("td");
            td.textContent = v;
            tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        status.textContent = res.ok ? status.dataset.ok + " " + (res.body.imported || 0) + "/" + (res.body.rows || 0)
          : status.dataset.bad + " " + (res.body.detail || "");
        status.className = res.ok ? "ok" : "error";
      });
  });
})();
