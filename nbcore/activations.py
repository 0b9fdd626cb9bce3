"""Activation functions and their derivatives, as plain functions of ``z``.

Every function is elementwise (``softmax`` and friends work along ``axis``), keeps the dtype of a
float32 or float64 input (integers become float64), and is numerically stable for ``|z|`` up to
1e300 (float64) or 3e38 (float32) and for ``z = ±inf`` where the mathematical limit exists, with
no RuntimeWarning. Derivatives take the pre-activation ``z``, never ``g(z)``. Each function
returns a new array (never its input), or a NumPy scalar for a 0-d input.

Bad input raises ``TypeError`` or ``ValueError`` naming the function, what it expected and what
it got: booleans, float16, complex numbers, strings, NaN and empty arrays are refused.

Introduced in chapter 3 (Activation functions); softmax in chapter 6.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from nbcore._checks import as_float_array, check_number


def _as_input(x, where, name="z", nan_check=True):
    """``as_float_array`` for data entering a public function (here and in ``losses``): it also
    refuses booleans and float16 (which ``as_float_array`` would widen to float64 without a
    word) and empty arrays. A float32 or float64 ndarray costs what ``as_float_array`` costs."""
    if not (type(x) is np.ndarray and x.dtype.char in "fd"):
        dtype = _dtype_of(x)
        if dtype is not None and (dtype.kind == "b" or dtype == np.float16):
            raise TypeError(
                f"{where}: expected {name} as float32 or float64 numbers (or integers), "
                f"got dtype {dtype}"
            )
    arr = as_float_array(x, where, name, nan_check=nan_check)
    if arr.size == 0:
        raise ValueError(f"{where}: expected a non-empty {name}, got an array of shape {arr.shape}")
    return arr


def _dtype_of(x):
    """The dtype NumPy would give ``x``, or None when it cannot make an array of it."""
    dtype = getattr(x, "dtype", None)
    if isinstance(dtype, np.dtype):
        return dtype
    try:
        return np.asarray(x).dtype
    except (TypeError, ValueError):
        return None


def _input(z, where):
    """z as a non-empty float32/float64 array without NaN."""
    return _as_input(z, where, "z")


def _result(a):
    """``a`` itself, or a NumPy scalar when ``a`` is 0-d (so ``round(sigmoid(0.5), 4)`` works)."""
    return a[()]


def _slope(alpha, where):
    """The leaky slope as a finite float >= 0."""
    alpha = check_number(alpha, where, "alpha", lo=0)
    if alpha == math.inf:
        raise ValueError(f"{where}: expected a finite alpha >= 0, got {alpha!r}")
    return alpha


def step(z):
    """Heaviside step: 1 where z > 0, else 0. Its derivative is 0 wherever it exists."""
    z = _input(z, "step")
    return _result((z > 0).astype(z.dtype))


def identity(z):
    """Identity (linear) activation: g(z) = z, g'(z) = 1. Returns a copy of z."""
    return _result(_input(z, "identity").copy())


def _sigmoid(z):
    # sigma(z) = 1 / (1 + e^{-z}) for z >= 0 and e^{z} / (1 + e^{z}) for z < 0: exp never overflows.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1, e) / (1 + e)


def sigmoid(z):
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, with outputs in [0, 1].

    Computed as :math:`e^{-|z|}`-based fractions so that ``exp`` never overflows:
    ``sigmoid(-1e4)`` is 0 and ``sigmoid(1e4)`` is 1 with no warning.
    """
    return _result(_sigmoid(_input(z, "sigmoid")))


def sigmoid_grad(z):
    r""":math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`, taking the pre-activation z."""
    s = _sigmoid(_input(z, "sigmoid_grad"))
    return _result(s * (1 - s))


def tanh(z):
    r"""Hyperbolic tangent :math:`\tanh z = (e^z - e^{-z}) / (e^z + e^{-z})`, outputs in [-1, 1]."""
    return _result(np.tanh(_input(z, "tanh")))


def tanh_grad(z):
    r""":math:`\tanh'(z) = 1 - \tanh^2 z`."""
    t = np.tanh(_input(z, "tanh_grad"))
    return _result(1 - t * t)


def relu(z):
    r"""Rectified linear unit :math:`\max(0, z)`."""
    return _result(np.maximum(_input(z, "relu"), 0))


def relu_grad(z):
    """ReLU derivative: 1 where z > 0, else 0 (the subgradient 0 at z = 0, as in PyTorch)."""
    z = _input(z, "relu_grad")
    return _result((z > 0).astype(z.dtype))


def _leaky_relu(z, alpha):
    """Leaky ReLU without input checks (for the ``LeakyReLU`` layer). With alpha = 0 it is
    ReLU, so that z = -inf gives the limit 0 (``-inf * 0`` would be NaN)."""
    if alpha == 0:
        return np.maximum(z, 0)
    return np.where(z > 0, z, z * z.dtype.type(alpha))


