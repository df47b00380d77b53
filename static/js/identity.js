// Identity snapshots (only after the host's separate consent, which the page states with data-identity-*): one
// camera frame at the start of a lesson, and one when a presence check appears if the programme asks for it. The
// frame goes straight to the server as a JPEG; the camera is switched off again at once.
(function () {
  "use strict";
  var lesson = document.getElementById("lesson");
  if (!lesson || !window.fetch || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  var url = lesson.getAttribute("data-identity-url");
  var lessonId = parseInt(lesson.getAttribute("data-lesson"), 10);
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var lastCheck = null;

  function snapshot(moment) {
    navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false }).then(function (stream) {
      var video = document.createElement("video");
      video.muted = true;
      video.playsInline = true;
      video.srcObject = stream;
      return video.play().then(function () {
        var canvas = document.createElement("canvas");
        canvas.width = video.videoWidth || 640;
        canvas.height = video.videoHeight || 480;
        canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
        stream.getTracks().forEach(function (track) { track.stop(); });
        return fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ lesson: lessonId, moment: moment, image: canvas.toDataURL("image/jpeg", 0.7) })
        });
      });
    }).catch(function () { /* camera refused or missing: the check is simply not taken */ });
  }

  if (lesson.getAttribute("data-identity-start") === "yes") { snapshot("start"); }
  if (lesson.getAttribute("data-identity-random") === "yes") {
    document.addEventListener("lms:heartbeat", function (event) {
      var check = event.detail && event.detail.presence && event.detail.presence.check;
      if (check && check.id !== lastCheck) { lastCheck = check.id; snapshot("random"); }
    });
  }
}());
