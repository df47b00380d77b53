// The lesson editor's live preview: the server renders with the same sanitizer hosts' pages use.
(function () {
  "use strict";
  var editor = document.querySelector(".editor[data-preview-url]");
  if (!editor || !window.fetch) { return; }
  var source = editor.querySelector("textarea");
  var target = document.getElementById("preview");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var timer = null;
  var sent = null;
  function render() {
    var text = source.value;
    if (text === sent) { return; }
    sent = text;
    fetch(editor.getAttribute("data-preview-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ markdown: text })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (source.value === text) { target.innerHTML = data.html; }  // server-sanitized HTML
    }).catch(function () { sent = null; });
  }
  source.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(render, 400);
  });
  render();
}());
