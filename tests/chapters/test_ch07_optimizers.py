"""Chapter 7 (Optimizers): exercise checkers, the optimizer race's logic and its widgets."""

import math

import numpy as np
import pytest

import nbcore as nc
from nbcore.exercises.ch07 import (
    adam_reference,
    check_adagrad_step,
    check_adam_steps,
    check_lr_threshold,
    check_momentum_step,
    lr_threshold,
)
from nbcore.widgets.optimizers import (
    OPTIMIZER_NAMES,
    SCRUBBER_STEPS,
    SURFACES,
    OptimizerRace,
    RaceFrames,
    make_optimizer,
    race,
    race_readout,
)

NONSENSE = [None, "0.9", [1, 2, 3], object(), float("nan"), True, {"a": 1}]


def assert_mistake(feedback, tag):
    assert not feedback, feedback
    assert feedback.mistake == tag, (feedback.mistake, feedback.message)
    assert str(feedback).startswith("Not yet")


# ============================================================================ the hand example
def test_hand_example_numbers():
    """The chapter's two-step example (theta0 = 1, g = 0.5 then 0.3), to the printed digits."""

    def two(opt, p):
        out = []
        for g in (0.5, 0.3):
            p.grad[:] = g
            opt.step()
            out.append(p.data[0])
        return np.array(out)

    p = nc.Parameter(np.array([1.0]))
    assert np.allclose(two(nc.SGD([p], lr=0.1), p), [0.95, 0.92])
    p = nc.Parameter(np.array([1.0]))
    assert np.allclose(two(nc.SGD([p], lr=0.1, momentum=0.9), p), [0.95, 0.875])
    p = nc.Parameter(np.array([1.0]))
    assert np.allclose(two(nc.SGD([p], lr=0.1, momentum=0.9, nesterov=True), p), [0.905, 0.8075])
    p = nc.Parameter(np.array([1.0]))
    assert np.allclose(two(nc.AdaGrad([p], lr=0.1), p), [0.9, 0.8485504], rtol=0, atol=5e-8)
    p = nc.Parameter(np.array([1.0]))
    rmsprop = two(nc.RMSprop([p], lr=0.01), p)
    assert np.allclose(rmsprop, [0.90000002, 0.84836025], rtol=0, atol=5e-9)
    assert np.isclose(rmsprop[1], 0.8483603, rtol=0, atol=5e-8)
    p = nc.Parameter(np.array([1.0]))
    assert np.allclose(two(nc.Adam([p], lr=0.1), p), [0.9, 0.8042510], rtol=0, atol=5e-8)


def test_hand_example_matches_torch():
    torch = pytest.importorskip("torch")
    cases = [
        (nc.SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
        (nc.SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        (nc.AdaGrad, torch.optim.Adagrad, {"lr": 0.1}),
        (nc.RMSprop, torch.optim.RMSprop, {"lr": 0.01}),
        (nc.Adam, torch.optim.Adam, {"lr": 0.1}),
    ]
    for ours, theirs, kw in cases:
        p = nc.Parameter(np.array([1.0]))
        w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
        a, b = ours([p], **kw), theirs([w], **kw)
        for g in (0.5, 0.3):
            p.grad[:] = g
            a.step()
            w.grad = torch.tensor([g], dtype=torch.float64)
            b.step()
            assert np.isclose(p.data[0], w.item(), rtol=1e-12), (ours, kw)


def test_torch_dampening_starts_undamped():
    """The chapter's claim about PyTorch's `dampening`: v_1 = g_1, then mu v + (1 - d) g; so
    dampening = mu with a constant gradient keeps v = g, unlike the average from v_0 = 0."""
    torch = pytest.importorskip("torch")
    mu, grads = 0.9, [0.5, 0.3, -0.2, 1.0, 0.7]
    for d in (0.0, 0.5, mu):
        w = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.1, momentum=mu, dampening=d)
        v = None
        for g in grads:
            w.grad = torch.tensor([g], dtype=torch.float64)
            opt.step()
            v = g if v is None else mu * v + (1 - d) * g
            assert np.isclose(opt.state[w]["momentum_buffer"].item(), v, rtol=1e-12)
    w = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=mu, dampening=mu)
    for _ in range(5):
        w.grad = torch.tensor([1.0], dtype=torch.float64)
        opt.step()
        assert opt.state[w]["momentum_buffer"].item() == pytest.approx(1.0, rel=1e-12)


