"""Plotting helpers shared by the chapters (matplotlib is imported here, not by ``nbcore``).

Colours are the Okabe-Ito palette, which stays distinguishable under the common forms of colour
blindness. Every helper draws on an ``ax`` it is given (or a new one) and returns it.
"""

from __future__ import annotations

import numpy as np

#: Okabe-Ito colour-blind-safe palette, in the order the book uses for classes and curves.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: Class markers, so that classes differ in shape as well as colour.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def crisp_inline_figures() -> bool:
    """In a Jupyter kernel, make inline figures "retina" PNGs: drawn at twice their size.

    Each PNG then carries its 1x ``width`` and ``height`` in the output's metadata, which the
    HTML book writes as the ``<img>`` size: figures stay the same size on the page and are crisp
    on 2x screens. Called when this module is imported (every chapter imports it in its first
    code cell); returns whether it applied (False outside IPython or without matplotlib-inline).
    """
    try:
        from IPython import get_ipython

        if get_ipython() is None or "IPKernelApp" not in get_ipython().config:
            return False
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return False
    set_matplotlib_formats("retina")
    return True


crisp_inline_figures()


def _ax(ax):
    import matplotlib.pyplot as plt

    return ax if ax is not None else plt.subplots(figsize=(4.5, 4))[1]


def scatter_classes(X, y, ax=None, labels=None, s=18):
    """Scatter 2-D points X (m, 2) coloured and shaped by integer label y (m,)."""
    ax = _ax(ax)
    for c in np.unique(y):
        pts = X[y == c]
        name = labels[c] if labels is not None else f"class {c}"
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=s,
            c=COLORS[c % 8],
            marker=MARKERS[c % 8],
            edgecolors="white",
            linewidths=0.4,
            label=name,
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def grid(X, margin=0.5, steps=200):
    """A mesh over the bounding box of X (m, 2): returns ``xx, yy`` and the points (steps^2, 2)."""
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def decision_regions(predict, X, y, ax=None, steps=200, title=None):
    """Shade the class that ``predict`` (points (n, 2) -> labels (n,)) gives over the plane,
    and scatter the data on top."""
    from matplotlib.colors import ListedColormap

    ax = _ax(ax)
    xx, yy, pts = grid(X, steps=steps)
    k = int(max(np.max(y), 1)) + 1
    zz = np.asarray(predict(pts)).reshape(xx.shape)
    ax.contourf(
        xx, yy, zz, levels=np.arange(k + 1) - 0.5, cmap=ListedColormap(COLORS[:k]), alpha=0.25
    )
    scatter_classes(X, y, ax)
    if title:
        ax.set_title(title)
    return ax


def loss_curve(history, ax=None, label=None, title="Loss per epoch"):
    """Plot ``history.loss`` (and ``val_loss`` when present) against the epoch."""
    ax = _ax(ax)
    epochs = np.arange(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, color=COLORS[0], label=label or "training")
    if history.val_loss:
        ax.plot(epochs, history.val_loss, color=COLORS[1], ls="--", label="validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    return ax
