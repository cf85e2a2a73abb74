/* A wide table that scrolls sideways (.table-scroll) says so: the hint its box names in
   data-hint shows while the table is wider than the box. Without this script the edge
   shadows still show that there is more. */
(function () {
  "use strict";
  function update() {
    document.querySelectorAll(".table-scroll[data-hint]").forEach(function (box) {
      var hint = document.getElementById(box.getAttribute("data-hint"));
      if (hint) { hint.hidden = box.scrollWidth <= box.clientWidth + 1; }
    });
  }
  update();
  window.addEventListener("resize", update);
})();
