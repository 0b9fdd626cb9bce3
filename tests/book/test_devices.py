"""Every page on a phone (390 px), a tablet (800 px) and a desktop (1280 px), light and dark.

For each page of the book (intro, chapters, appendices, and Sphinx's index and search pages), in
one Chromium, offline, one test per page, width and theme:

- the chapters menu opens (a click on the visible ☰ button), lists every chapter and appendix and
  closes again (Escape); the contents panel does the same where its button is shown; at 1280 px
  the ☰ button folds the sidebar and unfolds it. Clicked in light mode at every width; in dark
  mode the buttons are checked to be shown (nav-fix.js and the themes' handlers
  do not read the theme). Every page's sidebar HTML is also checked to list the chapters;
- no page is wider than the window, and nothing is clipped: no element sticks out of a box that
  cuts it off (a wide equation, table or printed output must scroll inside its own box instead);
- no image is drawn at less than 1.5 device pixels per CSS pixel (crisp on 2x screens);
- every formula on the first screen (the top of the page) was typeset when the book was built
  (``scripts/static_math.py``), so it is shown without waiting for MathJax's script;
- every kernel-free control (``.nbcore-kf``) changes what the page shows when moved (light mode,
  every width);
- axe-core (fetched by scripts/fetch_assets.sh) finds no serious or critical violation: at 390 px,
  every rule that can report one in light mode, the colour rules again in dark mode;
- no console error, no failed local request, and no request leaves the machine;
- at 390 px, a link to a section near the end of the page lands on that section;
- once per page, as loaded (1280 px, light): every formula rendered by MathJax and no raw TeX
  in the text, no broken image; on a chapter, issue 18's byte budget (the page's load, cache
  disabled, at most 1.5 MB more than the intro page's; counted as ``benchmarks/pages.py``
  counts it) and every kernel-free control in full: one labelled slider long enough to aim at
  each step, one frame shown, the keyboard moves it and it announces "<name> = <value>", the new
  frame decodes, Play plays and pauses with one icon per state; the glossary's Chinese terms in
  the book's own font. A screenshot of each page is left in ``_build/screenshots``.

Speed: each page is loaded once; widths are set by resizing the window and the theme by the
``data-theme`` attribute pydata-sphinx-theme reads (the page is not reloaded); all measurements at
one width and theme are one script; waits are for conditions (math-first.js's formulas, fonts, an
opened dialog), never fixed sleeps; axe-core runs only the rules that can be serious or critical,
once per theme, without MathJax's rendering. axe-core is still most of the time (about two thirds
on a chapter or the API page, mostly the colour-contrast rule), the page load (MathJax) most of
the rest.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from urllib.parse import urlparse

import pytest
from bookutil import HTML, ROOT, SCREENSHOTS, VENDOR, chapter_pages, toc_pages

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the browser fixture skips (or fails on CI) with the reason
    PlaywrightTimeout = Exception

PAGES = [*toc_pages(), "genindex", "py-modindex", "search"]
CHAPTERS = set(chapter_pages())
WIDTHS = (390, 800, 1280)
THEMES = ("light", "dark")
AXE = VENDOR / "axe-core" / "axe.min.js"
TIMES: dict[str, float] = {}


def _bench_pages():
    """benchmarks/pages.py: the byte budget, and the weights the Benchmarks page reports."""
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "benchmarks" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench_pages()

# What is "clipped": an element sticking out of the nearest ancestor whose overflow is not
# visible, when that ancestor does not scroll (or is the page column itself, which must not
# scroll sideways); a box that cuts its own content (overflow hidden/clip, scrollWidth larger
# than its width); anything beyond the right edge of the window. Inside a formula only the
# rendered math counts (MathJax's hidden MathML copy for screen readers is clipped on purpose).
CLIPPED_JS = """() => {
  const de = document.documentElement;
  const main = document.querySelector('main') || document.body;
  const COLUMN = 'main, .bd-main, .bd-content, .bd-article-container, .bd-article, '
    + '.bd-page-width, .bd-container, .bd-container__inner, body';
  const desc = e => {
    const sec = e.closest('section[id]');
    const cls = typeof e.className === 'string' ? e.className.split(' ').slice(0, 2).join('.') : '';
    return e.tagName.toLowerCase() + (cls ? '.' + cls : '') + ' in #' + (sec ? sec.id : '?')
      + ': ' + (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  };
  const clipAnc = new Map();
  const clipperOf = e => {
    const p = e.parentElement;
    if (!p || p === de) return null;
    if (clipAnc.has(p)) return clipAnc.get(p);
    const r = getComputedStyle(p).overflowX !== 'visible' ? p : clipperOf(p);
    clipAnc.set(p, r);
    return r;
  };
  const found = [];
  const reported = new Set();
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_ELEMENT, {
    acceptNode: n => (n.parentElement && n.parentElement.closest('mjx-container, svg'))
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  for (let e = walker.currentNode; e; e = walker.nextNode()) {
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden' || cs.position === 'fixed') continue;
    if (e.closest('.d-none, [hidden], dialog:not([open]), .visually-hidden, .sr-only')) continue;
    const ox = cs.overflowX;
    if ((ox === 'hidden' || ox === 'clip') && cs.display !== 'inline'
        && cs.textOverflow !== 'ellipsis' && e.scrollWidth > e.clientWidth + 1) {
      found.push('cut by its own box: ' + desc(e)); reported.add(e); continue;
    }
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const a = clipperOf(e);
    if (!a) {
      if (r.right > de.clientWidth + 1) found.push('beyond the window: ' + desc(e));
      continue;
    }
    const ar = a.getBoundingClientRect();
    if (r.right <= ar.right + 1 && r.left >= ar.left - 1) continue;
    if (reported.has(a)) continue;
    reported.add(a);
    const aox = getComputedStyle(a).overflowX;
    if (aox === 'auto' || aox === 'scroll') {
      if (a.matches(COLUMN)) found.push('the page column scrolls sideways: ' + desc(e));
    } else {
      found.push('sticks out of ' + a.tagName.toLowerCase() + '.'
        + String(a.className).split(' ')[0] + ' (which cuts it off): ' + desc(e));
    }
  }
  return {pageWidth: de.scrollWidth, window: de.clientWidth, clipped: found};
}"""

# Images drawn at less than 1.5 device pixels per CSS pixel on a 2x screen (SVG is exempt).
BLURRY_JS = """() => Array.from(document.querySelectorAll('main img'))
  .filter(i => i.complete && i.naturalWidth > 0 && i.getClientRects().length
               && i.getBoundingClientRect().width > 24
               && !/\\.svg(\\?|$)|^data:image\\/svg/.test(i.currentSrc || i.src))
  .filter(i => i.naturalWidth / i.getBoundingClientRect().width < 1.5)
  .map(i => (i.alt || i.src).slice(0, 60) + ' (' + i.naturalWidth + ' px shown '
            + Math.round(i.getBoundingClientRect().width) + ' px)')"""

# What the page shows of a kernel-free control, apart from the control itself.
SHOWN_JS = """r => Array.from(r.closest('.nbcore-kf').querySelectorAll('img, .nbcore-kf-readout'))
  .filter(e => e.getClientRects().length && !e.hidden)
  .map(e => e.getAttribute('src') || e.textContent).join('|')"""

# Checked once per page, after it loaded (at 1280 px, light): formulas MathJax did not render,
# raw TeX left in the visible text (code and formulas aside), images that failed to load.
ONCE_JS = """() => {
  const unrendered = Array.from(document.querySelectorAll('.math'))
    .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80));
  const clone = (document.querySelector('main') || document.body).cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
    .forEach(e => e.remove());
  const text = clone.innerText;
  const rawTex = ['$$', '\\\\(', '\\\\[', '\\\\frac', '\\\\begin{'].filter(t => text.includes(t));
  const broken = Array.from(document.querySelectorAll('main img'))
    .filter(i => i.complete && i.naturalWidth === 0 && !i.hidden)
    .map(i => (i.alt || i.src).slice(0, 60));
  return {unrendered, rawTex, broken};
}"""

# Slices of the book's own Noto Sans SC font loaded (the glossary's Chinese terms).
CJK_FONT_JS = """async () => {
  await document.fonts.ready;
  return Array.from(document.fonts).filter(f => f.family.replace(/["']/g, '') === 'Noto Sans SC'
                                             && f.status === 'loaded').length;
}"""

# A link to a section near the end lands on it (at the top of the window, under the header) once
# the page has settled: nothing above it changes height afterwards. (content-visibility: auto on
# the later sections, tried for speed, left such links 1,800-3,200 px short of their target.)
ANCHOR_JS = """async () => {
  const secs = Array.from(document.querySelectorAll('.bd-article > section > section[id]'))
    .filter(e => e.getClientRects().length);
  if (secs.length < 3) return null;
  const target = secs[secs.length - 2];
  const a = document.createElement('a');
  a.href = '#' + target.id;
  document.body.appendChild(a);
  a.click();
  a.remove();
  const frame = () => new Promise(r => requestAnimationFrame(r));
  let top = target.getBoundingClientRect().top;
  for (let still = 0, i = 0; still < 10 && i < 300; i++) {  // 10 frames without a move
    await frame();
    const now = target.getBoundingClientRect().top;
    still = Math.abs(now - top) < 1 ? still + 1 : 0;
    top = now;
  }
  history.replaceState(null, '', location.pathname);
  window.scrollTo(0, 0);
  return [target.id, Math.round(top)];
}"""

# What a kernel-free control shows: its visible frame and readout.
FRAME_JS = """b => Array.from(b.querySelectorAll('.nbcore-kf-frame, .nbcore-kf-readout'))
  .filter(e => e.offsetParent !== null).map(e => e.getAttribute('src') || e.innerHTML).join('|')"""
FRAME_DECODED_JS = """b => Array.from(b.querySelectorAll('.nbcore-kf-frame'))
  .filter(e => e.offsetParent !== null).every(e => e.complete && e.naturalWidth > 0)"""

# The visible chapters (☰) and contents buttons: shown (a size, not hidden).
BUTTONS_JS = """() => {
  const out = {};
  for (const kind of ['primary', 'secondary']) {
    out[kind] = Array.from(document.querySelectorAll('.bd-header-article .' + kind + '-toggle'))
      .some(e => e.getClientRects().length && e.getBoundingClientRect().width > 0
                 && getComputedStyle(e).visibility !== 'hidden');
  }
  return out;
}"""

# The formulas on the first screen (the top of the page) that were not typeset when the book
# was built (scripts/static_math.py): each would wait for MathJax's script.
LATE_MATH_JS = """() => {
  const y = window.scrollY;
  window.scrollTo(0, 0);
  const sel = '.math, .output_area';
  const late = Array.from(document.querySelectorAll('.math:not(.nbv-static)'))
    .filter(e => !e.parentElement.closest(sel) && e.getClientRects().length)
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.bottom > 0 && r.top < window.innerHeight && r.width > 0; })
    .map(e => e.textContent.slice(0, 60));
  window.scrollTo(0, y);
  return late;
}"""

# Everything measured at one width and theme, in one call (see the four scripts above).
LAYOUT_JS = (
    "() => ({layout: ("
    + CLIPPED_JS
    + ")(), blurry: ("
    + BLURRY_JS
    + ")(), buttons: ("
    + BUTTONS_JS
    + ")(), lateMath: ("
    + LATE_MATH_JS
    + ")()})"
)

# The chapters listed by the open chapters menu (null while it is closed), and the number of links
# in the open contents panel (null while it is closed).
MENU_OPEN_JS = """() => {
  const d = document.querySelector('#pst-primary-sidebar-modal[open]');
  if (!d) return null;
  return Array.from(d.querySelectorAll('a.reference.internal'))
    .filter(a => a.getClientRects().length && getComputedStyle(a).visibility !== 'hidden')
    .map(a => a.getAttribute('href').split('#')[0].replace(/^(\\.\\.\\/)+/, '')
                .replace(/^book\\//, ''));
}"""
CONTENTS_OPEN_JS = """() => {
  const d = document.querySelector('#pst-secondary-sidebar-modal[open]');
  return d ? Array.from(d.querySelectorAll('a')).filter(a => a.getClientRects().length).length
           : null;
}"""
NO_DIALOG_OPEN_JS = "() => !document.querySelector('dialog[open]')"
SIDEBAR_FOLDED_JS = "() => !!document.querySelector('#pst-primary-sidebar.pst-sidebar-hidden')"
TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

# axe-core is run without MathJax's rendering (aria-hidden; screen readers read its MathML copy,
# which stays): it is most of a chapter's DOM and made axe several times slower. It is taken out
# for the run and put back after it.
DETACH_MATH_JS = """() => {
  window.__nbvMath = Array.from(document.querySelectorAll('mjx-container > mjx-math'))
    .map(e => [e.parentNode, e]);
  window.__nbvMath.forEach(([p, e]) => e.remove());
}"""
REATTACH_MATH_JS = """() => {
  (window.__nbvMath || []).forEach(([p, e]) => p.insertBefore(e, p.firstChild));
  window.__nbvMath = [];
}"""

# The axe-core rules that can report a serious or critical violation (a rule's impact is the
# highest of its checks' impacts): the others (landmarks, heading order, region, ...) can only
# be minor or moderate, which the issue does not ask about, and cost as much time. Only rules
# that a run by these tags would run (enabled, not experimental).
AXE_RULES_JS = """() => {
  const tags = new Set(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']);
  const a = axe._audit;
  const impact = c => ((a.data.checks || {})[c.id || c] || {}).impact;
  return a.rules.filter(r => r.enabled !== false && !r.tags.includes('experimental')
      && r.tags.some(t => tags.has(t))
      && [r.impact, ...[...r.any, ...r.all, ...r.none].map(impact)]
           .some(i => i === 'serious' || i === 'critical'))
    .map(r => r.id);
}"""
# The rules whose result depends on the colours, i.e. on the theme.
COLOUR_RULES = ("color-contrast", "link-in-text-block")
AXE_RUN_JS = """async ([context, rules]) => {
  const r = await axe.run(context, {resultTypes: ['violations'],
                                    runOnly: {type: 'rule', values: rules}});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' '
                  + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}"""


def _menu_stems() -> list[str]:
    """The entries the chapters menu must list: the toc's chapters and appendices (not their
    sub-pages, which the menu shows folded)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [
        entry["file"].split("/")[-1]
        for part in toc.get("parts", [])
        for entry in part.get("chapters", [])
        if "file" in entry
    ]


def _missing(page: str, hrefs) -> list[str]:
    here = page.split("/")[-1]
    return [s for s in _menu_stems() if s != here and not any(f"{s}.html" in h for h in hrefs)]


class Tab:
    """The one browser tab of the matrix: which page it shows, at which width and theme, and what
    the browser reported (console errors, requests to other hosts) since the last test read it."""

    def __init__(self, page):
        self.pg = page
        self.page: str | None = None
        self.width = 1280
        self.theme = "light"
        self.clean = False  # False: the last test stopped half-way; load the page again
        self.axe_rules: list[str] = []
        self.external: list[str] = []
        self.console: list[str] = []
        self.failed: list[str] = []  # local responses >= 400 and failed local requests
        self.bytes = None  # BENCH.ByteCounter on this tab (the fixture attaches it)
        self.weights: dict[str, dict] = {}  # each page's load, as benchmarks/pages.py counts it

    def show(self, server, page, width, theme) -> None:
        pg = self.pg
        if self.page != page or not self.clean:
            self.clean = False
            self.page = None
            pg.set_viewport_size({"width": width, "height": 900})
            self.width = width
            self.bytes.reset()
            pg.goto(f"{server}/{page}.html", wait_until="load")
            # Wait until math-first.js has handed MathJax every formula, and for the fonts;
            # count the bytes the page loaded by then (before anything below is scrolled to or
            # loaded eagerly).
            pg.evaluate(BENCH.LOADED_JS)
            self.weights[page] = self.bytes.wait_quiet(pg)
            # The lazily loaded images (data: URIs, decoded here so that the image check sees
            # them all), and scroll-cue.js's marks.
            pg.evaluate(
                """async () => {
                     const imgs = Array.from(document.querySelectorAll('main img'));
                     imgs.forEach(i => { i.loading = 'eager'; });
                     await Promise.all(imgs.map(i => i.decode().catch(() => null)));
                     // scroll-cue.js marks the boxes that scroll (and makes them focusable) once
                     // every formula is in: wait for that scan (at most 10 s).
                     if (document.querySelector('script[src*="scroll-cue"]')) {
                       for (let i = 0; i < 500 && document.documentElement.dataset.nbvScrollCue
                            !== 'all'; i++) await new Promise(r => setTimeout(r, 20));
                     }
                   }"""
            )
            self.theme = "light"
            self.axe_rules = []
            self.page = page
        if self.width != width:
            pg.set_viewport_size({"width": width, "height": 900})
            self.width = width
        if self.theme != theme:
            pg.evaluate(
                "t => { document.documentElement.dataset.theme = t;"
                " document.documentElement.dataset.mode = t; }",
                theme,
            )
            self.theme = theme
        # Let the page's resize observers and the theme's handlers run before measuring.
        pg.evaluate(TWO_FRAMES_JS)

    def once(self, server, page) -> list[str]:
        """What is checked once per page, right after it loaded (1280 px, light): formulas,
        raw TeX, broken images, the byte budget and every kernel-free control in full; the
        glossary's Chinese font. A screenshot is left in _build/screenshots."""
        pg = self.pg
        problems = []
        found = pg.evaluate(ONCE_JS)
        if found["unrendered"]:
            problems.append(
                f"{len(found['unrendered'])} formulas not rendered: {found['unrendered'][:5]}"
            )
        problems += [f"raw TeX {t!r} visible in the page" for t in found["rawTex"]]
        problems += [f"broken image {b}" for b in found["broken"]]
        if page in CHAPTERS:
            problems += self.budget(server, page)
            problems += self.controls_in_full()
        if page.endswith("/glossary") and not pg.evaluate(CJK_FONT_JS):
            problems.append("no slice of the book's Noto Sans SC font was loaded")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SCREENSHOTS / f"{page.split('/')[-1]}.png"))
        return problems

    def budget(self, server, page) -> list[str]:
        """Issue 18's byte budget: a chapter transfers at most 1.5 MB more than the intro page
        (both with an empty cache, at 1280 px)."""
        intro = "book/intro"
        if intro not in self.weights:  # the intro page comes first in the matrix; not with -k
            self.clean = False
            self.show(server, intro, 1280, "light")
            self.clean = False
            self.show(server, page, 1280, "light")
        chapter, base = self.weights[page], self.weights[intro]
        extra = chapter["bytes"] - base["bytes"]
        if extra <= BENCH.EXTRA_BYTES_BUDGET:
            return []
        return [
            f"transfers {chapter['bytes'] / 1e6:.2f} MB in {chapter['requests']} requests, "
            f"{extra / 1e6:.2f} MB more than the intro page ({base['bytes'] / 1e6:.2f} MB); "
            f"budget {BENCH.EXTRA_BYTES_BUDGET / 1e6:.1f} MB. By type: {chapter['by_type']}"
        ]

    def controls_in_full(self) -> list[str]:
        """Every kernel-free control (book/_assets/scrubber.js over nbcore's frames): one
        labelled range input long enough to aim at each step, one frame shown; the keyboard
        moves it, the page changes, the new frame decodes and the slider announces
        '<name> = <value>'; a Play button plays and pauses with one icon per state."""
        pg = self.pg
        problems = []
        boxes = pg.locator(".nbcore-kf")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            rng = box.locator("input[type=range]")
            if rng.count() != 1:
                problems.append(f"control {i} has {rng.count()} range inputs")
                continue
            name = rng.evaluate("e => e.labels.length ? e.labels[0].innerText.trim() : ''")
            if not name:
                problems.append(f"control {i}'s slider has no label")
            shown = box.evaluate(
                "b => Array.from(b.querySelectorAll('.nbcore-kf-frame'))"
                ".filter(e => e.offsetParent !== null).length"
            )
            if shown != 1:
                problems.append(f"control {i} shows {shown} frames at once")
            lo, hi, v0 = (int(rng.get_attribute(a)) for a in ("min", "max", "value"))
            width = rng.bounding_box()["width"]
            if width / max(hi - lo, 1) < 12:
                problems.append(
                    f"control {i}'s slider is {width:.0f} px for {hi - lo} steps (too short)"
                )
            before, text0 = box.evaluate(FRAME_JS), rng.get_attribute("aria-valuetext")
            if not before:
                problems.append(f"control {i} shows nothing")
            rng.scroll_into_view_if_needed()
            rng.focus()
            pg.keyboard.press("ArrowLeft" if v0 == hi else "ArrowRight")
            after, text1 = box.evaluate(FRAME_JS), rng.get_attribute("aria-valuetext")
            if not after or after == before:
                problems.append(f"moving control {i} by keyboard changed nothing")
            if (
                text1 == text0
                or not text1
                or not text1.startswith(name.split()[0] if name else "?")
            ):
                problems.append(
                    f"control {i} announces {text1!r} (was {text0!r}); expected '<name> = <value>'"
                )
            # The newly shown frame (a lazily loaded data: URI) may still be decoding on a busy
            # machine: wait for it; a broken image never gets there.
            try:
                pg.wait_for_function(FRAME_DECODED_JS, arg=box.element_handle(), timeout=10_000)
            except PlaywrightTimeout:
                problems.append(f"control {i} shows a broken image")
            play = box.locator("button.nbcore-kf-play")
            if play.count():
                problems += self.play(box, play, rng, i)
            pg.keyboard.press("Home")
        return problems

    def play(self, box, play, rng, i) -> list[str]:
        """Play advances the control and turns into Pause; Pause stops it; one icon each."""
        problems = []
        if play.get_attribute("aria-label") != "Play":
            problems.append(
                f"control {i}'s Play button is labelled {play.get_attribute('aria-label')!r}"
            )
        text = rng.get_attribute("aria-valuetext")
        play.click()
        if play.get_attribute("aria-label") != "Pause":
            problems.append(f"control {i}'s Play button does not turn into Pause")
        self.pg.wait_for_timeout(int(box.get_attribute("data-interval")) + 400)
        if rng.get_attribute("aria-valuetext") == text:
            problems.append(f"control {i}: Play does not advance")
        play.click()
        if play.get_attribute("aria-label") != "Play":
            problems.append(f"control {i}'s Pause button does not turn back into Play")
        n_icons = play.evaluate("b => b.querySelectorAll('.nbcore-kf-icon').length")
        if n_icons != 1:
            problems.append(f"control {i}'s Play button shows {n_icons} icons")
        return problems

    def axe(self, light: bool) -> list[str]:
        """Serious and critical axe-core violations at the current width and theme: all rules that
        can be serious or critical when ``light``, only the colour rules otherwise.

        Code blocks are left out of the colour rules (their colours are pydata-sphinx-theme's
        accessible Pygments styles, a11y-high-contrast light/dark; thousands of spans).
        """
        pg = self.pg
        if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
            pg.add_script_tag(path=str(AXE))
        if not self.axe_rules:
            self.axe_rules = pg.evaluate(AXE_RULES_JS)
        found = []
        pg.evaluate(DETACH_MATH_JS)
        try:
            if light:
                rest = [r for r in self.axe_rules if r not in COLOUR_RULES]
                found += pg.evaluate(AXE_RUN_JS, [{"include": [["html"]]}, rest])
            colours = [r for r in self.axe_rules if r in COLOUR_RULES]
            found += pg.evaluate(
                AXE_RUN_JS, [{"include": [["body"]], "exclude": [[".highlight"]]}, colours]
            )
        finally:
            pg.evaluate(REATTACH_MATH_JS)
            pg.evaluate(TWO_FRAMES_JS)
        return [f"axe {v['impact']} {v['id']} x{v['n']}: {json.dumps(v['nodes'])}" for v in found]

    def menus(self, page, width) -> list[str]:
        """Click the visible ☰ and contents buttons as a reader would and check what opens."""
        pg = self.pg
        problems = []
        toggle = pg.locator(".bd-header-article .primary-toggle").first
        if width >= 992:
            # Wide: the chapters are in the sidebar; the button folds it away and back.
            toggle.click()
            try:
                pg.wait_for_function(SIDEBAR_FOLDED_JS, timeout=3000)
                toggle.click()
                pg.wait_for_function(f"() => !({SIDEBAR_FOLDED_JS})()", timeout=3000)
            except PlaywrightTimeout:
                problems.append("the ☰ button does not fold and unfold the sidebar")
            listed = pg.evaluate(
                "() => Array.from(document.querySelectorAll('#pst-primary-sidebar "
                "a.reference.internal')).filter(a => a.getClientRects().length)"
                ".map(a => a.getAttribute('href'))"
            )
        else:
            if not pg.evaluate(NO_DIALOG_OPEN_JS):
                problems.append("a menu is open before any click")
            toggle.click()
            try:
                listed = pg.wait_for_function(
                    f"() => ({MENU_OPEN_JS})()", timeout=3000
                ).json_value()
            except PlaywrightTimeout:
                return [*problems, "the ☰ button does not open the chapters menu"]
            pg.keyboard.press("Escape")
            try:
                pg.wait_for_function(NO_DIALOG_OPEN_JS, timeout=3000)
            except PlaywrightTimeout:
                return [*problems, "Escape does not close the chapters menu"]
        if missing := _missing(page, listed):
            problems.append(f"the chapters menu does not list {missing}")
        contents = pg.locator(".bd-header-article .secondary-toggle")
        if contents.count() and contents.first.is_visible():
            contents.first.click()
            try:
                n = pg.wait_for_function(f"() => ({CONTENTS_OPEN_JS})()", timeout=3000)
            except PlaywrightTimeout:
                return [*problems, "the contents button does not open the contents"]
            if n.json_value() == 0:
                problems.append("the contents panel opens empty")
            pg.keyboard.press("Escape")
            try:
                pg.wait_for_function(NO_DIALOG_OPEN_JS, timeout=3000)
            except PlaywrightTimeout:
                problems.append("Escape does not close the contents panel")
        # The mouse is left over the last button clicked, whose Bootstrap tooltip then fades in
        # (axe-core, run next at 390 px, would measure its contrast half-way through the fade):
        # move it away and wait until the tooltip is gone.
        pg.mouse.move(0, 0)
        if not self.tooltip_gone():
            # Bootstrap can miss a mouseleave that comes while its tooltip is still fading in
            # (seen once in 19 pages on a loaded machine); the reader's next pass over the
            # button clears it, and so must it here.
            trigger = pg.locator("[aria-describedby^='tooltip']").first
            if trigger.count():
                trigger.hover()
                pg.mouse.move(0, 0)
            if not self.tooltip_gone():
                problems.append("a tooltip stays on the page after the mouse left its button")
        return problems

    def tooltip_gone(self) -> bool:
        try:
            self.pg.wait_for_function("() => !document.querySelector('.tooltip')", timeout=3000)
        except PlaywrightTimeout:
            return False
        return True

    def controls(self) -> list[str]:
        """Move every visible kernel-free control with the keyboard; what it shows must change."""
        pg = self.pg
        problems = []
        ranges = pg.locator(".nbcore-kf input[type=range]")
        for i in range(ranges.count()):
            rng = ranges.nth(i)
            before = rng.evaluate(f"r => r.getClientRects().length ? ({SHOWN_JS})(r) : null")
            if before is None:
                continue
            rng.press("End" if rng.evaluate("r => +r.value <= +r.min") else "Home")
            if not before or rng.evaluate(SHOWN_JS) == before:
                problems.append(f"kernel-free control {i} does not change the page")
            rng.press("Home")
        return problems


