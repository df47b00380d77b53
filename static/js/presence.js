// Presence checks (在场确认) on a lesson page. The heartbeat's answer says when a check is due; this shows it as an
// alert dialog (a number to tap, a sum to type, or a question from the lesson with texts to tap), sends the host's
// answer and says what happened. The server keeps the right answer and the deadline.
(function () {
  "use strict";
  var dialog = document.getElementById("presence-dialog");
  var status = document.getElementById("presence-status");
  if (!dialog || !status || !window.fetch) { return; }
  var text = document.getElementById("presence-text");
  var choices = document.getElementById("presence-choices");
  var form = document.getElementById("presence-form");
  var input = document.getElementById("presence-answer");
  var timeLeft = document.getElementById("presence-time");
  var note = document.getElementById("presence-note"); // why a check follows at once (the last one was missed)
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var current = null; // the check on screen
  var returnFocus = null;
  var deadline = 0;
  var timer = null;

  function say(message) {
    status.textContent = message;
    status.hidden = !message;
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    timeLeft.textContent = String(left);
  }

  function focusables() {
    return Array.prototype.filter.call(dialog.querySelectorAll("button, input"), function (el) {
      return !el.disabled && el.offsetParent !== null;
    });
  }

  function close() {
    dialog.hidden = true;
    if (note) { note.hidden = true; note.textContent = ""; }
    current = null;
    if (timer) { window.clearInterval(timer); timer = null; }
    if (returnFocus && returnFocus.focus) { returnFocus.focus(); }
  }

  function answer(value) {
    if (!current) { return; }
    var url = current.url;
    focusables().forEach(function (el) { el.disabled = true; });
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ answer: value })
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      close();
      if (data && data.message) { say(data.message); }
    }).catch(function () {
      focusables().forEach(function (el) { el.disabled = false; });
    });
  }

  function show(check) {
    if (current && current.id === check.id) { return; } // already on screen: keep the host's focus
    current = check;
    returnFocus = document.activeElement;
    text.textContent = check.text;
    choices.textContent = "";
    // A question from the lesson offers texts, one per row; numbers sit two to a row.
    choices.className = "presence-choices" + (check.kind === "lesson" || check.kind === "heading" ? " texts" : "");
    check.choices.forEach(function (value) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button secondary";
      button.textContent = value;
      button.addEventListener("click", function () { answer(value); });
      choices.appendChild(button);
    });
    form.hidden = check.choices.length > 0;
    input.value = "";
    input.disabled = false;
    form.querySelector("button").disabled = false;
    deadline = Date.now() + check.expires_in * 1000;
    tick();
    if (timer) { window.clearInterval(timer); }
    timer = window.setInterval(tick, 1000);
    dialog.hidden = false;
    var first = focusables()[0];
    if (first) { first.focus(); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    answer(input.value);
  });

  // Keep Tab inside the dialog while it is open.
  dialog.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") { return; }
    var items = focusables();
    if (!items.length) { return; }
    var first = items[0], last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  });

  document.addEventListener("lms:heartbeat", function (event) {
    var presence = event.detail && event.detail.presence;
    if (!presence) { return; }
    if (presence.message) { say(presence.message); }
    if (presence.check) {
      show(presence.check);
      // The status line is behind the dialog: say inside it, too, why credit stopped.
      if (presence.message && note) { note.textContent = presence.message; note.hidden = false; }
    } else if (current) { close(); }
  });
}());
