"""Parameters and layers: Dense, the activation layers, Dropout.

Every layer has ``forward(X)`` (also called as ``layer(X)``), ``backward(dY) -> dX`` and
``parameters()``. ``forward`` keeps **one** cached input (overwritten on every call) and
``backward`` uses it; gradients are **added** into ``Parameter.grad`` until ``zero_grad()``.

Introduced in chapter 2 (Layers and forward propagation); the backward passes in chapter 5.
"""

from __future__ import annotations

import numpy as np

from nbcore import activations as F
from nbcore._checks import as_float_array, check_int, check_number, has_nan


class Parameter:
    """A learnable array and its gradient.

    Attributes
    ----------
    data : ndarray
        The value, updated in place by the optimizers.
    grad : ndarray of ``data.shape`` and dtype
        dL/d(data), accumulated by ``backward`` (``+=``) and reset by ``zero_grad()``.
    """

    _store = None  # the model's FlatStore once a Sequential holds it (see nbcore._flat)

    def __init__(self, data):
        self.data = as_float_array(data, "Parameter", "data")
        self.grad = np.zeros_like(self.data)

    def zero_grad(self):
        """Set the gradient to zero, in place."""
        self.grad[...] = 0

    @property
    def shape(self):
        return self.data.shape

    def __repr__(self):
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Layer:
    """Base class: a layer with no parameters that maps X to itself.

    Subclasses override ``forward`` and ``backward``. ``training`` is switched by
    ``Sequential.train()`` / ``eval()``; only ``Dropout`` looks at it.
    """

    training = True

    def forward(self, X):
        raise NotImplementedError

    def backward(self, dY):
        raise NotImplementedError

    def _forward(self, X):
        """``forward`` without the input checks, for a caller that has already run the same
        computation checked (``train`` after its first epoch). By default it is ``forward``."""
        return self.forward(X)

    def _backward(self, dY):
        """``backward`` without the check of dY (see ``_forward``)."""
        return self.backward(dY)

    def parameters(self):
        """The layer's Parameters (an empty list for parameter-free layers)."""
        return []

    def __call__(self, X):
        return self.forward(X)

    def __repr__(self):
        return f"{type(self).__name__}()"

    def _check_backward(self, dY, cached, method="backward", shape=None):
        """dY as an array of the forward output's shape and dtype (``cached`` is None before
        the first forward). The common case (already right) costs a few comparisons."""
        shape = (None if cached is None else cached.shape) if shape is None else shape
        if type(dY) is np.ndarray and cached is not None and dY.dtype == cached.dtype:
            if dY.shape == shape:
                return dY
        where = f"{type(self).__name__}.{method}"
        if cached is None:
            raise ValueError(f"{where}: expected forward() to be called before backward()")
        dY = as_float_array(dY, where, "dY", nan_check=False)
        if dY.shape != shape:
            raise ValueError(f"{where}: expected dY of shape {shape}, got {dY.shape}")
        return dY.astype(cached.dtype, copy=False)


_INITS = ("he", "xavier", "normal", "zeros")


