// Live progress of a job page: polls the status URL, reloads once the job has ended so the
// server renders the result (no inline script: the pages get a strict CSP).
(function () {
  "use strict";
  var live = document.getElementById("job-live");
  if (!live || live.dataset.finished === "1") { return; }
  var url = live.dataset.statusUrl;
  function show(status) {
    document.getElementById("job-progress").value = status.percent;
    document.getElementById("job-percent").textContent = status.percent + " %";
    document.getElementById("job-rows").textContent = status.done + " / " + status.total;
    var state = document.getElementById("job-state");
    state.textContent = status.state_label;
    state.dataset.state = status.state;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        show(status);
        if (status.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
