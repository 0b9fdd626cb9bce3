"""Checkers for the exercises of chapter 7 (Optimizers).

Each ``check_*`` returns a :class:`~nbcore.exercises.Feedback` and never raises: a reader's
answer that is missing, malformed, or a function that crashes gets a message naming the likely
mistake. The reference numbers come from nbcore's own optimizers (PyTorch's update rules).

Introduced in chapter 7 (Optimizers).
"""

from __future__ import annotations

import warnings

import numpy as np

from nbcore.exercises._base import (
    Feedback,
    as_number,
    call_reader,
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
from nbcore.layers import Parameter
from nbcore.optimizers import SGD, AdaGrad, Adam

# ----------------------------------------------------------------------------- settings
#: Settings of exercise ex-07-adam-steps -- theta_0, the two gradients, and Adam's
#: hyper-parameters (eps is large on purpose, so that where it goes changes the digits).
ADAM_THETA0, ADAM_GRADS = 1.0, (0.4, -0.2)
ADAM_LR, ADAM_BETAS, ADAM_EPS = 0.1, (0.9, 0.999), 0.1
#: Settings of exercise ex-07-momentum -- f(theta) = 1.5 theta^2 (gradient 3 theta)
#: from theta = 1, ten steps.
MOMENTUM_CURVATURE, MOMENTUM_THETA0, MOMENTUM_LR, MOMENTUM_MU, MOMENTUM_STEPS = (
    3.0,
    1.0,
    0.1,
    0.9,
    10,
)
#: Settings of exercise ex-07-lr-threshold -- f(x, y) = 2x^2 + 10y^2, gradient (4x, 20y),
#: curvatures 4 and 20.
LR_CURVATURES = (4.0, 20.0)
#: Settings of exercise ex-07-adagrad -- f(x, y) = (x^2 + 50 y^2) / 2 from (-4, 1) with
#: lr 0.5, twenty steps.
ADAGRAD_START, ADAGRAD_LR, ADAGRAD_STEPS = (-4.0, 1.0), 0.5, 20


# ----------------------------------------------------------------------------- helpers
def _as_pair(answer):
    """The answer as a float array of shape (2,), or None."""
    if isinstance(answer, (str, bytes, bool)) or answer is None:
        return None
    try:
        arr = float_array(answer)
    except (TypeError, ValueError):
        return None
    return arr if arr.shape == (2,) else None


def _near(a, b, atol):
    return bool(np.all(np.isfinite(a)) and np.allclose(a, b, rtol=0, atol=atol))


def _not_callable(fn, name):
    if fn is None:
        return wrong(f"define `{name}` first (it is still None).", "missing")
    if not callable(fn):
        return wrong(f"`{name}` should be a function, got {type(fn).__name__}.", "not-callable")
    return None


def _call(fn, *args):
    """Run a reader's function: ``(result, error)``; never raises, silences warnings."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return fn(*args), None
        except Exception as err:  # a reader's bug, reported as feedback
            return None, err


def _unpack(out, name, shape):
    """The reader's ``(theta, state)`` return value as two float arrays of ``shape``, or a
    Feedback explaining what was returned instead."""
    if out is None:
        return wrong(
            f"`{name}` returned None: finish it and `return theta, v` (the new values).",
            "returned-none",
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return wrong(
            f"`{name}` should return two things, the new theta and the new state, as "
            f"`return theta, v`; got {describe(out)}.",
            "not-a-pair",
        )
    try:
        a, b = (float_array(x) for x in out)
    except (TypeError, ValueError):
        return wrong(f"`{name}` returned non-numbers: {describe(out)}.", "not-a-pair")
    if a.shape != shape or b.shape != shape:
        return wrong(
            f"`{name}` returned shapes {a.shape} and {b.shape}; expected {shape} for both.",
            "shape",
        )
    return a.copy(), b.copy()


def _raised(err, name):
    text = str(err)
    if isinstance(err, TypeError) and ("scalar" in text or "0-dimensional" in text):
        return wrong(
            f"`{name}` raised TypeError: {text}. θ, G and g are NumPy arrays here: use "
            "`np.sqrt` (elementwise), not `math.sqrt` (one number only).",
            "math-on-array",
        )
    return wrong(f"`{name}` raised {type(err).__name__}: {text}", "raised")


# ----------------------------------------------------------------------------- ex-07-adam-steps
def adam_reference(
    grads=ADAM_GRADS, theta0=ADAM_THETA0, lr=ADAM_LR, betas=ADAM_BETAS, eps=ADAM_EPS
):
    """theta after each step of ``nc.Adam`` (PyTorch's rule) on one parameter."""
    p = Parameter(np.array([theta0]))
    opt = Adam([p], lr=lr, betas=betas, eps=eps)
    thetas = []
    for g in grads:
        p.grad[:] = g
        opt.step()
        thetas.append(float(p.data[0]))
    return np.array(thetas)


def _adam_variant(
    grads=ADAM_GRADS,
    *,
    inside=False,
    correct_m=True,
    correct_v=True,
    sign=-1,
    folded=False,
    lag=0,
):
    """theta after each step of a (possibly mistaken) Adam, for recognising mistakes."""
    (b1, b2), lr, eps = ADAM_BETAS, ADAM_LR, ADAM_EPS
    theta, m, v, out = ADAM_THETA0, 0.0, 0.0, []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if folded:  # scikit-learn / Keras: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), eps on sqrt(v)
            step = lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
        else:
            k = max(t - lag, 1)  # lag = 1: the corrections of the previous step
            m_hat = m / (1 - b1**k) if correct_m else m
            v_hat = v / (1 - b2**k) if correct_v else v
            step = lr * m_hat / (np.sqrt(v_hat + eps) if inside else np.sqrt(v_hat) + eps)
        theta += sign * step
        out.append(theta)
    return np.array(out)


@guarded
def check_adam_steps(answer) -> Feedback:
    """Exercise ex-07-adam-steps: ``answer = [theta_1, theta_2]`` after two Adam steps.

    theta_0 = 1, gradients 0.4 then -0.2, lr = 0.1, betas (0.9, 0.999), eps = 0.1. Four
    decimals are enough (more are fine); a near answer with fewer gets "precision". Recognises
    eps inside the square root, missing (or half) bias correction, scikit-learn's folded
    correction, the bias correction of step t - 1, the wrong sign, a flipped second gradient,
    the two values swapped and the second step left out.
    """
    if answer is None:
        return wrong("set `answer = [theta_1, theta_2]` first (it is still None).", "missing")
    x = as_number(answer)
    if x is not None:
        return wrong(
            "give both values, `answer = [theta_1, theta_2]`: theta after the first and after "
            "the second step.",
            "one-number",
        )
    pair = _as_pair(answer)
    if pair is None:
        return wrong(
            f"`answer` should be a list of two numbers [theta_1, theta_2], got {describe(answer)}.",
            "not-a-pair",
        )
    if not np.all(np.isfinite(pair)):
        return wrong(
            f"`answer` contains {pair.tolist()}: something divided by zero. If it was the bias "
            "correction, t starts at 1: on the first step 1 − β₁ᵗ = 1 − 0.9 = 0.1, while "
            "1 − β₁^(t−1) = 1 − β₁⁰ = 0.",
            "not-finite",
        )
    tol = 5e-4  # near enough to be the right method, rounded too early
    ref = adam_reference()
    four = all(matches_to_decimals(pair[i], ref[i], 4) for i in range(2))
    if _near(pair, ref, tol) and not four:
        return wrong(
            f"near, but not to four decimals: θ {difference(pair, ref)}. Keep more digits in "
            "m̂, v̂ and √v̂.",
            "precision",
        )
    if four:
        return correct(
            f"θ₁ = {ref[0]:.4f}, θ₂ = {ref[1]:.6f}. The second gradient is negative, yet θ kept "
            "falling: m₂ = 0.9 × 0.04 + 0.1 × (−0.2) = 0.016 is still positive. That is "
            "momentum at work."
        )
    if _near(pair[::-1], ref, tol):
        return wrong(
            "you swapped the two values: the order is `answer = [theta_1, theta_2]`, θ after "
            "the first step, then after the second.",
            "swapped",
        )
    if _near(pair[0], ref[0], tol) and _near(pair[1], ref[0], tol):
        return wrong(
            "θ₂ equals θ₁: take the second step too (t = 2, with g₂ = −0.2).", "one-step-only"
        )
    variants = [
        (
            _adam_variant(inside=True),
            "eps-inside-sqrt",
            "you added ε inside the square root, √(v̂ + ε). Adam (the paper, PyTorch, nbcore) adds "
            "it outside: m̂ / (√v̂ + ε). With ε = 0.1 the difference shows in the third digit.",
        ),
        (
            _adam_variant(correct_m=False, correct_v=False),
            "no-bias-correction",
            "you skipped the bias correction: use m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ). On "
            "step 1, m̂₁ = 0.4 = g₁ and v̂₁ = 0.16 = g₁².",
        ),
        (
            _adam_variant(correct_v=False),
            "half-bias-correction",
            "you corrected m but not v: v̂ = v / (1 − β₂ᵗ) too (v₁ = 0.00016 becomes v̂₁ = 0.16).",
        ),
        (
            _adam_variant(correct_m=False),
            "half-bias-correction",
            "you corrected v but not m: m̂ = m / (1 − β₁ᵗ) too (m₁ = 0.04 becomes m̂₁ = 0.4).",
        ),
        (
            _adam_variant(folded=True),
            "folded-eps",
            "that is the folded form of scikit-learn and Keras, "
            "lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m/(√v + ε), where ε is added to √v instead of √v̂. "
            "The two agree when ε is tiny, not with ε = 0.1: "
            "this exercise follows PyTorch, m̂ / (√v̂ + ε).",
        ),
        (
            _adam_variant(lag=1),
            "bias-correction-t-minus-1",
            "your second step used the bias correction of the first, 1 − β^(t−1): at t = 2 "
            "divide by 1 − β₁² = 0.19 and 1 − β₂² = 0.001999, not by 1 − β₁ = 0.1 and "
            "1 − β₂ = 0.001.",
        ),
        (
            _adam_variant(sign=+1),
            "wrong-sign",
            "θ went up: the step is subtracted, θ ← θ − lr·m̂ / (√v̂ + ε).",
        ),
        (
            _adam_variant(grads=(0.4, 0.2)),
            "sign-of-g2",
            "your second step used g₂ = +0.2; the second gradient is −0.2 (so m₂ = 0.036 − 0.02).",
        ),
        (
            _adam_variant(inside=True, correct_m=False, correct_v=False),
            "no-bias-correction",
            "no bias correction and ε inside the square root: use m̂ / (√v̂ + ε) with "
            "m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).",
        ),
    ]
    for expected, tag, message in variants:
        if _near(pair, expected, tol):
            return wrong(message, tag)
    if _near(pair[0], ref[0], tol):
        return wrong(
            f"θ₁ = {ref[0]:.4f} is right; θ₂ is not. At t = 2: m₂ = 0.9 m₁ + 0.1 g₂, "
            "v₂ = 0.999 v₁ + 0.001 g₂², and the corrections divide by 1 − 0.9² = 0.19 and "
            "1 − 0.999² = 0.001999.",
            "second-step",
        )
    return wrong(
        "not yet: on step 1, m₁ = 0.1 × 0.4, v₁ = 0.001 × 0.4², m̂₁ = m₁ / 0.1, v̂₁ = v₁ / 0.001, "
        "and θ₁ = 1 − 0.1 × m̂₁ / (√v̂₁ + 0.1).",
    )


# ----------------------------------------------------------------------------- ex-07-momentum
def _momentum_reference(lr=MOMENTUM_LR, mu=MOMENTUM_MU, nesterov=False, steps=MOMENTUM_STEPS):
    """theta and PyTorch's buffer v after each step of nc.SGD on f = 1.5 theta^2."""
    p = Parameter(np.array([MOMENTUM_THETA0]))
    opt = SGD([p], lr=lr, momentum=mu, nesterov=nesterov) if mu else SGD([p], lr=lr)
    thetas, vs = [], []
    for _ in range(steps):
        p.grad[:] = MOMENTUM_CURVATURE * p.data
        opt.step()
        thetas.append(float(p.data[0]))
        vs.append(float(opt.state[0]["momentum_buffer"][0]) if mu else 0.0)
    return np.array(thetas), np.array(vs)


@guarded
def check_momentum_step(momentum_step) -> Feedback:
    """Exercise ex-07-momentum: ``momentum_step(theta, v, g, lr, mu) -> (theta, v)``.

    Run from theta = 1, v = 0 on f = 1.5 theta^2 (g = 3 theta) for ten steps with lr = 0.1,
    mu = 0.9, and compared with ``nc.SGD(momentum=0.9)``. Either common form is right,
    PyTorch's or the classic one; the message says which one the reader wrote. Recognises the
    averaging form (with dampening, steps 1 - mu times as long), plain SGD, Nesterov momentum,
    the wrong sign and updating theta before v.
    """
    early = _not_callable(momentum_step, "momentum_step")
    if early is not None:
        return early
    theta, v, thetas, vs = MOMENTUM_THETA0, 0.0, [], []
    for _ in range(MOMENTUM_STEPS):
        out, err = _call(
            momentum_step, theta, v, MOMENTUM_CURVATURE * theta, MOMENTUM_LR, MOMENTUM_MU
        )
        if err is not None:
            return _raised(err, "momentum_step")
        got = _unpack(out, "momentum_step", ())
        if isinstance(got, Feedback):
            return got
        theta, v = float(got[0]), float(got[1])
        thetas.append(theta)
        vs.append(v)
    thetas, vs = np.array(thetas), np.array(vs)
    ref_theta, ref_v = _momentum_reference()
    if np.allclose(thetas, ref_theta, rtol=1e-9, atol=1e-12):
        if np.allclose(vs, ref_v, rtol=1e-9, atol=1e-12):
            return correct(
                "ten steps equal to nc.SGD(momentum=0.9), in PyTorch's form: v accumulates the "
                "gradients (v = μv + g) and the step is lr·v."
            )
        if np.allclose(vs, -MOMENTUM_LR * ref_v, rtol=1e-9, atol=1e-12):
            return correct(
                "ten steps equal to nc.SGD(momentum=0.9), in the classic form (Keras, "
                "scikit-learn): v is the step itself, v = μv − lr·g. Your v is −lr times "
                "PyTorch's buffer, as it must be for a constant learning rate."
            )
        return correct("ten steps of θ equal to nc.SGD(momentum=0.9).")
    if thetas[0] == MOMENTUM_THETA0:
        return wrong(
            "the first step did not move θ: you updated θ with the old velocity (0) before "
            "updating v. Update v first, then θ with the new v.",
            "update-order",
        )
    if np.allclose(
        thetas, _momentum_reference(lr=MOMENTUM_LR * (1 - MOMENTUM_MU))[0], rtol=1e-9, atol=1e-12
    ):
        return wrong(
            "you averaged, v = μv + (1 − μ)g, the 'exponentially weighted average' form of some "
            "courses. Started from v = 0 its v is 1 − μ = 0.1 times PyTorch's, so every step is "
            "ten times shorter. (PyTorch's dampening = μ is close, but its first step is "
            "undamped.) nbcore and PyTorch (dampening 0) sum: v = μv + g.",
            "dampening",
        )
    if np.allclose(thetas, _momentum_reference(mu=0.0)[0], rtol=1e-9, atol=1e-12):
        return wrong(
            "these are plain gradient-descent steps: v must remember the past, v = μv + g "
            "(or v = μv − lr·g), with μ = 0.9.",
            "no-momentum",
        )
    if np.allclose(thetas, _momentum_reference(nesterov=True)[0], rtol=1e-9, atol=1e-12):
        return wrong(
            "this is Nesterov momentum (the step uses g + μv). The exercise asks for the "
            "classical one: step along v itself.",
            "nesterov",
        )
    if not np.all(np.isfinite(thetas)) or abs(thetas[-1]) > 10 * MOMENTUM_THETA0:
        return wrong(
            "θ ran away from the minimum at 0: a sign is wrong. Either v = μv + g with "
            "θ ← θ − lr·v, or v = μv − lr·g with θ ← θ + v; mixing the two flips the step.",
            "wrong-sign",
        )
    return wrong(
        f"after ten steps θ = {thetas[-1]:.6f}, expected {ref_theta[-1]:.6f}. Check the first "
        f"step: v₁ = g₁ = 3 (or −lr·g₁ = −0.3) and θ₁ = 1 − 0.1 × 3 = {ref_theta[0]:.4f}.",
    )


# ----------------------------------------------------------------------------- ex-07-lr-threshold
def lr_threshold(curvatures=LR_CURVATURES):
    """The reference answer of exercise ex-07-lr-threshold: the largest learning rate for which
    gradient descent converges on the quadratic with these curvatures."""
    return 2.0 / max(curvatures)


@guarded
def check_lr_threshold(answer) -> Feedback:
    """Exercise ex-07-lr-threshold: the largest stable lr on f(x, y) = 2x^2 + 10y^2.

    One number. Recognises the threshold of the flat direction instead of the steep one, a
    threshold half as large, the coefficients of f read as curvatures, and the optimal
    (fastest) rate given instead of the threshold.
    """
    if answer is None:
        return wrong("set `lr_max` to a number first (it is still None).", "missing")
    x = as_number(answer)
    if x is None:
        return wrong(f"`lr_max` should be one number, got {describe(answer)}.", "not-a-number")
    if not np.isfinite(x) or x <= 0:
        return wrong(f"`lr_max` = {x}: a learning rate is a positive number.", "not-positive")
    lo, hi = LR_CURVATURES
    expected = lr_threshold()

    def near(v):
        return abs(x - v) <= 1e-3 * v

    if near(expected):
        return correct(
            f"lr_max = 2 / c = 2 / {hi:g} = {expected:g}, with c = {hi:g} the largest curvature. "
            f"Along y each step multiplies y by 1 − {hi:g}·lr; at lr = {expected:g} that factor "
            "is −1, and beyond it |y| grows."
        )
    if near(2 / lo):
        return wrong(
            f"2 / {lo:g} = {2 / lo:g} keeps x stable, but the steep direction y diverges first: "
            f"its factor 1 − {hi:g}·lr passes −1 at a smaller lr. Use the largest curvature, "
            f"c = {hi:g}.",
            "flat-direction",
        )
    if near(1 / hi) or near(1 / lo):
        return wrong(
            f"{x:g} is 1 / curvature: the step that lands exactly on the minimum along that "
            "direction (factor 0). Larger steps overshoot, but still converge while the factor "
            "stays above −1, i.e. up to 2 / c, c the largest curvature.",
            "one-over-L",
        )
    if near(2 / 10) or near(2 / 2) or near(2 / 12) or near(1 / 10):
        return wrong(
            "the curvature is the second derivative, not the coefficient: d²/dy² of 10y² is 20 "
            "(the gradient is (4x, 20y)), so the largest curvature is c = 20.",
            "coefficient-not-curvature",
        )
    if near(2 / (lo + hi)):
        return wrong(
            f"2 / ({lo:g} + {hi:g}) = {x:.4f} is the *fastest* learning rate (both "
            "directions then shrink by the same factor), not the largest that converges.",
            "optimal-lr",
        )
    if x > expected:
        return wrong(
            f"with lr = {x:g} the factor along y is 1 − {hi:g} × {x:g} = {1 - hi * x:.3g}, "
            "below −1: y flips sign and grows at every step. Run it and see.",
            "too-large",
        )
    return wrong(
        f"lr = {x:g} converges, but it is not the largest: try a little more, up to where the "
        f"factor 1 − {hi:g}·lr of the steep direction reaches −1.",
        "too-small",
    )


# ----------------------------------------------------------------------------- ex-07-adagrad
def _adagrad_quadratic_grad(theta):
    return np.array([theta[0], 50.0 * theta[1]])


def _adagrad_reference(eps, steps=ADAGRAD_STEPS, lr=ADAGRAD_LR):
    p = Parameter(np.array(ADAGRAD_START))
    opt = AdaGrad([p], lr=lr, eps=eps)
    thetas = []
    for _ in range(steps):
        p.grad[:] = _adagrad_quadratic_grad(p.data)
        opt.step()
        thetas.append(p.data.copy())
    return np.array(thetas)


def _adagrad_variant(eps, kind, steps=ADAGRAD_STEPS, lr=ADAGRAD_LR):
    theta, G, out = np.array(ADAGRAD_START), np.zeros(2), []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            g = _adagrad_quadratic_grad(theta)
            if kind == "rmsprop":
                G = 0.99 * G + 0.01 * g * g
            elif kind == "abs":
                G = G + np.abs(g)
            else:
                G = G + g * g
            if kind == "inside":
                theta = theta - lr * g / np.sqrt(G + eps)
            elif kind == "no-sqrt":
                theta = theta - lr * g / (G + eps)
            else:
                theta = theta - lr * g / (np.sqrt(G) + eps)
            out.append(theta.copy())
    return np.array(out)


def _run_reader_adagrad(fn, eps):
    theta, G, out = np.array(ADAGRAD_START), np.zeros(2), []
    for _ in range(ADAGRAD_STEPS):
        g = _adagrad_quadratic_grad(theta)
        theta_in, G_in, g_in = theta.copy(), G.copy(), g.copy()
        res, err = _call(fn, theta_in, G_in, g_in, ADAGRAD_LR, eps)
        if err is not None:
            return _raised(err, "adagrad_step")
        for name, before, after in (("theta", theta, theta_in), ("G", G, G_in), ("g", g, g_in)):
            if not np.array_equal(before, after):
                return wrong(
                    f"`adagrad_step` changed the caller's `{name}` in place (e.g. with "
                    f"`{name} += ...`), which the exercise forbids: the caller's arrays must "
                    f"stay as they were. Build new ones: G = G + g * g, theta = theta - ....",
                    "modified_input",
                )
        got = _unpack(res, "adagrad_step", (2,))
        if isinstance(got, Feedback):
            if got.mistake == "returned-none":
                return wrong(
                    "`adagrad_step` returned None: `return theta, G` at the end.", "returned-none"
                )
            return got
        theta, G = got
        out.append(theta.copy())
    return np.array(out)


@guarded
def check_adagrad_step(adagrad_step) -> Feedback:
    """Exercise ex-07-adagrad: ``adagrad_step(theta, G, g, lr, eps) -> (theta, G)`` on arrays.

    Run for twenty steps on f = (x^2 + 50 y^2) / 2 from (-4, 1), lr = 0.5, once with eps = 1e-10
    (nbcore's default) and once with eps = 0.5 (so its placement shows), and compared with
    ``nc.AdaGrad``. The function must return new arrays: one that changes the caller's theta, G
    or g in place gets "modified_input". Recognises eps inside the square root, a missing square
    root, ``|g|`` summed instead of g², a moving average (RMSprop) instead of a sum, the
    accumulator updated after the step, the wrong sign, ``math.sqrt`` on an array.
    """
    early = _not_callable(adagrad_step, "adagrad_step")
    if early is not None:
        return early
    results = {}
    for eps in (1e-10, 0.5):
        got = _run_reader_adagrad(adagrad_step, eps)
        if isinstance(got, Feedback):
            return got
        results[eps] = got
    small, large = results[1e-10], results[0.5]
    if np.allclose(small, _adagrad_reference(1e-10), rtol=1e-9, atol=1e-12) and np.allclose(
        large, _adagrad_reference(0.5), rtol=1e-9, atol=1e-12
    ):
        return correct(
            "twenty steps equal to nc.AdaGrad, with ε = 1e-10 and with ε = 0.5. Note the first "
            "step: lr·g/√(g²) = lr·sign(g) = (−0.5, 0.5), the same size in both coordinates "
            "although their gradients are −4 and 50."
        )
    first = small[0]
    if not np.all(np.isfinite(small)) or np.abs(first - ADAGRAD_START).max() > 1e3:
        return wrong(
            "the first step is enormous: you divided by √G before adding g² to G (G is 0 then, "
            "so the step is lr·g/ε). Accumulate first, G ← G + g², then step.",
            "sum-after-step",
        )
    if np.allclose(large, _adagrad_variant(0.5, "inside"), rtol=1e-9, atol=1e-12):
        return wrong(
            "ε is inside the square root, √(G + ε) (Keras's convention). nbcore and PyTorch add "
            "it outside, √G + ε; with ε = 0.5 the two differ.",
            "eps-inside-sqrt",
        )
    if np.allclose(small, _adagrad_variant(1e-10, "no-sqrt"), rtol=1e-9, atol=1e-12):
        return wrong("you divided by G + ε: take the square root, g / (√G + ε).", "no-sqrt")
    if np.allclose(small, _adagrad_variant(1e-10, "abs"), rtol=1e-9, atol=1e-12):
        return wrong(
            "you summed |g| instead of g²: AdaGrad accumulates squared gradients, G ← G + g², "
            "and divides by √G (so the first step is lr·g/√(g²) = lr·sign(g)).",
            "sum-abs-g",
        )
    if np.allclose(small, _adagrad_variant(1e-10, "rmsprop"), rtol=1e-9, atol=1e-12):
        return wrong(
            "that is RMSprop (a moving average 0.99 G + 0.01 g²). AdaGrad *sums*: G ← G + g², "
            "so its effective learning rate lr / √G only ever shrinks.",
            "moving-average",
        )
    dist = np.abs(small[-1]).max()
    if not np.all(np.isfinite(small)) or dist > np.abs(ADAGRAD_START).max():
        return wrong(
            "θ moved away from the minimum: subtract the step, θ ← θ − lr·g/(√G + ε).", "wrong-sign"
        )
    ref = _adagrad_reference(1e-10)
    return wrong(
        f"after the first step θ = {np.round(first, 6).tolist()}, expected "
        f"{np.round(ref[0], 6).tolist()} (G₁ = g₁² = (16, 2500), step lr·g/√G = (−0.5, 0.5)).",
    )


__all__ = [
    "adam_reference",
    "check_adagrad_step",
    "check_adam_steps",
    "check_fix_adam",
    "check_lr_threshold",
    "check_momentum_velocity",
    "check_momentum_step",
    "lr_threshold",
]


# ----------------------------------------------------------------------------- find the bug
def _adam_given(theta, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    theta = theta - lr * m / np.sqrt(v + eps)
    return theta, m, v


def _adam_eps_bug(theta, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    theta = theta - lr * m_hat / np.sqrt(v_hat + eps)
    return theta, m, v


def _adam_correction_bug(theta, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    theta = theta - lr * m / (np.sqrt(v) + eps)
    return theta, m, v


def _adam_returns_hats(theta, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def _adam_right(theta, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v


def _adam_run(fn, args):
    """Three steps of ``fn`` from ``args = (theta0, grads, lr, eps)``: the thetas, m and v."""
    theta0, grads, lr, eps = args
    theta, m, v = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0)
    out = []
    for t, g in enumerate(grads, start=1):
        res, fb = call_reader(fn, theta, m, v, g.copy(), t, lr, 0.9, 0.999, eps, name="adam_step")
        if fb is not None:
            return None, fb
        try:
            theta, m, v = (to_float_array(x) for x in res)
        except Exception:
            return None, wrong("adam_step should return three arrays: theta, m, v.", "format")
        if any(x is None or x.shape != theta0.shape for x in (theta, m, v)):
            return None, wrong(
                f"adam_step should return (theta, m, v), each of theta's shape {theta0.shape}.",
                "format",
            )
        out.append(np.concatenate([theta, m, v]))
    return np.array(out), None


@guarded
def check_fix_adam(adam_step) -> Feedback:
    """Check exercise ex-07-fix-adam: the reader's corrected ``adam_step(theta, m, v, g, t, ...)``.

    A correct answer is PyTorch's Adam step (the chapter's equation): three steps from the
    same start must give the thetas, m and v of ``nc.Adam`` (relative tolerance 1e-9), with
    eps = 1e-8 and with eps = 0.1.

    Recognised mistakes (the ``mistake`` of the feedback): ``unchanged`` (the given function,
    both bugs), ``no-bias-correction`` (m and v still used without their bias correction),
    ``eps-inside-sqrt`` (epsilon still in the wrong place relative to the square root),
    ``returns-corrected-moments`` (m_hat and v_hat returned instead of m and v); ``format``
    when the result is not three arrays ``(theta, m, v)`` of theta's shape, and
    ``modified_input`` when the function changes the caller's arrays in place.

    Introduced in chapter 7 (Optimizers).

    Parameters
    ----------
    adam_step : callable
        The reader's ``adam_step(theta, m, v, g, t, lr, beta1, beta2, eps)``, returning the new
        ``(theta, m, v)``.

    Returns
    -------
    Feedback
        Correct, or the bug that remains; never raises.
    """
    theta0 = np.array([1.0, -2.0])
    grads = [np.array([0.4, -3.0]), np.array([-0.2, 1.0]), np.array([0.1, 0.5])]
    cases = [(theta0, grads, 0.1, 1e-8), (theta0, grads, 0.1, 0.1)]
    bugs = [
        (_adam_given, "unchanged", "this is still the given function: it has two bugs."),
        (
            _adam_correction_bug,
            "no-bias-correction",
            "ε is in the right place now, but the bias correction is missing: "
            "m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ), then θ − lr·m̂ / (√v̂ + ε).",
        ),
        (
            _adam_eps_bug,
            "eps-inside-sqrt",
            "the bias correction is there now, but ε is still inside the square root: "
            "PyTorch (and nc.Adam) divide by √v̂ + ε.",
        ),
        (
            _adam_returns_hats,
            "returns-corrected-moments",
            "both bugs are fixed in the step, but you return m̂ and v̂: return the moving "
            "averages m and v themselves. The correction divides by 1 − βᵗ afresh at every "
            "step, so a corrected value fed back in is corrected again.",
        ),
    ]
    found = find_remaining_bug(
        adam_step, cases, _adam_right, bugs, name="adam_step", runner=_adam_run, rtol=1e-9
    )
    if found is not None:
        return found
    return correct("both bugs are fixed: three steps equal nc.Adam, with ε = 1e-8 and ε = 0.1.")


# ----------------------------------------------------------------------------- momentum by hand
@guarded
def check_momentum_velocity(answer) -> Feedback:
    """Check exercise ex-07-momentum-velocity: ``answer = (v_3, ratio)`` for a constant gradient.

    For PyTorch's momentum ``v_t = mu v_{t-1} + g_t`` with mu = 0.9, g = 1 and v_0 = 0: the
    velocity after the third step and the limit of v_t / g, two numbers (to 1e-3).

    Recognised mistakes (the ``mistake`` of the feedback): ``missing``, ``format`` and
    ``not-finite`` (no usable pair of numbers), ``swapped`` (the two numbers in the wrong
    order), ``dampening`` (the averaging form of momentum), ``off-by-one`` (the velocity one
    step early or late, or the limit without the current gradient's term), ``rounding`` (v_3
    rounded), ``inverted`` (the ratio upside down), and ``v3`` or ``ratio`` for any other wrong
    value.

    Introduced in chapter 7 (Optimizers).

    Parameters
    ----------
    answer : tuple of two numbers
        ``(v_3, ratio)``.

    Returns
    -------
    Feedback
        Correct, or what is probably wrong; never raises.
    """
    if answer is None:
        return wrong("set `answer = (v_3, ratio)` first (it is still None).", "missing")
    pair = _as_pair(answer)
    if pair is None:
        return wrong(
            f"`answer` should be two numbers (v_3, ratio), got {describe(answer)}.", "format"
        )
    if not np.all(np.isfinite(pair)):
        return wrong(f"`answer` contains {pair.tolist()}, not two finite numbers.", "not-finite")
    v3, ratio = float(pair[0]), float(pair[1])
    v3_ok, ratio_ok = 2.71, 10.0
    if _near(v3, ratio_ok, 1e-3) and _near(ratio, v3_ok, 1e-3):
        return wrong("you swapped the two numbers: the order is (v_3, ratio).", "swapped")
    if _near(v3, 0.271, 1e-3) or _near(ratio, 1.0, 1e-3):
        return wrong(
            "that is the averaging form v = μ v + (1 − μ) g (Keras, the original paper): its v₃ "
            "is 0.271 and its limit 1. The exercise uses PyTorch's v = μ v + g, which sums.",
            "dampening",
        )
    if not _near(v3, v3_ok, 1e-3):
        for wrong_v3, tag, message in [
            (1.9, "off-by-one", "1.9 is v₂; take one more step: v₃ = 0.9 × 1.9 + 1."),
            (3.439, "off-by-one", "3.439 is v₄; v₁ = 1 is the first step, v₃ the third."),
            (2.7, "rounding", "keep the digits: v₃ = 0.9 × 1.9 + 1 = 2.71 exactly."),
        ]:
            if _near(v3, wrong_v3, 1e-3):
                return wrong(message, tag)
        return wrong(
            f"v₃ = {fmt(v3)} is not right: v₁ = 1, v₂ = 0.9 v₁ + 1, v₃ = 0.9 v₂ + 1.", "v3"
        )
    if _near(ratio, ratio_ok, 1e-3):
        return correct(
            "v₃ = 1 + 0.9 + 0.81 = 2.71, and v_t → 1 / (1 − μ) = 10: on a steady slope momentum "
            "multiplies the learning rate by 10."
        )
    if _near(ratio, 9.0, 1e-3):
        return wrong(
            "the limit of 1 + μ + μ² + ... is 1 / (1 − μ) = 10, not μ / (1 − μ) = 9: the first "
            "term, the current gradient, counts too.",
            "off-by-one",
        )
    if _near(ratio, 0.1, 1e-3):
        return wrong("that is 1 − μ; the steps grow, to 1 / (1 − μ) times plain SGD's.", "inverted")
    return wrong(
        f"v₃ = 2.71 is right; the ratio {fmt(ratio)} is not: sum the geometric series "
        "1 + μ + μ² + ... .",
        "ratio",
    )
