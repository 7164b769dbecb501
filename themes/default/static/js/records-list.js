// The list page: "select all" ticks every row's box on the page (the boxes belong to the mass-actions form).
document.addEventListener("change", (event) => {
  const all = event.target;
  if (all.id !== "select-all") {
    return;
  }
  document.querySelectorAll('input[name="ids"][form="mass-actions"]').forEach((box) => {
    box.checked = all.checked;
  });
});
