"""Widgets that still work in the static HTML book, and fallbacks for those that cannot.

A saved ipywidgets control in a static page has no Python kernel behind it: an ``interact``
callback never runs there, so a slider would move and nothing would happen. The book never shows
such a dead control. Every chapter widget is one of two kinds:

1. **Kernel-free** (:func:`frame_scrubber`): every state the reader can choose is computed in
   advance, drawn once for 2x screens, and stored as a PNG frame. The output carries two views of
   the same frames: an ipywidgets one (a slider ``jslink``-ed to an ``ipywidgets.Stack``, for
   Jupyter) and a ``text/html`` one (an ``<input type="range">`` over ``<img>`` frames, driven by
   the book's own ``book/_assets/scrubber.js``, a few kB). The HTML book prefers the second
   (``nb_mime_priority_overrides`` in ``_config.yml``), so its pages need no widget manager.
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
import json
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
    "frames_control",
    "kernel_free_html",
    "static_fallback",
]

#: Frames of kernel-free controls are drawn at this many device pixels per CSS pixel (2x
#: screens); the ``<img>`` gets the CSS size as explicit ``width``/``height``.
FRAME_SCALE = 2


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


def figure_to_png(fig: Any, *, dpi: int = 72, close: bool = True, colors: int = 0) -> bytes:
    """Render a matplotlib figure to PNG bytes (no timestamp metadata, so the bytes repeat).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to draw.
    dpi : int, default 72
        Resolution. Frames of a scrubber are small: 72 dpi keeps a 5x3.5 inch frame near 20 kB.
    close : bool, default True
        Close the figure afterwards, so that Jupyter does not display it a second time.
    colors : int, default 0
        When positive, store the PNG with a palette of that many colours (``quantize_png``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"figure_to_png: expected a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(dpi, int) or dpi <= 0:
        raise ValueError(f"figure_to_png: expected dpi a positive int, got {dpi!r}")
    buf = io.BytesIO()
    # A PNG that is re-encoded with a palette next is stored uncompressed (the same pixels,
    # written and read back several times faster).
    pil_kwargs = {"compress_level": 0} if colors else {}
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, pil_kwargs=pil_kwargs)
    if close:
        plt.close(fig)
    if colors:
        return quantize_png(buf.getvalue(), colors)
    return buf.getvalue()


