"""BatchNorm1d and Residual: hand-computed values, gradient checks, modes, float32, bad inputs.

The comparisons with PyTorch are in ``test_torch_layers.py``.
"""

import numpy as np
import pytest
from _nbcore_util import assert_grad_ok, assert_message

import nbcore as nc


# ---------------------------------------------------------------- BatchNorm1d: values
def test_batchnorm_attributes_and_repr():
    bn = nc.BatchNorm1d(3)
    assert bn.gamma.data.tolist() == [1.0, 1.0, 1.0] and bn.beta.data.tolist() == [0.0] * 3
    assert bn.running_mean.tolist() == [0.0] * 3 and bn.running_var.tolist() == [1.0] * 3
    assert bn.parameters() == [bn.gamma, bn.beta]
    assert repr(bn) == "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True)"
    assert "chapter 9" in nc.BatchNorm1d.__doc__ and "chapter 9" in nc.Residual.__doc__
    plain = nc.BatchNorm1d(2, affine=False)
    assert plain.parameters() == [] and plain.gamma is None and plain.beta is None


def test_batchnorm_by_hand_on_a_batch_of_three():
    # one feature, x = 1, 2, 6: mean 3, biased variance (4 + 1 + 9) / 3 = 14/3
    bn = nc.BatchNorm1d(1, eps=0.0 + 1e-5)
    X = np.array([[1.0], [2.0], [6.0]])
    Y = bn.forward(X)
    xhat = (X - 3.0) / np.sqrt(14 / 3 + 1e-5)
    np.testing.assert_allclose(Y, xhat, rtol=1e-15)
    # running statistics: 0.9 * 0 + 0.1 * 3, and 0.9 * 1 + 0.1 * (14 / 2) (unbiased: / (m - 1))
    np.testing.assert_allclose(bn.running_mean, [0.3], rtol=1e-15)
    np.testing.assert_allclose(bn.running_var, [0.9 + 0.7], rtol=1e-15)
    # with gamma = 2, beta = 0.5 the output is 2 xhat + 0.5
    bn.gamma.data[...] = 2.0
    bn.beta.data[...] = 0.5
    np.testing.assert_allclose(bn.forward(X), 2 * xhat + 0.5, rtol=1e-14)


