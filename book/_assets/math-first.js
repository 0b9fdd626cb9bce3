// Typeset the formulas on the first screen first, the rest of the page afterwards.
//
// MathJax's own start-up reads every formula of the page before it shows any (a chapter holds
// 130-430: 3-5 s with the CPU throttled 4x, after which lazy typesetting (ui/lazy, _config.yml)
// draws only those on screen). Here start-up typesets nothing; this pageReady hands MathJax the
// formulas on the screen first, then the others in small batches when the browser is idle.
// MathJax.startup.promise still resolves once every formula is done (scroll-cue.js waits on it).
// Runs before MathJax (a plain script; MathJax is loaded with defer) and only edits its config.
(() => {
  "use strict";
  const MJ = (window.MathJax = window.MathJax || {});
  const SELECTOR = ".math, .tex2jax_process, .mathjax_process, .output_area";
  const BATCH = 40;
  const idle = () =>
    new Promise((done) =>
      window.requestIdleCallback ? requestIdleCallback(done, { timeout: 1000 }) : setTimeout(done, 30),
    );
  MJ.startup = Object.assign(MJ.startup || {}, {
    typeset: false,
    pageReady() {
      return MathJax.startup.defaultPageReady().then(async () => {
        const all = Array.from(document.querySelectorAll(SELECTOR)).filter(
          (el) => !el.parentElement || !el.parentElement.closest(SELECTOR),
        );
        // Only what is on the screen: the next batches follow as soon as the browser is idle.
        // (Three screens' worth, 22-41 formulas in a chapter, put the first screen's math 0.2-1 s
        // later with the CPU throttled 4x than its own 0-8.)
        const near = (el) => {
          const r = el.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        };
        const first = all.filter(near);
        const rest = all.filter((el) => !near(el));
        if (first.length) await MathJax.typesetPromise(first);
        // The first screen's formulas are in the page and, once the next frame is painted, on
        // the screen: benchmarks/pages.py reads this mark (a timeout queued from a frame
        // callback runs after that frame's paint).
        await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
        performance.mark("nbv-first-screen-math");
        for (let i = 0; i < rest.length; i += BATCH) {
          await idle();
          await MathJax.typesetPromise(rest.slice(i, i + BATCH));
        }
        performance.mark("nbv-all-math"); // every formula read (benchmarks/pages.py)
      });
    },
  });
})();
