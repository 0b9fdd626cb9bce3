"""Optimizers: the first two steps against hand-computed values from PyTorch's update rules.

One scalar parameter p0 = 1.0 and the fixed gradient sequence g1 = 0.5, g2 = -0.25 (written into
``.grad`` before each ``step()``), unless stated otherwise. The expected numbers are literals; the
comments show the arithmetic (PyTorch's rules, as in its documentation).
"""

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
