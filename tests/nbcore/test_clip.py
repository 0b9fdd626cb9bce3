"""Gradient clipping: hand examples and bad input (the PyTorch comparison is in
test_torch_optim.py)."""

import math

import numpy as np
import pytest
from _nbcore_util import assert_message

import nbcore as nc


def _params(*grads, dtype=np.float64):
    ps = [nc.Parameter(np.zeros(np.shape(g), dtype=dtype)) for g in grads]
    for p, g in zip(ps, grads, strict=True):
        p.grad[...] = g
    return ps


def test_clip_grad_norm_by_hand():
    # gradients (3, 4) and (12,): total norm sqrt(9 + 16 + 144) = 13; max_norm 6.5 gives
    # c = 6.5 / (13 + 1e-6), so the gradients become about (1.5, 2) and (6,)
    a, b = _params([3.0, 4.0], [12.0])
    total = nc.clip_grad_norm_([a, b], max_norm=6.5)
    assert total == 13.0
    c = 6.5 / (13 + 1e-6)
    np.testing.assert_allclose(a.grad, [3 * c, 4 * c], rtol=1e-15)
    np.testing.assert_allclose(b.grad, [12 * c], rtol=1e-15)


def test_a_short_gradient_is_left_unchanged():
    (a,) = _params([0.3, -0.4])
    grad = a.grad
    assert nc.clip_grad_norm_(a, max_norm=1.0) == pytest.approx(0.5, rel=1e-15)
    assert a.grad is grad  # in place
    np.testing.assert_array_equal(a.grad, [0.3, -0.4])


def test_inf_and_one_norms():
    a, b = _params([3.0, -4.0], [1.0])
    assert nc.clip_grad_norm_([a, b], max_norm=100, norm_type=math.inf) == 4.0
    assert nc.clip_grad_norm_([a, b], max_norm=100, norm_type=1) == 8.0
    assert nc.clip_grad_norm_([a, b], max_norm=100, norm_type="inf") == 4.0


def test_float32_stays_float32():
    (a,) = _params([30.0, 40.0], dtype=np.float32)
    total = nc.clip_grad_norm_([a], max_norm=5.0)
    assert total == 50.0 and a.grad.dtype == np.float32
    np.testing.assert_allclose(a.grad, [3.0, 4.0], rtol=1e-6)


def test_non_finite_norm():
    (a,) = _params([np.inf, 1.0])
    with pytest.raises(ValueError, match=r"clip_grad_norm_: the total norm .* is inf"):
        nc.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(a.grad, [np.inf, 1.0])  # nothing changed
    assert nc.clip_grad_norm_([], 1.0) == 0.0


def test_clip_grad_value_by_hand():
    a, b = _params([[-3.0, 0.2], [0.5, 7.0]], [np.nan])
    assert nc.clip_grad_value_([a, b], 0.5) is None
    np.testing.assert_array_equal(a.grad, [[-0.5, 0.2], [0.5, 0.5]])
    assert np.isnan(b.grad[0])  # NaN stays NaN, as in PyTorch


P = nc.Parameter(np.zeros(2))
BAD = [
    (
        lambda: nc.clip_grad_norm_(None, 1.0),
        TypeError,
        r"clip_grad_norm_: expected Parameters.*None",
    ),
    (
        lambda: nc.clip_grad_norm_(nc.MLP([2, 1]), 1.0),
        TypeError,
        r"clip_grad_norm_.*model\.parameters",
    ),
    (
        lambda: nc.clip_grad_norm_([P, 3], 1.0),
        TypeError,
        r"clip_grad_norm_.*got 3 \(int\) at position 1",
    ),
    (
        lambda: nc.clip_grad_norm_([P], -1.0),
        ValueError,
        r"clip_grad_norm_: expected max_norm >= 0.*-1",
    ),
    (lambda: nc.clip_grad_norm_([P], "1"), TypeError, r"clip_grad_norm_.*max_norm.*'1'"),
    (lambda: nc.clip_grad_norm_([P], 1.0, norm_type=0), ValueError, r"norm_type > 0.*0"),
    (lambda: nc.clip_grad_norm_([P], 1.0, norm_type="l2"), TypeError, r"norm_type.*'l2'"),
    (lambda: nc.clip_grad_norm_([P], 1.0, error_if_nonfinite="yes"), TypeError, r"True or False"),
    (
        lambda: nc.clip_grad_value_([P], -0.5),
        ValueError,
        r"clip_grad_value_: expected clip_value >= 0",
    ),
    (lambda: nc.clip_grad_value_(5, 0.5), TypeError, r"clip_grad_value_: expected Parameters.*5"),
]


@pytest.mark.parametrize("call, kind, pattern", BAD)
def test_bad_input_is_refused_clearly(call, kind, pattern):
    with pytest.raises(kind) as excinfo:
        call()
    assert_message(excinfo, pattern)
