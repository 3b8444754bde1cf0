"""Chapter 0 exercises: per-image error, parameter counts, PSNR from MSE."""

from __future__ import annotations

import math

import torch

from .core import Exercise, register


def per_image_mse(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Mean squared error of each example: shape (N,), averaged over all its pixels."""
    return (x - x_hat).pow(2).flatten(1).mean(dim=1)


def _image_pairs(g: torch.Generator) -> list[tuple]:
    shapes = [(1, 784), (5, 784), (3, 1, 28, 28), (7, 1, 4, 4)]
    return [(torch.rand(s, generator=g), torch.rand(s, generator=g)) for s in shapes]


def mlp_parameter_count(widths: list[int]) -> int:
    """Parameters of an MLP autoencoder with encoder `widths` and the mirrored decoder."""
    weights = sum(a * b for a, b in zip(widths[:-1], widths[1:], strict=True))
    return 2 * weights + sum(widths[1:]) + sum(widths[:-1])


def _widths(g: torch.Generator) -> list[tuple]:
    cases = [([784, 256, 128, 64],), ([784, 256, 64, 32],), ([10, 2],)]
    for _ in range(3):
        depth = int(torch.randint(2, 6, (1,), generator=g))
        cases.append((torch.randint(1, 500, (depth,), generator=g).tolist(),))
    return cases


def psnr_from_mse(mse: float, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB of an image whose mean squared error is `mse`."""
    return 10 * math.log10(data_range**2 / mse)


def _mse_values(g: torch.Generator) -> list[tuple]:
    cases = [(0.01, 1.0), (1e-4, 1.0), (100.0, 255.0)]
    cases += [(float(torch.rand(1, generator=g)) * 0.1 + 1e-6, 1.0) for _ in range(3)]
    return cases


register(
    "per-image-mse",
    Exercise(
        per_image_mse, _image_pairs, "average over every pixel of each example, not over the batch"
    ),
)
register(
    "mlp-parameter-count",
    Exercise(
        mlp_parameter_count,
        _widths,
        "each Linear(a, b) has a*b weights and b biases; the decoder mirrors the encoder",
    ),
)
register(
    "psnr-from-mse",
    Exercise(psnr_from_mse, _mse_values, "PSNR = 10·log10(data_range² / MSE), in decibels"),
)
