"""Checkers for the exercises of chapter 5 (Backpropagation).

Each ``check_*`` function takes the reader's answer and returns a :class:`Feedback` that names
the likely mistake: a sign error, a missing factor x, the sigmoid derivative taken twice or from
z, a forgotten 1/m, dW transposed, db not summed over the batch, gradients not zeroed.
"""

from __future__ import annotations

import numpy as np

from nbcore.activations import sigmoid
from nbcore.exercises._base import (
    Feedback,
    call_reader,
    close,
    correct,
    describe,
    difference,
    float_array,
    guarded,
    read_array,
    read_number,
    to_decimals,
    wrong,
)

__all__ = [
    "check_neuron_grad",
    "check_batch_update",
    "check_dense_backward",
    "check_double_backward_error",
    "check_sigmoid_backward",
    "check_second_iteration",
]


def _pair(answer, what):
    """``answer`` as two floats, or a Feedback explaining the expected form."""
    if answer is None:
        return wrong(f"replace None with {what}.", "missing")
    try:
        arr = float_array(answer)
    except (TypeError, ValueError):
        return wrong(f"expected {what}, got {describe(answer)}.", "format")
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        return wrong(f"expected {what}: two finite numbers, got {describe(answer)}.", "format")
    return arr


def _number(answer, what):
    if answer is None:
        return wrong(f"replace None with {what}.", "missing")
    value, fb = read_number(answer, what)
    if fb is not None:
        return wrong(fb.message, "format")
    return value


def _call(fn, name, *args):
    """Call the reader's function on copies: ``(result, None)`` or ``(None, Feedback)``.

    ``None`` returned gives "none"; an exception "raised"; an argument changed in place
    "modified_input" (the cached arrays of a layer must stay intact).
    """
    out, fb = call_reader(fn, *[a.copy() for a in args], name=name)
    if fb is not None and fb.mistake == "missing":
        return None, None
    return out, fb


# ---- ex-05-neuron-grad: one sigmoid neuron with BCE, by hand ----
NEURON = {"x": 1.5, "w": -1.0, "b": 0.5, "y": 0.0}


def _neuron_reference():
    x, w, b, y = NEURON["x"], NEURON["w"], NEURON["b"], NEURON["y"]
    a = float(sigmoid(w * x + b))
    return a, x, y


@guarded
def check_neuron_grad(answer):
    """Exercise ex-05-neuron-grad: ``answer = (dL_dw, dL_db)`` for L = BCE(σ(w x + b), y),
    x = 1.5, w = -1, b = 0.5, y = 0.

    Two numbers, to four decimals (or more digits). Named mistakes: precision,
    sign, swapped, forgot_x, extra_sigma_prime, stopped_at_da, format.
    """
    arr = _pair(answer, "a pair (dL_dw, dL_db)")
    if isinstance(arr, Feedback):
        return arr
    a, x, y = _neuron_reference()
    dz = a - y
    near = to_decimals(arr, (x * dz, dz))
    if near is None:
        return correct(f"dL/dz = a - y = {dz:.6f}, so dL/dw = x dL/dz = {x * dz:.6f}.")
    if isinstance(near, Feedback):
        return near
    if close(arr, (-x * dz, -dz)):
        return wrong(
            "The signs are flipped: dL/dz = a - y (prediction minus target), not y - a.", "sign"
        )
    if close(arr, (dz, x * dz)):
        return wrong("The two are swapped: dL/dw has the factor x, dL/db does not.", "swapped")
    if close(arr, (dz, dz)):
        return wrong(
            "dL/dw is missing the factor x: z = w x + b, so dz/dw = x (and dz/db = 1).",
            "forgot_x",
        )
    s = a * (1 - a)
    if close(arr, (x * dz * s, dz * s)):
        return wrong(
            "You multiplied by σ'(z) = a(1 - a) once too often: with binary cross-entropy, "
            "dL/da · da/dz simplifies to a - y, which already contains σ'(z).",
            "extra_sigma_prime",
        )
    dA = -y / a + (1 - y) / (1 - a)
    if close(arr, (x * dA, dA)) or close(arr, (dA, dA)):
        return wrong(
            "You stopped at dL/da; multiply by da/dz = a(1 - a) (or use dL/dz = a - y).",
            "stopped_at_da",
        )
    return wrong(
        "Go step by step: z = w x + b, a = σ(z), dL/dz = a - y, then dL/dw = x dL/dz "
        "and dL/db = dL/dz.",
    )


