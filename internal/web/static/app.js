// towngrid's small shared script: it keeps the language switch on the same
// page, shows times in local form and sends the CSRF token with fetch().
(function () {
  "use strict";
  var here = location.pathname + location.search;
  document.querySelectorAll(".langs a").forEach(function (a) {
    a.href = a.getAttribute("href") + "?next=" + encodeURIComponent(here);
  });
  var lang = document.documentElement.lang || "zh-CN";
  document.querySelectorAll(".ts[data-ms]").forEach(function (el) {
    var ms = Number(el.dataset.ms);
    if (ms > 0) el.textContent = new Date(ms).toLocaleString(lang);
  });
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.towngrid = {
    csrf: meta ? meta.content : "",
    api: function (method, url, body) {
      return fetch(url, {
        method: method, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": this.csrf },
        body: body === undefined ? undefined : JSON.stringify(body)
      }).then(function (r) { return r.status === 204 ? null : r.json(); });
    }
  };
})();
