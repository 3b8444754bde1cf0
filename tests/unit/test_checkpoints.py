"""aeutils.checkpoints: metadata that cannot be read back is refused at save time; a missing key
names the key and the file; the folder is synced after the rename."""

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from aeutils import checkpoints
from aeutils.models import MLPAutoencoder
from aeutils.train import History


def model():
    torch.manual_seed(0)
    return MLPAutoencoder((8, 2))


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"loss": np.float64(0.5)}, r"metadata loss is a numpy.float64, .* convert it first: float\(value\)"),  # noqa: E501
        ({"epoch": np.int64(3)}, r"metadata epoch is a numpy.int64, .*: int\(value\)"),
        ({"where": Path("a")}, r"metadata where is a pathlib.PosixPath, .*: str\(path\)"),
        ({"codes": np.zeros(3)}, r"metadata codes is a numpy.ndarray, .*torch.from_numpy\(array\) or array.tolist\(\)"),  # noqa: E501
        ({"history": History()}, r"metadata history is a aeutils.train.History, .*history.as_dict\(\)"),  # noqa: E501
        ({"runs": {"a": [1.0, np.float32(2.0)]}}, r"metadata runs\['a'\]\[1\] is a numpy.float32"),
    ],
)  # fmt: skip
def test_save_refuses_metadata_that_weights_only_cannot_load(tmp_path, metadata, message):
    with pytest.raises(TypeError, match=message):
        checkpoints.save_checkpoint(model(), tmp_path / "m.pt", **metadata)
    assert not (tmp_path / "m.pt").exists()


def test_save_refuses_reserved_keys(tmp_path):
    with pytest.raises(ValueError, match="metadata: 'state_dict' is reserved"):
        checkpoints.save_checkpoint(model(), tmp_path / "m.pt", state_dict={})


def test_every_accepted_value_loads_back_with_weights_only(tmp_path):
    metadata = {
        "plain": [None, True, 3, 0.5, "text", b"bytes", (1, 2), {"a": {"b": [1.0]}}],
        "tensor": torch.arange(3),
        "dtype": torch.float32,
        "history": History(train_loss=[0.5], best_epoch=1).as_dict(),
        "dataclass": dataclasses.asdict(History()),
    }
    path = checkpoints.save_checkpoint(model(), tmp_path / "m.pt", **metadata)
    loaded = checkpoints.load_checkpoint(model(), path)
    assert loaded["plain"] == metadata["plain"] and loaded["dtype"] is torch.float32
    assert torch.equal(loaded["tensor"], metadata["tensor"])


def test_a_missing_key_names_the_key_and_the_file(tmp_path):
    path = checkpoints.save_checkpoint(model(), tmp_path / "m.pt", epoch=2)
    metadata = checkpoints.load_checkpoint(model(), path)
    assert metadata["epoch"] == 2
    with pytest.raises(
        KeyError,
        match=r"the checkpoint '.*m.pt' has no 'history'; it holds \['epoch', 'format', 'model_class'\]",  # noqa: E501
    ):
        metadata["history"]


def test_the_folder_is_synced_after_the_rename(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def recording_fsync(handle):
        synced.append(os.path.realpath(f"/proc/self/fd/{handle}"))
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    path = checkpoints.save_checkpoint(model(), tmp_path / "m.pt")
    assert synced[-1] == os.path.realpath(tmp_path)  # the folder, after the file itself
    assert len(synced) == 2 and path.is_file()


def test_save_and_load_reject_a_path_of_the_wrong_type():
    with pytest.raises(
        TypeError, match=r"path must be a path \(str or pathlib.Path\), got 3 \(int\)"
    ):
        checkpoints.save_checkpoint(model(), 3)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        checkpoints.load_checkpoint("model", "m.pt")