def test_sklearn_folded_adam_differs_only_through_eps():
    """scikit-learn's Adam (folded correction) equals PyTorch's rule with eps replaced by
    eps / sqrt(1 - beta2^t), and nc.Adam exactly when eps = 0."""
    sk = pytest.importorskip("sklearn.neural_network._stochastic_optimizers")
    grads = np.random.default_rng(3).normal(0.2, 1.0, size=30)

    def sklearn_path(eps):
        theta = np.array([0.0])
        opt = sk.AdamOptimizer([theta], learning_rate_init=0.01, epsilon=eps)
        out = []
        for g in grads:
            opt.update_params([theta], [np.array([g])])
            out.append(theta[0])
        return np.array(out)

    def pytorch_rule(eps_of_t):  # Adam with bias correction and eps outside sqrt(v_hat)
        theta, m, v, out = 0.0, 0.0, 0.0, []
        for t, g in enumerate(grads, start=1):
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
            theta -= 0.01 * m_hat / (np.sqrt(v_hat) + eps_of_t(t))
            out.append(theta)
        return np.array(out)

    def nbcore_path(eps):
        p = nc.Parameter(np.array([0.0]))
        opt, out = nc.Adam([p], lr=0.01, eps=eps), []
        for g in grads:
            p.grad[:] = g
            opt.step()
            out.append(p.data[0])
        return np.array(out)

    assert np.allclose(sklearn_path(0.0), nbcore_path(0.0), rtol=1e-12, atol=1e-15)
    for eps in (1e-8, 0.1):
        rescaled = pytorch_rule(lambda t, eps=eps: eps / math.sqrt(1 - 0.999**t))
        assert np.allclose(sklearn_path(eps), rescaled, rtol=1e-12, atol=1e-15)
        assert np.allclose(pytorch_rule(lambda t, eps=eps: eps), nbcore_path(eps), rtol=1e-12)
    assert np.abs(sklearn_path(1e-8) - nbcore_path(1e-8)).max() < 1e-8
    assert np.abs(sklearn_path(0.1) - nbcore_path(0.1)).max() > 1e-3


# ============================================================================ ex-07-adam-steps
def test_adam_steps_reference():
    ref = adam_reference()
    assert np.allclose(ref, [0.92, 0.8997659], rtol=0, atol=5e-8)
    assert check_adam_steps(list(ref))
    assert check_adam_steps([0.92, 0.8998])  # four decimals
    assert check_adam_steps(np.array([0.92, 0.89977]))
    assert check_adam_steps((0.92, 0.8997659))


@pytest.mark.parametrize(
    "answer, tag",
    [
        ([0.9216, 0.9027], "eps-inside-sqrt"),
        ([0.9645, 0.9505], "no-bias-correction"),
        ([0.6449, 0.5711], "half-bias-correction"),
        ([0.992, 0.9882], "half-bias-correction"),
        ([0.9888, 0.9855], "folded-eps"),
        ([1.08, 1.1002], "wrong-sign"),
        ([0.92, 0.8492], "sign-of-g2"),
        ([0.92, 0.92], "one-step-only"),
        ([0.92, 0.85], "second-step"),
        (0.92, "one-number"),
        ([0.5, 0.5], "unknown"),
        ([1, 2, 3], "not-a-pair"),
        (None, "missing"),
    ],
)
def test_adam_steps_mistakes(answer, tag):
    assert_mistake(check_adam_steps(answer), tag)


@pytest.mark.parametrize("answer", NONSENSE)
def test_adam_steps_nonsense_never_raises(answer):
    assert not check_adam_steps(answer)


# ============================================================================ ex-07-momentum
def pytorch_form(theta, v, g, lr, mu):
    v = mu * v + g
    return theta - lr * v, v


def classic_form(theta, v, g, lr, mu):
    v = mu * v - lr * g
    return theta + v, v


def test_momentum_reference_both_forms():
    fb = check_momentum_step(pytorch_form)
    assert fb and "PyTorch" in fb.message
    fb = check_momentum_step(classic_form)
    assert fb and "classic" in fb.message


