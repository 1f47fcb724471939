// The door, offline-first (CONTRACT §9). When the door page opens with a network
// it downloads the meeting's door list (door fields only) into IndexedDB and
// asks the service worker (/door-sw.js) to keep the page. With no network, the
// search and the check-ins run against that list: each check-in is queued on
// the device with a nonce, the real time and the device's name, the banner says
// how many are waiting, and the queue survives a reload. Back online, the queue
// is sent in order (check-ins in batches: POST checkins/batch/); the server decides again (a duplicate, or someone now
// refused, is kept on its side, never lost). The quorum shown offline is an
// estimate from this device. The list is wiped 24 hours after the meeting ends,
// when another user opens the door on this device, and on sign-out (the server
// sends Clear-Site-Data). Without this file the door page works online as before.
(function () {
  "use strict";
  var here = document.getElementById("door-offline");
  if (!here || !window.idb || !window.indexedDB) return;
  var MEETING = Number(here.dataset.meeting);
  var USER = here.dataset.user;
  var RESULTS = 10;
  var PAGES = "rollcall-door-pages";
  var state = {online: navigator.onLine, list: null, queue: [], failed: [], sending: false, note: ""};

  // --- storage (idb, vendored from npm: groups/static/groups/vendor/) ---
  var dbPromise = window.idb.openDB("rollcall-door", 1, {
    upgrade: function (db) {
      db.createObjectStore("lists", {keyPath: "meetingId"});
      var queue = db.createObjectStore("queue", {keyPath: "seq", autoIncrement: true});
      queue.createIndex("meeting", "meetingId");
    }
  });

  function deviceName() {
    var name = localStorage.getItem("rollcall-door-device");
    if (!name) {
      name = "Door device " + Math.random().toString(16).slice(2, 6).toUpperCase();
      localStorage.setItem("rollcall-door-device", name);
    }
    return name;
  }

  function nonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // Wipe what is past its time (24 h after a meeting ends) and anything another user left.
  function sweep(db) {
    var now = Date.now();
    return db.getAll("lists").then(function (lists) {
      return Promise.all(lists.map(function (list) {
        if (list.user !== USER || Date.parse(list.meeting.keep_until) < now) return forget(db, list);
        return null;
      }));
    });
  }

  function forget(db, list) {
    var tx = db.transaction(["lists", "queue"], "readwrite");
    tx.objectStore("lists").delete(list.meetingId);
    var index = tx.objectStore("queue").index("meeting");
    return index.getAllKeys(list.meetingId).then(function (keys) {
      keys.forEach(function (key) { tx.objectStore("queue").delete(key); });
      return tx.done;
    }).then(function () {
      if (window.caches && list.page) return caches.open(PAGES).then(function (c) { return c.delete(list.page); });
      return null;
    });
  }

  function loadQueue(db) {
    return db.getAllFromIndex("queue", "meeting", MEETING).then(function (items) {
      items.sort(function (a, b) { return a.seq - b.seq; });
      state.queue = items.filter(function (i) { return !i.error; });
      state.failed = items.filter(function (i) { return i.error; });
    });
  }

  // Queued check-ins (not yet sent) count as in on this device.
  function applyQueue() {
    if (!state.list) return;
    var byId = {};
    state.list.people.forEach(function (p) { byId[p.id] = p; });
    state.queue.concat(state.failed).forEach(function (item) {
      var p = byId[item.person];
      if (!p) return;
      if (item.kind === "check_in" && !p.checked_in_at) {
        p.checked_in_at = item.checked_in_at; p.here_may_vote = p.may_vote; p.nonce = item.nonce;
      } else if (item.kind === "undo" && p.nonce === item.target) {
        p.checked_in_at = null; p.here_may_vote = false; p.nonce = null;
      }
    });
  }

  function download(db) {
    return fetch(here.dataset.listUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error("door list: " + response.status);
        return response.json();
      })
      .then(function (body) {
        var list = {meetingId: MEETING, user: USER, page: location.pathname, meeting: body.meeting,
                    quorum: body.quorum, generated_at: body.generated_at, people: body.people};
        return db.put("lists", list).then(function () { state.list = list; applyQueue(); });
      });
  }

  // --- the page: banner, quorum estimate, local search, cards ---
  function plural(n, one) { return n + " " + one + (n === 1 ? "" : "s"); }

  function banner() {
    var el = document.getElementById("door-offline-banner");
    // Check-ins still to send, less those undone on this device before they went (both are sent, in order).
    var undone = {};
    state.queue.forEach(function (i) { if (i.kind === "undo") undone[i.target] = true; });
    var waiting = state.queue.filter(function (i) { return i.kind === "check_in" && !undone[i.nonce]; }).length;
    var text = "";
    if (!state.online) {
      text = "Offline — " + plural(waiting, "check-in") + " waiting to send" +
        (state.list ? "" : ". This device has no door list for this meeting.");
    } else if (waiting) {
      text = "Sending " + plural(waiting, "check-in") + "…";
    }
    if (state.failed.length) {
      text += (text ? " " : "") + plural(state.failed.length, "check-in") + " could not be sent: " +
        state.failed[0].error;
    }
    if (state.note) text += (text ? " " : "") + state.note;
    el.textContent = text;
    el.hidden = !text;
    el.classList.toggle("message-warning", !state.online || state.failed.length > 0);
    document.body.classList.toggle("door-offline", !state.online);
    if (!state.online) estimate();
  }

  function estimate() {
    var status = document.querySelector(".quorum-panel .quorum-status");
    if (!status || !state.list) return;
    var present = 0, voters = 0;
    state.list.people.forEach(function (p) {
      if (p.checked_in_at) { present += 1; if (p.here_may_vote) voters += 1; }
    });
    var needed = state.list.quorum.quorum;
    var word = !needed ? "No quorum set — " + voters + " present who may vote"
      : (voters >= needed ? "Quorate — " : "Not quorate — ") + voters + " of " + needed + " needed";
    status.textContent = word;
    status.appendChild(el("span", "quorum-estimate", " · estimate from this device"));
    status.classList.toggle("quorum-ok", !!needed && voters >= needed);
    status.classList.toggle("quorum-no", !!needed && voters < needed);
    var figures = document.querySelectorAll(".quorum-panel .quorum-figures dd");
    if (figures.length) figures[0].textContent = String(present + (state.list.quorum.guests || 0));
  }

  // Folding (accents, case) and the order by name are door_close.js's, loaded before this file.
  var fold = window.rollcallDoorNames.fold, byName = window.rollcallDoorNames.byName;

  // As the server's door search: the start of first and/or last name (either order), an exact
  // membership number, or a postcode.
  function search(q) {
    var words = fold(q).split(/\s+/).filter(Boolean);
    if (!words.length || !state.list) return [];
    var squashed = q.replace(/\s+/g, "").toUpperCase();
    var found = state.list.people.filter(function (p) {
      if (p.numbers.some(function (n) { return n.toUpperCase() === q.trim().toUpperCase(); })) return true;
      if (p.postcode && p.postcode.replace(/\s+/g, "").toUpperCase() === squashed) return true;
      var names = (fold(p.first_name) + " " + fold(p.last_name)).split(/[\s-]+/);
      return words.every(function (w) { return names.some(function (n) { return n.indexOf(w) === 0; }); });
    });
    found.sort(byName);
    return found;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function name(p) { return (p.first_name + " " + p.last_name).trim(); }

  function time(iso) {
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function card(p) {
    var li = el("li", "card door-card " + (p.checked_in_at ? "door-in" : p.decision.eligible ? "door-ok" : "door-no"));
    li.appendChild(el("h3", "door-name", name(p)));
    li.appendChild(el("p", "door-meta", p.category + (p.postcode ? " · " + p.postcode : "")));
    var decision = el("p", "door-decision " + (p.decision.eligible ? "status-ok" : "status-no"));
    var icon = el("span", "", p.decision.eligible ? "✓" : "✕");
    icon.setAttribute("aria-hidden", "true");
    decision.appendChild(icon);
    decision.appendChild(document.createTextNode(p.decision.eligible ? " Eligible" : " Not eligible"));
    li.appendChild(decision);
    var reasons = el("ul", "door-reasons");
    p.decision.reasons.forEach(function (r) { reasons.appendChild(el("li", "", r)); });
    li.appendChild(reasons);
    if (p.checked_in_at) {
      li.appendChild(el("p", "door-already", "✓ Already in since " + time(p.checked_in_at)));
    } else if (p.decision.eligible) {
      var button = el("button", "button button-large door-button", "Check in");
      button.type = "button";
      var hidden = el("span", "visually-hidden", " " + name(p));
      button.appendChild(hidden);
      button.addEventListener("click", function () { checkIn(p, li); });
      li.appendChild(button);
    } else {
      li.appendChild(el("p", "door-ask", "! Letting them in anyway needs the network: ask an organiser when it is back."));
    }
    return li;
  }

  function showResults(q) {
    var region = document.getElementById("door-results");
    if (!region) return;
    region.textContent = "";
    if (!q.trim()) return;
    if (!state.list) {
      region.appendChild(el("p", "door-empty", "Offline, and this device has no door list for this meeting: " +
        "write the names down and check them in when the network is back."));
      return;
    }
    var found = search(q);
    if (!found.length) {
      // Nobody: the names mistyped by a letter or two (door_close.js), as the server's search does.
      found = window.rollcallCloseMatches(q, state.list.people).slice(0, RESULTS);
      if (!found.length) {
        region.appendChild(el("p", "door-empty", "Nobody found for “" + q + "” in this device's door list."));
        return;
      }
      region.appendChild(el("p", "door-close", "No exact match — did you mean:"));
    }
    var list = el("ul", "door-results");
    found.slice(0, RESULTS).forEach(function (p) { list.appendChild(card(p)); });
    region.appendChild(list);
    if (found.length > RESULTS) {
      region.appendChild(el("p", "door-more", (found.length - RESULTS) + " more — type more of the name"));
    }
  }

  function answered(li, p, already) {
    var out = el("li", "card door-card door-outcome door-outcome-in");
    out.tabIndex = -1;
    var word = el("p", "door-outcome-word");
    var icon = el("span", "", "✓");
    icon.setAttribute("aria-hidden", "true");
    word.appendChild(icon);
    word.appendChild(document.createTextNode(" In"));
    out.appendChild(word);
    out.appendChild(el("h3", "door-name", name(p)));
    out.appendChild(el("p", "door-outcome-why", already ? "Already in since " + time(p.checked_in_at) + "."
      : (p.may_vote ? "" : "May attend; may not vote. ") + "Kept on this device; sent when the network is back."));
    li.replaceWith(out);
    if (window.rollcallDoorFeedback) window.rollcallDoorFeedback(true);  // door.js: buzz and tone
    else if (navigator.vibrate) navigator.vibrate(80);
    var box = document.getElementById("door-q");
    if (box) box.value = "";
    if (box && document.documentElement.dataset.doorScanner !== "on") box.focus();  // no keyboard over the camera
  }

  function recent(p, item) {
    var body = document.getElementById("door-recent-body");
    if (!body) return;
    var list = body.querySelector(".door-recent-list");
    if (!list) { body.textContent = ""; list = el("ul", "door-recent-list"); body.appendChild(list); }
    var li = el("li", "door-recent-offline");
    var who = el("p", "door-recent-who");
    who.appendChild(el("strong", "", name(p)));
    who.appendChild(document.createTextNode(" "));
    who.appendChild(el("span", "muted", "in " + time(item.checked_in_at) + " "));
    who.appendChild(el("span", "muted door-recent-state", "(on this device, waiting to send)"));
    li.dataset.nonce = item.nonce;
    li.appendChild(who);
    var undo = el("details", "door-undo");
    var summary = el("summary", "button button-secondary button-small", "Undo");
    undo.appendChild(summary);
    var form = el("form");
    var label = el("label", "", "Why undo?");
    label.htmlFor = "undo-" + item.nonce;
    var input = el("input");
    input.type = "text"; input.id = "undo-" + item.nonce; input.required = true; input.maxLength = 500;
    input.autocomplete = "off";
    var go = el("button", "button button-warning door-button", "Undo check-in");
    go.type = "submit";
    form.appendChild(label); form.appendChild(input); form.appendChild(go);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      event.stopPropagation();
      queue({kind: "undo", target: item.nonce, person: p.id, reason: input.value}).then(function () {
        p.checked_in_at = null; p.here_may_vote = false; p.nonce = null;
        li.remove();
        banner();
      });
    });
    undo.appendChild(form);
    li.appendChild(undo);
    list.insertBefore(li, list.firstChild);
  }

  function queue(fields) {
    var item = Object.assign({meetingId: MEETING, nonce: nonce(), device: deviceName(),
                              checked_in_at: new Date().toISOString()}, fields);
    return dbPromise.then(function (db) { return db.add("queue", item); }).then(function (seq) {
      item.seq = seq;
      state.queue.push(item);
      if (state.online) send();
      return item;
    });
  }

  function checkIn(p, li) {
    if (p.checked_in_at) { answered(li, p, true); return; }
    queue({kind: "check_in", person: p.id}).then(function (item) {
      p.checked_in_at = item.checked_in_at; p.here_may_vote = p.may_vote; p.nonce = item.nonce;
      answered(li, p, false);
      recent(p, item);
      banner();
    });
  }

  // --- back online: send the queue, in order, check-ins in batches of up to 200 ---
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body)
    });
  }

  var BATCH = 200;  // POST checkins/batch/ takes up to 200 (CONTRACT §9)

  function sendUndo(item) {
    return post(here.dataset.undoUrl, {nonce: item.target, reason: item.reason});
  }

  // The run of check-ins at the head of the queue goes in one request; an undo goes alone, in its place.
  function headRun() {
    var run = [];
    while (run.length < BATCH && state.queue[run.length] && state.queue[run.length].kind === "check_in") {
      run.push(state.queue[run.length]);
    }
    return run;
  }

  function send() {
    if (state.sending || !state.queue.length) return Promise.resolve();
    state.sending = true;
    var sent = 0, review = 0, undone = 0;

    function shown(item, text) {
      var label = document.querySelector('.door-recent-offline[data-nonce="' + item.nonce + '"] .door-recent-state');
      if (label) label.textContent = text;
    }

    // One answer (the single endpoint's, or a batch item's): done, refused for good, or to retry.
    function settle(db, item, code, body) {
      if ((code >= 200 && code < 300) || (item.kind === "undo" && code === 409)) {
        if (code === 202) review += 1;
        if (item.kind === "check_in") sent += 1; else undone += 1;
        shown(item, code === 202 ? "(sent: kept for an organiser to review)" : "(sent)");
        state.queue.splice(state.queue.indexOf(item), 1);
        return db.delete("queue", item.seq).then(function () { return true; });
      }
      if (code === 429 || code >= 500 || (body && body.code === "nonce_in_flight")) return Promise.resolve(false);
      // Refused for good (a closed meeting, a bad time): kept on the device and shown, never dropped.
      item.error = (body && (body.detail || firstError(body))) || ("the server answered " + code);
      state.queue.splice(state.queue.indexOf(item), 1);
      state.failed.push(item);
      return db.put("queue", item).then(function () { return true; });
    }

    function next(db) {
      var run = headRun();
      if (!run.length && !state.queue.length) return Promise.resolve();
      if (!run.length) {
        var undo = state.queue[0];
        return sendUndo(undo).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            return settle(db, undo, response.status, body);
          });
        }).then(function (go) { if (!go) throw new Error("retry later"); return next(db); });
      }
      var items = run.map(function (item) {
        return {person: item.person, nonce: item.nonce, checked_in_at: item.checked_in_at, device: item.device};
      });
      return post(here.dataset.batchUrl, {items: items}).then(function (response) {
        // A batch refused whole (an item this device got wrong): each alone, so each gets its own answer.
        if (response.status === 400) return one(db, run, 0).then(function () { return next(db); });
        if (!response.ok) throw new Error("retry later");  // 429, 5xx, the network: all of it again later
        return response.json().then(function (body) { return batchAnswered(db, run, body); });
      });
    }

    function one(db, run, i) {
      var item = run[i];
      if (!item) return Promise.resolve();
      return post(here.dataset.checkinsUrl, {person: item.person, nonce: item.nonce,
                                             checked_in_at: item.checked_in_at, device: item.device})
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            return settle(db, item, response.status, body);
          });
        }).then(function (go) { if (!go) throw new Error("retry later"); return one(db, run, i + 1); });
    }

    // The batch's answers, in order; each as the single check-in would have answered it.
    function batchAnswered(db, run, body) {
      var again = false;
      return run.reduce(function (done, item, i) {
        return done.then(function () {
          var result = body.results[i];
          return settle(db, item, result.status, result.body).then(function (go) { if (!go) again = true; });
        });
      }, Promise.resolve()).then(function () {
        if (again) throw new Error("retry later");
        return next(db);
      });
    }

    return dbPromise.then(next).catch(function () { /* the network went again: the rest waits */ })
      .then(function () {
        state.sending = false;
        if (sent || undone) {
          state.note = "Sent " + plural(sent, "check-in") + (undone ? " and " + plural(undone, "undo") : "") +
            " from this device." +
            (review ? " " + review + " kept for an organiser to review: the rule refuses them now." : "");
          if (window.htmx) window.htmx.trigger(document.body, "door-changed");
          dbPromise.then(download).catch(function () {});
        }
        banner();
      });
  }

  function firstError(body) {
    var key = Object.keys(body)[0];
    return key ? key + ": " + [].concat(body[key]).join(" ") : "";
  }

  function goOnline() {
    state.online = true;
    banner();
    send();
  }

  function goOffline() {
    state.online = false;
    state.note = "";
    banner();
  }

  // --- a badge read by the scanner (groups/static/groups/door_scan.js) ---
  // Online the server reads the token and draws the card (the door page opened by the badge, its
  // results region only); offline the door list answers, the badge checked against its "qr".
  function scanned(token, checkInNow) {
    if (state.online) return fromServer(token, checkInNow);
    return Promise.resolve(fromList(token, checkInNow));
  }

  function fromServer(token, checkInNow) {
    var region = document.getElementById("door-results");
    return fetch(here.dataset.qrUrl.replace("TOKEN", encodeURIComponent(token)), {credentials: "same-origin"})
      .then(function (response) {
        if (response.status === 404) return "That QR code is not a badge for this meeting: find them by name.";
        if (!response.ok) throw new Error("door page: " + response.status);
        return response.text().then(function (html) {
          var found = new DOMParser().parseFromString(html, "text/html").getElementById("door-results");
          region.innerHTML = found ? found.innerHTML : "";
          if (window.htmx) window.htmx.process(region);
          var tap = region.querySelector(".door-card > form[data-door-tap]");  // eligible, not in yet
          if (checkInNow && tap) {
            if (window.htmx) window.htmx.trigger(tap, "submit"); else tap.requestSubmit();
          }
          var name = region.querySelector(".door-name");
          return name ? "Read: " + name.textContent : "";
        });
      })
      .catch(function () { goOffline(); return fromList(token, checkInNow); });
  }

  function fromList(token, checkInNow) {
    var region = document.getElementById("door-results");
    var parts = /^([0-9]+)\.([0-9]+):(.+)$/.exec(token);
    if (!parts || Number(parts[1]) !== MEETING) return "That QR code is not a badge for this meeting: find them by name.";
    if (!state.list) return "Offline, and this device has no door list for this meeting.";
    var id = Number(parts[2]);
    var p = state.list.people.filter(function (x) { return x.id === id; })[0];
    if (!p || !p.qr || parts[3].slice(0, p.qr.length) !== p.qr) {
      return "This device's door list does not know that QR code: find them by name.";
    }
    region.textContent = "";
    var list = el("ul", "door-results");
    var li = card(p);
    list.appendChild(li);
    region.appendChild(list);
    if (checkInNow && p.decision.eligible) checkIn(p, li);
    return "Read: " + name(p);
  }

  window.rollcallDoor = {scanned: scanned};

  // --- wiring ---
  window.addEventListener("online", goOnline);
  window.addEventListener("offline", goOffline);
  // Offline, htmx's requests would only fail: the door list answers instead.
  document.addEventListener("htmx:beforeRequest", function (event) { if (!state.online) event.preventDefault(); });
  document.addEventListener("htmx:sendError", function () { if (navigator.onLine === false) goOffline(); });
  document.addEventListener("input", function (event) {
    if (!state.online && event.target && event.target.id === "door-q") showResults(event.target.value);
  });
  document.addEventListener("submit", function (event) {
    if (state.online) return;
    event.preventDefault();
    var box = document.getElementById("door-q");
    if (event.target.classList.contains("door-search") && box) { showResults(box.value); return; }
    state.note = "That needs the network: try again when it is back.";
    banner();
  });

  function keepPage() {
    if (!window.caches || !navigator.serviceWorker || navigator.serviceWorker.controller) return null;
    // The first visit is not the service worker's yet: keep this page for the next, offline one.
    return fetch(location.pathname, {credentials: "same-origin"}).then(function (response) {
      if (response.ok && !response.redirected) {
        return caches.open(PAGES).then(function (cache) { return cache.put(location.href.split("?")[0], response); });
      }
      return null;
    });
  }

  if (navigator.serviceWorker && state.online) {
    navigator.serviceWorker.register(here.dataset.swUrl, {scope: here.dataset.swScope})
      .then(function () { return navigator.serviceWorker.ready; })
      .then(keepPage)
      .catch(function () {});
  }

  dbPromise.then(function (db) {
    return sweep(db).then(function () { return loadQueue(db); }).then(function () {
      return db.get("lists", MEETING);
    }).then(function (list) {
      state.list = list || null;
      applyQueue();
      if (state.online && here.dataset.open) return download(db).catch(function () {});
      return null;
    });
  }).then(function () {
    if (!state.online && state.list) {
      // Reloaded offline: this device's waiting check-ins are the last ones it knows.
      var byId = {};
      state.list.people.forEach(function (p) { byId[p.id] = p; });
      state.queue.forEach(function (item) {
        if (item.kind === "check_in" && byId[item.person] && byId[item.person].nonce === item.nonce) {
          recent(byId[item.person], item);
        }
      });
    }
    banner();
    if (state.online) send();
    document.documentElement.dataset.doorList = state.list ? "ready" : "none";
  });
})();
