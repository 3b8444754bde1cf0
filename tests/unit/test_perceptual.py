"""LPIPS wrapper: preprocessing, the missing-weights error, and the distance with a random backbone.

The pretrained backbones cannot be downloaded on the machines that run these tests, so the full
computation is checked with LPIPS's randomly initialised backbone (`pnet_rand=True`), built here
only; `aeutils.perceptual` itself never uses untrained weights.
"""

import sys
import urllib.error
import warnings

import lpips
import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from aeutils import perceptual


def digits(n=3, side=28, seed=0):
    """Images (N, 1, H, W) in [0, 1]: a black background and a square of random brightness."""
    g = torch.Generator().manual_seed(seed)
    x = torch.zeros(n, 1, side, side)
    x[:, :, 8:20, 10:18] = torch.rand(n, 1, 12, 8, generator=g)
    return x


class Recorder(nn.Module):
    """A stub LPIPS: records its inputs and returns the mean absolute difference per pair."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def forward(self, a, b):
        self.calls.append((a.clone(), b.clone()))
        return (a - b).abs().mean(dim=(1, 2, 3)).reshape(-1, 1, 1, 1)


@pytest.fixture(scope="module")
def random_lpips():
    """LPIPS with a randomly initialised AlexNet (no download), for the computation path only."""
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return lpips.LPIPS(net="alex", pnet_rand=True, verbose=False).eval()


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """An empty torch hub folder and a download that fails as it does without internet."""

    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(torch.hub, "_hub_dir", str(tmp_path / "hub"))
    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    monkeypatch.setattr(perceptual, "_LOADED", {})
    return tmp_path / "hub"


def test_prepare_repeats_the_channel_maps_the_range_and_resizes():
    x = digits()
    prepared = perceptual.prepare(x, size=64)
    assert prepared.shape == (3, 3, 64, 64) and prepared.dtype == torch.float32
    assert torch.equal(prepared[:, 0], prepared[:, 1]) and torch.equal(
        prepared[:, 0], prepared[:, 2]
    )
    assert prepared.min() >= -1 and prepared.max() <= 1
    # black background (0) maps to -1, and [0, 1] maps to [-1, 1] linearly
    assert torch.all(prepared[:, :, :4, :4] == -1)
    same_size = perceptual.prepare(x, size=28)
    assert torch.allclose(same_size[:, :1], 2 * x - 1)


def test_prepare_resizes_bilinearly():
    x = digits(n=1)
    expected = nn.functional.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False)
    assert torch.allclose(perceptual.prepare(x, 64)[:, :1], 2 * expected - 1, atol=1e-6)
    # bilinear upsampling keeps a constant image constant and creates no values outside [0, 1]
    flat = torch.full((2, 1, 28, 28), 0.25)
    assert torch.allclose(perceptual.prepare(flat, 64), torch.full((2, 3, 64, 64), -0.5))


@pytest.mark.parametrize("layout", ["channel", "plain", "flat", "numpy"])
def test_prepare_accepts_the_layouts_of_the_other_metrics(layout):
    x = digits()
    shown = {
        "channel": x,
        "plain": x[:, 0],
        "flat": x.flatten(1),
        "numpy": x.numpy(),
    }[layout]
    assert torch.equal(perceptual.prepare(shown, 32), perceptual.prepare(x, 32))


def test_lpips_distance_feeds_the_model_prepared_pairs_in_batches():
    stub = Recorder()
    x, y = digits(5, seed=0), digits(5, seed=1)
    distances = perceptual.lpips_distance(x, y, size=40, batch_size=2, model=stub)
    assert isinstance(distances, np.ndarray) and distances.shape == (5,)
    assert [len(a) for a, _ in stub.calls] == [2, 2, 1]
    a = torch.cat([a for a, _ in stub.calls])
    b = torch.cat([b for _, b in stub.calls])
    assert torch.equal(a, perceptual.prepare(x, 40)) and torch.equal(b, perceptual.prepare(y, 40))
    assert np.allclose(distances, (a - b).abs().mean(dim=(1, 2, 3)).numpy())


def test_lpips_distance_with_a_random_backbone(random_lpips):
    x, y = digits(4, seed=0), digits(4, seed=1)
    same = perceptual.lpips_distance(x, x, model=random_lpips)
    assert np.array_equal(same, np.zeros(4))
    different = perceptual.lpips_distance(x, y, model=random_lpips)
    assert different.shape == (4,) and np.all(different > 0)
    # symmetric, and a slightly brighter copy is closer than a different image
    assert np.allclose(different, perceptual.lpips_distance(y, x, model=random_lpips), atol=1e-6)
    near = perceptual.lpips_distance(x, (x * 0.9), model=random_lpips)
    assert np.all(near < different)


def test_missing_weights_raise_a_clear_error(offline):
    with pytest.raises(perceptual.LPIPSWeightsUnavailable) as caught:
        perceptual.load_lpips("alex")
    message = str(caught.value)
    assert isinstance(caught.value, perceptual.LPIPSUnavailable)
    assert isinstance(caught.value, RuntimeError)
    assert "alexnet-owt-7be5be79.pth" in message
    assert str(offline / "checkpoints") in message
    assert "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth" in message
    assert "internet" in message and "copy it to" in message
    assert isinstance(caught.value.__cause__, urllib.error.URLError)
    assert perceptual._LOADED == {}  # a failure is not cached


def test_a_missing_lpips_package_raises_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "lpips", None)  # makes `import lpips` fail
    monkeypatch.setattr(perceptual, "_LOADED", {})
    with pytest.raises(perceptual.LPIPSUnavailable, match="pip install lpips") as caught:
        perceptual.load_lpips("alex")
    assert not isinstance(caught.value, perceptual.LPIPSWeightsUnavailable)
    assert isinstance(caught.value.__cause__, ImportError)


def test_lpips_distance_raises_rather_than_use_untrained_weights(offline):
    x = digits()
    with pytest.raises(perceptual.LPIPSWeightsUnavailable, match="not cached"):
        perceptual.lpips_distance(x, x)


def test_weights_copied_into_the_hub_folder_are_used_and_cached(offline):
    # what the error message advises: put the file where torch looks, and no download happens
    # (SqueezeNet, 5 MB, stands in for AlexNet's 244 MB; its weights here are random)
    path = perceptual.backbone_weights_path("squeeze")
    assert path == offline / "checkpoints" / "squeezenet1_1-b8a52dc0.pth"
    path.parent.mkdir(parents=True)
    torch.save(torchvision.models.squeezenet1_1().state_dict(), path)
    model = perceptual.load_lpips("squeeze")
    assert perceptual.load_lpips("squeeze") is model  # loaded once
    assert not any(p.requires_grad for p in model.parameters())
    x = digits(2)
    assert np.array_equal(perceptual.lpips_distance(x, x, net="squeeze", size=32), np.zeros(2))


@pytest.mark.parametrize("net", ["resnet", "Alex", None])
def test_unknown_backbones_are_rejected(net):
    with pytest.raises(ValueError, match=r"net must be one of \['alex', 'squeeze', 'vgg'\]"):
        perceptual.backbone_weights_path(net)


def test_too_small_inputs_for_the_backbone_are_rejected():
    x = digits()
    with pytest.raises(
        ValueError, match="size must be at least 31 for the 'alex' backbone, got 28"
    ):
        perceptual.lpips_distance(x, x, size=28)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_bad_sizes_are_rejected(bad):
    error = TypeError if isinstance(bad, (bool, float)) else ValueError
    with pytest.raises(error, match=rf"size must be a positive int, got {bad!r}"):
        perceptual.prepare(digits(), size=bad)


@pytest.mark.parametrize("bad", [0, 1.5])
def test_bad_batch_sizes_are_rejected(bad):
    x = digits()
    error = TypeError if isinstance(bad, float) else ValueError
    with pytest.raises(error, match=rf"batch_size must be a positive int, got {bad!r}"):
        perceptual.lpips_distance(x, x, batch_size=bad, model=Recorder())


def test_values_outside_zero_one_are_rejected():
    x = digits()
    with pytest.raises(
        ValueError, match=r"reconstructions: .*\[0, 1\], got values from -1 to 0.99"
    ):
        perceptual.lpips_distance(x, 2 * x - 1, model=Recorder())
    with pytest.raises(ValueError, match="images must be finite, got 16 NaN or infinite values"):
        perceptual.prepare(torch.full((1, 1, 4, 4), float("nan")))


def test_mismatched_shapes_are_rejected():
    with pytest.raises(ValueError, match=r"differ in shape: \(3, 28, 28\) vs \(2, 28, 28\)"):
        perceptual.lpips_distance(digits(3), digits(2), model=Recorder())
