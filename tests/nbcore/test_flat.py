"""The flat parameter store of a Sequential, and the optimizers' two paths (packed or not)."""

import copy
import pickle

import numpy as np
import pytest

import nbcore as nc
from nbcore._flat import store_of

OPTIMIZERS = [
    lambda ps: nc.SGD(ps, lr=0.1),
    lambda ps: nc.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    lambda ps: nc.AdaGrad(ps, lr=0.1),
    lambda ps: nc.RMSprop(ps, lr=0.01),
    lambda ps: nc.Adam(ps, lr=0.01),
]


def _data():
    X, y = nc.make_moons(64, noise=0.2, rng=np.random.default_rng(0))
    return X, y[:, None].astype(float)


def _unpacked_copy(model):
    """A deep copy whose parameters own their arrays (new arrays: the store is not intact)."""
    twin = copy.deepcopy(model)
    assert store_of(twin.parameters()) is not None  # the copy packs itself on first use
    for p in twin.parameters():
        p.data, p.grad = p.data.copy(order="K"), p.grad.copy(order="K")
    return twin


def _train(model, make_opt, steps=5):
    X, Y = _data()
    loss_fn, opt = nc.BCEWithLogitsLoss(), make_opt(model.parameters())
    for _ in range(steps):
        opt.zero_grad()
        loss_fn.forward(model.forward(X), Y)
        model.backward(loss_fn.backward())
        opt.step()
    return opt


def test_parameters_are_views_into_one_vector():
    model = nc.MLP([2, 4, 1])
    store = store_of(model.parameters())
    assert store is not None and store.data.size == 2 * 4 + 4 + 4 * 1 + 1
    for p in model.parameters():
        assert p.data.base is store.data and p.grad.base is store.grad
    model[0].W.data[0, 0] = 7.0  # writing through a layer writes into the vector
    assert store.data[0] == 7.0


