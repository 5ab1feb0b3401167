// The worker pages' only script (CSP: no inline scripts). Everything here is a convenience:
// without it the pages work the same, a tap more.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After an invalid submit the error summary takes the focus, so a screen reader reads it
    // and a sighted worker sees it at the top.
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();

    // Filters apply as soon as a choice changes; their 筛选 button stays for a browser without JS.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    });
  });
})();
