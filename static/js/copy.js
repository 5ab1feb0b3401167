// A "copy" button for a short text on the page (the anonymous follow-up code).
// <button data-copy="#id" data-copied="…" hidden>: shown only where the browser can copy.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.querySelector(button.dataset.copy);
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        if (status) status.textContent = button.dataset.copied;
      });
    });
  });
})();
