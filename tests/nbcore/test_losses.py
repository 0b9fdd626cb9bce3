"""Losses: values (PyTorch definitions), gradcheck, kinks, extremes, properties, float32."""

import copy

import numpy as np
import pytest
from _nbcore_util import assert_grad_ok, assert_message, away_from_zero, strict
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nbcore as nc

PROP = settings(max_examples=50, deadline=None, database=None)

HAS_NLL = hasattr(nc, "NLLLoss")


# ---------------------------------------------------------------- reference formulas (NumPy)
def _clog(x):
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), -100.0)


def _lse(Z):
    m = Z.max(axis=1, keepdims=True)
    return m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))


def _onehot(y, k):
    return np.eye(k)[y]


def _huber_ref(p, t, d):
    a = np.abs(p - t)
    return np.mean(np.where(a <= d, 0.5 * a**2, d * (a - 0.5 * d)))


def _focal_ref(p, t, alpha, gamma):
    pt = p * t + (1 - p) * (1 - t)
    at = alpha * t + (1 - alpha) * (1 - t)
    return np.mean(-at * (1 - pt) ** gamma * _clog(pt))


def _huber_residuals(rng, shape, delta):
    """Residuals on both sides of delta but never within 5 % of delta or 0 (the kinks)."""
    mag = np.where(
        rng.random(shape) < 0.5, rng.uniform(0.05, 0.95, shape), rng.uniform(1.05, 3.0, shape)
    )
    return rng.choice([-1.0, 1.0], shape) * mag * delta


def make_case(name, m, k, rng):
    """(loss, pred, target, reference value) for a random, kink-free input of shape (m, k)."""
    s = (m, k)
    if name == "MSELoss":
        p, t = rng.normal(size=s), rng.normal(size=s)
        return nc.MSELoss(), p, t, np.mean((p - t) ** 2)
    if name == "MAELoss":
        p = rng.normal(size=s)
        t = p - away_from_zero(rng.normal(size=s), 0.1)
        return nc.MAELoss(), p, t, np.mean(np.abs(p - t))
    if name.startswith("HuberLoss"):
        d = 1.0 if name == "HuberLoss" else 0.5
        p = rng.normal(size=s)
        t = p - _huber_residuals(rng, s, d)
        return (nc.HuberLoss() if d == 1.0 else nc.HuberLoss(delta=d)), p, t, _huber_ref(p, t, d)
    if name == "RMSELoss":
        p, t = rng.normal(size=s), rng.normal(size=s)
        return nc.RMSELoss(), p, t, np.sqrt(np.mean((p - t) ** 2))
    if name.startswith("BCELoss"):
        p = rng.uniform(0.05, 0.95, s)
        t = rng.uniform(0, 1, s) if name.endswith("soft") else rng.integers(0, 2, s).astype(float)
        return nc.BCELoss(), p, t, -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    if name.startswith("BCEWithLogitsLoss"):
        z = rng.normal(scale=3.0, size=s)
        t = rng.uniform(0, 1, s) if name.endswith("soft") else rng.integers(0, 2, s).astype(float)
        ref = np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z))))
        return nc.BCEWithLogitsLoss(), z, t, ref
    if name.startswith("CrossEntropyLoss"):
        z = rng.normal(scale=2.0, size=s)
        y = rng.integers(0, k, m)
        logp = z - _lse(z)
        if name.endswith("labels"):
            return nc.CrossEntropyLoss(), z, y, -np.mean(logp[np.arange(m), y])
        Y = _onehot(y, k) if name.endswith("onehot") else rng.dirichlet(np.ones(k), m)
        return nc.CrossEntropyLoss(), z, Y, -np.mean(np.sum(Y * logp, axis=1))
    if name.startswith("FocalLoss"):
        alpha, gamma = {"FocalLoss": (0.25, 2.0), "FocalLoss(0.75,1.5)": (0.75, 1.5)}.get(
            name, (0.5, 0.0)
        )
        p = rng.uniform(0.05, 0.95, s)
        t = rng.integers(0, 2, s).astype(float)
        loss = nc.FocalLoss() if name == "FocalLoss" else nc.FocalLoss(alpha=alpha, gamma=gamma)
        return loss, p, t, _focal_ref(p, t, alpha, gamma)
    if name == "NLLLoss":
        z = rng.normal(scale=2.0, size=s)
        logp = z - _lse(z)
        y = rng.integers(0, k, m)
        return nc.NLLLoss(), logp, y, -np.mean(logp[np.arange(m), y])
    raise AssertionError(name)


