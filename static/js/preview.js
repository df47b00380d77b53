// The live preview of the lesson editor and of a question's text: the server renders with the same sanitizer
// hosts' pages use. A question editor names its format menu in data-format-field; the preview follows it.
(function () {
  "use strict";
  var editor = document.querySelector(".editor[data-preview-url]");
  if (!editor || !window.fetch) { return; }
  var source = editor.querySelector("textarea");
  var target = document.getElementById("preview");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var formatId = editor.getAttribute("data-format-field");
  var format = formatId ? document.getElementById(formatId) : null;
  var timer = null;
  var sent = null;
  function render() {
    var text = source.value;
    var payload = format ? { markdown: text, format: format.value } : { markdown: text };
    var key = JSON.stringify(payload);
    if (key === sent) { return; }
    sent = key;
    fetch(editor.getAttribute("data-preview-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: key
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (sent === key) { target.innerHTML = data.html; }  // server-sanitized HTML, if still the latest
    }).catch(function () { sent = null; });
  }
  if (format) { format.addEventListener("change", render); }
  source.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(render, 400);
  });
  render();
}());
