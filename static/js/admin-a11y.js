// Names for the boxes Django's admin draws without one: the search box inside an autocomplete
// (select2 redraws it, so it is named again whenever the page changes).
(function () {
  "use strict";
  var UNNAMED = ".select2-search__field:not([aria-label]), .select2-selection[role=combobox]:not([aria-label]), " +
    ".select2-selection__rendered[role=textbox]:not([aria-label])";
  function name() {
    document.querySelectorAll(UNNAMED).forEach(function (box) {
      var container = box.closest(".select2");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (label) box.setAttribute("aria-label", label.textContent.replace(/[:：]\s*$/, "").trim());
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    name();
    new MutationObserver(name).observe(document.body, { childList: true, subtree: true });
  });
})();
