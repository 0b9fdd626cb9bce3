"""Chapter 2 widgets: a network drawn as nodes and edges, coloured by the forward pass.

The logic (:class:`NetworkView`) is separate from the user interface
(:func:`show_forward_explorer`): a ``NetworkView`` draws the network once and ``update(x1, x2)``
runs the forward pass and changes only the colours and texts of the artists it already has, so
one update is fast and can be tested without a browser.

The running example of chapter 2 (and of chapter 5, which trains it by hand) is here too:
:func:`running_example` returns the 2-3-1 sigmoid network with its hand-chosen weights.

Introduced in chapter 2 (Layers and forward propagation).
"""

from __future__ import annotations

import numpy as np

import nbcore as nc
from nbcore.network import Sequential
from nbcore.widgets._html import _Blitter, widget_box

#: The running example of chapter 2: input, target, weights and biases (W has shape (n_out, n_in)).
RUNNING_X = np.array([1.0, 0.5])
RUNNING_Y = 1.0
RUNNING_W1 = np.array([[0.5, -1.0], [-1.0, 0.5], [1.0, 1.0]])  # rows: (w1, w2), (w3, w4), (w5, w6)
RUNNING_B1 = np.array([0.25, 0.25, -0.5])  # b1, b2, b3
RUNNING_W2 = np.array([[-0.5, 1.0, 1.0]])  # (w7, w8, w9)
RUNNING_B2 = np.array([-0.25])  # b4

#: Positive weights are drawn solid blue, negative ones dashed vermillion (Okabe-Ito colours).
POSITIVE, NEGATIVE = "#0072B2", "#D55E00"

__all__ = [
    "RUNNING_X",
    "RUNNING_Y",
    "RUNNING_W1",
    "RUNNING_B1",
    "RUNNING_W2",
    "RUNNING_B2",
    "running_example",
    "forward_trace",
    "readout_text",
    "NetworkView",
    "forward_scrubber",
    "show_forward_explorer",
]


def running_example():
    """The 2-3-1 sigmoid network of chapter 2 with its hand-chosen weights and biases.

    Returns
    -------
    nbcore.MLP
        ``MLP([2, 3, 1], "sigmoid", output="sigmoid")`` whose Dense layers hold
        ``RUNNING_W1, RUNNING_B1`` and ``RUNNING_W2, RUNNING_B2``. For the input
        ``RUNNING_X = (1, 0.5)`` it outputs about 0.6405.
    """
    model = nc.MLP([2, 3, 1], "sigmoid", output="sigmoid")
    model[0].W.data[...] = RUNNING_W1
    model[0].b.data[...] = RUNNING_B1
    model[2].W.data[...] = RUNNING_W2
    model[2].b.data[...] = RUNNING_B2
    return model


def _dense_layers(model):
    """The Dense layers of ``model`` with the activation layer that follows each (or None)."""
    if not isinstance(model, Sequential):
        raise TypeError(
            f"NetworkView: expected an nbcore Sequential/MLP, got {type(model).__name__}"
        )
    layers = list(model)
    pairs = []
    for i, layer in enumerate(layers):
        if isinstance(layer, nc.Dense):
            nxt = layers[i + 1] if i + 1 < len(layers) else None
            pairs.append((layer, None if isinstance(nxt, nc.Dense) or nxt is None else nxt))
        elif i == 0 or not isinstance(layers[i - 1], nc.Dense):
            raise ValueError(
                f"NetworkView: expected Dense layers each followed by at most one activation, "
                f"got {layer!r} at position {i}"
            )
    if not pairs:
        raise ValueError("NetworkView: expected a model with at least one Dense layer")
    return pairs


