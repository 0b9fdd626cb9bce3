"""Activation functions: values, derivatives (gradcheck), kinks, extreme inputs, properties."""

import math
import re
from functools import partial

import numpy as np
import pytest
from _nbcore_util import assert_grad_ok, assert_message, away_from_zero, strict
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nbcore as nc

PROP = settings(max_examples=50, deadline=None, database=None)

PAIRS = {
    "sigmoid": (nc.sigmoid, nc.sigmoid_grad),
    "tanh": (nc.tanh, nc.tanh_grad),
    "relu": (nc.relu, nc.relu_grad),
    "leaky_relu": (nc.leaky_relu, nc.leaky_relu_grad),
    "leaky_relu_0.2": (partial(nc.leaky_relu, alpha=0.2), partial(nc.leaky_relu_grad, alpha=0.2)),
}
# Beyond the contract, nbcore also has softplus and GELU: checked the same way when present.
if hasattr(nc, "softplus"):
    PAIRS["softplus"] = (nc.softplus, nc.softplus_grad)
if hasattr(nc, "gelu"):
    PAIRS["gelu"] = (nc.gelu, nc.gelu_grad)
SHAPES = [(1,), (7,), (4, 3), (2, 3, 4)]


# ---------------------------------------------------------------- values
def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(nc.step(z), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(nc.identity(z), z)
    np.testing.assert_array_equal(nc.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(nc.leaky_relu(z), [-0.02, 0.0, 3.0], rtol=1e-15)
    np.testing.assert_allclose(nc.leaky_relu(z, alpha=0.1), [-0.2, 0.0, 3.0], rtol=1e-15)
    # sigma(0) = 1/2; sigma(3) = 1 / (1 + e^-3) = 0.9525741268224334
    np.testing.assert_allclose(nc.sigmoid(z)[1:], [0.5, 0.9525741268224334], rtol=1e-15)
    np.testing.assert_allclose(nc.tanh(z), np.tanh(z), rtol=1e-15)
    # sigma'(0) = 1/4, tanh'(0) = 1
    assert nc.sigmoid_grad(np.array([0.0]))[0] == 0.25
    assert nc.tanh_grad(np.array([0.0]))[0] == 1.0


def test_functions_are_pure():
    z = np.array([-1.0, 0.5, 2.0])
    before = z.copy()
    for f in (nc.step, nc.identity, nc.sigmoid, nc.tanh, nc.relu, nc.leaky_relu, nc.softmax):
        f(z)
    np.testing.assert_array_equal(z, before)
    out = nc.identity(z)
    out[0] = 99.0
    assert z[0] == -1.0, "identity must not return its input array itself"


# ---------------------------------------------------------------- derivatives
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(PAIRS))
def test_derivative_gradcheck(name, shape, rng):
    f, fprime = PAIRS[name]
    z = away_from_zero(rng.normal(scale=2.0, size=shape))
    C = rng.normal(size=shape)
    assert_grad_ok(lambda: float(np.sum(f(z) * C)), z, C * fprime(z))


@pytest.mark.parametrize("shape", [(1, 1), (5,), (4, 3), (3, 5)], ids=str)
def test_logsumexp_gradient_is_softmax(shape, rng):
    z = rng.normal(scale=3.0, size=shape)
    assert_grad_ok(lambda: float(np.sum(nc.logsumexp(z))), z, nc.softmax(z))


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_and_log_softmax_gradients(axis, rng):
    z = rng.normal(scale=2.0, size=(4, 3))
    C = rng.normal(size=z.shape)
    s = nc.softmax(z, axis=axis)
    # d/dz sum(C * softmax) = s * (C - sum(C * s))   (Jacobian-vector product)
    analytic = s * (C - np.sum(C * s, axis=axis, keepdims=True))
    assert_grad_ok(lambda: float(np.sum(C * nc.softmax(z, axis=axis))), z, analytic)
    # d/dz sum(C * log_softmax) = C - s * sum(C)
    analytic = C - s * np.sum(C, axis=axis, keepdims=True)
    assert_grad_ok(lambda: float(np.sum(C * nc.log_softmax(z, axis=axis))), z, analytic)


def test_softmax_family_agree(rng):
    z = rng.normal(size=(5, 4))
    np.testing.assert_allclose(nc.log_softmax(z), np.log(nc.softmax(z)), rtol=1e-13)
    np.testing.assert_allclose(nc.logsumexp(z), np.log(np.exp(z).sum(axis=-1)), rtol=1e-14)
    assert nc.logsumexp(z).shape == (5,)
    assert nc.logsumexp(z, axis=0).shape == (4,)
    np.testing.assert_allclose(nc.softmax(z, axis=0).sum(axis=0), 1.0, rtol=1e-14)


# ---------------------------------------------------------------- kinks: documented subgradients
def test_subgradients_at_zero():
    zero = np.array([0.0])
    assert nc.relu_grad(zero)[0] == 0.0
    assert nc.leaky_relu_grad(zero)[0] == 0.01
    assert nc.leaky_relu_grad(zero, alpha=0.3)[0] == 0.3
    assert nc.step(zero)[0] == 0.0
    assert nc.relu(zero)[0] == 0.0
    assert nc.leaky_relu(zero)[0] == 0.0


# ---------------------------------------------------------------- extreme inputs
BIG = [-np.inf, -1e300, -1e4, -800.0, 0.0, 800.0, 1e4, 1e300, np.inf]


def test_sigmoid_extremes():
    z = np.array(BIG)
    with strict():
        s = nc.sigmoid(z)
        ds = nc.sigmoid_grad(z)
        t = nc.tanh(z)
        dt = nc.tanh_grad(z)
    np.testing.assert_array_equal(s, [0, 0, 0, 0, 0.5, 1, 1, 1, 1])
    np.testing.assert_array_equal(ds, [0, 0, 0, 0, 0.25, 0, 0, 0, 0])
    np.testing.assert_array_equal(t, [-1, -1, -1, -1, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(dt, [0, 0, 0, 0, 1, 0, 0, 0, 0])


def test_relu_family_extremes():
    z = np.array(BIG)
    with strict():
        r = nc.relu(z)
        lr = nc.leaky_relu(z)
        g = nc.relu_grad(z)
        lg = nc.leaky_relu_grad(z)
    np.testing.assert_array_equal(r, np.maximum(z, 0))
    np.testing.assert_array_equal(lr, np.where(z > 0, z, 0.01 * z))
    np.testing.assert_array_equal(g, (z > 0).astype(float))
    np.testing.assert_array_equal(lg, np.where(z > 0, 1.0, 0.01))


@pytest.mark.skipif(not hasattr(nc, "softplus"), reason="softplus is not in the contract")
def test_softplus_extremes():
    z = np.array(BIG)
    with strict():
        out = nc.softplus(z)
        grad = nc.softplus_grad(z)
    np.testing.assert_array_equal(out, [0, 0, 0, 0, np.log(2), 800, 1e4, 1e300, np.inf])
    np.testing.assert_array_equal(grad, [0, 0, 0, 0, 0.5, 1, 1, 1, 1])


@pytest.mark.skipif(not hasattr(nc, "gelu"), reason="gelu is not in the contract")
@pytest.mark.parametrize("z", BIG, ids=str)
def test_gelu_extremes(z):
    """GELU(z) -> z for z -> +inf and -> 0 for z -> -inf; its derivative -> 1 and 0."""
    x = np.array([z])
    with strict():
        out = nc.gelu(x)[0]
        grad = nc.gelu_grad(x)[0]
    if z > 0:
        assert out == z and grad == 1.0
    elif z < 0:
        assert out == 0.0 and grad == 0.0
    else:
        assert out == 0.0 and grad == 0.5


FUNCTIONS_F32 = {
    "step": nc.step,
    "identity": nc.identity,
    "sigmoid": nc.sigmoid,
    "sigmoid_grad": nc.sigmoid_grad,
    "tanh": nc.tanh,
    "tanh_grad": nc.tanh_grad,
    "relu": nc.relu,
    "relu_grad": nc.relu_grad,
    "leaky_relu": nc.leaky_relu,
    "leaky_relu_grad": nc.leaky_relu_grad,
    "softmax": nc.softmax,
    "log_softmax": nc.log_softmax,
    "logsumexp": nc.logsumexp,
}


@pytest.mark.parametrize("name", list(FUNCTIONS_F32))
def test_functions_keep_float32(name, rng):
    z = rng.normal(size=(4, 3)).astype(np.float32)
    assert FUNCTIONS_F32[name](z).dtype == np.float32


@pytest.mark.parametrize(
    "z, expected",
    [
        ([1e4, 0.0, -1e4], [1.0, 0.0, 0.0]),
        ([1e300, -1e300], [1.0, 0.0]),
        ([1e300, 1e300, 0.0], [0.5, 0.5, 0.0]),
        ([-1e300, -1e300], [0.5, 0.5]),
        ([1e4, 1e4 + 1.0], [1 / (1 + np.e), np.e / (1 + np.e)]),
        ([-1e4, -1e4 - 1.0], [np.e / (1 + np.e), 1 / (1 + np.e)]),
        ([np.inf, 0.0, -np.inf], [1.0, 0.0, 0.0]),
        ([-np.inf, 0.0, 1.0], [0.0, 1 / (1 + np.e), np.e / (1 + np.e)]),
        ([np.inf, 1e300, -1e300], [1.0, 0.0, 0.0]),
    ],
    ids=str,
)
def test_softmax_extremes(z, expected):
    with strict():
        p = nc.softmax(np.array(z))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, expected, rtol=1e-12, atol=1e-300)


def test_softmax_extremes_in_a_matrix_row_by_row():
    Z = np.array([[1e4, 0.0, -1e4], [1.0, 2.0, 3.0], [np.inf, 0.0, 0.0], [-1e300, 0.0, 0.0]])
    with strict():
        P = nc.softmax(Z)
    np.testing.assert_allclose(P[0], [1, 0, 0], atol=1e-300)
    np.testing.assert_allclose(P[1], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum(), rtol=1e-14)
    np.testing.assert_array_equal(P[2], [1, 0, 0])
    np.testing.assert_allclose(P[3], [0, 0.5, 0.5], rtol=1e-15)


@pytest.mark.parametrize(
    "z, expected",
    [
        ([1e4, 0.0], [0.0, -1e4]),
        ([1e300, 0.0], [0.0, -1e300]),
        ([1e4, 1e4], [-np.log(2), -np.log(2)]),
        ([0.0, -np.inf], [0.0, -np.inf]),
        ([np.inf, 0.0], [0.0, -np.inf]),
        ([-1e300, 1e300], [-2e300, 0.0]),
    ],
    ids=str,
)
def test_log_softmax_extremes(z, expected):
    with strict():
        out = nc.log_softmax(np.array(z))
    assert not np.any(np.isnan(out))
    np.testing.assert_allclose(out, expected, rtol=1e-14)


@pytest.mark.parametrize(
    "z, expected",
    [
        ([1e4, 1e4], 1e4 + np.log(2)),
        ([1e300, 0.0], 1e300),
        ([-1e300, -1e300], -1e300),
        ([-np.inf, 0.0], 0.0),
        ([np.inf, 0.0], np.inf),
        ([np.inf, np.inf], np.inf),
        ([-np.inf, -np.inf], -np.inf),
        ([1e4, -1e4], 1e4),
    ],
    ids=str,
)
def test_logsumexp_extremes(z, expected):
    with strict():
        out = nc.logsumexp(np.array(z))
    assert out == pytest.approx(expected, rel=1e-14)


# ---------------------------------------------------------------- properties (hypothesis)
finite_logits = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
huge_logits = st.one_of(
    finite_logits,
    st.sampled_from([-1e300, -1e4, 0.0, 1e4, 1e300]),
    st.floats(-1e300, 1e300),  # the contract promises |z| up to 1e300
)


@PROP
@given(
    z=hnp.arrays(
        np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6), elements=huge_logits
    )
)
def test_softmax_sums_to_one_even_for_huge_logits(z):
    with strict():
        p = nc.softmax(z)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


@PROP
@given(
    z=hnp.arrays(
        np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6), elements=finite_logits
    ),
    c=finite_logits,
)
def test_softmax_is_shift_invariant(z, c):
    with strict():
        p = nc.softmax(z)
        q = nc.softmax(z + c)
    np.testing.assert_allclose(q, p, rtol=1e-8, atol=1e-12)


