"""Layers against PyTorch (skipped without torch): BatchNorm1d (forward, backward, running
statistics, eval), Residual, Dense and the activation layers, Sequential.backward's dX."""

import numpy as np
import pytest

import nbcore as nc

torch = pytest.importorskip("torch")

TOL = 1e-9


def t(a, grad=False):
    return torch.tensor(np.array(a), dtype=torch.float64, requires_grad=grad)


def _torch_bn(n, eps, momentum, affine, gamma=None, beta=None):
    ref = torch.nn.BatchNorm1d(n, eps=eps, momentum=momentum, affine=affine).double()
    if affine:
        with torch.no_grad():
            ref.weight.copy_(t(gamma))
            ref.bias.copy_(t(beta))
    return ref


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("m, n", [(2, 1), (5, 3), (16, 7)])
def test_batchnorm_train_step_equals_torch(affine, m, n, rng):
    bn = nc.BatchNorm1d(n, eps=1e-3, momentum=0.2, affine=affine)
    if affine:
        bn.gamma.data[...] = rng.normal(size=n)
        bn.beta.data[...] = rng.normal(size=n)
    ref = _torch_bn(
        n, 1e-3, 0.2, affine, *((bn.gamma.data, bn.beta.data) if affine else (None, None))
    )
    X = rng.normal(2.0, 3.0, size=(m, n))
    dY = rng.normal(size=(m, n))
    Xt = t(X, grad=True)
    Yt = ref(Xt)
    Yt.backward(t(dY))
    Y = bn.forward(X)
    dX = bn.backward(dY)
    np.testing.assert_allclose(Y, Yt.detach().numpy(), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=TOL, atol=TOL)
    if affine:
        np.testing.assert_allclose(bn.gamma.grad, ref.weight.grad.numpy(), rtol=TOL, atol=TOL)
        np.testing.assert_allclose(bn.beta.grad, ref.bias.grad.numpy(), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(bn.running_mean, ref.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, ref.running_var.numpy(), rtol=1e-12)


def test_batchnorm_running_statistics_and_eval_equal_torch_after_several_steps(rng):
    bn = nc.BatchNorm1d(4)  # PyTorch's defaults: eps 1e-5, momentum 0.1
    ref = torch.nn.BatchNorm1d(4).double()
    for step in range(10):
        X = rng.normal(step, 1 + step, size=(8, 4))
        bn.forward(X)
        ref(t(X))
    np.testing.assert_allclose(bn.running_mean, ref.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, ref.running_var.numpy(), rtol=1e-12)
    bn.training = False
    ref.eval()
    X = rng.normal(size=(3, 4))
    dY = rng.normal(size=(3, 4))
    Xt = t(X, grad=True)
    ref(Xt).backward(t(dY))
    np.testing.assert_allclose(bn.forward(X), ref(t(X)).detach().numpy(), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(bn.backward(dY), Xt.grad.numpy(), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(bn.gamma.grad, ref.weight.grad.numpy(), rtol=TOL, atol=TOL)


def test_batchnorm_float32_close_to_torch_float32(rng):
    bn = nc.BatchNorm1d(3, dtype=np.float32)
    ref = torch.nn.BatchNorm1d(3)
    X = rng.normal(size=(6, 3)).astype(np.float32)
    dY = rng.normal(size=(6, 3)).astype(np.float32)
    Xt = torch.tensor(X, requires_grad=True)
    ref(Xt).backward(torch.tensor(dY))
    Y, dX = bn.forward(X), bn.backward(dY)
    assert Y.dtype == dX.dtype == np.float32
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.running_var, ref.running_var.numpy(), rtol=1e-6)


def test_batchnorm_one_sample_in_train_mode_refused_as_torch_does():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        torch.nn.BatchNorm1d(3)(torch.ones(1, 3))
    with pytest.raises(ValueError, match="more than 1 sample per batch in train mode"):
        nc.BatchNorm1d(3).forward(np.ones((1, 3)))


def test_residual_block_equals_torch(rng):
    d1, d2 = nc.Dense(3, 5, rng=1), nc.Dense(5, 3, rng=2)
    model = nc.Sequential(nc.Residual(d1, nc.ReLU(), d2), nc.Tanh())
    l1, l2 = torch.nn.Linear(3, 5).double(), torch.nn.Linear(5, 3).double()
    with torch.no_grad():
        for lin, d in ((l1, d1), (l2, d2)):
            lin.weight.copy_(t(d.W.data))
            lin.bias.copy_(t(d.b.data))
    X, dY = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    Xt = t(X, grad=True)
    Yt = torch.tanh(Xt + l2(torch.relu(l1(Xt))))
    Yt.backward(t(dY))
    np.testing.assert_allclose(model.forward(X), Yt.detach().numpy(), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(model.backward(dY), Xt.grad.numpy(), rtol=TOL, atol=TOL)
    for d, lin in ((d1, l1), (d2, l2)):
        np.testing.assert_allclose(d.W.grad, lin.weight.grad.numpy(), rtol=TOL, atol=TOL)
        np.testing.assert_allclose(d.b.grad, lin.bias.grad.numpy(), rtol=TOL, atol=TOL)


def _torch_mlp(model):
    """The torch twin of an nbcore Sequential of Dense / ReLU / Tanh / Sigmoid / BatchNorm1d."""
    mods = []
    for layer in model:
        if isinstance(layer, nc.Dense):
            lin = torch.nn.Linear(layer.n_in, layer.n_out).double()
            with torch.no_grad():
                lin.weight.copy_(t(layer.W.data))
                lin.bias.copy_(t(layer.b.data))
            mods.append(lin)
        elif isinstance(layer, nc.BatchNorm1d):
            mods.append(torch.nn.BatchNorm1d(layer.num_features).double())
        else:
            mods.append(
                {"ReLU": torch.nn.ReLU, "Tanh": torch.nn.Tanh, "Sigmoid": torch.nn.Sigmoid}[
                    type(layer).__name__
                ]()
            )
    return torch.nn.Sequential(*mods)


def test_sequential_backward_returns_the_input_gradient_torch_does(rng):
    model = nc.Sequential(
        nc.Dense(4, 6, rng=0), nc.BatchNorm1d(6), nc.ReLU(), nc.Dense(6, 3, rng=1), nc.Sigmoid()
    )
    ref = _torch_mlp(model)
    X, dY = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    Xt = t(X, grad=True)
    ref(Xt).backward(t(dY))
    model.forward(X)
    dX = model.backward(dY)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=TOL, atol=TOL)
    names = {"0.W": "0.weight", "0.b": "0.bias", "1.gamma": "1.weight", "1.beta": "1.bias"}
    torch_state = ref.state_dict()
    for ours, theirs in names.items():
        assert model.state_dict()[ours].shape == tuple(torch_state[theirs].shape)
    np.testing.assert_allclose(
        model.state_dict()["1.running_var"], torch_state["1.running_var"].numpy(), rtol=1e-12
    )


@pytest.mark.parametrize(
    "layer, fn",
    [
        (nc.Sigmoid, torch.sigmoid),
        (nc.Tanh, torch.tanh),
        (nc.ReLU, torch.relu),
        (lambda: nc.Softmax(axis=-1), lambda z: torch.softmax(z, dim=-1)),
        (lambda: nc.Softmax(axis=0), lambda z: torch.softmax(z, dim=0)),
        (lambda: nc.LeakyReLU(0.2), lambda z: torch.nn.functional.leaky_relu(z, 0.2)),
    ],
    ids=["Sigmoid", "Tanh", "ReLU", "Softmax", "Softmax0", "LeakyReLU"],
)
def test_activation_layers_equal_torch(layer, fn, rng):
    Z, dA = rng.normal(scale=3, size=(5, 4)), rng.normal(size=(5, 4))
    Zt = t(Z, grad=True)
    At = fn(Zt)
    At.backward(t(dA))
    act = layer()
    np.testing.assert_allclose(act.forward(Z), At.detach().numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(act.backward(dA), Zt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_in_place_edit_of_a_saved_output_raises_in_both(rng):
    # PyTorch raises at backward time, nbcore at the edit: neither gives a wrong gradient
    Zt = t(rng.normal(size=(2, 2)), grad=True)
    At = torch.sigmoid(Zt)
    At += 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        At.sum().backward()
    A = nc.Sigmoid().forward(rng.normal(size=(2, 2)))
    with pytest.raises(ValueError, match="read-only"):
        A += 1
