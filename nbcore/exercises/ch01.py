"""Checkers for the exercises of chapter 1 (The neuron).

Each ``check_*`` function takes the reader's answer, never raises, and returns a
:class:`~nbcore.exercises.Feedback` whose message names the most likely mistake:

* :func:`check_hand_neuron` -- z and a of one sigmoid neuron computed by hand;
* :func:`check_neuron_function` -- a function ``neuron(X, w, b, g)`` vectorised over the rows of X;
* :func:`check_bias_prediction` -- the outputs of the AND perceptron after its bias is changed;
* :func:`check_gate_weights` -- weights and bias of a step neuron for a given logic gate;
* :func:`check_separable_count` -- how many of the 16 two-input Boolean functions one neuron
  can compute;
* :func:`check_fix_neuron` -- a sigmoid neuron for a batch, with its two bugs fixed.

Introduced in chapter 1 (The neuron).
"""

from __future__ import annotations

import numpy as np

from nbcore import activations as F
from nbcore.exercises._base import (
    Feedback,
    as_number,
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
from nbcore.exercises._code import loop_in, uses_library
from nbcore.widgets.neuron import GATES, X_TRUTH, gate_name

__all__ = [
    "HAND_B",
    "HAND_W",
    "HAND_X",
    "check_bias_prediction",
    "check_fix_neuron",
    "check_gate_weights",
    "check_hand_neuron",
    "check_neuron_function",
    "check_separable_count",
]

#: The inputs x, weights w and bias b of the neuron of exercise ex-01-hand-neuron (sigmoid).
HAND_X = np.array([1.0, 2.0, -1.0])
HAND_W = np.array([0.5, 0.25, -1.5])
HAND_B = -0.5


def _number(value):
    """``value`` as a finite float, or None when it is not a single finite real number."""
    out = as_number(value)
    return out if out is not None and np.isfinite(out) else None


def _same(a, b):
    return close(a, b, rtol=1e-3, atol=1e-4)


# ---- exercise 1: one neuron by hand ------------------------------------------------------------


@guarded
def check_hand_neuron(z, a) -> Feedback:
    """Check exercise ex-01-hand-neuron: z and a = sigmoid(z) of the neuron x = (1, 2, -1),
    w = (0.5, 0.25, -1.5), b = -0.5.

    Both numbers to four decimals, as the exercise asks (one unit in the last place either
    way); a near value with fewer decimals gets "precision". Recognised mistakes: the bias left
    out or subtracted, a sign lost in a product or in w·x, the weights and inputs added instead
    of multiplied, another activation (step, identity, tanh), the wrong sign in the exponential,
    and a sigmoid left incomplete.
    """
    x, w, b = HAND_X, HAND_W, HAND_B
    z_ok = float(w @ x + b)
    a_ok = float(F.sigmoid(z_ok))
    if z is None or a is None:
        return wrong("replace None with your values of z and a.", "missing")
    if isinstance(z, (list, tuple, np.ndarray)) and np.size(z) == 3:
        return wrong(
            "z is one number: add up the three products w_j x_j (and the bias), "
            "do not keep them as a vector.",
            "not-summed",
        )
    zv, av = _number(z), _number(a)
    if zv is None or av is None:
        return wrong(f"z and a should be numbers, got {describe(z)} and {describe(a)}.", "type")
    a_of_z = float(F.sigmoid(zv))
    consistent = " (Your a is σ of your z, so only z needs fixing.)" if _same(av, a_of_z) else ""
    if not matches_to_decimals(zv, z_ok, 4):
        wx = float(w @ x)
        diagnoses = [
            (wx, "no-bias", f"z = {wx:g} is w·x without the bias: add b = {b:g}."),
            (wx - b, "bias-sign", f"z = {wx - b:g} subtracts b; z = w·x + b adds it (b = {b:g})."),
            (
                wx - 2 * w[2] * x[2] + b,
                "product-sign",
                f"check the third product: w3 x3 = ({w[2]:g})·({x[2]:g}) = +{w[2] * x[2]:g}, "
                "a negative times a negative is positive.",
            ),
            (-wx + b, "wx-sign", "w·x has the wrong sign: z = +w·x + b."),
            (-(wx + b), "overall-sign", "your z has the right size but the wrong sign."),
            (
                float(w.sum() + x.sum() + b),
                "sum-not-product",
                "you added the weights and the inputs; z multiplies each input by its weight "
                "and adds the products: w1 x1 + w2 x2 + w3 x3 + b.",
            ),
        ]
        for value, tag, message in diagnoses:
            if _same(zv, value):
                return wrong(message + consistent, tag)
        if abs(zv - z_ok) < 0.01:
            return wrong(
                f"z = {fmt(zv)} is near, but the exercise asks for four decimals, and z is "
                "exact here: add the three products w_j x_j and b without rounding.",
                "precision",
            )
        return wrong(
            f"z = {fmt(zv)} is not right yet. Write the three products w_j x_j, add them, "
            "then add b." + consistent,
            "z-value",
        )
    if matches_to_decimals(av, a_ok, 4):
        return correct(f"z = {z_ok:g} and a = σ({z_ok:g}) = {a_ok:.4f}.")
    if abs(av - a_ok) < 0.01 or any(abs(av - round(a_ok, d)) < 1e-9 for d in (1, 2, 3)):
        return wrong(
            f"z = {z_ok:g} is right and a = {fmt(av)} is near, but the exercise asks for four "
            f"decimals (yours differs from σ(2) = 1/(1 + e^(-2)) by "
            f"{abs(av - a_ok):.1e}).",
            "precision",
        )
    diagnoses = [
        (float(F.step(z_ok)), "wrong-activation", "that is step(z); this neuron uses the sigmoid."),
        (z_ok, "wrong-activation", "that is z itself (the identity); apply σ(z) = 1/(1 + e^(-z))."),
        (float(np.tanh(z_ok)), "wrong-activation", "that is tanh(z), not the sigmoid."),
        (
            float(F.sigmoid(-z_ok)),
            "exp-sign",
            "that is 1/(1 + e^(+z)) = σ(-z): the exponent is -z, so e^(-2) = 0.1353.",
        ),
        (
            float(np.exp(-z_ok)),
            "sigmoid-incomplete",
            "that is e^(-z) only; σ(z) = 1/(1 + e^(-z)).",
        ),
        (
            float(1 + np.exp(-z_ok)),
            "sigmoid-incomplete",
            "that is the denominator 1 + e^(-z); take its reciprocal.",
        ),
    ]
    for value, tag, message in diagnoses:
        if _same(av, value):
            return wrong(f"z = {z_ok:g} is right, but a: " + message, tag)
    return wrong(
        f"z = {z_ok:g} is right, but a = {fmt(av)} is not σ({z_ok:g}); compute "
        "a = σ(z) = 1/(1 + e^(-z)).",
        "a-value",
    )


# ---- exercise 2: the vectorised neuron -------------------------------------------------------


def _cases():
    """Test cases (X, w, b, g): a single row, a batch, a square X (catches transposes)."""
    rng = np.random.default_rng(1)
    return [
        (np.array([[0.5, -1.0, 2.0]]), np.array([0.8, 0.2, 0.4]), -0.5, F.sigmoid),
        (rng.normal(size=(5, 3)), rng.normal(size=3), 0.7, F.sigmoid),
        (rng.normal(size=(3, 3)), rng.normal(size=3), -0.3, F.tanh),
        (rng.normal(size=(4, 2)), rng.normal(size=2), 1.2, F.identity),
    ]


@guarded
def check_neuron_function(neuron) -> Feedback:
    """Check exercise ex-01-neuron-function: ``neuron(X, w, b, g)`` for a batch.

    X (m, n), w (n,), b a number, g an activation function; the result has shape (m,). It is
    compared with nbcore's neuron on four batches (one of them square, where a transposed
    product raises no error). The exercise asks for no Python loop: a function with a ``for``
    or ``while`` loop, a comprehension, ``map`` or ``np.vectorize`` in its code gets "loop" even
    when its values are right (the code is read with ``inspect``; a function whose source cannot
    be read is not checked for loops).
    """
    if neuron is None:
        return wrong(
            "define your function `neuron` and pass it (not None) to the checker.", "missing"
        )
    if not callable(neuron):
        return wrong(
            f"pass the function itself, e.g. check_neuron_function(neuron); "
            f"got {type(neuron).__name__}.",
            "type",
        )
    for X, w, b, g in _cases():
        m, n = X.shape
        expected = g(X @ w + b)
        try:
            with np.errstate(all="ignore"):
                out = neuron(X.copy(), w.copy(), b, g)
        except Exception as err:  # the reader's code may raise anything
            hint = ""
            if isinstance(err, ValueError) and (
                "matmul" in str(err) or "shape" in str(err) or "broadcast" in str(err)
            ):
                hint = (
                    f" With X of shape ({m}, {n}) (one sample per row) and w of shape "
                    f"({n},), X @ w has shape ({m},): one z per sample."
                )
                return wrong(
                    f"your function raised {type(err).__name__} ({err}).{hint}", "orientation"
                )
            return wrong(
                f"your function raised {type(err).__name__} ({err}) for X of shape ({m}, {n}).",
                "exception",
            )
        if out is None:
            return wrong(
                "your function returned None: replace `return None` with the "
                "computation of a = g(z).",
                "missing",
            )
        try:
            out = float_array(out)
        except (TypeError, ValueError):
            return wrong(
                f"your function should return an array of numbers, got {type(out).__name__}.",
                "type",
            )
        if out.shape != expected.shape:
            if out.size == expected.size and _allclose(out.ravel(), expected):
                return wrong(
                    f"the values are right but the shape is {out.shape}; return "
                    f"shape ({m},), one output per row of X (e.g. no [:, None] and no "
                    "reshape).",
                    "shape",
                )
            if out.shape == (n,) and m != n:
                return wrong(
                    f"you got shape ({n},), one value per input feature: sum over "
                    f"axis=1 (the features), or use X @ w, to get one z per sample, "
                    f"shape ({m},).",
                    "wrong-axis",
                )
            return wrong(
                f"expected shape ({m},), one output per row of X; got {out.shape}.", "shape"
            )
        if _allclose(out, expected):
            continue
        Xw = X @ w
        diagnoses = [
            (g(Xw), "no-bias", "you forgot the bias: z = X @ w + b."),
            (g(Xw - b), "bias-sign", "the bias is added, not subtracted: z = X @ w + b."),
            (g(Xw) + b, "bias-after-g", "add b before applying g: a = g(X @ w + b)."),
            (Xw + b, "no-activation", "you returned z; apply the activation: a = g(z)."),
            (g(-Xw + b), "wx-sign", "X @ w has the wrong sign: z = +X @ w + b."),
        ]
        if m == n:
            diagnoses.append(
                (
                    g(X.T @ w + b),
                    "transposed",
                    "you used X.T @ w (features as rows); the book's X has one "
                    "sample per row, so z = X @ w + b.",
                )
            )
        for value, tag, message in diagnoses:
            if _allclose(out, value):
                return wrong(message, tag)
        return wrong(
            f"wrong values for X of shape ({m}, {n}): {difference(out, expected)}. Compare "
            "with g(X @ w + b) on a small example you can do by hand.",
            "value",
        )
    loop = loop_in(neuron)
    if loop is not None:
        return wrong(
            f"the values are right, but your function uses {loop}, and the exercise asks for "
            "no Python loop: one product X @ w gives every z at once, then a = g(X @ w + b).",
            "loop",
        )
    return correct("neuron(X, w, b, g) = g(X @ w + b), one output per row of X.")


def _allclose(a, b):
    a, b = float_array(a), float_array(b)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, atol=1e-8)


