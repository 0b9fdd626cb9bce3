"""Chapter 1 widgets and figures: one neuron on the 2-D input plane.

A neuron with two inputs computes

.. math:: z = w_1 x_1 + w_2 x_2 + b, \\qquad a = g(z).

This module has three layers, from the logic to the screen:

* the **truth tables** of the 16 Boolean functions of two inputs (:data:`GATES`,
  :func:`gate_name`), used by the chapter and by its exercise checkers;
* :class:`NeuronExplorer`: the pure logic of the explorer (no ipywidgets). It holds the controls
  ``w1, w2, b, g, target``, computes every number the widget shows, and draws one matplotlib
  figure that it **updates in place** (new data on the same artists, never a new figure);
* :func:`neuron_explorer`: the live ipywidgets UI (sliders, dropdowns, a readout), and
  :func:`bias_scrubber`: the kernel-free version for the HTML book (frames over ``b``).

:func:`neuron_diagram`, :func:`plot_gate` and :func:`plot_xor_attempts` draw the chapter's
static figures.

matplotlib and ipywidgets are imported inside the functions that need them, so importing this
module (as the exercise checkers do) needs NumPy only.

Introduced in chapter 1 (The neuron).
"""

from __future__ import annotations

import html

import numpy as np

from nbcore import activations as F
from nbcore._checks import check_number
from nbcore.widgets._html import widget_box

__all__ = [
    "ACTIVATIONS",
    "GATES",
    "PROBE",
    "X_TRUTH",
    "NeuronExplorer",
    "bias_scrubber",
    "gate_name",
    "neuron_diagram",
    "neuron_explorer",
    "plot_gate",
    "plot_xor_attempts",
]

#: The activation functions the explorer offers, by name (all from :mod:`nbcore.activations`).
ACTIVATIONS = {"step": F.step, "sigmoid": F.sigmoid, "identity": F.identity, "tanh": F.tanh}

#: The four inputs of a two-input truth table, one per row, in the book's order.
X_TRUTH = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

#: The 16 Boolean functions of two inputs: name -> outputs on the rows of :data:`X_TRUTH`.
GATES = {
    "FALSE": (0, 0, 0, 0),
    "AND": (0, 0, 0, 1),
    "x1 AND NOT x2": (0, 0, 1, 0),
    "x1": (0, 0, 1, 1),
    "NOT x1 AND x2": (0, 1, 0, 0),
    "x2": (0, 1, 0, 1),
    "XOR": (0, 1, 1, 0),
    "OR": (0, 1, 1, 1),
    "NOR": (1, 0, 0, 0),
    "XNOR": (1, 0, 0, 1),
    "NOT x2": (1, 0, 1, 0),
    "x1 OR NOT x2": (1, 0, 1, 1),
    "NOT x1": (1, 1, 0, 0),
    "NOT x1 OR x2": (1, 1, 0, 1),
    "NAND": (1, 1, 1, 0),
    "TRUE": (1, 1, 1, 1),
}

#: The fixed input at which the explorer's readout reports the neuron's output.
PROBE = (1.0, 1.0)

#: The part of the plane the explorer shows: x1 and x2 from -1 to 2.
EXTENT = (-1.0, 2.0)

_GRID_STEPS = 121  # 0.025 apart, so the lines x = 0 and x = 1 are grid lines


def gate_name(outputs) -> str:
    """The name of the Boolean function with these four outputs (rows of :data:`X_TRUTH`).

    >>> gate_name([0, 0, 0, 1])
    'AND'
    """
    key = tuple(int(v) for v in np.asarray(outputs).ravel())
    for name, table in GATES.items():
        if table == key:
            return name
    raise ValueError(f"gate_name: expected four outputs in {{0, 1}}, got {list(key)}")


def _signed(v: float, digits: int = 2) -> str:
    """' + 1.50' or ' - 1.50': a term of a sum, with its sign in front."""
    return f" - {abs(v):.{digits}f}" if v < 0 else f" + {v:.{digits}f}"


