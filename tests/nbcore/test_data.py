# ruff: noqa: E501  (the tables of bad arguments keep one case per line)
"""Data helpers and toy data sets."""

import numpy as np
import pytest

import nbcore as nc


def test_one_hot():
    Y = nc.one_hot(np.array([0, 2, 1, 2]), 3)
    np.testing.assert_array_equal(Y, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]])
    assert Y.shape == (4, 3)
    assert Y.dtype.kind == "f"
    np.testing.assert_array_equal(nc.one_hot([1], 2), [[0, 1]])


def test_train_test_split_shapes_disjoint_reproducible():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_tr, X_te, y_tr, y_te = nc.train_test_split(X, y, test_size=0.25, rng=np.random.default_rng(0))
    assert X_tr.shape == (15, 2) and X_te.shape == (5, 2)
    assert y_tr.shape == (15,) and y_te.shape == (5,)
    assert set(y_tr).isdisjoint(y_te)
    assert set(y_tr) | set(y_te) == set(range(20))
    np.testing.assert_array_equal(X_tr[:, 0], 2 * y_tr)  # rows stay paired with their labels
    np.testing.assert_array_equal(X_te[:, 0], 2 * y_te)
    again = nc.train_test_split(X, y, test_size=0.25, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(again[3], y_te)
    other = nc.train_test_split(X, y, test_size=0.25, rng=np.random.default_rng(1))
    assert not np.array_equal(other[3], y_te)


def test_standardize_uses_train_statistics(rng):
    X_train = rng.normal(loc=5.0, scale=3.0, size=(50, 3))
    X_test = rng.normal(loc=5.0, scale=3.0, size=(10, 3))
    Z, mean, std = nc.standardize(X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-13)
    np.testing.assert_allclose(mean, X_train.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(std, X_train.std(axis=0), rtol=1e-14)
    Z_test, mean2, std2 = nc.standardize(X_test, mean, std)
    np.testing.assert_allclose(Z_test, (X_test - mean) / std, rtol=1e-14)
    np.testing.assert_array_equal(mean2, mean)


def test_standardize_constant_column_is_finite():
    X = np.column_stack([np.ones(5), np.arange(5.0)])
    Z, _, _ = nc.standardize(X)
    assert np.all(np.isfinite(Z))


def test_make_moons():
    X, y = nc.make_moons(300, noise=0.1, rng=np.random.default_rng(0))
    assert X.shape == (300, 2) and y.shape == (300,)
    assert set(np.unique(y)) == {0, 1}
    assert np.issubdtype(y.dtype, np.integer)
    X2, y2 = nc.make_moons(300, noise=0.1, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert nc.make_moons()[0].shape == (300, 2)  # contract defaults


def test_make_spirals():
    X, y = nc.make_spirals(rng=np.random.default_rng(0))
    assert X.ndim == 2 and X.shape[1] == 2 and y.shape == (X.shape[0],)
    k = len(np.unique(y))
    assert k >= 2
    assert set(np.unique(y)) == set(range(k))
    assert np.issubdtype(y.dtype, np.integer)


def test_make_xor():
    X, y = nc.make_xor(rng=np.random.default_rng(0))
    assert X.ndim == 2 and X.shape[1] == 2 and y.shape == (X.shape[0],)
    assert set(np.unique(y)) == {0, 1}
    # the label is XOR of the corner each point is near
    corner = (X > 0.5).astype(int)
    assert np.mean((corner[:, 0] ^ corner[:, 1]) == y) > 0.9


def test_load_digits():
    pytest.importorskip("sklearn")
    X, y = nc.load_digits()
    assert X.shape == (1797, 64)
    assert y.shape == (1797,)
    assert set(np.unique(y)) == set(range(10))


# ------------------------------------------------------------------ randomness


@pytest.mark.parametrize(
    "make", [nc.make_moons, nc.make_circles, nc.make_spirals, nc.make_xor], ids=lambda f: f.__name__
)
def test_data_sets_take_int_seeds_and_refuse_other_rngs(make):
    X1, y1 = make(rng=7)
    X2, y2 = make(rng=np.random.default_rng(7))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    nc.manual_seed(1)
    a = make()[0]
    nc.manual_seed(1)
    np.testing.assert_array_equal(make()[0], a)  # rng=None: nbcore's generator
    with pytest.raises(TypeError, match=rf"{make.__name__}: expected rng as None, an int seed"):
        make(rng="0")
    with pytest.raises(ValueError, match=rf"{make.__name__}: expected a finite noise >= 0"):
        make(noise=float("inf"))


def test_train_test_split_int_seed():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    a = nc.train_test_split(X, y, test_size=0.3, rng=0)
    b = nc.train_test_split(X, y, test_size=0.3, rng=np.random.default_rng(0))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    with pytest.raises(TypeError, match=r"train_test_split: expected rng"):
        nc.train_test_split(X, y, rng=1.5)


BAD_SPLIT = [
    ("0.01 of 10 rows", {"test_size": 0.01}, ValueError, r"train_test_split: expected test_size leaving at least one row in each part, got test_size=0.01 of 10 rows"),
    ("0.95 of 10 rows", {"test_size": 0.95}, ValueError, r"train_test_split: expected test_size leaving at least one row"),
    ("all rows", {"test_size": 10}, ValueError, r"train_test_split: expected 0 < test rows < 10, got 10"),
    ("ragged y", {"y": [[1], [2, 3]] * 5}, TypeError, r"train_test_split: expected y as an array of numbers"),
    ("string y", {"y": np.array(list("abcdefghij"))}, TypeError, r"train_test_split: expected y as an array of numbers"),
]  # fmt: skip


@pytest.mark.parametrize("name, change, exc, message", BAD_SPLIT, ids=[b[0] for b in BAD_SPLIT])
def test_train_test_split_refuses_bad_arguments(name, change, exc, message):
    kw = {"X": np.arange(20.0).reshape(10, 2), "y": np.arange(10), "test_size": 0.3, "rng": 0}
    kw.update(change)
    with pytest.raises(exc, match=message):
        nc.train_test_split(**kw)


# ------------------------------------------------------------------ standardize

X_S = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0]])

