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
