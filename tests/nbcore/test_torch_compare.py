"""nbcore against PyTorch in float64 (skipped when torch is not installed).

Gradients of Dense and MLP, the value and gradient of every loss, and five steps of each
optimizer, to a tolerance of 1e-10.
"""

import numpy as np
import pytest

import nbcore as nc

torch = pytest.importorskip("torch")
F = torch.nn.functional

TOL = dict(rtol=1e-10, atol=1e-12)


def t64(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


@pytest.fixture(autouse=True)
def _torch_float64():
    torch.manual_seed(0)
    yield


# ---------------------------------------------------------------- Dense and MLP
def test_dense_gradients_match_torch(rng):
    layer = nc.Dense(4, 3, rng=rng)
    layer.b.data[...] = rng.normal(size=3)
    X = rng.normal(size=(5, 4))
    dZ = rng.normal(size=(5, 3))
    Z = layer.forward(X)
    dX = layer.backward(dZ)

    lin = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        lin.weight.copy_(t64(layer.W.data))
        lin.bias.copy_(t64(layer.b.data))
    Xt = t64(X, grad=True)
    Zt = lin(Xt)
    Zt.backward(t64(dZ))
    np.testing.assert_allclose(Z, Zt.detach().numpy(), **TOL)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), **TOL)
    np.testing.assert_allclose(layer.W.grad, lin.weight.grad.numpy(), **TOL)
    np.testing.assert_allclose(layer.b.grad, lin.bias.grad.numpy(), **TOL)


def _torch_mlp(model, act):
    mods = []
    for layer in model:
        if isinstance(layer, nc.Dense):
            lin = torch.nn.Linear(*layer.W.data.shape[::-1]).double()
            with torch.no_grad():
                lin.weight.copy_(t64(layer.W.data))
                lin.bias.copy_(t64(layer.b.data))
            mods.append(lin)
        else:
            mods.append(act())
    return torch.nn.Sequential(*mods)


@pytest.mark.parametrize(
    "activation, act, loss, tloss, kind",
    [
        ("tanh", torch.nn.Tanh, nc.MSELoss, torch.nn.MSELoss, "real"),
        ("relu", torch.nn.ReLU, nc.CrossEntropyLoss, torch.nn.CrossEntropyLoss, "labels"),
        ("sigmoid", torch.nn.Sigmoid, nc.CrossEntropyLoss, torch.nn.CrossEntropyLoss, "probs"),
    ],
    ids=["tanh-MSE", "relu-CE", "sigmoid-CE-probs"],
)
def test_mlp_gradients_match_torch(activation, act, loss, tloss, kind, rng):
    model = nc.MLP([3, 5, 4, 2], activation=activation, rng=rng)
    for p in model.parameters():
        p.data += 0.1 * rng.normal(size=p.data.shape)
    X = rng.normal(size=(6, 3))
    if kind == "real":
        Y = rng.normal(size=(6, 2))
        Yt = t64(Y)
    elif kind == "labels":
        Y = rng.integers(0, 2, 6)
        Yt = torch.tensor(Y, dtype=torch.long)
    else:
        Y = rng.dirichlet(np.ones(2), 6)
        Yt = t64(Y)
    ours = loss()
    value = ours.forward(model.forward(X), Y)
    model.backward(ours.backward())

    net = _torch_mlp(model, act)
    lt = tloss()(net(t64(X)), Yt)
    lt.backward()
    assert value == pytest.approx(lt.item(), rel=1e-12)
    tparams = [p for m in net if isinstance(m, torch.nn.Linear) for p in (m.weight, m.bias)]
    for p, q in zip(model.parameters(), tparams, strict=True):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), **TOL)


# ---------------------------------------------------------------- losses
def _focal_torch(p, t, alpha, gamma):
    ce = F.binary_cross_entropy(p, t, reduction="none")
    pt = p * t + (1 - p) * (1 - t)
    at = alpha * t + (1 - alpha) * (1 - t)
    return (at * (1 - pt) ** gamma * ce).mean()


