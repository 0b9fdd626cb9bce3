"""Page weight and render time of the built book, in Chromium, served from 127.0.0.1.

For the intro page and every chapter, each in a fresh browser context (empty cache) at
1280 x 900 px, this records the bytes transferred (the sum of Chromium's encoded data lengths),
the number of requests, and the time from navigation until the page shows its math and its first
figure with the CPU throttled 4x (CDP ``Emulation.setCPUThrottlingRate``). "Shows" means what the
reader sees: every formula on the first screen is shown (the build typesets those,
scripts/static_math.py; book/_assets/math-first.js marks the time after the next paint once their
fonts are in, ``performance.mark("nbv-first-screen-math")``, then loads MathJax, which typesets the
rest of the page in idle time; MathJax's lazy typesetting draws a formula when it is scrolled to, or
all before printing), the first image of the article has loaded, and every kernel-free control
(``.nbcore-scrubber``, ``.nbcore-kernel-free``) displays a loaded image. The time is the latest of
those events, read from the page's own clock (performance marks), not the time a poll saw them: a
poll waits behind the long tasks of the rest of the page's typesetting. The time until MathJax has
read every formula of the page (math-first.js's mark ``nbv-all-math``) is reported next to it.
Nothing leaves the machine: every host but 127.0.0.1 is unresolvable.

Budget (issue 18): a chapter transfers at most 1.5 MB more than the intro page and renders within
6 s with 4x throttling. The byte budget is deterministic and is a test
(``tests/book/test_devices.py``, which counts the bytes of each page's load as :func:`measure`
does, and reads the budget from this file); the time is measured here only and shown on the
book's Benchmarks page.

    python benchmarks/pages.py [--html _build/html] [--runs 3] [--out benchmarks/page_results.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "scripts"))
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (scripts/chromium.py)

VIEWPORT = {"width": 1280, "height": 900}
THROTTLE = 4
#: Budgets of issue 18.
EXTRA_BYTES_BUDGET = 1_500_000
RENDER_SECONDS_BUDGET = 6.0

# True once the page shows its math and its first figure (see the module docstring).
READY_JS = """() => {
  if (document.readyState === 'loading') return false;  // the whole document is parsed
  // The formulas on the first screen are shown: book/_assets/math-first.js sets this mark once
  // they are painted (typeset at build time, scripts/static_math.py, with their fonts loaded;
  // or, for any the build left, typeset by MathJax first). Read from the page, not measured
  // with getBoundingClientRect, which would force a layout of the whole page at every poll
  // and slow the page down while it is measured.
  if (document.querySelector('.math')
      && !performance.getEntriesByName('nbv-first-screen-math').length) return false;
  const loaded = img => img.complete && img.naturalWidth > 0;
  const first = document.querySelector('article img');
  if (first && !loaded(first)) {
    if (first.loading === 'lazy') first.loading = 'eager';
    return false;
  }
  // Saved ipywidgets are rendered by script after load: wait for every view.
  const views = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]').length;
  if (document.querySelectorAll('.cell_output .jupyter-widgets').length < views) return false;
  // Each control's shown frame (scrubber.js hides the others with the hidden attribute).
  for (const box of document.querySelectorAll('.nbcore-scrubber, .nbcore-kernel-free')) {
    const shown = Array.from(box.querySelectorAll('img:not([hidden])'));
    shown.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
    if (!shown.length || !shown.every(loaded)) return false;
  }
  return true;
}"""

# Added to every page measured (a Playwright init script; the book does not ship it): as the
# document is read, marks the time each image READY_JS waits for (the first of the article,
# each control's shown frame) has loaded, as performance marks "nbv-bench-img" (at once if it
# already has). Those images load lazily, i.e. when scrolled near: here they start loading as
# soon as they are read, as for a reader who scrolls to them right away (or on a screen tall
# enough to show them).
IMAGE_MARKS_JS = """(() => {
  const seen = new Set();
  const watch = () => {
    const first = document.querySelector('article img');
    const shown = Array.from(document.querySelectorAll(
      '.nbcore-kf img.nbcore-kf-frame:not([hidden]), .nbcore-scrubber img:not([hidden]),'
      + ' .nbcore-kernel-free img:not([hidden])'));
    for (const img of [first, ...shown]) {
      if (!img || seen.has(img)) continue;
      seen.add(img);
      img.loading = 'eager';
      const done = () => performance.mark('nbv-bench-img');
      if (img.complete && img.naturalWidth > 0) done();
      else img.addEventListener('load', done, {once: true});
    }
  };
  const observer = new MutationObserver(watch);
  observer.observe(document, {childList: true, subtree: true});
  document.addEventListener('DOMContentLoaded', () => { watch(); observer.disconnect(); });
})();"""

# When the page showed its math and first figure, in ms from navigation start, read once
# READY_JS holds: the latest of the first screen's math mark and the images' load marks. A
# poll's own time would be later by as much as a long task it waited behind (MathJax
# typesetting the rest of the page: up to 1 s with the CPU throttled 4x).
SHOWN_AT_JS = """() => {
  const t = ['nbv-first-screen-math', 'nbv-bench-img']
    .flatMap(n => performance.getEntriesByName(n).map(e => e.startTime));
  return t.length ? Math.max(...t) : performance.now();
}"""

# True once math-first.js has handed MathJax every formula of the page (typeset, or a lazy
# placeholder that is typeset when scrolled to; the formulas at the top of the page were typeset
# at build time): it marks "nbv-all-math" then. The whole page's math, reported next to the
# render time.
ALL_MATH_JS = """() => !document.querySelector('.math')
  || performance.getEntriesByName('nbv-all-math').length > 0"""
ALL_MATH_AT_JS = """() => {
  const m = performance.getEntriesByName('nbv-all-math');
  return m.length ? m[0].startTime : performance.now();
}"""


def toc_pages() -> list[str]:
    """The intro page and the chapters (toc pages that are notebooks), in toc order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry and (ROOT / f"{entry['file']}.ipynb").exists():
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


