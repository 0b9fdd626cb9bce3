"""Gradient checking with centred differences.

Centred differences with ``eps = 1e-6`` need float64: float32 resolves only about 7 significant
digits, so ``f(x + eps) - f(x - eps)`` would be mostly rounding error (a correct float32 model
reports an "error" near 0.3). ``numerical_gradient`` therefore evaluates ``f`` at a float64 copy
of a float32 or float16 ``x``, and ``gradcheck_model`` refuses a model that is not float64.

Introduced in chapter 5 (Backpropagation).
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np

from nbcore._checks import as_float_array, check_number
from nbcore.training import check_data, check_loss, check_model


def numerical_gradient(f, x, eps=1e-6):
    r"""The gradient of a scalar function ``f`` at ``x`` by centred differences.

    .. math::
        \frac{\partial f}{\partial x_i}
        \approx \frac{f(x + \epsilon e_i) - f(x - \epsilon e_i)}{2\epsilon}

    The error is :math:`O(\epsilon^2)`. A float64 ``x`` is perturbed **in place**, one entry at a
    time, and restored (even when ``f`` raises); so ``f`` may read ``x`` directly (e.g. ``x`` is
    ``W.data``). A float32 or float16 ``x`` is too coarse for ``eps = 1e-6``: ``f`` must then take
    ``x`` as its argument, and is called with a float64 copy (``x`` itself is left untouched).

    Parameters
    ----------
    f : callable () -> float, or (x) -> float
        Called with no argument if it takes none, else with ``x``. It must return one finite real
        number (a float, or an array holding one value).
    x : ndarray of floats, any shape, without NaN
    eps : float > 0

    Returns
    -------
    ndarray of ``x.shape`` (float64)

    Examples
    --------
    >>> import numpy as np, nbcore as nc
    >>> nc.numerical_gradient(lambda v: float(np.sum(v**3)), np.array([1.0, 2.0])).round(6)
    array([ 3., 12.])
    """
    return _numerical_gradient(f, x, eps, "numerical_gradient")


def _numerical_gradient(f, x, eps, where):
    """``numerical_gradient``, with errors naming ``where`` (the public function called)."""
    x = _check_x(x, where)
    eps = _check_eps(eps, where)
    takes_x = _takes_x(f, where)
    if x.dtype == np.float64 and x.flags.writeable:
        point = x  # perturbed in place: f may read x itself
    elif takes_x:
        point = x.astype(np.float64)  # f(x) is evaluated at a float64 copy
    else:
        raise TypeError(
            f"{where}: expected f taking x when x is {_kind(x)}, got f taking no argument: f "
            f"reads x itself, which cannot hold the float64 perturbations; write f(x)"
        )
    call = (lambda: f(point)) if takes_x else f
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):  # every index tuple (i, j, ...) of x
        old = point[i]
        try:
            point[i] = old + eps
            f_plus = _scalar(call(), where)
            point[i] = old - eps
            f_minus = _scalar(call(), where)
        finally:
            point[i] = old  # restored even when f raises
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _kind(x):
    return "read-only" if x.dtype == np.float64 else str(x.dtype)


def _check_x(x, where):
    """x as a float ndarray without NaN (it is perturbed in place, so not a list)."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        got = f"dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"{where}: expected x as a float ndarray, got {got}")
    return as_float_array(x, where, "x")


def _check_eps(eps, where):
    eps = check_number(eps, where, "eps", lo=0, lo_open=True)
    if eps == np.inf:
        raise ValueError(f"{where}: expected a finite eps > 0, got {eps}")
    return eps


def _takes_x(f, where):
    """Whether f takes x (one argument) or nothing; anything else is a TypeError."""
    if not callable(f) or isinstance(f, type):
        raise TypeError(f"{where}: expected f as a function () -> float or (x) -> float, got {f!r}")
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):  # builtins without a signature: assume f(x)
        return True
    required = [
        p
        for p in params
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if len(required) > 1:
        raise TypeError(
            f"{where}: expected f taking x or no argument, got f with {len(required)} required "
            f"arguments ({', '.join(p.name for p in required)})"
        )
    return len(required) == 1 or any(p.kind == p.VAR_POSITIONAL for p in params)


def _scalar(value, where):
    """f's result as a float: one finite real number, else a clear error."""
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, np.generic) and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
        raise TypeError(
            f"{where}: expected f to return one real number (a scalar loss), "
            f"got {type(value).__name__}{shape}: {value!r}"[:300]
        )
    if not np.isfinite(value):
        raise ValueError(f"{where}: expected f to return a finite number, got {value}")
    return float(value)