def _dampened(theta, v, g, lr, mu):
    v = mu * v + (1 - mu) * g
    return theta - lr * v, v


def _late_v(theta, v, g, lr, mu):
    theta = theta - lr * v
    return theta, mu * v + g


def _mixed(theta, v, g, lr, mu):
    v = mu * v - lr * g
    return theta - v, v


def _plain(theta, v, g, lr, mu):
    return theta - lr * g, v


def _nesterov(theta, v, g, lr, mu):
    v = mu * v + g
    return theta - lr * (g + mu * v), v


def _off(theta, v, g, lr, mu):
    v = mu * v + 2 * g
    return theta - lr * v, v


def _raises(theta, v, g, lr, mu):
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    "fn, tag",
    [
        (_dampened, "dampening"),
        (_late_v, "update-order"),
        (_mixed, "wrong-sign"),
        (_plain, "no-momentum"),
        (_nesterov, "nesterov"),
        (_off, "unknown"),
        (_raises, "raised"),
        (lambda *a: None, "returned-none"),
        (lambda *a: 1.0, "not-a-pair"),
        (lambda *a: ("x", "y"), "not-a-pair"),
        (None, "missing"),
        (42, "not-callable"),
    ],
)
def test_momentum_mistakes(fn, tag):
    assert_mistake(check_momentum_step(fn), tag)


# ============================================================================ ex-07-lr-threshold
def test_lr_threshold_reference():
    assert lr_threshold() == 0.1
    assert check_lr_threshold(0.1)
    assert check_lr_threshold(2 / 20)
    assert check_lr_threshold(np.float64(0.1))


@pytest.mark.parametrize(
    "answer, tag",
    [
        (0.5, "flat-direction"),
        (0.05, "one-over-L"),
        (0.25, "one-over-L"),
        (0.2, "coefficient-not-curvature"),
        (1.0, "coefficient-not-curvature"),
        (2 / 24, "optimal-lr"),
        (0.3, "too-large"),
        (0.07, "too-small"),
        (-0.1, "not-positive"),
        (None, "missing"),
        ("0.1", "not-a-number"),
    ],
)
def test_lr_threshold_mistakes(answer, tag):
    assert_mistake(check_lr_threshold(answer), tag)


def test_lr_threshold_is_the_divergence_point():
    def run(lr):
        p = nc.Parameter(np.array([1.0, 1.0]))
        opt = nc.SGD([p], lr=lr)
        for _ in range(300):
            p.grad[:] = [4 * p.data[0], 20 * p.data[1]]
            opt.step()
        return np.abs(p.data).max()

    assert run(0.995 * lr_threshold()) < 1 < run(1.005 * lr_threshold())


# ============================================================================ ex-07-adagrad
def adagrad_ref(theta, s, g, lr, eps):
    s = s + g**2
    return theta - lr * g / (np.sqrt(s) + eps), s


def test_adagrad_reference():
    assert check_adagrad_step(adagrad_ref)


def test_adagrad_that_changes_the_callers_arrays_is_rejected():
    def in_place(theta, s, g, lr, eps):  # the exercise forbids changing the caller's arrays
        s += g * g
        theta -= lr * g / (np.sqrt(s) + eps)
        return theta, s

    def in_place_G_only(theta, s, g, lr, eps):
        s += g * g
        return theta - lr * g / (np.sqrt(s) + eps), s

    for fn in (in_place, in_place_G_only):
        fb = check_adagrad_step(fn)
        assert not fb and fb.mistake == "modified_input"


def test_adagrad_summing_abs_g_is_named():
    def abs_g(theta, s, g, lr, eps):
        s = s + np.abs(g)
        return theta - lr * g / (np.sqrt(s) + eps), s

    fb = check_adagrad_step(abs_g)
    assert not fb and fb.mistake == "sum-abs-g"


def _inside(theta, s, g, lr, eps):
    s = s + g**2
    return theta - lr * g / np.sqrt(s + eps), s


def _step_first(theta, s, g, lr, eps):
    theta = theta - lr * g / (np.sqrt(s) + eps)
    return theta, s + g**2


