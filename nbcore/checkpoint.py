"""Checkpoints: ``save(state, path)`` and ``load(path)``, to ``.npz`` without pickle.

A checkpoint is what a training run needs to resume: typically

    {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}

``state`` may nest dicts, lists and tuples of arrays, numbers, strings, bools and None; ``load``
returns the same nesting with the same types (NumPy scalars stay NumPy scalars, tuples stay
tuples, int dict keys stay ints).

The file is a NumPy ``.npz`` archive: every array is stored under a key ``"a0"``, ``"a1"``, ...,
and the structure around them as a JSON string under ``"__nbcore_checkpoint__"``. Nothing is
pickled, so loading a file never runs code (``np.load(..., allow_pickle=False)``), unlike
``torch.load`` of an untrusted file.

Introduced in chapter 9 (Training in practice).
"""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np

MARKER = "__nbcore_checkpoint__"
FORMAT = "nbcore-checkpoint"
VERSION = 1


def save(state, path):
    """Write ``state`` to ``path`` as an nbcore checkpoint (an ``.npz`` archive, no pickle).

    Parameters
    ----------
    state : dict, list, tuple, ndarray, number, str, bool or None, nested
        Dict keys must be str, int, float, bool or None. Object arrays are refused.
    path : str or os.PathLike
        The file written, exactly this name (".npz" is not appended). It is written to a
        temporary file first and then renamed, so an interrupted save never leaves half a
        checkpoint in place of the previous one.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> save({"w": np.arange(3.0), "epoch": 2, "betas": (0.9, 0.999)}, path)
    >>> load(path)
    {'w': array([0., 1., 2.]), 'epoch': 2, 'betas': (0.9, 0.999)}
    """
    if state is None:
        raise TypeError(
            "save: expected state as a dict (e.g. {'model': model.state_dict()}), got None"
        )
    path = _check_path(path, "save")
    arrays = {}
    tree = _encode(state, arrays, "state")
    header = json.dumps({"format": FORMAT, "version": VERSION, "state": tree})
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **{MARKER: np.array(header)}, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load(path):
    """Read a checkpoint written by ``save``; returns ``state`` with its nesting and types.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ValueError
        The file is not an nbcore checkpoint (not an ``.npz`` archive, or one without the
        ``"__nbcore_checkpoint__"`` entry, or a damaged one).
    """
    path = _check_path(path, "load")
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: expected an nbcore checkpoint at {path!r}, got no file")
    not_ours = f"load: expected an nbcore checkpoint (written by nbcore.save) at {path!r}, got"
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{not_ours} a file that is not an .npz archive")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if MARKER not in archive.files:
                raise ValueError(f"{not_ours} an .npz archive without the {MARKER!r} entry")
            header = json.loads(str(archive[MARKER][()]))
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ValueError(f"{not_ours} an archive whose {MARKER!r} entry is not ours")
            if header.get("version") != VERSION:
                raise ValueError(
                    f"load: expected checkpoint version {VERSION}, got {header.get('version')!r}"
                )
            arrays = {name: archive[name] for name in archive.files if name != MARKER}
            return _decode(header["state"], arrays)
    except ValueError as err:
        if str(err).startswith("load:"):
            raise
        raise ValueError(f"{not_ours} a damaged or foreign archive ({err})") from err
    except (KeyError, TypeError, zipfile.BadZipFile, EOFError) as err:
        raise ValueError(f"{not_ours} a damaged or foreign archive ({err!r})") from err


def _check_path(path, where):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{where}: expected path as a str or os.PathLike, got {path!r}")
    return os.fspath(path)


# ---------------------------------------------------------------- the structure as JSON
# Every container is a JSON object with one tag: {"dict": [[key, value], ...]}, {"list": [...]},
# {"tuple": [...]}, {"array": "a3"} (an array stored under key "a3"), {"scalar": "a4"} (a NumPy
# scalar, stored as a 0-d array). None, bool, int, float and str are JSON values as they are.
_KEY_TYPES = (str, int, float, bool, type(None))


def _encode(obj, arrays, where):
    """``obj`` as JSON-ready data; its arrays are moved into ``arrays`` (name -> ndarray)."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, float)) and type(obj) in (int, float):
        return obj
    if isinstance(obj, (np.ndarray, np.generic)):
        return {"scalar" if isinstance(obj, np.generic) else "array": _store(obj, arrays, where)}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not isinstance(key, _KEY_TYPES):
                raise TypeError(
                    f"save: expected dict keys as str, int, float, bool or None, got "
                    f"{key!r} ({type(key).__name__}) in {where}"
                )
            items.append([key, _encode(value, arrays, f"{where}[{key!r}]")])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        values = [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]
        return {"tuple" if isinstance(obj, tuple) else "list": values}
    raise TypeError(
        "save: expected state made of dicts, lists, tuples, arrays, numbers, strings, bools and "
        f"None, got {type(obj).__name__} at {where}"
    )


def _store(arr, arrays, where):
    arr = np.asarray(arr)
    if arr.dtype.kind in "OV":
        raise TypeError(
            f"save: expected arrays of numbers, bools or strings, got dtype "
            f"{arr.dtype} at {where} (object arrays would need pickle)"
        )
    name = f"a{len(arrays)}"
    arrays[name] = arr
    return name


def _decode(tree, arrays):
    """The inverse of ``_encode``."""
    if not isinstance(tree, dict):
        return tree
    if len(tree) != 1:
        raise ValueError(f"unknown node {tree!r}")
    ((tag, value),) = tree.items()
    if tag == "array":
        return arrays[value]
    if tag == "scalar":
        return arrays[value][()]
    if tag == "list":
        return [_decode(v, arrays) for v in value]
    if tag == "tuple":
        return tuple(_decode(v, arrays) for v in value)
    if tag == "dict":
        return {_key(k): _decode(v, arrays) for k, v in value}
    raise ValueError(f"unknown node tag {tag!r}")


def _key(k):
    if not isinstance(k, _KEY_TYPES):
        raise ValueError(f"bad dict key {k!r}")
    return k


__all__ = ["save", "load"]
