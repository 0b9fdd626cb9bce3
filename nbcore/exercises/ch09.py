"""Checkers for the exercises of chapter 9 (Training deep networks in practice).

Each ``check_*`` returns a :class:`~nbcore.exercises.Feedback` that names the most likely
mistake: batch norm with the unbiased variance, the standard deviation for the variance or
without gamma and beta; a schedule read one epoch late, a cosine in degrees or without its
warm-up; clipping each parameter on its own or scaling small gradients up; the loss at
initialisation with the wrong logarithm; a bug in a training loop missed or a correct line
blamed; the number of distinct values a grid search tries. No checker raises on a malformed
answer.
"""

from __future__ import annotations

import math

import numpy as np

from nbcore.exercises._base import (
    Feedback,
    as_number,
    call_reader,
    close,
    correct,
    describe,
    difference,
    fmt,
    guarded,
    matches_to_decimals,
    to_float_array,
    wrong,
)

__all__ = [
    "BN_EXERCISE",
    "SCHEDULE_EXERCISE",
    "BUGGY_LOOP",
    "BUG_LINES",
    "check_batchnorm_by_hand",
    "check_schedule_values",
    "check_clip_by_norm",
    "check_init_loss",
    "check_find_the_bug",
    "check_search_budget",
]

_MISSING = "replace None with your answer, then run this cell again."


def _vector(answer, n):
    """``answer`` as a float array of shape (n,), or None (never raises)."""
    try:
        a = np.asarray(answer, dtype=float).reshape(-1)
    except Exception:  # noqa: BLE001 - garbage may raise anything (OverflowError, its own errors)
        return None
    if a.shape != (n,) or not np.all(np.isfinite(a)):
        return None
    return a


# --- Exercise 1: batch norm by hand ----------------------------------------------------------
#: The numbers of exercise ex-09-bn -- one unit, a batch of three, gamma, beta and eps
#: (PyTorch's default).
BN_EXERCISE = {"z": (-1.0, 1.0, 6.0), "gamma": 0.5, "beta": -1.0, "eps": 1e-5}


def _bn(var_fn, gamma=None, beta=None, root=True):
    e = BN_EXERCISE
    z = np.array(e["z"])
    g = e["gamma"] if gamma is None else gamma
    b = e["beta"] if beta is None else beta
    var = var_fn(z)
    scale = np.sqrt(var + e["eps"]) if root else var + e["eps"]
    return z.mean(), var, g * (z - z.mean()) / scale + b