class NeuronExplorer:
    """A two-input neuron and the figure that shows it over the input plane.

    Parameters
    ----------
    w1, w2, b : float
        Weights and bias: :math:`z = w_1 x_1 + w_2 x_2 + b`.
    g : {"step", "sigmoid", "identity", "tanh"}
        The activation function, :math:`a = g(z)`.
    target : str or None
        A Boolean function of :data:`GATES` (e.g. ``"AND"``) whose truth table is drawn on the
        four corners (0, 0), (0, 1), (1, 0), (1, 1), and checked against the neuron's class
        :math:`[z > 0]` there; None shows no target.
    panel : bool, default True
        Draw the truth table, the formula and the probe's numbers as text beside the plane
        (for pictures that must stand alone: scrubber frames, static figures). The live widget
        shows these as HTML instead, and its smaller figure redraws faster.

    Notes
    -----
    Every number is computed on demand from the controls, so the state never goes stale:
    :meth:`output` evaluates the neuron on any points ``X`` of shape (m, 2), and :attr:`readout`
    is the text the widget shows for the probe point :data:`PROBE` = (1, 1). The figure is built
    on first access of :attr:`figure` and afterwards only updated by :meth:`update`.

    The neuron's class at a point is 1 where :math:`z > 0`: for every activation offered here
    that is the same as thresholding :math:`a` (step: a = 1; sigmoid: a > 0.5; identity and
    tanh: a > 0), so the decision line :math:`z = 0` does not depend on ``g``.

    Examples
    --------
    >>> ex = NeuronExplorer(w1=1, w2=1, b=-1.5, g="step", target="AND")
    >>> ex.classes().tolist(), ex.score()
    ([0, 0, 0, 1], 4)
    >>> ex.readout
    'At x = (1, 1): z = 1.00·1 + 1.00·1 - 1.50 = 0.5000, a = g(z) = step(0.5000) = 1.0000'
    """

    def __init__(self, w1=1.0, w2=1.0, b=-1.5, g="sigmoid", target=None, *, panel=True):
        self.panel = bool(panel)
        self.w1 = self.w2 = self.b = 0.0
        self.g = "sigmoid"
        self.target = None
        self._fig = None
        self._blitter = None  # to_png's partial redraws: {(g, no target): [_Blitter, clim]}
        self.update(w1=w1, w2=w2, b=b, g=g, target=target)

    # ---- the controls ------------------------------------------------------------------------
    def update(self, **controls):
        """Set any of ``w1, w2, b, g, target`` and redraw the figure if it exists.

        Raises ``TypeError`` / ``ValueError`` naming the control for a bad value, and leaves
        the state unchanged in that case.
        """
        new = {}
        for name, value in controls.items():
            if name in ("w1", "w2", "b"):
                new[name] = check_number(value, "NeuronExplorer.update", name)
            elif name == "g":
                if value not in ACTIVATIONS:
                    raise ValueError(
                        f"NeuronExplorer.update: expected g in {list(ACTIVATIONS)}, got {value!r}"
                    )
                new[name] = value
            elif name == "target":
                if value in (None, "none"):
                    value = None
                elif value not in GATES:
                    raise ValueError(
                        "NeuronExplorer.update: expected target None or one of "
                        f"{list(GATES)}, got {value!r}"
                    )
                new[name] = value
            else:
                raise TypeError(
                    "NeuronExplorer.update: expected controls among w1, w2, b, g, target, "
                    f"got {name!r}"
                )
        for name, value in new.items():
            setattr(self, name, value)
        if self._fig is not None:
            self._draw()
        return self

    # ---- the numbers -------------------------------------------------------------------------
    @property
    def w(self) -> np.ndarray:
        """The weight vector (w1, w2), shape (2,)."""
        return np.array([self.w1, self.w2])

    def z(self, X) -> np.ndarray:
        """Pre-activations :math:`z = X w + b` for points X of shape (m, 2); returns (m,)."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"NeuronExplorer.z: expected X of shape (m, 2), got {X.shape}")
        return X @ self.w + self.b

    def output(self, X) -> np.ndarray:
        """The neuron's outputs :math:`a = g(X w + b)` for X of shape (m, 2); returns (m,)."""
        return ACTIVATIONS[self.g](self.z(X))

    def classes(self) -> np.ndarray:
        """The class :math:`[z > 0]` (0 or 1) at the four corners of :data:`X_TRUTH`."""
        return (self.z(X_TRUTH) > 0).astype(int)

    def gate(self) -> str:
        """The name of the Boolean function the neuron computes on the corners."""
        return gate_name(self.classes())

    def score(self) -> int | None:
        """How many of the four corners agree with the target (None without a target)."""
        if self.target is None:
            return None
        return int(np.sum(self.classes() == np.array(GATES[self.target])))

    @property
    def probe_z(self) -> float:
        """z at the probe point (1, 1)."""
        return float(self.z(np.array([PROBE]))[0])

    @property
    def probe_a(self) -> float:
        """a = g(z) at the probe point (1, 1)."""
        return float(self.output(np.array([PROBE]))[0])

    @property
    def formula(self) -> str:
        """The neuron with its numbers, e.g. ``a = sigmoid(1.00·x1 + 1.00·x2 - 1.50)``."""
        w1 = f"-{abs(self.w1):.2f}" if self.w1 < 0 else f"{self.w1:.2f}"
        return f"a = {self.g}({w1}·x1{_signed(self.w2)}·x2{_signed(self.b)})"

    @property
    def readout(self) -> str:
        """The widget's readout: the computation at the probe point (1, 1), to 4 decimals."""
        x1, x2 = (int(v) for v in PROBE)
        w1 = f"-{abs(self.w1):.2f}" if self.w1 < 0 else f"{self.w1:.2f}"
        return (
            f"At x = ({x1}, {x2}): z = {w1}·{x1}{_signed(self.w2)}·{x2}{_signed(self.b)}"
            f" = {self.probe_z:.4f}, a = g(z) = {self.g}({self.probe_z:.4f}) = {self.probe_a:.4f}"
        )

    def line(self):
        """Two points of the decision line :math:`w_1 x_1 + w_2 x_2 + b = 0` spanning the view,
        as ``(x1_values, x2_values)``; None when w = (0, 0) (then z = b everywhere)."""
        lo, hi = EXTENT
        if self.w1 == 0 and self.w2 == 0:
            return None
        if abs(self.w2) >= abs(self.w1):  # solve for x2: never divides by a tiny number
            x1 = np.array([lo - 1, hi + 1])
            return x1, -(self.w1 * x1 + self.b) / self.w2
        x2 = np.array([lo - 1, hi + 1])
        return -(self.w2 * x2 + self.b) / self.w1, x2

    def table(self) -> str:
        """The truth table at the four corners, as monospaced text."""
        z = self.z(X_TRUTH) + 0.0  # + 0.0 turns -0.0 into 0.0
        a = self.output(X_TRUTH) + 0.0
        cls = self.classes()
        head = "x1 x2 |     z |       a | z>0"
        if self.target is not None:
            head += " | target"
        rows = [head, "-" * len(head)]
        for i, (x1, x2) in enumerate(X_TRUTH.astype(int)):
            row = f" {x1}  {x2} | {z[i]:5.2f} | {a[i]:7.4f} |  {cls[i]}"
            if self.target is not None:
                t = GATES[self.target][i]
                row += f"  |  {t} {'ok' if t == cls[i] else 'NO'}"
            rows.append(row)
        return "\n".join(rows)

    def summary(self) -> str:
        """The function computed on the corners, the score against the target, and a note
        when w = (0, 0); the parts are separated by "; "."""
        parts = [f"On the corners: {self.gate()}"]
        if self.target is not None:
            parts.append(f"matches {self.target} on {self.score()} of 4 rows")
        if self.w1 == 0 and self.w2 == 0:
            parts.append("w = (0, 0): no line, z = b everywhere")
        return "; ".join(parts)

    # ---- the figure --------------------------------------------------------------------------
    def _limits(self, A):
        if self.g in ("step", "sigmoid"):
            return 0.0, 1.0
        if self.g == "tanh":
            return -1.0, 1.0
        m = max(float(np.abs(A).max()), 1e-9)  # identity: symmetric around 0
        return -m, m

    @property
    def figure(self):
        """The matplotlib Figure (built on first access, then updated by :meth:`update`)."""
        if self._fig is None:
            self._build()
        return self._fig

    def _build(self):
        from matplotlib import colormaps
        from matplotlib.colors import ListedColormap
        from matplotlib.figure import Figure

        from nbcore.plotting import COLORS

        lo, hi = EXTENT
        xs = np.linspace(lo, hi, _GRID_STEPS)
        xx, yy = np.meshgrid(xs, xs)
        self._grid = np.column_stack([xx.ravel(), yy.ravel()])

        if self.panel:  # text panel on the right, formula and probe below
            fig = Figure(figsize=(7.6, 4.2))
            ax = fig.add_axes((0.08, 0.27, 0.37, 0.64))
            cax = fig.add_axes((0.465, 0.27, 0.013, 0.64))
            legend_at = (1.42, 0.36)
        else:  # the plane, its colour scale and the legend only
            fig = Figure(figsize=(6.2, 3.6))
            ax = fig.add_axes((0.11, 0.13, 0.45, 0.79))
            cax = fig.add_axes((0.575, 0.13, 0.015, 0.79))
            legend_at = (1.3, 1.0)
        # the middle of RdBu (blue = low, red = high; colour-blind safe), lighter at the ends
        # so that the points and the line stay visible on top
        cmap = ListedColormap(colormaps["RdBu_r"](np.linspace(0.12, 0.88, 256)))
        self._im = ax.imshow(
            np.zeros((_GRID_STEPS, _GRID_STEPS)),
            origin="lower",
            extent=(lo, hi, lo, hi),
            cmap=cmap,
            interpolation="nearest",
            aspect="auto",
        )
        fig.colorbar(self._im, cax=cax)
        cax.set_title("a", fontsize=10)
        (self._line,) = ax.plot([], [], color="black", lw=2, ls="--", label="decision line z = 0")
        self._arrow = ax.quiver(
            [0.5],
            [0.5],
            [1],
            [0],
            angles="xy",
            scale_units="xy",
            scale=1,
            color="black",
            width=0.012,
            label="w (points to z > 0)",
        )
        self._corners = ax.scatter(
            X_TRUTH[:, 0], X_TRUTH[:, 1], s=60, facecolors="white", edgecolors="black", zorder=3
        )
        self._targets = [
            ax.scatter(
                [],
                [],
                s=70,
                c=COLORS[k],
                marker="os"[k],
                edgecolors="black",
                zorder=4,
                label=f"target output {k}",
            )
            for k in (0, 1)
        ]
        self._probe_ring = ax.scatter(
            [PROBE[0]],
            [PROBE[1]],
            s=260,
            facecolors="none",
            edgecolors=COLORS[6],
            linewidths=2.5,
            zorder=5,
            label="probe x = (1, 1)",
        )
        ax.set(xlim=(lo, hi), ylim=(lo, hi), xlabel="$x_1$", ylabel="$x_2$")
        self._legend = ax.legend(
            loc="upper left", bbox_to_anchor=legend_at, fontsize=8.5, frameon=False
        )
        self._ax, self._cax = ax, cax
        self._title = ax.set_title("")
        self._texts = []
        if self.panel:
            self._table = fig.text(0.6, 0.91, "", family="monospace", fontsize=8.3, va="top")
            self._summary = fig.text(0.6, 0.62, "", fontsize=9.5, va="top")
            self._formula = fig.text(0.08, 0.10, "", fontsize=9.5)
            self._probe = fig.text(0.08, 0.03, "", fontsize=9)
            self._texts = [self._table, self._summary, self._formula, self._probe]
        self._fig = fig
        self._draw()

    def _draw(self):
        """Put the current numbers into the existing artists (no artist is created)."""
        lo, hi = EXTENT
        A = self.output(self._grid).reshape(_GRID_STEPS, _GRID_STEPS)
        self._im.set_data(A)
        self._im.set_clim(*self._limits(A))
        line = self.line()
        if line is None:
            self._line.set_data([], [])
            self._arrow.set_visible(False)
        else:
            self._line.set_data(*line)
            # the arrow starts on the line, at the foot of the perpendicular from (0.5, 0.5)
            w = self.w
            c = np.array([0.5, 0.5])
            foot = c - (w @ c + self.b) / (w @ w) * w
            u = 0.6 * w / np.linalg.norm(w)
            self._arrow.set_offsets([foot])
            self._arrow.set_UVC([u[0]], [u[1]])
            self._arrow.set_visible(bool(np.all((foot >= lo) & (foot <= hi))))
        for k, sc in enumerate(self._targets):
            if self.target is None:
                sc.set_offsets(np.empty((0, 2)))
            else:
                sc.set_offsets(X_TRUTH[np.array(GATES[self.target]) == k])
        # legend rows 2 and 3 are the target markers: shown only with a target
        for row in (2, 3):
            self._legend.legend_handles[row].set_visible(self.target is not None)
            self._legend.get_texts()[row].set_visible(self.target is not None)
        self._title.set_text(f"output a = {self.g}(z)")
        if self.panel:
            self._table.set_text(self.table())
            self._summary.set_text(self.summary().replace("; ", "\n"))
            self._formula.set_text(self.formula)
            self._probe.set_text(self.readout.replace(", a = ", ",\n    a = ", 1))

    def to_png(self, dpi=90):
        """The figure as PNG bytes, fast: only what changed since the last call is redrawn.

        The live widget calls this on every change of a control. Three update levels:

        * the title and the legend depend on ``g`` and on whether there is a target only: they
          stay in the kept background, and one background is kept per such pair (a ``_Blitter``
          each), so switching back to a pair seen before redraws neither;
        * the colour bar's ticks, redrawn when its limits change (a new ``g``; for identity
          also the weights and bias);
        * the output surface, the line, the arrow, the points (and the text panel, if any),
          drawn on every call.

        The picture is pixel for pixel the same as a full draw's (the tests check it).
        """
        from nbcore.widgets._html import _Blitter

        fig = self.figure
        key = (self.g, self.target is None)  # what the title and the legend show
        if self._blitter is None:
            self._blitter = {}
        if key not in self._blitter:
            often = [
                self._im,
                self._line,
                self._arrow,
                self._corners,
                *self._targets,
                self._probe_ring,
                *self._ax.spines.values(),
                *self._texts,
            ]
            self._blitter[key] = [_Blitter(fig, [[self._cax.yaxis], often]), None]
        blitter, clim = self._blitter[key]
        if self._im.get_clim() != clim:  # new colour-bar limits: redraw its ticks too
            blitter.invalidate(0)
            self._blitter[key][1] = self._im.get_clim()
        return blitter.png(dpi)

    def __repr__(self):
        return (
            f"NeuronExplorer(w1={self.w1}, w2={self.w2}, b={self.b}, g={self.g!r}, "
            f"target={self.target!r})"
        )


