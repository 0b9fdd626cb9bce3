"""Loss functions, with the definitions and defaults of PyTorch's losses of the same names.

Each loss is an object with ``forward(pred, target) -> float`` (the cost: the mean over every
element, PyTorch's ``reduction="mean"``; for ``CrossEntropyLoss`` and ``NLLLoss`` the mean over
samples) and ``backward() -> dL/dpred`` of ``pred``'s shape and dtype. Logarithms are natural.
The lower-case functions (``mse``, ``cross_entropy``, ...) return the same value in one call.

Conventions:

- ``forward`` checks its inputs (``_check``), then applies the formula (``_forward``, which
  ``train`` calls directly once the data are known to be good). A ``forward`` that raises leaves
  no gradient behind: ``backward()`` then raises instead of returning the previous batch's.
- ``backward()`` returns a **new array** at every call: editing it changes nothing inside the
  loss, and the loss never hands out what it keeps.
- The cost is a Python float, finite whenever the true value is: float32 data whose squares or
  sums overflow float32 are recomputed in float64, and a float64 sum that overflows is taken on
  values scaled by their largest magnitude. The gradient stays in ``pred``'s dtype (a value
  beyond that dtype's range is ±inf, its correctly rounded value).
- Targets are checked before they are cast to ``pred``'s dtype: a float64 target of 1e300 with a
  float32 ``pred`` is refused, never turned into inf; float class labels must be whole numbers
  in range (1e20 is refused, never wrapped around by the cast to int).

Introduced in chapter 4 (Loss and cost functions); cross-entropy on logits in chapter 6.
"""

from __future__ import annotations

import math

import numpy as np

from nbcore import activations as F
from nbcore._checks import check_labels, check_number, check_range, check_same_shape
from nbcore.layers import _constant


# ------------------------------------------------------------------------- helpers
def _finite_number(value, where, name, lo, lo_open=False):
    """A finite real number >= lo (> lo when ``lo_open``)."""
    value = check_number(value, where, name, lo=lo, lo_open=lo_open)
    if value == math.inf:
        raise ValueError(f"{where}: expected a finite {name}, got {value!r}")
    return value


def _cast_target(target, dtype, where):
    """``target`` in ``dtype`` (pred's), refusing finite values that dtype cannot hold."""
    if target.dtype == dtype:
        return target
    if target.dtype.itemsize > dtype.itemsize:  # float64 -> float32: 1e300 would become inf
        big = np.finfo(dtype).max
        a = np.abs(target)
        too_big = (a > big) & (a != np.inf)
        if too_big.any():
            raise ValueError(
                f"{where}: expected target within the range of pred's dtype {dtype} "
                f"(|target| <= {big:.3g}), got {target[too_big].flat[0]:g}; "
                "pass pred as float64 or rescale the target"
            )
    return target.astype(dtype)


def _in_dtype(x, dtype):
    """``x`` in ``dtype``; a value beyond its range becomes ±inf (correct rounding, no warning)."""
    if x.dtype == dtype:
        return x
    with np.errstate(over="ignore"):
        return x.astype(dtype)


def _residual(pred, target):
    """r = pred - target, in float64 when pred's dtype cannot hold it (float32 3e38 - (-3e38))."""
    try:
        with np.errstate(over="raise"):
            return pred - target
    except FloatingPointError:
        with np.errstate(over="ignore"):  # in float64 only a true overflow is left: ±inf
            return pred.astype(np.float64) - target.astype(np.float64)


def _scaled_mean(x):
    r"""mean(x) of a float64 array as :math:`s \cdot \mathrm{mean}(x / s)`, s = max|x|, so
    that a sum beyond the largest float does not overflow when the mean itself is finite."""
    s = float(np.max(np.abs(x)))
    if not 0 < s < math.inf:
        return float(np.mean(x))  # 0, or an infinite entry: the plain mean is right
    return s * float(np.mean(x / s))


