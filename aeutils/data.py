"""MNIST as in-memory tensors, and batches sliced from them.

Decoding MNIST one item at a time through a DataLoader was about 3x slower than slicing a
preloaded tensor (10x under load), so the whole split is loaded once as a float tensor in [0, 1].
The files are read directly; torchvision, whose import costs about 150 MB of memory, is imported
only to download them.
"""

from __future__ import annotations

import math
import numbers
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import torch

from .validation import check_bool, check_path, check_scalar, check_tensor

DATA_ENV = "AEUTILS_DATA"
_FILES = {  # train -> (images, labels) in torchvision's layout, <root>/MNIST/raw/
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


class Split(NamedTuple):
    """Images `x` (float32, N x 1 x 28 x 28, values in [0, 1]) and labels `y` (int64, N)."""

    x: torch.Tensor
    y: torch.Tensor


def default_data_root() -> Path:
    """$AEUTILS_DATA if set, else a per-user cache folder ($XDG_CACHE_HOME or ~/.cache)/aeutils."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "aeutils"


def resolve_data_root(root: str | os.PathLike | None = None) -> Path:
    """The data folder: `root` if given, else `default_data_root()`."""
    return check_path(root, "root").expanduser() if root is not None else default_data_root()


def load_mnist(
    train: bool = True, root: str | os.PathLike | None = None, download: bool = True
) -> Split:
    """Load the MNIST train or test split into memory as a `Split` of tensors.

    The folder is `root`, else $AEUTILS_DATA, else the per-user cache; it holds torchvision's
    layout (`<root>/MNIST/raw/*-ubyte`). Missing files are downloaded when `download` is true.
    """
    check_bool(train, "train")
    check_bool(download, "download")
    folder = resolve_data_root(root)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"root must be a folder, got the file {str(folder)!r}")
    raw = folder / "MNIST" / "raw"
    files = [raw / name for name in _FILES[train]]
    split = "train" if train else "test"
    if not all(file.is_file() for file in files):
        try:
            if not download:
                raise FileNotFoundError(f"missing {[f.name for f in files if not f.is_file()]}")
            from torchvision.datasets import MNIST  # downloads, checks and unpacks the files

            MNIST(str(folder), train=train, download=True)
        except Exception as error:  # torchvision raises RuntimeError, URLError or OSError here
            raise FileNotFoundError(
                f"MNIST ({split} split) could not be loaded from {str(raw)!r}"
                f" ({type(error).__name__}: {error}).\n"
                f"Looked in: {str(folder)!r} (chosen by {_root_origin(root)}).\n"
                "Fix: connect to the internet so torchvision can download it, or point the course"
                f" at an existing copy with root=... or the environment variable {DATA_ENV}="
                "/path/to/data (the folder that contains MNIST/raw/)."
            ) from error
    try:
        images, labels = _read_idx(files[0], 2051, 3), _read_idx(files[1], 2049, 1)
    except ValueError as error:  # the files are there, so downloading again would not help
        raise ValueError(
            f"MNIST ({split} split) in {str(raw)!r} could not be read ({error}); the files"
            f" {[f.name for f in files]} look corrupt or truncated. Fix: delete them (they are"
            f" downloaded again when online) or point root=... or {DATA_ENV} at a good copy."
        ) from error
    x = images.unsqueeze(1).to(torch.float32).div_(255.0)
    y = labels.to(torch.int64)
    _check_images(x, "MNIST images")
    if len(y) != len(x):
        raise ValueError(f"MNIST in {str(raw)!r} is corrupt: {len(x)} images but {len(y)} labels")
    return Split(x, y)


def _read_idx(path: Path, magic: int, ndim: int) -> torch.Tensor:
    """The uint8 values of an IDX file: a big-endian magic number and `ndim` sizes, then data."""
    buffer = bytearray(path.stat().st_size)
    with path.open("rb") as file:
        file.readinto(buffer)
    size = 4 * (1 + ndim)
    if len(buffer) < size:
        raise ValueError(f"{path.name} is {len(buffer)} bytes long, shorter than its header")
    found, *shape = struct.unpack(f">{1 + ndim}i", buffer[:size])
    if found != magic or len(buffer) != size + math.prod(shape):
        raise ValueError(
            f"{path.name} is not an IDX file of shape {tuple(shape)} (magic number {found},"
            f" expected {magic}; {len(buffer)} bytes)"
        )
    return torch.frombuffer(buffer, dtype=torch.uint8, offset=size).view(*shape)


def _root_origin(root: str | os.PathLike | None) -> str:
    if root is not None:
        return "the root argument"
    if os.environ.get(DATA_ENV):
        return f"${DATA_ENV}"
    return f"the default cache, since neither root nor ${DATA_ENV} was given"


def _check_images(x: torch.Tensor, name: str) -> None:
    if x.ndim != 4 or x.shape[1:] != (1, 28, 28):
        raise ValueError(f"{name}: expected shape (N, 1, 28, 28), got {tuple(x.shape)}")


def binarize(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Binary images sampled from grey levels: each pixel is 1 with probability its value.

    Sampled once with a seeded `generator`, this is the "statically binarised" MNIST on which a
    Bernoulli likelihood (and so a VAE's ELBO and NLL in nats) is a true probability.
    """
    check_tensor(x, "x", dtype="floating", non_empty=False, value_range=(0.0, 1.0))
    return torch.bernoulli(x, generator=generator)


def subset(split: Split, n: int | None, generator: torch.Generator | None = None) -> Split:
    """A random subset of `n` examples (the whole split if `n` is None or not smaller)."""
    if n is None:
        return split
    if not isinstance(split, Split):
        raise TypeError(f"split must be an aeutils.Split (x, y), got {type(split).__name__}")
    n = check_scalar(n, "n", numbers.Integral, min_val=1)
    if n >= len(split.x):
        return split
    index = torch.randperm(len(split.x), generator=generator)[:n]
    return Split(split.x[index], split.y[index])


def batches(
    x: torch.Tensor,
    batch_size: int,
    shuffle: bool = False,
    generator: torch.Generator | None = None,
) -> Iterator[torch.Tensor]:
    """Yield mini-batches of `x` by slicing (in the order of one random permutation if `shuffle`:
    each batch gathers its rows, so no shuffled copy of all of `x` is made)."""
    check_tensor(x, "x", dtype=None, non_empty=False)
    batch_size = check_scalar(batch_size, "batch_size", numbers.Integral, min_val=1)
    order = None
    if check_bool(shuffle, "shuffle"):
        order = torch.randperm(len(x), generator=generator, device="cpu").to(x.device)
    for start in range(0, len(x), batch_size):
        if order is None:
            yield x[start : start + batch_size]
        else:
            yield x[order[start : start + batch_size]]


def train_val_split(
    split: Split, val_size: int, generator: torch.Generator | None = None
) -> tuple[Split, Split]:
    """Split `split` at random into (train, validation) with `val_size` validation examples."""
    if not isinstance(split, Split):
        raise TypeError(f"split must be an aeutils.Split (x, y), got {type(split).__name__}")
    total = len(split.x)
    val_size = check_scalar(val_size, "val_size", numbers.Integral, min_val=1, max_val=total - 1)
    index = torch.randperm(total, generator=generator)
    val, train = index[:val_size], index[val_size:]
    return Split(split.x[train], split.y[train]), Split(split.x[val], split.y[val])


def random_shift(
    x: torch.Tensor, max_shift: int, generator: torch.Generator | None = None
) -> torch.Tensor:
    """A copy of images `x` (N, C, H, W), each moved by its own random whole-pixel offset.

    Data augmentation: the offsets are drawn uniformly from -max_shift..max_shift along each
    axis; pixels that enter from outside are 0 (MNIST's background) and nothing wraps around.
    """
    check_tensor(x, "x", ndim=4, dtype=None, non_empty=False)
    n, channels, height, width = x.shape
    m = check_scalar(
        max_shift,
        "max_shift",
        numbers.Integral,
        min_val=0,
        max_val=min(height, width) - 1,
    )
    padded = torch.nn.functional.pad(x, (m, m, m, m))
    dy, dx = torch.randint(-m, m + 1, (2, n), generator=generator).to(x.device)
    rows = torch.arange(height, device=x.device) + m - dy[:, None]  # output row r <- row r - dy
    cols = torch.arange(width, device=x.device) + m - dx[:, None]
    images = torch.arange(n, device=x.device)[:, None, None, None]
    planes = torch.arange(channels, device=x.device)[None, :, None, None]
    return padded[images, planes, rows[:, None, :, None], cols[:, None, None, :]]