# ---- exercise 3: predict, then check ---------------------------------------------------------


def _as_outputs(outputs):
    """The reader's four outputs as a float array of shape (4,), or None."""
    try:
        arr = float_array(outputs)
    except (TypeError, ValueError):
        return None
    return arr if arr.shape == (4,) and np.all(np.isfinite(arr)) else None


@guarded
def check_bias_prediction(b, outputs) -> Feedback:
    """Check exercise ex-01-bias-prediction: the outputs of the step neuron w = (1, 1), bias ``b``.

    ``outputs`` are the four outputs on the rows (0, 0), (0, 1), (1, 0), (1, 1); the step is
    1 where z > 0 and 0 where z <= 0 (the book's convention, ``nc.step``).
    """
    bv = _number(b)
    if bv is None:
        return wrong(
            f"b should be the bias you predicted for, a number; got {describe(b)}.", "type"
        )
    if outputs is None:
        return wrong(
            f"replace None with your four predicted outputs for b = {bv:g}, e.g. [0, 0, 0, 1].",
            "missing",
        )
    out = _as_outputs(outputs)
    if out is None:
        return wrong(
            "give four outputs, one per row (0, 0), (0, 1), (1, 0), (1, 1), e.g. "
            f"[0, 0, 0, 1]; got {describe(outputs)}.",
            "shape",
        )
    z = X_TRUTH @ np.array([1.0, 1.0]) + bv
    expected = (z > 0).astype(float)
    name = gate_name(expected)
    if np.array_equal(out, expected):
        extra = ""
        if np.any(z == 0):
            rows = [tuple(int(v) for v in X_TRUTH[i]) for i in np.flatnonzero(z == 0)]
            extra = (
                f" At {', '.join(map(str, rows))} z is exactly 0, and step(0) = 0: those "
                "points lie on the decision line."
            )
        return correct(f"with b = {bv:g} the neuron computes {name}.{extra}")
    if not np.all(np.isin(out, (0.0, 1.0))):
        if np.allclose(out, z):
            return wrong(
                "those are the z values; the outputs are step(z): 1 where z > 0, else 0.", "gave-z"
            )
        return wrong(
            "a step neuron outputs only 0 or 1: apply step(z) to each row's z.", "not-binary"
        )
    if np.array_equal(out, (z >= 0).astype(float)):
        return wrong(
            "you used step(0) = 1. The book's step is 1 only where z > 0 "
            "(nc.step(0.0) is 0.0); look at the rows where z = 0 exactly.",
            "step-convention",
        )
    if np.array_equal(out, np.array(GATES["AND"], dtype=float)):
        return wrong(
            f"that is still AND. The bias moves the threshold: with b = {bv:g}, "
            f"z = x1 + x2 + ({bv:g}) on each row.",
            "unchanged",
        )
    if np.array_equal(out, 1 - expected):
        return wrong("exactly the opposite outputs: 1 is for z > 0, 0 for z <= 0.", "inverted")
    idx = np.flatnonzero(out != expected)
    bad = [tuple(int(v) for v in X_TRUTH[i]) for i in idx]
    yours = ", ".join(f"{v:g}" for v in out[idx])
    return wrong(
        f"not yet right at {', '.join(map(str, bad))} (your outputs there: {yours}): "
        "compute z = x1 + x2 + b on those rows, then step(z).",
        "rows",
    )


