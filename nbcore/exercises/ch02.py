"""Checkers for the exercises of chapter 2 (Layers and forward propagation).

Each ``check_*`` returns a :class:`~nbcore.exercises.Feedback` that names the most likely
mistake: a transposed weight matrix, a forgotten bias, the activation applied to the wrong layer,
the input layer counted as a layer, biases left out of a parameter count.
"""

from __future__ import annotations

import numpy as np

from nbcore.activations import sigmoid, step
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
    to_float_array,
    wrong,
)
from nbcore.exercises._code import uses_library

__all__ = [
    "check_hidden_unit",
    "check_fix_forward",
    "check_forward",
    "check_z1_shape",
    "check_layers_and_params",
    "check_xnor_network",
]

_MISSING = "replace None with your answer, then run this cell again."


def _pair(answer):
    """``answer`` as a tuple of two numbers, or None when it is not one."""
    try:
        a, b = answer
    except Exception:
        return None
    a, b = as_number(a), as_number(b)
    return (a, b) if a is not None and b is not None else None


# --- Exercise 1: one hidden unit by hand ----------------------------------------------------
# Running example weights, new input x = (2, -1), hidden unit 2: w3 = -1, w4 = 0.5, b2 = 0.25.
_X_EX1 = np.array([2.0, -1.0])
_W_UNIT2 = np.array([-1.0, 0.5])
_B_UNIT2 = 0.25