ELEMENTWISE = [
    "MSELoss",
    "MAELoss",
    "HuberLoss",
    "HuberLoss(0.5)",
    "RMSELoss",
    "BCELoss",
    "BCELoss-soft",
    "BCEWithLogitsLoss",
    "BCEWithLogitsLoss-soft",
    "FocalLoss",
    "FocalLoss(0.75,1.5)",
    "FocalLoss(0.5,0)",
]
CLASSWISE = ["CrossEntropyLoss-labels", "CrossEntropyLoss-onehot", "CrossEntropyLoss-probs"]
CLASSWISE += ["NLLLoss"] if HAS_NLL else []
CASES = [(n, s) for n in ELEMENTWISE for s in [(1, 1), (5, 1), (4, 3)]]
CASES += [(n, s) for n in CLASSWISE for s in [(1, 2), (5, 3), (8, 4)]]
CASE_IDS = [f"{n}-{s[0]}x{s[1]}" for n, s in CASES]


@pytest.mark.parametrize("name, shape", CASES, ids=CASE_IDS)
def test_loss_value_matches_definition(name, shape, rng):
    loss, pred, target, ref = make_case(name, *shape, rng)
    value = loss.forward(pred, target)
    assert isinstance(value, float)
    assert value == pytest.approx(ref, rel=1e-12)
    assert loss(pred, target) == value  # __call__ = forward


@pytest.mark.parametrize("name, shape", CASES, ids=CASE_IDS)
def test_loss_gradcheck(name, shape, rng):
    loss, pred, target, _ = make_case(name, *shape, rng)
    target_before = np.copy(target)
    loss.forward(pred, target)
    grad = loss.backward()
    assert grad.shape == pred.shape
    assert grad.dtype == np.float64
    assert_grad_ok(lambda: loss.forward(pred, target), pred, grad)
    np.testing.assert_array_equal(target, target_before)


FUNCTIONAL = {
    "MSELoss": lambda p, t: nc.mse(p, t),
    "MAELoss": lambda p, t: nc.mae(p, t),
    "HuberLoss": lambda p, t: nc.huber(p, t),
    "HuberLoss(0.5)": lambda p, t: nc.huber(p, t, delta=0.5),
    "RMSELoss": lambda p, t: nc.rmse(p, t),
    "BCELoss": lambda p, t: nc.binary_cross_entropy(p, t),
    "BCEWithLogitsLoss": lambda p, t: nc.binary_cross_entropy_with_logits(p, t),
    "CrossEntropyLoss-labels": lambda p, t: nc.cross_entropy(p, t),
    "CrossEntropyLoss-probs": lambda p, t: nc.cross_entropy(p, t),
    "FocalLoss": lambda p, t: nc.focal_loss(p, t),
    "FocalLoss(0.75,1.5)": lambda p, t: nc.focal_loss(p, t, alpha=0.75, gamma=1.5),
}


@pytest.mark.parametrize("name", list(FUNCTIONAL))
def test_functional_forms_agree_with_classes(name, rng):
    k = 3 if name.startswith("Cross") else 2
    loss, pred, target, ref = make_case(name, 4, k, rng)
    assert FUNCTIONAL[name](pred, target) == pytest.approx(loss(pred, target), rel=1e-15)


