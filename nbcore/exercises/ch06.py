"""Checkers for the exercises of chapter 6 (Softmax and multi-class classification).

Each checker returns a :class:`~nbcore.exercises.Feedback` that names the likely mistake: a
softmax without the max shift (overflow to ``nan``), a sum over the wrong axis of a batch, a
logarithm in base 10, a missing minus sign, a gradient computed with the label instead of the
one-hot row.
"""

from __future__ import annotations

import warnings

import numpy as np

import nbcore as nc
from nbcore.exercises._base import (
    Feedback,
    close,
    correct,
    describe,
    difference,
    float_array,
    guarded,
    to_decimals,
    wrong,
)
from nbcore.exercises._code import uses_nbcore

__all__ = [
    "HAND_CLASS",
    "HAND_Z",
    "check_logsumexp",
    "check_softmax_by_hand",
    "check_softmax_ce_grad",
    "check_stable_softmax",
    "check_temperature",
]

#: The logits z of exercises ex-06-softmax-hand, ex-06-grad and ex-06-temperature (true class
#: ``HAND_CLASS``, temperature ``TEMPERATURE``).
HAND_Z = np.array([2.0, 0.0, -1.0])
HAND_CLASS = 1
TEMPERATURE = 0.5


def _array(answer, name, shape):
    """The answer as a float array of ``shape``, or a Feedback explaining why not."""
    if answer is None:
        return wrong(f"set `{name}` first (it is still None).", "missing")
    try:
        a = float_array(answer)
    except (TypeError, ValueError):
        return wrong(f"expected `{name}` as numbers, got {describe(answer)}.", "type")
    if a.shape != shape:
        return wrong(f"expected `{name}` of shape {shape}, got shape {a.shape}.", "shape")
    return a


def _quiet(fn, *args):
    """Run the reader's function with NumPy warnings silenced; (result, None) or (None, fb)."""
    if fn is None:
        return None, wrong("define the function first.", "missing")
    if not callable(fn):
        return None, wrong(f"expected a function, got {type(fn).__name__}.", "type")
    before = [a.copy() for a in args]
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = fn(*args)
    except Exception as e:  # the reader's code may raise anything
        hint = ""
        if "broadcast" in str(e):
            hint = (
                " A shape mismatch in a batch usually means a missing keepdims=True: "
                "Z.max(axis=1, keepdims=True) has shape (m, 1) and broadcasts across each row."
            )
        return None, wrong(f"your function raised {type(e).__name__}: {e}.{hint}", "raised")
    for i, (a, b) in enumerate(zip(args, before, strict=True)):
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
            return None, wrong(
                f"your function changed its argument number {i + 1} in place (for example "
                "Z -= Z.max(...)): compute new arrays, Z - Z.max(...), and leave the caller's "
                "logits as they were.",
                "modified_input",
            )
    if out is None:
        return None, wrong("your function returned None: replace `return None`.", "missing")
    try:
        return float_array(out), None
    except (TypeError, ValueError):
        return None, wrong(f"your function returned {describe(out)}, expected numbers.", "type")


def _same(a, b, rtol=1e-6, atol=1e-9):
    """Equal shapes and values, with nan matching nan (to recognise a broken formula)."""
    a, b = float_array(a), float_array(b)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


