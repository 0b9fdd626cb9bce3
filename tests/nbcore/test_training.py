# ruff: noqa: E501  (the tables of bad arguments keep one case per line)
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


# ------------------------------------------------------------------ early stopping


def _constructed_run(val_losses, patience, epochs=None):
    """A model whose val_loss follows ``val_losses`` exactly: a one-weight linear model y = w x
    trained by a fake optimizer that sets w to the epoch number (w = 1, 2, ...), validated on
    targets chosen so that val_loss(w) = val_losses[w - 1]. Returns (history, model, weights)."""
    model = nc.Sequential(nc.Dense(1, 1, init="zeros"))
    W = model[0].W

    class SetW:  # "optimizer": epoch e leaves w = e (full batch: one step per epoch)
        params = model.parameters()

        def __init__(self):
            self.t = 0

        def zero_grad(self):
            pass

        def step(self):
            self.t += 1
            W.data[0, 0] = self.t

    class TableLoss(nc.MSELoss):  # val_loss = the table's value at the current w
        def forward(self, pred, target):
            value = super().forward(pred, target)
            if len(target) == 1:  # the validation set
                return float(val_losses[int(round(W.data[0, 0])) - 1])
            return value

    X, Y = np.ones((4, 1)), np.ones((4, 1))
    history = nc.train(
        model,
        TableLoss(),
        SetW(),
        X,
        Y,
        epochs=epochs or len(val_losses),
        validation=(np.ones((1, 1)), np.ones((1, 1))),
        early_stopping=patience,
        progress=False,
    )
    return history, model, W


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    #            epoch: 1    2    3    4    5    6    7    8
    val_losses = [0.9, 0.5, 0.6, 0.4, 0.45, 0.41, 0.42, 0.3]
    history, _, W = _constructed_run(val_losses, patience=3)
    # best at epoch 4 (0.4); epochs 5, 6, 7 bring nothing: stop after epoch 7
    assert len(history.loss) == len(history.val_loss) == 7
    assert history.val_loss == val_losses[:7]
    assert history.best_epoch == 4
    assert W.data[0, 0] == 4.0  # the weights of epoch 4, restored


def test_early_stopping_equal_loss_is_no_improvement():
    history, _, W = _constructed_run([0.5, 0.5, 0.5, 0.1], patience=2)
    assert len(history.loss) == 3 and history.best_epoch == 1 and W.data[0, 0] == 1.0


def test_early_stopping_that_never_triggers_still_restores_the_best():
    history, _, W = _constructed_run([0.5, 0.2, 0.3], patience=5)
    assert len(history.loss) == 3 and history.best_epoch == 2 and W.data[0, 0] == 2.0
    assert "best_epoch=2" in repr(history)


def test_early_stopping_restores_bit_identical_weights_in_place():
    X, y = nc.make_moons(120, noise=0.3, rng=0)
    Y = y.reshape(-1, 1).astype(float)
    X_val, y_val = nc.make_moons(60, noise=0.3, rng=1)
    model = nc.MLP([2, 32, 32, 1], activation="tanh", rng=0)
    params = model.parameters()
    arrays = [p.data for p in params]  # the arrays the optimizer updates
    opt = nc.Adam(params, lr=0.05)
    snapshots = []

    class Recording(nc.BCEWithLogitsLoss):
        def forward(self, pred, target):  # called once per epoch on the validation set
            if len(target) == len(X_val):
                snapshots.append([p.data.copy() for p in params])
            return super().forward(pred, target)

    history = nc.train(
        model,
        Recording(),
        opt,
        X,
        Y,
        epochs=300,
        batch_size=32,
        rng=0,
        validation=(X_val, y_val.reshape(-1, 1).astype(float)),
        early_stopping=10,
        progress=False,
    )
    best = history.best_epoch
    assert best == int(np.argmin(history.val_loss)) + 1
    assert len(history.val_loss) == best + 10 < 300  # it over-fits, then stops
    for p, arr, saved in zip(params, arrays, snapshots[best - 1], strict=True):
        np.testing.assert_array_equal(p.data, saved)  # bit for bit
        assert p.data is arr  # copied in place: the optimizer still holds these arrays
    # the optimizer still moves the model
    before = [p.data.copy() for p in params]
    nc.train(model, nc.BCEWithLogitsLoss(), opt, X, Y, epochs=1, progress=False)
    assert any(not np.array_equal(a, p.data) for a, p in zip(before, params, strict=True))


