"""Input checks shared by every module.

Each check raises ``TypeError`` (wrong kind of object) or ``ValueError`` (wrong shape, NaN, out of
range) with a message that names the function, what it expected and what it was given, for example
``Dense.forward: expected X of shape (m, 3), got (4, 2)``. NumPy broadcasting is never used to
"fix" a wrong shape.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, where: str, name: str = "x", dtype=None, nan_check=True) -> np.ndarray:
    """Return ``x`` as a floating-point ndarray, rejecting what cannot be one.

    float32 and float64 arrays keep their dtype (no copy); integers and booleans become float64,
    or ``dtype`` when it is given. Strings, objects and None raise; so does NaN unless
    ``nan_check`` is False (layers inside a network skip that scan: NaN is checked where data
    enter, in ``Dense.forward`` and in the losses).
    """
    if type(x) is np.ndarray and x.dtype.char in "fd" and (dtype is None or x.dtype == dtype):
        arr = x  # the common case, kept cheap: it runs on every layer call
    else:
        arr = _to_array(x, where, name, dtype)
    if nan_check and arr.size and has_nan(arr):
        raise ValueError(
            f"{where}: expected {name} without NaN, got {int(np.isnan(arr).sum())} NaN"
        )
    return arr


def has_nan(arr: np.ndarray) -> bool:
    """Whether a non-empty float array holds a NaN: one reduction, no temporary array.

    ``min`` propagates NaN, and NaN is the only value not equal to itself.
    """
    low = arr.min()
    return low != low


def _to_array(x, where, name, dtype):
    if x is None:
        raise TypeError(f"{where}: expected {name} as an array of numbers, got None")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{where}: expected {name} as an array of numbers, got {x!r}") from err
    if arr.dtype.kind not in "fiub":
        raise TypeError(
            f"{where}: expected {name} as an array of numbers, got dtype {arr.dtype} "
            f"({type(x).__name__})"
        )
    if dtype is not None:
        return arr.astype(dtype, copy=False)
    if arr.dtype.kind != "f" or arr.dtype.itemsize < 4:
        return arr.astype(np.float64)
    return arr


def check_matrix(x, where: str, name: str = "X", n_cols: int | None = None, dtype=None):
    """Return ``x`` as a float array of shape ``(m, n_cols)`` with ``m >= 1``.

    A 1-D input is an error, never silently read as a row or a column.
    """
    arr = as_float_array(x, where, name, dtype)
    cols = "n" if n_cols is None else n_cols
    if arr.ndim != 2:
        raise ValueError(
            f"{where}: expected {name} of shape (m, {cols}) with samples as rows, got {arr.shape}"
            + (" (a single sample must be passed as shape (1, n))" if arr.ndim == 1 else "")
        )
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(f"{where}: expected {name} of shape (m, {n_cols}), got {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(
            f"{where}: expected a non-empty batch (m >= 1), got {name} of shape {arr.shape}"
        )
    return arr


def check_same_shape(a: np.ndarray, b: np.ndarray, where: str, names=("pred", "target")) -> None:
    """Raise unless ``a`` and ``b`` have exactly the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{where}: expected {names[1]} of the same shape as {names[0]} {a.shape}, got {b.shape}"
        )


def check_nonempty(a: np.ndarray, where: str, name: str = "pred") -> None:
    """Raise on an empty batch."""
    if a.size == 0 or (a.ndim >= 1 and a.shape[0] == 0):
        raise ValueError(f"{where}: expected a non-empty batch, got {name} of shape {a.shape}")


def check_range(a: np.ndarray, lo: float, hi: float, where: str, name: str) -> None:
    """Raise unless every entry of ``a`` lies in ``[lo, hi]`` (NaN lies in no interval)."""
    if a.size and not (a.min() >= lo and a.max() <= hi):  # False for NaN: min and max are NaN
        n_nan = int(np.isnan(a).sum())
        if n_nan:
            raise ValueError(f"{where}: expected {name} without NaN, got {n_nan} NaN")
        raise ValueError(
            f"{where}: expected {name} in [{lo}, {hi}], got values from {a.min():g} to {a.max():g}"
        )


