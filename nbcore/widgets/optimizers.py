"""Chapter 7 widgets: the optimizer race on 2-D surfaces.

Five optimizers (plain SGD, SGD with momentum 0.9, AdaGrad, RMSprop, Adam, all from
:mod:`nbcore.optimizers`) start at the same point of a 2-D surface :math:`f(x, y)` and take the
same number of steps. Each step sets the gradient of a :class:`~nbcore.layers.Parameter` holding
the point :math:`\\theta = (x, y)` to the analytic gradient :math:`\\nabla f(\\theta)` and calls
``optimizer.step()``, exactly as in a network.

Three layers, as every chapter widget of the book:

* :func:`race` computes the trajectories (the pure numbers: what a test checks);
* :class:`OptimizerRace` holds the controls (surface, one learning rate per optimizer, start
  point, number of steps), its :meth:`~OptimizerRace.readout` text, and one matplotlib figure
  (contour plot with the paths, and the loss curves) that it **updates** on every change;
* :func:`show_optimizer_race` is the live ipywidgets UI (needs a kernel), and
  :func:`race_scrubber` the kernel-free version for the HTML book: frames precomputed over the
  number of steps shown, for all three surfaces at their default settings.

matplotlib and ipywidgets are imported inside the functions that need them.

Introduced in chapter 7 (Optimizers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nbcore._checks import check_int, check_number
from nbcore.layers import Parameter
from nbcore.optimizers import SGD, AdaGrad, Adam, RMSprop
from nbcore.plotting import COLORS
from nbcore.widgets._html import widget_box

__all__ = [
    "MOMENTUM",
    "OPTIMIZER_NAMES",
    "SURFACES",
    "OptimizerRace",
    "Path",
    "Surface",
    "default_state_figure",
    "make_optimizer",
    "race",
    "race_readout",
    "SCRUBBER_STEPS",
    "RaceFrames",
    "race_frame",
    "race_scrubber",
    "show_optimizer_race",
]

#: The racers, in legend order.
OPTIMIZER_NAMES = ("SGD", "Momentum", "AdaGrad", "RMSprop", "Adam")
#: The momentum coefficient of the "Momentum" racer.
MOMENTUM = 0.9
#: A path that leaves this box (or stops being finite) has diverged; the race stops it there.
DIVERGED = 1e6

_STYLES = {  # colour-blind-safe colours and a marker each, so the paths differ in shape too
    "SGD": (COLORS[0], "o"),
    "Momentum": (COLORS[1], "s"),
    "AdaGrad": (COLORS[2], "^"),
    "RMSprop": (COLORS[3], "D"),
    "Adam": (COLORS[5], "v"),
}


def make_optimizer(name, params, lr):
    """The optimizer called ``name`` (one of :data:`OPTIMIZER_NAMES`) on ``params``.

    "Momentum" is ``SGD(params, lr, momentum=0.9)``; the others use nbcore's (PyTorch's)
    defaults for everything but the learning rate.
    """
    if name == "SGD":
        return SGD(params, lr)
    if name == "Momentum":
        return SGD(params, lr, momentum=MOMENTUM)
    if name == "AdaGrad":
        return AdaGrad(params, lr)
    if name == "RMSprop":
        return RMSprop(params, lr)
    if name == "Adam":
        return Adam(params, lr)
    raise ValueError(f"make_optimizer: expected name in {list(OPTIMIZER_NAMES)}, got {name!r}")


# ----------------------------------------------------------------------------- surfaces
def _quadratic(x, y):
    return 0.5 * (x**2 + 50 * y**2)


def _quadratic_grad(x, y):
    return np.array([x, 50 * y])


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(x, y):
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def _saddle(x, y):
    return x**2 - y**2 + 0.5 * y**4


def _saddle_grad(x, y):
    return np.array([2 * x, -2 * y + 2 * y**3])


@dataclass(frozen=True)
class Surface:
    """A 2-D test surface with its gradient and the race's default settings.

    ``f(x, y)`` works elementwise on arrays (for contour plots); ``grad(x, y)`` returns the
    gradient at one point as an array of shape (2,). ``f_min`` is the lowest value of ``f``,
    so ``f - f_min`` is the gap the loss panel shows.
    """

    key: str
    title: str
    formula: str
    f: object
    grad: object
    f_min: float
    minima: tuple
    start: tuple
    lrs: dict
    steps: int
    xlim: tuple
    ylim: tuple
    levels: tuple = field(default=())


#: The three surfaces of the race, by key.
SURFACES = {
    "quadratic": Surface(
        key="quadratic",
        title="ill-conditioned quadratic",
        formula="f = ½(x² + 50y²)",
        f=_quadratic,
        grad=_quadratic_grad,
        f_min=0.0,
        minima=((0.0, 0.0),),
        start=(-4.0, 1.0),
        lrs={"SGD": 0.035, "Momentum": 0.01, "AdaGrad": 0.5, "RMSprop": 0.05, "Adam": 0.2},
        steps=100,
        xlim=(-4.6, 1.6),
        ylim=(-1.3, 1.3),
        levels=(0.01, 0.1, 0.5, 1, 2, 4, 8, 16, 32),
    ),
    "rosenbrock": Surface(
        key="rosenbrock",
        title="Rosenbrock's banana valley",
        formula="f = (1 − x)² + 100(y − x²)²",
        f=_rosenbrock,
        grad=_rosenbrock_grad,
        f_min=0.0,
        minima=((1.0, 1.0),),
        start=(-1.2, 1.0),
        lrs={"SGD": 0.001, "Momentum": 0.001, "AdaGrad": 1.0, "RMSprop": 0.03, "Adam": 0.2},
        steps=500,
        xlim=(-1.6, 1.6),
        ylim=(-0.6, 2.2),
        levels=(0.03, 0.3, 1, 3, 10, 30, 100, 300),
    ),
    "saddle": Surface(
        key="saddle",
        title="saddle point",
        formula="f = x² − y² + ½y⁴",
        f=_saddle,
        grad=_saddle_grad,
        f_min=-0.5,
        minima=((0.0, 1.0), (0.0, -1.0)),
        start=(-1.5, 0.001),
        lrs={"SGD": 0.05, "Momentum": 0.01, "AdaGrad": 0.1, "RMSprop": 0.01, "Adam": 0.05},
        steps=100,
        xlim=(-1.7, 1.0),
        ylim=(-1.4, 1.4),
        levels=(-0.45, -0.3, -0.1, 0.0, 0.25, 0.75, 1.5, 2.5),
    ),
}


def _surface(surface, where):
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"{where}: expected surface in {list(SURFACES)}, got {surface!r}")
    return SURFACES[surface]


# ----------------------------------------------------------------------------- the race
@dataclass
class Path:
    """One optimizer's run: ``points`` (k + 1, 2) from the start, ``f`` (k + 1,) its values.

    ``diverged_at`` is the step where the point left the box ``|x|, |y| < 1e6`` (None if it
    never did); the path stops there.
    """

    name: str
    lr: float
    points: np.ndarray
    f: np.ndarray
    diverged_at: int | None = None

    def f_at(self, step):
        """f after ``step`` steps (``inf`` if the path diverged before)."""
        return float(self.f[step]) if step < len(self.f) else float("inf")

    def point_at(self, step):
        """The point after ``step`` steps (the last one reached if the path stopped)."""
        return self.points[min(step, len(self.points) - 1)]


class _Runner:
    """One optimizer on one surface from one start, run as far as asked so far.

    :meth:`path` returns the first ``steps`` steps; asking for more continues the same run
    (same optimizer state), asking for fewer cuts the points already computed. A run is
    deterministic, so this is the very :class:`Path` a fresh run of ``steps`` steps gives.
    """

    def __init__(self, surface, name, lr, start):
        self.s, self.name, self.lr = surface, name, float(lr)
        self.theta = Parameter(np.array(start, dtype=np.float64))
        self.opt = make_optimizer(name, [self.theta], lr)
        self.points = [self.theta.data.copy()]
        self.diverged = None
        self._arrays = None  # (points, f) as arrays, for the points computed so far

    def path(self, steps):
        """The :class:`Path` after ``steps`` steps."""
        s, theta = self.s, self.theta
        if len(self.points) <= steps and self.diverged is None:
            self._arrays = None
            with np.errstate(over="ignore", invalid="ignore"):
                for t in range(len(self.points), steps + 1):
                    theta.grad[:] = s.grad(*theta.data)
                    self.opt.step()
                    if not np.all(np.abs(theta.data) < DIVERGED):  # also catches inf and nan
                        self.diverged = t
                        break
                    self.points.append(theta.data.copy())
        if self._arrays is None:
            points = np.array(self.points)
            self._arrays = points, s.f(points[:, 0], points[:, 1])
        points, f = self._arrays
        if self.diverged is not None and self.diverged <= steps:
            return Path(self.name, self.lr, points, f, self.diverged)
        return Path(self.name, self.lr, points[: steps + 1], f[: steps + 1], None)


def run_path(surface, name, lr, start, steps):
    """Run one optimizer for ``steps`` steps on ``surface``; returns a :class:`Path`."""
    s = _surface(surface, "run_path")
    return _Runner(s, name, lr, start).path(steps)


def race(surface="quadratic", lrs=None, start=None, steps=None):
    """Run every optimizer of :data:`OPTIMIZER_NAMES` on ``surface`` from the same start.

    Parameters
    ----------
    surface : str
        A key of :data:`SURFACES` ("quadratic", "rosenbrock", "saddle").
    lrs : dict, optional
        Learning rate per optimizer name; missing names take the surface's defaults.
    start : (float, float), optional
        The start point (default: the surface's).
    steps : int, optional
        Number of steps (default: the surface's).

    Returns
    -------
    dict
        ``name -> Path``, in :data:`OPTIMIZER_NAMES` order.

    Examples
    --------
    >>> paths = race("quadratic", steps=1)
    >>> paths["SGD"].points[1]          # (-4, 1) - 0.035 * (-4, 50)
    array([-3.86, -0.75])
    """
    s = _surface(surface, "race")
    chosen = dict(s.lrs)
    for name, lr in (lrs or {}).items():
        if name not in OPTIMIZER_NAMES:
            raise ValueError(f"race: expected lrs keys in {list(OPTIMIZER_NAMES)}, got {name!r}")
        chosen[name] = check_number(lr, "race", f"lrs[{name!r}]", lo=0)
    start = s.start if start is None else start
    if len(start) != 2:
        raise ValueError(f"race: expected start as a pair (x, y), got {start!r}")
    start = tuple(check_number(v, "race", "start") for v in start)
    steps = s.steps if steps is None else check_int(steps, "race", "steps", lo=0)
    return {n: run_path(s, n, chosen[n], start, steps) for n in OPTIMIZER_NAMES}


def _fmt(x: float) -> str:
    """Four decimals, or scientific notation for tiny and huge values (never '0.0000')."""
    if not np.isfinite(x):
        return "diverged"
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:.4f}"
    return f"{x:.3e}"


def race_readout(paths, step=None):
    """The widget's text: ``"after 100 steps: SGD f = 0.0064, Momentum f = ..."``.

    ``step`` defaults to the length of the race. A diverged path reads ``f = diverged``.
    """
    if step is None:
        step = max(
            len(p.points) - 1 if p.diverged_at is None else p.diverged_at for p in paths.values()
        )
    parts = [f"{name} f = {_fmt(p.f_at(step))}" for name, p in paths.items()]
    return f"after {step} step{'' if step == 1 else 's'}: " + ", ".join(parts)


# ----------------------------------------------------------------------------- drawing
def _contours(ax, s, n=121, antialiased=True):
    xs = np.linspace(*s.xlim, n)
    ys = np.linspace(*s.ylim, n)
    xx, yy = np.meshgrid(xs, ys)
    cs = ax.contour(
        xx,
        yy,
        s.f(xx, yy),
        levels=list(s.levels),
        colors="0.6",
        linewidths=0.7,
        antialiased=antialiased,
        zorder=1.5,  # under the paths, which are drawn over a saved contour background
    )
    for mx, my in s.minima:
        ax.plot([mx], [my], "*", color="0.15", ms=11, zorder=5)
    ax.set_xlim(*s.xlim)
    ax.set_ylim(*s.ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"{s.title}: {s.formula}", fontsize=9)
    return cs


def _gap(path, s, upto=None):
    """``f - f_min`` along a path (clipped at 1e-16 for a log axis)."""
    f = path.f if upto is None else path.f[: upto + 1]
    return np.maximum(f - s.f_min, 1e-16)


class OptimizerRace:
    """The optimizer race: controls, numbers and a figure that follows the controls.

    Parameters
    ----------
    surface : str, default "quadratic"
        A key of :data:`SURFACES`.
    lrs : dict, optional
        Learning rate per optimizer (default: the surface's).
    start : (float, float), optional
        Start point (default: the surface's).
    steps : int, optional
        Number of steps (default: the surface's).

    Examples
    --------
    >>> r = OptimizerRace("quadratic", steps=1)
    >>> r.readout().split(", ")[0]
    'after 1 step: SGD f = 21.5123'
    """

    def __init__(self, surface="quadratic", lrs=None, start=None, steps=None):
        self.fig = self._blitter = None
        self.surface = _surface(surface, "OptimizerRace")
        self.lrs, self.start, self.steps = dict(self.surface.lrs), self.surface.start, None
        self.set(lrs=lrs, start=start, steps=steps)

    def set(self, surface=None, lrs=None, start=None, steps=None):
        """Change any control; returns ``self``. A new surface first resets the other controls
        to its defaults (then those given in the same call apply)."""
        s = self.surface if surface is None else _surface(surface, "OptimizerRace.set")
        new_surface = s is not self.surface
        base_lrs, base_start, base_steps = (
            (dict(s.lrs), s.start, s.steps)
            if new_surface or self.steps is None
            else (self.lrs, self.start, self.steps)
        )
        lrs = {**base_lrs, **(lrs or {})}
        start = base_start if start is None else tuple(start)
        steps = base_steps if steps is None else steps
        race(s.key, lrs, start, 0)  # validates every control before anything changes
        old = getattr(self, "paths", {})
        same = s is self.surface and start == self.start and steps == self.steps
        self.paths = {  # rerun only the optimizers whose settings changed
            name: old[name]
            if same and name in old and old[name].lr == lrs[name]
            else self._runner(s, name, lrs[name], start).path(steps)
            for name in OPTIMIZER_NAMES
        }
        self.surface, self.lrs, self.start, self.steps = s, lrs, start, steps
        if self.fig is not None:
            self._update(redraw_surface=new_surface)
        return self

    def _runner(self, s, name, lr, start):
        """The run of ``name`` with these settings (kept: more or fewer steps cost little)."""
        runners = self.__dict__.setdefault("_runners", {})
        key = (s.key, name, float(lr), tuple(float(v) for v in start))
        if key not in runners:
            if len(runners) >= 256:
                runners.clear()
            runners[key] = _Runner(s, name, lr, start)
        return runners[key]

    def final_f(self):
        """``name -> f`` after the last step (``inf`` for a diverged path)."""
        return {name: p.f_at(self.steps) for name, p in self.paths.items()}

    def readout(self):
        """The text the widget shows (see :func:`race_readout`)."""
        return race_readout(self.paths, self.steps)

    # ------------------------------------------------------------------ figure
    def figure(self):
        """The figure (created once, then updated in place by :meth:`set`)."""
        if self.fig is None:
            self._draw()
        return self.fig

    def to_png(self, dpi=80):
        """The figure as PNG bytes, fast: the contour plot is a saved background.

        Only the paths, the start point and the loss panel (whose axes follow the data) are
        drawn again; a new surface draws everything once (the same picture as
        ``figure_to_png(self.figure(), dpi=dpi)``, pixel for pixel).
        """
        from nbcore.widgets._html import _Blitter

        self.figure()
        ax_c, ax_f = self._ax_c, self._ax_f
        if self._blitter is None or self._blitter_surface is not self.surface:
            changing = [*ax_c.lines, *ax_c.spines.values()]  # stars and spines: over the paths
            changing += [
                a for a in ax_f.get_children() if a not in (ax_f.patch, *ax_f._axis_map.values())
            ]
            layers = [[ax_f.xaxis], [ax_f.yaxis], changing]  # the grid is below the curves
            self._blitter, self._blitter_surface = _Blitter(self.fig, layers), self.surface
            self._blit_key = None
        xlim, ylim = ax_f.get_xlim(), ax_f.get_ylim()
        if self._blit_key is not None and xlim != self._blit_key[0]:
            self._blitter.invalidate(0)  # new x ticks
        elif self._blit_key is not None and ylim != self._blit_key[1]:
            self._blitter.invalidate(1)  # new y ticks
        self._blit_key = (xlim, ylim)
        return self._blitter.png(dpi)

    def _draw(self):
        from matplotlib.figure import Figure

        fig = Figure(figsize=(9, 3.6))  # fixed margins: a layout engine would redo each draw
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.28)
        self._ax_c, self._ax_f = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        self._lines, self._curves = {}, {}
        for name in OPTIMIZER_NAMES:
            color, marker = _STYLES[name]
            self._lines[name] = self._ax_c.plot(
                [], [], "-", marker=marker, ms=3, markevery=0.1, color=color, lw=1.4, label=name
            )[0]
            self._curves[name] = self._ax_f.plot([], [], color=color, lw=1.6, label=name)[0]
        self._start = self._ax_c.plot([], [], "o", color="0.1", ms=6, zorder=6)[0]
        self._ax_f.set_xlabel("step t")
        # log10 of the gap on a linear axis: the same picture as a log axis, drawn much faster
        self._ax_f.set_ylabel("log₁₀( f(θ_t) − f_min )")
        self._ax_f.grid(alpha=0.3)
        self._ax_f.set_axisbelow(True)  # grid under the curves: one saved picture per tick set
        self._ax_f.legend(fontsize=7, loc="upper right")
        self._cs = self._blitter = None
        self.fig = fig
        self._update(redraw_surface=True)

    def _update(self, redraw_surface=False):
        s = self.surface
        if redraw_surface or self._cs is None:
            if self._cs is not None:
                self._cs.remove()
                for artist in list(self._ax_c.lines):
                    if artist.get_marker() == "*":
                        artist.remove()
            self._cs = _contours(self._ax_c, s)
        for name, path in self.paths.items():
            self._lines[name].set_data(path.points[:, 0], path.points[:, 1])
            self._curves[name].set_data(np.arange(len(path.f)), np.log10(_gap(path, s)))
        self._start.set_data([self.start[0]], [self.start[1]])
        gaps = np.log10(np.concatenate([_gap(p, s) for p in self.paths.values()]))
        self._ax_f.set_xlim(0, max(self.steps, 1))
        self._ax_f.set_ylim(gaps.min() - 0.5, gaps.max() + 0.5)
        self._ax_f.set_title(f"after {self.steps} steps", fontsize=9)


def show_optimizer_race(surface="quadratic"):
    """The live optimizer race (needs a running kernel).

    Controls, each with a CSS class for the browser tests: a dropdown for the surface
    (``nbcore-ctl-surface``), one learning-rate slider per optimizer on a log scale
    (``nbcore-ctl-lr-sgd``, ``-momentum``, ``-adagrad``, ``-rmsprop``, ``-adam``), the start
    point (``nbcore-ctl-x0``, ``nbcore-ctl-y0``) and the number of steps (``nbcore-ctl-steps``).
    Choosing a surface resets the other controls to its defaults. The readout
    (``nbcore-readout``) is :meth:`OptimizerRace.readout`, e.g.
    ``after 100 steps: SGD f = 0.0064, Momentum f = 0.0003, ...``.

    Returns
    -------
    ipywidgets.VBox
        With the logic object as ``.race``, the controls as ``.controls`` (a dict keyed by the
        names above without the ``nbcore-ctl-`` prefix), and ``.readout``, ``.image``.
    """
    import ipywidgets as widgets

    r = OptimizerRace(surface)
    style = {"description_width": "initial"}
    dropdown = widgets.Dropdown(
        options=[(s.title, key) for key, s in SURFACES.items()],
        value=r.surface.key,
        description="surface",
        style=style,
    )
    dropdown.add_class("nbcore-ctl-surface")
    lr_sliders = {}
    for name in OPTIMIZER_NAMES:
        sl = widgets.FloatLogSlider(
            value=r.lrs[name],
            base=10,
            min=-4,
            max=1,
            step=0.01,
            description=f"lr {name}",
            readout_format=".3g",
            style=style,
            continuous_update=False,
        )
        sl.add_class(f"nbcore-ctl-lr-{name.lower()}")
        lr_sliders[name] = sl
    x0 = widgets.FloatSlider(
        value=r.start[0],
        min=-4.5,
        max=4.5,
        step=0.05,
        description="x₀",
        style=style,
        continuous_update=False,
    )
    y0 = widgets.FloatSlider(
        value=r.start[1],
        min=-1.5,
        max=1.5,
        step=0.001,
        description="y₀",
        readout_format=".3f",
        style=style,
        continuous_update=False,
    )
    steps = widgets.IntSlider(
        value=r.steps,
        min=1,
        max=1000,
        step=1,
        description="steps",
        style=style,
        continuous_update=False,
    )
    for ctl, cls in ((x0, "x0"), (y0, "y0"), (steps, "steps")):
        ctl.add_class(f"nbcore-ctl-{cls}")
    readout = widgets.HTML()
    readout.add_class("nbcore-readout")
    image = widgets.Image(format="png")
    busy = {"on": False}  # True while the controls are being reset to a surface's defaults

    def show():
        readout.value = r.readout()
        image.value = r.to_png(dpi=80)

    def on_surface(change):
        busy["on"] = True
        r.set(surface=dropdown.value)
        for name, sl in lr_sliders.items():
            sl.value = r.lrs[name]
        x0.value, y0.value, steps.value = r.start[0], r.start[1], r.steps
        busy["on"] = False
        show()

    def on_control(change):
        if busy["on"]:
            return
        r.set(
            lrs={name: sl.value for name, sl in lr_sliders.items()},
            start=(x0.value, y0.value),
            steps=steps.value,
        )
        show()

    dropdown.observe(on_surface, names="value")
    for ctl in (*lr_sliders.values(), x0, y0, steps):
        ctl.observe(on_control, names="value")
    show()
    controls = widgets.HBox(
        [
            widgets.VBox([dropdown, x0, y0, steps]),
            widgets.VBox(list(lr_sliders.values())),
        ]
    )
    box = widget_box(
        [controls, readout, image],
        lambda: f"OptimizerRaceWidget(surface={r.surface.key!r}, steps={r.steps})",
    )
    box.add_class("nbcore-optimizer-race")
    box.race = r  # the logic object, for tests and for curious readers
    # the names every chapter widget uses (tests, benchmarks/widgets.py): controls by CSS name
    box.controls = {"surface": dropdown, "x0": x0, "y0": y0, "steps": steps}
    box.controls.update({f"lr-{n.lower()}": sl for n, sl in lr_sliders.items()})
    box.readout, box.image = readout, image
    return box


def default_state_figure(surface="quadratic"):
    """The race's figure at its default controls, for the HTML book's static fallback."""
    return OptimizerRace(surface).figure()


#: The numbers of steps the kernel-free scrubber offers (one frame each).
SCRUBBER_STEPS = (0, 1, 3, 10, 20, 50, 100, 200, 500)


class RaceFrames:
    """The scrubber's frames: the three surfaces one under the other, the first ``step`` steps.

    The figure is drawn once; calling the object with a number of steps moves the paths and
    the legends (one right of each surface, listing every optimizer's f after that many steps)
    and returns the same figure, so each frame costs one PNG rendering only. Every text is 9 pt
    or more and the figure is 461 px wide at 72 dpi, so a phone shows it unshrunk.

    Parameters
    ----------
    steps : int, default 500
        Length of the races (each surface at its default learning rates and start).
    """

    def __init__(self, steps=500):
        from matplotlib.figure import Figure

        self.races = {key: race(key, steps=steps) for key in SURFACES}
        fig = Figure(figsize=(6.4, 7.9))
        # a column of plots, their legends in the right margin (outside the paths)
        fig.subplots_adjust(left=0.1, right=0.6, bottom=0.055, top=0.9, hspace=0.45)
        self._lines, self._heads, self._legends = [], [], []
        for ax, (key, paths) in zip(fig.subplots(3, 1), self.races.items(), strict=True):
            s = SURFACES[key]
            _contours(ax, s, n=121, antialiased=False)  # crisp lines keep the PNG small
            ax.set_title("")  # the surface's name and formula over the plot and its legend:
            ax.set_title(f"{s.title}: {s.formula}", loc="left", fontsize=10)
            ax.set_xlabel("x", fontsize=9, labelpad=1)
            ax.set_ylabel("y", fontsize=9, labelpad=1)
            ax.tick_params(labelsize=9)
            ax.plot([s.start[0]], [s.start[1]], "o", color="0.1", ms=5)
            for name in paths:
                color, marker = _STYLES[name]
                self._lines.append((paths[name], ax.plot([], [], "-", color=color, lw=1.3)[0]))
                self._heads.append(ax.plot([], [], marker, color=color, ms=6, label=name)[0])
            legend = ax.legend(
                fontsize=9,
                loc="center left",
                bbox_to_anchor=(1.02, 0.5),
                handletextpad=0.3,
                borderaxespad=0,
                frameon=False,
            )
            self._legends.append((paths, legend))
        self._title = fig.text(0.5, 0.995, "", ha="center", va="top", fontsize=10)
        self.fig = fig

    def __call__(self, step):
        step = check_int(step, "RaceFrames", "step", lo=0)
        for (path, line), head in zip(self._lines, self._heads, strict=True):
            pts = path.points[: step + 1]
            line.set_data(pts[:, 0], pts[:, 1])
            head.set_data(pts[-1:, 0], pts[-1:, 1])
        for paths, legend in self._legends:
            for text, (name, p) in zip(legend.get_texts(), paths.items(), strict=True):
                text.set_text(f"{name}: f = {_fmt(p.f_at(min(step, len(p.f) - 1)))}")
        steps = f"{step} step{'' if step == 1 else 's'}"
        self._title.set_text(
            f"The optimizer race after {steps}\n"
            f"(default learning rates; each legend: f after {steps})"
        )
        return self.fig


def race_frame(step):
    """One frame of the scrubber as a new figure (see :class:`RaceFrames`)."""
    return RaceFrames()(step)


def race_scrubber(values=SCRUBBER_STEPS, start=50):
    """Kernel-free widget: a slider over the number of steps shown (works in the HTML book)."""
    from nbcore.widgets._html import frame_scrubber

    values = list(values)
    alt = (
        "SGD, Momentum, AdaGrad, RMSprop and Adam racing on three surfaces (an ill-conditioned "
        "quadratic, Rosenbrock's valley, a saddle): their paths over the contour lines, and f"
    )
    return frame_scrubber(RaceFrames(max(values)), values, "steps shown", start=start, alt=alt)