def _cost(elementwise, r):
    """mean(elementwise(r)) as a Python float, finite whenever the true mean is.

    The usual case is one ``np.mean`` in r's dtype. When that overflows (float32 squares of
    1e20, or a float64 sum beyond 1.8e308), the elements are recomputed in float64 (a true
    overflow there is inf) and averaged with ``_scaled_mean``.
    """
    try:
        with np.errstate(over="raise"):
            return float(np.mean(elementwise(r)))
    except FloatingPointError:
        with np.errstate(over="ignore"):
            x = elementwise(r.astype(np.float64))
        return _scaled_mean(x)


def _describe_values(a):
    """A short description of what is wrong with float class labels ``a``."""
    if np.isnan(a).any():
        return f"{int(np.isnan(a).sum())} NaN"
    fractional = a[a != np.round(a)]
    if fractional.size:
        return f"values that are not whole numbers, such as {fractional.flat[0]:g}"
    return f"values from {a.min():g} to {a.max():g}"


def _labels(target, m, k, where):
    """Integer class labels of shape (m,) with values in [0, k).

    Float labels are accepted when they are whole numbers in range; that is checked *before*
    the cast to int (which would turn 1e20 or NaN into a meaningless integer).
    """
    t = target
    if not (type(t) is np.ndarray and t.dtype.kind in "iu"):
        dtype = F._dtype_of(t)
        if dtype is not None and dtype.kind == "f":
            a = np.asarray(t)
            ok = np.isfinite(a).all() and (a == np.round(a)).all()
            if a.size and not (ok and a.min() >= 0 and a.max() < k):
                raise ValueError(
                    f"{where}: expected target as integer class labels 0 to {k - 1} "
                    f"for {k} classes, got {_describe_values(a)}"
                )
            t = a.astype(np.int64)
    y = check_labels(t, k, where, "target")
    if y.shape[0] != m:
        raise ValueError(f"{where}: expected target of shape ({m},) or ({m}, {k}), got {y.shape}")
    return y


def _ndim(target, where):
    """np.ndim(target), refusing None and what NumPy cannot make an array of (ragged lists)."""
    if target is None:
        raise TypeError(f"{where}: expected target as an array of numbers, got None")
    try:
        return np.ndim(target)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{where}: expected target as an array of numbers, got {target!r}") from err


def _logits(pred, where, what="logits"):
    """pred as a float array of shape (m, k), m, k >= 1, without NaN."""
    Z = F._as_input(pred, where, "pred")
    if Z.ndim != 2:
        hint = " (a single sample must be passed as shape (1, k))" if Z.ndim == 1 else ""
        raise ValueError(
            f"{where}: expected pred ({what}) of shape (m, k) with samples as rows, "
            f"got {Z.shape}{hint}"
        )
    return Z


# ------------------------------------------------------------------------- base class
class Loss:
    """Base class: ``forward`` = ``_check`` (the inputs) then ``_forward`` (the formula).

    ``_forward`` keeps dL/dpred in one cache, overwritten by every call; ``backward`` returns a
    copy of it.
    """

    _dpred = None

    def __call__(self, pred, target):
        return self.forward(pred, target)

    def forward(self, pred, target):
        """The cost (a Python float) of ``pred`` against ``target``."""
        self._dpred = None  # a forward that raises leaves no stale gradient behind
        return self._forward(*self._check(pred, target))

    def _check(self, pred, target):
        """pred and target checked, as arrays ``_forward`` can use (overridden where needed)."""
        return self._inputs(pred, target)

    def _inputs(self, pred, target, pred_range=None, target_range=None):
        """pred and target as non-empty float arrays of one shape, in pred's dtype, without NaN,
        optionally within ``[lo, hi]`` ranges (checked before the target is cast)."""
        where = f"{type(self).__name__}.forward"
        pred = F._as_input(pred, where, "pred", nan_check=pred_range is None)
        target = F._as_input(target, where, "target", nan_check=target_range is None)
        check_same_shape(pred, target, where)
        if pred_range is not None:
            check_range(pred, *pred_range, where, "pred (probabilities)")
        if target_range is not None:
            check_range(target, *target_range, where, "target")
        return pred, _cast_target(target, pred.dtype, where)

    def _forward(self, pred, target):
        """The formula, on checked inputs: sets ``self._dpred``, returns the cost."""
        raise NotImplementedError

    def backward(self):
        """dL/dpred for the last successful ``forward``.

        Returns
        -------
        ndarray of pred's shape and dtype: a new array at every call (a copy of the loss's
        cache), so editing it changes nothing inside the loss.
        """
        if self._dpred is None:
            raise ValueError(
                f"{type(self).__name__}.backward: expected a successful forward() before "
                "backward(), got none (never called, or the last forward raised)"
            )
        return self._dpred.copy()

    def __repr__(self):
        return f"{type(self).__name__}()"


