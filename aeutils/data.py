"""MNIST as in-memory tensors, and batches sliced from them.

Decoding MNIST one item at a time through a DataLoader was about 3x slower than slicing a
preloaded tensor (10x under load), so the whole split is loaded once as a float tensor in [0, 1].
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import torch

DATA_ENV = "AEUTILS_DATA"


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
    return Path(root).expanduser() if root is not None else default_data_root()


def load_mnist(
    train: bool = True, root: str | os.PathLike | None = None, download: bool = True
) -> Split:
    """Load the MNIST train or test split into memory as a `Split` of tensors.

    The folder is `root`, else $AEUTILS_DATA, else the per-user cache; it holds torchvision's
    layout (`<root>/MNIST/raw/*-ubyte`). Missing files are downloaded when `download` is true.
    """
    from torchvision.datasets import MNIST  # imported here: torchvision is slow to import

    folder = resolve_data_root(root)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"root must be a folder, got the file {str(folder)!r}")
    raw = folder / "MNIST" / "raw"
    try:
        dataset = MNIST(str(folder), train=train, download=download)
    except Exception as error:  # torchvision raises RuntimeError, URLError or OSError here
        split = "train" if train else "test"
        present = sorted(p.name for p in raw.glob("*-ubyte")) if raw.is_dir() else []
        if present:  # the files are there, so downloading again would not help
            raise ValueError(
                f"MNIST ({split} split) in {str(raw)!r} could not be read"
                f" ({type(error).__name__}: {error}); the files {present} look corrupt or"
                " truncated. Fix: delete them (they are downloaded again when online) or point"
                f" root=... or {DATA_ENV} at a good copy."
            ) from error
        raise FileNotFoundError(
            f"MNIST ({split} split) could not be loaded from {str(raw)!r}"
            f" ({type(error).__name__}: {error}).\n"
            f"Looked in: {str(folder)!r} (chosen by {_root_origin(root)}).\n"
            "Fix: connect to the internet so torchvision can download it, or point the course at"
            f" an existing copy with root=... or the environment variable {DATA_ENV}=/path/to/data"
            " (the folder that contains MNIST/raw/)."
        ) from error
    x = dataset.data.unsqueeze(1).to(torch.float32).div_(255.0)
    y = dataset.targets.to(torch.int64)
    _check_images(x, "MNIST images")
    if len(y) != len(x):
        raise ValueError(f"MNIST in {str(raw)!r} is corrupt: {len(x)} images but {len(y)} labels")
    return Split(x, y)


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
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"x must be a float tensor with values in [0, 1], got {x!r:.60}")
    if x.numel() and not bool(((x >= 0) & (x <= 1)).all()):
        raise ValueError(
            f"x must hold probabilities in [0, 1], got values from {x.min().item():.3g}"
            f" to {x.max().item():.3g}"
        )
    return torch.bernoulli(x, generator=generator)


def subset(split: Split, n: int | None, generator: torch.Generator | None = None) -> Split:
    """A random subset of `n` examples (the whole split if `n` is None or not smaller)."""
    if n is None:
        return split
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int or None, got {n!r}")
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
    """Yield mini-batches of `x` by slicing (after one random permutation if `shuffle`)."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if shuffle:
        x = x[torch.randperm(len(x), generator=generator, device="cpu").to(x.device)]
    for start in range(0, len(x), batch_size):
        yield x[start : start + batch_size]


def train_val_split(
    split: Split, val_size: int, generator: torch.Generator | None = None
) -> tuple[Split, Split]:
    """Split `split` at random into (train, validation) with `val_size` validation examples."""
    total = len(split.x)
    if isinstance(val_size, bool) or not isinstance(val_size, int) or not 0 < val_size < total:
        raise ValueError(f"val_size must be an int between 1 and {total - 1}, got {val_size!r}")
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
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"x must be images shaped (N, C, H, W), got {tuple(x.shape)}")
    n, channels, height, width = x.shape
    if (
        isinstance(max_shift, bool)
        or not isinstance(max_shift, int)
        or not 0 <= max_shift < min(height, width)
    ):
        raise ValueError(
            f"max_shift must be an int from 0 to {min(height, width) - 1} (less than the image"
            f" side), got {max_shift!r}"
        )
    m = max_shift
    padded = torch.nn.functional.pad(x, (m, m, m, m))
    dy, dx = torch.randint(-m, m + 1, (2, n), generator=generator).to(x.device)
    rows = torch.arange(height, device=x.device) + m - dy[:, None]  # output row r <- row r - dy
    cols = torch.arange(width, device=x.device) + m - dx[:, None]
    images = torch.arange(n, device=x.device)[:, None, None, None]
    planes = torch.arange(channels, device=x.device)[None, :, None, None]
    return padded[images, planes, rows[:, None, :, None], cols[:, None, None, :]]