# ---- exercise 4: weights for a gate ----------------------------------------------------------


def _gate_key(gate):
    if not isinstance(gate, str):
        return None
    wanted = " ".join(gate.replace("_", " ").split()).upper()
    for name in GATES:
        if name.upper() == wanted:
            return name
    return None


@guarded
def check_gate_weights(gate, w, b) -> Feedback:
    """Check exercise ex-01-more-gates: the step neuron ``w`` (2,), ``b`` computes ``gate``.

    ``gate`` is a name of :data:`nbcore.widgets.neuron.GATES` (case does not matter), e.g.
    ``"NOR"`` or ``"x1 AND NOT x2"``. The step is 1 where z > 0 (``nc.step``).
    """
    name = _gate_key(gate)
    if name is None:
        return wrong(f"unknown gate {describe(gate)}; use one of {list(GATES)}.", "gate")
    if w is None or b is None:
        return wrong("replace None with your weights w = [w1, w2] and bias b.", "missing")
    try:
        wv = float_array(w)
    except (TypeError, ValueError):
        return wrong(f"w should be two numbers [w1, w2]; got {describe(w)}.", "type")
    if wv.shape != (2,):
        return wrong(
            f"w should have shape (2,), one weight per input; got shape {wv.shape}.", "shape"
        )
    bv = _number(b)
    if bv is None or not np.all(np.isfinite(wv)):
        return wrong(f"b should be one finite number and w finite; got b = {describe(b)}.", "type")
    want = np.array(GATES[name])
    with np.errstate(over="ignore", invalid="ignore"):
        z = X_TRUTH @ wv + bv
        swapped = (X_TRUTH[:, ::-1] @ wv + bv > 0).astype(int)
    got = (z > 0).astype(int)
    on_line = np.flatnonzero(z == 0)
    if np.array_equal(got, want):
        margin = float(np.min(np.abs(z)))
        if margin < 0.5 - 1e-9:
            i = int(np.argmin(np.abs(z)))
            row = tuple(int(v) for v in X_TRUTH[i])
            return wrong(
                f"your neuron computes {name}, but at {row} z = {fmt(z[i])}, closer to 0 than "
                "the 0.5 the exercise asks for. Scale w and b up, or move b to the middle of "
                "the allowed interval, so that every |z| >= 0.5.",
                "margin",
            )
        if on_line.size:
            rows = ", ".join(str(tuple(int(v) for v in X_TRUTH[i])) for i in on_line)
            return correct(
                f"your neuron computes {name}, but z = 0 exactly at {rows}: the "
                "answer depends on step(0) = 0. A bias in the middle of the allowed "
                "interval is safer."
            )
        return correct(f"step({_affine(wv, bv)}) computes {name}.")
    if name in ("XOR", "XNOR"):
        return wrong(
            f"no single neuron computes {name}: the four inequalities contradict each "
            f"other (see the chapter). These weights compute {gate_name(got)}.",
            "impossible",
        )
    if np.array_equal((z >= 0).astype(int), want):
        return wrong(
            "this works only if step(0) = 1: z = 0 exactly at some rows, and the "
            "book's step gives 0 there. Move b a little (to the middle of the allowed "
            "interval).",
            "step-convention",
        )
    if np.array_equal(got, 1 - want):
        return wrong(
            f"your neuron computes the opposite gate ({gate_name(got)}); flip the "
            "signs of w and b (and keep z away from 0).",
            "inverted",
        )
    if np.array_equal(swapped, want):
        return wrong("you swapped the roles of x1 and x2: swap w1 and w2.", "swapped")
    rows = [
        f"{tuple(int(v) for v in X_TRUTH[i])}: z = {z[i]:g}, output {got[i]}, wanted {want[i]}"
        for i in np.flatnonzero(got != want)
    ]
    return wrong(
        f"your neuron computes {gate_name(got)}, not {name}. Wrong rows: " + "; ".join(rows) + ".",
        "rows",
    )


