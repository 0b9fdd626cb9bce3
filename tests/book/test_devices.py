"""Every page on a phone (390 px), a tablet (800 px) and a desktop (1280 px), light and dark.

For each page of the book (intro, chapters, appendices, and Sphinx's index and search pages), in
one Chromium, offline:

- the chapters menu opens (the visible ☰ button), lists every chapter and appendix and closes
  again; the contents panel does the same where its button is shown (at each width in light
  mode, and at 390 px in dark mode too);
- no page is wider than the window, and nothing is clipped: no element sticks out of a box that
  cuts it off (a wide equation, table or printed output must scroll inside its own box instead);
- no image is drawn at less than 1.5 device pixels per CSS pixel (crisp on 2x screens);
- every kernel-free control (``.nbcore-kf``) changes what the page shows when moved;
- axe-core (fetched by scripts/fetch_assets.sh) finds no serious or critical violation, in both
  themes;
- no console error, and no request leaves the machine.

Speed: each page is loaded once; the three widths are set by resizing the window and the theme by
the ``data-theme`` attribute pydata-sphinx-theme reads (the page is not reloaded). axe-core runs
last, at 390 px: all its WCAG 2.1 A/AA and best-practice rules in light mode, and the contrast
rule again in dark mode.
"""

from __future__ import annotations

import json
import os
import time
from urllib.parse import urlparse

import pytest
from bookutil import HTML, ROOT, VENDOR, toc_pages

PAGES = [*toc_pages(), "genindex", "py-modindex", "search"]
WIDTHS = (390, 800, 1280)
THEMES = ("light", "dark")
AXE = VENDOR / "axe-core" / "axe.min.js"
TIMES: dict[str, float] = {}

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

MENU_STATE_JS = """() => {
  const shown = a => a.getClientRects().length && a.getBoundingClientRect().width > 0
                     && getComputedStyle(a).visibility !== 'hidden';
  const where = document.querySelector('#pst-primary-sidebar-modal[open]')
             || document.querySelector('#pst-primary-sidebar');
  const links = where ? Array.from(where.querySelectorAll('a.reference.internal')).filter(shown)
                      : [];
  return {
    primaryDialog: !!document.querySelector('#pst-primary-sidebar-modal[open]'),
    secondaryDialog: !!document.querySelector('#pst-secondary-sidebar-modal[open]'),
    secondaryLinks: Array.from(document.querySelectorAll(
      '#pst-secondary-sidebar-modal[open] a')).filter(shown).length,
    chapters: links.map(a => a.getAttribute('href').split('#')[0].replace(/^(\\.\\.\\/)+/, '')
                              .replace(/^book\\//, '')),
    sidebarHidden: !!document.querySelector('#pst-primary-sidebar.pst-sidebar-hidden'),
  };
}"""


def _visible(locator) -> bool:
    return locator.count() > 0 and locator.first.is_visible()


