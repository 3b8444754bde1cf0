import re
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from aeutils import data
from aeutils.data import Split


def write_idx(path: Path, magic: int, array: torch.Tensor) -> None:
    """Write a uint8 tensor in MNIST's IDX layout: magic number, big-endian sizes, raw bytes."""
    header = struct.pack(f">{1 + array.ndim}i", magic, *array.shape)
    path.write_bytes(header + array.to(torch.uint8).numpy().tobytes())


def write_fake_mnist(root: Path, images: torch.Tensor, labels: torch.Tensor) -> Path:
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix in ("train", "t10k"):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", 2051, images)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", 2049, labels)
    return raw


def test_load_mnist_reads_torchvision_layout(tmp_path):
    images = torch.randint(0, 256, (3, 28, 28), generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([7, 0, 9])
    write_fake_mnist(tmp_path, images, labels)
    split = data.load_mnist(train=False, root=tmp_path, download=False)
    assert split.x.dtype == torch.float32 and split.x.shape == (3, 1, 28, 28)
    assert torch.equal(split.x, images.unsqueeze(1).float() / 255)
    assert split.y.dtype == torch.int64 and split.y.tolist() == [7, 0, 9]


def test_load_mnist_missing_folder_names_it_and_the_variable(tmp_path):
    folder = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=re.escape(repr(str(folder)))) as error:
        data.load_mnist(root=folder, download=False)
    assert "AEUTILS_DATA" in str(error.value)


def test_load_mnist_says_when_the_folder_came_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"chosen by \$AEUTILS_DATA"):
        data.load_mnist(download=False)


def test_load_mnist_failed_download_is_a_clear_error(tmp_path, monkeypatch):
    from urllib.error import URLError

    from torchvision.datasets import MNIST

    def offline(self):
        raise URLError("no network")

    monkeypatch.setattr(MNIST, "download", offline)
    with pytest.raises(FileNotFoundError, match="URLError.*no network") as error:
        data.load_mnist(root=tmp_path, download=True)
    assert str(tmp_path) in str(error.value) and "AEUTILS_DATA" in str(error.value)


def test_load_mnist_corrupt_files_name_the_folder(tmp_path):
    raw = write_fake_mnist(tmp_path, torch.zeros(2, 28, 28), torch.zeros(2))
    for file in raw.iterdir():
        file.write_bytes(b"\x00garbage, not an IDX file")
    with pytest.raises(ValueError, match=re.escape(repr(str(raw)))) as error:
        data.load_mnist(root=tmp_path, download=False)
    assert "corrupt" in str(error.value) and "delete them" in str(error.value)


def test_load_mnist_rejects_labels_that_do_not_match_images(tmp_path):
    raw = write_fake_mnist(tmp_path, torch.zeros(3, 28, 28), torch.zeros(2))
    with pytest.raises(ValueError, match=rf"{re.escape(repr(str(raw)))}.*3 images but 2 labels"):
        data.load_mnist(root=tmp_path, download=False)


def test_load_mnist_rejects_a_file_as_root(tmp_path):
    file = tmp_path / "mnist.zip"
    file.write_bytes(b"")
    with pytest.raises(NotADirectoryError, match=re.escape(repr(str(file)))):
        data.load_mnist(root=file, download=False)


def test_default_data_root_prefers_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "mnist"))
    assert data.default_data_root() == tmp_path / "mnist"


def test_default_data_root_uses_xdg_cache(monkeypatch, tmp_path):
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data.default_data_root() == tmp_path / "aeutils"


def test_resolve_data_root_expands_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.resolve_data_root("~/data") == tmp_path / "data"


def numbered_split(n: int) -> Split:
    return Split(torch.arange(n, dtype=torch.float32).view(n, 1), torch.arange(n))


def test_subset_draws_distinct_matching_pairs():
    part = data.subset(numbered_split(10), 4, torch.Generator().manual_seed(0))
    assert len(part.x) == 4 and len(set(part.y.tolist())) == 4
    assert torch.equal(part.x.view(-1).long(), part.y)


@pytest.mark.parametrize("n", [None, 10, 11])
def test_subset_keeps_everything_when_n_is_not_smaller(n):
    split = numbered_split(10)
    assert data.subset(split, n) is split


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_subset_rejects_bad_n(bad):
    error = TypeError if isinstance(bad, (bool, float, str)) else ValueError  # wrong type or value
    with pytest.raises(
        error, match=rf"n must be a positive int, got {bad!r} \({type(bad).__name__}\)"
    ):
        data.subset(numbered_split(10), bad)


def test_batches_slice_in_order_with_a_short_last_batch():
    x = torch.arange(10).view(10, 1)
    assert [b.view(-1).tolist() for b in data.batches(x, 4)] == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
    ]


