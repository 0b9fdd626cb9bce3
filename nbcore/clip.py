"""Gradient clipping, as ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``.

Both change every ``Parameter.grad`` in place (keeping its dtype) between ``backward`` and the
optimizer's ``step``::

    model.backward(loss_fn.backward())
    nc.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()

Introduced in chapter 9 (Training deep networks in practice).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from nbcore._checks import check_number
from nbcore.layers import Parameter


def clip_grad_norm_(params, max_norm, norm_type=2.0, error_if_nonfinite=False):
    r"""Scale all gradients together so that their total norm is at most ``max_norm``.

    Parameters
    ----------
    params : list of Parameter, or one Parameter
        Usually ``model.parameters()``.
    max_norm : float
        The largest total norm allowed (``>= 0``).
    norm_type : float, default 2.0
        p of the p-norm (any p > 0), or ``math.inf`` for the largest absolute value.
    error_if_nonfinite : bool, default False
        Raise ``ValueError`` (PyTorch: ``RuntimeError``) when the total norm is NaN or inf,
        instead of scaling by it.

    Returns
    -------
    float
        The total norm of the gradients **before** clipping.

    Notes
    -----
    The total norm is the norm of the per-parameter norms (which is the norm of all gradient
    entries together), then every gradient is multiplied by one coefficient:

    .. math::
        N = \Big\lVert \big(\lVert g_1 \rVert_p, \dots, \lVert g_k \rVert_p\big) \Big\rVert_p,
        \qquad c = \min\Big(1, \frac{\text{max\_norm}}{N + 10^{-6}}\Big),
        \qquad g_i \leftarrow c\, g_i

    so the direction of the whole gradient is kept; only its length shrinks. For
    :math:`p = \infty` the norm is :math:`\max_j |g_j|`. The :math:`10^{-6}` and the clamp at 1
    are PyTorch's (a gradient already short enough is multiplied by exactly 1).
    """
    where = "clip_grad_norm_"
    params = _check_params(params, where)
    max_norm = check_number(max_norm, where, "max_norm", lo=0)
    p = _check_norm_type(norm_type, where)
    if not isinstance(error_if_nonfinite, (bool, np.bool_)):
        raise TypeError(
            f"{where}: expected error_if_nonfinite as True or False, got {error_if_nonfinite!r}"
        )
    if not params:
        return 0.0
    norms = np.array([_vector_norm(q.grad, p) for q in params])
    total = _vector_norm(norms, p)  # in the gradients' dtype (float32 stays float32)
    if error_if_nonfinite and not np.isfinite(total):
        raise ValueError(
            f"{where}: the total norm of order {norm_type} of the gradients is {float(total)}, "
            "so it cannot be clipped (set error_if_nonfinite=False to scale by it anyway)"
        )
    coef = min(max_norm / (total + total.dtype.type(1e-6)), 1.0)  # c = min(1, max / (N + 1e-6))
    for q in params:
        q.grad *= coef  # in place: q.grad keeps its dtype and stays the same array
    return float(total)


def clip_grad_value_(params, clip_value):
    r"""Clip every gradient entry to ``[-clip_value, clip_value]``, in place.

    Parameters
    ----------
    params : list of Parameter, or one Parameter
    clip_value : float
        The largest absolute value allowed (``>= 0``).

    Notes
    -----
    .. math:: g_j \leftarrow \min(\max(g_j, -c), c)

    Unlike ``clip_grad_norm_``, this changes the gradient's direction when some entries are
    clipped and others are not. NaN stays NaN (as in PyTorch). Returns None.
    """
    where = "clip_grad_value_"
    params = _check_params(params, where)
    c = check_number(clip_value, where, "clip_value", lo=0)
    for q in params:
        np.clip(q.grad, -c, c, out=q.grad)


def _vector_norm(x, p):
    """The p-norm of all entries of x, in x's dtype: (sum |x|^p)^(1/p), or max |x| for inf."""
    a = np.abs(x).ravel()
    if a.size == 0:
        return a.dtype.type(0)
    if p == math.inf:
        return a.max()
    if p == 2:
        return np.sqrt(np.dot(a, a))
    if p == 1:
        return a.sum()
    return np.sum(a**p) ** (1 / p)


def _check_params(params, where):
    if isinstance(params, Parameter):
        return [params]
    if isinstance(params, (str, bytes, dict)) or not hasattr(params, "__iter__"):
        raise TypeError(f"{where}: expected Parameters (model.parameters()), got {params!r:.60}")
    if hasattr(params, "parameters") and callable(params.parameters):
        raise TypeError(
            f"{where}: expected Parameters, got {type(params).__name__}; pass model.parameters()"
        )
    params = list(params)
    for i, q in enumerate(params):
        if not isinstance(q, Parameter):
            raise TypeError(
                f"{where}: expected Parameters (model.parameters()), got {q!r:.60} "
                f"({type(q).__name__}) at position {i}"
            )
    return params


def _check_norm_type(norm_type, where):
    if isinstance(norm_type, str) and norm_type.lower() == "inf":
        return math.inf
    if isinstance(norm_type, bool) or not isinstance(norm_type, numbers.Real):
        raise TypeError(
            f"{where}: expected norm_type as a number > 0 or math.inf, got {norm_type!r}"
        )
    if not norm_type > 0:  # also refuses NaN
        raise ValueError(f"{where}: expected norm_type > 0 or math.inf, got {norm_type!r}")
    return float(norm_type)
