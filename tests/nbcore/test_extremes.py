"""Extreme inputs (issue 22): every activation and loss, and their layers' forward/backward, at
±1e4, ±1e300 (float64) or ±3e38 (float32) and ±inf where a limit exists, in float64 and float32.

Every call runs with warnings as errors and NumPy's floating-point errors raised (``strict``), and
every answer is compared with an independent reference: Python's ``math`` (the C library) or
80-bit ``np.longdouble`` arithmetic, whose exponent range holds 1e600, and closed forms for the
limits. An answer beyond the dtype's range must be ±inf (its correctly rounded value), never NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _nbcore_util import strict

import nbcore as nc

LD = np.longdouble
if np.finfo(LD).maxexp < 16384:  # pragma: no cover - 80-bit long double on x86-64 Linux
    pytest.skip("needs an 80-bit long double for the references", allow_module_level=True)

INF = math.inf
BIG = {np.float64: 1e300, np.float32: 3e38}
DTYPES = [np.float64, np.float32]
DT_IDS = ["float64", "float32"]
RTOL = {np.float64: 1e-13, np.float32: 2e-6}


def extremes(dtype):
    """The inputs: ±inf, ±BIG, ±1e4, ±1, 0 (as Python floats exactly representable in dtype)."""
    B = BIG[dtype]
    return [float(dtype(v)) for v in (-INF, -B, -1e4, -1.0, 0.0, 1.0, 1e4, B, INF)]


def close(actual, expected, dtype, rtol=None):
    """Equal where the reference is infinite or 0, else within ``rtol``; never NaN."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert not np.isnan(actual).any(), actual
    np.testing.assert_allclose(actual, expected, rtol=rtol or RTOL[dtype], atol=1e-300)


def _ld(f, z):
    """f on a long double, with the reference's own overflows silenced (it is not under test)."""
    with np.errstate(all="ignore"):
        return float(f(LD(z)))


# ------------------------------------------------------------------ references for activations
def ref_sigmoid(z):
    if abs(z) > 2000:  # e^-2000 is far below float64's smallest number: the limits
        return 1.0 if z > 0 else 0.0
    return _ld(lambda x: 1 / (1 + np.exp(-x)), z)


def ref_sigmoid_grad(z):
    if abs(z) > 2000:
        return 0.0
    return _ld(lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, z)


def ref_tanh_grad(z):
    return _ld(lambda x: 1 - np.tanh(x) ** 2, z)


def ref_softplus(z):
    if z > 11000:  # log(1 + e^z) = z + log(1 + e^-z) = z to the last bit
        return z
    if z < -11000:
        return 0.0
    return _ld(lambda x: np.log1p(np.exp(x)), z)


def ref_phi_cdf(z):  # the standard normal distribution function, from the C library's erfc
    return 0.5 * math.erfc(-z / math.sqrt(2))


def ref_gelu(z):
    if math.isinf(z):
        return z if z > 0 else 0.0
    return z * ref_phi_cdf(z)


def ref_gelu_grad(z):
    if math.isinf(z) or abs(z) > 1e150:
        return 1.0 if z > 0 else 0.0
    return ref_phi_cdf(z) + z * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


GELU_C = math.sqrt(2 / math.pi)


def ref_gelu_tanh(z):
    if abs(z) > 1e6:  # tanh(c (z + 0.044715 z^3)) = ±1 exactly
        return z if z > 0 else 0.0
    return _ld(lambda x: 0.5 * x * (1 + np.tanh(LD(GELU_C) * (x + LD(0.044715) * x**3))), z)


def ref_gelu_tanh_grad(z):
    if abs(z) > 1e6:
        return 1.0 if z > 0 else 0.0

    def f(x):
        t = np.tanh(LD(GELU_C) * (x + LD(0.044715) * x**3))
        du = LD(GELU_C) * (1 + 3 * LD(0.044715) * x * x)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du

    return _ld(f, z)


def leaky(alpha):
    return lambda z: z if z > 0 else (0.0 if alpha == 0 else alpha * z)


