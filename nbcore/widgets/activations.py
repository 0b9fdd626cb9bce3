"""Chapter 3 widgets: the activation explorer and a kernel-free scrubber over z.

Two layers, as every chapter widget in the book:

* :class:`ActivationExplorer` is the pure logic. It holds the three control values (which
  activation, the input ``z``, the leaky slope ``alpha``), computes ``g(z)`` and ``g'(z)`` with
  nbcore's own functions, and draws one matplotlib figure (function and derivative side by side)
  that it **updates** on every change instead of drawing it again.
* :func:`show_activation_explorer` wraps it in ipywidgets (needs a kernel), and
  :func:`activation_scrubber` precomputes frames over ``z`` for the static HTML book.

Introduced in chapter 3 (Activation functions).
"""

from __future__ import annotations

import numpy as np

from nbcore import activations as F
from nbcore._checks import check_number
from nbcore.plotting import COLORS
from nbcore.widgets._html import _Blitter, widget_box

#: The activations the explorer offers, in dropdown order, with their display names.
NAMES = {
    "step": "step",
    "identity": "identity (linear)",
    "sigmoid": "sigmoid σ",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "softplus": "softplus",
    "gelu": "GELU (exact)",
}


def _fmt(x: float) -> str:
    """Four decimals, or scientific notation for tiny and huge numbers (never '0.0000' for 4e-5)."""
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:.4f}"
    return f"{x:.3e}"


def activation_pair(name: str, alpha: float = 0.01):
    """The functions ``g`` and ``g'`` (both taking the pre-activation z) for ``name``.

    Parameters
    ----------
    name : str
        One of :data:`NAMES` (``"sigmoid"``, ``"leaky_relu"``, ...).
    alpha : float, default 0.01
        The negative slope, used by ``"leaky_relu"`` only.

    Returns
    -------
    (callable, callable)
        ``g(z)`` and ``g'(z)``, elementwise on arrays.
    """
    if name not in NAMES:
        raise ValueError(f"activation_pair: expected name in {list(NAMES)}, got {name!r}")
    alpha = check_number(alpha, "activation_pair", "alpha", lo=0)
    if name == "leaky_relu":
        return (lambda z: F.leaky_relu(z, alpha)), (lambda z: F.leaky_relu_grad(z, alpha))
    return F.ACTIVATIONS[name]


