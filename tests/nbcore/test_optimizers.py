"""Optimizers: the first two steps against hand-computed values from PyTorch's update rules.

One scalar parameter p0 = 1.0 and the fixed gradient sequence g1 = 0.5, g2 = -0.25 (written into
``.grad`` before each ``step()``), unless stated otherwise. The expected numbers are literals; the
comments show the arithmetic (PyTorch's rules, as in its documentation).
"""

import re

import numpy as np
import pytest
from _nbcore_util import assert_message

import nbcore as nc

G = (0.5, -0.25)


def trajectory(make_opt, grads=G, grad_fn=None, p0=1.0):
    p = nc.Parameter(np.array([p0]))
    opt = make_opt([p])
    out = []
    for i in range(len(grads) if grad_fn is None else 2):
        opt.zero_grad()
        p.grad[...] = grads[i] if grad_fn is None else grad_fn(p.data[0])
        opt.step()
        out.append(float(p.data[0]))
    return out, opt


def test_sgd_plain():
    # p1 = 1 - 0.1*0.5 = 0.95;  p2 = 0.95 - 0.1*(-0.25) = 0.975
    values, _ = trajectory(lambda ps: nc.SGD(ps, lr=0.1))
    assert values == pytest.approx([0.95, 0.975], rel=1e-15)


def test_sgd_momentum():
    # step 1: buf = g1 = 0.5;                    p1 = 1 - 0.1*0.5 = 0.95
    # step 2: buf = 0.9*0.5 + (-0.25) = 0.2;     p2 = 0.95 - 0.1*0.2 = 0.93
    values, opt = trajectory(lambda ps: nc.SGD(ps, lr=0.1, momentum=0.9))
    assert values == pytest.approx([0.95, 0.93], rel=1e-15)


def test_sgd_momentum_on_p_squared():
    # f(p) = p^2, g = 2p.  step 1: g = 2, buf = 2, p1 = 1 - 0.1*2 = 0.8
    # step 2: g = 1.6, buf = 0.9*2 + 1.6 = 3.4, p2 = 0.8 - 0.34 = 0.46
    values, _ = trajectory(lambda ps: nc.SGD(ps, lr=0.1, momentum=0.9), grad_fn=lambda p: 2 * p)
    assert values == pytest.approx([0.8, 0.46], rel=1e-14)


def test_sgd_nesterov():
    # step 1: buf = 0.5; g = 0.5 + 0.9*0.5 = 0.95;            p1 = 1 - 0.095 = 0.905
    # step 2: buf = 0.9*0.5 - 0.25 = 0.2; g = -0.25 + 0.9*0.2 = -0.07; p2 = 0.905 + 0.007 = 0.912
    values, _ = trajectory(lambda ps: nc.SGD(ps, lr=0.1, momentum=0.9, nesterov=True))
    assert values == pytest.approx([0.905, 0.912], rel=1e-14)


def test_sgd_weight_decay():
    # step 1: g = 0.5 + 0.1*1 = 0.6;           p1 = 1 - 0.06 = 0.94
    # step 2: g = -0.25 + 0.1*0.94 = -0.156;   p2 = 0.94 + 0.0156 = 0.9556
    values, _ = trajectory(lambda ps: nc.SGD(ps, lr=0.1, weight_decay=0.1))
    assert values == pytest.approx([0.94, 0.9556], rel=1e-14)


def test_sgd_momentum_nesterov_weight_decay():
    # step 1: g = 0.5 + 0.1*1 = 0.6; buf = 0.6; g = 0.6 + 0.9*0.6 = 1.14; p1 = 1 - 0.114 = 0.886
    # step 2: g = -0.25 + 0.1*0.886 = -0.1614; buf = 0.9*0.6 - 0.1614 = 0.3786;
    #         g = -0.1614 + 0.9*0.3786 = 0.17934; p2 = 0.886 - 0.017934 = 0.868066
    values, _ = trajectory(
        lambda ps: nc.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)
    )
    assert values == pytest.approx([0.886, 0.868066], rel=1e-14)


