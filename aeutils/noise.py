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
