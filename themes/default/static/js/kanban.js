// The kanban board: cards dragged between columns (SortableJS). A drop is saved by the server through the
// record service; if it refuses, the card goes back where it was and the reason is shown. A refusal that
// names a `dialog` (the move needs more, such as why a deal was lost) loads that form with htmx into the
// board's dialog (`data-dialog`); saving it moves the card, cancelling leaves it where it was.
(() => {
  const say = (text, failed) => {
    const box = document.getElementById("kanban-message");
    if (!box) {
      return;
    }
    box.textContent = text || "";
    box.hidden = !text;
    box.classList.toggle("flash-error", failed);
    box.classList.toggle("flash-success", !failed);
  };

  const putBack = (evt) => {
    evt.from.insertBefore(evt.item, evt.from.children[evt.oldIndex] || null);
  };

  // After a move, the counts and totals of the columns change: read the board again.
  const reload = async (board) => {
    const answer = await fetch(window.location.href, {credentials: "same-origin"});
    if (!answer.ok) {
      return;
    }
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    const fresh = page.getElementById("kanban");
    if (fresh) {
      board.replaceWith(fresh);
      start(fresh);
    }
  };

  const moved = async (board, evt) => {
    if (evt.from === evt.to) {
      return;
    }
    const card = evt.item;
    const form = new FormData();
    form.append("id", card.dataset.id);
    form.append("version", card.dataset.version);
    form.append("by", board.dataset.by);
    form.append("value", evt.to.dataset.value);
    board.setAttribute("aria-busy", "true");
    let answer;
    let result = {};
    try {
      answer = await fetch(board.dataset.move, {
        method: "POST", body: form, credentials: "same-origin",
        headers: {"X-CSRFToken": board.dataset.csrf, "Accept": "application/json"},
      });
      result = await answer.json();
    } catch (error) {
      answer = null;
    }
    board.removeAttribute("aria-busy");
    if (answer && answer.ok) {
      card.dataset.version = result.version;
      say(result.message, false);
      await reload(board);
    } else if (result.dialog && board.dataset.dialog && typeof htmx !== "undefined") {
      putBack(evt);
      say("", false);
      htmx.ajax("GET", result.dialog, {target: board.dataset.dialog, swap: "innerHTML"});
    } else {
      putBack(evt);
      say(result.message || board.dataset.failed, true);
    }
  };

  const start = (board) => {
    if (!board.dataset.movable || typeof Sortable === "undefined") {
      return;
    }
    board.querySelectorAll(".kanban-cards").forEach((list) => {
      Sortable.create(list, {
        group: "kanban-" + board.dataset.by,
        draggable: ".kanban-card[data-movable]",  // the server marks the cards the user may change
        onEnd: (evt) => moved(board, evt),
      });
    });
    board.dataset.ready = "true";
  };

  const init = () => {
    const board = document.getElementById("kanban");
    if (board && !board.dataset.ready) {
      start(board);
    }
  };
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:after:swap", init);
})();
