"""pytest plugin: total time by kind of test, printed before pytest's summary line.

Loaded by `make test` (``-p pytest_phase_timing`` with ``scripts/`` on PYTHONPATH). Kinds:
nbval (the notebooks), html (checks of the built files), browser (every page in Chromium),
live (JupyterLab in Chromium, the Binder environment), other tests.
"""

from __future__ import annotations

_TIMES: dict[str, float] = {}
_FILES: dict[str, float] = {}


def _kind(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        return "nbval"
    if path.endswith("tests/book/test_devices.py"):
        return "browser"
    if "tests/live/" in path:
        return "live"
    if "tests/book/" in path:
        return "html"
    return "other tests"


def pytest_runtest_logreport(report):
    kind = _kind(report.nodeid)
    _TIMES[kind] = _TIMES.get(kind, 0.0) + report.duration
    path = report.nodeid.split("::", 1)[0]
    _FILES[path] = _FILES.get(path, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if _TIMES:
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(_TIMES.items()))
        terminalreporter.write_line(f"timing by kind: {parts}")
    slowest = sorted(_FILES.items(), key=lambda item: -item[1])[:15]
    if slowest:
        parts = ", ".join(f"{path} {t:.0f} s" for path, t in slowest)
        terminalreporter.write_line(f"timing, slowest files: {parts}")
