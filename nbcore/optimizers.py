"""Optimizers with PyTorch's update rules, names and defaults.

Each optimizer holds a list of Parameters, updates their ``.data`` in place in ``step()`` using
their ``.grad``, and keeps per-parameter state in ``state[i]`` (a dict). Bad hyper-parameters
are rejected in the constructor with ``ValueError``, as in PyTorch.

Introduced in chapter 7 (Optimizers).
"""

from __future__ import annotations

import numpy as np

from nbcore._checks import check_number
from nbcore.layers import Parameter


class Optimizer:
    """Base class: stores the parameters and their state; subclasses implement ``update``."""

    def __init__(self, params, lr):
        name = type(self).__name__
        params = list(params) if not isinstance(params, Parameter) else None
        if not params:
            raise ValueError(f"{name}: expected a non-empty list of Parameters, got {params}")
        for p in params:
            if not isinstance(p, Parameter):
                raise TypeError(f"{name}: expected Parameters (model.parameters()), got {p!r}")
        self.params = params
        self.lr = check_number(lr, name, "lr (learning rate)", lo=0)
        self.state = [{} for _ in params]

    def zero_grad(self):
        """Set every parameter's gradient to zero."""
        for p in self.params:
            p.zero_grad()

    def step(self):
        """Update every parameter once from its current gradient."""
        for p, state in zip(self.params, self.state, strict=True):
            self.update(p.data, p.grad, state)

    def update(self, theta, g, state):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({args})"

    def _hyper(self):
        return {"lr": self.lr}


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``).

    With weight decay :math:`\lambda`, momentum :math:`\mu` and learning rate :math:`\eta`:

    .. math::
        g &\leftarrow g + \lambda\,\theta \\
        v &\leftarrow \mu v + g \quad (v = g \text{ on the first step}) \\
        g &\leftarrow g + \mu v \text{ (Nesterov) or } g \leftarrow v \\
        \theta &\leftarrow \theta - \eta\, g

    State: ``state[i]["momentum_buffer"]`` (v). PyTorch's ``dampening`` is fixed at 0.
    """

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum = check_number(momentum, "SGD", "momentum", lo=0, hi=1, hi_open=True)
        self.weight_decay = check_number(weight_decay, "SGD", "weight_decay", lo=0)
        if nesterov and self.momentum == 0:
            raise ValueError("SGD: expected momentum > 0 for nesterov=True, got momentum=0.0")
        self.nesterov = bool(nesterov)

    def update(self, theta, g, state):
        mu, wd = self.momentum, self.weight_decay
        if wd:
            g = g + wd * theta
        if mu:
            v = state.get("momentum_buffer")
            if v is None:
                v = state["momentum_buffer"] = g.copy()
            else:
                v *= mu
                v += g
            g = g + mu * v if self.nesterov else v
        theta -= self.lr * g

    def _hyper(self):
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }


class AdaGrad(Optimizer):
    r"""AdaGrad (``torch.optim.Adagrad`` with no learning-rate decay, accumulator starting at 0).

    .. math::
        s &\leftarrow s + g^2 \\
        \theta &\leftarrow \theta - \eta\, g / (\sqrt{s} + \epsilon)

    State: ``state[i]["sum"]`` (s).
    """

    def __init__(self, params, lr=0.01, eps=1e-10):
        super().__init__(params, lr)
        self.eps = check_number(eps, "AdaGrad", "eps", lo=0)

    def update(self, theta, g, state):
        s = state.setdefault("sum", np.zeros_like(theta))
        s += g * g
        theta -= self.lr * g / (np.sqrt(s) + self.eps)

    def _hyper(self):
        return {"lr": self.lr, "eps": self.eps}


class RMSprop(Optimizer):
    r"""RMSprop (``torch.optim.RMSprop``, not centred, no momentum).

    .. math::
        v &\leftarrow \alpha v + (1 - \alpha) g^2 \\
        \theta &\leftarrow \theta - \eta\, g / (\sqrt{v} + \epsilon)

    State: ``state[i]["square_avg"]`` (v). Note eps is added **outside** the square root.
    """

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8):
        super().__init__(params, lr)
        self.alpha = check_number(alpha, "RMSprop", "alpha", lo=0, hi=1, hi_open=True)
        self.eps = check_number(eps, "RMSprop", "eps", lo=0)

    def update(self, theta, g, state):
        v = state.setdefault("square_avg", np.zeros_like(theta))
        v *= self.alpha
        v += (1 - self.alpha) * g * g
        theta -= self.lr * g / (np.sqrt(v) + self.eps)

    def _hyper(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps}


class Adam(Optimizer):
    r"""Adam with bias correction (``torch.optim.Adam``).

    At step t (starting at 1):

    .. math::
        m &\leftarrow \beta_1 m + (1 - \beta_1)\, g \\
        v &\leftarrow \beta_2 v + (1 - \beta_2)\, g^2 \\
        \hat m &= m / (1 - \beta_1^t), \quad \hat v = v / (1 - \beta_2^t) \\
        \theta &\leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)

    eps is added **outside** the square root, as in PyTorch and the Adam paper.
    State: ``state[i]["step"]`` (t), ``state[i]["m"]``, ``state[i]["v"]``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: expected betas as a pair (beta1, beta2), got {betas!r}")
        b1 = check_number(betas[0], "Adam", "beta1 (betas[0])", lo=0, hi=1, hi_open=True)
        b2 = check_number(betas[1], "Adam", "beta2 (betas[1])", lo=0, hi=1, hi_open=True)
        self.betas = (b1, b2)
        self.eps = check_number(eps, "Adam", "eps", lo=0)

    def update(self, theta, g, state):
        b1, b2 = self.betas
        if not state:
            state.update(step=0, m=np.zeros_like(theta), v=np.zeros_like(theta))
        state["step"] += 1
        t, m, v = state["step"], state["m"], state["v"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        theta -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def _hyper(self):
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps}
