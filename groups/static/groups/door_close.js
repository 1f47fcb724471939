// The door's close matches offline (issue 14 item 1): as the server's
// (groups/queries/door_close.py), asked by door_offline.js only when the search
// of the device's door list found nobody: names mistyped by a letter or two
// ("Adeymi", "emer adeyemi", "adeyemi emer" for Emre Adeyemi), best first. The
// edit distance is optimal string alignment (a letter wrong, missing or extra,
// or two swapped: one edit each), one edit for four letters or fewer, two
// otherwise, given up as soon as a name is further than that.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function words(text) {
    return fold(text).replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  // The edit distance (a letter wrong, missing or extra, or two swapped: one edit each), given up past `max`.
  function edits(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var before = null, prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      var row = [i], least = i;
      for (j = 1; j <= b.length; j++) {
        var v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (before && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
        row[j] = v;
        if (v < least) least = v;
      }
      if (least > max) return max + 1;
      before = prev;
      prev = row;
    }
    return prev[b.length];
  }

  function closeMatches(q, people) {
    if (/[\d@]/.test(q)) return [];
    var typed = words(q), letters = typed.replace(/ /g, "").length;
    if (letters < 3) return [];
    var max = letters <= 4 ? 1 : 2, several = typed.indexOf(" ") > 0, scored = [];
    people.forEach(function (p) {
      var first = words(p.first_name), last = words(p.last_name);
      var names = several ? [last, first, first + " " + last, last + " " + first] : [last, first];
      var best = Math.min.apply(null, names.map(function (n) { return edits(typed, n, max); }));
      if (best <= max) scored.push({p: p, edits: best});
    });
    scored.sort(function (a, b) { return a.edits - b.edits || byName(a.p, b.p); });
    return scored.map(function (s) { return s.p; });
  }

  // The door's order of people: last name, first name, then id (the exact search's too).
  function byName(a, b) {
    return fold(a.last_name).localeCompare(fold(b.last_name)) || fold(a.first_name).localeCompare(fold(b.first_name)) ||
      a.id - b.id;
  }

  window.rollcallCloseMatches = closeMatches;
  // door_offline.js (loaded after this file) folds and orders names with these, so both searches agree.
  window.rollcallDoorNames = {fold: fold, byName: byName};
})();