@guarded
def check_hidden_unit(answer) -> Feedback:
    """Exercise ex-02-hidden-unit: ``answer = (z, a)`` for hidden unit 2 at x = (2, -1).

    :math:`z^{[1]}_2` and :math:`a^{[1]}_2` of the running example's weights, both to four
    decimals (one unit in the last place either way; z is exact); a near value with fewer
    decimals gets "precision". Recognised mistakes: the two numbers swapped, hidden unit 1's
    weights, the weights numbered by the input they leave (W^[1] transposed), the bias left
    out, added twice or subtracted, a = z (no activation) and the sign in the sigmoid.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    if isinstance(answer, (tuple, list)) and any(v is None for v in answer):
        return wrong("replace each None in `answer = (z, a)` with your number.", "missing")
    z_ok = float(_W_UNIT2 @ _X_EX1 + _B_UNIT2)
    a_ok = float(sigmoid(z_ok))
    pair = _pair(answer)
    if pair is None:
        single = as_number(answer)
        if single is None:
            return wrong("give both numbers as a pair: `answer = (z, a)`.", "format")
        if close(single, a_ok, rtol=1e-3, atol=5e-4) or close(single, z_ok, atol=5e-4):
            return wrong(
                f"{single:g} is one of the two numbers; give both as `answer = (z, a)`.", "format"
            )
        return wrong("give both numbers as a pair: `answer = (z, a)`.", "format")
    z, a = pair
    if close(z, a_ok, atol=5e-4) and close(a, z_ok, atol=5e-4):
        return wrong("you swapped the two numbers: the order is (z, a).", "swapped")
    if not matches_to_decimals(z, z_ok, 4):
        candidates = {
            "unit1": (
                float(np.array([0.5, -1.0]) @ _X_EX1 + 0.25),
                "you used hidden unit 1's weights, row 1 of W^[1], (w1, w2) = (0.5, -1). Unit 2 "
                "reads row 2, (w3, w4) = (-1, 0.5), with its bias b2 = 0.25.",
            ),
            "no_bias": (float(_W_UNIT2 @ _X_EX1), "you forgot the bias b2 = 0.25."),
            "double_bias": (
                z_ok + _B_UNIT2,
                "you added a bias twice; each unit has exactly one bias (a mistake one of the "
                "source articles makes: it writes h1 = σ(w1 x1 + b1 + w4 x2 + b4)).",
            ),
            "transposed": (
                float(np.array([-1.0, 1.0]) @ _X_EX1 + _B_UNIT2),  # (w2, w5) = (-1, 1)
                "you used w2 and w5, numbering the weights by the input they leave (as one "
                "source article does: w1, w2, w3 leave x1). In this book row j of W^[1] holds the "
                "weights INTO unit j: for unit 2 that is row 2, (w3, w4) = (-1, 0.5).",
            ),
            "bias_subtracted": (
                float(_W_UNIT2 @ _X_EX1) - _B_UNIT2,
                "you subtracted the bias; z = w·x + b adds it.",
            ),
        }
        for tag, (value, message) in candidates.items():
            if close(z, value, atol=5e-4):
                return wrong(message, tag)
        if abs(z - z_ok) < 0.01:
            return wrong(
                f"z = {fmt(z)} is near, but z is exact here (four decimals are asked): add "
                "the products and the bias without rounding.",
                "precision",
            )
        return wrong(
            f"z = {z:g} is not right: z = w3 x1 + w4 x2 + b2 with w3 = -1, w4 = 0.5, b2 = 0.25.",
            "z_wrong",
        )
    if close(a, z_ok, atol=5e-4):
        return wrong("a is the activation σ(z), not z itself.", "no_activation")
    if close(a, float(sigmoid(-z_ok)), atol=5e-4):
        return wrong("a sign slipped: σ(z) = 1 / (1 + e^(-z)); you computed σ(-z).", "sign")
    if matches_to_decimals(a, a_ok, 4):
        return correct(f"z = {z_ok:g} and a = σ({z_ok:g}) = {a_ok:.4f}.")
    if abs(a - a_ok) < 0.01 or any(abs(a - round(a_ok, d)) < 1e-9 for d in (1, 2, 3)):
        return wrong(
            f"z is right and a = {fmt(a)} is near, but four decimals are asked: yours differs "
            f"from σ({z_ok:g}) by {abs(a - a_ok):.1e}. Keep more digits of e^2.25.",
            "precision",
        )
    return wrong(
        f"z is right, but a = {fmt(a)} is not σ({z_ok:g}); recompute a = σ(z) = "
        f"1 / (1 + e^(-z)) for z = {z_ok:g}.",
        "a",
    )


# --- Exercise 2: forward(X, params) in batch form ---------------------------------------------


def _reference_forward(X, params, *, bias=True, transpose=True, last_act=True, act_first=False):
    A = X
    for i, (W, b) in enumerate(params):
        if act_first:
            A = sigmoid(A)
        Z = A @ (W.T if transpose else W) + (b if bias else 0)
        A = Z if (act_first or (not last_act and i == len(params) - 1)) else sigmoid(Z)
    return A


def _forward_cases():
    rng = np.random.default_rng(2)
    W1 = np.array([[0.5, -1.0], [-1.0, 0.5], [1.0, 1.0]])
    b1 = np.array([0.25, 0.25, -0.5])
    W2 = np.array([[-0.5, 1.0, 1.0]])
    b2 = np.array([-0.25])
    X = np.array([[1.0, 0.5], [0.0, 0.0], [-1.0, 1.0], [2.0, -0.5]])
    square = [(rng.normal(size=(2, 2)), rng.normal(size=2)) for _ in range(2)]
    deep = [
        (rng.normal(size=(4, 3)), rng.normal(size=4)),
        (rng.normal(size=(2, 4)), rng.normal(size=2)),
        (rng.normal(size=(1, 2)), rng.normal(size=1)),
    ]
    return [
        ("the running example 2-3-1", X, [(W1, b1), (W2, b2)]),
        ("a 2-2-2 network", rng.normal(size=(5, 2)), square),
        ("a 3-4-2-1 network", rng.normal(size=(6, 3)), deep),
    ]


@guarded
def check_forward(forward) -> Feedback:
    """Exercise ex-02-forward: ``forward(X, params)`` with sigmoid after every layer.

    ``params`` is a list of ``(W, b)`` with W of shape (n_out, n_in); X has one sample per row.
    The reader's function is run on three networks (one with square weight matrices, where
    forgetting the transpose does not raise an error) and must return an array (or nested
    list) of shape (m, n_out). The exercise asks for NumPy and ``nc.sigmoid`` only: a function
    whose code uses ``nc.Dense``, ``nc.MLP`` or ``nc.Sequential`` gets "used_dense" (the code
    is read with ``inspect``; a function whose source cannot be read is judged on its values).
    """
    if forward is None:
        return wrong(_MISSING, "missing")
    if not callable(forward):
        return wrong("pass the function itself: `check_forward(forward)`.", "format")
    for name, X, params in _forward_cases():
        expected = _reference_forward(X, params)
        try:
            got = forward(X.copy(), [(W.copy(), b.copy()) for W, b in params])
        except (ValueError, TypeError, IndexError) as e:
            if "matmul" in str(e) or "shape" in str(e) or "align" in str(e):
                return wrong(
                    f"on {name} your function raised a shape error ({type(e).__name__}). Most "
                    "likely you wrote A @ W: W has shape (n_out, n_in), so the batch form is "
                    "Z = A @ W.T + b.",
                    "W_not_transposed",
                )
            return wrong(f"on {name} your function raised {type(e).__name__}: {e}", "error")
        except Exception as e:  # noqa: BLE001 - report any error to the reader
            return wrong(f"on {name} your function raised {type(e).__name__}: {e}", "error")
        if isinstance(got, (list, tuple)):
            stacked = to_float_array(got)
            if stacked is None or stacked.shape != expected.shape:
                return wrong("return only the output A^[L] (an array), not a list.", "list")
        if got is None:
            return wrong("your function returns None: end it with `return A`.", "none")
        raw, got = got, to_float_array(got)
        if got is None:
            return wrong(f"your function returned {describe(raw)}, expected an array.", "format")
        if got.shape == X.shape and np.allclose(got, X):
            return wrong("it returns X unchanged: compute Z and A inside the loop.", "unchanged")
        if got.shape == expected.T.shape and got.shape != expected.shape:
            return wrong(
                f"the output has shape {got.shape}, expected {expected.shape}: samples are "
                "rows, so A^[L] has shape (m, n_out).",
                "transposed_output",
            )
        if got.shape != expected.shape:
            return wrong(
                f"on {name} the output has shape {got.shape}, expected {expected.shape}.", "shape"
            )
        if np.allclose(got, expected):
            continue
        mistakes = [
            (
                dict(transpose=False),
                "W_not_transposed",
                "you multiplied by W instead of W.T (it only ran because W was square): "
                "Z = A @ W.T + b.",
            ),
            (dict(bias=False), "no_bias", "you forgot to add the bias b."),
            (
                dict(last_act=False),
                "no_output_activation",
                "the last layer has no sigmoid: apply A = σ(Z) after every layer, the output too.",
            ),
            (
                dict(act_first=True),
                "activation_wrong_layer",
                "you applied σ to each layer's input instead of its output: Z = A @ W.T + b "
                "first, then A = σ(Z).",
            ),
        ]
        for kwargs, tag, message in mistakes:
            try:
                candidate = _reference_forward(X, params, **kwargs)
            except ValueError:  # e.g. A @ W with a non-square W
                continue
            if candidate.shape == got.shape and np.allclose(got, candidate):
                return wrong(message + f" (found on {name})", tag)
        return wrong(
            f"the values are wrong on {name}: {difference(got, expected)}. Compare with "
            "Z = A @ W.T + b, A = σ(Z).",
            "values",
        )
    library = uses_library(forward, {"Dense", "MLP", "Sequential"}, modules=("nbcore",))
    if library is not None:
        return wrong(
            f"the values are right, but your function uses nc.{library}; the exercise asks for "
            "NumPy and nc.sigmoid only: Z = A @ W.T + b, then A = nc.sigmoid(Z).",
            "used_dense",
        )
    return correct("your forward pass matches on the 2-3-1, 2-2-2 and 3-4-2-1 networks.")


# --- Exercise 3: the shape of Z^[1] -------------------------------------------------------------
# Network 4-3-2 (n0 = 4, n1 = 3, n2 = 2) and a batch of m = 5 samples.


@guarded
def check_z1_shape(answer) -> Feedback:
    """Exercise ex-02-z1-shape: the shape of Z^[1] for a 4-3-2 network and a batch of 5.

    Give a tuple of whole numbers. Recognised mistakes: the transposed shape (samples
    as columns), the shape of X, of W^[1], of its transpose or of b^[1], and the output layer's
    Z^[2].
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    entries = None
    if not isinstance(answer, (str, bytes, dict, set, frozenset)):
        try:
            entries = [as_number(v) for v in answer]
        except Exception:
            entries = None
    if not entries or any(v is None or v != round(v) or v < 0 for v in entries):
        return wrong(
            "give the shape as a tuple of whole numbers, e.g. `answer = (2, 7)`; got "
            f"{describe(answer)}.",
            "format",
        )
    shape = tuple(int(v) for v in entries)
    known = {
        (5, 3): None,
        (3, 5): (
            "transposed",
            "(3, 5) is the shape in the 'samples are columns' convention; "
            "this book stacks samples as rows: Z^[1] is (m, n^[1]).",
        ),
        (5, 4): ("input_shape", "(5, 4) is the shape of X = A^[0], the layer's input."),
        (3, 4): ("W_shape", "(3, 4) is the shape of W^[1], not of Z^[1]."),
        (4, 3): (
            "W_transposed",
            "(4, 3) is the shape of W^[1].T; Z^[1] = X W^[1].T + b^[1] is (5, 4)·(4, 3) -> (5, 3).",
        ),
        (5, 2): ("wrong_layer", "(5, 2) is Z^[2], the output layer; Z^[1] is the hidden layer."),
        (3,): ("bias_shape", "(3,) is the shape of b^[1]; a batch gives one row per sample."),
    }
    if shape not in known:
        return wrong(
            f"{shape} is not it: multiply the shapes, (m, n^[0]) · (n^[0], n^[1]).", "unknown"
        )
    if known[shape] is None:
        return correct("(5, 4) · (4, 3) = (5, 3), and b^[1] of shape (3,) is added to every row.")
    tag, message = known[shape]
    return wrong(message, tag)


