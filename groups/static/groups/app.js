// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Focus the error summary so screen readers announce it after a failed submit.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    document.querySelectorAll("[data-autofocus]").forEach(function (el) { el.focus(); });
  });
  // Buttons that ask before doing something that cannot be undone.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