def forward_trace(model, x):
    """Every pre-activation and activation of one sample's forward pass.

    Parameters
    ----------
    model : nbcore.Sequential
        Dense layers, each optionally followed by one activation layer (an MLP).
    x : array_like of shape (n0,)
        One input sample.

    Returns
    -------
    zs : list of ndarray
        ``zs[l - 1]`` is :math:`z^{[l]}` of shape (n_l,), for l = 1..L.
    activations : list of ndarray
        ``activations[l]`` is :math:`a^{[l]}` of shape (n_l,), with ``activations[0] = x``.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"forward_trace: expected one sample x of shape (n0,), got {x.shape}")
    A = x[None, :]
    zs, activations = [], [x.copy()]
    for dense, act in _dense_layers(model):
        Z = dense(A)
        A = act(Z) if act is not None else Z
        zs.append(Z[0].copy())
        activations.append(A[0].copy())
    return zs, activations


def readout_text(y_hat, L=2):
    """The readout string of the widget, e.g. ``"ŷ = a^[2] = 0.6405"``."""
    return f"\u0177 = a^[{L}] = {float(y_hat):.4f}"


class NetworkView:
    """A drawing of a small dense network whose node colours follow the forward pass.

    Nodes are circles coloured by their activation :math:`a^{[l]}_j` (viridis, 0 to 1, with a
    colour bar); input nodes are grey and show :math:`x_j`. Edges are solid blue for positive
    weights and dashed vermillion for negative ones, their width grows with :math:`|w|`.
    The weights are read when the view is built; ``update`` only recomputes activations.

    Parameters
    ----------
    model : nbcore.Sequential, optional
        Dense layers each followed by an activation; default :func:`running_example`.
    x : array_like of shape (n0,), optional
        The first input; default ``RUNNING_X``.
    edge_labels : {"names", "values", None}
        Write each weight's name (``w1``...) or value on its edge, or nothing.
    figsize : tuple
        Size of the matplotlib figure in inches.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        Built without pyplot, so it is never displayed twice. A ``NetworkView`` displays itself
        as a PNG in Jupyter (its ``_repr_png_``).
    x, zs, activations, y_hat
        The state after the last ``update``.
    """

    def __init__(self, model=None, x=None, *, edge_labels="values", figsize=(6.4, 4.2)):
        from matplotlib.figure import Figure

        self.model = running_example() if model is None else model
        self._pairs = _dense_layers(self.model)
        self.sizes = [self._pairs[0][0].n_in] + [d.n_out for d, _ in self._pairs]
        if edge_labels not in ("names", "values", None):
            raise ValueError(
                f"NetworkView: expected edge_labels in ('names', 'values', None), "
                f"got {edge_labels!r}"
            )
        self.fig = Figure(figsize=figsize)
        self.ax = self.fig.add_axes((0.0, 0.0, 0.84, 0.9))
        self._draw(edge_labels)
        if x is None:
            x = RUNNING_X if self.sizes[0] == 2 else np.zeros(self.sizes[0])
        self.update(x)

    def _positions(self):
        pos = []
        for l, n in enumerate(self.sizes):
            ys = (np.arange(n) - (n - 1) / 2)[::-1] * 1.6
            pos.append([(l * 3.0, y) for y in ys])
        return pos

    def _draw(self, edge_labels):
        from matplotlib import colormaps
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.patches import Circle

        ax, r = self.ax, 0.45
        self.cmap, self.norm = colormaps["viridis"], Normalize(0, 1)
        self.pos = pos = self._positions()
        k = 0
        for l, (dense, _) in enumerate(self._pairs, start=1):
            W = dense.W.data
            for j, (xj, yj) in enumerate(pos[l]):
                for i, (xi, yi) in enumerate(pos[l - 1]):
                    w, k = W[j, i], k + 1
                    ax.plot(
                        [xi + r, xj - r],
                        [yi, yj],
                        color=POSITIVE if w >= 0 else NEGATIVE,
                        ls="-" if w >= 0 else "--",
                        lw=0.8 + 1.5 * abs(w),
                        zorder=1,
                    )
                    if edge_labels:
                        t = 0.7
                        text = f"w{k}" if edge_labels == "names" else f"{w:g}"
                        ax.text(
                            xi + r + t * (xj - xi - 2 * r),
                            yi + t * (yj - yi),
                            text,
                            fontsize=9,
                            ha="center",
                            va="center",
                            zorder=2,
                            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"},
                        )
        self.circles, self.values, self.zlabels = [], [], []
        for l, layer_pos in enumerate(pos):
            circ_l, val_l, z_l = [], [], []
            for j, (xj, yj) in enumerate(layer_pos):
                c = Circle((xj, yj), r, ec="black", lw=1, fc="#dddddd", zorder=3)
                ax.add_patch(c)
                circ_l.append(c)
                val_l.append(ax.text(xj, yj, "", ha="center", va="center", fontsize=9, zorder=4))
                if l == 0:
                    ax.text(xj - r - 0.1, yj, f"$x_{j + 1}$", ha="right", va="center", fontsize=10)
                    continue
                b = self._pairs[l - 1][0].b.data[j]
                ax.text(xj, yj + r + 0.08, f"b={b:g}", ha="center", va="bottom", fontsize=9)
                z_l.append(ax.text(xj, yj - r - 0.08, "", ha="center", va="top", fontsize=9))
            self.circles.append(circ_l)
            self.values.append(val_l)
            self.zlabels.append(z_l)
        ymax = max(len(p) for p in pos) * 0.8 + 0.25
        ax.set(xlim=(-1.0, pos[-1][0][0] + 0.6), ylim=(-ymax, ymax), aspect="equal")
        ax.axis("off")
        cax = self.fig.add_axes((0.84, 0.1, 0.025, 0.7))
        self.fig.colorbar(ScalarMappable(self.norm, self.cmap), cax=cax, label="activation $a$")
        self.title = self.fig.text(0.45, 0.95, "", ha="center", va="center", fontsize=11)

    def update(self, x1, x2=None):
        """Run the forward pass for input ``(x1, x2)``, or for ``x1`` an array of shape (n0,).

        Only the colours and texts of the existing artists change.

        Returns the output :math:`\\hat y = a^{[L]}` (a float when the output has one unit).
        """
        x = np.atleast_1d(np.asarray(x1, dtype=float)) if x2 is None else np.array([x1, x2], float)
        if x.shape != (self.sizes[0],):
            raise ValueError(
                f"NetworkView.update: expected {self.sizes[0]} input values, got shape {x.shape}"
            )
        self.x = x
        self.zs, self.activations = forward_trace(self.model, x)
        for l, a in enumerate(self.activations):
            for j, value in enumerate(a):
                text = self.values[l][j]
                text.set_text(f"{value:.2f}" if l == 0 else f"{value:.4f}")
                if l == 0:
                    continue
                rgba = self.cmap(self.norm(value))
                self.circles[l][j].set_facecolor(rgba)
                light = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] > 0.5
                text.set_color("black" if light else "white")
                self.zlabels[l][j].set_text(f"z={self.zs[l - 1][j]:.4f}")
        out = self.activations[-1]
        self.y_hat = float(out[0]) if out.size == 1 else out.copy()
        L = len(self.sizes) - 1
        label = readout_text(out[0], L) if out.size == 1 else f"a^[{L}] = {np.round(out, 4)}"
        self.title.set_text(f"x = ({x[0]:g}, {x[1]:g})    {label}" if x.size == 2 else label)
        return self.y_hat

    def readout(self):
        """The current readout text, e.g. ``"ŷ = a^[2] = 0.6405"``."""
        L = len(self.sizes) - 1
        return readout_text(self.activations[-1][0], L)

    def __repr__(self):
        x = ", ".join(f"{v:g}" for v in self.x)
        return f"NetworkView(sizes={self.sizes}, x=({x}), {self.readout()})"

    def _repr_png_(self):
        # Drawn at 2x and shown at the 100-dpi size (width/height metadata): crisp on 2x screens.
        from nbcore.widgets._html import FRAME_SCALE, png_size, quantize_png

        png = quantize_png(self.to_png(dpi=100 * FRAME_SCALE), 128)
        w, h = png_size(png)
        return png, {"width": round(w / FRAME_SCALE), "height": round(h / FRAME_SCALE)}

    def to_png(self, dpi=80):
        """The current figure as PNG bytes (fast: only the changing artists are redrawn)."""
        if getattr(self, "_blitter", None) is None:
            dynamic = [c for layer in self.circles[1:] for c in layer]
            dynamic += [t for layer in self.values + self.zlabels for t in layer]
            self._blitter = _Blitter(self.fig, [dynamic + [self.title]])
        return self._blitter.png(dpi)


def forward_scrubber(model=None, x2=0.5, values=None):
    """A kernel-free slider over x1 (x2 fixed) that shows the forward pass of the network.

    Every frame is drawn in advance by **one** :class:`NetworkView` (only its colours and texts
    change), so the slider works in the static HTML book too (see ``frame_scrubber``).

    Parameters
    ----------
    model : nbcore.Sequential, optional
        Default: the running example.
    x2 : float
        The fixed second input.
    values : sequence of float, optional
        The x1 values, default -2, -1.5, ..., 2 (9 frames, about 35 kB each).
    """
    from nbcore.widgets._html import frame_scrubber

    view = NetworkView(model, edge_labels="values", figsize=(6.4, 4.2))
    values = np.round(np.arange(-2, 2.01, 0.5), 2) if values is None else values

    def render(x1):
        view.update(x1, x2)
        return view.fig

    start = 1.0 if 1.0 in list(values) else None
    alt = (
        f"The network's forward pass for the input (x1, x2 = {x2:g}): every weight, bias, "
        "pre-activation z and activation a, coloured by its value"
    )
    return frame_scrubber(render, list(values), "x\u2081", start=start, fmt="{:.1f}", alt=alt)


def show_forward_explorer(model=None, x1=1.0, x2=0.5):
    """The live explorer: sliders for x1 and x2, the drawn network and the readout.

    Needs a running kernel. Controls carry the CSS classes ``nbcore-ctl-x1`` and
    ``nbcore-ctl-x2``; the readout (class ``nbcore-readout``) reads ``ŷ = a^[2] = 0.6405``, the
    value of ``model.predict(np.array([[x1, x2]]))``.

    Returns
    -------
    ipywidgets.VBox
        The explorer; its ``view`` attribute is the :class:`NetworkView` it updates.
    """
    import ipywidgets as widgets

    view = NetworkView(model, (x1, x2))
    sliders = {}
    for name, value in (("x1", x1), ("x2", x2)):
        s = widgets.FloatSlider(
            value=value,
            min=-3,
            max=3,
            step=0.05,
            description=name,
            continuous_update=True,
            readout_format=".2f",
        )
        s.add_class(f"nbcore-ctl-{name}")
        sliders[name] = s
    readout = widgets.HTML(view.readout())
    readout.add_class("nbcore-readout")
    image = widgets.Image(value=view.to_png(), format="png")

    def refresh(_change=None):
        view.update(sliders["x1"].value, sliders["x2"].value)
        image.value = view.to_png()
        readout.value = view.readout()

    for s in sliders.values():
        s.observe(refresh, names="value")
    box = widget_box(
        [widgets.HBox(list(sliders.values())), readout, image],
        lambda: "ForwardExplorer(controls=['x1', 'x2'])",
    )
    box.add_class("nbcore-forward-explorer")
    box.view, box.sliders, box.readout, box.refresh = view, sliders, readout, refresh
    box.controls = sliders  # the name every widget uses (tests, benchmarks/widgets.py)
    return box
