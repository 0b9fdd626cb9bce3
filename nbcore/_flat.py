"""A model's parameters stored end to end in one flat vector (a performance detail).

A reader can skip this module: nothing in the formulas depends on it.

``Sequential`` calls ``FlatStore(parameters)`` once. Afterwards every ``Parameter.data`` and
``Parameter.grad`` of the model is a *view* into one of two flat vectors (values, gradients), so
an optimizer updates all parameters with a handful of NumPy calls instead of a handful per
parameter, and ``zero_grad`` is a single call. Layers still read and write ``W.data`` and
``W.grad`` in place, exactly as before.

If a parameter is later given a new array (``layer.W.data = ...``), the views are no longer the
parameter's arrays: ``intact()`` then returns False and the optimizers fall back to copying the
gradients into a vector of their own, so the result is the same, only a little slower.

Copies: ``copy.deepcopy`` and ``pickle`` cannot keep a view a view (each array is copied on its
own). So a store copies only its list of parameters, and packs the copies again into new flat
vectors the first time it is used (``intact()``); a copied or unpickled model and its optimizer
then share new flat vectors, exactly as the originals do.
"""

from __future__ import annotations

from operator import attrgetter, is_

import numpy as np

_data, _grad = attrgetter("data"), attrgetter("grad")


class FlatStore:
    """Values and gradients of ``params`` in two flat vectors ``data`` and ``grad``.

    Parameters
    ----------
    params : list of Parameter
        Distinct parameters of one dtype. Their current values and gradients are copied in, then
        each ``.data`` / ``.grad`` is replaced by a view of the same shape and memory order
        (``memory_order``) into the vectors.
    """

    def __init__(self, params):
        self.params = list(params)
        self._pack()

    def _pack(self):
        """Copy every value and gradient into new flat vectors; make the parameters views."""
        dtype = self.params[0].data.dtype
        total = sum(p.data.size for p in self.params)
        self.data = np.empty(total, dtype)
        self.grad = np.empty(total, dtype)
        self._datas, self._grads = [], []  # the views of each parameter
        start = 0
        for p in self.params:
            end = start + p.data.size
            order = memory_order(p.data)  # keep each parameter's layout (Dense W: "F")
            data = self.data[start:end].reshape(p.data.shape, order=order)
            grad = self.grad[start:end].reshape(p.data.shape, order=order)
            data[...], grad[...] = p.data, p.grad
            p.data, p.grad, p._store = data, grad, self
            self._datas.append(data)
            self._grads.append(grad)
            start = end
        self._copied = False

    def intact(self):
        """True while every parameter still uses its views (no new array was assigned).

        A copied store (``copy.deepcopy``, ``pickle``) first packs its parameters again, so its
        views are always views of its own vectors (a view's ``base`` never changes). Runs before
        every optimizer step, so it is written with ``map`` (the loops run in C):
        ``p.data is data`` for every parameter, then the same for ``grad``."""
        if self._copied:
            self._repack()
        params = self.params
        return all(map(is_, map(_data, params), self._datas)) and all(
            map(is_, map(_grad, params), self._grads)
        )

    def _repack(self):
        """Pack the copied parameters, unless one now belongs to another store."""
        if all(getattr(p, "_store", None) is self for p in self.params):
            self._pack()
        else:  # never intact again: the optimizers use their unpacked path
            self._copied, self._datas, self._grads = False, [], []

    def __getstate__(self):
        return {"params": self.params}  # the copies of the views are not views: repack

    def __setstate__(self, state):
        self.params = state["params"]  # maybe not filled in yet (pickle's order): pack later
        self.data = self.grad = None
        self._datas, self._grads = [], []
        self._copied = True


def memory_order(arr):
    """``"F"`` for an array stored column by column (Fortran order), else ``"C"``.

    ``Dense`` stores W that way (see its docstring). Flat vectors keep each parameter's order, so
    ``vec.reshape(shape, order=memory_order(arr))`` is a view laid out like ``arr``.
    """
    return "F" if arr.ndim > 1 and arr.flags.f_contiguous and not arr.flags.c_contiguous else "C"


def zero_grads(params, store):
    """Set every gradient of ``params`` to zero: one call on the flat vector when ``store``
    (their live FlatStore) is given, else parameter by parameter."""
    if store is not None:
        store.grad[...] = 0
    else:
        for p in params:
            p.zero_grad()


def can_pack(params):
    """Whether ``params`` (a list) can share one store: non-empty, distinct, one dtype."""
    return (
        len(params) > 0
        and len({id(p) for p in params}) == len(params)
        and len({p.data.dtype for p in params}) == 1
    )


def store_of(params):
    """The FlatStore holding exactly ``params`` in this order, still intact; else None."""
    store = getattr(params[0], "_store", None) if params else None
    if store is None or store.params != params or not store.intact():
        return None
    return store