@guarded
def check_batchnorm_by_hand(answer) -> Feedback:
    """Exercise ex-09-bn: ``answer = (mu, var, y)`` for z = (-1, 1, 6), gamma 0.5, beta -1.

    The batch mean, the variance the layer normalises with and the three outputs, all to four
    decimals (an answer within 0.01 with fewer gets "precision"). Recognises a wrong mean, the
    unbiased variance (in var or in y), the standard deviation for the variance, y without
    gamma and beta, without the square root, or shifted before it is scaled.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    try:
        mu, var, y = answer
    except (TypeError, ValueError):
        return wrong(
            "give three things: `answer = (mu, var, y)` with y a list of 3 numbers.", "format"
        )
    mu, var, y = as_number(mu), as_number(var), _vector(y, 3)
    if mu is None or var is None or y is None:
        return wrong(
            "give `answer = (mu, var, y)`: two numbers and a list of three numbers.", "format"
        )
    mu_ok, var_ok, y_ok = _bn(np.var)
    tol = {"rtol": 1e-3, "atol": 5e-4}
    if not close(mu, mu_ok, **tol):
        return wrong(
            f"your μ = {fmt(mu)}; the batch mean is the plain average of the three values: "
            "(-1 + 1 + 6)/3.",
            "mean",
        )
    if close(var, np.var(BN_EXERCISE["z"], ddof=1), **tol):
        return wrong(
            "you divided by m - 1 = 2: batch norm normalises with the biased variance, "
            "the sum of squared deviations divided by m = 3 (the unbiased one only "
            "enters the running variance).",
            "unbiased",
        )
    if close(var, math.sqrt(var_ok), **tol):
        return wrong(
            "that is the standard deviation; give the variance σ² (the mean of the "
            "squared deviations).",
            "std-for-var",
        )
    if abs(var - var_ok) > 0.01:
        return wrong(
            f"your σ² = {fmt(var)}; σ² is the mean of the squared deviations from μ: "
            "((-3)² + (-1)² + 4²)/3.",
            "var",
        )
    four = all(
        matches_to_decimals(a, b, 4)
        for a, b in zip([mu, var, *y], [mu_ok, var_ok, *y_ok], strict=True)
    )
    if four:
        return correct(
            f"μ = 2, σ² = 26/3 = {var_ok:.4f}, ẑ = (z - μ)/√(σ² + ε) and "
            f"y = 0.5·ẑ - 1 = ({', '.join(f'{v:.4f}' for v in y_ok)})."
        )
    candidates = [
        (
            _bn(np.var, gamma=1.0, beta=0.0)[2],
            "no-affine",
            "that is ẑ: now scale and shift it, y = γ·ẑ + β with γ = 0.5 and β = -1.",
        ),
        (
            _bn(lambda z: np.var(z, ddof=1))[2],
            "unbiased",
            "y used the unbiased variance (÷ 2): normalise with the biased one (÷ 3).",
        ),
        (
            _bn(np.var, root=False)[2],
            "no-root",
            "you divided by σ² + ε instead of its square root √(σ² + ε).",
        ),
        (
            0.5 * (_bn(np.var, gamma=1.0, beta=-1.0)[2]),
            "shift-before-scale",
            "you added β before multiplying by γ: y = γ·ẑ + β.",
        ),
    ]
    for value, tag, message in candidates:
        if close(y, value, **tol):
            return wrong(message, tag)
    if np.abs(y - y_ok).max() <= 0.01:
        slip = (
            f"σ² {difference(var, var_ok)}"
            if not matches_to_decimals(var, var_ok, 4)
            else f"μ {difference(mu, mu_ok)}"
            if not matches_to_decimals(mu, mu_ok, 4)
            else f"y {difference(y, y_ok)}"
        )
        return wrong(
            f"near, but not to four decimals: {slip}. Keep more digits in σ² and √(σ² + ε).",
            "precision",
        )
    return wrong(
        f"μ and σ² are right; y {difference(y, y_ok)}. Compute ẑ = (z - μ)/√(σ² + ε), then "
        "y = γ·ẑ + β.",
        "y",
    )


# --- Exercise 2: a warm-up + cosine schedule ------------------------------------------------
#: The numbers of exercise ex-09-schedule -- peak lr, warm-up (start factor, epochs), cosine
#: epochs, epochs asked for.
SCHEDULE_EXERCISE = {"lr": 0.4, "start_factor": 0.25, "warmup": 3, "cosine": 4, "epochs": 7}


def _schedule(shift=0, degrees=False, warm=True):
    e = SCHEDULE_EXERCISE
    out = []
    for t in range(shift, e["epochs"] + shift):
        if warm and t < e["warmup"]:
            out.append(e["lr"] * (e["start_factor"] + (1 - e["start_factor"]) * t / e["warmup"]))
        else:
            j = t - e["warmup"] if warm else t
            angle = 180 * j / e["cosine"] if degrees else math.pi * j / e["cosine"]
            out.append(e["lr"] * (1 + math.cos(angle)) / 2)
    return np.array(out)


def _by_epoch(a, ok):
    """:func:`difference` with the entry named as an epoch: "the rate of epoch 4 is ..."."""
    return "the rate of " + difference(a, ok).replace("entry [", "epoch ", 1).replace(
        "] is", " is", 1
    )


@guarded
def check_schedule_values(answer) -> Feedback:
    """Exercise ex-09-schedule: the learning rates of epochs 0 to 6 (a list of 7 numbers).

    Each to four decimals (an answer within 0.01 with fewer gets "precision"). Recognises the
    list started one epoch late, the cosine in degrees, the warm-up left out, and a wrong
    cosine after a right warm-up.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    a = _vector(answer, SCHEDULE_EXERCISE["epochs"])
    if a is None:
        return wrong("give a list of 7 numbers, the learning rates of epochs 0 to 6.", "format")
    ok = _schedule()
    tol = {"rtol": 1e-3, "atol": 5e-4}
    if all(matches_to_decimals(x, y, 4) for x, y in zip(a, ok, strict=True)):
        return correct(
            "warm-up 0.1, 0.2, 0.3, then the cosine from the peak: 0.4, 0.3414, 0.2, "
            "0.0586 (the cosine starts at j = 0 in epoch 3)."
        )
    candidates = [
        (
            _schedule(shift=1),
            "shifted",
            "your list starts one epoch late: the rate of epoch 0 is the one set when the "
            "scheduler is created (0.25 × 0.4 = 0.1), before any scheduler.step().",
        ),
        (
            _schedule(degrees=True),
            "degrees",
            "the cosine's angle is in radians: cos(π·j/4), not cos(180·j/4) of a radian argument.",
        ),
        (
            _schedule(warm=False),
            "no-warmup",
            "that is a plain cosine from the peak: the first 3 epochs are the linear warm-up "
            "0.4·(0.25 + 0.75·e/3).",
        ),
    ]
    for value, tag, message in candidates:
        if close(a, value, **tol):
            return wrong(message, tag)
    if np.abs(a - ok).max() <= 0.01:
        return wrong(
            f"near, but not to four decimals: {_by_epoch(a, ok)}. Keep "
            "four decimals of each cosine value.",
            "precision",
        )
    if close(a[:3], ok[:3], **tol):
        return wrong(
            f"the warm-up is right; {_by_epoch(a, ok)}. From epoch 3 "
            "use 0.4·(1 + cos(π·j/4))/2 with j = e - 3.",
            "cosine",
        )
    return wrong(
        "start with epoch 0: 0.4 × 0.25 = 0.1, then add 0.75 × 0.4 / 3 = 0.1 per "
        "epoch up to the peak.",
        "unknown",
    )