def test_history_without_early_stopping_has_no_best_epoch():
    X, Y = np.ones((4, 1)), np.ones((4, 1))
    model = nc.Sequential(nc.Dense(1, 1))
    h = nc.train(model, nc.MSELoss(), nc.SGD(model.parameters(), lr=0.1), X, Y, epochs=2,
                 validation=(X, Y), progress=False)  # fmt: skip
    assert h.best_epoch is None


# ------------------------------------------------------------------ randomness


def test_train_rng_accepts_int_seeds_and_generators():
    def run(rng):
        X, y = nc.make_moons(64, rng=0)
        model = nc.MLP([2, 4, 1], rng=0)
        opt = nc.SGD(model.parameters(), lr=0.1)
        h = nc.train(model, nc.BCEWithLogitsLoss(), opt, X, y.reshape(-1, 1).astype(float),
                     epochs=3, batch_size=8, rng=rng, progress=False)  # fmt: skip
        return h.loss

    assert run(5) == run(np.random.default_rng(5))
    nc.manual_seed(3)
    a = run(None)
    nc.manual_seed(3)
    assert run(None) == a


# ------------------------------------------------------------------ bad arguments


def _setup():
    model = nc.MLP([2, 3, 1], rng=0)
    return model, nc.MSELoss(), nc.SGD(model.parameters(), lr=0.1), np.ones((8, 2)), np.ones((8, 1))


def _call(**change):
    model, loss_fn, opt, X, Y = _setup()
    kw = dict(model=model, loss_fn=loss_fn, optimizer=opt, X=X, Y=Y, epochs=2, progress=False)
    kw.update(change)
    return nc.train(**kw)