def relative_error(analytic, numeric):
    r"""The relative error :math:`\lVert a - n \rVert / (\lVert a \rVert + \lVert n \rVert)`.

    0 when both are zero. Around 1e-9 or smaller means a correct gradient in float64; above 1e-5,
    a bug (or a kink of ReLU/abs inside the ``eps`` window).
    """
    a = _finite(analytic, "relative_error", "analytic")
    n = _finite(numeric, "relative_error", "numeric")
    if a.shape != n.shape:
        raise ValueError(f"relative_error: expected numeric of shape {a.shape}, got {n.shape}")
    return _relative_error(a, n)


def _relative_error(a, n):
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / denom) if denom > 0 else 0.0


def _finite(values, where, name):
    arr = as_float_array(values, where, name)
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{where}: expected finite {name}, got {int(np.sum(np.isinf(arr)))} inf")
    return arr.astype(np.float64, copy=False)


def gradcheck(f, x, grad, eps=1e-6):
    """Compare an analytic gradient with centred differences; returns the relative error.

    Parameters
    ----------
    f : callable () -> float or (x) -> float
        The scalar function (e.g. the loss), reading ``x``.
    x : ndarray
        The point (perturbed in place and restored; see :func:`numerical_gradient`).
    grad : ndarray of ``x.shape``
        The analytic gradient df/dx to check.

    Returns
    -------
    float
        ``relative_error(grad, numerical_gradient(f, x, eps))``.

    Examples
    --------
    >>> import numpy as np, nbcore as nc
    >>> z = np.array([-1.0, 0.5, 2.0])
    >>> nc.gradcheck(lambda: nc.sigmoid(z).sum(), z, nc.sigmoid_grad(z)) < 1e-9
    True
    """
    where = "gradcheck"
    x = _check_x(x, where)
    grad = _finite(grad, where, "grad (the analytic gradient)")
    if grad.shape != x.shape:
        raise ValueError(
            f"{where}: expected grad (the analytic gradient) of x's shape {x.shape}, "
            f"got {grad.shape}"
        )
    return _relative_error(grad, _numerical_gradient(f, x, eps, where))


def gradcheck_model(model, loss_fn, X, Y, eps=1e-6):
    """Check every parameter gradient of ``model`` under ``loss_fn`` on one batch.

    Runs one forward and backward pass (after zeroing the gradients), then compares each
    ``.grad`` with centred differences of the loss. Returns the largest relative error over all
    parameters. The model must be float64 (see the module's docstring); use no Dropout (or
    ``model.eval()``), and inputs away from ReLU kinks.

    Parameters
    ----------
    model : Sequential (or MLP)
    loss_fn : Loss
        A loss object, such as ``nc.MSELoss()``.
    X : ndarray of shape (m, n0)
    Y : targets as ``loss_fn`` expects them
    eps : float > 0

    Returns
    -------
    float
    """
    where = "gradcheck_model"
    params = _float64_parameters(check_model(model, where), where)
    check_loss(loss_fn, where)
    X, Y = check_data(X, Y, where)
    eps = _check_eps(eps, where)
    for p in params:
        p.zero_grad()
    loss_fn.forward(model.forward(X), Y)
    model.backward(loss_fn.backward())

    def loss():
        return loss_fn.forward(model.forward(X), Y)

    worst = 0.0
    for p in params:
        numeric = _numerical_gradient(loss, p.data, eps, where)
        worst = max(worst, _relative_error(p.grad.copy(), numeric))
    return worst


def _float64_parameters(model, where):
    params = model.parameters()
    if not params:
        raise ValueError(f"{where}: expected a model with parameters, got none in {model!r}")
    dtypes = sorted({str(p.data.dtype) for p in params} - {"float64"})
    if dtypes:
        raise TypeError(
            f"{where}: expected a float64 model, got parameters of dtype {', '.join(dtypes)}: "
            "centred differences with eps = 1e-6 need float64 (float32 keeps about 7 digits, so "
            "f(w + eps) - f(w - eps) is mostly rounding error); build the model with "
            "dtype=np.float64 to check its gradients"
        )
    return params
