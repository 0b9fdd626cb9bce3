"""Bad input: a clear ValueError / TypeError that names the function, what it expected, and what
it was given. Each case: (callable, accepted exception types, regexes that must all be found)."""

import numpy as np
import pytest
from _nbcore_util import assert_message

import nbcore as nc

V, T = ValueError, TypeError
VT = (ValueError, TypeError)


def _dense_backward_wrong_shape():
    layer = nc.Dense(3, 2)
    layer.forward(np.ones((4, 3)))
    layer.backward(np.ones((4, 3)))


def _sequential_wrong_width():
    nc.MLP([3, 5, 2]).forward(np.ones((4, 2)))


def _train(X, Y, **kw):
    model = nc.MLP([2, 3, 1])
    opt = nc.SGD(model.parameters(), lr=0.1)
    nc.train(model, nc.MSELoss(), opt, X, Y, progress=False, **kw)


def _loss(loss, pred, target):
    return lambda: loss.forward(pred, target)


ONES42 = np.ones((4, 2))
NAN42 = np.array([[1.0, np.nan]] * 4)
LOGITS = np.zeros((4, 3))

CASES = {
    # ---------------- layers: shapes
    "Dense wrong width": (
        lambda: nc.Dense(3, 2).forward(np.ones((4, 2))),
        V,
        [r"Dense\.forward", r"\(m, 3\)", r"\(4, 2\)"],
    ),
    "Dense 1-D vector": (
        lambda: nc.Dense(3, 2).forward(np.ones(3)),
        V,
        [r"Dense\.forward", r"\(m, 3\)", r"\(3,\)"],
    ),
    "Dense 3-D input": (
        lambda: nc.Dense(3, 2).forward(np.ones((4, 3, 1))),
        V,
        [r"Dense\.forward", r"\(m, 3\)", r"\(4, 3, 1\)"],
    ),
    "Dense empty batch": (
        lambda: nc.Dense(3, 2).forward(np.ones((0, 3))),
        V,
        [r"Dense\.forward", r"\(0, 3\)"],
    ),
    "Dense NaN": (
        lambda: nc.Dense(2, 2).forward(NAN42),
        V,
        [r"Dense\.forward", r"(?i)nan"],
    ),
    "Dense list of strings": (
        lambda: nc.Dense(3, 2).forward([["a", "b", "c"]]),
        VT,
        [r"Dense\.forward", r"number|float|numeric", r"<U1|str|'a'"],
    ),
    "Dense None": (lambda: nc.Dense(3, 2).forward(None), T, [r"Dense\.forward", r"None"]),
    "Dense backward wrong dY shape": (
        _dense_backward_wrong_shape,
        V,
        [r"Dense\.backward", r"\(4, 2\)", r"\(4, 3\)"],
    ),
    "Dense bad init": (
        lambda: nc.Dense(3, 2, init="uniform"),
        V,
        [r"Dense", r"he", r"uniform"],
    ),
    "MLP wrong input width": (
        _sequential_wrong_width,
        V,
        [r"Dense\.forward", r"\(m, 3\)", r"\(4, 2\)"],
    ),
    "MLP bad activation": (
        lambda: nc.MLP([2, 3, 1], activation="swish"),
        V,
        [r"MLP", r"relu", r"swish"],
    ),
    "MLP bad output": (
        lambda: nc.MLP([2, 3, 1], output="relu6"),
        V,
        [r"MLP", r"sigmoid", r"relu6"],
    ),
    "Dropout p=1": (lambda: nc.Dropout(1.0), V, [r"Dropout", r"1\)|< ?1", r"1(\.0)?\b"]),
    "Dropout p<0": (lambda: nc.Dropout(-0.1), V, [r"Dropout", r"\[0|>= ?0", r"-0\.1"]),
    "LeakyReLU negative alpha": (
        lambda: nc.LeakyReLU(alpha=-0.1),
        V,
        [r"LeakyReLU", r"-0\.1"],
    ),
    "Sigmoid layer strings": (
        lambda: nc.Sigmoid().forward(["x", "y"]),
        VT,
        [r"Sigmoid\.forward", r"number|float|numeric"],
    ),
    # ---------------- losses
    "MSELoss shape mismatch": (
        _loss(nc.MSELoss(), ONES42, np.ones((4, 3))),
        V,
        [r"MSELoss|mse", r"\(4, 2\)", r"\(4, 3\)"],
    ),
    "MSELoss (4,1) vs (4,) no broadcasting": (
        _loss(nc.MSELoss(), np.ones((4, 1)), np.ones(4)),
        V,
        [r"MSELoss|mse", r"\(4, 1\)", r"\(4,\)"],
    ),
    "MAELoss shape mismatch": (
        _loss(nc.MAELoss(), ONES42, np.ones((2, 4))),
        V,
        [r"MAELoss|mae", r"\(4, 2\)", r"\(2, 4\)"],
    ),
    "HuberLoss shape mismatch": (
        _loss(nc.HuberLoss(), ONES42, np.ones((4, 1))),
        V,
        [r"HuberLoss|huber", r"\(4, 2\)", r"\(4, 1\)"],
    ),
    "RMSELoss shape mismatch": (
        _loss(nc.RMSELoss(), ONES42, np.ones((3, 2))),
        V,
        [r"RMSELoss|rmse", r"\(4, 2\)", r"\(3, 2\)"],
    ),
    "BCELoss shape mismatch": (
        _loss(nc.BCELoss(), np.full((4, 1), 0.5), np.ones(4)),
        V,
        [r"BCELoss|binary_cross_entropy", r"\(4, 1\)", r"\(4,\)"],
    ),
    "BCEWithLogitsLoss shape mismatch": (
        _loss(nc.BCEWithLogitsLoss(), np.zeros((4, 1)), np.ones((1, 4))),
        V,
        [r"BCEWithLogitsLoss|binary_cross_entropy_with_logits", r"\(4, 1\)", r"\(1, 4\)"],
    ),
    "FocalLoss shape mismatch": (
        _loss(nc.FocalLoss(), np.full((4, 1), 0.5), np.ones((4, 2))),
        V,
        [r"FocalLoss|focal_loss", r"\(4, 1\)", r"\(4, 2\)"],
    ),
    "BCELoss p > 1": (
        _loss(nc.BCELoss(), np.array([[0.5], [1.5]]), np.ones((2, 1))),
        V,
        [r"BCELoss|binary_cross_entropy", r"\[0(\.0)?, 1(\.0)?\]", r"1\.5"],
    ),
    "BCELoss p < 0": (
        _loss(nc.BCELoss(), np.array([[-0.1], [0.5]]), np.ones((2, 1))),
        V,
        [r"BCELoss|binary_cross_entropy", r"\[0(\.0)?, 1(\.0)?\]", r"-0\.1"],
    ),
    "FocalLoss p > 1": (
        _loss(nc.FocalLoss(), np.array([[2.0]]), np.ones((1, 1))),
        V,
        [r"FocalLoss|focal_loss", r"\[0(\.0)?, 1(\.0)?\]", r"\b2\b"],
    ),
    "MSELoss NaN": (
        _loss(nc.MSELoss(), NAN42, ONES42),
        V,
        [r"MSELoss|mse", r"(?i)nan"],
    ),
    "MSELoss empty batch": (
        _loss(nc.MSELoss(), np.ones((0, 2)), np.ones((0, 2))),
        V,
        [r"MSELoss|mse", r"(?i)empty|m >= 1", r"\(0, 2\)"],
    ),
    "MSELoss None": (_loss(nc.MSELoss(), None, ONES42), T, [r"MSELoss|mse", r"None"]),
    "CrossEntropyLoss label too large": (
        _loss(nc.CrossEntropyLoss(), LOGITS, np.array([0, 1, 2, 3])),
        V,
        [r"CrossEntropyLoss|cross_entropy", r"\[0, 2\]|\[0, 3\)|< ?3", r"\b3\b"],
    ),
    "CrossEntropyLoss negative label": (
        _loss(nc.CrossEntropyLoss(), LOGITS, np.array([0, -1, 2, 1])),
        V,
        [r"CrossEntropyLoss|cross_entropy", r"\[0, 2\]|\[0, 3\)|>= ?0", r"-1"],
    ),
    "CrossEntropyLoss non-integer labels": (
        _loss(nc.CrossEntropyLoss(), LOGITS, np.array([0.5, 1.0, 2.0, 0.0])),
        VT,
        [r"CrossEntropyLoss|cross_entropy", r"(?i)int", r"float|0\.5"],
    ),
    "CrossEntropyLoss label count": (
        _loss(nc.CrossEntropyLoss(), LOGITS, np.array([0, 1, 2, 0, 1])),
        V,
        [r"CrossEntropyLoss|cross_entropy", r"\(4,\)|4 rows|\b4\b", r"\(5,\)|\b5\b"],
    ),
    "CrossEntropyLoss one-hot rows sum to 2": (
        _loss(nc.CrossEntropyLoss(), LOGITS, np.array([[1.0, 1.0, 0.0]] * 4)),
        V,
        [r"CrossEntropyLoss|cross_entropy", r"sum to 1", r"\b2(\.0*)?\b"],
    ),
    "CrossEntropyLoss negative probabilities": (
        _loss(nc.CrossEntropyLoss(), LOGITS, np.array([[1.5, -0.5, 0.0]] * 4)),
        V,
        [r"CrossEntropyLoss|cross_entropy", r"\[0(\.0)?, 1(\.0)?\]|>= ?0|non-?negative", r"-0\.5"],
    ),
    "CrossEntropyLoss 1-D logits": (
        _loss(nc.CrossEntropyLoss(), np.zeros(3), np.array([1])),
        V,
        [r"CrossEntropyLoss|cross_entropy", r"\(m, (k|n)\)", r"\(3,\)"],
    ),
    "CrossEntropyLoss target shape": (
        _loss(nc.CrossEntropyLoss(), LOGITS, np.ones((4, 2)) / 2),
        V,
        [r"CrossEntropyLoss|cross_entropy", r"\(4, 3\)", r"\(4, 2\)"],
    ),
    "HuberLoss delta <= 0": (lambda: nc.HuberLoss(delta=-1.0), V, [r"HuberLoss", r"-1"]),
    # ---------------- optimizers
    "SGD lr < 0": (lambda: nc.SGD(nc.MLP([2, 1]).parameters(), lr=-1), V, [r"SGD", r"-1"]),
    "Adam beta1 = 1": (
        lambda: nc.Adam(nc.MLP([2, 1]).parameters(), betas=(1.0, 0.999)),
        V,
        [r"Adam", r"1\)|< ?1", r"1\.0"],
    ),
    "RMSprop empty params": (lambda: nc.RMSprop([]), V, [r"RMSprop", r"(?i)empty|non-empty|\[\]"]),
    # ---------------- training and data
    "train epochs=0": (
        lambda: _train(np.ones((10, 2)), np.ones((10, 1)), epochs=0),
        V,
        [r"\btrain\b", r"epochs", r">= ?1|positive", r"\b0\b"],
    ),
    "train row mismatch": (
        lambda: _train(np.ones((10, 2)), np.ones((9, 1)), epochs=1),
        V,
        [r"\btrain\b", r"\b10\b", r"\b9\b"],
    ),
    "train wrong width": (
        lambda: _train(np.ones((10, 3)), np.ones((10, 1)), epochs=1),
        V,
        [r"Dense\.forward|train", r"\(m, 2\)", r"\(10, 3\)"],
    ),
    "one_hot label >= k": (
        lambda: nc.one_hot(np.array([0, 1, 3]), 3),
        V,
        [r"one_hot", r"\[0, 2\]|\[0, 3\)|< ?3", r"\b3\b"],
    ),
    "one_hot negative label": (
        lambda: nc.one_hot(np.array([0, -2]), 3),
        V,
        [r"one_hot", r"\[0, 2\]|\[0, 3\)|>= ?0", r"-2"],
    ),
    "one_hot non-integer": (
        lambda: nc.one_hot(np.array([0.5, 1.0]), 3),
        VT,
        [r"one_hot", r"(?i)int", r"float|0\.5"],
    ),
    "train_test_split test_size": (
        lambda: nc.train_test_split(np.ones((10, 2)), np.ones(10), test_size=1.5),
        V,
        [r"train_test_split", r"1\.5"],
    ),
    "train_test_split row mismatch": (
        lambda: nc.train_test_split(np.ones((10, 2)), np.ones(8), test_size=0.2),
        V,
        [r"train_test_split", r"\b10\b", r"\(8,\)|\b8\b"],
    ),
    "softmax strings": (lambda: nc.softmax(["a", "b"]), VT, [r"softmax", r"number|float|numeric"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_raises_clear_error(name):
    call, exc, patterns = CASES[name]
    with pytest.raises(exc) as excinfo:
        call()
    assert_message(excinfo, *patterns)


def test_there_are_at_least_30_cases():
    assert len(CASES) >= 30


def test_no_broadcasting_in_dense_backward_and_losses():
    """The silent-broadcast traps of the anchors are errors, never results."""
    layer = nc.Dense(3, 3)
    with pytest.raises(ValueError):
        layer.forward(np.ones(3))  # a (3,) vector would broadcast to (3, 3) through b
    with pytest.raises(ValueError):
        nc.MSELoss()(np.ones((5, 1)), np.ones(5))  # would broadcast to (5, 5)
