"""Optimizers, schedulers and gradient clipping against PyTorch, in float64.

For every optimizer and every combination of its options: 60 steps on a small least-squares
problem (two parameters, one of them a matrix), the same gradients computed by each library
from its own parameters; nbcore's parameters must equal PyTorch's to a relative 1e-12. Skipped
when PyTorch is not installed.
"""

import itertools
import math

import numpy as np
import pytest

import nbcore as nc

torch = pytest.importorskip("torch")

STEPS = 60
RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 3))
Y = RNG.normal(size=(8, 2))
W0, B0 = RNG.normal(size=(2, 3)), RNG.normal(size=2)


def _grads(W, b):
    """d/dW, d/db of mean((X W^T + b - Y)^2), computed with NumPy from the current values."""
    R = X @ W.T + b - Y
    dR = 2 * R / R.size
    return dR.T @ X, dR.sum(axis=0)


def _run_nbcore(make):
    W, b = nc.Parameter(W0.copy()), nc.Parameter(B0.copy())
    opt = make([W, b])
    for _ in range(STEPS):
        opt.zero_grad()
        gW, gb = _grads(W.data, b.data)
        W.grad += gW
        b.grad += gb
        opt.step()
    return W.data, b.data


def _run_torch(make):
    W = torch.tensor(W0.copy(), requires_grad=True)
    b = torch.tensor(B0.copy(), requires_grad=True)
    opt = make([W, b])
    for _ in range(STEPS):
        opt.zero_grad()
        gW, gb = _grads(W.detach().numpy(), b.detach().numpy())
        W.grad, b.grad = torch.tensor(gW), torch.tensor(gb)
        opt.step()
    return W.detach().numpy(), b.detach().numpy()


def _combos(**options):
    """Every combination of the option values given (one dict per combination)."""
    keys = list(options)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*options.values())]


def _valid_sgd(o):
    return not o["nesterov"] or (o["momentum"] > 0 and o["dampening"] == 0)


CASES = (
    [
        ("SGD", o)
        for o in _combos(
            lr=[0.05],
            momentum=[0.0, 0.9],
            dampening=[0.0, 0.3],
            nesterov=[False, True],
            weight_decay=[0.0, 0.1],
        )
        if _valid_sgd(o)
    ]
    + [
        ("Adam", o)
        for o in _combos(
            lr=[0.01],
            betas=[(0.9, 0.999), (0.8, 0.99)],
            weight_decay=[0.0, 0.1],
            amsgrad=[False, True],
        )
    ]
    + [
        ("AdamW", o)
        for o in _combos(lr=[0.01], weight_decay=[0.0, 0.01, 0.5], amsgrad=[False, True])
    ]
    + [
        ("RMSprop", o)
        for o in _combos(
            lr=[0.01],
            alpha=[0.99, 0.9],
            weight_decay=[0.0, 0.1],
            momentum=[0.0, 0.5],
            centered=[False, True],
        )
    ]
    + [
        ("AdaGrad", o)
        for o in _combos(
            lr=[0.1],
            lr_decay=[0.0, 0.05],
            weight_decay=[0.0, 0.1],
            initial_accumulator_value=[0.0, 0.5],
        )
    ]
)
TORCH_NAMES = {"AdaGrad": "Adagrad"}


@pytest.mark.parametrize(
    "name, options",
    CASES,
    ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in o.items())}" for n, o in CASES],
)
def test_trajectory_equals_pytorch(name, options):
    ours = _run_nbcore(lambda ps: getattr(nc, name)(ps, **options))
    theirs = _run_torch(lambda ps: getattr(torch.optim, TORCH_NAMES.get(name, name))(ps, **options))
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert not np.allclose(ours[0], W0)  # it did move


def test_default_options_equal_pytorch():
    import inspect

    for name in ("SGD", "Adam", "AdamW", "RMSprop", "AdaGrad"):
        ours = inspect.signature(getattr(nc, name)).parameters
        theirs = inspect.signature(getattr(torch.optim, TORCH_NAMES.get(name, name))).parameters
        for key, p in ours.items():
            if p.default is not inspect.Parameter.empty and key in theirs:
                assert p.default == theirs[key].default or (key == "lr" and name == "SGD"), (
                    name,
                    key,
                    p.default,
                    theirs[key].default,
                )


