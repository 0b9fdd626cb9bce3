"""Parameters and layers: Dense, the activation layers, Dropout, BatchNorm1d, Residual.

Every layer has ``forward(X)`` (also called as ``layer(X)``), ``backward(dY) -> dX`` and
``parameters()``. ``forward`` keeps **one** cache (overwritten on every call, cleared first, so a
``forward`` that raised leaves none) and ``backward`` uses it; gradients are **added** into
``Parameter.grad`` until ``zero_grad()``.

Caches are read-only. An array a layer keeps for ``backward`` cannot be changed behind its
back: ``forward`` keeps the reader's input as a read-only copy (no copy when it is read-only
already), and an output that is also the cache (``Sigmoid``, ``Tanh``, ``Softmax``) is returned
read-only, so an in-place edit such as ``A += 1`` raises ``ValueError: assignment destination is
read-only`` instead of silently corrupting the next gradient (PyTorch raises in the same case).
Write ``A = A + 1`` to get a new array.

Layers with parameters or buffers (``Dense``, ``BatchNorm1d``, ``Residual``) have
``state_dict()`` (copies of their arrays by name) and ``load_state_dict(d)``.

Introduced in chapter 2 (Layers and forward propagation); the backward passes in chapter 5,
``Dropout`` in chapter 8, ``BatchNorm1d`` and ``Residual`` in chapter 9.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nbcore import activations as F
from nbcore._checks import as_float_array, check_int, check_number
from nbcore._random import as_generator, default_generator

_MISSING = object()


def _frozen(X):
    """``X`` itself if nothing can change it (it and every array it views are read-only), else a
    read-only copy. What a layer keeps for ``backward`` goes through here."""
    a = X
    while isinstance(a, np.ndarray):
        if a.flags.writeable:
            X = X.copy()
            X.flags.writeable = False
            return X
        a = a.base
    return X


def check_dtype(dtype, where):
    """``dtype`` as ``np.dtype`` float32 or float64; anything else is a TypeError."""
    try:
        dt = None if dtype is None else np.dtype(dtype)
    except (TypeError, ValueError):
        dt = None
    if dt not in (np.float32, np.float64):
        raise TypeError(f"{where}: expected dtype float32 or float64, got {dtype!r}")
    return dt


class Parameter:
    """A learnable array and its gradient.

    Parameters
    ----------
    data : array_like of numbers
        The initial value (float32 and float64 arrays are kept as they are, without a copy;
        integers and booleans become float64). None, strings, objects and NaN are refused.

    Attributes
    ----------
    data : ndarray
        The value, updated in place by the optimizers.
    grad : ndarray of ``data.shape`` and dtype
        dL/d(data), accumulated by ``backward`` (``+=``) and reset by ``zero_grad()``.
    """

    _store = None  # the model's FlatStore once a Sequential holds it (see nbcore._flat)

    def __init__(self, data=_MISSING):
        if data is _MISSING:
            raise TypeError("Parameter: expected data as an array of numbers, got no argument")
        self.data = as_float_array(data, "Parameter", "data")
        self.grad = np.zeros_like(self.data)

    def __setattr__(self, name, value):
        # p.data = ... / p.grad = ...: a numeric array of the parameter's shape, cast to its
        # dtype (the shape is fixed at creation: optimizer state and layers are shaped like it)
        if name in ("data", "grad") and "data" in self.__dict__:
            value = self._checked(name, value)
        object.__setattr__(self, name, value)

    def _checked(self, name, value):
        old = self.__dict__["data"]
        if type(value) is np.ndarray and value.dtype == old.dtype and value.shape == old.shape:
            return value  # the common case (a model's flat store assigns its views)
        where = f"Parameter.{name}"
        value = as_float_array(value, where, name, nan_check=False)
        if value.shape != old.shape:
            raise ValueError(f"{where}: expected an array of shape {old.shape}, got {value.shape}")
        return value.astype(old.dtype, copy=False)

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
    ``Sequential.train()`` / ``eval()``; ``Dropout`` and ``BatchNorm1d`` look at it.
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

    def _clear_cache(self):
        """Forget what the last ``forward`` kept, so ``backward`` refuses to run on it."""
        for name in self._cache_names:
            setattr(self, name, None)

    _cache_names = ()  # the attributes that hold the cache (cleared by _clear_cache)

    def parameters(self):
        """The layer's Parameters (an empty list for parameter-free layers)."""
        return []

    def _state(self):
        """The live arrays of the layer's state by name (parameters and buffers)."""
        return {}

    def state_dict(self):
        """A dict name -> copy of each array of the layer's state (empty when it has none).

        ``Dense`` gives ``{"W": ..., "b": ...}``; ``BatchNorm1d`` gives ``gamma``, ``beta``,
        ``running_mean`` and ``running_var``. The copies do not change when the layer trains.
        """
        return {name: arr.copy() for name, arr in self._state().items()}

    def load_state_dict(self, state):
        """Copy ``state`` (as from ``state_dict()``) into the layer's arrays, in place.

        Every key, shape and dtype is checked first; when one is wrong nothing is loaded and a
        ``ValueError`` / ``TypeError`` names the key, the expected and the given value.
        """
        load_state(self._state(), state, f"{type(self).__name__}.load_state_dict")

    def __call__(self, X):
        return self.forward(X)

    def __repr__(self):
        return f"{type(self).__name__}()"

    def _check_backward(self, dY, cached, method="backward", shape=None):
        """dY as an array of the forward output's shape and dtype (``cached`` is None before
        the first forward, or after one that raised). The common case (already right) costs a
        few comparisons."""
        shape = (None if cached is None else cached.shape) if shape is None else shape
        if type(dY) is np.ndarray and cached is not None and dY.dtype == cached.dtype:
            if dY.shape == shape and (not dY.size or all_finite(dY)):
                return dY
        where = f"{type(self).__name__}.{method}"
        if cached is None:
            raise ValueError(
                f"{where}: expected a successful forward() before backward(), got none "
                "(never called, or the last forward raised)"
            )
        dY = as_float_array(dY, where, "dY", nan_check=False)
        if dY.shape != shape:
            raise ValueError(f"{where}: expected dY of shape {shape}, got {dY.shape}")
        check_finite(dY, where, "dY")
        return dY.astype(cached.dtype, copy=False)