def test_adagrad():
    # eps = 1e-10 (default).
    # step 1: s = 0.25; p1 = 1 - 0.1*0.5/(0.5 + 1e-10) = 1 - 0.1*(1 - 2e-10) = 0.90000000002
    # step 2: s = 0.25 + 0.0625 = 0.3125, sqrt(s) = 0.5590169943749474;
    #         p2 = p1 + 0.1*0.25/(0.5590169943749474 + 1e-10) = 0.90000000002 + 0.04472135954
    #            = 0.9447213595619958
    values, opt = trajectory(lambda ps: nc.AdaGrad(ps, lr=0.1))
    assert values == pytest.approx([0.90000000002, 0.9447213595619958], rel=1e-14)


def test_rmsprop():
    # alpha = 0.99, eps = 1e-8 (defaults), lr = 0.01
    # step 1: v = 0.01*0.25 = 0.0025, sqrt(v) = 0.05;
    #         p1 = 1 - 0.01*0.5/(0.05 + 1e-8) = 1 - 0.1/(1 + 2e-7) = 0.900000019999996
    # step 2: v = 0.99*0.0025 + 0.01*0.0625 = 0.0031, sqrt(v) = 0.0556776436283002;
    #         p2 = p1 + 0.01*0.25/(0.0556776436283002 + 1e-8) = p1 + 0.0449013174...
    #            = 0.9449013374421751
    values, _ = trajectory(lambda ps: nc.RMSprop(ps, lr=0.01))
    assert values == pytest.approx([0.900000019999996, 0.9449013374421751], rel=1e-14)


def test_adam():
    # betas = (0.9, 0.999), eps = 1e-8 (defaults), lr = 0.1
    # step 1: m = 0.1*0.5 = 0.05, v = 0.001*0.25 = 0.00025; m_hat = 0.05/0.1 = 0.5,
    #         v_hat = 0.00025/0.001 = 0.25; p1 = 1 - 0.1*0.5/(0.5 + 1e-8) = 0.900000002
    # step 2: m = 0.9*0.05 + 0.1*(-0.25) = 0.02, v = 0.999*0.00025 + 0.001*0.0625 = 0.00031225;
    #         m_hat = 0.02/(1 - 0.81) = 0.10526315789473685,
    #         v_hat = 0.00031225/(1 - 0.998001) = 0.15620310155077766, sqrt = 0.3952254;
    #         p2 = 0.900000002 - 0.1*0.10526315789/(0.3952254 + 1e-8) = 0.8733662987078463
    values, opt = trajectory(lambda ps: nc.Adam(ps, lr=0.1))
    assert values == pytest.approx([0.900000002, 0.8733662987078463], rel=1e-14)


def test_adam_state_is_readable():
    p = nc.Parameter(np.array([1.0]))
    opt = nc.Adam([p], lr=0.1)
    p.grad[...] = 0.5
    opt.step()
    state = opt.state[0]
    assert float(state["m"][0]) == pytest.approx(0.05, rel=1e-14)  # (1 - 0.9) * 0.5
    assert float(state["v"][0]) == pytest.approx(0.00025, rel=1e-12)  # (1 - 0.999) * 0.25


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: nc.SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: nc.AdaGrad(ps),
        lambda ps: nc.RMSprop(ps),
        lambda ps: nc.Adam(ps),
    ],
    ids=["SGD-momentum", "AdaGrad", "RMSprop", "Adam"],
)
def test_state_exists_per_parameter(make):
    ps = [nc.Parameter(np.ones((2, 3))), nc.Parameter(np.ones(3))]
    opt = make(ps)
    for p in ps:
        p.grad[...] = 0.5
    opt.step()
    assert len(opt.state) == 2
    for i, p in enumerate(ps):
        arrays = [v for v in opt.state[i].values() if isinstance(v, np.ndarray)]
        assert arrays, f"no readable array state for parameter {i}: {opt.state[i]!r}"
        assert all(a.shape == p.data.shape for a in arrays)


