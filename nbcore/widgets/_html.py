"""Widgets that still work in the static HTML book, and fallbacks for those that cannot.

A saved ipywidgets control in a static page has no Python kernel behind it: an ``interact``
callback never runs there, so a slider would move and nothing would happen. The book never shows
such a dead control. Every chapter widget is one of two kinds:

1. **Kernel-free** (:func:`frame_scrubber`): every state the reader can choose is computed in
   advance, drawn once, and stored as a PNG frame in an ``ipywidgets.Stack``. The slider is linked
   to the stack *in the browser* (``jslink``), so moving it shows another frame in Jupyter and in
   the static HTML page alike.
2. **Live** (anything with several free controls, e.g. a training playground): it needs a kernel.
   Its cell carries the tags ``remove-output`` (the HTML book drops the dead control) and
   ``live-widget``; the next cell, tagged ``remove-input`` and ``widget-fallback``, calls
   :func:`static_fallback` with a figure of the default state, which shows that figure and a
   "Run it live" link that opens the same notebook on Binder.

Introduced in chapter 1 (The neuron); the recipe is in CONTRIBUTING.md.
"""

from __future__ import annotations

import base64
import functools
import html
import io
from collections.abc import Callable, Sequence
from typing import Any

#: GitHub repository and branch that Binder builds (keep in sync with ``_config.yml``).
REPOSITORY = "nn-verified/neural-networks-verified"
BRANCH = "main"
BINDER_HUB = "https://mybinder.org"

__all__ = [
    "BINDER_HUB",
    "BRANCH",
    "REPOSITORY",
    "binder_url",
    "figure_to_png",
    "frame_scrubber",
    "static_fallback",
]


def binder_url(notebook: str) -> str:
    """The Binder address that opens ``book/<notebook>`` in JupyterLab.

    Parameters
    ----------
    notebook : str
        File name of the chapter, e.g. ``"01_neuron.ipynb"`` (a leading ``book/`` is accepted).

    Returns
    -------
    str
        The same address as the book's "launch Binder" button for that page.

    Examples
    --------
    >>> binder_url("01_neuron.ipynb")
    'https://mybinder.org/v2/gh/nn-verified/neural-networks-verified/main?urlpath=lab/tree/book/01_neuron.ipynb'
    """
    if not isinstance(notebook, str):
        raise TypeError(f"binder_url: expected notebook as str, got {type(notebook).__name__}")
    name = notebook.removeprefix("book/")
    if not name.endswith(".ipynb") or "/" in name:
        raise ValueError(
            f"binder_url: expected a chapter file name like '01_neuron.ipynb', got {notebook!r}"
        )
    return f"{BINDER_HUB}/v2/gh/{REPOSITORY}/{BRANCH}?urlpath=lab/tree/book/{name}"


