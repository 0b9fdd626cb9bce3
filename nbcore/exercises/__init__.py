"""Automatic checkers for the book's exercises.

Every checker is a function ``check_<name>(answer)`` that returns a :class:`Feedback`.
A ``Feedback`` is truthy when the answer is right, prints itself in a notebook, and its
``message`` names the most likely mistake when it is wrong ("you used log base 10", not just
"wrong"). Checkers for each chapter live in their own module (``ch01``, ``ch02``, ...) and are
re-exported here, so a notebook writes ``from nbcore.exercises import check_and_weights``.
"""

from nbcore.exercises._base import Feedback, close, correct, wrong

__all__ = ["Feedback", "close", "correct", "wrong"]