def test_defaults_match_pytorch():
    p = [nc.Parameter(np.zeros(1))]
    assert nc.AdaGrad(p).lr == 0.01 and nc.AdaGrad(p).eps == 1e-10
    rms = nc.RMSprop(p)
    assert (rms.lr, rms.alpha, rms.eps) == (0.01, 0.99, 1e-8)
    adam = nc.Adam(p)
    assert (adam.lr, tuple(adam.betas), adam.eps) == (1e-3, (0.9, 0.999), 1e-8)


def test_step_updates_in_place_and_zero_grad():
    p = nc.Parameter(np.array([1.0, 2.0]))
    data, grad = p.data, p.grad
    opt = nc.Adam([p], lr=0.1)
    p.grad[...] = [1.0, -1.0]
    opt.step()
    assert p.data is data, "step() must update Parameter.data in place"
    opt.zero_grad()
    assert p.grad is grad or np.all(p.grad == 0)
    np.testing.assert_array_equal(p.grad, 0.0)


INVALID = [
    ("SGD", lambda p: nc.SGD(p, lr=-1.0), r"-1"),
    ("SGD", lambda p: nc.SGD(p, lr=0.1, momentum=1.0), r"1"),
    ("SGD", lambda p: nc.SGD(p, lr=0.1, momentum=-0.1), r"-0\.1"),
    ("SGD", lambda p: nc.SGD(p, lr=0.1, weight_decay=-0.1), r"-0\.1"),
    ("SGD", lambda p: nc.SGD([], lr=0.1), r"\[\]|empty"),
    ("AdaGrad", lambda p: nc.AdaGrad(p, lr=-0.5), r"-0\.5"),
    ("AdaGrad", lambda p: nc.AdaGrad(p, eps=-1e-10), r"-1e-10"),
    ("AdaGrad", lambda p: nc.AdaGrad([]), r"\[\]|empty"),
    ("RMSprop", lambda p: nc.RMSprop(p, lr=-1.0), r"-1"),
    ("RMSprop", lambda p: nc.RMSprop(p, alpha=1.0), r"1"),
    ("RMSprop", lambda p: nc.RMSprop(p, alpha=-0.5), r"-0\.5"),
    ("RMSprop", lambda p: nc.RMSprop(p, eps=-1.0), r"-1"),
    ("Adam", lambda p: nc.Adam(p, lr=-1e-3), r"-0\.001|-1e-03|-1e-3"),
    ("Adam", lambda p: nc.Adam(p, betas=(1.0, 0.999)), r"1"),
    ("Adam", lambda p: nc.Adam(p, betas=(0.9, 1.0)), r"1"),
    ("Adam", lambda p: nc.Adam(p, betas=(-0.1, 0.999)), r"-0\.1"),
    ("Adam", lambda p: nc.Adam(p, eps=-1e-8), r"-1e-08"),
    ("Adam", lambda p: nc.Adam([]), r"\[\]|empty"),
]


@pytest.mark.parametrize(
    "name, make, received", INVALID, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(INVALID)]
)
def test_invalid_hyperparameters_raise_in_constructor(name, make, received):
    with pytest.raises(ValueError) as excinfo:
        make([nc.Parameter(np.zeros(2))])
    assert_message(excinfo, rf"\b{name}\b", received)


def test_zero_hyperparameters_are_valid():
    p = [nc.Parameter(np.zeros(2))]
    nc.SGD(p, lr=0.0, momentum=0.0, weight_decay=0.0)
    nc.RMSprop(p, alpha=0.0, eps=0.0)
    nc.Adam(p, betas=(0.0, 0.0), eps=0.0)
    nc.AdaGrad(p, eps=0.0)


# ---------------------------------------------------------------- the second edition's options
def test_sgd_dampening():
    # step 1: buf = g1 = 0.5 (no dampening on the first step);   p1 = 1 - 0.1*0.5 = 0.95
    # step 2: buf = 0.9*0.5 + (1 - 0.5)*(-0.25) = 0.325;         p2 = 0.95 - 0.0325 = 0.9175
    values, _ = trajectory(lambda ps: nc.SGD(ps, lr=0.1, momentum=0.9, dampening=0.5))
    assert values == pytest.approx([0.95, 0.9175], rel=1e-15)