# ----------------------------------------------------------------------------- by hand
@guarded
def check_softmax_by_hand(p, loss) -> Feedback:
    """Exercise ex-06-softmax-hand: softmax([2, 0, -1]) and the cross-entropy loss for the true
    class 2 (label 1).

    ``p`` three numbers and ``loss`` one, all to four decimals (or more digits). Named
    mistakes: precision, not_normalised, normalised_logits, sigmoid, base10, p_unknown, log10,
    sign, wrong_class, one_minus_p, loss_unknown, shape, type.
    """
    z, c = HAND_Z, HAND_CLASS
    expected_p = nc.softmax(z)
    expected_loss = -np.log(expected_p[c])
    p = _array(p, "p", (3,))
    if isinstance(p, Feedback):
        return p
    if close(p, expected_p, rtol=2e-2, atol=2e-3) and not close(
        p, expected_p, rtol=0, atol=1.01e-4
    ):
        return wrong(
            f"p is near softmax(z), but four decimals are asked: {difference(p, expected_p)}.",
            "precision",
        )
    if not close(p, expected_p, rtol=0, atol=1.01e-4):
        e = np.exp(z)
        s = 1 / (1 + np.exp(-z))
        for cand, tag, msg in [
            (e, "not_normalised", "you have the exponentials e^z; divide them by their sum."),
            (
                z / z.sum(),
                "normalised_logits",
                "you divided the logits by their sum; softmax exponentiates first: e^z / Σ e^z.",
            ),
            (
                s,
                "sigmoid",
                "that is the sigmoid of each logit separately; softmax divides each e^{z_j} by "
                "the sum of all of them, so the probabilities sum to 1.",
            ),
            (
                10**z / np.sum(10**z),
                "base10",
                "you used 10^z instead of e^z: softmax uses the natural exponential.",
            ),
        ]:
            if close(p, cand, rtol=2e-3, atol=2e-4):
                return wrong(msg, tag)
        return wrong(
            "p is not softmax(z) yet: e^2 = 7.3891, e^0 = 1, e^-1 = 0.3679; divide each by "
            "their sum.",
            "p_unknown",
        )
    if loss is None:
        return wrong("p is right. Now set `loss` (it is still None).", "missing")
    try:
        value = float(float_array(loss).reshape(()))
    except (TypeError, ValueError):
        return wrong(f"expected `loss` as one number, got {describe(loss)}.", "type")
    near = to_decimals(value, expected_loss)
    if near is None:
        return correct(f"p = {np.round(expected_p, 4).tolist()}, loss = {expected_loss:.4f}.")
    if isinstance(near, Feedback):
        return near
    for cand, tag, msg in [
        (
            expected_loss / np.log(10),
            "log10",
            "you used log base 10: the loss is -ln p_1 (natural log), not -log10 p_1.",
        ),
        (
            -expected_loss,
            "sign",
            "you forgot the minus sign: ln p_1 is negative, the loss -ln p_1 is positive.",
        ),
        (
            -np.log(expected_p[0]),
            "wrong_class",
            "that is the loss of class 1 (label 0, the predicted class); "
            "use the true class 2 (label 1).",
        ),
        (
            -np.log(expected_p[2]),
            "wrong_class",
            "that is the loss of class 3 (label 2): the loss is −ln p of the TRUE class, "
            "class 2, which is p[1] in code (labels count from 0).",
        ),
        (
            1 - expected_p[c],
            "one_minus_p",
            "1 - p_1 is not the cross-entropy: the loss is -ln p_1.",
        ),
    ]:
        if close(value, cand, rtol=2e-3, atol=2e-4):
            return wrong(msg, tag)
    return wrong("p is right; the loss is -ln p of the true class 2 (label 1).", "loss_unknown")


# ----------------------------------------------------------------------------- stable softmax
def _shift_rows(Z):
    return np.exp(Z - Z.max(axis=1, keepdims=True))


def _no_keepdims(Z):
    e = np.exp(Z - Z.max(axis=1))  # (m, k) - (m,): broadcasts along the columns
    return e / e.sum(axis=1)


#: Typical wrong implementations of a batch softmax, each with its tag and message.
_SOFTMAX_MISTAKES = [
    (
        lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True),
        "no_max_shift",
        "your softmax overflows: e^1000 is inf in float64 and inf/inf is nan (and "
        "e^-1000 / e^-1000 is 0/0). Subtract each row's maximum before exp: the result "
        "is unchanged and the largest exponent is e^0 = 1.",
    ),
    (
        lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(axis=1, keepdims=True),
        "global_max",
        "you subtracted the maximum of the whole batch: a row whose logits are all far "
        "below it underflows to 0/0 = nan. Subtract each row's own maximum: "
        "Z.max(axis=1, keepdims=True).",
    ),
    (
        lambda Z: (
            np.exp(Z - Z.max(axis=0, keepdims=True))
            / np.exp(Z - Z.max(axis=0, keepdims=True)).sum(axis=1, keepdims=True)
        ),
        "wrong_axis",
        "you subtracted each column's maximum: softmax is only invariant to a constant "
        "added to a whole row (one sample). Use Z.max(axis=1, keepdims=True).",
    ),
    (
        lambda Z: _shift_rows(Z) / _shift_rows(Z).sum(axis=0, keepdims=True),
        "wrong_axis",
        "you divided by the wrong sum: each column sums to 1 instead of each row. Samples "
        "are rows, so sum over the classes with axis=1, keepdims=True.",
    ),
    (
        lambda Z: _shift_rows(Z) / _shift_rows(Z).sum(),
        "wrong_axis",
        "you divided by the sum of the whole batch: each row (one sample) must sum to 1. "
        "Use e.sum(axis=1, keepdims=True).",
    ),
    (
        lambda Z: _shift_rows(Z) / _shift_rows(Z).sum(axis=1),
        "keepdims_sum",
        "the max is right, but the sum lacks keepdims=True: e.sum(axis=1) has shape (m,) and "
        "broadcasts along the columns, so entry (i, j) is divided by the sum of row j, not "
        "row i (NumPy raises no error when the batch is square). Write "
        "e.sum(axis=1, keepdims=True).",
    ),
    (
        _no_keepdims,
        "keepdims",
        "without keepdims=True, Z.max(axis=1) has shape (m,) and broadcasts along the "
        "columns, so each row is shifted and divided by the wrong numbers (NumPy raises "
        "no error when the batch is square!). Use keepdims=True for the max and the sum.",
    ),
]


