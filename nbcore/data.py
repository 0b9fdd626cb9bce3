"""Small data sets and data helpers.

The toy data sets are generated with NumPy (no download); ``load_digits`` reads the 8x8 digits
that ship inside scikit-learn. Labels are integer arrays of shape (m,). Every ``rng=`` takes None
(nbcore's generator, see ``nc.manual_seed``), an int seed or a ``numpy.random.Generator``.

Introduced in chapter 8 (Training a network end to end).
"""

from __future__ import annotations

import numpy as np

from nbcore._checks import as_float_array, check_int, check_labels, check_matrix, check_number
from nbcore._random import as_generator


def one_hot(y, k):
    """Integer labels (m,) -> one-hot rows of shape (m, k) (float64).

    >>> one_hot([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    k = check_int(k, "one_hot", "k")
    y = check_labels(y, k, "one_hot", "y")  # non-empty integer labels (m,) in [0, k)
    Y = np.zeros((y.shape[0], k))
    Y[np.arange(y.shape[0]), y] = 1
    return Y


def train_test_split(X, y, test_size=0.25, rng=None):
    """Shuffle, then split rows into a training and a test part.

    Parameters
    ----------
    X : ndarray of shape (m, n)
    y : ndarray with m rows
    test_size : float in (0, 1) (a fraction of the rows, rounded up as in scikit-learn) or int
        (a number of rows); both parts must get at least one row
    rng : None, int seed or numpy.random.Generator
        The shuffle (None: nbcore's generator, see ``nc.manual_seed``).

    Returns
    -------
    X_train, X_test, y_train, y_test
    """
    where = "train_test_split"
    X = check_matrix(X, where, "X")
    y = _numbers(y, where, "y")
    m = X.shape[0]
    if y.shape[:1] != (m,):
        raise ValueError(f"{where}: expected y with {m} rows like X, got shape {y.shape}")
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = check_int(test_size, where, "test_size")
    else:
        frac = check_number(test_size, where, "test_size", 0, 1, True, True)
        if frac * m < 1 or (1 - frac) * m < 1:
            raise ValueError(
                f"{where}: expected test_size leaving at least one row in each part, got "
                f"test_size={test_size!r} of {m} rows ({frac * m:g} test rows)"
            )
        n_test = int(np.ceil(frac * m))
    if not 0 < n_test < m:
        raise ValueError(f"{where}: expected 0 < test rows < {m}, got {n_test}")
    order = as_generator(rng, where).permutation(m)
    test, tr = order[:n_test], order[n_test:]
    return X[tr], X[test], y[tr], y[test]


def _numbers(values, where, name):
    """``values`` as an ndarray of numbers (bool, int or float) with at least one axis."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as err:  # ragged lists
        raise TypeError(f"{where}: expected {name} as an array of numbers, got {values!r}") from err
    if arr.dtype.kind not in "biuf" or arr.ndim == 0:
        raise TypeError(
            f"{where}: expected {name} as an array of numbers, got {values!r}"[:200]
            + f" (dtype {arr.dtype}, shape {arr.shape})"
        )
    return arr


def standardize(X, mean=None, std=None):
    """Scale each column to mean 0 and standard deviation 1: ``(X - mean) / std``.

    Compute ``mean`` and ``std`` on the training set and pass them when scaling the dev and test
    sets, so that all three are scaled the same way. A constant column (std 0) is only centred.

    Parameters
    ----------
    X : ndarray of shape (m, n), finite
    mean : ndarray of shape (n,) or (1, n), optional
        Computed from X when None.
    std : ndarray of shape (n,) or (1, n), optional
        Computed from X when None; every entry >= 0 and finite (0 marks a constant column, which
        is only centred). A negative, NaN or infinite std is an error, never replaced by 1.

    Returns
    -------
    X_std : ndarray of X's shape
    mean, std : ndarray of shape (n,)
    """
    where = "standardize"
    X = check_matrix(X, where, "X")
    if not np.isfinite(X).all():
        raise ValueError(f"{where}: expected finite X, got {int(np.sum(np.isinf(X)))} inf")
    n = X.shape[1]
    mean = X.mean(axis=0) if mean is None else _column_stat(mean, n, where, "mean")
    std = X.std(axis=0) if std is None else _column_stat(std, n, where, "std")
    if np.any(std < 0):
        raise ValueError(f"{where}: expected std >= 0 in every column, got {std.min():g}")
    safe = np.where(std > 0, std, 1).astype(X.dtype)  # a constant column: only centred
    return (X - mean.astype(X.dtype)) / safe, mean, std


def _column_stat(values, n, where, name):
    """A given mean or std as a finite float array of shape (n,) (also accepted: (1, n))."""
    arr = as_float_array(values, where, name)
    if arr.shape not in ((n,), (1, n)):
        raise ValueError(f"{where}: expected {name} of shape ({n},) (X's columns), got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{where}: expected finite {name}, got {arr.reshape(n).tolist()}")
    return arr.reshape(n)


def _check_noise(noise, where):
    """The noise's standard deviation: a finite number >= 0."""
    noise = check_number(noise, where, "noise", lo=0)
    if noise == np.inf:
        raise ValueError(f"{where}: expected a finite noise >= 0, got {noise}")
    return noise


def make_moons(n_samples=300, noise=0.1, rng=None):
    """Two interleaving half circles (the formula of scikit-learn's ``make_moons``).

    Returns X of shape (n_samples, 2) and labels y in {0, 1} of shape (n_samples,).
    """
    n = check_int(n_samples, "make_moons", "n_samples", lo=2)
    noise = _check_noise(noise, "make_moons")
    rng = as_generator(rng, "make_moons")
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
        ]
    )
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    X += rng.normal(0, noise, X.shape) if noise > 0 else 0
    order = rng.permutation(n)
    return X[order], y[order]


