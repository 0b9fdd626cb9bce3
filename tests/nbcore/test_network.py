"""Sequential and MLP: structure, modes, caching, whole-network gradients, accumulation, float32."""

import numpy as np
import pytest
from _nbcore_util import assert_grad_ok, assert_message
from hypothesis import given, settings
from hypothesis import strategies as st

import nbcore as nc

PROP = settings(max_examples=50, deadline=None, database=None)


# ---------------------------------------------------------------- Sequential container
def test_sequential_indexable_len_iterable_repr():
    d1, act, d2 = nc.Dense(2, 3), nc.ReLU(), nc.Dense(3, 1)
    model = nc.Sequential(d1, act, d2)
    assert len(model) == 3
    assert model[0] is d1 and model[1] is act and model[2] is d2
    assert model[-1] is d2
    assert list(model) == [d1, act, d2]
    assert [p for p in model.parameters()] == [d1.W, d1.b, d2.W, d2.b]
    text = repr(model)
    assert "Sequential" in text and "Dense" in text and "ReLU" in text
    assert "0x" not in text and "object at" not in text
    assert "Dense(2, 3)" in text.replace("n_in=", "").replace("n_out=", "")


def test_sequential_rejects_a_layer_object_used_twice():
    # One Dropout at two positions would keep only the second mask, and backward through the
    # first position would use it: wrong gradients, silently. It must be refused up front.
    drop = nc.Dropout(0.5)
    with pytest.raises(
        ValueError, match=r"layer 4 \(Dropout\(p=0.5\)\) is the same object as layer 2"
    ):
        nc.Sequential(nc.Dense(2, 3), nc.ReLU(), drop, nc.Dense(3, 3), drop)
    relu = nc.ReLU()
    with pytest.raises(ValueError, match="each position needs its own layer object"):
        nc.Sequential(nc.Dense(2, 3), relu, nc.Dense(3, 3), relu)


def test_mlp_structure():
    model = nc.MLP([3, 5, 4, 2], activation="tanh")
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ["Dense", "Tanh", "Dense", "Tanh", "Dense"]
    assert isinstance(model, nc.Sequential)
    shapes = [p.data.shape for p in model.parameters()]
    assert shapes == [(5, 3), (5,), (4, 5), (4,), (2, 4), (2,)]
    assert type(nc.MLP([2, 3, 1], output="sigmoid")[-1]).__name__ == "Sigmoid"
    assert type(nc.MLP([2, 3, 4], output="softmax")[-1]).__name__ == "Softmax"
    assert [type(layer).__name__ for layer in nc.MLP([2, 3, 1])] == ["Dense", "ReLU", "Dense"]
    assert "Dense" in repr(model) and "0x" not in repr(model)


