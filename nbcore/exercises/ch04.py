"""Checkers for the exercises of chapter 4 (Loss and cost functions).

Each checker takes the reader's answer (a number, or a function for the coding exercises) and
returns a :class:`~nbcore.exercises.Feedback` that names the likely mistake: a logarithm in
base 10, a sum instead of a mean, a missing square root or the (y_i - y_i) typo in RMSE, a
missing 1/2 in Huber, the focal weight alpha applied to the wrong class, an overflow.
"""

from __future__ import annotations

import numpy as np

import nbcore as nc
from nbcore.exercises._base import (
    Feedback,
    call_reader,
    close,
    correct,
    describe,
    difference,
    find_remaining_bug,
    float_array,
    guarded,
    to_decimals,
    wrong,
)
from nbcore.exercises._code import uses_nbcore

__all__ = [
    "BCE_P",
    "BCE_Y",
    "FOCAL_P",
    "FOCAL_Y",
    "HUBER_R",
    "check_bce_by_hand",
    "check_bce_with_logits",
    "check_fix_bce",
    "check_focal_by_hand",
    "check_huber_by_hand",
    "check_rmse",
]

LN10 = np.log(10.0)

#: The labels y of the three samples of exercise ex-04-bce-hand (their p is ``BCE_P``).
BCE_Y = np.array([1.0, 0.0, 1.0])
BCE_P = np.array([0.8, 0.3, 0.5])

#: The residuals r of exercise ex-04-huber (Huber threshold delta = 1).
HUBER_R = np.array([0.5, -2.0, 3.0])

#: The labels y of exercise ex-04-focal (their p is ``FOCAL_P``; alpha = 0.25, gamma = 2).
FOCAL_Y = np.array([1.0, 0.0, 0.0])
FOCAL_P = np.array([0.6, 0.3, 0.1])


def _number(answer, what="a number"):
    """None -> Feedback, a non-number -> Feedback, else the float."""
    if answer is None:
        return wrong(f"set `answer` to {what} first (it is still None).", "missing")
    try:
        value = float_array(answer)
    except (TypeError, ValueError):
        return wrong(f"expected {what}, got {describe(answer)}.", "type")
    if value.size != 1:
        return wrong(
            f"expected a single number (the cost, a mean over the samples), got an array of "
            f"shape {value.shape}: did you forget to average the per-sample losses?",
            "not_reduced",
        )
    return float(value.reshape(()))


def _match(value, candidates):
    """The first (tag, message) whose expected value is close to ``value``, else None."""
    for expected, tag, message in candidates:
        if close(value, expected, rtol=2e-3, atol=2e-4):
            return wrong(message, tag)
    return None


# ----------------------------------------------------------------------------- BCE by hand
@guarded
def check_bce_by_hand(answer) -> Feedback:
    """Exercise ex-04-bce-hand: the binary cross-entropy cost of p = [0.8, 0.3, 0.5] for
    y = [1, 0, 1] (natural log).

    One number, to four decimals (or more digits). Named mistakes: precision, log10, log2,
    sum, sign, negative_class (-ln p for the y = 0 sample), not_reduced (an array).
    """
    value = _number(answer)
    if isinstance(value, Feedback):
        return value
    y, p = BCE_Y, BCE_P
    terms = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    expected = terms.mean()
    near = to_decimals(value, expected, 4, near=0.01)
    if near is None:
        return correct(f"J = {expected:.4f} (the mean of {np.round(terms, 4).tolist()}).")
    if isinstance(near, Feedback):
        return near
    found = _match(
        value,
        [
            (
                expected / LN10,
                "log10",
                "you used log base 10. Cross-entropy uses the natural logarithm ln: "
                "-ln 0.8 = 0.2231, not -log10 0.8 = 0.0969.",
            ),
            (
                expected / np.log(2),
                "log2",
                "you used log base 2 (bits). The loss uses the natural logarithm (nats).",
            ),
            (
                terms.sum(),
                "sum",
                "you summed the three losses instead of averaging them: the cost is the "
                "mean, so divide by m = 3.",
            ),
            (
                -expected,
                "sign",
                "the sign is wrong: ln p is negative, so the loss carries a minus sign "
                "(J = -mean(y ln p + (1 - y) ln(1 - p)) is positive).",
            ),
            (
                -np.log(p).mean(),
                "negative_class",
                "for the sample with y = 0 the loss is -ln(1 - p) = -ln 0.7, not -ln p.",
            ),
        ],
    )
    return (
        found
        if found is not None
        else wrong(
            "not yet. Write each term: -ln 0.8, -ln(1 - 0.3), -ln 0.5, then take their mean."
        )
    )


