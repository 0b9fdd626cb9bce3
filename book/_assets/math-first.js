// Typeset the formulas on the first screen first, the rest of the page afterwards.
//
// MathJax's own start-up reads every formula of the page before it shows any (a chapter holds
// 130-430: 3-5 s with the CPU throttled 4x, after which lazy typesetting (ui/lazy, _config.yml)
// draws only those on screen). Here start-up typesets nothing; this pageReady hands MathJax the
// formulas near the screen first, then the others in small batches when the browser is idle.
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
        const margin = window.innerHeight;
        const near = (el) => {
          const r = el.getBoundingClientRect();
          return r.bottom > -margin && r.top < 2 * margin;
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
