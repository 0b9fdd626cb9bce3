"""Chapter 8 widget: a small training playground in the spirit of TensorFlow Playground.

The logic (:class:`Playground`) is separate from the user interface (:func:`show_playground`).
A ``Playground`` holds one configuration (data set, depth, width, activation, learning rate, L2,
batch size), a network and its optimizer; ``step(n_epochs)`` trains with :func:`nbcore.train`
and returns the state (epoch, losses, accuracies, their histories). Its figure (decision
boundary and loss curves) is drawn once and then only updated (``set_data``), so one step of a
few epochs on 300 points takes a few milliseconds and can be tested without a browser.

Training is exactly::

    model = nc.MLP([2] + [width] * depth + [1], activation, rng=np.random.default_rng(seed))
    optimizer = nc.SGD(model.parameters(), lr=lr, weight_decay=l2)
    nc.train(model, nc.BCEWithLogitsLoss(), optimizer, X_train, Y_train, epochs=...,
             batch_size=batch_size, rng=np.random.default_rng(seed + 1), progress=False)

on the data of :func:`make_dataset`, and the readout is computed after each epoch on the whole
training and test sets, so :func:`train_reference` (one ``nc.train`` call) reproduces every
number the widget shows (as long as the run does not diverge).

Introduced in chapter 8 (Training a network end to end).
"""

from __future__ import annotations

import numpy as np

import nbcore as nc
from nbcore.plotting import COLORS, MARKERS
from nbcore.widgets._html import widget_box

#: The data sets of the playground (two classes each).
DATASETS = ("moons", "circles", "xor", "spirals")
#: Hidden activations offered (names of ``nbcore.MLP``).
ACTIVATIONS = ("tanh", "relu", "sigmoid", "identity")
#: Learning rates offered by the slider.
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
#: L2 strengths offered (``weight_decay`` of ``nc.SGD``, i.e. lambda / m).
L2_VALUES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)
#: Batch sizes offered (None: the full training set, plain gradient descent).
BATCH_SIZES = (1, 10, 30, 100, None)
#: The default configuration.
DEFAULTS = {
    "dataset": "moons",
    "depth": 2,
    "width": 4,
    "activation": "tanh",
    "lr": 0.1,
    "l2": 0.0,
    "batch_size": 30,
    "seed": 0,
}

__all__ = [
    "DATASETS",
    "ACTIVATIONS",
    "LEARNING_RATES",
    "L2_VALUES",
    "BATCH_SIZES",
    "DEFAULTS",
    "make_dataset",
    "readout_text",
    "train_reference",
    "Playground",
    "playground_scrubber",
    "show_playground",
]


def make_dataset(name="moons", n_samples=300, seed=0):
    """The playground's data: 300 points of one toy set, split 80/20 and standardised.

    Parameters
    ----------
    name : {"moons", "circles", "xor", "spirals"}
    n_samples : int
    seed : int
        Seeds the generator and the split (``np.random.default_rng(seed)``).

    Returns
    -------
    X_train, y_train, X_test, y_test
        ``X`` of shape (m, 2), standardised with the training mean and std; ``y`` int labels
        (m,) in {0, 1}.
    """
    if name not in DATASETS:
        raise ValueError(f"make_dataset: expected name in {DATASETS}, got {name!r}")
    rng = np.random.default_rng(seed)
    if name == "moons":
        X, y = nc.make_moons(n_samples, noise=0.1, rng=rng)
    elif name == "circles":
        X, y = nc.make_circles(n_samples, noise=0.1, factor=0.5, rng=rng)
    elif name == "xor":
        X, y = nc.make_xor(n_samples, noise=0.15, rng=rng)
    else:
        X, y = nc.make_spirals(n_samples, n_classes=2, noise=0.2, rng=rng)
    X_train, X_test, y_train, y_test = nc.train_test_split(X, y, test_size=0.2, rng=rng)
    X_train, mean, std = nc.standardize(X_train)
    X_test, _, _ = nc.standardize(X_test, mean, std)
    return X_train, y_train, X_test, y_test


