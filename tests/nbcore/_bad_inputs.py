"""The catalogue of bad inputs for every public name of nbcore (issue 22), and its runner.

Not a test module: ``test_bad_inputs.py`` drives it, and so can a reader::

    .venv/bin/python tests/nbcore/_bad_inputs.py --count     # how many distinct cases
    .venv/bin/python tests/nbcore/_bad_inputs.py --run       # run them all, failures by module
    .venv/bin/python -m tests.nbcore._bad_inputs --count     # the same, from the repository root

The catalogue is a list of :class:`Entry`: a callable described by name (``"Dense.forward"``), a
builder of valid arguments (a fresh model, optimizer, ... per call, since calls mutate state), and
for each argument a list of bad values (:class:`Bad`). One generic runner (:func:`run_case`) puts
one bad value in place of one valid argument, calls, and judges the outcome against the error
contract of ``design/nbcore-contract.md`` ("Errors"):

* a bad value (``refuse=True``) must raise ``ValueError`` or ``TypeError`` (a bare NumPy
  ``AxisError`` or ``LinAlgError`` does not count, though they subclass ``ValueError``) whose
  message names the function, says what was ``expected`` and what it ``got``, and contains no
  bare NumPy or Python message ("operands could not be broadcast", "has no attribute", ...);
* an edge value (``refuse=False``: float16, int or bool arrays, inf, empty arrays where empty is
  meaningful, ...) may give a result or a clear error, never a crash;
* a silent result for a bad value, any other exception, or a warning (all warnings are errors
  while a case runs) is a failure.

Failure kinds (``Outcome.kind``): ``silent`` (a bad value gave a result), ``wrong-exception``
(AttributeError, IndexError, a bare AxisError, ...), ``bare`` (a NumPy/Python message),
``message`` (no function name, "expected" or "got"), ``misleading`` (None, a string or an object
reported as shape ``()``), ``warning``, ``damaged`` (after the refusal, the same objects no longer
give the valid result), ``mutated`` (an accepted value changed the caller's array),
``nan-result`` (NaN out of finite input), ``different-result`` (the same numbers in another
layout or dtype gave another result); for exercise checkers ``raised`` and ``graded-correct``.

Array arguments also get a hypothesis strategy (:func:`array_strategy`) that draws random wrong
shapes, dtypes and NaN/inf positions, and number arguments random out-of-range values; the test
module runs them with ``derandomize=True``. ``GARBAGE`` is fed to every exercise checker.
"""

from __future__ import annotations

import atexit
import copy
import dataclasses
import functools
import inspect
import numbers
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable

import numpy as np

import nbcore as nc

# ----------------------------------------------------------------------------- the data model


@dataclasses.dataclass
class Bad:
    """One value to put in place of a valid argument.

    ``label`` is a Python expression for the value (used in reproducers); ``refuse`` says whether
    the value must be refused (True) or may also be accepted (False: an edge case).
    """

    label: str
    value: object
    refuse: bool = True
    #: the plain array this value holds in another form (a layout, a list): when accepted, the
    #: result must equal the result for ``reference`` (None: nothing to compare)
    reference: object = None
    rtol: float = 1e-6


@dataclasses.dataclass
class Arg:
    """One argument of an entry: its name in the builder's kwargs and its bad values.

    ``optional``: the argument belongs to the second edition (e.g. ``SGD(dampening=)``); it is
    left out of the valid call, and its cases are skipped while the callable does not take it.
    ``names``: extra message names accepted for this argument (e.g. ``Dense.forward`` when a bad
    ``X`` reaches the first layer inside ``train``).
    ``strategy``: a hypothesis strategy of :class:`Bad` (generated cases), or None.
    """

    name: str
    valid: object
    valid_label: str
    bad: list
    optional: bool = False
    names: tuple = ()
    strategy: object = None
    os_ok: bool = False  # a path argument: an OSError (no such directory, ...) is a clear refusal


@dataclasses.dataclass
class Entry:
    """One public callable: ``build() -> (call, kwargs)``; ``call(**kwargs)`` is the valid call.

    ``name`` is how the message must name it (regexes in ``names``, any one suffices);
    ``repro`` a format string over the argument labels giving a one-line reproducer;
    ``requires`` names that must exist in nbcore (new in the second edition) for it to run.
    """

    name: str
    module: str
    names: tuple
    build: Callable
    args: list
    repro: str
    requires: tuple = ()
    patterns: tuple = ()  # when given: regexes the message must hold instead of expected/got
    mutates: bool = False  # the callable updates the given array in place by design

    def available(self) -> str | None:
        """None when every required name exists, else the first missing one."""
        for path in self.requires:
            obj = nc
            for part in path.split("."):
                if not hasattr(obj, part):
                    return path
                obj = getattr(obj, part)
        return None

    def arg(self, name):
        return next(a for a in self.args if a.name == name)


@dataclasses.dataclass
class Outcome:
    """What one case did: ``kind`` is ``"refused"``, ``"accepted"`` (an edge value gave a
    result), ``"skip"``, or one of the failure kinds listed in the module docstring."""

    entry: str
    module: str
    arg: str
    label: str
    kind: str
    detail: str = ""
    repro: str = ""

    @property
    def ok(self) -> bool:
        return self.kind in ("refused", "accepted", "skip")

    def describe(self) -> str:
        return f"[{self.module}] {self.repro}  ->  {self.kind}: {self.detail}"


# ----------------------------------------------------------------------------- judging


_NOTHING = object()

#: Phrases of NumPy or Python that must never reach the reader unwrapped.
FORBIDDEN = (
    "operands could not be broadcast",
    "zero-size array",
    "cannot reshape",
    "has no attribute",
    "unsupported operand",
    "is not iterable",
    "not subscriptable",
    "object is not callable",
    "required positional argument",
    "positional arguments but",
    "could not convert",
    "invalid literal",
    "setting an array element",
    "inhomogeneous",
    "did not contain a loop",
    "ufunc",
    "only integer scalar arrays",
    "only length-1 arrays",
    "must be real number, not",
    "does not support item assignment",
    "out of bounds for",
    "is out of bounds",
    "truth value of an array",
    "not supported between instances",
    "can't multiply sequence",
    "object cannot be interpreted",
    "data type",
)

_BARE = (np.exceptions.AxisError, np.linalg.LinAlgError)


def _not_array_like(value) -> bool:
    """None, a string, a dict, a class, a function, an object: no array of numbers at all."""
    return not isinstance(value, (np.ndarray, list, tuple, numbers.Number, np.generic))


def judge(exc: BaseException | None, names, refuse: bool, patterns=(), os_ok=False, given=_NOTHING):
    """(kind, detail) for an exception raised (or None) by a case.

    ``given``: the bad value; when it is no array at all (None, a string, a dict, ...), a message
    that reports it as an empty shape ``()`` is misleading (it was turned into a 0-d array)."""
    if exc is None:
        return ("silent", "returned a result for a bad value") if refuse else ("accepted", "")
    msg = str(exc)
    shown = f"{type(exc).__name__}: {msg}"[:300]
    if isinstance(exc, Warning):
        return "warning", shown
    if os_ok and isinstance(exc, OSError):
        return "refused", shown
    if isinstance(exc, _BARE) or not isinstance(exc, (ValueError, TypeError)):
        return "wrong-exception", shown
    missing = []
    if not any(re.search(n, msg) for n in names):
        missing.append("the function's name")
    if patterns:
        missing += [repr(p) for p in patterns if not re.search(p, msg)]
    else:
        if not re.search(r"(?i)\bexpect", msg):
            missing.append("'expected'")
        if not re.search(r"(?i)\bgot\b", msg):
            missing.append("'got'")
    bare = [p for p in FORBIDDEN if p in msg]
    if bare:
        return "bare", f"bare message ({bare[0]!r}): {shown}"
    if missing:
        return "message", f"message lacks {', '.join(missing)}: {shown}"
    if given is not _NOTHING and _not_array_like(given) and re.search(r"(?<![\w)])\(\)", msg):
        try:
            said = [repr(given)[:12], type(given).__name__, getattr(given, "__name__", "?")]
        except Exception:  # noqa: BLE001 - a repr that fails
            said = [type(given).__name__]
        if not any(t in msg for t in said):
            return "misleading", f"reports a {type(given).__name__} as shape (): {shown}"
    return "refused", shown


def _copy(value):
    if isinstance(value, (type, Callable)) and not isinstance(value, (np.ndarray, nc.Layer)):
        return value
    try:
        return copy.deepcopy(value)
    except Exception:  # a value that cannot be copied is passed as it is
        return value


