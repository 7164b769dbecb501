// The list page: "select all" ticks every row's box on the page (the boxes belong to the mass-actions form),
// and the mass-actions panel shows only while at least one row is ticked, saying how many.
const rowBoxes = () => [...document.querySelectorAll('input[name="ids"][form="mass-actions"]')];

function showMassActions() {
  const panel = document.getElementById("mass-actions");
  if (!panel) {
    return;
  }
  const ticked = rowBoxes().filter((box) => box.checked).length;
  panel.hidden = ticked === 0;
  const count = panel.querySelector("[data-selected-count]");
  if (count) {
    count.textContent = count.dataset.template.replace("%n", String(ticked));
  }
  const all = document.getElementById("select-all");
  if (all) {
    all.checked = ticked > 0 && ticked === rowBoxes().length;
    all.indeterminate = ticked > 0 && ticked < rowBoxes().length;
  }
}

document.addEventListener("change", (event) => {
  const changed = event.target;
  if (changed.id === "select-all") {
    rowBoxes().forEach((box) => {
      box.checked = changed.checked;
    });
  }
  if (changed.id === "select-all" || changed.matches?.('input[name="ids"][form="mass-actions"]')) {
    showMassActions();
  }
});
document.addEventListener("DOMContentLoaded", showMassActions);
document.addEventListener("htmx:after:swap", showMassActions);

// Column widths: a header's edge is dragged (or, focused, moved with the arrow keys) to widen or narrow its
// column. The width the user leaves it at is sent to the server, which keeps it for their next visit and writes
// it back as the header's data-width (applied here, since the page's policy allows no inline styles).
const STEP = 16;
const clampWidth = (table, width) => {
  const [least, most] = table.dataset.widthLimits.split(",").map(Number);
  return Math.round(Math.min(most, Math.max(least, width)));
};

function applyWidths() {
  for (const table of document.querySelectorAll("table[data-widths-url]")) {
    const sized = [...table.querySelectorAll("th[data-width]")];
    sized.forEach((th) => {
      th.style.width = `${th.dataset.width}px`;
    });
    table.classList.toggle("sized", sized.length > 0);
    for (const handle of table.querySelectorAll(".column-resizer")) {
      handle.setAttribute("aria-valuenow", String(clampWidth(table, handle.closest("th").getBoundingClientRect().width)));
    }
  }
}

function keepWidth(th) {
  const table = th.closest("table[data-widths-url]");
  const token = JSON.parse(document.body.getAttribute("hx-headers:inherited") || "{}")["X-CSRFToken"];
  const body = new URLSearchParams({ field: th.dataset.column, width: th.dataset.width });
  fetch(table.dataset.widthsUrl, { method: "POST", body, headers: { "X-CSRFToken": token }, credentials: "same-origin" });
}

function setWidth(th, width) {
  th.dataset.width = String(clampWidth(th.closest("table"), width));
  applyWidths();
}

document.addEventListener("pointerdown", (event) => {
  const handle = event.target.closest?.(".column-resizer");
  if (!handle || event.button !== 0) {
    return;
  }
  event.preventDefault();
  const th = handle.closest("th");
  const startX = event.clientX;
  const startWidth = th.getBoundingClientRect().width;
  handle.classList.add("dragging");
  handle.setPointerCapture(event.pointerId);
  const move = (moved) => setWidth(th, startWidth + moved.clientX - startX);
  handle.addEventListener("pointermove", move);
  handle.addEventListener("pointerup", () => {
    handle.removeEventListener("pointermove", move);
    handle.classList.remove("dragging");
    if (th.dataset.width) {
      keepWidth(th);
    }
  }, { once: true });
});

document.addEventListener("keydown", (event) => {
  const handle = event.target.closest?.(".column-resizer");
  if (!handle || (event.key !== "ArrowLeft" && event.key !== "ArrowRight")) {
    return;
  }
  event.preventDefault();
  const th = handle.closest("th");
  setWidth(th, th.getBoundingClientRect().width + (event.key === "ArrowRight" ? STEP : -STEP));
  keepWidth(th);
});

document.addEventListener("DOMContentLoaded", applyWidths);
document.addEventListener("htmx:after:swap", applyWidths);