def readout_text(state):
    """``"epoch 100 — loss 0.2345 — train accuracy 0.9633 — test accuracy 0.9500"``."""
    return (
        f"epoch {state['epoch']} — loss {state['loss']:.4f} — "
        f"train accuracy {state['train_accuracy']:.4f} — "
        f"test accuracy {state['test_accuracy']:.4f}"
    )


def _check_config(config):
    """The configuration with defaults filled in, validated; raises ValueError/TypeError."""
    unknown = set(config) - set(DEFAULTS)
    if unknown:
        raise TypeError(
            f"Playground.configure: unexpected controls {sorted(unknown)}; "
            f"expected some of {sorted(DEFAULTS)}"
        )
    c = {**DEFAULTS, **config}
    if c["dataset"] not in DATASETS:
        raise ValueError(f"Playground: expected dataset in {DATASETS}, got {c['dataset']!r}")
    if c["activation"] not in ACTIVATIONS:
        raise ValueError(
            f"Playground: expected activation in {ACTIVATIONS}, got {c['activation']!r}"
        )
    for name, lo, hi in (("depth", 0, 6), ("width", 1, 64), ("seed", 0, 2**31)):
        v = c[name]
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
            raise ValueError(f"Playground: expected {name} an int in [{lo}, {hi}], got {v!r}")
        c[name] = int(v)
    for name in ("lr", "l2"):
        v = c[name]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < np.inf:
            raise ValueError(f"Playground: expected {name} a number >= 0, got {v!r}")
        c[name] = float(v)
    bs = c["batch_size"]
    if bs is not None and (isinstance(bs, bool) or not isinstance(bs, (int, np.integer))):
        raise ValueError(f"Playground: expected batch_size an int >= 1 or None, got {bs!r}")
    if bs is not None and bs < 1:
        raise ValueError(f"Playground: expected batch_size an int >= 1 or None, got {bs!r}")
    return c


def _metrics(model, loss_fn, X, Y):
    """Loss and accuracy of ``model`` (eval mode) on the whole set X, Y (Y of shape (m, 1))."""
    logits = model.predict(X)
    return float(loss_fn(logits, Y)), float(np.mean((logits[:, 0] > 0) == (Y[:, 0] > 0.5)))


def train_reference(epochs, **config):
    """Train one configuration for ``epochs`` epochs in a single ``nc.train`` call.

    The numbers equal those of a :class:`Playground` stepped to the same epoch in any number of
    steps, which is what the tests check. Returns ``(model, state)`` with ``state`` as in
    :meth:`Playground.state` (without histories).
    """
    c = _check_config(config)
    X_train, y_train, X_test, y_test = make_dataset(c["dataset"], seed=c["seed"])
    Y_train, Y_test = y_train.reshape(-1, 1).astype(float), y_test.reshape(-1, 1).astype(float)
    sizes = [2] + [c["width"]] * c["depth"] + [1]
    model = nc.MLP(sizes, c["activation"], rng=np.random.default_rng(c["seed"]))
    optimizer = nc.SGD(model.parameters(), lr=c["lr"], weight_decay=c["l2"])
    loss_fn = nc.BCEWithLogitsLoss()
    if epochs > 0:
        nc.train(
            model,
            loss_fn,
            optimizer,
            X_train,
            Y_train,
            epochs=epochs,
            batch_size=c["batch_size"],
            rng=np.random.default_rng(c["seed"] + 1),
            progress=False,
        )
    loss, acc = _metrics(model, loss_fn, X_train, Y_train)
    test_loss, test_acc = _metrics(model, loss_fn, X_test, Y_test)
    state = {
        "epoch": epochs,
        "loss": loss,
        "test_loss": test_loss,
        "train_accuracy": acc,
        "test_accuracy": test_acc,
    }
    return model, state


