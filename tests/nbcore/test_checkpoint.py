"""nbcore.save / nbcore.load: nesting and types kept, no pickle, foreign files refused, and a
run resumed from a checkpoint equal bit for bit to an uninterrupted one."""

import os
import zipfile

import numpy as np
import pytest

import nbcore as nc
from nbcore.checkpoint import MARKER


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "ckpt.npz")


def _same(a, b):
    """Equal values *and* types, recursively (arrays: dtype, shape, values, memory order)."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert type(k) is type(next(kb for kb in b if kb == k))
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.flags.f_contiguous == b.flags.f_contiguous
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, float) and a != a:
        assert b != b
    else:
        assert a == b


def test_round_trip_keeps_nesting_and_types(path):
    state = {
        "model": {"0.W": np.asfortranarray(np.arange(6.0).reshape(2, 3)), "0.b": np.zeros(2)},
        "optimizer": {
            "state": {0: {"step": 3, "m": np.ones(2, np.float32)}, 1: {}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "amsgrad": False, "params": [0]}],
        },
        "epoch": 3,
        "loss": float("nan"),
        "best": float("inf"),
        "name": "run α",
        "note": None,
        "scalars": [np.float32(1.5), np.int64(7), np.bool_(True)],
        "zero_d": np.array(2.5),
        "labels": np.array(["a", "bc"]),
        "ints": np.arange(4, dtype=np.int16),
        "empty": np.zeros((0, 3)),
        "nested": [[1, [2, (3,)]], {}],
        "big": 2**100,
        "mixed keys": {1: "one", "1": "string one", 2.5: "float", False: "bool", None: "none"},
    }
    nc.save(state, path)
    _same(state, nc.load(path))


def test_model_optimizer_and_rng_state_round_trip(path):
    model = nc.MLP([3, 4, 2], rng=0)
    opt = nc.Adam(model.parameters(), lr=0.01)
    rng = np.random.default_rng(5)
    model.forward(np.ones((2, 3)))
    model.backward(np.ones((2, 2)))
    opt.step()  # the optimizer now has state (step, m, v)
    nc.save(
        {
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "rng": rng.bit_generator.state,
        },
        path,
    )
    loaded = nc.load(path)
    _same(model.state_dict(), loaded["model"])
    _same(opt.state_dict(), loaded["optimizer"])
    other = np.random.default_rng()
    other.bit_generator.state = loaded["rng"]
    assert other.random() == rng.random()


def test_the_file_is_written_exactly_at_path_without_pickle(tmp_path):
    target = tmp_path / "no-extension"
    nc.save({"w": np.ones(2)}, target)  # os.PathLike works; ".npz" is not appended
    assert os.listdir(tmp_path) == ["no-extension"]  # and no temporary file is left
    with np.load(target, allow_pickle=False) as archive:  # every entry loads without pickle
        assert MARKER in archive.files
        for name in archive.files:
            assert archive[name].dtype.kind != "O"
    assert zipfile.is_zipfile(target)


def test_save_overwrites_a_previous_checkpoint(path):
    nc.save({"epoch": 1}, path)
    nc.save({"epoch": 2}, path)
    assert nc.load(path) == {"epoch": 2}


@pytest.mark.parametrize(
    "state, pattern",
    [
        (None, "save: expected state as a dict"),
        ({"a": object()}, r"got object at state\['a'\]"),
        ({"a": {"b": lambda: 1}}, r"got function at state\['a'\]\['b'\]"),
        ({"a": {1, 2}}, "got set"),
        ({"a": 1 + 2j}, "got complex"),
        ({"a": np.array([object()])}, "got dtype object"),
        ({"a": nc.Dense(2, 2, rng=0)}, "got Dense"),
        (nc.MLP([2, 1], rng=0), "got MLP"),
        ({(1, 2): 3}, r"expected dict keys as str, int, float, bool or None, got \(1, 2\)"),
    ],
)
def test_save_refuses_what_needs_pickle(state, pattern, path):
    with pytest.raises(TypeError, match=pattern):
        nc.save(state, path)
    assert not os.path.exists(path)


@pytest.mark.parametrize("bad", [None, 5, ["a.npz"], b"x.npz", object()])
def test_bad_path_types_refused(bad):
    with pytest.raises(TypeError, match="expected path as a str or os.PathLike"):
        nc.save({"w": 1}, bad)
    with pytest.raises(TypeError, match="load: expected path as a str or os.PathLike"):
        nc.load(bad)


def _foreign_files(tmp_path):
    text = tmp_path / "text.npz"
    text.write_text("not an archive")
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    plain = tmp_path / "plain.npz"
    np.savez(plain, w=np.ones(3))  # a random .npz without the marker
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, a=np.array([{"x": 1}], dtype=object))
    npy = tmp_path / "array.npy"
    np.save(npy, np.ones(3))
    fake = tmp_path / "fake.npz"
    np.savez(fake, **{MARKER: np.array('{"format": "something else"}')})
    broken = tmp_path / "broken.npz"
    np.savez(broken, **{MARKER: np.array("{not json")})
    missing_array = tmp_path / "missing-array.npz"
    header = '{"format": "nbcore-checkpoint", "version": 1, "state": {"array": "a0"}}'
    np.savez(missing_array, **{MARKER: np.array(header)})
    future = tmp_path / "future.npz"
    np.savez(future, **{MARKER: np.array(header.replace('"version": 1', '"version": 99'))})
    return {
        "text": (text, "not an .npz archive"),
        "empty": (empty, "not an .npz archive"),
        "plain": (plain, "without the '__nbcore_checkpoint__' entry"),
        "pickled": (pickled, "without the '__nbcore_checkpoint__' entry"),
        "npy": (npy, "not an .npz archive"),
        "fake": (fake, "is not ours"),
        "broken": (broken, "damaged or foreign archive"),
        "missing-array": (missing_array, "damaged or foreign archive"),
        "future": (future, "expected checkpoint version 1, got 99"),
        "directory": (tmp_path, "not an .npz archive"),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "text",
        "empty",
        "plain",
        "pickled",
        "npy",
        "fake",
        "broken",
        "missing-array",
        "future",
        "directory",
    ],
)
def test_load_refuses_what_is_not_an_nbcore_checkpoint(kind, tmp_path):
    file, pattern = _foreign_files(tmp_path)[kind]
    with pytest.raises(ValueError, match=pattern) as info:
        nc.load(file)
    assert str(info.value).startswith("load: expected")


def test_load_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="load: expected an nbcore checkpoint at .*no file"):
        nc.load(tmp_path / "nope.npz")


# ---------------------------------------------------------------- resuming training
def _data():
    X, y = nc.make_moons(64, noise=0.2, rng=0)
    return X, y[:, None].astype(float)


def _model():
    return nc.Sequential(
        nc.Dense(2, 8, rng=1),
        nc.BatchNorm1d(8),
        nc.ReLU(),
        nc.Residual(nc.Dense(8, 8, rng=2), nc.Tanh()),
        nc.Dense(8, 1, rng=3),
    )


def _train(model, opt, rng, epochs):
    X, Y = _data()
    nc.train(
        model,
        nc.BCEWithLogitsLoss(),
        opt,
        X,
        Y,
        epochs=epochs,
        batch_size=16,
        rng=rng,
        progress=False,
    )


@pytest.mark.parametrize(
    "make_opt",
    [
        lambda p: nc.Adam(p, lr=0.01),
        lambda p: nc.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
        lambda p: nc.RMSprop(p, lr=0.01),
        lambda p: nc.AdaGrad(p, lr=0.1),
    ],
    ids=["Adam", "SGD-nesterov", "RMSprop", "AdaGrad"],
)
def test_resumed_training_is_bit_identical_to_an_uninterrupted_run(make_opt, path):
    probe = make_opt(_model().parameters())
    if not hasattr(probe, "state_dict"):
        pytest.skip("the optimizers have no state_dict() yet")
    # uninterrupted: 5 epochs
    model = _model()
    _train(model, make_opt(model.parameters()), np.random.default_rng(7), epochs=5)
    # interrupted: 3 epochs, save, load into fresh objects, 2 more epochs
    first = _model()
    opt = make_opt(first.parameters())
    rng = np.random.default_rng(7)
    _train(first, opt, rng, epochs=3)
    nc.save(
        {
            "model": first.state_dict(),
            "optimizer": opt.state_dict(),
            "rng": rng.bit_generator.state,
            "epoch": 3,
        },
        path,
    )
    del first, opt, rng
    checkpoint = nc.load(path)
    resumed = _model()
    resumed.load_state_dict(checkpoint["model"])
    opt = make_opt(resumed.parameters())
    opt.load_state_dict(checkpoint["optimizer"])
    rng = np.random.default_rng()
    rng.bit_generator.state = checkpoint["rng"]
    assert checkpoint["epoch"] == 3
    _train(resumed, opt, rng, epochs=2)
    for (name, a), b in zip(model.state_dict().items(), resumed.state_dict().values(), strict=True):
        assert a.tobytes() == b.tobytes(), f"{name} differs after resuming"


def test_a_checkpoint_reloads_into_a_model_of_another_shape_only_with_a_clear_error(path):
    nc.save({"model": nc.MLP([2, 4, 1], rng=0).state_dict()}, path)
    model = nc.MLP([2, 5, 1], rng=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"key '0.W': expected shape \(5, 2\), got \(4, 2\)"):
        model.load_state_dict(nc.load(path)["model"])
    for name, arr in model.state_dict().items():
        np.testing.assert_array_equal(arr, before[name])  # nothing half-loaded
