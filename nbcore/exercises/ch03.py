"""Checkers for the exercises of chapter 3 (Activation functions).

Each ``check_*`` returns a :class:`~nbcore.exercises.Feedback` and never raises: a reader's
function that crashes, warns or returns NaN gets a message that names the likely mistake.

Introduced in chapter 3 (Activation functions).
"""

from __future__ import annotations

import warnings

import numpy as np

from nbcore import activations as F
from nbcore.exercises._base import (
    Feedback,
    as_number,
    call_on_copies,
    call_reader,
    close,
    correct,
    describe,
    difference,
    find_remaining_bug,
    float_array,
    fmt,
    guarded,
    matches_to_decimals,
    wrong,
)
from nbcore.exercises._code import uses_library

#: The point of the hand computation of exercise ex-03-sigmoid-grad.
SIGMOID_GRAD_Z = 3.0
#: The input x and the depth of the chain of exercise ex-03-chain, a_l = sigma(a_{l-1}) with
#: w = 1 and b = 0.
CHAIN_X, CHAIN_DEPTH = 3.0, 5


def _missing_or_nan(answer, name="answer"):
    """Feedback for None / a non-number / NaN, or None when ``answer`` is a usable number."""
    if answer is None:
        return wrong(f"set `{name}` to a number first (it is still None).", "missing")
    x = as_number(answer)
    if x is None:
        return wrong(
            f"`{name}` should be a single number, got {describe(answer)}.",
            "not-a-number",
        )
    if not np.isfinite(x):
        return wrong(f"`{name}` is {x}: something overflowed or divided by zero.", "not-finite")
    return None


def _call(fn, *args):
    """Run a reader's function: ``(result, warnings, error)``; never raises."""
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"),
    ):
        warnings.simplefilter("always")
        try:
            out = fn(*args)
        except Exception as err:  # a reader's bug, reported as feedback
            return None, list(caught), err
    return out, list(caught), None


def _as_result(out, shape):
    """The reader's result as a float array of ``shape``, or None."""
    if out is None:
        return None
    try:
        arr = float_array(out)
    except (TypeError, ValueError):
        return None
    return arr if arr.shape == shape else None


def _error_feedback(err, name):
    """Feedback for an exception raised by the reader's function ``name``."""
    text = str(err)
    if isinstance(err, ValueError) and "truth value of an array" in text:
        return wrong(
            f"`{name}` used `if z >= 0:` on a whole array. An `if` needs one True/False; "
            "work elementwise with `np.where(z >= 0, ..., ...)` or a boolean mask.",
            "if-on-array",
        )
    return wrong(f"`{name}` raised {type(err).__name__}: {text}", "raised")


def _returned_none(name):
    return wrong(
        f"`{name}` returned None: finish the function and `return` the result.", "returned-none"
    )


def _not_callable(fn, name):
    if fn is None:
        return wrong(f"define `{name}` first (it is still None).", "missing")
    if not callable(fn):
        return wrong(f"`{name}` should be a function, got {type(fn).__name__}.", "not-callable")
    return None