def _term(v):
    """'+ 0.5' or '- 1': a term of a sum with its sign in front."""
    return f"- {abs(v):g}" if v < 0 else f"+ {v:g}"


def _affine(w, b):
    """'-1 x1 - 1 x2 + 0.5': the pre-activation with its numbers, signs tidied."""
    w1 = f"-{abs(w[0]):g}" if w[0] < 0 else f"{w[0]:g}"
    return f"{w1} x1 {_term(w[1])} x2 {_term(b)}"


# ---- exercise 5: how many gates can one neuron compute? ---------------------------------------


@guarded
def check_separable_count(count) -> Feedback:
    """Check exercise ex-01-count-gates: how many two-input Boolean functions one step neuron
    computes (a whole number from 0 to 16)."""
    if count is None:
        return wrong("replace None with your count (a whole number from 0 to 16).", "missing")
    value = _number(count)
    if value is None or value != round(value):
        return wrong(f"the count is a whole number from 0 to 16; got {describe(count)}.", "type")
    value = int(round(value))
    if value == 14:
        return correct(
            "14 of the 16: every Boolean function of two inputs except XOR and "
            "XNOR is linearly separable."
        )
    messages = {
        16: ("not every function: XOR is impossible, as the chapter proved.", "all"),
        15: (
            "XNOR is impossible too: a neuron for XNOR with (w, b) would give XOR with "
            "(-w, -b), up to points on the line.",
            "xnor",
        ),
        12: (
            "do not forget the constant functions FALSE and TRUE (w = 0, b = -1 or 1) and "
            "the ones that copy or negate one input.",
            "constants",
        ),
        13: ("one function too few: list the 16 truth tables and check each.", "count"),
        2: (
            "the count is of functions a neuron CAN compute, not of those it cannot.",
            "complement",
        ),
    }
    message, tag = messages.get(
        value,
        (
            "not right: search a grid of (w1, w2, b) and collect the distinct output "
            "patterns on the four rows.",
            "count",
        ),
    )
    return wrong(message, tag)