@pytest.fixture(scope="module")
def device_page(browser, server):
    """One browser tab for the whole matrix, with what it reported while loading each page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(120_000)  # a loaded 2-core machine can take a while for a chapter
    log = {"external": [], "console": []}
    page.on(
        "request",
        lambda r: (
            log["external"].append(r.url)
            if r.url.startswith(("http:", "https:", "ws:", "wss:"))
            and urlparse(r.url).hostname != "127.0.0.1"
            else None
        ),
    )
    page.on("console", lambda m: log["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["console"].append(f"page error: {e}"))
    yield page, log
    context.close()
    if TIMES:
        total = sum(TIMES.values())
        slow = sorted(TIMES.items(), key=lambda kv: -kv[1])[:3]
        print(f"\ndevice matrix: {len(TIMES)} pages in {total:.0f} s; slowest {slow}")


def _menu_stems() -> list[str]:
    """The entries the chapters menu must list: the toc's chapters and appendices (not their
    sub-pages, which the menu shows folded)."""
    toc = book_config_toc()
    return [
        entry["file"].split("/")[-1]
        for part in toc.get("parts", [])
        for entry in part.get("chapters", [])
        if "file" in entry
    ]


def book_config_toc() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def _check_menu(pg, width) -> list[str]:
    problems = []
    toggle = pg.locator(".bd-header-article .primary-toggle")
    if not _visible(toggle):
        return [f"{width}px: no visible chapters (☰) button"]
    state = pg.evaluate(MENU_STATE_JS)
    if width >= 992:
        # Wide: the chapters are in the sidebar; the button folds it away and back.
        listed = state["chapters"]
        toggle.first.click()
        pg.wait_for_timeout(50)
        folded = pg.evaluate(MENU_STATE_JS)
        toggle.first.click()
        pg.wait_for_timeout(50)
        back = pg.evaluate(MENU_STATE_JS)
        if not folded["sidebarHidden"] or back["sidebarHidden"]:
            problems.append(f"{width}px: the ☰ button does not fold and unfold the sidebar")
    else:
        if state["primaryDialog"]:
            problems.append(f"{width}px: the chapters menu is open before any click")
        toggle.first.click()
        try:
            pg.wait_for_selector("#pst-primary-sidebar-modal[open]", timeout=2000)
        except Exception:  # noqa: BLE001 - reported below
            return [f"{width}px: the ☰ button does not open the chapters menu"]
        listed = pg.evaluate(MENU_STATE_JS)["chapters"]
        pg.keyboard.press("Escape")
        pg.wait_for_timeout(50)
        if pg.evaluate(MENU_STATE_JS)["primaryDialog"]:
            problems.append(f"{width}px: Escape does not close the chapters menu")
    here = pg.url.split("/")[-1].split(".")[0]
    missing = [s for s in _menu_stems() if s != here and not any(f"{s}.html" in h for h in listed)]
    if missing:
        problems.append(f"{width}px: the chapters menu does not list {missing}")
    contents = pg.locator(".bd-header-article .secondary-toggle")
    if _visible(contents):
        contents.first.click()
        try:
            pg.wait_for_selector("#pst-secondary-sidebar-modal[open]", timeout=2000)
        except Exception:  # noqa: BLE001
            return [*problems, f"{width}px: the contents button does not open the contents"]
        if pg.evaluate(MENU_STATE_JS)["secondaryLinks"] == 0:
            problems.append(f"{width}px: the contents panel opens empty")
        pg.keyboard.press("Escape")
        pg.wait_for_timeout(50)
        if pg.evaluate(MENU_STATE_JS)["secondaryDialog"]:
            problems.append(f"{width}px: Escape does not close the contents panel")
    return problems


def _check_controls(pg, width) -> list[str]:
    problems = []
    ranges = pg.locator(".nbcore-kf input[type=range]")
    for i in range(ranges.count()):
        rng = ranges.nth(i)
        if not rng.is_visible():
            continue
        before = rng.evaluate(SHOWN_JS)
        rng.scroll_into_view_if_needed()
        rng.focus()
        rng.press("End" if rng.evaluate("r => +r.value <= +r.min") else "Home")
        after = rng.evaluate(SHOWN_JS)
        if not before or after == before:
            problems.append(f"{width}px: kernel-free control {i} does not change the page")
        rng.press("Home")
    return problems


def _axe(pg, rules: str) -> list[str]:
    """Serious and critical axe-core violations: ``rules`` is "all but contrast" or "contrast".

    Code blocks are left out of the contrast check (their colours are pydata-sphinx-theme's
    accessible Pygments styles, a-11y-high-contrast light/dark) and so is MathJax's rendering,
    which is aria-hidden (screen readers read its MathML copy): the caller removes it first,
    it is most of a chapter's DOM and made axe several times slower.
    """
    if not pg.evaluate("() => typeof window.axe !== 'undefined'"):
        pg.add_script_tag(path=str(AXE))
    contrast = rules == "contrast"
    result = pg.evaluate(
        """async contrast => {
             const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
             const r = await axe.run(
               contrast ? {include: [['body']], exclude: [['.highlight']]} : document,
               contrast ? {resultTypes: ['violations'],
                           runOnly: {type: 'rule', values: ['color-contrast']}}
                        : {resultTypes: ['violations'], runOnly: {type: 'tag', values: tags},
                           rules: {'color-contrast': {enabled: false}}});
             return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
               .map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,
                           nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' '
                             + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
           }""",
        contrast,
    )
    return [f"axe {v['impact']} {v['id']} x{v['n']}: {json.dumps(v['nodes'])}" for v in result]


def _set_theme(pg, theme):
    pg.evaluate(
        "t => { document.documentElement.dataset.theme = t; document.documentElement.dataset.mode"
        " = t; }",
        theme,
    )


@pytest.mark.parametrize("page", PAGES)
def test_page_on_every_device(device_page, server, page):
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run scripts/fetch_assets.sh")
    if not (HTML / f"{page}.html").exists():
        pytest.fail(f"{page}.html is not in the build {HTML}")
    pg, log = device_page
    log["external"].clear()
    log["console"].clear()
    t0 = time.perf_counter()
    pg.set_viewport_size({"width": 1280, "height": 900})
    pg.goto(f"{server}/{page}.html", wait_until="load")
    if pg.locator('script[src*="mathjax"]').count():
        pg.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        pg.evaluate("async () => { await MathJax.startup.promise; }")
    pg.evaluate("async () => { await document.fonts.ready; }")
    problems: list[str] = []
    phases = {"load": time.perf_counter() - t0, "layout": 0.0, "menu": 0.0, "axe": 0.0}
    for width in (1280, 800, 390):
        pg.set_viewport_size({"width": width, "height": 900})
        pg.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        for theme in THEMES:
            _set_theme(pg, theme)
            where = f"{width}px {theme}"
            t = time.perf_counter()
            layout = pg.evaluate(CLIPPED_JS)
            phases["layout"] += time.perf_counter() - t
            if layout["pageWidth"] > layout["window"] + 1:
                problems.append(f"{where}: page is {layout['pageWidth']} px wide")
            problems += [f"{where}: {c}" for c in layout["clipped"][:10]]
            if len(layout["clipped"]) > 10:
                problems.append(f"{where}: ... {len(layout['clipped'])} clipped in all")
            t = time.perf_counter()
            if theme == "light" or width == 390:  # the menus' code does not depend on the theme
                problems += [f"{theme} {p}" for p in _check_menu(pg, width)]
            phases["menu"] += time.perf_counter() - t
            if theme == "light":
                problems += [f"{where}: blurry image {b}" for b in pg.evaluate(BLURRY_JS)]
                problems += _check_controls(pg, width)
    # axe-core last, at 390 px: the formulas' rendering is removed first (see _axe).
    t = time.perf_counter()
    pg.evaluate(
        "() => document.querySelectorAll('mjx-container > mjx-math').forEach(e => e.remove())"
    )
    for theme in THEMES:
        _set_theme(pg, theme)
        if theme == "light":
            problems += [f"390px: {v}" for v in _axe(pg, "all but contrast")]
        problems += [f"390px {theme}: {v}" for v in _axe(pg, "contrast")]
    phases["axe"] += time.perf_counter() - t
    _set_theme(pg, "light")
    problems += [f"console error: {e}" for e in log["console"]]
    problems += [f"request to another host: {u}" for u in log["external"]]
    TIMES[page] = time.perf_counter() - t0
    if os.environ.get("NBV_DEVICES_TIMING"):
        print(page, {k: round(v, 1) for k, v in phases.items()}, round(TIMES[page], 1))
    assert not problems, f"{page}: {len(problems)} problems:\n" + "\n".join(problems)


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