BAD_TRAIN = [
    ("a layer", {"model": nc.Dense(2, 1)}, TypeError, r"train: expected a model .*got a single layer Dense"),
    ("the model class", {"model": nc.MLP}, TypeError, r"train: expected a model .*got the class MLP"),
    ("the loss class", {"loss_fn": nc.MSELoss}, TypeError, r"train: expected loss_fn as a loss object .*got the class MSELoss \(the class: call it, MSELoss\(\)\)"),
    ("the loss function", {"loss_fn": nc.mse}, TypeError, r"train: expected loss_fn .*got the function mse"),
    ("a layer as loss", {"loss_fn": nc.Dense(1, 1)}, TypeError, r"train: expected loss_fn"),
    ("the base Loss", {"loss_fn": nc.Loss()}, TypeError, r"base class"),
    ("the optimizer class", {"optimizer": nc.SGD}, TypeError, r"train: expected an optimizer .*got the class SGD"),
    ("a list as optimizer", {"optimizer": []}, TypeError, r"train: expected an optimizer"),
    ("another model's optimizer", {"optimizer": nc.SGD(nc.MLP([2, 1]).parameters(), lr=0.1)}, ValueError, r"train: expected an optimizer built on model.parameters\(\)"),
    ("epochs 0", {"epochs": 0}, ValueError, r"train: expected epochs >= 1, got 0"),
    ("epochs 2.5", {"epochs": 2.5}, TypeError, r"train: expected epochs as an integer"),
    ("batch_size 0", {"batch_size": 0}, ValueError, r"train: expected batch_size >= 1"),
    ("shuffle 'no'", {"shuffle": "no"}, TypeError, r"train: expected shuffle as True or False, got 'no'"),
    ("progress None", {"progress": None}, TypeError, r"train: expected progress as True or False"),
    ("rng '0'", {"rng": "0"}, TypeError, r"train: expected rng as None, an int seed"),
    ("rng -1", {"rng": -1}, ValueError, r"train: expected rng"),
    ("rows", {"Y": np.ones((7, 1))}, ValueError, r"train: expected X of shape \(m, n\) and Y with the same m rows, got X \(8, 2\) and Y \(7, 1\)"),
    ("1-D X", {"X": np.ones(8)}, ValueError, r"train: expected X of shape \(m, n\)"),
    ("empty", {"X": np.ones((0, 2)), "Y": np.ones((0, 1))}, ValueError, r"train: expected at least one sample"),
    ("inf in X", {"X": np.full((8, 2), np.inf)}, ValueError, r"train: expected finite X"),
    ("ragged Y", {"Y": [[1.0], [2.0, 3.0]]}, TypeError, r"train: expected Y as an array of numbers"),
    ("Y None", {"Y": None}, TypeError, r"train: expected Y as an array of numbers, got None \(NoneType\)"),
    ("Y a string", {"Y": "abc"}, TypeError, r"train: expected Y as an array of numbers, got 'abc' \(str\)"),
    ("Y a layer", {"Y": nc.Dense(2, 2, rng=0)}, TypeError, r"train: expected Y as an array of numbers, got .*\(Dense\)"),
    ("Y the class", {"Y": nc.Dense}, TypeError, r"train: expected Y as an array of numbers, got the class Dense"),
    ("X None", {"X": None}, TypeError, r"train: expected X as an array of numbers, got None"),
    ("X a dict", {"X": {"a": 1}}, TypeError, r"train: expected X as an array of numbers, got .*dict"),
    ("validation string", {"validation": "val"}, TypeError, r"train: expected validation as a pair"),
    ("validation columns", {"validation": (np.ones((3, 1)), np.ones((3, 1)))}, ValueError, r"train: expected validation data shaped like the training data"),
    ("validation rows", {"validation": (np.ones((3, 2)), np.ones((2, 1)))}, ValueError, r"train: expected X_val of shape \(m, n\) and Y_val with the same m rows"),
    ("validation NaN", {"validation": (np.full((3, 2), np.nan), np.ones((3, 1)))}, ValueError, r"train: expected X_val without NaN"),
    ("early_stopping without validation", {"early_stopping": 3}, ValueError, r"train: expected validation=\(X_val, Y_val\) with early_stopping"),
    ("early_stopping 0", {"early_stopping": 0, "validation": (np.ones((2, 2)), np.ones((2, 1)))}, ValueError, r"train: expected early_stopping .*>= 1, got 0"),
    ("early_stopping 2.5", {"early_stopping": 2.5, "validation": (np.ones((2, 2)), np.ones((2, 1)))}, TypeError, r"train: expected early_stopping"),
]  # fmt: skip


@pytest.mark.parametrize("name, change, exc, message", BAD_TRAIN, ids=[b[0] for b in BAD_TRAIN])
def test_train_refuses_bad_arguments_clearly(name, change, exc, message):
    with pytest.raises(exc, match=message):
        _call(**change)


def test_train_rejects_a_bad_argument_before_touching_the_model():
    model, loss_fn, opt, X, Y = _setup()
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(TypeError):
        nc.train(model, loss_fn, opt, X, Y, epochs=3, shuffle="no", progress=False)
    for a, p in zip(before, model.parameters(), strict=True):
        np.testing.assert_array_equal(a, p.data)


def test_train_accepts_a_list_as_validation_and_a_loss_of_ones_own():
    class Half(nc.MSELoss):
        pass

    h = _call(validation=[np.ones((3, 2)), np.ones((3, 1))], loss_fn=Half())
    assert len(h.val_loss) == 2


# ------------------------------------------------------------------ accuracy