@PROP
@given(
    z=hnp.arrays(
        np.float64,
        hnp.array_shapes(max_dims=2, max_side=6),
        elements=st.floats(allow_nan=False, allow_infinity=True),
    )
)
def test_sigmoid_bounded_and_symmetric(z):
    with strict():
        s = nc.sigmoid(z)
        s_neg = nc.sigmoid(-z)
    assert np.all((s >= 0) & (s <= 1))
    # sigma(-z) = 1 - sigma(z)
    np.testing.assert_allclose(s + s_neg, 1.0, rtol=0, atol=2e-16 * 4)


@PROP
@given(z=hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=6), elements=finite_logits))
def test_logsumexp_bounds(z):
    """max(z) <= logsumexp(z) <= max(z) + log(k)."""
    z = np.atleast_2d(z)
    with strict():
        lse = nc.logsumexp(z)
    m = z.max(axis=-1)
    assert np.all(lse >= m - 1e-9 * np.abs(m))
    assert np.all(lse <= m + np.log(z.shape[-1]) + 1e-9 * (1 + np.abs(m)))


# ---------------------------------------------------------------- GELU: PyTorch's two forms
def _exact_gelu(v):
    return v * 0.5 * math.erfc(-v / math.sqrt(2))


def test_gelu_default_is_the_exact_erf_form():
    z = np.array([-6.0, -2.0, -0.75, 0.0, 0.5, 1.0, 3.0])
    exact = np.array([_exact_gelu(v) for v in z])
    # rtol: z / sqrt(2) rounds differently here; erfc's slope turns that into ~z^2 ulps
    np.testing.assert_allclose(nc.gelu(z), exact, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(nc.gelu(z, approximate="none"), exact, rtol=1e-13, atol=1e-300)
    assert nc.gelu(1.0) == pytest.approx(0.8413447460685429, rel=1e-15)  # Phi(1)
    # the tanh form is the old one, up to 5e-4 away
    tanh_form = 0.5 * z * (1 + np.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3)))
    np.testing.assert_allclose(nc.gelu(z, approximate="tanh"), tanh_form, rtol=1e-14)
    assert 1e-4 < np.max(np.abs(nc.gelu(z) - tanh_form)) < 5e-4


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_grad_gradcheck_both_forms(approximate, rng):
    z = rng.normal(scale=2.5, size=(4, 5))
    C = rng.normal(size=z.shape)
    analytic = C * nc.gelu_grad(z, approximate=approximate)
    assert_grad_ok(lambda: float(np.sum(nc.gelu(z, approximate=approximate) * C)), z, analytic)