# ---------------------------------------------------------------- hand-computed values
PRED = np.array([[1.0, 2.0], [3.0, 4.0]])
ONES = np.ones((2, 2))


def test_regression_losses_by_hand():
    # residuals r = 0, 1, 2, 3 over N = 4 elements
    mse = nc.MSELoss()
    assert mse(PRED, ONES) == 3.5  # (0 + 1 + 4 + 9) / 4
    np.testing.assert_allclose(mse.backward(), [[0, 0.5], [1, 1.5]], rtol=1e-15)  # 2 r / N
    mae = nc.MAELoss()
    assert mae(PRED, ONES) == 1.5  # (0 + 1 + 2 + 3) / 4
    np.testing.assert_allclose(mae.backward(), [[0, 0.25], [0.25, 0.25]], rtol=1e-15)
    huber = nc.HuberLoss()
    # delta = 1: 0.5*0^2 = 0; r = 1 -> 0.5; r = 2 -> 1*(2 - 0.5) = 1.5; r = 3 -> 2.5; mean 1.125
    assert huber(PRED, ONES) == 1.125
    np.testing.assert_allclose(huber.backward(), [[0, 0.25], [0.25, 0.25]], rtol=1e-15)
    rmse = nc.RMSELoss()
    assert rmse(PRED, ONES) == pytest.approx(1.8708286933869707, rel=1e-15)  # sqrt(3.5)
    # r / (N J)
    np.testing.assert_allclose(
        rmse.backward(), np.array([[0, 1], [2, 3]]) / (4 * 1.8708286933869707), rtol=1e-14
    )


def test_classification_losses_by_hand():
    # BCE: (-log 0.8 - log 0.6) / 2
    p, t = np.array([[0.8], [0.4]]), np.array([[1.0], [0.0]])
    assert nc.BCELoss()(p, t) == pytest.approx(0.3669845875401002, rel=1e-14)
    # BCE with logits: z = 0, y = 1 -> log 2; z = 2, y = 0 -> 2 + log(1 + e^-2); mean
    z = np.array([[0.0], [2.0]])
    assert nc.BCEWithLogitsLoss()(z, t) == pytest.approx(1.410037595801459, rel=1e-14)
    # CE: row [0,0,0] label 0 -> log 3 = 1.0986122886681098;
    #     row [1,2,3] label 2 -> log(e + e^2 + e^3) - 3 = 0.40760596444438013; mean
    Z = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    ce = nc.CrossEntropyLoss()
    assert ce(Z, np.array([0, 2])) == pytest.approx(0.753109126556245, rel=1e-14)
    expected = (nc.softmax(Z) - np.array([[1, 0, 0], [0, 0, 1]])) / 2  # (softmax - Y) / m
    np.testing.assert_allclose(ce.backward(), expected, rtol=1e-14)
    # Focal (alpha 0.25, gamma 2): p = 0.8, y = 1 -> -0.25 * 0.2^2 * log 0.8 = 0.0022314355131420973
    #                               p = 0.8, y = 0 -> -0.75 * 0.8^2 * log 0.2 = 0.7725301979683683
    p, t = np.array([[0.8], [0.8]]), np.array([[1.0], [0.0]])
    assert nc.FocalLoss()(p, t) == pytest.approx(0.3873808167407552, rel=1e-14)


def test_focal_gamma_zero_is_weighted_bce(rng):
    p = rng.uniform(0.05, 0.95, (6, 1))
    t = rng.integers(0, 2, (6, 1)).astype(float)
    # alpha = 0.5, gamma = 0: focal = 0.5 * BCE
    assert nc.FocalLoss(alpha=0.5, gamma=0.0)(p, t) == pytest.approx(0.5 * nc.BCELoss()(p, t))