def test_packing_keeps_values_and_gradients():
    d1, d2 = nc.Dense(2, 3, rng=np.random.default_rng(1)), nc.Dense(3, 1)
    d1.W.grad += 1.5
    W1, b2 = d1.W.data.copy(), d2.b.data.copy()
    nc.Sequential(d1, nc.ReLU(), d2)
    np.testing.assert_array_equal(d1.W.data, W1)
    np.testing.assert_array_equal(d2.b.data, b2)
    assert np.all(d1.W.grad == 1.5)


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
def test_packed_and_unpacked_optimizers_agree_exactly(make_opt):
    packed = nc.MLP([2, 5, 1], rng=np.random.default_rng(2))
    unpacked = _unpacked_copy(packed)
    assert store_of(packed.parameters()) is not None
    assert store_of(unpacked.parameters()) is None
    opt_a, opt_b = _train(packed, make_opt), _train(unpacked, make_opt)
    assert opt_a._store is not None and opt_b._store is None
    for a, b in zip(packed.parameters(), unpacked.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize("make_opt", OPTIMIZERS)
def test_step_leaves_the_gradients_unchanged(make_opt):
    model = nc.MLP([2, 5, 1], rng=np.random.default_rng(3))
    X, Y = _data()
    opt, loss_fn = make_opt(model.parameters()), nc.BCEWithLogitsLoss()
    loss_fn.forward(model.forward(X), Y)
    model.backward(loss_fn.backward())
    before = [p.grad.copy() for p in model.parameters()]
    opt.step()
    opt.step()  # momentum and weight decay must not write into .grad either
    for p, g in zip(model.parameters(), before, strict=True):
        np.testing.assert_array_equal(p.grad, g)


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_new_array_assigned_to_a_parameter_is_still_trained(when):
    model = nc.MLP([2, 5, 1], rng=np.random.default_rng(4))
    reference = copy.deepcopy(model)
    opt = nc.SGD(model.parameters(), lr=0.1) if when == "after" else None
    model[0].W.data = model[0].W.data.copy()  # a new array: the store is no longer intact
    opt = opt or nc.SGD(model.parameters(), lr=0.1)
    assert opt._store is None or not opt._store.intact()
    _train(model, lambda ps: opt)
    _train(reference, lambda ps: nc.SGD(ps, lr=0.1))
    for a, b in zip(model.parameters(), reference.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_zero_grad_clears_every_gradient_packed_or_not():
    for model in (nc.MLP([2, 3, 1]), _unpacked_copy(nc.MLP([2, 3, 1]))):
        for p in model.parameters():
            p.grad += 2.0
        model.zero_grad()
        assert all(not p.grad.any() for p in model.parameters())


def test_shared_or_mixed_dtype_parameters_are_not_packed():
    d, e = nc.Dense(3, 3), nc.Dense(3, 3)
    e.W = d.W  # two layers sharing one weight matrix (the same layer twice is refused)
    shared = nc.Sequential(d, nc.ReLU(), e)
    assert store_of(shared.parameters()) is None
    mixed = nc.Sequential(nc.Dense(2, 3), nc.Dense(3, 1, dtype=np.float32))
    assert store_of(mixed.parameters()) is None


def test_only_the_first_dense_layer_scans_for_nan():
    model = nc.MLP([2, 3, 3, 1])
    dense = [layer for layer in model if isinstance(layer, nc.Dense)]
    assert [d.nan_check for d in dense] == [True, False, False]
    with pytest.raises(ValueError, match=r"Dense.forward: expected X without NaN, got 1 NaN"):
        model.forward(np.array([[0.0, np.nan]]))
    assert nc.Dense(2, 1).nan_check  # a layer on its own checks its input


def test_first_layer_returns_dx_again_after_a_model_backward():
    model = nc.MLP([2, 3, 1])
    X = np.ones((4, 2))
    model.forward(X)
    assert model.backward(np.ones((4, 1))).shape == (4, 2)  # dL/dX, as every layer's backward
    model[0].forward(X)
    assert model[0].backward(np.ones((4, 3))).shape == (4, 2)


def test_dense_weights_are_stored_column_by_column():
    # X @ W.T then reads W.T row by row (the fast BLAS layout); the shape is still (n_out, n_in)
    layer = nc.Dense(3, 2)
    assert layer.W.shape == (2, 3)
    assert layer.W.data.T.flags.c_contiguous and layer.W.grad.T.flags.c_contiguous
    model = nc.MLP([3, 4, 2])
    for p in (model[0].W, model[2].W):  # the flat store keeps the layout in its views
        assert p.data.T.flags.c_contiguous and p.grad.T.flags.c_contiguous


@pytest.mark.parametrize("change", ["none", "new C-ordered data", "new C-ordered grad"])
def test_optimizer_state_lines_up_with_each_parameter(change):
    # after one step, SGD's momentum buffer is g and Adam's m is (1 - beta1) g, element by
    # element, whatever memory order the parameter and the flat vectors use
    model = nc.MLP([3, 4, 2], rng=np.random.default_rng(5))
    sgd = nc.SGD(model.parameters(), lr=0.1, momentum=0.9)
    adam = nc.Adam(model.parameters(), lr=0.1)
    if change == "new C-ordered data":
        model[0].W.data = np.ascontiguousarray(model[0].W.data)
    elif change == "new C-ordered grad":
        model[0].W.grad = np.ascontiguousarray(model[0].W.grad)
    X, y = np.random.default_rng(6).normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    loss_fn = nc.CrossEntropyLoss()
    loss_fn.forward(model.forward(X), y)
    model.backward(loss_fn.backward())
    before = [p.data.copy() for p in model.parameters()]
    sgd.step()
    adam.step()
    for i, p in enumerate(model.parameters()):
        np.testing.assert_array_equal(sgd.state[i]["momentum_buffer"], p.grad)
        np.testing.assert_allclose(adam.state[i]["m"], 0.1 * p.grad, rtol=1e-12)
        # SGD moved by lr g; Adam's first step is lr sign(g) (up to eps)
        expected = before[i] - 0.1 * p.grad - 0.1 * np.sign(p.grad)
        np.testing.assert_allclose(p.data, expected, rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------- copies stay connected
COPIES = {
    "deepcopy": copy.deepcopy,
    "pickle": lambda pair: pickle.loads(pickle.dumps(pair)),
    "pickle (optimizer first)": lambda pair: pickle.loads(pickle.dumps(pair[::-1]))[::-1],
}
MORE_OPTIMIZERS = OPTIMIZERS + [
    lambda ps: nc.Adam(ps, lr=0.01, amsgrad=True, weight_decay=0.01),
    lambda ps: nc.AdamW(ps, lr=0.01),
    lambda ps: nc.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
]


@pytest.mark.parametrize("how", list(COPIES))
@pytest.mark.parametrize("make_opt", MORE_OPTIMIZERS)
def test_a_copied_model_and_optimizer_stay_connected(how, make_opt):
    # the usual checkpoint: copy (model, optimizer) together, then train both the same way
    model = nc.MLP([2, 5, 1], rng=np.random.default_rng(7))
    opt = _train(model, make_opt)  # some state first (momentum, m, v, ...)
    model2, opt2 = COPIES[how]((model, opt))
    assert opt2.params == model2.parameters()
    for a, b in zip(model.parameters(), model2.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)
    for _ in range(2):
        _train(model, lambda ps: opt)
        _train(model2, lambda ps: opt2)
    for a, b in zip(model.parameters(), model2.parameters(), strict=True):
        assert np.array_equal(a.data, b.data)
        assert not np.shares_memory(a.data, b.data)
    assert opt2._live_store() is store_of(model2.parameters()) is not None  # packed again
    for key in opt2.state[0]:  # the state shown per parameter still follows the flat vectors
        for s, s2 in zip(opt.state, opt2.state, strict=True):
            np.testing.assert_array_equal(s[key], s2[key])


def test_a_copied_pair_zero_grad_clears_the_copy():
    model = nc.MLP([2, 3, 1])
    opt = nc.SGD(model.parameters(), lr=0.1)
    model2, opt2 = copy.deepcopy((model, opt))
    for p in model2.parameters():
        p.grad += 1.0
    opt2.zero_grad()
    assert all(not p.grad.any() for p in model2.parameters())


def test_a_copied_model_alone_is_packed_again_and_trains_like_the_original():
    model = nc.MLP([2, 5, 1], rng=np.random.default_rng(8))
    twin = copy.deepcopy(model)
    assert store_of(twin.parameters()) is not None
    _train(model, OPTIMIZERS[4], steps=10)
    _train(twin, OPTIMIZERS[4], steps=10)
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)


def test_training_resumes_from_an_unpickled_pair_as_the_original_continues():
    # the report: a resumed train() stayed stuck, since the copied optimizer moved nothing
    X, Y = _data()
    model = nc.MLP([2, 8, 1], rng=np.random.default_rng(1))
    opt = nc.Adam(model.parameters(), lr=0.01)
    nc.train(model, nc.BCEWithLogitsLoss(), opt, X, Y, epochs=3, progress=False)
    model2, opt2 = pickle.loads(pickle.dumps((model, opt)))
    runs = [
        nc.train(m, nc.BCEWithLogitsLoss(), o, X, Y, epochs=20, progress=False)
        for m, o in ((model, opt), (model2, opt2))
    ]
    assert runs[0].loss == runs[1].loss and runs[1].loss[-1] < runs[1].loss[0]
    for a, b in zip(model.parameters(), model2.parameters(), strict=True):
        np.testing.assert_array_equal(a.data, b.data)
