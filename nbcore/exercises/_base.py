"""The small toolkit every exercise checker is built from."""

from __future__ import annotations

import numbers
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
        The reader's answer and the reference value.
    rtol, atol : float
        Tolerances as in ``numpy.allclose``; a reader rounding to 3-4 digits passes.
    """
    try:
        g = np.asarray(given, dtype=float)
        e = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    if g.shape != e.shape:
        return False
    return bool(np.all(np.isfinite(g)) and np.allclose(g, e, rtol=rtol, atol=atol))


def as_number(answer):
    """``float(answer)`` for a real number (or a size-1 numeric array), else None (never raises).

    Booleans are not numbers here: ``True`` as an answer is a mistake, not 1.0.
    """
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Real):
        return float(answer)
    if isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype.kind in "fiu":
        return float(answer.reshape(-1)[0])
    return None