def test_shuffled_batches_cover_every_row_once_and_repeat_with_the_seed():
    x = torch.arange(50).view(50, 1)

    def shuffled(seed):
        return torch.cat(list(data.batches(x, 8, True, torch.Generator().manual_seed(seed))))

    first = shuffled(0)
    assert sorted(first.view(-1).tolist()) == list(range(50))
    assert torch.equal(first, x[torch.randperm(50, generator=torch.Generator().manual_seed(0))])
    assert torch.equal(shuffled(0), first)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_batches_reject_bad_batch_size(bad):
    error = TypeError if isinstance(bad, (bool, float, str)) else ValueError  # wrong type or value
    with pytest.raises(error, match=rf"batch_size must be a positive int, got {bad!r}"):
        next(data.batches(torch.zeros(4, 1), bad))


def test_batches_reject_a_list_and_accept_numpy_ints():
    with pytest.raises(TypeError, match=r"x must be a torch.Tensor, got a list; convert it with"):
        next(data.batches([[0.0], [1.0]], 1))
    assert len(list(data.batches(torch.zeros(4, 1), np.int64(3)))) == 2


def test_train_val_split_is_a_disjoint_cover():
    train, val = data.train_val_split(numbered_split(10), 3, torch.Generator().manual_seed(0))
    assert len(train.x) == 7 and len(val.x) == 3
    assert sorted(train.y.tolist() + val.y.tolist()) == list(range(10))
    assert torch.equal(val.x.view(-1).long(), val.y)


@pytest.mark.parametrize("bad", [0, 10, -1, 2.0])
def test_train_val_split_rejects_bad_val_size(bad):
    error = TypeError if isinstance(bad, (bool, float, str)) else ValueError  # wrong type or value
    with pytest.raises(error, match=rf"val_size must be an int in \[1, 9\], got {bad!r}"):
        data.train_val_split(numbered_split(10), bad)


def test_random_shift_moves_each_image_whole_with_zero_fill():
    x = torch.zeros(200, 2, 7, 7)
    x[:, :, 3, 3] = torch.arange(1, 201, dtype=torch.float32)[:, None]  # one bright pixel
    x[:, 1, 3, 4] = 0.5  # and a second one, only in channel 1
    shifted = data.random_shift(x, 2, torch.Generator().manual_seed(0))
    assert shifted.shape == x.shape and torch.equal(x[:, 0, 3, 3], torch.arange(1, 201.0))  # a copy
    offsets = set()
    for i in range(len(x)):
        (dy, dx) = (int(v) - 3 for v in (shifted[i, 0] == i + 1).nonzero()[0])
        offsets.add((dy, dx))
        assert torch.equal(shifted[i], torch.roll(x[i], (dy, dx), dims=(1, 2)))  # same offset
    assert offsets == {(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)}  # all 25 drawn


def test_random_shift_does_not_wrap_around():
    x = torch.zeros(50, 1, 5, 5)
    x[:, 0, 0, :] = 1.0  # the top row is lit
    shifted = data.random_shift(x, 1, torch.Generator().manual_seed(0))
    lit = shifted[:, 0].sum(dim=(1, 2))
    assert set(lit.tolist()) <= {5.0, 4.0, 0.0}  # a row moved sideways loses one pixel, or leaves
    assert (lit == 0).any() and shifted[:, 0, -1].sum() == 0  # nothing reappears at the bottom


def test_random_shift_is_repeatable_and_zero_shift_copies():
    x = torch.rand(6, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    first = data.random_shift(x, 3, torch.Generator().manual_seed(4))
    assert torch.equal(first, data.random_shift(x, 3, torch.Generator().manual_seed(4)))
    copy = data.random_shift(x, 0)
    assert torch.equal(copy, x) and copy.data_ptr() != x.data_ptr()


@pytest.mark.parametrize(
    ("x", "max_shift", "error", "message"),
    [
        ([[0.0]], 1, TypeError, "x must be a torch.Tensor, got a list"),
        (
            torch.zeros(3, 28, 28),
            1,
            ValueError,
            r"x must have 4 dimensions, got shape \(3, 28, 28\)",
        ),
        (torch.zeros(3, 1, 6, 8), 6, ValueError, r"max_shift must be an int in \[0, 5\], got 6"),
        (torch.zeros(3, 1, 8, 8), -1, ValueError, r"max_shift must be an int in \[0, 7\], got -1"),
        (torch.zeros(3, 1, 8, 8), 1.5, TypeError, r"max_shift must be an int .*got 1.5 \(float\)"),
        (torch.zeros(3, 1, 8, 8), True, TypeError, r"max_shift must be an int .*got True \(bool\)"),
    ],
)
def test_random_shift_rejects_bad_arguments(x, max_shift, error, message):
    with pytest.raises(error, match=message):
        data.random_shift(x, max_shift)
