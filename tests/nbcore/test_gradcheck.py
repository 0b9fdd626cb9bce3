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
