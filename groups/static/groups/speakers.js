// The chair's speaking timer: counts up from the start time the page shows
// (without this file the page still shows when the speaker started).
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    document.querySelectorAll("[data-speaking-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-speaking-since"));
      var allowed = parseInt(el.getAttribute("data-allowed-seconds"), 10) || 0;
      if (isNaN(since)) return;
      var seconds = Math.max(0, Math.floor((Date.now() - since) / 1000));
      var text = el.querySelector("[data-timer-text]");
      if (text) text.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
      var over = allowed > 0 && seconds > allowed;
      el.classList.toggle("timer-over", over);
      var note = el.querySelector("[data-timer-over]");
      if (over && !note) {
        note = document.createElement("strong");
        note.setAttribute("data-timer-over", "");
        note.textContent = " — over time";
        el.appendChild(note);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
})();
