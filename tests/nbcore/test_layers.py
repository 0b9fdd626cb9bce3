"""Parameter, Dense, activation layers, Softmax, Dropout: shapes, init, gradients, float32."""

import numpy as np
import pytest
from _nbcore_util import assert_grad_ok, assert_message, away_from_zero

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


# ---------------------------------------------------------------- randomness
def test_dropout_layers_draw_different_masks_and_seeds_repeat():
    X = np.ones((20, 30))
    nc.manual_seed(0)
    a, b = nc.Dropout(0.5).forward(X), nc.Dropout(0.5).forward(X)
    assert not np.array_equal(a, b)  # one stream: two layers, two masks
    nc.manual_seed(0)
    np.testing.assert_array_equal(nc.Dropout(0.5).forward(X), a)  # manual_seed repeats
    c, d = nc.Dropout(0.5, rng=3).forward(X), nc.Dropout(0.5, rng=3).forward(X)
    np.testing.assert_array_equal(c, d)  # an int seed repeats


def test_dropout_built_before_manual_seed_follows_it():
    drop = nc.Dropout(0.5)  # rng=None: draws from the generator current at forward time
    X = np.ones((10, 10))
    nc.manual_seed(4)
    first = drop.forward(X)
    nc.manual_seed(4)
    np.testing.assert_array_equal(drop.forward(X), first)


@pytest.mark.parametrize("rng", ["0", 1.5, -1, True, [0], np.random.RandomState(0)])
@pytest.mark.parametrize("make", [lambda r: nc.Dense(2, 2, rng=r), lambda r: nc.Dropout(0.5, r)])
def test_bad_rng_refused(rng, make):
    with pytest.raises((TypeError, ValueError), match=r"^(Dense|Dropout): expected rng") as info:
        make(rng)
    assert_message(info, "got")


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    "args, exc, pattern",
    [
        ((), TypeError, "Parameter: expected data as an array of numbers, got no argument"),
        ((None,), TypeError, "Parameter: expected data as an array of numbers, got None"),
        (("abc",), TypeError, "Parameter: expected data as an array of numbers, got dtype"),
        ((np.array([object()]),), TypeError, "got dtype object"),
        ((np.array([1 + 2j]),), TypeError, "got dtype complex128"),
        ((np.array([1.0, np.nan]),), ValueError, "Parameter: expected data without NaN"),
    ],
)
def test_parameter_refuses(args, exc, pattern):
    with pytest.raises(exc, match=pattern):
        nc.Parameter(*args)