# ----------------------------------------------------------------------------- RMSE code
def _call(fn, *args):
    """Call the reader's function; returns (value, None) or (None, Feedback)."""
    if not callable(fn):
        return None, wrong(
            f"expected a function (def rmse(y_hat, y): ...), got {type(fn).__name__}.",
            "type" if fn is not None else "missing",
        )
    out, fb = call_reader(fn, *args)  # never raises; refuses a function that edits its inputs
    if fb is not None:
        return None, fb
    if out is None:
        return None, wrong(
            "your function returned None: replace `return None` with your code.", "missing"
        )
    try:
        value = float_array(out)
    except (TypeError, ValueError):
        return None, wrong(f"your function returned {describe(out)}, expected a number.", "type")
    if value.size != 1:
        return None, wrong(
            f"your function returned an array of shape {value.shape}; it should return one "
            "number (the mean over the samples, then the square root).",
            "not_reduced",
        )
    return float(value.reshape(())), None


@guarded
def check_rmse(rmse) -> Feedback:
    """Exercise ex-04-rmse: the reader's ``rmse(y_hat, y)`` (NumPy only) against ``nc.rmse``.

    Tried on two batches. Named mistakes: uses_nbcore (calls nbcore, which the exercise excludes),
    typo_yi_minus_yi, no_sqrt, sum, sum_no_sqrt, mae, not_reduced, modified_input, raised.
    """
    if rmse is None:
        return wrong("define a function `rmse(y_hat, y)` first.", "missing")
    if callable(rmse) and uses_nbcore(rmse):
        return wrong(
            "your rmse calls nbcore; the exercise asks for NumPy only: compute the residuals "
            "ŷ - y, square them, average, and take the square root with np.",
            "uses_nbcore",
        )
    cases = [
        (np.array([1.5, 1.0, 0.0, 2.0]), np.array([1.0, 2.0, 0.0, -1.0])),
        (np.array([2.0, -1.0, 4.0]), np.array([1.0, 1.0, 1.0])),
    ]
    for y_hat, y in cases:
        value, fb = _call(rmse, y_hat, y)
        if fb is not None:
            return fb
        r = y_hat - y
        expected = nc.rmse(y_hat, y)
        if close(value, expected, rtol=1e-6, atol=1e-9):
            continue
        found = _match(
            value,
            [
                (
                    0.0,
                    "typo_yi_minus_yi",
                    "your function returns 0 for predictions that are wrong: you computed "
                    "(y_i - y_i), which is always 0 (a typo copied by some tutorials). The "
                    "residual is (ŷ_i - y_i): prediction minus target.",
                ),
                (
                    np.mean(r * r),
                    "no_sqrt",
                    "you returned the MSE: RMSE is its square root, sqrt(mean((ŷ - y)^2)).",
                ),
                (
                    np.sqrt(np.sum(r * r)),
                    "sum",
                    "you summed the squared residuals instead of averaging them: "
                    "RMSE = sqrt(mean(...)), the mean divides by the number of samples.",
                ),
                (
                    np.sum(r * r),
                    "sum_no_sqrt",
                    "you returned the sum of squared residuals: average them (mean) and take "
                    "the square root.",
                ),
                (
                    np.mean(np.abs(r)),
                    "mae",
                    "you returned the MAE (mean of |ŷ - y|); RMSE squares first, averages, "
                    "then takes the square root (sqrt of a mean is not a mean of sqrts).",
                ),
            ],
        )
        return (
            found
            if found is not None
            else wrong(
                f"for ŷ = {y_hat.tolist()} and y = {y.tolist()} your function gives {value:.4f}, "
                f"expected {expected:.4f} = sqrt(mean((ŷ - y)^2))."
            )
        )
    return correct("your rmse agrees with nc.rmse on two batches.")


