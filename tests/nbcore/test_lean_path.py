"""train() checks every batch in its first epoch and runs the unchecked ``_forward`` /
``_backward`` of model and loss afterwards: the numbers must be exactly those of the checked path,
and bad data must still give the same clear errors."""

import numpy as np
import pytest

import nbcore as nc
import nbcore.training as training

LAYERS = {
    "Dense": lambda dtype: nc.Dense(3, 4, rng=1, dtype=dtype),
    "ReLU": lambda dtype: nc.ReLU(),
    "Sigmoid": lambda dtype: nc.Sigmoid(),
    "Tanh": lambda dtype: nc.Tanh(),
    "LeakyReLU": lambda dtype: nc.LeakyReLU(),
    "Softplus": lambda dtype: nc.Softplus(),
    "GELU": lambda dtype: nc.GELU(),
    "Identity": lambda dtype: nc.Identity(),
    "Softmax": lambda dtype: nc.Softmax(),
    "Dropout": lambda dtype: nc.Dropout(0.4, rng=2),  # the same seed: the same masks
    "BatchNorm1d": lambda dtype: nc.BatchNorm1d(3, dtype=dtype),
    "Residual": lambda dtype: nc.Residual(nc.Dense(3, 3, rng=1, dtype=dtype), nc.Tanh()),
}


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unchecked_layer_methods_equal_the_checked_ones(name, dtype):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 3)).astype(dtype)
    checked, lean = LAYERS[name](dtype), LAYERS[name](dtype)
    A1, A2 = checked.forward(X), lean._forward(X)
    assert A1.dtype == A2.dtype == dtype
    np.testing.assert_array_equal(A1, A2)
    dA = rng.standard_normal(A1.shape).astype(dtype)
    np.testing.assert_array_equal(checked.backward(dA), lean._backward(dA))
    for p, q in zip(checked.parameters(), lean.parameters(), strict=True):
        np.testing.assert_array_equal(p.grad, q.grad)
    for (key, a), b in zip(checked.state_dict().items(), lean.state_dict().values(), strict=True):
        np.testing.assert_array_equal(a, b, err_msg=key)  # BatchNorm1d's running statistics


def _cases():
    rng = np.random.default_rng(0)
    X, y = nc.make_moons(64, noise=0.1, rng=rng)
    yield "bce-logits", X, y[:, None].astype(float), nc.BCEWithLogitsLoss(), [2, 8, 1], None
    yield "bce", X, y[:, None].astype(float), nc.BCELoss(), [2, 8, 1], "sigmoid"
    yield "mse", X, np.sin(X[:, :1]), nc.MSELoss(), [2, 8, 1], None
    Xs, ys = nc.make_spirals(90, n_classes=3, rng=rng)
    yield "ce-labels", Xs, ys, nc.CrossEntropyLoss(), [2, 8, 3], None
    yield "ce-onehot", Xs, nc.one_hot(ys, 3), nc.CrossEntropyLoss(), [2, 8, 3], None


def _train(X, Y, loss_fn, sizes, output, lean, dtype=np.float64, batch_size=16):
    model = nc.MLP(sizes, "relu", output=output, rng=np.random.default_rng(3), dtype=dtype)
    opt = nc.Adam(model.parameters(), lr=0.01)
    original = training._lean_ok
    if not lean:
        training._lean_ok = lambda *args: False
    try:
        history = nc.train(
            model,
            loss_fn,
            opt,
            X.astype(dtype),
            Y if Y.dtype.kind in "iu" else Y.astype(dtype),
            epochs=4,
            batch_size=batch_size,
            rng=np.random.default_rng(5),
            progress=False,
        )
    finally:
        training._lean_ok = original
    return model, history


