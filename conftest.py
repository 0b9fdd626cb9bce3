"""Root pytest configuration: the order in which test files run.

``make test`` runs pytest in two worker processes, one test file at a time each (pytest-xdist,
``--dist loadfile --no-loadscope-reorder``: without the last option xdist sends the files with
the most tests first, whatever this order), in the order files are collected. The longest files
go first, one to each worker, and the many short ones fill in after them; collected in directory
order instead, the two longest started half-way and ran alone at the end. The order of the tests
within a file (a notebook's cells) is kept.
"""

from __future__ import annotations

# The slowest files, slowest first (seconds in a full run on 2 cores: about 300 each).
SLOW_FIRST = (
    "tests/book/test_devices.py",
    "tests/live/test_live_widgets.py",
)


def pytest_collection_modifyitems(session, config, items):
    rank = {path: i for i, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