def test_cross_entropy_labels_equal_one_hot(rng):
    Z = rng.normal(size=(6, 4))
    y = rng.integers(0, 4, 6)
    a, b = nc.CrossEntropyLoss(), nc.CrossEntropyLoss()
    assert a(Z, y) == pytest.approx(b(Z, np.eye(4)[y]), rel=1e-14)
    np.testing.assert_allclose(a.backward(), b.backward(), rtol=1e-14)


# ---------------------------------------------------------------- kinks
def test_mae_gradient_is_zero_at_zero_residual():
    loss = nc.MAELoss()
    assert loss(np.array([[1.0, 2.0]]), np.array([[1.0, 3.0]])) == 0.5
    np.testing.assert_array_equal(loss.backward(), [[0.0, -0.5]])  # sign(0) = 0, sign(-1)/2
    loss(np.array([[2.0]]), np.array([[2.0]]))
    np.testing.assert_array_equal(loss.backward(), [[0.0]])


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_huber_continuous_at_delta(delta, sign):
    loss = nc.HuberLoss(delta=delta)
    h = 1e-9
    zero = np.zeros((1, 1))
    for r in (delta - h, delta, delta + h):
        # both pieces equal delta^2 / 2 at |r| = delta, with slope delta
        assert loss(np.array([[sign * r]]), zero) == pytest.approx(0.5 * delta**2, abs=1e-8)
        assert loss.backward()[0, 0] == pytest.approx(sign * delta, abs=1e-8)
    loss(zero, zero)
    assert loss.backward()[0, 0] == 0.0


def test_rmse_at_perfect_prediction_is_zero_and_finite(rng):
    t = rng.normal(size=(3, 2))
    loss = nc.RMSELoss()
    with strict():
        assert loss(t.copy(), t) == 0.0
        g = loss.backward()
    assert np.all(np.isfinite(g))


# ---------------------------------------------------------------- extreme inputs
def test_bce_with_probabilities_exactly_zero_and_one():
    p = np.array([[0.0], [1.0], [0.0], [1.0]])
    t = np.array([[0.0], [1.0], [1.0], [0.0]])
    loss = nc.BCELoss()
    with strict():
        value = loss(p, t)
        g = loss.backward()
    # per element: 0, 0, -max(log 0, -100) = 100, 100 -> mean 50
    assert value == 50.0
    assert np.all(np.isfinite(g))
    assert g[2, 0] <= 0  # p = 0 but y = 1: raising p lowers the loss
    assert g[3, 0] >= 0
    with strict():
        assert loss(np.array([[1e-300]]), np.array([[1.0]])) == 100.0  # log clamped at -100
        assert np.all(np.isfinite(loss.backward()))
        assert loss(np.array([[1.0]]), np.array([[1.0]])) == 0.0


@pytest.mark.parametrize(
    "z, y, expected",
    [
        (1e4, 1.0, 0.0),
        (-1e4, 0.0, 0.0),
        (-1e4, 1.0, 1e4),
        (1e4, 0.0, 1e4),
        (1e300, 1.0, 0.0),
        (-1e300, 0.0, 0.0),
        (1e300, 0.0, 1e300),
        (np.inf, 1.0, 0.0),
        (-np.inf, 0.0, 0.0),
    ],
    ids=str,
)
def test_bce_with_logits_extremes(z, y, expected):
    loss = nc.BCEWithLogitsLoss()
    with strict():
        value = loss(np.array([[z]]), np.array([[y]]))
        g = loss.backward()
    assert value == pytest.approx(expected, rel=1e-14, abs=1e-300)
    # d/dz = sigmoid(z) - y, exactly 0 or +-1 here
    np.testing.assert_array_equal(g, [[(1.0 if z > 0 else 0.0) - y]])


