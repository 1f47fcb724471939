/* Rollcall's door service worker (groups/views/door_offline.py serves it).
   It keeps the door page and its static files so the door opens with no
   network once it was opened once. It answers only door pages and static
   files; everything else goes to the network as if it were not here. It
   holds nobody's data beyond the door page itself: the door list lives in the
   page's IndexedDB. Signing out wipes both (Clear-Site-Data, groups/middleware.py). */
"use strict";
var VERSION = "{{ version }}";
var SHELL = "rollcall-door-shell-" + VERSION;
var PAGES = "rollcall-door-pages";
var FILES = {{ files|safe }};
var DOOR_PAGE = /^\/b\/[^/]+\/meetings\/[0-9]+\/door\/$/;
var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;  // collectstatic's names: never change, so kept first

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(FILES); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("rollcall-door-shell-") === 0 && key !== SHELL;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function offline() {
  return new Response("Offline, and this page was not opened on this device before.", {
    status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}
  });
}

// The network first (fresh figures when there is one), the kept copy without.
function networkFirst(request, keep) {
  return fetch(request).then(function (response) {
    if (keep && response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(keep).then(function (cache) { cache.put(request.url, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request.url, {ignoreVary: true}).then(function (found) { return found || offline(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && DOOR_PAGE.test(url.pathname) && !url.search) {
    event.respondWith(networkFirst(request, PAGES));
  } else if (FILES.indexOf(url.pathname) !== -1) {
    if (HASHED.test(url.pathname)) {
      event.respondWith(caches.match(request.url).then(function (found) { return found || fetch(request); }));
    } else {
      event.respondWith(networkFirst(request, SHELL));
    }
  }
});
