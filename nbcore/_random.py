"""One source of randomness for nbcore, seeded like PyTorch's ``torch.manual_seed``.

Every ``rng=None`` in nbcore draws from one module-level ``numpy.random.Generator``. Importing
nbcore seeds it with 0, so a program gives the same numbers every run; ``manual_seed(seed)``
starts it again from ``seed``. Because every layer draws from the same stream, two layers built
one after the other get different weights (and two ``Dropout`` layers different masks).

Every ``rng=`` argument also accepts an int seed (a fresh ``np.random.default_rng(seed)``) or a
``Generator`` of the reader's own; anything else is a ``TypeError``.
"""

from __future__ import annotations

import numbers

import numpy as np

_generator = np.random.default_rng(0)


def manual_seed(seed) -> np.random.Generator:
    """Seed the generator that every ``rng=None`` draws from; return it.

    Parameters
    ----------
    seed : int
        A non-negative integer, as for ``np.random.default_rng``.

    Returns
    -------
    numpy.random.Generator
        The new module-level generator.

    Examples
    --------
    >>> import nbcore as nc
    >>> _ = nc.manual_seed(0)
    >>> a = nc.Dense(2, 2).W.data
    >>> _ = nc.manual_seed(0)
    >>> bool((a == nc.Dense(2, 2).W.data).all())
    True
    """
    global _generator
    _generator = np.random.default_rng(_check_seed(seed, "manual_seed", "seed"))
    return _generator


def default_generator() -> np.random.Generator:
    """The module-level generator that ``rng=None`` means (changed by ``manual_seed``)."""
    return _generator


def as_generator(rng, where: str) -> np.random.Generator:
    """Turn an ``rng=`` argument into a ``numpy.random.Generator``.

    ``None`` gives the module-level generator, an int seed a new generator seeded with it, a
    ``Generator`` itself. Anything else raises ``TypeError`` naming ``where``.
    """
    if rng is None:
        return _generator
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(_check_seed(rng, where, "rng"))


def _check_seed(seed, where: str, name: str) -> int:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{where}: expected {name} as None, an int seed or a numpy.random.Generator, "
            f"got {seed!r} ({type(seed).__name__})"
        )
    if seed < 0:
        raise ValueError(f"{where}: expected {name} as a non-negative int seed, got {seed}")
    return int(seed)