# ------------------------------------------------------------------------- regression
def _square(r):
    return r * r


class MSELoss(Loss):
    r"""Mean squared error :math:`J = \frac1N \sum (\hat y - y)^2`.

    Gradient :math:`dJ/d\hat y = 2(\hat y - y)/N`.

    N is the number of elements (samples times outputs), as in ``torch.nn.MSELoss``.
    """

    def _forward(self, pred, target):
        r = _residual(pred, target)
        with np.errstate(over="ignore"):  # only a gradient beyond pred's dtype: ±inf
            self._dpred = _in_dtype(2 * (r / r.size), pred.dtype)
        return _cost(_square, r)


class MAELoss(Loss):
    r"""Mean absolute error :math:`J = \frac1N \sum |\hat y - y|` (``torch.nn.L1Loss``).

    Gradient :math:`\operatorname{sign}(\hat y - y)/N`, with 0 at a zero residual (as PyTorch).
    """

    def _forward(self, pred, target):
        r = _residual(pred, target)
        self._dpred = _in_dtype(np.sign(r) / r.size, pred.dtype)
        return _cost(np.abs, r)


class RMSELoss(Loss):
    r"""Root mean squared error :math:`J = \sqrt{\frac1N \sum (\hat y_i - y_i)^2}`.

    Gradient :math:`(\hat y - y) / (N J)`, taken as 0 when J = 0 (a perfect prediction), and
    :math:`\operatorname{sign}(r) / \sqrt{N n_\infty}` on the :math:`n_\infty` infinite residuals
    (0 elsewhere) when J = inf. Computed as :math:`s \sqrt{\frac1N \sum (r_i / s)^2}` with
    :math:`s = \max_i |r_i|` when the squares would overflow, so residuals of 1e200 give
    J = 1e200, not inf.
    """

    def _forward(self, pred, target):
        r = _residual(pred, target)
        J = self._rms(r)
        self._dpred = _in_dtype(self._grad(r, J), pred.dtype)
        return J

    @staticmethod
    def _grad(r, J):
        """r / (N J); 0 when J = 0. With infinite residuals (J = inf) the limit as they grow
        together: sign(r) / sqrt(N n_inf) on them, 0 elsewhere."""
        if J == 0:
            return np.zeros_like(r)
        if J == math.inf:
            infinite = np.isinf(r)
            return np.where(infinite, np.sign(r), 0) / math.sqrt(r.size * infinite.sum())
        scale = r.size * J
        if scale > float(np.finfo(r.dtype).max):  # N J beyond float32: divide in two steps
            return r / J / r.size
        return r / scale

    @staticmethod
    def _rms(r):
        try:
            with np.errstate(over="raise"):
                return float(np.sqrt(np.mean(r * r)))
        except FloatingPointError:
            s = float(np.max(np.abs(r)))
            if s == math.inf:
                return s
            return s * math.sqrt(float(np.mean(np.square(r.astype(np.float64) / s))))


