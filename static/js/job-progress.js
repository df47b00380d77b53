// A background job's progress page: ask the JSON endpoint every two seconds and move the bar; open the results
// when the job is done, and reload to show the message when it failed. Without JavaScript the refresh link does it.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var label = box.querySelector("label");
  var message = box.querySelector("[data-job-message]");

  function show(status) {
    if (status.result_url) { window.location.assign(status.result_url); return false; }
    if (status.state === "failed") { window.location.reload(); return false; }
    if (status.total) { bar.max = status.total; bar.value = status.done; }
    bar.textContent = status.percent + "%";
    label.textContent = status.label;
    message.textContent = status.message || "";
    return true;
  }

  function poll() {
    fetch(box.getAttribute("data-job-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) { if (!status || show(status)) { window.setTimeout(poll, 2000); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