class Server:
    """``python -m http.server`` on a free 127.0.0.1 port, as a context manager."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def __enter__(self) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/", timeout=1).close()
                return self.base
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("http.server did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class ByteCounter:
    """Bytes and requests of a page's loads, counted from CDP network events with the cache
    disabled (every load counts as with an empty cache): encoded data lengths, headers included,
    as Chromium counts them; ``data:`` URLs are not requests. Used by :func:`measure` and by
    tests/book/test_devices.py; :meth:`reset` before each load."""

    def __init__(self, cdp):
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.loadingFinished", self._done)
        cdp.on("Network.loadingFailed", lambda e: self.pending.discard(e["requestId"]))
        self.reset()

    def reset(self) -> None:
        self.sizes: dict[str, int] = {}
        self.types: dict[str, str] = {}
        self.pending: set[str] = set()

    def _request(self, e) -> None:
        if e["request"]["url"].startswith(("http:", "https:")):
            self.types[e["requestId"]] = e.get("type", "Other")
            self.pending.add(e["requestId"])

    def _done(self, e) -> None:
        if e["requestId"] in self.types:
            self.sizes[e["requestId"]] = e.get("encodedDataLength", 0)
            self.pending.discard(e["requestId"])

    def wait_quiet(self, page, quiet_s: float = 0.5, timeout_s: float = 30) -> dict:
        """``{"bytes", "requests", "by_type"}`` once the network has been idle for ``quiet_s``."""
        quiet_since = time.monotonic()
        deadline = quiet_since + timeout_s
        while time.monotonic() < deadline:
            page.wait_for_timeout(100)
            if self.pending:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > quiet_s:
                break
        by_type: dict[str, int] = {}
        for rid, n in self.sizes.items():
            by_type[self.types[rid]] = by_type.get(self.types[rid], 0) + int(n)
        return {
            "bytes": sum(by_type.values()),
            "requests": len(self.types),
            "by_type": dict(sorted(by_type.items())),
        }


def measure(
    browser, url: str, *, throttle: float | None = None, all_math: bool = False, timeout_s=90
) -> dict:
    """Load ``url`` in a fresh context (empty cache) and measure it.

    Returns ``{"bytes", "requests", "render_s", "by_type"}``: bytes transferred (encoded data
    lengths, headers included, as Chromium counts them), requests made (``data:`` URLs are not
    requests), the seconds from navigation start until :data:`READY_JS` holds (with the CPU
    throttled ``throttle`` times when given), and bytes per resource type. The count stops once
    every formula is read and the network has been idle for 0.5 s. With ``all_math``, also the
    seconds until MathJax was handed every formula (:data:`ALL_MATH_JS`), as ``"all_math_s"``.
    """
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    counter = ByteCounter(cdp)
    if throttle:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    try:
        page.add_init_script(IMAGE_MARKS_JS)
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_function(READY_JS, polling=50, timeout=timeout_s * 1000)
        render_s = page.evaluate(SHOWN_AT_JS) / 1000
        # Bytes are counted once every formula is read (MathJax loads fonts as it needs them),
        # as tests/book/test_devices.py counts them.
        page.wait_for_function(ALL_MATH_JS, polling=100, timeout=timeout_s * 1000)
        all_math_s = round(page.evaluate(ALL_MATH_AT_JS) / 1000, 3) if all_math else None
        if throttle:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        return {
            **counter.wait_quiet(page),
            "render_s": round(render_s, 3),
            "all_math_s": all_math_s,
        }
    finally:
        context.close()


# The page's load is over once math-first.js has handed MathJax every formula (MathJax, when a
# page needs it, is loaded once the page is shown) and the fonts are in.
LOADED_JS = """async () => {
  if (window.nbvMath) await window.nbvMath.done;
  await document.fonts.ready;
}"""


def weigh(browser, url: str, timeout_s=90) -> dict:
    """The bytes and requests of one load of ``url`` as a reader's browser makes it (fresh
    context, empty cache, no throttling; images below the fold not loaded), counted until the
    page's math is in and the network has been quiet: :class:`ByteCounter`'s totals.
    ``tests/book/test_devices.py`` counts each page's load the same way for the budget."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    counter = ByteCounter(context.new_cdp_session(page))
    try:
        page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        page.evaluate(LOADED_JS)
        return counter.wait_quiet(page)
    finally:
        context.close()


