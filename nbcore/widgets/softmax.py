"""Chapter 6 widgets: the softmax explorer and the temperature scrubber.

The logic is separated from the user interface:

- :func:`softmax_state`: the probabilities and the cross-entropy loss for given logits, a
  temperature and a true class, computed with ``nc.softmax`` and ``nc.cross_entropy``;
- :class:`SoftmaxExplorer`: that state for given control values, its readout string, and a
  matplotlib figure (logit bars and probability bars) whose artists are updated in place;
- :func:`show_softmax_explorer`: the ipywidgets UI around a :class:`SoftmaxExplorer` (needs a
  kernel);
- :func:`temperature_scrubber`: a kernel-free :func:`~nbcore.widgets.frame_scrubber` over the
  temperature, which also works in the static HTML book.

Introduced in chapter 6 (Softmax and multi-class classification).
"""

from __future__ import annotations

import numpy as np

import nbcore as nc
from nbcore._checks import as_float_array, check_number
from nbcore.widgets._html import widget_box

__all__ = [
    "SoftmaxExplorer",
    "format_readout",
    "show_softmax_explorer",
    "softmax_state",
    "temperature_scrubber",
]

_BAR = "#0072B2"
_TRUE = "#E69F00"


def softmax_state(z, T=1.0, target=0):
    r"""Probabilities and loss of logits ``z`` at temperature ``T`` for the class ``target``.

    .. math:: p = \operatorname{softmax}(z / T), \qquad
              \mathcal{L} = -\ln p_{\text{target}}

    Returns a dict with ``z`` (float array (k,)), ``T``, ``target``, ``p`` (array (k,), from
    ``nc.softmax``) and ``loss`` (from ``nc.cross_entropy`` on the scaled logits).
    """
    where = "softmax_state"
    z = as_float_array(z, where, "z")
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"{where}: expected z of shape (k,) with k >= 2, got {z.shape}")
    T = check_number(T, where, "T", lo=0, lo_open=True)
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise TypeError(f"{where}: expected target as an int class index, got {target!r}")
    if not 0 <= target < z.size:
        raise ValueError(f"{where}: expected target in [0, {z.size}), got {target}")
    scaled = z / T
    p = nc.softmax(scaled)
    loss = nc.cross_entropy(scaled[None, :], np.array([int(target)]))
    return {"z": z, "T": T, "target": int(target), "p": p, "loss": loss}


def format_readout(p, loss, target):
    """``"p = [0.6652, 0.2447, 0.0900], loss(class 0) = 0.4076"``."""
    probs = ", ".join(f"{v:.4f}" for v in p)
    return f"p = [{probs}], loss(class {target}) = {loss:.4f}"


class SoftmaxExplorer:
    """The softmax explorer's logic and figure, without any ipywidgets.

    Controls: the logits ``z0 .. z{k-1}``, the temperature ``T`` and the true class
    ``target``. ``set(**controls)`` changes any of them (or all logits at once with
    ``z=[...]``), updates the bars in place and returns :meth:`state`.
    """

    def __init__(self, z=(2.0, 1.0, 0.0), T=1.0, target=0):
        z = as_float_array(z, "SoftmaxExplorer", "z")
        if z.ndim != 1 or not 2 <= z.size <= 6:
            raise ValueError(f"SoftmaxExplorer: expected 2 to 6 logits, got shape {z.shape}")
        self.k = z.size
        self.z, self.T, self.target = z.copy(), 1.0, 0
        self._build_figure()
        self.set(z=z, T=T, target=target)

    @property
    def controls(self):
        return (*(f"z{i}" for i in range(self.k)), "T", "target")

    def set(self, **controls):
        """Change controls (``z0``.., ``z``, ``T``, ``target``); returns the new state."""
        z, T, target = self.z.copy(), self.T, self.target
        for name, value in controls.items():
            if name == "z":
                z = as_float_array(value, "SoftmaxExplorer.set", "z").copy()
                if z.shape != (self.k,):
                    raise ValueError(
                        f"SoftmaxExplorer.set: expected z of shape ({self.k},), got {z.shape}"
                    )
            elif name == "T":
                T = value
            elif name == "target":
                target = value
            elif name in self.controls:
                z[int(name[1:])] = check_number(value, "SoftmaxExplorer.set", name)
            else:
                raise TypeError(
                    f"SoftmaxExplorer.set: expected controls among {self.controls}, got {name!r}"
                )
        state = softmax_state(z, T, target)  # validates before anything changes
        self.z, self.T, self.target = state["z"], state["T"], state["target"]
        self._state = state
        self._update_figure()
        return self.state()

    def state(self):
        """``softmax_state(z, T, target)`` for the current controls."""
        return dict(self._state)

    def readout(self):
        """E.g. ``"p = [0.6652, 0.2447, 0.0900], loss(class 0) = 0.4076"``."""
        s = self._state
        return format_readout(s["p"], s["loss"], s["target"])

    # ---- figure
    def _build_figure(self):
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, 3.2))
        self.ax_z, self.ax_p = fig.subplots(1, 2)
        self.fig = fig
        idx = np.arange(self.k)
        self._zbars = self.ax_z.bar(idx, np.zeros(self.k), color="#56B4E9")
        self._pbars = self.ax_p.bar(idx, np.zeros(self.k), color=_BAR)
        self._labels = [self.ax_p.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in idx]
        names = [f"class {i}" for i in idx]
        self.ax_z.set(xticks=idx, xticklabels=names, ylim=(-6, 6), ylabel="logit z")
        self.ax_z.axhline(0, color="black", lw=0.8)
        self.ax_p.set(xticks=idx, xticklabels=names, ylim=(0, 1.12), ylabel="probability p")
        for ax in (self.ax_z, self.ax_p):
            ax.grid(axis="y", alpha=0.3)
            ax.set_axisbelow(True)  # grid under the bars (and out of the blitted layers)
        self._zero = self.ax_z.lines[-1]
        self.ax_z.set_title("Logits z", fontsize=10)
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.12, top=0.83, wspace=0.25)
        self._blitter, self._blit_target = None, None

    def _update_figure(self):
        s = self._state
        for i, (zb, pb, label) in enumerate(
            zip(self._zbars, self._pbars, self._labels, strict=True)
        ):
            zb.set_height(s["z"][i])
            pb.set_height(s["p"][i])
            true = i == s["target"]
            pb.set_facecolor(_TRUE if true else _BAR)
            pb.set_edgecolor("black" if true else _BAR)
            pb.set_hatch("//" if true else "")
            label.set_position((i, s["p"][i] + 0.01))
            label.set_text(f"{s['p'][i]:.3f}")
        names = [f"class {i}" + (" (true)" if i == s["target"] else "") for i in range(self.k)]
        self.ax_p.set_xticks(range(self.k), names)
        self.ax_p.set_title(
            f"p = softmax(z / T) at T = {s['T']:.2f}\n"
            f"loss(class {s['target']}) = −ln p = {s['loss']:.3f}",
            fontsize=10,
        )

    def png(self, dpi=72):
        """The current figure as PNG bytes, fast: the axes are drawn once and only the bars,
        their labels and the title are redrawn (the class labels too when the target changed).
        """
        from nbcore.widgets._html import _Blitter  # shared by the chapters' live widgets

        if self._blitter is None:
            often = [*self._zbars, *self._pbars, *self._labels, self._zero, self.ax_p.title]
            for ax in (self.ax_z, self.ax_p):
                often += [*ax.spines.values()]
            self._blitter = _Blitter(self.fig, [[self.ax_p.xaxis], often])
        if self.target != self._blit_target:
            self._blitter.invalidate(0)
            self._blit_target = self.target
        return self._blitter.png(dpi)

    def __repr__(self):
        z = "[" + ", ".join(f"{v:g}" for v in self.z) + "]"
        return f"SoftmaxExplorer(z={z}, T={self.T:g}, target={self.target})"