# ----------------------------------------------------------------------------- exercise 1
@guarded
def check_sigmoid_grad(answer) -> Feedback:
    """Exercise ex-03-sigmoid-grad: the reader's hand value of sigma'(3), to four decimals.

    One unit in the last place is allowed either way (more digits are fine); a near value with
    fewer decimals gets "precision", one rounded too early "rounding". Recognised mistakes: the
    formula applied to z instead of sigma(z), the value sigma(3) instead of the slope, one of
    the two factors only, tanh's 1 - sigma^2, and the maximum slope sigma'(0).
    """
    early = _missing_or_nan(answer)
    if early is not None:
        return early
    x = as_number(answer)
    z = SIGMOID_GRAD_Z
    s = float(F.sigmoid(z))
    expected = s * (1 - s)
    if not matches_to_decimals(x, expected, 4) and (
        abs(x - expected) < 2e-3 or any(abs(x - round(expected, d)) < 1e-12 for d in (2, 3))
    ):
        return wrong(
            f"{fmt(x)} is near σ'(3), but the exercise asks for four decimal places (yours "
            f"differs by {abs(x - expected):.1e}). Keep four digits in σ(3) and 1 − σ(3).",
            "precision",
        )
    if close(x, expected) or matches_to_decimals(x, expected, 4):
        return correct(
            f"σ'(3) = σ(3)(1 − σ(3)) = {s:.4f} × {1 - s:.4f} = {expected:.4f}. Far out on the "
            "flat part of the curve, the slope is only a fifth of its maximum 0.25."
        )
    if close(x, z * (1 - z)):
        return wrong(
            "you computed z(1 − z) = 3 × (−2) = −6 on the pre-activation z. The formula "
            "σ' = a(1 − a) needs the activation a = σ(3), not z (a negative slope for an "
            "increasing function is the giveaway).",
            "z-instead-of-sigma",
        )
    if close(x, s):
        return wrong(
            f"{x:g} is σ(3) itself, the value, not the slope. Now multiply σ(3) by 1 − σ(3).",
            "value-not-derivative",
        )
    if close(x, 1 - s):
        return wrong(
            f"{x:g} is 1 − σ(3) = σ(−3): one factor of the two. σ'(3) = σ(3) × (1 − σ(3)).",
            "one-factor",
        )
    if close(x, 1 - s * s):
        return wrong(
            "you used 1 − σ², the shape of tanh's derivative (1 − tanh²). For the sigmoid it is "
            "σ(1 − σ).",
            "tanh-formula",
        )
    if close(x, 0.25):
        return wrong(
            "0.25 is σ'(0), the largest value the slope ever takes. At z = 3 the curve is "
            "flatter: evaluate σ(3) first.",
            "max-at-zero",
        )
    if close(x, expected, rtol=0.06):
        return wrong(
            f"close, but rounded too early: keep four digits of σ(3) = {s:.4f} before "
            "multiplying (1 − σ(3) is small, so its rounding error is large).",
            "rounding",
        )
    return wrong(
        f"{fmt(x)} is not σ'(3). Compute e^{{−3}} ≈ 0.0498, then σ(3) = 1/(1 + e^{{−3}}), then "
        "σ(3)(1 − σ(3)).",
    )


# ----------------------------------------------------------------------------- exercise 2
#: Inputs for the stable-sigmoid check: extreme, moderate, and a 2-D block.
_STABLE_Z = np.array([[-1000.0, -40.0, -1.0], [0.0, 2.0, 1000.0]])