def all_finite(a):
    """Whether every entry of a non-empty float array is finite: two reductions, no temporary
    array (a NaN makes both comparisons False)."""
    return -np.inf < a.min() and a.max() < np.inf


def check_finite(a, where, name):
    """Raise a ValueError naming how many NaN and inf ``a`` holds, unless it holds none."""
    if a.size and not all_finite(a):
        n_nan, n_inf = int(np.isnan(a).sum()), int(np.isinf(a).sum())
        raise ValueError(
            f"{where}: expected {name} with finite values, got {n_nan} NaN and {n_inf} inf"
        )


def load_state(live, state, where):
    """Check ``state`` against ``live`` (name -> the array it is copied into), then copy.

    Nothing is written unless every key, shape and dtype is right: no half-loaded model.
    """
    if not isinstance(state, Mapping):
        raise TypeError(f"{where}: expected a dict of arrays (from state_dict()), got {state!r}")
    missing = [k for k in live if k not in state]
    unexpected = [k for k in state if k not in live]
    if missing or unexpected:
        raise ValueError(
            f"{where}: expected the keys {list(live)}, got missing keys {missing} and "
            f"unexpected keys {unexpected}"
        )
    values = {
        name: _state_value(state[name], arr, f"{where}: key {name!r}") for name, arr in live.items()
    }
    for name, arr in live.items():
        arr[...] = values[name]  # in place: the model's flat store and optimizer stay connected


