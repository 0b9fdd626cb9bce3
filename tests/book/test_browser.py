"""Every page of the book in headless Chromium, offline: math, widgets, no foreign requests.

Served from 127.0.0.1; any request to another host is blocked and fails the test. On chapter
pages every control must work without a kernel (moving a scrubber's slider changes the frame) or
be replaced by a static figure with a working "Run it live" Binder link.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bookutil import SCREENSHOTS, chapter_pages, toc_pages

PAGES = toc_pages()
CHAPTERS = chapter_pages()

# Interactive controls of ipywidgets as the HTML manager renders them.
CONTROLS = (
    ".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-radio, .widget-checkbox, "
    ".widget-text, .widget-textarea, .widget-button, .widget-play, .widget-select, "
    ".widget-toggle-button, .widget-colorpicker, .widget-datepicker"
)
KERNEL_FREE = ".nbcore-scrubber, .nbcore-kernel-free"

VISIBLE_TEXT_JS = """() => {
  const body = document.querySelector('main') || document.body;
  const clone = body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
       .forEach(e => e.remove());
  return clone.innerText;
}"""


@pytest.mark.parametrize("page", PAGES)
def test_page_in_browser(open_page, page):
    visit = open_page(page)
    pg = visit.page
    # 1. Nothing requested from another host, nothing missing locally, no console error.
    assert not visit.external, f"{page} tried to reach other hosts: {visit.external}"
    assert not visit.failed, f"{page}: failed local requests: {visit.failed}"
    assert not visit.console_errors, f"{page}: console errors: {visit.console_errors}"
    # 2. Math rendered by MathJax: every math element holds an mjx-container, no raw TeX left.
    n_math = pg.locator(".math").count()
    unrendered = pg.evaluate(
        "() => Array.from(document.querySelectorAll('.math'))"
        ".filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80))"
    )
    assert not unrendered, (
        f"{page}: {len(unrendered)} of {n_math} formulas not rendered: {unrendered[:5]}"
    )
    text = pg.evaluate(VISIBLE_TEXT_JS)
    for raw in ("$$", "\\(", "\\[", "\\frac", "\\begin{"):
        assert raw not in text, f"{page}: raw TeX {raw!r} visible in the page"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{Path(page).name}.png"))
    if page not in CHAPTERS:  # chapter pages are looked at again by the widget test
        open_page.close(page)


def test_chinese_terms_use_the_books_own_font(open_page):
    # The glossary's Chinese terms must not come out as empty boxes on a system without a CJK
    # font (this machine has none): the book serves Noto Sans SC itself, last in the font list.
    visit = open_page("book/glossary", fresh=True)
    faces = visit.page.evaluate(
        """async () => {
             await document.fonts.ready;
             return Array.from(document.fonts)
               .filter(f => f.family.replace(/["']/g, '') === 'Noto Sans SC'
                            && f.status === 'loaded').length;
           }"""
    )
    assert faces > 0, "glossary: no slice of the book's Noto Sans SC font was loaded"
    assert not visit.failed, f"glossary: failed local requests: {visit.failed}"
    open_page.close("book/glossary")


def _displayed(box) -> str:
    """What a kernel-free widget shows (visible images and HTML), apart from its controls."""
    return box.evaluate(
        """b => Array.from(b.querySelectorAll('img, .widget-html-content, .widget-label-basic'))
           .filter(e => e.offsetParent !== null
                        && !e.closest('.widget-slider, .widget-play, button, .widget-readout'))
           .map(e => e.getAttribute('src') || e.innerHTML).join('|')"""
    )


def _move_slider(pg, box):
    """Drag the first slider handle of ``box`` a third of the way to the right (or left)."""
    track = box.locator(".widget-slider .noUi-base").first
    handle = box.locator(".widget-slider .noUi-handle").first
    track.scroll_into_view_if_needed()
    tb = track.bounding_box()
    hb = handle.bounding_box()
    x0, y0 = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    x1 = x0 + tb["width"] / 3 if x0 < tb["x"] + tb["width"] / 2 else x0 - tb["width"] / 3
    pg.mouse.move(x0, y0)
    pg.mouse.down()
    pg.mouse.move(x1, y0, steps=8)
    pg.mouse.up()


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_widgets_work_or_fall_back(open_page, page):
    visit = open_page(page)
    pg = visit.page
    n_errors = len(visit.console_errors)
    # Every control belongs to a kernel-free widget: no dead controls.
    dead = pg.evaluate(
        f"""() => Array.from(document.querySelectorAll({CONTROLS!r}))
             .filter(e => !e.closest({KERNEL_FREE!r}))
             .map(e => e.className + ': ' + (e.innerText || '').slice(0, 40))"""
    )
    assert not dead, f"{page}: controls that need a kernel are shown in the HTML: {dead}"
    # Saved widget views that did not render (e.g. the widget manager failed to load).
    n_views = pg.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    n_rendered = pg.locator(".cell_output .jupyter-widgets").count()
    assert n_rendered >= n_views, f"{page}: {n_views} saved widgets, {n_rendered} rendered"
    # Kernel-free ipywidgets: moving the slider changes what is displayed. (The book's own
    # controls, .nbcore-kf, are tested by test_weight.py.)
    boxes = pg.locator(".nbcore-scrubber:not(.nbcore-kf), .nbcore-kernel-free:not(.nbcore-kf)")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        assert box.locator(".widget-slider").count() >= 1, f"{page}: widget {i} has no slider"
        before = _displayed(box)
        assert before, f"{page}: kernel-free widget {i} displays nothing"
        _move_slider(pg, box)
        after = _displayed(box)
        for _ in range(30):  # up to 3 s for the new frame to show
            if after and after != before:
                break
            pg.wait_for_timeout(100)
            after = _displayed(box)
        assert after and after != before, f"{page}: moving widget {i}'s slider changed nothing"
        visible_imgs = box.evaluate(
            "b => Array.from(b.querySelectorAll('img')).filter(e => e.offsetParent !== null)"
            ".every(e => e.complete && e.naturalWidth > 0)"
        )
        assert visible_imgs, f"{page}: widget {i} shows a broken image"
    new_errors = visit.console_errors[n_errors:]
    assert not new_errors, f"{page}: JavaScript errors while using the widgets: {new_errors}"
    # Live widgets: a static figure and this page's Binder link instead.
    stem = Path(page).name
    fallbacks = pg.locator(".nbcore-widget-fallback")
    for i in range(fallbacks.count()):
        fb = fallbacks.nth(i)
        fb.scroll_into_view_if_needed()  # the book's images load lazily (loading="lazy")
        loaded = (
            "f => Array.from(f.querySelectorAll('img')).length > 0 && "
            "Array.from(f.querySelectorAll('img')).every(e => e.complete && e.naturalWidth > 0)"
        )
        ok = fb.evaluate(loaded)
        for _ in range(50):  # up to 5 s for a lazy image to arrive
            if ok:
                break
            pg.wait_for_timeout(100)
            ok = fb.evaluate(loaded)
        assert ok, f"{page}: fallback {i} has no (loaded) figure"
        link = fb.locator("a.nbcore-run-live")
        assert link.count() == 1, f"{page}: fallback {i} has no 'Run it live' link"
        href = link.get_attribute("href")
        launch = pg.locator(f'a[href$="lab/tree/book/{stem}.ipynb"]').first
        assert launch.count() == 1, f"{page}: no Binder launch button to compare with"
        assert href == launch.get_attribute("href"), f"{page}: fallback link {href} is wrong"
        assert link.is_visible(), f"{page}: fallback {i}'s link is hidden"
    # The output of a live-widget cell is removed from the HTML (tag remove-output).
    live_outputs = pg.locator(".cell.tag_live-widget .cell_output").count()
    assert live_outputs == 0, f"{page}: a live-widget cell kept its output (tag remove-output)"
    open_page.close(page)