# ---- ex-05-batch-update: a batch of two samples, the mean cost, one SGD step ----
BATCH = {"x": (2.0, -1.0), "y": (1.0, 0.0), "w": 0.5, "b": 0.0, "lr": 1.0}


def _batch_reference():
    x, y = np.array(BATCH["x"]), np.array(BATCH["y"])
    w, b, lr = BATCH["w"], BATCH["b"], BATCH["lr"]
    r = sigmoid(w * x + b) - y  # dL/dz for each sample
    return w, b, lr, float((x * r).sum()), float(r.sum()), len(x)


@guarded
def check_batch_update(answer):
    """Exercise ex-05-batch-update: ``answer = (w_new, b_new)`` after one SGD step on the mean
    BCE of the two samples.

    Two numbers, to four decimals (or more digits). Named mistakes: precision,
    forgot_1_over_m, update_sign, gave_gradient, format.
    """
    arr = _pair(answer, "a pair (w_new, b_new)")
    if isinstance(arr, Feedback):
        return arr
    w, b, lr, sw, sb, m = _batch_reference()
    right = (w - lr * sw / m, b - lr * sb / m)
    near = to_decimals(arr, right)
    if near is None:
        return correct(
            f"dJ/dw = {sw / m:.6f}, dJ/db = {sb / m:.6f}; w = {right[0]:.6f}, b = {right[1]:.6f}."
        )
    if isinstance(near, Feedback):
        return near
    if close(arr, (w - lr * sw, b - lr * sb)):
        return wrong(
            "The step is twice too big: the cost is the MEAN over the m = 2 samples, so the "
            "gradient is the sum of the per-sample gradients divided by m.",
            "forgot_1_over_m",
        )
    if close(arr, (w + lr * sw / m, b + lr * sb / m)) or close(arr, (w + lr * sw, b + lr * sb)):
        return wrong(
            "Sign error in the update: gradient descent SUBTRACTS, θ ← θ - η dJ/dθ; you moved "
            "uphill.",
            "update_sign",
        )
    if close(arr, (sw / m, sb / m)) or close(arr, (sw, sb)):
        return wrong(
            "These are the gradients; the question asks for the new parameters θ - η dJ/dθ.",
            "gave_gradient",
        )
    return wrong(
        "For each sample compute z, a = σ(z) and a - y; then dJ/dw = mean of x (a - y), "
        "dJ/db = mean of (a - y), and w ← w - η dJ/dw.",
    )


# ---- ex-05-dense-backward: the reader's dense_backward(dZ, A_prev, W) ----
def _dense_case():
    rng = np.random.default_rng(5)
    m, n_in, n_out = 4, 3, 2
    return rng.normal(size=(m, n_out)), rng.normal(size=(m, n_in)), rng.normal(size=(n_out, n_in))


