// The check-in screen: the counts stay live, and where the browser can read QR codes the camera scans cards.
(function () {
  "use strict";

  function liveCounts(root) {
    var url = root.dataset.countsUrl;
    if (!url || !window.fetch) return;
    setInterval(function () {
      if (document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (counts) {
          if (!counts) return;
          Object.keys(counts).forEach(function (name) {
            var cell = root.querySelector('[data-count="' + name + '"]');
            if (cell) cell.textContent = counts[name];
          });
        })
        .catch(function () {});
    }, 10000);
  }

  function camera(root) {
    var button = root.querySelector("[data-camera]");
    var video = root.querySelector(".door-video");
    var input = root.querySelector('input[name="card"]');
    if (!button || !video || !input || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        function stop() {
          stream.getTracks().forEach(function (track) { track.stop(); });
          video.hidden = true;
        }
        function look() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              input.value = codes[0].rawValue;
              input.form.submit();
            } else {
              requestAnimationFrame(look);
            }
          }).catch(function () { requestAnimationFrame(look); });
        }
        look();
      }).catch(function () { button.hidden = true; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector(".door");
    if (!root) return;
    liveCounts(root);
    camera(root);
  });
})();