def test_adam_l2_weight_decay_and_adamw():
    # Adam with weight_decay 0.5, lr 0.1: g1 = 0.5 + 0.5*1 = 1, so m_hat = 1, v_hat = 1 and
    # p1 = 1 - 0.1*1/(1 + 1e-8) = 0.900000001
    values, _ = trajectory(lambda ps: nc.Adam(ps, lr=0.1, weight_decay=0.5), grads=(0.5,))
    assert values == pytest.approx([0.900000001], rel=1e-14)
    # AdamW: p <- p (1 - 0.1*0.5) = 0.95, then the Adam step with g1 = 0.5: 0.1*0.5/(0.5 + 1e-8)
    # p1 = 0.95 - 0.09999999800000004 = 0.850000002
    values, _ = trajectory(lambda ps: nc.AdamW(ps, lr=0.1, weight_decay=0.5), grads=(0.5,))
    assert values == pytest.approx([0.850000002], rel=1e-14)
    assert nc.AdamW([nc.Parameter(np.zeros(1))]).weight_decay == 0.01  # PyTorch's default


def test_amsgrad_divides_by_the_largest_v():
    # g = 1 then 0: v1 = 0.001, v2 = 0.000999 < v1, so v_max stays 0.001
    p = nc.Parameter(np.array([1.0]))
    opt = nc.Adam([p], lr=0.1, amsgrad=True)
    for g in (1.0, 0.0):
        p.grad[...] = g
        opt.step()
    assert opt.state[0]["v_max"][0] == pytest.approx(0.001, rel=1e-14)
    assert opt.state[0]["v"][0] == pytest.approx(0.000999, rel=1e-14)


def test_rmsprop_momentum_and_centered():
    # momentum 0.5, lr 0.01, alpha 0.99, eps 0: v1 = 0.0025, g/a = 0.5/0.05 = 10, b1 = 10,
    # p1 = 1 - 0.1 = 0.9;  v2 = 0.0031, g/a = -0.25/0.0556776436283002 = -4.490132550669373,
    # b2 = 5 - 4.490132550669373 = 0.509867449330627, p2 = 0.9 - 0.00509867449330627
    values, _ = trajectory(lambda ps: nc.RMSprop(ps, lr=0.01, eps=0.0, momentum=0.5))
    assert values == pytest.approx([0.9, 0.8949013255066937], rel=1e-13)
    # centered: g_avg1 = 0.005, a = sqrt(0.0025 - 0.000025) = 0.049749371855331
    # p1 = 1 - 0.01*0.5/0.049749371855331 = 1 - 0.10050378152592121 = 0.8994962184740788
    values, _ = trajectory(lambda ps: nc.RMSprop(ps, lr=0.01, eps=0.0, centered=True), grads=(0.5,))
    assert values == pytest.approx([0.8994962184740788], rel=1e-13)


def test_adagrad_lr_decay_and_initial_accumulator():
    # initial G = 0.75, lr_decay 1: step 1: G = 1, p1 = 1 - 0.1*0.5/1 = 0.95
    # step 2: G = 1.0625, clr = 0.1/2, p2 = 0.95 + 0.05*0.25/1.0307764064044151 = 0.962126781251816
    make = lambda ps: nc.AdaGrad(ps, lr=0.1, eps=0.0, lr_decay=1.0, initial_accumulator_value=0.75)  # noqa: E731
    values, _ = trajectory(make)
    assert values == pytest.approx([0.95, 0.962126781251816], rel=1e-13)