# --- Exercise 3: clip by norm (code) --------------------------------------------------------
def _reference_clip(grads, max_norm):
    total = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    coef = min(1.0, max_norm / (total + 1e-6))
    return [np.asarray(g, dtype=float) * coef for g in grads], total


def _clip_cases():
    rng = np.random.default_rng(9)
    return [
        ([np.array([3.0, 4.0]), np.array([12.0])], 6.5),  # total 13: halved
        ([rng.normal(size=(3, 4)), rng.normal(size=5)], 1.0),  # one parameter small, one large
        ([np.array([0.3, -0.4]), np.array([0.0])], 1.0),  # total 0.5 < 1: unchanged
        ([rng.normal(size=(2, 2)) * 10, rng.normal(size=(2, 2)) * 0.1], 2.0),
    ]


@guarded
def check_clip_by_norm(fn) -> Feedback:
    """Exercise ex-09-clip: ``fn(grads, max_norm) -> (clipped, total_norm)``.

    ``grads`` is a list of arrays; ``clipped`` a list of new arrays of the same shapes, all
    multiplied by ``min(1, max_norm / (total_norm + 1e-6))``, where ``total_norm`` is the norm of
    all the entries of all the arrays together. Recognises the norm of one array or the sum of
    the norms for the total, each array clipped by its own norm, a small gradient scaled up,
    the gradients changed in place ("modified_input") or returned themselves ("not-new").
    """
    if fn is None:
        return wrong(_MISSING, "missing")
    if not callable(fn):
        return wrong("pass your function itself: `check_clip_by_norm(clip_by_norm)`.", "format")
    for grads, max_norm in _clip_cases():
        originals = [g.copy() for g in grads]
        given = [g.copy() for g in grads]
        result, fb = call_reader(fn, given, max_norm, name="your function")
        if fb is not None:
            if fb.mistake == "raised":
                return wrong(
                    f"{fb.message}. It should return (list of clipped arrays, total norm).",
                    "raises",
                )
            if fb.mistake == "modified_input":
                return wrong(
                    "your function changed the caller's gradient arrays in place (e.g. "
                    "g *= factor): return new arrays, g * factor, and leave the gradients as "
                    "they were.",
                    "modified_input",
                )
            return fb
        try:
            raw, total = result
            raw = list(raw)
            clipped = [to_float_array(c) for c in raw]
        except Exception:  # noqa: BLE001 - not a pair, or not a list of arrays
            clipped = [None]
        if any(c is None for c in clipped):
            return wrong(
                f"your function returned {describe(result)}; it should return "
                "(list of clipped arrays, total norm).",
                "format",
            )
        ref, ref_total = _reference_clip(originals, max_norm)
        if len(clipped) != len(ref) or any(
            c.shape != r.shape for c, r in zip(clipped, ref, strict=True)
        ):
            return wrong(
                "return one clipped array per gradient, each of its gradient's shape.", "shape"
            )
        total_n = as_number(total)
        if total_n is None or not close(total_n, ref_total, rtol=1e-6):
            per_param = [float(np.linalg.norm(g)) for g in originals]
            if total_n is not None and any(close(total_n, p, rtol=1e-6) for p in per_param):
                return wrong(
                    "the total norm is the norm of all the entries of all the "
                    "gradients together, √(Σ over every array of Σ g²), not the norm "
                    "of one array.",
                    "total-one-param",
                )
            if total_n is not None and close(total_n, sum(per_param), rtol=1e-6):
                return wrong(
                    "you added the norms of the arrays; add their squared entries, "
                    "then take one square root.",
                    "sum-of-norms",
                )
            return wrong(
                f"for {len(originals)} arrays with max_norm {max_norm:g} the total "
                f"norm should be {ref_total:.6g}.",
                "total",
            )
        if any(isinstance(c, np.ndarray) and np.may_share_memory(c, g) for c in raw for g in given):
            return wrong(
                f"for {len(originals)} arrays with max_norm {max_norm:g} your list holds the "
                "gradient arrays themselves: return new arrays (g * factor, also when the factor "
                "is 1), so that changing a clipped array never changes a gradient.",
                "not-new",
            )
        if all(close(c, r, rtol=1e-6, atol=1e-12) for c, r in zip(clipped, ref, strict=True)):
            continue
        per = [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in originals]
        if all(close(c, p, rtol=1e-6, atol=1e-12) for c, p in zip(clipped, per, strict=True)):
            return wrong(
                "you clipped each array by its own norm: clip_grad_norm_ scales every "
                "gradient by the same factor, from the norm of all of them, so the "
                "direction of the whole gradient is kept.",
                "per-param",
            )
        up = [g * max_norm / (ref_total + 1e-6) for g in originals]
        if ref_total < max_norm and all(
            close(c, u, rtol=1e-6) for c, u in zip(clipped, up, strict=True)
        ):
            return wrong(
                "a gradient whose norm is already below max_norm must stay as it is: "
                "the factor is min(1, max_norm / (norm + 1e-6)).",
                "scales-up",
            )
        return wrong(
            "the total norm is right but the clipped arrays are not: multiply each "
            "by max_norm / (total + 1e-6) when total > max_norm.",
            "clipped",
        )
    return correct(
        "every case matches nc.clip_grad_norm_, including a gradient already shorter than max_norm."
    )


