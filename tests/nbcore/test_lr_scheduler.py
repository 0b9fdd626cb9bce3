"""Learning-rate schedulers: hand-computed values (no PyTorch needed), state dicts, bad input.

The comparison with PyTorch over 100 epochs is in test_torch_optim.py.
"""

import math

import numpy as np
import pytest
from _nbcore_util import assert_message

import nbcore as nc

S = nc.lr_scheduler


def _opt(lr=0.1):
    return nc.SGD([nc.Parameter(np.zeros(1))], lr=lr)


def _lrs(sched, epochs):
    """The rate of epochs 0 .. epochs - 1 (read before each step, as a training loop uses it)."""
    out = []
    for _ in range(epochs):
        out.append(sched.optimizer.lr)
        assert sched.get_last_lr() == [sched.optimizer.lr]
        sched.step()
    return out


def test_step_lr():
    assert _lrs(S.StepLR(_opt(), step_size=2, gamma=0.5), 6) == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.025], rel=1e-15
    )


def test_exponential_lr():
    assert _lrs(S.ExponentialLR(_opt(), gamma=0.5), 4) == pytest.approx(
        [0.1, 0.05, 0.025, 0.0125], rel=1e-15
    )


def test_cosine_annealing_lr_goes_down_then_up_again_as_pytorch():
    # eta_t = 0.1 (1 + cos(pi t / 4)) / 2: 0.1, 0.0853553, 0.05, 0.0146447, 0, then back up
    got = _lrs(S.CosineAnnealingLR(_opt(), T_max=4), 7)
    want = [0.1 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(7)]
    assert got == pytest.approx(want, rel=1e-14, abs=1e-17)
    assert got[4] == 0.0 and got[2] == pytest.approx(0.05, rel=1e-15)


def test_linear_lr_default_warm_up():
    # start_factor 1/3, total_iters 5: 0.1 (1/3 + (2/3) min(t, 5) / 5)
    got = _lrs(S.LinearLR(_opt()), 7)
    want = [0.1 * (1 / 3 + (2 / 3) * min(t, 5) / 5) for t in range(7)]
    assert got == pytest.approx(want, rel=1e-14)
    assert got[-1] == pytest.approx(0.1, rel=1e-15)


def test_warm_up_then_cosine_first_values_by_hand():
    # lr 1.0; warm-up 0.1 -> 1 over 3 epochs, then cosine over 4 epochs:
    # epochs 0-2: 0.1, 0.4, 0.7; epoch 3 (milestone): 1.0; then (1 + cos(pi k / 4)) / 2 for
    # k = 1..4: 0.8535533905932737, 0.5, 0.14644660940672627, 0
    opt = _opt(lr=1.0)
    warm = S.LinearLR(opt, start_factor=0.1, total_iters=3)
    cos = S.CosineAnnealingLR(opt, T_max=4)
    sched = S.SequentialLR(opt, [warm, cos], milestones=[3])
    got = _lrs(sched, 8)
    want = [0.1, 0.4, 0.7, 1.0, 0.8535533905932737, 0.5, 0.14644660940672627, 0.0]
    assert got == pytest.approx(want, rel=1e-14, abs=1e-16)
    assert sched.last_epoch == 8 and opt.initial_lr == 1.0 and sched.base_lrs == [1.0]


def test_construction_sets_epoch_zero_and_remembers_the_initial_lr():
    opt = _opt(lr=0.3)
    sched = S.LinearLR(opt, start_factor=0.5, total_iters=2)
    assert sched.last_epoch == 0 and opt.lr == 0.15 and sched.get_last_lr() == [0.15]
    assert opt.initial_lr == 0.3 and sched.base_lrs == [0.3]
    assert opt.state_dict()["param_groups"][0]["initial_lr"] == 0.3


def test_schedulers_follow_a_rate_changed_by_hand_as_pytorch():
    # PyTorch's chainable form: the next rate is computed from the current optimizer.lr
    opt = _opt(lr=1.0)
    sched = S.ExponentialLR(opt, gamma=0.5)
    opt.lr = 0.2
    sched.step()
    assert opt.lr == 0.1


@pytest.mark.parametrize(
    "make",
    [
        lambda o: S.StepLR(o, step_size=3, gamma=0.5),
        lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.01),
        lambda o: S.SequentialLR(
            o, [S.LinearLR(o, total_iters=4), S.ExponentialLR(o, gamma=0.9)], milestones=[4]
        ),
    ],
)
def test_state_dict_round_trip(make):
    opt = _opt()
    sched = make(opt)
    for _ in range(6):
        sched.step()
    sd, opt_sd = sched.state_dict(), opt.state_dict()
    following = _lrs(sched, 8)
    opt2 = _opt()
    sched2 = make(opt2)
    opt2.load_state_dict(opt_sd)
    sched2.load_state_dict(sd)
    assert sched2.last_epoch == 6 and _lrs(sched2, 8) == following


BAD = [
    (lambda: S.StepLR("opt", 2), TypeError, r"StepLR: expected an nbcore optimizer, got 'opt'"),
    (lambda: S.StepLR(_opt(), 0), ValueError, r"StepLR.*step_size >= 1, got 0"),
    (lambda: S.StepLR(_opt(), 2.5), TypeError, r"StepLR.*step_size.*2\.5"),
    (lambda: S.StepLR(_opt(), 2, gamma=-1), ValueError, r"StepLR.*gamma > 0.*-1"),
    (lambda: S.ExponentialLR(_opt(), gamma="0.9"), TypeError, r"ExponentialLR.*gamma.*'0\.9'"),
    (lambda: S.CosineAnnealingLR(_opt(), T_max=0), ValueError, r"CosineAnnealingLR.*T_max"),
    (lambda: S.CosineAnnealingLR(_opt(), 5, eta_min=-1), ValueError, r"eta_min >= 0.*-1"),
    (lambda: S.LinearLR(_opt(), start_factor=0), ValueError, r"LinearLR.*start_factor.*0"),
    (lambda: S.LinearLR(_opt(), end_factor=2), ValueError, r"LinearLR.*end_factor.*2"),
    (lambda: S.LinearLR(_opt(), total_iters=0), ValueError, r"LinearLR.*total_iters >= 1"),
]


