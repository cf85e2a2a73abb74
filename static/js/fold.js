/* Lets each group of tasks on the board fold away, so the long list stays usable on a
   phone. Without this script nothing folds and every task shows.

   A group's heading becomes a button (aria-expanded, aria-controls) that hides or
   shows the task blocks after it, up to the next heading. Which groups are folded is
   kept for the browser session, per board. The task a search or a link lands on
   always shows, and so does a group shown alone (a filter on one group). */
(function () {
  "use strict";
  var table = document.getElementById("board-table");
  if (!table) { return; }
  var storageKey = "folded:" + window.location.pathname;

  function heads() {
    return Array.prototype.slice.call(table.querySelectorAll("tbody.group-head"));
  }

  function blocksOf(head) {
    var blocks = [];
    for (var node = head.nextElementSibling; node && !node.classList.contains("group-head");
         node = node.nextElementSibling) {
      if (node.classList.contains("task-block")) { blocks.push(node); }
    }
    return blocks;
  }

  function headOf(element) {
    var node = element && element.closest && element.closest("#board-table tbody.task-block");
    while (node && !node.classList.contains("group-head")) { node = node.previousElementSibling; }
    return node;
  }

  function toggleOf(head) { return head.querySelector("button.group-toggle"); }

  function isFolded(head) { return toggleOf(head).getAttribute("aria-expanded") === "false"; }

  function setFolded(head, folded) {
    toggleOf(head).setAttribute("aria-expanded", folded ? "false" : "true");
    blocksOf(head).forEach(function (block) { block.hidden = folded; });
  }

  function remember() {
    var folded = heads().filter(isFolded).map(function (head) { return head.dataset.group; });
    try { window.sessionStorage.setItem(storageKey, JSON.stringify(folded)); } catch (e) { /* private mode */ }
  }

  function recalled() {
    try { return JSON.parse(window.sessionStorage.getItem(storageKey) || "[]"); } catch (e) { return []; }
  }

  // Unfolds the group holding the element, so a jump never lands on a hidden task.
  function reveal(element) {
    var head = headOf(element);
    if (head && isFolded(head)) { setFolded(head, false); remember(); }
  }

  heads().forEach(function (head) {
    var cell = head.querySelector("th");
    var toggle = document.createElement("button");
    var icon = document.createElement("span");
    toggle.type = "button";
    toggle.className = "group-toggle";
    toggle.setAttribute("aria-controls", blocksOf(head).map(function (b) { return b.id; }).join(" "));
    icon.className = "fold-icon";
    icon.setAttribute("aria-hidden", "true");
    toggle.appendChild(icon);
    while (cell.firstChild) { toggle.appendChild(cell.firstChild); }
    cell.appendChild(toggle);
    setFolded(head, false);
  });

  if (heads().length > 1) {
    var folded = recalled();
    heads().forEach(function (head) {
      if (folded.indexOf(head.dataset.group) !== -1) { setFolded(head, true); }
    });
  }
  var jumpTarget = table.querySelector("[autofocus]");
  reveal(jumpTarget);
  if (jumpTarget && document.activeElement === document.body) { jumpTarget.focus(); }
  if (window.location.hash) { reveal(document.getElementById(window.location.hash.slice(1))); }
  window.addEventListener("hashchange", function () {
    reveal(document.getElementById(window.location.hash.slice(1)));
  });

  table.addEventListener("click", function (event) {
    var toggle = event.target.closest("button.group-toggle");
    if (!toggle) { return; }
    var head = toggle.closest("tbody.group-head");
    setFolded(head, !isFolded(head));
    remember();
  });

  document.querySelectorAll(".fold-all").forEach(function (bar) { bar.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fold-all]");
    if (!button) { return; }
    var fold = button.getAttribute("data-fold-all") === "fold";
    heads().forEach(function (head) { setFolded(head, fold); });
    remember();
  });

  // htmx redraws a task's block without the hidden flag: a folded group keeps it hidden.
  document.addEventListener("htmx:afterSwap", function () {
    heads().filter(isFolded).forEach(function (head) { setFolded(head, true); });
  });
})();