def call_quietly(call, kwargs):
    """Call with every warning an error; return (result, exception)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return call(**kwargs), None
        except Exception as exc:  # noqa: BLE001 - judged by the caller
            return None, exc


def _has_nan(result, depth=0) -> bool:
    """Whether a result (array, number, Value, tuple of them) holds a NaN."""
    if depth > 2:
        return False
    if isinstance(result, np.ndarray):
        return result.dtype.kind in "fc" and bool(np.isnan(result).any())
    if isinstance(result, (float, np.floating)):
        return result != result
    if isinstance(result, nc.Value):
        return result.data != result.data
    if isinstance(result, (tuple, list)):
        return any(_has_nan(r, depth + 1) for r in result)
    return False


def shorten(text, n=80):
    return text if len(text) <= n else text[: n - 3] + "..."


def _same_result(a, b, depth=0, rtol=1e-6) -> bool:
    """Whether two results agree (arrays and numbers to 1e-6; other objects are not compared)."""
    if depth > 2:
        return True
    if isinstance(a, (np.ndarray, np.generic, float, int)) and not isinstance(a, bool):
        try:
            a, b = np.asarray(a), np.asarray(b)
        except Exception:  # noqa: BLE001
            return True
        if a.dtype.kind not in "fiub" or b.dtype.kind not in "fiub":
            return True
        atol = 0 if rtol <= 1e-6 else 1e-6
        return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(
            _same_result(x, y, depth + 1, rtol) for x, y in zip(a, b, strict=True)
        )
    return True


def supports(entry: Entry, arg: Arg) -> bool:
    """Whether the callable takes this (optional) argument: the valid call with it succeeds
    without a TypeError about the keyword."""
    call, kwargs = entry.build()
    kwargs[arg.name] = _copy(arg.valid)
    _, exc = call_quietly(call, kwargs)
    return not (isinstance(exc, TypeError) and arg.name in str(exc))


def repro(entry: Entry, arg_name: str, label: str) -> str:
    labels = {a.name: a.valid_label for a in entry.args}
    labels[arg_name] = label
    text = entry.repro.format(**labels)
    # optional arguments not in play are left out of the reproducer
    for a in entry.args:
        if a.optional and a.name != arg_name:
            text = text.replace(f", {a.name}={a.valid_label}", "")
    return text


def run_case(entry: Entry, arg: Arg, bad: Bad) -> Outcome:
    """Build a valid call, replace ``arg`` by ``bad``, call, judge."""
    call, kwargs = entry.build()
    original = kwargs.get(arg.name, arg.valid)
    value = kwargs[arg.name] = _copy(bad.value)
    numeric = isinstance(value, np.ndarray) and value.dtype.kind in "fiub"
    before = np.array(value, copy=True) if numeric else None
    result, exc = call_quietly(call, kwargs)
    kind, detail = judge(
        exc, entry.names + arg.names, bad.refuse, entry.patterns, arg.os_ok, given=bad.value
    )
    if kind == "accepted" and numeric:
        if not entry.mutates and not np.array_equal(
            before, value, equal_nan=before.dtype.kind == "f"
        ):
            kind, detail = "mutated", "changed the caller's array in place"
        elif np.all(np.isfinite(before)) and _has_nan(result):
            kind, detail = "nan-result", "returned NaN for an input without NaN or inf"
    stateless = getattr(call, "__module__", "").startswith("nbcore") and not hasattr(
        call, "__self__"
    )  # a function or class of nbcore called directly: no object of the case keeps state
    if kind == "refused" and not stateless and not entry.name.startswith("Value"):
        # a refusal leaves no trace: the valid call on the same objects gives what it gives fresh
        again, exc_again = call_quietly(call, {**kwargs, arg.name: original})
        call3, kwargs3 = entry.build()
        fresh, exc_fresh = call_quietly(call3, kwargs3)
        if (exc_again is None) != (exc_fresh is None) or (
            exc_fresh is None and not _same_result(again, fresh)
        ):
            why = f"then raised {exc_again!r}" if exc_again is not None else "gave another result"
            kind, detail = "damaged", f"after the refusal ({shorten(detail)}), the valid call {why}"
    if kind == "accepted" and bad.reference is not None:
        call2, kwargs2 = entry.build()
        kwargs2[arg.name] = _copy(bad.reference)
        expected, exc2 = call_quietly(call2, kwargs2)
        if exc2 is None and not _same_result(result, expected, rtol=bad.rtol):
            kind, detail = "different-result", "a different result than for the plain array"
    return Outcome(
        entry.name,
        entry.module,
        arg.name,
        bad.label,
        kind,
        detail,
        repro(entry, arg.name, bad.label),
    )


# ----------------------------------------------------------------------------- value families

_R = np.random.default_rng(20260222)


def rand(*shape, dtype=np.float64):
    """Seeded standard-normal values of ``shape`` (what ``rand(4, 2)`` means in a reproducer)."""
    return np.random.default_rng(abs(hash(shape)) % 2**32).normal(size=shape).astype(dtype)


def _f(x):
    return x


class _Thing:
    pass


#: Wrong kinds of object for any argument that expects an array, a number, a layer, ...
WRONG_TYPES = [
    Bad("None", None),
    Bad("'abc'", "abc"),
    Bad("''", ""),
    Bad("['a', 'b']", ["a", "b"]),
    Bad("[['a', 'b'], ['c', 'd']]", [["a", "b"], ["c", "d"]]),
    Bad("{'a': 1}", {"a": 1}),
    Bad("{}", {}),
    Bad("{1, 2}", {1, 2}),
    Bad("object()", object()),
    Bad("int  # the class", int),
    Bad("nc.Dense  # the class", nc.Dense),
    Bad("lambda x: x", _f),
    Bad("np.sum", np.sum),
    Bad("b'ab'", b"ab"),
    Bad("1j", 1j),
    Bad("Ellipsis", Ellipsis),
    Bad("_Thing()", _Thing()),
]

#: Ragged lists and lists with a string inside.
RAGGED = [
    Bad("[[1.0, 2.0], [3.0]]", [[1.0, 2.0], [3.0]]),
    Bad("[1.0, 'a']", [1.0, "a"]),
    Bad("[[1.0, None]]", [[1.0, None]]),
]

DIMS = (0, 1, 2, 3, 4, 5)
SHAPES = (
    [()]
    + [(a,) for a in DIMS]
    + [(a, b) for a in DIMS for b in DIMS]
    + [(a, b, c) for a in (0, 1, 2, 4) for b in (0, 1, 2, 3) for c in (1, 2)]
)


def _shape_label(shape):
    return f"rand{shape}" if len(shape) != 1 else f"rand({shape[0]},)"


def array_family(
    valid, label, shape_ok, *, nan=True, inf=False, ints=None, edge_shapes=False, big=False
):
    """Bad (and edge) arrays around a valid array ``valid`` (labelled ``label``).

    ``shape_ok(shape)``: whether a shape is acceptable; every other shape of ``SHAPES`` is a bad
    value (filled like ``valid``). ``nan``/``inf``: whether NaN/inf must be refused (True) or may
    be accepted (False). ``ints``: for label arrays, the number of classes (filled with labels).
    ``edge_shapes``: also try the acceptable shapes as edge values (empty arrays, 0-d, ...).
    ``big``: also try the valid values scaled by 1e300 (edge values: a finite answer or inf,
    never NaN or a warning). Every family also has the valid values in unusual layouts (read-only,
    Fortran order, a reversed view, big-endian, ``np.matrix``) as edge values.
    """
    out = []
    valid = np.asarray(valid)
    for shape in SHAPES:
        if shape == valid.shape:
            continue
        ok = shape_ok(shape)
        if ok and not edge_shapes:
            continue
        if ints is not None:
            value = (np.arange(int(np.prod(shape))) % ints).reshape(shape).astype(valid.dtype)
            lab = f"np.arange({int(np.prod(shape))}).reshape({shape}) % {ints}"
        else:
            value = rand(*shape, dtype=valid.dtype if valid.dtype.kind == "f" else np.float64)
            lab = _shape_label(shape)
        out.append(Bad(lab, value, refuse=not ok))
    # dtypes: numeric ones are edge values, the rest must be refused
    for dt, refuse in (
        ("complex128", True),
        ("object", True),
        ("str", True),
        ("bytes", True),
        ("datetime64[s]", True),
        ("float16", False),
        ("float32", False),
        ("int64", False),
        ("int8", False),
        ("uint8", False),
        ("bool", False),
    ):
        if dt == "datetime64[s]":
            value = np.zeros(valid.shape, dtype=dt)
        elif dt in ("str", "bytes"):
            value = valid.astype(dt)
        else:
            value = valid.astype(dt)
        if np.dtype(value.dtype) == valid.dtype:
            continue
        if ints is None and dt in ("int64", "int8", "uint8", "bool"):
            refuse_here = False
        elif ints is not None and dt in ("float16", "float32"):
            refuse_here = False  # integral floats as labels: accepted or refused clearly
        else:
            refuse_here = refuse
        bad = Bad(f"{label}.astype({dt!r})", value, refuse_here)
        if not refuse_here and valid.dtype.kind == "f" and value.dtype.kind in "fiub":
            bad.reference = value.astype(np.float64)  # the same numbers in float64
            bad.rtol = 1e-3  # float32 arithmetic
        out.append(bad)
    if valid.ndim:
        out.append(
            Bad(f"{label}.T  # transposed", valid.T.copy(), refuse=not shape_ok(valid.T.shape))
        )
        out.append(
            Bad(
                f"{label}[None]  # extra axis", valid[None], refuse=not shape_ok((1,) + valid.shape)
            )
        )
        if valid.ndim >= 2:
            out.append(
                Bad(
                    f"{label}[:, :0]  # zero columns",
                    valid[:, :0].copy(),
                    refuse=not shape_ok(valid[:, :0].shape),
                )
            )
        out.append(
            Bad(
                f"{label}[:0]  # empty batch",
                valid[:0].copy(),
                refuse=not shape_ok(valid[:0].shape),
            )
        )
        out.append(
            Bad(f"{label}.ravel()", valid.ravel().copy(), refuse=not shape_ok(valid.ravel().shape))
        )
    if ints is None and valid.size:
        for where, pos in (("first", 0), ("last", -1)):
            for v, vl, refuse in (
                (np.nan, "nan", nan),
                (np.inf, "inf", inf),
                (-np.inf, "-inf", inf),
            ):
                value = valid.astype(np.float64).copy()
                value.flat[pos] = v
                if valid.dtype.kind == "f":
                    value = value.astype(valid.dtype)
                out.append(Bad(f"{label} with {vl} at its {where} entry", value, refuse))
        for v, vl, refuse in ((np.nan, "nan", nan), (np.inf, "inf", inf)):
            out.append(Bad(f"np.full({valid.shape}, {vl})", np.full(valid.shape, v), refuse))
    out += _layouts(valid, label)
    if big and valid.dtype.kind == "f" and valid.size:
        out.append(Bad(f"{label} * 1e300", valid * 1e300, refuse=False))
        out.append(Bad(f"np.full({valid.shape}, -1e300)", np.full(valid.shape, -1e300), False))
        out.append(Bad(f"{label} * 1e4", valid * 1e4, refuse=False))
    out += RAGGED
    out += [b for b in WRONG_TYPES]
    out.append(Bad("nc.Dense(2, 2, rng=0)  # a layer", nc.Dense(2, 2, rng=0)))
    out.append(Bad("nc.Parameter(np.ones(2))", nc.Parameter(np.ones(2))))
    return out


class _Numbers(list):
    """A list of Bad numbers that remembers its valid interval (for :func:`number_strategy`)."""

    interval = None


def _layouts(valid, label):
    """The valid array in unusual memory layouts: all edge values (same numbers)."""
    out = []
    ro = valid.copy()
    ro.flags.writeable = False
    out.append(Bad(f"{label} (read-only)", ro, refuse=False))
    out.append(Bad(f"{label}.tolist()", valid.tolist(), refuse=False))
    if valid.ndim >= 1:
        out.append(Bad(f"np.asfortranarray({label})", np.asfortranarray(valid), refuse=False))
        rev = valid[::-1].copy()[::-1]  # the same values through a negative stride
        out.append(Bad(f"{label}[::-1].copy()[::-1]  # a negative-stride view", rev, False))
    if valid.dtype.kind in "fiu" and valid.dtype.itemsize > 1:
        swapped = valid.astype(valid.dtype.newbyteorder(">"))
        out.append(
            Bad(
                f"{label}.astype('>{valid.dtype.kind}{valid.dtype.itemsize}')",
                swapped,
                refuse=False,
            )
        )
    if valid.ndim == 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PendingDeprecationWarning)  # np.matrix is deprecated
            out.append(Bad(f"np.matrix({label})", np.matrix(valid), refuse=False))
    for b in out:
        b.reference = valid
    return out


def number_family(
    valid,
    label,
    *,
    lo=None,
    hi=None,
    lo_open=False,
    hi_open=False,
    integer=False,
    extra=(),
    nan=True,
    inf=None,
):
    """Bad values of a number argument with the valid interval [lo, hi] (bounds open or closed).

    ``integer``: an int argument (floats such as 2.5 are refused). ``extra``: more Bad values.
    ``inf``: whether inf must be refused (default: when the interval has an upper bound).
    """
    out = []
    for v in WRONG_TYPES:
        if v.value is None:
            continue  # None may mean "default" for some arguments; the entry adds it when not
        out.append(v)
    out += [
        Bad("[1]", [1]),
        Bad("np.array([1.0, 2.0])", np.array([1.0, 2.0])),
        Bad("np.ones((1, 1))", np.ones((1, 1)), refuse=False),
        Bad("'1'", "1"),
        Bad("complex(1, 0)", complex(1, 0)),
    ]
    if nan:
        out.append(Bad("float('nan')", float("nan")))
        out.append(Bad("np.float32('nan')", np.float32("nan")))
    refuse_inf = (hi is not None) if inf is None else inf
    out.append(Bad("float('inf')", float("inf"), refuse_inf))
    out.append(Bad("-float('inf')", -float("inf"), lo is not None or integer))
    if integer:
        out += [
            Bad("2.5", 2.5),
            Bad("np.float64(2.5)", np.float64(2.5)),
            Bad("3.0", 3.0, refuse=False),
            Bad("True", True, refuse=False),
            Bad("np.int64(3)", np.int64(3), refuse=False),
        ]
    if lo is not None:
        below = [lo - 1, lo - 1e-3, -1e300] if not lo_open else [lo, lo - 1, -1e300]
        if integer:
            below = [lo - 1, lo - 5] if not lo_open else [lo, lo - 1]
        for v in below:
            if integer:
                v = int(v)
            out.append(Bad(repr(v), v))
    if hi is not None:
        above = [hi + 1, hi + 1e-3, 1e300] if not hi_open else [hi, hi + 1, 1e300]
        if integer:
            above = [hi + 1] if not hi_open else [hi, hi + 1]
        for v in above:
            if integer:
                v = int(v)
            out.append(Bad(repr(v), v))
    out += list(extra)
    out = _Numbers(out)
    out.interval = (lo, hi, lo_open, hi_open)
    return out


def rng_family():
    """Bad ``rng=`` values: the contract accepts None, an int seed or a Generator only."""
    return [
        Bad("'0'", "0"),
        Bad("1.5", 1.5),
        Bad("-1", -1),
        Bad("[0]", [0]),
        Bad("{}", {}),
        Bad("True", True),
        Bad("float('nan')", float("nan")),
        Bad("np.random.RandomState(0)", np.random.RandomState(0)),
        Bad("np.random.Generator  # the class", np.random.Generator),
        Bad("np.random.default_rng  # the function", np.random.default_rng),
        Bad("object()", object()),
        Bad("np.array([1, 2])", np.array([1, 2])),
        Bad("2**70", 2**70, refuse=False),
        Bad("np.int64(0)", np.int64(0), refuse=False),
    ]


def dtype_family():
    return [
        Bad("'garbage'", "garbage"),
        Bad("np.int64", np.int64),
        Bad("int", int),
        Bad("bool", bool),
        Bad("np.complex128", np.complex128),
        Bad("object", object),
        Bad("str", str),
        Bad("np.array([1.0])", np.array([1.0])),
        Bad("5", 5),
        Bad("np.float16", np.float16, refuse=False),
        Bad("'float32'", "float32", refuse=False),
        Bad("np.dtype('float32')", np.dtype("float32"), refuse=False),
    ]


def bool_family():
    return [
        Bad("'no'", "no"),
        Bad("'yes'", "yes"),
        Bad("'False'", "False"),
        Bad("None", None),
        Bad("[True]", [True]),
        Bad("2", 2),
        Bad("0.5", 0.5),
        Bad("np.array([True, False])", np.array([True, False])),
        Bad("lambda x: x", _f),
        Bad("1", 1, refuse=False),
        Bad("np.bool_(True)", np.bool_(True), refuse=False),
    ]


def choice_family(valid_choices, extra=()):
    """Bad values of a string option with the given valid choices."""
    out = [
        Bad("'garbage'", "garbage"),
        Bad("''", ""),
        Bad(f"{valid_choices[0].upper()!r}", valid_choices[0].upper(), refuse=False),
        Bad(f"{valid_choices[0]!r} + ' '", valid_choices[0] + " "),
        Bad(f"np.array([{valid_choices[0]!r}])", np.array([valid_choices[0]])),
        Bad(f"[{valid_choices[0]!r}]", [valid_choices[0]]),
        Bad("5", 5),
        Bad("1.5", 1.5),
        Bad("{}", {}),
        Bad("object()", object()),
        Bad("lambda x: x", _f),
    ]
    return out + list(extra)


def params_family():
    """Bad ``params`` for optimizers and gradient clipping."""
    p = nc.Parameter(np.ones(3))
    return [
        Bad("None", None),
        Bad("5", 5),
        Bad("'abc'", "abc"),
        Bad("[]", []),
        Bad("()", ()),
        Bad("[None]", [None]),
        Bad("[np.ones(3)]  # arrays, not Parameters", [np.ones(3)]),
        Bad("[np.ones(3), np.ones(2)]", [np.ones(3), np.ones(2)]),
        Bad("nc.Parameter(np.ones(3))  # a bare Parameter", p),
        Bad("nc.Dense(2, 2, rng=0)  # a layer", nc.Dense(2, 2, rng=0)),
        Bad("nc.MLP([2, 2], rng=0)  # a model", nc.MLP([2, 2], rng=0)),
        Bad("[nc.Dense(2, 2, rng=0)]", [nc.Dense(2, 2, rng=0)]),
        Bad("['w']", ["w"]),
        Bad("{'w': Parameter}", {"w": nc.Parameter(np.ones(3))}),
        Bad("nc.Parameter  # the class", nc.Parameter),
        Bad("[nc.Parameter]  # the class", [nc.Parameter]),
        Bad("object()", object()),
        Bad("lambda: 1", lambda: 1),
        Bad(
            "[Parameter(float32), Parameter(float64)]",
            [nc.Parameter(np.ones(2, dtype=np.float32)), nc.Parameter(np.ones(2))],
        ),
        Bad("iter([])", iter([])),
    ]


def model_family(extra=()):
    """Bad ``model`` arguments (a layer, the class, ...)."""
    return [
        Bad("nc.Dense(2, 1, rng=0)  # a layer, not a model", nc.Dense(2, 1, rng=0)),
        Bad("nc.MLP  # the class", nc.MLP),
        Bad("nc.Sequential  # the class", nc.Sequential),
        Bad("None", None),
        Bad("'mlp'", "mlp"),
        Bad("[nc.Dense(2, 1, rng=0)]", [nc.Dense(2, 1, rng=0)]),
        Bad("lambda X: X", _f),
        Bad("nc.MSELoss()", nc.MSELoss()),
        Bad("5", 5),
        Bad("object()", object()),
    ] + list(extra)


def loss_family():
    return [
        Bad("nc.MSELoss  # the class", nc.MSELoss),
        Bad("nc.mse  # the function", nc.mse),
        Bad("None", None),
        Bad("'mse'", "mse"),
        Bad("nc.Dense(1, 1, rng=0)", nc.Dense(1, 1, rng=0)),
        Bad("lambda p, t: 0.0", lambda p, t: 0.0),
        Bad("5", 5),
        Bad("object()", object()),
        Bad("nc.Loss()  # the base class", nc.Loss()),
    ]


def optimizer_family():
    return [
        Bad("nc.SGD  # the class", nc.SGD),
        Bad("None", None),
        Bad("'sgd'", "sgd"),
        Bad("nc.MLP([2, 1], rng=0)", nc.MLP([2, 1], rng=0)),
        Bad("5", 5),
        Bad("lambda: None", lambda: None),
        Bad("object()", object()),
        Bad("[nc.Parameter(np.ones(2))]", [nc.Parameter(np.ones(2))]),
    ]


# ----------------------------------------------------------------------------- hypothesis


def array_strategy(arg: Arg, shape_ok, *, nan=True):
    """Random bad arrays for an array argument: wrong shapes (any dtype), bad dtypes of the valid
    shape, NaN at a random position of the valid array, random objects."""
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    valid = np.asarray(arg.valid)
    floats = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)

    def shaped(shape):
        return Bad(_shape_label(shape), rand(*shape), refuse=True)

    wrong_shape = (
        hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6)
        .filter(lambda s: not shape_ok(s))
        .map(shaped)
    )
    bad_dtype = st.sampled_from(
        [
            np.complex64,
            np.complex128,
            np.dtype("U3"),
            np.dtype("S3"),
            np.dtype("m8[s]"),
            np.dtype("M8[s]"),
        ]
    ).flatmap(
        lambda dt: hnp.arrays(dt, valid.shape).map(
            lambda a: Bad(f"np.zeros({valid.shape}, dtype={a.dtype.str!r})", a)
        )
    )
    out = [wrong_shape, bad_dtype]
    if nan and valid.size and valid.dtype.kind == "f":

        def with_nan(i_x):
            i, x = i_x
            value = valid.copy()
            value.flat[i % valid.size] = np.nan
            return Bad(f"{arg.valid_label} with nan at flat index {i % valid.size}", value)

        out.append(st.tuples(st.integers(0, 10_000), floats).map(with_nan))
        out.append(
            hnp.arrays(np.float64, valid.shape, elements=floats).map(
                lambda a: Bad("an array like the valid one, all NaN", np.full_like(a, np.nan))
            )
        )
    return st.one_of(*out)


def number_strategy(lo=None, hi=None, lo_open=False, hi_open=False):
    """Random out-of-range floats for a number argument with interval [lo, hi]."""
    from hypothesis import strategies as st

    parts = []
    if lo is not None:
        parts.append(
            st.floats(max_value=lo, exclude_max=not lo_open, allow_nan=False, min_value=-1e300)
        )
    if hi is not None:
        parts.append(
            st.floats(min_value=hi, exclude_min=not hi_open, allow_nan=False, max_value=1e300)
        )
    if not parts:
        return None
    return st.one_of(*parts).map(lambda v: Bad(repr(v), v))


# ----------------------------------------------------------------------------- the catalogue

X43 = np.array([[0.5, -1.2, 0.3], [1.0, 0.2, -0.7], [-0.4, 0.9, 1.5], [0.1, -0.3, 0.8]])
Y42 = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.9], [0.7, 0.0]])
P41 = np.array([[0.2], [0.7], [0.9], [0.4]])  # probabilities
B41 = np.array([[0.0], [1.0], [1.0], [0.0]])  # binary targets
L43 = np.array([[1.0, -0.5, 0.2], [0.1, 0.3, -1.2], [2.0, 0.0, 0.5], [-0.3, 0.8, 0.1]])
LAB4 = np.array([0, 2, 1, 2])
Z22 = np.array([[-2.0, 0.5], [1.0, 3.0]])

CATALOGUE: list[Entry] = []


def entry(name, module, names, build, args, repro, requires=(), patterns=()):
    CATALOGUE.append(
        Entry(name, module, tuple(names), build, list(args), repro, tuple(requires), patterns)
    )


def _any_shape(shape):
    return True


def _matrix(n_cols, min_rows=1):
    return lambda s: len(s) == 2 and s[1] == n_cols and s[0] >= min_rows


def _same(shape):
    return lambda s: tuple(s) == tuple(shape)


def _rows(m):
    return lambda s: len(s) >= 1 and s[0] == m


# ---- activations: elementwise functions of z
ELEMENTWISE = [
    "step",
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "relu_grad",
    "sigmoid_grad",
    "tanh_grad",
    "softplus",
    "softplus_grad",
    "gelu",
    "gelu_grad",
    "leaky_relu",
    "leaky_relu_grad",
]


def _z_arg(valid=Z22, label="Z22", nan=True):
    a = Arg("z", valid, label, [])
    a.bad = array_family(valid, label, _any_shape, nan=nan, inf=False, edge_shapes=True, big=True)
    a.bad += [
        Bad("np.array(np.inf)", np.array(np.inf), refuse=False),
        Bad("-np.inf", -np.inf, refuse=False),
        Bad("1e300", 1e300, refuse=False),
        Bad("np.array(-1e300, dtype=np.float64)", np.array(-1e300), refuse=False),
    ]
    a.strategy = ("array", _any_shape, nan)
    return a


for _name in ELEMENTWISE:
    _args = [_z_arg()]
    _repro = f"nc.{_name}(z={{z}}"
    if _name.startswith("leaky_relu"):
        _args.append(Arg("alpha", 0.01, "0.01", number_family(0.01, "0.01", lo=0, inf=False)))
        _repro += ", alpha={alpha}"
    if _name in ("gelu", "gelu_grad"):
        _args.append(
            Arg("approximate", "none", "'none'", choice_family(["none", "tanh"]), optional=True)
        )
        _repro += ", approximate={approximate}"
    entry(
        _name,
        "activations",
        [rf"\b{_name}\b"],
        functools.partial(lambda n: (getattr(nc, n), {"z": Z22.copy()}), _name),
        _args,
        _repro + ")",
    )


def _axis_family(layer=False):
    """Bad axes for 2-D input. A layer cannot know the input's ndim when it is built, so for
    ``Softmax(axis=)`` an out-of-range integer may wait for ``forward`` (see the next entry)."""
    return [
        Bad("5", 5, refuse=not layer),
        Bad("-3", -3, refuse=not layer),
        Bad("'a'", "a"),
        Bad("1.5", 1.5),
        Bad("[0, 1]", [0, 1]),
        Bad("(0, 1)", (0, 1), refuse=False),
        Bad("None", None, refuse=False),
        Bad("np.int64(1)", np.int64(1), refuse=False),
        Bad("True", True, refuse=False),
        Bad("{}", {}),
        Bad("object()", object()),
        Bad("np.array([0, 1])", np.array([0, 1])),
        Bad("2", 2, refuse=not layer),
    ]


for _name in ("softmax", "log_softmax", "logsumexp"):
    _za = _z_arg()
    # an empty axis has no softmax: shapes with a zero last dimension must be refused
    _za.bad = [
        dataclasses.replace(b, refuse=True)
        if isinstance(b.value, np.ndarray) and b.value.ndim and b.value.shape[-1] == 0
        else b
        for b in _za.bad
    ]
    _za.bad.append(Bad("np.zeros((3, 0))", np.zeros((3, 0))))
    _za.bad.append(Bad("np.array(np.inf)", np.array(np.inf), refuse=False))
    _za.strategy = ("array", lambda s: not (len(s) and s[-1] == 0), True)
    entry(
        _name,
        "activations",
        [rf"\b{_name}\b"],
        functools.partial(lambda n: (getattr(nc, n), {"z": Z22.copy(), "axis": -1}), _name),
        [_za, Arg("axis", -1, "-1", _axis_family())],
        f"nc.{_name}({{z}}, axis={{axis}})",
    )


# ---- layers
def _param_build():
    return nc.Parameter, {"data": np.ones((2, 3))}


_pdata = Arg("data", np.ones((2, 3)), "np.ones((2, 3))", [])
_pdata.bad = [
    b
    for b in array_family(np.ones((2, 3)), "np.ones((2, 3))", _any_shape, nan=False, inf=False)
    if not b.label.startswith("rand")
]
entry("Parameter", "layers", [r"\bParameter\b"], _param_build, [_pdata], "nc.Parameter({data})")


def _dense_ctor():
    return nc.Dense, {"n_in": 3, "n_out": 2, "init": "he", "rng": 0, "dtype": np.float64}


_NIN = number_family(3, "3", lo=1, integer=True, extra=[Bad("None", None), Bad("[3]", [3])])
entry(
    "Dense",
    "layers",
    [r"\bDense\b"],
    _dense_ctor,
    [
        Arg("n_in", 3, "3", _NIN),
        Arg("n_out", 2, "2", number_family(2, "2", lo=1, integer=True, extra=[Bad("None", None)])),
        Arg(
            "init",
            "he",
            "'he'",
            choice_family(
                ["he", "xavier", "normal", "zeros"], extra=[Bad("None", None, refuse=False)]
            ),
        ),
        Arg("rng", 0, "0", rng_family()),
        Arg("dtype", np.float64, "np.float64", dtype_family()),
    ],
    "nc.Dense({n_in}, {n_out}, init={init}, rng={rng}, dtype={dtype})",
)


def _dense_fwd():
    layer = nc.Dense(3, 2, rng=0)
    return (lambda X: layer.forward(X)), {"X": X43.copy()}


def _X_arg(valid=X43, label="X43", n_cols=3, nan=True, names=()):
    a = Arg("X", valid, label, array_family(valid, label, _matrix(n_cols), nan=nan), names=names)
    a.strategy = ("array", _matrix(n_cols), nan)
    return a


entry(
    "Dense.forward",
    "layers",
    [r"Dense\.forward"],
    _dense_fwd,
    [_X_arg()],
    "nc.Dense(3, 2, rng=0).forward({X})",
)


def _dense_bwd():
    layer = nc.Dense(3, 2, rng=0)
    layer.forward(X43.copy())
    return (lambda dY: layer.backward(dY)), {"dY": Y42.copy()}


def _dY_arg(valid, label):
    a = Arg("dY", valid, label, array_family(valid, label, _same(valid.shape), nan=False))
    a.strategy = ("array", _same(valid.shape), False)
    return a


entry(
    "Dense.backward",
    "layers",
    [r"Dense\.backward"],
    _dense_bwd,
    [_dY_arg(Y42, "Y42")],
    "(d := nc.Dense(3, 2, rng=0), d.forward(X43), d.backward({dY}))",
)

_ACT_LAYERS = {
    "Identity": {},
    "Step": {},
    "Sigmoid": {},
    "Tanh": {},
    "ReLU": {},
    "LeakyReLU": {"alpha": (0.01, "0.01", number_family(0.01, "0.01", lo=0, inf=False))},
    "Softplus": {},
    "GELU": {"approximate": ("none", "'none'", choice_family(["none", "tanh"]), True)},
    "Softmax": {"axis": (-1, "-1", _axis_family(layer=True))},
}


def _layer_ctor(cls_name, kwargs):
    return getattr(nc, cls_name), dict(kwargs)


for _cls, _opts in _ACT_LAYERS.items():
    _valid = {k: v[0] for k, v in _opts.items() if not (len(v) > 3 and v[3])}
    _args = [Arg(k, v[0], v[1], v[2], optional=len(v) > 3 and v[3]) for k, v in _opts.items()]
    if _args:
        entry(
            _cls,
            "layers",
            [rf"\b{_cls}\b"],
            functools.partial(_layer_ctor, _cls, _valid),
            _args,
            f"nc.{_cls}(" + ", ".join(f"{k}={{{k}}}" for k in _opts) + ")",
        )

    def _fwd(cls=_cls, valid=_valid):
        layer = getattr(nc, cls)(**valid)
        return (lambda Z: layer.forward(Z)), {"Z": Z22.copy()}

    def _bwd(cls=_cls, valid=_valid):
        layer = getattr(nc, cls)(**valid)
        layer.forward(Z22.copy())
        return (lambda dA: layer.backward(dA)), {"dA": Z22.copy()}

    _zl = Arg("Z", Z22, "Z22", [])
    # an activation layer takes any shape (a layer inside a network); Softmax needs a
    # non-empty last axis. NaN inside a network is checked where data enter (Dense.forward).
    _zl.bad = array_family(Z22, "Z22", _any_shape, nan=False, inf=False, edge_shapes=True)
    if _cls == "Softmax":
        _zl.bad = [
            dataclasses.replace(b, refuse=True)
            if isinstance(b.value, np.ndarray) and b.value.ndim and b.value.shape[-1] == 0
            else b
            for b in _zl.bad
        ]
    _zl.strategy = ("array", _any_shape, False)
    _fn_name = {"LeakyReLU": "leaky_relu", "ReLU": "relu"}.get(_cls, _cls.lower())
    entry(
        f"{_cls}.forward",
        "layers",
        [rf"{_cls}\.forward", rf"\b{_fn_name}\b"],
        _fwd,
        [_zl],
        f"nc.{_cls}().forward({{Z}})",
    )
    _da = Arg("dA", Z22, "Z22", array_family(Z22, "Z22", _same((2, 2)), nan=False))
    _da.strategy = ("array", _same((2, 2)), False)
    entry(
        f"{_cls}.backward",
        "layers",
        [rf"{_cls}\.backward"],
        _bwd,
        [_da],
        f"(a := nc.{_cls}(), a.forward(Z22), a.backward({{dA}}))",
    )


def _softmax_axis_fwd():
    def call(axis):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                layer = nc.Softmax(axis=axis)
            except (TypeError, ValueError):
                return None  # refused when built: judged by the Softmax entry
        return layer.forward(Z22.copy())

    return call, {"axis": -1}


entry(
    "Softmax(axis=...).forward",
    "layers",
    [r"Softmax\.forward", r"\bsoftmax\b"],
    _softmax_axis_fwd,
    [Arg("axis", -1, "-1", [Bad("5", 5), Bad("-3", -3), Bad("2", 2)])],
    "nc.Softmax(axis={axis}).forward(Z22)",
)


def _dropout_ctor():
    return nc.Dropout, {"p": 0.5, "rng": 0}


entry(
    "Dropout",
    "layers",
    [r"\bDropout\b"],
    _dropout_ctor,
    [
        Arg(
            "p",
            0.5,
            "0.5",
            number_family(0.5, "0.5", lo=0, hi=1, hi_open=True, extra=[Bad("None", None)]),
        ),
        Arg("rng", 0, "0", rng_family()),
    ],
    "nc.Dropout(p={p}, rng={rng})",
)


def _dropout_fwd():
    layer = nc.Dropout(0.5, rng=0)
    return (lambda X: layer.forward(X)), {"X": Z22.copy()}


def _dropout_bwd():
    layer = nc.Dropout(0.5, rng=0)
    layer.forward(Z22.copy())
    return (lambda dA: layer.backward(dA)), {"dA": Z22.copy()}


_dx = Arg("X", Z22, "Z22", array_family(Z22, "Z22", _any_shape, nan=False, edge_shapes=True))
_dx.strategy = ("array", _any_shape, False)
entry(
    "Dropout.forward",
    "layers",
    [r"Dropout\.forward"],
    _dropout_fwd,
    [_dx],
    "nc.Dropout(0.5, rng=0).forward({X})",
)
_dda = Arg("dA", Z22, "Z22", array_family(Z22, "Z22", _same((2, 2)), nan=False))
_dda.strategy = ("array", _same((2, 2)), False)
entry(
    "Dropout.backward",
    "layers",
    [r"Dropout\.backward"],
    _dropout_bwd,
    [_dda],
    "(d := nc.Dropout(0.5, rng=0), d.forward(Z22), d.backward({dA}))",
)


def _bn_ctor():
    return nc.BatchNorm1d, {
        "num_features": 3,
        "eps": 1e-5,
        "momentum": 0.1,
        "affine": True,
        "dtype": np.float64,
    }


entry(
    "BatchNorm1d",
    "layers",
    [r"\bBatchNorm1d\b"],
    _bn_ctor,
    [
        Arg(
            "num_features",
            3,
            "3",
            number_family(3, "3", lo=1, integer=True, extra=[Bad("None", None)]),
        ),
        Arg("eps", 1e-5, "1e-5", number_family(1e-5, "1e-5", lo=0, lo_open=True, inf=False)),
        Arg(
            "momentum",
            0.1,
            "0.1",
            number_family(0.1, "0.1", lo=0, hi=1, extra=[Bad("None", None, refuse=False)]),
        ),
        Arg("affine", True, "True", bool_family()),
        Arg("dtype", np.float64, "np.float64", dtype_family()),
    ],
    "nc.BatchNorm1d({num_features}, eps={eps}, momentum={momentum}, affine={affine}, "
    "dtype={dtype})",
    requires=("BatchNorm1d",),
)


def _bn_fwd():
    layer = nc.BatchNorm1d(3)
    return (lambda X: layer.forward(X)), {"X": X43.copy()}


def _bn_bwd():
    layer = nc.BatchNorm1d(3)
    layer.forward(X43.copy())
    return (lambda dY: layer.backward(dY)), {"dY": X43.copy()}


_bnx = _X_arg(nan=False)
# a batch of one sample has no variance in training mode (PyTorch raises): refused
_bnx.bad.append(Bad("X43[:1]  # one sample in train mode", X43[:1].copy()))
entry(
    "BatchNorm1d.forward",
    "layers",
    [r"BatchNorm1d\.forward"],
    _bn_fwd,
    [_bnx],
    "nc.BatchNorm1d(3).forward({X})",
    requires=("BatchNorm1d",),
)
entry(
    "BatchNorm1d.backward",
    "layers",
    [r"BatchNorm1d\.backward"],
    _bn_bwd,
    [_dY_arg(X43, "X43")],
    "(b := nc.BatchNorm1d(3), b.forward(X43), b.backward({dY}))",
    requires=("BatchNorm1d",),
)


def _layer_family():
    return [
        Bad("None", None),
        Bad("'relu'", "relu"),
        Bad("nc.ReLU  # the class", nc.ReLU),
        Bad("lambda x: x", _f),
        Bad("5", 5),
        Bad("[nc.ReLU()]", [nc.ReLU()]),
        Bad("{'a': nc.ReLU()}", {"a": nc.ReLU()}),
        Bad("nc.MSELoss()", nc.MSELoss()),
        Bad("nc.relu  # the function", nc.relu),
        Bad("object()", object()),
        Bad("np.ones(3)", np.ones(3)),
    ]


def _seq_ctor():
    return (lambda first, second: nc.Sequential(first, second)), {
        "first": nc.Dense(3, 2, rng=0),
        "second": nc.ReLU(),
    }


entry(
    "Sequential",
    "network",
    [r"\bSequential\b"],
    _seq_ctor,
    [
        Arg("first", None, "nc.Dense(3, 2, rng=0)", _layer_family()),
        Arg("second", None, "nc.ReLU()", _layer_family()),
    ],
    "nc.Sequential({first}, {second})",
)


def _seq_mismatch():
    model = nc.Sequential(nc.Dense(3, 2, rng=0), nc.ReLU(), nc.Dense(3, 2, rng=1))
    return (lambda X: model.forward(X)), {"X": X43.copy()}


entry(
    "Sequential (mismatched widths).forward",
    "network",
    [r"Dense\.forward", r"Sequential(\.forward)?"],
    _seq_mismatch,
    [Arg("X", X43, "X43", [Bad("X43  # layer 2 expects 3 inputs, gets 2", X43.copy())])],
    "nc.Sequential(nc.Dense(3, 2), nc.ReLU(), nc.Dense(3, 2)).forward({X})",
)


def _residual_ctor():
    return (lambda inner: nc.Residual(inner)), {"inner": nc.Dense(3, 3, rng=0)}


entry(
    "Residual",
    "layers",
    [r"\bResidual\b"],
    _residual_ctor,
    [Arg("inner", None, "nc.Dense(3, 3, rng=0)", _layer_family())],
    "nc.Residual({inner})",
    requires=("Residual",),
)


def _residual_fwd():
    layer = nc.Residual(nc.Dense(3, 3, rng=0), nc.ReLU())
    return (lambda X: layer.forward(X)), {"X": X43.copy()}


def _residual_shape():
    # F(x) of another width than x: y = x + F(x) is undefined; refused at construction or forward
    return (lambda X: nc.Residual(nc.Dense(3, 2, rng=0)).forward(X)), {"X": X43.copy()}


entry(
    "Residual.forward",
    "layers",
    [r"Residual(\.forward)?", r"Dense\.forward"],
    _residual_fwd,
    [_X_arg()],
    "nc.Residual(nc.Dense(3, 3, rng=0), nc.ReLU()).forward({X})",
    requires=("Residual",),
)
entry(
    "Residual (width-changing F)",
    "layers",
    [r"\bResidual\b"],
    _residual_shape,
    [Arg("X", X43, "X43", [Bad("X43", X43.copy())])],
    "nc.Residual(nc.Dense(3, 2, rng=0)).forward({X})",
    requires=("Residual",),
)


def _mlp_ctor():
    return nc.MLP, {
        "sizes": [3, 4, 2],
        "activation": "relu",
        "output": None,
        "rng": 0,
        "dtype": np.float64,
    }


_SIZES = [
    Bad("None", None),
    Bad("5", 5),
    Bad("'23'", "23"),
    Bad("[3]", [3]),
    Bad("[]", []),
    Bad("[3, 0, 2]", [3, 0, 2]),
    Bad("[3, -1, 2]", [3, -1, 2]),
    Bad("[3.5, 2]", [3.5, 2]),
    Bad("['a', 'b']", ["a", "b"]),
    Bad("[3, None]", [3, None]),
    Bad("[[3, 2]]", [[3, 2]]),
    Bad("np.array([[3, 2]])", np.array([[3, 2]])),
    Bad("{3: 2}", {3: 2}),
    Bad("[3, True]", [3, True], refuse=False),
    Bad("(3, 2)", (3, 2), refuse=False),
    Bad("np.array([3, 2])", np.array([3, 2]), refuse=False),
    Bad("[3, 2.0]", [3, 2.0], refuse=False),
    Bad("[3, float('nan')]", [3, float("nan")]),
    Bad("[3, float('inf')]", [3, float("inf")]),
    Bad("nc.Dense(3, 2, rng=0)", nc.Dense(3, 2, rng=0)),
    Bad("lambda: [3, 2]", lambda: [3, 2]),
    Bad("[3, '2']", [3, "2"]),
    Bad("[3, 2j]", [3, 2j]),
    Bad("nc.MLP  # the class", nc.MLP),
]
entry(
    "MLP",
    "network",
    [r"\bMLP\b"],
    _mlp_ctor,
    [
        Arg("sizes", [3, 4, 2], "[3, 4, 2]", _SIZES),
        Arg(
            "activation",
            "relu",
            "'relu'",
            choice_family(
                ["relu", "sigmoid", "tanh"],
                extra=[
                    Bad("nc.ReLU  # the class", nc.ReLU, refuse=False),
                    Bad("nc.relu  # the function", nc.relu, False),
                    Bad("None", None, refuse=False),
                ],
            ),
        ),
        Arg(
            "output",
            None,
            "None",
            choice_family(["sigmoid", "softmax"], extra=[Bad("'relu6'", "relu6")]),
        ),
        Arg("rng", 0, "0", rng_family()),
        Arg("dtype", np.float64, "np.float64", dtype_family()),
    ],
    "nc.MLP({sizes}, activation={activation}, output={output}, rng={rng}, dtype={dtype})",
)

_MODEL_NAMES = (r"(MLP|Sequential)\.(forward|predict)", r"Dense\.forward")


def _mlp_fwd():
    model = nc.MLP([3, 4, 2], rng=0)
    return (lambda X: model.forward(X)), {"X": X43.copy()}


def _mlp_predict():
    model = nc.MLP([3, 4, 2], rng=0)
    return (lambda X: model.predict(X)), {"X": X43.copy()}


def _mlp_bwd():
    model = nc.MLP([3, 4, 2], rng=0)
    model.forward(X43.copy())
    return (lambda dY: model.backward(dY)), {"dY": Y42.copy()}


entry(
    "MLP.forward",
    "network",
    _MODEL_NAMES,
    _mlp_fwd,
    [_X_arg()],
    "nc.MLP([3, 4, 2], rng=0).forward({X})",
)
entry(
    "MLP.predict",
    "network",
    _MODEL_NAMES,
    _mlp_predict,
    [_X_arg()],
    "nc.MLP([3, 4, 2], rng=0).predict({X})",
)
entry(
    "MLP.backward",
    "network",
    [r"(MLP|Sequential)\.backward", r"Dense\.backward", r"ReLU\.backward"],
    _mlp_bwd,
    [_dY_arg(Y42, "Y42")],
    "(m := nc.MLP([3, 4, 2], rng=0), m.forward(X43), m.backward({dY}))",
)


def _state_dict_family(valid_keys):
    k = valid_keys[0]
    return [
        Bad("None", None),
        Bad("{}", {}),
        Bad("5", 5),
        Bad("'state'", "state"),
        Bad("[np.ones(2)]", [np.ones(2)]),
        Bad("{'nonsense': np.ones(2)}", {"nonsense": np.ones(2)}),
        Bad(f"{{{k!r}: np.ones((7, 7))}}  # wrong shape, other keys missing", {k: np.ones((7, 7))}),
        Bad(f"{{{k!r}: 'abc'}}", {k: "abc"}),
        Bad("nc.MLP([3, 4, 2], rng=0)  # the model, not its state", nc.MLP([3, 4, 2], rng=0)),
    ]


def _mlp_load():
    model = nc.MLP([3, 4, 2], rng=0)
    return (lambda d: model.load_state_dict(d)), {"d": nc.MLP([3, 4, 2], rng=1).state_dict()}


def _mlp_state_family():
    try:
        sd = nc.MLP([3, 4, 2], rng=0).state_dict()
    except AttributeError:
        return []
    keys = list(sd)
    out = _state_dict_family(keys)
    for key in keys:
        wrong = dict(sd)
        wrong[key] = np.ones(np.shape(sd[key]) + (2,))
        out.append(Bad(f"state_dict() with {key!r} of a wrong shape", wrong))
        missing = {k: v for k, v in sd.items() if k != key}
        out.append(Bad(f"state_dict() without {key!r}", missing))
        nanned = {k: np.array(v, dtype=float, copy=True) for k, v in sd.items()}
        if nanned[key].size:
            nanned[key].flat[0] = np.nan
            out.append(Bad(f"state_dict() with NaN in {key!r}", nanned, refuse=False))
        other = dict(sd)
        other[key] = np.asarray(sd[key]).astype(str)
        out.append(Bad(f"state_dict() with {key!r} as strings", other))
    extra = dict(sd)
    extra["9.extra"] = np.ones(2)
    out.append(Bad("state_dict() with an extra key '9.extra'", extra))
    return out


entry(
    "Sequential.load_state_dict",
    "network",
    [r"(MLP|Sequential)\.load_state_dict"],
    _mlp_load,
    [
        Arg(
            "d",
            None,
            "nc.MLP([3, 4, 2], rng=1).state_dict()",
            _mlp_state_family() if hasattr(nc.Sequential, "state_dict") else [],
        )
    ],
    "nc.MLP([3, 4, 2], rng=0).load_state_dict({d})",
    requires=("Sequential.load_state_dict",),
)


# ---- losses
def _loss_setup(kind):
    if kind == "regression":
        return Y42, "Y42", Y42[::-1].copy(), "Y42[::-1]"
    if kind == "probs":
        return P41, "P41", B41, "B41"
    if kind == "logits":
        return L43, "L43", LAB4, "LAB4"
    if kind == "logprobs":
        return nc.log_softmax(L43), "nc.log_softmax(L43)", LAB4, "LAB4"
    if kind == "binlogits":
        return Y42[:, :1].copy(), "Y42[:, :1]", B41, "B41"
    raise ValueError(kind)


_LOSSES = [
    # class, functional, kind, constructor kwargs {name: (valid, label, bad)}
    ("MSELoss", "mse", "regression", {}),
    ("MAELoss", "mae", "regression", {}),
    ("RMSELoss", "rmse", "regression", {}),
    (
        "HuberLoss",
        "huber",
        "regression",
        {"delta": (1.0, "1.0", number_family(1.0, "1.0", lo=0, lo_open=True, inf=False))},
    ),
    ("BCELoss", "binary_cross_entropy", "probs", {}),
    ("BCEWithLogitsLoss", "binary_cross_entropy_with_logits", "binlogits", {}),
    ("CrossEntropyLoss", "cross_entropy", "logits", {}),
    ("NLLLoss", "nll_loss", "logprobs", {}),
    (
        "FocalLoss",
        "focal_loss",
        "probs",
        {
            "alpha": (0.25, "0.25", number_family(0.25, "0.25", lo=0, hi=1)),
            "gamma": (2.0, "2.0", number_family(2.0, "2.0", lo=0, inf=False)),
        },
    ),
]


def _target_family(kind, pred, target, tlabel):
    """Bad targets beyond the generic array family, by kind of loss."""
    out = []
    if kind in ("logits", "logprobs"):
        # labels: integers in [0, k); or rows of probabilities (m, k)
        shape_ok = lambda s: s == (4,) or s == (4, 3)  # noqa: E731
        out += array_family(target, tlabel, shape_ok, ints=3)
        out = [b for b in out if not b.label.startswith("np.arange")]  # fill is not labels-only
        for s in SHAPES:
            if not shape_ok(s):
                out.append(Bad(f"np.zeros({s}, dtype=int)", np.zeros(s, dtype=int)))
        out += [
            Bad("np.array([0.0, 1e20, 0.0, 1.0])", np.array([0.0, 1e20, 0.0, 1.0])),
            Bad("np.array([0.5, 1.0, 2.0, 0.0])", np.array([0.5, 1.0, 2.0, 0.0])),
            Bad("np.array([0, 3, 1, 2])  # k = 3", np.array([0, 3, 1, 2])),
            Bad("np.array([0, -1, 1, 2])", np.array([0, -1, 1, 2])),
            Bad("np.array([0, 2**40, 1, 2])", np.array([0, 2**40, 1, 2])),
            Bad("np.array([0.0, np.nan, 1.0, 2.0])", np.array([0.0, np.nan, 1.0, 2.0])),
            Bad("np.array([0.0, np.inf, 1.0, 2.0])", np.array([0.0, np.inf, 1.0, 2.0])),
            Bad("np.array(['0', '1', '2', '0'])", np.array(["0", "1", "2", "0"])),
            Bad("np.array([0, 2, 1, 2])[:, None]  # (4, 1)", LAB4[:, None].copy()),
            Bad("np.eye(3)[LAB4] * 2  # rows sum to 2", np.eye(3)[LAB4] * 2),
            Bad("np.eye(3)[LAB4] - 0.5", np.eye(3)[LAB4] - 0.5),
            Bad("np.full((4, 3), np.nan)", np.full((4, 3), np.nan)),
            Bad("np.eye(2)[[0, 1, 1, 0]]  # k = 2", np.eye(2)[[0, 1, 1, 0]]),
            Bad("np.eye(3)[LAB4].astype(complex)", np.eye(3)[LAB4].astype(complex)),
            Bad("np.array([0, 1.0000001, 1, 2])", np.array([0, 1.0000001, 1, 2])),
            Bad(
                "np.array([True, False, True, True])",
                np.array([True, False, True, True]),
                refuse=False,
            ),
            Bad("np.eye(3)[LAB4]  # one-hot", np.eye(3)[LAB4], refuse=False),
            Bad("np.array([0, 2, 1, 2], dtype=np.uint8)", LAB4.astype(np.uint8), refuse=False),
            Bad("[0, 2, 1, 2]", [0, 2, 1, 2], refuse=False),
        ]
    else:
        out += array_family(target, tlabel, _same(pred.shape), nan=True, inf=kind != "regression")
    if kind == "probs":
        out += [
            Bad("B41 * 2", B41 * 2),
            Bad("B41 - 0.5", B41 - 0.5),
            Bad("B41 + 1e-9", B41 + 1e-9),
            Bad("np.full((4, 1), 1e300)", np.full((4, 1), 1e300)),
            Bad("np.full((4, 1), 0.3)  # soft targets", np.full((4, 1), 0.3), refuse=False),
        ]
    if kind == "binlogits":
        out += [Bad("B41 * 2", B41 * 2), Bad("B41 - 0.5", B41 - 0.5)]
    if kind == "regression":
        out += [Bad("np.full((4, 2), 1e300)", np.full((4, 2), 1e300), refuse=False)]
    return out


def _LOGIT_SHAPE(s):
    return len(s) == 2 and s[0] == 4 and s[1] >= 3  # labels LAB4 go up to 2


def _pred_family(kind, pred, plabel):
    if kind in ("logits", "logprobs"):
        shape_ok = _LOGIT_SHAPE
    else:
        shape_ok = _same(pred.shape)
    out = array_family(
        pred,
        plabel,
        shape_ok,
        nan=True,
        inf=kind in ("probs", "logprobs"),
        big=kind in ("regression", "logits", "binlogits"),
    )
    if kind == "probs":
        out += [
            Bad("P41 * 2", P41 * 2),
            Bad("P41 - 1", P41 - 1),
            Bad("P41 + 1e-9 + 0.1", P41 + 0.1 + 1e-9),
        ]
    if kind == "logprobs":  # -inf is log(0), a valid log-probability
        out = [dataclasses.replace(b, refuse=False) if "with -inf" in b.label else b for b in out]
        out += [Bad("-nc.log_softmax(L43)  # positive", -nc.log_softmax(L43), refuse=False)]
    if kind == "logits":
        out += [Bad("L43.astype(np.float32) * 1e37", (L43 * 1e37).astype(np.float32), refuse=False)]
    return out


for _cls, _fn, _kind, _ctor in _LOSSES:
    _pred, _plabel, _target, _tlabel = _loss_setup(_kind)
    _ctor_valid = {k: v[0] for k, v in _ctor.items()}
    _names = [rf"\b{_cls}\b", rf"\b{_fn}\b"]
    if _ctor:
        entry(
            _cls,
            "losses",
            [rf"\b{_cls}\b"],
            functools.partial(lambda c, kw: (getattr(nc, c), dict(kw)), _cls, _ctor_valid),
            [Arg(k, v[0], v[1], v[2]) for k, v in _ctor.items()],
            f"nc.{_cls}(" + ", ".join(f"{k}={{{k}}}" for k in _ctor) + ")",
        )

    def _fwd(c=_cls, kw=_ctor_valid, p=_pred, t=_target):
        loss = getattr(nc, c)(**kw)
        return (lambda pred, target: loss.forward(pred, target)), {
            "pred": p.copy(),
            "target": np.array(t, copy=True),
        }

    _pa = Arg("pred", _pred, _plabel, _pred_family(_kind, _pred, _plabel))
    _pa.strategy = (
        "array",
        _LOGIT_SHAPE if _kind in ("logits", "logprobs") else _same(_pred.shape),
        True,
    )
    _ta = Arg("target", _target, _tlabel, _target_family(_kind, _pred, _target, _tlabel))
    if _kind not in ("logits", "logprobs"):
        _ta.strategy = ("array", _same(_target.shape), True)
    entry(
        f"{_cls}.forward",
        "losses",
        _names,
        _fwd,
        [_pa, _ta],
        f"nc.{_cls}().forward({{pred}}, {{target}})",
    )

    def _func(f=_fn, kw=_ctor_valid, p=_pred, t=_target):
        fn = getattr(nc, f)
        return (lambda pred, target, **kws: fn(pred, target, **kws)), {
            "pred": p.copy(),
            "target": np.array(t, copy=True),
            **kw,
        }

    entry(
        _fn,
        "losses",
        _names,
        _func,
        [_pa, _ta] + [Arg(k, v[0], v[1], v[2]) for k, v in _ctor.items()],
        f"nc.{_fn}({{pred}}, {{target}}" + "".join(f", {k}={{{k}}}" for k in _ctor) + ")",
    )


# ---- optimizers
def _opt_build(cls_name, kwargs):
    model = nc.MLP([2, 3, 1], rng=0)
    return getattr(nc, cls_name), {"params": model.parameters(), **kwargs}


_LR = lambda valid: number_family(valid, repr(valid), lo=0, extra=[Bad("None", None)])  # noqa: E731
_OPTS = {
    "SGD": {
        "lr": (0.1, _LR(0.1)),
        "momentum": (0.0, number_family(0.0, "0.0", lo=0, hi=1, hi_open=True)),
        "nesterov": (False, bool_family()),
        "weight_decay": (0.0, number_family(0.0, "0.0", lo=0)),
        "dampening": (0.0, number_family(0.0, "0.0", lo=0, hi=1), True),
    },
    "AdaGrad": {"lr": (0.01, _LR(0.01)), "eps": (1e-10, number_family(1e-10, "1e-10", lo=0))},
    "RMSprop": {
        "lr": (0.01, _LR(0.01)),
        "alpha": (0.99, number_family(0.99, "0.99", lo=0, hi=1, hi_open=True)),
        "eps": (1e-8, number_family(1e-8, "1e-8", lo=0)),
        "momentum": (0.0, number_family(0.0, "0.0", lo=0, hi=1, hi_open=True), True),
        "centered": (False, bool_family(), True),
        "weight_decay": (0.0, number_family(0.0, "0.0", lo=0), True),
    },
}
_BETAS = [
    Bad("(0.9,)", (0.9,)),
    Bad("(1.0, 0.999)", (1.0, 0.999)),
    Bad("(0.9, 1.0)", (0.9, 1.0)),
    Bad("(-0.1, 0.999)", (-0.1, 0.999)),
    Bad("'ab'", "ab"),
    Bad("None", None),
    Bad("0.9", 0.9),
    Bad("(0.9, 0.999, 0.1)", (0.9, 0.999, 0.1)),
    Bad("(float('nan'), 0.999)", (float("nan"), 0.999)),
    Bad("('0.9', 0.999)", ("0.9", 0.999)),
    Bad("{0.9, 0.999}", {0.9, 0.999}),
    Bad("np.array([0.9, 0.999])", np.array([0.9, 0.999]), refuse=False),
    Bad("[0.9, 0.999]", [0.9, 0.999], refuse=False),
    Bad("(0.9, 2)", (0.9, 2)),
    Bad("(0.9, None)", (0.9, None)),
]
for _adam in ("Adam", "AdamW"):
    _OPTS[_adam] = {
        "lr": (1e-3, _LR(1e-3)),
        "betas": ((0.9, 0.999), _BETAS),
        "eps": (1e-8, number_family(1e-8, "1e-8", lo=0)),
        "weight_decay": (
            0.0 if _adam == "Adam" else 0.01,
            number_family(0.0, "0.0", lo=0),
            _adam == "Adam",
        ),
        "amsgrad": (False, bool_family(), True),
    }

for _cls, _opts in _OPTS.items():
    _valid = {k: v[0] for k, v in _opts.items() if not (len(v) > 2 and v[2])}
    _args = [Arg("params", None, "nc.MLP([2, 3, 1], rng=0).parameters()", params_family())]
    _args += [
        Arg(k, v[0], repr(v[0]), v[1], optional=len(v) > 2 and v[2]) for k, v in _opts.items()
    ]
    entry(
        _cls,
        "optimizers",
        [rf"\b{_cls}\b"],
        functools.partial(_opt_build, _cls, _valid),
        _args,
        f"nc.{_cls}({{params}}" + "".join(f", {k}={{{k}}}" for k in _opts) + ")",
        requires=(_cls,),
    )

# nesterov needs momentum > 0 and zero dampening, as in PyTorch
entry(
    "SGD (nesterov without momentum)",
    "optimizers",
    [r"\bSGD\b"],
    lambda: (
        (lambda nesterov: nc.SGD(nc.MLP([2, 1], rng=0).parameters(), lr=0.1, nesterov=nesterov)),
        {"nesterov": True},
    ),
    [Arg("nesterov", True, "True", [Bad("True", True)])],
    "nc.SGD(nc.MLP([2, 1], rng=0).parameters(), lr=0.1, nesterov={nesterov})",
)


def _opt_states():
    """Adam state dicts that do not fit the optimizer they are loaded into."""
    if not hasattr(nc.Optimizer, "state_dict"):
        return []
    model = nc.MLP([2, 3, 1], rng=0)
    opt = nc.Adam(model.parameters())
    for p in model.parameters():
        p.grad[...] = 0.1
    opt.step()
    good = opt.state_dict()
    out = []

    def variant(label, change, refuse=True):
        d = copy.deepcopy(good)
        try:
            change(d)
        except Exception:  # noqa: BLE001 - a layout this catalogue did not foresee
            return
        out.append(Bad(label, d, refuse))

    g = "['param_groups'][0]"
    variant(
        f"state_dict() with {g}['params'] = [0, 1, 2]",
        lambda d: d["param_groups"][0].__setitem__("params", [0, 1, 2]),
    )
    variant(
        "state_dict() with two param_groups",
        lambda d: d["param_groups"].append(copy.deepcopy(d["param_groups"][0])),
    )
    variant("state_dict() with no param_groups", lambda d: d.pop("param_groups"))
    variant("state_dict() with no state", lambda d: d.pop("state"))
    variant(
        f"state_dict() with {g}['lr'] = -1", lambda d: d["param_groups"][0].__setitem__("lr", -1)
    )
    variant(
        f"state_dict() with {g}['lr'] = '0.1'",
        lambda d: d["param_groups"][0].__setitem__("lr", "0.1"),
    )
    variant(
        f"state_dict() with {g}['betas'] = (1.0, 0.5)",
        lambda d: d["param_groups"][0].__setitem__("betas", (1.0, 0.5)),
    )
    variant(
        f"state_dict() with {g}['eps'] = float('nan')",
        lambda d: d["param_groups"][0].__setitem__("eps", float("nan")),
    )
    variant(
        "state_dict() with state[9] (no parameter 9)",
        lambda d: d["state"].__setitem__(9, copy.deepcopy(d["state"][0])),
    )

    def wrong_shape(d):
        key = next(k for k, v in d["state"][0].items() if np.ndim(v) >= 1)
        d["state"][0][key] = np.ones(np.shape(d["state"][0][key]) + (3,))

    variant("state_dict() with a state array of a wrong shape", wrong_shape)

    def nan_state(d):
        key = next(k for k, v in d["state"][0].items() if np.ndim(v) >= 1)
        d["state"][0][key] = np.full(np.shape(d["state"][0][key]), np.nan)

    variant("state_dict() with a NaN state array", nan_state, refuse=False)

    def str_state(d):
        key = next(k for k, v in d["state"][0].items() if np.ndim(v) >= 1)
        d["state"][0][key] = np.asarray(d["state"][0][key]).astype(str)

    variant("state_dict() with a state array of strings", str_state)
    other = nc.Adam(nc.MLP([3, 2], rng=0).parameters())
    for p in other.params:
        p.grad[...] = 0.1
    other.step()
    out.append(Bad("nc.Adam(<a model of other shapes>).state_dict()", other.state_dict()))
    sgd = nc.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sgd.step()
    out.append(Bad("nc.SGD(..., momentum=0.9).state_dict()  # SGD's", sgd.state_dict(), False))
    return out


def _opt_load():
    model = nc.MLP([2, 3, 1], rng=0)
    opt = nc.Adam(model.parameters())
    return (lambda d: opt.load_state_dict(d)), {"d": nc.Adam(model.parameters()).state_dict()}


entry(
    "Optimizer.load_state_dict",
    "optimizers",
    [r"(Adam|Optimizer)\.load_state_dict"],
    _opt_load,
    [Arg("d", None, "opt.state_dict()", _state_dict_family(["state", "lr"]) + _opt_states())],
    "nc.Adam(nc.MLP([2, 3, 1], rng=0).parameters()).load_state_dict({d})",
    requires=("Optimizer.load_state_dict",),
)


def _sched_load():
    opt = nc.SGD(nc.MLP([2, 1], rng=0).parameters(), lr=0.1)
    sched = nc.lr_scheduler.StepLR(opt, step_size=2)
    return (lambda d: sched.load_state_dict(d)), {"d": sched.state_dict()}


entry(
    "lr_scheduler.StepLR.load_state_dict",
    "lr_scheduler",
    [r"StepLR\.load_state_dict", r"LRScheduler\.load_state_dict"],
    _sched_load,
    [
        Arg(
            "d",
            None,
            "sched.state_dict()",
            [
                Bad("None", None),
                Bad("5", 5),
                Bad("'abc'", "abc"),
                Bad("[('last_epoch', 1)]", [("last_epoch", 1)], refuse=False),
                Bad("{'last_epoch': 'a'}", {"last_epoch": "a"}),
                Bad("{'last_epoch': -5}", {"last_epoch": -5}, refuse=False),
                Bad("{'step_size': 0}", {"step_size": 0}),
                Bad("{'gamma': 'x'}", {"gamma": "x"}),
                Bad("{}", {}, refuse=False),
                Bad("opt.state_dict()  # the optimizer's", "__opt__"),
                Bad("state_dict() with last_epoch='a'", ("__full__", "last_epoch", "a")),
                Bad("state_dict() with last_epoch=1.5", ("__full__", "last_epoch", 1.5)),
                Bad("state_dict() with step_size=0", ("__full__", "step_size", 0)),
                Bad("state_dict() with gamma='x'", ("__full__", "gamma", "x")),
                Bad("state_dict() with gamma=nan", ("__full__", "gamma", float("nan"))),
                Bad("state_dict() with base_lrs=[0.1, 0.2]", ("__full__", "base_lrs", [0.1, 0.2])),
                Bad("state_dict() with base_lrs=None", ("__full__", "base_lrs", None)),
            ],
        )
    ],
    "nc.lr_scheduler.StepLR(opt, step_size=2).load_state_dict({d})",
    requires=("lr_scheduler.StepLR", "lr_scheduler.StepLR.load_state_dict"),
)
_orig_sched_load = _sched_load


def _sched_load_markers():
    call, kw = _orig_sched_load()
    base = dict(kw["d"])  # kw["d"] is replaced by the bad value before the call

    def wrapped(d):
        if isinstance(d, str) and d == "__opt__":
            d = nc.SGD(nc.MLP([2, 1], rng=0).parameters(), lr=0.1).state_dict()
        elif isinstance(d, tuple) and d and d[0] == "__full__":
            full = dict(base)
            full[d[1]] = d[2]
            d = full
        return call(d)

    return wrapped, kw


CATALOGUE[-1].build = _sched_load_markers


# ---- what a reader assigns by hand: p.grad = ..., p.data = ..., layer.W = ...
_PNAMES = (
    r"\bParameter\b",
    r"SGD(\.step)?",
    r"Optimizer\.step",
    r"Dense\.forward",
    r"(MLP|Sequential)\.forward",
)


def _assigned(what):
    def build():
        model = nc.MLP([2, 3, 1], rng=0)
        opt = nc.SGD(model.parameters(), lr=0.1)
        p = model[0].W

        def call(value):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PendingDeprecationWarning)
                if what == "W":
                    model[0].W = value
                else:
                    setattr(p, what, value)
            opt.zero_grad() if what == "data" else None
            if what == "data":
                p.grad[...] = 1.0
            opt.step()
            return model.forward(np.ones((4, 2)))

        return call, {"value": nc.Parameter(np.ones((3, 2))) if what == "W" else np.ones((3, 2))}

    return build


def _assigned_family(shape=(3, 2)):
    return [
        Bad("np.ones(7)", np.ones(7)),
        Bad("np.ones((3, 2, 1))", np.ones((3, 2, 1))),
        Bad("np.ones((2, 3))  # transposed", np.ones((2, 3))),
        Bad("'abc'", "abc"),
        Bad("None", None),
        Bad("np.ones((3, 2), dtype=complex)", np.ones(shape, dtype=complex)),
        Bad("np.ones((3, 2), dtype=object)", np.ones(shape, dtype=object)),
        Bad("np.array([['a'] * 2] * 3)", np.array([["a"] * 2] * 3)),
        Bad("[[1.0, 1.0]] * 3  # a list", [[1.0, 1.0]] * 3, refuse=False),
        Bad("np.ones((3, 2), dtype=np.float32)", np.ones(shape, dtype=np.float32), False),
        Bad("np.ones((3, 2), dtype=int)", np.ones(shape, dtype=int), refuse=False),
        Bad("np.asfortranarray(np.ones((3, 2)))", np.asfortranarray(np.ones(shape)), False),
        Bad("np.zeros((3, 2))", np.zeros(shape), refuse=False),
    ]


entry(
    "Parameter.grad = ... then step",
    "optimizers (assignment)",
    _PNAMES,
    _assigned("grad"),
    [Arg("value", None, "np.ones((3, 2))", _assigned_family())],
    "(m := nc.MLP([2, 3, 1], rng=0), o := nc.SGD(m.parameters(), lr=0.1), "
    "setattr(m[0].W, 'grad', {value}), o.step())",
)
entry(
    "Parameter.data = ... then step and forward",
    "layers (assignment)",
    _PNAMES,
    _assigned("data"),
    [Arg("value", None, "np.ones((3, 2))", _assigned_family())],
    "(m := nc.MLP([2, 3, 1], rng=0), o := nc.SGD(m.parameters(), lr=0.1), "
    "setattr(m[0].W, 'data', {value}), o.step(), m.forward(np.ones((4, 2))))",
)
CATALOGUE[-1].mutates = True  # the optimizer updates the new p.data in place, as PyTorch does
entry(
    "Dense.W = ... then step and forward",
    "layers (assignment)",
    _PNAMES,
    _assigned("W"),
    [
        Arg(
            "value",
            None,
            "nc.Parameter(np.ones((3, 2)))",
            [dataclasses.replace(b, refuse=True) for b in _assigned_family()]
            + [Bad("nc.Parameter(np.ones((2, 3)))", nc.Parameter(np.ones((2, 3))))],
        )
    ],
    "(m := nc.MLP([2, 3, 1], rng=0), o := nc.SGD(m.parameters(), lr=0.1), "
    "setattr(m[0], 'W', {value}), o.step(), m.forward(np.ones((4, 2))))",
)


# ---- gradient clipping
def _clip_params():
    """As torch.nn.utils: an empty list, or parameters of several dtypes, are fine to clip."""
    edge = ("[]", "()", "iter([])", "[Parameter(float32), Parameter(float64)]")
    return [
        dataclasses.replace(b, refuse=False) if b.label in edge else b
        for b in params_family()
        if "Parameter(np.ones(3))  # a bare" not in b.label
    ]


def _clip_build(fn, kwargs):
    model = nc.MLP([2, 3, 1], rng=0)
    for p in model.parameters():
        p.grad[...] = 1.0
    return getattr(nc, fn), {"params": model.parameters(), **kwargs}


entry(
    "clip_grad_norm_",
    "optimizers",
    [r"\bclip_grad_norm_"],
    functools.partial(_clip_build, "clip_grad_norm_", {"max_norm": 1.0, "norm_type": 2.0}),
    [
        Arg(
            "params",
            None,
            "model.parameters()",
            _clip_params(),
        ),
        Arg("max_norm", 1.0, "1.0", number_family(1.0, "1.0", lo=0, extra=[Bad("None", None)])),
        Arg(
            "norm_type",
            2.0,
            "2.0",
            number_family(
                2.0,
                "2.0",
                lo=0,
                lo_open=True,
                inf=False,
                extra=[Bad("'fro'", "fro", refuse=False), Bad("'inf'", "inf", refuse=False)],
            ),
        ),
    ],
    "nc.clip_grad_norm_({params}, max_norm={max_norm}, norm_type={norm_type})",
    requires=("clip_grad_norm_",),
)
entry(
    "clip_grad_value_",
    "optimizers",
    [r"\bclip_grad_value_"],
    functools.partial(_clip_build, "clip_grad_value_", {"clip_value": 0.5}),
    [
        Arg(
            "params",
            None,
            "model.parameters()",
            _clip_params(),
        ),
        Arg("clip_value", 0.5, "0.5", number_family(0.5, "0.5", lo=0, extra=[Bad("None", None)])),
    ],
    "nc.clip_grad_value_({params}, clip_value={clip_value})",
    requires=("clip_grad_value_",),
)


# ---- lr_scheduler
def _sched_build(cls_name, kwargs):
    opt = nc.SGD(nc.MLP([2, 1], rng=0).parameters(), lr=0.1)
    return getattr(nc.lr_scheduler, cls_name), {"optimizer": opt, **kwargs}


def _sched_opt_family():
    return optimizer_family() + [Bad("nc.Dense(2, 1, rng=0)", nc.Dense(2, 1, rng=0))]


_SCHEDS = {
    "StepLR": {
        "step_size": (2, number_family(2, "2", lo=1, integer=True)),
        "gamma": (0.5, number_family(0.5, "0.5", lo=0, lo_open=True, inf=False)),
    },
    "ExponentialLR": {"gamma": (0.9, number_family(0.9, "0.9", lo=0, lo_open=True, inf=False))},
    "CosineAnnealingLR": {
        "T_max": (10, number_family(10, "10", lo=1, integer=True)),
        "eta_min": (0.0, number_family(0.0, "0.0", lo=0, inf=False)),
    },
    "LinearLR": {
        "start_factor": (0.5, number_family(0.5, "0.5", lo=0, hi=1, lo_open=True)),
        "end_factor": (1.0, number_family(1.0, "1.0", lo=0, hi=1)),
        "total_iters": (5, number_family(5, "5", lo=1, integer=True)),
    },
}
for _cls, _opts in _SCHEDS.items():
    _valid = {k: v[0] for k, v in _opts.items()}
    entry(
        f"lr_scheduler.{_cls}",
        "lr_scheduler",
        [rf"\b{_cls}\b"],
        functools.partial(_sched_build, _cls, _valid),
        [
            Arg(
                "optimizer",
                None,
                "nc.SGD(nc.MLP([2, 1], rng=0).parameters(), lr=0.1)",
                _sched_opt_family(),
            )
        ]
        + [Arg(k, v[0], repr(v[0]), v[1]) for k, v in _opts.items()],
        f"nc.lr_scheduler.{_cls}({{optimizer}}" + "".join(f", {k}={{{k}}}" for k in _opts) + ")",
        requires=(f"lr_scheduler.{_cls}",),
    )


def _seqlr_build():
    opt = nc.SGD(nc.MLP([2, 1], rng=0).parameters(), lr=0.1)
    s1 = nc.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    s2 = nc.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    return nc.lr_scheduler.SequentialLR, {
        "optimizer": opt,
        "schedulers": [s1, s2],
        "milestones": [2],
    }


def _other_sched():
    if not hasattr(nc, "lr_scheduler"):
        return None
    return nc.lr_scheduler.ExponentialLR(nc.SGD(nc.MLP([2, 1], rng=0).parameters(), lr=0.1), 0.9)


entry(
    "lr_scheduler.SequentialLR",
    "lr_scheduler",
    [r"\bSequentialLR\b"],
    _seqlr_build,
    [
        Arg("optimizer", None, "opt", _sched_opt_family()),
        Arg(
            "schedulers",
            None,
            "[s1, s2]",
            [
                Bad("None", None),
                Bad("[]", []),
                Bad("['a', 'b']", ["a", "b"]),
                Bad("5", 5),
                Bad("[s1]  # one scheduler, one milestone", "__one__"),
                Bad("[s1, <scheduler of another optimizer>]", "__other__"),
                Bad("[nc.lr_scheduler.StepLR, s2]  # a class", "__class__"),
            ],
        ),
        Arg(
            "milestones",
            [2],
            "[2]",
            [
                Bad("None", None),
                Bad("[]", []),
                Bad("[2, 3]", [2, 3]),
                Bad("[-1]", [-1]),
                Bad("['2']", ["2"]),
                Bad("2", 2),
                Bad("[2.5]", [2.5]),
                Bad("[0]", [0], refuse=False),
            ],
        ),
    ],
    "nc.lr_scheduler.SequentialLR(opt, schedulers={schedulers}, milestones={milestones})",
    requires=("lr_scheduler.SequentialLR",),
)
_orig_seqlr_build = _seqlr_build


def _seqlr_build_with_markers():
    call, kw = _orig_seqlr_build()
    s1, s2 = kw["schedulers"]  # read now: run_case replaces kw["schedulers"] by the bad value

    def wrapped(optimizer, schedulers, milestones):
        if schedulers == "__one__":
            schedulers = [s1]
        elif schedulers == "__other__":
            schedulers = [s1, _other_sched()]
        elif schedulers == "__class__":
            schedulers = [nc.lr_scheduler.StepLR, s2]
        return call(optimizer=optimizer, schedulers=schedulers, milestones=milestones)

    return wrapped, kw


CATALOGUE[-1].build = _seqlr_build_with_markers


# ---- checkpoints
_TMP = tempfile.mkdtemp(prefix="nbcore-bad-inputs-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)


def _save_build():
    path = os.path.join(_TMP, "ok.npz")
    return nc.save, {"state": {"w": np.ones(2), "inner": {"b": np.zeros(3)}}, "path": path}


entry(
    "save",
    "checkpoint",
    [r"\bsave\b"],
    _save_build,
    [
        Arg(
            "state",
            None,
            "{'w': np.ones(2)}",
            [
                Bad("None", None),
                Bad("5", 5, refuse=False),
                Bad("'abc'", "abc", refuse=False),
                Bad("[np.ones(2)]", [np.ones(2)], refuse=False),
                Bad("{'a': object()}", {"a": object()}),
                Bad("{'a': lambda: 1}", {"a": lambda: 1}),
                Bad("{1: np.ones(2)}", {1: np.ones(2)}, refuse=False),  # optimizer state: int keys
                Bad("{'a': np.array([object()])}", {"a": np.array([object()])}),
                Bad("{'a': nc.Dense(2, 2, rng=0)}", {"a": nc.Dense(2, 2, rng=0)}),
                Bad("nc.MLP([2, 1], rng=0)  # the model, not its state", nc.MLP([2, 1], rng=0)),
                Bad("{'a': {'b': object()}}", {"a": {"b": object()}}),
                Bad(
                    "{'a': np.ones(2), 'a/b': np.ones(1)}  # key clash?",
                    {"a": np.ones(2), "a/b": 1.0},
                    refuse=False,
                ),
            ],
        ),
        Arg(
            "path",
            None,
            "'ok.npz'",
            [
                Bad("None", None),
                Bad("5", 5),
                Bad("['a.npz']", ["a.npz"]),
                Bad("'/nonexistent-dir/x.npz'", "/nonexistent-dir/x.npz", refuse=False),
                Bad("a directory", _TMP),
                Bad("b'x.npz'", b"x.npz", refuse=False),
            ],
            os_ok=True,
        ),
    ],
    "nc.save({state}, {path})",
    requires=("save",),
)


def _load_files():
    files = {}
    txt = os.path.join(_TMP, "text.npz")
    with open(txt, "w") as f:
        f.write("not an npz file")
    files["text"] = txt
    pick = os.path.join(_TMP, "pickle.npz")
    np.savez(pick, a=np.array([{"x": 1}], dtype=object))
    files["pickle"] = pick
    empty = os.path.join(_TMP, "empty.npz")
    open(empty, "wb").close()
    files["empty"] = empty
    return files


_FILES = _load_files()
entry(
    "load",
    "checkpoint",
    [r"\bload\b"],
    lambda: (nc.load, {"path": _save_roundtrip_path()}),
    [
        Arg(
            "path",
            None,
            "'ok.npz'",
            [
                Bad("None", None),
                Bad("5", 5),
                Bad("['a.npz']", ["a.npz"]),
                Bad("'a text file.npz'", _FILES["text"]),
                Bad("'empty.npz'", _FILES["empty"]),
                Bad("'an npz with a pickled object array'", _FILES["pickle"]),
                Bad("a directory", _TMP),
                Bad("object()", object()),
                Bad("'/nonexistent/x.npz'", "/nonexistent/x.npz"),
            ],
            os_ok=True,
        )
    ],
    "nc.load({path})",
    requires=("load",),
)


def _save_roundtrip_path():
    path = os.path.join(_TMP, "roundtrip.npz")
    if not os.path.exists(path):
        nc.save({"w": np.ones(2)}, path)
    return path


# ---- training
X_TR = np.random.default_rng(1).normal(size=(8, 2))
Y_TR = (X_TR[:, :1] > 0).astype(float)


def _train_build():
    model = nc.MLP([2, 3, 1], rng=0)
    opt = nc.SGD(model.parameters(), lr=0.1)
    kw = {
        "model": model,
        "loss_fn": nc.MSELoss(),
        "optimizer": opt,
        "X": X_TR.copy(),
        "Y": Y_TR.copy(),
        "epochs": 2,
        "batch_size": None,
        "rng": 0,
        "validation": None,
        "progress": False,
        "shuffle": True,
    }

    def call(model, loss_fn, optimizer, X, Y, **rest):
        return nc.train(model, loss_fn, optimizer, X, Y, **rest)

    return call, kw


_TNAMES = (r"\btrain\b", r"Dense\.forward", r"MSELoss\.forward", r"\bmse\b")
_trx = Arg("X", X_TR, "X_TR", array_family(X_TR, "X_TR", _matrix(2)), names=_TNAMES)
_trx.bad.append(Bad("X_TR[:7]  # one row fewer than Y", X_TR[:7].copy()))
_trx.strategy = ("array", _matrix(2), True)
_try = Arg("Y", Y_TR, "Y_TR", array_family(Y_TR, "Y_TR", _same((8, 1))), names=_TNAMES)
_try.strategy = ("array", _same((8, 1)), True)
_VAL = [
    Bad("'val'", "val"),
    Bad("(X_TR,)", (X_TR,)),
    Bad("(X_TR, Y_TR, Y_TR)", (X_TR, Y_TR, Y_TR)),
    Bad("(X_TR[:, :1], Y_TR)", (X_TR[:, :1].copy(), Y_TR)),
    Bad("(X_TR, Y_TR[:5])", (X_TR, Y_TR[:5])),
    Bad("5", 5),
    Bad("(None, None)", (None, None)),
    Bad("{'X': X_TR}", {"X": X_TR}),
    Bad("(X_TR with nan, Y_TR)", (np.where(X_TR > 0, np.nan, X_TR), Y_TR)),
    Bad("[X_TR, Y_TR]", [X_TR, Y_TR], refuse=False),
]
entry(
    "train",
    "training",
    [r"\btrain\b"],
    _train_build,
    [
        Arg("model", None, "model", model_family()),
        Arg("loss_fn", None, "nc.MSELoss()", loss_family()),
        Arg("optimizer", None, "opt", optimizer_family()),
        _trx,
        _try,
        Arg("epochs", 2, "2", number_family(2, "2", lo=1, integer=True, extra=[Bad("None", None)])),
        Arg(
            "batch_size",
            None,
            "None",
            number_family(4, "4", lo=1, integer=True, extra=[Bad("100", 100, refuse=False)]),
        ),
        Arg("rng", 0, "0", rng_family()),
        Arg("validation", None, "None", _VAL, names=_TNAMES),
        Arg("progress", False, "False", [Bad("'yes'", "yes", refuse=False)]),
        Arg("shuffle", True, "True", [Bad("'no'", "no")]),
        Arg(
            "early_stopping", None, "None", number_family(2, "2", lo=1, integer=True), optional=True
        ),
    ],
    "nc.train({model}, {loss_fn}, {optimizer}, {X}, {Y}, epochs={epochs}, batch_size={batch_size}, "
    "rng={rng}, validation={validation}, progress={progress}, shuffle={shuffle}, "
    "early_stopping={early_stopping})",
)
entry(
    "train (early_stopping without validation)",
    "training",
    [r"\btrain\b"],
    lambda: (
        lambda early_stopping: _train_build()[0](
            **{**_train_build()[1], "early_stopping": early_stopping}
        ),
        {"early_stopping": 2},
    ),
    [Arg("early_stopping", 2, "2", [Bad("2  # and validation=None", 2)], optional=True)],
    "nc.train(model, nc.MSELoss(), opt, X_TR, Y_TR, epochs=2, early_stopping={early_stopping})",
    requires=("History",),
)


def _train_ce_build():
    model = nc.MLP([2, 3, 3], rng=0)
    opt = nc.SGD(model.parameters(), lr=0.1)
    y = np.arange(8) % 3

    def call(Y, loss_fn):
        return nc.train(model, loss_fn, opt, X_TR.copy(), Y, epochs=1, rng=0, progress=False)

    return call, {"Y": y, "loss_fn": nc.CrossEntropyLoss()}


_Y8 = np.arange(8) % 3
entry(
    "train (classification)",
    "training",
    [r"\btrain\b", r"CrossEntropyLoss\.forward", r"\baccuracy\b"],
    _train_ce_build,
    [
        Arg(
            "Y",
            _Y8,
            "np.arange(8) % 3",
            [
                Bad("np.arange(8)  # labels up to 7 with 3 outputs", np.arange(8)),
                Bad("-np.arange(8)", -np.arange(8)),
                Bad("np.arange(8) % 3 + 0.5", _Y8 + 0.5),
                Bad("(np.arange(8) % 3)[:, None]", _Y8[:, None].copy()),
                Bad("np.eye(4)[np.arange(8) % 3]  # one-hot with k = 4", np.eye(4)[_Y8]),
                Bad("np.eye(3)[np.arange(8) % 3] * 2", np.eye(3)[_Y8] * 2),
                Bad("(np.arange(8) % 3).astype(str)", _Y8.astype(str)),
                Bad("np.where(..., np.nan)", np.where(_Y8 == 1, np.nan, _Y8)),
                Bad("np.arange(7) % 3", np.arange(7) % 3),
                Bad("[0, 1e20, ...]", np.array([0, 1e20, 1, 2, 0, 1, 2, 0])),
                Bad("np.eye(3)[np.arange(8) % 3]  # one-hot", np.eye(3)[_Y8], refuse=False),
                Bad("(np.arange(8) % 3).astype(float)", _Y8.astype(float), refuse=False),
            ],
        ),
        Arg(
            "loss_fn",
            None,
            "nc.CrossEntropyLoss()",
            [
                Bad("nc.CrossEntropyLoss  # the class", nc.CrossEntropyLoss),
                Bad("nc.cross_entropy  # the function", nc.cross_entropy),
                Bad("nc.BCELoss()  # probabilities of 1 output", nc.BCELoss()),
            ],
            names=(r"BCELoss\.forward",),
        ),
    ],
    "nc.train(nc.MLP([2, 3, 3], rng=0), {loss_fn}, opt, X_TR, {Y}, epochs=1)",
)

_ACC_PRED = np.array([[0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])
_ACC_Y = np.array([1, 0, 2, 2])
_acc_pred = Arg(
    "pred",
    _ACC_PRED,
    "_ACC_PRED",
    array_family(
        _ACC_PRED, "_ACC_PRED", lambda s: (len(s) == 2 and s[0] == 4 and s[1] >= 1) or s == (4,)
    ),
)
_acc_pred.bad = [
    b
    for b in _acc_pred.bad
    if not (isinstance(b.value, np.ndarray) and b.value.shape in ((4, 1), (4,)))
]
_acc_pred.bad.append(Bad("np.zeros((4, 3, 1))", np.zeros((4, 3, 1))))
_acc_pred.strategy = (
    "array",
    lambda s: len(s) == 2 and s[0] == 4 and s[1] >= 3,
    True,
)  # labels go up to 2
_ACC_TARGETS = (
    [
        Bad("np.array([1, 0, 5, 2])  # label 5 with k = 3", np.array([1, 0, 5, 2])),
        Bad("np.array([1, 0, -1, 2])", np.array([1, 0, -1, 2])),
        Bad("np.array([1.5, 0, 2, 2])", np.array([1.5, 0, 2, 2])),
        Bad("np.array([1, np.nan, 2, 2])", np.array([1, np.nan, 2, 2])),
        Bad("np.array(['1', '0', '2', '2'])", np.array(["1", "0", "2", "2"])),
        Bad("np.zeros((4, 3, 1))  # 3-D", np.zeros((4, 3, 1))),
        Bad("np.eye(2)[[1, 0, 1, 1]]  # one-hot with k = 2", np.eye(2)[[1, 0, 1, 1]]),
        Bad("np.eye(4)[[1, 0, 2, 2]]  # one-hot with k = 4", np.eye(4)[[1, 0, 2, 2]]),
        Bad("np.array([1, 0, 2])  # 3 rows", np.array([1, 0, 2])),
        Bad("np.array([1, 0, 2, 2, 1])", np.array([1, 0, 2, 2, 1])),
        Bad("np.array([[1, 0, 2, 2]])  # a row", np.array([[1, 0, 2, 2]])),
        Bad("np.array([])", np.array([])),
        Bad("np.eye(3)[_ACC_Y] * 2  # rows sum to 2", np.eye(3)[_ACC_Y] * 2),
        Bad("np.eye(3)[_ACC_Y]  # one-hot", np.eye(3)[_ACC_Y], refuse=False),
        Bad("[1, 0, 2, 2]", [1, 0, 2, 2], refuse=False),
        Bad("np.array([1., 0., 2., 2.])", np.array([1.0, 0.0, 2.0, 2.0]), refuse=False),
    ]
    + WRONG_TYPES
    + RAGGED
)
entry(
    "accuracy",
    "training",
    [r"\baccuracy\b"],
    lambda: (nc.accuracy, {"pred": _ACC_PRED.copy(), "target": _ACC_Y.copy()}),
    [_acc_pred, Arg("target", _ACC_Y, "_ACC_Y", _ACC_TARGETS)],
    "nc.accuracy({pred}, {target})",
)
_ACC_BIN = np.array([[0.2], [0.7], [0.9], [0.4]])
entry(
    "accuracy (binary)",
    "training",
    [r"\baccuracy\b"],
    lambda: (nc.accuracy, {"pred": _ACC_BIN.copy(), "target": np.array([[0], [1], [1], [0]])}),
    [
        Arg(
            "target",
            None,
            "np.array([[0], [1], [1], [0]])",
            [
                Bad("np.array([[0], [2], [1], [0]])", np.array([[0], [2], [1], [0]])),
                Bad("np.array([[0], [0.5], [1], [0]])", np.array([[0], [0.5], [1], [0]])),
                Bad("np.array([[0], [-1], [1], [0]])", np.array([[0], [-1], [1], [0]])),
                Bad("np.array([[0], [np.nan], [1], [0]])", np.array([[0], [np.nan], [1], [0]])),
            ],
        )
    ],
    "nc.accuracy(_ACC_BIN, {target})",
)

entry(
    "History",
    "training",
    [r"\bHistory\b"],
    lambda: (nc.History, {"loss": [1.0]}),
    [
        Arg(
            "loss",
            [1.0],
            "[1.0]",
            [Bad("'abc'", "abc", refuse=False), Bad("None", None, refuse=False)],
        )
    ],
    "nc.History(loss={loss})",
)


# ---- data
def _one_hot_y():
    return (
        [
            Bad("[]", []),
            Bad("np.array([])", np.array([])),
            Bad("np.array([], dtype=int)", np.array([], dtype=int)),
            Bad("[0.5, 1]", [0.5, 1]),
            Bad("[-1, 0]", [-1, 0]),
            Bad("[0, 5]", [0, 5]),
            Bad("[[0, 1]]", [[0, 1]]),
            Bad("[0, np.nan]", [0, np.nan]),
            Bad("[0, np.inf]", [0, np.inf]),
            Bad("['0', '1']", ["0", "1"]),
            Bad("np.array([0, 1], dtype=object)", np.array([0, 1], dtype=object)),
            Bad("[0, 1e20]", [0, 1e20]),
            Bad("[0, 2**40]", [0, 2**40]),
            Bad("np.array([[0], [1]])", np.array([[0], [1]])),
            Bad("[True, False]", [True, False], refuse=False),
            Bad("[0.0, 1.0]", [0.0, 1.0], refuse=False),
            Bad("np.array(1)", np.array(1)),
            Bad("1", 1),
        ]
        + [b for b in WRONG_TYPES if b.label not in ("1j",)]
        + RAGGED
    )


entry(
    "one_hot",
    "data",
    [r"\bone_hot\b"],
    lambda: (nc.one_hot, {"y": np.array([0, 2, 1]), "k": 3}),
    [
        Arg("y", None, "np.array([0, 2, 1])", _one_hot_y()),
        Arg(
            "k",
            3,
            "3",
            number_family(
                3,
                "3",
                lo=1,
                integer=True,
                extra=[Bad("2  # < max label + 1", 2), Bad("None", None, refuse=False)],
            ),
        ),
    ],
    "nc.one_hot({y}, {k})",
)

X_DATA = np.arange(20, dtype=float).reshape(10, 2)
Y_DATA = np.arange(10) % 2
_ttsX = Arg(
    "X",
    X_DATA,
    "X_DATA",
    array_family(X_DATA, "X_DATA", lambda s: len(s) >= 1 and s[0] == 10, nan=False, inf=False),
)
_ttsX.strategy = ("array", lambda s: len(s) >= 1 and s[0] == 10, False)
_ttsY = Arg(
    "y",
    Y_DATA,
    "Y_DATA",
    array_family(Y_DATA, "Y_DATA", lambda s: len(s) >= 1 and s[0] == 10, nan=False, inf=False),
)
entry(
    "train_test_split",
    "data",
    [r"\btrain_test_split\b"],
    lambda: (
        nc.train_test_split,
        {"X": X_DATA.copy(), "y": Y_DATA.copy(), "test_size": 0.3, "rng": 0},
    ),
    [
        _ttsX,
        _ttsY,
        Arg(
            "test_size",
            0.3,
            "0.3",
            number_family(
                0.3,
                "0.3",
                lo=0,
                hi=1,
                lo_open=True,
                hi_open=True,
                extra=[
                    Bad("None", None),
                    Bad("3", 3, refuse=False),  # a count of test samples, as in scikit-learn
                    Bad("1.0", 1.0),
                    Bad("10", 10),
                    Bad("0.01", 0.01, refuse=False),  # one test sample (ceil), as scikit-learn
                    Bad("0.99  # no training sample left", 0.99),
                ],
            ),
        ),
        Arg("rng", 0, "0", rng_family()),
    ],
    "nc.train_test_split({X}, {y}, test_size={test_size}, rng={rng})",
)
# an int test_size below the number of samples is a count (as in scikit-learn): an edge value
CATALOGUE[-1].arg("test_size").bad = [
    dataclasses.replace(b, refuse=False) if type(b.value) is int and 1 <= b.value < 10 else b
    for b in CATALOGUE[-1].arg("test_size").bad
]


def _no_none(bads):
    return [b for b in bads if b.value is not None]  # None means "compute it from X"


def _std_shape(s):
    return len(s) == 2 and s[0] >= 1  # zero columns: an empty result is fine


_stdX = Arg("X", X_DATA, "X_DATA", array_family(X_DATA, "X_DATA", _std_shape))
_stdX.strategy = ("array", _std_shape, True)
entry(
    "standardize",
    "data",
    [r"\bstandardize\b"],
    lambda: (nc.standardize, {"X": X_DATA.copy(), "mean": None, "std": None}),
    [
        _stdX,
        Arg(
            "mean",
            None,
            "None",
            _no_none(array_family(np.zeros(2), "np.zeros(2)", lambda s: s in ((2,), (1, 2))))
            + [Bad("np.zeros(3)", np.zeros(3)), Bad("'a'", "a")],
        ),
        Arg(
            "std",
            None,
            "None",
            _no_none(array_family(np.ones(2), "np.ones(2)", lambda s: s in ((2,), (1, 2))))
            + [
                Bad("-1", -1),
                Bad("0", 0),
                Bad("np.array([1.0, -1.0])", np.array([1.0, -1.0])),
                Bad("np.array([1.0, 0.0])", np.array([1.0, 0.0]), refuse=False),
                Bad("np.ones(3)", np.ones(3)),
            ],
        ),
    ],
    "nc.standardize({X}, mean={mean}, std={std})",
)

_N_SAMPLES = lambda v: number_family(  # noqa: E731
    v,
    repr(v),
    lo=1,
    integer=True,
    extra=[Bad("None", None), Bad("1", 1, refuse=False), Bad("2", 2, refuse=False)],
)
_NOISE = lambda v: number_family(v, repr(v), lo=0, inf=True)  # noqa: E731
_DATASETS = {
    "make_moons": {"n_samples": (20, _N_SAMPLES(20)), "noise": (0.1, _NOISE(0.1))},
    "make_circles": {
        "n_samples": (20, _N_SAMPLES(20)),
        "noise": (0.1, _NOISE(0.1)),
        "factor": (0.5, number_family(0.5, "0.5", lo=0, hi=1, hi_open=True)),
    },
    "make_spirals": {
        "n_samples": (30, _N_SAMPLES(30)),
        "n_classes": (3, number_family(3, "3", lo=2, integer=True)),
        "noise": (0.2, _NOISE(0.2)),
    },
    "make_xor": {"n_samples": (20, _N_SAMPLES(20)), "noise": (0.15, _NOISE(0.15))},
}
for _fn, _opts in _DATASETS.items():
    _valid = {k: v[0] for k, v in _opts.items()}
    entry(
        _fn,
        "data",
        [rf"\b{_fn}\b"],
        functools.partial(lambda f, kw: (getattr(nc, f), {**kw, "rng": 0}), _fn, _valid),
        [Arg(k, v[0], repr(v[0]), v[1]) for k, v in _opts.items()]
        + [Arg("rng", 0, "0", rng_family())],
        f"nc.{_fn}(" + ", ".join(f"{k}={{{k}}}" for k in _opts) + ", rng={rng})",
    )

entry(
    "manual_seed",
    "random",
    [r"\bmanual_seed\b"],
    lambda: (nc.manual_seed, {"seed": 0}),
    [
        Arg(
            "seed",
            0,
            "0",
            [b for b in rng_family() if b.label != "'0'"] + [Bad("None", None), Bad("'0'", "0")],
        )
    ],
    "nc.manual_seed({seed})",
)


# ---- gradient checking
def _f_sum(x):
    return float(np.sum(x**2))


_NG_F = [
    Bad("lambda x: x  # a vector", lambda x: x),
    Bad("lambda x: None", lambda x: None),
    Bad("lambda x: 'a'", lambda x: "a"),
    Bad("lambda x: [1.0, 2.0]", lambda x: [1.0, 2.0]),
    Bad("lambda x: np.array([1.0, 2.0])", lambda x: np.array([1.0, 2.0])),
    Bad("lambda x: 1j", lambda x: 1j),
    Bad("lambda x: float('nan')", lambda x: float("nan")),
    Bad("lambda x: {}", lambda x: {}),
    Bad("lambda a, b: 0.0  # two arguments", lambda a, b: 0.0),
    Bad("lambda x: np.array([[1.0]])", lambda x: np.array([[1.0]]), refuse=False),
    Bad("None", None),
    Bad("5", 5),
    Bad("'f'", "f"),
    Bad("nc.MSELoss()", nc.MSELoss()),
]
_NG_X = [
    Bad("[1.0, 2.0]", [1.0, 2.0], refuse=False),
    Bad("np.array([1, 2])", np.array([1, 2])),
    Bad("np.array([1.0, 2.0], dtype=np.float32)", np.array([1.0, 2.0], dtype=np.float32), False),
    Bad("np.array([1.0, 2.0], dtype=np.float16)", np.array([1.0, 2.0], dtype=np.float16), False),
    Bad("np.array([1+0j])", np.array([1 + 0j])),
    Bad("np.array(['a'])", np.array(["a"])),
    Bad("np.array([1.0, np.nan])", np.array([1.0, np.nan])),
    Bad("None", None),
    Bad("'x'", "x"),
    Bad("1.0", 1.0, refuse=False),
    Bad("np.array([1.0, 2.0])[::2]  # a view", np.array([1.0, 2.0, 3.0])[::2], refuse=False),
    Bad("np.ones(3, dtype=bool)", np.ones(3, dtype=bool)),
]
entry(
    "numerical_gradient",
    "gradcheck",
    [r"\bnumerical_gradient\b"],
    lambda: (nc.numerical_gradient, {"f": _f_sum, "x": np.array([1.0, 2.0]), "eps": 1e-6}),
    [
        Arg("f", None, "lambda x: float(np.sum(x**2))", _NG_F),
        Arg("x", None, "np.array([1.0, 2.0])", _NG_X),
        Arg("eps", 1e-6, "1e-6", number_family(1e-6, "1e-6", lo=0, lo_open=True, inf=True)),
    ],
    "nc.numerical_gradient({f}, {x}, eps={eps})",
)
entry(
    "gradcheck",
    "gradcheck",
    [r"\bgradcheck\b"],
    lambda: (
        nc.gradcheck,
        {"f": _f_sum, "x": np.array([1.0, 2.0]), "grad": np.array([2.0, 4.0]), "eps": 1e-6},
    ),
    [
        Arg("f", None, "lambda x: float(np.sum(x**2))", _NG_F),
        Arg("x", None, "np.array([1.0, 2.0])", _NG_X),
        Arg(
            "grad",
            None,
            "np.array([2.0, 4.0])",
            array_family(np.array([2.0, 4.0]), "np.array([2.0, 4.0])", _same((2,))),
        ),
        Arg("eps", 1e-6, "1e-6", number_family(1e-6, "1e-6", lo=0, lo_open=True, inf=True)),
    ],
    "nc.gradcheck({f}, {x}, {grad}, eps={eps})",
)
CATALOGUE[-1].args[2].strategy = ("array", _same((2,)), True)


def _gcm_build():
    model = nc.MLP([2, 3, 1], activation="tanh", rng=0)
    return nc.gradcheck_model, {
        "model": model,
        "loss_fn": nc.MSELoss(),
        "X": X_TR.copy(),
        "Y": Y_TR.copy(),
        "eps": 1e-6,
    }


_GNAMES = (r"\bgradcheck_model\b", r"Dense\.forward", r"MSELoss\.forward")
entry(
    "gradcheck_model",
    "gradcheck",
    [r"\bgradcheck_model\b"],
    _gcm_build,
    [
        Arg("model", None, "nc.MLP([2, 3, 1], activation='tanh', rng=0)", model_family()),
        Arg("loss_fn", None, "nc.MSELoss()", loss_family()),
        Arg("X", X_TR, "X_TR", array_family(X_TR, "X_TR", _matrix(2)), names=_GNAMES),
        Arg("Y", Y_TR, "Y_TR", array_family(Y_TR, "Y_TR", _same((8, 1))), names=_GNAMES),
        Arg("eps", 1e-6, "1e-6", number_family(1e-6, "1e-6", lo=0, lo_open=True, inf=True)),
    ],
    "nc.gradcheck_model({model}, {loss_fn}, {X}, {Y}, eps={eps})",
)


# ---- autograd
def _value_op(op):
    return lambda a, b: op(a, b)


entry(
    "Value",
    "autograd",
    [r"\bValue\b"],
    lambda: (nc.Value, {"data": 1.0}),
    [
        Arg(
            "data",
            1.0,
            "1.0",
            [b for b in WRONG_TYPES]
            + [
                Bad("[1.0]", [1.0]),
                Bad("np.array([1.0, 2.0])", np.array([1.0, 2.0])),
                Bad("'1.0'", "1.0"),
                Bad("float('nan')", float("nan")),
                Bad("np.float64(1.0)", np.float64(1.0), refuse=False),
                Bad("np.array(1.0)", np.array(1.0), refuse=False),
                Bad("True", True, refuse=False),
                Bad("float('inf')", float("inf"), refuse=False),
                Bad("nc.Value(1.0)", nc.Value(1.0), refuse=False),
            ],
        )
    ],
    "nc.Value({data})",
)

_VOPS = {
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b,
    "-": lambda a, b: a - b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
    "r+": lambda a, b: b + a,
    "r*": lambda a, b: b * a,
    "r-": lambda a, b: b - a,
    "r/": lambda a, b: b / a,
    "r**": lambda a, b: b**a,
}
_VBAD = [
    Bad("'a'", "a"),
    Bad("None", None),
    Bad("[1.0]", [1.0]),
    Bad("np.array([1.0, 2.0])", np.array([1.0, 2.0])),
    Bad("{}", {}),
    Bad("object()", object()),
    Bad("1j", 1j),
    Bad("nc.Value  # the class", nc.Value),
    Bad("lambda: 1", lambda: 1),
    Bad("nc.Dense(1, 1, rng=0)", nc.Dense(1, 1, rng=0)),
    Bad("float('nan')", float("nan")),
    Bad("2", 2, refuse=False),
    Bad("np.float64(2.0)", np.float64(2.0), refuse=False),
    Bad("float('inf')", float("inf"), refuse=False),
    Bad("0", 0, refuse=False),
]
for _op, _fnop in _VOPS.items():
    _r = _op.startswith("r")
    _sym = _op[1:] if _r else _op
    entry(
        f"Value {_op}",
        "autograd",
        [r"\bValue\b"],
        functools.partial(lambda f: (f, {"a": nc.Value(2.0), "b": 3.0}), _fnop),
        [Arg("b", 3.0, "3.0", _VBAD)],
        (f"{{b}} {_sym} nc.Value(2.0)" if _r else f"nc.Value(2.0) {_sym} {{b}}"),
    )

_VSPECIAL = {
    "nc.Value(0.0) ** -1": lambda: nc.Value(0.0) ** -1,
    "1 / nc.Value(0.0)": lambda: 1 / nc.Value(0.0),
    "nc.Value(1.0) / nc.Value(0.0)": lambda: nc.Value(1.0) / nc.Value(0.0),
    "nc.Value(1.0) / 0": lambda: nc.Value(1.0) / 0,
    "nc.Value(1000.0).exp()": lambda: nc.Value(1000.0).exp(),
    "nc.Value(-8.0) ** 0.5": lambda: nc.Value(-8.0) ** 0.5,
    "nc.Value(0.0).log()": lambda: nc.Value(0.0).log(),
    "nc.Value(-1.0).log()": lambda: nc.Value(-1.0).log(),
    "nc.Value(1.0) + 'a'": lambda: nc.Value(1.0) + "a",
    "'a' + nc.Value(1.0)": lambda: "a" + nc.Value(1.0),
    "nc.Value(10.0) ** 400": lambda: nc.Value(10.0) ** 400,
    "2.0 ** nc.Value(2000.0)": lambda: 2.0 ** nc.Value(2000.0),
    "nc.Value(1e308) * 10": lambda: nc.Value(1e308) * 10,
}


def _special_build(label):
    return (lambda which: _VSPECIAL[which]()), {"which": label}


for _label in _VSPECIAL:
    entry(
        f"Value: {_label}",
        "autograd",
        [r"\bValue\b"],
        functools.partial(_special_build, _label),
        [Arg("which", _label, _label, [Bad(_label, _label)])],
        "{which}",
    )


# ---- base classes used directly
entry(
    "Optimizer",
    "optimizers",
    [r"\bOptimizer\b"],
    lambda: (nc.Optimizer, {"params": nc.MLP([2, 1], rng=0).parameters()}),
    [Arg("params", None, "model.parameters()", params_family())],
    "nc.Optimizer({params})",
)


for _cls in ("SGD", "AdaGrad", "RMSprop", "Adam", "AdamW"):
    _extra = {"lr": 0.1} if _cls == "SGD" else {}
    entry(
        f"{_cls} (unknown option)",
        "optimizers",
        [rf"\b{_cls}\b"],
        functools.partial(
            lambda c, kw: (
                lambda option: getattr(nc, c)(
                    nc.MLP([2, 1], rng=0).parameters(), **kw, **{option: 0.5}
                ),
                {"option": "beta"},
            ),
            _cls,
            _extra,
        ),
        [
            Arg(
                "option",
                "beta",
                "beta",
                [
                    Bad("foreach", "foreach"),
                    Bad("maximize", "maximize"),
                    Bad("decay", "decay"),
                    Bad("betas2", "betas2"),
                ],
            )
        ],
        f"nc.{_cls}(nc.MLP([2, 1], rng=0).parameters(), {{option}}=0.5)",
        requires=(_cls,),
        patterns=(r"\blr\b", r"foreach|maximize|decay|betas2"),
    )


# ---- backward before forward: a state error (no argument to show, so no "got" required)
_FRESH = {
    "Dense": (lambda: nc.Dense(3, 2, rng=0), "layer"),
    "Sigmoid": (lambda: nc.Sigmoid(), "layer"),
    "ReLU": (lambda: nc.ReLU(), "layer"),
    "Softmax": (lambda: nc.Softmax(), "layer"),
    "Dropout": (lambda: nc.Dropout(0.5, rng=0), "layer"),
    "MLP": (lambda: nc.MLP([3, 2], rng=0), "layer"),
}
_FRESH.update({cls: (functools.partial(getattr(nc, cls)), "loss") for cls, *_ in _LOSSES})
for _cls, (_make, _which) in _FRESH.items():
    entry(
        f"{_cls}.backward before forward",
        "network" if _cls == "MLP" else ("losses" if _which == "loss" else "layers"),
        [rf"{_cls}\.backward", r"(Sequential|Dense)\.backward"]
        if _cls == "MLP"
        else [rf"{_cls}\.backward"],
        functools.partial(
            lambda make, which: (
                (lambda which: make().backward(*(() if which == "loss" else (np.ones((4, 2)),)))),
                {"which": which},
            ),
            _make,
            _which,
        ),
        [Arg("which", _which, _which, [Bad("(fresh object)", _which)])],
        f"nc.{_cls}(...).backward(" + ("" if _which == "loss" else "np.ones((4, 2))") + ")",
        patterns=(r"(?i)\bexpect", r"forward"),
    )


# ----------------------------------------------------------------------------- exercise checkers


def _raiser(exc):
    def f(*args, **kwargs):
        raise exc

    return f


def _filler(*args, **kwargs):
    for a in args:
        if isinstance(a, np.ndarray) and a.flags.writeable:
            a.fill(7.0)  # a reader's function that overwrites its input
    return 0.0


#: Garbage answers (and garbage functions, for checkers that take the reader's function).
GARBAGE = [
    ("None", None),
    ("'abc'", "abc"),
    ("''", ""),
    ("[]", []),
    ("{}", {}),
    ("object()", object()),
    ("float('nan')", float("nan")),
    ("float('inf')", float("inf")),
    ("-1e300", -1e300),
    ("10**400", 10**400),
    ("1j", 1j),
    ("True", True),
    ("-0.0", -0.0),
    ("np.array([])", np.array([])),
    ("np.array(['a'])", np.array(["a"])),
    ("np.ones((3, 3))", np.ones((3, 3))),
    ("np.full(2, np.nan)", np.full(2, np.nan)),
    ("[[1, 2], [3]]", [[1, 2], [3]]),
    ("(x for x in [1])", "__generator__"),
    ("nc.Dense  # a class", nc.Dense),
    ("nc.Dense(2, 2, rng=0)", nc.Dense(2, 2, rng=0)),
    ("np.float32(0.5)", np.float32(0.5)),
    ("lambda: None", lambda: None),
    ("lambda *a: None", lambda *a: None),
    ("lambda *a: 'x'", lambda *a: "x"),
    ("lambda *a: np.nan", lambda *a: np.nan),
    ("lambda *a: np.ones(7)", lambda *a: np.ones(7)),
    ("lambda *a: 1 / 0", _raiser(ZeroDivisionError)),
    ("lambda *a: raise ValueError", _raiser(ValueError("reader's bug"))),
    ("lambda *a: raise RecursionError", _raiser(RecursionError())),
    ("lambda *a: (fills its array input with 7)", _filler),
    ("lambda *a, **k: {'a': 1}", lambda *a, **k: {"a": 1}),
]


def exercise_checkers():
    """Every ``check_*`` of ``nbcore.exercises``, with the names of its required parameters."""
    import nbcore.exercises as ex

    out = []
    for name in sorted(dir(ex)):
        if name.startswith("check_") and callable(getattr(ex, name)):
            fn = getattr(ex, name)
            params = [
                p.name
                for p in inspect.signature(fn).parameters.values()
                if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            out.append((name, fn, params))
    return out


def _exercise_constants():
    """Snapshot of the exercises' module-level arrays and numbers (a checker must not let a
    reader's function change them)."""
    import nbcore.exercises as ex

    return {
        k: np.array(v, copy=True)
        for k, v in vars(ex).items()
        if k.isupper() and isinstance(v, (np.ndarray, int, float, list, tuple))
    }