# ---- the live widget ----------------------------------------------------------------------------


def neuron_explorer(w1=1.0, w2=1.0, b=-1.5, g="sigmoid", target="AND", *, dpi=90):
    """The live neuron explorer: sliders w1, w2, b and dropdowns for g and for a target gate.

    Shows the output surface :math:`a = g(w_1 x_1 + w_2 x_2 + b)` over the plane, the decision
    line, the truth table on the four corners, the formula with the current numbers, and a
    readout (CSS class ``nbcore-readout``) of the output at the probe point x = (1, 1):
    ``"At x = (1, 1): z = ... = 0.5000, a = g(z) = sigmoid(0.5000) = 0.6225"``.

    Needs a running kernel: in the book its cell is tagged ``remove-output`` and ``live-widget``,
    and the next cell shows :func:`nbcore.widgets.static_fallback` of the default figure.

    Returns
    -------
    ipywidgets.VBox (its repr: ``NeuronExplorerWidget(w1=..., ...)``)
        With attributes ``explorer`` (the :class:`NeuronExplorer`), ``controls`` (a dict
        ``{"w1", "w2", "b", "g", "target"}`` of the control widgets; each also has the CSS class
        ``nbcore-ctl-<name>``), ``readout`` (the HTML widget), ``image`` (the figure) and
        ``details`` (HTML: the formula, the truth table and the summary).
    """
    import ipywidgets as widgets

    explorer = NeuronExplorer(w1=w1, w2=w2, b=b, g=g, target=target, panel=False)
    style = {"description_width": "2.5em"}
    layout = widgets.Layout(width="300px")

    def slider(name, value):
        return widgets.FloatSlider(
            value=value,
            min=-3.0,
            max=3.0,
            step=0.1,
            description=name,
            readout_format=".2f",
            continuous_update=True,
            style=style,
            layout=layout,
        )

    controls = {
        "w1": slider("w1", explorer.w1),
        "w2": slider("w2", explorer.w2),
        "b": slider("b", explorer.b),
        "g": widgets.Dropdown(
            options=list(ACTIVATIONS),
            value=explorer.g,
            description="g",
            style=style,
            layout=widgets.Layout(width="200px"),
        ),
        "target": widgets.Dropdown(
            options=[("none", "none"), *[(k, k) for k in GATES]],
            value=explorer.target or "none",
            description="target",
            style={"description_width": "3.5em"},
            layout=widgets.Layout(width="230px"),
        ),
    }
    for name, control in controls.items():
        control.add_class(f"nbcore-ctl-{name}")
    image = widgets.Image(format="png")
    readout = widgets.HTML()
    readout.add_class("nbcore-readout")
    details = widgets.HTML()  # the formula, the truth table and the summary

    def refresh(_change=None):
        explorer.update(**{name: c.value for name, c in controls.items()})
        image.value = explorer.to_png(dpi=dpi)
        readout.value = f"<code>{html.escape(explorer.readout)}</code>"
        details.value = (
            f"<code>{html.escape(explorer.formula)}</code>"
            f"<pre>{html.escape(explorer.table())}</pre>"
            f"<p>{html.escape(explorer.summary()).replace('; ', '<br>')}</p>"
        )

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()
    e = explorer
    box = widget_box(
        [
            widgets.HBox([controls["w1"], controls["w2"], controls["b"]]),
            widgets.HBox([controls["g"], controls["target"]]),
            readout,
            widgets.HBox([image, details]),
        ],
        lambda: (
            f"NeuronExplorerWidget(w1={e.w1}, w2={e.w2}, b={e.b}, g={e.g!r}, target={e.target!r})"
        ),
    )
    box.add_class("nbcore-neuron-explorer")
    box.explorer, box.controls, box.readout, box.image = explorer, controls, readout, image
    box.details = details
    return box