@guarded
def check_stable_sigmoid(fn) -> Feedback:
    """Exercise ex-03-stable-sigmoid: ``fn(z)`` must equal ``nc.sigmoid`` with no warning.

    Tried on ``[[-1000, -40, -1], [0, 2, 1000]]``: finite, no overflow warning, relative error
    below 1e-9 everywhere (also at z = -40, where sigma is 4.25e-18), input left unchanged.
    """
    early = _not_callable(fn, "stable_sigmoid")
    if early is not None:
        return early
    z = _STABLE_Z.copy()
    out, caught, err = _call(fn, z)
    if err is not None:
        return _error_feedback(err, "stable_sigmoid")
    if not np.array_equal(z, _STABLE_Z):
        return wrong(
            "`stable_sigmoid` changed its input array z in place; compute into a new array.",
            "mutates-input",
        )
    if out is None:
        return _returned_none("stable_sigmoid")
    arr = _as_result(out, z.shape)
    if arr is None:
        return wrong(
            f"`stable_sigmoid` should return an array of z's shape {z.shape}, got {describe(out)}.",
            "shape",
        )
    expected = F.sigmoid(_STABLE_Z)
    overflow = [w for w in caught if "overflow" in str(w.message)]
    if np.isnan(arr).any():
        where = ", ".join(f"{v:g}" for v in _STABLE_Z[np.isnan(arr)])
        return wrong(
            f"NaN at z = {where}: e^z / (1 + e^z) becomes inf / inf at z = 1000. Use that form "
            "only for z < 0 and 1 / (1 + e^{−z}) for z ≥ 0, so every exponent is ≤ 0.",
            "nan",
        )
    if overflow:
        return wrong(
            "NumPy warned 'overflow encountered in exp': 1 / (1 + e^{−z}) computes e^{1000} at "
            "z = −1000. The result happens to round to 0, but the overflow is real. Only ever "
            "exponentiate −|z|.",
            "overflow",
        )
    if np.allclose(arr, F.sigmoid(-_STABLE_Z), rtol=1e-9, atol=0):
        return wrong("you computed 1 / (1 + e^{z}) = σ(−z): the sign of the exponent.", "sign")
    if not np.allclose(arr, expected, rtol=1e-9, atol=0):
        if arr[0, 1] == 0 and np.allclose(arr[:, 2:], expected[:, 2:], rtol=1e-9):
            return wrong(
                "σ(−40) came out as exactly 0, but it is 4.25e-18. Computing 1 − σ(40) cancels "
                "(σ(40) rounds to 1.0); use e^{z} / (1 + e^{z}) for negative z.",
                "cancellation",
            )
        where = difference(arr, expected)
        big = np.abs(_STABLE_Z) >= 1000
        inner_ok = np.allclose(arr[~big], expected[~big], rtol=1e-9, atol=0)
        if inner_ok and np.all(np.abs(arr[big] - expected[big]) < 1e-100):
            return wrong(
                f"right except far out: {where}, at z = −1000. Clipping z (to ±500, say) "
                "avoids the overflow but changes σ there: σ(−500) = 7.1e-218, while "
                "σ(−1000) = 5e-435 rounds to 0.0. Choose the formula with np.where instead, "
                "so that every exponent is e^{−|z|}.",
                "clipped",
            )
        return wrong(
            f"wrong values on z = {_STABLE_Z.tolist()}: {where} (relative error above 1e-9).",
        )
    if caught:
        return wrong(f"right values, but a warning was raised: {caught[0].message}", "warning")
    return correct(
        "equal to nc.sigmoid everywhere, with no overflow: σ(−1000) = 0, σ(1000) = 1, and "
        "σ(−40) = 4.25e-18 keeps its digits."
    )


# ----------------------------------------------------------------------------- exercise 3
_LEAKY_Z = np.array([-1e300, -3.0, -0.5, 0.0, 0.5, 2.0, 1e300])
_LEAKY_ALPHAS = (0.2, 0.05)