def show_softmax_explorer(z=(2.0, 1.0, 0.0), T=1.0, target=0):
    """The live softmax explorer: one slider per logit, a temperature slider, a class dropdown.

    Control classes (for tests): ``nbcore-ctl-z0``, ``nbcore-ctl-z1``, ... (FloatSliders, -5 to
    5), ``nbcore-ctl-T`` (FloatSlider, 0.1 to 5), ``nbcore-ctl-target`` (Dropdown of class
    indices). The readout (class ``nbcore-readout``) shows e.g.
    ``p = [0.6652, 0.2447, 0.0900], loss(class 0) = 0.4076``, equal to
    ``nc.softmax(z / T)`` and ``nc.cross_entropy((z / T)[None], [target])``.
    Needs a running kernel: in the HTML book it is replaced by a static picture.
    """
    import ipywidgets as widgets

    ex = SoftmaxExplorer(z, T, target)
    style = {"description_width": "initial"}

    def slider(name, description, value, lo, hi, step):
        s = widgets.FloatSlider(
            value=value,
            min=lo,
            max=hi,
            step=step,
            description=description,
            continuous_update=False,
            readout_format=".1f",
            style=style,
            layout=widgets.Layout(width="260px"),
        )
        s.add_class(f"nbcore-ctl-{name}")
        return s

    controls = {f"z{i}": slider(f"z{i}", f"logit z{i}", ex.z[i], -5, 5, 0.1) for i in range(ex.k)}
    controls["T"] = slider("T", "temperature T", ex.T, 0.1, 5, 0.1)
    target_dd = widgets.Dropdown(
        options=[(f"class {i}", i) for i in range(ex.k)],
        value=ex.target,
        description="true class",
        style=style,
    )
    target_dd.add_class("nbcore-ctl-target")
    controls["target"] = target_dd
    image = widgets.Image(value=ex.png(), format="png")
    readout = widgets.HTML(value=ex.readout())
    readout.add_class("nbcore-readout")

    def on_change(change):
        ex.set(**{change["owner"]._nb_name: change["new"]})
        image.value = ex.png()
        readout.value = ex.readout()

    for name, control in controls.items():
        control._nb_name = name
        control.observe(on_change, names="value")
    logit_row = widgets.HBox([controls[f"z{i}"] for i in range(ex.k)])
    box = widget_box(
        [logit_row, widgets.HBox([controls["T"], target_dd]), image, readout],
        lambda: f"SoftmaxExplorerWidget({ex!r})",
    )
    box.explorer, box.controls, box.readout = ex, controls, readout
    box.add_class("nbcore-live-widget")
    box.add_class("nbcore-softmax-explorer")  # root selector for the live browser tests
    return box


def temperature_scrubber(z=(2.0, 1.0, 0.0), temps=None, target=0):
    """Kernel-free widget: a slider over the temperature T, the bars of softmax(z / T).

    Works in the static HTML book (precomputed frames, see :func:`nbcore.widgets.frame_scrubber`).
    """
    from nbcore.widgets._html import frame_scrubber

    temps = [0.1, 0.2, 0.5, 0.7, 1.0, 1.5, 2.0, 5.0, 10.0] if temps is None else temps
    ex = SoftmaxExplorer(z, temps[0], target)
    ex.fig.set_size_inches(6.5, 2.7)

    def render(T):
        ex.set(T=T)
        return ex.fig  # the same figure each time, updated in place

    alt = f"Bars of softmax(z / T) for the logits z = {tuple(float(v) for v in z)}"
    return frame_scrubber(render, list(temps), "temperature T", start=1.0, fmt="{:g}", alt=alt)
