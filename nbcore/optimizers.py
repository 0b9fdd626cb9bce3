"""Optimizers with PyTorch's update rules, names and defaults.

The class names are PyTorch's (``SGD``, ``RMSprop``, ``Adam``) except ``AdaGrad``, which the
contract spells as the book does; PyTorch's class is ``torch.optim.Adagrad``.

Each optimizer holds a list of Parameters and, in ``step()``, moves every ``.data`` against its
``.grad``. Bad hyper-parameters are rejected in the constructor with ``ValueError``, as in PyTorch.
Per-parameter state is readable as ``opt.state[i]`` (a dict of arrays shaped like parameter i).

How the code is laid out: each optimizer's ``update(g)`` is its formula, written once for the
gradient ``g`` of **all** parameters laid end to end in one flat vector, and returns the step to
subtract (``update`` never changes ``g``). For a model's parameters that vector already exists: a
``Sequential`` keeps its parameters in one flat vector (``nbcore._flat``), so ``step()`` is
``theta -= update(g)`` on it. For other parameters the base class copies the gradients into a
vector and subtracts each parameter's slice of the step. Working on one vector instead of one
array per parameter is much faster for small networks (see "Performance notes" on the book's
Benchmarks page) and changes no number.

Introduced in chapter 7 (Optimizers).
"""

from __future__ import annotations

import math

import numpy as np

from nbcore._checks import check_number
from nbcore._flat import memory_order, store_of, zero_grads
from nbcore.layers import Parameter


