// The back office's welfare pages: canned replies fill the case form; j/k move through the queue.
(function () {
  "use strict";

  function cannedReplies() {
    var select = document.getElementById("id_canned");
    var body = document.getElementById("id_body");
    if (!select || !body) return;
    var texts = JSON.parse(document.getElementById("wf-canned-texts").textContent);
    var moves = {};
    (select.dataset.moves || "").split("|").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts[1]) moves[parts[0]] = parts[1];
    });
    select.addEventListener("change", function () {
      var text = texts[select.value];
      if (text === undefined) return;
      body.value = text;
      var move = moves[select.value];
      var radio = move && document.querySelector('input[name="to"][value="' + move + '"]');
      if (radio) radio.checked = true;
      body.focus();
    });
  }

  function queueKeys() {
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-queue] [data-queue-link]"));
    if (!links.length) return;
    var current = -1;
    function select(index) {
      if (index < 0 || index >= links.length) return;
      current = index;
      links[current].focus();
    }
    links.forEach(function (link, index) {
      link.addEventListener("focus", function () { current = index; });
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) return;
      if (event.key === "j" || event.key === "ArrowDown") {
        select(current + 1);
        event.preventDefault();
      } else if (event.key === "k" || event.key === "ArrowUp") {
        select(Math.max(current - 1, 0));
        event.preventDefault();
      }
      // Enter on a focused link opens it: the browser does that itself.
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    cannedReplies();
    queueKeys();
  });
})();