def _softmax_candidates(Z):
    """(output, tag, message) of each typical mistake that runs on Z (warnings silenced)."""
    out = []
    for fn, tag, message in _SOFTMAX_MISTAKES:
        try:
            with np.errstate(all="ignore"):
                out.append((fn(Z), tag, message))
        except ValueError:  # e.g. the no-keepdims version on a non-square batch
            pass
    return out


# ----------------------------------------------------------------------------- check
@guarded
def check_stable_softmax(softmax) -> Feedback:
    """Exercises ex-06-stable-softmax and ex-06-find-bug: the reader's ``softmax(Z)`` (NumPy only).

    Z is a batch of shape (m, k), one sample per row. Tried on a (3, 3) and a (2, 4) batch with
    logits up to ±1000. Named mistakes: no_max_shift, global_max, wrong_axis, keepdims_sum,
    keepdims, shape, uses_nbcore, modified_input, raised, missing, type.
    """
    if callable(softmax) and uses_nbcore(softmax):
        return wrong(
            "your softmax calls nbcore; the exercise asks for NumPy only: exponentiate the "
            "shifted logits with np.exp and divide by each row's sum.",
            "uses_nbcore",
        )
    batches = [
        np.array([[1000.0, 1001.0, 1002.0], [1.0, 2.0, 3.0], [-1000.0, -1000.0, -999.0]]),
        np.array([[0.5, -1.0, 2.0, 0.0], [800.0, -800.0, 0.0, 10.0]]),
    ]
    for Z in batches:
        out, fb = _quiet(softmax, Z.copy())
        if fb is not None:
            return fb
        expected = nc.softmax(Z, axis=1)
        if _same(out, expected):
            continue
        for cand, tag, msg in _softmax_candidates(Z):
            if _same(out, cand):
                return wrong(msg, tag)
        if not np.all(np.isfinite(out)):
            return wrong(
                "your softmax returns inf or nan for large logits: subtract each row's "
                "maximum before exponentiating.",
                "no_max_shift",
            )
        if out.shape != expected.shape:
            return wrong(
                f"for Z of shape {Z.shape} your function returns shape {out.shape}; "
                "softmax keeps the shape (one row of probabilities per sample).",
                "shape",
            )
        return wrong(f"for Z = {Z.tolist()} your softmax {difference(out, expected)}.")
    return correct("each row sums to 1, and logits of ±1000 give no overflow.")


# ----------------------------------------------------------------------------- gradient
@guarded
def check_softmax_ce_grad(grad) -> Feedback:
    """Exercise ex-06-grad: dL/dz of softmax + cross-entropy for z = [2, 0, -1] and true
    class 2 (label 1).

    Three numbers, to four decimals (or more digits). Named mistakes: precision, sign,
    label_not_one_hot, forgot_y, dL_dp, wrong_class, shape, type.
    """
    z, c = HAND_Z, HAND_CLASS
    p = nc.softmax(z)
    y = nc.one_hot([c], 3)[0]
    g = _array(grad, "grad", (3,))
    if isinstance(g, Feedback):
        return g
    near = to_decimals(g, p - y)
    if near is None:
        return correct(f"dL/dz = p - y = {np.round(p - y, 4).tolist()}; it sums to 0.")
    if isinstance(near, Feedback):
        return near
    for cand, tag, msg in [
        (
            y - p,
            "sign",
            "the sign is flipped: the loss is -ln p_1, and with its minus sign the gradient "
            "is p - y (positive for the wrong classes, which gradient descent pushes down).",
        ),
        (
            p - c,
            "label_not_one_hot",
            "you subtracted the label 1 from every entry: y must be the one-hot row "
            "[0, 1, 0], so only the true class gets -1.",
        ),
        (p, "forgot_y", "you forgot to subtract y: the gradient is p - y, not p."),
        (
            -y / p,
            "dL_dp",
            "that is dL/dp = -y/p, the gradient with respect to the probabilities. Chain it "
            "through the softmax Jacobian diag(p) - p p^T to get dL/dz = p - y.",
        ),
        (
            p - nc.one_hot([int(np.argmax(p))], 3)[0],
            "wrong_class",
            "you used the predicted class 1 (label 0) as y; "
            "y is the one-hot row of the true class 2 (label 1).",
        ),
    ]:
        if close(g, cand, rtol=2e-3, atol=2e-4):
            return wrong(msg, tag)
    return wrong("compute p = softmax(z) first, then subtract the one-hot y = [0, 1, 0].")


