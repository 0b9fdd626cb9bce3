"""Checkers for the exercises of chapter 8 (Training a network end to end).

Each ``check_*`` returns a :class:`~nbcore.exercises.Feedback` that names the most likely
mistake: a course's L2 strength used without converting it to the book's lambda or with the
penalty's 1/2 left in, dropout without its rescaling or still active in evaluation mode, high
bias confused with high variance, equal (not only zero) initial weights, an under- or
over-fitting spiral classifier, a training loop with a bug left in.
"""

from __future__ import annotations

import numpy as np

import nbcore as nc
from nbcore.exercises._base import (
    Feedback,
    as_number,
    call_reader,
    close,
    correct,
    describe,
    difference,
    find_remaining_bug,
    fmt,
    guarded,
    matches_to_decimals,
    to_float_array,
    wrong,
)

__all__ = [
    "L2_EXERCISE",
    "DIAGNOSIS_CASES",
    "check_l2_update",
    "check_dropout",
    "check_diagnosis",
    "check_fix_training_loop",
    "check_symmetry",
    "spirals_data",
    "check_spirals",
]

_MISSING = "replace None with your answer, then run this cell again."


def _number(x):
    """``x`` as a finite float, or None."""
    v = as_number(x)
    return v if v is not None and np.isfinite(v) else None


# --- Exercise 1: one L2-regularised update by hand -------------------------------------------
#: The numbers of exercise ex-08-l2 -- weight, gradient of the unregularised cost, the course's
#: lambda' (of its penalty lambda' / (2m) sum w^2), m, lr.
L2_EXERCISE = {"w": 1.5, "dJ_dw": 0.3, "lam": 0.5, "m": 25, "lr": 0.1}


def _l2_values(coef):
    e = L2_EXERCISE
    g = e["dJ_dw"] + coef * e["w"]
    return g, e["w"] - e["lr"] * g