@guarded
def check_leaky_relu(fn, fn_grad) -> Feedback:
    """Exercise ex-03-leaky-relu: ``fn(z, alpha)`` and ``fn_grad(z, alpha)`` against nbcore.

    Tried with alpha = 0.2 and 0.05 on z = [-1e300, -3, -0.5, 0, 0.5, 2, 1e300]. At z = 0 the
    exercise's definition ("1 for z > 0 and alpha otherwise") gives the slope alpha, as
    ``nc.leaky_relu_grad``: a slope of 1 there (``z >= 0``) gets "grad-zero-convention".
    """
    for f, name in ((fn, "leaky_relu"), (fn_grad, "leaky_relu_grad")):
        early = _not_callable(f, name)
        if early is not None:
            return early
    z = _LEAKY_Z
    pos = z > 0
    for alpha in _LEAKY_ALPHAS:
        out, caught, err = _call(fn, z.copy(), alpha)
        if err is not None:
            return _error_feedback(err, "leaky_relu")
        if out is None:
            return _returned_none("leaky_relu")
        arr = _as_result(out, z.shape)
        if arr is None:
            return wrong(
                f"`leaky_relu` should return an array of shape {z.shape}, got {describe(out)}.",
                "shape",
            )
        expected = F.leaky_relu(z, alpha)
        if not np.all(np.isfinite(arr)):
            return wrong(
                "`leaky_relu` gave inf or NaN for z = ±1e300. It needs no exp: z or α z.",
                "extreme",
            )
        if np.allclose(arr, np.where(pos, alpha * z, z)) or np.allclose(arr, alpha * z):
            return wrong(
                "the slope α went on the positive side. Leaky ReLU leaves positive inputs "
                "unchanged (g(z) = z for z > 0) and multiplies negative ones by α.",
                "slope-on-positive-side",
            )
        if np.allclose(arr, F.relu(z)):
            return wrong(
                "that is plain ReLU: negative inputs became 0. They should become α z.",
                "forgot-alpha",
            )
        if not np.allclose(arr, expected, rtol=1e-12, atol=0):
            if np.allclose(arr, F.leaky_relu(z, 0.01), rtol=1e-12, atol=0):
                return wrong(
                    f"you used α = 0.01 whatever the argument; with alpha={alpha} the negative "
                    "side must have slope alpha.",
                    "hardcoded-alpha",
                )
            return wrong(
                f"wrong values for alpha={alpha}: expected {expected.tolist()}, got "
                f"{arr.tolist()}.",
            )
    for alpha in _LEAKY_ALPHAS:
        out, caught, err = _call(fn_grad, z.copy(), alpha)
        if err is not None:
            return _error_feedback(err, "leaky_relu_grad")
        if out is None:
            return _returned_none("leaky_relu_grad")
        arr = _as_result(out, z.shape)
        if arr is None:
            return wrong(
                f"`leaky_relu_grad` should return an array of shape {z.shape} (one slope per "
                f"entry of z), got {describe(out)}.",
                "grad-shape",
            )
        expected = F.leaky_relu_grad(z, alpha)
        if np.allclose(arr, expected, rtol=1e-12, atol=0):
            continue
        if np.allclose(arr, F.relu_grad(z)):
            return wrong(
                "the derivative is 0 for negative z: that is ReLU's. Leaky ReLU's slope there "
                "is α.",
                "grad-zero-negative",
            )
        if np.allclose(arr, np.where(z >= 0, 1.0, alpha)):
            return wrong(
                "right except at z = 0, where your slope is 1: the exercise says g'(z) = 1 for "
                "z > 0 and α otherwise, so α at z = 0 (write z > 0, not z >= 0).",
                "grad-zero-convention",
            )
        if np.allclose(arr, np.where(pos, alpha, 1.0)):
            return wrong(
                "the slopes are swapped: g'(z) = 1 for z > 0 and α for z < 0.",
                "grad-slope-on-positive-side",
            )
        with np.errstate(all="ignore"):
            values = F.leaky_relu(z, alpha)
        if np.allclose(arr, values):
            return wrong(
                "`leaky_relu_grad` returned the function's values, not its slope (1 or α).",
                "grad-returns-value",
            )
        return wrong(
            f"wrong slopes for alpha={alpha}: expected {expected.tolist()}, got {arr.tolist()}.",
            "grad",
        )
    return correct("both match nbcore, for two values of α and for z = ±1e300.")


# ----------------------------------------------------------------------------- exercise 4
def chain_factors(x=CHAIN_X, depth=CHAIN_DEPTH):
    """The local derivatives sigma'(z_l) of the chain a_l = sigma(a_{l-1}), a_0 = x (w=1, b=0)."""
    a, factors = float(x), []
    for _ in range(depth):
        factors.append(float(F.sigmoid_grad(a)))  # z_l = a_{l-1} (w = 1, b = 0)
        a = float(F.sigmoid(a))
    return factors


def _matches_significant(value, expected, digits):
    """True when ``value`` is ``expected`` to ``digits`` significant digits (one unit off is ok)."""
    if expected == 0 or not np.isfinite(expected):
        return False
    unit = 10.0 ** (int(np.floor(np.log10(abs(expected)))) - digits + 1)
    rounded = round(expected / unit) * unit
    return abs(value - rounded) <= unit * (1 + 1e-6)


