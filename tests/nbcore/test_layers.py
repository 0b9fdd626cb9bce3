"""Parameter, Dense, activation layers, Softmax, Dropout: shapes, init, gradients, float32."""

import numpy as np
import pytest
from _nbcore_util import assert_grad_ok, away_from_zero

import nbcore as nc


def zero_grads(layer):
    for p in layer.parameters():
        p.grad[...] = 0


# ---------------------------------------------------------------- Parameter
def test_parameter_has_data_and_zero_grad():
    p = nc.Parameter(np.arange(6.0).reshape(2, 3))
    assert isinstance(p.data, np.ndarray)
    np.testing.assert_array_equal(p.data, np.arange(6.0).reshape(2, 3))
    assert p.grad.shape == (2, 3)
    assert p.grad.dtype == p.data.dtype
    np.testing.assert_array_equal(p.grad, 0.0)


# ---------------------------------------------------------------- Dense
def test_dense_shapes_and_forward(rng):
    layer = nc.Dense(3, 2, rng=rng)
    assert layer.W.data.shape == (2, 3)
    assert layer.b.data.shape == (2,)
    np.testing.assert_array_equal(layer.b.data, 0.0)
    assert layer.parameters() == [layer.W, layer.b] or set(map(id, layer.parameters())) == {
        id(layer.W),
        id(layer.b),
    }
    layer.b.data[...] = [0.5, -1.0]
    X = rng.normal(size=(4, 3))
    Z = layer.forward(X)
    np.testing.assert_allclose(Z, X @ layer.W.data.T + layer.b.data, rtol=1e-15)
    np.testing.assert_array_equal(layer(X), Z)  # __call__ = forward
    assert Z.dtype == np.float64


def test_dense_hand_computed():
    layer = nc.Dense(2, 1, init="zeros")
    layer.W.data[...] = [[2.0, -1.0]]
    layer.b.data[...] = [0.5]
    # 2*3 - 1*4 + 0.5 = 2.5
    assert layer.forward(np.array([[3.0, 4.0]]))[0, 0] == 2.5


@pytest.mark.parametrize(
    "init, std",
    [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / (400 + 300))), ("normal", 0.01)],
)
def test_dense_init_std(init, std):
    layer = nc.Dense(400, 300, init=init, rng=np.random.default_rng(0))
    W = layer.W.data
    assert abs(W.mean()) < 5 * std / np.sqrt(W.size)
    assert W.std() == pytest.approx(std, rel=0.02)