def _no_sqrt(theta, s, g, lr, eps):
    s = s + g**2
    return theta - lr * g / (s + eps), s


def _average(theta, s, g, lr, eps):
    s = 0.99 * s + 0.01 * g**2
    return theta - lr * g / (np.sqrt(s) + eps), s


def _uphill(theta, s, g, lr, eps):
    s = s + g**2
    return theta + lr * g / (np.sqrt(s) + eps), s


def _math_sqrt(theta, s, g, lr, eps):
    s = s + g**2
    return theta - lr * g / (math.sqrt(s) + eps), s


@pytest.mark.parametrize(
    "fn, tag",
    [
        (_inside, "eps-inside-sqrt"),
        (_step_first, "sum-after-step"),
        (_no_sqrt, "no-sqrt"),
        (_average, "moving-average"),
        (_uphill, "wrong-sign"),
        (_math_sqrt, "math-on-array"),
        (lambda *a: None, "returned-none"),
        (lambda theta, s, *a: (theta[:1], s), "shape"),
        (None, "missing"),
    ],
)
def test_adagrad_mistakes(fn, tag):
    assert_mistake(check_adagrad_step(fn), tag)


# ============================================================================ the race
def independent_run(surface, name, lr, start, steps):
    """The race's numbers, recomputed with nbcore's optimizers directly."""
    s = SURFACES[surface]
    p = nc.Parameter(np.array(start, dtype=float))
    opt = {
        "SGD": lambda: nc.SGD([p], lr=lr),
        "Momentum": lambda: nc.SGD([p], lr=lr, momentum=0.9),
        "AdaGrad": lambda: nc.AdaGrad([p], lr=lr),
        "RMSprop": lambda: nc.RMSprop([p], lr=lr),
        "Adam": lambda: nc.Adam([p], lr=lr),
    }[name]()
    for _ in range(steps):
        p.grad[:] = s.grad(*p.data)
        opt.step()
    return s.f(*p.data)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_surface_gradients_are_right(surface):
    s = SURFACES[surface]
    for point in ([0.3, -0.7], [-1.2, 1.0], [1.5, 0.2]):
        x = np.array(point)
        numeric = nc.numerical_gradient(lambda x=x: s.f(x[0], x[1]), x)
        assert np.allclose(numeric, s.grad(*x), rtol=1e-6, atol=1e-6)
    for mx, my in s.minima:
        assert np.allclose(s.grad(mx, my), 0) and np.isclose(s.f(mx, my), s.f_min)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_race_matches_nbcore(surface):
    s = SURFACES[surface]
    paths = race(surface, steps=40)
    assert list(paths) == list(OPTIMIZER_NAMES)
    for name, path in paths.items():
        assert path.points.shape == (41, 2) and path.diverged_at is None
        expected = independent_run(surface, name, s.lrs[name], s.start, 40)
        assert np.isclose(path.f[-1], expected, rtol=1e-12, atol=1e-15)


def test_race_controls_and_readout():
    r = OptimizerRace("quadratic")
    assert r.steps == 100 and r.lrs == SURFACES["quadratic"].lrs
    text = r.readout()
    assert text.startswith("after 100 steps: SGD f = 0.0064, Momentum f = ")
    expected = independent_run("quadratic", "Adam", 0.2, (-4.0, 1.0), 100)
    assert f"Adam f = {expected:.3e}" in text
    # each control, one at a time
    r.set(lrs={"SGD": 0.02})
    assert np.isclose(r.final_f()["SGD"], independent_run("quadratic", "SGD", 0.02, (-4, 1), 100))
    r.set(start=(2.0, -0.5))
    assert np.isclose(
        r.final_f()["RMSprop"], independent_run("quadratic", "RMSprop", 0.05, (2.0, -0.5), 100)
    )
    r.set(steps=7)
    assert r.readout().startswith("after 7 steps: ")
    assert np.isclose(
        r.final_f()["Momentum"], independent_run("quadratic", "Momentum", 0.01, (2.0, -0.5), 7)
    )
    # a new surface resets the other controls to its defaults
    r.set(surface="saddle")
    assert (r.start, r.steps, r.lrs) == ((-1.5, 0.001), 100, SURFACES["saddle"].lrs)
    r.set(surface="rosenbrock", steps=1)
    assert r.readout().startswith("after 1 step: ")