# --- Exercise 4: layers and parameters of a 784-128-64-10 network -------------------------------
_SIZES_EX4 = [784, 128, 64, 10]


@guarded
def check_layers_and_params(answer) -> Feedback:
    """Exercise ex-02-count: ``answer = (L, P)`` for the network 784-128-64-10.

    L counts the layers as the book does and P the weights and biases, both whole numbers.
    Recognised mistakes: the input layer counted, only the hidden layers counted, the biases
    left out, biases given to the input layer, the units counted instead of the parameters,
    and a "+ 1" added to both sizes of a layer.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    pair = _pair(answer)
    if pair is None:
        return wrong("give both numbers as a pair: `answer = (L, P)`.", "format")
    L, P = pair
    sizes = _SIZES_EX4
    weights = sum(n * m for m, n in zip(sizes[:-1], sizes[1:], strict=True))
    biases = sum(sizes[1:])
    P_ok = weights + biases
    if L == len(sizes):
        return wrong(
            "you counted the input layer: it is layer 0, holds no weights, and is not counted. "
            "784-128-64-10 has L = 3 layers.",
            "counted_input_layer",
        )
    if L == len(sizes) - 2:
        return wrong("you counted only the hidden layers; the output layer counts too.", "L")
    if L != len(sizes) - 1:
        return wrong("count the layers that have weights: one per arrow between sizes.", "L")
    if P == weights:
        return wrong(
            f"you counted only the weights ({weights}); every unit also has a bias: "
            f"add n^[1] + n^[2] + n^[3] = {biases}.",
            "no_biases",
        )
    if P == P_ok + sizes[0]:
        return wrong(
            "you gave the input layer biases too: the inputs are just the data, with no "
            "parameters. Biases belong to layers 1..L only.",
            "input_biases",
        )
    if P == sum(sizes):
        return wrong("that is the number of units; count weights and biases.", "units")
    if P == sum((m + 1) * (n + 1) for m, n in zip(sizes[:-1], sizes[1:], strict=True)):
        return wrong(
            "each layer has n^[l] (n^[l-1] + 1) parameters, not (n^[l-1]+1)(n^[l]+1).",
            "plus_one_twice",
        )
    if P == P_ok:
        return correct(f"L = 3 and P = 128·785 + 64·129 + 10·65 = {P_ok}.")
    return wrong(
        f"L = 3 is right, but P = {fmt(P)} is not; recount P = Σ n^[l] (n^[l-1] + 1) over "
        "l = 1..3.",
        "P",
    )


# --- Exercise 5: design a 2-2-1 network for XNOR ------------------------------------------------
_XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_XNOR = np.array([1.0, 0.0, 0.0, 1.0])


def _step_net(W1, b1, W2, b2):
    H = step(_XOR_INPUTS @ W1.T + b1)
    Z2 = H @ W2.T + b2
    return step(Z2)[:, 0], _XOR_INPUTS @ W1.T + b1, Z2


@guarded
def check_xnor_network(W1, b1=None, W2=None, b2=None) -> Feedback:
    """Exercise ex-02-xnor: a 2-2-1 network of step units that computes XNOR.

    Shapes as in ``nbcore.Dense``: W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,) (a number for b2
    is accepted: it broadcasts the same way). XNOR is 1 when the two inputs are equal:
    (0,0) -> 1, (0,1) -> 0, (1,0) -> 0, (1,1) -> 1. Every entry must be finite. Recognised
    mistakes: a network for XOR (the opposite), W1 transposed, and a z exactly at the
    threshold (step(0) = 0).
    """
    if W1 is None or b1 is None or W2 is None or b2 is None:
        return wrong("set W1, b1, W2 and b2 (replace every None), then run again.", "missing")
    try:
        W1, b1, W2, b2 = (float_array(v) for v in (W1, b1, W2, b2))
    except (TypeError, ValueError):
        return wrong("W1, b1, W2, b2 must be numbers or arrays of numbers.", "format")
    if not all(np.all(np.isfinite(v)) for v in (W1, b1, W2, b2)):
        return wrong("W1, b1, W2 and b2 must be finite numbers (no NaN or inf).", "not_finite")
    if W2.shape == (2, 1) or W2.shape == (2,):
        return wrong(
            f"W2 has shape {W2.shape}; a layer with 1 unit and 2 inputs has W of shape "
            "(n_out, n_in) = (1, 2), e.g. np.array([[1.0, 1.0]]).",
            "W_transposed",
        )
    expected = {"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)}
    for name, arr in zip(expected, (W1, b1, W2, b2), strict=True):
        if arr.shape != expected[name] and not (name == "b2" and arr.shape == ()):
            return wrong(f"{name} has shape {arr.shape}, expected {expected[name]}.", "shape")
    b2 = b2.reshape(1)
    out, Z1, Z2 = _step_net(W1, b1, W2, b2)
    if np.array_equal(out, _XNOR):
        return correct("your network outputs 1, 0, 0, 1 on (0,0), (0,1), (1,0), (1,1): XNOR.")
    hint = ""
    if np.any(Z1 == 0) or np.any(Z2 == 0):
        hint = (
            " Some unit has z exactly 0, and step(0) = 0 here: shift its bias by 0.5 so "
            "no z lands on the threshold."
        )
    if np.array_equal(out, 1 - _XNOR):
        return wrong(
            "your network computes XOR, the opposite of XNOR: invert the output unit "
            "(negate its weights and bias)." + hint,
            "xor",
        )
    if np.array_equal(_step_net(W1.T, b1, W2, b2)[0], _XNOR):
        return wrong(
            "it works with W1 transposed: row j of W1 holds the weights INTO hidden unit j." + hint,
            "W_transposed",
        )
    return wrong(
        f"your network outputs {out.astype(int).tolist()}, XNOR is [1, 0, 0, 1]. "
        "Idea: one hidden unit for AND, one for NOR, and OR at the output." + hint,
        "truth_table",
    )


# --- Exercise 6: find the bug -------------------------------------------------------------------
def _fwd_given(X, params):
    A = X
    for W, b in params:
        Z = A @ W + b
    A = sigmoid(Z)
    return A


def _fwd_transpose_bug(X, params):
    A = X
    for W, b in params:
        A = sigmoid(A @ W + b)
    return A


def _fwd_indent_bug(X, params):
    A = X
    for W, b in params:
        Z = A @ W.T + b
    A = sigmoid(Z)
    return A


def _fwd_right(X, params):
    A = X
    for W, b in params:
        A = sigmoid(A @ W.T + b)
    return A


@guarded
def check_fix_forward(forward) -> Feedback:
    """Check exercise ex-02-fix-forward: the reader's corrected ``forward(X, params)``.

    A correct answer runs the layers of ``params`` in order (each ``W`` of shape (n_out, n_in)),
    a dense layer and then the sigmoid for each, and returns the last activation. It is
    compared with nbcore's forward pass on a 2-2-2 and a 3-3-3-3 network with square weights
    and on the running example (a 2-3-1 network).

    Recognised mistakes (the ``mistake`` of the feedback): ``unchanged`` (the given function,
    both bugs), ``W_not_transposed`` (the product with ``W`` still the wrong way round) and
    ``activation_outside_loop`` (the activation still after the loop, so every layer reads
    ``X``).

    Introduced in chapter 2 (Layers and forward propagation).

    Parameters
    ----------
    forward : callable
        The reader's ``forward(X, params)``, returning the network's output for the batch ``X``.

    Returns
    -------
    Feedback
        Correct, or the bug that remains; never raises.
    """
    rng = np.random.default_rng(21)
    cases = [
        (
            rng.normal(size=(4, 2)),
            [(rng.normal(size=(2, 2)), rng.normal(size=2)) for _ in range(2)],
        ),
        (
            rng.normal(size=(3, 3)),
            [(rng.normal(size=(3, 3)), rng.normal(size=3)) for _ in range(3)],
        ),
        (
            np.array([[1.0, 0.5]]),
            [
                (np.array([[0.5, -1.0], [-1.0, 0.5], [1.0, 1.0]]), np.array([0.25, 0.25, -0.5])),
                (np.array([[-0.5, 1.0, 1.0]]), np.array([-0.25])),
            ],
        ),
    ]
    bugs = [
        (_fwd_given, "unchanged", "this is still the given function: it has two bugs."),
        (
            _fwd_transpose_bug,
            "W_not_transposed",
            "the loop is fixed, but Z = A @ W uses W the wrong way round: W has shape "
            "(n_out, n_in), so Z = A @ W.T + b (with square W both run).",
        ),
        (
            _fwd_indent_bug,
            "activation_outside_loop",
            "the transpose is fixed, but A = σ(Z) is still outside the loop: every layer then "
            "reads X instead of the previous layer's output. Indent it into the loop.",
        ),
    ]
    found = find_remaining_bug(forward, cases, _fwd_right, bugs, name="forward")
    if found is not None:
        return found
    return correct("both bugs are fixed: Z = A @ W.T + b, then A = σ(Z), inside the loop.")
