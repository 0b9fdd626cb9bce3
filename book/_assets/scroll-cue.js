// A visible cue on every box that scrolls sideways (wide equations, tables, printed outputs).
//
// book.css lets what cannot fit its column scroll inside its own box; on phones the scrollbar
// is invisible until touched, so this marks the box with .nbv-more-left / .nbv-more-right while
// content is hidden on that side (book.css fades that edge). Runs once the page is shown, again
// when math-first.js has handed MathJax every formula, when a box is resized, and while a box is
// scrolled.
(() => {
  "use strict";
  const BOXES = [
    "div.math mjx-container",
    "span.math",
    ".pst-scrollable-table-container",
    ".cell_output .output.text_html",
    ".cell_output pre",
    "div.highlight pre",
    // figures.css: a wide figure keeps a legible width on a phone and scrolls in its own box.
    ".bd-article a.image-reference",
    ".bd-article div.cell_output",
    ".nbcore-kf-frames",
  ].join(", ");
  const watched = new WeakSet();

  // Reads (scrollWidth, clientWidth, scrollLeft) and writes (classes, tabindex) are done in two
  // passes over all the boxes: interleaved, each read forced a new layout of the whole page
  // (4.8 s of a chapter's 4x-throttled load with 300 formulas).
  const measure = (box) => {
    const hidden = box.scrollWidth - box.clientWidth;
    return { hidden, left: box.scrollLeft };
  };
  const apply = (box, { hidden, left }) => {
    const scrolls = hidden > 1;
    box.classList.toggle("nbv-scrolls", scrolls);
    box.classList.toggle("nbv-more-left", scrolls && left > 1);
    box.classList.toggle("nbv-more-right", scrolls && left < hidden - 1);
    if (scrolls && box.getAttribute("tabindex") !== "0") {
      // A box that scrolls can be scrolled with the keyboard too. pydata-sphinx-theme gives code
      // blocks tabindex="-1" when they fit and updates it only later (debounced) after a resize:
      // set it now, and remember what it was.
      box.dataset.nbvTabindex = box.getAttribute("tabindex") ?? "";
      box.setAttribute("tabindex", "0");
    } else if (!scrolls && box.dataset.nbvTabindex !== undefined) {
      const before = box.dataset.nbvTabindex;
      if (before === "") box.removeAttribute("tabindex");
      else box.setAttribute("tabindex", before);
      delete box.dataset.nbvTabindex;
    }
  };
  const markAll = (boxes) => {
    const sizes = boxes.map(measure);
    boxes.forEach((box, i) => apply(box, sizes[i]));
  };
  const mark = (box) => markAll([box]);

  const resized = new ResizeObserver((entries) => markAll(entries.map((e) => e.target)));

  const scan = () => {
    const boxes = Array.from(document.querySelectorAll(BOXES));
    for (const box of boxes) {
      if (!watched.has(box)) {
        watched.add(box);
        box.addEventListener("scroll", () => mark(box), { passive: true });
        resized.observe(box);
      }
    }
    markAll(boxes);
    // Tests wait for "all": the scan after every formula was handed to MathJax.
    const root = document.documentElement.dataset;
    if (root.nbvScrollCue !== "all") root.nbvScrollCue = "ready";
  };
  const scanAll = () => {
    scan();
    document.documentElement.dataset.nbvScrollCue = "all";
  };

  // Not before the page is shown: the first scan waits for the load event and an idle moment,
  // so it does not delay the first paint, and runs again once math-first.js has handed MathJax
  // every formula (window.nbvMath.done).
  const later = (fn) => () =>
    window.requestIdleCallback ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 50);
  const start = () => {
    if (window.nbvMath) window.nbvMath.done.then(later(scanAll));
    if (document.readyState === "complete") later(scan)();
    else window.addEventListener("load", later(scan));
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
