// The door screen: keep the search box ready for the next name.
// Everything works without this file; it only saves taps.
(function () {
  "use strict";
  // htmx "settles" the style attribute of swapped elements that keep their id
  // (the last check-ins, sent again with each answer), and under the strict
  // CSP that is a violation in the console. Nothing here is styled inline.
  if (window.htmx) { window.htmx.config.attributesToSettle = ["class", "width", "height"]; }
  function box() { return document.getElementById("door-q"); }
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
  // A tap answered in its card (htmx swapped _outcome.html in): the box empties
  // and takes focus for the next name; the answer stays until the next search.
  // htmx:load, on the new card: the tapped form is gone from the page by then.
  document.addEventListener("htmx:load", function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains("door-outcome")) return;
    // Scanning badges one after another: focusing the box would raise the keyboard over the camera.
    if (document.documentElement.dataset.doorScanner === "on") return;
    var q = box();
    if (q) { q.value = ""; q.focus(); }
  });
})();