def test_batchnorm_train_output_is_standardised_per_column(rng):
    X = rng.normal(3.0, 5.0, size=(50, 4))
    Y = nc.BatchNorm1d(4).forward(X)
    np.testing.assert_allclose(Y.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(Y.var(axis=0), X.var(axis=0) / (X.var(axis=0) + 1e-5), rtol=1e-12)


def test_batchnorm_eval_uses_running_statistics_and_changes_nothing(rng):
    bn = nc.BatchNorm1d(3)
    for _ in range(5):
        bn.forward(rng.normal(2.0, 3.0, size=(8, 3)))
    mean, var = bn.running_mean.copy(), bn.running_var.copy()
    bn.training = False
    X = rng.normal(size=(1, 3))  # a single sample is fine in eval mode
    Y = bn.forward(X)
    np.testing.assert_allclose(Y, (X - mean) / np.sqrt(var + 1e-5), rtol=1e-14)
    np.testing.assert_array_equal(bn.running_mean, mean)
    np.testing.assert_array_equal(bn.running_var, var)


def test_batchnorm_in_a_model_follows_train_and_eval(rng):
    model = nc.Sequential(
        nc.Dense(3, 4, rng=0), nc.BatchNorm1d(4), nc.ReLU(), nc.Dense(4, 1, rng=1)
    )
    X = rng.normal(size=(6, 3))
    model.forward(X)
    assert model[1].training
    stats = model[1].running_mean.copy()
    out_eval = model.predict(X)  # eval mode: running statistics, not updated
    np.testing.assert_array_equal(model[1].running_mean, stats)
    assert model[1].training  # predict leaves the mode as it was
    model.eval()
    np.testing.assert_array_equal(model.forward(X), out_eval)
    assert not model[1].training


# ---------------------------------------------------------------- BatchNorm1d: gradients
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("m", [3, 5])  # m = 2 gives xhat = +-1 whatever X: dX is ~0
def test_batchnorm_gradcheck(affine, training, m, rng):
    bn = nc.BatchNorm1d(3, affine=affine, momentum=0.0)  # momentum 0: f does not move the stats
    bn.running_mean[...] = rng.normal(size=3)
    bn.running_var[...] = rng.uniform(0.5, 2.0, size=3)
    if affine:
        bn.gamma.data[...] = rng.normal(size=3)
        bn.beta.data[...] = rng.normal(size=3)
    bn.training = training
    X = rng.normal(size=(m, 3))
    C = rng.normal(size=(m, 3))  # L = sum(C * Y)

    def f():
        return float(np.sum(C * bn.forward(X)))

    bn.forward(X)
    dX = bn.backward(C)
    assert dX.shape == X.shape
    assert_grad_ok(f, X, dX)
    for p in bn.parameters():
        assert_grad_ok(f, p.data, p.grad)


def test_batchnorm_backward_compact_formula(rng):
    X, dY = rng.normal(size=(7, 2)), rng.normal(size=(7, 2))
    bn = nc.BatchNorm1d(2)
    bn.gamma.data[...] = [1.5, -0.5]
    bn.forward(X)
    dX = bn.backward(dY)
    m, var = 7, X.var(axis=0)
    xhat = (X - X.mean(axis=0)) / np.sqrt(var + 1e-5)
    expected = (bn.gamma.data / (m * np.sqrt(var + 1e-5))) * (
        m * dY - dY.sum(axis=0) - xhat * (dY * xhat).sum(axis=0)
    )
    np.testing.assert_allclose(dX, expected, rtol=1e-12)
    np.testing.assert_allclose(bn.gamma.grad, (dY * xhat).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.beta.grad, dY.sum(axis=0), rtol=1e-12)


def test_batchnorm_whole_model_gradcheck(rng):
    model = nc.Sequential(
        nc.Dense(3, 5, rng=2), nc.BatchNorm1d(5, momentum=0.0), nc.Tanh(), nc.Dense(5, 2, rng=3)
    )
    loss = nc.MSELoss()
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    loss.forward(model.forward(X), Y)
    model.backward(loss.backward())

    def f():
        return loss.forward(model.forward(X), Y)

    for p in model.parameters():
        if p is not model[0].b:  # a bias before batch norm has no effect: its gradient is 0
            assert_grad_ok(f, p.data, p.grad)
    np.testing.assert_allclose(model[0].b.grad, 0.0, atol=1e-14)


def test_batchnorm_float32_stays_float32(rng):
    bn = nc.BatchNorm1d(3, dtype=np.float32)
    X = rng.normal(size=(5, 3)).astype(np.float32)
    Y = bn.forward(X)
    dX = bn.backward(np.ones_like(Y))
    for arr in (Y, dX, bn.running_mean, bn.running_var, bn.gamma.grad, bn.beta.grad):
        assert arr.dtype == np.float32
    ref = nc.BatchNorm1d(3)
    np.testing.assert_allclose(Y, ref.forward(X.astype(np.float64)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.running_var, ref.running_var, rtol=1e-6)


def test_batchnorm_backward_uses_the_mode_of_its_forward(rng):
    bn = nc.BatchNorm1d(2)
    X, dY = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    bn.forward(X)
    expected = bn.backward(dY)
    bn.forward(X)
    bn.training = False  # switched between forward and backward: still the train formula
    np.testing.assert_array_equal(bn.backward(dY), expected)


# ---------------------------------------------------------------- BatchNorm1d: bad inputs
@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        ({"num_features": 0}, ValueError, "num_features >= 1, got 0"),
        ({"num_features": 2.5}, TypeError, "num_features as an integer"),
        ({"num_features": True}, TypeError, "num_features as an integer"),
        ({"eps": 0.0}, ValueError, "eps > 0"),
        ({"eps": "1e-5"}, TypeError, "eps as a real number"),
        ({"momentum": 1.5}, ValueError, r"momentum in \[0, 1\]"),
        ({"momentum": None}, TypeError, "momentum as a number"),
        ({"affine": "yes"}, TypeError, "affine as True or False"),
        ({"dtype": np.int64}, TypeError, "dtype float32 or float64"),
        ({"dtype": "garbage"}, TypeError, "dtype float32 or float64"),
    ],
)
def test_batchnorm_constructor_refuses(kwargs, exc, pattern):
    args = {"num_features": 3, **kwargs}
    with pytest.raises(exc, match=pattern) as info:
        nc.BatchNorm1d(**args)
    assert_message(info, r"^BatchNorm1d: expected", "got")


@pytest.mark.parametrize(
    "X, pattern",
    [
        (np.ones((4, 2)), r"expected X of shape \(m, 3\), got \(4, 2\)"),
        (np.ones(3), r"got \(3,\) \(a single sample must be passed as shape \(1, n\)\)"),
        (np.zeros((0, 3)), "non-empty batch"),
        (np.array([[1.0, np.nan, 0.0], [0.0, 1.0, 2.0]]), "without NaN"),
        (np.array([[1.0, np.inf, 0.0], [0.0, 1.0, 2.0]]), "finite values, got 0 NaN and 1 inf"),
        (np.ones((1, 3)), "more than 1 sample per batch in train mode"),
    ],
)
def test_batchnorm_forward_refuses(X, pattern):
    bn = nc.BatchNorm1d(3)
    with pytest.raises(ValueError, match=pattern):
        bn.forward(X)
    with pytest.raises(ValueError, match="BatchNorm1d.backward: expected a successful forward"):
        bn.backward(np.ones((4, 3)))  # nothing cached by the forward that raised


