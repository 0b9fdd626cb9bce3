"""Fixtures for the tests of the built HTML book (run `make book` first; `make test` does).

The HTML is served by ``python -m http.server --bind 127.0.0.1`` on a free port and opened in
Debian's Chromium through Playwright. Every request to a host other than 127.0.0.1 is blocked and
recorded, so a test can fail when a page tries one. Without the built book, Chromium or
Playwright these tests are skipped with the reason, except when ``CI=true``: there they fail.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bookutil import CHROMIUM, CHROMIUM_ARGS, HTML, free_port, skip_or_fail


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML / "index.html").exists():
        skip_or_fail(f"the book is not built ({HTML} is missing): run `make book` first")
    return HTML


@pytest.fixture(scope="module")
def server(html_dir):
    """Base URL of the built book served on 127.0.0.1."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        cwd=html_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/index.html", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("http.server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing (make test installs it with apt-get as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (it is in requirements-dev.txt)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class PageVisit:
    """One opened page with everything the browser reported while loading it."""

    def __init__(self, page, url):
        self.page = page
        self.url = url
        self.external: list[str] = []  # blocked requests to other hosts
        self.console_errors: list[str] = []
        self.failed: list[str] = []  # local responses >= 400 or failed requests


@pytest.fixture(scope="module")
def open_page(browser, server):
    """``open_page("book/01_neuron")`` loads that page and waits for MathJax and widgets.

    Module-scoped like the browser, so that Playwright's sync API (which runs an asyncio loop)
    is stopped before other test modules start their own. A page is loaded once and kept open
    (the chapter tests look at the same page twice); ``open_page(path, fresh=True)`` loads it
    again, ``open_page.close(path)`` closes it
    (an open page keeps using CPU: close it when done).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    cache: dict[str, PageVisit] = {}

    def _open(page_path: str, fresh: bool = False) -> PageVisit:
        if page_path in cache and not fresh:
            return cache[page_path]
        if page_path in cache:
            cache.pop(page_path).page.close()
        page = context.new_page()
        visit = PageVisit(page, f"{server}/{page_path}.html")

        # Requests to other hosts cannot leave the browser (--host-resolver-rules, see
        # CHROMIUM_ARGS) and are recorded here. (Playwright's page.route would do the same but
        # disables the HTTP cache, which makes every page load all of MathJax again.)
        page.on(
            "request",
            lambda r: (
                visit.external.append(r.url)
                if r.url.startswith(("http:", "https:", "ws:", "wss:"))
                and urlparse(r.url).hostname != "127.0.0.1"
                else None
            ),
        )
        page.on(
            "console",
            lambda m: visit.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: visit.console_errors.append(f"page error: {e}"))
        page.on(
            "response",
            lambda r: visit.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "requestfailed",
            lambda r: (
                None
                if urlparse(r.url).hostname != "127.0.0.1"
                else visit.failed.append(f"failed {r.url}")
            ),
        )
        page.goto(visit.url, wait_until="load")
        # MathJax 3 (deferred) typesets asynchronously; wait for it when the page loads it.
        if page.locator('script[src*="mathjax"]').count():
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            )
            page.evaluate("async () => { await MathJax.startup.promise; }")
        # Saved widgets are rendered by the HTML manager after the page loaded.
        n_views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if n_views:
            page.wait_for_function(
                "n => document.querySelectorAll('.cell_output .jupyter-widgets').length >= n",
                arg=n_views,
                timeout=30_000,
            )
        page.evaluate("async () => { await document.fonts.ready; }")
        page.wait_for_timeout(200)
        cache[page_path] = visit
        return visit

    def _close(page_path: str) -> None:
        if page_path in cache:
            cache.pop(page_path).page.close()

    _open.close = _close
    yield _open
    context.close()
