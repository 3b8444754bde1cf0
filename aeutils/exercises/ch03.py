"""Chapter 3 exercises: interpolating codes, neighbours that share a digit, which code units
follow a measured property (the slant)."""

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


def _codes_and_values(g: torch.Generator) -> list[tuple]:
    """Codes with offsets and scales of their own, and values that depend on some of the units: a
    cosine (no centring) or a covariance (no scaling) gives other numbers than a correlation."""
    cases = []
    for n, d in ((40, 1), (60, 5), (200, 16)):
        codes = torch.randn(n, d, generator=g) * (torch.rand(d, generator=g) * 3 + 0.5)
        codes = codes + torch.randn(d, generator=g) * 4
        weights = torch.randn(d, generator=g)
        values = codes @ weights + torch.randn(n, generator=g) * 2 + 5
        cases.append((codes, values))
    return cases


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
    "unit-correlations",
    Exercise(
        _codes_and_values,
        "one Pearson correlation per code unit (per column), with its sign: centre each column and"
        " the values, then divide by the product of their norms; shape (d,)",
        rtol=1e-4,
        atol=1e-5,
    ),
)
