"""Learning-rate schedules with ``torch.optim.lr_scheduler``'s names and semantics.

A scheduler changes ``optimizer.lr`` once per ``step()``; call ``step()`` once per epoch, after
the epoch's optimizer steps (as in PyTorch)::

    opt = nc.SGD(model.parameters(), lr=0.1)
    sched = nc.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    for epoch in range(100):
        ...                      # the epoch's opt.step() calls use opt.lr
        sched.step()             # lr for the next epoch

As in PyTorch, creating a scheduler already sets the learning rate of epoch 0 (``last_epoch``
becomes 0), the first scheduler remembers the optimizer's starting rate as
``optimizer.initial_lr`` (the schedule's ``base_lrs``), and ``get_last_lr()`` returns a list (one
entry per parameter group; nbcore optimizers have one). Each docstring gives the schedule's
closed form, the learning rate at epoch t; the code computes it as PyTorch does, from the
current ``optimizer.lr`` (its "chainable" form), so the numbers agree with PyTorch's to the last
bit, also when a schedule follows another in ``SequentialLR``.

Introduced in chapter 9 (Training deep networks in practice).
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_right
from functools import partial

from nbcore._checks import check_int, check_number
from nbcore.optimizers import Optimizer


class LRScheduler:
    """Base class: ``step()`` moves to the next epoch and sets ``optimizer.lr``.

    Attributes
    ----------
    optimizer : Optimizer
    base_lrs : list of float
        ``[optimizer.initial_lr]``: the rate the first scheduler found.
    last_epoch : int
        The epoch whose rate ``optimizer.lr`` now holds (0 after construction).
    """

    _hyper = {}  # the schedule's own arguments, saved by state_dict(): name -> check

    def _checked_hyper(self, where, **values):
        """The arguments checked as the constructor checks them (also on load_state_dict)."""
        return {key: check(values[key], where, key) for key, check in self._hyper.items()}

    def __init__(self, optimizer):
        name = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: expected an nbcore optimizer, got {optimizer!r:.60}")
        self.optimizer = optimizer
        if optimizer.initial_lr is None:
            optimizer.initial_lr = optimizer.lr
        self.base_lrs = [optimizer.initial_lr]
        self.last_epoch = -1
        self._initial_step()

    def _initial_step(self):
        """Epoch 0 (PyTorch's initial step)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def step(self):
        """Move to the next epoch: ``last_epoch += 1`` and set ``optimizer.lr`` to its rate."""
        self._step_count += 1
        self.last_epoch += 1
        self._set_lr(self._chained_lr())

    def _update_lr_at(self, epoch):
        """Jump to ``epoch`` with the closed form (``SequentialLR`` at a milestone)."""
        self.last_epoch = epoch
        self._set_lr(self._closed_form_lr())

    def _set_lr(self, lr):
        self.optimizer.lr = lr
        self._last_lr = [lr]

    def get_last_lr(self):
        """The rate set by the last ``step()``, as a list (one entry per parameter group)."""
        return list(self._last_lr)

    def _chained_lr(self):
        """The next rate from the current ``optimizer.lr`` (PyTorch's ``get_lr``)."""
        raise NotImplementedError

    def _closed_form_lr(self):
        """The rate at ``last_epoch`` from ``base_lrs`` alone."""
        raise NotImplementedError

    def state_dict(self):
        """Everything but the optimizer: the arguments, ``base_lrs``, ``last_epoch`` and the
        step counters (only numbers and lists, so ``nbcore.save`` can write it)."""
        state = {k: getattr(self, k) for k in self._hyper}
        state.update(
            base_lrs=list(self.base_lrs),
            last_epoch=self.last_epoch,
            _step_count=self._step_count,
            _last_lr=list(self._last_lr),
        )
        return state

    def load_state_dict(self, state_dict):
        """Restore ``state_dict()``'s output (checked first: nothing changes on an error).

        Like PyTorch, this does not change ``optimizer.lr``: load the optimizer's own state
        dict too (it holds the current lr)."""
        where = f"{type(self).__name__}.load_state_dict"
        checked = self._checked_state(state_dict, where)
        for key, value in checked.items():
            setattr(self, key, value)

    def _checked_state(self, state_dict, where, template=None):
        """``state_dict`` checked against ``template`` (default: ``self.state_dict()``): the
        same keys, the schedule's arguments checked as the constructor checks them, the other
        values of the same kinds (numbers, lists of numbers)."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"{where}: expected a dict from state_dict(), got {state_dict!r:.60}")
        template = self.state_dict() if template is None else template
        if set(state_dict) != set(template):
            raise ValueError(
                f"{where}: expected keys {', '.join(sorted(template))}, "
                f"got {', '.join(sorted(map(str, state_dict)))}"
            )
        checked = self._checked_hyper(where, **state_dict)  # the arguments, as in __init__
        for key, mine in template.items():
            if key in self._hyper:
                continue
            value = state_dict[key]
            if isinstance(mine, list):
                if not isinstance(value, (list, tuple)) or len(value) != len(mine):
                    raise ValueError(
                        f"{where}: expected {key} as a list of {len(mine)}, got {value!r:.60}"
                    )
                checked[key] = [_like(v, m, where, key) for v, m in zip(value, mine, strict=True)]
            else:
                checked[key] = _like(value, mine, where, key)
        return checked

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._hyper)
        return f"{type(self).__name__}({args}, last_epoch={self.last_epoch})"


class StepLR(LRScheduler):
    r"""Multiply the rate by ``gamma`` every ``step_size`` epochs
    (``torch.optim.lr_scheduler.StepLR``).

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Epochs between two decays (``>= 1``).
    gamma : float, default 0.1
        The factor (``> 0``).

    Notes
    -----
    .. math:: \eta_t = \eta_0\, \gamma^{\lfloor t / \text{step\_size} \rfloor}
    """

    _hyper = {
        "step_size": partial(check_int, lo=1),
        "gamma": partial(check_number, lo=0, lo_open=True),
    }

    def __init__(self, optimizer, step_size, gamma=0.1):
        vars(self).update(self._checked_hyper("StepLR", step_size=step_size, gamma=gamma))
        super().__init__(optimizer)

    def _chained_lr(self):
        lr, t = self.optimizer.lr, self.last_epoch
        return lr * self.gamma if t > 0 and t % self.step_size == 0 else lr

    def _closed_form_lr(self):
        return self.base_lrs[0] * self.gamma ** (self.last_epoch // self.step_size)


class ExponentialLR(LRScheduler):
    r"""Multiply the rate by ``gamma`` every epoch (``torch.optim.lr_scheduler.ExponentialLR``).

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        The factor per epoch (``> 0``).

    Notes
    -----
    .. math:: \eta_t = \eta_0\, \gamma^t
    """

    _hyper = {"gamma": partial(check_number, lo=0, lo_open=True)}

    def __init__(self, optimizer, gamma):
        vars(self).update(self._checked_hyper("ExponentialLR", gamma=gamma))
        super().__init__(optimizer)

    def _chained_lr(self):
        return self.optimizer.lr if self._is_initial else self.optimizer.lr * self.gamma

    def _closed_form_lr(self):
        return self.base_lrs[0] * self.gamma**self.last_epoch


class CosineAnnealingLR(LRScheduler):
    r"""Cosine decay from the starting rate to ``eta_min`` in ``T_max`` epochs
    (``torch.optim.lr_scheduler.CosineAnnealingLR``, without restarts).

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Epochs of the half cosine (``>= 1``).
    eta_min : float, default 0.0
        The rate at epoch ``T_max`` (``>= 0``).

    Notes
    -----
    .. math::
        \eta_t = \eta_{min} + (\eta_0 - \eta_{min})\, \frac{1 + \cos(\pi t / T_{max})}{2}

    After ``T_max`` the formula goes on, so the rate rises again (as in PyTorch): stop
    stepping, or use ``SequentialLR``. The code uses PyTorch's recursive form,
    :math:`\eta_t - \eta_{min} = (\eta_{t-1} - \eta_{min})
    \frac{1 + \cos(\pi t / T_{max})}{1 + \cos(\pi (t - 1) / T_{max})}`, with the closed form's
    increment at the bottom of each cycle, where that ratio would be 0 / 0.
    """

    _hyper = {"T_max": partial(check_int, lo=1), "eta_min": partial(check_number, lo=0)}

    def __init__(self, optimizer, T_max, eta_min=0.0):
        checked = self._checked_hyper("CosineAnnealingLR", T_max=T_max, eta_min=eta_min)
        vars(self).update(checked)
        super().__init__(optimizer)

    def _chained_lr(self):
        lr, t, T, low = self.optimizer.lr, self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return lr
        if (t - 1 - T) % (2 * T) == 0:  # leaving the bottom: cos(pi (t-1) / T) = -1
            return lr + (self.base_lrs[0] - low) * (1 - math.cos(math.pi / T)) / 2
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return ratio * (lr - low) + low

    def _closed_form_lr(self):
        low, t = self.eta_min, self.last_epoch
        return low + (self.base_lrs[0] - low) * (1 + math.cos(math.pi * t / self.T_max)) / 2


class LinearLR(LRScheduler):
    r"""Linear warm-up: scale the rate from ``start_factor`` to ``end_factor`` in ``total_iters``
    epochs, then keep it (``torch.optim.lr_scheduler.LinearLR``).

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float, default 1/3
        In (0, 1].
    end_factor : float, default 1.0
        In [0, 1].
    total_iters : int, default 5
        Epochs to go from one factor to the other (``>= 1``).

    Notes
    -----
    .. math::
        \eta_t = \eta_0 \Big(s + (e - s) \frac{\min(t, T)}{T}\Big)

    with s the start factor, e the end factor and T ``total_iters``. The code uses PyTorch's
    recursive form, :math:`\eta_t = \eta_{t-1} \big(1 + \frac{e - s}{T s + (t - 1)(e - s)}\big)`
    for :math:`1 \le t \le T`.
    """

    _hyper = {
        "start_factor": partial(check_number, lo=0, hi=1, lo_open=True),
        "end_factor": partial(check_number, lo=0, hi=1),
        "total_iters": partial(check_int, lo=1),
    }

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
        checked = self._checked_hyper(
            "LinearLR", start_factor=start_factor, end_factor=end_factor, total_iters=total_iters
        )
        vars(self).update(checked)
        super().__init__(optimizer)

    def _chained_lr(self):
        lr, t, s, e = self.optimizer.lr, self.last_epoch, self.start_factor, self.end_factor
        if t == 0:
            return lr * s
        if self._is_initial or t > self.total_iters:
            return lr
        return lr * (1.0 + (e - s) / (self.total_iters * s + (t - 1) * (e - s)))

    def _closed_form_lr(self):
        s, e, T = self.start_factor, self.end_factor, self.total_iters
        return self.base_lrs[0] * (s + (e - s) * min(T, self.last_epoch) / T)


class SequentialLR(LRScheduler):
    r"""One schedule after another (``torch.optim.lr_scheduler.SequentialLR``).

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer of every scheduler in ``schedulers``.
    schedulers : list of LRScheduler
        Created (in this order) on ``optimizer`` just before this one.
    milestones : list of int
        ``len(schedulers) - 1`` increasing epochs (``>= 1``): scheduler k runs from
        ``milestones[k - 1]`` on, restarted at its own epoch 0.

    Notes
    -----
    Warm-up then cosine, the usual pair: with :math:`\eta_0` the optimizer's rate, W warm-up
    epochs and T cosine epochs::

        warmup = LinearLR(opt, start_factor=0.1, total_iters=W)
        cosine = CosineAnnealingLR(opt, T_max=T)
        sched = SequentialLR(opt, [warmup, cosine], milestones=[W])

    gives :math:`\eta_t = \eta_0 (0.1 + 0.9\, t / W)` for :math:`t < W`, then
    :math:`\eta_t = \frac{\eta_0}{2} (1 + \cos(\pi (t - W) / T))`.
    """

    def __init__(self, optimizer, schedulers, milestones):
        name = "SequentialLR"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: expected an nbcore optimizer, got {optimizer!r:.60}")
        schedulers = _check_schedulers(schedulers, optimizer, name)
        self._milestones = _check_milestones(milestones, len(schedulers), name)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self.base_lrs = [optimizer.initial_lr]
        self.last_epoch = 0
        # as PyTorch: back to the starting rate, undo the sub-schedulers' initial steps, and
        # run the first scheduler's epoch 0
        optimizer.lr = optimizer.initial_lr
        for s in schedulers:
            s.last_epoch -= 1
        schedulers[0]._initial_step()
        self._step_count = 1
        self._last_lr = schedulers[0].get_last_lr()

    def step(self):
        """Next epoch: the scheduler in charge steps (restarting at its epoch 0 at a milestone)."""
        self._step_count += 1
        self.last_epoch += 1
        k = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[k]
        if k > 0 and self._milestones[k - 1] == self.last_epoch:
            scheduler._update_lr_at(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        """The sequence's own state and each scheduler's ``state_dict()`` (a list)."""
        return {
            "_milestones": list(self._milestones),
            "base_lrs": list(self.base_lrs),
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "_last_lr": list(self._last_lr),
            "_schedulers": [s.state_dict() for s in self._schedulers],
        }

    def load_state_dict(self, state_dict):
        """Restore ``state_dict()``'s output, the sub-schedulers' too (all checked first)."""
        where = "SequentialLR.load_state_dict"
        if not isinstance(state_dict, dict):
            raise TypeError(f"{where}: expected a dict from state_dict(), got {state_dict!r:.60}")
        inner = state_dict.get("_schedulers")
        if not isinstance(inner, (list, tuple)) or len(inner) != len(self._schedulers):
            raise ValueError(
                f"{where}: expected _schedulers as a list of {len(self._schedulers)} "
                f"scheduler states, got {inner!r:.60}"
            )
        template = self.state_dict()
        del template["_schedulers"]
        own = {k: v for k, v in state_dict.items() if k != "_schedulers"}
        checked = self._checked_state(own, where, template)
        _check_milestones(checked["_milestones"], len(inner), where)
        parts = [s._checked_state(d, where) for s, d in zip(self._schedulers, inner, strict=True)]
        for obj, values in zip([self, *self._schedulers], [checked, *parts], strict=True):
            for key, value in values.items():
                setattr(obj, key, value)

    def __repr__(self):
        return (
            f"SequentialLR({self._schedulers!r}, milestones={self._milestones}, "
            f"last_epoch={self.last_epoch})"
        )


def _like(value, mine, where, key):
    """``value`` checked to be a number of the same kind as ``mine`` (int or float)."""
    if isinstance(mine, numbers.Integral):
        return check_int(value, where, key, lo=-1)
    return check_number(value, where, key)


def _check_schedulers(schedulers, optimizer, name):
    if not isinstance(schedulers, (list, tuple)):
        raise TypeError(
            f"{name}: expected schedulers as a list of schedulers, got {schedulers!r:.60}"
        )
    if not schedulers:
        raise ValueError(f"{name}: expected a non-empty list of schedulers, got []")
    for i, s in enumerate(schedulers):
        if not isinstance(s, LRScheduler) or isinstance(s, SequentialLR):
            given = (
                f"the class {s.__name__} (create it first)" if isinstance(s, type) else f"{s!r:.60}"
            )
            raise TypeError(
                f"{name}: expected schedulers such as LinearLR or CosineAnnealingLR, "
                f"got {given} at position {i}"
            )
        if s.optimizer is not optimizer:
            raise ValueError(
                f"{name}: expected every scheduler on the optimizer given to {name}, "
                f"got scheduler {i} ({type(s).__name__}) on another optimizer"
            )
    return list(schedulers)


def _check_milestones(milestones, n_schedulers, name):
    if not isinstance(milestones, (list, tuple)):
        raise TypeError(f"{name}: expected milestones as a list of ints, got {milestones!r:.60}")
    if len(milestones) != n_schedulers - 1:
        raise ValueError(
            f"{name}: expected one scheduler more than milestones, got {n_schedulers} "
            f"scheduler(s) and milestones {list(milestones)}"
        )
    values = [check_int(m, name, "each milestone", lo=1) for m in milestones]
    if any(b <= a for a, b in zip(values[:-1], values[1:], strict=True)):
        raise ValueError(f"{name}: expected increasing milestones, got {list(milestones)}")
    return values