ACTIVATIONS = {
    # name: (nbcore function, reference on one Python float)
    "step": (nc.step, lambda z: 1.0 if z > 0 else 0.0),
    "identity": (nc.identity, lambda z: z),
    "sigmoid": (nc.sigmoid, ref_sigmoid),
    "sigmoid_grad": (nc.sigmoid_grad, ref_sigmoid_grad),
    "tanh": (nc.tanh, math.tanh),
    "tanh_grad": (nc.tanh_grad, ref_tanh_grad),
    "relu": (nc.relu, lambda z: max(z, 0.0)),
    "relu_grad": (nc.relu_grad, lambda z: 1.0 if z > 0 else 0.0),
    "leaky_relu": (nc.leaky_relu, leaky(0.01)),
    "leaky_relu(alpha=0)": (lambda z: nc.leaky_relu(z, alpha=0), leaky(0.0)),
    "leaky_relu(alpha=0.2)": (lambda z: nc.leaky_relu(z, alpha=0.2), leaky(0.2)),
    "leaky_relu_grad": (nc.leaky_relu_grad, lambda z: 1.0 if z > 0 else 0.01),
    "leaky_relu_grad(alpha=0)": (
        lambda z: nc.leaky_relu_grad(z, alpha=0),
        lambda z: 1.0 if z > 0 else 0.0,
    ),
    "softplus": (nc.softplus, ref_softplus),
    "softplus_grad": (nc.softplus_grad, ref_sigmoid),
    "gelu": (nc.gelu, ref_gelu),
    "gelu_grad": (nc.gelu_grad, ref_gelu_grad),
    "gelu(tanh)": (lambda z: nc.gelu(z, approximate="tanh"), ref_gelu_tanh),
    "gelu_grad(tanh)": (lambda z: nc.gelu_grad(z, approximate="tanh"), ref_gelu_tanh_grad),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_at_extremes(name, dtype):
    f, ref = ACTIVATIONS[name]
    values = extremes(dtype)
    z = np.array(values, dtype=dtype)
    with strict():
        out = f(z)
        outs_0d = [f(np.array(v, dtype=dtype)) for v in values]  # one at a time, 0-d
    assert out.dtype == dtype and out.shape == z.shape
    # the reference, rounded to dtype (a value beyond dtype's range rounds to ±inf)
    with np.errstate(over="ignore"):
        expected = np.array([ref(v) for v in values]).astype(dtype)
    close(out, expected, dtype)
    close(outs_0d, expected, dtype)


LAYERS = {
    # layer, its g, its g'
    "Identity": (nc.Identity, lambda z: z, lambda z: 1.0),
    "Step": (nc.Step, ACTIVATIONS["step"][1], lambda z: 0.0),
    "Sigmoid": (nc.Sigmoid, ref_sigmoid, ref_sigmoid_grad),
    "Tanh": (nc.Tanh, math.tanh, ref_tanh_grad),
    "ReLU": (nc.ReLU, lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    "LeakyReLU": (nc.LeakyReLU, leaky(0.01), lambda z: 1.0 if z > 0 else 0.01),
    "LeakyReLU(0)": (lambda: nc.LeakyReLU(0), leaky(0.0), lambda z: 1.0 if z > 0 else 0.0),
    "Softplus": (nc.Softplus, ref_softplus, ref_sigmoid),
    "GELU": (nc.GELU, ref_gelu, ref_gelu_grad),
    "GELU(tanh)": (lambda: nc.GELU(approximate="tanh"), ref_gelu_tanh, ref_gelu_tanh_grad),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", list(LAYERS))
def test_activation_layer_at_extremes(name, dtype):
    """forward gives g(Z), backward with dA = 1 gives g'(Z): the same limits as the functions."""
    make, g, g_prime = LAYERS[name]
    values = extremes(dtype)
    Z = np.array([values], dtype=dtype)
    layer = make()
    with strict():
        A = np.array(layer.forward(Z))  # a copy: the output may be read-only
        dZ = layer.backward(np.ones_like(Z))
    with np.errstate(over="ignore"):
        close(A, np.array([[g(v) for v in values]]).astype(dtype), dtype)
        close(dZ, np.array([[g_prime(v) for v in values]]).astype(dtype), dtype)
    assert A.dtype == dZ.dtype == dtype


# ------------------------------------------------------------------ softmax family
LN2 = math.log(2)


def softmax_rows(B):
    """Rows of two logits with their softmax, log_softmax and logsumexp in closed form."""
    return [
        ([B, -B], [1, 0], [0, -2 * B], B),
        ([B, B], [0.5, 0.5], [-LN2, -LN2], B + LN2),
        ([-B, -B], [0.5, 0.5], [-LN2, -LN2], -B + LN2),
        ([B, 0.0], [1, 0], [0, -B], B),
        ([0.0, -B], [1, 0], [0, -B], 0.0),
        ([1e4, -1e4], [1, 0], [0, -2e4], 1e4),
        ([1e4, 1e4 + 1], [1 / (1 + math.e), math.e / (1 + math.e)], None, 1e4 + 1 + 0.31326),
        ([INF, 0.0], [1, 0], [0, -INF], INF),
        ([-INF, 0.0], [0, 1], [-INF, 0], 0.0),
        ([INF, -INF], [1, 0], [0, -INF], INF),
        ([INF, INF], [0.5, 0.5], [-LN2, -LN2], INF),
        ([-INF, -INF], [0.5, 0.5], [-LN2, -LN2], -INF),
        ([INF, B], [1, 0], [0, -INF], INF),
    ]


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_softmax_family_at_extremes(dtype):
    for z, p, logp, lse in softmax_rows(BIG[dtype]):
        Z = np.array([z, z], dtype=dtype)  # a batch of two equal rows
        with strict():
            P, logP, L = nc.softmax(Z), nc.log_softmax(Z), nc.logsumexp(Z)
            P0 = nc.softmax(Z.T, axis=0)  # the same along axis 0
            layer = nc.Softmax()
            A = layer.forward(Z)
            dZ = layer.backward(np.ones_like(Z))  # softmax sums to 1: its gradient is 0
        with np.errstate(over="ignore"):
            close(P, np.array([p, p], dtype=dtype), dtype)
            close(P0, np.array([p, p], dtype=dtype).T, dtype)
            close(A, np.array([p, p], dtype=dtype), dtype)
            close(dZ, np.zeros_like(Z), dtype)
            if logp is not None:
                close(logP, np.array([logp, logp]).astype(dtype), dtype)
            if not (1e4 in z and dtype == np.float32):  # 1e4 + 1.31 is not exact in float32
                close(L, np.array([lse, lse]).astype(dtype), dtype, rtol=1e-5)
        assert P.dtype == logP.dtype == L.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("v", [-INF, -1e4, 0.0, 1e4, INF])
def test_softmax_family_of_one_entry(v, dtype):
    """A 0-d z (or one entry) is one class: probability 1, log-probability 0, logsumexp z."""
    for z in (np.array(v, dtype=dtype), np.array([v], dtype=dtype)):
        with strict():
            assert nc.softmax(z) == 1 and nc.log_softmax(z) == 0 and nc.logsumexp(z) == v
        assert np.ndim(nc.softmax(z)) == z.ndim and np.ndim(nc.logsumexp(z)) == 0


# ------------------------------------------------------------------ regression losses
def regression_cases(dtype):
    """(pred, target) pairs of shape (1, n) whose residuals reach the extremes."""
    B, S = BIG[dtype], {np.float64: 1e154, np.float32: 2e19}[dtype]
    return [
        ([[B, -B, 1e4, 0.5]], [[0.0, 0.0, -1e4, 0.5]]),
        ([[B, B]], [[-B, -B]]),  # residuals 2B: beyond float32, not beyond the float cost
        ([[1e20, 0.0]], [[0.0, 0.0]]),  # float32 squares overflow, the cost does not
        ([[S, 3 * S]], [[0.0, 0.0]]),  # squares beyond the dtype; RMSE finite
        ([[-1e4]], [[1e4]]),
        ([[INF, 1.0]], [[0.0, 1.0]]),
        ([[0.0, 2.0]], [[-INF, 2.0]]),
    ]


def _huber_ref(r, d):
    a = abs(r)
    return 0.5 * a * a if a <= d else d * (a - 0.5 * d)


def ref_regression(name, r, n, dtype):
    """(cost, gradient) in long double from the residuals r (long doubles), rounded."""
    with np.errstate(all="ignore"):
        if name == "MSELoss":
            cost, grad = np.mean(r * r), 2 * r / n
        elif name == "MAELoss":
            cost, grad = np.mean(np.abs(r)), np.sign(r) / n
        elif name.startswith("HuberLoss"):
            d = LD(1.0 if name == "HuberLoss" else 1e3)
            cost = np.mean([_huber_ref(x, d) for x in r])
            grad = np.clip(r, -d, d) / n
        else:  # RMSELoss
            cost = np.sqrt(np.mean(r * r))
            if np.isinf(cost):
                infinite = np.isinf(r)
                grad = np.where(infinite, np.sign(r), 0) / np.sqrt(LD(n * infinite.sum()))
            else:
                grad = r / (n * cost)
        return float(cost), np.asarray(grad, dtype=np.float64).astype(dtype)


REGRESSION = {
    "MSELoss": nc.MSELoss,
    "MAELoss": nc.MAELoss,
    "RMSELoss": nc.RMSELoss,
    "HuberLoss": nc.HuberLoss,
    "HuberLoss(1e3)": lambda: nc.HuberLoss(delta=1e3),
}
FUNCTIONAL = {
    "MSELoss": nc.mse,
    "MAELoss": nc.mae,
    "RMSELoss": nc.rmse,
    "HuberLoss": nc.huber,
    "HuberLoss(1e3)": lambda p, t: nc.huber(p, t, delta=1e3),
}


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", list(REGRESSION))
def test_regression_loss_at_extremes(name, dtype):
    for pred, target in regression_cases(dtype):
        p, t = np.array(pred, dtype=dtype), np.array(target, dtype=dtype)
        loss = REGRESSION[name]()
        with strict():
            cost = loss.forward(p, t)
            grad = loss.backward()
            assert FUNCTIONAL[name](p, t) == cost
        r = p.astype(LD) - t.astype(LD)
        ref_cost, ref_grad = ref_regression(name, r.ravel(), r.size, dtype)
        assert isinstance(cost, float)
        assert cost == pytest.approx(ref_cost, rel=RTOL[dtype]), (pred, target)
        assert grad.dtype == dtype
        close(grad.ravel(), ref_grad, dtype)


def test_issue_examples_regression():
    """issue 22: rmse finite from 1e154 to 1e300; huber quiet at 1e200; float32 mse at 1e20."""
    for r in (1e154, 1e200, 1e300):
        with strict():
            assert nc.rmse(np.array([[r, -r]]), np.zeros((1, 2))) == pytest.approx(r, rel=1e-15)
            assert nc.huber(np.array([[r]]), np.zeros((1, 1))) == pytest.approx(r - 0.5)
    loss = nc.MSELoss()
    with strict():
        cost = loss(np.array([[1e20]], dtype=np.float32), np.zeros((1, 1), dtype=np.float32))
    assert cost == pytest.approx(1e40, rel=1e-6)
    assert loss.backward().dtype == np.float32
    assert loss.backward()[0, 0] == pytest.approx(2e20, rel=1e-6)


# ------------------------------------------------------------------ binary losses
def _clog(x):
    with np.errstate(divide="ignore"):
        return max(np.log(LD(x)), LD(-100))


def ref_bce(p, y):
    return -(LD(y) * _clog(p) + (1 - LD(y)) * _clog(1 - LD(p)))


def ref_bce_grad(p, y):
    p, y = LD(p), LD(y)
    return (p - y) / max(p * (1 - p), LD(float(np.float32(1e-12))))  # PyTorch's clamp


def probabilities(dtype):
    tiny = float(np.finfo(dtype).smallest_subnormal)
    below_one = float(np.nextafter(dtype(1), dtype(0)))
    return [0.0, tiny, 1e-30, 0.5, below_one, 1.0]


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_bce_at_extremes(dtype):
    P = probabilities(dtype)
    for y in (0.0, 1.0, 0.3):
        p = np.array([P], dtype=dtype)
        t = np.full_like(p, y)
        loss = nc.BCELoss()
        with strict():
            cost = loss(p, t)
            grad = loss.backward()
        ref = np.mean([float(ref_bce(float(v), y)) for v in p.ravel()])
        assert cost == pytest.approx(ref, rel=RTOL[dtype])
        ref_g = np.array([float(ref_bce_grad(float(v), float(dtype(y)))) for v in p.ravel()])
        close(grad.ravel(), ref_g / p.size, dtype, rtol=1e-5 if dtype == np.float32 else None)


def ref_softplus_ld(x):
    x = LD(x)
    with np.errstate(over="ignore"):
        return np.maximum(x, 0) + np.log1p(np.exp(-abs(x)))


def ref_bce_logits(z, y):
    """y softplus(-z) + (1 - y) softplus(z), a zero weight giving 0 even next to inf."""
    y = LD(y)
    a = y * ref_softplus_ld(-z) if y else LD(0)
    b = (1 - y) * ref_softplus_ld(z) if y != 1 else LD(0)
    return float(a + b)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_bce_with_logits_at_extremes(dtype):
    for y in (0.0, 1.0, 0.3):
        z = np.array([extremes(dtype)], dtype=dtype)
        t = np.full_like(z, y)
        loss = nc.BCEWithLogitsLoss()
        with strict():
            cost = loss(z, t)
            grad = loss.backward()
        yd = float(dtype(y))
        ref = float(np.mean([LD(ref_bce_logits(v, yd)) for v in z.ravel()]))
        assert cost == pytest.approx(ref, rel=RTOL[dtype])
        ref_g = np.array([ref_sigmoid(v) - yd for v in z.ravel()]) / z.size
        close(grad.ravel(), ref_g, dtype, rtol=1e-5 if dtype == np.float32 else None)
        for v in z.ravel():  # one at a time too, in float64: the cost of one extreme logit
            with strict():
                one = nc.binary_cross_entropy_with_logits(np.array([[float(v)]]), [[yd]])
            assert one == pytest.approx(ref_bce_logits(float(v), yd), rel=1e-14)


def ref_focal(p, y, alpha, gamma):
    p, y = LD(p), LD(y)
    a = LD(1) if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    q = max(1 - (p * y + (1 - p) * (1 - y)), LD(0))
    bce = ref_bce(p, y)
    loss = a * q**gamma * bce
    dq = gamma * (q ** (gamma - 1) if q > 0 else 0) * (1 - 2 * y) * bce if gamma > 0 else 0
    return float(loss), float(a * (dq + q**gamma * ref_bce_grad(p, y)))


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (None, 0.5), (0.75, 0.0), (0.5, 1.0)])
def test_focal_at_extremes(alpha, gamma, dtype):
    P = probabilities(dtype)
    for y in (0.0, 1.0, 0.3):
        p = np.array([P], dtype=dtype)
        t = np.full_like(p, y)
        loss = nc.FocalLoss(alpha=alpha, gamma=gamma)
        with strict():
            cost = loss(p, t)
            grad = loss.backward()
        yd = float(dtype(y))
        refs = [ref_focal(float(v), yd, alpha, gamma) for v in p.ravel()]
        assert cost == pytest.approx(np.mean([c for c, _ in refs]), rel=1e-5, abs=1e-300)
        ref_g = np.array([g for _, g in refs]) / p.size
        close(grad.ravel(), ref_g, dtype, rtol=1e-5 if dtype == np.float32 else 1e-12)


# ------------------------------------------------------------------ classification losses
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_cross_entropy_at_extremes(dtype):
    """Each row of ``softmax_rows`` with each label, as labels and as one-hot rows."""
    for z, p, logp, _ in softmax_rows(BIG[dtype]):
        if logp is None:
            continue
        Z = np.array([z], dtype=dtype)
        for label in (0, 1):
            ref = -logp[label]  # a Python float: 2B = 6e38 is fine as a cost
            if math.isinf(ref) and not any(math.isinf(v) for v in z):
                pytest.fail("the reference is finite for finite logits")
            for target in (np.array([label]), np.eye(2, dtype=dtype)[[label]]):
                loss = nc.CrossEntropyLoss()
                with strict():
                    cost = loss(Z, target)
                    grad = loss.backward()
                assert cost == pytest.approx(ref, rel=1e-6), (z, label)
                expected = np.array([p], dtype=np.float64) - np.eye(2)[[label]]
                close(grad, expected.astype(dtype), dtype)
                assert grad.dtype == dtype


def test_issue_example_float32_cross_entropy():
    """issue 22: float32 logits ±3e38 give the right cost with no warning, either label."""
    Z = np.array([[3e38, -3e38]], dtype=np.float32)
    with strict():
        assert nc.cross_entropy(Z, np.array([0])) == 0.0
        assert nc.cross_entropy(Z, np.array([1])) == pytest.approx(6e38, rel=1e-6)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_nll_at_extremes(dtype):
    B = BIG[dtype]
    logP = np.array([[0.0, -B], [-B, -B], [-1e4, 0.0]], dtype=dtype)
    y = np.array([1, 0, 0])
    loss = nc.NLLLoss()
    with strict():
        cost = loss(logP, y)
        grad = loss.backward()
    assert cost == pytest.approx((B + B + 1e4) / 3, rel=1e-6)  # a sum beyond float32: fine
    expected = np.zeros((3, 2))
    expected[[0, 1, 2], y] = -1 / 3
    close(grad, expected.astype(dtype), dtype)
