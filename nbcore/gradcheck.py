"""Gradient checking with centred differences.

Introduced in chapter 5 (Backpropagation).
"""

from __future__ import annotations

import inspect

import numpy as np

from nbcore._checks import as_float_array, check_number


def numerical_gradient(f, x, eps=1e-6):
    r"""The gradient of a scalar function ``f`` at ``x`` by centred differences.

    .. math::
        \frac{\partial f}{\partial x_i}
        \approx \frac{f(x + \epsilon e_i) - f(x - \epsilon e_i)}{2\epsilon}

    The error is :math:`O(\epsilon^2)`. ``x`` (a float64 array) is perturbed **in place**, one
    entry at a time, and restored; so ``f`` may read ``x`` directly (e.g. ``x`` is ``W.data``).

    Parameters
    ----------
    f : callable () -> float, or (x) -> float
        Called with no argument if it takes none, else with ``x``.
    x : ndarray of any shape
    eps : float

    Returns
    -------
    ndarray of ``x.shape``
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(
            f"numerical_gradient: expected x as a float ndarray, got {type(x).__name__}"
        )
    eps = check_number(eps, "numerical_gradient", "eps", lo=0, lo_open=True)
    call = _caller(f, x)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):  # every index tuple (i, j, ...) of x
        old = x[i]
        x[i] = old + eps
        f_plus = call()
        x[i] = old - eps
        f_minus = call()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _caller(f, x):
    """``f`` itself if it takes no argument, else ``lambda: f(x)``."""
    if not callable(f):
        raise TypeError(f"numerical_gradient: expected f to be callable, got {f!r}")
    try:
        takes_x = len(inspect.signature(f).parameters) > 0
    except (TypeError, ValueError):  # builtins without a signature
        takes_x = True
    return (lambda: f(x)) if takes_x else f


def relative_error(analytic, numeric):
    r"""The relative error :math:`\lVert a - n \rVert / (\lVert a \rVert + \lVert n \rVert)`.

    0 when both are zero. Around 1e-9 or smaller means a correct gradient in float64; above 1e-5,
    a bug (or a kink of ReLU/abs inside the ``eps`` window).
    """
    a = as_float_array(analytic, "relative_error", "analytic")
    n = as_float_array(numeric, "relative_error", "numeric")
    if a.shape != n.shape:
        raise ValueError(f"relative_error: expected numeric of shape {a.shape}, got {n.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / denom) if denom > 0 else 0.0


def gradcheck(f, x, grad, eps=1e-6):
    """Compare an analytic gradient with centred differences; returns the relative error.

    Parameters
    ----------
    f : callable () -> float or (x) -> float
        The scalar function (e.g. the loss), reading ``x``.
    x : ndarray
        The point (perturbed in place and restored).
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
    return relative_error(grad, numerical_gradient(f, x, eps))


def gradcheck_model(model, loss_fn, X, Y, eps=1e-6):
    """Check every parameter gradient of ``model`` under ``loss_fn`` on one batch.

    Runs one forward and backward pass (after ``zero_grad``), then compares each ``.grad`` with
    centred differences of the loss. Returns the largest relative error over all parameters.
    Use float64, no Dropout (or ``model.eval()``), and inputs away from ReLU kinks.
    """
    model.zero_grad()
    loss_fn.forward(model.forward(X), Y)
    model.backward(loss_fn.backward())

    def loss():
        return loss_fn.forward(model.forward(X), Y)

    worst = 0.0
    for p in model.parameters():
        worst = max(worst, gradcheck(loss, p.data, p.grad.copy(), eps))
    return worst
