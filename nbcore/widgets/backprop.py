"""Chapter 5 widget: the backprop stepper.

One training iteration of the 2-3-1 sigmoid network (forward pass, loss, backward pass, SGD
update, loss again) cut into steps, each computing one quantity. :class:`BackpropStepper` is
the pure logic: it runs the iteration with nbcore's layers once, lists the steps
(:meth:`~BackpropStepper.quantity`, :meth:`~BackpropStepper.readout`) and draws any step on one
matplotlib figure by updating its artists (:meth:`~BackpropStepper.draw`).
:func:`backprop_stepper` turns it into a widget that works without a kernel (a step slider and
a play button over precomputed frames); :func:`show_backprop_stepper` is the live version, with
controls for the input and the target as well.

Introduced in chapter 5 (Backpropagation).
"""

from __future__ import annotations

import io

import numpy as np

from nbcore.layers import Dense, Sigmoid
from nbcore.losses import BCELoss
from nbcore.network import Sequential
from nbcore.plotting import COLORS

__all__ = ["RUNNING_EXAMPLE", "BackpropStepper", "backprop_stepper", "show_backprop_stepper"]

#: The running example of chapters 2 and 5 (chapter 2's weights; the learning rate is chapter 5's).
RUNNING_EXAMPLE = {
    "x": (1.0, 0.5),
    "y": 1.0,
    "W1": ((0.5, -1.0), (-1.0, 0.5), (1.0, 1.0)),
    "b1": (0.25, 0.25, -0.5),
    "W2": ((-0.5, 1.0, 1.0),),
    "b2": (-0.25,),
    "lr": 0.5,
}

# (key, name, formula): one step each, in the order they are computed.
_STEPS = [
    ("start", "", ""),
    ("Z1", "Z^[1]", "X W^[1]ᵀ + b^[1]"),
    ("A1", "A^[1]", "σ(Z^[1])"),
    ("Z2", "Z^[2]", "A^[1] W^[2]ᵀ + b^[2]"),
    ("A2", "A^[2]", "σ(Z^[2])"),
    ("L", "L", "-[y ln A^[2] + (1 - y) ln(1 - A^[2])]"),
    ("dZ2", "dZ^[2]", "A^[2] - y"),
    ("dW2", "dW^[2]", "dZ^[2]ᵀ A^[1]"),
    ("db2", "db^[2]", "sum of the rows of dZ^[2]"),
    ("dA1", "dA^[1]", "dZ^[2] W^[2]"),
    ("dZ1", "dZ^[1]", "dA^[1] ⊙ A^[1] ⊙ (1 - A^[1])"),
    ("dW1", "dW^[1]", "dZ^[1]ᵀ X"),
    ("db1", "db^[1]", "sum of the rows of dZ^[1]"),
    ("W2_new", "W^[2] (new)", "W^[2] - η dW^[2]"),
    ("b2_new", "b^[2] (new)", "b^[2] - η db^[2]"),
    ("W1_new", "W^[1] (new)", "W^[1] - η dW^[1]"),
    ("b1_new", "b^[1] (new)", "b^[1] - η db^[1]"),
    ("L_new", "L (after the update)", "the forward pass again with the new parameters"),
]