class Dense(Layer):
    r"""Fully connected layer: :math:`Z = X W^\top + b`.

    Parameters
    ----------
    n_in, n_out : int
        Number of inputs :math:`n^{[l-1]}` and of units :math:`n^{[l]}`.
    init : {"he", "xavier", "normal", "zeros"}
        How W is drawn: normal with std :math:`\sqrt{2/n_{in}}` (He),
        :math:`\sqrt{2/(n_{in}+n_{out})}` (Xavier/Glorot), 0.01 ("normal"), or all zeros.
        b always starts at zero.
    rng : numpy.random.Generator, optional
        Source of the random weights; a fixed seed (0) when None, so results repeat.
    dtype : float32 or float64
        The dtype of W, b and of everything the layer computes; inputs are cast to it.

    Attributes
    ----------
    W : Parameter of shape (n_out, n_in)
        Row j holds the weights of unit j, as in ``torch.nn.Linear``.
    b : Parameter of shape (n_out,)
    input_grad : bool
        Whether ``backward`` returns dX (True; a ``Sequential`` skips it for its first layer).
    nan_check : bool
        Whether ``forward`` scans X for NaN (True; a ``Sequential`` turns it off for every Dense
        layer after the first, whose input comes from inside the network).

    Notes
    -----
    Forward, for X of shape (m, n_in):

    .. math:: Z = X W^\top + b \quad (m, n_{out})

    Backward, given :math:`dZ = \partial L/\partial Z` of shape (m, n_out):

    .. math:: dW \mathrel{+}= dZ^\top X, \quad db \mathrel{+}= \textstyle\sum_i dZ_{i,:},
              \quad dX = dZ\, W

    Memory layout (a speed detail; no number depends on it): W is stored column by column
    (Fortran order, ``W.data.T`` is C-contiguous), so the forward product ``X @ W.T`` reads both
    matrices row by row, the layout BLAS multiplies fastest; the backward pass builds dW as
    :math:`(X^\top dZ)^\top`, which comes out in the same layout, so adding it to ``W.grad`` is
    one contiguous pass. See "Performance notes" on the Benchmarks page.

    Introduced in chapter 2 (Layers and forward propagation).
    """

    def __init__(self, n_in, n_out, *, init="he", rng=None, dtype=np.float64):
        self.n_in = check_int(n_in, "Dense", "n_in")
        self.n_out = check_int(n_out, "Dense", "n_out")
        if init not in _INITS:
            raise ValueError(f"Dense: expected init in {_INITS}, got {init!r}")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"Dense: expected dtype float32 or float64, got {dtype}")
        self.init = init
        rng = np.random.default_rng(0) if rng is None else rng
        std = {"he": np.sqrt(2 / n_in), "xavier": np.sqrt(2 / (n_in + n_out)), "normal": 0.01}
        W = np.zeros((n_out, n_in)) if init == "zeros" else rng.normal(0, std[init], (n_out, n_in))
        self.W = Parameter(np.asfortranarray(W, dtype))  # column by column: see Notes
        self.b = Parameter(np.zeros(n_out, dtype=dtype))
        self.input_grad = True  # Sequential turns this off for its first layer
        self.nan_check = True  # Sequential turns this off after its first Dense layer
        self._X = None

    def forward(self, X):
        X = _check_input(X, self.n_in, self.W.data.dtype, "Dense.forward", self.nan_check)
        return self._forward(X)

    def _forward(self, X):
        self._X = X  # one cache, overwritten each call
        Z = X @ self.W.data.T
        Z += self.b.data  # Z = X W^T + b (b added to every row, in place)
        return Z

    def backward(self, dZ):
        shape = None if self._X is None else (self._X.shape[0], self.n_out)
        return self._backward(self._check_backward(dZ, self._X, shape=shape))

    def _backward(self, dZ):
        self.W.grad += (self._X.T @ dZ).T  # dZ^T X, made in W's memory order (see Notes)
        self.b.grad += _sum_rows(dZ)  # dZ.sum(axis=0)
        return dZ @ self.W.data if self.input_grad else None

    def parameters(self):
        return [self.W, self.b]

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out})"


def _sum_rows(A):
    """``A.sum(axis=0)`` computed as ``ones @ A``: the same sum, about 3x faster for tall A."""
    return _constant("ones", A.shape[0], A.dtype) @ A


_CONSTANTS = {}


def _constant(kind, shape, dtype=np.float64):
    """A read-only ``np.ones(shape, dtype)``, ``np.zeros(shape, dtype)`` or ``np.arange(shape)``
    (``kind`` "ones", "zeros" or "arange"), made once per (kind, shape, dtype) and reused: the
    hot loops need the same few arrays at every step."""
    key = (kind, shape, dtype)
    if key not in _CONSTANTS:
        if len(_CONSTANTS) > 64:  # many batch sizes (e.g. a widget's slider): start again
            _CONSTANTS.clear()
        if kind == "arange":
            v = np.arange(shape)
        else:
            v = (np.ones if kind == "ones" else np.zeros)(shape, dtype)
        v.flags.writeable = False
        _CONSTANTS[key] = v
    return _CONSTANTS[key]