class HuberLoss(Loss):
    r"""Huber loss (``torch.nn.HuberLoss``): quadratic near 0, linear beyond ``delta``.

    .. math::
        \ell(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
                  \delta\,(|r| - \tfrac12 \delta) & |r| > \delta \end{cases},
        \qquad r = \hat y - y, \qquad \ell'(r) = \operatorname{clip}(r, -\delta, \delta)

    ``delta`` is a finite number > 0. Each piece is evaluated on clipped residuals, so a residual
    of 1e200 never squares into an overflow.
    """

    def __init__(self, delta=1.0):
        self.delta = _finite_number(delta, "HuberLoss", "delta", lo=0, lo_open=True)

    def _forward(self, pred, target):
        r = _residual(pred, target)
        with np.errstate(over="ignore"):
            c = np.clip(r, -self.delta, self.delta)  # a delta beyond float32 becomes inf
            self._dpred = _in_dtype(c / r.size, pred.dtype)
        return _cost(lambda x: self._elementwise(x, self.delta), r)

    @staticmethod
    def _elementwise(r, d):
        a = np.abs(r)
        c = np.minimum(a, d)  # |r| on the quadratic piece; squared, it stays below d^2
        return np.where(a <= d, 0.5 * c * c, d * (np.maximum(a, d) - 0.5 * d))

    def __repr__(self):
        return f"HuberLoss(delta={self.delta})"


# ------------------------------------------------------------------------- binary
def _weighted(w, x):
    """w * x, with 0 wherever w == 0 (even where x is infinite)."""
    return np.multiply(w, x, out=np.zeros_like(x), where=w != 0)


def _clamped_log(p):
    """log(p) clamped at -100, as PyTorch's BCELoss does (log 0 = -100, no warning)."""
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100)


def _bce(p, y):
    """Elementwise binary cross-entropy with PyTorch's clamped logs."""
    return -(y * _clamped_log(p) + (1 - y) * _clamped_log(1 - p))


#: PyTorch's clamp of p (1 - p) in BCELoss's gradient: 1e-12, which it holds as a float32
#: (9.99999996e-13); the same number here gives the same gradient to the last bit.
_BCE_EPS = float(np.float32(1e-12))


def _bce_grad(p, y, n=1):
    """d bce / dp = (p - y) / max(p (1 - p), 1e-12), PyTorch's clamp; divided by n."""
    return (p - y) / (np.maximum(p * (1 - p), p.dtype.type(_BCE_EPS)) * n)


class BCELoss(Loss):
    r"""Binary cross-entropy on probabilities p in [0, 1] (``torch.nn.BCELoss``).

    .. math:: J = -\frac1N \sum \bigl(y \log p + (1 - y) \log(1 - p)\bigr)

    Each log is clamped at -100, so p = 0 or 1 gives a finite loss, as in PyTorch.
    Gradient: :math:`(p - y) / (\max(p(1-p), 10^{-12})\, N)` (PyTorch's clamp).
    """

    def _check(self, pred, target):
        return self._inputs(pred, target, pred_range=(0, 1), target_range=(0, 1))

    def _forward(self, pred, target):
        loss = _bce(pred, target)
        self._dpred = _bce_grad(pred, target, pred.size)
        return float(np.mean(loss))


class BCEWithLogitsLoss(Loss):
    r"""Binary cross-entropy on logits z (``torch.nn.BCEWithLogitsLoss``): p = sigma(z).

    .. math:: \ell = (1 - y)\,z + \log(1 + e^{-z}) = \max(z, 0) - z y + \log(1 + e^{-|z|})

    finite for any z (no ``exp`` overflow), and :math:`d\ell/dz = \sigma(z) - y` (divided by N).
    """

    def _check(self, pred, target):
        return self._inputs(pred, target, target_range=(0, 1))

    def _forward(self, z, y):
        a = np.abs(z)
        e = np.exp(-a)  # e^{-|z|} <= 1 never overflows; shared by loss and gradient
        if a.max() != np.inf:
            loss = np.maximum(z, 0)
            loss -= z * y
            loss += np.log1p(e)  # max(z, 0) - z y + log(1 + e^{-|z|}), built in place
        else:  # z = ±inf: the limits y softplus(-z) + (1 - y) softplus(z), skipping 0 * inf
            loss = _weighted(y, _softplus(-z)) + _weighted(1 - y, _softplus(z))
        sigma = np.where(z >= 0, 1, e)
        sigma /= 1 + e  # sigma(z), as in activations.sigmoid
        sigma -= y
        sigma /= z.size
        self._dpred = sigma  # (sigma(z) - y) / N
        return _cost(lambda x: x, loss)


