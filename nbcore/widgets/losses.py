"""Chapter 4 widgets: the loss explorer and the outlier scrubber.

The logic is separated from the user interface:

- :func:`regression_curves`, :func:`classification_curves`: the per-sample losses the explorer
  draws, as plain NumPy formulas (the tests compare them with nbcore point by point);
- :func:`outlier_data`, :func:`fit_line`, :func:`fit_lines`: a line fitted under MSE (closed
  form), MAE and Huber (gradient descent with nbcore's losses and ``nc.Adam``) to data with one
  outlier;
- :class:`LossExplorer`: the state for given control values (numbers, a readout string) and a
  matplotlib figure whose artists are updated in place, never re-created;
- :func:`show_loss_explorer`: the ipywidgets UI around a :class:`LossExplorer` (needs a kernel);
- :func:`outlier_scrubber`: a kernel-free :func:`~nbcore.widgets.frame_scrubber` over the
  outlier's height, which also works in the static HTML book.

Introduced in chapter 4 (Loss and cost functions).
"""

from __future__ import annotations

import functools
import math

import numpy as np

import nbcore as nc
from nbcore._checks import check_number
from nbcore.widgets._html import widget_box

__all__ = [
    "CLASSIFICATION",
    "REGRESSION",
    "LossExplorer",
    "classification_curves",
    "fit_line",
    "fit_lines",
    "outlier_data",
    "outlier_scrubber",
    "plot_outlier_fits",
    "regression_curves",
    "show_loss_explorer",
]

REGRESSION = "regression"
CLASSIFICATION = "classification"
KINDS = (REGRESSION, CLASSIFICATION)

#: Names of the three fitted lines, in drawing order, and their colours (Okabe-Ito).
FIT_NAMES = ("MSE", "MAE", "Huber")
_FIT_COLORS = {"MSE": "#D55E00", "MAE": "#0072B2", "Huber": "#009E73"}


# --------------------------------------------------------------------------- the formulas
def regression_curves(r, delta=1.0):
    r"""Per-sample regression losses at residuals ``r`` (any shape), as a dict of arrays.

    ``"MSE"``: :math:`r^2`; ``"MAE"``: :math:`|r|`; ``"Huber"``: :math:`\tfrac12 r^2` for
    :math:`|r| \le \delta`, else :math:`\delta(|r| - \tfrac12\delta)`. These are the values of
    ``nc.mse``, ``nc.mae`` and ``nc.huber`` on a single sample with residual ``r``.
    """
    r = np.asarray(r, dtype=float)
    delta = check_number(delta, "regression_curves", "delta", lo=0, lo_open=True)
    a = np.abs(r)
    huber = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    return {"MSE": r * r, "MAE": a, "Huber": huber}


def classification_curves(p, alpha=0.25, gamma=2.0):
    r"""Per-sample classification losses of a **positive** sample (y = 1) predicted ``p``.

    ``"BCE"``: :math:`-\ln p`; ``"focal"``: :math:`-\alpha (1 - p)^\gamma \ln p` (alpha weights
    the positive class); ``"0-1"``: 1 where p < 0.5 (the prediction is class 0), else 0.
    These are ``nc.binary_cross_entropy``, ``nc.focal_loss`` on one sample with target 1.
    """
    p = np.asarray(p, dtype=float)
    alpha = check_number(alpha, "classification_curves", "alpha", lo=0, hi=1)
    gamma = check_number(gamma, "classification_curves", "gamma", lo=0)
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), -100)  # clamped like nc.BCELoss
    return {
        "BCE": -log_p,
        "focal": -alpha * (1 - p) ** gamma * log_p,
        "0-1": (p < 0.5).astype(float),
    }


# --------------------------------------------------------------------------- the line fits
def outlier_data(outlier=0.0, n=11):
    """Points near the line y = 0.5 x + 1 (seeded noise), the last one raised by ``outlier``.

    Returns x, y of shape (n,). The same call always returns the same points.
    """
    outlier = check_number(outlier, "outlier_data", "outlier")
    rng = np.random.default_rng(0)
    x = np.linspace(-2, 2, n)
    y = 0.5 * x + 1 + rng.normal(0, 0.2, n)
    y[-1] += outlier
    return x, y