# ---------------------------------------------------------------- bad options and params
@pytest.mark.parametrize(
    "make, options",
    [
        (lambda p: nc.SGD(p, lr=0.1, foo=1), "lr, momentum, dampening, nesterov, weight_decay"),
        (lambda p: nc.Adam(p, momentum=0.9), "lr, betas, eps, weight_decay, amsgrad"),
        (lambda p: nc.AdamW(p, nesterov=True), "lr, betas, eps, weight_decay, amsgrad"),
        (lambda p: nc.RMSprop(p, betas=(0.9, 0.9)), "alpha, eps, weight_decay, momentum, centered"),
        (lambda p: nc.AdaGrad(p, momentum=0.9), "lr, eps, lr_decay, weight_decay"),
    ],
)
def test_an_unknown_option_is_a_type_error_listing_the_options(make, options):
    with pytest.raises(TypeError) as excinfo:
        make([nc.Parameter(np.zeros(2))])
    assert_message(excinfo, r"unexpected option '\w+'", re.escape(options))


BAD_VALUES = [
    (lambda p: nc.SGD(p, lr=0.1, nesterov="no"), TypeError, r"SGD.*nesterov.*True or False.*'no'"),
    (lambda p: nc.SGD(p, lr=0.1, nesterov=True), ValueError, r"SGD.*momentum > 0"),
    (
        lambda p: nc.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        ValueError,
        r"SGD.*dampening = 0.*dampening=0\.1",
    ),
    (lambda p: nc.SGD(p, lr=0.1, dampening=1.5), ValueError, r"SGD.*dampening.*1\.5"),
    (lambda p: nc.SGD(p, lr="0.1"), TypeError, r"SGD.*lr.*'0\.1'"),
    (lambda p: nc.SGD(p, lr=float("nan")), ValueError, r"SGD.*lr.*nan"),
    (lambda p: nc.Adam(p, amsgrad=1), TypeError, r"Adam.*amsgrad.*True or False.*1"),
    (lambda p: nc.Adam(p, weight_decay=-1), ValueError, r"Adam.*weight_decay.*-1"),
    (lambda p: nc.Adam(p, betas=0.9), TypeError, r"Adam.*betas.*pair.*0\.9"),
    (lambda p: nc.Adam(p, betas=(0.9,)), ValueError, r"Adam.*betas.*pair"),
    (lambda p: nc.AdamW(p, betas=(0.9, 1.0)), ValueError, r"AdamW.*beta2.*1\.0"),
    (lambda p: nc.RMSprop(p, centered="yes"), TypeError, r"RMSprop.*centered.*'yes'"),
    (lambda p: nc.RMSprop(p, momentum=-0.5), ValueError, r"RMSprop.*momentum.*-0\.5"),
    (lambda p: nc.AdaGrad(p, lr_decay=-1), ValueError, r"AdaGrad.*lr_decay.*-1"),
    (lambda p: nc.AdaGrad(p, initial_accumulator_value=-1), ValueError, r"AdaGrad.*initial_acc"),
]


@pytest.mark.parametrize("make, kind, pattern", BAD_VALUES)
def test_bad_option_values_are_refused_clearly(make, kind, pattern):
    with pytest.raises(kind) as excinfo:
        make([nc.Parameter(np.zeros(2))])
    assert_message(excinfo, pattern)


LAYER = nc.Dense(2, 1)
BAD_PARAMS = [
    (None, TypeError, r"SGD: expected a list of Parameters, got None"),
    (5, TypeError, r"SGD: expected a list of Parameters, got 5"),
    ("ab", TypeError, r"SGD: expected a list of Parameters, got 'ab'"),
    (LAYER.W, TypeError, r"SGD: .*single Parameter.*\[p\]"),
    (LAYER, TypeError, r"SGD: .*got Dense.*model\.parameters\(\)"),
    (nc.MLP([2, 1]), TypeError, r"SGD: .*got MLP|Sequential.*model\.parameters\(\)"),
    ([LAYER.W, np.zeros(2)], TypeError, r"SGD: expected Parameters, got array.*position 1"),
    ([LAYER.W, LAYER.W], ValueError, r"SGD: parameter 1 is the same Parameter as parameter 0"),
    ([], ValueError, r"SGD: .*non-empty"),
    (iter([]), ValueError, r"SGD: .*non-empty"),
    ({"params": [LAYER.W]}, TypeError, r"SGD: expected a list of Parameters"),
]