def test_batchnorm_backward_refuses_wrong_dY():
    bn = nc.BatchNorm1d(3)
    bn.forward(np.arange(12.0).reshape(4, 3))
    with pytest.raises(ValueError, match=r"BatchNorm1d.backward: expected dY of shape \(4, 3\)"):
        bn.backward(np.ones((3, 3)))
    with pytest.raises(TypeError, match="BatchNorm1d.backward: expected dY as an array"):
        bn.backward("dY")


# ---------------------------------------------------------------- Residual
def test_residual_forward_is_x_plus_f_of_x(rng):
    dense = nc.Dense(3, 3, rng=0)
    block = nc.Residual(dense, nc.Tanh())
    X = rng.normal(size=(4, 3))
    np.testing.assert_allclose(
        block.forward(X), X + np.tanh(X @ dense.W.data.T + dense.b.data), rtol=1e-15
    )
    assert repr(block) == "Residual(Dense(3, 3), Tanh())"
    assert block.parameters() == [dense.W, dense.b]


def test_residual_backward_adds_the_identity_path(rng):
    block = nc.Residual(nc.Dense(3, 3, init="zeros"))  # F = 0: dX is exactly dY
    X, dY = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    block.forward(X)
    np.testing.assert_array_equal(block.backward(dY), dY)


@pytest.mark.parametrize("m", [1, 4])
def test_residual_gradcheck(m, rng):
    block = nc.Residual(nc.Dense(3, 4, rng=1), nc.Tanh(), nc.Dense(4, 3, rng=2))
    for p in block.parameters():
        p.data += 0.1 * rng.normal(size=p.data.shape)
    X, C = rng.normal(size=(m, 3)), rng.normal(size=(m, 3))

    def f():
        return float(np.sum(C * block.forward(X)))

    block.forward(X)
    dX = block.backward(C)
    assert_grad_ok(f, X, dX)
    for p in block.parameters():
        assert_grad_ok(f, p.data, p.grad)


def test_deep_residual_model_gradcheck(rng):
    model = nc.Sequential(
        nc.Dense(2, 4, rng=0),
        nc.Residual(nc.Dense(4, 4, rng=1), nc.Tanh()),
        nc.Residual(nc.Residual(nc.Dense(4, 4, rng=2)), nc.Sigmoid()),
        nc.Dense(4, 1, rng=3),
    )
    loss = nc.MSELoss()
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    loss.forward(model.forward(X), Y)
    dX = model.backward(loss.backward())
    assert dX.shape == X.shape

    def f():
        return loss.forward(model.forward(X), Y)

    assert_grad_ok(f, X, dX)
    for p in model.parameters():
        assert_grad_ok(f, p.data, p.grad)


def test_residual_passes_modes_and_state_through(rng):
    drop = nc.Dropout(0.5, rng=0)
    model = nc.Sequential(nc.Dense(2, 3, rng=0), nc.Residual(nc.Dense(3, 3, rng=1), drop))
    model.eval()
    assert not drop.training and not model[1].training
    model.train()
    assert drop.training
    assert list(model.state_dict()) == ["0.W", "0.b", "1.0.W", "1.0.b"]
    np.testing.assert_array_equal(model.state_dict()["1.0.W"], model[1].layers[0].W.data)
    assert list(model[1].state_dict()) == ["0.W", "0.b"]


def test_residual_refuses_bad_layers_and_shapes():
    with pytest.raises(ValueError, match="Residual: expected at least one layer"):
        nc.Residual()
    with pytest.raises(TypeError, match="Residual: expected layer 1 to be an nbcore layer"):
        nc.Residual(nc.Dense(2, 2), "relu")
    with pytest.raises(TypeError, match="Residual: expected layer 0 to be an nbcore layer"):
        nc.Residual(nc.ReLU)  # the class, not a layer
    relu = nc.ReLU()
    with pytest.raises(ValueError, match="is the same object as layer 0"):
        nc.Residual(relu, relu)
    dense = nc.Dense(2, 2)
    with pytest.raises(ValueError, match=r"layer 1 \(Residual\(Dense\(2, 2\)\)\) holds Dense"):
        nc.Sequential(dense, nc.Residual(dense))
    block = nc.Residual(nc.Dense(3, 4))
    with pytest.raises(ValueError, match=r"Residual.forward: expected F\(X\) of the shape of X"):
        block.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Residual.backward: expected a successful forward"):
        block.backward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Residual.forward: expected X with finite values"):
        nc.Residual(nc.ReLU()).forward(np.array([[np.inf, -np.inf]]))
