// The door's scanner: a badge's personal QR code read in the page with the phone's camera
// (getUserMedia). The browser's BarcodeDetector reads it where there is one; elsewhere jsQR
// (vendored from npm: groups/static/groups/vendor/), loaded only when the camera first opens.
// What was read goes to door_offline.js (window.rollcallDoor.scanned): online the server draws
// that person's card, offline the door list does. "Scan and check in" (remembered on the
// device) checks them in at once and keeps the camera on for the next badge. Without this file,
// or without a camera, nothing here is shown: the door page works as before.
(function () {
  "use strict";
  var panel = document.getElementById("door-scan");
  var open = document.getElementById("door-scan-open");
  if (!panel || !open || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var video = document.getElementById("door-scan-video");
  var status = document.getElementById("door-scan-status");
  var toggle = document.getElementById("door-scan-check-in");
  var stop = document.getElementById("door-scan-stop");
  var KEPT = "rollcall-door-scan-check-in";
  var AGAIN_AFTER = 4000;  // the same badge held up again within this is the same scan
  // A badge's QR code is the address of the door page it opens (…/door/p/TOKEN/), on whatever host printed it.
  var badge = panel.dataset.qrUrl.split("TOKEN/")[0].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  var path = new RegExp("^" + badge + "([^/]+)/$");
  var stream = null, detector = null, canvas = null, timer = null, last = {text: "", at: 0};

  toggle.checked = localStorage.getItem(KEPT) === "yes";
  toggle.addEventListener("change", function () { localStorage.setItem(KEPT, toggle.checked ? "yes" : "no"); });
  open.hidden = false;

  function say(text) { status.textContent = text; }

  function decoder() {
    if (window.BarcodeDetector) {
      return Promise.resolve(BarcodeDetector.getSupportedFormats ? BarcodeDetector.getSupportedFormats() : ["qr_code"])
        .then(function (formats) {
          if (formats.indexOf("qr_code") !== -1) detector = new BarcodeDetector({formats: ["qr_code"]});
          return detector || loadJsQR();
        }).catch(loadJsQR);
    }
    return loadJsQR();
  }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = panel.dataset.jsqrUrl;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("jsQR")); };
      document.head.appendChild(script);
    });
  }

  // One frame: the QR code's text, or null.
  function read() {
    if (!video.videoWidth) return Promise.resolve(null);
    if (detector) {
      return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
    }
    var scale = Math.min(1, 640 / video.videoWidth);
    var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
    canvas = canvas || document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    var context = canvas.getContext("2d", {willReadFrequently: true});
    context.drawImage(video, 0, 0, w, h);
    var code = window.jsQR(context.getImageData(0, 0, w, h).data, w, h, {inversionAttempts: "attemptBoth"});
    return Promise.resolve(code ? code.data : null);
  }

  function token(text) {
    var url;
    try { url = new URL(text, location.href); } catch (e) { return null; }
    var found = path.exec(url.pathname);
    return found ? decodeURIComponent(found[1]) : null;
  }

  function tick() {
    timer = null;
    if (!stream) return;
    read().then(function (text) {
      if (!stream) return null;
      var now = Date.now();
      if (!text || (text === last.text && now - last.at < AGAIN_AFTER)) return null;
      last = {text: text, at: now};
      var read = token(text);
      if (!read) { say("That QR code is not a Rollcall badge for this meeting."); return null; }
      var checkInNow = toggle.checked;
      if (!checkInNow) stopCamera();  // one card, one tap; "Scan" again for the next badge
      return window.rollcallDoor.scanned(read, checkInNow).then(function (message) {
        if (message) say(message);
        if (navigator.vibrate) navigator.vibrate(60);
      });
    }).catch(function () { /* a frame that could not be read: the next one may */ })
      .then(function () { if (stream && !timer) timer = setTimeout(tick, 150); });
  }

  function start() {
    if (!window.rollcallDoor) { say("The scanner needs this page's door list: reload the page."); return; }
    say("Opening the camera…");
    panel.hidden = false;
    video.hidden = false;
    open.setAttribute("aria-expanded", "true");
    Promise.all([
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}),
      decoder()
    ]).then(function (got) {
      stream = got[0];
      video.srcObject = stream;
      return video.play();
    }).then(function () {
      say("Hold the badge's QR code up to the camera.");
      document.documentElement.dataset.doorScanner = "on";
      tick();
    }).catch(function (error) {
      stopCamera();
      say(error && error.name === "NotAllowedError"
        ? "The camera was not allowed: allow it in the browser's settings, or find them by name."
        : "No camera could be opened: find them by name.");
    });
  }

  // The camera off; the panel (the "Scan and check in" toggle, Close) stays until closed.
  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    if (timer) { clearTimeout(timer); timer = null; }
    video.srcObject = null;
    video.hidden = true;
    document.documentElement.dataset.doorScanner = "off";
  }

  function close() {
    stopCamera();
    panel.hidden = true;
    open.setAttribute("aria-expanded", "false");
  }

  open.addEventListener("click", function () { if (stream) stopCamera(); else start(); });
  stop.addEventListener("click", close);
  // The camera is not left on behind another tab or a locked phone.
  document.addEventListener("visibilitychange", function () { if (document.hidden && stream) stopCamera(); });
})();
