"""Plain helpers shared by the nbcore tests (not a test module)."""

from __future__ import annotations

import contextlib
import re
import warnings

import numpy as np

import nbcore as nc

#: The gradient-check tolerance of the suite (centred differences, float64).
GRAD_TOL = 1e-7


def rel_error(analytic, numeric) -> float:
    """max |a - n| / max(max |a|, max |n|): independent of ``nc.gradcheck``'s own definition."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    assert a.shape == n.shape, (a.shape, n.shape)
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(n), initial=0.0))
    return float(np.max(np.abs(a - n), initial=0.0) / scale) if scale > 0 else 0.0


def assert_grad_ok(f, x, analytic, tol=GRAD_TOL):
    """``nc.gradcheck`` and our own max-norm relative error are both below ``tol``.

    ``f`` takes no argument and reads ``x`` (which numerical_gradient perturbs in place).
    """
    analytic = np.array(analytic, dtype=np.float64)  # a copy: f() may overwrite caches
    before = x.copy()
    err = nc.gradcheck(f, x, analytic)
    np.testing.assert_array_equal(x, before)  # x restored
    numeric = nc.numerical_gradient(f, x)
    ours = rel_error(analytic, numeric)
    assert err < tol, f"nc.gradcheck relative error {err:.3g} >= {tol}"
    assert ours < tol, f"max-norm relative error {ours:.3g} >= {tol}"


def away_from_zero(z, margin=0.05):
    """Move every entry at least ``margin`` away from 0 (the kink of ReLU, |r|, step)."""
    return np.where(z >= 0, z + margin, z - margin)


@contextlib.contextmanager
def strict():
    """Every warning is an error, and so is any float overflow / divide / invalid operation."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            yield


def assert_message(excinfo, *patterns):
    """Each regex in ``patterns`` is found in the exception message."""
    msg = str(excinfo.value)
    for pattern in patterns:
        assert re.search(pattern, msg), f"{pattern!r} not found in message {msg!r}"