# --- Exercise 4: the loss at initialisation --------------------------------------------------
@guarded
def check_init_loss(answer, k=26) -> Feedback:
    """Exercise ex-09-init-loss: the expected cross-entropy at initialisation for k = 26 classes.

    One number, to two decimals (an answer within 0.1 with fewer gets "precision"). Recognises
    a logarithm in base 10 or 2, the probability of the true class or the error rate given
    instead of the loss, the wrong sign, and the loss of the digits' ten classes instead of k.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    a = as_number(answer)
    if a is None or not math.isfinite(a):
        return wrong("give one number.", "format")
    tol = {"rtol": 1e-3, "atol": 5e-4}
    if matches_to_decimals(a, math.log(k), 2):
        return correct(
            f"every class gets about 1/{k}, so the loss is -ln(1/{k}) = ln {k} = {math.log(k):.4f}."
        )
    candidates = [
        (math.log10(k), "log10", "that is log₁₀; the cross-entropy uses the natural logarithm."),
        (
            math.log2(k),
            "log2",
            "that is log₂ (bits); the cross-entropy uses the natural logarithm.",
        ),
        (
            1 / k,
            "probability",
            f"that is the probability of each class, 1/{k}; the loss is -ln of that probability.",
        ),
        (
            (k - 1) / k,
            "error-rate",
            "that is the error rate of a random guess; the question "
            "asks for the cross-entropy loss.",
        ),
        (-math.log(k), "sign", "the loss is -ln(1/k), a positive number."),
        (math.log(10), "ten-classes", "ln 10 is the digits' value; this task has 26 classes."),
    ]
    for value, tag, message in candidates:
        if close(a, value, **tol):
            return wrong(message, tag)
    if abs(a - math.log(k)) < 0.1:
        return wrong(
            f"near, but not to two decimals: the loss {difference(a, math.log(k))}.",
            "precision",
        )
    return wrong(
        f"your loss {fmt(a)} is not it: the softmax of near-zero logits gives each class about "
        "1/k; the cross-entropy is -ln of the true class's probability.",
        "unknown",
    )


# --- Exercise 5: find the bugs in a training loop -------------------------------------------
#: The training loop of exercise ex-09-bug, with two bugs (shown with line numbers in the
#: chapter).
BUGGY_LOOP = """\
model = nc.Sequential(nc.Dense(64, 32), nc.BatchNorm1d(32), nc.ReLU(), nc.Dense(32, 10))
opt = nc.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = nc.lr_scheduler.CosineAnnealingLR(opt, T_max=20)  # 20 epochs
loss_fn = nc.CrossEntropyLoss()
for epoch in range(20):
    for idx in np.array_split(np.random.default_rng(epoch).permutation(600), 19):
        opt.zero_grad()
        loss = loss_fn(model(X600[idx]), y600[idx])
        model.backward(loss_fn.backward())
        opt.step()
        sched.step()
    model.eval()
    dev_loss = loss_fn(model(X_dev), y_dev)
    print(epoch, round(loss, 4), round(dev_loss, 4))"""

# The lines (1-based) with a bug, and why. A plain comment, not a ``#:`` one: the API page
# would show the answer of ex-09-bug.
BUG_LINES = {
    11: "sched.step() runs after every batch: the 20-epoch cosine is over after 20 batches, "
    "then climbs back up; step it once per epoch, after the batch loop (one indent less)",
    12: "model.eval() is never undone: from the second epoch on, batch norm trains with its "
    "running statistics; call model.train() at the start of each epoch (or after the "
    "dev loss)",
}

_FINE = {
    1: "the architecture is fine: Dense → BatchNorm1d → ReLU is the usual order",
    3: "T_max=20 matches the 20 epochs the loop runs",
    6: "the batches are fine: a new shuffle per epoch, 19 batches of about 32",
    7: "zero_grad before the forward pass is right",
    8: "the forward pass and the loss are right",
    9: "the backward pass is right",
    10: "opt.step() after every batch is right: the optimizer steps per batch",
    13: "evaluating on the dev set in eval mode is right; the bug is what follows it",
}


@guarded
def check_find_the_bug(answer) -> Feedback:
    """Exercise ex-09-bug: ``answer``, the set of the line numbers of ``BUGGY_LOOP`` with a bug.

    Line numbers start at 1. A correct line blamed gets "false-positive" (the message says why
    the line is right); a bug missed gets a hint where to look.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool):
        answer = {int(answer)}
    try:
        lines = {int(v) for v in answer if not isinstance(v, bool) and float(v) == int(v)}
        if len(lines) != len(list(answer)):
            raise ValueError
    except Exception:  # noqa: BLE001 - garbage may raise anything
        return wrong("give the line numbers as a set of whole numbers, e.g. `{3, 7}`.", "format")
    n_lines = len(BUGGY_LOOP.splitlines())
    outside = sorted(v for v in lines if not 1 <= v <= n_lines)
    if outside:
        return wrong(f"the loop has lines 1 to {n_lines}; {outside} is outside it.", "range")
    blamed = sorted(lines - set(BUG_LINES))
    if blamed:
        v = blamed[0]
        reason = _FINE.get(v, "it does what it should")
        return wrong(f"line {v} is correct: {reason}.", "false-positive")
    missed = sorted(set(BUG_LINES) - lines)
    if not missed:
        return correct(
            "both bugs: " + "; ".join(f"line {k}: {v}" for k, v in BUG_LINES.items()) + "."
        )
    hints = {
        11: "look at where the scheduler is stepped, and what T_max=20 counts",
        12: "look at the mode the model is in when the next epoch starts (batch norm)",
    }
    found = f"line {sorted(lines)[0]} is right; " if lines else ""
    tag = "missed-scheduler" if missed == [11] else "missed-eval" if missed == [12] else "missed"
    return wrong(
        found
        + f"there {'is one more bug' if len(missed) == 1 else 'are two bugs'}: "
        + "; ".join(hints[m] for m in missed)
        + ".",
        tag,
    )


