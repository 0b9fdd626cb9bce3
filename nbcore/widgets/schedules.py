"""Chapter 9's widget: the schedule explorer (learning-rate schedules and what they do).

One small, fixed training task (the two moons, a 2-16-16-1 tanh network, SGD with momentum 0.9,
30 epochs of batch 40) is trained under a learning-rate schedule chosen by the reader: its type,
its peak rate and, for warm-up + cosine, the length of the warm-up. The figure shows the
learning rate of every epoch and the training loss of every epoch.

The schedules are built from :mod:`nbcore.lr_scheduler` with PyTorch's semantics: one
``scheduler.step()`` per epoch, after the epoch's updates; the rate used in epoch ``e``
(counted from 0) is ``get_last_lr()`` after ``e`` steps.

Introduced in chapter 9 (Training deep networks in practice).
"""

from __future__ import annotations

import functools

import numpy as np

import nbcore as nc
from nbcore.widgets._html import widget_box

__all__ = [
    "SCHEDULES",
    "PEAKS",
    "WARMUPS",
    "DEFAULTS",
    "make_scheduler",
    "lr_curve",
    "ScheduleExplorer",
    "schedule_scrubber",
    "show_schedule_explorer",
]

#: The schedule types the explorer offers.
SCHEDULES = ("constant", "step", "exponential", "cosine", "warm-up + cosine")
#: Peak learning rates offered by the live widget's slider.
PEAKS = (0.01, 0.03, 0.1, 0.3, 1.0, 2.0)
#: Warm-up lengths (epochs) offered by the live widget's slider.
WARMUPS = tuple(range(0, 11))
#: The default state: what the HTML page's figure shows.
DEFAULTS = {"schedule": "warm-up + cosine", "peak": 1.0, "warmup": 5, "epochs": 30}