@guarded
def check_chain_gradient(answer) -> Feedback:
    """Exercise ex-03-chain: d a_5 / d x for five sigmoid units with w = 1, b = 0 at x = 3.

    One number, to three significant digits (one unit in the last place either way); a value
    within 10 % but outside gets "precision". Recognised mistakes: the bound 0.25^5 (every
    z_l taken as 0), the activations multiplied instead of the slopes, the slopes added, the
    formula applied to z instead of sigma(z), a factor left out, and a value above the bound.
    """
    early = _missing_or_nan(answer)
    if early is not None:
        return early
    x = as_number(answer)
    factors = chain_factors()
    expected = float(np.prod(factors))
    if close(x, expected, rtol=2e-3, atol=0) or _matches_significant(x, expected, 3):
        return correct(
            f"da5/dx = {' × '.join(f'{f:.4f}' for f in factors)} = {expected:.3e}, about a "
            "tenth of the bound 0.25^5 ≈ 9.8e-4: the chain starts in saturation (σ'(3) = 0.045)."
        )
    if close(x, 0.25**CHAIN_DEPTH, atol=0):
        return wrong(
            "0.25^5 is the upper bound, reached only if every z_l were 0. Here z_1 = 3 and "
            "the later z_l = a_{l-1} are near 0.7: compute each σ'(z_l).",
            "assumed-z-zero",
        )
    a, values, fake = CHAIN_X, [], []
    for _ in range(CHAIN_DEPTH):
        fake.append(a * (1 - a))
        a = float(F.sigmoid(a))
        values.append(a)
    if close(x, np.prod(values), atol=0):
        return wrong(
            "you multiplied the activations σ(z_l); the chain rule multiplies the local "
            "slopes σ'(z_l) = σ(z_l)(1 − σ(z_l)).",
            "product-of-sigma",
        )
    if close(x, np.sum(factors), atol=0):
        return wrong(
            "you added the local slopes; the chain rule multiplies them.",
            "summed",
        )
    if close(x, np.prod(fake), atol=0):
        return wrong(
            "you used z(1 − z) with z the pre-activation; σ'(z) = σ(z)(1 − σ(z)).",
            "z-instead-of-sigma",
        )
    if close(x, np.prod(factors[1:]), atol=0) or close(x, np.prod(factors[:-1]), atol=0):
        return wrong(
            "four factors instead of five: each of the five layers contributes one σ'(z_l), "
            "the first one σ'(3) too.",
            "missing-factor",
        )
    if abs(x - expected) < 0.1 * expected:
        return wrong(
            f"{fmt(x)} is near, but not {expected:.2e} to three significant digits, as the "
            "exercise asks: keep four digits in every factor σ'(z_l) before multiplying.",
            "precision",
        )
    if x > 0.25**CHAIN_DEPTH:
        return wrong(
            "too large: every factor σ'(z) is at most 0.25, so the product of five is at "
            "most 0.25^5 ≈ 9.8e-4.",
            "above-bound",
        )
    return wrong(
        f"{fmt(x)} is not it yet. Run the chain forward (a_0 = 3, a_l = σ(a_{{l-1}})), collect "
        "σ'(a_{l-1}) for each layer, and multiply the five factors.",
    )


# ----------------------------------------------------------------------------- exercise 5
_TANH_Z = np.array([-1000.0, -3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 1000.0])