def _check_input(X, n_in, dtype, where, nan_check=True):
    """X as an (m, n_in) array of the layer's dtype, without NaN (when ``nan_check``)."""
    if type(X) is np.ndarray and X.dtype == dtype and X.ndim == 2 and X.shape[1] == n_in:
        if X.shape[0] and not (nan_check and has_nan(X)):
            return X  # the common case: at most one reduction (the NaN scan), no copy
    X = as_float_array(X, where, "X", nan_check=nan_check)
    if X.ndim != 2 or X.shape[1] != n_in:
        hint = " (a single sample must be passed as shape (1, n))" if X.ndim == 1 else ""
        raise ValueError(f"{where}: expected X of shape (m, {n_in}), got {X.shape}{hint}")
    if X.shape[0] == 0:
        raise ValueError(f"{where}: expected a non-empty batch (m >= 1), got X of shape {X.shape}")
    return X.astype(dtype, copy=False)


class Activation(Layer):
    """A layer that applies ``g`` elementwise; backward multiplies by ``g'(Z)``.

    Subclasses define ``g`` and ``g_prime`` (functions of the cached pre-activation Z).
    """

    def __init__(self):
        self._Z = None

    def forward(self, Z):
        if not (type(Z) is np.ndarray and Z.dtype.char in "fd"):  # else: already a float array
            Z = as_float_array(Z, f"{type(self).__name__}.forward", "Z", nan_check=False)
        return self._forward(Z)

    def _forward(self, Z):
        self._Z = Z
        return self.g(Z)

    def backward(self, dA):
        return self._backward(self._check_backward(dA, self._Z))

    def _backward(self, dA):
        return dA * self.g_prime(self._Z)


class Identity(Activation):
    """g(z) = z. Introduced in chapter 1 (The neuron)."""

    def g(self, Z):
        return Z.copy()

    def g_prime(self, Z):
        return np.ones_like(Z)


class Step(Activation):
    """Heaviside step (the perceptron's activation); its backward returns zeros.

    Introduced in chapter 1 (The neuron).
    """

    def g(self, Z):
        return (Z > 0).astype(Z.dtype)

    def g_prime(self, Z):
        return np.zeros_like(Z)


class Sigmoid(Activation):
    r""":math:`A = \sigma(Z)`; backward: :math:`dZ = dA \odot A (1 - A)`. Chapter 3."""

    def _forward(self, Z):
        self._Z = Z
        self._A = F._sigmoid(Z)
        return self._A

    def _backward(self, dA):
        return dA * self._A * (1 - self._A)

    def g(self, Z):
        return F._sigmoid(Z)


class Tanh(Activation):
    r""":math:`A = \tanh Z`; backward: :math:`dZ = dA \odot (1 - A^2)`. Chapter 3."""

    def g(self, Z):
        return np.tanh(Z)

    def g_prime(self, Z):
        t = np.tanh(Z)
        return 1 - t * t


class ReLU(Activation):
    r""":math:`A = \max(0, Z)`; backward: :math:`dZ = dA \odot [Z > 0]`. Chapter 3."""

    def g(self, Z):
        # max(Z, 0) against an array of zeros: NumPy's array-array loop for maximum is SIMD,
        # its array-scalar loop is about 2.5x slower (same numbers either way).
        return np.maximum(Z, _constant("zeros", Z.shape, Z.dtype))

    def g_prime(self, Z):
        return (Z > 0).astype(Z.dtype)

    def _backward(self, dA):
        return dA * (self._Z > 0)  # dA * g'(Z), multiplying by the boolean mask directly


