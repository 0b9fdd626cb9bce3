"""Loss functions, with the definitions and defaults of PyTorch's losses of the same names.

Each loss is an object with ``forward(pred, target) -> float`` (the cost: the mean over every
element, PyTorch's ``reduction="mean"``; for ``CrossEntropyLoss`` and ``NLLLoss`` the mean over
samples) and ``backward() -> dL/dpred`` of ``pred``'s shape and dtype. Logarithms are natural.
The lower-case functions (``mse``, ``cross_entropy``, ...) return the same value in one call.

Introduced in chapter 4 (Loss and cost functions); cross-entropy on logits in chapter 6.
"""

from __future__ import annotations

import numpy as np

from nbcore import activations as F
from nbcore._checks import (
    as_float_array,
    check_labels,
    check_matrix,
    check_nonempty,
    check_number,
    check_range,
    check_same_shape,
)
from nbcore.layers import _constant


class Loss:
    """Base class: ``forward`` caches what ``backward`` needs (one cache, overwritten)."""

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def _inputs(self, pred, target, nan_check=True):
        """pred and target as float arrays of one shape, pred's dtype, non-empty.

        ``nan_check=False`` when the caller checks the target's range (NaN fails that too)."""
        where = f"{type(self).__name__}.forward"
        pred = as_float_array(pred, where, "pred")
        target = as_float_array(target, where, "target", dtype=pred.dtype, nan_check=nan_check)
        check_same_shape(pred, target, where)
        check_nonempty(pred, where)
        return pred, target

    def _forward(self, pred, target):
        """``forward`` without the input checks, for a caller that has already checked the same
        data (``train`` after its first epoch). By default it is ``forward``."""
        return self.forward(pred, target)

    def _grad(self):
        if getattr(self, "_dpred", None) is None:
            raise ValueError(
                f"{type(self).__name__}.backward: expected forward() to be called first"
            )
        return self._dpred

    def backward(self):
        """dL/dpred for the last ``forward`` call: same shape and dtype as ``pred``."""
        return self._grad()

    def __repr__(self):
        return f"{type(self).__name__}()"


class MSELoss(Loss):
    r"""Mean squared error :math:`J = \frac1N \sum (\hat y - y)^2`.

    Gradient :math:`dJ/d\hat y = 2(\hat y - y)/N`.

    N is the number of elements (samples times outputs), as in ``torch.nn.MSELoss``.
    """

    def forward(self, pred, target):
        return self._forward(*self._inputs(pred, target))

    def _forward(self, pred, target):
        r = pred - target
        self._dpred = 2 * r / r.size
        return float(np.mean(r * r))


class MAELoss(Loss):
    r"""Mean absolute error :math:`J = \frac1N \sum |\hat y - y|` (``torch.nn.L1Loss``).

    Gradient :math:`\operatorname{sign}(\hat y - y)/N`, with 0 at a zero residual (as PyTorch).
    """

    def forward(self, pred, target):
        pred, target = self._inputs(pred, target)
        r = pred - target
        self._dpred = np.sign(r) / r.size
        return float(np.mean(np.abs(r)))


class RMSELoss(Loss):
    r"""Root mean squared error :math:`J = \sqrt{\frac1N \sum (\hat y_i - y_i)^2}`.

    Gradient :math:`(\hat y - y) / (N J)`, taken as 0 when J = 0 (a perfect prediction).
    """

    def forward(self, pred, target):
        pred, target = self._inputs(pred, target)
        r = pred - target
        J = np.sqrt(np.mean(r * r))
        self._dpred = r / (r.size * J) if J > 0 else np.zeros_like(r)
        return float(J)


class HuberLoss(Loss):
    r"""Huber loss (``torch.nn.HuberLoss``): quadratic near 0, linear beyond ``delta``.

    .. math::
        \ell(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
                  \delta\,(|r| - \tfrac12 \delta) & |r| > \delta \end{cases},
        \qquad r = \hat y - y, \qquad \ell'(r) = \operatorname{clip}(r, -\delta, \delta)
    """

    def __init__(self, delta=1.0):
        self.delta = check_number(delta, "HuberLoss", "delta", lo=0, lo_open=True)

    def forward(self, pred, target):
        pred, target = self._inputs(pred, target)
        r = pred - target
        d = self.delta
        a = np.abs(r)
        loss = np.where(a <= d, 0.5 * r * r, d * (a - 0.5 * d))
        self._dpred = np.clip(r, -d, d) / r.size
        return float(np.mean(loss))

    def __repr__(self):
        return f"HuberLoss(delta={self.delta})"


def _weighted(w, x):
    """w * x, with 0 wherever w == 0 (even where x is infinite)."""
    return np.multiply(w, x, out=np.zeros_like(x), where=w != 0)