@pytest.mark.parametrize("params, kind, pattern", BAD_PARAMS)
def test_bad_params_are_refused_clearly(params, kind, pattern):
    with pytest.raises(kind) as excinfo:
        nc.SGD(params, lr=0.1)
    assert_message(excinfo, pattern)


def test_a_generator_of_parameters_is_accepted():
    model = nc.MLP([2, 3, 1])
    opt = nc.Adam(p for p in model.parameters())
    assert opt.params == model.parameters()


# ---------------------------------------------------------------- state_dict
def _trained(make, steps=3, shapes=((2, 3), (3,))):
    ps = [nc.Parameter(np.ones(s)) for s in shapes]
    opt = make(ps)
    rng = np.random.default_rng(1)
    for _ in range(steps):
        for p in ps:
            p.grad[...] = rng.normal(size=p.data.shape)
        opt.step()
    return ps, opt


ALL = {
    "SGD": lambda ps: nc.SGD(ps, lr=0.1),
    "SGD-momentum": lambda ps: nc.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1),
    "AdaGrad": lambda ps: nc.AdaGrad(ps, lr_decay=0.1),
    "RMSprop": lambda ps: nc.RMSprop(ps, momentum=0.5, centered=True),
    "Adam": lambda ps: nc.Adam(ps, amsgrad=True),
    "AdamW": lambda ps: nc.AdamW(ps),
}


def _plain_types(obj):
    if isinstance(obj, dict):
        return all(isinstance(k, (str, int)) and _plain_types(v) for k, v in obj.items())
    if isinstance(obj, list):
        return all(_plain_types(v) for v in obj)
    return obj is None or isinstance(obj, (np.ndarray, bool, int, float, str))


@pytest.mark.parametrize("name", list(ALL))
def test_state_dict_round_trip_resumes_bit_for_bit(name):
    ps, opt = _trained(ALL[name])
    sd = opt.state_dict()
    assert _plain_types(sd)
    assert sd["param_groups"][0]["params"] == [0, 1] and sd["param_groups"][0]["lr"] == opt.lr
    ps2 = [nc.Parameter(p.data.copy()) for p in ps]
    opt2 = ALL[name](ps2)
    opt2.load_state_dict(sd)
    for p, p2 in zip(ps, ps2, strict=True):
        p.grad[...] = p2.grad[...] = 0.3
    for _ in range(3):
        opt.step()
        opt2.step()
    for p, p2 in zip(ps, ps2, strict=True):
        np.testing.assert_array_equal(p.data, p2.data)
    for s, s2 in zip(opt.state, opt2.state, strict=True):
        assert s.keys() == s2.keys()
    # a copy: stepping on did not change the saved arrays
    for i, state in sd["state"].items():
        for key, value in state.items():
            if isinstance(value, np.ndarray):
                assert not np.shares_memory(value, opt.state[i][key])


def test_state_dict_before_any_step_has_empty_state():
    opt = nc.Adam([nc.Parameter(np.zeros(2))], lr=0.5)
    sd = opt.state_dict()
    assert sd["state"] == {}
    assert sd["param_groups"] == [
        {
            "lr": 0.5,
            "betas": [0.9, 0.999],
            "eps": 1e-8,
            "weight_decay": 0.0,
            "amsgrad": False,
            "params": [0],
        }
    ]


def test_load_state_dict_accepts_string_indices_and_sets_the_options():
    ps, opt = _trained(ALL["Adam"])
    sd = opt.state_dict()
    sd["state"] = {str(i): v for i, v in sd["state"].items()}  # as a file format may give them
    sd["param_groups"][0]["lr"] = 0.123
    opt2 = nc.Adam([nc.Parameter(p.data.copy()) for p in ps])
    opt2.load_state_dict(sd)
    assert opt2.lr == 0.123 and opt2.amsgrad and opt2.t == 3
    np.testing.assert_array_equal(opt2.state[1]["m"], opt.state[1]["m"])


def _bad(sd, change):
    change(sd)
    return sd