def _loss_cases(rng):
    m, k = 6, 3
    reg_p, reg_t = rng.normal(size=(m, k)), rng.normal(size=(m, k))
    probs = rng.uniform(0.02, 0.98, (m, k))
    bits = rng.integers(0, 2, (m, k)).astype(float)
    soft = rng.uniform(0, 1, (m, k))
    logits = rng.normal(scale=3, size=(m, k))
    labels = rng.integers(0, k, m)
    rows = rng.dirichlet(np.ones(k), m)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    cases = {
        "MSELoss": (nc.MSELoss(), reg_p, reg_t, lambda p, t: F.mse_loss(p, t)),
        "MAELoss": (nc.MAELoss(), reg_p, reg_t, lambda p, t: F.l1_loss(p, t)),
        "HuberLoss": (nc.HuberLoss(), 2 * reg_p, reg_t, lambda p, t: F.huber_loss(p, t)),
        "HuberLoss(0.7)": (
            nc.HuberLoss(delta=0.7),
            2 * reg_p,
            reg_t,
            lambda p, t: F.huber_loss(p, t, delta=0.7),
        ),
        "RMSELoss": (nc.RMSELoss(), reg_p, reg_t, lambda p, t: torch.sqrt(F.mse_loss(p, t))),
        "BCELoss": (nc.BCELoss(), probs, bits, lambda p, t: F.binary_cross_entropy(p, t)),
        "BCELoss-soft": (nc.BCELoss(), probs, soft, lambda p, t: F.binary_cross_entropy(p, t)),
        "BCEWithLogitsLoss": (
            nc.BCEWithLogitsLoss(),
            logits,
            bits,
            lambda p, t: F.binary_cross_entropy_with_logits(p, t),
        ),
        "BCEWithLogitsLoss-soft": (
            nc.BCEWithLogitsLoss(),
            logits,
            soft,
            lambda p, t: F.binary_cross_entropy_with_logits(p, t),
        ),
        "CrossEntropyLoss-labels": (
            nc.CrossEntropyLoss(),
            logits,
            labels,
            lambda p, t: F.cross_entropy(p, torch.tensor(labels, dtype=torch.long)),
        ),
        "CrossEntropyLoss-probs": (
            nc.CrossEntropyLoss(),
            logits,
            rows,
            lambda p, t: F.cross_entropy(p, t),
        ),
        "FocalLoss": (nc.FocalLoss(), probs, bits, lambda p, t: _focal_torch(p, t, 0.25, 2.0)),
        "FocalLoss(0.6,1.5)": (
            nc.FocalLoss(alpha=0.6, gamma=1.5),
            probs,
            bits,
            lambda p, t: _focal_torch(p, t, 0.6, 1.5),
        ),
    }
    if hasattr(nc, "NLLLoss"):
        cases["NLLLoss"] = (
            nc.NLLLoss(),
            logp,
            labels,
            lambda p, t: F.nll_loss(p, torch.tensor(labels, dtype=torch.long)),
        )
    return cases


LOSS_NAMES = list(_loss_cases(np.random.default_rng(0)))


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_value_and_gradient_match_torch(name, rng):
    loss, pred, target, tfn = _loss_cases(rng)[name]
    value = loss.forward(pred, target)
    grad = loss.backward()
    p = t64(pred, grad=True)
    t = t64(target) if np.asarray(target).dtype.kind == "f" else None
    lt = tfn(p, t)
    lt.backward()
    assert value == pytest.approx(lt.item(), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(grad, p.grad.numpy(), **TOL)


def test_bce_at_zero_and_one_matches_torch_value():
    pred = np.array([[0.0], [1.0], [0.0], [1.0], [1e-300]])
    target = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    value = nc.BCELoss()(pred, target)
    ref = F.binary_cross_entropy(t64(pred), t64(target)).item()
    assert value == pytest.approx(ref, rel=1e-14)


# ---------------------------------------------------------------- optimizers: 5 steps
def _grad_fn(theta):
    """A fixed, non-quadratic gradient field, evaluated at the current parameters."""
    return 2 * (theta - 0.3) + 0.5 * np.sin(3 * theta) + 0.1 * theta**3


OPTIMIZERS = {
    "SGD": (
        lambda ps: nc.SGD(ps, lr=0.1),
        lambda ps: torch.optim.SGD(ps, lr=0.1),
    ),
    "SGD-momentum-nesterov-wd": (
        lambda ps: nc.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    ),
    "SGD-momentum-wd": (
        lambda ps: nc.SGD(ps, lr=0.05, momentum=0.8, weight_decay=0.1),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, weight_decay=0.1),
    ),
    "AdaGrad": (
        lambda ps: nc.AdaGrad(ps, lr=0.1),
        lambda ps: torch.optim.Adagrad(ps, lr=0.1),
    ),
    "RMSprop": (
        lambda ps: nc.RMSprop(ps, lr=0.01),
        lambda ps: torch.optim.RMSprop(ps, lr=0.01),
    ),
    "Adam": (
        lambda ps: nc.Adam(ps, lr=0.1),
        lambda ps: torch.optim.Adam(ps, lr=0.1),
    ),
    "Adam-betas": (
        lambda ps: nc.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6),
        lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6),
    ),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_five_steps_match_torch(name, rng):
    make_ours, make_theirs = OPTIMIZERS[name]
    init = [rng.normal(size=(3, 2)), rng.normal(size=4)]
    ours = [nc.Parameter(a.copy()) for a in init]
    theirs = [t64(a.copy(), grad=True) for a in init]
    opt, topt = make_ours(ours), make_theirs(theirs)
    for step in range(5):
        opt.zero_grad()
        topt.zero_grad()
        for p, q in zip(ours, theirs, strict=True):
            p.grad[...] = _grad_fn(p.data)
            q.grad = torch.tensor(_grad_fn(q.detach().numpy()), dtype=torch.float64)
        opt.step()
        topt.step()
        for p, q in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(
                p.data, q.detach().numpy(), **TOL, err_msg=f"step {step + 1}"
            )