class LeakyReLU(Activation):
    r""":math:`A = Z` where Z > 0, else :math:`\alpha Z`; :math:`g' = 1` or :math:`\alpha`.

    Chapter 3.
    """

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = check_number(alpha, "LeakyReLU", "alpha", lo=0)

    def g(self, Z):
        return F._leaky_relu(Z, self.alpha)  # alpha = 0: ReLU, so -inf gives 0, not NaN

    def g_prime(self, Z):
        return np.where(Z > 0, 1, self.alpha).astype(Z.dtype)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Softplus(Activation):
    r""":math:`A = \log(1 + e^Z)`; :math:`g'(Z) = \sigma(Z)`. Chapter 3."""

    def g(self, Z):
        return F.softplus(Z)

    def g_prime(self, Z):
        return F._sigmoid(Z)


class GELU(Activation):
    r""":math:`A = Z\,\Phi(Z)`, PyTorch's ``torch.nn.GELU(approximate=...)``.

    ``approximate="none"`` (the default) is the exact erf form, ``"tanh"`` the tanh
    approximation; see ``nbcore.gelu``. Backward: :math:`dZ = dA \odot \mathrm{GELU}'(Z)`.
    Introduced in chapter 3 (Activation functions).
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = F._approximate(approximate, "GELU")

    def g(self, Z):
        return F._gelu(Z, self.approximate)

    def g_prime(self, Z):
        return F._gelu_grad(Z, self.approximate)

    def __repr__(self):
        return f"GELU(approximate={self.approximate!r})"


class Softmax(Layer):
    r"""Softmax along ``axis``: :math:`A = \mathrm{softmax}(Z)`.

    Backward applies the softmax Jacobian without building it:

    .. math:: dZ = A \odot \bigl(dA - \textstyle\sum_j dA_j A_j\bigr)

    For training a classifier prefer logits + ``CrossEntropyLoss`` (its gradient is fused and
    exact). Introduced in chapter 6 (Softmax and multi-class classification).
    """

    def __init__(self, axis=-1):
        self.axis = axis
        self._A = None

    def forward(self, Z):
        Z = as_float_array(Z, "Softmax.forward", "Z")
        self._A = F.softmax(Z, axis=self.axis)
        return self._A

    def backward(self, dA):
        dA = self._check_backward(dA, self._A)
        A = self._A
        return A * (dA - (dA * A).sum(axis=self.axis, keepdims=True))

    def __repr__(self):
        return f"Softmax(axis={self.axis})"


class Dropout(Layer):
    r"""Inverted dropout: in training, zero each unit with probability p and scale the rest.

    .. math:: A = X \odot M / (1 - p), \quad M_{ij} \sim \mathrm{Bernoulli}(1 - p)

    In eval mode (``model.eval()``) it is the identity, so no rescaling is needed at test time.
    Backward: :math:`dX = dA \odot M / (1 - p)` with the mask of the last forward pass.

    Introduced in chapter 8 (Training a network end to end).
    """

    def __init__(self, p, rng=None):
        self.p = check_number(p, "Dropout", "p", lo=0, hi=1, hi_open=True)
        self.rng = np.random.default_rng(0) if rng is None else rng
        self._scale = None

    def forward(self, X):
        X = as_float_array(X, "Dropout.forward", "X")
        if not self.training or self.p == 0:
            self._scale = np.ones_like(X)
            return X.copy()
        keep = self.rng.random(X.shape) >= self.p
        self._scale = keep.astype(X.dtype) / X.dtype.type(1 - self.p)
        return X * self._scale

    def backward(self, dA):
        dA = self._check_backward(dA, self._scale)
        return dA * self._scale

    def __repr__(self):
        return f"Dropout(p={self.p})"


__all__ = [
    "Parameter",
    "Layer",
    "Dense",
    "Activation",
    "Identity",
    "Step",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "Softplus",
    "GELU",
    "Softmax",
    "Dropout",
]