@pytest.mark.parametrize(
    "z, label, expected, grad",
    [
        ([1e4, 0.0, -1e4], 0, 0.0, [0, 0, 0]),
        ([1e4, 0.0, -1e4], 1, 1e4, [1, -1, 0]),
        ([1e4, 0.0, -1e4], 2, 2e4, [1, 0, -1]),
        ([1e300, 0.0], 1, 1e300, [1, -1]),
        ([1e300, -1e300], 0, 0.0, [0, 0]),
        ([np.inf, 0.0, -np.inf], 0, 0.0, [0, 0, 0]),
        ([-np.inf, 0.0, 0.0], 1, np.log(2), [0, -0.5, 0.5]),
    ],
    ids=str,
)
def test_cross_entropy_extremes(z, label, expected, grad):
    Z = np.array([z])
    for target in (np.array([label]), np.eye(len(z))[[label]]):
        loss = nc.CrossEntropyLoss()
        with strict():
            value = loss(Z, target)
            g = loss.backward()
        assert value == pytest.approx(expected, rel=1e-14, abs=1e-300)
        np.testing.assert_allclose(g, [grad], rtol=1e-14, atol=1e-300)


# ---------------------------------------------------------------- properties (hypothesis)
@PROP
@given(data=st.data())
def test_losses_nonnegative_and_zero_at_perfect_prediction(data):
    m = data.draw(st.integers(1, 5), label="m")
    k = data.draw(st.integers(1, 4), label="k")
    values = st.floats(-1e3, 1e3)
    pred = data.draw(hnp.arrays(np.float64, (m, k), elements=values), label="pred")
    target = data.draw(hnp.arrays(np.float64, (m, k), elements=values), label="target")
    probs = data.draw(hnp.arrays(np.float64, (m, k), elements=st.floats(0, 1)), label="probs")
    soft = data.draw(hnp.arrays(np.float64, (m, k), elements=st.floats(0, 1)), label="soft")
    bits = data.draw(hnp.arrays(np.int64, (m, k), elements=st.integers(0, 1))).astype(float)
    with strict():
        for loss in (nc.MSELoss(), nc.MAELoss(), nc.HuberLoss(), nc.HuberLoss(0.3), nc.RMSELoss()):
            assert loss(pred, target) >= 0
            assert loss(target.copy(), target) == 0
        assert nc.BCELoss()(probs, soft) >= 0
        for loss in (nc.BCELoss(), nc.FocalLoss(), nc.FocalLoss(alpha=0.6, gamma=1.0)):
            assert loss(probs, bits) >= 0
            assert loss(bits.copy(), bits) == 0
        assert nc.BCEWithLogitsLoss()(pred, soft) >= 0
        if k >= 2:
            y = data.draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, k - 1)), label="y")
            rows = soft + 1e-3
            rows /= rows.sum(axis=1, keepdims=True)
            assert nc.CrossEntropyLoss()(pred, y) >= 0
            assert nc.CrossEntropyLoss()(pred, np.eye(k)[y]) >= 0
            assert nc.CrossEntropyLoss()(pred, rows) >= 0


# ---------------------------------------------------------------- float32
F32_CASES = ELEMENTWISE + CLASSWISE