def test_race_divergence_is_reported():
    paths = race("quadratic", lrs={"SGD": 0.05})  # above 2 / 50 = 0.04
    sgd = paths["SGD"]
    assert sgd.diverged_at is not None and np.isinf(sgd.f_at(100))
    assert "SGD f = diverged" in race_readout(paths)
    assert np.all(np.isfinite(sgd.f))


def test_race_rejects_bad_controls():
    with pytest.raises(ValueError, match="surface"):
        race("bowl")
    with pytest.raises(ValueError, match="lrs"):
        race("quadratic", lrs={"Lion": 0.1})
    with pytest.raises(ValueError, match="lr"):
        race("quadratic", lrs={"SGD": -1.0})
    with pytest.raises(ValueError, match="start"):
        race("quadratic", start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="make_optimizer"):
        make_optimizer("Lion", [nc.Parameter(np.zeros(2))], 0.1)
    r = OptimizerRace()
    with pytest.raises(ValueError):
        r.set(lrs={"SGD": -1})
    assert r.lrs["SGD"] == SURFACES["quadratic"].lrs["SGD"]  # a rejected change changes nothing


def test_race_figure_follows_controls():
    pytest.importorskip("matplotlib")
    r = OptimizerRace("quadratic", steps=10)
    fig = r.figure()
    line = r._lines["Adam"]
    assert len(line.get_xdata()) == 11
    r.set(steps=20)
    assert r.figure() is fig and len(line.get_xdata()) == 21
    r.set(surface="rosenbrock")
    assert r._ax_c.get_xlim() == SURFACES["rosenbrock"].xlim
    assert np.allclose(line.get_xdata()[0], -1.2)


def test_scrubber_frames():
    pytest.importorskip("matplotlib")
    frames = RaceFrames(steps=60)
    fig = frames(0)
    assert frames(50) is fig
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    expected = independent_run("quadratic", "SGD", 0.035, (-4.0, 1.0), 50)
    assert texts[0] == f"SGD: f = {expected:.4f}"
    assert SCRUBBER_STEPS[0] == 0 and len(SCRUBBER_STEPS) <= 20


def test_live_widget_controls():
    pytest.importorskip("ipywidgets")
    pytest.importorskip("matplotlib")
    from nbcore.widgets.optimizers import show_optimizer_race

    box = show_optimizer_race("quadratic")
    assert repr(box) == "OptimizerRaceWidget(surface='quadratic', steps=100)"
    controls = {}
    for column in box.children[0].children:
        for ctl in column.children:
            controls[ctl._dom_classes[0]] = ctl
    assert set(controls) == {
        "nbcore-ctl-surface",
        "nbcore-ctl-x0",
        "nbcore-ctl-y0",
        "nbcore-ctl-steps",
        *(f"nbcore-ctl-lr-{n.lower()}" for n in OPTIMIZER_NAMES),
    }
    readout = next(c for c in box.children if "nbcore-readout" in c._dom_classes)
    assert box.readout is readout
    assert {f"nbcore-ctl-{k}": v for k, v in box.controls.items()} == controls
    assert readout.value == race_readout(race("quadratic"))

    controls["nbcore-ctl-lr-adam"].value = 0.05
    expected = race("quadratic", lrs={"Adam": 0.05})
    assert readout.value == race_readout(expected)
    controls["nbcore-ctl-steps"].value = 30
    controls["nbcore-ctl-x0"].value = 1.0
    controls["nbcore-ctl-y0"].value = -0.5
    expected = race("quadratic", lrs={"Adam": 0.05}, start=(1.0, -0.5), steps=30)
    assert readout.value == race_readout(expected)
    controls["nbcore-ctl-surface"].value = "saddle"
    assert readout.value == race_readout(race("saddle"))
    assert controls["nbcore-ctl-lr-adam"].value == pytest.approx(SURFACES["saddle"].lrs["Adam"])
    assert controls["nbcore-ctl-steps"].value == 100