def make_circles(n_samples=300, noise=0.1, factor=0.5, rng=None):
    """A small circle (label 1) inside a large one (label 0)."""
    n = check_int(n_samples, "make_circles", "n_samples", lo=2)
    noise = _check_noise(noise, "make_circles")
    factor = check_number(factor, "make_circles", "factor", lo=0, hi=1, lo_open=True, hi_open=True)
    rng = as_generator(rng, "make_circles")
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    X += rng.normal(0, noise, X.shape) if noise > 0 else 0
    order = rng.permutation(n)
    return X[order], y[order]


def make_spirals(n_samples=300, n_classes=3, noise=0.2, rng=None):
    """``n_classes`` interleaved spiral arms in the plane (labels 0 .. n_classes-1)."""
    n = check_int(n_samples, "make_spirals", "n_samples", lo=2)
    k = check_int(n_classes, "make_spirals", "n_classes", lo=2)
    noise = _check_noise(noise, "make_spirals")
    rng = as_generator(rng, "make_spirals")
    sizes = [n // k + (1 if c < n % k else 0) for c in range(k)]
    Xs, ys = [], []
    for c, size in enumerate(sizes):
        r = np.linspace(0.05, 1, size)
        t = np.linspace(c * 2 * np.pi / k, c * 2 * np.pi / k + 1.75 * np.pi, size)
        t = t + rng.normal(0, noise, size)
        Xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(size, c, np.int64))
    X, y = np.vstack(Xs), np.concatenate(ys)
    order = rng.permutation(n)
    return X[order], y[order]


def make_xor(n_samples=200, noise=0.15, rng=None):
    """Points around the four corners of the unit square, labelled with XOR of the corner bits.

    ``make_xor(4, noise=0)`` is the truth table itself: X = [[0,0],[0,1],[1,0],[1,1]],
    y = [0, 1, 1, 0].
    """
    n = check_int(n_samples, "make_xor", "n_samples", lo=4)
    noise = _check_noise(noise, "make_xor")
    rng = as_generator(rng, "make_xor")
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    idx = np.arange(n) % 4
    X = corners[idx] + (rng.normal(0, noise, (n, 2)) if noise > 0 else 0)
    y = (corners[idx, 0] != corners[idx, 1]).astype(np.int64)
    return X, y


def load_digits():
    """scikit-learn's 8x8 handwritten digits: X (1797, 64) with pixel values 0-16, y (1797,).

    The data ship inside scikit-learn (nothing is downloaded).
    """
    from sklearn.datasets import load_digits as _load  # scikit-learn only when needed

    d = _load()
    return d.data.astype(np.float64), d.target.astype(np.int64)
