"""Chapter 0 exercises: per-image error, parameter counts, PSNR from MSE."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _image_pairs(g: torch.Generator) -> list[tuple]:
    shapes = [(1, 784), (5, 784), (3, 1, 28, 28), (7, 1, 4, 4)]
    return [(torch.rand(s, generator=g), torch.rand(s, generator=g)) for s in shapes]


def _widths(g: torch.Generator) -> list[tuple]:
    cases = [([784, 256, 128, 64],), ([784, 256, 64, 32],), ([10, 2],)]
    for _ in range(3):
        depth = int(torch.randint(2, 6, (1,), generator=g))
        cases.append((torch.randint(1, 500, (depth,), generator=g).tolist(),))
    return cases


def _mse_values(g: torch.Generator) -> list[tuple]:
    cases = [(0.01, 1.0), (1e-4, 1.0), (100.0, 255.0)]
    cases += [(float(torch.rand(1, generator=g)) * 0.1 + 1e-6, 1.0) for _ in range(3)]
    return cases


register(
    "per-image-mse",
    Exercise(_image_pairs, "average over every pixel of each example, not over the batch"),
)
register(
    "mlp-parameter-count",
    Exercise(
        _widths,
        "each Linear(a, b) has a*b weights and b biases; the decoder mirrors the encoder",
    ),
)
register(
    "psnr-from-mse",
    Exercise(_mse_values, "PSNR = 10·log10(data_range² / MSE), in decibels"),
)