class Optimizer:
    """Base class: gathers gradients, calls ``update``, applies the step; holds the state."""

    def __init__(self, params, lr):
        name = type(self).__name__
        params = list(params) if not isinstance(params, Parameter) else None
        if not params:
            raise ValueError(f"{name}: expected a non-empty list of Parameters, got {params}")
        for p in params:
            if not isinstance(p, Parameter):
                raise TypeError(f"{name}: expected Parameters (model.parameters()), got {p!r}")
        dtypes = {p.data.dtype for p in params}
        if len(dtypes) > 1:
            raise TypeError(
                f"{name}: expected parameters of one dtype, got {sorted(map(str, dtypes))}"
            )
        self.params = params
        self.lr = check_number(lr, name, "lr (learning rate)", lo=0)
        self.state = [{} for _ in params]
        self._store = store_of(params)  # the model's flat vectors, when it has them
        # Where each parameter sits in the flat vector; reusable buffers (no allocation per step).
        ends = np.cumsum([p.data.size for p in params])
        self._slices = [slice(e - p.data.size, e) for p, e in zip(params, ends, strict=True)]
        self._orders = [memory_order(p.data) for p in params]  # each slice's layout, as the store's
        self._g = np.empty(int(ends[-1]), dtype=params[0].data.dtype)
        self._tmp = np.empty_like(self._g)

    def _live_store(self):
        """The model's flat vectors while every parameter still uses them, else None."""
        store = self._store
        return store if store is not None and store.intact() else None

    def zero_grad(self):
        """Set every parameter's gradient to zero."""
        zero_grads(self.params, self._live_store())

    def step(self):
        """Update every parameter once from its current gradient."""
        store = self._live_store()
        if store is not None:
            store.data -= self.update(store.grad)  # theta <- theta - step, all at once
            return
        params, orders = self.params, self._orders
        g = np.concatenate(
            [p.grad.ravel(o) for p, o in zip(params, orders, strict=True)], out=self._g
        )
        delta = self.update(g)
        for p, s, o in zip(params, self._slices, orders, strict=True):
            p.data -= delta[s].reshape(p.data.shape, order=o)

    def update(self, g):
        """The step for the flat gradient ``g``: each parameter then does ``theta -= step``."""
        raise NotImplementedError

    def _flat_state(self, key):
        """A flat zero vector for state ``key``, shown per parameter as ``state[i][key]``."""
        flat = np.zeros_like(self._g)
        views = zip(self.params, self._slices, self._orders, self.state, strict=True)
        for p, s, o, state in views:
            state[key] = flat[s].reshape(p.data.shape, order=o)  # a view: follows the vector
        return flat

    def _flat_params(self):
        """All parameter values as one flat vector (read only: a copy unless packed)."""
        if self._live_store() is not None:
            return self._store.data
        return np.concatenate(
            [p.data.ravel(o) for p, o in zip(self.params, self._orders, strict=True)]
        )

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
        self._v = None

    def update(self, g):
        mu, wd = self.momentum, self.weight_decay
        if wd:
            g = g + wd * self._flat_params()  # g <- g + wd theta (a new array: g is left as is)
        if mu:
            if self._v is None:
                self._v = self._flat_state("momentum_buffer")
                self._v += g  # v <- g on the first step
            else:
                self._v *= mu
                self._v += g  # v <- mu v + g
            g = g + mu * self._v if self.nesterov else self._v  # g <- g + mu v, or g <- v
        return np.multiply(g, self.lr, out=self._tmp)  # theta <- theta - lr g

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
        G &\leftarrow G + g^2 \\
        \theta &\leftarrow \theta - \eta\, g / (\sqrt{G} + \epsilon)

    State: ``state[i]["sum"]`` (G; PyTorch keeps it under the same name, ``sum``).
    """

    def __init__(self, params, lr=0.01, eps=1e-10):
        super().__init__(params, lr)
        self.eps = check_number(eps, "AdaGrad", "eps", lo=0)
        self._s = None

    def update(self, g):
        if self._s is None:
            self._s = self._flat_state("sum")
        s, tmp = self._s, self._tmp
        s += np.multiply(g, g, out=tmp)  # s <- s + g^2
        np.sqrt(s, out=tmp)
        tmp += self.eps  # sqrt(s) + eps
        np.divide(g, tmp, out=tmp)
        tmp *= self.lr
        return tmp  # lr g / (sqrt(s) + eps)

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
        self._v = None

    def update(self, g):
        if self._v is None:
            self._v = self._flat_state("square_avg")
        v, tmp, a = self._v, self._tmp, self.alpha
        v *= a
        np.multiply(g, g, out=tmp)
        tmp *= 1 - a
        v += tmp  # v <- alpha v + (1 - alpha) g^2
        np.sqrt(v, out=tmp)
        tmp += self.eps  # sqrt(v) + eps
        np.divide(g, tmp, out=tmp)
        tmp *= self.lr
        return tmp  # lr g / (sqrt(v) + eps)

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

    The code computes the last line rearranged, with the corrections as two scalars:
    :math:`\theta \leftarrow \theta - \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}\,
    m / (\sqrt{v} + \epsilon \sqrt{1 - \beta_2^t})`, the same number up to rounding, with fewer
    passes over the parameters (chapter 7 compares it with scikit-learn's "folded" form,
    which leaves out the factor on :math:`\epsilon`).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Adam: expected betas as a pair (beta1, beta2), got {betas!r}")
        b1 = check_number(betas[0], "Adam", "beta1 (betas[0])", lo=0, hi=1, hi_open=True)
        b2 = check_number(betas[1], "Adam", "beta2 (betas[1])", lo=0, hi=1, hi_open=True)
        self.betas = (b1, b2)
        self.eps = check_number(eps, "Adam", "eps", lo=0)
        self.t = 0
        self._m = self._v = None

    def update(self, g):
        b1, b2 = self.betas
        if self._m is None:
            self._m, self._v = self._flat_state("m"), self._flat_state("v")
        self.t += 1
        for state in self.state:
            state["step"] = self.t
        t, m, v, tmp = self.t, self._m, self._v, self._tmp
        np.subtract(g, m, out=tmp)
        tmp *= 1 - b1
        m += tmp  # m <- m + (1 - b1)(g - m), which is b1 m + (1 - b1) g
        np.multiply(g, g, out=tmp)
        tmp *= 1 - b2
        v *= b2
        v += tmp  # v <- b2 v + (1 - b2) g^2
        # lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t),
        # rearranged (multiplied above and below by sqrt(1 - b2^t)) to save a pass:
        #   = [lr sqrt(1 - b2^t) / (1 - b1^t)] m / (sqrt(v) + eps sqrt(1 - b2^t))
        c2 = math.sqrt(1 - b2**t)
        np.sqrt(v, out=tmp)
        tmp += self.eps * c2
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr * c2 / (1 - b1**t)
        return tmp

    def _hyper(self):
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps}
