"""Image quality: PSNR and SSIM per image (scikit-image), with an explicit data range.

Both return one value per image; average with `.mean()`. Note that the mean of per-image PSNR
differs from the PSNR of the mean squared error: say which one you report.
"""

from __future__ import annotations

import numpy as np
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def _as_images(name: str, value: torch.Tensor | np.ndarray) -> np.ndarray:
    array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
    if array.ndim == 4 and array.shape[1] == 1:  # (N, 1, H, W) -> (N, H, W)
        array = array[:, 0]
    elif array.ndim == 2:  # flat square images (N, H*W)
        side = int(round(array.shape[1] ** 0.5))
        if side * side != array.shape[1]:
            raise ValueError(
                f"{name}: flat images must have a square number of pixels, got {array.shape}"
            )
        array = array.reshape(len(array), side, side)
    if array.ndim != 3:
        raise ValueError(
            f"{name}: expected images shaped (N, H, W), (N, 1, H, W) or (N, H*W), got {array.shape}"
        )
    return array.astype(np.float64)


def _pairs(images, reconstructions, data_range: float) -> tuple[np.ndarray, np.ndarray]:
    if not data_range > 0:
        raise ValueError(f"data_range must be positive (1.0 for [0, 1] images), got {data_range!r}")
    a = _as_images("images", images)
    b = _as_images("reconstructions", reconstructions)
    if a.shape != b.shape:
        raise ValueError(f"images and reconstructions differ in shape: {a.shape} vs {b.shape}")
    return a, b


def psnr(images, reconstructions, data_range: float = 1.0) -> np.ndarray:
    """Peak signal-to-noise ratio in dB of each image pair (higher is better; inf if identical)."""
    a, b = _pairs(images, reconstructions, data_range)
    with np.errstate(divide="ignore"):
        return np.array(
            [peak_signal_noise_ratio(x, y, data_range=data_range) for x, y in zip(a, b)]
        )


def ssim(images, reconstructions, data_range: float = 1.0) -> np.ndarray:
    """Structural similarity of each image pair (1 is identical), with Wang et al.'s settings."""
    a, b = _pairs(images, reconstructions, data_range)
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
            for x, y in zip(a, b)
        ]
    )