@guarded
def check_tanh_via_sigmoid(my_tanh, my_tanh_grad) -> Feedback:
    """Exercise ex-03-tanh-sigmoid: ``my_tanh(z)`` and ``my_tanh_grad(z)`` built from the sigmoid.

    Both are compared with tanh and its derivative on z from -1000 to 1000. The exercise
    allows only ``nc.sigmoid``: a function whose code takes tanh, its derivative, exp, sinh or
    cosh from NumPy, math or nbcore gets "not-via-sigmoid" even when its values are right (the
    code is read with ``inspect``; a function whose source cannot be read is judged on its
    values). Recognised mistakes: an overflow at z = ±1000, the sigmoid of z where it needs 2z,
    1 - tanh for the derivative, a factor of the chain rule missing or misplaced, and tanh
    returned for its slope.
    """
    for f, name in ((my_tanh, "my_tanh"), (my_tanh_grad, "my_tanh_grad")):
        early = _not_callable(f, name)
        if early is not None:
            return early
    z = _TANH_Z
    out, caught, err = _call(my_tanh, z.copy())
    if err is not None:
        return _error_feedback(err, "my_tanh")
    if out is None:
        return _returned_none("my_tanh")
    arr = _as_result(out, z.shape)
    if arr is None:
        return wrong(f"`my_tanh` should return an array of shape {z.shape}.", "shape")
    if np.isnan(arr).any() or any("overflow" in str(w.message) for w in caught):
        return wrong(
            "`my_tanh` overflowed or gave NaN at z = ±1000: build it on nc.sigmoid, which "
            "is stable, rather than on np.exp.",
            "overflow",
        )
    if not np.allclose(arr, F.tanh(z), rtol=1e-9, atol=1e-12):
        if np.allclose(arr, 2 * F.sigmoid(z) - 1):
            return wrong(
                "2σ(z) − 1 is tanh(z/2): the sigmoid needs the argument 2z.",
                "forgot-2z",
            )
        return wrong(
            f"`my_tanh` does not match tanh: {difference(arr, F.tanh(z))}. Try 2σ(2z) − 1.",
            "tanh-value",
        )
    out, caught, err = _call(my_tanh_grad, z.copy())
    if err is not None:
        return _error_feedback(err, "my_tanh_grad")
    if out is None:
        return _returned_none("my_tanh_grad")
    arr = _as_result(out, z.shape)
    if arr is None:
        return wrong(f"`my_tanh_grad` should return an array of shape {z.shape}.", "grad-shape")
    expected = F.tanh_grad(z)
    if np.isnan(arr).any():
        return wrong("`my_tanh_grad` gave NaN at z = ±1000.", "grad-nan")
    if np.allclose(arr, expected, rtol=1e-9, atol=1e-12):
        forbidden = {"tanh", "tanh_grad", "exp", "expm1", "exp2", "sinh", "cosh"}
        for fn, name in ((my_tanh, "my_tanh"), (my_tanh_grad, "my_tanh_grad")):
            used = uses_library(fn, forbidden)
            if used is not None:
                return wrong(
                    f"the values are right, but `{name}` uses a library's {used}; the exercise "
                    "allows only nc.sigmoid (no np.tanh, no np.exp): tanh(z) = 2σ(2z) − 1 and "
                    "tanh'(z) = 4σ(2z)(1 − σ(2z)).",
                    "not-via-sigmoid",
                )
        return correct(
            "tanh(z) = 2σ(2z) − 1, so tanh'(z) = 2 · σ'(2z) · 2 = 4σ(2z)(1 − σ(2z)) = "
            "1 − tanh²(z): the same numbers, even at z = ±1000."
        )
    t = F.tanh(z)
    if np.allclose(arr, 1 - t):
        return wrong(
            "1 − tanh(z) is not the derivative: it is 1 − tanh²(z) (the square matters; "
            "at z = −3, 1 − tanh = 1.995 but the slope is 0.0099).",
            "one-minus-tanh",
        )
    if np.allclose(arr, 2 * F.sigmoid_grad(2 * z)):
        return wrong(
            "half the right value: the chain rule gives one factor 2 from the outer 2σ(·) and "
            "another from the inner 2z, so tanh'(z) = 4σ'(2z).",
            "missing-chain-factor",
        )
    if np.allclose(arr, 4 * F.sigmoid_grad(z)) or np.allclose(arr, F.sigmoid_grad(2 * z)):
        return wrong(
            "apply the chain rule to 2σ(2z) − 1: d/dz = 2 · σ'(2z) · 2 = 4σ'(2z).",
            "chain-rule",
        )
    if np.allclose(arr, t):
        return wrong("`my_tanh_grad` returned tanh itself, not its slope.", "value-not-derivative")
    return wrong(
        f"`my_tanh_grad` does not match 1 − tanh²(z): {difference(arr, expected)}.", "grad"
    )