def run_checker(name, fn, params, label, value) -> Outcome:
    """One garbage answer for every required parameter: a ``Feedback`` must come back."""
    from nbcore.exercises import Feedback

    before = _exercise_constants()
    args = [
        (x for x in [1]) if (isinstance(value, str) and value == "__generator__") else _copy(value)
        for _ in params
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args)
        except Exception as exc:  # noqa: BLE001
            kind, detail = "raised", f"{type(exc).__name__}: {str(exc)[:200]}"
        else:
            if not isinstance(result, Feedback):
                kind, detail = "not-feedback", f"returned {type(result).__name__}"
            elif result and value is not None:
                kind, detail = "graded-correct", "garbage passed as correct: " + str(result)[:100]
            else:
                kind, detail = "refused", ""
    after = _exercise_constants()
    changed = [k for k in before if not np.array_equal(before[k], after[k], equal_nan=True)]
    if changed:
        kind, detail = "mutated", f"the reader's function changed {changed}"
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if kind == "refused" and runtime:
        kind, detail = "warning", f"RuntimeWarning: {runtime[0].message}"
    return Outcome(
        name,
        "exercises",
        ",".join(params),
        label,
        "refused" if kind == "refused" else kind,
        detail,
        f"nc.exercises.{name}(" + ", ".join(label for _ in params) + ")",
    )


