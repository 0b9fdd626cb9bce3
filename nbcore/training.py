"""The training loop, its History, and accuracy.

Introduced in chapter 8 (Training a network end to end).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nbcore._checks import as_float_array, check_int
from nbcore.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, FocalLoss, NLLLoss
from nbcore.network import Sequential


@dataclass
class History:
    """Per-epoch records of a training run (lists, one entry per epoch).

    ``loss`` is the mean of the mini-batch losses of the epoch, weighted by batch size (each
    computed before that batch's update); ``val_loss`` is the loss on the validation data after
    the epoch. ``accuracy`` / ``val_accuracy`` are filled for classification losses.
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)

    def __repr__(self):
        parts = [f"epochs={len(self.loss)}"]
        for name in ("loss", "val_loss", "accuracy", "val_accuracy"):
            values = getattr(self, name)
            if values:
                parts.append(f"{name}={values[-1]:.4g}")
        return "History(" + ", ".join(parts) + ")"


def accuracy(pred, target):
    """The fraction of samples whose predicted class equals the true class.

    Parameters
    ----------
    pred : ndarray of shape (m, k) with k >= 2, or (m, 1) / (m,)
        Class scores (logits or probabilities: the argmax is taken), or one binary output,
        read as a probability (class 1 when > 0.5) unless ``pred`` has values outside [0, 1],
        in which case it is read as a logit (class 1 when > 0).
    target : int labels of shape (m,), or one-hot rows (m, k), or binary labels (m, 1)
        One-hot rows are turned back into labels with argmax, never compared element by element
        (that would count the many correct zeros and inflate the score).
    """
    where = "accuracy"
    pred = as_float_array(pred, where, "pred")
    target = np.asarray(target)
    m = pred.shape[0] if pred.ndim else 0
    if m == 0:
        raise ValueError(f"{where}: expected a non-empty batch, got pred of shape {pred.shape}")
    if pred.ndim == 2 and pred.shape[1] >= 2:
        y_hat = pred.argmax(axis=1)
    else:
        p = pred.reshape(m)
        threshold = 0.5 if (p.min() >= 0 and p.max() <= 1) else 0.0
        y_hat = (p > threshold).astype(np.int64)
    y = target.argmax(axis=1) if target.ndim == 2 and target.shape[1] >= 2 else target.reshape(-1)
    if y.shape[0] != m:
        raise ValueError(f"{where}: expected target with {m} rows like pred, got {target.shape}")
    return float(np.mean(y_hat == y))


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
):
    """Train ``model`` with mini-batch gradient descent; returns a :class:`History`.

    Each step: ``zero_grad``, forward, loss, ``backward`` of the loss and of the model,
    ``optimizer.step()``. The first epoch checks every batch (shapes, dtypes, NaN, labels);
    later epochs, which see the same data, skip those checks when no batch needs converting.

    Parameters
    ----------
    model : Sequential
    loss_fn : Loss
    optimizer : Optimizer
        Built on ``model.parameters()``.
    X : ndarray of shape (m, n0)
    Y : ndarray with m rows
        Targets as ``loss_fn`` expects them (labels (m,) for CrossEntropyLoss, (m, 1) for BCE).
    epochs : int >= 1
    batch_size : int, optional
        None trains on the full batch (plain gradient descent).
    rng : numpy.random.Generator, optional
        Shuffles the samples each epoch (a fixed seed when None).
    validation : tuple (X_val, Y_val), optional
    progress : bool
        Show a progress bar (tqdm) over epochs.
    shuffle : bool
        Shuffle the samples before each epoch (True); False keeps their order (benchmarks use
        it so that every library sees the same batches).
    """
    where = "train"
    epochs = check_int(epochs, where, "epochs")
    if batch_size is not None:
        batch_size = check_int(batch_size, where, "batch_size")
    X = as_float_array(X, where, "X")
    Y = np.asarray(Y)
    if X.ndim != 2 or Y.ndim == 0 or X.shape[0] != Y.shape[0]:
        raise ValueError(
            f"{where}: expected X of shape (m, n) and Y with the same m rows, "
            f"got X {X.shape} and Y {Y.shape}"
        )
    if validation is not None and (
        not isinstance(validation, (tuple, list)) or len(validation) != 2
    ):
        raise TypeError(
            f"{where}: expected validation as a pair (X_val, Y_val), got {validation!r}"
        )
    rng = np.random.default_rng(0) if rng is None else rng
    is_clf = isinstance(loss_fn, _CLASSIFICATION)
    lean = _lean_ok(model, X, Y)
    # what the predictions are compared with (not for non-numbers: the loss rejects those)
    labels = _accuracy_labels(loss_fn, Y) if is_clf and Y.dtype.kind in "biuf" else None
    history = History()
    model.train()
    for epoch in _progress(range(epochs), progress):
        # The first epoch runs every check on every batch. Later epochs repeat the same
        # computation on the same (already checked) data, so they skip the checks when nothing
        # needs converting (see "Performance notes" on the Benchmarks page); a NaN loss is re-run
        # checked, to report it.
        if epoch == 0 or not lean:
            forward, loss_of, backward = model.forward, loss_fn.forward, model.backward
        else:
            forward, loss_of, backward = model._forward, loss_fn._forward, model._backward
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
            backward(loss_fn.backward())
            optimizer.step()
        history.loss.append(total / X.shape[0])
        if is_clf:
            history.accuracy.append(correct / X.shape[0])
        if validation is not None:
            X_val, Y_val = validation[0], np.asarray(validation[1])
            pred = model.predict(X_val)
            history.val_loss.append(loss_fn.forward(pred, Y_val))
            if is_clf:
                n_right = _correct(loss_fn, pred, _accuracy_labels(loss_fn, Y_val))
                history.val_accuracy.append(n_right / len(Y_val))
    return history


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