def make_scheduler(kind, optimizer, epochs=30, warmup=5):
    """A scheduler of type ``kind`` for ``optimizer`` (None for ``"constant"``).

    ``"step"``: ``StepLR(step_size=epochs // 3, gamma=0.1)``; ``"exponential"``:
    ``ExponentialLR(gamma=0.9)``; ``"cosine"``: ``CosineAnnealingLR(T_max=epochs)``;
    ``"warm-up + cosine"``: ``LinearLR(start_factor=1 / (warmup + 1), total_iters=warmup)``
    for ``warmup`` epochs, then ``CosineAnnealingLR(T_max=epochs - warmup)``, chained by
    ``SequentialLR(milestones=[warmup])`` (plain cosine when ``warmup`` is 0).
    """
    from nbcore import lr_scheduler as S

    if kind not in SCHEDULES:
        raise ValueError(f"make_scheduler: expected kind to be one of {SCHEDULES}, got {kind!r}")
    if kind == "constant":
        return None
    if kind == "step":
        return S.StepLR(optimizer, step_size=max(1, epochs // 3), gamma=0.1)
    if kind == "exponential":
        return S.ExponentialLR(optimizer, gamma=0.9)
    if kind == "cosine" or warmup == 0:
        return S.CosineAnnealingLR(optimizer, T_max=epochs)
    warm = S.LinearLR(optimizer, start_factor=1 / (warmup + 1), total_iters=warmup)
    cosine = S.CosineAnnealingLR(optimizer, T_max=epochs - warmup)
    return S.SequentialLR(optimizer, [warm, cosine], milestones=[warmup])


def lr_curve(kind, peak=0.1, warmup=5, epochs=30):
    """The learning rate of each of ``epochs`` epochs under schedule ``kind`` (an array)."""
    opt = nc.SGD([nc.Parameter(np.zeros(1))], lr=peak)
    sched = make_scheduler(kind, opt, epochs, warmup)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.lr)
        if sched is not None:
            sched.step()
    return np.array(lrs)


@functools.cache
def _moons():
    X, y = nc.make_moons(200, noise=0.2, rng=np.random.default_rng(0))
    X, _, _ = nc.standardize(X)
    return X, y.reshape(-1, 1).astype(float)


class ScheduleExplorer:
    """The explorer's logic: train the fixed task under one schedule; no widgets.

    ``run()`` returns a dict with ``lrs`` and ``losses`` (one per epoch) and ``final_loss``
    (the mean training loss of the last epoch); ``readout()`` formats it.
    """

    def __init__(self, schedule="warm-up + cosine", peak=1.0, warmup=5, epochs=30):
        self.configure(schedule=schedule, peak=peak, warmup=warmup, epochs=epochs)

    def configure(self, **config):
        """Change any of ``schedule``, ``peak``, ``warmup``, ``epochs`` and train again."""
        current = getattr(self, "config", dict(DEFAULTS))
        self.config = {**current, **config}
        c = self.config
        if c["schedule"] not in SCHEDULES:
            raise ValueError(f"ScheduleExplorer: unknown schedule {c['schedule']!r}")
        if not 0 <= int(c["warmup"]) < int(c["epochs"]):
            raise ValueError("ScheduleExplorer: expected 0 <= warmup < epochs")
        self.result = self.run()
        return self.result

    def run(self):
        """Train from the same initial weights and batches; returns lrs, losses, final_loss."""
        c = self.config
        X, Y = _moons()
        model = nc.MLP([2, 16, 16, 1], "tanh", rng=np.random.default_rng(0))
        opt = nc.SGD(model.parameters(), lr=float(c["peak"]), momentum=0.9)
        sched = make_scheduler(c["schedule"], opt, int(c["epochs"]), int(c["warmup"]))
        loss_fn, lrs, losses = nc.BCEWithLogitsLoss(), [], []
        rng = np.random.default_rng(1)
        for _ in range(int(c["epochs"])):
            lrs.append(opt.lr)
            if losses and not np.isfinite(losses[-1]):
                losses.append(np.nan)  # diverged: nothing left to train
            else:
                with np.errstate(all="ignore"):
                    h = nc.train(
                        model, loss_fn, opt, X, Y, epochs=1, batch_size=40, rng=rng, progress=False
                    )
                losses.append(h.loss[-1])
            if sched is not None:
                sched.step()
        return {"lrs": np.array(lrs), "losses": np.array(losses), "final_loss": losses[-1]}

    def readout(self):
        """E.g. ``"final training loss 0.0123 — last learning rate 0.0027"``."""
        r = self.result
        return f"final training loss {r['final_loss']:.4f} — last learning rate {r['lrs'][-1]:.4f}"

    def figure(self, title=True):
        """Two panels: the learning rate per epoch, the training loss per epoch (log scale)."""
        import matplotlib.pyplot as plt

        from nbcore.plotting import COLORS

        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
        epochs = np.arange(len(self.result["lrs"]))
        (self._lr_line,) = ax1.plot(epochs, self.result["lrs"], "o-", ms=3, color=COLORS[0])
        ax1.set(xlabel="epoch", ylabel="learning rate η", title="the schedule")
        (self._loss_line,) = ax2.semilogy(
            epochs, self.result["losses"], "o-", ms=3, color=COLORS[1]
        )
        ax2.set(xlabel="epoch", ylabel="training loss (log scale)", title="the training run")
        self._axes, self._title = (ax1, ax2), title
        fig.tight_layout(rect=(0, 0, 1, 0.92) if title else None)
        self._update_figure()
        return fig

    def _update_figure(self):
        """Put the current result into the figure's two lines (no new figure: fast)."""
        r, c = self.result, self.config
        ax1, ax2 = self._axes
        self._lr_line.set_ydata(r["lrs"])
        self._loss_line.set_ydata(r["losses"])
        ax1.set_ylim(0, 1.05 * max(c["peak"], 1e-12))
        finite = r["losses"][np.isfinite(r["losses"])]
        if finite.size:
            ax2.set_ylim(0.7 * finite.min(), 1.4 * finite.max())
        if self._title:
            ax1.figure.suptitle(
                f"{c['schedule']}, peak η = {c['peak']:g}, warm-up {c['warmup']}"
                f" — {self.readout()}",
                fontsize=9,
            )

    def __repr__(self):
        c = self.config
        return (
            f"ScheduleExplorer(schedule={c['schedule']!r}, peak={c['peak']:g}, "
            f"warmup={c['warmup']}, {self.readout()})"
        )


def schedule_scrubber(peak=1.0, warmup=5):
    """Kernel-free: a slider over the schedule types at one peak rate (works in the HTML book).

    One figure is drawn and updated for each schedule type (faster than a new figure per frame),
    each state stored as a PNG frame (see ``frame_scrubber``).
    """
    import matplotlib.pyplot as plt

    from nbcore.widgets._html import FRAME_SCALE, figure_to_png, frames_control

    explorer = ScheduleExplorer(peak=peak, warmup=warmup)
    fig = explorer.figure()
    pngs = []
    for kind in SCHEDULES:
        explorer.configure(schedule=kind)
        explorer._update_figure()
        pngs.append(figure_to_png(fig, dpi=72 * FRAME_SCALE, close=False, colors=64))
    plt.close(fig)
    start = SCHEDULES.index("warm-up + cosine")
    alt = f"The learning rate of every epoch under the schedule (peak {peak:g}, warm-up {warmup})"
    return frames_control(pngs, list(SCHEDULES), "schedule", start=start, alt=alt)


def show_schedule_explorer(**config):
    """The live explorer: schedule type, peak rate, warm-up length; figure and readout.

    Needs a kernel. The controls have the CSS classes ``nbcore-ctl-schedule``,
    ``nbcore-ctl-peak`` and ``nbcore-ctl-warmup``; the readout (class ``nbcore-readout``) is
    :meth:`ScheduleExplorer.readout`. Returns a box with ``explorer``, ``controls``,
    ``readout`` and ``image``.
    """
    import ipywidgets as widgets

    from nbcore.widgets._html import figure_to_png

    ex = ScheduleExplorer(**config)
    c = ex.config
    style = {"description_width": "initial"}
    ctl = {
        "schedule": widgets.Dropdown(
            options=SCHEDULES, value=c["schedule"], description="schedule"
        ),
        "peak": widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in PEAKS], value=c["peak"], description="peak η"
        ),
        "warmup": widgets.IntSlider(value=c["warmup"], min=0, max=10, description="warm-up epochs"),
    }
    for name, w in ctl.items():
        w.add_class(f"nbcore-ctl-{name}")
        w.style = style
    readout = widgets.HTML(ex.readout())
    readout.add_class("nbcore-readout")
    fig = ex.figure(title=False)
    image = widgets.Image(value=figure_to_png(fig, close=False), format="png")
    import matplotlib.pyplot as plt

    plt.close(fig)  # kept and redrawn by this widget only, never shown by Jupyter

    def update(_change=None):
        ex.configure(**{name: w.value for name, w in ctl.items()})
        ex._update_figure()
        readout.value = ex.readout()
        image.value = figure_to_png(fig, close=False)

    for w in ctl.values():
        w.observe(update, names="value")
    box = widget_box(
        [widgets.HBox(list(ctl.values())), readout, image],
        lambda: f"ScheduleExplorerWidget({ex!r})",
    )
    box.add_class("nbcore-schedule-explorer")
    box.explorer, box.controls, box.readout, box.image = ex, ctl, readout, image
    return box
