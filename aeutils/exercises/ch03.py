"""Chapter 3 exercises: interpolating codes, neighbours that share a digit, the slant of a digit."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _code_pairs(g: torch.Generator) -> list[tuple]:
    cases = []
    for dim, steps in ((2, 2), (2, 5), (16, 9), (32, 11), (3, 4)):
        z1, z2 = torch.randn(dim, generator=g) * 3, torch.randn(dim, generator=g) * 3
        cases.append((z1, z2, steps))
    return cases


def _labelled_codes(g: torch.Generator) -> list[tuple]:
    """Queries and codes around a few class centres, so that neighbours often share a label."""
    cases = []
    for p, c, d, classes, k in ((4, 12, 2, 3, 3), (6, 30, 5, 4, 5), (10, 40, 16, 10, 4)):
        centres = torch.randn(classes, d, generator=g) * 3
        labels = torch.randint(classes, (c,), generator=g)
        query_labels = torch.randint(classes, (p,), generator=g)
        codes = centres[labels] + torch.randn(c, d, generator=g) * 2
        queries = centres[query_labels] + torch.randn(p, d, generator=g) * 2
        cases.append((queries, query_labels, codes, labels, k))
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
    "neighbour-agreement",
    Exercise(
        _labelled_codes,
        "all distances at once (torch.cdist), the indices of the k smallest per query"
        " (topk(k, largest=False)), their labels compared with the query's: one share in [0, 1]"
        " per query",
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