class ActivationExplorer:
    """An activation ``g``, a point ``z``, and the figure of ``g`` and ``g'`` marked at ``z``.

    Parameters
    ----------
    name : str, default "sigmoid"
        The activation (a key of :data:`NAMES`).
    z : float, default 1.0
        The pre-activation where both curves are marked.
    alpha : float, default 0.1
        The leaky ReLU's negative slope (ignored by the other activations).
    z_range : (float, float), default (-6, 6)
        The z axis of the figure.

    Examples
    --------
    >>> ex = ActivationExplorer("sigmoid", z=1.0)
    >>> ex.readout()
    "g(z) = 0.7311, g'(z) = 0.1966"
    >>> ex.set(name="tanh", z=0.0).readout()
    "g(z) = 0.0000, g'(z) = 1.0000"
    """

    def __init__(self, name="sigmoid", z=1.0, alpha=0.1, z_range=(-6.0, 6.0)):
        lo = check_number(z_range[0], "ActivationExplorer", "z_range[0]")
        hi = check_number(z_range[1], "ActivationExplorer", "z_range[1]", lo=lo, lo_open=True)
        self.z_grid = np.linspace(lo, hi, 481)
        self.name, self.z, self.alpha = "sigmoid", 1.0, 0.1
        self.fig = None
        self.set(name=name, z=z, alpha=alpha)

    # ------------------------------------------------------------------ state
    def set(self, name=None, z=None, alpha=None):
        """Change any of the three controls; returns ``self``. The figure, if drawn, follows."""
        if name is not None:
            if name not in NAMES:
                raise ValueError(
                    f"ActivationExplorer.set: expected name in {list(NAMES)}, got {name!r}"
                )
            self.name = name
        if z is not None:
            self.z = check_number(z, "ActivationExplorer.set", "z")
        if alpha is not None:
            self.alpha = check_number(alpha, "ActivationExplorer.set", "alpha", lo=0, hi=1)
        self.g, self.g_prime = activation_pair(self.name, self.alpha)
        if self.fig is not None:
            self._update()
        return self

    @property
    def value(self) -> float:
        """g(z) at the current point."""
        return float(self.g(np.array([self.z]))[0])

    @property
    def slope(self) -> float:
        """g'(z) at the current point."""
        return float(self.g_prime(np.array([self.z]))[0])

    def readout(self) -> str:
        """The text the widget shows, e.g. ``"g(z) = 0.7311, g'(z) = 0.1966"``."""
        return f"g(z) = {_fmt(self.value)}, g'(z) = {_fmt(self.slope)}"

    # ------------------------------------------------------------------ figure
    def figure(self):
        """The figure (a ``matplotlib.figure.Figure``, created once, updated by :meth:`set`)."""
        if self.fig is None:
            self._draw()
        return self.fig

    def _draw(self):
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, 3.2))  # fixed margins: a layout engine would double each draw
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.25)
        ax_g, ax_d = fig.subplots(1, 2)
        zs = self.z_grid
        self._g_line = ax_g.plot(zs, zs, color=COLORS[0], lw=2)[0]
        self._tangent = ax_g.plot([], [], "--", color=COLORS[5], lw=1.2, label="tangent")[0]
        self._g_dot = ax_g.plot([], [], "o", color=COLORS[5], ms=8)[0]
        self._d_line = ax_d.plot(zs, zs, color=COLORS[2], lw=2)[0]
        self._d_dot = ax_d.plot([], [], "o", color=COLORS[5], ms=8)[0]
        for ax, what in ((ax_g, "g(z)"), (ax_d, "g'(z)")):
            ax.axhline(0, color="0.6", lw=0.8)
            ax.axvline(0, color="0.6", lw=0.8)
            ax.set_xlim(zs[0], zs[-1])
            ax.set_xlabel("pre-activation z")
            ax.set_ylabel(what)
            ax.grid(alpha=0.3)
        self._marks = [ax.axvline(self.z, color=COLORS[5], lw=0.8, ls=":") for ax in (ax_g, ax_d)]
        legend = ax_g.legend(loc="upper left", fontsize=8)
        self._ax_g, self._ax_d = ax_g, ax_d
        self.fig = fig
        self._update()
        # to_png's fast path redraws two layers only: what changes with the activation or
        # alpha (the curves and the y axes), and what changes with z, with the artists a full
        # draw paints over it (axis lines, spines, legend).
        curves = (self._g_line, self._d_line)
        at_z = [legend]
        for ax in (ax_g, ax_d):
            at_z += [ln for ln in ax.lines if ln not in curves]
            at_z += [ax.title, *ax.spines.values()]
        self._blitter = _Blitter(fig, [[*curves, ax_g.yaxis, ax_d.yaxis], at_z])
        self._blit_key = None

    def to_png(self, dpi=80):
        """The figure as PNG bytes, fast: only what changed since the last call is redrawn."""
        self.figure()
        key = (self.name, self.alpha)
        if key != self._blit_key:  # new curves and y limits: redraw them too
            self._blitter.invalidate(0)
            self._blit_key = key
        return self._blitter.png(dpi)

    def _update(self):
        zs = self.z_grid
        g, d = self.g(zs), self.g_prime(zs)
        self._g_line.set_ydata(g)
        self._d_line.set_ydata(d)
        a, s = self.value, self.slope
        self._g_dot.set_data([self.z], [a])
        self._d_dot.set_data([self.z], [s])
        dz = np.array([-1.5, 1.5])
        self._tangent.set_data(self.z + dz, a + s * dz)
        for mark in self._marks:
            mark.set_xdata([self.z, self.z])
        for ax, y in ((self._ax_g, g), (self._ax_d, d)):
            lo, hi = min(y.min(), 0.0), max(y.max(), 1.0)
            pad = 0.08 * (hi - lo)
            ax.set_ylim(lo - pad, hi + pad)
        label = NAMES[self.name] + (f", α = {self.alpha:g}" if self.name == "leaky_relu" else "")
        self._ax_g.set_title(f"{label}: g({self.z:.2f}) = {_fmt(a)}")
        self._ax_d.set_title(f"derivative: g'({self.z:.2f}) = {_fmt(s)}")


