// Per-mu evaluation pages: start a run, draw the class distribution per park
// and town (embedded ECharts), save a statistics report, import a sheet and
// list every bad cell. Data comes from the JSON API.
(function () {
  "use strict";
  var tg = window.towngrid;
  function fmt(s, n) { return s.replace("%d", String(n)); }

  var runForm = document.getElementById("run-form");
  if (runForm) {
    runForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var st = document.getElementById("run-status");
      st.textContent = "…";
      tg.api("POST", "/api/v1/evaluations", {
        scheme: document.getElementById("run-scheme").value,
        year: Number(document.getElementById("run-year").value),
        area_id: Number(document.getElementById("run-area").value)
      }).then(function (r) {
        if (r && r.run) { location.href = "/evaluation/runs/" + r.run.id; return; }
        st.textContent = runForm.dataset.tFailed + ((r && r.detail) || "");
        st.className = "error";
      });
    });
  }

  var head = document.getElementById("run-head");
  if (head) {
    fetch("/api/v1/evaluations/" + head.dataset.run + "/aggregates", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (aggs) {
        ["park", "town"].forEach(function (level) {
          var el = document.getElementById("chart-" + level);
          var rows = (aggs || []).filter(function (a) { return a.level === level; });
          var units = rows.map(function (a) { return a.unit || "—"; });
          var classes = {};
          rows.forEach(function (a) { Object.keys(a.body.by_class || {}).forEach(function (c) { classes[c] = true; }); });
          var codes = Object.keys(classes).sort();
          if (typeof echarts === "undefined") {
            el.textContent = rows.map(function (a) { return (a.unit || "—") + ": " + JSON.stringify(a.body.by_class); }).join(" · ");
            return;
          }
          var colors = { A: "#2e7d32", B: "#1565c0", C: "#ef6c00", D: "#b3261e" };
          var chart = echarts.init(el);
          chart.setOption({
            title: { text: el.dataset.title, textStyle: { fontSize: 14 } },
            tooltip: { trigger: "axis" }, legend: { top: 0, right: 0 },
            grid: { left: 40, right: 16, top: 40, bottom: 40, containLabel: true },
            xAxis: { type: "category", data: units }, yAxis: { type: "value" },
            series: codes.map(function (c) {
              return { name: c, type: "bar", stack: "n", itemStyle: { color: colors[c] },
                data: rows.map(function (a) { return (a.body.by_class || {})[c] || 0; }) };
            })
          });
          el.dataset.rendered = "echarts";
          window.addEventListener("resize", function () { chart.resize(); });
        });
      });
  }

  var sf = document.getElementById("stats-form");
  if (sf) {
    var cur = {};
    try { cur = JSON.parse(sf.dataset.current || "{}"); } catch (e) { cur = {}; }
    Object.keys(cur).forEach(function (k) {
      var inp = document.getElementById("fig-" + k);
      if (inp) inp.value = cur[k];
    });
    document.getElementById("stats-period").addEventListener("change", function () {
      location.search = "?period=" + encodeURIComponent(this.value);
    });
    sf.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var figs = {}, res = document.getElementById("stats-result"), errs = document.getElementById("stats-errors");
      errs.innerHTML = "";
      sf.querySelectorAll(".figs input").forEach(function (i) {
        var v = i.value.replace(/,/g, "").trim();
        if (v !== "") figs[i.name] = Number(v);
      });
      var period = document.getElementById("stats-period").value.trim();
      tg.api("PUT", "/api/v1/enterprises/" + sf.dataset.ent + "/stats/" + encodeURIComponent(period),
        { figures: figs, status: document.getElementById("stats-status").value })
        .then(function (r) {
          if (r && r.revision) { res.textContent = sf.dataset.tSaved + r.revision; res.className = "ok"; return; }
          res.textContent = sf.dataset.tFailed + ((r && r.detail) || ""); res.className = "error";
          ((r && r.errors) || []).forEach(function (e) {
            var li = document.createElement("li"); li.textContent = e.field + ": " + e.detail; errs.appendChild(li);
          });
        });
    });
  }

  var imp = document.getElementById("simp");
  if (imp) {
    var T = imp.dataset, table = document.getElementById("simp-errors"), body = table.querySelector("tbody");
    var summary = document.getElementById("simp-summary");
    imp.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = document.getElementById("simp-file").files[0];
      if (!f) return;
      body.innerHTML = ""; table.hidden = true; summary.textContent = "…";
      fetch("/api/v1/stats/import.xlsx?dry_run=" + (document.getElementById("simp-dry").checked ? "true" : "false"), {
        method: "POST", credentials: "same-origin", body: f,
        headers: { "X-CSRF-Token": tg.csrf, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
      }).then(function (resp) {
        return resp.json().then(function (r) { return { status: resp.status, r: r }; });
      }).then(function (x) {
        var r = x.r || {};
        (r.errors || []).forEach(function (e) {
          var tr = document.createElement("tr");
          [e.row, e.column || e.field || "", e.code, e.detail].forEach(function (v) {
            var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        table.hidden = !body.children.length;
        if (x.status === 200 || x.status === 201) {
          summary.textContent = fmt(r.dry_run ? T.tDry : T.tOk, r.dry_run ? r.rows : r.imported); summary.className = "ok";
        } else if (r.code === "import") {
          summary.textContent = fmt(T.tRejected, (r.errors || []).length); summary.className = "error";
        } else {
          summary.textContent = T.tFailed + (r.detail || x.status); summary.className = "error";
        }
        summary.dataset.status = String(x.status);
      });
    });
  }
})();