def fit_line(loss_fn, x, y, steps=300, lr=0.1):
    """Fit y ≈ w x + b by minimising ``loss_fn`` with ``nc.Adam`` (full batch, from w = b = 0).

    Each step uses nbcore's gradient: ``loss_fn.forward(pred, y)``, then ``loss_fn.backward()``
    gives dJ/dpred, and the chain rule gives dJ/dw = sum(dJ/dpred * x), dJ/db = sum(dJ/dpred).

    Returns
    -------
    (w, b) : tuple of float
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    theta = nc.Parameter(np.zeros(2))  # [w, b]
    opt = nc.Adam([theta], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn.forward(theta.data[0] * x + theta.data[1], y)
        g = loss_fn.backward()
        theta.grad += [g @ x, g.sum()]
        opt.step()
    return float(theta.data[0]), float(theta.data[1])


def fit_lines(x, y, delta=1.0):
    """The lines fitted under MSE (least squares, closed form), MAE and Huber(``delta``).

    Returns a dict ``{"MSE": (w, b), "MAE": (w, b), "Huber": (w, b)}``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    A = np.column_stack([x, np.ones_like(x)])
    w, b = np.linalg.lstsq(A, y, rcond=None)[0]
    return {
        "MSE": (float(w), float(b)),
        "MAE": fit_line(nc.MAELoss(), x, y),
        "Huber": fit_line(nc.HuberLoss(delta), x, y),
    }


def _fit_line_fast(loss, x, y, delta=1.0, steps=300, lr=0.1, betas=(0.9, 0.999), eps=1e-8):
    """:func:`fit_line` with ``nc.MAELoss()`` (``loss="MAE"``) or ``nc.HuberLoss(delta)``
    (``loss="Huber"``) and ``nc.Adam`` defaults, bit for bit, about ten times faster.

    The same floating-point operations in the same order as nbcore's loss gradient and
    ``Adam.update``, on Python floats for the two parameters instead of length-2 arrays (an
    elementwise operation on arrays rounds exactly as on scalars); the dot product and the sum
    are the same NumPy calls on the same arrays. Only the live explorer uses it, so that moving
    a slider does not wait for 600 Adam steps through nbcore's general machinery; the tests
    check that it returns exactly the numbers of :func:`fit_line`.
    """
    b1, b2 = betas
    w = b = m_w = m_b = v_w = v_b = 0.0
    n = x.size
    for t in range(1, steps + 1):
        r = (w * x + b) - y
        g = np.sign(r) / n if loss == "MAE" else np.clip(r, -delta, delta) / n
        g_w, g_b = 0.0 + float(g @ x), 0.0 + float(g.sum())  # Parameter.grad: 0 += gradient
        m_w = m_w + (g_w - m_w) * (1 - b1)
        m_b = m_b + (g_b - m_b) * (1 - b1)
        v_w = v_w * b2 + g_w * g_w * (1 - b2)
        v_b = v_b * b2 + g_b * g_b * (1 - b2)
        c2 = math.sqrt(1 - b2**t)
        scale = lr * c2 / (1 - b1**t)
        w -= m_w / (math.sqrt(v_w) + eps * c2) * scale
        b -= m_b / (math.sqrt(v_b) + eps * c2) * scale
    return w, b


@functools.lru_cache(maxsize=512)
def _explorer_fits(outlier, delta):
    """:func:`fit_lines` of :func:`outlier_data` (the same numbers), fast and remembered: the
    explorer asks again for the fits of slider values it has seen (MAE depends on the outlier
    only, and is remembered by it)."""
    x, y = outlier_data(outlier)
    A = np.column_stack([x, np.ones_like(x)])
    w, b = np.linalg.lstsq(A, y, rcond=None)[0]
    return (
        ("MSE", (float(w), float(b))),
        ("MAE", _explorer_mae_fit(outlier)),
        ("Huber", _fit_line_fast("Huber", x, y, delta)),
    )


@functools.lru_cache(maxsize=128)
def _explorer_mae_fit(outlier):
    return _fit_line_fast("MAE", *outlier_data(outlier))


