// Forms that destroy something ask first: <form data-confirm="…">.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
}());

// Password fields get a "show password" button (hidden without JavaScript, where it could not work).
(function () {
  "use strict";
  document.querySelectorAll("button.show-password[data-for]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-for"));
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var showing = input.type === "text";
      input.type = showing ? "password" : "text";
      button.setAttribute("aria-pressed", showing ? "false" : "true");
    });
  });
}());
