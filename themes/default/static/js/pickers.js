// Pickers: the controls marked with data-picker become Tom Select pickers or flatpickr calendars, on page
// load and whenever htmx puts new controls on the page (a form, a list cell, a filter value).
//   data-picker="lookup"   a select that asks data-lookup for 20 matches at a time as the user types
//                          (views/pickers.py answers {results: [{value, text}], next}); it holds only the
//                          chosen options, so no page lists a whole table
//   data-picker="choices"  a select or multi-select whose options are all on the page, searchable
//   data-picker="tags"     a text input of tags separated by semicolons, typed in as chips
//   data-picker="date" / "datetime"  a calendar in the page's language and its first day of the week;
//                          the input keeps ISO text (what the server reads), the user sees and types the
//                          local form
// Texts come from the control's data attributes, translated by the server. Everything works from the
// keyboard: type to search, arrows to move, Enter to choose, Backspace to remove a chip, Escape to close.
"use strict";

(() => {
  const LANGUAGE = (document.documentElement.lang || "en").slice(0, 2);
  // What the user sees and types in a date field, per language (flatpickr's tokens); the stored text is ISO.
  const SHOWN = {
    es: { date: "d/m/Y", datetime: "d/m/Y H:i" },
    en: { date: "m/d/Y", datetime: "m/d/Y H:i" },
  };

  const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
  const text = (el, name) => el.dataset[name] || "";
  const escape = (value) => {
    const span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML.replace(/"/g, "&quot;");  // safe in an attribute too
  };

  // The search box of a picker keeps the label of its select, so screen readers and tests find it by name.
  const common = (el) => ({
    maxOptions: null,
    closeAfterSelect: el.tagName === "SELECT" && !el.multiple,
    render: {
      no_results: () => `<div class="no-results">${escape(text(el, "none"))}</div>`,
      loading: () => `<div class="spinner" role="status">${escape(text(el, "loading"))}</div>`,
      loading_more: () => `<div class="loading-more-results">${escape(text(el, "more"))}</div>`,
      no_more_results: () => "",
      option_create: (data) => `<div class="create" role="option">${escape(text(el, "add"))} <strong>${escape(data.input)}</strong></div>`,
    },
  });

  // A chip's × for a multi-select; a × that empties a single one the user may leave empty.
  function clearing(el) {
    if (el.multiple) return { remove_button: { title: text(el, "remove") } };
    const title = escape(text(el, "clear"));
    const html = (data) => `<div class="${data.className}" title="${title}" aria-label="${title}" role="button" tabindex="0">&times;</div>`;
    return el.required ? {} : { clear_button: { title: text(el, "clear"), html } };
  }

  function lookup(el) {
    return new TomSelect(el, {
      ...common(el),
      plugins: { virtual_scroll: {}, ...clearing(el) },
      valueField: "value",
      labelField: "text",
      score: () => () => 1,  // the server matched them: show what it sent, in its order
      preload: "focus",
      loadThrottle: 250,
      // Typed text asks the server; the empty list comes once, on focus (preload), and further pages of it
      // as the user scrolls. Asking again for "" after a choice would fetch its next page and reopen the list.
      shouldLoad: (query) => query !== "",
      firstUrl(query) {
        const url = new URL(el.dataset.lookup, window.location.href);
        if (query) url.searchParams.set("q", query);
        return url.toString();
      },
      load(query, callback) {
        const url = this.getUrl(query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
          .then((page) => {
            if (page.next) this.setNextUrl(query, new URL(page.next, window.location.href).toString());
            callback(page.results);
          })
          .catch(() => callback());
      },
    });
  }

  function choices(el) {
    return new TomSelect(el, { ...common(el), plugins: clearing(el) });
  }

  function tags(el) {
    return new TomSelect(el, {
      ...common(el),
      plugins: { remove_button: { title: text(el, "remove") } },
      delimiter: ";",
      persist: false,
      create: true,
      createOnBlur: true,
      searchField: ["text"],
      render: { ...common(el).render, no_results: null },  // what is typed becomes a tag: nothing to miss
    });
  }

  function calendar(el) {
    const kind = el.dataset.picker;
    const withTime = kind === "datetime";
    const shown = (SHOWN[LANGUAGE] || SHOWN.en)[kind];
    const locale = (window.flatpickr.l10ns && window.flatpickr.l10ns[LANGUAGE]) || "default";
    if (el.type !== "text") el.type = "text";  // the browser's own date control would sit under the calendar
    return window.flatpickr(el, {
      locale,
      allowInput: true,
      altInput: true,
      altFormat: shown,
      dateFormat: withTime ? "Y-m-d\\TH:i:S" : "Y-m-d",
      enableTime: withTime,
      time_24hr: true,
      disableMobile: true,
      static: el.closest("dialog") !== null,  // in a modal dialog (a quick create), under its field, not behind it
      // ISO text (what the server sends, and what some people type) or the language's own form.
      parseDate(value, format) {
        const iso = ISO.exec(value.trim());
        if (!iso) return window.flatpickr.parseDate(value, format);
        const [, y, m, d, hh = 0, mm = 0, ss = 0] = iso;
        return new Date(+y, +m - 1, +d, +hh, +mm, +ss);
      },
      onReady(_dates, _text, picker) {
        // The visible input takes over the hidden one's name for people and tools: its label and description.
        const visible = picker.altInput;
        if (el.id) {
          const label = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
          visible.id = `${el.id}-shown`;
          if (label) label.htmlFor = visible.id;
        }
        for (const name of ["aria-describedby", "aria-invalid", "aria-label", "aria-required", "required"]) {
          if (el.hasAttribute(name)) visible.setAttribute(name, el.getAttribute(name));
        }
      },
    });
  }

  // Tom Select moves the <label> to the box it draws (aria-labelledby) but leaves the original control, hidden
  // from sight only, in the accessibility tree with no name: a second, nameless combobox. The box is the one
  // control people and tools reach, so the original leaves the tree (it is out of the tab order already); a
  // control named by aria-label (a list cell, a filter value) passes that name on to the box and its list.
  function name(el, picker) {
    const box = picker.focus_node;
    if (!box.hasAttribute("aria-labelledby") && el.hasAttribute("aria-label")) {
      box.setAttribute("aria-label", el.getAttribute("aria-label"));
      picker.dropdown.setAttribute("aria-label", el.getAttribute("aria-label"));
    }
    el.setAttribute("aria-hidden", "true");
  }

  const MAKERS = { lookup, choices, tags, date: calendar, datetime: calendar };

  function start(root) {
    for (const el of root.querySelectorAll("[data-picker]")) {
      if (el.dataset.pickerReady || el.disabled) continue;
      const make = MAKERS[el.dataset.picker];
      if (!make || (make === calendar ? !window.flatpickr : !window.TomSelect)) continue;
      el.dataset.pickerReady = "1";
      const picker = make(el);
      if (make !== calendar) name(el, picker);
      const shown = picker.control_input || picker.altInput;
      // Whoever focuses the original control (a label, trato.js after "New account") reaches the picker.
      el.addEventListener("focus", () => shown.focus());
      if (document.activeElement === el) shown.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", () => start(document));
  document.addEventListener("htmx:after:swap", () => start(document));
  // Out-of-band swaps (a field put back after "New account") and anything else that adds controls.
  new MutationObserver((changes) => {
    if (changes.some((c) => [...c.addedNodes].some((n) => n.nodeType === 1 && (n.matches("[data-picker]") || n.querySelector("[data-picker]"))))) {
      start(document);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