__all__ = [
    "CHAIN_DEPTH",
    "CHAIN_X",
    "SIGMOID_GRAD_Z",
    "chain_factors",
    "check_chain_gradient",
    "check_fix_relu_grad",
    "check_leaky_relu",
    "check_sigmoid_grad",
    "check_stable_sigmoid",
    "check_tanh_via_sigmoid",
]


# ----------------------------------------------------------------------------- find the bug
def _relu_grad_given(z):
    g = z
    g[g > 0] = 1
    return g


def _relu_grad_negatives_kept(z):
    g = z.copy()
    g[g > 0] = 1
    return g


def _relu_grad_at_zero_one(z):
    return (z >= 0).astype(float)


def _relu_grad_right(z):
    return (z > 0).astype(float)


_RELU_GRAD_CASES = [
    (np.array([-2.0, -0.5, 0.0, 0.5, 3.0]),),
    (np.array([[1e-300, -1e-300], [7.0, -7.0]]),),
    (np.array([[[0.25, -4.0, 2.0]]]),),
]


@guarded
def check_fix_relu_grad(relu_grad) -> Feedback:
    """Check exercise ex-03-fix-relu-grad: the reader's corrected ``relu_grad(z)``.

    A correct answer returns a new float array of z's shape, 1 where z > 0 and 0 elsewhere
    (0 at z = 0, as ``nc.relu_grad``), and leaves the caller's ``z`` unchanged; it is tried on
    arrays of one, two and three dimensions.

    Recognised mistakes (the ``mistake`` of the feedback): ``unchanged`` (the given function,
    both bugs), ``modified_input`` (``g = z`` still writes into the caller's z),
    ``negatives-kept`` (negative entries returned as they are instead of 0) and
    ``zero-convention`` (slope 1 at z = 0, from ``z >= 0``).

    Introduced in chapter 3 (Activation functions).

    Parameters
    ----------
    relu_grad : callable
        The reader's ``relu_grad(z)`` for an array ``z`` of any shape.

    Returns
    -------
    Feedback
        Correct, or the bug that remains; never raises.
    """
    bugs = [
        (_relu_grad_negatives_kept, "negatives-kept", ""),
        (
            _relu_grad_at_zero_one,
            "zero-convention",
            "at z = 0 your derivative is 1; the book (and nc.relu_grad) uses 0 there: "
            "write z > 0, not z >= 0.",
        ),
    ]
    # the given function modifies its input: call_reader reports "modified_input" first
    for args in _RELU_GRAD_CASES:
        z = args[0].copy()
        out, fb = call_reader(relu_grad, z, name="relu_grad")
        if fb is not None:
            if fb.mistake != "modified_input":
                return fb
            message = (
                "relu_grad changed the caller's z in place (g = z is the same array, not a "
                "copy), so the cached pre-activation is lost."
            )
            negative = args[0] < 0
            if np.any(negative) and np.any(z[negative] < 0):  # here z is also the result
                return wrong(
                    "this still has both bugs. " + message + " And the negative entries are "
                    "kept: the derivative is 0 there.",
                    "unchanged",
                )
            return wrong(message, "modified_input")
    found = find_remaining_bug(relu_grad, _RELU_GRAD_CASES, _relu_grad_right, [], name="relu_grad")
    if found is None:
        return correct("z is left as it was and the derivative is 1 for z > 0, 0 elsewhere.")
    got, _ = call_on_copies(relu_grad, _RELU_GRAD_CASES[0], name="relu_grad")
    if got is not None and close(got, _relu_grad_negatives_kept(*_RELU_GRAD_CASES[0])):
        return wrong(
            "z is no longer modified, but the negative entries are kept as they are: the "
            "derivative is 0 for z <= 0 (e.g. (z > 0).astype(float)).",
            "negatives-kept",
        )
    for bug, tag, message in bugs[1:]:
        if got is not None and close(got, bug(*_RELU_GRAD_CASES[0])):
            return wrong(message, tag)
    return found