def _state_value(value, arr, where):
    """``value`` as an ndarray of ``arr``'s shape and dtype, or a clear error."""
    if not isinstance(value, (np.ndarray, np.generic)):
        raise TypeError(f"{where}: expected an ndarray, got {type(value).__name__}")
    value = np.asarray(value)
    if value.shape != arr.shape:
        raise ValueError(f"{where}: expected shape {arr.shape}, got {value.shape}")
    if value.dtype != arr.dtype:
        raise TypeError(f"{where}: expected dtype {arr.dtype}, got {value.dtype}")
    return value


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
    rng : numpy.random.Generator or int, optional
        Source of the random weights. None draws from nbcore's generator (seeded by
        ``nc.manual_seed``; so two layers built one after the other differ, and a program
        repeats); an int is a seed.
    dtype : float32 or float64
        The dtype of W, b and of everything the layer computes; inputs are cast to it.

    Attributes
    ----------
    W : Parameter of shape (n_out, n_in)
        Row j holds the weights of unit j, as in ``torch.nn.Linear``.
    b : Parameter of shape (n_out,)
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

    ``forward`` keeps X for the backward pass as a read-only copy (no copy when X is read-only
    already, as the output of a layer inside a ``Sequential`` is), so editing X afterwards
    cannot change the gradient.

    Memory layout (a speed detail; no number depends on it): W is stored column by column
    (Fortran order, ``W.data.T`` is C-contiguous), so the forward product ``X @ W.T`` reads both
    matrices row by row, the layout BLAS multiplies fastest; the backward pass builds dW as
    :math:`(X^\top dZ)^\top`, which comes out in the same layout, so adding it to ``W.grad`` is
    one contiguous pass. See "Performance notes" on the Benchmarks page.

    Introduced in chapter 2 (Layers and forward propagation).
    """

    _cache_names = ("_X",)

    def __init__(self, n_in, n_out, *, init="he", rng=None, dtype=np.float64):
        self.n_in = check_int(n_in, "Dense", "n_in")
        self.n_out = check_int(n_out, "Dense", "n_out")
        if not isinstance(init, str) or init not in _INITS:
            raise ValueError(f"Dense: expected init in {_INITS}, got {init!r}")
        dtype = check_dtype(dtype, "Dense")
        rng = as_generator(rng, "Dense")
        self.init = init
        std = {"he": np.sqrt(2 / n_in), "xavier": np.sqrt(2 / (n_in + n_out)), "normal": 0.01}
        W = np.zeros((n_out, n_in)) if init == "zeros" else rng.normal(0, std[init], (n_out, n_in))
        self.W = Parameter(np.asfortranarray(W, dtype))  # column by column: see Notes
        self.b = Parameter(np.zeros(n_out, dtype=dtype))
        self.nan_check = True  # Sequential turns this off after its first Dense layer
        self._X = None

    def forward(self, X):
        self._X = None  # a forward that raises leaves no cache
        self._check_parameters("Dense.forward")
        X = _check_input(X, self.n_in, self.W.data.dtype, "Dense.forward", self.nan_check)
        return self._forward(_frozen(X))

    def _forward(self, X):
        self._X = X  # one cache, overwritten each call
        Z = X @ self.W.data.T
        Z += self.b.data  # Z = X W^T + b (b added to every row, in place)
        return Z

    def backward(self, dZ):
        return self._backward(self._check_dZ(dZ))

    def _backward(self, dZ):
        self._add_grads(dZ)
        return dZ @ self.W.data  # dX = dZ W

    def _check_parameters(self, where):
        """W and b are still Parameters of the right shapes (the reader may assign new ones)."""
        W, b = self.W, self.b
        if type(W) is Parameter and type(b) is Parameter:
            if W.data.shape == (self.n_out, self.n_in) and b.data.shape == (self.n_out,):
                if W.data.dtype == b.data.dtype:
                    return
        for name, value, shape in (("W", W, (self.n_out, self.n_in)), ("b", b, (self.n_out,))):
            got = value.shape if isinstance(value, Parameter) else type(value).__name__
            if not isinstance(value, Parameter) or value.shape != shape:
                raise TypeError(
                    f"{where}: expected {name} as a Parameter of shape {shape}, got {got} "
                    f"(assign values with layer.{name}.data[...] = ...)"
                )
        if W.data.dtype != b.data.dtype:
            raise TypeError(
                f"{where}: expected W and b of one dtype, got {W.data.dtype} and {b.data.dtype}"
            )

    def _check_dZ(self, dZ):
        shape = None if self._X is None else (self._X.shape[0], self.n_out)
        return self._check_backward(dZ, self._X, shape=shape)

    def _add_grads(self, dZ):
        """dW += dZ^T X and db += sum of dZ's rows; the backward pass without dX (a model's
        first layer in ``train``, where dL/dX is not needed)."""
        dW, db = self.W.grad, self.b.grad  # add in place (no Parameter attribute assignment)
        dW += (self._X.T @ dZ).T  # dZ^T X, made in W's memory order (see Notes)
        db += _sum_rows(dZ)  # dZ.sum(axis=0)

    def parameters(self):
        return [self.W, self.b]

    def _state(self):
        return {"W": self.W.data, "b": self.b.data}

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
    """X as an (m, n_in) array of the layer's dtype, without NaN or inf (when ``nan_check``)."""
    if type(X) is np.ndarray and X.dtype == dtype and X.ndim == 2 and X.shape[1] == n_in:
        if X.shape[0] and not (nan_check and not all_finite(X)):
            return X  # the common case: at most two reductions (min and max), no copy
    X = as_float_array(X, where, "X", nan_check=nan_check)
    if X.ndim != 2 or X.shape[1] != n_in:
        hint = " (a single sample must be passed as shape (1, n))" if X.ndim == 1 else ""
        raise ValueError(f"{where}: expected X of shape (m, {n_in}), got {X.shape}{hint}")
    if X.shape[0] == 0:
        raise ValueError(f"{where}: expected a non-empty batch (m >= 1), got X of shape {X.shape}")
    if nan_check:
        check_finite(X, where, "X")
    return X.astype(dtype, copy=False)


