"""LPIPS, the learned perceptual distance of Zhang et al. (2018), for grayscale images in [0, 1].

`lpips_distance(images, reconstructions)` returns one distance per image pair (lower is more
similar, 0 for identical images), computed by the `lpips` package on a backbone pretrained on
ImageNet (AlexNet by default). Grayscale images are repeated to 3 channels (the LPIPS authors'
advice), mapped from [0, 1] to [-1, 1] (the range LPIPS expects) and resized (see `prepare`).

The backbone's weights come from the PyTorch model zoo on first use and are cached in
`torch.hub.get_dir()/checkpoints`. Without them (offline, nothing cached) `load_lpips` raises
`LPIPSWeightsUnavailable`, which says what to fetch and where to put it: this module never
returns a distance computed with untrained weights. Both it and a missing `lpips` package raise
a subclass of `LPIPSUnavailable`, so one `except` handles whatever keeps LPIPS from running.
"""

from __future__ import annotations

import numbers
import os
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .metrics import image_pairs
from .validation import check_choice, check_image_array, check_model_device, check_scalar

# The backbones LPIPS offers, with the torchvision weights each downloads on first use.
BACKBONE_URLS = {
    "alex": "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
    "vgg": "https://download.pytorch.org/models/vgg16-397923af.pth",
    "squeeze": "https://download.pytorch.org/models/squeezenet1_1-b8a52dc0.pth",
}
# Smallest input side each backbone accepts (AlexNet fails on MNIST's 28x28).
MIN_SIDE = {"alex": 31, "vgg": 16, "squeeze": 17}

_LOADED: dict[str, nn.Module] = {}


class LPIPSUnavailable(RuntimeError):
    """LPIPS cannot be computed here (the `lpips` package or the backbone's weights are missing)."""


class LPIPSWeightsUnavailable(LPIPSUnavailable):
    """The pretrained backbone LPIPS needs is neither cached nor downloadable."""


def _check_net(net: str) -> None:
    check_choice(net, "net", sorted(BACKBONE_URLS))


def backbone_weights_path(net: str = "alex") -> Path:
    """Where torch looks for the backbone's weights of `net`: torch.hub.get_dir()/checkpoints/..."""
    _check_net(net)
    name = os.path.basename(BACKBONE_URLS[net])
    return Path(torch.hub.get_dir()) / "checkpoints" / name


def load_lpips(net: str = "alex") -> nn.Module:
    """The LPIPS model with the pretrained `net` backbone ("alex", "vgg" or "squeeze"), loaded once.

    Raises `LPIPSWeightsUnavailable` when the backbone's weights are not cached and cannot be
    downloaded; the message names the file, where to put it and how to get it. Raises
    `LPIPSUnavailable` when the `lpips` package is not installed.
    """
    _check_net(net)
    if net not in _LOADED:
        try:  # imports torchvision; kept here so that `import aeutils` stays light
            import lpips
        except ImportError as error:
            raise LPIPSUnavailable(
                f"LPIPS needs the `lpips` package, which is not installed ({error});"
                " install it with `pip install lpips`"
            ) from error

        try:
            with warnings.catch_warnings():  # lpips uses torchvision's deprecated `pretrained=`
                warnings.simplefilter("ignore", UserWarning)
                model = lpips.LPIPS(net=net, verbose=False)
        except OSError as error:  # URLError, HTTPError, SSL errors, no route to host, ...
            path = backbone_weights_path(net)
            raise LPIPSWeightsUnavailable(
                f"LPIPS needs the ImageNet weights of its {net!r} backbone, which are not cached"
                f" and could not be downloaded ({error}).\n"
                f"  missing file: {path.name}\n"
                f"  torch looks for it in: {path.parent}\n"
                f"  to get it: run this once on a machine with internet access (torch downloads"
                f" it there), or download {BACKBONE_URLS[net]} elsewhere and copy it to {path}"
            ) from error
        model.eval()
        for parameter in model.parameters():
            parameter.requires_grad_(False)
        _LOADED[net] = model
    return _LOADED[net]


def prepare(images, size: int = 64) -> torch.Tensor:
    """Grayscale images in [0, 1] as LPIPS inputs: (N, 3, size, size) float32 in [-1, 1].

    Accepts (N, H, W), (N, 1, H, W) or flat (N, H*W) images. The resize is bilinear: LPIPS was
    calibrated on 64x64 patches, AlexNet rejects inputs smaller than 31 pixels, and bilinear
    interpolation enlarges a digit without the blocky steps (new edges) of nearest-neighbour.
    """
    return _prepare("images", images, size)


def _check_size(size: object) -> int:
    return check_scalar(size, "size", numbers.Integral, min_val=1)


def _prepare(name: str, images, size: int) -> torch.Tensor:
    size = _check_size(size)
    x = torch.as_tensor(check_image_array(images, name), dtype=torch.float32)
    low, high = float(x.min()), float(x.max())
    if not (low >= 0 and high <= 1):  # also catches NaN
        raise ValueError(
            f"{name}: LPIPS here expects values in [0, 1], got values from {low:g} to {high:g}"
        )
    x = x.unsqueeze(1)  # (N, 1, H, W)
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return (2 * x - 1).repeat(1, 3, 1, 1)


def lpips_distance(
    images,
    reconstructions,
    net: str = "alex",
    size: int = 64,
    batch_size: int = 256,
    model: nn.Module | None = None,
) -> np.ndarray:
    """LPIPS distance of each image pair (lower is more similar; 0 for identical images).

    The originals come first, as in `aeutils.psnr` and `aeutils.ssim`; the distance is symmetric.
    Images are grayscale in [0, 1], shaped (N, H, W), (N, 1, H, W) or (N, H*W), and are prepared
    with `prepare(..., size)`. `model` replaces the cached `load_lpips(net)` (for tests).
    """
    _check_net(net)
    batch_size = check_scalar(batch_size, "batch_size", numbers.Integral, min_val=1)
    size = _check_size(size)
    if model is None and size < MIN_SIDE[net]:
        raise ValueError(
            f"size must be at least {MIN_SIDE[net]} for the {net!r} backbone, got {size}"
        )
    image_pairs(images, reconstructions, 1.0)  # checks the layouts and that the shapes agree
    a = _prepare("images", images, size)
    b = _prepare("reconstructions", reconstructions, size)
    model = load_lpips(net) if model is None else model
    device = check_model_device(model)
    distances = []
    with torch.no_grad():
        for start in range(0, len(a), batch_size):
            batch_a = a[start : start + batch_size].to(device)
            batch_b = b[start : start + batch_size].to(device)
            distances.append(model(batch_a, batch_b).reshape(-1).cpu())
    return torch.cat(distances).double().numpy()