def run_exercises() -> list[Outcome]:
    return [run_checker(n, f, p, lab, v) for n, f, p in exercise_checkers() for lab, v in GARBAGE]


# ----------------------------------------------------------------------------- running


def materialise_strategies():
    """Turn ``("array", shape_ok, nan)`` placeholders into hypothesis strategies."""
    for e in CATALOGUE:
        for a in e.args:
            if isinstance(a.strategy, tuple) and a.strategy and a.strategy[0] == "array":
                _, shape_ok, nan = a.strategy
                a.strategy = array_strategy(a, shape_ok, nan=nan)
            elif a.strategy is None and isinstance(a.bad, _Numbers) and a.bad.interval:
                a.strategy = number_strategy(*a.bad.interval)


def pairs():
    """Every (entry, argument) pair of the catalogue."""
    return [(e, a) for e in CATALOGUE for a in e.args]


def count() -> dict:
    """How many distinct cases the enumerated catalogue holds."""
    bad = sum(1 for e, a in pairs() for b in a.bad if b.refuse)
    edge = sum(1 for e, a in pairs() for b in a.bad if not b.refuse)
    return {"entries": len(CATALOGUE), "arguments": len(pairs()), "bad": bad, "edge": edge}


def run_pair(entry_: Entry, arg: Arg) -> list[Outcome]:
    """Every enumerated value of one argument; skipped cases when the entry or the argument is
    not there yet."""
    missing = entry_.available()
    if missing is not None or (arg.optional and not supports(entry_, arg)):
        why = f"nc.{missing} does not exist yet" if missing else f"no argument {arg.name} yet"
        return [
            Outcome(entry_.name, entry_.module, arg.name, b.label, "skip", why) for b in arg.bad
        ]
    return [run_case(entry_, arg, b) for b in arg.bad]


