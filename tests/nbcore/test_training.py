"""nc.train solves XOR and two moons from a fixed seed; History records what it should."""

import numpy as np
import pytest

import nbcore as nc


def _binary_accuracy(model, X, y):
    logits = model.predict(X)
    return float(np.mean((logits[:, 0] > 0).astype(int) == y))


def test_train_solves_xor():
    X, y = nc.make_xor(200, rng=np.random.default_rng(0))
    Y = y.reshape(-1, 1).astype(float)
    model = nc.MLP([2, 8, 1], activation="tanh", output=None, rng=np.random.default_rng(0))
    history = nc.train(
        model,
        nc.BCEWithLogitsLoss(),
        nc.Adam(model.parameters(), lr=0.05),
        X,
        Y,
        epochs=300,
        rng=np.random.default_rng(0),
        progress=False,
    )
    assert isinstance(history.loss, list) and len(history.loss) == 300
    assert history.loss[-1] < history.loss[0]
    assert _binary_accuracy(model, X, y) >= 0.97


def test_train_solves_two_moons_with_validation():
    X, y = nc.make_moons(300, noise=0.1, rng=np.random.default_rng(0))
    Y = y.reshape(-1, 1).astype(float)
    X_val, y_val = nc.make_moons(100, noise=0.1, rng=np.random.default_rng(1))
    model = nc.MLP([2, 16, 16, 1], activation="tanh", output=None, rng=np.random.default_rng(0))
    history = nc.train(
        model,
        nc.BCEWithLogitsLoss(),
        nc.Adam(model.parameters(), lr=0.02),
        X,
        Y,
        epochs=400,
        rng=np.random.default_rng(0),
        validation=(X_val, y_val.reshape(-1, 1).astype(float)),
        progress=False,
    )
    assert len(history.loss) == 400
    assert isinstance(history.val_loss, list) and len(history.val_loss) == 400
    assert all(np.isfinite(history.loss)) and all(np.isfinite(history.val_loss))
    assert _binary_accuracy(model, X, y) >= 0.97
    assert _binary_accuracy(model, X_val, y_val) >= 0.9
    if history.accuracy:  # classification losses also record accuracy
        assert len(history.accuracy) == 400
        assert history.accuracy[-1] >= 0.97


def test_train_minibatches_and_cross_entropy():
    X, y = nc.make_spirals(300, n_classes=3, rng=np.random.default_rng(0))
    model = nc.MLP([2, 32, 32, 3], activation="relu", rng=np.random.default_rng(0))
    history = nc.train(
        model,
        nc.CrossEntropyLoss(),
        nc.Adam(model.parameters(), lr=0.01),
        X,
        y,
        epochs=60,
        batch_size=32,
        rng=np.random.default_rng(0),
        progress=False,
    )
    assert len(history.loss) == 60
    assert not history.val_loss  # no validation data, no val_loss
    assert history.loss[-1] < 0.5 * history.loss[0]


def test_train_is_reproducible():
    def run():
        X, y = nc.make_moons(100, rng=np.random.default_rng(0))
        model = nc.MLP([2, 8, 1], activation="tanh", rng=np.random.default_rng(0))
        nc.train(
            model,
            nc.BCEWithLogitsLoss(),
            nc.SGD(model.parameters(), lr=0.1, momentum=0.9),
            X,
            y.reshape(-1, 1).astype(float),
            epochs=5,
            batch_size=16,
            rng=np.random.default_rng(3),
            progress=False,
        )
        return [p.data.copy() for p in model.parameters()]

    for a, b in zip(run(), run(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_train_first_epoch_loss_is_the_initial_loss_full_batch():
    """Full batch: the loss recorded for epoch 1 is the loss before the first update."""
    X, y = nc.make_xor(40, rng=np.random.default_rng(0))
    Y = y.reshape(-1, 1).astype(float)
    model = nc.MLP([2, 4, 1], activation="tanh", rng=np.random.default_rng(0))
    before = nc.BCEWithLogitsLoss()(model.forward(X), Y)
    history = nc.train(
        model,
        nc.BCEWithLogitsLoss(),
        nc.SGD(model.parameters(), lr=0.1),
        X,
        Y,
        epochs=2,
        progress=False,
    )
    assert history.loss[0] == pytest.approx(before, rel=1e-12)
