// People list: open the filters on wide screens; "select everyone on this page".
// The page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (window.matchMedia("(min-width: 640px)").matches) {
      document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
    }
    var all = document.querySelector(".select-all");
    if (!all) return;
    var boxes = document.querySelectorAll('input[name="person"]');
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
    });
  });
})();