def _clamped_log(p):
    """log(p) clamped at -100, as PyTorch's BCELoss does (log 0 = -100, no warning)."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100)


class BCELoss(Loss):
    r"""Binary cross-entropy on probabilities p in [0, 1] (``torch.nn.BCELoss``).

    .. math:: J = -\frac1N \sum \bigl(y \log p + (1 - y) \log(1 - p)\bigr)

    Each log is clamped at -100, so p = 0 or 1 gives a finite loss, as in PyTorch.
    Gradient: :math:`(p - y) / (\max(p(1-p), 10^{-12})\, N)` (PyTorch's clamp).
    """

    def forward(self, pred, target):
        pred, target = self._inputs(pred, target)
        where = "BCELoss.forward"
        check_range(pred, 0, 1, where, "pred (probabilities)")
        check_range(target, 0, 1, where, "target")
        return self._forward(pred, target)

    def _forward(self, pred, target):
        loss = -(target * _clamped_log(pred) + (1 - target) * _clamped_log(1 - pred))
        eps = pred.dtype.type(1e-12)
        self._dpred = (pred - target) / (np.maximum(pred * (1 - pred), eps) * pred.size)
        return float(np.mean(loss))


class BCEWithLogitsLoss(Loss):
    r"""Binary cross-entropy on logits z (``torch.nn.BCEWithLogitsLoss``): p = sigma(z).

    .. math:: \ell = (1 - y)\,z + \log(1 + e^{-z}) = \max(z, 0) - z y + \log(1 + e^{-|z|})

    finite for any z (no ``exp`` overflow), and :math:`d\ell/dz = \sigma(z) - y` (divided by N).
    """

    def forward(self, pred, target):
        pred, target = self._inputs(pred, target, nan_check=False)
        check_range(target, 0, 1, "BCEWithLogitsLoss.forward", "target")
        return self._forward(pred, target)

    def _forward(self, z, y):
        a = np.abs(z)
        e = np.exp(-a)  # e^{-|z|} <= 1 never overflows; shared by loss and gradient
        if a.max() != np.inf:
            loss = np.maximum(z, 0)
            loss -= z * y
            loss += np.log1p(e)  # max(z, 0) - z y + log(1 + e^{-|z|}), built in place
            loss = loss.sum() / z.size
        else:  # z = ±inf: the limits y softplus(-z) + (1 - y) softplus(z), skipping 0 * inf
            loss = np.mean(_weighted(y, F.softplus(-z)) + _weighted(1 - y, F.softplus(z)))
        sigma = np.where(z >= 0, 1, e)
        sigma /= 1 + e  # sigma(z), as in activations.sigmoid
        sigma -= y
        sigma /= z.size
        self._dpred = sigma  # (sigma(z) - y) / N
        return float(loss)


def _labels(target, m, k, where):
    """Integer class labels of shape (m,) with values in [0, k)."""
    y = check_labels(target, k, where, "target")
    if y.shape[0] != m:
        raise ValueError(f"{where}: expected target of shape ({m},) or ({m}, {k}), got {y.shape}")
    return y


def _class_targets(target, m, k, dtype, where):
    """One-hot or probability rows: a float array of shape (m, k), rows summing to 1."""
    Y = as_float_array(target, where, "target", dtype=dtype)
    if Y.shape != (m, k):
        raise ValueError(f"{where}: expected target of shape ({m},) or ({m}, {k}), got {Y.shape}")
    check_range(Y, 0, 1, where, "target probabilities")
    sums = Y.sum(axis=1)
    if not np.allclose(sums, 1, atol=1e-4):
        raise ValueError(f"{where}: expected each target row to sum to 1, got sums {sums[:5]}")
    return Y


class CrossEntropyLoss(Loss):
    r"""Softmax cross-entropy on logits (``torch.nn.CrossEntropyLoss``).

    Parameters of ``forward``
    -------------------------
    pred : ndarray of shape (m, k)
        Logits (no softmax applied).
    target : int ndarray of shape (m,) or float ndarray of shape (m, k)
        Class labels in [0, k), or one-hot / probability rows.

    .. math:: J = -\frac1m \sum_i \sum_j Y_{ij} \log \mathrm{softmax}(Z_i)_j,
              \qquad \frac{\partial J}{\partial Z} = \frac{\mathrm{softmax}(Z) - Y}{m}

    Computed with ``log_softmax`` (log-sum-exp), so logits of 1e4 give the exact answer.
    """

    def forward(self, pred, target):
        where = "CrossEntropyLoss.forward"
        Z = check_matrix(pred, where, "pred")
        m, k = Z.shape
        if np.ndim(target) == 1:
            target = _labels(target, m, k, where)
        else:
            target = _class_targets(target, m, k, Z.dtype, where)
        return self._forward(Z, target)

    def _forward(self, Z, target):
        m = Z.shape[0]
        shifted = F._shift_by_max(Z, axis=1)  # z - max z: no exp overflows
        P = np.exp(shifted)
        S = P.sum(axis=1, keepdims=True)
        P /= S  # softmax(Z), in place
        logS = np.log(S)  # log P = shifted - log S
        if target.ndim == 1:  # integer labels: pick log P[i, y_i], no one-hot matrix built
            y = target
            rows = _constant("arange", m)  # np.arange(m), made once per batch size
            loss = (logS.sum() - shifted[rows, y].sum()) / m  # -mean_i log P[i, y_i]
            P[rows, y] -= 1  # P - Y
        else:
            Y = target
            loss = -_weighted(Y, shifted - logS).sum() / m  # 0 log 0 counts as 0
            P -= Y
        P /= m
        self._dpred = P  # (softmax(Z) - Y) / m
        return float(loss)


class NLLLoss(Loss):
    r"""Negative log-likelihood on log-probabilities (``torch.nn.NLLLoss``).

    pred: (m, k) log-probabilities (e.g. ``log_softmax``); target: int labels (m,).
    :math:`J = -\frac1m \sum_i \text{pred}_{i, y_i}`.
    """

    def forward(self, pred, target):
        where = "NLLLoss.forward"
        logP = check_matrix(pred, where, "pred")
        m, k = logP.shape
        y = check_labels(target, k, where, "target")
        if y.shape[0] != m:
            raise ValueError(f"{where}: expected target of shape ({m},), got {y.shape}")
        self._dpred = np.zeros_like(logP)
        self._dpred[np.arange(m), y] = -1 / m
        return float(-logP[np.arange(m), y].mean())


class FocalLoss(Loss):
    r"""Binary focal loss on probabilities (Lin et al. 2017; ``torchvision.ops.sigmoid_focal_loss``
    with probabilities instead of logits).

    .. math::
        p_t = \begin{cases} p & y = 1 \\ 1 - p & y = 0 \end{cases}, \quad
        \alpha_t = \begin{cases} \alpha & y = 1 \\ 1 - \alpha & y = 0 \end{cases}, \quad
        \ell = -\alpha_t (1 - p_t)^\gamma \log p_t

    ``alpha`` weights the **positive** class (y = 1) and ``1 - alpha`` the negative class;
    ``alpha=None`` turns the weighting off. ``gamma = 0`` and ``alpha=None`` give BCE. The log is
    clamped at -100 like ``BCELoss``. Targets in [0, 1] are allowed
    (:math:`p_t = p y + (1-p)(1-y)`).
    """

    def __init__(self, alpha=0.25, gamma=2.0):
        if alpha is not None:
            alpha = check_number(alpha, "FocalLoss", "alpha", lo=0, hi=1)
        self.alpha = alpha
        self.gamma = check_number(gamma, "FocalLoss", "gamma", lo=0)

    def forward(self, pred, target):
        p, y = self._inputs(pred, target)
        where = "FocalLoss.forward"
        check_range(p, 0, 1, where, "pred (probabilities)")
        check_range(y, 0, 1, where, "target")
        g = self.gamma
        pt = p * y + (1 - p) * (1 - y)
        a = 1.0 if self.alpha is None else self.alpha * y + (1 - self.alpha) * (1 - y)
        q = 1 - pt
        log_pt = _clamped_log(pt)
        loss = -a * q**g * log_pt
        # d loss / d pt = a * (g q^(g-1) log pt - q^g / pt); d pt / d p = 2y - 1
        with np.errstate(divide="ignore"):
            qg1 = np.where(q > 0, q ** (g - 1), 0) if g > 0 else np.zeros_like(q)
        dpt = a * (g * qg1 * log_pt - q**g / np.maximum(pt, pt.dtype.type(1e-12)))
        self._dpred = (dpt * (2 * y - 1) / p.size).astype(p.dtype, copy=False)
        return float(np.mean(loss))

    def __repr__(self):
        return f"FocalLoss(alpha={self.alpha}, gamma={self.gamma})"


def mse(pred, target):
    """Mean squared error; see :class:`MSELoss`."""
    return MSELoss()(pred, target)


def mae(pred, target):
    """Mean absolute error; see :class:`MAELoss`."""
    return MAELoss()(pred, target)


def rmse(pred, target):
    """Root mean squared error; see :class:`RMSELoss`."""
    return RMSELoss()(pred, target)


def huber(pred, target, delta=1.0):
    """Huber loss; see :class:`HuberLoss`."""
    return HuberLoss(delta)(pred, target)


def binary_cross_entropy(pred, target):
    """Binary cross-entropy on probabilities; see :class:`BCELoss`."""
    return BCELoss()(pred, target)


def binary_cross_entropy_with_logits(pred, target):
    """Binary cross-entropy on logits; see :class:`BCEWithLogitsLoss`."""
    return BCEWithLogitsLoss()(pred, target)


def cross_entropy(pred, target):
    """Softmax cross-entropy on logits; see :class:`CrossEntropyLoss`."""
    return CrossEntropyLoss()(pred, target)


def nll_loss(pred, target):
    """Negative log-likelihood on log-probabilities; see :class:`NLLLoss`."""
    return NLLLoss()(pred, target)


def focal_loss(pred, target, alpha=0.25, gamma=2.0):
    """Binary focal loss on probabilities; see :class:`FocalLoss`."""
    return FocalLoss(alpha, gamma)(pred, target)