def plot_outlier_fits(outlier, delta=1.0, ax=None, fits=None):
    """Scatter :func:`outlier_data` and draw its three fitted lines on ``ax``; returns ``ax``."""
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.subplots(figsize=(5, 3.5))[1]
    x, y = outlier_data(outlier)
    fits = fit_lines(x, y, delta) if fits is None else fits
    xs = np.array([-2.3, 2.3])
    ax.scatter(x[:-1], y[:-1], color="#000000", s=18, zorder=3, label="data")
    ax.scatter(x[-1:], y[-1:], color="#CC79A7", marker="D", s=36, zorder=3, label="outlier")
    for name in FIT_NAMES:
        w, b = fits[name]
        ax.plot(xs, w * xs + b, color=_FIT_COLORS[name], label=f"{name}: slope {w:.2f}")
    ax.set(xlabel="x", ylabel="y", xlim=(-2.3, 2.3), ylim=(-1, 15))
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def outlier_scrubber(values=None, delta=1.0):
    """Kernel-free widget: a slider over the outlier's height, three fitted lines per frame.

    Works in the static HTML book (precomputed frames, see :func:`nbcore.widgets.frame_scrubber`).
    One figure is drawn once; each frame only moves its points and lines (fast).
    """
    from matplotlib.figure import Figure

    from nbcore.widgets._html import frame_scrubber

    values = np.arange(0, 12.1, 1.0) if values is None else values
    fig = Figure(figsize=(5, 3.4))
    ax = fig.subplots()
    plot_outlier_fits(0.0, delta, ax)
    fig.subplots_adjust(left=0.11, right=0.97, bottom=0.14, top=0.9)
    pts, out = ax.collections[0], ax.collections[1]
    lines = dict(zip(FIT_NAMES, ax.lines, strict=True))
    xs = np.array([-2.3, 2.3])

    def render(outlier):
        x, y = outlier_data(outlier)
        fits = fit_lines(x, y, delta)
        pts.set_offsets(np.column_stack([x[:-1], y[:-1]]))
        out.set_offsets(np.column_stack([x[-1:], y[-1:]]))
        for name, line in lines.items():
            w, b = fits[name]
            line.set_ydata(w * xs + b)
            line.set_label(f"{name}: slope {w:.2f}")
        ax.legend(loc="upper left", fontsize=9)  # 9 px on a phone, as every frame's text
        ax.set_title(
            f"One outlier raised by {outlier:.0f}: MSE vs MAE vs Huber (δ = {delta:g})", fontsize=9
        )
        return fig  # the same figure each time, updated in place

    alt = (
        "Points on a line with one outlier, and the lines fitted by MSE, MAE and Huber "
        f"(δ = {delta:g}) with their slopes"
    )
    return frame_scrubber(
        render, list(values), "outlier raised by", start=6.0, fmt="{:.0f}", alt=alt
    )


