"""Interactive widgets of the book, one module per chapter, re-exported here.

Two kinds (see CONTRIBUTING.md): kernel-free widgets built with
:func:`frame_scrubber` work in the static HTML book too; live widgets need a kernel and are
replaced in the HTML book by :func:`static_fallback` (a figure of the default state and a
"Run it live" Binder link). ipywidgets and matplotlib are imported only when a widget is built.
"""

from nbcore.widgets._html import (
    BINDER_HUB,
    BRANCH,
    REPOSITORY,
    binder_url,
    figure_to_png,
    frame_scrubber,
    static_fallback,
)

# Chapter modules add their re-exports below, one line each, e.g.
# from nbcore.widgets.ch01 import neuron_explorer

__all__ = [
    "BINDER_HUB",
    "BRANCH",
    "REPOSITORY",
    "binder_url",
    "figure_to_png",
    "frame_scrubber",
    "static_fallback",
]
