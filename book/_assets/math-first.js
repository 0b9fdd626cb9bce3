// Show the first screen's formulas first; load MathJax for the others once the page is shown.
//
// The build typesets the formulas at the top of each page (scripts/static_math.py): with the
// CPU throttled 4x, MathJax's script takes about 1 s to start and the page is laid out again
// after it typesets, so the first screen's math appeared 5-7 s after a chapter was opened. The
// page holds MathJax's address in <script data-nbv-mathjax>; this script loads it:
// - once the page is shown (load event, then an idle moment) when every formula on the screen
//   was typeset at build time, which is the case at the top of every page;
// - at once when some formula on the screen was not, or the address names a section (a reader
//   who follows a link to a section lower down), and then MathJax typesets the formulas on the
//   screen first;
// - not at all when nothing is left for it (every formula typeset at build time).
// Either way MathJax's start-up typesets nothing itself (a chapter holds 130-630 formulas: all
// at once took 3-5 s); this pageReady hands it the formulas on the screen, then the others in
// small batches when the browser is idle (MathJax's ui/lazy draws each when scrolled to).
// window.nbvMath.done resolves once every formula has been handed to MathJax (scroll-cue.js and
// the tests wait on it). benchmarks/pages.py reads the marks "nbv-first-screen-math" (the first
// screen's formulas painted) and "nbv-all-math".
(() => {
  "use strict";
  const MJ = (window.MathJax = window.MathJax || {});
  const SELECTOR = ".math, .tex2jax_process, .mathjax_process, .output_area";
  const BATCH = 40;
  let finished;
  window.nbvMath = { done: new Promise((resolve) => (finished = resolve)) };

  const idle = (timeout = 1000) =>
    new Promise((done) =>
      window.requestIdleCallback ? requestIdleCallback(done, { timeout }) : setTimeout(done, 30),
    );
  // A timeout queued from a frame callback runs after that frame's paint.
  const painted = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const onScreen = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  };
  // The formulas MathJax has to typeset: outermost math elements not typeset at build time.
  const pending = () =>
    Array.from(document.querySelectorAll(SELECTOR)).filter(
      (el) =>
        !el.classList.contains("nbv-static") &&
        (!el.parentElement || !el.parentElement.closest(SELECTOR)),
    );
  const markFirstScreen = () => {
    if (!performance.getEntriesByName("nbv-first-screen-math").length) {
      performance.mark("nbv-first-screen-math");
    }
  };

  // Anything MathJax would find in an element: TeX delimiters (a printed output may hold some).
  const TEX = /\\\(|\\\[|\$\$|\\begin\{/;
  const waiting = (el) => !el.classList.contains("nbv-static") && TEX.test(el.textContent);

  // While a chapter is still being read (400 kB of HTML: parsed in 3-4 s with the CPU throttled
  // 4x), its top is drawn long before the end: the first screen's formulas are shown as soon as
  // the document reaches past the first screen, every formula on it was typeset at build time,
  // and no math font is still loading. Checked at each frame until then (or until the document
  // is read, when start() below takes over).
  const mathFontLoading = () => {
    for (const face of document.fonts) {
      if (face.family.startsWith("MJX") && face.status === "loading") return true;
    }
    return false;
  };
  const pastFirstScreen = () => {
    const all = document.getElementsByTagName("*");
    for (let i = all.length - 1; i >= Math.max(0, all.length - 50); i--) {
      const r = all[i].getBoundingClientRect();
      if (r.width || r.height) return r.top >= window.innerHeight;
    }
    return false;
  };
  const firstScreenShown = () =>
    pastFirstScreen() &&
    !Array.from(document.querySelectorAll(".math")).some((el) => onScreen(el) && waiting(el)) &&
    !mathFontLoading();
  const watchFirstScreen = async () => {
    while (document.readyState === "loading") {
      if (firstScreenShown()) {
        await painted();
        if (firstScreenShown()) {
          markFirstScreen();
          return;
        }
      }
      await new Promise((done) => requestAnimationFrame(done));
    }
  };
  if (document.readyState === "loading") watchFirstScreen();

  MJ.startup = Object.assign(MJ.startup || {}, {
    typeset: false,
    pageReady() {
      return MathJax.startup.defaultPageReady().then(async () => {
        const all = pending();
        const first = all.filter(onScreen);
        const rest = all.filter((el) => !onScreen(el));
        if (first.length) await MathJax.typesetPromise(first);
        await painted();
        markFirstScreen();
        for (let i = 0; i < rest.length; i += BATCH) {
          await idle();
          await MathJax.typesetPromise(rest.slice(i, i + BATCH));
        }
        performance.mark("nbv-all-math");
        finished();
      });
    },
  });

  const loadMathJax = (holder) => {
    const script = document.createElement("script");
    script.src = holder.dataset.nbvMathjax;
    script.async = true;
    document.head.appendChild(script);
  };

  const start = async () => {
    const holder = document.querySelector("script[data-nbv-mathjax]");
    const left = holder ? pending().filter(waiting) : [];
    // A link to a section: the browser may not have scrolled to it yet.
    if (left.some(onScreen) || (left.length && window.location.hash)) {
      loadMathJax(holder);
      return;
    }
    // Every formula on the screen is in the page already: once its fonts are in, it is shown.
    await document.fonts.ready;
    await painted();
    markFirstScreen();
    if (!left.length) {
      performance.mark("nbv-all-math"); // nothing left for MathJax: it is not loaded
      finished();
      return;
    }
    if (document.readyState !== "complete") {
      await new Promise((done) => window.addEventListener("load", done, { once: true }));
    }
    await idle(2000);
    loadMathJax(holder);
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