class Playground:
    """Train a small network on a 2-D toy set, a few epochs at a time.

    Parameters
    ----------
    figure : bool
        Draw a figure (decision boundary and loss curves) and update it after every step.
    grid_steps : int
        Resolution of the decision-boundary image (grid_steps x grid_steps points).
    title : bool
        Show the readout (and a warning when the run diverged) as the figure's title. The live
        widget turns it off: it shows the same text next to its controls, and drawing a long
        title on every step would cost a quarter of the step's time.
    **config
        Initial configuration (see :meth:`configure`).

    Examples
    --------
    >>> pg = Playground(figure=False)
    >>> state = pg.step(5)
    >>> state["epoch"], len(state["loss_history"])
    (5, 6)
    """

    def __init__(self, *, figure=True, grid_steps=60, title=True, **config):
        self.grid_steps = int(grid_steps)
        self.title = bool(title)
        self.fig = None
        self._figure = bool(figure)
        self._blitter, self._blit_keys = None, [None, None]  # to_png's partial redraws
        self.configure(**config)

    # ------------------------------------------------------------------ logic
    def configure(self, **config):
        """Set the controls and start again from epoch 0 with fresh weights.

        Controls: ``dataset`` (one of ``DATASETS``), ``depth`` (hidden layers, 0-6), ``width``
        (units per hidden layer), ``activation`` (one of ``ACTIVATIONS``), ``lr``, ``l2``
        (``weight_decay``), ``batch_size`` (int or None for the full set), ``seed``. Controls not
        given keep their current value (the defaults at first). Returns the state.
        """
        current = getattr(self, "config", {})
        self.config = _check_config({**current, **config})
        c = self.config
        self.X_train, self.y_train, self.X_test, self.y_test = make_dataset(
            c["dataset"], seed=c["seed"]
        )
        self.Y_train = self.y_train.reshape(-1, 1).astype(float)
        self.Y_test = self.y_test.reshape(-1, 1).astype(float)
        sizes = [2] + [c["width"]] * c["depth"] + [1]
        self.model = nc.MLP(sizes, c["activation"], rng=np.random.default_rng(c["seed"]))
        self.optimizer = nc.SGD(self.model.parameters(), lr=c["lr"], weight_decay=c["l2"])
        self.loss_fn = nc.BCEWithLogitsLoss()
        self._shuffle_rng = np.random.default_rng(c["seed"] + 1)
        self.epoch = 0
        self._blown_up = False
        self.history = {"loss": [], "test_loss": [], "train_accuracy": [], "test_accuracy": []}
        self._record()
        if self._figure:
            self._draw_data()
            self.update_figure()
        return self.state()

    def step(self, n_epochs=1):
        """Train ``n_epochs`` more epochs (mini-batch SGD via ``nc.train``); returns the state.

        A run that diverges (a weight or the loss becomes inf or nan; nbcore then refuses the
        NaN input of the next layer) stops: ``state()["diverged"]`` is True and the loss and
        accuracies read nan.
        """
        if isinstance(n_epochs, bool) or not isinstance(n_epochs, (int, np.integer)):
            raise TypeError(f"Playground.step: expected n_epochs an int, got {n_epochs!r}")
        if n_epochs < 0:
            raise ValueError(f"Playground.step: expected n_epochs >= 0, got {n_epochs}")
        for _ in range(int(n_epochs)):
            if self.diverged:
                break
            try:
                with np.errstate(all="ignore"):
                    nc.train(
                        self.model,
                        self.loss_fn,
                        self.optimizer,
                        self.X_train,
                        self.Y_train,
                        epochs=1,
                        batch_size=self.config["batch_size"],
                        rng=self._shuffle_rng,
                        progress=False,
                    )
            except ValueError as e:  # nbcore refuses NaN / inf inputs: the weights blew up
                if "NaN" not in str(e) and "inf" not in str(e):
                    raise
                self._blown_up = True
            self.epoch += 1
            self._record()
        if self._figure:
            self.update_figure()
        return self.state()

    @property
    def diverged(self):
        """True when the training loss is no longer finite (the run diverged)."""
        return self._blown_up or not np.isfinite(self.history["loss"][-1])

    def _weights_finite(self):
        return all(np.all(np.isfinite(p.data)) for p in self.model.parameters())

    def _record(self):
        loss = test_loss = acc = test_acc = float("nan")
        if not self._blown_up and self._weights_finite():
            try:
                with np.errstate(all="ignore"):
                    loss, acc = _metrics(self.model, self.loss_fn, self.X_train, self.Y_train)
                    test_loss, test_acc = _metrics(
                        self.model, self.loss_fn, self.X_test, self.Y_test
                    )
            except ValueError:  # an overflow to inf inside the network: diverged
                loss = test_loss = acc = test_acc = float("nan")
        for key, value in zip(
            ("loss", "test_loss", "train_accuracy", "test_accuracy"),
            (loss, test_loss, acc, test_acc),
            strict=True,
        ):
            self.history[key].append(value)

    def state(self):
        """The current numbers: a dict with ``epoch``, ``loss``, ``test_loss``,
        ``train_accuracy``, ``test_accuracy`` (after the last epoch, on the whole sets),
        ``loss_history`` / ``test_loss_history`` (one entry per epoch, epoch 0 first),
        ``diverged``, ``config`` and ``readout`` (the text the widget shows)."""
        h = self.history
        s = {
            "epoch": self.epoch,
            "loss": h["loss"][-1],
            "test_loss": h["test_loss"][-1],
            "train_accuracy": h["train_accuracy"][-1],
            "test_accuracy": h["test_accuracy"][-1],
            "loss_history": list(h["loss"]),
            "test_loss_history": list(h["test_loss"]),
            "diverged": self.diverged,
            "config": dict(self.config),
        }
        s["readout"] = readout_text(s)
        return s

    def headline(self):
        """The readout, after a warning when the run diverged (the figure's title)."""
        warning = "DIVERGED (lower the learning rate) — " if self.diverged else ""
        return warning + self.readout()

    def readout(self):
        """The readout text, e.g. ``"epoch 100 — loss 0.2345 — train accuracy 0.9633 — ..."``."""
        return self.state()["readout"]

    def probability(self, X):
        """P(class 1) predicted for points X of shape (n, 2) (in standardised coordinates)."""
        try:
            with np.errstate(all="ignore"):
                return nc.sigmoid(self.model.predict(X)[:, 0])
        except ValueError:  # the weights diverged to inf or nan
            return np.full(X.shape[0], np.nan)

    # ------------------------------------------------------------------ figure
    def _draw_data(self):
        """Create the figure (once) and draw the points of the current data set."""
        from matplotlib.colors import LinearSegmentedColormap
        from matplotlib.figure import Figure

        if self.fig is None:
            fig = Figure(figsize=(7.6, 3.6))  # not managed by pyplot: never shown twice
            # top=0.8 leaves a band for the title (the readout) above the panel titles and the
            # loss legend, so that a long readout never runs into the legend
            fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.8, wspace=0.28)
            self.fig = fig
            self.ax_data, self.ax_loss = fig.subplots(1, 2)
            cmap = LinearSegmentedColormap.from_list("pg", [COLORS[0], "#ffffff", COLORS[1]])
            self._image = self.ax_data.imshow(
                np.zeros((2, 2)),
                origin="lower",
                cmap=cmap,
                vmin=0,
                vmax=1,
                alpha=0.55,
                interpolation="bilinear",
                aspect="auto",
                zorder=0.75,  # over the axis ticks (zorder 0.5): see to_png
            )
            self.ax_data.set_axisbelow(True)  # ticks, then the image, then the points
            self._points = []
            (self._loss_line,) = self.ax_loss.plot([], [], color=COLORS[0], label="training")
            (self._test_line,) = self.ax_loss.plot([], [], color=COLORS[1], ls="--", label="test")
            self.ax_loss.set(xlabel="epoch", ylabel="loss (binary cross-entropy)")
            # above the panel, where no curve passes: drawn only when the axes are
            self.ax_loss.legend(
                loc="lower right", bbox_to_anchor=(1, 1), ncol=2, fontsize=9, frameon=False
            )
            self.ax_loss.grid(alpha=0.3)
            self._title = fig.suptitle("", fontsize=10, y=0.985, va="top")
        ax = self.ax_data
        X_all = np.vstack([self.X_train, self.X_test])
        lo, hi = X_all.min(axis=0) - 0.4, X_all.max(axis=0) + 0.4
        n = self.grid_steps
        g1, g2 = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
        xx, yy = np.meshgrid(g1, g2)
        self._grid = np.column_stack([xx.ravel(), yy.ravel()])
        self._image.set_extent((lo[0], hi[0], lo[1], hi[1]))
        sets = ((self.X_train, self.y_train, True), (self.X_test, self.y_test, False))
        k = 0
        for c in (0, 1):
            for X, y, filled in sets:  # training points filled, test points hollow
                pts = X[y == c]
                if k < len(self._points):  # a new data set: move the existing points
                    self._points[k].set_offsets(pts)
                    k += 1
                    continue
                k += 1
                self._points.append(
                    ax.scatter(
                        pts[:, 0],
                        pts[:, 1],
                        s=14 if filled else 22,
                        marker=MARKERS[c],
                        c=COLORS[c] if filled else "none",
                        edgecolors="white" if filled else "black",
                        linewidths=0.4 if filled else 0.8,
                    )
                )
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
        ax.set(xlabel="$x_1$ (standardised)", ylabel="$x_2$ (standardised)")
        c = self.config
        bs = "all" if c["batch_size"] is None else c["batch_size"]
        ax.set_title(
            f"{c['dataset']}: {c['depth']} × {c['width']} {c['activation']}, lr {c['lr']:g}, "
            f"L2 {c['l2']:g}, batch {bs}",
            fontsize=9,  # 9 px on a phone (the kernel-free frames are 547 px wide)
        )

    def update_figure(self):
        """Update the boundary image, the loss curves and the title (no new artists)."""
        if self.fig is None:
            self._draw_data()
        n = self.grid_steps
        p = self.probability(self._grid).reshape(n, n)
        self._image.set_data(np.nan_to_num(p, nan=0.5))
        epochs = np.arange(len(self.history["loss"]))
        loss = np.asarray(self.history["loss"])
        test = np.asarray(self.history["test_loss"])
        self._loss_line.set_data(epochs, loss)
        self._test_line.set_data(epochs, test)
        finite = np.concatenate([loss[np.isfinite(loss)], test[np.isfinite(test)]])
        top = max(0.8, float(finite.max()) * 1.05) if finite.size else 1.0
        self.ax_loss.set_xlim(0, _axis_end(self.epoch))  # 10, 20, 50, 100, ...: few redraws
        self.ax_loss.set_ylim(0, min(top, 3.0))
        self._title.set_text(self.headline() if self.title else "")
        return self.fig

    def to_png(self, dpi=72):
        """The current figure as PNG bytes, fast: only what a step changes is redrawn.

        Three layers over a kept picture of the rest: the axes of both panels and the legend
        (above the loss panel, clear of the curves), redrawn when their limits change (a new data
        set; the epoch axis ends at 10, 20, 50, 100, ...: rarely); the data panel's title,
        redrawn when the configuration changes; and what a training step changes (the boundary
        image with the points on it, the loss curves, the spines, the title), drawn on every
        call.
        The picture is pixel for pixel that of a full draw (``figure_to_png``): the boundary
        image lies over the axis ticks (``set_axisbelow``), so that the ticks, kept in a lower
        layer, are never drawn over it.
        """
        from nbcore.widgets._html import _Blitter

        if self.fig is None:
            self._draw_data()
            self.update_figure()
        data, loss = self.ax_data, self.ax_loss
        if self._blitter is None:
            axes = [data.xaxis, data.yaxis, loss.xaxis, loss.yaxis, loss.get_legend()]
            step = [self._image, *self._points, *data.spines.values(), self._title]
            step += [self._loss_line, self._test_line, *loss.spines.values()]
            self._blitter = _Blitter(self.fig, [axes, [data.title], step])
        keys = [
            (data.get_xlim(), data.get_ylim(), loss.get_xlim(), loss.get_ylim()),
            tuple(sorted(self.config.items())),
        ]
        for layer, (key, old) in enumerate(zip(keys, self._blit_keys, strict=True)):
            if key != old:
                self._blitter.invalidate(layer)  # redraws this layer and every one above it
                break
        self._blit_keys = keys
        return self._blitter.png(dpi)

    def __repr__(self):
        c = self.config
        return (
            f"Playground(dataset={c['dataset']!r}, depth={c['depth']}, width={c['width']}, "
            f"activation={c['activation']!r}, lr={c['lr']:g}, l2={c['l2']:g}, "
            f"batch_size={c['batch_size']}, {self.readout()})"
        )


