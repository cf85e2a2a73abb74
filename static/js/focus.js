/* Keeps keyboard focus where the person was working after htmx redraws a part of
   the page, and tells screen readers what happened.

   A redrawn part that carries data-focus names the element to focus: the server
   decides (the field that needs attention, the button just used, the question
   it asks). Without a name, the first field with an error, else the first field
   of the part. Parts without data-focus (a figures panel refreshing itself)
   never take focus. */
(function () {
  "use strict";
  var swappedId = null;

  function announce(text) {
    var live = document.getElementById("announcer");
    if (!live || !text) { return; }
    live.textContent = "";
    // A fresh text node after a pause, so the same message twice is read twice.
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function focusIn(part) {
    var name = part.getAttribute("data-focus");
    var target = (name && document.getElementById(name)) ||
      part.querySelector("input[name$='confirm_hours']:not(:checked)") ||
      part.querySelector(".is-invalid") ||
      part.querySelector(".task-editor select, .task-editor input:not([type=hidden]), .task-editor button") ||
      part.querySelector("a[aria-expanded]");
    if (target) { target.focus(); }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    swappedId = target && target.id ? target.id : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    var part = swappedId && document.getElementById(swappedId);
    swappedId = null;
    if (!part || !part.hasAttribute("data-focus")) { return; }
    focusIn(part);
    var said = [];
    part.querySelectorAll("[role=status], [role=alert]").forEach(function (node) {
      said.push(node.textContent.trim());
    });
    announce(said.join(" "));
  });

  // A skip link moves focus, not only the view, so the next Tab starts there.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.skip-link");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "start" }); }
  });
})();