def show_activation_explorer(name="sigmoid", z=1.0, alpha=0.1):
    """The live activation explorer (needs a running kernel).

    Controls (each with a CSS class for the browser tests): a dropdown for the activation
    (``nbcore-ctl-activation``), a slider for z (``nbcore-ctl-z``, -6 to 6) and one for the leaky
    slope alpha (``nbcore-ctl-alpha``, 0 to 0.5, enabled for leaky ReLU only). The text readout
    (``nbcore-readout``) shows ``g(z) = ..., g'(z) = ...`` as :meth:`ActivationExplorer.readout`.

    Returns
    -------
    ipywidgets.VBox
    """
    import ipywidgets as widgets

    ex = ActivationExplorer(name, z, alpha)
    style = {"description_width": "initial"}
    dropdown = widgets.Dropdown(
        options=[(label, key) for key, label in NAMES.items()],
        value=ex.name,
        description="activation",
        style=style,
    )
    z_slider = widgets.FloatSlider(
        value=ex.z, min=-6, max=6, step=0.05, description="z", readout_format=".2f", style=style
    )
    a_slider = widgets.FloatSlider(
        value=ex.alpha,
        min=0,
        max=0.5,
        step=0.01,
        description="α (leaky slope)",
        readout_format=".2f",
        disabled=ex.name != "leaky_relu",
        style=style,
    )
    readout = widgets.HTML()
    image = widgets.Image(format="png")
    for ctl, cls in ((dropdown, "activation"), (z_slider, "z"), (a_slider, "alpha")):
        ctl.add_class(f"nbcore-ctl-{cls}")
    readout.add_class("nbcore-readout")

    def refresh(change=None):
        ex.set(name=dropdown.value, z=z_slider.value, alpha=a_slider.value)
        a_slider.disabled = ex.name != "leaky_relu"
        readout.value = ex.readout()
        image.value = ex.to_png(dpi=80)

    for ctl in (dropdown, z_slider, a_slider):
        ctl.observe(refresh, names="value")
    refresh()
    box = widget_box(
        [widgets.HBox([dropdown, z_slider, a_slider]), readout, image],
        lambda: f"ActivationExplorerWidget(name={ex.name!r}, z={ex.z:g}, alpha={ex.alpha:g})",
    )
    box.add_class("nbcore-activation-explorer")
    box.explorer = ex  # the logic object, for tests and for curious readers
    box.controls = {"activation": dropdown, "z": z_slider, "alpha": a_slider}
    return box


#: The activations compared frame by frame in :func:`activation_scrubber`.
SCRUBBER_NAMES = ("sigmoid", "tanh", "relu", "gelu")