def figure_to_png(fig: Any, *, dpi: int = 72, close: bool = True) -> bytes:
    """Render a matplotlib figure to PNG bytes (no timestamp metadata, so the bytes repeat).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to draw.
    dpi : int, default 72
        Resolution. Frames of a scrubber are small: 72 dpi keeps a 5x3.5 inch frame near 20 kB.
    close : bool, default True
        Close the figure afterwards, so that Jupyter does not display it a second time.
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"figure_to_png: expected a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(dpi, int) or dpi <= 0:
        raise ValueError(f"figure_to_png: expected dpi a positive int, got {dpi!r}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    if close:
        plt.close(fig)
    return buf.getvalue()


def widget_box(children, describe):
    """An ``ipywidgets.VBox`` of ``children`` whose repr is ``describe()``.

    A notebook records a widget's repr as its text output, and nbval compares that text; the
    default repr lists every child's state (PNG bytes included), so each widget of the book
    passes a short, stable description, e.g. ``lambda: f"PlaygroundWidget({pg!r})"``.
    """
    box = _widget_box_class()(children)
    box.describe = describe
    return box


@functools.cache
def _widget_box_class():
    """The class, built on first use so that ``import nbcore`` never needs ipywidgets."""
    import ipywidgets as widgets

    class WidgetBox(widgets.VBox):
        def __repr__(self) -> str:
            return self.describe()

    return WidgetBox


def frame_scrubber(
    render: Callable[[Any], Any],
    values: Sequence[Any],
    description: str,
    *,
    start: Any = None,
    fmt: str = "{}",
    dpi: int = 72,
    readout: bool = True,
    width: str | None = None,
):
    """A slider over precomputed figures that works in Jupyter and in the static HTML book.

    ``render(value)`` is called once per value and must return a matplotlib Figure; each figure
    becomes a PNG frame of an ``ipywidgets.Stack``. A ``SelectionSlider`` whose labels are the
    values is linked to the stack's ``selected_index`` in the browser (``jslink``), so no Python
    runs when the reader moves it: the saved widget state in the HTML page is enough.

    Parameters
    ----------
    render : callable
        ``render(value) -> matplotlib.figure.Figure``. Keep figures small (about 5x3.5 inches).
    values : sequence
        The states the reader can choose, in slider order (2 to 61 of them; about 21 is plenty).
    description : str
        Slider label, e.g. ``"w"``.
    start : optional
        The value shown first (default: the middle one). Must be one of ``values``.
    fmt : str, default "{}"
        Format of the slider labels, e.g. ``"{:.1f}"``.
    dpi : int, default 72
        Frame resolution; frames are stored in the notebook, keep them small.
    readout : bool, default True
        Show the current label next to the slider.
    width : str, optional
        CSS width of the frames (e.g. ``"420px"``); default: the PNG's own size.

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames. Display it as the last expression of a cell.

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> def render(w):
    ...     fig, ax = plt.subplots(figsize=(4, 3))
    ...     x = np.linspace(-5, 5, 101)
    ...     ax.plot(x, 1 / (1 + np.exp(-w * x)))
    ...     return fig
    >>> frame_scrubber(render, [0.5, 1.0, 2.0], "w", fmt="{:.1f}")
    FrameScrubber(description='w', frames=3)
    """
    import ipywidgets as widgets

    if not callable(render):
        raise TypeError(
            f"frame_scrubber: expected render to be callable, got {type(render).__name__}"
        )
    values = list(values)
    if not 2 <= len(values) <= 61:
        raise ValueError(
            f"frame_scrubber: expected between 2 and 61 values, got {len(values)} "
            "(every value is a stored PNG frame; keep the notebook small)"
        )
    if not isinstance(description, str):
        raise TypeError(
            f"frame_scrubber: expected description as str, got {type(description).__name__}"
        )
    if start is None:
        start_index = len(values) // 2
    else:
        matches = [i for i, v in enumerate(values) if v == start]
        if not matches:
            raise ValueError(f"frame_scrubber: expected start to be one of values, got {start!r}")
        start_index = matches[0]

    layout = widgets.Layout(width=width) if width else widgets.Layout()
    frames = []
    for v in values:
        png = figure_to_png(render(v), dpi=dpi)
        frames.append(widgets.Image(value=png, format="png", layout=layout))
    labels = [fmt.format(v) for v in values]
    if len(set(labels)) != len(labels):
        raise ValueError(f"frame_scrubber: fmt {fmt!r} makes equal labels: {labels}")

    stack = widgets.Stack(frames, selected_index=start_index)
    slider = widgets.SelectionSlider(
        options=list(zip(labels, range(len(values)), strict=True)),
        value=start_index,
        description=description,
        readout=readout,
        continuous_update=True,
        layout=widgets.Layout(width="min(100%, 520px)"),
        style={"description_width": "initial"},
    )
    # Linked in the browser: works with no kernel, in the saved HTML page too.
    link = widgets.jslink((slider, "index"), (stack, "selected_index"))
    n = len(values)
    box = widget_box([slider, stack], lambda: f"FrameScrubber({description=!r}, frames={n})")
    box.add_class("nbcore-scrubber")
    box._nb_link = link  # keep a reference next to the widgets it links
    return box


def static_fallback(
    fig: Any,
    notebook: str,
    *,
    what: str = "The interactive widget above",
    dpi: int = 80,
):
    """Show a static figure of a live widget's default state and a "Run it live" Binder link.

    Used in the cell right after a live widget (tags ``remove-input``, ``widget-fallback``; the
    widget cell itself has ``remove-output``, ``live-widget``), so readers of the HTML book see
    a figure and a working link instead of a control that does nothing.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure of the widget's default state (it is closed afterwards).
    notebook : str
        The chapter's file name, e.g. ``"01_neuron.ipynb"``, for the Binder link.
    what : str
        How the note names the widget.
    dpi : int, default 80
        Resolution of the static figure.

    Returns
    -------
    IPython.display.HTML
        One block with the figure and the link (display it as the last expression of the cell).
    """
    from IPython.display import HTML

    url = binder_url(notebook)
    png = base64.b64encode(figure_to_png(fig, dpi=dpi)).decode("ascii")
    alt = html.escape(f"{what}: static picture of its default state")
    return HTML(
        '<div class="nbcore-widget-fallback">'
        f'<img src="data:image/png;base64,{png}" alt="{alt}"/>'
        f'<p class="nbcore-fallback-note">{html.escape(what)} needs a running Python kernel. '
        "This is a picture of its default state. "
        f'<a class="nbcore-run-live" href="{html.escape(url)}" target="_blank" rel="noopener">'
        "&#9654; Run it live on Binder</a> (or open the notebook in your own Jupyter).</p>"
        "</div>"
    )


class _Blitter:
    """Fast PNGs of a figure in which only a few artists change (the live widgets' path).

    ``layers`` lists the changing artists, from the rarely changing to the often changing ones
    (e.g. ``[curves_and_y_axes, marks_at_z]``). The first call draws the figure once without
    them (the background) and keeps that picture, then draws each layer in turn, keeping the
    picture after each one but the last. A later call restores the newest picture still valid and
    draws only the layers after it, in the order a full draw would use; the Agg buffer is encoded
    by PIL (RGB, zlib level 3: fast, and no timestamp metadata). Call ``invalidate(k)`` after
    layer ``k`` changed in a way the later layers do not cover (the last layer is always redrawn);
    a new dpi or renderer redraws everything.

    The result is the same picture as ``figure_to_png(fig, dpi=dpi)`` (pixel for pixel)
    as long as no artist left in a background is drawn after, and over, a layer's artist: list
    such artists (axis lines, spines, legends) in that layer too.
    """

    def __init__(self, fig, layers):
        from matplotlib.axes import Axes
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        # The order of a full draw: figure children by zorder, each Axes' children by zorder.
        order = []
        for a in sorted(fig.get_children(), key=lambda a: a.get_zorder()):
            if isinstance(a, Axes):
                order += sorted(a.get_children(), key=lambda c: c.get_zorder())
            elif a is not fig.patch:
                order.append(a)
        rank = {id(a): i for i, a in enumerate(order)}
        self.layers = [sorted(layer, key=lambda a: rank[id(a)]) for layer in layers]
        self._pictures, self._renderer = [], None  # _pictures[k]: drawn up to layer k - 1

    def invalidate(self, layer=0):
        """Layer ``layer`` changed: forget the pictures that contain it."""
        del self._pictures[layer + 1 :]

    def png(self, dpi=80):
        """The current figure as PNG bytes at ``dpi`` (the figure keeps that dpi)."""
        from PIL import Image

        fig, canvas = self.fig, self.fig.canvas
        if fig.dpi != dpi:
            fig.dpi = dpi
        renderer = canvas.get_renderer()
        if not self._pictures or renderer is not self._renderer:
            # "animated" artists are left out of a draw (hiding them would move axes titles).
            changing = [a for layer in self.layers for a in layer]
            for a in changing:
                a.set_animated(True)
            try:
                canvas.draw()
            finally:
                for a in changing:
                    a.set_animated(False)
            renderer = self._renderer = canvas.get_renderer()
            self._pictures = [canvas.copy_from_bbox(fig.bbox)]
        else:
            canvas.restore_region(self._pictures[-1])
        for k in range(len(self._pictures) - 1, len(self.layers)):
            for a in self.layers[k]:
                a.draw(renderer)
            if k + 1 < len(self.layers):
                self._pictures.append(canvas.copy_from_bbox(fig.bbox))
        w, h = canvas.get_width_height(physical=True)
        image = Image.frombuffer("RGBA", (w, h), renderer.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="png", compress_level=3)
        return buf.getvalue()