def test_mlp_seeds():
    nc.manual_seed(0)
    a, b = nc.MLP([2, 4, 1]), nc.MLP([2, 4, 1])  # rng=None: one stream, so they differ
    assert not np.array_equal(a[0].W.data, b[0].W.data)
    nc.manual_seed(0)
    for p, q in zip(a.parameters(), nc.MLP([2, 4, 1]).parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)  # manual_seed repeats the program
    c, d = nc.MLP([2, 4, 1], rng=3), nc.MLP([2, 4, 1], rng=3)  # an int seed repeats
    for p, q in zip(c.parameters(), d.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


# ---------------------------------------------------------------- modes
def _drops(model, X):
    return bool(np.any(model.forward(X) != X))


def test_new_model_is_in_train_mode_and_predict_keeps_mode():
    X = np.ones((20, 10))
    model = nc.Sequential(nc.Dropout(0.5, rng=np.random.default_rng(0)))
    assert _drops(model, X), "a new model must be in train mode (Dropout active)"
    np.testing.assert_array_equal(model.predict(X), X)  # predict runs in eval mode
    assert _drops(model, X), "predict() must leave a training model in train mode"
    model.eval()
    assert not _drops(model, X)
    np.testing.assert_array_equal(model.predict(X), X)
    assert not _drops(model, X), "predict() must leave an eval model in eval mode"
    model.train()
    assert _drops(model, X)


def test_dropout_is_identity_in_eval(rng):
    model = nc.Sequential(nc.Dense(4, 6, rng=rng), nc.Dropout(0.5), nc.Dense(6, 2, rng=rng))
    X = rng.normal(size=(5, 4))
    model.eval()
    reference = nc.Sequential(model[0], model[2])
    np.testing.assert_allclose(model.forward(X), reference.forward(X), rtol=1e-15)
    drop = model[1]
    H = rng.normal(size=(5, 6))
    np.testing.assert_array_equal(drop.forward(H), H)
    np.testing.assert_array_equal(drop.backward(H), H)


# ---------------------------------------------------------------- one cache
def test_forward_keeps_exactly_one_cached_input(rng):
    model = nc.Sequential(nc.Dense(3, 4, rng=rng), nc.Tanh(), nc.Dense(4, 2, rng=rng))
    model.forward(rng.normal(size=(7, 3)))  # e.g. a validation pass of another batch size
    X2 = rng.normal(size=(2, 3))
    out = model.forward(X2)
    dY = rng.normal(size=out.shape)
    model.zero_grad()
    model.backward(dY)
    # closed form for the latest input
    H = np.tanh(X2 @ model[0].W.data.T + model[0].b.data)
    np.testing.assert_allclose(model[2].W.grad, dY.T @ H, rtol=1e-13)
    dH = (dY @ model[2].W.data) * (1 - H**2)
    np.testing.assert_allclose(model[0].W.grad, dH.T @ X2, rtol=1e-13)


# ---------------------------------------------------------------- whole-network gradients
def _model_gradcheck(model, loss, X, Y):
    model.zero_grad()
    loss.forward(model.forward(X), Y)
    model.backward(loss.backward())

    def f():
        return loss.forward(model.forward(X), Y)

    for p in model.parameters():
        assert_grad_ok(f, p.data, p.grad)


NETS = {
    "tanh-MSE": (lambda: nc.MLP([3, 5, 4, 2], activation="tanh"), nc.MSELoss, "real"),
    "tanh-CE": (lambda: nc.MLP([3, 5, 4, 2], activation="tanh"), nc.CrossEntropyLoss, "labels"),
    "tanh-CE-probs": (
        lambda: nc.MLP([3, 5, 4, 3], activation="tanh"),
        nc.CrossEntropyLoss,
        "probs",
    ),
    "relu-BCEWithLogits": (
        lambda: nc.MLP([2, 6, 1], activation="relu"),
        nc.BCEWithLogitsLoss,
        "bits",
    ),
    "sigmoid-out-BCE": (
        lambda: nc.MLP([3, 4, 1], activation="sigmoid", output="sigmoid"),
        nc.BCELoss,
        "bits",
    ),
    "softmax-out-MSE": (
        lambda: nc.MLP([3, 4, 3], activation="tanh", output="softmax"),
        nc.MSELoss,
        "real",
    ),
    "relu-Huber": (lambda: nc.MLP([4, 8, 8, 2], activation="relu"), nc.HuberLoss, "real"),
}


@pytest.mark.parametrize("name", list(NETS))
def test_mlp_backward_matches_numerical_gradient(name, rng):
    make, make_loss, kind = NETS[name]
    model = make()
    for p in model.parameters():  # non-zero biases, so that they matter
        p.data += 0.1 * rng.normal(size=p.data.shape)
    n_in = model[0].W.data.shape[1]
    n_out = [layer for layer in model if isinstance(layer, nc.Dense)][-1].W.data.shape[0]
    m = 6
    X = rng.normal(size=(m, n_in))
    if kind == "real":
        Y = rng.normal(size=(m, n_out))
    elif kind == "labels":
        Y = rng.integers(0, n_out, m)
    elif kind == "probs":
        Y = rng.dirichlet(np.ones(n_out), m)
    else:
        Y = rng.integers(0, 2, (m, n_out)).astype(float)
    _model_gradcheck(model, make_loss(), X, Y)


def test_nc_gradcheck_model_if_present(rng):
    if not hasattr(nc, "gradcheck_model"):
        pytest.skip("nc.gradcheck_model is optional")
    model = nc.MLP([3, 5, 2], activation="tanh")
    err = nc.gradcheck_model(model, nc.MSELoss(), rng.normal(size=(4, 3)), rng.normal(size=(4, 2)))
    assert err < 1e-7


# ---------------------------------------------------------------- accumulation (hypothesis)
@PROP
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 6))
def test_gradients_accumulate_until_zero_grad(seed, m):
    rng = np.random.default_rng(seed)
    model = nc.MLP([3, 4, 2], activation="tanh", rng=rng)
    loss = nc.MSELoss()
    X, Y = rng.normal(size=(m, 3)), rng.normal(size=(m, 2))

    def one_pass():
        loss.forward(model.forward(X), Y)
        model.backward(loss.backward())

    one_pass()
    first = [p.grad.copy() for p in model.parameters()]
    one_pass()
    for p, g in zip(model.parameters(), first, strict=True):
        np.testing.assert_allclose(p.grad, 2 * g, rtol=1e-13, atol=1e-300)
    model.zero_grad()
    for p in model.parameters():
        np.testing.assert_array_equal(p.grad, 0.0)
    one_pass()
    opt = nc.SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    for p in model.parameters():
        np.testing.assert_array_equal(p.grad, 0.0)


