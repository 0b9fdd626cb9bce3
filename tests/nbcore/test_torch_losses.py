"""Every activation and loss of nbcore against PyTorch in float64: values and gradients on many
random inputs, extremes included (skipped cleanly when torch is not installed).

Where PyTorch itself gives NaN (GELU at ±inf: ``inf * 0``), nbcore gives the limit, and only the
other entries are compared. ``FocalLoss`` is compared with torchvision's ``sigmoid_focal_loss``
formula written in torch on probabilities (torchvision is not needed).
"""

from __future__ import annotations

import numpy as np
import pytest

import nbcore as nc

torch = pytest.importorskip("torch")
TF = torch.nn.functional

TOL = dict(rtol=1e-12, atol=1e-14)
SEEDS = range(6)
EXTREMES = np.array([-np.inf, -1e300, -1e4, -30.0, -1.0, 0.0, 1.0, 30.0, 1e4, 1e300, np.inf])


def t64(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def close(ours, theirs, **tol):
    """Equal to torch's answer wherever torch's answer is not NaN (ours never is)."""
    ours = np.asarray(ours, dtype=np.float64)
    theirs = np.asarray(theirs, dtype=np.float64)
    assert not np.isnan(ours).any()
    keep = ~np.isnan(theirs)
    np.testing.assert_allclose(ours[keep], theirs[keep], **(tol or TOL))


def random_z(seed, shape=(7, 5), extremes=False):
    z = np.random.default_rng(seed).normal(scale=3.0, size=shape)
    if extremes:
        z.flat[: EXTREMES.size] = EXTREMES
    return z


# ------------------------------------------------------------------ activations
ACTIVATIONS = {
    # name: (nbcore g, nbcore g', torch g, tolerance)
    "sigmoid": (nc.sigmoid, nc.sigmoid_grad, torch.sigmoid, TOL),
    "tanh": (nc.tanh, nc.tanh_grad, torch.tanh, TOL),
    "relu": (nc.relu, nc.relu_grad, torch.relu, TOL),
    "leaky_relu": (nc.leaky_relu, nc.leaky_relu_grad, TF.leaky_relu, TOL),
    "leaky_relu(0.2)": (
        lambda z: nc.leaky_relu(z, 0.2),
        lambda z: nc.leaky_relu_grad(z, 0.2),
        lambda x: TF.leaky_relu(x, 0.2),
        TOL,
    ),
    # torch's softplus returns x itself beyond x = 20 (its threshold): e^-20 = 2e-9 apart
    "softplus": (nc.softplus, nc.softplus_grad, TF.softplus, dict(rtol=1e-8, atol=1e-8)),
    "gelu": (nc.gelu, nc.gelu_grad, TF.gelu, TOL),
    "gelu(none)": (
        lambda z: nc.gelu(z, approximate="none"),
        lambda z: nc.gelu_grad(z, approximate="none"),
        lambda x: TF.gelu(x, approximate="none"),
        TOL,
    ),
    "gelu(tanh)": (
        lambda z: nc.gelu(z, approximate="tanh"),
        lambda z: nc.gelu_grad(z, approximate="tanh"),
        lambda x: TF.gelu(x, approximate="tanh"),
        TOL,
    ),
    "step": (
        nc.step,
        lambda z: np.zeros_like(z),
        lambda x: torch.heaviside(x, x.new_zeros(())),
        TOL,
    ),
}


@pytest.mark.parametrize("extremes", [False, True], ids=["random", "with-extremes"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_matches_torch(name, seed, extremes):
    g, g_prime, tg, tol = ACTIVATIONS[name]
    z = random_z(seed, extremes=extremes)
    x = t64(z, grad=True)
    y = tg(x)
    if name != "step":  # heaviside has no gradient in torch
        y.sum().backward()
        close(g_prime(z), x.grad.numpy(), **tol)
    close(g(z), y.detach().numpy(), **tol)


LAYERS = {
    "Sigmoid": (nc.Sigmoid, torch.nn.Sigmoid),
    "Tanh": (nc.Tanh, torch.nn.Tanh),
    "ReLU": (nc.ReLU, torch.nn.ReLU),
    "LeakyReLU": (nc.LeakyReLU, torch.nn.LeakyReLU),
    "LeakyReLU(0.3)": (lambda: nc.LeakyReLU(0.3), lambda: torch.nn.LeakyReLU(0.3)),
    "GELU": (nc.GELU, torch.nn.GELU),
    "GELU(tanh)": (lambda: nc.GELU(approximate="tanh"), lambda: torch.nn.GELU(approximate="tanh")),
    "Softmax": (nc.Softmax, lambda: torch.nn.Softmax(dim=-1)),
    "Softmax(axis=0)": (lambda: nc.Softmax(axis=0), lambda: torch.nn.Softmax(dim=0)),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(LAYERS))
def test_activation_layer_matches_torch(name, seed):
    ours, theirs = LAYERS[name][0](), LAYERS[name][1]()
    z = random_z(seed, extremes=not name.startswith("Softmax"))
    dA = np.random.default_rng(100 + seed).normal(size=z.shape)
    x = t64(z, grad=True)
    y = theirs(x)
    y.backward(t64(dA))
    close(ours.forward(z), y.detach().numpy())
    close(ours.backward(dA), x.grad.numpy())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_family_matches_torch(seed, axis):
    z = random_z(seed, shape=(4, 6))
    z[0, :2] = [1e300, -1e300]  # extremes in one row
    z[1, :] = 1e4 + np.arange(6)
    x = t64(z)
    close(nc.softmax(z, axis=axis), torch.softmax(x, dim=axis).numpy())
    close(nc.log_softmax(z, axis=axis), torch.log_softmax(x, dim=axis).numpy())
    close(nc.logsumexp(z, axis=axis), torch.logsumexp(x, dim=axis).numpy())


# ------------------------------------------------------------------ losses
def _focal_torch(p, y, alpha=0.25, gamma=2.0):
    """torchvision.ops.sigmoid_focal_loss's formula on probabilities, with reduction="mean"."""
    bce = TF.binary_cross_entropy(p, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    loss = bce * (1 - p_t) ** gamma
    if alpha is not None:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return loss.mean()


def regression_data(rng, shape):
    pred = rng.normal(scale=3.0, size=shape)
    target = rng.normal(scale=3.0, size=shape)
    target.flat[0] = pred.flat[0]  # a zero residual: the kink of MAE, Huber's centre
    return pred, target


def probability_data(rng, shape, soft):
    p = rng.uniform(0.01, 0.99, size=shape)
    p.flat[:2] = [0.0, 1.0]  # BCE's clamped logs and gradient
    y = rng.uniform(0, 1, size=shape) if soft else rng.integers(0, 2, size=shape).astype(float)
    return p, y


def logits_data(rng, shape, soft):
    Z = rng.normal(scale=3.0, size=shape)
    Z.flat[:4] = [1e4, -1e4, 1e300, -1e300]
    y = rng.uniform(0, 1, size=shape) if soft else rng.integers(0, 2, size=shape).astype(float)
    return Z, y


LOSSES = {
    # name: (nbcore loss, torch loss of (pred, target) tensors, data maker)
    "MSELoss": (nc.MSELoss, torch.nn.MSELoss(), regression_data),
    "MAELoss": (nc.MAELoss, torch.nn.L1Loss(), regression_data),
    "HuberLoss": (nc.HuberLoss, torch.nn.HuberLoss(), regression_data),
    "HuberLoss(2.5)": (lambda: nc.HuberLoss(2.5), torch.nn.HuberLoss(delta=2.5), regression_data),
    "RMSELoss": (nc.RMSELoss, lambda p, t: torch.sqrt(TF.mse_loss(p, t)), regression_data),
    "BCELoss": (nc.BCELoss, torch.nn.BCELoss(), lambda r, s: probability_data(r, s, False)),
    "BCELoss-soft": (nc.BCELoss, torch.nn.BCELoss(), lambda r, s: probability_data(r, s, True)),
    "BCEWithLogitsLoss": (
        nc.BCEWithLogitsLoss,
        torch.nn.BCEWithLogitsLoss(),
        lambda r, s: logits_data(r, s, False),
    ),
    "BCEWithLogitsLoss-soft": (
        nc.BCEWithLogitsLoss,
        torch.nn.BCEWithLogitsLoss(),
        lambda r, s: logits_data(r, s, True),
    ),
    "FocalLoss": (nc.FocalLoss, _focal_torch, lambda r, s: probability_data(r, s, False)),
    "FocalLoss-soft": (nc.FocalLoss, _focal_torch, lambda r, s: probability_data(r, s, True)),
    "FocalLoss(None, 0)-soft": (
        lambda: nc.FocalLoss(alpha=None, gamma=0.0),
        lambda p, y: _focal_torch(p, y, alpha=None, gamma=0.0),
        lambda r, s: probability_data(r, s, True),
    ),
    "FocalLoss(0.6, 0.5)-soft": (
        lambda: nc.FocalLoss(alpha=0.6, gamma=0.5),
        lambda p, y: _focal_torch(p, y, alpha=0.6, gamma=0.5),
        lambda r, s: probability_data(r, s, True),
    ),
}


def _compare_loss(ours, theirs, pred, target):
    value = ours.forward(pred, target)
    grad = ours.backward()
    x = t64(pred, grad=True)
    t = torch.tensor(np.asarray(target)) if np.asarray(target).dtype.kind == "i" else t64(target)
    out = theirs(x, t)
    out.backward()
    assert isinstance(value, float)
    assert value == pytest.approx(out.item(), rel=1e-12, abs=1e-14)
    close(grad, x.grad.numpy())
    assert grad.dtype == pred.dtype and grad.shape == pred.shape


@pytest.mark.parametrize("shape", [(1, 1), (6, 1), (5, 3)], ids=str)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_matches_torch(name, seed, shape):
    make, theirs, data = LOSSES[name]
    pred, target = data(np.random.default_rng(seed), shape)
    _compare_loss(make(), theirs, pred, target)


def test_focal_soft_target_example():
    """issue 22: p = 0.7, y = 0.3 with the defaults alpha = 0.25, gamma = 2 gives 0.1917."""
    value = nc.focal_loss(np.array([[0.7]]), np.array([[0.3]]))
    assert round(value, 4) == 0.1917
    assert value == pytest.approx(_focal_torch(t64([[0.7]]), t64([[0.3]])).item(), rel=1e-14)


@pytest.mark.parametrize("target_kind", ["labels", "one-hot", "probabilities"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("m, k", [(1, 2), (6, 3), (9, 5)])
def test_cross_entropy_matches_torch(m, k, seed, target_kind):
    rng = np.random.default_rng(seed)
    Z = rng.normal(scale=3.0, size=(m, k))
    Z.flat[: min(Z.size, 3)] = [1e4, -1e300, 1e300][: min(Z.size, 3)]
    y = rng.integers(0, k, size=m)
    if target_kind == "labels":
        target = y
    elif target_kind == "one-hot":
        target = np.eye(k)[y]
    else:
        target = rng.dirichlet(np.ones(k), size=m)
    _compare_loss(nc.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), Z, target)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("m, k", [(1, 2), (6, 3), (9, 5)])
def test_nll_matches_torch(m, k, seed):
    rng = np.random.default_rng(seed)
    logP = nc.log_softmax(rng.normal(scale=3.0, size=(m, k)))
    y = rng.integers(0, k, size=m)
    _compare_loss(nc.NLLLoss(), torch.nn.NLLLoss(), logP, y)
