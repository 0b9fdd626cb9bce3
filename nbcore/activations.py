"""Activation functions and their derivatives, as plain functions of ``z``.

Every function is elementwise (``softmax`` and friends work along ``axis``), keeps the dtype of a
float32 or float64 input, and is numerically stable for ``|z|`` up to 1e300 and for ``z = ±inf``
where the mathematical limit exists. Derivatives take the pre-activation ``z``, never ``g(z)``.

Introduced in chapter 3 (Activation functions); softmax in chapter 6.
"""

from __future__ import annotations

import math

import numpy as np

from nbcore._checks import as_float_array, check_number


def step(z):
    """Heaviside step: 1 where z > 0, else 0. Its derivative is 0 wherever it exists."""
    z = as_float_array(z, "step", "z")
    return _result((z > 0).astype(z.dtype))


def identity(z):
    """Identity (linear) activation: g(z) = z, g'(z) = 1."""
    return _result(as_float_array(z, "identity", "z").copy())


def _result(a):
    """``a`` itself, or a NumPy scalar when ``a`` is 0-d (so ``round(sigmoid(0.5), 4)`` works)."""
    return a[()]


def _sigmoid(z):
    # sigma(z) = 1 / (1 + e^{-z}) for z >= 0 and e^{z} / (1 + e^{z}) for z < 0: exp never overflows.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1, e) / (1 + e)


def sigmoid(z):
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, with outputs in [0, 1].

    Computed as :math:`e^{-|z|}`-based fractions so that ``exp`` never overflows:
    ``sigmoid(-1e4)`` is 0 and ``sigmoid(1e4)`` is 1 with no warning.
    """
    return _result(_sigmoid(as_float_array(z, "sigmoid", "z")))


def sigmoid_grad(z):
    r""":math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`, taking the pre-activation z."""
    s = sigmoid(z)
    return _result(s * (1 - s))


def tanh(z):
    r"""Hyperbolic tangent :math:`\tanh z = (e^z - e^{-z}) / (e^z + e^{-z})`, outputs in [-1, 1]."""
    return _result(np.tanh(as_float_array(z, "tanh", "z")))


def tanh_grad(z):
    r""":math:`\tanh'(z) = 1 - \tanh^2 z`."""
    t = tanh(z)
    return _result(1 - t * t)


def relu(z):
    r"""Rectified linear unit :math:`\max(0, z)`."""
    return _result(np.maximum(as_float_array(z, "relu", "z"), 0))


def relu_grad(z):
    """ReLU derivative: 1 where z > 0, else 0 (the subgradient 0 at z = 0, as in PyTorch)."""
    z = as_float_array(z, "relu_grad", "z")
    return _result((z > 0).astype(z.dtype))


def leaky_relu(z, alpha=0.01):
    r"""Leaky ReLU: z where z > 0, else :math:`\alpha z` (``alpha`` is the negative slope)."""
    z = as_float_array(z, "leaky_relu", "z")
    alpha = check_number(alpha, "leaky_relu", "alpha", lo=0)
    return _result(np.where(z > 0, z, z * z.dtype.type(alpha)))


def leaky_relu_grad(z, alpha=0.01):
    r"""Leaky ReLU derivative: 1 where z > 0, else :math:`\alpha` (also at z = 0)."""
    z = as_float_array(z, "leaky_relu_grad", "z")
    alpha = check_number(alpha, "leaky_relu_grad", "alpha", lo=0)
    return _result(np.where(z > 0, 1, alpha).astype(z.dtype))


def softplus(z):
    r"""Softplus :math:`\log(1 + e^{z})`, a smooth ReLU; its derivative is :math:`\sigma(z)`.

    Computed as :math:`\max(z, 0) + \log(1 + e^{-|z|})`, which never overflows.
    """
    z = as_float_array(z, "softplus", "z")
    return _result(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))


def softplus_grad(z):
    r""":math:`\frac{d}{dz}\log(1 + e^{z}) = \sigma(z)`."""
    return sigmoid(z)