def test_cached_runs_equal_fresh_runs():
    from nbcore.widgets.optimizers import SURFACES as S
    from nbcore.widgets.optimizers import _Runner, run_path

    for key, name, lr, start in [
        ("quadratic", "Adam", 0.2, (-4.0, 1.0)),
        ("quadratic", "SGD", 0.05, (-4.0, 1.0)),  # diverges after a few dozen steps
        ("rosenbrock", "Momentum", 0.001, (-1.2, 1.0)),
    ]:
        runner = _Runner(S[key], name, lr, start)
        for steps in (30, 5, 120, 0, 60):  # longer, shorter, longer again
            cached, fresh = runner.path(steps), run_path(key, name, lr, start, steps)
            assert np.array_equal(cached.points, fresh.points), (key, name, steps)
            assert np.array_equal(cached.f, fresh.f) and cached.diverged_at == fresh.diverged_at


def test_fast_png_matches_a_full_draw():
    pytest.importorskip("matplotlib")
    import io

    from PIL import Image

    from nbcore.widgets._html import figure_to_png

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    fast, full = OptimizerRace(), OptimizerRace()
    fast.to_png()
    for controls in [
        {"lrs": {"Adam": 0.05}},
        {"steps": 30},
        {"start": (1.0, -0.5)},
        {"lrs": {"SGD": 0.045}},  # diverges: leaves the plot
        {"surface": "rosenbrock"},
        {"steps": 3},
        {"surface": "saddle"},
        {"start": (-1.5, 0.3)},
    ]:
        fast.set(**controls)
        full.set(**controls)
        a = pixels(fast.to_png())
        b = pixels(figure_to_png(full.figure(), dpi=80, close=False))
        assert a.shape == b.shape and np.array_equal(a, b), controls


# --------------------------------------------------------------------------- second edition
def test_adam_bias_correction_with_t_minus_1_is_named():
    from nbcore.exercises.ch07 import _adam_variant, check_adam_steps

    fb = check_adam_steps(_adam_variant(lag=1).round(4).tolist())
    assert not fb and fb.mistake == "bias-correction-t-minus-1"


def test_adam_steps_ask_for_four_decimals():
    from nbcore.exercises.ch07 import adam_reference, check_adam_steps

    ref = adam_reference()
    assert check_adam_steps(ref.round(4).tolist())
    fb = check_adam_steps((ref + [0.0, 3e-4]).tolist())
    assert not fb and fb.mistake == "precision"


class TestCheckFixAdam:
    from nbcore.exercises import ch07 as m

    def test_right_answer_passes(self):
        assert self.m.check_fix_adam(self.m._adam_right)

    @pytest.mark.parametrize(
        "fn, tag",
        [
            ("_adam_given", "unchanged"),
            ("_adam_correction_bug", "no-bias-correction"),
            ("_adam_eps_bug", "eps-inside-sqrt"),
        ],
    )
    def test_each_remaining_bug_is_named(self, fn, tag):
        fb = self.m.check_fix_adam(getattr(self.m, fn))
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("fn", [None, "adam", 0.1, lambda theta, m, v, g, t, *a: (theta, m)])
    def test_garbage(self, fn):
        fb = self.m.check_fix_adam(fn)
        assert not fb and fb.message


class TestCheckMomentumVelocity:
    from nbcore.exercises import ch07 as m

    def test_right_answer_passes(self):
        assert self.m.check_momentum_velocity((2.71, 10))
        v = 0.0
        for _ in range(3):
            v = 0.9 * v + 1.0
        assert self.m.check_momentum_velocity([v, 1 / (1 - 0.9)])

    def test_matches_nc_sgd(self):
        p = nc.Parameter(np.array([0.0]))
        opt = nc.SGD([p], lr=0.1, momentum=0.9)
        for _ in range(3):
            p.grad[:] = 1.0
            opt.step()
        assert np.isclose(opt.state[0]["momentum_buffer"][0], 2.71)

    @pytest.mark.parametrize(
        "answer, tag",
        [
            ((10, 2.71), "swapped"),
            ((0.271, 1.0), "dampening"),
            ((1.9, 10), "off-by-one"),
            ((2.71, 9), "off-by-one"),
            ((2.71, 0.1), "inverted"),
            ((2.7, 10), "rounding"),
        ],
    )
    def test_mistakes_are_named(self, answer, tag):
        fb = self.m.check_momentum_velocity(answer)
        assert not fb and fb.mistake == tag

    @pytest.mark.parametrize("answer", [None, "2.71", 2.71, (np.nan, 10), {"v": 1}])
    def test_garbage(self, answer):
        fb = self.m.check_momentum_velocity(answer)
        assert not fb and fb.message