# ---------------------------------------------------------------- float32 end to end
@pytest.mark.parametrize(
    "loss, kind",
    [(nc.MSELoss(), "real"), (nc.CrossEntropyLoss(), "labels"), (nc.BCEWithLogitsLoss(), "bits")],
    ids=["MSE", "CE", "BCEWithLogits"],
)
def test_mlp_float32_end_to_end(loss, kind, rng):
    n_out = 1 if kind == "bits" else 3
    model = nc.MLP([4, 8, n_out], activation="relu", dtype=np.float32)
    for p in model.parameters():
        assert p.data.dtype == np.float32 and p.grad.dtype == np.float32
    X = rng.normal(size=(5, 4)).astype(np.float32)
    if kind == "real":
        Y = rng.normal(size=(5, n_out)).astype(np.float32)
    elif kind == "labels":
        Y = rng.integers(0, n_out, 5)
    else:
        Y = rng.integers(0, 2, (5, 1)).astype(np.float32)
    out = model.forward(X)
    assert out.dtype == np.float32
    loss.forward(out, Y)
    dY = loss.backward()
    assert dY.dtype == np.float32
    model.backward(dY)
    for opt in (nc.SGD(model.parameters(), lr=0.1, momentum=0.9), nc.Adam(model.parameters())):
        opt.step()
    for p in model.parameters():
        assert p.data.dtype == np.float32 and p.grad.dtype == np.float32
    assert model.predict(X).dtype == np.float32


# ---------------------------------------------------------------- backward returns dX
def test_sequential_backward_returns_dx(rng):
    model = nc.MLP([3, 4, 2], activation="tanh", rng=0)
    X, dY = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    model.forward(X)
    dX = model.backward(dY)
    H = np.tanh(X @ model[0].W.data.T + model[0].b.data)
    expected = ((dY @ model[2].W.data) * (1 - H**2)) @ model[0].W.data
    np.testing.assert_allclose(dX, expected, rtol=1e-13)
    assert_grad_ok(lambda: float(np.sum(dY * model.forward(X))), X, dX)


def test_train_helper_gives_the_same_gradients_without_dx(rng):
    a, b = nc.MLP([3, 4, 2], rng=0), nc.MLP([3, 4, 2], rng=0)
    X, dY = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    a.forward(X)
    b.forward(X)
    assert a.backward(dY).shape == (5, 3)
    assert b._backward_checked(dY) is None
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p.grad, q.grad)
    with pytest.raises(ValueError, match=r"Dense.backward: expected dY of shape \(5, 2\)"):
        b._backward_checked(np.ones((4, 2)))


