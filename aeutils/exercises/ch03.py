"""Chapter 3 exercises: interpolating codes, distance to the nearest code, the slant of a digit."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _code_pairs(g: torch.Generator) -> list[tuple]:
    cases = []
    for dim, steps in ((2, 2), (2, 5), (16, 9), (32, 11), (3, 4)):
        z1, z2 = torch.randn(dim, generator=g) * 3, torch.randn(dim, generator=g) * 3
        cases.append((z1, z2, steps))
    return cases


def _points_and_codes(g: torch.Generator) -> list[tuple]:
    cases = []
    for p, c, d in ((1, 1, 2), (3, 7, 2), (10, 4, 2), (6, 20, 5), (20, 9, 32)):
        points = torch.randn(p, d, generator=g) * 2
        codes = torch.randn(c, d, generator=g) * 2
        cases.append((points, codes))
    points, codes = cases[-1]
    points[:3] = codes[:3]  # points that are codes: distance 0
    return cases


def _slanted_images(g: torch.Generator) -> list[tuple]:
    def strokes(n: int, height: int, width: int) -> torch.Tensor:
        # a thick bar through the centre with a random lean, on a faint noisy background
        lean = torch.rand(n, 1, 1, generator=g) * 1.4 - 0.7
        r = torch.arange(height, dtype=torch.float32)[:, None]
        c = torch.arange(width, dtype=torch.float32)[None, :]
        centre = width / 2 + lean * (height / 2 - r)
        bar = (1 - (c - centre).abs() / 2).clamp(min=0)
        noise = torch.rand(n, height, width, generator=g) * 0.05
        return (bar + noise).clamp(max=1).unsqueeze(1)

    return [
        (strokes(4, 28, 28),),
        (strokes(3, 12, 9),),  # not square: rows and columns must not be swapped
        (torch.rand(5, 1, 6, 10, generator=g),),
    ]


register(
    "interpolate-codes",
    Exercise(
        _code_pairs,
        "t runs from 0 to 1 in `steps` equal steps, both ends included; the first row is z1",
    ),
)
register(
    "nearest-code-distance",
    Exercise(
        _points_and_codes,
        "the Euclidean distance (a square root of a sum of squares) to the closest code, one per"
        " point",
        rtol=1e-4,
        atol=1e-5,
    ),
)
register(
    "image-slant",
    Exercise(
        _slanted_images,
        "weight every pixel's row and column by its intensity, measure them from the ink-weighted"
        " centre; rows count downwards, so a right-leaning digit has a positive slant",
        rtol=1e-4,
        atol=1e-5,
    ),
)
