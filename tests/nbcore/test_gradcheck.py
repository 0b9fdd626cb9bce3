# ruff: noqa: E501  (the tables of bad arguments keep one case per line)
"""numerical_gradient and gradcheck themselves."""

import numpy as np
import pytest

import nbcore as nc


def test_numerical_gradient_of_a_cubic(rng):
    x = rng.normal(size=(3, 4))
    before = x.copy()
    g = nc.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, before)  # restored


def test_numerical_gradient_is_centred():
    # f(x) = x^2 at x = 1 with eps = 0.1: centred (1.21 - 0.81)/0.2 = 2 exactly (one-sided: 2.1)
    x = np.array([1.0])
    g = nc.numerical_gradient(lambda v: float(v[0] ** 2), x, eps=0.1)
    assert g[0] == pytest.approx(2.0, abs=1e-12)


def test_gradcheck_detects_a_wrong_gradient(rng):
    z = rng.normal(size=5)
    good = nc.gradcheck(lambda: float(np.sum(nc.sigmoid(z))), z, nc.sigmoid_grad(z))
    bad = nc.gradcheck(lambda: float(np.sum(nc.sigmoid(z))), z, 1.1 * nc.sigmoid_grad(z))
    assert good < 1e-8
    assert bad > 1e-3


@pytest.mark.parametrize("layout", ["C", "F", "strided view"])
def test_numerical_gradient_perturbs_x_itself_in_any_layout(layout, rng):
    # f reads x directly (as a loss reads W.data): every perturbation must reach it
    base = rng.normal(size=(4, 6))
    x = {"C": base, "F": np.asfortranarray(base), "strided view": base[:, :3]}[layout]
    before = x.copy()
    g = nc.numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, before)


# ------------------------------------------------------------------ low precision


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_numerical_gradient_of_low_precision_x_is_computed_in_float64(dtype):
    x = np.array([3.0], dtype=dtype)  # d(x^2)/dx = 6
    g = nc.numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert g.dtype == np.float64
    assert g[0] == pytest.approx(6.0, rel=1e-8)  # was 5.72 in float32, 0 in float16
    assert x.dtype == dtype and x[0] == 3.0  # x itself is untouched


def test_numerical_gradient_refuses_float32_x_read_by_a_function_without_argument():
    x = np.array([3.0], dtype=np.float32)
    with pytest.raises(
        TypeError, match=r"numerical_gradient: expected f taking x when x is float32"
    ):
        nc.numerical_gradient(lambda: float(np.sum(x**2)), x)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0])
    calls = []

    def f(v):
        calls.append(v.copy())
        if len(calls) == 3:
            raise RuntimeError("f failed")
        return float(np.sum(v))

    with pytest.raises(RuntimeError, match="f failed"):
        nc.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


BAD_F = [
    ("a vector", lambda v: v, TypeError, r"numerical_gradient: expected f to return one real number .*got ndarray of shape \(2,\)"),
    ("None", lambda v: None, TypeError, r"numerical_gradient: expected f to return one real number .*got NoneType"),
    ("a string", lambda v: "a", TypeError, r"numerical_gradient: expected f to return one real number .*got str"),
    ("a complex", lambda v: 1j, TypeError, r"got complex"),
    ("NaN", lambda v: float("nan"), ValueError, r"numerical_gradient: expected f to return a finite number, got nan"),
    ("two arguments", lambda a, b: 0.0, TypeError, r"numerical_gradient: expected f taking x or no argument, got f with 2 required arguments \(a, b\)"),
    ("a loss object", nc.MSELoss(), TypeError, r"numerical_gradient: expected f taking x or no argument"),
    ("not callable", 5, TypeError, r"numerical_gradient: expected f as a function"),
]  # fmt: skip


@pytest.mark.parametrize("name, f, exc, message", BAD_F, ids=[b[0] for b in BAD_F])
def test_numerical_gradient_refuses_a_bad_f(name, f, exc, message):
    x = np.array([1.0, 2.0])
    with pytest.raises(exc, match=message):
        nc.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_accepts_a_one_element_array_result():
    g = nc.numerical_gradient(lambda v: np.array([[np.sum(v**2)]]), np.array([1.0, 2.0]))
    np.testing.assert_allclose(g, [2.0, 4.0], rtol=1e-8)


