// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A dialog that htmx fills with a form (a relation's "New …" button) opens as a modal; once its form is gone
// (the record was saved and the form's select updated), it closes and the updated select gets the focus.
// Closed, it is emptied, so that it stays shut.
document.addEventListener("htmx:after:swap", () => {
  for (const dialog of document.querySelectorAll("dialog.quick-create")) {
    const filled = dialog.querySelector("form") !== null;
    if (filled && !dialog.open) {
      dialog.showModal();
      dialog.querySelector("input:not([type=hidden]), select, textarea")?.focus();
    } else if (!filled && dialog.open) {
      const next = dialog.querySelector("[data-focus]")?.dataset.focus;
      dialog.close();
      if (next) {
        document.getElementById(next)?.focus();
      }
    }
  }
});
document.addEventListener("close", (event) => {
  if (event.target.matches?.("dialog.quick-create")) {
    event.target.replaceChildren();
  }
}, true);
document.addEventListener("click", (event) => {
  event.target.closest?.("[data-close-dialog]")?.closest("dialog")?.close();
});