def playground_scrubber(epochs=None, **config):
    """A kernel-free slider over training epochs of one configuration (for the HTML book).

    Every frame is drawn in advance by one :class:`Playground` trained a little further for each
    frame, so the slider works with no Python running (see ``frame_scrubber``). The frames are
    stored as 64-colour palette PNGs, about a third of the size of matplotlib's RGBA PNGs.

    Parameters
    ----------
    epochs : sequence of int, optional
        The epochs shown, increasing (default 0, 10, ..., 100: 11 frames).
    **config
        The configuration (default :data:`DEFAULTS`).
    """
    from nbcore.widgets._html import FRAME_SCALE, frames_control

    epochs = list(range(0, 101, 10)) if epochs is None else [int(e) for e in epochs]
    if epochs[0] < 0 or any(b <= a for a, b in zip(epochs[:-1], epochs[1:], strict=False)):
        raise ValueError(f"playground_scrubber: expected increasing epochs >= 0, got {epochs}")
    pg = Playground(**config)
    pg.fig.set_dpi(72 * FRAME_SCALE)  # shown at 72 dpi: crisp on 2x screens
    frames = []
    for epoch in epochs:
        pg.step(epoch - pg.epoch)
        frames.append(_palette_png(pg.fig))
    alt = (
        f"The network's decision regions over the {pg.config['dataset']} data, and its "
        "training and dev loss so far"
    )
    labels = [str(e) for e in epochs]
    return frames_control(frames, labels, "epoch", start=len(epochs) - 1, alt=alt)