@guarded
def check_dense_backward(fn):
    """``fn(dZ, A_prev, W) -> (dW, db, dA_prev)``, checked on a batch of m = 4, 3 -> 2 units.

    Used by ex-05-dense-backward and ex-05-find-bug, for the layer Z = A_prev Wᵀ + b. Each
    gradient has the shape of its array: dW (n_out, n_in), db (n_out,), dA_prev (m, n_in).
    Named mistakes: dW_transposed, extra_1_over_m, db_not_summed, shape (e.g. db kept as a
    (1, n_out) row), dW, db, dA_prev, none, raised, modified_input, format.
    """
    if fn is None:
        return wrong("define dense_backward, then pass the function itself.", "missing")
    if not callable(fn):
        return wrong(
            f"Expected a function dense_backward(dZ, A_prev, W), got {describe(fn)}.", "format"
        )
    dZ, A, W = _dense_case()
    out, fb = _call(fn, "your function", dZ, A, W)
    if fb is not None:
        if fb.mistake == "raised":
            return wrong(
                f"{fb.message}. It must return three arrays (dW, db, dA_prev); check the "
                "shapes: dW (n_out, n_in), db (n_out,), dA_prev (m, n_in).",
                "raised",
            )
        return fb
    if out is None:
        return wrong("your function returns None: return the tuple (dW, db, dA_prev).", "none")
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        return wrong(
            f"your function returned {describe(out)}; return the three arrays as a tuple "
            "(dW, db, dA_prev).",
            "format",
        )
    m = dZ.shape[0]
    ref_dW, ref_db, ref_dA = dZ.T @ A, dZ.sum(axis=0), dZ @ W
    arrays = []
    for value, name in zip(out, ("dW", "db", "dA_prev"), strict=True):
        arr, bad = read_array(value, what=name)
        if bad is not None:
            return wrong(bad.message, "format")
        arrays.append(arr)
    dW, db, dA = arrays
    if close(dW, ref_dW.T):
        return wrong(
            "dW is transposed: it must have W's shape (n_out, n_in), so dW = dZᵀ A_prev, "
            "not A_prevᵀ dZ.",
            "dW_transposed",
        )
    if close(dW, ref_dW / m) or close(db, ref_db / m) or close(db, ref_db[None, :] / m):
        return wrong(
            "You divided by m again: the 1/m of the mean cost is already inside dZ, so "
            "dW = dZᵀ A_prev and db = the plain sum of dZ's rows.",
            "extra_1_over_m",
        )
    if db.shape == dZ.shape:
        return wrong(
            "db must be summed over the batch: the bias is added to every row, so its "
            "gradient is dZ.sum(axis=0), of shape (n_out,).",
            "db_not_summed",
        )
    for arr, ref, name in ((dW, ref_dW, "dW"), (db, ref_db, "db"), (dA, ref_dA, "dA_prev")):
        if arr.shape != ref.shape:
            hint = {
                "dW": "W's shape: a wrong shape would broadcast in the update",
                "db": "b's shape: sum with axis=0 and no keepdims, or it broadcasts in the update",
                "dA_prev": "A_prev's shape: dA_prev = dZ W, not its transpose",
            }[name]
            return wrong(
                f"{name} has shape {arr.shape}; it must have the shape {ref.shape} ({hint}).",
                "shape",
            )
    formulas = {"dW": "dZᵀ A_prev (dZ.T @ A_prev)", "db": "dZ.sum(axis=0)", "dA_prev": "dZ W"}
    for arr, ref, name in ((dW, ref_dW, "dW"), (db, ref_db, "db"), (dA, ref_dA, "dA_prev")):
        if not close(arr, ref):
            return wrong(
                f"{name} is wrong: {name} = {formulas[name]}; {difference(arr, ref)}.", name
            )
    return correct("dW = dZᵀ A_prev, db = sum of dZ's rows, dA_prev = dZ W.")


# ---- ex-05-double-backward: predict the relative error ----
@guarded
def check_double_backward_error(answer):
    """Exercise ex-05-double-backward: the relative error gradcheck reports when every
    analytic gradient is doubled.

    One number, exact or to four decimals. Named mistakes: precision, ratio,
    denominator, zero, format.
    """
    value = _number(answer, "your predicted relative error")
    if isinstance(value, Feedback):
        return value
    near = to_decimals(value, 1 / 3)
    if near is None:
        return correct("|2g - g| / (|2g| + |g|) = |g| / 3|g| = 1/3, whatever g is.")
    if isinstance(near, Feedback):
        return near
    if close(value, 2.0):
        return wrong(
            "2 is the ratio of the two gradients; the relative error is "
            "|a - n| / (|a| + |n|) with a = 2g and n = g.",
            "ratio",
        )
    if close(value, 0.5) or close(value, 1.0):
        return wrong(
            "Check the denominator: it is |a| + |n| = |2g| + |g| = 3|g|, not |a| or |n| alone.",
            "denominator",
        )
    if close(value, 0.0):
        return wrong("The analytic gradient is wrong (doubled), so the error is not 0.", "zero")
    return wrong("Write a = 2g, n = g and simplify |a - n| / (|a| + |n|).")


