// The lines grid of a parent's form (records/_lines.html). Rows are reordered by dragging their handle
// (SortableJS) or with their up/down buttons, and removed with their bin button; the order is that of the
// hidden `lines.<child>` inputs, so moving a row is moving its markup. After each change the rows are
// numbered again and a `lineschanged` event asks the server for the totals: the form's totals box (#lines-totals)
// listens for it, and gets it too whenever the user types or chooses in the form (htmx waits for a pause).
"use strict";

(() => {
  const ask = (form) => {
    const box = form && form.querySelector("#lines-totals");
    if (box) box.dispatchEvent(new Event("lineschanged"));
  };
  for (const kind of ["input", "change"]) {
    document.addEventListener(kind, (evt) => ask(evt.target.closest && evt.target.closest("form")));
  }

  const changed = (body) => {
    body.querySelectorAll(".lines-row").forEach((row, index) => {
      const number = row.querySelector(".lines-number");
      if (number) number.textContent = String(index + 1);
    });
    const grid = body.closest("[data-lines]");
    const empty = grid && grid.querySelector(".lines-empty");
    if (empty) empty.hidden = body.querySelector(".lines-row") !== null;
    ask(body.closest("form"));
  };

  document.addEventListener("click", (evt) => {
    const button = evt.target.closest("[data-lines-move], [data-lines-remove]");
    if (!button) return;
    const row = button.closest(".lines-row");
    const body = row && row.parentElement;
    if (!body) return;
    if (button.hasAttribute("data-lines-remove")) {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      const focus = next ? next.querySelector("[data-lines-remove]")
        : body.closest("[data-lines]").querySelector("[data-lines-add]");
      if (focus) focus.focus();
    } else if (button.dataset.linesMove === "-1" && row.previousElementSibling) {
      body.insertBefore(row, row.previousElementSibling);
      button.focus();
    } else if (button.dataset.linesMove === "1" && row.nextElementSibling) {
      body.insertBefore(row.nextElementSibling, row);
      button.focus();
    }
    changed(body);
  });

  const start = () => {
    document.querySelectorAll(".lines-body:not([data-sortable])").forEach((body) => {
      body.dataset.sortable = "1";
      if (typeof Sortable !== "undefined") {
        Sortable.create(body, { handle: ".lines-drag", draggable: ".lines-row", animation: 150,
                                onEnd: () => changed(body) });
      }
    });
  };

  // A row the Add line button appended: numbered, and its first field takes the focus.
  const added = (mutations) => {
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (node.nodeType === 1 && node.classList.contains("lines-row")) {
          changed(node.parentElement);
          const first = node.querySelector("input:not([type=hidden]), select, textarea");
          if (first) first.focus();
        }
      }
    }
    start();
  };

  const boot = () => {
    start();
    new MutationObserver(added).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