# --- Exercise 6: grid vs random budget -------------------------------------------------------
@guarded
def check_search_budget(answer) -> Feedback:
    """Exercise ex-09-budget: distinct learning rates tried by a 4 × 4 grid and by 16 random
    trials over (learning rate, dropout): ``answer = (grid, random)``, two whole numbers.

    Recognises the grid's trials counted instead of its learning rates, and random search
    counted like the grid.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    try:
        g, r = answer
    except (TypeError, ValueError):
        return wrong("give two whole numbers: `answer = (grid, random)`.", "format")
    g, r = as_number(g), as_number(r)
    if g is None or r is None:
        return wrong("give two whole numbers: `answer = (grid, random)`.", "format")
    if (g, r) == (4, 16):
        return correct(
            "the grid repeats each of its 4 learning rates for the 4 dropout values; "
            "16 random trials almost surely draw 16 different learning rates, so if "
            "the learning rate is what matters, random search explores it 4 times "
            "as finely with the same budget."
        )
    if g == 16:
        return wrong(
            "the grid runs 16 trials, but how many *different* learning rates among "
            "them? Each row of the grid reuses the same 4.",
            "grid-trials",
        )
    if g == 4 and r == 4:
        return wrong(
            "random search draws a new learning rate in every trial: 16 trials, 16 "
            "distinct values (with probability 1).",
            "random-like-grid",
        )
    if g == 4:
        return wrong("the grid is right; count the random trials' learning rates again.", "random")
    return wrong(
        "a 4 × 4 grid takes 4 values of each hyperparameter and every combination.", "unknown"
    )