BAD_STD = [
    ("std -1", {"std": -1}, ValueError, r"standardize: expected std of shape \(2,\) \(X's columns\), got \(\)"),
    ("a negative entry", {"std": np.array([1.0, -1.0])}, ValueError, r"standardize: expected std >= 0 in every column, got -1"),
    ("NaN", {"std": np.array([1.0, np.nan])}, ValueError, r"standardize: expected std without NaN"),
    ("inf", {"std": np.array([1.0, np.inf])}, ValueError, r"standardize: expected finite std"),
    ("wrong length", {"std": np.ones(3)}, ValueError, r"standardize: expected std of shape \(2,\)"),
    ("mean wrong length", {"mean": np.zeros(3)}, ValueError, r"standardize: expected mean of shape \(2,\)"),
    ("mean string", {"mean": "a"}, TypeError, r"standardize: expected mean as an array of numbers"),
    ("inf in X", {"X": np.array([[1.0, np.inf]])}, ValueError, r"standardize: expected finite X"),
]  # fmt: skip


@pytest.mark.parametrize("name, change, exc, message", BAD_STD, ids=[b[0] for b in BAD_STD])
def test_standardize_refuses_bad_statistics_instead_of_using_1(name, change, exc, message):
    kw = {"X": X_S, "mean": None, "std": None}
    kw.update(change)
    with pytest.raises(exc, match=message):
        nc.standardize(**kw)


def test_standardize_accepts_row_statistics_and_zero_std():
    Z, mean, std = nc.standardize(
        X_S, X_S.mean(axis=0, keepdims=True), X_S.std(axis=0, keepdims=True)
    )
    assert mean.shape == std.shape == (2,)
    np.testing.assert_allclose(Z, (X_S - X_S.mean(axis=0)) / X_S.std(axis=0))
    Z0, _, _ = nc.standardize(X_S, np.zeros(2), np.array([1.0, 0.0]))  # a constant column
    np.testing.assert_array_equal(Z0[:, 1], X_S[:, 1])  # only centred (here: by 0)


# ------------------------------------------------------------------ one_hot


BAD_ONE_HOT = [
    ("empty list", [], 3, ValueError, r"one_hot: expected a non-empty batch, got an empty y \(0,\)"),
    ("empty int array", np.array([], dtype=int), 3, ValueError, r"one_hot: .*empty"),
    ("fractional", [0.5, 1], 3, TypeError, r"one_hot: expected y as integer class labels, got dtype float64 with the value 0.5"),
    ("huge float", [0, 1e20], 3, TypeError, r"one_hot: .*with the value 1e\+20"),
    ("huge int", [0, 2**40], 3, ValueError, r"one_hot: expected y in \[0, 2\] for 3 classes"),
    ("label k", [0, 3], 3, ValueError, r"one_hot: expected y in \[0, 2\]"),
    ("2-D", [[0, 1]], 3, ValueError, r"one_hot: expected y of shape \(m,\)"),
    ("ragged", [[0], [1, 2]], 3, TypeError, r"one_hot: expected y as integer class labels"),
    ("strings", ["0", "1"], 3, TypeError, r"one_hot: expected y as integer class labels, got dtype <U1"),
    ("k 0", [0, 1], 0, ValueError, r"one_hot: expected k >= 1, got 0"),
    ("k float", [0, 1], 2.5, TypeError, r"one_hot: expected k as an integer"),
    ("k None", [0, 1], None, TypeError, r"one_hot: expected k as an integer"),
]  # fmt: skip


@pytest.mark.parametrize("name, y, k, exc, message", BAD_ONE_HOT, ids=[b[0] for b in BAD_ONE_HOT])
def test_one_hot_refuses_bad_labels_clearly(name, y, k, exc, message):
    with pytest.raises(exc, match=message):
        nc.one_hot(y, k)


def test_one_hot_accepts_whole_number_floats():
    np.testing.assert_array_equal(nc.one_hot([0.0, 2.0], 3), [[1, 0, 0], [0, 0, 1]])