_GELU_C = math.sqrt(2 / math.pi)  # a Python float: keeps float32 inputs in float32


def gelu(z):
    r"""GELU, tanh approximation (PyTorch's ``approximate="tanh"``).

    .. math:: \mathrm{GELU}(z) = \tfrac12 z\,\bigl(1 + \tanh(\sqrt{2/\pi}\,(z + 0.044715 z^3))\bigr)

    Beyond ``|z| = 10`` it equals max(z, 0) to the last bit (tanh has saturated), which is what is
    returned there, so that huge or infinite z give their limits.
    """
    z = as_float_array(z, "gelu", "z")
    zc = np.clip(z, -10, 10)
    inner = 0.5 * zc * (1 + np.tanh(_GELU_C * (zc + 0.044715 * zc**3)))
    return _result(np.where(np.abs(z) <= 10, inner, np.maximum(z, 0)))


def gelu_grad(z):
    """Derivative of the tanh-approximated GELU (1 beyond z = 10, 0 below z = -10)."""
    z = as_float_array(z, "gelu_grad", "z")
    zc = np.clip(z, -10, 10)
    t = np.tanh(_GELU_C * (zc + 0.044715 * zc**3))
    du = _GELU_C * (1 + 3 * 0.044715 * zc * zc)
    inner = 0.5 * (1 + t) + 0.5 * zc * (1 - t * t) * du
    return _result(np.where(np.abs(z) <= 10, inner, z > 0).astype(z.dtype))


def _shift_by_max(z, axis):
    """``z - max(z)`` along ``axis``, with the limits for infinite maxima.

    In a row whose maximum is +inf the +inf entries become 0 (they share all the mass) and the
    others -inf; a row of all -inf becomes all 0 (equal logits give equal probabilities).
    """
    m = z.max(axis=axis, keepdims=True)
    if np.isfinite(m).all():  # the usual case: every maximum is finite
        return z - m
    with np.errstate(invalid="ignore"):
        shifted = z - m  # inf - inf = nan where z equals an infinite maximum
    shifted[np.isnan(shifted)] = 0
    return shifted


def softmax(z, axis=-1):
    r"""Softmax along ``axis``: :math:`p_j = e^{z_j} / \sum_i e^{z_i}`.

    Computed on :math:`z - \max_i z_i` (the result is unchanged by the shift), so that no
    exponential overflows: ``softmax([1000, 1000])`` is ``[0.5, 0.5]``, not ``nan``.

    Introduced in chapter 6 (Softmax and multi-class classification).
    """
    z = as_float_array(z, "softmax", "z")
    e = np.exp(_shift_by_max(z, axis))
    return _result(e / e.sum(axis=axis, keepdims=True))


def log_softmax(z, axis=-1):
    r""":math:`\log p_j = z_j - \operatorname{logsumexp}(z)`, stable for any finite logits."""
    z = as_float_array(z, "log_softmax", "z")
    shifted = _shift_by_max(z, axis)
    return _result(shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True)))


def logsumexp(z, axis=-1):
    r""":math:`\log \sum_i e^{z_i} = m + \log \sum_i e^{z_i - m}` with :math:`m = \max_i z_i`.

    Returns an array with ``axis`` removed.
    """
    z = as_float_array(z, "logsumexp", "z")
    m = np.max(z, axis=axis, keepdims=True)  # ±inf maxima give ±inf, as the limit does
    out = m + np.log(np.exp(_shift_by_max(z, axis)).sum(axis=axis, keepdims=True))
    return _result(np.squeeze(out, axis=axis))


#: The activation functions by name, with their derivatives (a plain dict, as in scikit-learn).
ACTIVATIONS = {
    "identity": (identity, lambda z: np.ones_like(as_float_array(z, "identity_grad", "z"))),
    "step": (step, lambda z: np.zeros_like(as_float_array(z, "step_grad", "z"))),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "softplus": (softplus, softplus_grad),
    "gelu": (gelu, gelu_grad),
}