def test_gelu_grad_exact_formula():
    z = np.linspace(-8, 8, 33)
    phi = np.exp(-(z**2) / 2) / math.sqrt(2 * math.pi)
    Phi = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in z])
    np.testing.assert_allclose(nc.gelu_grad(z), Phi + z * phi, rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("bad", ["exact", "Tanh", "", None, True, 0, ["tanh"], np.array("none")])
def test_gelu_refuses_other_forms(bad):
    for call, name in (
        (lambda: nc.gelu(np.zeros(2), approximate=bad), "gelu"),
        (lambda: nc.gelu_grad(np.zeros(2), approximate=bad), "gelu_grad"),
        (lambda: nc.GELU(approximate=bad), "GELU"),
    ):
        with pytest.raises(ValueError) as excinfo:
            call()
        assert_message(excinfo, rf"^{name}\b", r"expected approximate='none' or 'tanh'", "got")


def test_gelu_layer_forms_and_repr(rng):
    Z = rng.normal(size=(3, 4))
    for form in ("none", "tanh"):
        layer = nc.GELU(approximate=form)
        assert repr(layer) == f"GELU(approximate='{form}')"
        np.testing.assert_array_equal(layer.forward(Z), nc.gelu(Z, approximate=form))
        dA = rng.normal(size=Z.shape)
        np.testing.assert_allclose(layer.backward(dA), dA * nc.gelu_grad(Z, approximate=form))
    assert nc.GELU().approximate == "none"
    assert nc.gelu(np.float32([1.0])).dtype == np.float32


# ---------------------------------------------------------------- softmax family: axis, empty, 0-d
SOFTMAX_FAMILY = {"softmax": nc.softmax, "log_softmax": nc.log_softmax, "logsumexp": nc.logsumexp}


@pytest.mark.parametrize("name", list(SOFTMAX_FAMILY))
@pytest.mark.parametrize("shape", [(3, 0), (0,), (0, 3)], ids=str)
def test_softmax_family_refuses_empty_input(name, shape):
    with strict(), pytest.raises(ValueError) as excinfo:
        SOFTMAX_FAMILY[name](np.zeros(shape))
    assert_message(excinfo, rf"^{name}:", "expected a non-empty", re.escape(str(shape)))


@pytest.mark.parametrize("name", list(SOFTMAX_FAMILY))
@pytest.mark.parametrize(
    "axis, exc, given",
    [
        (5, ValueError, "5"),
        (-3, ValueError, "-3"),
        ("a", TypeError, "'a'"),
        (1.5, TypeError, "1.5"),
        ([0, 1], TypeError, r"\[0, 1\]"),
        (True, TypeError, "True"),
        (None, TypeError, "None"),
    ],
    ids=str,
)
def test_softmax_family_refuses_bad_axis(name, axis, exc, given):
    with strict(), pytest.raises(exc) as excinfo:
        SOFTMAX_FAMILY[name](np.zeros((3, 2)), axis=axis)
    assert_message(excinfo, rf"^{name}:", "expected axis", f"got {given}")


def test_softmax_layer_refuses_bad_axis_and_empty_input():
    with pytest.raises(ValueError, match=r"(?i)softmax.*expected.*axis.*5"):
        nc.Softmax(axis=5).forward(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"(?i)softmax.*non-empty"):
        nc.Softmax().forward(np.zeros((3, 0)))


def test_softmax_family_of_a_0d_input():
    with strict():
        for v in (np.inf, -np.inf, 3.0):
            assert nc.softmax(np.array(v)) == 1.0
            assert nc.log_softmax(np.array(v)) == 0.0
            assert nc.logsumexp(np.array(v)) == v
        assert nc.softmax(np.array(2.0), axis=0) == 1.0
    with pytest.raises(ValueError, match="softmax: expected axis in"):
        nc.softmax(np.array(2.0), axis=1)
    assert nc.softmax(np.array(2.0)).shape == ()


def test_softmax_axis_may_be_a_numpy_integer(rng):
    z = rng.normal(size=(3, 4))
    np.testing.assert_array_equal(nc.softmax(z, axis=np.int64(0)), nc.softmax(z, axis=0))


# ---------------------------------------------------------------- leaky ReLU's slope
def test_leaky_relu_alpha_zero_at_minus_infinity():
    z = np.array([-np.inf, -1.0, 0.0, 2.0])
    with strict():
        np.testing.assert_array_equal(nc.leaky_relu(z, alpha=0), [0, 0, 0, 2])
        np.testing.assert_array_equal(nc.leaky_relu_grad(z, alpha=0), [0, 0, 0, 1])
        np.testing.assert_array_equal(nc.LeakyReLU(0).forward(z[None]), [[0, 0, 0, 2]])


@pytest.mark.parametrize(
    "alpha, exc", [(np.inf, ValueError), (-0.1, ValueError), ("0.1", TypeError)]
)
def test_leaky_relu_refuses_bad_alpha(alpha, exc):
    for f in (nc.leaky_relu, nc.leaky_relu_grad):
        with pytest.raises(exc) as excinfo:
            f(np.zeros(2), alpha=alpha)
        assert_message(excinfo, rf"^{f.__name__}:", "expected", "alpha", "got")


# ---------------------------------------------------------------- bad inputs, every function
ALL_FUNCTIONS = {
    **{name: f for name, f in FUNCTIONS_F32.items()},
    "softplus": nc.softplus,
    "softplus_grad": nc.softplus_grad,
    "gelu": nc.gelu,
    "gelu_grad": nc.gelu_grad,
}
BAD_Z = {
    "bool": (np.array([True, False]), TypeError, "dtype bool"),
    "float16": (np.zeros(3, dtype=np.float16), TypeError, "dtype float16"),
    "complex": (np.zeros(3, dtype=complex), TypeError, "complex"),
    "object": (np.array([1.0, None]), TypeError, "object"),
    "str": (np.array(["1", "2"]), TypeError, "<U1"),
    "a string": ("abc", TypeError, "abc|<U3"),
    "None": (None, TypeError, "None"),
    "a dict": ({"z": 1}, TypeError, "object|dict"),
    "ragged": ([[1.0, 2.0], [3.0]], TypeError, r"\[\[1\.0, 2\.0\], \[3\.0\]\]"),
    "NaN": (np.array([0.0, np.nan]), ValueError, "1 NaN"),
    "empty": (np.zeros((0, 3)), ValueError, r"non-empty.*\(0, 3\)"),
}


@pytest.mark.parametrize("bad", list(BAD_Z))
@pytest.mark.parametrize("name", list(ALL_FUNCTIONS))
def test_every_function_refuses_bad_input(name, bad):
    z, exc, given = BAD_Z[bad]
    with strict(), pytest.raises(exc) as excinfo:
        ALL_FUNCTIONS[name](z)
    assert_message(excinfo, rf"^{name}:", "expected", "got", given)


@pytest.mark.parametrize("name", list(ALL_FUNCTIONS))
def test_every_function_returns_a_new_array(name, rng):
    z = rng.normal(size=(3, 4))
    out = ALL_FUNCTIONS[name](z)
    assert out is not z and not np.shares_memory(out, z)
    assert nc.sigmoid(np.array(0.5)).shape == ()  # 0-d in, NumPy scalar out
    assert ALL_FUNCTIONS[name]([[1, 2], [3, 4]]).dtype == np.float64  # integers are fine