# ---- exercise 6: find the bug ------------------------------------------------------------------
def _neuron_given(X, w, b):
    z = X @ w - b
    return 1 / (1 + np.exp(z))


def _neuron_bias_bug(X, w, b):
    return 1 / (1 + np.exp(-(X @ w - b)))


def _neuron_exp_bug(X, w, b):
    return 1 / (1 + np.exp(X @ w + b))


def _neuron_right(X, w, b):
    return 1 / (1 + np.exp(-(X @ w + b)))


@guarded
def check_fix_neuron(neuron) -> Feedback:
    """Check exercise ex-01-fix-neuron: the reader's corrected ``neuron(X, w, b)``.

    A correct answer is the sigmoid neuron for a batch, for ``X`` of shape (m, n), ``w`` of
    shape (n,) and a number ``b``. It is compared with nbcore's sigmoid neuron on the first
    exercise's neuron and on two random batches. The exercise asks to keep NumPy: a fix that
    calls a library sigmoid (``nc.sigmoid``, ``scipy.special.expit``, read from the function's
    code with ``inspect``) is refused.

    Recognised mistakes (the ``mistake`` of the feedback): ``unchanged`` (the given function,
    both bugs), ``bias-sign`` (the bias still has the wrong sign), ``exp-sign`` (the
    exponent still has the wrong sign, which gives 1 - sigma(z)) and ``library-sigmoid``
    (right values, but from ``nc.sigmoid`` instead of the fixed NumPy code).

    Introduced in chapter 1 (The neuron).

    Parameters
    ----------
    neuron : callable
        The reader's ``neuron(X, w, b)``, returning an array of shape (m,).

    Returns
    -------
    Feedback
        Correct, or the bug that remains; never raises.
    """
    rng = np.random.default_rng(11)
    cases = [
        (HAND_X[None, :], HAND_W, HAND_B),
        (rng.normal(size=(6, 3)), rng.normal(size=3), 0.7),
        (rng.normal(size=(4, 2)), rng.normal(size=2), -1.3),
    ]
    bugs = [
        (_neuron_given, "unchanged", "this is still the given function: it has two bugs."),
        (
            _neuron_bias_bug,
            "bias-sign",
            "the exponent is fixed, but the bias is still subtracted: z = X @ w + b.",
        ),
        (
            _neuron_exp_bug,
            "exp-sign",
            "the bias is fixed, but the exponent has the wrong sign: σ(z) = 1 / (1 + e^(-z)), "
            "so np.exp(-z). Yours computes σ(-z) = 1 - σ(z).",
        ),
    ]
    found = find_remaining_bug(neuron, cases, _neuron_right, bugs, name="neuron")
    if found is not None:
        return found
    library = uses_library(neuron, {"sigmoid", "expit"})
    if library is not None:
        return wrong(
            f"the values are right, but they come from a library's {library}; the exercise "
            "asks you to fix the colleague's NumPy code (no nc.sigmoid): z = X @ w + b, then "
            "1 / (1 + np.exp(-z)).",
            "library-sigmoid",
        )
    return correct(
        "both bugs are fixed: z = X @ w + b and σ(z) = 1 / (1 + e^(-z)); the first exercise's "
        "neuron gives 0.8808 again."
    )
