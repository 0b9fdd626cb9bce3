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