def quantize_png(png: bytes, colors: int = 64) -> bytes:
    """Re-encode PNG bytes with a palette of at most ``colors`` colours (no dithering).

    Line drawings need few colours: a 64-colour palette PNG is about a third of the RGBA one,
    which is what lets kernel-free frames be drawn at twice their displayed size.
    """
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """``(width, height)`` in pixels of PNG bytes (read from the IHDR chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("png_size: expected PNG bytes")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


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

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            spec = getattr(self, "kernel_free", None)
            if bundle is not None and spec is not None:
                bundle["text/html"] = kernel_free_html(**spec())
            return bundle

    return WidgetBox


_PLAY_JS_HINT = "needs book/_assets/scrubber.js"


def kernel_free_html(
    frames: Sequence[bytes],
    labels: Sequence[str],
    description: str,
    *,
    start: int = 0,
    readouts: Sequence[str] | None = None,
    play_interval: int | None = None,
    scale: float = FRAME_SCALE,
    alt: str | None = None,
    classes: Sequence[str] = (),
) -> str:
    """The HTML view of a kernel-free control: a labelled range input over ``<img>`` frames.

    No widget manager is needed: ``book/_assets/scrubber.js`` (loaded by every page of the book)
    shows the frame the range input points at, updates the visible value and the input's
    ``aria-valuetext`` (e.g. ``"lr = 0.10"``), and drives the optional Play/Pause button. Without
    that script the start frame is shown. Frames are drawn at ``scale`` device pixels per CSS
    pixel; each ``<img>`` carries its CSS ``width`` and ``height``.

    Parameters
    ----------
    frames : sequence of bytes
        PNG frames, all drawn at ``scale`` times their CSS size.
    labels : sequence of str
        The value each frame shows (what the reader reads and hears), one per frame.
    description : str
        The control's label, e.g. ``"w"`` (plain text).
    start : int
        Index of the frame shown first.
    readouts : sequence of str, optional
        HTML shown above the frames, one per frame (e.g. chapter 5's step text).
    play_interval : int, optional
        With a value (milliseconds per frame), a Play/Pause button steps through the frames.
    alt : str, optional
        What the pictures show, e.g. ``"The step neuron's output over the plane"``: each frame's
        alt text is ``"<alt>, at <description> = <label>"`` (default: ``"<description> =
        <label>"`` alone).
    classes : sequence of str
        Extra CSS classes of the outer box.
    """
    if len(frames) != len(labels) or not frames:
        raise ValueError("kernel_free_html: expected one label per frame")
    if readouts is not None and len(readouts) != len(frames):
        raise ValueError("kernel_free_html: expected one readout per frame")
    if not 0 <= start < len(frames):
        raise ValueError(f"kernel_free_html: start {start} out of range")
    esc = html.escape
    desc = esc(description)
    n = len(frames)
    valuetext = f"{description} = {labels[start]}"
    box_classes = " ".join(["nbcore-kf", "nbcore-scrubber", "nbcore-kernel-free", *classes])
    parts = [
        f'<div class="{esc(box_classes)}" data-description="{desc}" '
        f'data-labels="{esc(json.dumps(list(labels)))}"'
        + (f' data-interval="{int(play_interval)}"' if play_interval else "")
        + ">",
        '<div class="nbcore-kf-controls">',
        f'<label class="nbcore-kf-label"><span class="nbcore-kf-name">{desc}</span>'
        f'<input type="range" class="nbcore-kf-range" min="0" max="{n - 1}" step="1" '
        f'value="{start}" aria-valuetext="{esc(valuetext)}"></label>',
        f'<output class="nbcore-kf-value" aria-hidden="true">{esc(labels[start])}</output>',
    ]
    if play_interval:
        parts.append(
            '<button type="button" class="nbcore-kf-play" data-state="paused" '
            f'aria-label="Play" title="Play ({_PLAY_JS_HINT})" hidden>'
            '<span class="nbcore-kf-icon" aria-hidden="true"></span>'
            '<span class="nbcore-kf-play-text">Play</span></button>'
        )
    parts.append("</div>")
    if readouts is not None:
        parts.append('<div class="nbcore-kf-readouts" aria-live="polite">')
        for i, r in enumerate(readouts):
            hidden = "" if i == start else " hidden"
            parts.append(f'<div class="nbcore-kf-readout"{hidden}>{r}</div>')
        parts.append("</div>")
    parts.append('<div class="nbcore-kf-frames">')
    for i, (png, label) in enumerate(zip(frames, labels, strict=True)):
        w, h = png_size(png)
        cw, ch = round(w / scale), round(h / scale)
        data = base64.b64encode(png).decode("ascii")
        text = esc(f"{alt}, at {description} = {label}" if alt else f"{description} = {label}")
        hidden = "" if i == start else " hidden"
        parts.append(
            f'<img class="nbcore-kf-frame" src="data:image/png;base64,{data}" width="{cw}" '
            f'height="{ch}" alt="{text}" decoding="async"{hidden}>'
        )
    parts.append("</div></div>")
    return "".join(parts)


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
    alt: str | None = None,
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
        The figure's size on the page, in pixels per inch: frames are drawn at
        ``FRAME_SCALE * dpi`` (crisp on 2x screens) as 64-colour palette PNGs and shown at
        ``dpi``.
    readout : bool, default True
        Show the current label next to the slider.
    width : str, optional
        CSS width of the frames in Jupyter (e.g. ``"420px"``); default: the figure's size at
        ``dpi``, narrower on narrow screens.
    alt : str, optional
        What the pictures show (the frames' alt text, see ``kernel_free_html``).

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames. Display it as the last expression of a cell: the output
        carries the ipywidgets view (Jupyter) and an HTML view (``kernel_free_html``, the
        HTML book).

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

    labels = [fmt.format(v) for v in values]
    if len(set(labels)) != len(labels):
        raise ValueError(f"frame_scrubber: fmt {fmt!r} makes equal labels: {labels}")
    # Drawn at FRAME_SCALE x the size the figure has at `dpi`, shown at that size (2x screens).
    pngs = [figure_to_png(render(v), dpi=dpi * FRAME_SCALE, colors=64) for v in values]
    return frames_control(
        pngs, labels, description, start=start_index, readout=readout, width=width, alt=alt
    )


def frames_control(
    pngs: Sequence[bytes],
    labels: Sequence[str],
    description: str,
    *,
    start: int = 0,
    readouts: Sequence[str] | None = None,
    play_interval: int | None = None,
    readout: bool = True,
    width: str | None = None,
    scale: float = FRAME_SCALE,
    classes: Sequence[str] = (),
    describe: Callable[[], str] | None = None,
    alt: str | None = None,
):
    """A kernel-free control over ready PNG frames (what :func:`frame_scrubber` builds).

    ``pngs`` are drawn at ``scale`` device pixels per CSS pixel. The result is an
    ``ipywidgets.VBox`` (a ``SelectionSlider`` ``jslink``-ed to a ``Stack`` of images, plus a
    ``Play`` button and a ``Stack`` of HTML readouts when asked) whose display also carries the
    ``kernel_free_html`` view of the same frames, which the HTML book shows. ``alt`` says what
    the pictures show (the frames' alt text, see ``kernel_free_html``).
    """
    import ipywidgets as widgets

    n = len(pngs)
    frames = []
    for png in pngs:
        css_w = round(png_size(png)[0] / scale)
        layout = widgets.Layout(width=width or f"min(100%, {css_w}px)")
        frames.append(widgets.Image(value=png, format="png", layout=layout))
    stack = widgets.Stack(frames, selected_index=start)
    slider = widgets.SelectionSlider(
        options=list(zip(labels, range(n), strict=True)),
        value=start,
        description=description,
        readout=readout,
        continuous_update=True,
        layout=widgets.Layout(width="min(100%, 520px)"),
        style={"description_width": "initial"},
    )
    # Linked in the browser: works with no kernel.
    links = [widgets.jslink((slider, "index"), (stack, "selected_index"))]
    top = slider
    readout_stack = None
    if readouts is not None:
        readout_stack = widgets.Stack([widgets.HTML(r) for r in readouts], selected_index=start)
        readout_stack.add_class("nbcore-readout")
        links.append(widgets.jslink((slider, "index"), (readout_stack, "selected_index")))
    if play_interval:
        play = widgets.Play(
            value=start, min=0, max=n - 1, interval=play_interval, description="play"
        )
        play.add_class("nbcore-ctl-play")
        links.append(widgets.jslink((play, "value"), (slider, "index")))
        top = widgets.HBox([slider, play])
    children = [top] + ([readout_stack] if readout_stack is not None else []) + [stack]
    if describe is None:

        def describe():
            return f"FrameScrubber({description=!r}, frames={n})"

    box = widget_box(children, describe)
    box.add_class("nbcore-scrubber")
    for name in classes:
        box.add_class(name)
    box._nb_links = links  # keep references next to the widgets they link
    box.kernel_free = lambda: {
        "frames": [image.value for image in stack.children],
        "labels": list(labels),
        "description": description,
        "start": slider.index,
        "readouts": None if readout_stack is None else [h.value for h in readout_stack.children],
        "play_interval": play_interval,
        "scale": scale,
        "classes": list(classes),
        "alt": alt,
    }
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
        Size of the figure on the page, in pixels per inch (drawn at ``FRAME_SCALE`` times that,
        as a 128-colour palette PNG).

    Returns
    -------
    IPython.display.HTML
        One block with the figure and the link (display it as the last expression of the cell).
    """
    from IPython.display import HTML

    url = binder_url(notebook)
    raw = figure_to_png(fig, dpi=dpi * FRAME_SCALE, colors=128)  # crisp on 2x screens
    w, h = (round(n / FRAME_SCALE) for n in png_size(raw))
    png = base64.b64encode(raw).decode("ascii")
    alt = html.escape(f"{what}: static picture of its default state")
    return HTML(
        '<div class="nbcore-widget-fallback">'
        f'<img src="data:image/png;base64,{png}" width="{w}" height="{h}" alt="{alt}"/>'
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