@pytest.mark.parametrize("target_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", F32_CASES)
def test_losses_keep_float32(name, target_dtype, rng):
    """float32 pred -> float32 gradient (whatever the target's float dtype), close to float64."""
    k = 3 if name in CLASSWISE else 2
    loss, pred, target, _ = make_case(name, 5, k, rng)
    loss64 = copy.deepcopy(loss)
    pred32 = pred.astype(np.float32)
    target = np.asarray(target)
    if target.dtype.kind == "f":
        target = target.astype(target_dtype)
    value = loss(pred32, target)
    assert np.isfinite(value)
    g = loss.backward()
    assert g.dtype == np.float32
    assert g.shape == pred.shape
    loss64(pred32.astype(np.float64), target)
    np.testing.assert_allclose(g, loss64.backward(), rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------- FocalLoss = torchvision's formula
def test_focal_soft_target_matches_torchvision_formula():
    """p = 0.7, y = 0.3, alpha = 0.25, gamma = 2: p_t = 0.42, alpha_t = 0.6,
    BCE = -(0.3 ln 0.7 + 0.7 ln 0.3) = 0.9497..., loss = 0.6 * 0.58^2 * BCE = 0.1917."""
    bce = -(0.3 * np.log(0.7) + 0.7 * np.log(0.3))
    value = nc.FocalLoss()(np.array([[0.7]]), np.array([[0.3]]))
    assert value == pytest.approx(0.6 * 0.58**2 * bce, rel=1e-14)
    assert round(value, 4) == 0.1917


def test_focal_with_no_alpha_and_gamma_zero_is_bce_for_soft_targets(rng):
    p = rng.uniform(0.05, 0.95, (6, 2))
    y = rng.uniform(0, 1, (6, 2))
    focal, bce = nc.FocalLoss(alpha=None, gamma=0.0), nc.BCELoss()
    assert focal(p, y) == pytest.approx(bce(p, y), rel=1e-14)
    np.testing.assert_allclose(focal.backward(), bce.backward(), rtol=1e-14)
    # with a number alpha it is BCE weighted by alpha_t, not BCE
    a = nc.FocalLoss(alpha=0.25, gamma=0.0)(p, y)
    alpha_t = 0.25 * y + 0.75 * (1 - y)
    ref = np.mean(alpha_t * -(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert a == pytest.approx(ref, rel=1e-14) and a != pytest.approx(bce(p, y), rel=1e-3)


@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (None, 0.5), (0.6, 1.0)])
def test_focal_soft_target_gradcheck(alpha, gamma, rng):
    p = rng.uniform(0.05, 0.95, (5, 2))
    y = rng.uniform(0, 1, (5, 2))
    loss = nc.FocalLoss(alpha=alpha, gamma=gamma)
    loss(p, y)
    assert_grad_ok(lambda: loss.forward(p, y), p, loss.backward())


# ---------------------------------------------------------------- backward: a fresh array
ALL_LOSSES = ELEMENTWISE + CLASSWISE


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_backward_returns_a_fresh_array(name, rng):
    k = 3 if name in CLASSWISE else 2
    loss, pred, target, _ = make_case(name, 4, k, rng)
    loss(pred, target)
    g = loss.backward()
    saved = g.copy()
    g[...] = 123.0  # the reader edits the result ...
    again = loss.backward()
    np.testing.assert_array_equal(again, saved)  # ... and the loss is not affected
    assert again is not g and not np.shares_memory(again, g)
    assert not np.shares_memory(again, pred) and not np.shares_memory(again, np.asarray(target))


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_backward_after_a_failed_forward_raises(name, rng):
    k = 3 if name in CLASSWISE else 2
    loss, pred, target, _ = make_case(name, 4, k, rng)
    with pytest.raises(ValueError, match=r"backward.*expected"):
        loss.backward()  # before any forward
    loss(pred, target)
    loss.backward()
    with pytest.raises((ValueError, TypeError)):
        loss(pred[:2], target)  # wrong shape: refused
    with pytest.raises(ValueError, match=rf"{type(loss).__name__}\.backward.*expected"):
        loss.backward()  # no stale gradient from the batch before


# ---------------------------------------------------------------- targets and casts
@pytest.mark.parametrize("cls", ["CrossEntropyLoss", "NLLLoss"])
@pytest.mark.parametrize(
    "labels, given",
    [
        ([0.0, 1e20], r"values from 0 to 1e\+20"),
        ([0.0, -1.0], "values from -1 to 0"),
        ([0.0, np.nan], "1 NaN"),
        ([0.0, np.inf], "values from 0 to inf"),
        ([0.5, 1.0], "not whole numbers, such as 0.5"),
        ([0.0, 3.0], "values from 0 to 3"),
    ],
    ids=str,
)
def test_float_labels_checked_before_the_cast(cls, labels, given):
    pred = nc.log_softmax(np.zeros((2, 3)))
    with strict(), pytest.raises(ValueError) as excinfo:
        getattr(nc, cls)()(pred, np.array(labels))
    assert_message(excinfo, rf"^{cls}\.forward:", "expected target as integer class labels", given)


def test_whole_float_labels_are_accepted(rng):
    Z = rng.normal(size=(3, 4))
    y = np.array([0, 3, 1])
    assert nc.cross_entropy(Z, y.astype(float)) == nc.cross_entropy(Z, y)
    assert nc.nll_loss(nc.log_softmax(Z), y.astype(np.float32)) == nc.nll_loss(nc.log_softmax(Z), y)


@pytest.mark.parametrize(
    "name", ["MSELoss", "MAELoss", "HuberLoss", "RMSELoss", "BCEWithLogitsLoss"]
)
def test_float64_target_beyond_float32_is_refused_not_cast_to_inf(name):
    pred = np.zeros((2, 1), dtype=np.float32)
    target = np.array([[1e300], [0.0]])
    with strict(), pytest.raises(ValueError) as excinfo:
        getattr(nc, name)()(pred, target)
    if name == "BCEWithLogitsLoss":  # its target must lie in [0, 1]: that check comes first
        assert_message(excinfo, rf"^{name}\.forward:", r"target in \[0, 1\]", "1e\\+300")
    else:
        assert_message(excinfo, rf"^{name}\.forward:", "float32", "1e\\+300")


def test_float64_target_cast_to_float32_when_it_fits():
    loss = nc.MSELoss()
    assert loss(np.zeros((1, 2), dtype=np.float32), np.array([[np.inf, 3e38]])) == np.inf
    assert loss.backward().dtype == np.float32


@pytest.mark.parametrize("cls", ["CrossEntropyLoss", "NLLLoss"])
def test_ragged_target_is_refused_clearly(cls):
    with pytest.raises(TypeError) as excinfo:
        getattr(nc, cls)()(nc.log_softmax(np.zeros((2, 3))), [[1.0, 2.0], [3.0]])
    assert_message(excinfo, rf"^{cls}\.forward:", "expected target", "got")


@pytest.mark.parametrize("cls", ["CrossEntropyLoss", "NLLLoss"])
@pytest.mark.parametrize(
    "target, given",
    [("abc", r"\(str\)"), ({"a": 1}, r"\(dict\)"), (nc.Dense, r"\(type\)"), (b"ab", r"\(bytes\)")],
    ids=str,
)
def test_non_array_target_is_a_type_error_not_shape_empty(cls, target, given):
    with pytest.raises(TypeError) as excinfo:
        getattr(nc, cls)()(nc.log_softmax(np.zeros((4, 3))), target)
    assert_message(excinfo, rf"^{cls}\.forward:", "expected target as an array of numbers", given)


def test_nll_refuses_infinite_log_probabilities():
    with pytest.raises(ValueError, match=r"NLLLoss\.forward: expected pred .* finite.*got 1"):
        nc.NLLLoss()(np.array([[0.0, -np.inf]]), np.array([0]))


# ---------------------------------------------------------------- bad inputs, every loss
def _loss_and_valid(name):
    rng = np.random.default_rng(0)
    k = 3 if name in CLASSWISE else 2
    return make_case(name, 4, k, rng)[:3]


BAD_PRED = {
    "bool": (lambda p: p > 0, TypeError, "dtype bool"),
    "float16": (lambda p: p.astype(np.float16), TypeError, "dtype float16"),
    "complex": (lambda p: p.astype(complex), TypeError, "complex"),
    "object": (lambda p: p.astype(object), TypeError, "object"),
    "str": (lambda p: p.astype(str), TypeError, "<U"),
    "None": (lambda p: None, TypeError, "None"),
    "NaN": (
        lambda p: np.where(np.arange(p.size).reshape(p.shape) == 0, np.nan, p),
        ValueError,
        "NaN",
    ),
    "empty": (lambda p: p[:0], ValueError, r"non-empty|\(0, "),
    "one sample as 1-D": (lambda p: p[0], ValueError, r"\(\d,\)"),
    "transposed": (lambda p: p.T.copy(), ValueError, r"\(\d, \d\)"),
}


@pytest.mark.parametrize("bad", list(BAD_PRED))
@pytest.mark.parametrize("name", ALL_LOSSES)
def test_every_loss_refuses_bad_pred(name, bad):
    loss, pred, target = _loss_and_valid(name)
    make_bad, exc, given = BAD_PRED[bad]
    value = make_bad(pred)
    if bad == "transposed" and np.shape(value) == np.shape(pred):
        pytest.skip("a square pred: transposing it keeps its shape")
    with strict(), pytest.raises(exc) as excinfo:
        loss(value, target)
    assert_message(excinfo, rf"^{type(loss).__name__}\.forward:", "expected", "got", given)


BAD_TARGET = {
    "complex": (lambda t: np.asarray(t).astype(complex), TypeError, "complex"),
    "str": (lambda t: np.asarray(t).astype(str), TypeError, "<U"),
    "None": (lambda t: None, TypeError, "None"),
    "NaN": (lambda t: np.full(np.shape(t), np.nan), (ValueError, TypeError), "NaN|float64"),
    "wrong shape": (lambda t: np.asarray(t)[:2], ValueError, r"\(2"),
}


@pytest.mark.parametrize("bad", list(BAD_TARGET))
@pytest.mark.parametrize("name", ALL_LOSSES)
def test_every_loss_refuses_bad_target(name, bad):
    loss, pred, target = _loss_and_valid(name)
    make_bad, exc, given = BAD_TARGET[bad]
    with strict(), pytest.raises(exc) as excinfo:
        loss(pred, make_bad(target))
    assert_message(excinfo, rf"^{type(loss).__name__}\.forward:", "expected", "got", given)


BAD_HYPER_PARAMETERS = [
    (lambda: nc.HuberLoss(delta=np.inf), ValueError, r"HuberLoss: expected a finite delta"),
    (lambda: nc.HuberLoss(delta=0), ValueError, r"HuberLoss: expected delta > 0, got 0"),
    (lambda: nc.HuberLoss(delta="1"), TypeError, r"HuberLoss: expected delta .*got '1'"),
    (lambda: nc.FocalLoss(gamma=np.inf), ValueError, r"FocalLoss: expected a finite gamma"),
    (lambda: nc.FocalLoss(gamma=-1), ValueError, r"FocalLoss: expected gamma >= 0, got -1"),
    (lambda: nc.FocalLoss(alpha=1.5), ValueError, r"FocalLoss: expected alpha in \[0, 1\]"),
    (lambda: nc.FocalLoss(alpha=True), TypeError, r"FocalLoss: expected alpha .*got True"),
]


# Ids from the patterns: the same in every process (pytest-xdist compares them), unlike a
# lambda's repr, which holds its address.
@pytest.mark.parametrize(
    "make, exc, pattern", BAD_HYPER_PARAMETERS, ids=[p for _, _, p in BAD_HYPER_PARAMETERS]
)
def test_bad_hyper_parameters_refused(make, exc, pattern):
    with pytest.raises(exc, match=pattern):
        make()


def test_lean_forward_equals_checked_forward(rng):
    """``_forward`` (what ``train`` calls after its first epoch) gives the same numbers."""
    for name in ALL_LOSSES:
        k = 3 if name in CLASSWISE else 2
        loss, pred, target, _ = make_case(name, 5, k, rng)
        checked = loss.forward(pred, target)
        g = loss.backward()
        target = np.asarray(target)
        assert loss._forward(pred, target) == checked
        np.testing.assert_array_equal(loss.backward(), g)