def test_input_grad_is_deprecated_and_has_no_effect():
    model = nc.MLP([2, 3, 1], rng=0)
    with pytest.warns(DeprecationWarning, match="input_grad is deprecated"):
        model.input_grad = False
    model.forward(np.ones((2, 2)))
    assert model.backward(np.ones((2, 1))).shape == (2, 2)
    assert model.input_grad is True


def test_a_forward_that_raised_leaves_no_cache_in_any_layer(rng):
    model = nc.Sequential(nc.Dense(3, 4, rng=0), nc.ReLU(), nc.Dense(5, 2, rng=1))  # 4 != 5
    model2 = nc.MLP([3, 4, 2], rng=0)
    model2.forward(rng.normal(size=(6, 3)))
    with pytest.raises(ValueError, match=r"Dense.forward: expected X of shape \(m, 3\)"):
        model2.forward(np.ones((6, 4)))
    with pytest.raises(ValueError, match=r"^Dense.backward: expected a successful forward"):
        model2.backward(np.ones((6, 2)))
    for p in model2.parameters():
        np.testing.assert_array_equal(p.grad, 0.0)  # nothing accumulated on the way
    with pytest.raises(ValueError, match=r"Dense.forward: expected X of shape \(m, 5\), got"):
        model.forward(np.ones((2, 3)))


