// A visible cue on every box that scrolls sideways (wide equations, tables, printed outputs).
//
// book.css lets what cannot fit its column scroll inside its own box; on phones the scrollbar
// is invisible until touched, so this marks the box with .nbv-more-left / .nbv-more-right while
// content is hidden on that side (book.css fades that edge). Runs again after MathJax has
// typeset the page, when a box is resized, and while a box is scrolled.
(() => {
  "use strict";
  const BOXES = [
    "div.math mjx-container",
    "span.math",
    ".pst-scrollable-table-container",
    ".cell_output .output.text_html",
    ".cell_output pre",
    "div.highlight pre",
  ].join(", ");
  const watched = new WeakSet();

  const mark = (box) => {
    const hidden = box.scrollWidth - box.clientWidth;
    const scrolls = hidden > 1;
    box.classList.toggle("nbv-scrolls", scrolls);
    box.classList.toggle("nbv-more-left", scrolls && box.scrollLeft > 1);
    box.classList.toggle("nbv-more-right", scrolls && box.scrollLeft < hidden - 1);
    if (scrolls && !box.hasAttribute("tabindex")) {
      // A box that scrolls can be scrolled with the keyboard too.
      box.setAttribute("tabindex", "0");
      box.dataset.nbvTabindex = "";
    } else if (!scrolls && box.dataset.nbvTabindex !== undefined) {
      box.removeAttribute("tabindex");
      delete box.dataset.nbvTabindex;
    }
  };

  const resized = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target)));

  const scan = () => {
    for (const box of document.querySelectorAll(BOXES)) {
      if (!watched.has(box)) {
        watched.add(box);
        box.addEventListener("scroll", () => mark(box), { passive: true });
        resized.observe(box);
      }
      mark(box);
    }
  };

  const start = () => {
    scan();
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) mj.startup.promise.then(scan);
    window.addEventListener("load", scan);
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