@pytest.mark.parametrize("case", list(_cases()), ids=lambda c: c[0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lean_epochs_give_the_same_numbers_as_checked_ones(case, dtype):
    _, X, Y, loss_fn, sizes, output = case
    m1, h1 = _train(X, Y, loss_fn, sizes, output, lean=True, dtype=dtype)
    m2, h2 = _train(X, Y, loss_fn, sizes, output, lean=False, dtype=dtype)
    assert h1.loss == h2.loss and h1.accuracy == h2.accuracy
    for p, q in zip(m1.parameters(), m2.parameters(), strict=True):
        assert p.data.dtype == dtype
        np.testing.assert_array_equal(p.data, q.data)


def _train_deep(lean, dtype):
    X, y = nc.make_moons(64, noise=0.1, rng=0)
    model = nc.Sequential(
        nc.Dense(2, 6, rng=1, dtype=dtype),
        nc.BatchNorm1d(6, dtype=dtype),
        nc.ReLU(),
        nc.Residual(nc.Dense(6, 6, rng=2, dtype=dtype), nc.Tanh(), nc.BatchNorm1d(6, dtype=dtype)),
        nc.Dropout(0.2, rng=3),
        nc.Dense(6, 1, rng=4, dtype=dtype),
    )
    opt = nc.Adam(model.parameters(), lr=0.01)
    original = training._lean_ok
    if not lean:
        training._lean_ok = lambda *args: False
    try:
        history = nc.train(
            model,
            nc.BCEWithLogitsLoss(),
            opt,
            X.astype(dtype),
            y[:, None].astype(dtype),
            epochs=4,
            batch_size=16,
            rng=np.random.default_rng(5),
            progress=False,
        )
    finally:
        training._lean_ok = original
    return model, history


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lean_epochs_with_batchnorm_residual_and_dropout(dtype):
    m1, h1 = _train_deep(True, dtype)
    m2, h2 = _train_deep(False, dtype)
    assert h1.loss == h2.loss
    for (key, a), b in zip(m1.state_dict().items(), m2.state_dict().values(), strict=True):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b, err_msg=key)


def test_first_epoch_skips_the_input_gradient_but_backward_returns_it(monkeypatch):
    # train() never needs dL/dX; the public backward always returns it
    model = nc.MLP([2, 3, 1], rng=0)
    X = np.ones((4, 2))
    calls = []
    original = nc.Dense._backward

    def spy(self, dZ):
        calls.append(self)
        return original(self, dZ)

    monkeypatch.setattr(nc.Dense, "_backward", spy)
    nc.train(
        model,
        nc.MSELoss(),
        nc.SGD(model.parameters(), lr=0.1),
        X,
        np.ones((4, 1)),
        epochs=2,
        progress=False,
    )
    assert model[0] not in calls  # the first layer only added its gradients
    model.forward(X)
    assert model.backward(np.ones((4, 1))).shape == (4, 2)


def test_lean_path_is_used_only_when_nothing_needs_converting():
    model = nc.MLP([2, 3, 1], dtype=np.float32)
    X32, X64 = np.zeros((4, 2), np.float32), np.zeros((4, 2))
    assert training._lean_ok(model, X32, np.zeros((4, 1), np.float32))
    assert training._lean_ok(model, X32, np.zeros(4, np.int64))  # class labels
    assert not training._lean_ok(model, X64, np.zeros((4, 1), np.float32))  # X is cast per batch
    assert not training._lean_ok(model, X32, np.zeros((4, 1)))  # Y float64: cast per batch
    assert not training._lean_ok(model, X32, np.zeros(4))  # float labels: converted per batch


def test_float_labels_and_mismatched_dtypes_still_train_like_before():
    X, y = nc.make_spirals(60, n_classes=3, rng=np.random.default_rng(0))
    m1, h1 = _train(X, y.astype(float), nc.CrossEntropyLoss(), [2, 6, 3], None, lean=True)
    m2, h2 = _train(X, y, nc.CrossEntropyLoss(), [2, 6, 3], None, lean=True)
    assert h1.loss == h2.loss
    for p, q in zip(m1.parameters(), m2.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


class _PoisonSGD(nc.SGD):
    """SGD that writes a NaN into the first weight after its first step (in epoch 1)."""

    def step(self):
        super().step()
        self.params[0].data[0, 0] = np.nan


@pytest.mark.parametrize("lean", [True, False])
def test_nan_output_in_a_later_epoch_gives_the_checked_error(lean):
    X = np.linspace(-1, 1, 20)[:, None]
    model = nc.MLP([1, 4, 1], "relu", rng=np.random.default_rng(0))
    opt = _PoisonSGD(model.parameters(), lr=0.1)
    original = training._lean_ok
    if not lean:
        training._lean_ok = lambda *args: False
    try:
        with pytest.raises(ValueError, match=r"^MSELoss.forward: expected pred without NaN"):
            nc.train(model, nc.MSELoss(), opt, X, 3 * X, epochs=3, progress=False)
    finally:
        training._lean_ok = original


def test_train_rejects_nan_in_X_before_the_first_epoch():
    X = np.zeros((4, 2))
    X[2, 1] = np.nan
    model = nc.MLP([2, 3, 1])
    opt = nc.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="train: expected X without NaN"):
        nc.train(model, nc.MSELoss(), opt, X, np.zeros((4, 1)), epochs=2, progress=False)


def test_non_numeric_targets_get_the_loss_error_not_a_numpy_one():
    model = nc.MLP([2, 3, 1])
    opt = nc.SGD(model.parameters(), lr=0.1)
    Y = np.array([["a"], ["b"], ["a"], ["b"]])
    with pytest.raises(TypeError, match="BCEWithLogitsLoss.forward: expected target as an array"):
        nc.train(model, nc.BCEWithLogitsLoss(), opt, np.zeros((4, 2)), Y, epochs=2, progress=False)