def _array(value, shape, name):
    """``value`` as a float array of ``shape``, or a ValueError naming ``name``."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"BackpropStepper: expected {name} as numbers, got {value!r}") from err
    if arr.shape != shape or not np.all(np.isfinite(arr)):
        raise ValueError(
            f"BackpropStepper: expected {name} of shape {shape} with finite values, got {arr!r}"
        )
    return arr


def _fmt(v, digits=4):
    """A number, vector or matrix with ``digits`` decimals and no '-0.0000'."""
    v = np.asarray(v, dtype=float)
    if v.ndim == 0:
        return f"{round(float(v), digits) + 0.0:.{digits}f}"
    return "(" + ", ".join(_fmt(e, digits) for e in v) + ")"


class BackpropStepper:
    """One training iteration of the 2-3-1 sigmoid network, step by step.

    Parameters
    ----------
    x : pair of float
        The input sample :math:`(x_1, x_2)` (one row of X).
    y : float in [0, 1]
        The target; the loss is binary cross-entropy (``nc.BCELoss``).
    W1, b1, W2, b2 : array_like of shapes (3, 2), (3,), (1, 3), (1,)
        The parameters (default: :data:`RUNNING_EXAMPLE`).
    lr : float
        The learning rate of the SGD update.

    Notes
    -----
    Everything is computed once, at construction, with ``nc.Dense``, ``nc.Sigmoid``,
    ``nc.BCELoss`` and ``nc.SGD``'s update rule. ``quantity(k)`` is the array computed at step
    ``k`` (squeezed: a (1, 3) row becomes a vector), ``readout(k)`` the text the widget shows.
    """

    def __init__(self, x=None, y=None, *, W1=None, b1=None, W2=None, b2=None, lr=None):
        given = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "lr": lr}
        shapes = {"W1": (3, 2), "b1": (3,), "W2": (1, 3), "b2": (1,), "lr": ()}
        for name, value in given.items():
            value = RUNNING_EXAMPLE[name] if value is None else value
            setattr(self, name, _array(value, shapes[name], name))
        self.lr = float(self.lr)
        self.fig = None
        self.set_input(
            RUNNING_EXAMPLE["x"] if x is None else x, RUNNING_EXAMPLE["y"] if y is None else y
        )

    def set_input(self, x, y):
        """Use the sample ``x`` with target ``y`` and recompute every step (the figure stays)."""
        self.X = _array(x, (2,), "x").reshape(1, 2)
        self.Y = _array(y, (), "y").reshape(1, 1)
        if not 0 <= self.Y[0, 0] <= 1:
            raise ValueError(f"BackpropStepper: expected y in [0, 1], got {self.Y[0, 0]}")
        self.values = self._run()

    # ---- the computation, with nbcore ----
    def _model(self, W1, b1, W2, b2):
        model = Sequential(Dense(2, 3), Sigmoid(), Dense(3, 1), Sigmoid())
        for p, v in zip(model.parameters(), (W1, b1, W2, b2), strict=True):
            p.data[...] = v
        return model

    def _run(self):
        model, loss = self._model(self.W1, self.b1, self.W2, self.b2), BCELoss()
        v = {"start": None}
        v["Z1"] = model[0](self.X)
        v["A1"] = model[1](v["Z1"])
        v["Z2"] = model[2](v["A1"])
        v["A2"] = model[3](v["Z2"])
        v["L"] = np.array(loss(v["A2"], self.Y))
        v["dZ2"] = model[3].backward(loss.backward())
        v["dA1"] = model[2].backward(v["dZ2"])
        v["dZ1"] = model[1].backward(v["dA1"])
        model[0].backward(v["dZ1"])
        v["dW2"], v["db2"] = model[2].W.grad.copy(), model[2].b.grad.copy()
        v["dW1"], v["db1"] = model[0].W.grad.copy(), model[0].b.grad.copy()
        for name in ("W2", "b2", "W1", "b1"):  # SGD: theta <- theta - lr * dtheta
            v[name + "_new"] = getattr(self, name) - self.lr * v["d" + name]
        new = self._model(v["W1_new"], v["b1_new"], v["W2_new"], v["b2_new"])
        v["A2_new"] = new.forward(self.X)
        v["L_new"] = np.array(loss(v["A2_new"], self.Y))
        return v

    # ---- the steps ----
    @property
    def n_steps(self):
        """The last step number (steps run from 0, nothing computed, to ``n_steps``)."""
        return len(_STEPS) - 1

    def _check_step(self, step):
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise TypeError(f"BackpropStepper: expected step as an int, got {step!r}")
        if not 0 <= step <= self.n_steps:
            raise ValueError(f"BackpropStepper: expected step in [0, {self.n_steps}], got {step}")
        return int(step)

    def key(self, step):
        """The name of the quantity computed at ``step`` ("Z1", "dW2", ...; "start" at 0)."""
        return _STEPS[self._check_step(step)][0]

    def quantity(self, step):
        """The value computed at ``step`` (None at step 0), squeezed to a number or vector."""
        value = self.values[self.key(step)]
        return None if value is None else np.squeeze(value)

    def readout(self, step):
        """The text of the readout, e.g. ``"step 6/17: dZ^[2] = A^[2] - y = -0.3595"``."""
        step = self._check_step(step)
        key, name, formula = _STEPS[step]
        head = f"step {step}/{self.n_steps}: "
        if key == "start":
            x = ", ".join(_fmt(v, 2) for v in self.X[0])
            return head + f"nothing computed yet (x = ({x}), y = {_fmt(self.Y[0, 0], 2)})"
        return head + f"{name} = {formula} = {_fmt(self.quantity(step))}"

    def known(self, step):
        """The set of quantity keys computed up to and including ``step``."""
        return {k for k, _, _ in _STEPS[: self._check_step(step) + 1]}

    # ---- the drawing ----
    _POS = {
        "x1": (0.0, 1.4),
        "x2": (0.0, -1.4),
        "h1": (4.2, 2.8),
        "h2": (4.2, 0.0),
        "h3": (4.2, -2.8),
        "o": (7.4, 0.0),
        "L": (9.6, 0.0),
    }

    def _build_figure(self):
        from matplotlib.figure import Figure
        from matplotlib.patches import Circle

        # Not managed by pyplot (never shown twice); plain text only: TeX is slow to lay out.
        # 600 px wide at 80 dpi, so a phone shows it unshrunk: every text is 9 pt (10 px) or more.
        fig = Figure(figsize=(7.5, 6.0))
        ax = fig.add_axes((0.0, 0.05, 1.0, 0.87))
        ax.set_xlim(-1.3, 10.8)
        ax.set_ylim(-4.35, 4.35)
        ax.set_aspect("equal")
        ax.axis("off")
        P = self._POS
        self._edges, self._edge_text, self._nodes = {}, {}, {}
        kw = {"fontsize": 9, "ha": "center", "va": "center"}
        box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}
        for j in range(3):  # input -> hidden: w1..w6, row j of W1 is unit j's weights
            for k in range(2):
                (x0, y0), (x1, y1) = P[f"x{k + 1}"], P[f"h{j + 1}"]
                (line,) = ax.plot([x0, x1], [y0, y1], color="0.6", lw=1, zorder=1)
                t = 0.62  # nearer the hidden node, where the two edges into it are far apart
                pos = (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                self._edges["W1", j, k] = line
                self._edge_text["W1", j, k] = ax.text(*pos, "", bbox=box, zorder=3, **kw)
        for k in range(3):  # hidden -> output: w7, w8, w9
            (x0, y0), (x1, y1) = P[f"h{k + 1}"], P["o"]
            (line,) = ax.plot([x0, x1], [y0, y1], color="0.6", lw=1, zorder=1)
            pos = (x0 + 0.45 * (x1 - x0), y0 + 0.45 * (y1 - y0))
            self._edges["W2", 0, k] = line
            self._edge_text["W2", 0, k] = ax.text(*pos, "", bbox=box, zorder=3, **kw)
        (line,) = ax.plot([P["o"][0], P["L"][0]], [0, 0], color="0.6", lw=1, zorder=1)
        self._edges["L"] = line
        names = {"x1": "x1", "x2": "x2", "h1": "h1", "h2": "h2", "h3": "h3", "o": "out", "L": "L"}
        for key, (px, py) in P.items():
            circle = Circle((px, py), 0.42, fc="white", ec="0.3", lw=1.2, zorder=2)
            ax.add_patch(circle)
            ax.text(px, py, names[key], fontsize=10, ha="center", va="center", zorder=4)
            fwd = ax.text(
                px, py + 0.5, "", fontsize=9, ha="center", va="bottom", color=COLORS[0], zorder=4
            )
            bwd = ax.text(
                px, py - 0.5, "", fontsize=9, ha="center", va="top", color=COLORS[5], zorder=4
            )
            self._nodes[key] = (circle, fwd, bwd)
        self._title = fig.text(0.5, 0.975, "", ha="center", va="top", fontsize=9)
        fig.text(
            0.01,
            0.012,
            "blue: forward values (before the update)   vermillion: gradients   "
            "green: updated parameters",
            fontsize=9,
            color="0.35",
        )
        self.fig = fig

    def draw(self, step):
        """Show ``step`` on the figure (created on the first call), updating its artists."""
        step = self._check_step(step)
        if self.fig is None:
            self._build_figure()
        v, known, key = self.values, self.known(step), self.key(step)

        def f(k, i=0):  # entry i of quantity k, formatted
            return _fmt(v[k].reshape(-1)[i])

        # edges: the weight, its gradient once known, the new weight once updated
        for (layer, j, k), text in self._edge_text.items():
            W = self.W1 if layer == "W1" else self.W2
            n = 2 * j + k + 1 if layer == "W1" else 7 + k
            i = 2 * j + k if layer == "W1" else k
            lines = [f"w{n}={_fmt(W[j, k], 2)}"]
            if "d" + layer in known:
                lines.append(f"d={f('d' + layer, i)}")
            if layer + "_new" in known:
                lines = [f"w{n}←{f(layer + '_new', i)}"]
            text.set_text("\n".join(lines))
            text.set_color(COLORS[2] if layer + "_new" in known else "black")
            hot = (
                key in (layer, "d" + layer, layer + "_new")
                or (key == "Z1" and layer == "W1")
                or (key == "Z2" and layer == "W2")
            )
            self._edges[layer, j, k].set(color=COLORS[5] if hot else "0.6", lw=2.2 if hot else 1)
        self._edges["L"].set(color=COLORS[5] if key in ("L", "dZ2", "L_new") else "0.6")
        # nodes: forward values above, gradients below
        X = self.X[0]
        for k in range(2):
            self._nodes[f"x{k + 1}"][1].set_text(f"x{k + 1} = {_fmt(X[k], 2)}")
        for j in range(3):
            fwd, bwd = [], []
            b_new = "b1_new" in known
            fwd.append(f"b={f('b1_new', j)}" if b_new else f"b={_fmt(self.b1[j], 2)}")
            fwd += [f"z={f('Z1', j)}"] * ("Z1" in known) + [f"a={f('A1', j)}"] * ("A1" in known)
            bwd += [f"dA={f('dA1', j)}"] * ("dA1" in known)
            bwd += [f"dZ={f('dZ1', j)}"] * ("dZ1" in known)
            bwd += [f"db={f('db1', j)}"] * ("db1" in known)
            self._set_node(f"h{j + 1}", fwd, bwd, key in ("Z1", "A1", "dA1", "dZ1", "db1"))
        b2 = f"b={f('b2_new', 0)}" if "b2_new" in known else f"b={_fmt(self.b2[0], 2)}"
        fwd = [b2] + [f"z={f('Z2')}"] * ("Z2" in known) + [f"a={f('A2')}"] * ("A2" in known)
        bwd = [f"dZ={f('dZ2')}"] * ("dZ2" in known) + [f"db={f('db2')}"] * ("db2" in known)
        self._set_node("o", fwd, bwd, key in ("Z2", "A2", "dZ2", "db2"))
        fwd = [f"y = {_fmt(self.Y[0, 0], 0)}"] + [f"L={f('L')}"] * ("L" in known)
        bwd = [f"after: L={f('L_new')}"] * ("L_new" in known)
        self._set_node("L", fwd, bwd, key in ("L", "L_new"))
        self._title.set_text(self.readout(step))
        return self.fig

    def _set_node(self, name, fwd, bwd, hot):
        circle, t_fwd, t_bwd = self._nodes[name]
        t_fwd.set_text("\n".join(fwd))
        t_bwd.set_text("\n".join(bwd))
        circle.set(ec=COLORS[5] if hot else "0.3", lw=2.4 if hot else 1.2)

    def close(self):
        """Forget the figure (the next ``draw`` builds a new one)."""
        self.fig = None


def _png(fig, dpi):
    """The figure as a small PNG: 32 colours are plenty for a line drawing (about 15 kB)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    image = image.convert("RGB").quantize(colors=32, method=Image.Quantize.MEDIANCUT)
    buf = io.BytesIO()
    image.save(buf, format="png", optimize=True)
    return buf.getvalue()


