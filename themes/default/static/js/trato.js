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

// A server that cannot answer (503, 507: its database or its disk failed) says why in a page of its own, which
// htmx does not swap in: its message is shown at the top of the page instead, and what was typed stays.
document.addEventListener("htmx:response:error", (event) => {
  const { response, text } = event.detail.ctx;
  const said = response.status === 503 || response.status === 507
    ? new DOMParser().parseFromString(text, "text/html").querySelector("[data-fault]") : null;
  const main = document.getElementById("main");
  if (!said || !main) {
    return;
  }
  main.querySelector(".flashes.fault")?.remove();
  const box = document.createElement("div");
  box.className = "flashes fault";
  box.setAttribute("role", "alert");
  const line = document.createElement("p");
  line.className = "flash flash-error";
  line.textContent = said.textContent.replace(/\s+/g, " ").trim();
  box.append(line);
  main.prepend(box);
});

// The top bar's search: "/" anywhere outside a text field focuses it; while suggestions are shown, the arrow
// keys move between them and Escape (or a click elsewhere) closes them.
const suggestions = () => document.getElementById("global-suggest");
const closeSuggestions = () => suggestions()?.replaceChildren();
document.addEventListener("keydown", (event) => {
  const search = document.getElementById("global-q");
  if (!search) {
    return;
  }
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    search.focus();
    search.select();
    return;
  }
  const box = suggestions();
  if (!box || !(event.target === search || box.contains(event.target))) {
    return;
  }
  if (event.key === "Escape") {
    closeSuggestions();
    search.focus();
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    const links = [...box.querySelectorAll("a")];
    if (!links.length) {
      return;
    }
    event.preventDefault();
    const at = links.indexOf(document.activeElement);
    const next = event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
    (next < 0 ? search : links[next]).focus();
  }
});
document.addEventListener("click", (event) => {
  if (!event.target.closest?.(".app-search")) {
    closeSuggestions();
  }
});