# --------------------------------------------------------------------------- the explorer
class LossExplorer:
    """The loss explorer's logic and figure, without any ipywidgets.

    Left panel: the per-sample losses against the residual r (regression: MSE, MAE, Huber) or
    against the predicted probability p of a positive sample (classification: BCE, focal, 0-1),
    with a marker at the current r or p. Right panel: data with one outlier and the lines fitted
    under MSE, MAE and Huber (δ from the ``delta`` control).

    ``set(**controls)`` changes any control, recomputes, updates the artists in place and
    returns :meth:`state`. ``readout()`` is the text the widget shows, e.g.
    ``"Huber(r = 2.0, δ = 1.0) = 1.5000; MSE(r = 2.0) = 4.0000; MAE(r = 2.0) = 2.0000 | ..."``.
    """

    CONTROLS = ("kind", "r", "delta", "p", "alpha", "gamma", "outlier")

    def __init__(
        self, kind=REGRESSION, r=2.0, delta=1.0, p=0.3, alpha=0.25, gamma=2.0, outlier=6.0
    ):
        self.kind, self.r, self.delta, self.p = REGRESSION, 2.0, 1.0, 0.3
        self.alpha, self.gamma, self.outlier = 0.25, 2.0, 6.0
        self._fits, self._fit_key = None, None
        self._build_figure()
        self.set(kind=kind, r=r, delta=delta, p=p, alpha=alpha, gamma=gamma, outlier=outlier)

    # ---- state
    def _validate(self, name, value):
        where = "LossExplorer.set"
        if name == "kind":
            if value not in KINDS:
                raise ValueError(f"{where}: expected kind in {KINDS}, got {value!r}")
            return value
        limits = {
            "r": {},
            "delta": {"lo": 0, "lo_open": True},
            "p": {"lo": 0, "hi": 1, "lo_open": True, "hi_open": True},
            "alpha": {"lo": 0, "hi": 1},
            "gamma": {"lo": 0},
            "outlier": {},
        }
        if name not in limits:
            raise TypeError(f"{where}: expected controls among {self.CONTROLS}, got {name!r}")
        return check_number(value, where, name, **limits[name])

    def set(self, **controls):
        """Change controls (any of ``CONTROLS``), update the figure, return the new state."""
        for name, value in controls.items():
            setattr(self, name, self._validate(name, value))
        key = (self.outlier, self.delta)
        if key != self._fit_key:  # refit only when the data or delta changed
            self._fits, self._fit_key = dict(_explorer_fits(self.outlier, self.delta)), key
        self._update_figure()
        return self.state()

    def state(self):
        """The numbers the explorer shows, computed with nbcore (single-sample losses)."""
        one = np.array([1.0])
        s = {name: getattr(self, name) for name in self.CONTROLS}
        if self.kind == REGRESSION:
            r, zero = np.array([self.r]), np.array([0.0])
            s["loss"] = {
                "MSE": nc.mse(r, zero),
                "MAE": nc.mae(r, zero),
                "Huber": nc.huber(r, zero, delta=self.delta),
            }
        else:
            p = np.array([self.p])
            s["loss"] = {
                "BCE": nc.binary_cross_entropy(p, one),
                "focal": nc.focal_loss(p, one, alpha=self.alpha, gamma=self.gamma),
                "0-1": float(self.p < 0.5),
            }
        s["slopes"] = {name: self._fits[name][0] for name in FIT_NAMES}
        s["fits"] = dict(self._fits)
        return s

    def readout(self):
        """The readout text (regression or classification form, then the three slopes)."""
        s = self.state()
        L = s["loss"]
        if self.kind == REGRESSION:
            r = f"r = {self.r:.1f}"
            head = (
                f"Huber({r}, δ = {self.delta:.1f}) = {L['Huber']:.4f}; "
                f"MSE({r}) = {L['MSE']:.4f}; MAE({r}) = {L['MAE']:.4f}"
            )
        else:
            p = f"p = {self.p:.2f}"
            head = (
                f"BCE({p}, y = 1) = {L['BCE']:.4f}; "
                f"focal({p}, α = {self.alpha:.2f}, γ = {self.gamma:.1f}) = {L['focal']:.4f}"
            )
        slopes = ", ".join(f"{n} {s['slopes'][n]:.3f}" for n in FIT_NAMES)
        return f"{head} | slopes with the outlier raised by {self.outlier:.1f}: {slopes}"

    # ---- figure
    def _build_figure(self):
        from matplotlib.figure import Figure
        from matplotlib.legend import Legend

        fig = Figure(figsize=(9, 3.6))  # fixed margins: a layout engine would slow each draw
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.22)
        self.ax_loss, self.ax_fit = fig.subplots(1, 2)
        self.fig = fig
        ax = self.ax_loss
        self._curves = {}
        for name, color, ls in [
            ("MSE", "#D55E00", "-"),
            ("MAE", "#0072B2", "--"),
            ("Huber", "#009E73", "-"),
            ("BCE", "#56B4E9", "-"),
            ("focal", "#E69F00", "-"),
            ("0-1", "#000000", ":"),
        ]:
            (self._curves[name],) = ax.plot([], [], color=color, ls=ls)
        # above the legends (zorder 5): the marker at r or p is never hidden, and moving it
        # redraws it alone (see png)
        self._markers = ax.scatter([], [], color="#CC79A7", zorder=6, s=30)
        ax.grid(alpha=0.3)
        # one legend per kind, made once (a new legend per update would escape the blitter)
        self._legends = {}
        for kind, names, loc in [
            (REGRESSION, ("MSE", "MAE", "Huber"), "upper center"),
            (CLASSIFICATION, ("BCE", "focal", "0-1"), "upper right"),
        ]:
            handles = [self._curves[n] for n in names]
            self._legends[kind] = Legend(ax, handles, list(names), loc=loc, fontsize=8)
            ax.add_artist(self._legends[kind])
        # right panel: data and three lines
        fit = self.ax_fit
        self._pts = fit.scatter([], [], color="#000000", s=18, zorder=3)
        self._out = fit.scatter([], [], color="#CC79A7", marker="D", s=36, zorder=3)
        self._xs = np.array([-2.3, 2.3])
        self._lines = {n: fit.plot([], [], color=_FIT_COLORS[n])[0] for n in FIT_NAMES}
        handles = [self._pts, self._out, *self._lines.values()]
        self._fit_legend = fit.legend(
            handles, ["data", "outlier", *FIT_NAMES], loc="upper left", fontsize=8
        )
        fit.set(xlabel="x", ylabel="y", xlim=(-2.3, 2.3), ylim=(-1, 15))
        fit.grid(alpha=0.3)
        self._blitter = None  # png's partial redraws: {kind: [_Blitter, its last key]}

    def _update_figure(self):
        ax = self.ax_loss
        if self.kind == REGRESSION:
            grid = np.linspace(-4, 4, 201)
            curves = regression_curves(grid, self.delta)
            at = regression_curves(np.array([self.r]), self.delta)
            x0 = self.r
            ax.set(xlim=(-4, 4), ylim=(0, 6), xlabel="residual r = ŷ − y", ylabel="loss")
            ax.set_title(f"Regression losses (Huber δ = {self.delta:.1f})", fontsize=10)
        else:
            grid = np.linspace(0.005, 0.995, 199)
            curves = classification_curves(grid, self.alpha, self.gamma)
            at = classification_curves(np.array([self.p]), self.alpha, self.gamma)
            x0 = self.p
            ax.set(xlim=(0, 1), ylim=(0, 5), xlabel="predicted p (true class y = 1)")
            ax.set_ylabel("loss")
            ax.set_title(
                f"Classification losses (focal α = {self.alpha:.2f}, γ = {self.gamma:.1f})",
                fontsize=10,
            )
        for name, line in self._curves.items():
            line.set_visible(name in curves)
            if name in curves:
                line.set_data(grid, curves[name])
        for kind, legend in self._legends.items():
            legend.set_visible(kind == self.kind)
        self._markers.set_offsets(np.column_stack([np.full(len(at), x0), list(at.values())]))
        # right panel
        x, y = outlier_data(self.outlier)
        self._pts.set_offsets(np.column_stack([x[:-1], y[:-1]]))
        self._out.set_offsets(np.column_stack([x[-1:], y[-1:]]))
        texts = self._fit_legend.get_texts()[2:]
        for (name, line), text in zip(self._lines.items(), texts, strict=True):
            w, b = self._fits[name]
            line.set_data(self._xs, w * self._xs + b)
            text.set_text(f"{name}: slope {w:.2f}")
        self.ax_fit.set_title(f"Line fits, outlier raised by {self.outlier:.1f}", fontsize=10)

    def png(self, dpi=72):
        """The current figure as PNG bytes, fast: only what changed since the last call is drawn.

        One kept picture per kind (a ``_Blitter`` each) holds what changes with the kind only:
        the left panel's axes. Over it, three layers: the right panel's points, lines, legend
        and title (they change with the outlier and δ; its axes never change), the left panel's
        curves, title and legend (they change with δ for regression, α and γ for
        classification) and the markers at r or p (always drawn, on top of everything: moving r
        or p redraws only them). The layer that changes less often with that kind's controls
        comes first: the left one for regression (δ changes both panels), the right one for
        classification (α and γ change the left panel only).
        """
        from nbcore.widgets._html import _Blitter  # shared by the chapters' live widgets

        if self._blitter is None:
            self._blitter = {}
        if self.kind not in self._blitter:
            loss, fit = self.ax_loss, self.ax_fit
            right = [self._pts, self._out, *self._lines.values(), self._fit_legend, fit.title]
            right += [*fit.spines.values()]
            left = [*self._curves.values(), loss.title, *self._legends.values()]
            left += [*loss.spines.values()]
            layers = [left, right] if self.kind == REGRESSION else [right, left]
            self._blitter[self.kind] = [_Blitter(self.fig, [*layers, [self._markers]]), None]
        blitter, old = self._blitter[self.kind]
        right = (self.outlier, self.delta)
        left = (self.delta,) if self.kind == REGRESSION else (self.alpha, self.gamma)
        key = (left, right) if self.kind == REGRESSION else (right, left)
        if old is None or key[0] != old[0]:
            blitter.invalidate(0)
        elif key[1] != old[1]:
            blitter.invalidate(1)
        self._blitter[self.kind][1] = key
        return blitter.png(dpi)

    def __repr__(self):
        args = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.CONTROLS)
        return f"LossExplorer({args})"


