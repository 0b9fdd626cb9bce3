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

import pytest
from bookutil import CHROMIUM, CHROMIUM_ARGS, HTML, free_port, skip_or_fail, soup


@pytest.fixture(scope="module", autouse=True)
def _free_parsed_pages():
    """The parsed pages are millions of objects: dropped once this file is done, so that the
    worker's later garbage collections (and the one at exit) do not walk them. (At exit one
    took more than the 5 s pytest-xdist gives a worker to stop, which then sent it SIGINT.)"""
    yield
    soup.cache_clear()


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
