// While a bulk check runs on the server, show that it is working (the page waits for the result).
(function () {
  "use strict";
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var busy = form.querySelector(".busy");
      if (!busy) { return; }
      busy.hidden = false;
      busy.querySelector("span").textContent = form.getAttribute("data-busy");
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
    });
  });
}());
