// Study-time heartbeat for a lesson page. It only says "this page is visible and its reader is active";
// the server's clock decides how much time that earns, so nothing here can inflate study hours.
(function () {
  "use strict";
  var lesson = document.getElementById("lesson");
  if (!lesson || !window.fetch) { return; }
  var url = lesson.getAttribute("data-heartbeat-url");
  var lessonId = parseInt(lesson.getAttribute("data-lesson"), 10);
  var interval = Math.max(1, parseInt(lesson.getAttribute("data-interval"), 10) || 30) * 1000;
  var idleLimit = 2 * 60 * 1000; // no touch, scroll or key for two minutes: the reader is away
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var lastActivity = Date.now();
  var timeLabel = document.getElementById("lesson-time");
  var idleNotice = document.getElementById("idle-notice");
  var banner = document.getElementById("certificate-issued");
  var paused = false;

  // Say it when the clock stops for idleness, and again when activity starts it: the reader is never left
  // wondering why the minutes stopped. The notice is a polite live region.
  function setPaused(now) {
    if (!idleNotice || now === paused) { paused = now; return; }
    paused = now;
    idleNotice.textContent = idleNotice.getAttribute(now ? "data-paused" : "data-resumed");
    idleNotice.hidden = false;
    idleNotice.classList.toggle("idle-paused", now);
  }

  function active() {
    lastActivity = Date.now();
    if (paused) { setPaused(false); beat(); }
  }

  ["scroll", "keydown", "pointerdown", "pointermove", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, active, { passive: true });
  });

  var maxScroll = 0;
  function scrollable() { return document.documentElement.scrollHeight > window.innerHeight + 40; }
  window.addEventListener("scroll", function () {
    var room = document.documentElement.scrollHeight - window.innerHeight;
    if (room > 0) { maxScroll = Math.max(maxScroll, Math.min(100, Math.round(100 * window.scrollY / room))); }
  }, { passive: true });

  function show(seconds) {
    if (!timeLabel) { return; }
    timeLabel.textContent = Math.floor(seconds / 60) + " " + timeLabel.getAttribute("data-min-label") + " " +
      (seconds % 60) + " " + timeLabel.getAttribute("data-s-label");
  }

  // The first beat after the page opens or comes back into view only starts the server's clock: time spent
  // elsewhere is never credited to this lesson.
  var starting = true;

  function beat() {
    if (document.visibilityState !== "visible") { starting = true; return; }
    if (Date.now() - lastActivity > idleLimit) { starting = true; setPaused(true); return; }
    // What the server needs to credit the beat and to spot a script: visible, seconds since the last input, and
    // how far this page was scrolled.
    var body = { lesson: lessonId, visible: true, idle: Math.floor((Date.now() - lastActivity) / 1000),
                 scroll: maxScroll, scrollable: scrollable() };
    if (starting) { body.start = true; starting = false; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && typeof data.lesson_seconds === "number") { show(data.lesson_seconds); }
      if (data) { document.dispatchEvent(new CustomEvent("lms:heartbeat", { detail: data })); }
      if (data && data.certificate && banner && banner.hidden) { banner.hidden = false; banner.focus(); }
    }).catch(function () { /* offline for a moment: the next beat starts a new interval */ });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { lastActivity = Date.now(); starting = true; beat(); }
    else { starting = true; }
  });
  beat();
  window.setInterval(beat, interval);
}());