def show_loss_explorer(**defaults):
    """The live loss explorer: a dropdown and six sliders, the figure, a readout.

    Control classes (for tests): ``nbcore-ctl-kind`` (Dropdown: "regression" /
    "classification"), ``nbcore-ctl-r``, ``nbcore-ctl-delta``, ``nbcore-ctl-p``,
    ``nbcore-ctl-alpha``, ``nbcore-ctl-gamma``, ``nbcore-ctl-outlier`` (FloatSliders). The
    readout has the class ``nbcore-readout`` and shows :meth:`LossExplorer.readout`, e.g.
    ``Huber(r = 2.0, δ = 1.0) = 1.5000; ...`` = ``nc.huber([r], [0], delta)``.
    Needs a running kernel: in the HTML book it is replaced by a static picture.
    """
    import ipywidgets as widgets

    ex = LossExplorer(**defaults)
    style = {"description_width": "initial"}
    wide = widgets.Layout(width="300px")

    def slider(name, description, lo, hi, step, fmt=".2f"):
        s = widgets.FloatSlider(
            value=getattr(ex, name),
            min=lo,
            max=hi,
            step=step,
            description=description,
            readout_format=fmt,
            continuous_update=False,
            style=style,
            layout=wide,
        )
        s.add_class(f"nbcore-ctl-{name}")
        return s

    kind = widgets.Dropdown(options=list(KINDS), value=ex.kind, description="losses", style=style)
    kind.add_class("nbcore-ctl-kind")
    controls = {
        "kind": kind,
        "r": slider("r", "residual r", -4, 4, 0.1, ".1f"),
        "delta": slider("delta", "Huber δ", 0.1, 3, 0.1, ".1f"),
        "p": slider("p", "predicted p", 0.01, 0.99, 0.01),
        "alpha": slider("alpha", "focal α", 0, 1, 0.05),
        "gamma": slider("gamma", "focal γ", 0, 5, 0.5, ".1f"),
        "outlier": slider("outlier", "outlier raised by", 0, 12, 0.5, ".1f"),
    }
    image = widgets.Image(value=ex.png(), format="png")
    readout = widgets.HTML(value=ex.readout())
    readout.add_class("nbcore-readout")

    def on_change(change):
        name = change["owner"]._nb_name
        ex.set(**{name: change["new"]})
        image.value = ex.png()
        readout.value = ex.readout()

    for name, control in controls.items():
        control._nb_name = name
        control.observe(on_change, names="value")
    rows = [
        widgets.HBox([controls["kind"], controls["r"], controls["delta"]]),
        widgets.HBox([controls["p"], controls["alpha"], controls["gamma"]]),
        widgets.HBox([controls["outlier"]]),
    ]
    box = widget_box([*rows, image, readout], lambda: f"LossExplorerWidget({ex!r})")
    box.explorer = ex
    box.controls = controls
    box.readout = readout
    box.add_class("nbcore-live-widget")
    box.add_class("nbcore-loss-explorer")  # root selector for the live browser tests
    return box