def leaky_relu(z, alpha=0.01):
    r"""Leaky ReLU: z where z > 0, else :math:`\alpha z` (``alpha`` is the negative slope).

    ``alpha`` is a finite number >= 0 (0 gives ReLU, also at z = -inf).
    """
    z = _input(z, "leaky_relu")
    return _result(_leaky_relu(z, _slope(alpha, "leaky_relu")))


def leaky_relu_grad(z, alpha=0.01):
    r"""Leaky ReLU derivative: 1 where z > 0, else :math:`\alpha` (also at z = 0)."""
    z = _input(z, "leaky_relu_grad")
    alpha = _slope(alpha, "leaky_relu_grad")
    return _result(np.where(z > 0, 1, alpha).astype(z.dtype))


def softplus(z):
    r"""Softplus :math:`\log(1 + e^{z})`, a smooth ReLU; its derivative is :math:`\sigma(z)`.

    Computed as :math:`\max(z, 0) + \log(1 + e^{-|z|})`, which never overflows.
    """
    z = _input(z, "softplus")
    return _result(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))


def softplus_grad(z):
    r""":math:`\frac{d}{dz}\log(1 + e^{z}) = \sigma(z)`."""
    return _result(_sigmoid(_input(z, "softplus_grad")))


# ------------------------------------------------------------------------------------ GELU
_GELU_C = math.sqrt(2 / math.pi)  # Python floats: keep float32 inputs in float32
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_GELU_FORMS = ("none", "tanh")


def _approximate(approximate, where):
    """``approximate`` checked: "none" (the exact erf form) or "tanh", as in PyTorch."""
    if not (isinstance(approximate, str) and approximate in _GELU_FORMS):
        raise ValueError(f"{where}: expected approximate='none' or 'tanh', got {approximate!r}")
    return approximate


def _erfc(x):
    """The complementary error function of a float64 array, entry by entry.

    NumPy has no erf; the C library's ``math.erfc`` is accurate to about one unit in the last
    place, on both tails (``erfc(x)`` for large x is tiny but exact in relative terms).
    """
    flat = x.ravel().tolist()
    return np.fromiter(map(math.erfc, flat), np.float64, count=len(flat)).reshape(x.shape)


def _normal_cdf(x):
    r""":math:`\Phi(x) = \tfrac12 \operatorname{erfc}(-x/\sqrt2)` for a float64 array.

    The erfc form keeps full relative accuracy in the left tail, where
    :math:`\tfrac12(1 + \operatorname{erf}(x/\sqrt2))` would lose it to cancellation.
    """
    return 0.5 * _erfc(-x * _SQRT_HALF)


def _gelu_erf(z):
    # Below z = -40, z Phi(z) < 1e-340 is 0 in float64: clipping there gives -inf its limit 0.
    x = np.maximum(z.astype(np.float64, copy=False), -40.0)
    return (x * _normal_cdf(x)).astype(z.dtype, copy=False)


def _gelu_erf_grad(z):
    # Beyond |z| = 40, Phi(z) is 0 or 1 and z phi(z) is 0 in float64: clip, then no overflow.
    x = np.clip(z.astype(np.float64, copy=False), -40.0, 40.0)
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
    return (_normal_cdf(x) + x * pdf).astype(z.dtype, copy=False)


def _gelu_tanh(z):
    # Beyond |z| = 10 the tanh form equals max(z, 0) to the last bit (tanh has saturated).
    zc = np.clip(z, -10, 10)
    inner = 0.5 * zc * (1 + np.tanh(_GELU_C * (zc + 0.044715 * zc**3)))
    return np.where(np.abs(z) <= 10, inner, np.maximum(z, 0))


def _gelu_tanh_grad(z):
    zc = np.clip(z, -10, 10)
    t = np.tanh(_GELU_C * (zc + 0.044715 * zc**3))
    du = _GELU_C * (1 + 3 * 0.044715 * zc * zc)
    inner = 0.5 * (1 + t) + 0.5 * zc * (1 - t * t) * du
    return np.where(np.abs(z) <= 10, inner, z > 0).astype(z.dtype)


def _gelu(z, approximate="none"):
    """GELU without input checks (for the ``GELU`` layer)."""
    return _gelu_erf(z) if approximate == "none" else _gelu_tanh(z)


def _gelu_grad(z, approximate="none"):
    """GELU's derivative without input checks (for the ``GELU`` layer)."""
    return _gelu_erf_grad(z) if approximate == "none" else _gelu_tanh_grad(z)