# ----------------------------------------------------------------------------- Huber by hand
@guarded
def check_huber_by_hand(answer) -> Feedback:
    """Exercise ex-04-huber: the Huber cost (delta = 1) of the residuals r = [0.5, -2, 3].

    One number, to four decimals. Named mistakes: precision, missing_half,
    missing_offset, sum, mse, mae, all_quadratic, not_reduced.
    """
    value = _number(answer)
    if isinstance(value, Feedback):
        return value
    r, d = HUBER_R, 1.0
    a = np.abs(r)
    small = a <= d
    terms = np.where(small, 0.5 * r * r, d * (a - 0.5 * d))
    expected = terms.mean()
    near = to_decimals(value, expected, 4, near=0.01)
    if isinstance(near, Feedback):
        return near
    if near is None:
        return correct(
            f"J = ({' + '.join(f'{t:g}' for t in terms)}) / 3 = {expected:.4f}; nc.huber agrees."
        )
    no_half_quad = np.where(small, r * r, d * (a - 0.5 * d)).mean()
    no_half_lin = np.where(small, 0.5 * r * r, d * (a - d)).mean()
    no_half_both = np.where(small, r * r, d * (a - d)).mean()
    no_offset = np.where(small, 0.5 * r * r, d * a).mean()
    found = _match(
        value,
        [
            (
                no_half_quad,
                "missing_half",
                "you forgot the 1/2 in the quadratic part: for |r| <= δ the loss is "
                "(1/2) r^2, so r = 0.5 gives 0.125, not 0.25.",
            ),
            (
                no_half_lin,
                "missing_half",
                "you forgot the 1/2 in the linear part: for |r| > δ the loss is "
                "δ(|r| - δ/2), so r = 3 gives 2.5, not 2.",
            ),
            (
                no_offset,
                "missing_offset",
                "you left out the −δ/2 in the linear part: for |r| > δ the loss is "
                "δ(|r| − δ/2), so r = −2 gives 1.5 (not 2) and r = 3 gives 2.5 (not 3). "
                "The offset makes the two branches meet at |r| = δ.",
            ),
            (
                no_half_both,
                "missing_half",
                "you forgot both halves: (1/2) r^2 inside, δ(|r| - δ/2) outside.",
            ),
            (terms.sum(), "sum", "you summed the three losses: the cost is their mean."),
            (np.mean(r * r), "mse", "that is the MSE; Huber is linear beyond |r| = δ."),
            (np.mean(a), "mae", "that is the MAE; Huber is quadratic for |r| <= δ."),
            (
                np.mean(0.5 * r * r),
                "all_quadratic",
                "you used (1/2) r^2 for every sample; for |r| > δ = 1 use δ(|r| - δ/2).",
            ),
        ],
    )
    return (
        found
        if found is not None
        else wrong("not yet. Classify each |r| against δ = 1, then use the right branch.")
    )


# ----------------------------------------------------------------------------- focal by hand
def _focal_terms(alpha_pos, gamma):
    y, p = FOCAL_Y, FOCAL_P
    pt = np.where(y == 1, p, 1 - p)
    at = np.where(y == 1, alpha_pos, 1 - alpha_pos)
    return -at * (1 - pt) ** gamma * np.log(pt)


