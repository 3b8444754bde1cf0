"""Input corruption for denoising autoencoders: additive Gaussian noise and masking noise.

Each factory returns a function `corrupt(x, generator=None)` that returns a corrupted copy of `x`;
pass it to `fit(..., corrupt=...)` to train a denoising autoencoder, or call it on test data.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from .validation import check_bool, check_scalar, check_tensor

Corruption = Callable[..., torch.Tensor]


def _random_like(x: torch.Tensor, generator: torch.Generator | None, kind: str) -> torch.Tensor:
    # Drawn on the CPU (where generators live) and moved: one seed, the same noise on any device.
    draw = torch.randn if kind == "normal" else torch.rand
    return draw(x.shape, generator=generator, dtype=x.dtype).to(x.device)


def gaussian_noise(sigma: float, clip: bool = True) -> Corruption:
    """x + sigma * N(0, 1) noise, clipped to [0, 1] when `clip` (for images in [0, 1])."""
    check_scalar(sigma, "sigma", min_val=0)
    check_bool(clip, "clip")

    def corrupt(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        check_tensor(x, "x", dtype="floating", where=corrupt.__name__)
        noisy = x + sigma * _random_like(x, generator, "normal")
        return noisy.clamp(0.0, 1.0) if clip else noisy

    corrupt.__name__ = f"gaussian_noise_{sigma:g}{'_clipped' if clip else ''}"
    return corrupt


def masking_noise(p: float) -> Corruption:
    """Set each value of x to 0 with probability `p` (Vincent et al.'s masking noise)."""
    check_scalar(p, "p (a probability)", min_val=0, max_val=1, include_boundaries="left")

    def corrupt(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        check_tensor(x, "x", dtype="floating", where=corrupt.__name__)
        return x * (_random_like(x, generator, "uniform") >= p)

    corrupt.__name__ = f"masking_noise_{p:g}"
    return corrupt


def patch_pixels(mask: torch.Tensor, patch: int) -> torch.Tensor:
    """The pixel mask (N, 1, rows·patch, cols·patch), float32, of a patch mask (N, rows, cols):
    1.0 on every pixel of a patch where `mask` is True, 0.0 elsewhere."""
    check_tensor(mask, "mask", ndim=3, dtype=torch.bool, where="patch_pixels")
    check_scalar(patch, "patch", int, min_val=1)
    pixels = mask.repeat_interleave(patch, dim=1).repeat_interleave(patch, dim=2)
    return pixels.unsqueeze(1).to(torch.float32)


def mask_patches(images: torch.Tensor, mask: torch.Tensor, patch: int) -> torch.Tensor:
    """Images (N, C, H, W) with every masked patch set to 0 (a masked autoencoder's input).

    `mask` (N, H // patch, W // patch) is True for the patches to hide; patch (i, j) covers rows
    i·patch to (i+1)·patch - 1 and columns j·patch to (j+1)·patch - 1.
    """
    check_tensor(images, "images", ndim=4, dtype="floating", where="mask_patches")
    check_tensor(mask, "mask", ndim=3, dtype=torch.bool, where="mask_patches")
    check_scalar(patch, "patch", int, min_val=1)
    n, _, height, width = images.shape
    grid = (n, height // patch, width // patch)
    if tuple(mask.shape) != grid or height % patch or width % patch:
        raise ValueError(
            f"mask must have shape (N, H // patch, W // patch) = {grid}"
            f" for images of shape {tuple(images.shape)} cut into patches of {patch} (H and W"
            f" multiples of it), got {tuple(mask.shape)}"
        )
    return images * (1 - patch_pixels(mask, patch).to(images.dtype))
