// Shows the time left of a timed quiz and submits the answers when it runs out. The server keeps the real
// deadline: changing this page's clock changes nothing about what counts.
(function () {
  "use strict";
  var label = document.getElementById("time-left");
  var form = document.getElementById("attempt-form");
  if (!label || !form) { return; }
  var end = Date.now() + parseInt(label.getAttribute("data-remaining"), 10) * 1000;
  var submitted = false;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    label.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left === 0 && !submitted) {
      submitted = true;
      var finish = document.getElementById("finish-button");
      if (finish && form.requestSubmit) { form.requestSubmit(finish); } else if (finish) { finish.click(); }
    }
  }
  tick();
  window.setInterval(tick, 1000);
}());
