// The question editor shows only the inputs the chosen type uses; without JavaScript all of them show.
(function () {
  "use strict";
  var form = document.querySelector(".question-editor");
  if (!form) { return; }
  var kind = form.querySelector("select[name$='kind']");
  function update() {
    form.querySelectorAll("[data-kinds]").forEach(function (part) {
      part.hidden = part.getAttribute("data-kinds").split(" ").indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", update);
  update();
}());
