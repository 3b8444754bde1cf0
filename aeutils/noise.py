"""Input corruption for denoising autoencoders: additive Gaussian noise and masking noise.

Each factory returns a function `corrupt(x, generator=None)` that returns a corrupted copy of `x`;
pass it to `fit(..., corrupt=...)` to train a denoising autoencoder, or call it on test data.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

Corruption = Callable[..., torch.Tensor]


def _random_like(x: torch.Tensor, generator: torch.Generator | None, kind: str) -> torch.Tensor:
    # Drawn on the CPU (where generators live) and moved: one seed, the same noise on any device.
    draw = torch.randn if kind == "normal" else torch.rand
    return draw(x.shape, generator=generator, dtype=x.dtype).to(x.device)


def gaussian_noise(sigma: float, clip: bool = True) -> Corruption:
    """x + sigma * N(0, 1) noise, clipped to [0, 1] when `clip` (for images in [0, 1])."""
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or not sigma >= 0:
        raise ValueError(f"sigma must be a non-negative number, got {sigma!r}")

    def corrupt(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        noisy = x + sigma * _random_like(x, generator, "normal")
        return noisy.clamp(0.0, 1.0) if clip else noisy

    corrupt.__name__ = f"gaussian_noise_{sigma:g}{'_clipped' if clip else ''}"
    return corrupt


def masking_noise(p: float) -> Corruption:
    """Set each value of x to 0 with probability `p` (Vincent et al.'s masking noise)."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
        raise ValueError(f"p must be a probability in [0, 1), got {p!r}")

    def corrupt(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        return x * (_random_like(x, generator, "uniform") >= p)

    corrupt.__name__ = f"masking_noise_{p:g}"
    return corrupt