def run_all() -> list[Outcome]:
    return [o for e, a in pairs() for o in run_pair(e, a)]


#: hypothesis settings of the generated cases (shared by the test module and ``--run``)
MAX_EXAMPLES = 25


def hypothesis_settings():
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def run_generated_pair(entry_: Entry, arg: Arg) -> list[Outcome]:
    """The hypothesis-drawn cases of one argument (the same draws as ``test_generated``)."""
    from hypothesis import given

    if arg.strategy is None or entry_.available() is not None:
        return []
    if arg.optional and not supports(entry_, arg):
        return []
    seen: dict = {}

    @hypothesis_settings()
    @given(bad=arg.strategy)
    def draw(bad):
        key = (bad.label, _fingerprint(bad.value))
        if key not in seen:
            seen[key] = run_case(entry_, arg, bad)

    draw()
    return list(seen.values())


def _fingerprint(value):
    if isinstance(value, np.ndarray):
        return (value.shape, value.dtype.str, value.tobytes()[:256])
    return repr(value)


def summary(outcomes) -> str:
    from collections import Counter, defaultdict

    lines = []
    tried = [o for o in outcomes if o.kind != "skip"]
    bad = [o for o in tried if o.kind != "accepted"]
    lines.append(
        f"cases tried: {len(tried)} (skipped, not yet in nbcore: {len(outcomes) - len(tried)})"
    )
    lines.append(
        f"refused clearly: {sum(o.kind == 'refused' for o in tried)}; edge values "
        f"accepted: {sum(o.kind == 'accepted' for o in tried)}; failures: "
        f"{sum(not o.ok for o in tried)}"
    )
    del bad
    by_module = defaultdict(list)
    for o in tried:
        if not o.ok:
            by_module[o.module].append(o)
    for module, items in sorted(by_module.items()):
        kinds = Counter(o.kind for o in items)
        lines.append(f"\n== {module}: {len(items)} failures {dict(kinds)}")
        for o in items:
            lines.append("  " + o.describe())
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--count" in argv:
        print(count())
    if "--run" in argv:
        materialise_strategies()
        enumerated = run_all()
        generated = [o for e, a in pairs() for o in run_generated_pair(e, a)]
        print("== enumerated cases")
        print(summary(enumerated))
        print("\n== hypothesis-drawn cases (distinct)")
        print(summary(generated))
        exercises = run_exercises()
        print("\n== exercise checkers with garbage answers")
        print(summary(exercises))
        both = enumerated + generated + exercises
        keys = {(o.entry, o.arg, o.label) for o in both if o.kind not in ("skip", "accepted")}
        clear = {(o.entry, o.arg, o.label) for o in both if o.kind == "refused"}
        print(f"\n== in all: {len(keys)} distinct bad inputs tried, {len(clear)} refused clearly")


if __name__ == "__main__":
    main()