def gelu(z, approximate="none"):
    r"""Gaussian error linear unit, with PyTorch's two forms (``torch.nn.GELU``).

    .. math::
        \mathrm{GELU}(z) = z\,\Phi(z) = \tfrac12 z\,\bigl(1 + \operatorname{erf}(z/\sqrt2)\bigr)
        \quad (\texttt{approximate="none"}, \text{the default})

    .. math::
        \mathrm{GELU}(z) \approx \tfrac12 z\,\bigl(1 + \tanh(\sqrt{2/\pi}\,(z + 0.044715 z^3))\bigr)
        \quad (\texttt{approximate="tanh"})

    :math:`\Phi` is the standard normal distribution function. The two forms differ by less than
    5e-4. Huge or infinite z give the limits max(z, 0). The exact form is computed in float64 (and
    returned in z's dtype) with the C library's erfc, one entry at a time: about twice as slow as
    the tanh form.

    Introduced in chapter 3 (Activation functions).
    """
    z = _input(z, "gelu")
    return _result(_gelu(z, _approximate(approximate, "gelu")))


def gelu_grad(z, approximate="none"):
    r"""Derivative of GELU: :math:`\Phi(z) + z\,\varphi(z)` with
    :math:`\varphi(z) = e^{-z^2/2}/\sqrt{2\pi}` (``approximate="none"``), or the derivative of the
    tanh form (``approximate="tanh"``). 1 for large z, 0 for very negative z."""
    z = _input(z, "gelu_grad")
    return _result(_gelu_grad(z, _approximate(approximate, "gelu_grad")))


# ------------------------------------------------------------------------------------ softmax
def _axis(z, axis, where):
    """``axis`` checked against z: an integer in [-ndim, ndim), along which z is not empty.

    A 0-d z counts as one entry along axis 0 (or -1), as in PyTorch.
    """
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{where}: expected axis as an integer, got {axis!r}")
    ndim = max(z.ndim, 1)
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{where}: expected axis in [{-ndim}, {ndim - 1}] for z of shape {z.shape}, got {axis}"
        )
    return int(axis)


def _shift_by_max(z, axis):
    """``z - max(z)`` along ``axis``, with the limits for infinite maxima.

    In a row whose maximum is +inf the +inf entries become 0 (they share all the mass) and the
    others -inf; a row of all -inf becomes all 0 (equal logits give equal probabilities). A
    difference beyond the largest float (float32 logits of 3e38 and -3e38) is -inf, its correctly
    rounded value: its exponential is 0, as it should be.
    """
    m = z.max(axis=axis, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = z - m
    if np.isfinite(m).all():  # the usual case: every maximum is finite
        return shifted
    shifted[np.isnan(shifted)] = 0  # inf - inf (NaN) where z equals an infinite maximum
    return shifted


def _along(f, z, axis, where):
    """``f(z, axis)`` for a checked, non-empty z and axis; a 0-d z is one entry along axis 0."""
    z = _input(z, where)
    axis = _axis(z, axis, where)
    if z.ndim == 0:
        return _result(f(z.reshape(1), 0).reshape(()))
    return _result(f(z, axis))


def _softmax(z, axis):
    e = np.exp(_shift_by_max(z, axis))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(z, axis):
    shifted = _shift_by_max(z, axis)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _logsumexp(z, axis):
    m = np.max(z, axis=axis, keepdims=True)  # ±inf maxima give ±inf, as the limit does
    out = m + np.log(np.exp(_shift_by_max(z, axis)).sum(axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis)


def softmax(z, axis=-1):
    r"""Softmax along ``axis``: :math:`p_j = e^{z_j} / \sum_i e^{z_i}`.

    Parameters
    ----------
    z : array_like of any shape (non-empty), float32 or float64
    axis : int
        The axis that holds the k scores of one sample (the last one by default).

    Returns
    -------
    ndarray of z's shape and dtype; each slice along ``axis`` sums to 1.

    Computed on :math:`z - \max_i z_i` (the result is unchanged by the shift), so that no
    exponential overflows: ``softmax([1000, 1000])`` is ``[0.5, 0.5]``, not ``nan``.

    Introduced in chapter 6 (Softmax and multi-class classification).
    """
    return _along(_softmax, z, axis, "softmax")


def log_softmax(z, axis=-1):
    r""":math:`\log p_j = z_j - \operatorname{logsumexp}(z)` along ``axis``, stable for any
    finite logits. Same shape and dtype as z."""
    return _along(_log_softmax, z, axis, "log_softmax")


def logsumexp(z, axis=-1):
    r""":math:`\log \sum_i e^{z_i} = m + \log \sum_i e^{z_i - m}` with :math:`m = \max_i z_i`.

    Returns an array with ``axis`` removed (a NumPy scalar for a 1-D z).
    """
    return _along(_logsumexp, z, axis, "logsumexp")


def _identity_grad(z):
    return np.ones_like(_input(z, "identity_grad"))


def _step_grad(z):
    return np.zeros_like(_input(z, "step_grad"))


#: The activation functions by name, with their derivatives (a plain dict, as in scikit-learn).
ACTIVATIONS = {
    "identity": (identity, _identity_grad),
    "step": (step, _step_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "softplus": (softplus, softplus_grad),
    "gelu": (gelu, gelu_grad),
}