def _softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


class FocalLoss(Loss):
    r"""Binary focal loss on probabilities (Lin et al. 2017): ``torchvision.ops.sigmoid_focal_loss``
    with probabilities p as pred instead of logits.

    .. math::
        p_t = p\,y + (1 - p)(1 - y), \quad
        \alpha_t = \alpha\,y + (1 - \alpha)(1 - y), \quad
        \ell = \alpha_t\,(1 - p_t)^\gamma\,\mathrm{BCE}(p, y)

    with :math:`\mathrm{BCE}(p, y) = -\bigl(y \log p + (1 - y) \log(1 - p)\bigr)`, each log clamped
    at -100 like ``BCELoss``. For a hard target (y = 0 or 1) the BCE term is :math:`-\log p_t`.
    ``alpha`` weights the **positive** class (y = 1) and ``1 - alpha`` the negative class;
    ``alpha=None`` turns the weighting off (torchvision's ``alpha=-1``). With ``alpha=None`` and
    ``gamma=0`` the focal loss is BCE, for soft targets too; with a number alpha and
    ``gamma=0`` it is BCE weighted by :math:`\alpha_t`. Soft targets y in [0, 1] are allowed:
    for p = 0.7, y = 0.3 (alpha = 0.25, gamma = 2) the loss is 0.1917, as torchvision's.

    Gradient: :math:`\alpha_t \bigl[\gamma (1 - p_t)^{\gamma - 1} (1 - 2y)\,\mathrm{BCE}
    + (1 - p_t)^\gamma (p - y) / \max(p(1 - p), 10^{-12})\bigr] / N`.
    """

    def __init__(self, alpha=0.25, gamma=2.0):
        if alpha is not None:
            alpha = check_number(alpha, "FocalLoss", "alpha", lo=0, hi=1)
        self.alpha = alpha
        self.gamma = _finite_number(gamma, "FocalLoss", "gamma", lo=0)

    def _check(self, pred, target):
        return self._inputs(pred, target, pred_range=(0, 1), target_range=(0, 1))

    def _forward(self, p, y):
        g = self.gamma
        a = 1.0 if self.alpha is None else self.alpha * y + (1 - self.alpha) * (1 - y)
        q = np.maximum(1 - (p * y + (1 - p) * (1 - y)), 0)  # 1 - p_t (never below 0 by rounding)
        bce = _bce(p, y)
        loss = a * q**g * bce
        # d loss / dp = a [g q^(g-1) (dq/dp) bce + q^g d bce/dp], with dq/dp = 1 - 2y
        dq = np.zeros_like(q)
        if g > 0:  # q^(g-1) is taken as 0 at q = 0, where bce is 0 too
            with np.errstate(divide="ignore"):
                dq = g * np.where(q > 0, q ** (g - 1), 0) * (1 - 2 * y) * bce
        grad = a * (dq + q**g * _bce_grad(p, y))
        self._dpred = (grad / p.size).astype(p.dtype, copy=False)
        return float(np.mean(loss))

    def __repr__(self):
        return f"FocalLoss(alpha={self.alpha}, gamma={self.gamma})"


