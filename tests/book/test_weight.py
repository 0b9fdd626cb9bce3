"""Light pages: the byte budget, and kernel-free controls that work.

In Chromium at 1280 px, served from 127.0.0.1 with nothing able to leave the machine:

- the byte budget of issue 18: with an empty cache, a chapter page transfers at most 1.5 MB more
  than the intro page (measured by ``benchmarks/pages.py``'s :func:`measure`, which
  ``make bench`` also uses for the throttled render times on the Benchmarks page);
- every kernel-free control (a range input over frames, ``book/_assets/scrubber.js``) changes
  the page when moved with the keyboard or by setting its value, announces its value
  (``aria-valuetext``) and has a label; the pages load no ipywidgets machinery.

Sharp images (at least 1.5 image pixels per CSS pixel) are checked by test_devices.py, on every
page at every width.
"""

from __future__ import annotations

import importlib.util

import pytest
from bookutil import ROOT, chapter_pages

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the browser fixture skips (or fails on CI) with the reason
    PlaywrightTimeout = Exception

CHAPTERS = chapter_pages()


def _pages_module():
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "benchmarks" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PAGES = _pages_module()


@pytest.fixture(scope="module")
def weights(browser, server):
    """Bytes and requests of the intro page and of every chapter (each with an empty cache)."""
    cache = {}

    def get(page):
        if page not in cache:
            cache[page] = PAGES.measure(browser, f"{server}/{page}.html")
        return cache[page]

    return get


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_page_weight_budget(weights, page):
    intro, chapter = weights("book/intro"), weights(page)
    extra = chapter["bytes"] - intro["bytes"]
    assert extra <= PAGES.EXTRA_BYTES_BUDGET, (
        f"{page} transfers {chapter['bytes'] / 1e6:.2f} MB in {chapter['requests']} requests, "
        f"{extra / 1e6:.2f} MB more than the intro page ({intro['bytes'] / 1e6:.2f} MB); "
        f"budget {PAGES.EXTRA_BYTES_BUDGET / 1e6:.1f} MB. By type: {chapter['by_type']}"
    )


def _visible_frame(box):
    return box.evaluate(
        """b => Array.from(b.querySelectorAll('.nbcore-kf-frame, .nbcore-kf-readout'))
             .filter(e => e.offsetParent !== null)
             .map(e => e.getAttribute('src') || e.innerHTML).join('|')"""
    )


@pytest.mark.parametrize("page", CHAPTERS)
def test_kernel_free_controls_change_the_page(open_page, page):
    visit = open_page(page, fresh=True)
    pg = visit.page
    n_errors = len(visit.console_errors)
    # No ipywidgets machinery on a page whose controls are the book's own.
    widget_scripts = pg.evaluate(
        """() => Array.from(document.scripts).map(s => s.src || s.type)
             .filter(s => /embed-amd|require\\.js|widget-state/.test(s))"""
    )
    n_views = pg.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if not n_views:
        assert not widget_scripts, (
            f"{page}: loads widget machinery it does not use: {widget_scripts}"
        )
    boxes = pg.locator(".nbcore-kf")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        rng = box.locator("input[type=range]")
        assert rng.count() == 1, f"{page}: control {i} has {rng.count()} range inputs"
        name = rng.evaluate("e => e.labels.length ? e.labels[0].innerText.trim() : ''")
        assert name, f"{page}: control {i}'s slider has no label"
        shown = box.evaluate(
            "b => Array.from(b.querySelectorAll('.nbcore-kf-frame'))"
            ".filter(e => e.offsetParent !== null)"
        )
        assert len(shown) == 1, f"{page}: control {i} shows {len(shown)} frames at once"
        lo, hi, v0 = (int(rng.get_attribute(a)) for a in ("min", "max", "value"))
        width = rng.bounding_box()["width"]
        assert width / max(hi - lo, 1) >= 12, (
            f"{page}: control {i}'s slider is {width:.0f} px for {hi - lo} steps (too short to aim)"
        )
        before, text0 = _visible_frame(box), rng.get_attribute("aria-valuetext")
        assert before, f"{page}: control {i} shows nothing"
        rng.scroll_into_view_if_needed()
        rng.focus()
        key = "ArrowLeft" if v0 == hi else "ArrowRight"
        pg.keyboard.press(key)
        after, text1 = _visible_frame(box), rng.get_attribute("aria-valuetext")
        assert after and after != before, f"{page}: moving control {i} by keyboard changed nothing"
        assert text1 != text0 and text1.startswith(name.split()[0]), (
            f"{page}: control {i} announces {text1!r} (was {text0!r}); expected '<name> = <value>'"
        )
        # The newly shown frame (a lazily loaded data: URI) may still be decoding on a busy
        # machine: wait for it, a broken image never gets there.
        try:
            pg.wait_for_function(
                "b => Array.from(b.querySelectorAll('.nbcore-kf-frame'))"
                ".filter(e => e.offsetParent !== null)"
                ".every(e => e.complete && e.naturalWidth > 0)",
                arg=box.element_handle(),
                timeout=10_000,
            )
        except PlaywrightTimeout:
            pytest.fail(f"{page}: control {i} shows a broken image")
        play = box.locator("button.nbcore-kf-play")
        if play.count():
            assert play.get_attribute("aria-label") == "Play"
            play.click()
            assert play.get_attribute("aria-label") == "Pause"
            pg.wait_for_timeout(int(box.get_attribute("data-interval")) + 400)
            assert rng.get_attribute("aria-valuetext") != text1, f"{page}: Play does not advance"
            play.click()
            assert play.get_attribute("aria-label") == "Play"
            n_icons = play.evaluate("b => b.querySelectorAll('.nbcore-kf-icon').length")
            assert n_icons == 1, f"{page}: the Play button shows {n_icons} icons"
    new_errors = visit.console_errors[n_errors:]
    assert not new_errors, f"{page}: JavaScript errors while using the controls: {new_errors}"
    assert not visit.external, f"{page}: requests to other hosts: {visit.external}"
    open_page.close(page)
