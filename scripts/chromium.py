"""Debian's Chromium as the book's tools launch it (PDF, benchmarks, browser tests), offline.

Imported by scripts/make_pdf.py, benchmarks/pages.py and tests/book/bookutil.py (each puts
``scripts/`` on ``sys.path``). Never ``playwright install``: Playwright drives this binary.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Only 127.0.0.1 resolves: nothing can leave the machine even if a page tries.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