def launch(pw):
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def run(html: Path, runs: int, only: list[str] | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    pages = [p for p in toc_pages() if not only or p in only]
    results: dict[str, dict] = {}
    with Server(html) as base, sync_playwright() as pw:
        browser = launch(pw)
        try:
            for name in pages:
                url = f"{base}/{name}.html"
                weight = weigh(browser, url)
                loads = [
                    measure(browser, url, throttle=THROTTLE, all_math=True) for _ in range(runs)
                ]
                times = [m["render_s"] for m in loads]
                all_math = [m["all_math_s"] for m in loads]
                results[name] = {
                    "bytes": weight["bytes"],
                    "requests": weight["requests"],
                    "by_type": weight["by_type"],
                    "render_s_throttled": round(statistics.median(times), 2),
                    "render_s_runs": times,
                    "all_math_s_throttled": round(statistics.median(all_math), 2),
                }
                r = results[name]
                print(
                    f"{name:24s} {r['bytes'] / 1e6:6.2f} MB {r['requests']:3d} requests  "
                    f"render (x{THROTTLE} CPU) {r['render_s_throttled']:5.2f} s  {times}"
                    f"  all math {r['all_math_s_throttled']:5.2f} s",
                    flush=True,
                )
        finally:
            browser.close()
    return {
        "machine": {
            "cpu_count": __import__("os").cpu_count(),
            "machine": platform.machine(),
            "browser": "Chromium (Debian), headless",
            # Render times scale with the machine's other work: 1-minute load when done.
            "load_average_1min": round(__import__("os").getloadavg()[0], 2),
        },
        "viewport": VIEWPORT,
        "cpu_throttling": THROTTLE,
        "runs": runs,
        "pages": results,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--runs", type=int, default=3, help="throttled loads per page (median)")
    parser.add_argument("--out", default=str(HERE / "page_results.json"))
    parser.add_argument("--pages", nargs="*", help="only these pages (e.g. book/01_neuron)")
    args = parser.parse_args(argv)
    html = Path(args.html)
    if not (html / "index.html").exists():
        print(f"pages: {html} holds no built book (run `make book` first)", file=sys.stderr)
        return 1
    results = run(html, args.runs, args.pages)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