BAD_X = [
    ("a list", [1.0, 2.0], TypeError, r"numerical_gradient: expected x as a float ndarray, got list"),
    ("ints", np.array([1, 2]), TypeError, r"numerical_gradient: expected x as a float ndarray, got dtype int64"),
    ("NaN", np.array([1.0, np.nan]), ValueError, r"numerical_gradient: expected x without NaN"),
]  # fmt: skip


@pytest.mark.parametrize("name, x, exc, message", BAD_X, ids=[b[0] for b in BAD_X])
def test_numerical_gradient_refuses_a_bad_x(name, x, exc, message):
    with pytest.raises(exc, match=message):
        nc.numerical_gradient(lambda v: float(np.sum(v)), x)


@pytest.mark.parametrize("eps", [0, -1e-6, float("inf"), float("nan")])
def test_numerical_gradient_refuses_a_bad_eps(eps):
    with pytest.raises(ValueError, match=r"numerical_gradient: expected .*eps"):
        nc.numerical_gradient(lambda v: float(np.sum(v)), np.ones(2), eps=eps)


def test_gradcheck_names_itself_and_its_arguments_for_a_wrong_shape():
    z = np.array([1.0, 2.0, 3.0])
    message = (
        r"^gradcheck: expected grad \(the analytic gradient\) of x's shape \(3,\), got \(2,\)$"
    )
    with pytest.raises(ValueError, match=message):
        nc.gradcheck(lambda: float(np.sum(z**2)), z, np.ones(2))
    with pytest.raises(TypeError, match=r"^gradcheck: expected f to return one real number"):
        nc.gradcheck(lambda v: v, z, 2 * z)
    with pytest.raises(ValueError, match=r"^gradcheck: expected finite grad"):
        nc.gradcheck(lambda v: float(np.sum(v)), z, np.array([1.0, np.inf, 1.0]))


# ------------------------------------------------------------------ gradcheck_model


def _batch():
    rng = np.random.default_rng(0)
    return rng.normal(size=(6, 2)), rng.normal(size=(6, 1))


def test_gradcheck_model_on_a_correct_float64_model():
    X, Y = _batch()
    assert nc.gradcheck_model(nc.MLP([2, 4, 1], "tanh", rng=0), nc.MSELoss(), X, Y) < 1e-7


def test_gradcheck_model_refuses_a_float32_model_and_says_why():
    X, Y = _batch()
    model = nc.MLP([2, 4, 1], "tanh", rng=0, dtype=np.float32)
    with pytest.raises(
        TypeError, match=r"gradcheck_model: expected a float64 model, got .*float32.*rounding"
    ):
        nc.gradcheck_model(model, nc.MSELoss(), X, Y)


BAD_GCM = [
    ("a layer", {"model": nc.Dense(2, 1)}, TypeError, r"gradcheck_model: expected a model .*single layer"),
    ("the model class", {"model": nc.MLP}, TypeError, r"gradcheck_model: expected a model .*the class MLP"),
    ("the loss class", {"loss_fn": nc.MSELoss}, TypeError, r"gradcheck_model: expected loss_fn .*the class MSELoss"),
    ("the loss function", {"loss_fn": nc.mse}, TypeError, r"gradcheck_model: expected loss_fn .*the function mse"),
    ("inf in X", {"X": np.full((6, 2), np.inf)}, ValueError, r"gradcheck_model: expected finite X"),
    ("rows", {"Y": np.ones((5, 1))}, ValueError, r"gradcheck_model: expected X of shape \(m, n\) and Y with the same m rows"),
    ("Y None", {"Y": None}, TypeError, r"gradcheck_model: expected Y as an array of numbers, got None \(NoneType\)"),
    ("Y a function", {"Y": np.sum}, TypeError, r"gradcheck_model: expected Y as an array of numbers, got the function sum"),
    ("X a string", {"X": "abc"}, TypeError, r"gradcheck_model: expected X as an array of numbers, got .*str"),
    ("eps", {"eps": 0.0}, ValueError, r"gradcheck_model: expected eps > 0"),
]  # fmt: skip


@pytest.mark.parametrize("name, change, exc, message", BAD_GCM, ids=[b[0] for b in BAD_GCM])
def test_gradcheck_model_refuses_bad_arguments(name, change, exc, message):
    X, Y = _batch()
    kw = {"model": nc.MLP([2, 4, 1], "tanh", rng=0), "loss_fn": nc.MSELoss(), "X": X, "Y": Y}
    kw.update(change)
    with pytest.raises(exc, match=message):
        nc.gradcheck_model(**kw)
