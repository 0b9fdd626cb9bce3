"""Shared helpers of the built-HTML tests: paths, the toc, the config, skip-or-fail."""

from __future__ import annotations

import os
import socket
import sys
import time
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The built book; NBV_BOOK_HTML points the tests at another build (e.g. one made with
# `jupyter-book build . --path-output /tmp/x`, whose HTML is /tmp/x/_build/html).
HTML = Path(os.environ.get("NBV_BOOK_HTML") or ROOT / "_build" / "html").resolve()
VENDOR = ROOT / "book" / "_assets" / "vendor"
sys.path.insert(0, str(ROOT / "scripts"))
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402, F401  (scripts/chromium.py)

ON_CI = os.environ.get("CI", "").lower() == "true"
SCREENSHOTS = ROOT / "_build" / "screenshots"


def skip_or_fail(reason: str):
    """Skip locally; fail on CI, where every test must really run."""
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


def wait_for_pdf(timeout_s: float = 900) -> None:
    """``make test`` prints the PDF (scripts/make_pdf.py) while pytest runs, and names in
    NBV_PDF_STATUS the file that receives its exit status: wait for it (the tests that read the
    PDF run after the two longest files, by when it is done). Nothing to wait for without it."""
    status = os.environ.get("NBV_PDF_STATUS")
    if not status:
        return
    path, t0 = Path(status), time.monotonic()
    while not path.exists():
        if time.monotonic() - t0 > timeout_s:
            pytest.fail(f"make_pdf did not finish within {timeout_s:.0f} s ({path} missing)")
        time.sleep(1)
    code = path.read_text(encoding="utf-8").strip()
    if code != "0":
        pytest.fail(f"make_pdf failed (exit status {code}): see {path.with_suffix('.log')}")


def toc_pages() -> list[str]:
    """Every page of the table of contents, as paths without suffix, in toc order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def chapter_pages() -> list[str]:
    """The toc pages that are notebooks (the chapters)."""
    return [p for p in toc_pages() if (ROOT / f"{p}.ipynb").exists()]


def book_config() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@cache
def soup(path: Path):
    """The built page at ``path``, parsed by BeautifulSoup (cached; conftest.py drops the cache
    after each test file)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