def _palette_png(fig, colors=64):
    """Draw ``fig`` and encode it as a PNG with a palette of ``colors`` colours (no dithering).

    Falls back to :func:`nbcore.widgets.figure_to_png` when Pillow (a matplotlib dependency) is
    missing.
    """
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover
        from nbcore.widgets._html import figure_to_png

        return figure_to_png(fig, dpi=int(fig.dpi), close=False)
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
    small = rgb.quantize(colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def show_playground(**config):
    """The live playground: controls, Step / Train 100 epochs / Reset / Play, figure, readout.

    Needs a running kernel (no threads: each click trains in the kernel and redraws). Every
    control has a ``description`` and the CSS class ``nbcore-ctl-<name>``: ``dataset``,
    ``depth``, ``width``, ``activation``, ``lr``, ``l2``, ``batch-size``, ``step-epochs``
    (epochs per Step click), ``step``, ``train100``, ``reset``, ``play``. Changing a
    configuration control starts again from epoch 0. The readout (class ``nbcore-readout``)
    shows :func:`readout_text` of the state, e.g.
    ``"epoch 100 — loss 0.2345 — train accuracy 0.9633 — test accuracy 0.9500"``;
    ``train_reference(100, **config)`` gives the same numbers. After a run diverged it starts
    with "DIVERGED (lower the learning rate) — " (:meth:`Playground.headline`); the figure has
    no title (the readout is right above it).

    Returns
    -------
    ipywidgets.VBox
        With attributes ``playground`` (the :class:`Playground`), ``controls`` (dict of
        widgets by name), ``readout`` and ``image``.
    """
    import ipywidgets as widgets

    pg = Playground(title=False, **config)  # the readout is shown above the figure instead
    c = pg.config
    style = {"description_width": "initial"}
    lay = widgets.Layout(width="230px")
    ctl = {
        "dataset": widgets.Dropdown(options=DATASETS, value=c["dataset"], description="data set"),
        "depth": widgets.IntSlider(value=c["depth"], min=0, max=4, description="hidden layers"),
        "width": widgets.IntSlider(value=c["width"], min=1, max=8, description="units per layer"),
        "activation": widgets.Dropdown(
            options=ACTIVATIONS, value=c["activation"], description="activation"
        ),
        "lr": widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in LEARNING_RATES],
            value=_nearest(LEARNING_RATES, c["lr"]),
            description="learning rate",
        ),
        "l2": widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in L2_VALUES],
            value=_nearest(L2_VALUES, c["l2"]),
            description="L2 (weight decay)",
        ),
        "batch-size": widgets.Dropdown(
            options=[("all" if b is None else str(b), b) for b in BATCH_SIZES],
            value=c["batch_size"] if c["batch_size"] in BATCH_SIZES else 10,
            description="batch size",
        ),
        "step-epochs": widgets.BoundedIntText(
            value=10, min=1, max=200, description="epochs per step"
        ),
        "step": widgets.Button(description="Step", button_style="primary"),
        "train100": widgets.Button(description="Train 100 epochs"),
        "reset": widgets.Button(description="Reset"),
        "play": widgets.Play(value=0, min=0, max=10**6, interval=400, description="run / pause"),
    }
    for name, w in ctl.items():
        w.add_class(f"nbcore-ctl-{name}")
        if not isinstance(w, (widgets.Button, widgets.Play)):
            w.style = style
            w.layout = lay
    readout = widgets.HTML(pg.headline())
    readout.add_class("nbcore-readout")
    pg.fig.set_dpi(72)
    image = widgets.Image(value=_palette_png(pg.fig), format="png")

    def redraw():
        image.value = pg.to_png(dpi=72)  # only what changed is redrawn (true colour)
        readout.value = pg.headline()

    keys = {"dataset": "dataset", "depth": "depth", "width": "width", "activation": "activation"}
    keys.update({"lr": "lr", "l2": "l2", "batch-size": "batch_size"})

    def reconfigure(_change=None):
        pg.configure(**{key: ctl[name].value for name, key in keys.items()})
        redraw()

    def step(_button=None):
        pg.step(ctl["step-epochs"].value)
        redraw()

    def train100(_button=None):
        pg.step(100)
        redraw()

    def tick(change):
        if change["new"] > change["old"]:  # one tick of "run": one Step
            step()

    for name in keys:
        ctl[name].observe(reconfigure, names="value")
    ctl["step"].on_click(step)
    ctl["train100"].on_click(train100)
    ctl["reset"].on_click(reconfigure)
    ctl["play"].observe(tick, names="value")

    rows = [
        widgets.HBox([ctl["dataset"], ctl["activation"], ctl["batch-size"]]),
        widgets.HBox([ctl["depth"], ctl["width"]]),
        widgets.HBox([ctl["lr"], ctl["l2"]]),
        widgets.HBox([ctl["step-epochs"], ctl["step"], ctl["train100"], ctl["reset"], ctl["play"]]),
        readout,
        image,
    ]
    box = widget_box(rows, lambda: f"PlaygroundWidget({pg!r})")
    box.add_class("nbcore-playground")
    box.playground, box.controls, box.readout, box.image = pg, ctl, readout, image
    box.step, box.train100, box.reconfigure = step, train100, reconfigure
    return box


def _axis_end(epoch):
    """The end of the epoch axis: the first of 10, 20, 50, 100, 200, 500, ... >= ``epoch``."""
    end = 10
    while end < epoch:
        end = end * 5 // 2 if str(end)[0] == "2" else end * 2  # 10 -> 20 -> 50 -> 100
    return end


def _nearest(options, value):
    return min(options, key=lambda v: abs(v - value))