# ------------------------------------------------------------------------- classes
def _class_targets(target, m, k, dtype, where):
    """One-hot or probability rows: a float array of shape (m, k), rows summing to 1."""
    Y = F._as_input(target, where, "target", nan_check=False)
    if Y.shape != (m, k):
        raise ValueError(f"{where}: expected target of shape ({m},) or ({m}, {k}), got {Y.shape}")
    check_range(Y, 0, 1, where, "target probabilities")
    sums = Y.sum(axis=1)
    if not np.allclose(sums, 1, atol=1e-4):
        raise ValueError(f"{where}: expected each target row to sum to 1, got sums {sums[:5]}")
    return Y.astype(dtype, copy=False)


def _exact_cross_entropy(Z, target):
    """The cross-entropy recomputed in float64, for when Z's dtype overflowed (float32 logits
    of ±3e38) or a sum went beyond the largest float; a true infinity stays inf."""
    logP = F._log_softmax(Z.astype(np.float64), 1)
    if target.ndim == 1:
        per_sample = -logP[np.arange(Z.shape[0]), target]
    else:
        per_sample = -_weighted(target.astype(np.float64), logP).sum(axis=1)
    return _scaled_mean(per_sample)


class CrossEntropyLoss(Loss):
    r"""Softmax cross-entropy on logits (``torch.nn.CrossEntropyLoss``).

    Parameters of ``forward``
    -------------------------
    pred : ndarray of shape (m, k)
        Logits (no softmax applied).
    target : int ndarray of shape (m,) or float ndarray of shape (m, k)
        Class labels in [0, k) (float labels must be whole numbers), or one-hot / probability
        rows (entries in [0, 1], each row summing to 1).

    .. math:: J = -\frac1m \sum_i \sum_j Y_{ij} \log \mathrm{softmax}(Z_i)_j,
              \qquad \frac{\partial J}{\partial Z} = \frac{\mathrm{softmax}(Z) - Y}{m}

    Computed with ``log_softmax`` (log-sum-exp), so logits of 1e4 give the exact answer.
    """

    def _check(self, pred, target):
        where = "CrossEntropyLoss.forward"
        Z = _logits(pred, where)
        m, k = Z.shape
        if _ndim(target, where) == 1:
            return Z, _labels(target, m, k, where)
        return Z, _class_targets(target, m, k, Z.dtype, where)

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
        loss = float(loss)
        return loss if math.isfinite(loss) else _exact_cross_entropy(Z, target)


class NLLLoss(Loss):
    r"""Negative log-likelihood on log-probabilities (``torch.nn.NLLLoss``).

    pred: (m, k) finite log-probabilities (e.g. ``log_softmax``); target: int labels (m,).
    :math:`J = -\frac1m \sum_i \text{pred}_{i, y_i}`, and :math:`\partial J / \partial
    \text{pred}_{i, y_i} = -1/m` (0 elsewhere).
    """

    def _check(self, pred, target):
        where = "NLLLoss.forward"
        logP = _logits(pred, where, "log-probabilities")
        if not np.isfinite(logP).all():
            raise ValueError(
                f"{where}: expected pred (log-probabilities) to be finite, got "
                f"{int(np.isinf(logP).sum())} infinite value(s); a probability of exactly 0 has "
                "no finite log: pass logits to CrossEntropyLoss instead"
            )
        m, k = logP.shape
        if _ndim(target, where) != 1:
            # a string, a dict, a class: the TypeError CrossEntropyLoss gives, not "shape ()"
            F._as_input(target, where, "target", nan_check=False)
            raise ValueError(
                f"{where}: expected target as class labels of shape ({m},), "
                f"got shape {np.shape(target)}"
            )
        return logP, _labels(target, m, k, where)

    def _forward(self, logP, y):
        m = logP.shape[0]
        rows = np.arange(m)
        self._dpred = np.zeros_like(logP)
        self._dpred[rows, y] = -1 / m
        return _cost(np.negative, logP[rows, y])


# ------------------------------------------------------------------------- functional forms
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
