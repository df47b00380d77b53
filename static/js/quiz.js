// Before submitting all answers, say how many questions are still unanswered: one tap must not waste an attempt.
// (When the time runs out the page submits without asking: the server has closed the attempt anyway.)
(function () {
  "use strict";
  var button = document.getElementById("finish-button");
  var form = document.getElementById("attempt-form");
  if (!button || !form) { return; }
  function answered(fieldset) {
    if (fieldset.querySelector("input[type=radio]:checked, input[type=checkbox]:checked")) { return true; }
    var filled = false;
    fieldset.querySelectorAll("input[type=text], textarea, select").forEach(function (el) {
      if (el.value && el.value.trim()) { filled = true; }
    });
    return filled;
  }
  button.addEventListener("click", function (event) {
    var missing = 0;
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      if (!answered(fieldset)) { missing += 1; }
    });
    var template = missing ? button.getAttribute("data-confirm-unanswered") : button.getAttribute("data-confirm");
    if (template && !window.confirm(template.replace("{n}", String(missing)))) { event.preventDefault(); }
  });
}());