# ----------------------------------------------------------------------------- temperature
@guarded
def check_temperature(p) -> Feedback:
    """Exercise ex-06-temperature: softmax(z / T) for z = [2, 0, -1] and T = 0.5.

    Three numbers, to four decimals (or more digits). Named mistakes:
    precision, multiplied, ignored_T, divided_p, shape, type.
    """
    z, T = HAND_Z, TEMPERATURE
    expected = nc.softmax(z / T)
    p = _array(p, "p_T", (3,))
    if isinstance(p, Feedback):
        return p
    near = to_decimals(p, expected)
    if isinstance(near, Feedback):
        return near
    if near is None:
        return correct(
            f"softmax(z / 0.5) = {np.round(expected, 4).tolist()}: a low temperature sharpens "
            "the distribution towards the largest logit."
        )
    for cand, tag, msg in [
        (
            nc.softmax(z * T),
            "multiplied",
            "you multiplied the logits by T; divide them: softmax(z / T). A low T sharpens.",
        ),
        (nc.softmax(z), "ignored_T", "that is softmax(z) at T = 1; divide the logits by T first."),
        (
            nc.softmax(z) / T,
            "divided_p",
            "you divided the probabilities by T (they no longer sum to 1); divide the logits.",
        ),
    ]:
        if close(p, cand, rtol=2e-3, atol=2e-4):
            return wrong(msg, tag)
    return wrong("divide the logits by T = 0.5 (giving [4, 0, -2]), then apply softmax.")


# ----------------------------------------------------------------------------- logsumexp
@guarded
def check_logsumexp(logsumexp) -> Feedback:
    """Exercise ex-06-logsumexp: the reader's ``logsumexp(z)`` for a 1-D array z.

    It must stay finite and exact for logits of ±1000. Named mistakes: overflow, underflow,
    forgot_m, log10, max_only, not_reduced, modified_input, raised, missing, type.
    """
    cases = [
        np.array([1.0, 2.0, 3.0]),
        np.array([1000.0, 1000.0]),
        np.array([-1000.0, -1000.0, -999.0]),
        np.array([0.0, -800.0]),
    ]
    for z in cases:
        out, fb = _quiet(logsumexp, z.copy())
        if fb is not None:
            return fb
        if out.size != 1:
            return wrong(
                f"expected one number for z = {z.tolist()}, got shape {out.shape}: sum over "
                "the entries.",
                "not_reduced",
            )
        value = float(out.reshape(()))
        expected = float(nc.logsumexp(z))
        if close(value, expected, rtol=1e-9, atol=1e-9):
            continue
        z_max = z.max()
        rest = float(np.log(np.sum(np.exp(z - z_max))))
        if value == np.inf:
            return wrong(
                f"for z = {z.tolist()} you get inf: e^1000 overflows. Use "
                "z_max + ln Σ e^(z - z_max) with z_max = max(z).",
                "overflow",
            )
        if value == -np.inf:
            return wrong(
                f"for z = {z.tolist()} you get -inf: every e^z underflows to 0 and ln 0 = "
                "-inf. Use z_max + ln Σ e^(z - z_max) with z_max = max(z).",
                "underflow",
            )
        if close(value, rest, rtol=1e-9, atol=1e-9):
            return wrong(
                "you forgot to add z_max back: logsumexp(z) = z_max + ln Σ e^(z - z_max).",
                "forgot_m",
            )
        if close(value, expected / np.log(10), rtol=1e-6, atol=1e-9) or close(
            value, z_max + rest / np.log(10), rtol=1e-6, atol=1e-9
        ):
            return wrong("you used log base 10; log-sum-exp uses ln.", "log10")
        if close(value, z_max, rtol=1e-9, atol=1e-9):
            return wrong(
                "max(z) is only an approximation (a lower bound); add ln Σ e^(z - z_max).",
                "max_only",
            )
        return wrong(f"for z = {z.tolist()} you get {value:.4f}, expected {expected:.4f}.")
    return correct("finite and exact for logits of ±1000.")
