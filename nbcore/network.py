"""Networks: a ``Sequential`` stack of layers, and the ``MLP`` shortcut.

Introduced in chapter 2 (Layers and forward propagation).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable, Mapping

import numpy as np

from nbcore._flat import FlatStore, can_pack, store_of, zero_grads
from nbcore._random import as_generator
from nbcore.layers import (
    GELU,
    Dense,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    _run,
    check_dtype,
    check_layers,
    load_state,
)


class Sequential:
    """Layers applied one after the other: ``A = layers[-1](...layers[0](X))``.

    Backward runs the layers in reverse order, each receiving the gradient its successor
    returned, and returns dL/dX. A new model is in training mode, as in PyTorch.

    The model keeps the values and gradients of all its parameters in two flat vectors, and
    each ``layer.W.data`` / ``layer.W.grad`` is a view into them (so optimizers can update the
    whole model in a few NumPy calls; see ``nbcore._flat``). Nothing changes for the reader:
    ``model[0].W.data`` is still the weight matrix, updated in place.

    The arrays between layers are read-only (they are the next layer's backward cache); the
    output is read-only when the last layer keeps it (Sigmoid, Tanh, Softmax).

    Examples
    --------
    >>> model = Sequential(Dense(2, 3), Sigmoid(), Dense(3, 1))
    >>> len(model), model[0]
    (3, Dense(2, 3))
    >>> sorted(model.state_dict())
    ['0.W', '0.b', '2.W', '2.b']
    """

    def __init__(self, *layers):
        check_layers(layers, "Sequential")
        self.layers = list(layers)
        self.training = True
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        for layer in dense[1:]:
            layer.nan_check = False  # NaN is checked where data enter: the first Dense layer
        params = self.parameters()
        if can_pack(params) and store_of(params) is None:
            FlatStore(params)

    def forward(self, X):
        """Run every layer on X; returns the last layer's output."""
        try:
            return _run(self.layers, X, "forward")
        except Exception:
            self._clear_caches()  # a forward that raised leaves no half-updated caches
            raise

    __call__ = forward

    def _forward(self, X):
        """``forward`` without the per-layer input checks (used by ``train`` once its first
        epoch has run every check on the same data)."""
        A = X
        for layer in self.layers:
            A = layer._forward(A)
        return A

    def backward(self, dY):
        """Backpropagate dY = dL/d(output) through every layer, adding into each ``.grad``.

        Returns dL/dX, of the input's shape (as every layer's ``backward`` does).
        """
        for layer in reversed(self.layers):
            dY = layer.backward(dY)
        return dY

    def _backward(self, dY):
        """``backward`` without the per-layer checks of dY (used by ``train`` after its first
        epoch); never computes dL/dX, returns None."""
        self._backward_without_dx(dY, lean=True)

    def _backward_checked(self, dY):
        """``backward`` with every check, but without dL/dX (``train``'s first epoch)."""
        self._backward_without_dx(dY, lean=False)

    def _backward_without_dx(self, dY, lean):
        """Run dY back through the layers (their ``_backward`` when ``lean``), skipping the
        first Dense layer's dX = dZ W (training never needs dL/dX). Returns None."""
        layers = self.layers
        first = layers[0] if layers else None
        skip = isinstance(first, Dense)
        for layer in reversed(layers[1:] if skip else layers):
            dY = layer._backward(dY) if lean else layer.backward(dY)
        if skip:
            first._add_grads(dY if lean else first._check_dZ(dY))

    @property
    def input_grad(self):
        """Deprecated: ``backward`` always returns dL/dX now."""
        return True

    @input_grad.setter
    def input_grad(self, value):
        warnings.warn(
            "Sequential.input_grad is deprecated and has no effect: backward() always returns "
            "dL/dX",
            DeprecationWarning,
            stacklevel=2,
        )

    def _clear_caches(self):
        for layer in self.layers:
            layer._clear_cache()

    def parameters(self):
        """Every Parameter of every layer, in order."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        """Reset every parameter's gradient to zero."""
        params = self.parameters()
        zero_grads(params, store_of(params))

    def state_dict(self):
        """A dict name -> copy of every parameter and buffer, as ``torch``'s ``state_dict``.

        Names are ``"<position>.<attribute>"`` with nbcore's attribute names: ``"0.W"``,
        ``"0.b"``, ``"3.gamma"``, ``"3.running_mean"``, and ``"2.0.W"`` for the first layer
        inside a Residual at position 2. The arrays are copies: training does not change them.
        """
        return {name: arr.copy() for name, arr in self._state().items()}

    def load_state_dict(self, state):
        """Copy ``state`` (from ``state_dict()``) into the model's arrays, in place.

        Every key, shape and dtype is checked before anything is written: on a missing or
        unexpected key, or a wrong shape or dtype, a ``ValueError`` / ``TypeError`` names the
        key, what was expected and what was given, and the model is left unchanged. Loading in
        place keeps an optimizer built on ``model.parameters()`` connected.
        """
        load_state(self._state(), state, f"{type(self).__name__}.load_state_dict")

    def _state(self):
        return {
            f"{i}.{name}": arr
            for i, layer in enumerate(self.layers)
            for name, arr in layer._state().items()
        }

    def train(self):
        """Training mode (Dropout active, BatchNorm1d on batch statistics). Returns the model."""
        return self._set_mode(True)

    def eval(self):
        """Evaluation mode (Dropout is the identity, BatchNorm1d uses its running statistics).
        Returns the model."""
        return self._set_mode(False)

    def _set_mode(self, training):
        self.training = training
        for layer in self.layers:
            layer.training = training
        return self

    def predict(self, X):
        """The output for X computed in eval mode; the model's mode is left as it was."""
        was_training = self.training
        self.eval()
        try:
            return self.forward(X)
        finally:
            self._set_mode(was_training)

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        inner = ",\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"{type(self).__name__}(\n{inner}\n)"


#: Hidden activations by name, and the weight initialisation that suits each.
HIDDEN = {
    "relu": (ReLU, "he"),
    "leaky_relu": (LeakyReLU, "he"),
    "gelu": (GELU, "he"),
    "softplus": (Softplus, "he"),
    "tanh": (Tanh, "xavier"),
    "sigmoid": (Sigmoid, "xavier"),
    "identity": (Identity, "xavier"),
}

OUTPUT = {None: None, "sigmoid": Sigmoid, "softmax": Softmax, "identity": Identity}


class MLP(Sequential):
    """A multi-layer perceptron: Dense layers with an activation between them.

    Parameters
    ----------
    sizes : sequence of int
        ``[n0, n1, ..., nL]``: ``n0`` inputs, then the units of each layer. ``[2, 3, 1]`` is the
        2-3-1 network of chapter 2 (a "2-layer network": the input layer is not counted).
    activation : str
        The hidden activation, one of ``HIDDEN`` ("relu", "tanh", "sigmoid", ...). Weights are
        initialised with He scaling for the ReLU family and Xavier for tanh / sigmoid.
    output : {None, "sigmoid", "softmax", "identity"}
        The output activation; None returns logits (what ``BCEWithLogitsLoss`` and
        ``CrossEntropyLoss`` expect).
    rng : numpy.random.Generator or int, optional
        Source of the initial weights, shared by every layer in turn. None draws from nbcore's
        generator (seeded by ``nc.manual_seed``: two MLPs built one after the other differ); an
        int is a seed (the same int, the same weights).
    dtype : float32 or float64

    Examples
    --------
    >>> MLP([2, 3, 1], activation="sigmoid", output="sigmoid")  # doctest: +NORMALIZE_WHITESPACE
    MLP(
      (0): Dense(2, 3),
      (1): Sigmoid(),
      (2): Dense(3, 1),
      (3): Sigmoid()
    )

    Introduced in chapter 2 (Layers and forward propagation).
    """

    def __init__(self, sizes, activation="relu", output=None, *, rng=None, dtype=np.float64):
        sizes = _check_sizes(sizes)
        if not isinstance(activation, str) or activation not in HIDDEN:
            raise ValueError(f"MLP: expected activation in {sorted(HIDDEN)}, got {activation!r}")
        if not (output is None or isinstance(output, str)) or output not in OUTPUT:
            raise ValueError(f"MLP: expected output in {list(OUTPUT)}, got {output!r}")
        dtype = check_dtype(dtype, "MLP")
        rng = as_generator(rng, "MLP")  # one stream for every layer
        act, init = HIDDEN[activation]
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(Dense(n_in, n_out, init=init, rng=rng, dtype=dtype))
            if i < len(sizes) - 2:
                layers.append(act())
        if OUTPUT[output] is not None:
            layers.append(OUTPUT[output]())
        super().__init__(*layers)
        self.sizes, self.activation, self.output = sizes, activation, output


def _check_sizes(sizes):
    """``sizes`` as a list of at least 2 positive ints, or a clear error."""
    expected = "MLP: expected sizes as a list of at least 2 positive ints such as [2, 3, 1]"
    if isinstance(sizes, (str, bytes, Mapping)) or not isinstance(sizes, Iterable):
        raise TypeError(f"{expected}, got {sizes!r} ({type(sizes).__name__})")
    sizes = list(sizes)
    for i, n in enumerate(sizes):
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
            raise TypeError(f"{expected}, got {n!r} ({type(n).__name__}) at position {i}")
        if n < 1:
            raise ValueError(f"{expected}, got {n} at position {i}")
    if len(sizes) < 2:
        raise ValueError(f"{expected}, got {sizes}")
    return [int(n) for n in sizes]