@guarded
def check_focal_by_hand(answer) -> Feedback:
    """Exercise ex-04-focal: the focal loss (alpha = 0.25, gamma = 2, the mean over the samples)
    of p = [0.6, 0.3, 0.1] for y = [1, 0, 0].

    One number, to five decimals (or more digits). Named mistakes: precision,
    p_instead_of_pt, alpha_wrong_class, gamma_ignored, alpha_ignored, log10, sum, sign,
    not_reduced.
    """
    value = _number(answer)
    if isinstance(value, Feedback):
        return value
    terms = _focal_terms(0.25, 2.0)
    expected = terms.mean()
    near = to_decimals(value, expected, 5, near=1e-3)
    if isinstance(near, Feedback):
        return near
    if near is None:
        return correct(f"J = {expected:.5f}; nc.focal_loss(p, y, alpha=0.25, gamma=2) agrees.")
    pt = np.where(FOCAL_Y == 1, FOCAL_P, 1 - FOCAL_P)
    at = np.where(FOCAL_Y == 1, 0.25, 0.75)
    p = FOCAL_P
    found = _match_small(
        value,
        [
            (
                (-at * (1 - p) ** 2 * np.log(p)).mean(),
                "p_instead_of_pt",
                "you used p where the formula has p_t: for a sample with y = 0, p_t = 1 − p "
                "(the probability of its TRUE class), so the second sample has p_t = 0.7, "
                "not 0.3.",
            ),
            (
                _focal_terms(0.75, 2.0).mean(),
                "alpha_wrong_class",
                "you applied α to the wrong class: α = 0.25 weights the positive samples "
                "(y = 1) and 1 - α = 0.75 the negative ones (as in the focal-loss paper and "
                "torchvision). A popular code sample swaps them.",
            ),
            (
                _focal_terms(0.25, 0.0).mean(),
                "gamma_ignored",
                "you left out the factor (1 - p_t)^γ: with γ = 2 it is (1 - 0.6)^2 = 0.16 "
                "for the first sample.",
            ),
            (
                (-((1 - pt) ** 2) * np.log(pt)).mean(),
                "alpha_ignored",
                "you left out α_t: 0.25 for y = 1, 0.75 for y = 0.",
            ),
            (expected / LN10, "log10", "you used log base 10; the loss uses ln."),
            (terms.sum(), "sum", "you summed the three losses: the cost is their mean."),
            (-expected, "sign", "the sign is wrong: -α_t (1 - p_t)^γ ln p_t is positive."),
        ],
    )
    return (
        found
        if found is not None
        else wrong(
            "not yet. For each sample find p_t (p if y = 1, 1 - p if y = 0) and α_t, then "
            "-α_t (1 - p_t)^2 ln p_t, and average."
        )
    )


def _match_small(value, candidates):
    """Like _match with a tolerance suited to values near 0.01."""
    for expected, tag, message in candidates:
        if close(value, expected, rtol=2e-3, atol=2e-5):
            return wrong(message, tag)
    return None


# ----------------------------------------------------------------------------- BCE from logits
@guarded
def check_bce_with_logits(bce_with_logits) -> Feedback:
    """Exercise ex-04-bce-logits: the reader's ``bce_with_logits(z, y)`` (a mean).

    Tried on logits from -800 to 800. Named mistakes: overflow, clamped (through
    probabilities), plus_zy, log10, sign, sum, large_logits (wrong only for z > 40),
    not_reduced, modified_input, raised.
    """
    z = np.array([-800.0, -2.0, 0.0, 3.0, 40.0])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    if bce_with_logits is None:
        return wrong("define a function `bce_with_logits(z, y)` first.", "missing")
    value, fb = _call(bce_with_logits, z.copy(), y.copy())
    if fb is not None:
        return fb
    expected = nc.binary_cross_entropy_with_logits(z, y)
    if close(value, expected, rtol=1e-6, atol=1e-9):
        large = _bce_logits_large(bce_with_logits)
        if large is not None:
            return large
        return correct(f"J = {expected:.4f}, finite for z = -800 and z = 40.")
    if not np.isfinite(value):
        return wrong(
            f"your function returned {value} for z = -800 ... 40: something overflowed. "
            "e^{800} is inf in float64, and σ(40) rounds to exactly 1 so ln(1 - σ(40)) = "
            "ln 0 = -inf. Rewrite the loss with max(z, 0) - z y + ln(1 + e^{-|z|}).",
            "overflow",
        )
    with np.errstate(all="ignore"):
        clamped = nc.binary_cross_entropy(nc.sigmoid(z), y)
    found = _match(
        value,
        [
            (
                clamped,
                "clamped",
                "you went through probabilities and clamped the log: σ(-800) = 0 and "
                "σ(40) = 1 exactly, so the clamp gives 100 instead of the true 800 and 40. "
                "Work with z directly: max(z, 0) - z y + ln(1 + e^{-|z|}).",
            ),
            (
                np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z)))),
                "plus_zy",
                "you wrote + z y; the loss is max(z, 0) − z y + ln(1 + e^{−|z|}) (the z y term "
                "comes from −y ln σ(z) and carries a minus sign).",
            ),
            (expected / LN10, "log10", "you used log base 10; the loss uses ln."),
            (-expected, "sign", "the sign is wrong: the loss is positive."),
            (expected * z.size, "sum", "you summed the losses: the cost is their mean."),
        ],
    )
    if found is not None:
        return found
    return wrong(
        f"your function gives {value:.4f}, expected {expected:.4f}. Check one sample at a "
        "time against nc.binary_cross_entropy_with_logits."
    )