LOAD_ERRORS = [
    ("not a dict", lambda sd: [1], TypeError, r"expected a dict"),
    ("extra key", lambda sd: _bad(sd, lambda d: d.update(foo=1)), ValueError, r"unexpected foo"),
    (
        "wrong shape",
        lambda sd: _bad(sd, lambda d: d["state"][0].update(m=np.zeros((3, 2)))),
        ValueError,
        r"state\[0\]\['m'\]: expected shape \(2, 3\), got \(3, 2\)",
    ),
    (
        "missing key",
        lambda sd: _bad(sd, lambda d: d["state"][1].pop("v")),
        ValueError,
        r"state\[1\].*missing v",
    ),
    (
        "too many params",
        lambda sd: _bad(sd, lambda d: d["param_groups"][0].update(params=[0, 1, 2])),
        ValueError,
        r"\[0, \.\.\., 1\] \(2 parameters\), got \[0, 1, 2\]",
    ),
    (
        "index out of range",
        lambda sd: _bad(sd, lambda d: d["state"].update({5: d["state"][0]})),
        ValueError,
        r"indices 0 to 1.*got 5",
    ),
    (
        "bad option",
        lambda sd: _bad(sd, lambda d: d["param_groups"][0].update(lr=-1.0)),
        ValueError,
        r"Adam.*lr.*-1",
    ),
    (
        "SGD state into Adam",
        lambda sd: _trained(ALL["SGD-momentum"])[1].state_dict(),
        ValueError,
        r"param_groups\[0\].*missing .*amsgrad.*unexpected .*dampening",
    ),
    (
        "not an array",
        lambda sd: _bad(sd, lambda d: d["state"][0].update(m="zeros")),
        TypeError,
        r"state\[0\]\['m'\] as an array, got 'zeros'",
    ),
    (
        "bad step",
        lambda sd: _bad(sd, lambda d: d["state"][0].update(step=-2)),
        ValueError,
        r"state\[0\]\['step'\].*-2",
    ),
]


@pytest.mark.parametrize(
    "make_sd, kind, pattern", [c[1:] for c in LOAD_ERRORS], ids=[c[0] for c in LOAD_ERRORS]
)
def test_load_state_dict_refuses_a_mismatch_and_loads_nothing(make_sd, kind, pattern):
    ps, opt = _trained(ALL["Adam"])
    sd = make_sd(opt.state_dict())
    before = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in opt.state[0].items()}
    lr, t = opt.lr, opt.t
    with pytest.raises(kind) as excinfo:
        opt.load_state_dict(sd)
    assert_message(excinfo, r"Adam\.load_state_dict", pattern)
    assert (opt.lr, opt.t) == (lr, t)
    for key, value in before.items():
        np.testing.assert_array_equal(opt.state[0][key], value)


def test_load_state_dict_into_a_packed_model_writes_the_flat_state():
    model = nc.MLP([2, 3, 1], rng=np.random.default_rng(0))
    _, opt = _trained(ALL["SGD-momentum"], shapes=[p.data.shape for p in model.parameters()])
    opt2 = nc.SGD(model.parameters(), lr=0.1, momentum=0.9, dampening=0.1)
    opt2.load_state_dict(opt.state_dict())
    assert opt2._live_store() is not None
    for s, s2 in zip(opt.state, opt2.state, strict=True):
        np.testing.assert_array_equal(s["momentum_buffer"], s2["momentum_buffer"])
        assert np.shares_memory(s2["momentum_buffer"], opt2._buffers["momentum_buffer"])


def test_a_readers_optimizer_subclass_still_works():
    class SignSGD(nc.Optimizer):
        def __init__(self, params, lr):
            super().__init__(params, lr)

        def update(self, g):
            return self.lr * np.sign(g)

    p = nc.Parameter(np.array([1.0, 2.0]))
    opt = SignSGD([p], lr=0.5)
    p.grad[...] = [3.0, -0.1]
    opt.step()
    np.testing.assert_array_equal(p.data, [0.5, 2.5])
    assert opt.state_dict()["param_groups"] == [{"lr": 0.5, "params": [0]}]