class Comparison:
    """Several activations and their derivatives, each marked at one ``z`` (the scrubber frames).

    The figure is drawn once; :meth:`at` moves the marks and rewrites the legend (under both
    panels), which lists every ``g'(z)``, so a frame can be read without a kernel.

    Parameters
    ----------
    names : sequence of str
        Keys of :data:`NAMES` (default :data:`SCRUBBER_NAMES`).
    z_range : (float, float)
        The z axis.
    """

    def __init__(self, names=SCRUBBER_NAMES, z_range=(-4.0, 4.0)):
        from matplotlib.figure import Figure

        for name in names:
            if name not in NAMES:
                raise ValueError(f"Comparison: expected names from {list(NAMES)}, got {name!r}")
        self.names = tuple(names)
        self.pairs = [activation_pair(name) for name in self.names]
        zs = np.linspace(z_range[0], z_range[1], 301)
        # Every text is 9 pt or more (9 px on a phone: the frame is 432 px wide, never shrunk);
        # one legend under both panels (same colours in both) lists the slopes g'(z).
        fig = Figure(figsize=(6.0, 3.1))
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.25, top=0.9, wspace=0.3)
        self.ax_g, self.ax_d = fig.subplots(1, 2)
        self.g_dots, self.d_dots = [], []
        for i, (name, (g, d)) in enumerate(zip(self.names, self.pairs, strict=True)):
            c = COLORS[i % len(COLORS)]
            label = NAMES[name].split(" (")[0]  # short: "GELU", not "GELU (exact)"
            self.ax_g.plot(zs, g(zs), color=c, lw=1.6, label=label)
            self.ax_d.plot(zs, d(zs), color=c, lw=1.6, label=label)
            self.g_dots.append(self.ax_g.plot([], [], "o", color=c, ms=5)[0])
            self.d_dots.append(self.ax_d.plot([], [], "o", color=c, ms=5)[0])
        self.marks = []
        for ax, what in ((self.ax_g, "g(z)"), (self.ax_d, "g'(z)")):
            self.marks.append(ax.axvline(0, color="0.4", lw=0.8, ls=":"))
            ax.axhline(0, color="0.6", lw=0.8)
            ax.set_xlabel("pre-activation z", fontsize=9, labelpad=2)
            ax.set_ylabel(what, fontsize=9, labelpad=2)
            ax.tick_params(labelsize=9)
            ax.grid(alpha=0.3)
        self.ax_g.set_ylim(-1.2, 4.2)
        self.ax_d.set_ylim(-0.2, 1.2)
        self.ax_d.set_title("slopes g'(z), listed below", fontsize=10)
        # the right panel's legend, placed under both panels: name and g'(z) per activation
        self.legend = self.ax_d.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=fig.transFigure,
            ncol=4,
            fontsize=9,
            handlelength=1.2,
            handletextpad=0.4,
            columnspacing=1.0,
            frameon=False,
        )
        self.fig = fig
        self.z = None

    def slopes(self, z):
        """The list of g'(z), one per activation, computed with nbcore."""
        z = check_number(z, "Comparison.slopes", "z")
        return [float(d(np.array([z]))[0]) for _, d in self.pairs]

    def at(self, z):
        """Move every mark to ``z``; returns the (same) figure."""
        z = check_number(z, "Comparison.at", "z")
        slopes = self.slopes(z)
        for name, (g, _), gd, dd, text, s in zip(
            self.names,
            self.pairs,
            self.g_dots,
            self.d_dots,
            self.legend.get_texts(),
            slopes,
            strict=True,
        ):
            gd.set_data([z], g(np.array([z])))
            dd.set_data([z], [s])
            text.set_text(f"{NAMES[name].split(' (')[0]}: {s:.3f}")
        for mark in self.marks:
            mark.set_xdata([z, z])
        self.ax_g.set_title(f"activations at z = {z:.1f}", fontsize=10)
        self.z = z
        return self.fig


def compare_at(z, names=SCRUBBER_NAMES):
    """A new figure of several activations and their derivatives marked at ``z``."""
    return Comparison(names).at(z)


def activation_scrubber(values=None, start=1.0):
    """Kernel-free widget: a slider over z showing :func:`compare_at` frames (works in HTML).

    Parameters
    ----------
    values : sequence of float, optional
        The z values, one precomputed frame each (default -3, -2.5, ..., 3: 13 frames).
    start : float, default 1.0
        The frame shown first.
    """
    from nbcore.widgets._html import frame_scrubber

    if values is None:
        values = np.round(np.arange(-3, 3.01, 0.5), 1)
    comparison = Comparison()  # one figure, updated per frame (figure_to_png's close is harmless)
    alt = (
        "Sigmoid, tanh, ReLU and GELU (left) and their slopes g'(z) (right), each marked at z, "
        "the slopes listed below"
    )
    return frame_scrubber(comparison.at, list(values), "z", start=start, fmt="{:.1f}", alt=alt)


def default_state_figure(name="sigmoid", z=1.0, alpha=0.1):
    """The explorer's figure at its default controls, for the HTML book's static fallback."""
    return ActivationExplorer(name, z, alpha).figure()


__all__ = [
    "NAMES",
    "SCRUBBER_NAMES",
    "ActivationExplorer",
    "Comparison",
    "activation_pair",
    "activation_scrubber",
    "compare_at",
    "default_state_figure",
    "show_activation_explorer",
]