def _bce_logits_large(bce_with_logits):
    """The second trial: large positive logits (e^z overflows for z > 709). None when right."""
    z = np.array([800.0, -30.0, 710.0, -710.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    value, fb = _call(bce_with_logits, z.copy(), y.copy())
    if fb is not None:
        return fb
    expected = nc.binary_cross_entropy_with_logits(z, y)
    if close(value, expected, rtol=1e-6, atol=1e-9):
        return None
    if not np.isfinite(value):
        return wrong(
            f"for z = {z.tolist()} your function returned {value}: e^z overflows for "
            "z > 709 (e^800 is inf in float64). Let exp see only -|z|: "
            "max(z, 0) - z y + ln(1 + e^{-|z|}).",
            "overflow",
        )
    return wrong(
        f"for z = {z.tolist()} and y = {y.tolist()} your function "
        f"{difference(value, expected)}: it must stay exact for large positive logits too.",
        "large_logits",
    )


# ----------------------------------------------------------------------------- find the bug
def _bce_given(p, y):
    return -np.sum(y * np.log(p) + (1 - y) * np.log(p))


def _bce_sum_bug(p, y):
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


def _bce_class_bug(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(p))


def _bce_right(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


@guarded
def check_fix_bce(bce) -> Feedback:
    """Check exercise ex-04-fix-bce: the reader's corrected ``bce(p, y)``.

    A correct answer returns the binary cross-entropy cost, the mean over the samples. It is
    compared with the chapter's formula on the first exercise's y and p and on two other batches.

    Recognised mistakes (the ``mistake`` of the feedback): ``unchanged`` (the given function,
    both bugs), ``sum`` (summed instead of averaged over the samples), ``negative_class``
    (a sample with y = 0 still costs as if its label were 1) and ``log10`` (the base-10
    logarithm).

    Introduced in chapter 4 (Loss and cost functions).

    Parameters
    ----------
    bce : callable
        The reader's ``bce(p, y)`` for two arrays of shape (m,), returning a number.

    Returns
    -------
    Feedback
        Correct, or the bug that remains; never raises.
    """
    rng = np.random.default_rng(41)
    cases = [
        (BCE_P.copy(), BCE_Y.copy()),
        (rng.uniform(0.05, 0.95, size=7), rng.integers(0, 2, size=7).astype(float)),
        (np.array([0.9, 0.2, 0.6, 0.4]), np.array([0.0, 0.0, 1.0, 1.0])),
    ]
    bugs = [
        (_bce_given, "unchanged", "this is still the given function: it has two bugs."),
        (
            _bce_sum_bug,
            "sum",
            "ln(1 − p) is fixed, but you still sum: the cost is the mean over the samples "
            "(np.mean, or divide by m).",
        ),
        (
            _bce_class_bug,
            "negative_class",
            "the mean is fixed, but a sample with y = 0 still costs −ln p: it costs −ln(1 − p), "
            "the log-probability of its true class.",
        ),
        (
            lambda p, y: _bce_right(p, y) / LN10,
            "log10",
            "you changed to log base 10: cross-entropy uses the natural logarithm.",
        ),
    ]
    found = find_remaining_bug(bce, cases, _bce_right, bugs, name="bce")
    if found is not None:
        return found
    return correct("both bugs are fixed: −mean(y ln p + (1 − y) ln(1 − p)) gives 0.4243.")
