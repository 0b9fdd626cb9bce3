"""Every exercise checker of chapters 1-9 meets garbage: it never raises and never says "correct".

The checkers are discovered from ``nbcore.exercises.chNN.__all__``; each is fed every garbage
answer below in every argument position (the other positions hold None, or the right answer
where the checker needs one to reach that position).
"""

import importlib
import inspect
import itertools

import numpy as np
import pytest

from nbcore.exercises import Feedback

CHAPTERS = [f"nbcore.exercises.ch{n:02d}" for n in range(1, 10)]


class _FloatRaises:
    def __float__(self):
        raise ValueError("no float for you")

    def __array__(self, *args, **kwargs):
        raise ValueError("no array for you")


class _ReprRaises:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __float__(self):
        raise RuntimeError("no float")


class _SomeClass:
    pass


def _returns_string(*args, **kwargs):
    return "0.5"


def _returns_nan(*args, **kwargs):
    return float("nan")


def _returns_huge_int(*args, **kwargs):
    return 10**400


def _raises(*args, **kwargs):
    raise ZeroDivisionError("division by zero")


def _recurses(*args, **kwargs):
    return _recurses(*args, **kwargs)


def _modifies_inputs(*args, **kwargs):
    """Fills every float array argument with NaN in place and returns the first argument."""
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.flags.writeable:
            a[...] = np.nan
    return args[0] if args else None


def _returns_dict(*args, **kwargs):
    return {"a": 1}


class _BadTypesEachCall:
    """A function that returns a different bad type on every call."""

    values = ["x", None, 10**400, {}, [1, "a"], object(), np.inf, (1, 2, 3), _SomeClass]

    def __init__(self):
        self.calls = itertools.count()

    def __call__(self, *args, **kwargs):
        return self.values[next(self.calls) % len(self.values)]


GARBAGE = {
    "none": lambda: None,
    "string": lambda: "abc",
    "huge_int": lambda: 10**400,
    "neg_huge_int": lambda: -(10**400),
    "float_raises": lambda: _FloatRaises(),
    "repr_raises": lambda: _ReprRaises(),
    "nan": lambda: float("nan"),
    "inf": lambda: float("inf"),
    "complex": lambda: 1 + 2j,
    "bool": lambda: True,
    "huge_array": lambda: np.zeros(2_000_000),
    "nan_array": lambda: np.full((3, 3), np.nan),
    "dict": lambda: {"z": 1.0},
    "class": lambda: _SomeClass,
    "ragged": lambda: [[1.0], [1.0, 2.0]],
    "strings_list": lambda: ["a", "b", "c", "d"],
    "fn_returns_string": lambda: _returns_string,
    "fn_returns_nan": lambda: _returns_nan,
    "fn_returns_huge_int": lambda: _returns_huge_int,
    "fn_raises": lambda: _raises,
    "fn_recurses": lambda: _recurses,
    "fn_modifies_inputs": lambda: _modifies_inputs,
    "fn_returns_dict": lambda: _returns_dict,
    "fn_bad_types_each_call": lambda: _BadTypesEachCall(),
    "fn_no_args": lambda: lambda: 0.5,
}


def _checkers():
    found = []
    for name in CHAPTERS:
        mod = importlib.import_module(name)
        for attr in mod.__all__:
            if attr.startswith("check_"):
                found.append((name.rsplit(".", 1)[1], attr, getattr(mod, attr)))
    return found


CHECKERS = _checkers()

#: Arguments that are settings of the exercise rather than answers (kept at their right value).
FIXED = {
    "check_bias_prediction": {0: -0.5},
    "check_gate_weights": {0: "NOR"},
    "check_spirals": {1: 0.95},
}


def _positions(fn):
    params = [
        p
        for p in inspect.signature(fn).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    return len(params)


def test_every_chapter_has_checkers():
    chapters = {c for c, _, _ in CHECKERS}
    assert chapters == {f"ch{n:02d}" for n in range(1, 10)}
    assert len(CHECKERS) >= 47


@pytest.mark.parametrize("garbage", list(GARBAGE))
@pytest.mark.parametrize("chapter, name, checker", CHECKERS, ids=[n for _, n, _ in CHECKERS])
def test_garbage_gets_polite_feedback(chapter, name, checker, garbage):
    n = max(_positions(checker), 1)
    fixed = FIXED.get(name, {})
    for pos in range(n):
        if pos in fixed:
            continue
        args = [fixed.get(i) for i in range(n)]
        args[pos] = GARBAGE[garbage]()
        fb = checker(*args)
        assert isinstance(fb, Feedback), f"{name} position {pos}: returned {type(fb)}"
        assert not fb.ok, f"{name} position {pos}: garbage {garbage} passed"
        assert fb.message and fb.mistake not in ("", "unreadable"), fb.message
