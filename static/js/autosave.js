// Saves the answers on the attempt page a few seconds after each change, and at once when the page is hidden (a
// call comes in, the phone locks), so that a closed tab or a lost connection loses nothing. Nothing is submitted or
// checked this way; the buttons work as before. If the attempt was closed meanwhile, the page reloads to say so.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  var status = document.getElementById("autosave-status");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("action");
  var timer = null;
  var dirty = false;
  function payload() {
    var data = new FormData(form);
    data.append("autosave", "1");
    return data;
  }
  function say(key) {
    if (!status) { return; }
    var now = new Date();
    var time = now.getHours() + ":" + ("0" + now.getMinutes()).slice(-2);
    status.textContent = (status.getAttribute(key) || "").replace("{time}", time);
  }
  function save() {
    timer = null;
    if (!dirty) { return; }
    dirty = false;
    fetch(url, { method: "POST", body: payload(), credentials: "same-origin" }).then(function (response) {
      if (response.status === 409) { window.location.reload(); return null; }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      if (result) { say(result.problems.length ? "data-partly" : "data-saved"); }
    }).catch(function () {
      dirty = true;
      say("data-failed");
    });
  }
  function changed() {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 3000);
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
    dirty = false;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty && navigator.sendBeacon) {
      window.clearTimeout(timer);
      dirty = !navigator.sendBeacon(url, payload());
    }
  });
}());