# ---- ex-05-sigmoid-backward: the reader's sigmoid_backward(dA, Z) ----
@guarded
def check_sigmoid_backward(fn):
    """Exercise ex-05-sigmoid-backward: ``fn(dA, Z) -> dZ`` for A = σ(Z).

    Checked on a small batch of shape (2, 3).

    Named mistakes: sigma_from_z, no_dA, sigma_not_grad, shape, none, raised,
    modified_input, format.
    """
    if fn is None:
        return wrong("define sigmoid_backward, then pass the function itself.", "missing")
    if not callable(fn):
        return wrong(f"Expected a function sigmoid_backward(dA, Z), got {describe(fn)}.", "format")
    Z = np.array([[-2.0, 0.0, 0.5], [1.0, 3.0, -0.5]])
    dA = np.array([[0.5, -1.0, 2.0], [1.5, -0.5, 1.0]])
    out, fb = _call(fn, "your function", dA, Z)
    if fb is not None:
        return fb
    if out is None:
        return wrong("your function returns None: return the array dZ.", "none")
    dZ, bad = read_array(out, what="dZ")
    if bad is not None:
        return wrong(bad.message, "format")
    S = sigmoid(Z)
    right = dA * S * (1 - S)
    if dZ.shape != right.shape:
        return wrong(
            f"dZ has shape {dZ.shape}; it must have the shape {right.shape} of Z and dA "
            "(an elementwise product, no sum, no reshape).",
            "shape",
        )
    if close(dZ, right):
        return correct("dZ = dA ⊙ σ(Z)(1 - σ(Z)).")
    if close(dZ, dA * Z * (1 - Z)):
        return wrong(
            "You computed σ' from z: z(1 - z) is the derivative only when it is given "
            "a = σ(z). Use σ(Z) ⊙ (1 - σ(Z)).",
            "sigma_from_z",
        )
    if close(dZ, S * (1 - S)):
        return wrong("You forgot to multiply by the incoming gradient dA (chain rule).", "no_dA")
    if close(dZ, dA * S):
        return wrong("That is dA ⊙ σ(Z); the derivative is σ(Z)(1 - σ(Z)).", "sigma_not_grad")
    return wrong(f"dZ should be dA * s * (1 - s) with s = σ(Z); yours {difference(dZ, right)}.")


# ---- ex-05-second-iteration: the loss after two SGD steps of the running example ----
def _second_iteration_losses():
    from nbcore.layers import Dense, Sigmoid
    from nbcore.losses import BCELoss
    from nbcore.network import Sequential
    from nbcore.widgets.backprop import RUNNING_EXAMPLE as EX

    X, Y = np.array([EX["x"]]), np.array([[EX["y"]]])
    out = {}
    for variant in ("right", "no_zero_grad", "update_sign", "one_step"):
        model = Sequential(Dense(2, 3), Sigmoid(), Dense(3, 1), Sigmoid())
        for p, v in zip(model.parameters(), (EX["W1"], EX["b1"], EX["W2"], EX["b2"]), strict=True):
            p.data[...] = v
        loss = BCELoss()
        for _ in range(1 if variant == "one_step" else 2):
            if variant != "no_zero_grad":
                model.zero_grad()
            loss(model(X), Y)
            model.backward(loss.backward())
            sign = 1 if variant == "update_sign" else -1
            for p in model.parameters():
                p.data += sign * EX["lr"] * p.grad
        out[variant] = loss(model(X), Y)
    return out


@guarded
def check_second_iteration(answer):
    """Exercise ex-05-second-iteration: the BCE loss of the running example after TWO SGD
    steps (η = 0.5).

    One number, to four decimals (or more digits). Named mistakes: precision,
    no_zero_grad, update_sign, one_step, format.
    """
    value = _number(answer, "the loss after two steps")
    if isinstance(value, Feedback):
        return value
    losses = _second_iteration_losses()
    near = to_decimals(value, losses["right"])
    if near is None:
        return correct(f"After two steps the loss is {losses['right']:.6f}.")
    if isinstance(near, Feedback):
        return near
    if close(value, losses["no_zero_grad"]):
        return wrong(
            "The gradients were not zeroed between the steps: the second step used the sum "
            "of both gradients. Call model.zero_grad() (or opt.zero_grad()) before backward. "
            "(The loss even looks better: a bug a loss curve does not reveal.)",
            "no_zero_grad",
        )
    if close(value, losses["update_sign"]):
        return wrong("Sign error in the update: θ ← θ - η dθ, not θ + η dθ.", "update_sign")
    if close(value, losses["one_step"]):
        return wrong("That is the loss after ONE step; take a second one.", "one_step")
    return wrong("Repeat zero_grad, forward, loss, backward, step: twice.")
