// The app shell's side menu. The groups a user closes stay closed on every page they open next (kept in the
// browser's localStorage under a key of that user's, so another user of the browser starts from their own
// choice); the group of the page shown stays open. On a phone the menu is a panel over the page: following
// one of its links closes it, so the page the browser keeps for "Back" does not come back covered by it.
"use strict";

(() => {
  const nav = document.querySelector("[data-menu-memory]");
  if (!nav) return;
  const key = nav.dataset.menuMemory;

  const closedGroups = () => {
    try {
      return new Set(JSON.parse(localStorage.getItem(key) || "[]"));
    } catch {
      return new Set();  // storage refused (private mode) or unreadable: every group open
    }
  };
  const remember = (id, closed) => {
    const groups = closedGroups();
    if (closed) groups.add(id);
    else groups.delete(id);
    try {
      localStorage.setItem(key, JSON.stringify([...groups]));
    } catch {
      // storage refused: the choice lasts for this page only
    }
  };

  for (const id of closedGroups()) {
    const list = document.getElementById(id);
    const toggle = nav.querySelector(`[aria-controls="${CSS.escape(id)}"]`);
    if (!list || !toggle || list.querySelector("[aria-current=page]")) continue;
    list.classList.remove("show");
    toggle.classList.add("collapsed");
    toggle.setAttribute("aria-expanded", "false");
  }
  nav.addEventListener("hidden.bs.collapse", (event) => remember(event.target.id, true));
  nav.addEventListener("shown.bs.collapse", (event) => remember(event.target.id, false));

  const panel = document.getElementById("app-sidebar");
  const closePanel = () => {
    if (panel?.classList.contains("show")) panel.querySelector("[data-bs-dismiss=offcanvas]")?.click();
  };
  nav.addEventListener("click", (event) => {
    if (event.target.closest("a[href]")) closePanel();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) closePanel();
  });
})();