@guarded
def check_l2_update(answer) -> Feedback:
    """Exercise ex-08-l2: ``answer = (g, w_new)`` for one regularised SGD step.

    With :math:`w = 1.5`, :math:`\\partial J/\\partial w = 0.3`, a course's penalty
    :math:`\\frac{\\lambda'}{2m}\\sum w^2` with :math:`\\lambda' = 0.5`, :math:`m = 25`, and
    :math:`\\eta = 0.1`: the regularised gradient g and the weight after the step, two numbers
    to three decimals (a near ``w_new`` with fewer gets "precision"). Recognises the term left
    out, the course's lambda' used without converting it, the penalty's 1/2 kept, the term
    subtracted, the penalty added instead of its derivative, and in the step the wrong sign or
    no learning rate.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    try:
        g, w_new = answer
    except (TypeError, ValueError):
        g = w_new = None
    g, w_new = _number(g), _number(w_new)
    if g is None or w_new is None:
        return wrong("give two numbers: `answer = (g, w_new)`.", "format")
    e = L2_EXERCISE
    lam, m = e["lam"], e["m"]
    g_ok, w_ok = _l2_values(lam / m)
    tol = {"rtol": 1e-3, "atol": 5e-4}
    if close(g, g_ok, **tol):
        if matches_to_decimals(g, g_ok, 3) and matches_to_decimals(w_new, w_ok, 3):
            return correct(
                f"λ = λ'/m = {lam:g}/{m} = {lam / m:g}, g = 0.3 + {lam / m:g}·{e['w']:g} = "
                f"{g_ok:.4g} and w = {e['w']:g} - {e['lr']:g}·{g_ok:.4g} = {w_ok:.4g}; in "
                f"nc.SGD that is weight_decay = {lam / m:g}."
            )
        if close(w_new, e["w"] + e["lr"] * g_ok, **tol):
            return wrong(
                "g is right, but the step goes against the gradient: w_new = w - lr·g.",
                "update-sign",
            )
        if close(w_new, e["w"] - g_ok, **tol):
            return wrong("g is right; multiply it by the learning rate 0.1 in the step.", "no-lr")
        if abs(w_new - w_ok) < 0.01:  # g is right (to 1e-3), so only w_new can be rounded
            return wrong(
                f"near, but not to three decimals: w_new {difference(w_new, w_ok)}. It is an "
                "exact decimal, w - lr·g: keep all its digits.",
                "precision",
            )
        return wrong(
            f"g = {g_ok:.4g} is right; your w_new = {fmt(w_new)} is not: compute w_new = w - lr·g.",
            "w-new",
        )
    candidates = [
        (0.0, "no-term", "you left out the regularisation term: add (λ'/m)·w to ∂J/∂w."),
        (
            lam,
            "no-m",
            "you added λ'·w: the course's penalty is (λ'/2m)·Σw², so its derivative is "
            "(λ'/m)·w; this book's λ (weight_decay) is λ'/m. Divide by the number of samples "
            "m = 25.",
        ),
        (
            lam / (2 * m),
            "half",
            "you kept the 1/2 of the penalty (λ'/2m)·w²: differentiating w² gives 2w, which "
            "cancels it, so the extra gradient is (λ'/m)·w.",
        ),
        (
            -lam / m,
            "sign",
            "you subtracted the term: the penalty grows with |w|, so its gradient (λ'/m)·w has "
            "the sign of w and is added.",
        ),
    ]
    for coef, tag, message in candidates:
        if close(g, _l2_values(coef)[0], **tol):
            return wrong(message, tag)
    if close(g, e["dJ_dw"] + lam / (2 * m) * e["w"] ** 2, **tol):
        return wrong(
            "you added the penalty itself, (λ'/2m)·w², instead of its derivative (λ'/m)·w.",
            "penalty-not-gradient",
        )
    return wrong(
        f"your g = {fmt(g)} is not right: g should be ∂J/∂w plus the derivative of (λ'/2m)·w², "
        "that is 0.3 + (λ'/m)·w.",
        "unknown",
    )


# --- Exercise 2: inverted dropout --------------------------------------------------------------
@guarded
def check_dropout(dropout) -> Feedback:
    """Exercise ex-08-dropout: ``dropout(A, p, rng, training)`` implements inverted dropout.

    Training: each entry is zeroed with probability p (using ``rng``) and the kept ones are
    divided by (1 - p), the mask drawn with ``rng.random(A.shape)``; evaluation
    (``training=False``): an unchanged copy of A. The checker runs it on a large array with a
    seeded rng and checks the fraction of zeros, that the mask comes from ``rng.random(A.shape)``
    (either way of comparing it with p), the kept values, the mean, the evaluation mode, and that
    the result is a new array and A itself is not modified. Recognises keep and drop swapped,
    a mask per row or column, no rescaling or the wrong one, dropout or rescaling in evaluation
    mode, an rng other than the one given, A returned itself or changed in place.
    """
    if dropout is None:
        return wrong(_MISSING, "missing")
    if not callable(dropout):
        return wrong("pass the function itself: `check_dropout(dropout)`.", "format")
    p = 0.3
    A = np.random.default_rng(7).uniform(0.5, 2.0, size=(200, 400))
    A_before = A.copy()

    def call(training, p=p, copy=False):
        try:
            out = dropout(A, p, np.random.default_rng(0), training)
        except Exception as e:  # noqa: BLE001 - report any error to the reader
            return None, wrong(f"your function raised {type(e).__name__}: {e}", "error")
        if out is None:
            return None, wrong("your function returns None: return the new array.", "none")
        if copy and isinstance(out, np.ndarray) and np.may_share_memory(out, A):
            return None, wrong(
                f"with training={training} and p = {p:g} you returned A itself (or a view of "
                "it): return a new array, A.copy(), so that changing the result never changes "
                "the caller's A.",
                "not-a-copy",
            )
        if not np.array_equal(A, A_before):
            return None, wrong(
                "your function changed A in place; return a new array (A * mask / (1 - p)).",
                "in-place",
            )
        raw, out = out, to_float_array(out)
        if out is None:
            return None, wrong(
                f"your function returned {describe(raw)}, expected an array.", "format"
            )
        if out.shape != A.shape:
            return None, wrong(
                f"the output has shape {out.shape}, expected A's shape {A.shape}.", "shape"
            )
        return out, None

    out, fb = call(True)
    if fb is not None:
        return fb
    dropped = out == 0
    frac = dropped.mean()
    if frac < 0.01:
        if np.allclose(out, A):
            return wrong(
                "in training mode nothing was dropped: zero each entry with probability p.",
                "nothing-dropped",
            )
        return wrong("no entry was set to zero: multiply by a 0/1 mask.", "no-mask")
    if abs(frac - (1 - p)) < 0.02:
        return wrong(
            f"about {frac:.0%} of the entries are zero, but p = {p} is the probability of "
            "DROPPING a unit: keep an entry where rng.random(A.shape) >= p (or < 1 - p).",
            "keep-drop-swapped",
        )
    per_column = dropped.mean(axis=0)
    if np.all((per_column == 0) | (per_column == 1)) or np.all(
        (dropped.mean(axis=1) == 0) | (dropped.mean(axis=1) == 1)
    ):
        return wrong(
            "whole columns (or rows) are dropped together: draw one mask entry per element, "
            "rng.random(A.shape).",
            "mask-shape",
        )
    if abs(frac - p) > 0.02:
        return wrong(
            f"{frac:.1%} of the entries are zero; with p = {p} about {p:.0%} should be.",
            "drop-rate",
        )
    again, fb = call(True)
    if fb is not None:
        return fb
    if not np.array_equal(again == 0, dropped):
        return wrong(
            "two calls with the same seeded rng dropped different entries: draw the mask from "
            "the `rng` argument, rng.random(A.shape), not from np.random or a new generator.",
            "ignores-rng",
        )
    r = np.random.default_rng(0).random(A.shape)
    if not (np.array_equal(dropped, r < p) or np.array_equal(dropped, r >= 1 - p)):
        return wrong(
            f"{frac:.1%} of the entries are dropped, but not the ones rng.random(A.shape) "
            "picks: draw one uniform number per entry with it, as the exercise says, and keep "
            "the entry where it is >= p.",
            "mask-draw",
        )
    kept_ratio = out[~dropped] / A[~dropped]
    scaling_mistakes = [
        (
            1.0,
            "no-scaling",
            "the kept entries are not rescaled: divide them by (1 - p), or the mean activation "
            "shrinks by the factor (1 - p) during training.",
        ),
        (
            1 - p,
            "scaled-wrong-way",
            "you multiplied the kept entries by (1 - p); inverted dropout DIVIDES them by (1 - p).",
        ),
        (
            1 / p,
            "divided-by-p",
            "you divided by p; divide the kept entries by (1 - p), the keep probability.",
        ),
    ]
    for factor, tag, message in scaling_mistakes:
        if np.allclose(kept_ratio, factor):
            return wrong(message, tag)
    if not np.allclose(kept_ratio, 1 / (1 - p)):
        return wrong("the kept entries should equal A / (1 - p) exactly.", "kept-values")
    ev, fb = call(False, copy=True)
    if fb is not None:
        return fb
    if np.any(ev == 0):
        return wrong(
            "in evaluation mode (training=False) units are still dropped: at test time dropout "
            "must be the identity.",
            "dropout-in-eval",
        )
    if np.allclose(ev, A * (1 - p)) or np.allclose(ev, A / (1 - p)):
        return wrong(
            "in evaluation mode you rescaled A: with inverted dropout the scaling happens during "
            "training, so evaluation returns A unchanged.",
            "scaled-in-eval",
        )
    if not np.allclose(ev, A):
        return wrong("in evaluation mode return A unchanged.", "eval-values")
    zero, fb = call(True, p=0.0, copy=True)
    if fb is not None:
        return fb
    if not np.allclose(zero, A):
        return wrong("with p = 0 nothing is dropped and nothing rescaled: return A.", "p-zero")
    return correct(
        f"{frac:.1%} of the entries were dropped (p = {p}), the kept ones divided by 1 - p = "
        f"{1 - p:g}, the mean is preserved ({out.mean():.4f} vs {A.mean():.4f}), and evaluation "
        "mode is the identity."
    )


# --- Exercise 3: bias or variance ---------------------------------------------------------------
#: (training error, dev error) of the four models of exercise ex-08-diagnosis, in percent.
DIAGNOSIS_CASES = {"A": (12.0, 13.0), "B": (1.0, 1.5), "C": (0.8, 9.0), "D": (10.0, 22.0)}
_DIAGNOSIS = {"A": "high bias", "B": "good", "C": "high variance", "D": "both"}
_SYNONYMS = {
    "high variance": "high variance",
    "variance": "high variance",
    "overfitting": "high variance",
    "overfit": "high variance",
    "high bias": "high bias",
    "bias": "high bias",
    "underfitting": "high bias",
    "underfit": "high bias",
    "both": "both",
    "high bias and high variance": "both",
    "high variance and high bias": "both",
    "good": "good",
    "fine": "good",
    "ok": "good",
    "neither": "good",
    "low bias and low variance": "good",
}
_WHY = {
    "A": "a training error of 12 % is high (a human gets about 0 %), and the dev error is only "
    "1 point higher: the network cannot even fit its training set (high bias).",
    "B": "both errors are low and close together: good.",
    "C": "the training error 0.8 % is low, but the dev error is 8 points higher: the network "
    "fits its training set and does not generalise (high variance).",
    "D": "a training error of 10 % is high (high bias) AND the dev error is 12 points higher "
    "(high variance): both.",
}


@guarded
def check_diagnosis(answer) -> Feedback:
    """Exercise ex-08-diagnosis: a dict ``{"A": ..., "B": ..., "C": ..., "D": ...}`` of
    "high bias", "high variance", "both" or "good" for the (training error, dev error) pairs of
    :data:`DIAGNOSIS_CASES` (a human's error is about 0 %); synonyms such as "underfitting"
    are accepted. Recognises bias and variance swapped, the gap between dev and training error
    ignored, and the training error not compared with what is achievable; otherwise the
    message names a model whose diagnosis is wrong.
    """
    if answer is None:
        return wrong(_MISSING, "missing")
    if isinstance(answer, (list, tuple)) and len(answer) == 4:
        answer = dict(zip("ABCD", answer, strict=True))
    if not isinstance(answer, dict) or set(answer) != set("ABCD"):
        return wrong(
            'give a dict with the four models: {"A": "high bias", "B": ..., "C": ..., "D": ...}.',
            "format",
        )
    given = {}
    for k, v in answer.items():
        key = " ".join(str(v).lower().replace("-", " ").split()) if isinstance(v, str) else None
        if key not in _SYNONYMS:
            return wrong(
                f'model {k}: use one of "high bias", "high variance", "both", "good" '
                f"(got {describe(v)}).",
                "format",
            )
        given[k] = _SYNONYMS[key]
    if given == _DIAGNOSIS:
        return correct(
            "A high bias (bigger network, train longer), B good, C high variance (more data, "
            "L2, dropout), D both (first a bigger network, then regularise)."
        )
    swap = {"high bias": "high variance", "high variance": "high bias"}
    if all(swap.get(_DIAGNOSIS[k], _DIAGNOSIS[k]) == given[k] for k in "ABCD"):
        return wrong(
            "you swapped bias and variance: the TRAINING error measures bias (can the network "
            "fit the data it sees?); the GAP between dev and training error measures variance.",
            "swapped",
        )
    if given["C"] == "good" or given["D"] == "high bias":
        return wrong(
            "look at the gap between the dev and the training error, not only at the training "
            "error: " + (_WHY["C"] if given["C"] == "good" else _WHY["D"]),
            "ignored-gap",
        )
    if given["A"] == "good" or given["D"] == "high variance":
        return wrong(
            "compare the training error with what is achievable (about 0 % here): "
            + (_WHY["A"] if given["A"] == "good" else _WHY["D"]),
            "ignored-train-error",
        )
    k = next(k for k in "ABCD" if given[k] != _DIAGNOSIS[k])
    return wrong(f"model {k}: {_WHY[k]}", "unknown")


# --- Exercise 4: predict the symmetry -----------------------------------------------------------
@guarded
def check_symmetry(answer) -> Feedback:
    """Exercise ex-08-symmetry: the number of distinct rows of W^[1] after training a network
    whose weights all start at the same non-zero value (a whole number)."""
    if answer is None:
        return wrong(_MISSING, "missing")
    v = _number(answer)
    if v is None or v != int(v):
        return wrong("give a whole number of distinct rows, e.g. `answer = 2`.", "format")
    v = int(v)
    if v == 1:
        return correct(
            "all four hidden units receive the same gradient at every step, so they stay equal: "
            "what breaks the symmetry is randomness, not merely non-zero values."
        )
    if v == 4:
        return wrong(
            "non-zero is not enough: the four hidden units start EQUAL, so they compute the same "
            "activation and receive the same gradient at every step, and stay equal.",
            "nonzero-breaks-symmetry",
        )
    if v == 0:
        return wrong(
            "W^[1] has 4 rows; the question is how many of them are different from each other.",
            "zero",
        )
    return wrong(
        "think about what differs between hidden units 1 and 2 at the start: nothing.", "unknown"
    )


# --- Exercise 5 (stretch): a spiral classifier ----------------------------------------------------
def spirals_data():
    """The data of exercise ex-08-spirals: two spiral arms, split and standardised.

    Returns
    -------
    X_train (300, 2), y_train (300,), X_dev (100, 2), y_dev (100,)
        ``make_spirals(400, n_classes=2, noise=0.2)`` with seed 8, a 75/25 split, standardised
        with the training mean and std.
    """
    from nbcore.data import make_spirals, standardize, train_test_split

    rng = np.random.default_rng(8)
    X, y = make_spirals(400, n_classes=2, noise=0.2, rng=rng)
    X_train, X_dev, y_train, y_dev = train_test_split(X, y, test_size=0.25, rng=rng)
    X_train, mean, std = standardize(X_train)
    X_dev, _, _ = standardize(X_dev, mean, std)
    return X_train, y_train, X_dev, y_dev


@guarded
def check_spirals(model, target=0.95) -> Feedback:
    """Exercise ex-08-spirals: a trained nbcore model reaching ``target`` dev accuracy.

    The model must take the 2 standardised inputs of :func:`spirals_data` and return one logit
    or probability per sample (shape (m, 1)), or two class scores (shape (m, 2)).
    """
    from nbcore.network import Sequential
    from nbcore.training import accuracy

    if model is None:
        return wrong(_MISSING, "missing")
    if not isinstance(model, Sequential):
        return wrong(
            f"pass your trained nbcore model (an nc.MLP or nc.Sequential), got "
            f"{type(model).__name__}.",
            "not-a-model",
        )
    X_train, y_train, X_dev, y_dev = spirals_data()
    try:
        with np.errstate(all="ignore"):
            out_train, out_dev = model.predict(X_train), model.predict(X_dev)
    except Exception as e:  # noqa: BLE001 - report any error to the reader
        return wrong(f"model.predict on the (m, 2) inputs raised {type(e).__name__}: {e}", "shape")
    if out_dev.ndim != 2 or out_dev.shape[1] not in (1, 2):
        return wrong(
            f"the model outputs shape {out_dev.shape}; expected (m, 1) (one logit) or (m, 2).",
            "shape",
        )
    if not (np.all(np.isfinite(out_train)) and np.all(np.isfinite(out_dev))):
        return wrong(
            "the model outputs inf or nan: training diverged, lower the learning rate.",
            "diverged",
        )
    acc_train, acc_dev = accuracy(out_train, y_train), accuracy(out_dev, y_dev)
    summary = f"training accuracy {acc_train:.3f}, dev accuracy {acc_dev:.3f}"
    if acc_dev >= target:
        return correct(f"{summary} (target {target:g}).")
    if acc_train < target:
        return wrong(
            f"{summary}: the network does not even fit its training set (high bias). Make it "
            "bigger (more units, a second hidden layer), train longer, or raise the learning "
            "rate a little.",
            "high-bias",
        )
    return wrong(
        f"{summary}: it fits the training set but not the dev set (high variance). Try a "
        "smaller network, fewer epochs, L2 or dropout.",
        "high-variance",
    )


# --- Exercise 6: find the bug in a training loop -------------------------------------------------
def _epoch_given(model, loss_fn, optimizer, X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        pred = model(X[idx])
        loss_fn(pred, Y[start : start + batch_size])
        model.backward(loss_fn.backward())
        optimizer.step()


def _epoch_labels_bug(model, loss_fn, optimizer, X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        optimizer.zero_grad()
        pred = model(X[idx])
        loss_fn(pred, Y[start : start + batch_size])
        model.backward(loss_fn.backward())
        optimizer.step()


def _epoch_zero_grad_bug(model, loss_fn, optimizer, X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        pred = model(X[idx])
        loss_fn(pred, Y[idx])
        model.backward(loss_fn.backward())
        optimizer.step()


def _epoch_right(model, loss_fn, optimizer, X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        optimizer.zero_grad()
        pred = model(X[idx])
        loss_fn(pred, Y[idx])
        model.backward(loss_fn.backward())
        optimizer.step()


def _epoch_run(fn, args):
    """Two epochs of ``fn`` on a fresh seeded 2-4-1 network; returns all its parameters."""
    seed, batch_size = args
    data = np.random.default_rng(5)
    X = data.normal(size=(24, 2))
    Y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    model = nc.MLP([2, 4, 1], "tanh", output="sigmoid", rng=np.random.default_rng(seed))
    loss_fn, opt = nc.BCELoss(), nc.SGD(model.parameters(), lr=0.5)
    rng = np.random.default_rng(seed + 1)
    for _ in range(2):
        _, fb = call_reader(
            fn, model, loss_fn, opt, X, Y, batch_size, rng, name="train_epoch", check_inputs=False
        )
        if fb is not None and fb.mistake != "missing":  # returning None is fine here
            return None, fb
    return np.concatenate([p.data.ravel() for p in model.parameters()]), None


@guarded
def check_fix_training_loop(train_epoch) -> Feedback:
    """Check exercise ex-08-fix-loop: the reader's corrected ``train_epoch``.

    A correct answer, ``train_epoch(model, loss_fn, optimizer, X, Y, batch_size, rng)``, runs
    one epoch of mini-batch gradient descent with a new shuffle, as the chapter's training loop
    does. Two epochs on a seeded 2-4-1 network must give the parameters of a correct loop
    (relative tolerance 1e-9), for two seeds and batch sizes.

    Recognised mistakes (the ``mistake`` of the feedback): ``unchanged`` (the given function,
    both bugs), ``no_zero_grad`` (gradients still accumulate from one mini-batch to the next)
    and ``labels_not_shuffled`` (the labels of a mini-batch still not those of its inputs).

    Introduced in chapter 8 (Training a network end to end).

    Parameters
    ----------
    train_epoch : callable
        The reader's function; it updates the model's parameters and returns nothing.

    Returns
    -------
    Feedback
        Correct, or the bug that remains; never raises.
    """
    bugs = [
        (_epoch_given, "unchanged", "this is still the given function: it has two bugs."),
        (
            _epoch_zero_grad_bug,
            "no_zero_grad",
            "the labels are fixed, but optimizer.zero_grad() is still missing: backward adds "
            "into .grad, so without it every step uses the sum of all the gradients so far. "
            "Call it at the start of each mini-batch.",
        ),
        (
            _epoch_labels_bug,
            "labels_not_shuffled",
            "zero_grad is there now, but the labels are still Y[start : start + batch_size] "
            "while the inputs are X[idx]: inputs and labels must be shuffled together, Y[idx].",
        ),
    ]
    cases = [(0, 8), (3, 5)]
    found = find_remaining_bug(
        train_epoch, cases, _epoch_right, bugs, name="train_epoch", runner=_epoch_run, rtol=1e-9
    )
    if found is not None:
        return found
    return correct(
        "both bugs are fixed: zero_grad before each backward, and Y[idx] with X[idx]; two epochs "
        "give exactly the parameters of a correct loop."
    )