def bias_scrubber(values=None, *, w1=1.0, w2=1.0, g="step", start=-1.5, dpi=80):
    """The kernel-free explorer: precomputed frames of the neuron as the bias ``b`` changes.

    One :class:`NeuronExplorer` redraws its figure for each value of ``b``; each frame becomes a
    PNG of :func:`nbcore.widgets.frame_scrubber`, whose slider works in the static HTML book.
    """
    from nbcore.widgets._html import frame_scrubber

    values = np.round(np.arange(-2.25, 0.26, 0.25), 2) if values is None else values
    explorer = NeuronExplorer(w1=w1, w2=w2, b=float(values[0]), g=g)

    def render(b):
        return explorer.update(b=float(b)).figure

    alt = (
        f"The neuron a = {g}({w1:g}·x1 + {w2:g}·x2 + b) over the plane: where its output is 1 "
        "or 0, its decision line, the four corners of the truth table, their values and the gate"
        " it computes"
    )
    return frame_scrubber(render, values, "b", start=start, fmt="{:.2f}", dpi=dpi, alt=alt)


# ---- static figures of the chapter -------------------------------------------------------------


def neuron_diagram(x, w, b, g="sigmoid", ax=None):
    """Draw one neuron with its numbers: inputs, weighted edges, the sum with the bias, g, a.

    Parameters
    ----------
    x, w : array_like of shape (n,)
        Inputs and weights (n from 1 to 5).
    b : float
        Bias.
    g : str
        Name of the activation in :data:`ACTIVATIONS`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

    from nbcore.plotting import COLORS

    x = np.asarray(x, dtype=float).ravel()
    w = np.asarray(w, dtype=float).ravel()
    if x.shape != w.shape or not 1 <= x.size <= 5:
        raise ValueError(
            f"neuron_diagram: expected x and w of the same shape (n,), 1 <= n <= 5, "
            f"got {x.shape} and {w.shape}"
        )
    if g not in ACTIVATIONS:
        raise ValueError(f"neuron_diagram: expected g in {list(ACTIVATIONS)}, got {g!r}")
    z = float(w @ x + b)
    a = float(ACTIVATIONS[g](z))
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 2.9))
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    n = x.size
    ys = np.linspace(3.3, 0.7, n) if n > 1 else np.array([2.0])
    sx, sy, r = 5.0, 2.0, 0.45  # the summing node
    gx = 7.3  # centre of the activation box

    def arrow(p, q):
        ax.add_patch(
            FancyArrowPatch(
                p,
                q,
                arrowstyle="-|>",
                mutation_scale=14,
                color="black",
                lw=1.4,
                shrinkA=0,
                shrinkB=0,
            )
        )

    for j in range(n):
        ax.add_patch(Circle((1.0, ys[j]), 0.38, fc=COLORS[4], ec="black"))
        ax.text(1.0, ys[j], f"{x[j]:g}".replace("-", "−"), ha="center", va="center", fontsize=10)
        ax.text(0.45, ys[j], f"$x_{j + 1}$", ha="right", va="center", fontsize=12)
        p, q = np.array([1.38, ys[j]]), np.array([sx, sy])
        q = q - r * (q - p) / np.linalg.norm(q - p)  # stop at the node's edge
        arrow(p, q)
        mid = p + 0.45 * (q - p)
        normal = np.array([-(q - p)[1], (q - p)[0]]) / np.linalg.norm(q - p)
        side = 1 if ys[j] >= sy else -1  # label above falling arrows, below rising ones
        lx, ly = mid + side * 0.3 * normal
        ax.text(
            lx,
            ly,
            f"$w_{j + 1} = {w[j]:g}$",
            ha="center",
            va="center",
            fontsize=10,
            color=COLORS[5],
        )
    ax.add_patch(Circle((sx, sy), r, fc="white", ec="black"))
    ax.text(sx, sy, "Σ", ha="center", va="center", fontsize=16)
    ax.add_patch(
        FancyBboxPatch(
            (sx - 0.55, 0.05), 1.1, 0.5, boxstyle="round,pad=0.05", fc="white", ec=COLORS[5]
        )
    )
    ax.text(sx, 0.3, f"$b = {b:g}$", ha="center", va="center", fontsize=10, color=COLORS[5])
    arrow((sx, 0.6), (sx, sy - r))
    arrow((sx + r, sy), (gx - 0.5, sy))
    ax.text((sx + r + gx - 0.5) / 2, sy + 0.25, f"$z = {z:g}$", ha="center", fontsize=10)
    ax.add_patch(
        FancyBboxPatch(
            (gx - 0.5, sy - 0.4),
            1.0,
            0.8,
            boxstyle="round,pad=0.05",
            fc=COLORS[2],
            ec="black",
            alpha=0.85,
        )
    )
    ax.text(gx, sy, "$g$", ha="center", va="center", fontsize=15)
    ax.text(gx, sy - 0.75, g, ha="center", va="center", fontsize=9)
    arrow((gx + 0.5, sy), (gx + 1.3, sy))
    ax.text(gx + 1.4, sy, f"$a = {a:.4f}$", ha="left", va="center", fontsize=11)
    ax.set(xlim=(-0.3, 10.4), ylim=(-0.1, 4.0), aspect="equal")
    ax.axis("off")
    return ax


def plot_gate(ax, w, b, outputs, title=None):
    """Draw a step neuron's decision line and half-plane with a truth table's four points.

    ``outputs`` are the wanted outputs on :data:`X_TRUTH` (class 0 blue circles, class 1 orange
    squares); the shaded side is where the neuron outputs 1 (z > 0).
    """
    from matplotlib.colors import ListedColormap

    from nbcore.plotting import COLORS, MARKERS

    w = np.asarray(w, dtype=float)
    xs = np.linspace(-0.5, 1.5, 201)
    xx, yy = np.meshgrid(xs, xs)
    Z = np.column_stack([xx.ravel(), yy.ravel()]) @ w + b
    ax.contourf(
        xx,
        yy,
        (Z > 0).reshape(xx.shape),
        levels=[-0.5, 0.5, 1.5],
        cmap=ListedColormap([COLORS[0], COLORS[1]]),
        alpha=0.18,
    )
    ax.contour(xx, yy, Z.reshape(xx.shape), levels=[0], colors="black", linestyles="--")
    outputs = np.asarray(outputs)
    for k in (0, 1):
        pts = X_TRUTH[outputs == k]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=90,
            c=COLORS[k],
            marker=MARKERS[k],
            edgecolors="black",
            zorder=3,
            label=f"output {k}",
        )
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _latex_affine(w, b):
    """'x_1 - x_2 - 0.5' for w = (1, -1), b = -0.5 (coefficients 1 and -1 written as signs)."""
    out = ""
    for j, v in enumerate(w):
        if v == 0:
            continue
        sign = "-" if v < 0 else ("+" if out else "")
        coef = "" if abs(v) == 1 else f"{abs(v):g}"
        out += f" {sign} {coef}x_{j + 1}" if out else f"{sign}{coef}x_{j + 1}"
    if b != 0 or not out:
        out += f" {'-' if b < 0 else '+'} {abs(b):g}" if out else f"{b:g}"
    return out


def plot_xor_attempts(ax, attempts):
    """The XOR points and a few candidate lines, each labelled with how many points it gets right.

    ``attempts`` is a list of ``(w, b)`` pairs; a line gets a point right when its class
    :math:`[w \\cdot x + b > 0]` equals the XOR output there.
    """
    from nbcore.plotting import COLORS, MARKERS

    xor = np.array(GATES["XOR"])
    for k in (0, 1):
        pts = X_TRUTH[xor == k]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=110,
            c=COLORS[k],
            marker=MARKERS[k],
            edgecolors="black",
            zorder=3,
            label=f"XOR = {k}",
        )
    xs = np.array([-0.5, 1.5])
    styles = ["--", "-.", ":", (0, (5, 1, 1, 1))]
    for i, (w, b) in enumerate(attempts):
        w = np.asarray(w, dtype=float)
        right = int(np.sum(((X_TRUTH @ w + b) > 0).astype(int) == xor))
        label = f"${_latex_affine(w, b)} > 0$: {right}/4 right"
        if w[1] != 0:
            ax.plot(
                xs,
                -(w[0] * xs + b) / w[1],
                ls=styles[i % 4],
                color=COLORS[2 + i],
                lw=2,
                label=label,
            )
        else:
            ax.plot([-b / w[0]] * 2, xs, ls=styles[i % 4], color=COLORS[2 + i], lw=2, label=label)
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    return ax
