"""Optimizers with PyTorch's update rules, names, options and defaults.

The class names are PyTorch's (``SGD``, ``RMSprop``, ``Adam``, ``AdamW``) except ``AdaGrad``,
which the contract spells as the book does; PyTorch's class is ``torch.optim.Adagrad``.

Each optimizer holds a list of Parameters and, in ``step()``, moves every ``.data`` against its
``.grad``. Bad options are rejected in the constructor: ``ValueError`` for a value out of range,
``TypeError`` for a wrong type or an option nbcore does not have (the message lists the ones it
has). Per-parameter state is readable as ``opt.state[i]`` (a dict of arrays shaped like parameter
i, plus ``"step"`` for the optimizers that count steps), and ``state_dict()`` /
``load_state_dict()`` save and restore it as PyTorch's do. A learning-rate scheduler
(``nbcore.lr_scheduler``) changes ``opt.lr`` between steps.

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
import numbers

import numpy as np

from nbcore._checks import check_number
from nbcore._flat import memory_order, store_of, zero_grads
from nbcore.layers import Parameter


class Optimizer:
    """Base class: gathers gradients, calls ``update``, applies the step; holds the state.

    A subclass lists its options in ``_options`` (PyTorch's names and order), checks them in
    ``_check_options`` and names its per-parameter state arrays in ``_state_keys``.
    """

    _options = ("lr",)
    initial_lr = None  # set by the first learning-rate scheduler (PyTorch's group["initial_lr"])

    def __init__(self, params, lr=None, *, unexpected=None):
        name = type(self).__name__
        if unexpected:
            key = next(iter(unexpected))
            raise TypeError(
                f"{name}: unexpected option {key!r}; options are {', '.join(self._options)}"
            )
        self.params = params = _check_params(params, name)
        self.state = [{} for _ in params]
        self._buffers = {}  # key -> flat state vector; state[i][key] are views into it
        self._store = store_of(params)  # the model's flat vectors, when it has them
        # Where each parameter sits in the flat vector; reusable buffers (no allocation per step).
        ends = np.cumsum([p.data.size for p in params])
        self._slices = [slice(e - p.data.size, e) for p, e in zip(params, ends, strict=True)]
        self._orders = [memory_order(p.data) for p in params]  # each slice's layout, as the store's
        self._make_scratch()
        if lr is not None:  # a subclass of the first edition: Optimizer.__init__(params, lr)
            self.lr = _check_lr(lr, name)

    def _make_scratch(self):
        size = sum(p.data.size for p in self.params)
        self._g = np.empty(size, dtype=self.params[0].data.dtype)
        self._tmp = np.empty_like(self._g)

    def _set_options(self, **given):
        """Check the options (``_check_options``) and store them as attributes."""
        for key, value in self._check_options(**given).items():
            setattr(self, key, value)

    def _check_options(self, lr):
        """The options checked and normalised; raises ValueError / TypeError on a bad one."""
        return {"lr": _check_lr(lr, type(self).__name__)}

    def _state_keys(self, options):
        """The names of the per-parameter state entries under ``options`` (a dict)."""
        return ()

    # ---------------------------------------------------------------- stepping
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

    def _vectors(self, *keys, fill=0.0):
        """The flat state vectors ``keys``, created (filled with ``fill``) at the first step."""
        buffers = self._buffers
        if keys[-1] not in buffers:
            for key in keys:
                if key not in buffers:
                    buffers[key] = np.full_like(self._g, fill)
                    self._attach_views(key)
        return map(buffers.__getitem__, keys)  # one vector per key

    def _attach_views(self, key):
        """Show flat vector ``key`` per parameter as ``state[i][key]`` (views: they follow it)."""
        flat = self._buffers[key]
        views = zip(self.params, self._slices, self._orders, self.state, strict=True)
        for p, s, o, state in views:
            state[key] = flat[s].reshape(p.data.shape, order=o)

    def _count_step(self):
        """t <- t + 1, shown per parameter as ``state[i]["step"]`` (as in PyTorch)."""
        self.t += 1
        for state in self.state:
            state["step"] = self.t

    def _flat_params(self):
        """All parameter values as one flat vector (read only: a copy unless packed)."""
        if self._live_store() is not None:
            return self._store.data
        return np.concatenate(
            [p.data.ravel(o) for p, o in zip(self.params, self._orders, strict=True)]
        )

    # ---------------------------------------------------------------- copies and checkpoints
    def __getstate__(self):
        """For ``copy.deepcopy`` and ``pickle``: the state views are rebuilt on arrival, so
        they stay views of the copied flat vectors (a copied view would be a separate array)."""
        attrs = dict(self.__dict__)
        attrs["state"] = [
            {k: v for k, v in s.items() if k not in self._buffers} for s in self.state
        ]
        del attrs["_g"], attrs["_tmp"]
        return attrs

    def __setstate__(self, attrs):
        self.__dict__.update(attrs)
        self._make_scratch()
        for key in self._buffers:
            self._attach_views(key)

    def state_dict(self):
        """The optimizer's state as PyTorch lays it out, as copies.

        Returns
        -------
        dict
            ``{"state": {i: {key: ndarray or int}}, "param_groups": [{option: value, ...,
            "params": [0, ..., n - 1]}]}``: the state of parameter i (empty before the first
            step) and the options, among them the current ``lr``. Only dicts, lists, ndarrays,
            numbers, strings, bools and None, so ``nbcore.save`` can write it without pickle.
        """
        group = {k: _plain(getattr(self, k)) for k in self._options}
        if self.initial_lr is not None:
            group["initial_lr"] = self.initial_lr
        group["params"] = list(range(len(self.params)))
        state = {
            i: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
            for i, s in enumerate(self.state)
            if s
        }
        return {"state": state, "param_groups": [group]}

    def load_state_dict(self, state_dict):
        """Restore options and state from ``state_dict()``'s output (or a loaded copy of it).

        Everything is checked before anything is assigned: a mismatch (number of parameters,
        an unknown or missing key, a shape) raises ``ValueError`` naming the key, the expected
        and the given value, and leaves the optimizer unchanged.
        """
        where = f"{type(self).__name__}.load_state_dict"
        options, initial_lr = self._loaded_options(state_dict, where)
        keys = self._state_keys(options)
        arrays, t = self._loaded_state(state_dict["state"], keys, where)
        # every check passed: assign
        for key, value in options.items():
            setattr(self, key, value)
        self.initial_lr = initial_lr
        self.state = [{} for _ in self.params]
        self._buffers = {}
        if "step" in keys:
            self.t = t
        for key in keys if arrays else ():
            if key == "step":
                for s in self.state:
                    s["step"] = t
                continue
            self._vectors(key)
            for s, saved in zip(self.state, arrays, strict=True):
                s[key][...] = saved[key]  # into the flat vector, through the view

    def _loaded_options(self, state_dict, where):
        if not isinstance(state_dict, dict):
            raise TypeError(f"{where}: expected a dict from state_dict(), got {_short(state_dict)}")
        _check_keys(state_dict, {"state", "param_groups"}, where, "the state dict")
        groups = state_dict["param_groups"]
        if not isinstance(groups, (list, tuple)) or len(groups) != 1:
            raise ValueError(
                f"{where}: expected param_groups as a list of one dict, got {_short(groups)}"
            )
        group = groups[0]
        if not isinstance(group, dict):
            raise TypeError(f"{where}: expected param_groups[0] as a dict, got {_short(group)}")
        given = set(group) - {"initial_lr"}
        _check_keys(group, set(self._options) | {"params"}, where, "param_groups[0]", given)
        n = len(self.params)
        indices = group["params"]
        if not isinstance(indices, (list, tuple, np.ndarray)) or list(indices) != list(range(n)):
            raise ValueError(
                f"{where}: expected param_groups[0]['params'] = [0, ..., {n - 1}] "
                f"({n} parameters), got {_short(indices)}"
            )
        values = {k: group[k] for k in self._options}
        if "betas" in values and isinstance(values["betas"], (list, np.ndarray)):
            values["betas"] = tuple(values["betas"])
        try:
            options = self._check_options(**values)
        except (TypeError, ValueError) as err:
            raise type(err)(f"{where}: param_groups[0]: {err}") from err
        initial_lr = group.get("initial_lr")
        if initial_lr is not None:
            initial_lr = _check_lr(initial_lr, where, "initial_lr")
        return options, initial_lr

    def _loaded_state(self, state, keys, where):
        """The state arrays per parameter (checked, cast to the parameters' dtype) and t."""
        if isinstance(state, (list, tuple)):
            state = dict(enumerate(state))
        if not isinstance(state, dict):
            raise TypeError(
                f"{where}: expected 'state' as a dict {{index: dict}}, got {_short(state)}"
            )
        n = len(self.params)
        entries = {}
        for index, entry in state.items():
            i = _index(index, n, where)
            if entry:  # an empty dict is a parameter without state
                entries[i] = entry
        if not entries:
            return None, 0
        if not keys or len(entries) != n:
            raise ValueError(
                f"{where}: expected state for {'all ' + str(n) if keys else 'none'} of the "
                f"{n} parameters (options {self._options}), got state for {len(entries)}"
            )
        arrays, steps = [], set()
        for i in range(n):
            entry = entries[i]
            if not isinstance(entry, dict):
                raise TypeError(f"{where}: expected state[{i}] as a dict, got {_short(entry)}")
            _check_keys(entry, set(keys), where, f"state[{i}]")
            arrays.append(
                {k: self._loaded_array(entry[k], i, k, where) for k in keys if k != "step"}
            )
            if "step" in keys:
                steps.add(_step_count(entry["step"], i, where))
        if len(steps) > 1:
            raise ValueError(f"{where}: expected one step count for every parameter, got {steps}")
        return arrays, (steps.pop() if steps else 0)

    def _loaded_array(self, value, i, key, where):
        p = self.params[i]
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.dtype.kind not in "fiu":
            raise TypeError(
                f"{where}: expected state[{i}][{key!r}] as an array, got {_short(value)}"
            )
        if arr.shape != p.data.shape:
            raise ValueError(
                f"{where}: state[{i}][{key!r}]: expected shape {p.data.shape}, got {arr.shape}"
            )
        return arr.astype(p.data.dtype, copy=False)

    def __repr__(self):
        args = ", ".join(f"{k}={v}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({args})"

    def _hyper(self):
        return {k: getattr(self, k) for k in self._options}


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``).

    Parameters
    ----------
    params : list of Parameter
        ``model.parameters()``: distinct Parameters of one dtype.
    lr : float
        The learning rate :math:`\eta \ge 0`.
    momentum : float, default 0
        :math:`\mu \in [0, 1)`.
    dampening : float, default 0
        :math:`d \in [0, 1]`, damps the new gradient in the momentum buffer.
    nesterov : bool, default False
        Nesterov momentum; needs momentum > 0 and dampening 0 (as in PyTorch).
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, the L2 penalty :math:`\frac{\lambda}{2}\lVert\theta\rVert^2`.

    Notes
    -----
    At every step, with gradient :math:`g`:

    .. math::
        g &\leftarrow g + \lambda\,\theta \\
        v &\leftarrow \mu v + (1 - d)\, g \quad (v = g \text{ on the first step}) \\
        g &\leftarrow g + \mu v \text{ (Nesterov) or } g \leftarrow v \\
        \theta &\leftarrow \theta - \eta\, g

    (the middle two lines only when :math:`\mu > 0`). State: ``state[i]["momentum_buffer"]``
    (v).
    """

    _options = ("lr", "momentum", "dampening", "nesterov", "weight_decay")

    def __init__(
        self,
        params,
        lr,
        momentum=0.0,
        dampening=0.0,
        nesterov=False,
        weight_decay=0.0,
        **unexpected,
    ):
        super().__init__(params, unexpected=unexpected)
        self._set_options(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            nesterov=nesterov,
            weight_decay=weight_decay,
        )

    def _check_options(self, lr, momentum, dampening, nesterov, weight_decay):
        options = {
            "lr": _check_lr(lr, "SGD"),
            "momentum": check_number(momentum, "SGD", "momentum", lo=0, hi=1, hi_open=True),
            "dampening": check_number(dampening, "SGD", "dampening", lo=0, hi=1),
            "nesterov": _check_bool(nesterov, "SGD", "nesterov"),
            "weight_decay": check_number(weight_decay, "SGD", "weight_decay", lo=0),
        }
        if options["nesterov"] and (options["momentum"] == 0 or options["dampening"] != 0):
            raise ValueError(
                "SGD: expected momentum > 0 and dampening = 0 for nesterov=True, got "
                f"momentum={options['momentum']!r}, dampening={options['dampening']!r}"
            )
        return options

    def _state_keys(self, options):
        return ("momentum_buffer",) if options["momentum"] else ()

    def update(self, g):
        mu, wd = self.momentum, self.weight_decay
        if wd:
            g = g + wd * self._flat_params()  # g <- g + wd theta (a new array: g is left as is)
        if mu:
            v = self._buffers.get("momentum_buffer")
            if v is None:
                (v,) = self._vectors("momentum_buffer")
                v += g  # v <- g on the first step
            else:
                v *= mu
                if self.dampening:
                    v += np.multiply(g, 1 - self.dampening, out=self._tmp)  # v <- mu v + (1-d) g
                else:
                    v += g  # v <- mu v + g
            g = g + mu * v if self.nesterov else v  # g <- g + mu v, or g <- v
        return np.multiply(g, self.lr, out=self._tmp)  # theta <- theta - lr g


class AdaGrad(Optimizer):
    r"""AdaGrad (``torch.optim.Adagrad``).

    Parameters
    ----------
    params : list of Parameter
    lr : float, default 0.01
        :math:`\eta \ge 0`.
    eps : float, default 1e-10
        :math:`\epsilon \ge 0`, added **outside** the square root.
    lr_decay : float, default 0
        :math:`\gamma \ge 0`: the step size at step t is :math:`\eta / (1 + (t - 1)\gamma)`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0` (L2 penalty, added to the gradient).
    initial_accumulator_value : float, default 0
        The starting value of G (``>= 0``).

    Notes
    -----
    At step t (starting at 1):

    .. math::
        g &\leftarrow g + \lambda\,\theta \\
        G &\leftarrow G + g^2 \\
        \theta &\leftarrow \theta - \frac{\eta}{1 + (t - 1)\gamma}\, g / (\sqrt{G} + \epsilon)

    State: ``state[i]["step"]`` (t) and ``state[i]["sum"]`` (G; PyTorch keeps it under the same
    name, ``sum``). The new options are keyword-only (PyTorch's order differs: ``lr, lr_decay,
    weight_decay, initial_accumulator_value, eps``).
    """

    _options = ("lr", "eps", "lr_decay", "weight_decay", "initial_accumulator_value")

    def __init__(
        self,
        params,
        lr=0.01,
        eps=1e-10,
        *,
        lr_decay=0.0,
        weight_decay=0.0,
        initial_accumulator_value=0.0,
        **unexpected,
    ):
        super().__init__(params, unexpected=unexpected)
        self._set_options(
            lr=lr,
            eps=eps,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
        )
        self.t = 0

    def _check_options(self, lr, eps, lr_decay, weight_decay, initial_accumulator_value):
        return {
            "lr": _check_lr(lr, "AdaGrad"),
            "eps": check_number(eps, "AdaGrad", "eps", lo=0),
            "lr_decay": check_number(lr_decay, "AdaGrad", "lr_decay", lo=0),
            "weight_decay": check_number(weight_decay, "AdaGrad", "weight_decay", lo=0),
            "initial_accumulator_value": check_number(
                initial_accumulator_value, "AdaGrad", "initial_accumulator_value", lo=0
            ),
        }

    def _state_keys(self, options):
        return ("step", "sum")

    def update(self, g):
        (s,) = self._vectors("sum", fill=self.initial_accumulator_value)
        self._count_step()
        if self.weight_decay:
            g = g + self.weight_decay * self._flat_params()  # g <- g + wd theta
        tmp = self._tmp
        s += np.multiply(g, g, out=tmp)  # s <- s + g^2
        np.sqrt(s, out=tmp)
        tmp += self.eps  # sqrt(s) + eps
        np.divide(g, tmp, out=tmp)
        tmp *= self.lr / (1 + (self.t - 1) * self.lr_decay)
        return tmp  # clr g / (sqrt(s) + eps)


class RMSprop(Optimizer):
    r"""RMSprop (``torch.optim.RMSprop``).

    Parameters
    ----------
    params : list of Parameter
    lr : float, default 0.01
        :math:`\eta \ge 0`.
    alpha : float, default 0.99
        :math:`\alpha \in [0, 1)`, the decay of the average of squared gradients.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added **outside** the square root.
    weight_decay : float, default 0
        :math:`\lambda \ge 0` (L2 penalty, added to the gradient).
    momentum : float, default 0
        :math:`\mu \in [0, 1)`.
    centered : bool, default False
        Divide by an estimate of the gradient's variance instead of its second moment.

    Notes
    -----
    .. math::
        g &\leftarrow g + \lambda\,\theta \\
        v &\leftarrow \alpha v + (1 - \alpha) g^2 \\
        \bar g &\leftarrow \alpha \bar g + (1 - \alpha) g,
            \quad a = \sqrt{v - \bar g^2} + \epsilon \text{ (centered)}
            \text{ or } a = \sqrt{v} + \epsilon \\
        b &\leftarrow \mu b + g / a, \quad \theta \leftarrow \theta - \eta\, b
            \text{ (momentum) or } \theta \leftarrow \theta - \eta\, g / a

    with v, :math:`\bar g` and b starting at 0. State: ``state[i]["step"]``,
    ``state[i]["square_avg"]`` (v), ``["grad_avg"]`` (:math:`\bar g`, when centered) and
    ``["momentum_buffer"]`` (b, when momentum > 0).
    """

    _options = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(
        self,
        params,
        lr=0.01,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0.0,
        momentum=0.0,
        centered=False,
        **unexpected,
    ):
        super().__init__(params, unexpected=unexpected)
        self._set_options(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
        )
        self.t = 0

    def _check_options(self, lr, alpha, eps, weight_decay, momentum, centered):
        return {
            "lr": _check_lr(lr, "RMSprop"),
            "alpha": check_number(alpha, "RMSprop", "alpha", lo=0, hi=1, hi_open=True),
            "eps": check_number(eps, "RMSprop", "eps", lo=0),
            "weight_decay": check_number(weight_decay, "RMSprop", "weight_decay", lo=0),
            "momentum": check_number(momentum, "RMSprop", "momentum", lo=0, hi=1, hi_open=True),
            "centered": _check_bool(centered, "RMSprop", "centered"),
        }

    def _state_keys(self, options):
        keys = ("step", "square_avg")
        keys += ("momentum_buffer",) if options["momentum"] else ()
        return keys + (("grad_avg",) if options["centered"] else ())

    def update(self, g):
        (v,) = self._vectors("square_avg")
        self._count_step()
        a, tmp = self.alpha, self._tmp
        if self.weight_decay:
            g = g + self.weight_decay * self._flat_params()  # g <- g + wd theta
        v *= a
        np.multiply(g, g, out=tmp)
        tmp *= 1 - a
        v += tmp  # v <- alpha v + (1 - alpha) g^2
        if self.centered:
            (g_avg,) = self._vectors("grad_avg")
            g_avg += (1 - a) * (g - g_avg)  # g_avg <- alpha g_avg + (1 - alpha) g
            np.subtract(v, g_avg * g_avg, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(v, out=tmp)
        tmp += self.eps  # a = sqrt(v) + eps, or sqrt(v - g_avg^2) + eps
        np.divide(g, tmp, out=tmp)  # g / a
        if self.momentum:
            (b,) = self._vectors("momentum_buffer")
            b *= self.momentum
            b += tmp  # b <- mu b + g / a
            np.multiply(b, self.lr, out=tmp)
        else:
            tmp *= self.lr
        return tmp  # lr g / a, or lr b


class Adam(Optimizer):
    r"""Adam with bias correction (``torch.optim.Adam``), optionally AMSGrad.

    Parameters
    ----------
    params : list of Parameter
    lr : float, default 1e-3
        :math:`\eta \ge 0`.
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`, added **outside** the square root.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`: an L2 penalty, added to the gradient (``AdamW`` decouples it).
    amsgrad : bool, default False
        Divide by the largest v seen so far instead of the current one.

    Notes
    -----
    At step t (starting at 1):

    .. math::
        g &\leftarrow g + \lambda\,\theta \\
        m &\leftarrow \beta_1 m + (1 - \beta_1)\, g \\
        v &\leftarrow \beta_2 v + (1 - \beta_2)\, g^2 \\
        v_{max} &\leftarrow \max(v_{max}, v) \text{ and } v \leftarrow v_{max}
            \text{ in the next line (AMSGrad)} \\
        \hat m &= m / (1 - \beta_1^t), \quad \hat v = v / (1 - \beta_2^t) \\
        \theta &\leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)

    eps is added **outside** the square root, as in PyTorch and the Adam paper.
    State: ``state[i]["step"]`` (t), ``state[i]["m"]``, ``state[i]["v"]`` (and
    ``state[i]["v_max"]`` with AMSGrad; PyTorch's names are ``exp_avg``, ``exp_avg_sq`` and
    ``max_exp_avg_sq``).

    The code computes the last line rearranged, with the corrections as two scalars:
    :math:`\theta \leftarrow \theta - \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}\,
    m / (\sqrt{v} + \epsilon \sqrt{1 - \beta_2^t})`, the same number up to rounding, with fewer
    passes over the parameters (chapter 7 compares it with scikit-learn's "folded" form,
    which leaves out the factor on :math:`\epsilon`).
    """

    _options = ("lr", "betas", "eps", "weight_decay", "amsgrad")
    _decoupled = False  # AdamW: weight decay applied to theta, not added to g

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        amsgrad=False,
        **unexpected,
    ):
        super().__init__(params, unexpected=unexpected)
        self._set_options(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        self.t = 0

    def _check_options(self, lr, betas, eps, weight_decay, amsgrad):
        name = type(self).__name__
        if not isinstance(betas, (tuple, list)):
            raise TypeError(f"{name}: expected betas as a pair (beta1, beta2), got {betas!r}")
        if len(betas) != 2:
            raise ValueError(f"{name}: expected betas as a pair (beta1, beta2), got {betas!r}")
        b1 = check_number(betas[0], name, "beta1 (betas[0])", lo=0, hi=1, hi_open=True)
        b2 = check_number(betas[1], name, "beta2 (betas[1])", lo=0, hi=1, hi_open=True)
        return {
            "lr": _check_lr(lr, name),
            "betas": (b1, b2),
            "eps": check_number(eps, name, "eps", lo=0),
            "weight_decay": check_number(weight_decay, name, "weight_decay", lo=0),
            "amsgrad": _check_bool(amsgrad, name, "amsgrad"),
        }

    def _state_keys(self, options):
        return ("step", "m", "v") + (("v_max",) if options["amsgrad"] else ())

    def update(self, g):
        b1, b2 = self.betas
        buffers = self._buffers
        if "v" not in buffers:  # the first step (written out: this runs on every step)
            self._vectors("m", "v")
        m, v = buffers["m"], buffers["v"]
        self._count_step()
        wd = self.weight_decay
        if wd and not self._decoupled:
            g = g + wd * self._flat_params()  # g <- g + wd theta (Adam's L2 penalty)
        t, tmp = self.t, self._tmp
        np.subtract(g, m, out=tmp)
        tmp *= 1 - b1
        m += tmp  # m <- m + (1 - b1)(g - m), which is b1 m + (1 - b1) g
        np.multiply(g, g, out=tmp)
        tmp *= 1 - b2
        v *= b2
        v += tmp  # v <- b2 v + (1 - b2) g^2
        if self.amsgrad:
            (v_max,) = self._vectors("v_max")
            v = np.maximum(v_max, v, out=v_max)  # v_max <- max(v_max, v), used as v below
        # lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t),
        # rearranged (multiplied above and below by sqrt(1 - b2^t)) to save a pass:
        #   = [lr sqrt(1 - b2^t) / (1 - b1^t)] m / (sqrt(v) + eps sqrt(1 - b2^t))
        c2 = math.sqrt(1 - b2**t)
        np.sqrt(v, out=tmp)
        tmp += self.eps * c2
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr * c2 / (1 - b1**t)
        if wd and self._decoupled:
            tmp += (self.lr * wd) * self._flat_params()  # AdamW: theta <- theta - lr wd theta
        return tmp


class AdamW(Adam):
    r"""Adam with decoupled weight decay (``torch.optim.AdamW``; Loshchilov and Hutter).

    The same options as ``Adam`` except the default ``weight_decay=1e-2``, which is applied to
    the parameters directly instead of being added to the gradient:

    .. math::
        \theta &\leftarrow \theta - \eta\lambda\,\theta \\
        \theta &\leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)

    with m, v (and :math:`v_{max}`) updated from the raw gradient g as in ``Adam``. With L2 in
    Adam, a weight with a large gradient history is decayed less (the penalty's gradient is
    divided by :math:`\sqrt{\hat v}` too); AdamW decays every weight by the same factor
    :math:`1 - \eta\lambda` per step. The code subtracts both terms at once.
    """

    _decoupled = True

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        **unexpected,
    ):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, **unexpected)


# ---------------------------------------------------------------- checks
def _check_params(params, name):
    """``params`` as a list of distinct Parameters of one dtype, or a clear error."""
    hint = "pass model.parameters() (a list of Parameters)"
    if isinstance(params, Parameter):
        raise TypeError(f"{name}: expected a list of Parameters, got a single Parameter; use [p]")
    if hasattr(params, "parameters") and callable(params.parameters):
        raise TypeError(
            f"{name}: expected a list of Parameters, got {type(params).__name__}; {hint}"
        )
    if isinstance(params, (str, bytes, dict)) or not hasattr(params, "__iter__"):
        raise TypeError(f"{name}: expected a list of Parameters, got {_short(params)}; {hint}")
    params = list(params)
    if not params:
        raise ValueError(f"{name}: expected a non-empty list of Parameters, got {params}")
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(
                f"{name}: expected Parameters, got {_short(p)} ({type(p).__name__}) at "
                f"position {i}; {hint}"
            )
    seen = {}
    for i, p in enumerate(params):
        if id(p) in seen:
            raise ValueError(
                f"{name}: parameter {i} is the same Parameter as parameter {seen[id(p)]}; "
                "pass each Parameter once (it would be stepped twice)"
            )
        seen[id(p)] = i
    dtypes = {p.data.dtype for p in params}
    if len(dtypes) > 1:
        raise TypeError(f"{name}: expected parameters of one dtype, got {sorted(map(str, dtypes))}")
    return params


def _check_lr(lr, name, what="lr (learning rate)"):
    return check_number(lr, name, what, lo=0)


def _check_bool(value, name, what):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected {what} as True or False, got {value!r}")
    return bool(value)


def _check_keys(d, expected, where, what, given=None):
    given = set(d) if given is None else given
    missing, extra = sorted(map(str, expected - given)), sorted(map(str, given - expected))
    if missing or extra:
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
            )
            if part
        )
        raise ValueError(
            f"{where}: {what}: expected keys {', '.join(sorted(map(str, expected)))}, "
            f"got {', '.join(sorted(map(str, given)))} ({detail})"
        )


def _index(index, n, where):
    if isinstance(index, str) and index.isdigit():
        index = int(index)
    if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not 0 <= index < n:
        raise ValueError(
            f"{where}: expected state indices 0 to {n - 1} ({n} parameters), got {index!r}"
        )
    return int(index)


def _step_count(value, i, where):
    try:
        step = float(np.asarray(value))
    except (TypeError, ValueError):
        step = -1.0
    if not (step >= 0 and step == int(step)):
        raise ValueError(f"{where}: expected state[{i}]['step'] as an integer >= 0, got {value!r}")
    return int(step)


def _plain(value):
    """A tuple as a list (state dicts hold lists, dicts, arrays, numbers, strings, bools)."""
    return list(value) if isinstance(value, tuple) else value


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