def test_dense_init_zeros_and_default_seed():
    np.testing.assert_array_equal(nc.Dense(4, 3, init="zeros").W.data, 0.0)
    # rng=None draws from nbcore's generator: two layers built one after the other differ,
    # and manual_seed repeats them
    nc.manual_seed(0)
    a, b = nc.Dense(4, 3).W.data, nc.Dense(4, 3).W.data
    assert not np.array_equal(a, b)
    nc.manual_seed(0)
    np.testing.assert_array_equal(nc.Dense(4, 3).W.data, a)
    np.testing.assert_array_equal(nc.Dense(4, 3).W.data, b)
    # an int seed is a fresh generator: the same int, the same weights
    np.testing.assert_array_equal(nc.Dense(4, 3, rng=7).W.data, nc.Dense(4, 3, rng=7).W.data)
    a = nc.Dense(4, 3, rng=np.random.default_rng(7)).W.data
    b = nc.Dense(4, 3, rng=np.random.default_rng(7)).W.data
    c = nc.Dense(4, 3, rng=np.random.default_rng(8)).W.data
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("m, n_in, n_out", [(1, 1, 1), (4, 3, 2), (7, 5, 3), (2, 6, 8)])
def test_dense_gradcheck(m, n_in, n_out, rng):
    layer = nc.Dense(n_in, n_out, rng=rng)
    layer.b.data[...] = rng.normal(size=n_out)
    X = rng.normal(size=(m, n_in))
    C = rng.normal(size=(m, n_out))  # dL/dZ for L = sum(C * Z)

    def f():
        return float(np.sum(C * layer.forward(X)))

    layer.forward(X)
    dX = layer.backward(C)
    assert dX.shape == X.shape
    assert_grad_ok(f, X, dX)
    assert_grad_ok(f, layer.W.data, layer.W.grad)
    assert_grad_ok(f, layer.b.data, layer.b.grad)
    # and the closed forms: dW = C^T X, db = sum_i C_i, dX = C W
    np.testing.assert_allclose(layer.W.grad, C.T @ X, rtol=1e-13)
    np.testing.assert_allclose(layer.b.grad, C.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(dX, C @ layer.W.data, rtol=1e-13)


def test_dense_backward_adds_into_grad(rng):
    layer = nc.Dense(3, 2, rng=rng)
    X, dZ = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    layer.forward(X)
    layer.backward(dZ)
    W1, b1 = layer.W.grad.copy(), layer.b.grad.copy()
    layer.backward(dZ)
    np.testing.assert_allclose(layer.W.grad, 2 * W1, rtol=1e-15)
    np.testing.assert_allclose(layer.b.grad, 2 * b1, rtol=1e-15)


def test_dense_backward_uses_latest_input(rng):
    layer = nc.Dense(3, 2, rng=rng)
    layer.forward(rng.normal(size=(5, 3)))
    X2 = rng.normal(size=(2, 3))
    layer.forward(X2)
    dZ = rng.normal(size=(2, 2))
    layer.backward(dZ)
    np.testing.assert_allclose(layer.W.grad, dZ.T @ X2, rtol=1e-14)


# ---------------------------------------------------------------- activation layers
ACT_LAYERS = {
    "Identity": nc.Identity,
    "Sigmoid": nc.Sigmoid,
    "Tanh": nc.Tanh,
    "ReLU": nc.ReLU,
    "LeakyReLU": nc.LeakyReLU,
    "LeakyReLU(0.2)": lambda: nc.LeakyReLU(alpha=0.2),
    "Softmax": nc.Softmax,
    "Softmax(axis=0)": lambda: nc.Softmax(axis=0),
    "Step": nc.Step,  # zero gradient, numerically too (away from z = 0)
}
for _extra in ("Softplus", "GELU"):  # beyond the contract, checked when present
    if hasattr(nc, _extra):
        ACT_LAYERS[_extra] = getattr(nc, _extra)


@pytest.mark.parametrize("shape", [(1, 1), (4, 3), (6, 5)], ids=str)
@pytest.mark.parametrize("name", list(ACT_LAYERS))
def test_activation_layer_gradcheck(name, shape, rng):
    layer = ACT_LAYERS[name]()
    assert layer.parameters() == []
    Z = away_from_zero(rng.normal(scale=2.0, size=shape))
    C = rng.normal(size=shape)
    A = layer.forward(Z)
    assert A.shape == Z.shape
    np.testing.assert_array_equal(layer(Z), A)
    dZ = layer.backward(C)
    assert dZ.shape == Z.shape
    assert_grad_ok(lambda: float(np.sum(C * layer.forward(Z))), Z, dZ)


@pytest.mark.parametrize(
    "layer, fn",
    [
        (nc.Sigmoid(), nc.sigmoid),
        (nc.Tanh(), nc.tanh),
        (nc.ReLU(), nc.relu),
        (nc.LeakyReLU(0.2), lambda z: nc.leaky_relu(z, alpha=0.2)),
        (nc.Softmax(), nc.softmax),
        (nc.Step(), nc.step),
        (nc.Identity(), nc.identity),
    ],
    ids=["Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax", "Step", "Identity"],
)
def test_activation_layer_matches_function(layer, fn, rng):
    Z = rng.normal(size=(4, 3))
    np.testing.assert_allclose(layer.forward(Z), fn(Z), rtol=1e-15)


def test_step_layer_backward_is_zero(rng):
    layer = nc.Step()
    Z = np.array([[-1.0, 0.0, 2.0]])
    np.testing.assert_array_equal(layer.forward(Z), [[0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(layer.backward(rng.normal(size=(1, 3))), 0.0)


def test_relu_layers_subgradient_at_zero():
    Z = np.array([[0.0, 0.0]])
    dA = np.array([[1.0, -2.0]])
    relu = nc.ReLU()
    relu.forward(Z)
    np.testing.assert_array_equal(relu.backward(dA), [[0.0, 0.0]])
    leaky = nc.LeakyReLU(alpha=0.3)
    leaky.forward(Z)
    np.testing.assert_allclose(leaky.backward(dA), [[0.3, -0.6]], rtol=1e-15)


# ---------------------------------------------------------------- Dropout
def test_dropout_values_and_rate():
    p = 0.3
    X = np.ones((200, 50))
    out = nc.Dropout(p, rng=np.random.default_rng(0)).forward(X)
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / (1 - p), rtol=1e-15)  # inverted dropout
    assert abs((~kept).mean() - p) < 0.02


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
@pytest.mark.parametrize("shape", [(1, 4), (5, 3), (8, 6)], ids=str)
def test_dropout_gradcheck_fixed_mask(p, shape, rng):
    """A fresh Dropout with the same seed draws the same mask: f is then a fixed linear map."""
    X = away_from_zero(rng.normal(size=shape))
    C = rng.normal(size=shape)

    def f():
        return float(np.sum(C * nc.Dropout(p, rng=np.random.default_rng(3)).forward(X)))

    layer = nc.Dropout(p, rng=np.random.default_rng(3))
    out = layer.forward(X)
    dX = layer.backward(C)
    assert_grad_ok(f, X, dX)
    # the mask of the forward pass is the mask of the backward pass
    np.testing.assert_allclose(dX, np.where(out != 0, C / (1 - p), 0.0), rtol=1e-15)
    assert layer.parameters() == []


def test_dropout_p_zero_is_identity(rng):
    X = rng.normal(size=(4, 3))
    layer = nc.Dropout(0.0)
    np.testing.assert_array_equal(layer.forward(X), X)
    np.testing.assert_array_equal(layer.backward(X), X)


# ---------------------------------------------------------------- float32
F32_LAYERS = {
    "Dense": lambda: nc.Dense(3, 4, dtype=np.float32),
    "Identity": nc.Identity,
    "Step": nc.Step,
    "Sigmoid": nc.Sigmoid,
    "Tanh": nc.Tanh,
    "ReLU": nc.ReLU,
    "LeakyReLU": nc.LeakyReLU,
    "Softmax": nc.Softmax,
    "Dropout": lambda: nc.Dropout(0.3),
}


@pytest.mark.parametrize("name", list(F32_LAYERS))
def test_layers_keep_float32(name, rng):
    layer = F32_LAYERS[name]()
    for p in layer.parameters():
        assert p.data.dtype == np.float32
        assert p.grad.dtype == np.float32
    X = rng.normal(size=(5, 3)).astype(np.float32)
    out = layer.forward(X)
    assert out.dtype == np.float32
    dX = layer.backward(np.ones_like(out))
    assert dX.dtype == np.float32
    for p in layer.parameters():
        assert p.grad.dtype == np.float32
        assert p.data.dtype == np.float32


def test_dense_default_dtype_is_float64():
    layer = nc.Dense(3, 2)
    assert layer.W.data.dtype == np.float64
    assert layer.b.data.dtype == np.float64
