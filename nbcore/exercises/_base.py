"""The small toolkit every exercise checker is built from."""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import numbers
import warnings
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict of a checker.

    Attributes
    ----------
    ok : bool
        True when the answer is right.
    message : str
        What the reader sees: a confirmation, or the likely mistake and a hint.
    mistake : str
        A short tag for the mistake that was recognised (``""`` when right, ``"unknown"`` when no
        typical mistake matched). Tests use it; readers read ``message``.
    """

    ok: bool
    message: str
    mistake: str = ""

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        mark = "Correct" if self.ok else "Not yet"
        return f"{mark}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#1b7837" if self.ok else "#b35806"
        mark = "&#10004; Correct" if self.ok else "&#10008; Not yet"
        return (
            f'<div class="nbcore-feedback" style="border-left:4px solid {colour};'
            f'padding:0.3em 0.8em"><b style="color:{colour}">{mark}:</b> {self.message}</div>'
        )


def correct(message: str = "well done.") -> Feedback:
    """A passing verdict."""
    return Feedback(True, message, "")


def wrong(message: str, mistake: str = "unknown") -> Feedback:
    """A failing verdict that names the likely ``mistake``."""
    return Feedback(False, message, mistake)


def close(given, expected, *, rtol: float = 1e-3, atol: float = 1e-6) -> bool:
    """True when ``given`` matches ``expected`` in shape and value (never raises).

    Parameters
    ----------
    given, expected : float or array_like
        The reader's answer and the reference value. Anything that cannot be read as finite
        numbers (None, a string, ``10**400``, NaN, an object whose ``__float__`` raises) is
        not close to anything.
    rtol, atol : float
        Tolerances as in ``numpy.allclose``; a reader rounding to 3-4 digits passes.
    """
    if isinstance(given, (bool, np.bool_)):
        return False
    g = to_float_array(given)
    e = to_float_array(expected)
    if g is None or e is None or g.shape != e.shape:
        return False
    try:
        with _quiet():
            return bool(np.all(np.isfinite(g)) and np.allclose(g, e, rtol=rtol, atol=atol))
    except Exception:
        return False


# ----------------------------------------------------------------------------- robust reading
#: Arrays larger than this are not converted (a reader's answer is never that big).
MAX_SIZE = 10_000_000


def _quiet():
    """A context that silences NumPy floating-point warnings and Python warnings."""
    stack = contextlib.ExitStack()
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    stack.enter_context(np.errstate(all="ignore"))
    return stack


def to_float_array(answer):
    """``answer`` as a float64 ndarray, or None when it cannot be read as numbers (never raises).

    None is returned for: None, strings, dicts, sets, classes, functions, complex numbers,
    ragged lists, objects whose ``__float__`` raises, integers too large for a float
    (``10**400``) and arrays with more than :data:`MAX_SIZE` entries. NaN and inf are kept
    (use :func:`read_array` to reject them with a message).
    """
    if answer is None or isinstance(answer, (str, bytes, dict, set, frozenset, type)):
        return None
    if callable(answer) and not isinstance(answer, np.ndarray):
        return None
    try:
        if np.size(answer) > MAX_SIZE:
            return None
    except Exception:
        return None
    try:
        with _quiet():
            arr = np.array(answer, dtype=float)
    except Exception:  # TypeError, ValueError, OverflowError, a raising __float__ ...
        return None
    if arr.dtype != np.float64:
        return None
    return arr


def as_number(answer):
    """``float(answer)`` for a real number (or a size-1 numeric array), else None (never raises).

    Booleans are not numbers here: ``True`` as an answer is a mistake, not 1.0. An integer too
    large for a float (``10**400``) gives ``inf``; an object whose ``__float__`` raises gives None.
    """
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, numbers.Real):
        try:
            return float(answer)
        except OverflowError:
            return (
                (math.inf if answer > 0 else -math.inf)
                if isinstance(answer, numbers.Integral)
                else None
            )
        except Exception:
            return None
    if isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype.kind in "fiu":
        try:
            return float(answer.reshape(-1)[0])
        except Exception:
            return None
    return None


def read_number(answer, what: str = "a number"):
    """``(value, None)`` for a single finite real number, else ``(None, Feedback)`` (never raises).

    The Feedback says what was wrong: still None ("missing"), not a number ("type"), several
    numbers ("shape"), NaN or infinite ("not_finite").
    """
    if answer is None:
        return None, wrong(f"replace None with {what}.", "missing")
    value = as_number(answer)
    if value is None:
        arr = to_float_array(answer)
        if arr is not None and arr.size == 1 and not isinstance(answer, (bool, np.bool_)):
            value = float(arr.reshape(-1)[0])
        elif arr is not None and arr.size != 1:
            return None, wrong(
                f"expected {what}, got {arr.size} numbers (shape {arr.shape}).", "shape"
            )
        else:
            return None, wrong(f"expected {what}, got {_short(answer)}.", "type")
    if not math.isfinite(value):
        return None, wrong(
            f"expected {what}, got {_short(answer)}, which is not a finite number "
            "(an overflow, or a division by zero?).",
            "not_finite",
        )
    return value, None


def read_array(answer, shape=None, what: str = "the array"):
    """``(array, None)`` for a finite float array of ``shape`` (None: any), else ``(None, fb)``.

    Never raises. The mistake tags are "missing", "type", "shape" and "not_finite".
    """
    if answer is None:
        return None, wrong(f"replace None with {what}.", "missing")
    if isinstance(answer, (bool, np.bool_)):
        return None, wrong(f"expected {what} (numbers), got {answer!r}.", "type")
    arr = to_float_array(answer)
    if arr is None:
        return None, wrong(f"expected {what} (numbers), got {_short(answer)}.", "type")
    if shape is not None and arr.shape != tuple(shape):
        return None, wrong(
            f"{what} should have shape {tuple(shape)}, yours has shape {arr.shape}.", "shape"
        )
    if not np.all(np.isfinite(arr)):
        return None, wrong(
            f"{what} contains NaN or inf (an overflow, or a division by zero?).", "not_finite"
        )
    return arr, None


def _short(obj, limit: int = 60) -> str:
    """A short, never-raising description of ``obj`` for a message."""
    try:
        text = repr(obj)
    except Exception:
        text = f"<{type(obj).__name__}>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(obj).__name__} {text}"


def _copy_arg(arg):
    try:
        return copy.deepcopy(arg)
    except Exception:
        return arg


def _same_value(a, b) -> bool:
    """True when ``a`` still equals its copy ``b`` (arrays compared with NaN == NaN)."""
    try:
        if isinstance(a, np.ndarray):
            return (
                isinstance(b, np.ndarray)
                and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
            )
        if isinstance(a, (list, tuple)):
            return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
        return True
    except Exception:
        return False


def call_reader(fn, *args, name: str = "your function", check_inputs: bool = True):
    """Call the reader's ``fn(*args)`` safely: ``(result, None)`` or ``(None, Feedback)``.

    Never raises: ``fn`` not callable gives "missing" (None) or "type"; an exception inside it
    gives "raised" with its message; a result of None gives "missing". With ``check_inputs``
    (the default) the arrays passed in are compared with copies afterwards, and an ``fn`` that
    changed one of them in place gets "modified_input": the book's functions never change their
    inputs (a cached array changed by a later call corrupts the backward pass). Warnings are
    silenced during the call.
    """
    if fn is None:
        return None, wrong(f"define {name} first (it is still None).", "missing")
    if not callable(fn) or isinstance(fn, type):
        return None, wrong(f"expected {name} (a function), got {_short(fn)}.", "type")
    before = [_copy_arg(a) for a in args] if check_inputs else None
    try:
        with _quiet():
            out = fn(*args)
    except RecursionError:
        return None, wrong(f"{name} recursed without end (RecursionError).", "raised")
    except Exception as e:  # the reader's code may raise anything
        msg = _short_text(e)
        return None, wrong(f"{name} raised {type(e).__name__}: {msg}", "raised")
    if check_inputs:
        for i, (a, b) in enumerate(zip(args, before, strict=True)):
            if a is not b and not _same_value(a, b):
                return None, wrong(
                    f"{name} changed its argument number {i + 1} in place. Compute new arrays "
                    "(e.g. G = G + g * g, not G += g * g) and leave the caller's arrays as "
                    "they were.",
                    "modified_input",
                )
    if out is None:
        return None, wrong(
            f"{name} returned None: replace `return None` with your code.", "missing"
        )
    return out, None


def _short_text(e, limit: int = 200) -> str:
    try:
        text = str(e)
    except Exception:
        text = ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fmt(x) -> str:
    """A number with enough digits to see how it differs (``7e-218``, ``0.88079708``)."""
    try:
        x = float(x)
    except Exception:
        return _short(x)
    if x == 0 or not math.isfinite(x):
        return repr(x)
    return f"{x:.10g}"


def difference(given, expected) -> str:
    """Where ``given`` and ``expected`` differ most: "entry [i] is A, expected B (difference D)".

    Never raises; for numbers the index is left out. Used in messages so that two arrays that
    print alike (7e-218 against 0) show their real difference.
    """
    g, e = to_float_array(given), to_float_array(expected)
    if g is None or e is None:
        return f"got {_short(given)}, expected {_short(expected)}"
    if g.shape != e.shape:
        return f"got shape {g.shape}, expected shape {e.shape}"
    if g.size == 0:
        return "both are empty"
    with _quiet():
        gap = np.abs(g - e)
        gap = np.where(np.isnan(gap), np.inf, gap)
        gap = np.where((g == e), 0.0, gap)  # inf == inf
    i = int(np.argmax(gap))
    idx = np.unravel_index(i, g.shape)
    gi, ei = g.reshape(-1)[i], e.reshape(-1)[i]
    where = "" if g.ndim == 0 else f"entry [{', '.join(str(int(k)) for k in idx)}] "
    with _quiet():
        d = gi - ei
    return f"{where}is {fmt(gi)}, expected {fmt(ei)} (difference {fmt(d)})"


def matches_to_decimals(value, expected, decimals: int) -> bool:
    """True when ``value`` is ``expected`` given to ``decimals`` decimals (never raises).

    One unit in the last place of the rounded value is allowed either way (rounding of
    intermediate results), so for 4 decimals 0.8807, 0.8808, 0.8809 and 0.880797 all match
    0.880797, but 0.88 and 0.881 do not.
    """
    v, e = as_number(value), as_number(expected)
    if v is None or e is None or not (math.isfinite(v) and math.isfinite(e)):
        return False
    unit = 10.0 ** (-decimals)
    return abs(v - round(e, decimals)) <= unit * (1 + 1e-6)


def guarded(checker):
    """Decorator: a checker that raises anyway returns a ``wrong(..., "unreadable")`` Feedback.

    The last-resort guard; checkers read answers with :func:`read_number`, :func:`read_array`
    and :func:`call_reader` so that it is never needed.
    """

    @functools.wraps(checker)
    def wrapper(*args, **kwargs):
        try:
            with _quiet():
                fb = checker(*args, **kwargs)
        except RecursionError:
            return wrong("your answer made the check recurse without end.", "unreadable")
        except Exception as e:
            return wrong(
                f"the check could not use your answer ({type(e).__name__}: {_short_text(e)}). "
                "Check its type and shape against the exercise.",
                "unreadable",
            )
        if not isinstance(fb, Feedback):
            return wrong("the check could not use your answer.", "unreadable")
        return fb

    return wrapper


def describe(obj) -> str:
    """A short description of any answer for a message, e.g. ``str 'abc'`` (never raises)."""
    return _short(obj)


def float_array(answer) -> np.ndarray:
    """``answer`` as a float64 array; raises TypeError (only) when it cannot be read as numbers.

    For checkers written as ``try: ... except (TypeError, ValueError)``: ``10**400``, a raising
    ``__float__`` or a ragged list all become one TypeError.
    """
    arr = to_float_array(answer)
    if arr is None:
        raise TypeError(f"cannot read {_short(answer)} as numbers")
    return arr


def call_on_copies(fn, args, *, name: str = "your function", check_inputs: bool = True):
    """:func:`call_reader` on deep copies of ``args`` (the cases stay intact), as a float array.

    Returns ``(array, None)`` or ``(None, Feedback)``; a result that is not numbers (a string, a
    dict, ``10**400``) gets "format". Tuples of equal-shape arrays are stacked.
    """
    out, fb = call_reader(fn, *[_copy_arg(a) for a in args], name=name, check_inputs=check_inputs)
    if fb is not None:
        return None, fb
    arr = to_float_array(out)
    if arr is None:
        return None, wrong(f"{name} returned {_short(out)}, expected numbers.", "format")
    return arr, None


def find_remaining_bug(fn, cases, reference, bugs, *, name: str, runner=None, rtol=1e-7):
    """Run the reader's fixed ``fn`` on every case; name the bug that remains (never raises).

    Parameters
    ----------
    fn : callable
        The reader's corrected function.
    cases : list of tuple
        Arguments of each trial (copied for every call).
    reference : callable
        The right function, same signature.
    bugs : list of (callable, str, str)
        ``(buggy_version, tag, message)``: the given function first (tag "unchanged"), then each
        one-bug version. A result equal to a buggy version's names that bug.
    runner : callable, optional
        ``runner(f, args) -> (array, Feedback or None)``; default :func:`call_on_copies`.

    Returns
    -------
    Feedback or None
        None when ``fn`` agrees with ``reference`` on every case.
    """
    run = runner or (lambda f, args: call_on_copies(f, args, name=name))
    for k, args in enumerate(cases, start=1):
        got, fb = run(fn, args)
        if fb is not None:
            return fb
        expected, _ = run(reference, args)
        if close(got, expected, rtol=rtol, atol=1e-12):
            continue
        for bug, tag, message in bugs:
            with _quiet():
                candidate, err = run(bug, args)
            if err is None and close(got, candidate, rtol=rtol, atol=1e-12):
                return wrong(message, tag)
        if not np.all(np.isfinite(got)):
            return wrong(f"on trial {k} {name} returned NaN or inf: something overflowed.", "nan")
        return wrong(f"on trial {k} the result {difference(got, expected)}.", "values")
    return None


def to_decimals(given, right, decimals: int = 4, near: float = 0.01):
    """Whether ``given`` is ``right`` to ``decimals`` decimals, entry by entry.

    Returns ``None`` when every entry matches (:func:`matches_to_decimals`; more digits are
    fine), a ``"precision"`` :class:`Feedback` that shows the entry that differs when every
    entry is only within ``near``, and ``False`` otherwise (a wrong answer, for the checker to
    name). ``given`` and ``right`` are numbers or arrays of one shape, already read.
    """
    g, r = np.atleast_1d(given), np.atleast_1d(right)
    if all(matches_to_decimals(a, b, decimals) for a, b in zip(g, r, strict=True)):
        return None
    if float(np.max(np.abs(g - r))) < near:
        where = "your answer " if np.ndim(given) == 0 else "in your answer, "
        return wrong(
            f"near, but the exercise asks for {_DECIMALS.get(decimals, decimals)} decimals: "
            f"{where}{difference(given, right)}. Keep more digits in the intermediate values.",
            "precision",
        )
    return False


_DECIMALS = {2: "two", 3: "three", 4: "four", 5: "five"}