P3 = np.array([[0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])


def test_accuracy_right_answers():
    assert nc.accuracy(P3, [1, 0, 2, 2]) == 0.75
    assert nc.accuracy(P3, nc.one_hot([1, 0, 2, 2], 3)) == 0.75
    assert nc.accuracy(P3, np.array([1.0, 0.0, 2.0, 2.0])) == 0.75  # whole-number floats
    p = np.array([[0.2], [0.7], [0.9], [0.4]])
    assert nc.accuracy(p, [0, 1, 1, 1]) == 0.75
    assert nc.accuracy(p[:, 0], np.array([[0], [1], [1], [1]])) == 0.75
    assert nc.accuracy(np.array([[-1.0], [2.0]]), [0, 1]) == 1.0  # logits: threshold 0


BAD_ACCURACY = [
    ("label out of range", P3, [1, 0, 5, 2], ValueError, r"accuracy: expected target in \[0, 2\] for 3 classes, got values from 0 to 5"),
    ("negative label", P3, [1, 0, -1, 2], ValueError, r"accuracy: expected target in \[0, 2\]"),
    ("fractional label", P3, [1.5, 0, 2, 2], TypeError, r"accuracy: expected target as integer class labels, got dtype float64 with the value 1.5"),
    ("NaN label", P3, [1, np.nan, 2, 2], TypeError, r"accuracy: .*got dtype float64 with the value nan"),
    ("string labels", P3, ["1", "0", "2", "2"], TypeError, r"accuracy: expected target as an array of numbers, got dtype <U1"),
    ("3-D target", P3, np.zeros((4, 3, 1)), ValueError, r"accuracy: expected target of shape \(4,\) \(labels\) or \(4, 3\) \(one-hot rows\)"),
    ("one-hot with k = 2", P3, np.eye(2)[[1, 0, 1, 1]], ValueError, r"accuracy: expected target of shape \(4,\) .*got \(4, 2\)"),
    ("rows summing to 2", P3, 2 * np.eye(3)[[1, 0, 2, 2]], ValueError, r"accuracy: expected target rows that are one-hot"),
    ("3 labels for 4 rows", P3, [1, 0, 2], ValueError, r"accuracy: expected target of shape \(4,\)"),
    ("empty target", P3, [], ValueError, r"accuracy: expected target of shape \(4,\)"),
    ("ragged", P3, [[1], [0, 2]], TypeError, r"accuracy: expected target as an array of numbers"),
    ("pred of shape (4, 3, 1)", np.zeros((4, 3, 1)), [1, 0, 2, 2], ValueError, r"accuracy: expected pred of shape \(m, k\) .*got \(4, 3, 1\)"),
    ("empty pred", np.zeros((0, 3)), [], ValueError, r"accuracy: expected pred of shape"),
    ("NaN in pred", np.full((4, 3), np.nan), [1, 0, 2, 2], ValueError, r"accuracy: expected pred without NaN"),
    ("binary label 2", np.full((4, 1), 0.7), [0, 2, 1, 0], ValueError, r"accuracy: expected binary target labels 0 or 1, got 2"),
    ("binary label 0.5", np.full((4, 1), 0.7), [0, 0.5, 1, 0], ValueError, r"accuracy: expected binary target labels 0 or 1, got 0.5"),
    ("binary NaN", np.full((4, 1), 0.7), [0, np.nan, 1, 0], ValueError, r"got nan"),
    ("binary with one-hot", np.full((4, 1), 0.7), np.eye(2)[[0, 1, 1, 0]], ValueError, r"accuracy: expected target of shape \(4,\) or \(4, 1\)"),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, pred, target, exc, message", BAD_ACCURACY, ids=[b[0] for b in BAD_ACCURACY]
)
def test_accuracy_never_scores_a_bad_target_silently(name, pred, target, exc, message):
    with pytest.raises(exc, match=message):
        nc.accuracy(pred, target)
