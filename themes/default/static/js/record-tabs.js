// The detail page's tabs (role="tablist"): arrow keys, Home and End move between tabs as the ARIA pattern
// expects; Enter follows the focused tab's link. Without this script every tab is still a link.
document.addEventListener("keydown", (event) => {
  const tab = event.target.closest('[data-tablist] [role="tab"]');
  if (!tab) return;
  const tabs = [...tab.closest("[data-tablist]").querySelectorAll('[role="tab"]')];
  const at = tabs.indexOf(tab);
  const next = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1}[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const target = tabs[(next + tabs.length) % tabs.length];
  tabs.forEach((t) => t.setAttribute("tabindex", t === target ? "0" : "-1"));
  target.focus();
});
