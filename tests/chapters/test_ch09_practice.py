"""Chapter 9 (Training deep networks in practice): exercise checkers and the schedule explorer."""

import math

import numpy as np
import pytest

import nbcore as nc
from nbcore.exercises.ch09 import (
    BN_EXERCISE,
    BUG_LINES,
    BUGGY_LOOP,
    SCHEDULE_EXERCISE,
    check_batchnorm_by_hand,
    check_clip_by_norm,
    check_find_the_bug,
    check_init_loss,
    check_schedule_values,
    check_search_budget,
)

NONSENSE = [None, "0.33", [1, 2, 3], object(), float("nan"), True, {"a": 1}, (1, 2, 3, 4)]
CHECKERS = [
    check_batchnorm_by_hand,
    check_schedule_values,
    check_clip_by_norm,
    check_init_loss,
    check_find_the_bug,
    check_search_budget,
]


def assert_mistake(feedback, tag):
    assert not feedback, feedback
    assert feedback.mistake == tag, (feedback.mistake, feedback.message)
    assert str(feedback).startswith("Not yet")


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("answer", NONSENSE)
def test_nonsense_never_raises(checker, answer):
    assert not checker(answer)


# ------------------------------------------------------------------ ex-09-bn
BN_Y = [-1.5095, -1.1698, -0.3206]


def test_bn_reference_matches_batchnorm1d():
    bn = nc.BatchNorm1d(1)
    bn.gamma.data[...], bn.beta.data[...] = BN_EXERCISE["gamma"], BN_EXERCISE["beta"]
    y = bn(np.array(BN_EXERCISE["z"]).reshape(-1, 1)).ravel()
    assert np.allclose(y, BN_Y, atol=5e-5)
    assert check_batchnorm_by_hand((2.0, 26 / 3, y))
    assert check_batchnorm_by_hand((2, 8.6667, BN_Y))


@pytest.mark.parametrize(
    "answer, tag",
    [
        ((2.0, 13.0, BN_Y), "unbiased"),
        ((2.0, math.sqrt(26 / 3), BN_Y), "std-for-var"),
        ((3.0, 26 / 3, BN_Y), "mean"),
        ((2.0, 5.0, BN_Y), "var"),
        ((2.0, 26 / 3, [-1.0190, -0.3397, 1.3587]), "no-affine"),
        ((2.0, 26 / 3, [-1.4160, -1.1387, -0.4454]), "unbiased"),
        ((2.0, 26 / 3, [-1.1731, -1.0577, -0.7692]), "no-root"),
        ((2.0, 26 / 3, [-1.0095, -0.6698, 0.1794]), "shift-before-scale"),
        ((2.0, 26 / 3, [0.0, 0.0, 0.0]), "y"),
        ((2.0, 26 / 3), "format"),
    ],
)
def test_bn_mistakes(answer, tag):
    assert_mistake(check_batchnorm_by_hand(answer), tag)


# ------------------------------------------------------------------ ex-09-schedule
SCHED_OK = [0.1, 0.2, 0.3, 0.4, 0.3414, 0.2, 0.0586]


def test_schedule_reference_matches_lr_scheduler():
    e = SCHEDULE_EXERCISE
    opt = nc.SGD([nc.Parameter(np.zeros(1))], lr=e["lr"])
    warm = nc.lr_scheduler.LinearLR(opt, start_factor=e["start_factor"], total_iters=e["warmup"])
    cos = nc.lr_scheduler.CosineAnnealingLR(opt, T_max=e["cosine"])
    sched = nc.lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[e["warmup"]])
    lrs = []
    for _ in range(e["epochs"]):
        lrs.append(opt.lr)
        sched.step()
    assert np.allclose(lrs, SCHED_OK, atol=5e-5)
    assert check_schedule_values(lrs)
    assert check_schedule_values(np.array(SCHED_OK))


@pytest.mark.parametrize(
    "answer, tag",
    [
        ([0.2, 0.3, 0.4, 0.3414, 0.2, 0.0586, 0.0], "shifted"),
        ([0.4, 0.3414, 0.2, 0.0586, 0.0, 0.0586, 0.2], "no-warmup"),
        ([0.1, 0.2, 0.3, 0.4, 0.3, 0.2, 0.1], "cosine"),
        ([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], "unknown"),
        ([0.1, 0.2, 0.3], "format"),
    ],
)
def test_schedule_mistakes(answer, tag):
    assert_mistake(check_schedule_values(answer), tag)


def test_schedule_degrees():
    e = SCHEDULE_EXERCISE
    wrong = [e["lr"] * (0.25 + 0.75 * t / 3) for t in range(3)]
    wrong += [e["lr"] * (1 + math.cos(45 * j)) / 2 for j in range(4)]
    assert_mistake(check_schedule_values(wrong), "degrees")


# ------------------------------------------------------------------ ex-09-clip
def clip_right(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * min(1.0, max_norm / (total + 1e-6)) for g in grads], total


