// The door screen: keep the search box ready for the next name.
// Everything works without this file; it only saves taps.
(function () {
  "use strict";
  function ready() {
    var box = document.getElementById("door-q");
    var done = document.querySelector(".message-success, .message-info");
    if (box && done) { box.value = ""; }
    if (box) { box.focus(); }
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
})();