@pytest.mark.parametrize("make, kind, pattern", BAD)
def test_bad_arguments_are_refused_clearly(make, kind, pattern):
    with pytest.raises(kind) as excinfo:
        make()
    assert_message(excinfo, pattern)


def test_sequential_lr_bad_arguments():
    opt, other = _opt(), _opt()
    a, b = S.LinearLR(opt), S.ExponentialLR(opt, 0.9)
    more = r"SequentialLR: expected one scheduler more than milestones, got"
    with pytest.raises(ValueError, match=rf"{more} 2 scheduler\(s\) and milestones \[\]"):
        S.SequentialLR(opt, [a, b], milestones=[])
    with pytest.raises(ValueError, match=rf"{more} 1 scheduler\(s\) and milestones \[2\]"):
        S.SequentialLR(opt, [a], milestones=[2])
    with pytest.raises(ValueError, match=r"SequentialLR: expected a non-empty list.*got \[\]"):
        S.SequentialLR(opt, [], milestones=[])
    for given in (None, 5, a):
        with pytest.raises(TypeError, match=r"SequentialLR: expected schedulers as a list.*got"):
            S.SequentialLR(opt, given, milestones=[2])
    with pytest.raises(ValueError, match=r"got scheduler 1 \(StepLR\) on another optimizer"):
        S.SequentialLR(opt, [a, S.StepLR(other, 2)], milestones=[3])
    with pytest.raises(TypeError, match=r"SequentialLR: expected schedulers.*position 1"):
        S.SequentialLR(opt, [a, "cosine"], milestones=[3])
    with pytest.raises(TypeError, match=r"got the class StepLR \(create it first\) at position 0"):
        S.SequentialLR(opt, [S.StepLR, b], milestones=[3])
    with pytest.raises(ValueError, match=r"SequentialLR: expected increasing milestones"):
        S.SequentialLR(opt, [a, b, S.StepLR(opt, 2)], milestones=[5, 5])
    with pytest.raises(ValueError, match=r"SequentialLR.*each milestone >= 1, got 0"):
        S.SequentialLR(opt, [a, b], milestones=[0])


def test_load_state_dict_refuses_a_mismatch_and_loads_nothing():
    sched = S.StepLR(_opt(), step_size=2)
    sd = sched.state_dict()
    with pytest.raises(ValueError, match=r"StepLR\.load_state_dict: expected keys .*got .*T_max"):
        sched.load_state_dict(S.CosineAnnealingLR(_opt(), 5).state_dict())
    with pytest.raises(TypeError, match=r"StepLR\.load_state_dict.*step_size.*'2'"):
        sched.load_state_dict(dict(sd, step_size="2", last_epoch=9))
    assert sched.last_epoch == 0 and sched.state_dict() == sd


LOADED = [
    (lambda: S.StepLR(_opt(), 2), {"step_size": 0}, ValueError, r"step_size >= 1, got 0"),
    (lambda: S.StepLR(_opt(), 2), {"gamma": float("nan")}, ValueError, r"gamma > 0, got nan"),
    (lambda: S.ExponentialLR(_opt(), 0.9), {"gamma": -1.0}, ValueError, r"gamma > 0, got -1"),
    (lambda: S.CosineAnnealingLR(_opt(), 5), {"T_max": 0}, ValueError, r"T_max >= 1, got 0"),
    (lambda: S.CosineAnnealingLR(_opt(), 5), {"eta_min": -1.0}, ValueError, r"eta_min >= 0"),
    (lambda: S.LinearLR(_opt()), {"start_factor": 0.0}, ValueError, r"start_factor in \(0, 1\]"),
    (lambda: S.LinearLR(_opt()), {"end_factor": 2.0}, ValueError, r"end_factor in \[0, 1\]"),
    (lambda: S.LinearLR(_opt()), {"total_iters": 1.5}, TypeError, r"total_iters as an integer"),
    (lambda: S.StepLR(_opt(), 2), {"base_lrs": [np.nan]}, ValueError, r"base_lrs as a number, not"),
]  # fmt: skip


@pytest.mark.parametrize("make, change, kind, pattern", LOADED)
def test_load_state_dict_checks_the_arguments_as_the_constructor_does(make, change, kind, pattern):
    sched = make()
    sd = sched.state_dict()
    with pytest.raises(kind) as excinfo:
        sched.load_state_dict({**sd, **change})
    assert_message(excinfo, rf"^{type(sched).__name__}\.load_state_dict: expected .*{pattern}")
    assert sched.state_dict() == sd


def test_sequential_lr_load_state_dict_checks_its_schedulers_arguments():
    opt = _opt()
    sched = S.SequentialLR(opt, [S.LinearLR(opt), S.ExponentialLR(opt, 0.9)], milestones=[2])
    sd = sched.state_dict()
    sd["_schedulers"][1]["gamma"] = 0.0
    with pytest.raises(ValueError, match=r"SequentialLR\.load_state_dict: expected gamma > 0"):
        sched.load_state_dict(sd)