class Activation(Layer):
    """A layer that applies ``g`` elementwise; backward multiplies by ``g'(Z)``.

    Subclasses define ``g`` and ``g_prime`` (functions of the cached pre-activation Z).
    ``forward`` keeps Z as a read-only copy (no copy when Z is read-only already), so editing
    Z afterwards cannot change the gradient.
    """

    _cache_names = ("_Z",)
    _Z = None

    def __init__(self):
        self._Z = None

    def forward(self, Z):
        self._clear_cache()  # a forward that raises leaves no cache
        return self._forward(_frozen(self._check_forward(Z)))

    def _check_forward(self, Z):
        if type(Z) is np.ndarray and Z.dtype.char in "fd":  # already a float array
            return Z
        return as_float_array(Z, f"{type(self).__name__}.forward", "Z", nan_check=False)

    def _forward(self, Z):
        self._Z = Z
        return self.g(Z)

    def backward(self, dA):
        return self._backward(self._check_backward(dA, self._Z))

    def _backward(self, dA):
        return dA * self.g_prime(self._Z)


class _OutputCached(Activation):
    """An activation whose derivative is a function of its output A (Sigmoid, Tanh).

    The cache is A itself (and Z, kept read-only like every cached input), so ``forward``
    returns A **read-only**: ``A += 1`` raises instead of changing the next gradient (write
    ``A = A + 1``). Subclasses define ``g`` and ``_backward`` (from ``self._A``).
    """

    _cache_names = ("_Z", "_A")
    _A = None

    def forward(self, Z):
        self._clear_cache()  # a forward that raises leaves no cache
        A = self._forward(_frozen(self._check_forward(Z)))
        if type(A) is not np.ndarray:  # a 0-d Z gives a NumPy scalar
            A = self._A = np.asarray(A)
        A.flags.writeable = False
        return A

    def _forward(self, Z):
        self._Z = Z
        self._A = self.g(Z)
        return self._A

    def backward(self, dA):
        return self._backward(self._check_backward(dA, self._A))


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


class Sigmoid(_OutputCached):
    r""":math:`A = \sigma(Z)`; backward: :math:`dZ = dA \odot A (1 - A)`.

    The returned A is read-only (it is the backward cache). Chapter 3.
    """

    def g(self, Z):
        return F._sigmoid(Z)

    def g_prime(self, Z):
        s = F._sigmoid(Z)
        return s * (1 - s)

    def _backward(self, dA):
        return dA * self._A * (1 - self._A)