def check_number(value, where: str, name: str, lo=None, hi=None, lo_open=False, hi_open=False):
    """Return ``value`` as a float after checking it is a real number in the given interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: expected {name} as a real number, got {value!r}")
    value = float(value)
    below = lo is not None and (value <= lo if lo_open else value < lo)
    above = hi is not None and (value >= hi if hi_open else value > hi)
    if below or above or value != value:
        if lo is None and hi is None:  # only NaN lands here
            expected = f"{name} as a number, not NaN"
        elif hi is None:
            expected = f"{name} {'>' if lo_open else '>='} {lo}"
        else:
            left, right = ("(" if lo_open else "["), (")" if hi_open else "]")
            expected = f"{name} in {left}{'-inf' if lo is None else lo}, {hi}{right}"
        raise ValueError(f"{where}: expected {expected}, got {value!r}")
    return value


def check_int(value, where: str, name: str, lo: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer ``>= lo``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: expected {name} as an integer >= {lo}, got {value!r}")
    if value < lo:
        raise ValueError(f"{where}: expected {name} >= {lo}, got {value}")
    return int(value)


def check_labels(y, k: int | None, where: str, name: str = "y") -> np.ndarray:
    """Return integer class labels of shape ``(m,)`` with values in ``[0, k)``."""
    if type(y) is np.ndarray and y.dtype.kind in "iu" and y.ndim == 1 and y.size:
        if k is None or (y.min() >= 0 and y.max() < k):
            return y  # the common case: two reductions
    if y is None:
        raise TypeError(f"{where}: expected {name} as integer labels, got None")
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError) as err:  # ragged lists
        raise TypeError(f"{where}: expected {name} as integer class labels, got {y!r}") from err
    if arr.size == 0:  # before the dtype: np.asarray([]) is float64
        raise ValueError(f"{where}: expected a non-empty batch, got an empty {name} {arr.shape}")
    if (
        arr.dtype.kind == "f"
        and np.all(np.isfinite(arr))
        and np.all(arr == np.round(arr))
        and np.abs(arr).max() < 2**53  # larger floats are no labels (and overflow int64)
    ):
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{where}: expected {name} as integer class labels, got dtype {arr.dtype}"
            + (f" with the value {_first_non_label(arr)!r}" if arr.dtype.kind == "f" else "")
        )
    if arr.ndim != 1:
        raise ValueError(f"{where}: expected {name} of shape (m,), got {arr.shape}")
    if k is not None and (arr.min() < 0 or arr.max() >= k):
        raise ValueError(
            f"{where}: expected {name} in [0, {k - 1}] for {k} classes, "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return arr


def real_op(op: str, compute, *operands):
    """``compute(*operands) -> (value, derivative)`` for the ``Value`` operation ``op``, checked.

    Used by ``nbcore.autograd.Value`` for powers and exp. The operands must be real numbers
    (``TypeError`` otherwise). Where the operation has no finite real value or derivative,
    Python's ``ZeroDivisionError``, ``OverflowError``, math domain error or complex result becomes
    a ``ValueError`` naming ``Value.<op>``, what it expected and the operands, for example
    ``Value.__pow__: expected operands with a finite real value and derivative, got (0.0, -1):
    division by zero``.
    """
    where = f"Value.{op}"
    for x in operands:
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(f"{where}: expected a number exponent and base, got {x!r}")
    try:
        value, slope = compute(*operands)
    except ZeroDivisionError:
        why = "division by zero"
    except OverflowError:
        why = "overflow (float's largest value is about 1.8e308)"
    except ValueError:  # math.log of a number <= 0
        why = "the logarithm of a number <= 0"
    else:
        if isinstance(value, complex) or isinstance(slope, complex):
            why = "complex (a negative base needs an integer exponent)"
        elif np.isfinite(value) and np.isfinite(slope):
            return float(value), float(slope)
        else:
            why = f"value {value}, derivative {slope}"
    raise ValueError(
        f"{where}: expected operands with a finite real value and derivative, got {operands}: {why}"
    )


def _first_non_label(arr: np.ndarray):
    """The first entry of a float array that is not a whole number below 2**53 (NaN, 0.5, 1e20)."""
    ok = np.isfinite(arr) & (arr == np.round(arr)) & (np.abs(arr) < 2**53)
    return arr[~ok].flat[0].item()