@pytest.mark.parametrize(
    "args, kwargs, exc, pattern",
    [
        ((0, 2), {}, ValueError, "Dense: expected n_in >= 1, got 0"),
        ((2, 2.5), {}, TypeError, "Dense: expected n_out as an integer >= 1, got 2.5"),
        (("3", 2), {}, TypeError, "Dense: expected n_in as an integer >= 1, got '3'"),
        ((True, 2), {}, TypeError, "Dense: expected n_in as an integer"),
        ((2, 2), {"init": np.array([1.0])}, ValueError, r"Dense: expected init in \("),
        ((2, 2), {"init": "glorot"}, ValueError, "got 'glorot'"),
        ((2, 2), {"dtype": "garbage"}, TypeError, "Dense: expected dtype float32 or float64"),
        ((2, 2), {"dtype": np.int32}, TypeError, "Dense: expected dtype float32 or float64"),
        ((2, 2), {"dtype": None}, TypeError, "got None"),
    ],
)
def test_dense_constructor_refuses(args, kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        nc.Dense(*args, **kwargs)


@pytest.mark.parametrize(
    "p, exc, pattern",
    [
        (-0.1, ValueError, r"Dropout: expected p in \[0, 1\), got -0.1"),
        (1, ValueError, r"Dropout: expected p in \[0, 1\), got 1.0"),
        ("0.5", TypeError, "Dropout: expected p as a real number, got '0.5'"),
        (None, TypeError, "Dropout: expected p as a real number, got None"),
        (True, TypeError, "Dropout: expected p as a real number, got True"),
        (float("nan"), ValueError, "Dropout: expected p in"),
    ],
)
def test_dropout_refuses(p, exc, pattern):
    with pytest.raises(exc, match=pattern):
        nc.Dropout(p)


@pytest.mark.parametrize("axis", [1.5, "a", [0, 1], None, True])
def test_softmax_axis_must_be_an_int(axis):
    with pytest.raises(TypeError, match="Softmax: expected axis as an int"):
        nc.Softmax(axis=axis)


def test_softmax_axis_out_of_range_is_clear():
    with pytest.raises(ValueError, match=r"Softmax.forward: expected Z with an axis 2 .*\(4, 3\)"):
        nc.Softmax(axis=2).forward(np.ones((4, 3)))


def test_dense_refuses_inf_and_nan_in_X_and_dY():
    layer = nc.Dense(2, 2, rng=0)
    with pytest.raises(ValueError, match="Dense.forward: expected X with finite values, got 0 NaN"):
        layer.forward(np.array([[1.0, np.inf]]))
    with pytest.raises(ValueError, match="Dense.forward: expected X without NaN"):
        layer.forward(np.array([[1.0, np.nan]]))
    layer.forward(np.ones((1, 2)))
    with pytest.raises(ValueError, match="Dense.backward: expected dY with finite values"):
        layer.backward(np.array([[np.nan, 1.0]]))


def test_dropout_with_inf_gives_zero_where_dropped_without_warning():
    drop = nc.Dropout(0.5, rng=0)
    X = np.full((4, 6), np.inf)
    with np.errstate(all="raise"):
        out = drop.forward(X)
    assert set(np.unique(out)) <= {0.0, np.inf} and (out == 0).any() and (out == np.inf).any()


# ---------------------------------------------------------------- caches: read-only, cleared
@pytest.mark.parametrize("make", [nc.Sigmoid, nc.Tanh, nc.Softmax])
def test_outputs_that_are_caches_are_read_only(make, rng):
    layer = make()
    Z, dA = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    A = layer.forward(Z)
    expected = layer.backward(dA)
    with pytest.raises(ValueError, match="read-only"):
        A += 1  # an in-place edit would have changed the next gradient
    np.testing.assert_array_equal(layer.backward(dA), expected)
    B = A + 1  # a new array is the way to change it
    assert B.flags.writeable


@pytest.mark.parametrize("make", [lambda: nc.Dense(4, 3, rng=0), nc.ReLU, nc.LeakyReLU, nc.GELU])
def test_editing_the_input_after_forward_does_not_change_the_gradient(make, rng):
    layer = make()
    X = rng.normal(size=(3, 4))
    out = layer.forward(X)
    dY = rng.normal(size=out.shape)
    reference = make()
    reference.forward(X.copy())
    expected = reference.backward(dY)
    X *= -5  # the reader's array is theirs: still writeable, and not the layer's cache
    np.testing.assert_array_equal(layer.backward(dY), expected)
    for p, q in zip(layer.parameters(), reference.parameters(), strict=True):
        np.testing.assert_array_equal(p.grad, q.grad)


def test_input_is_copied_only_when_writeable(rng):
    X = rng.normal(size=(3, 4))
    X.flags.writeable = False
    layer = nc.Dense(4, 2, rng=0)
    layer.forward(X)
    assert layer._X is X  # read-only already: kept as it is
    Y = rng.normal(size=(3, 4))
    layer.forward(Y)
    assert layer._X is not Y and not layer._X.flags.writeable


LAYERS_WITH_CACHE = {
    "Dense": (lambda: nc.Dense(3, 2, rng=0), (4, 3), (4, 2)),
    "ReLU": (nc.ReLU, (4, 3), (4, 3)),
    "Sigmoid": (nc.Sigmoid, (4, 3), (4, 3)),
    "Tanh": (nc.Tanh, (4, 3), (4, 3)),
    "Softmax": (nc.Softmax, (4, 3), (4, 3)),
    "Dropout": (lambda: nc.Dropout(0.5, rng=0), (4, 3), (4, 3)),
    "BatchNorm1d": (lambda: nc.BatchNorm1d(3), (4, 3), (4, 3)),
    "Residual": (lambda: nc.Residual(nc.Dense(3, 3, rng=0)), (4, 3), (4, 3)),
}


@pytest.mark.parametrize("name", list(LAYERS_WITH_CACHE))
def test_backward_after_a_forward_that_raised_is_refused(name, rng):
    make, x_shape, y_shape = LAYERS_WITH_CACHE[name]
    layer = make()
    with pytest.raises(ValueError, match=rf"^{name}.backward: expected a successful forward"):
        layer.backward(np.ones(y_shape))  # never called
    layer.forward(rng.normal(size=x_shape))
    layer.backward(np.ones(y_shape))
    with pytest.raises((TypeError, ValueError)):
        layer.forward("not an array")
    with pytest.raises(ValueError, match=rf"^{name}.backward: expected a successful forward"):
        layer.backward(np.ones(y_shape))  # not the previous batch's gradient


# ---------------------------------------------------------------- state_dict
def test_dense_state_dict_is_a_copy_and_loads_in_place(rng):
    layer = nc.Dense(3, 2, rng=0)
    state = layer.state_dict()
    assert list(state) == ["W", "b"]
    state["W"][...] = 7.0
    assert not np.any(layer.W.data == 7.0)  # a copy
    W = layer.W.data
    layer.load_state_dict(state)
    assert layer.W.data is W  # loaded in place
    np.testing.assert_array_equal(layer.W.data, 7.0)
    assert nc.ReLU().state_dict() == {}
    nc.ReLU().load_state_dict({})


@pytest.mark.parametrize(
    "state, exc, pattern",
    [
        ({"W": np.zeros((2, 3))}, ValueError, r"missing keys \['b'\]"),
        ({"W": np.zeros((2, 3)), "b": np.zeros(2), "c": 1}, ValueError, r"unexpected keys \['c'\]"),
        (
            {"W": np.zeros((3, 2)), "b": np.zeros(2)},
            ValueError,
            r"key 'W': expected shape \(2, 3\)",
        ),
        (
            {"W": np.zeros((2, 3), np.float32), "b": np.zeros(2)},
            TypeError,
            "expected dtype float64",
        ),
        ({"W": [[0.0] * 3] * 2, "b": np.zeros(2)}, TypeError, "key 'W': expected an ndarray"),
        ([np.zeros((2, 3)), np.zeros(2)], TypeError, "expected a dict of arrays"),
    ],
)
def test_dense_load_state_dict_refuses_and_loads_nothing(state, exc, pattern):
    layer = nc.Dense(3, 2, rng=0)
    before = layer.state_dict()
    with pytest.raises(exc, match=pattern) as info:
        layer.load_state_dict(state)
    assert_message(info, r"^Dense.load_state_dict: ")
    np.testing.assert_array_equal(layer.W.data, before["W"])


# ---------------------------------------------------------------- assignments
def test_parameter_assignment_keeps_shape_and_dtype():
    p = nc.Parameter(np.zeros((3, 2)))
    p.data = np.ones((3, 2), dtype=int)  # cast to the parameter's dtype
    assert p.data.dtype == np.float64 and p.data.sum() == 6
    with pytest.raises(ValueError, match=r"Parameter.data: expected an array of shape \(3, 2\)"):
        p.data = np.ones((2, 3))
    with pytest.raises(TypeError, match="Parameter.grad: expected grad as an array of numbers"):
        p.grad = "abc"
    with pytest.raises(TypeError, match="Parameter.data: expected data as an array of numbers"):
        p.data = None


@pytest.mark.parametrize("value", [np.ones((3, 2)), None, nc.Parameter(np.ones((2, 3)))])
def test_dense_forward_refuses_a_replaced_weight(value):
    layer = nc.Dense(2, 3, rng=0)
    layer.W = value
    with pytest.raises(
        TypeError, match=r"Dense.forward: expected W as a Parameter of shape \(3, 2\)"
    ):
        layer.forward(np.ones((1, 2)))