def test_intermediate_arrays_are_not_copied_but_the_input_is(rng):
    model = nc.MLP([3, 4, 2], rng=0)
    X = rng.normal(size=(5, 3))
    out = model.forward(X)
    assert X.flags.writeable and out.flags.writeable  # the reader's arrays stay theirs
    assert model[0]._X is not X and not model[0]._X.flags.writeable
    assert model[2]._X is not None and not model[2]._X.flags.writeable  # ReLU's output, kept
    probs = nc.MLP([3, 4, 2], output="softmax", rng=0).forward(X)
    assert not probs.flags.writeable  # Softmax's cache: read-only


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    "sizes, exc, pattern",
    [
        (None, TypeError, r"got None \(NoneType\)"),
        (5, TypeError, r"got 5 \(int\)"),
        ("23", TypeError, r"got '23' \(str\)"),
        ({2: 3}, TypeError, r"\(dict\)"),
        ([2], ValueError, r"got \[2\]"),
        ([], ValueError, r"got \[\]"),
        ([2, 0, 1], ValueError, "got 0 at position 1"),
        ([2, -3], ValueError, "got -3 at position 1"),
        ([2, 2.5], TypeError, r"got 2.5 \(float\) at position 1"),
        ([2, True], TypeError, r"got True \(bool\) at position 1"),
        ([2, "3"], TypeError, r"got '3' \(str\) at position 1"),
        ([None, 3], TypeError, "got None .* at position 0"),
    ],
)
def test_mlp_refuses_bad_sizes(sizes, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        nc.MLP(sizes)
    assert_message(info, r"^MLP: expected sizes as a list of at least 2 positive ints")


def test_mlp_accepts_numpy_sizes():
    model = nc.MLP(np.array([2, 3, 1]), rng=0)
    assert model.sizes == [2, 3, 1] and type(model.sizes[0]) is int


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        ({"activation": "relu6"}, ValueError, "MLP: expected activation in"),
        ({"activation": None}, ValueError, "MLP: expected activation in .* got None"),
        ({"activation": ["relu"]}, ValueError, r"got \['relu'\]"),
        ({"activation": nc.ReLU}, ValueError, "MLP: expected activation in"),
        ({"output": "relu"}, ValueError, "MLP: expected output in"),
        ({"output": ["sigmoid"]}, ValueError, "MLP: expected output in"),
        ({"dtype": "garbage"}, TypeError, "MLP: expected dtype float32 or float64"),
        ({"dtype": int}, TypeError, "MLP: expected dtype float32 or float64"),
        ({"rng": "seed"}, TypeError, "MLP: expected rng as None, an int seed"),
        ({"rng": -1}, ValueError, "MLP: expected rng as a non-negative int seed"),
    ],
)
def test_mlp_refuses_bad_options(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        nc.MLP([2, 3, 1], **kwargs)


@pytest.mark.parametrize("bad", ["relu", nc.Dense, lambda X: X, None, [nc.ReLU()], 3])
def test_sequential_refuses_what_is_not_a_layer(bad):
    with pytest.raises(TypeError, match="Sequential: expected layer 1 to be an nbcore layer, got"):
        nc.Sequential(nc.Dense(2, 2), bad)


# ---------------------------------------------------------------- state_dict
def _bn_model(seed=0):
    return nc.Sequential(
        nc.Dense(3, 4, rng=seed),
        nc.ReLU(),
        nc.Dropout(0.2),
        nc.BatchNorm1d(4),
        nc.Residual(nc.Dense(4, 4, rng=seed + 1), nc.Tanh()),
        nc.Dense(4, 2, rng=seed + 2),
    )


def test_state_dict_names_and_copies(rng):
    model = _bn_model()
    model.forward(rng.normal(size=(6, 3)))
    state = model.state_dict()
    assert list(state) == [
        "0.W",
        "0.b",
        "3.gamma",
        "3.beta",
        "3.running_mean",
        "3.running_var",
        "4.0.W",
        "4.0.b",
        "5.W",
        "5.b",
    ]
    np.testing.assert_array_equal(state["3.running_mean"], model[3].running_mean)
    state["0.W"][...] = 0.0
    assert np.any(model[0].W.data != 0.0)  # copies


def test_load_state_dict_restores_outputs_and_keeps_the_optimizer_connected(rng):
    source, target = _bn_model(0), _bn_model(10)
    X = rng.normal(size=(6, 3))
    source.forward(X)
    opt = nc.SGD(target.parameters(), lr=0.1)
    target.load_state_dict(source.state_dict())
    source.eval()
    target.eval()
    np.testing.assert_array_equal(target.forward(X), source.forward(X))
    before = target[0].W.data.copy()
    target.train()
    target.forward(X)
    target.backward(np.ones((6, 2)))
    opt.step()  # the optimizer still moves the loaded model
    assert not np.array_equal(target[0].W.data, before)


@pytest.mark.parametrize(
    "change, exc, pattern",
    [
        (lambda s: s.pop("5.b"), ValueError, r"missing keys \['5.b'\] and unexpected keys \[\]"),
        (lambda s: s.update({"9.W": np.ones(2)}), ValueError, r"unexpected keys \['9.W'\]"),
        (
            lambda s: s.update({"5.W": np.ones((3, 4))}),
            ValueError,
            r"key '5.W': expected shape \(2, 4\), got \(3, 4\)",
        ),
        (
            lambda s: s.update({"3.running_var": np.ones(4, np.float32)}),
            TypeError,
            "key '3.running_var': expected dtype float64, got float32",
        ),
        (
            lambda s: s.update({"4.0.W": np.ones((4, 4)).astype(str)}),
            TypeError,
            "key '4.0.W': expected dtype float64, got <U32",
        ),
        (
            lambda s: s.update({"0.b": None}),
            TypeError,
            "key '0.b': expected an ndarray, got NoneType",
        ),
    ],
)
def test_load_state_dict_refuses_and_loads_nothing(change, exc, pattern):
    model = _bn_model(0)
    state = _bn_model(10).state_dict()
    change(state)
    before = model.state_dict()
    with pytest.raises(exc, match=pattern) as info:
        model.load_state_dict(state)
    assert_message(info, r"^Sequential.load_state_dict: ", "expected", "got")
    for key, arr in model.state_dict().items():
        np.testing.assert_array_equal(arr, before[key], err_msg=key)  # not half-loaded


@pytest.mark.parametrize("bad", [None, 5, "state", [np.ones(2)]])
def test_load_state_dict_needs_a_dict(bad):
    with pytest.raises(TypeError, match="MLP.load_state_dict: expected a dict of arrays"):
        nc.MLP([2, 3, 1], rng=0).load_state_dict(bad)