@pytest.fixture(scope="module")
def tab(browser, server):
    """One browser tab for the whole matrix: each page is loaded once, and its widths and themes
    are set by resizing the window and by the ``data-theme`` attribute pydata-sphinx-theme reads."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(120_000)  # a loaded 2-core machine can take a while for a chapter
    t = Tab(page)
    page.on(
        "request",
        lambda r: (
            t.external.append(r.url)
            if r.url.startswith(("http:", "https:", "ws:", "wss:"))
            and urlparse(r.url).hostname != "127.0.0.1"
            else None
        ),
    )
    page.on("console", lambda m: t.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: t.console.append(f"page error: {e}"))
    page.on(
        "response", lambda r: t.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.on(
        "requestfailed",
        lambda r: (
            t.failed.append(f"failed {r.url} ({r.failure})")
            # A request the browser cancelled itself is not a missing file (those are responses
            # >= 400): a navigation, even to #section, cancels the favicon's.
            if urlparse(r.url).hostname == "127.0.0.1" and "ERR_ABORTED" not in (r.failure or "")
            else None
        ),
    )
    # Bytes per request, with the cache disabled: each page load counts as with an empty cache
    # (from 127.0.0.1 it costs little).
    t.bytes = BENCH.ByteCounter(context.new_cdp_session(page))
    yield t
    context.close()
    if TIMES:
        total = sum(TIMES.values())
        slow = sorted(TIMES.items(), key=lambda kv: -kv[1])[:3]
        print(f"\ndevice matrix: {len(TIMES)} pages in {total:.0f} s; slowest {slow}")
    if t.weights:
        mb = ", ".join(f"{p.split('/')[-1]} {w['bytes'] / 1e6:.2f}" for p, w in t.weights.items())
        print(f"page weights (MB, empty cache, 1280 px): {mb}")


# Light from wide to narrow, then dark from narrow to wide: three resizes and one theme switch
# per page each way, and axe-core runs at 390 px in both themes one after the other.
CASES = [(1280, "light"), (800, "light"), (390, "light"), (390, "dark"), (800, "dark"),
         (1280, "dark")]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "width", "theme"),
    [(p, w, t) for p in PAGES for w, t in CASES],
    ids=[f"{p}-{w}px-{t}" for p in PAGES for w, t in CASES],
)
def test_page_on_device(tab, server, page, width, theme):
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run scripts/fetch_assets.sh")
    if not (HTML / f"{page}.html").exists():
        pytest.fail(f"{page}.html is not in the build {HTML}")
    t0 = time.perf_counter()
    tab.show(server, page, width, theme)
    tab.clean = False
    problems: list[str] = []
    # axe-core at 390 px only: the layout-dependent rules (boxes that scroll must be reachable
    # by keyboard) find most there; in dark mode only the colour rules, which are what the theme
    # changes.
    if width == 390:
        problems += tab.axe(light=theme == "light")
    m = tab.pg.evaluate(LAYOUT_JS)
    layout = m["layout"]
    if layout["pageWidth"] > layout["window"] + 1:
        problems.append(f"page is {layout['pageWidth']} px wide")
    problems += layout["clipped"][:10]
    if len(layout["clipped"]) > 10:
        problems.append(f"... {len(layout['clipped'])} clipped in all")
    problems += [f"blurry image {b}" for b in m["blurry"]]
    problems += [f"first-screen formula left to MathJax: {t}" for t in m["lateMath"]]
    if not m["buttons"]["primary"]:
        problems.append("no visible chapters (☰) button")
    # Clicking the menus and moving the controls: in light mode (their scripts do not read the
    # theme; in dark mode the buttons are checked above to be shown).
    if (width, theme) == CASES[0]:  # the page as loaded
        problems += tab.once(server, page)
    if theme == "light":
        problems += tab.menus(page, width)
        problems += tab.controls()
    if (width, theme) == (390, "light"):
        landed = tab.pg.evaluate(ANCHOR_JS)
        if landed and not 0 <= landed[1] <= 150:
            problems.append(f"a link to #{landed[0]} leaves it {landed[1]} px from the top")
    problems += [f"console error: {e}" for e in tab.console]
    problems += [f"request to another host: {u}" for u in tab.external]
    problems += [f"failed local request: {u}" for u in tab.failed]
    tab.console.clear()
    tab.external.clear()
    tab.failed.clear()
    tab.clean = True
    TIMES[page] = TIMES.get(page, 0.0) + time.perf_counter() - t0
    assert not problems, f"{page} at {width} px, {theme}: {len(problems)} problems:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("page", PAGES)
def test_sidebar_lists_the_chapters(html_dir, page):
    """Every page's chapters menu (the primary sidebar, which the ☰ button opens as a dialog on
    narrow screens) lists every chapter and appendix, in the built HTML itself."""
    text = (html_dir / f"{page}.html").read_text(encoding="utf-8")
    start = text.find('id="pst-primary-sidebar"')
    assert start >= 0, f"{page}: no primary sidebar"
    end = text.find("<main", start)
    nav = text[start : end if end > start else None]
    hrefs = re.findall(r'<a class="reference internal[^"]*" href="([^"]+)"', nav)
    missing = _missing(page, hrefs)
    assert not missing, f"{page}: the chapters menu does not list {missing}"


# --- Small things a reader notices (static checks of the built files) ---------------------------


def _search_index(html_dir) -> dict:
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def test_search_index_has_formulas_as_text(html_dir):
    index = _search_index(html_dir)
    tex_titles = [t for t in index["alltitles"] if "\\" in t]
    assert not tex_titles, f"search results would show raw TeX in titles: {tex_titles}"
    tex_words = {"frac", "mathbf", "mathcal", "mathrm", "operatorname", "lvert", "rvert", "qquad"}
    found = sorted(tex_words & set(index["terms"]))
    assert not found, f"TeX command names are search terms: {found}"
    assert (
        "σ(z)" in " ".join(index["alltitles"])
        or "σ" in index["terms"]
        or any("σ" in t for t in index["terms"])
    ), "formulas are no longer indexed as text (σ missing)"


def test_search_page_cleans_snippets(html_dir):
    page = (html_dir / "search.html").read_text(encoding="utf-8")
    assert "search-clean.js" in page, "search.html does not load search-clean.js"


def test_no_file_name_became_a_web_link(html_dir):
    for path in sorted(html_dir.glob("book/*.html")):
        text = path.read_text(encoding="utf-8")
        bad = [h for h in ("http://CONTRIBUTING.md", "http://README.md") if h in text]
        assert not bad, f"{path.name}: file names turned into web links: {bad}"


def test_status_page_has_no_emoji(html_dir):
    text = (html_dir / "book" / "status.html").read_text(encoding="utf-8")
    emoji = [c for c in ("✅", "❌") if c in text]
    assert not emoji, f"status page shows emoji the book ships no font for: {emoji}"
