"""The training loop, its History, and accuracy.

Introduced in chapter 8 (Training a network end to end); early stopping in chapter 9.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from nbcore._checks import as_float_array, check_int, check_labels
from nbcore._random import as_generator
from nbcore.layers import Layer
from nbcore.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, FocalLoss, Loss, NLLLoss
from nbcore.network import Sequential


@dataclass
class History:
    """Per-epoch records of a training run (lists, one entry per epoch).

    ``loss`` is the mean of the mini-batch losses of the epoch, weighted by batch size (each
    computed before that batch's update); ``val_loss`` is the loss on the validation data after
    the epoch. ``accuracy`` / ``val_accuracy`` are filled for classification losses.
    ``best_epoch`` is set by early stopping: the epoch, counted from 1 like the progress bar,
    whose weights the model ends with (``val_loss[best_epoch - 1]`` is the lowest); None without
    early stopping.
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    best_epoch: int | None = None

    def __repr__(self):
        parts = [f"epochs={len(self.loss)}"]
        for name in ("loss", "val_loss", "accuracy", "val_accuracy"):
            values = getattr(self, name)
            if isinstance(values, list) and values and isinstance(values[-1], numbers.Real):
                parts.append(f"{name}={values[-1]:.4g}")
        if self.best_epoch is not None:
            parts.append(f"best_epoch={self.best_epoch}")
        return "History(" + ", ".join(parts) + ")"


def accuracy(pred, target):
    """The fraction of samples whose predicted class equals the true class.

    Parameters
    ----------
    pred : ndarray of shape (m, k) with k >= 2, or (m, 1) / (m,)
        Class scores (logits or probabilities: the argmax is taken), or one binary output,
        read as a probability (class 1 when > 0.5) unless ``pred`` has values outside [0, 1],
        in which case it is read as a logit (class 1 when > 0).
    target : int labels of shape (m,) in [0, k), or one-hot rows (m, k); 0/1 labels of shape
        (m,) or (m, 1) for one binary output
        One-hot rows are turned back into labels with argmax, never compared element by element
        (that would count the many correct zeros and inflate the score). Labels out of range,
        fractional or NaN, and targets of another shape, are errors rather than a silent score.

    Returns
    -------
    float in [0, 1]
    """
    where = "accuracy"
    pred = as_float_array(pred, where, "pred")
    if pred.ndim not in (1, 2) or pred.shape[0] == 0 or (pred.ndim == 2 and pred.shape[1] == 0):
        raise ValueError(
            f"{where}: expected pred of shape (m, k) (class scores) or (m,) / (m, 1) "
            f"(one binary output), with m >= 1, got {pred.shape}"
        )
    m = pred.shape[0]
    target = _numeric_array(target, where, "target")
    if pred.ndim == 2 and pred.shape[1] >= 2:
        y_hat, y = pred.argmax(axis=1), _class_labels(target, pred.shape, where)
    else:
        p = pred.reshape(m)
        threshold = 0.5 if (p.min() >= 0 and p.max() <= 1) else 0.0
        y_hat, y = (p > threshold).astype(np.int64), _binary_labels(target, m, where)
    return float(np.mean(y_hat == y))


def _numeric_array(values, where, name):
    """``values`` as an ndarray of numbers (bool, int or float), else a TypeError."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as err:  # ragged lists
        raise TypeError(f"{where}: expected {name} as an array of numbers, got {values!r}") from err
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{where}: expected {name} as an array of numbers, got dtype {arr.dtype} "
            f"({type(values).__name__})"
        )
    return arr


def _class_labels(target, shape, where):
    """Labels (m,) in [0, k) from labels (m,) or one-hot / probability rows of ``shape`` (m, k)."""
    m, k = shape
    if target.ndim == 2 and target.shape == shape:
        rows = as_float_array(target, where, "target")
        if rows.min() < 0 or np.any(np.abs(rows.sum(axis=1) - 1) > 1e-6):
            raise ValueError(
                f"{where}: expected target rows that are one-hot (non-negative, summing to 1), "
                f"got row sums from {rows.sum(axis=1).min():g} to {rows.sum(axis=1).max():g}"
            )
        return rows.argmax(axis=1)
    if target.ndim != 1 or target.shape[0] != m:
        raise ValueError(
            f"{where}: expected target of shape ({m},) (labels) or {shape} (one-hot rows) "
            f"like pred {shape}, got {target.shape}"
        )
    return check_labels(target, k, where, "target")


def _binary_labels(target, m, where):
    """0/1 labels (m,) from a target of shape (m,) or (m, 1)."""
    if target.shape not in ((m,), (m, 1)):
        raise ValueError(
            f"{where}: expected target of shape ({m},) or ({m}, 1) for one binary output, "
            f"got {target.shape}"
        )
    y = target.reshape(m)
    if not np.all((y == 0) | (y == 1)):  # NaN, 0.5 and 2 fail
        bad = y[~((y == 0) | (y == 1))][0].item()
        raise ValueError(f"{where}: expected binary target labels 0 or 1, got {bad!r}")
    return y.astype(np.int64)


_CLASSIFICATION = (CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, FocalLoss)


def _accuracy_labels(loss_fn, Y):
    """What ``_correct`` compares predictions with, computed once for all of Y: booleans
    ``Y > 0.5`` for the binary losses, class labels (m,) otherwise."""
    if isinstance(loss_fn, (BCEWithLogitsLoss, BCELoss, FocalLoss)):
        return Y > 0.5
    return Y if Y.ndim == 1 else Y.argmax(axis=1)


def _correct(loss_fn, pred, labels):
    """How many predictions in the batch equal ``labels`` (a lean version of ``accuracy``)."""
    if isinstance(loss_fn, BCEWithLogitsLoss):
        return np.count_nonzero((pred > 0) == labels)  # logit > 0 means class 1
    if isinstance(loss_fn, (BCELoss, FocalLoss)):
        return np.count_nonzero((pred > 0.5) == labels)
    return np.count_nonzero(pred.argmax(axis=1) == labels)


def _batches(m, batch_size, rng, shuffle):
    """Index arrays (or slices) of the mini-batches of one epoch."""
    if batch_size is None or batch_size >= m:
        return [slice(None)]
    if not shuffle:
        return [slice(i, i + batch_size) for i in range(0, m, batch_size)]
    order = rng.permutation(m)
    return [order[i : i + batch_size] for i in range(0, m, batch_size)]


def train(
    model,
    loss_fn,
    optimizer,
    X,
    Y,
    *,
    epochs,
    batch_size=None,
    rng=None,
    validation=None,
    progress=True,
    shuffle=True,
    early_stopping=None,
):
    """Train ``model`` with mini-batch gradient descent; returns a :class:`History`.

    Each step: ``zero_grad``, forward, loss, ``backward`` of the loss and of the model,
    ``optimizer.step()``. The first epoch checks every batch (shapes, dtypes, NaN, labels);
    later epochs, which see the same data, skip those checks when no batch needs converting.

    Parameters
    ----------
    model : Sequential
        A model (``nc.Sequential`` or ``nc.MLP``); a single layer goes in ``nc.Sequential(layer)``.
    loss_fn : Loss
        A loss object, such as ``nc.MSELoss()`` (not the class, nor the function ``nc.mse``).
    optimizer : Optimizer
        Built on ``model.parameters()``.
    X : ndarray of shape (m, n0)
    Y : ndarray with m rows
        Targets as ``loss_fn`` expects them (labels (m,) for CrossEntropyLoss, (m, 1) for BCE).
    epochs : int >= 1
    batch_size : int >= 1, optional
        None trains on the full batch (plain gradient descent).
    rng : None, int seed or numpy.random.Generator
        Shuffles the samples each epoch (None: nbcore's generator, see ``nc.manual_seed``).
    validation : tuple (X_val, Y_val), optional
        Evaluated (in eval mode) after every epoch: ``History.val_loss``.
    progress : bool
        Show a progress bar (tqdm) over epochs.
    shuffle : bool
        Shuffle the samples before each epoch (True); False keeps their order (benchmarks use
        it so that every library sees the same batches).
    early_stopping : int >= 1, optional
        A patience in epochs (needs ``validation``): training stops once ``val_loss`` has not
        improved (strictly decreased) for ``early_stopping`` epochs in a row, and the model gets
        back the weights of its best epoch (``History.best_epoch``), copied into each
        ``Parameter.data`` in place so the optimizer stays connected. The best weights are
        restored whether or not the patience ran out; the optimizer's state is not rewound.

    Returns
    -------
    History
    """
    where = "train"
    check_model(model, where)
    check_loss(loss_fn, where)
    _check_optimizer(optimizer, model, where)
    epochs = check_int(epochs, where, "epochs")
    if batch_size is not None:
        batch_size = check_int(batch_size, where, "batch_size")
    shuffle = _check_bool(shuffle, where, "shuffle")
    progress = _check_bool(progress, where, "progress")
    rng = as_generator(rng, where)
    X, Y = check_data(X, Y, where)
    if validation is not None:
        validation = _check_validation(validation, X, Y, where)
    patience = _check_patience(early_stopping, validation, where)
    is_clf = isinstance(loss_fn, _CLASSIFICATION)
    lean = _lean_ok(model, X, Y)
    # what the predictions are compared with (not for non-numbers: the loss rejects those)
    labels = _accuracy_labels(loss_fn, Y) if is_clf and Y.dtype.kind in "biuf" else None
    val_labels = None
    if is_clf and validation is not None and validation[1].dtype.kind in "biuf":
        val_labels = _accuracy_labels(loss_fn, validation[1])
    history = History()
    stopper = _EarlyStopping(model, patience) if patience else None
    getattr(model, "train", lambda: None)()
    checked_backward = getattr(model, "_backward_checked", model.backward)
    for epoch in _progress(range(epochs), progress):
        # The first epoch runs every check on every batch. Later epochs repeat the same
        # computation on the same (already checked) data, so they skip the checks when nothing
        # needs converting (see "Performance notes" on the Benchmarks page); a NaN loss is re-run
        # checked, to report it.
        if epoch == 0 or not lean:
            forward, loss_of, backward = model.forward, loss_fn.forward, checked_backward
            dpred = loss_fn.backward
        else:
            forward, loss_of, backward = model._forward, loss_fn._forward, model._backward
            dpred = partial(getattr, loss_fn, "_dpred")  # the loss's cache, no copy: train
            # hands it straight to the model and never to the reader
        total, correct = 0.0, 0.0
        for idx in _batches(X.shape[0], batch_size, rng, shuffle):
            Xb, Yb = X[idx], Y[idx]
            optimizer.zero_grad()
            pred = forward(Xb)
            loss = loss_of(pred, Yb)
            if loss != loss:  # NaN: the checked loss raises a clear error if pred holds NaN
                loss = loss_fn.forward(pred, Yb)
            total += loss * Xb.shape[0]
            if is_clf:
                correct += _correct(loss_fn, pred, labels[idx])
            backward(dpred())
            optimizer.step()
        history.loss.append(total / X.shape[0])
        if is_clf:
            history.accuracy.append(correct / X.shape[0])
        if validation is not None:
            X_val, Y_val = validation
            pred = _predict(model, X_val)
            history.val_loss.append(loss_fn.forward(pred, Y_val))
            if is_clf:
                history.val_accuracy.append(_correct(loss_fn, pred, val_labels) / len(Y_val))
        if stopper is not None and stopper.should_stop(history.val_loss[-1], epoch + 1):
            break
    if stopper is not None:
        history.best_epoch = stopper.restore_best()
    return history


class _EarlyStopping:
    """Keeps a copy of the weights of the epoch with the lowest val_loss so far."""

    def __init__(self, model, patience):
        self.params, self.patience = model.parameters(), patience
        self.best_loss, self.best_epoch, self.best_data, self.waited = np.inf, None, None, 0

    def should_stop(self, val_loss, epoch):
        """Record ``epoch`` (counted from 1); True once ``patience`` epochs brought nothing."""
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch, self.waited = val_loss, epoch, 0
            self.best_data = [p.data.copy() for p in self.params]
            return False
        self.waited += 1
        return self.waited >= self.patience

    def restore_best(self):
        """Copy the best weights back into each ``Parameter.data`` (in place); the best epoch."""
        if self.best_data is not None:
            for p, data in zip(self.params, self.best_data, strict=True):
                p.data[...] = data
        return self.best_epoch


def _predict(model, X):
    """The model's output in eval mode (``model.predict``), or ``forward`` for a model without
    modes."""
    predict = getattr(model, "predict", None)
    return predict(X) if callable(predict) else model.forward(X)


def _lean_ok(model, X, Y):
    """Whether epochs after the first may skip the checks: X already has the model's dtype and
    Y is integer labels (m,) or float rows of that dtype, so no batch needs converting."""
    params = model.parameters() if isinstance(model, Sequential) else []
    if not params or X.dtype != params[0].data.dtype:
        return False
    if Y.ndim == 1:
        return Y.dtype.kind in "iu"
    return Y.ndim == 2 and Y.dtype == X.dtype


def _progress(iterable, show):
    if not show:
        return iterable
    from tqdm.auto import tqdm  # imported only when a progress bar is wanted

    return tqdm(iterable, desc="epochs", leave=False)


# ----------------------------------------------------------------------------- argument checks


def _describe(obj):
    """How an argument is named in a message: the class, the function, or its repr."""
    if isinstance(obj, type):
        return f"the class {obj.__name__}"
    if callable(obj) and hasattr(obj, "__name__") and not hasattr(obj, "forward"):
        return f"the function {obj.__name__}"
    return f"{obj!r}"[:80] + f" ({type(obj).__name__})"


def _has_methods(obj, *names):
    return not isinstance(obj, type) and all(callable(getattr(obj, n, None)) for n in names)


def check_model(model, where):
    """``model`` if it is a model (forward, backward, parameters), else a clear TypeError.

    A single layer is refused with a hint (``nc.Sequential(layer)``): ``train`` needs a model's
    modes, ``predict`` and fast path, and a layer passed for a model is usually a slip.
    """
    if isinstance(model, Layer):
        raise TypeError(
            f"{where}: expected a model (nc.Sequential or nc.MLP), got a single layer {model!r}; "
            f"wrap it: nc.Sequential({type(model).__name__}(...)), then build the optimizer on "
            "its parameters()"
        )
    if not _has_methods(model, "forward", "backward", "parameters") or isinstance(model, Loss):
        hint = " (build one first, e.g. nc.MLP([2, 3, 1]))" if isinstance(model, type) else ""
        raise TypeError(
            f"{where}: expected a model such as nc.Sequential(...) or nc.MLP(...), "
            f"got {_describe(model)}{hint}"
        )
    return model


def check_loss(loss_fn, where):
    """``loss_fn`` if it is a loss object (forward(pred, target), backward()), else a TypeError
    naming the likely slip: the class (``nc.MSELoss``), the function (``nc.mse``), ..."""
    if isinstance(loss_fn, Loss) and type(loss_fn) is not Loss:
        return loss_fn
    if isinstance(loss_fn, type):
        hint = f" (the class: call it, {loss_fn.__name__}())"
    elif type(loss_fn) is Loss:
        hint = " (the base class computes no loss)"
    elif callable(loss_fn) and not hasattr(loss_fn, "backward"):
        hint = " (a function gives the value only; the loss object also gives backward())"
    elif not isinstance(loss_fn, Layer) and _has_methods(loss_fn, "forward", "backward"):
        return loss_fn  # a loss of the reader's own, with forward and backward
    else:
        hint = ""
    raise TypeError(
        f"{where}: expected loss_fn as a loss object such as nc.MSELoss(), "
        f"got {_describe(loss_fn)}{hint}"
    )


def _check_optimizer(optimizer, model, where):
    """An optimizer object (step, zero_grad) that holds at least one of the model's parameters."""
    if not _has_methods(optimizer, "step", "zero_grad") or isinstance(optimizer, Sequential):
        hint = (
            f" (build it: {optimizer.__name__}(model.parameters(), lr=0.1))"
            if isinstance(optimizer, type)
            else ""
        )
        raise TypeError(
            f"{where}: expected an optimizer such as nc.SGD(model.parameters(), lr=0.1), "
            f"got {_describe(optimizer)}{hint}"
        )
    held = getattr(optimizer, "params", None)
    if isinstance(held, list):
        ids = {id(p) for p in held}
        if not any(id(p) in ids for p in model.parameters()):
            raise ValueError(
                f"{where}: expected an optimizer built on model.parameters(), got one that holds "
                "none of the model's parameters (it would train nothing)"
            )


def _check_bool(value, where, name):
    if isinstance(value, (bool, np.bool_)) or (type(value) is int and value in (0, 1)):
        return bool(value)
    raise TypeError(f"{where}: expected {name} as True or False, got {value!r}")


def check_data(X, Y, where, names=("X", "Y")):
    """X as a float matrix (m, n) with m >= 1 and no NaN or inf, Y as a numeric array with m
    rows (finite when float)."""
    X = as_float_array(X, where, names[0])
    try:
        arr = np.asarray(Y)  # its dtype is checked by the loss, which names what it expects
    except (TypeError, ValueError) as err:  # ragged lists
        raise TypeError(f"{where}: expected {names[1]} as an array of numbers, got {Y!r}") from err
    if arr.ndim == 0 and arr.dtype.kind not in "fiub":  # None, 'abc', a dict: no "Y ()" for them
        raise TypeError(f"{where}: expected {names[1]} as an array of numbers, got {_describe(Y)}")
    Y = arr
    if X.ndim != 2 or Y.ndim == 0 or X.shape[0] != Y.shape[0]:
        raise ValueError(
            f"{where}: expected {names[0]} of shape (m, n) and {names[1]} with the same m rows, "
            f"got {names[0]} {X.shape} and {names[1]} {Y.shape}"
        )
    if X.shape[0] == 0:
        raise ValueError(f"{where}: expected at least one sample, got {names[0]} {X.shape}")
    for arr, name in ((X, names[0]), (Y, names[1])):
        if arr.dtype.kind == "f" and arr.size and not np.isfinite(arr).all():
            raise ValueError(
                f"{where}: expected finite {name}, got {int(np.sum(~np.isfinite(arr)))} "
                "inf or NaN entries"
            )
    return X, Y


def _check_validation(validation, X, Y, where):
    """(X_val, Y_val) shaped like X and Y (same columns, same trailing shape of targets)."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError(
            f"{where}: expected validation as a pair (X_val, Y_val), got {_describe(validation)}"
        )
    X_val, Y_val = check_data(*validation, where, names=("X_val", "Y_val"))
    if X_val.shape[1] != X.shape[1] or Y_val.shape[1:] != Y.shape[1:]:
        raise ValueError(
            f"{where}: expected validation data shaped like the training data, X_val (m, "
            f"{X.shape[1]}) and Y_val (m{''.join(f', {d}' for d in Y.shape[1:])}), "
            f"got X_val {X_val.shape} and Y_val {Y_val.shape}"
        )
    return X_val, Y_val


def _check_patience(early_stopping, validation, where):
    if early_stopping is None:
        return None
    patience = check_int(early_stopping, where, "early_stopping (a patience in epochs)")
    if validation is None:
        raise ValueError(
            f"{where}: expected validation=(X_val, Y_val) with early_stopping, which watches "
            f"val_loss, got validation=None (and early_stopping={patience})"
        )
    return patience
