"""Train once, reuse: trained models cached on disk, keyed by everything that determines them.

Several cells or chapters often need the same trained model. `fit_cached` trains it the first time
and saves it; later calls with the same configuration load the saved weights instead of training
again. The key covers everything that determines the weights: the architecture, the data's values,
the loss and settings, the seed, the torch version, and a digest of aeutils' own source (all but
the exercises' self-checks and the explorers' export, which train nothing) and of the repository's
lock file, where there is one: no change to the code or data serves an old model.
"""

from __future__ import annotations

import functools
import hashlib
import json
import numbers
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from . import __version__
from .checkpoints import load_checkpoint, save_checkpoint
from .train import History, fit
from .validation import check_callable, check_images, check_model, check_scalar

CACHE_ENV = "AEUTILS_CACHE"
_NOT_IN_KEY = {"progress", "device"}  # how training is shown or where it runs, not what it learns
_PACKAGE = Path(__file__).resolve().parent
# Parts of aeutils that cannot change a model: the self-checks, the explorers' export, and the
# notebook helpers (glue, claims, figure text, memory release; `setup` only calls runtime.configure)
_TRAINS_NOTHING = {"exercises", "explorer.py", "book.py"}
_LOCK = _PACKAGE.parent / "requirements" / "lock.txt"  # present in the repository, not on Colab
# Parts of a description that change from run to run: a key holding them would never match again.
_UNSTABLE = re.compile(r"0x[0-9a-fA-F]{6,}|<lambda>|<locals>")


def cache_dir() -> Path:
    """$AEUTILS_CACHE if set, else ($XDG_CACHE_HOME or ~/.cache)/aeutils/models."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aeutils" / "models"


def fingerprint(x: torch.Tensor | None) -> str:
    """A short SHA-256 of a tensor's shape, dtype and values (or "none")."""
    if x is None:
        return "none"
    digest = hashlib.sha256(f"{tuple(x.shape)} {x.dtype}".encode())
    digest.update(x.detach().cpu().contiguous().numpy())  # the buffer itself: no bytes copy
    return digest.hexdigest()[:16]


def training_sources(package: Path = _PACKAGE) -> list[Path]:
    """aeutils' source files that can change what a model learns: all but the self-checks and
    the explorers' export."""
    found = package.rglob("*.py")
    return sorted(p for p in found if not _TRAINS_NOTHING & set(p.relative_to(package).parts))


def files_digest(paths: list[Path], root: Path) -> str:
    """A short SHA-256 of the files' names (relative to `root`) and contents."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def code_digest() -> str:
    """A digest of `training_sources()` and, in the repository, of the lock file."""
    lock = [_LOCK] if _LOCK.is_file() else []
    return files_digest([*training_sources(), *lock], _PACKAGE.parent)


def _describe(value: object) -> str:
    name = getattr(value, "__name__", None)
    if callable(value) and name is not None:
        return f"{getattr(value, '__module__', '')}.{name}"
    return repr(value)


def fit_cached(
    make_model: Callable[[], nn.Module],
    train_x: torch.Tensor,
    val_x: torch.Tensor | None = None,
    *,
    name: str,
    seed: int = 0,
    **fit_kwargs: object,
) -> tuple[nn.Module, History]:
    """Seed, build `make_model()`, and train it with `fit` unless the same run is in the cache.

    Returns the trained model (in eval mode, on the device `make_model()` built it on, as `fit`
    does) and its `History`. The cache file is
    `cache_dir()/<name>-<key>.pt`; `name` is only a readable prefix, the key covers the rest.
    Loss functions and objectives enter the key by their qualified name, so give each a distinct
    one (objective factories such as `aeutils.vae.elbo(beta)` put their settings in the name).
    """
    if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"name must be a non-empty word of letters, digits, - and _; got {name!r}")
    if "checkpoint" in fit_kwargs:
        raise ValueError("fit_cached chooses the checkpoint file itself; do not pass checkpoint")
    check_callable(make_model, "make_model", "() -> model")
    check_scalar(seed, "seed", numbers.Integral, min_val=0)
    check_images(train_x, "train_x")
    if val_x is not None:
        check_images(val_x, "val_x")
    torch.manual_seed(seed)
    model = check_model(make_model(), "make_model()")
    config = {
        "model": repr(model),
        "seed": seed,
        "train_x": fingerprint(train_x),
        "val_x": fingerprint(val_x),
        "fit": {k: _describe(v) for k, v in sorted(fit_kwargs.items()) if k not in _NOT_IN_KEY},
        "torch": str(torch.__version__),
        "aeutils": __version__,
        "code": code_digest(),
    }
    for part, text in (("make_model()", config["model"]), *config["fit"].items()):
        if _UNSTABLE.search(text):
            raise ValueError(
                f"fit_cached cannot key {part} = {text!r}: it holds a lambda or a memory address,"
                " which differ from run to run, so the cache would never find the model again."
                " Use a function defined at the top level (with a distinct __name__) instead."
            )
    key = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
    path = cache_dir() / f"{name}-{key}.pt"
    if path.is_file():
        try:
            metadata = load_checkpoint(model, path)
            history = History(**metadata["history"])
        except (ValueError, KeyError, TypeError) as error:
            warnings.warn(
                f"ignoring the unreadable cache file {path} ({error}); training again",
                stacklevel=2,
            )
        else:
            model.eval()
            print(
                f"{name}: loaded from the cache ({path.name}, trained in {history.seconds:.0f} s)"
            )
            return model, history
    history = fit(model, train_x, val_x, seed=seed, **fit_kwargs)
    save_checkpoint(model, path, history=history.as_dict(), config=config)
    return model, history