# --------------------------------------------------------------------------- issue 21: the text
class TestWhatTheTextStates:
    """Each exercise's stated precision and constraints, as its checker enforces them."""

    from nbcore.exercises import ch07 as m

    def test_adam_steps_four_decimals_either_way_of_rounding(self):
        # theta_2 = 0.8997659: 0.8998 rounded, 0.8997 cut, 0.8999 one unit off; all four decimals
        for theta_2 in (0.8997, 0.8998, 0.8999, 0.89977):
            assert self.m.check_adam_steps([0.92, theta_2]), theta_2
        for answer in ([0.92, 0.8995], [0.92, 0.9], [0.9203, 0.8998]):
            assert_mistake(self.m.check_adam_steps(answer), "precision")
        fb = self.m.check_adam_steps([0.92, 0.9])
        assert "0.9" in fb.message and "0.899765" in fb.message  # shows the value that differs

    def test_adam_steps_swapped(self):
        assert_mistake(self.m.check_adam_steps([0.8998, 0.92]), "swapped")

    def test_fix_adam_reference_is_nc_adam(self):
        """The text says the checker compares with nc.Adam: its reference is nc.Adam."""
        theta0, grads = np.array([1.0, -2.0]), [np.array([0.4, -3.0]), np.array([-0.2, 1.0])]
        for eps in (1e-8, 0.1):
            p = nc.Parameter(theta0.copy())
            opt = nc.Adam([p], lr=0.1, eps=eps)
            theta, mm, v = theta0.copy(), np.zeros(2), np.zeros(2)
            for t, g in enumerate(grads, start=1):
                p.grad[:] = g
                opt.step()
                theta, mm, v = self.m._adam_right(theta, mm, v, g, t, 0.1, 0.9, 0.999, eps)
                assert np.allclose(theta, p.data, rtol=1e-12)
                assert np.allclose(mm, opt.state[0]["m"]) and np.allclose(v, opt.state[0]["v"])

    def test_fix_adam_solution_of_the_book_passes(self):
        def adam_step(theta, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g**2
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
            return theta, m, v

        assert self.m.check_fix_adam(adam_step)

    def test_fix_adam_in_place_is_refused(self):
        """The text: new arrays, the caller's arrays unchanged."""

        def in_place(theta, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g**2
            m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
            return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v

        assert_mistake(self.m.check_fix_adam(in_place), "modified_input")

    def test_fix_adam_returning_corrected_moments_is_named(self):
        assert_mistake(
            self.m.check_fix_adam(self.m._adam_returns_hats), "returns-corrected-moments"
        )

    def test_fix_adam_scalar_moments_are_a_format_slip(self):
        fb = self.m.check_fix_adam(lambda theta, m, v, g, t, *a: (theta - 0.1, 0.0, 0.0))
        assert_mistake(fb, "format")

    def test_momentum_velocity_tags(self):
        for answer, tag in [
            ((3.439, 10), "off-by-one"),
            ((2.5, 10), "v3"),
            ((2.71, 7.0), "ratio"),
            ((2.71, np.inf), "not-finite"),
            ((2.71,), "format"),
            (None, "missing"),
        ]:
            assert_mistake(self.m.check_momentum_velocity(answer), tag)

    def test_adagrad_changing_g_is_refused(self):
        """The text: leave the caller's theta, G and g unchanged."""

        def changes_g(theta, G, g, lr, eps):
            G = G + g * g
            g /= np.sqrt(G) + eps
            return theta - lr * g, G

        assert_mistake(self.m.check_adagrad_step(changes_g), "modified_input")

    def test_adagrad_other_slips(self):
        assert_mistake(self.m.check_adagrad_step(lambda theta, G, *a: theta), "not-a-pair")

        def off(theta, G, g, lr, eps):
            G = G + g * g
            return theta - 0.9 * lr * g / (np.sqrt(G) + eps), G

        assert_mistake(self.m.check_adagrad_step(off), "unknown")
