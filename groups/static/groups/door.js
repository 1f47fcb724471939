// The door screen: keep the search box ready for the next name.
// Everything works without this file; it only saves taps.
(function () {
  "use strict";
  // htmx "settles" the style attribute of swapped elements that keep their id
  // (the last check-ins, sent again with each answer), and under the strict
  // CSP that is a violation in the console. Nothing here is styled inline.
  if (window.htmx) { window.htmx.config.attributesToSettle = ["class", "width", "height"]; }
  function box() { return document.getElementById("door-q"); }

  // After each tap the card answers; the phone also buzzes where it can, and
  // a short tone sounds (high for "In", two low for "Not eligible") unless the
  // steward switched it off in the menu (kept on this device). WebAudio makes
  // the tone: no sound file, nothing fetched.
  var SOUND = "rollcall-door-sound";
  function soundOn() {
    try { return window.localStorage.getItem(SOUND) !== "off"; } catch (e) { return true; }
  }
  var audio = null;
  function context() {
    var Make = window.AudioContext || window.webkitAudioContext;
    if (!audio && Make) { try { audio = new Make(); } catch (e) { audio = null; } }
    return audio;
  }
  // Phones let a page make sound only after a touch: the first one wakes the audio up.
  function wake() { var a = soundOn() && context(); if (a && a.state === "suspended") a.resume(); }
  document.addEventListener("pointerdown", wake, { once: true });
  document.addEventListener("keydown", wake, { once: true });
  function tone(ok) {
    var a = soundOn() && context();
    if (!a) return;
    var start = a.currentTime;
    (ok ? [880] : [330, 247]).forEach(function (hertz, i) {
      var osc = a.createOscillator(), gain = a.createGain(), at = start + i * 0.2;
      osc.type = ok ? "sine" : "square";
      osc.frequency.value = hertz;
      gain.gain.setValueAtTime(0.12, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + 0.16);
      osc.connect(gain);
      gain.connect(a.destination);
      osc.start(at);
      osc.stop(at + 0.17);
    });
  }
  function feedback(ok) {
    if (navigator.vibrate) navigator.vibrate(ok ? 80 : [60, 80, 60]);
    try { tone(ok); } catch (e) { /* no sound: the card still says it */ }
  }
  window.rollcallDoorFeedback = feedback;  // door_offline.js answers offline taps with it too
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("door-sound");
    if (!toggle) return;
    toggle.checked = soundOn();
    var item = toggle.closest("li");
    if (item) item.hidden = false;
    toggle.addEventListener("change", function () {
      try { window.localStorage.setItem(SOUND, toggle.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
  });
  function ready() {
    var q = box();
    var done = document.querySelector(".message-success, .message-info");
    if (q && done) { q.value = ""; }
    if (q) { q.focus(); }
  }
  document.addEventListener("DOMContentLoaded", ready);
  // Coming back with the browser's Back button shows a stale page: start afresh.
  window.addEventListener("pageshow", function (event) { if (event.persisted) ready(); });
  // Opening "Let them in anyway" or "Undo" puts the cursor in its reason field.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.open && details.matches && details.matches(".door-override, .door-undo")) {
      var field = details.querySelector("input[type=text]");
      if (field) field.focus();
    }
  }, true);
  // The last check-ins come with the 5-second quorum poll (the other devices' too;
  // a tap's answer brings them, and the poll it sets off does not: _quorum.html). The
  // list stays as it is while a steward has an Undo open in it (typing why), and
  // a poll leaves it while it shows this device's own offline check-ins
  // (door_offline.js marks them waiting, then sent); a tap here replaces it.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "door-recent-body") return;
    var incoming = event.detail.fragment && event.detail.fragment.firstElementChild;
    var polled = incoming && incoming.hasAttribute("data-door-poll");
    if (target.querySelector("details[open]") || target.contains(document.activeElement) ||
        (polled && target.querySelector(".door-recent-offline"))) {
      event.detail.shouldSwap = false;
    }
  });
  // A tap answered in its card (htmx swapped _outcome.html in): the box empties
  // and takes focus for the next name; the answer stays until the next search.
  // htmx:load, on the new card: the tapped form is gone from the page by then.
  document.addEventListener("htmx:load", function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains("door-outcome")) return;
    feedback(card.classList.contains("door-outcome-in"));
    // Scanning badges one after another: focusing the box would raise the keyboard over the camera.
    if (document.documentElement.dataset.doorScanner === "on") return;
    var q = box();
    if (q) { q.value = ""; q.focus(); }
  });
})();