def test_clip_right_and_matches_nbcore():
    assert check_clip_by_norm(clip_right)
    grads = [np.array([3.0, 4.0]), np.array([12.0])]
    params = [nc.Parameter(g.copy()) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad[...] = g
    total = nc.clip_grad_norm_(params, 6.5)
    mine, my_total = clip_right(grads, 6.5)
    assert np.isclose(total, my_total)
    assert all(np.allclose(p.grad, m) for p, m in zip(params, mine, strict=True))


def clip_per_param(grads, max_norm):
    out = [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads]
    return out, np.sqrt(sum(np.sum(g**2) for g in grads))


def clip_scales_up(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * max_norm / (total + 1e-6) for g in grads], total


def clip_sum_of_norms(grads, max_norm):
    total = sum(np.linalg.norm(g) for g in grads)
    return [g * min(1.0, max_norm / (total + 1e-6)) for g in grads], total


def clip_first_norm(grads, max_norm):
    return clip_right(grads, max_norm)[0], np.linalg.norm(grads[0])


def clip_raises(grads, max_norm):
    raise RuntimeError("boom")


def clip_bad_shape(grads, max_norm):
    return [np.concatenate([g.ravel() for g in grads])], clip_right(grads, max_norm)[1]


@pytest.mark.parametrize(
    "fn, tag",
    [
        (clip_per_param, "per-param"),
        (clip_scales_up, "scales-up"),
        (clip_sum_of_norms, "sum-of-norms"),
        (clip_first_norm, "total-one-param"),
        (clip_raises, "raises"),
        (clip_bad_shape, "shape"),
        (lambda grads, max_norm: (grads, 0.0), "total"),
        (lambda grads, max_norm: 3, "format"),  # the function returned, it did not raise
        (
            lambda grads, max_norm: ([g * 0 for g in grads], clip_right(grads, max_norm)[1]),
            "clipped",
        ),
    ],
)
def test_clip_mistakes(fn, tag):
    assert_mistake(check_clip_by_norm(fn), tag)


# ------------------------------------------------------------------ ex-09-init-loss
def test_init_loss():
    assert check_init_loss(3.2581) and check_init_loss(np.log(26))
    for value, tag in [
        (np.log10(26), "log10"),
        (np.log2(26), "log2"),
        (1 / 26, "probability"),
        (25 / 26, "error-rate"),
        (-np.log(26), "sign"),
        (np.log(10), "ten-classes"),
        (2.0, "unknown"),
        ("3.26", "format"),
    ]:
        assert_mistake(check_init_loss(value), tag)


# ------------------------------------------------------------------ ex-09-bug
def test_bug_lines_are_the_lines_shown():
    lines = BUGGY_LOOP.splitlines()
    assert lines[10].strip() == "sched.step()" and lines[11].strip() == "model.eval()"
    assert set(BUG_LINES) == {11, 12}
    assert check_find_the_bug({11, 12}) and check_find_the_bug([12, 11])


@pytest.mark.parametrize(
    "answer, tag",
    [
        ({11}, "missed-eval"),
        (11, "missed-eval"),
        ({12}, "missed-scheduler"),
        (set(), "missed"),
        ({11, 12, 10}, "false-positive"),
        ({3}, "false-positive"),
        ({99}, "range"),
        ({"a"}, "format"),
        ({11.5}, "format"),
    ],
)
def test_bug_mistakes(answer, tag):
    assert_mistake(check_find_the_bug(answer), tag)


def test_bug_false_positive_explains_the_line():
    assert "per batch" in check_find_the_bug({10, 11, 12}).message
    assert "T_max=20" in check_find_the_bug({3}).message


# ------------------------------------------------------------------ ex-09-budget
@pytest.mark.parametrize(
    "answer, tag",
    [
        ((16, 16), "grid-trials"),
        ((4, 4), "random-like-grid"),
        ((4, 8), "random"),
        ((2, 16), "unknown"),
        ((4,), "format"),
        (("4", "16"), "format"),
    ],
)
def test_budget_mistakes(answer, tag):
    assert_mistake(check_search_budget(answer), tag)


def test_budget_right():
    assert check_search_budget((4, 16)) and check_search_budget([4.0, 16])


# ------------------------------------------------------------------ the schedule explorer
def test_lr_curve_warmup_cosine_by_hand():
    from nbcore.widgets.schedules import lr_curve

    lrs = lr_curve("warm-up + cosine", peak=0.1, warmup=4, epochs=10)
    assert np.allclose(lrs[:5], [0.1 / 5, 0.2 / 5, 0.3 / 5, 0.4 / 5, 0.1])
    assert np.isclose(lrs[5], 0.1 * (1 + np.cos(np.pi / 6)) / 2)
    assert np.allclose(lr_curve("constant", 0.3, epochs=5), 0.3)
    assert np.isclose(lr_curve("step", 1.0, epochs=30)[10], 0.1)
    assert np.isclose(lr_curve("exponential", 1.0, epochs=30)[2], 0.81)


def test_explorer_readout_and_reproducible():
    from nbcore.widgets.schedules import ScheduleExplorer

    a, b = ScheduleExplorer(), ScheduleExplorer()
    assert a.readout() == b.readout()
    assert a.readout().startswith("final training loss ")
    r = a.configure(schedule="constant", peak=0.1)
    assert len(r["lrs"]) == len(r["losses"]) == 30 and np.all(r["lrs"] == 0.1)
    with pytest.raises(ValueError):
        a.configure(schedule="bogus")


def test_explorer_widgets():
    pytest.importorskip("ipywidgets")
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from nbcore.widgets.schedules import (
        SCHEDULES,
        ScheduleExplorer,
        schedule_scrubber,
        show_schedule_explorer,
    )

    box = show_schedule_explorer()
    assert set(box.controls) == {"schedule", "peak", "warmup"}
    box.controls["schedule"].value = "cosine"
    assert box.readout.value == ScheduleExplorer("cosine").readout()
    assert (
        repr(schedule_scrubber())
        == f"FrameScrubber(description='schedule', frames={len(SCHEDULES)})"
    )


# --------------------------------------------------------------------------- issue 21: the text
class TestWhatTheTextStates:
    """Each exercise's stated precision and constraints, as its checker enforces them."""

    def test_bn_four_decimals(self):
        assert check_batchnorm_by_hand((2, 8.6667, [-1.5095, -1.1698, -0.3206]))
        assert check_batchnorm_by_hand((2.0, 8.66668, [-1.5094, -1.1699, -0.3207]))  # one unit
        for answer, slip in [
            ((2, 8.67, [-1.5095, -1.1698, -0.3206]), "σ² is 8.67"),
            ((2, 8.6667, [-1.51, -1.17, -0.32]), "is -0.32"),
        ]:
            fb = check_batchnorm_by_hand(answer)
            assert_mistake(fb, "precision")
            assert slip in fb.message
        fb = check_batchnorm_by_hand((2, 8.7, BN_Y))
        assert_mistake(fb, "var")
        assert "8.7" in fb.message  # the reader's value
        assert "3" in check_batchnorm_by_hand((3.0, 26 / 3, BN_Y)).message
        assert "-1.2" in check_batchnorm_by_hand((2, 26 / 3, [-1.5, -1.2, -0.3])).message

    def test_schedule_four_decimals(self):
        assert check_schedule_values([0.1, 0.2, 0.3, 0.4, 0.3415, 0.2, 0.0585])  # one unit
        fb = check_schedule_values([0.1, 0.2, 0.3, 0.4, 0.34, 0.2, 0.06])
        assert_mistake(fb, "precision")
        assert "epoch 4 is 0.34" in fb.message
        fb = check_schedule_values([0.1, 0.2, 0.3, 0.4, 0.3, 0.2, 0.1])
        assert_mistake(fb, "cosine")
        assert "epoch 4 is 0.3" in fb.message

    def test_init_loss_two_decimals(self):
        for value in (3.26, 3.258, 3.25, 3.27, np.float32(np.log(26))):
            assert check_init_loss(value), value
        for value in (3.3, 3.2, 3.24):
            fb = check_init_loss(value)
            assert_mistake(fb, "precision")
            assert str(value) in fb.message
        assert "2" in check_init_loss(2.0).message

    def test_init_loss_measured_as_in_the_solution(self):
        net = nc.MLP([64, 32, 26], "relu", rng=0)
        net[-1].W.data *= 1e-3
        X = np.random.default_rng(1).normal(size=(100, 64))
        labels = np.random.default_rng(0).integers(0, 26, size=100)
        assert check_init_loss(nc.CrossEntropyLoss()(net(X), labels))

    def test_clip_book_solution_passes(self):
        def clip_by_norm(grads, max_norm):
            total = np.sqrt(sum(np.sum(g**2) for g in grads))
            factor = min(1.0, max_norm / (total + 1e-6))
            return [g * factor for g in grads], total

        assert check_clip_by_norm(clip_by_norm)

    def test_clip_must_return_new_arrays(self):
        """The text: clipped is a list of new arrays (the caller's gradients unchanged)."""

        def in_place(grads, max_norm):
            total = np.sqrt(sum(np.sum(g**2) for g in grads))
            for g in grads:
                g *= min(1.0, max_norm / (total + 1e-6))
            return grads, total

        def same_when_short(grads, max_norm):
            total = np.sqrt(sum(np.sum(g**2) for g in grads))
            if total <= max_norm:
                return grads, total
            return [g * (max_norm / (total + 1e-6)) for g in grads], total

        assert_mistake(check_clip_by_norm(in_place), "modified_input")
        assert_mistake(check_clip_by_norm(same_when_short), "not-new")

    def test_clip_format_and_raise(self):
        assert_mistake(check_clip_by_norm(lambda grads, max_norm: (["a"], 1.0)), "format")
        assert_mistake(check_clip_by_norm(lambda grads, max_norm: None), "missing")
        fb = check_clip_by_norm(clip_raises)
        assert_mistake(fb, "raises")
        assert "boom" in fb.message

    def test_budget_and_bug_accept_what_the_text_allows(self):
        assert check_search_budget(np.array([4, 16]))
        assert check_find_the_bug({np.int64(11), np.int64(12)})
        assert check_find_the_bug((11, 12))
