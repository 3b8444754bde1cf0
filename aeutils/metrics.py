"""Image quality: PSNR and SSIM per image (scikit-image), with an explicit data range.

Both take `(images, reconstructions)`, the originals first, as scikit-image's metrics take
`(image_true, image_test)` (the losses in `aeutils.losses` take `(x_hat, x)`, as torch's losses
take `(input, target)`: mind the order). Both return one value per image; average with `.mean()`.
Note that the mean of per-image PSNR differs from the PSNR of the mean squared error: say which
one you report.
"""

from __future__ import annotations

import numpy as np
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from .validation import check_image_array, check_scalar, check_tensor


def image_pairs(images, reconstructions, data_range: float) -> tuple[np.ndarray, np.ndarray]:
    """`images` and `reconstructions` as float64 arrays (N, H, W) of one shape, checked: not
    empty, finite, and the originals spanning at most `data_range`."""
    check_scalar(data_range, "data_range", min_val=0, include_boundaries="right")
    a = check_image_array(images, "images")
    b = check_image_array(reconstructions, "reconstructions")
    if a.shape != b.shape:
        raise ValueError(f"images and reconstructions differ in shape: {a.shape} vs {b.shape}")
    if a.max() - a.min() > data_range:
        raise ValueError(
            f"images span values from {a.min():.4g} to {a.max():.4g}, more than data_range ="
            f" {data_range:g}; scale them (e.g. x.float() / 255) or pass their data_range"
        )
    return a, b


def psnr(images, reconstructions, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio in dB of each image pair (higher is better; inf if identical)."""
    a, b = image_pairs(images, reconstructions, data_range)
    with np.errstate(divide="ignore"):
        return np.array(
            [
                peak_signal_noise_ratio(x, y, data_range=data_range)
                for x, y in zip(a, b, strict=True)
            ]
        )


def ssim(images, reconstructions, data_range: float = 1.0) -> np.ndarray:
    """Structural similarity of each image pair (1 is identical), with Wang et al.'s settings."""
    a, b = image_pairs(images, reconstructions, data_range)
    return np.array(
        [
            structural_similarity(
                x,
                y,
                data_range=data_range,
                gaussian_weights=True,
                sigma=1.5,
                use_sample_covariance=False,
            )
            for x, y in zip(a, b, strict=True)
        ]
    )


def image_slant(images: torch.Tensor) -> torch.Tensor:
    """Slant of each image of `images` (N, 1, H, W): the ink-weighted shear, positive leaning right.

    With pixel intensities w at row r (counted downwards) and column c, and the ink-weighted means
    r̄, c̄: slant = -Σ w (c - c̄)(r - r̄) / Σ w (r - r̄)², how many columns the stroke moves right
    per row upwards. Returns a tensor of shape (N,). Chapter 3 uses it to ask how much of a digit's
    slant a code keeps.
    """
    check_tensor(images, "images", ndim=4, dtype="floating", where="image_slant")
    n, channels, height, width = images.shape
    if channels != 1:
        raise ValueError(f"images must have shape (N, 1, H, W), got {tuple(images.shape)}")
    w = images.reshape(n, height, width)
    rows = torch.arange(height, dtype=w.dtype, device=w.device)[:, None].expand(height, width)
    cols = torch.arange(width, dtype=w.dtype, device=w.device)[None, :].expand(height, width)
    mass = w.sum(dim=(1, 2))
    dr = rows - ((w * rows).sum(dim=(1, 2)) / mass)[:, None, None]
    dc = cols - ((w * cols).sum(dim=(1, 2)) / mass)[:, None, None]
    return -(w * dc * dr).sum(dim=(1, 2)) / (w * dr * dr).sum(dim=(1, 2))
