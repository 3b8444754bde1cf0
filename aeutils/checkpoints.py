"""Checkpoint files: a model's weights and plain metadata, written atomically, read safely.

A checkpoint is written under a temporary name, flushed to disk and renamed over the target, and
the folder is synced, so an interrupted save never leaves a partial file in place of a good one.
It is read back with `torch.load(weights_only=True)`, which loads tensors and plain Python values
only; `save_checkpoint` therefore refuses metadata that such a load would reject.
"""

from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from pathlib import Path

import torch
from torch import nn

from .validation import check_model, check_path, check_writable_folder

CHECKPOINT_FORMAT = "aeutils-checkpoint-1"
_RESERVED = ("format", "model_class", "state_dict")
_PLAIN = (type(None), bool, int, float, complex, str, bytes, torch.Tensor, torch.dtype)
_CONTAINERS = (list, tuple, dict, OrderedDict, set)
_CONVERSIONS = {  # what to turn a rejected value into, by the name of its type
    "Path": "str(path)",
    "PosixPath": "str(path)",
    "WindowsPath": "str(path)",
    "ndarray": "torch.from_numpy(array) or array.tolist()",
    "History": "history.as_dict()",
}


def _not_plain(value: object, where: str) -> tuple[str, object] | None:
    """The first value inside `value` that `weights_only=True` would refuse, with its place."""
    if type(value) in _PLAIN or isinstance(value, torch.Tensor):
        return None
    if type(value) in _CONTAINERS:
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(value, dict) and type(key) not in _PLAIN:
                return f"{where} (a key)", key
            found = _not_plain(item, f"{where}[{key!r}]")
            if found:
                return found
        return None
    return where, value


def _conversion(value: object) -> str:
    name = type(value).__name__
    if name in _CONVERSIONS:
        return _CONVERSIONS[name]
    if type(value).__module__ == "numpy":
        kind = "int" if "int" in name else "bool" if "bool" in name else "float"
        return f"{kind}(value)"
    if hasattr(value, "__dataclass_fields__"):
        return "dataclasses.asdict(value)"
    return "a number, str, tensor, or a list or dict of them"


def check_metadata(metadata: dict) -> dict:
    """`metadata` if `torch.load(weights_only=True)` can read every value back, else a TypeError
    naming the first value it would refuse and what to convert it to."""
    for key, value in metadata.items():
        if key in _RESERVED:
            raise ValueError(f"metadata: {key!r} is reserved for the checkpoint itself")
        found = _not_plain(value, key)
        if found:
            where, bad = found
            raise TypeError(
                f"metadata {where} is a {type(bad).__module__}.{type(bad).__name__}, which"
                " torch.load(weights_only=True) cannot read back; convert it first:"
                f" {_conversion(bad)}"
            )
    return metadata


class CheckpointMetadata(dict):
    """A checkpoint's metadata; a missing key raises a KeyError naming the key and the file."""

    def __init__(self, values: dict, path: Path) -> None:
        super().__init__(values)
        self.path = path

    def __missing__(self, key: object):
        raise KeyError(
            f"the checkpoint {str(self.path)!r} has no {key!r}; it holds {sorted(map(str, self))}"
        )


def _sync_folder(folder: Path) -> None:
    """fsync `folder`, so a rename in it survives a crash (where the OS can open folders)."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # Windows cannot open a folder
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def save_checkpoint(model: nn.Module, path: str | os.PathLike, **metadata: object) -> Path:
    """Save `model`'s weights and `metadata` to `path` atomically; return the path.

    `metadata` holds plain values only (numbers, strings, tensors, and lists or dicts of them):
    what `load_checkpoint` can read back with `weights_only=True`.
    """
    check_model(model)
    path = check_path(path, "path")
    check_metadata(metadata)
    check_writable_folder(path.parent, "path")
    payload = {
        "format": CHECKPOINT_FORMAT,
        "model_class": type(model).__name__,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        **metadata,
    }
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as tmp:
            torch.save(payload, tmp)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return path


def load_checkpoint(model: nn.Module, path: str | os.PathLike) -> CheckpointMetadata:
    """Load weights saved by `save_checkpoint` into `model`; return the checkpoint's metadata.

    The file is read with `weights_only=True`. A checkpoint of another architecture raises a
    `ValueError` listing the differences, and leaves `model` untouched.
    """
    check_model(model)
    path = check_path(path, "path")
    if not path.is_file():
        raise FileNotFoundError(f"path: no checkpoint file at {str(path)!r}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ValueError(
            f"path: {str(path)!r} is not a readable checkpoint ({type(error).__name__}: {error})"
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"path: {str(path)!r} is not an aeutils checkpoint ({CHECKPOINT_FORMAT})")
    payload = CheckpointMetadata(payload, path)
    saved, expected = payload["state_dict"], model.state_dict()
    problems = [f"missing {k}" for k in expected if k not in saved]
    problems += [f"unexpected {k}" for k in saved if k not in expected]
    problems += [
        f"{k}: saved {tuple(saved[k].shape)}, model has {tuple(v.shape)}"
        for k, v in expected.items()
        if k in saved and saved[k].shape != v.shape
    ]
    if problems:
        raise ValueError(
            f"path: checkpoint {str(path)!r} was saved from a {payload['model_class']} of another"
            f" architecture than this {type(model).__name__}: "
            + "; ".join(problems[:5])
            + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        )
    model.load_state_dict(saved)
    return CheckpointMetadata({k: v for k, v in payload.items() if k != "state_dict"}, path)
