// Notes are written with a rich-text editor (Quill) instead of raw HTML. Each `textarea[data-rich-text]` gets an
// editor after it and is hidden; the editor starts from the textarea's HTML and writes its HTML back on every
// change, so the form posts as before and the server cleans it with nh3 (only the tags notes keep). The formats
// offered are those tags: bold, italic, links, lists, quotes and code. Without JavaScript the textarea stays.
(() => {
  const FORMATS = ["bold", "italic", "link", "list", "blockquote", "code"];
  const TOOLBAR = [["bold", "italic", "code"], ["link"], [{list: "ordered"}, {list: "bullet"}], ["blockquote"]];

  // Quill's semantic HTML writes every space as &nbsp;; a note keeps plain spaces.
  const html = (quill) => (quill.getText().trim() ? quill.getSemanticHTML().replaceAll("&nbsp;", " ") : "");

  const name = (labels, button) => {
    const format = [...button.classList].find((c) => c.startsWith("ql-")).slice(3);
    return labels[button.value ? `${format}-${button.value}` : format];
  };

  const enhance = (textarea) => {
    const holder = document.createElement("div");
    holder.className = "note-editor";
    textarea.after(holder);
    const quill = new Quill(holder, {theme: "snow", formats: FORMATS, modules: {toolbar: TOOLBAR}});
    quill.setContents(quill.clipboard.convert({html: textarea.value}), "silent");
    const labels = JSON.parse(textarea.dataset.richText || "{}");
    holder.previousElementSibling.querySelectorAll("button").forEach((button) => {
      const label = name(labels, button);
      if (label) {
        button.setAttribute("aria-label", label);
        button.title = label;
      }
    });
    const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
    if (label) {  // the label names the editor now; the hidden textarea needs none
      label.id = label.id || `${textarea.id}-label`;
      label.removeAttribute("for");
      quill.root.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", () => quill.focus());
    }
    quill.root.setAttribute("role", "textbox");
    quill.root.setAttribute("aria-multiline", "true");
    for (const attribute of ["aria-invalid", "aria-describedby"]) {
      if (textarea.hasAttribute(attribute)) {
        quill.root.setAttribute(attribute, textarea.getAttribute(attribute));
      }
    }
    quill.on("text-change", () => {
      textarea.value = html(quill);
    });
    textarea.hidden = true;
    textarea.dataset.enhanced = "true";
  };

  const start = (root) => {
    if (typeof Quill === "undefined") {
      return;
    }
    root.querySelectorAll("textarea[data-rich-text]:not([data-enhanced])").forEach(enhance);
  };

  document.addEventListener("DOMContentLoaded", () => start(document));
  document.addEventListener("htmx:after:swap", () => start(document));
})();