class Tanh(_OutputCached):
    r""":math:`A = \tanh Z`; backward: :math:`dZ = dA \odot (1 - A^2)`.

    The returned A is read-only (it is the backward cache). Chapter 3.
    """

    def g(self, Z):
        return np.tanh(Z)

    def g_prime(self, Z):
        t = np.tanh(Z)
        return 1 - t * t

    def _backward(self, dA):
        return dA * (1 - self._A * self._A)


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

    The returned A is read-only (it is the backward cache). For training a classifier prefer
    logits + ``CrossEntropyLoss`` (its gradient is fused and exact).
    Introduced in chapter 6 (Softmax and multi-class classification).
    """

    _cache_names = ("_A",)

    def __init__(self, axis=-1):
        if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"Softmax: expected axis as an int, got {axis!r}")
        self.axis = int(axis)
        self._A = None

    def forward(self, Z):
        self._A = None  # a forward that raises leaves no cache
        Z = as_float_array(Z, "Softmax.forward", "Z")
        if not -Z.ndim <= self.axis < Z.ndim:
            raise ValueError(
                f"Softmax.forward: expected Z with an axis {self.axis} "
                f"(at least {self.axis + 1 if self.axis >= 0 else -self.axis} dimensions), "
                f"got shape {Z.shape}"
            )
        A = self._forward(Z)
        A.flags.writeable = False
        return A

    def _forward(self, Z):
        self._A = F.softmax(Z, axis=self.axis)
        return self._A

    def backward(self, dA):
        return self._backward(self._check_backward(dA, self._A))

    def _backward(self, dA):
        A = self._A
        return A * (dA - (dA * A).sum(axis=self.axis, keepdims=True))

    def __repr__(self):
        return f"Softmax(axis={self.axis})"


class Dropout(Layer):
    r"""Inverted dropout: in training, zero each unit with probability p and scale the rest.

    .. math:: A = X \odot M / (1 - p), \quad M_{ij} \sim \mathrm{Bernoulli}(1 - p)

    In eval mode (``model.eval()``) it is the identity, so no rescaling is needed at test time.
    Backward: :math:`dX = dA \odot M / (1 - p)` with the mask of the last forward pass.

    Parameters
    ----------
    p : float in [0, 1)
        The probability of zeroing a unit.
    rng : numpy.random.Generator or int, optional
        Source of the masks. None draws each mask from nbcore's generator (seeded by
        ``nc.manual_seed``), so two Dropout layers draw different masks; an int is a seed.

    Introduced in chapter 8 (Training a network end to end).
    """

    _cache_names = ("_scale", "_keep")

    def __init__(self, p, rng=None):
        self.p = check_number(p, "Dropout", "p", lo=0, hi=1, hi_open=True)
        self.rng = None if rng is None else as_generator(rng, "Dropout")
        self._scale = self._keep = None

    def forward(self, X):
        self._scale = None  # a forward that raises leaves no cache
        X = as_float_array(X, "Dropout.forward", "X")
        if not self.training or self.p == 0:
            self._scale, self._keep = np.ones_like(X), None
            return X.copy()
        rng = default_generator() if self.rng is None else self.rng
        self._keep = rng.random(X.shape) >= self.p  # the mask M
        self._scale = self._keep.astype(X.dtype) / X.dtype.type(1 - self.p)
        return self._masked(X)

    def backward(self, dA):
        return self._masked(self._check_backward(dA, self._scale))

    def _masked(self, A):
        """``A * scale``, with exact zeros where units are dropped (also for A = inf)."""
        if self._keep is None:  # eval mode, or p = 0: the identity
            return A.copy()
        return np.multiply(A, self._scale, out=np.zeros_like(A), where=self._keep)

    def __repr__(self):
        return f"Dropout(p={self.p})"


class BatchNorm1d(Layer):
    r"""Batch normalisation of each feature (column), as ``torch.nn.BatchNorm1d``.

    Parameters
    ----------
    num_features : int
        n, the number of columns of X.
    eps : float > 0
        Added to the variance before the square root.
    momentum : float in [0, 1]
        Weight of the new batch in the running statistics (PyTorch's convention).
    affine : bool
        Learn a scale ``gamma`` and a shift ``beta`` (True); False fixes them at 1 and 0.
    dtype : float32 or float64

    Attributes
    ----------
    gamma, beta : Parameter of shape (n,)
        Ones and zeros at the start (None when ``affine`` is False).
    running_mean, running_var : ndarray of shape (n,)
        Zeros and ones at the start; used in eval mode. ``running_var`` uses the unbiased
        batch variance (divided by m - 1), as PyTorch does.

    Notes
    -----
    Train mode, for X of shape (m, n) with m >= 2 (batch statistics, biased variance):

    .. math:: \mu = \tfrac1m \textstyle\sum_i X_i, \quad
              \sigma^2 = \tfrac1m \textstyle\sum_i (X_i - \mu)^2, \quad
              \hat X = (X - \mu) / \sqrt{\sigma^2 + \epsilon}, \quad
              Y = \gamma \odot \hat X + \beta

    and the running statistics move towards the batch ones (``momentum`` written :math:`\rho`):

    .. math:: r_\mu \leftarrow (1 - \rho)\, r_\mu + \rho\, \mu, \quad
              r_{\sigma^2} \leftarrow (1 - \rho)\, r_{\sigma^2} + \rho\, \tfrac{m}{m-1} \sigma^2

    Eval mode uses :math:`r_\mu, r_{\sigma^2}` instead of :math:`\mu, \sigma^2` and changes
    nothing.

    Backward, given dY of shape (m, n) (train mode; sums over the batch, per feature):

    .. math:: d\beta = \textstyle\sum_i dY_i, \quad
              d\gamma = \textstyle\sum_i dY_i \odot \hat X_i, \quad
              dX = \frac{\gamma}{m \sqrt{\sigma^2 + \epsilon}} \odot
                   \bigl(m\, dY - \textstyle\sum_i dY_i - \hat X \odot
                   \textstyle\sum_i dY_i \odot \hat X_i\bigr)

    In eval mode the statistics are constants: :math:`dX = dY \odot \gamma /
    \sqrt{r_{\sigma^2} + \epsilon}`. Everything is computed in the layer's dtype (float32 stays
    float32).

    Introduced in chapter 9 (Training in practice).
    """

    _cache_names = ("_xhat", "_inv_std")

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, dtype=np.float64):
        where = "BatchNorm1d"
        self.num_features = check_int(num_features, where, "num_features")
        self.eps = check_number(eps, where, "eps", lo=0, lo_open=True)
        if momentum is None:
            raise TypeError(
                f"{where}: expected momentum as a number in [0, 1], got None (PyTorch's "
                "cumulative average is not supported)"
            )
        self.momentum = check_number(momentum, where, "momentum", lo=0, hi=1)
        if not isinstance(affine, (bool, np.bool_)):
            raise TypeError(f"{where}: expected affine as True or False, got {affine!r}")
        self.affine = bool(affine)
        dtype = check_dtype(dtype, where)
        n = self.num_features
        self.gamma = Parameter(np.ones(n, dtype)) if self.affine else None
        self.beta = Parameter(np.zeros(n, dtype)) if self.affine else None
        self.running_mean = np.zeros(n, dtype)
        self.running_var = np.ones(n, dtype)
        self._xhat = self._inv_std = None

    def forward(self, X):
        self._clear_cache()  # a forward that raises leaves no cache
        where = "BatchNorm1d.forward"
        X = _check_input(X, self.num_features, self.running_mean.dtype, where)
        if self.training and X.shape[0] < 2:
            raise ValueError(
                f"{where}: expected more than 1 sample per batch in train mode (the variance "
                f"of one sample is 0), got X of shape {X.shape}; use eval() for single samples"
            )
        return self._forward(X)

    def _forward(self, X):
        if self.training:
            mu = X.mean(axis=0)
            Xc = X - mu
            var = (Xc * Xc).mean(axis=0)  # biased: divided by m
            self._update_running(mu, var, X.shape[0])
        else:
            Xc = X - self.running_mean
            var = self.running_var
        self._batch_stats = self.training  # which backward formula applies
        self._inv_std = 1 / np.sqrt(var + self.eps)
        self._xhat = Xc * self._inv_std
        if not self.affine:
            return self._xhat.copy()
        return self._xhat * self.gamma.data + self.beta.data

    def _update_running(self, mu, var, m):
        """Move the running statistics towards the batch ones (in place), as PyTorch does."""
        k = self.momentum
        self.running_mean *= 1 - k
        self.running_mean += k * mu
        self.running_var *= 1 - k
        self.running_var += k * var * (m / (m - 1))  # the unbiased variance

    def backward(self, dY):
        return self._backward(self._check_backward(dY, self._xhat))

    def _backward(self, dY):
        xhat, inv_std = self._xhat, self._inv_std
        if self.affine:
            self.beta.grad += dY.sum(axis=0)
            self.gamma.grad += (dY * xhat).sum(axis=0)
            scale = self.gamma.data * inv_std
        else:
            scale = inv_std
        if not self._batch_stats:
            return dY * scale  # the running statistics are constants
        m = dY.shape[0]
        inner = m * dY - dY.sum(axis=0) - xhat * (dY * xhat).sum(axis=0)
        return (scale / m) * inner

    def parameters(self):
        return [self.gamma, self.beta] if self.affine else []

    def _state(self):
        params = {"gamma": self.gamma.data, "beta": self.beta.data} if self.affine else {}
        return {**params, "running_mean": self.running_mean, "running_var": self.running_var}

    def __repr__(self):
        return (
            f"BatchNorm1d({self.num_features}, eps={self.eps:g}, momentum={self.momentum:g}, "
            f"affine={self.affine})"
        )


class Residual(Layer):
    r"""A residual (skip) connection around layers F: :math:`Y = X + F(X)`.

    Parameters
    ----------
    *layers : Layer
        F, applied in order; it must keep the shape: F(X) has the shape of X.

    Notes
    -----
    Backward adds the identity path to the path through F:

    .. math:: dX = dY + \frac{\partial F}{\partial X}^\top dY

    so the gradient reaching X is at least dY, however small F's contribution (the "+1"
    that keeps deep networks trainable). ``parameters()``, ``train()`` / ``eval()`` and
    ``state_dict()`` (keys ``"0.W"``, ... numbered inside the block) pass through to F.

    Examples
    --------
    >>> block = Residual(Dense(4, 4), ReLU(), Dense(4, 4))
    >>> block
    Residual(Dense(4, 4), ReLU(), Dense(4, 4))

    Introduced in chapter 9 (Training in practice).
    """

    _cache_names = ("_X",)

    def __init__(self, *layers):
        if not layers:
            raise ValueError("Residual: expected at least one layer, got none")
        check_layers(layers, "Residual")
        self.layers = list(layers)
        self._X = None

    @property
    def training(self):
        return self.layers[0].training

    @training.setter
    def training(self, mode):
        for layer in self.layers:
            layer.training = mode

    def _clear_cache(self):
        self._X = None
        for layer in self.layers:
            layer._clear_cache()

    def forward(self, X):
        self._clear_cache()  # a forward that raises leaves no cache
        X = as_float_array(X, "Residual.forward", "X", nan_check=False)
        check_finite(X, "Residual.forward", "X")
        FX = _run(self.layers, X, "forward")
        if FX.shape != X.shape:
            raise ValueError(
                f"Residual.forward: expected F(X) of the shape of X {X.shape}, got {FX.shape} "
                "(the layers inside a Residual must keep the shape)"
            )
        return self._add(X, FX)

    def _forward(self, X):
        return self._add(X, _run(self.layers, X, "_forward"))

    def _add(self, X, FX):
        self._X = X  # kept for the shape and dtype of dY only
        return X + FX

    def backward(self, dY):
        dY = self._check_backward(dY, self._X)
        dF = dY
        for layer in reversed(self.layers):
            dF = layer.backward(dF)
        return dY + dF  # the identity path adds dY

    def _backward(self, dY):
        dF = dY
        for layer in reversed(self.layers):
            dF = layer._backward(dF)
        return dY + dF

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def _state(self):
        return {
            f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer._state().items()
        }

    def __repr__(self):
        return f"Residual({', '.join(repr(layer) for layer in self.layers)})"


def check_layers(layers, where):
    """Every item is an nbcore layer, and no layer object appears twice (also inside a
    Residual): a layer keeps one cache, so each position needs its own object."""
    seen = {}
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"{where}: expected layer {i} to be an nbcore layer, got {layer!r}")
        for inner in _all_layers(layer):
            if id(inner) in seen:
                j = seen[id(inner)]
                what = "is the same object as" if inner is layer else f"holds {inner!r}, also in"
                raise ValueError(
                    f"{where}: layer {i} ({layer!r}) {what} layer {j}; "
                    "a layer keeps the input (and mask) of its last forward pass for "
                    "backward, so each position needs its own layer object "
                    "(e.g. two Dropout(0.5), not one used twice)"
                )
            seen[id(inner)] = i


def _all_layers(layer):
    """``layer`` and, for a Residual, every layer inside it."""
    yield layer
    if isinstance(layer, Residual):
        for inner in layer.layers:
            yield from _all_layers(inner)


def _run(layers, X, method):
    """Apply ``layer.<method>`` of each layer in turn. Between layers the intermediate result,
    which no one else sees, is made read-only (when it is a new array), so the next layer can
    keep it for its backward pass without a copy; the last result is returned as it is."""
    A = X
    for i, layer in enumerate(layers):
        if i and method == "forward" and type(A) is np.ndarray and A is not X and A.base is None:
            A.flags.writeable = False
        A = getattr(layer, method)(A)
    return A


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
    "BatchNorm1d",
    "Residual",
]