# ---------------------------------------------------------------- state dicts
def test_state_dict_names_the_same_hyper_parameters_as_pytorch():
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "AdaGrad"):
        options = {"lr": 0.1}
        ours = getattr(nc, name)([nc.Parameter(np.zeros(2))], **options).state_dict()
        t = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        theirs = getattr(torch.optim, TORCH_NAMES.get(name, name))([t], **options).state_dict()
        ours_keys = set(ours["param_groups"][0])
        assert ours_keys <= set(theirs["param_groups"][0]), (name, ours_keys)
        for key in ours_keys - {"params"}:
            mine, torchs = ours["param_groups"][0][key], theirs["param_groups"][0][key]
            assert mine == (list(torchs) if isinstance(torchs, tuple) else torchs), (name, key)


# ---------------------------------------------------------------- schedulers
def _torch_opt(lr=0.1):
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


SCHEDULERS = {
    "StepLR": (
        lambda o: nc.lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
    ),
    "ExponentialLR": (
        lambda o: nc.lr_scheduler.ExponentialLR(o, gamma=0.95),
        lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.95),
    ),
    "CosineAnnealingLR": (
        lambda o: nc.lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=0.001),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=0.001),
    ),
    "CosineAnnealingLR-100": (
        lambda o: nc.lr_scheduler.CosineAnnealingLR(o, T_max=100),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=100),
    ),
    "LinearLR": (
        lambda o: nc.lr_scheduler.LinearLR(o),
        lambda o: torch.optim.lr_scheduler.LinearLR(o),
    ),
    "LinearLR-decay": (
        lambda o: nc.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=40),
        lambda o: torch.optim.lr_scheduler.LinearLR(
            o, start_factor=1.0, end_factor=0.1, total_iters=40
        ),
    ),
    "warm-up then cosine": (
        lambda o: nc.lr_scheduler.SequentialLR(
            o,
            [
                nc.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
                nc.lr_scheduler.CosineAnnealingLR(o, T_max=90),
            ],
            milestones=[10],
        ),
        lambda o: torch.optim.lr_scheduler.SequentialLR(
            o,
            [
                torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10),
                torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=90),
            ],
            milestones=[10],
        ),
    ),
    "three phases": (
        lambda o: nc.lr_scheduler.SequentialLR(
            o,
            [
                nc.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=5),
                nc.lr_scheduler.StepLR(o, step_size=10, gamma=0.5),
                nc.lr_scheduler.ExponentialLR(o, gamma=0.9),
            ],
            milestones=[5, 40],
        ),
        lambda o: torch.optim.lr_scheduler.SequentialLR(
            o,
            [
                torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=5),
                torch.optim.lr_scheduler.StepLR(o, step_size=10, gamma=0.5),
                torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
            ],
            milestones=[5, 40],
        ),
    ),
}


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch: scheduler.step() before opt.step()
@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_equals_pytorch_for_100_epochs(name):
    make_ours, make_theirs = SCHEDULERS[name]
    ours_opt = nc.SGD([nc.Parameter(np.zeros(1))], lr=0.1)
    theirs_opt = _torch_opt()
    ours, theirs = make_ours(ours_opt), make_theirs(theirs_opt)
    for epoch in range(101):
        assert ours.last_epoch == theirs.last_epoch == epoch
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12, abs=1e-15)
        assert ours_opt.lr == pytest.approx(theirs_opt.param_groups[0]["lr"], rel=1e-12, abs=1e-15)
        theirs_opt.step()
        ours.step()
        theirs.step()
    assert ours.base_lrs == pytest.approx(getattr(theirs, "base_lrs", [0.1]))


# ---------------------------------------------------------------- clipping
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_clip_grad_norm_equals_pytorch(norm_type, max_norm, dtype):
    grads = [RNG.normal(size=(3, 4)).astype(dtype), RNG.normal(size=4).astype(dtype)]
    ours = [nc.Parameter(np.zeros_like(g)) for g in grads]
    theirs = [
        torch.zeros(g.shape, dtype=torch.from_numpy(g).dtype, requires_grad=True) for g in grads
    ]
    for p, t, g in zip(ours, theirs, grads, strict=True):
        p.grad[...] = g
        t.grad = torch.from_numpy(g.copy())
    total = nc.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    total_t = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    assert total == pytest.approx(float(total_t), rel=rtol)
    for p, t in zip(ours, theirs, strict=True):
        assert p.grad.dtype == dtype
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=rtol, atol=0)


def test_clip_grad_value_equals_pytorch():
    g = RNG.normal(size=(5, 3))
    p = nc.Parameter(np.zeros_like(g))
    p.grad[...] = g
    t = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
    t.grad = torch.from_numpy(g.copy())
    nc.clip_grad_value_([p], 0.5)
    torch.nn.utils.clip_grad_value_([t], 0.5)
    np.testing.assert_array_equal(p.grad, t.grad.numpy())
