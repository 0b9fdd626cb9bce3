"""Networks: a ``Sequential`` stack of layers, and the ``MLP`` shortcut.

Introduced in chapter 2 (Layers and forward propagation).
"""

from __future__ import annotations

import numpy as np

from nbcore._flat import FlatStore, can_pack, store_of, zero_grads
from nbcore.layers import (
    GELU,
    Dense,
    Identity,
    Layer,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)


class Sequential:
    """Layers applied one after the other: ``A = layers[-1](...layers[0](X))``.

    Backward runs the layers in reverse order, each receiving the gradient its successor
    returned. A new model is in training mode, as in PyTorch.

    The model keeps the values and gradients of all its parameters in two flat vectors, and
    each ``layer.W.data`` / ``layer.W.grad`` is a view into them (so optimizers can update the
    whole model in a few NumPy calls; see ``nbcore._flat``). Nothing changes for the reader:
    ``model[0].W.data`` is still the weight matrix, updated in place.

    Examples
    --------
    >>> model = Sequential(Dense(2, 3), Sigmoid(), Dense(3, 1))
    >>> len(model), model[0]
    (3, Dense(2, 3))
    """

    def __init__(self, *layers):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential: expected layer {i} to be an nbcore layer, got {layer!r}"
                )
            for j in range(i):
                if layers[j] is layer:
                    raise ValueError(
                        f"Sequential: layer {i} ({layer!r}) is the same object as layer {j}; "
                        "a layer keeps the input (and mask) of its last forward pass for "
                        "backward, so each position needs its own layer object "
                        "(e.g. two Dropout(0.5), not one used twice)"
                    )
        self.layers = list(layers)
        self.training = True
        self._input_grad = False
        dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        for layer in dense[1:]:
            layer.nan_check = False  # NaN is checked where data enter: the first Dense layer
        params = self.parameters()
        if can_pack(params) and store_of(params) is None:
            FlatStore(params)

    def forward(self, X):
        """Run every layer on X; returns the last layer's output."""
        A = X
        for layer in self.layers:
            A = layer.forward(A)
        return A

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

        Returns dL/dX only when ``input_grad`` is True (not needed for training, so the first
        Dense layer skips that matrix product by default); otherwise None.
        """
        first = self.layers[0] if self.layers else None
        if not isinstance(first, Dense) or self._input_grad:
            for layer in reversed(self.layers):
                dY = layer.backward(dY)
            return dY
        self._backward_without_dx(dY, lean=False)
        return None

    def _backward(self, dY):
        """``backward`` without the per-layer checks of dY (used by ``train`` after its first
        epoch); never computes dL/dX."""
        self._backward_without_dx(dY, lean=True)

    def _backward_without_dx(self, dY, lean):
        """Run dY back through the layers (their ``_backward`` when ``lean``), skipping the
        first Dense layer's dX = dZ W (training never needs dL/dX)."""
        first = self.layers[0] if self.layers else None
        skip = isinstance(first, Dense)
        if skip:
            first.input_grad = False
        try:
            for layer in reversed(self.layers):
                dY = layer._backward(dY) if lean else layer.backward(dY)
        finally:
            if skip:
                first.input_grad = True  # on its own, a layer always returns dX

    @property
    def input_grad(self):
        """Whether ``backward`` returns dL/dX (False by default: training does not need it)."""
        return self._input_grad

    @input_grad.setter
    def input_grad(self, value):
        self._input_grad = bool(value)

    def parameters(self):
        """Every Parameter of every layer, in order."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        """Reset every parameter's gradient to zero."""
        params = self.parameters()
        zero_grads(params, store_of(params))

    def train(self):
        """Training mode (Dropout active). Returns the model."""
        return self._set_mode(True)

    def eval(self):
        """Evaluation mode (Dropout is the identity). Returns the model."""
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
    rng : numpy.random.Generator, optional
        Source of the initial weights (a fixed seed when None).
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
        sizes = list(sizes) if not isinstance(sizes, (int, str)) else None
        if sizes is None or len(sizes) < 2:
            raise ValueError(
                f"MLP: expected sizes as a list of at least 2 layer sizes, got {sizes}"
            )
        if activation not in HIDDEN:
            raise ValueError(f"MLP: expected activation in {sorted(HIDDEN)}, got {activation!r}")
        if output not in OUTPUT:
            raise ValueError(f"MLP: expected output in {list(OUTPUT)}, got {output!r}")
        rng = np.random.default_rng(0) if rng is None else rng
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