class _ChangedArtists:
    """Fast PNGs of the stepper's figure: only the places whose artists changed are redrawn.

    A control change alters a few texts and highlights of the graph (at step 0 a new x1 changes
    two texts), scattered over the figure, so one saved background with fixed "changing" layers
    (``_Blitter``) would redraw nearly everything. Instead the last picture is kept: an artist
    whose look changed marks its old and new pixel boxes dirty; every artist touching a dirty
    box is drawn again, in the order of a full draw, on a blank figure; the dirty boxes are
    copied into the last picture. The result is the picture a full draw gives, pixel for pixel
    (the boxes are padded by a few pixels for line widths and anti-aliasing).
    """

    PAD = 4  # pixels around an artist's box: half a thick line, anti-aliasing, rounding

    def __init__(self, fig):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)
        ax = fig.axes[0]
        hidden = {ax.patch, ax.xaxis, ax.yaxis, ax.title, ax._left_title, ax._right_title}
        hidden |= set(ax.spines.values())  # the axes are off: a full draw skips these
        inner = [a for a in ax.get_children() if a not in hidden]
        # the order of a full draw: the axes' children by zorder, then the figure's texts
        self.order = sorted(inner, key=lambda a: a.get_zorder()) + sorted(
            fig.texts, key=lambda a: a.get_zorder()
        )
        self._renderer = self._picture = self._blank = None
        self._state = {}  # artist -> (look, pixel box or None) of the last picture

    @staticmethod
    def _look(a):
        if hasattr(a, "get_text"):
            return a.get_text(), str(a.get_color())
        if hasattr(a, "get_edgecolor"):  # the nodes' circles
            return str(a.get_edgecolor()), str(a.get_facecolor()), a.get_linewidth()
        return str(a.get_color()), a.get_linewidth()  # the edges' lines

    def _boxes(self, a, renderer):
        """Pixel boxes ``(x0, y0, x1, y1)`` (rows from the top) covering all ``a`` paints."""
        if hasattr(a, "get_text"):
            if not a.get_text():
                return []
            bboxes = [a.get_window_extent(renderer)]
            if a.get_bbox_patch() is not None:
                a.update_bbox_position_size(renderer)
                bboxes.append(a.get_bbox_patch().get_window_extent(renderer))
            corners = [(b.x0, b.y0, b.x1, b.y1) for b in bboxes]
        elif hasattr(a, "get_xydata"):  # an edge: boxes along it, not one box around it
            (x0, y0), (x1, y1) = a.get_transform().transform(a.get_xydata())
            n = max(1, int(np.hypot(x1 - x0, y1 - y0) // 24))
            t = np.linspace(0, 1, n + 1)
            xs, ys = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            corners = [
                (min(xs[i : i + 2]), min(ys[i : i + 2]), max(xs[i : i + 2]), max(ys[i : i + 2]))
                for i in range(n)
            ]
        else:
            b = a.get_window_extent(renderer)
            corners = [(b.x0, b.y0, b.x1, b.y1)]
        h, pad = self._height, self.PAD
        return [
            (
                max(int(np.floor(bx0)) - pad, 0),
                max(h - int(np.ceil(by1)) - pad, 0),
                max(int(np.ceil(bx1)) + pad, 0),
                max(h - int(np.floor(by0)) + pad, 0),
            )
            for bx0, by0, bx1, by1 in corners
        ]

    def png(self, dpi=80):
        """The figure's current look as PNG bytes (RGB, zlib level 3, no metadata)."""
        from PIL import Image

        fig, canvas = self.fig, self.fig.canvas
        if fig.dpi != dpi:
            fig.dpi = dpi
        renderer = canvas.get_renderer()
        if self._picture is None or renderer is not self._renderer:
            canvas.draw()
            renderer = self._renderer = canvas.get_renderer()
            self._height = renderer.height
            self._picture = np.array(renderer.buffer_rgba())
            renderer.clear()
            fig.patch.draw(renderer)
            self._blank = canvas.copy_from_bbox(fig.bbox)
            self._state = {a: (self._look(a), self._boxes(a, renderer)) for a in self.order}
        else:
            dirty = []
            for a in self.order:
                look, old = self._state[a]
                if self._look(a) != look:
                    new = self._boxes(a, renderer)
                    self._state[a] = (self._look(a), new)
                    dirty += old + new
            if dirty:
                canvas.restore_region(self._blank)
                for a in self.order:
                    if any(
                        b[0] < d[2] and d[0] < b[2] and b[1] < d[3] and d[1] < b[3]
                        for b in self._state[a][1]
                        for d in dirty
                    ):
                        a.draw(renderer)
                drawn = np.asarray(renderer.buffer_rgba())
                for x0, y0, x1, y1 in dirty:
                    self._picture[y0:y1, x0:x1] = drawn[y0:y1, x0:x1]
        h, w = self._picture.shape[:2]
        image = Image.frombuffer("RGBA", (w, h), self._picture, "raw", "RGBA", 0, 1).convert("RGB")
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=3)
        return buf.getvalue()


def _frames(stepper, dpi):
    pngs = [_png(stepper.draw(k), dpi) for k in range(stepper.n_steps + 1)]
    stepper.close()
    return pngs


def backprop_stepper(stepper=None, *, start=0, dpi=72):
    """A step slider (and a play button) over precomputed frames: works without a kernel.

    Every step of ``stepper`` (default: the running example) is drawn once as a PNG frame. The
    slider (CSS class ``nbcore-ctl-step``) is linked in the browser to a stack of frames and to
    a stack of readouts (class ``nbcore-readout``, text as :meth:`BackpropStepper.readout`), so
    it works in the static HTML book too. The outer box has class ``nbcore-kernel-free``.
    """
    from nbcore.widgets._html import FRAME_SCALE, frames_control

    stepper = BackpropStepper() if stepper is None else stepper
    start = stepper._check_step(start)
    n = stepper.n_steps + 1
    box = frames_control(
        _frames(stepper, dpi * FRAME_SCALE),  # shown at `dpi`: crisp on 2x screens
        [str(k) for k in range(n)],
        "step",
        start=start,
        readouts=[stepper.readout(k) for k in range(n)],
        play_interval=1200,
        classes=("nbcore-kernel-free", "nbcore-backprop-frames"),
        describe=lambda: f"BackpropStepperWidget(frames={n})",
        alt=(
            "The 2-3-1 network with every weight, bias, z and activation, the step's value in "
            "blue (forward), vermillion (gradient) or green (updated parameter)"
        ),
    )
    box.children[0].children[0].add_class("nbcore-ctl-step")
    return box


def show_backprop_stepper(x=(1.0, 0.5), y=1.0, step=0):
    """The live stepper (needs a kernel): sliders for x1, x2, the target y and the step.

    Returns a box (CSS class ``nbcore-backprop-live``) with attributes ``controls`` (a dict
    ``{"x1", "x2", "y", "step"}`` of the control widgets; each also has the CSS class
    ``nbcore-ctl-<name>``), ``readout`` (an HTML widget with class ``nbcore-readout`` showing
    ``BackpropStepper((x1, x2), y).readout(step)``), ``image`` and ``stepper`` (the logic).
    Parameters and learning rate are those of the running example.
    """
    import ipywidgets as widgets

    if float(y) not in (0.0, 1.0):
        raise ValueError(f"show_backprop_stepper: expected y = 0 or 1, got {y!r}")
    stepper = BackpropStepper(x, y)
    style = {"description_width": "initial"}
    controls = {
        "x1": widgets.FloatSlider(x[0], min=-2, max=2, step=0.1, description="x1", style=style),
        "x2": widgets.FloatSlider(x[1], min=-2, max=2, step=0.1, description="x2", style=style),
        "y": widgets.ToggleButtons(options=[0.0, 1.0], value=float(y), description="target y"),
        "step": widgets.IntSlider(step, min=0, max=stepper.n_steps, description="step"),
    }
    for name, ctl in controls.items():
        ctl.add_class(f"nbcore-ctl-{name}")
    readout = widgets.HTML()
    readout.add_class("nbcore-readout")
    image = widgets.Image(format="png")
    cache = {}  # (x1, x2, y, step) -> PNG: revisiting a step costs nothing
    fast = _ChangedArtists(stepper.draw(step))  # redraws only what a change touches

    def update(change=None):
        x1, x2, yt, k = (controls[n].value for n in ("x1", "x2", "y", "step"))
        if change is not None and change["owner"] is not controls["step"]:
            stepper.set_input((x1, x2), yt)
        readout.value = stepper.readout(k)
        if (x1, x2, yt, k) not in cache:
            stepper.draw(k)
            if len(cache) >= 512:  # about 40 kB each
                cache.clear()
            cache[x1, x2, yt, k] = fast.png(dpi=80)
        image.value = cache[x1, x2, yt, k]

    for ctl in controls.values():
        ctl.observe(update, names="value")
    update()
    inputs = widgets.HBox([controls["x1"], controls["x2"], controls["y"]])
    box = widgets.VBox([inputs, controls["step"], readout, image])
    box.add_class("nbcore-backprop-live")
    box.controls, box.readout, box.image, box.stepper = controls, readout, image, stepper
    return box
