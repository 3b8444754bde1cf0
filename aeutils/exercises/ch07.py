"""Chapter 7 exercises: the share of points in holes, a Gaussian fit by hand, log N(z; 0, I)."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _hole_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for p, c, t, d, spread, q in (
        (50, 30, 40, 2, 2.0, 0.99),
        (40, 60, 25, 5, 1.5, 0.9),
        (64, 80, 50, 32, 1.2, 0.5),
        (30, 20, 20, 3, 3.0, 0.75),
    ):
        train = torch.randn(c, d, generator=g)
        test = torch.randn(t, d, generator=g)
        points = spread * torch.randn(p, d, generator=g)
        cases.append((points, train, test, q))
    return cases


def _code_sets(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d in ((5, 2), (3, 4), (200, 32), (10, 1)):
        mean = 4 * torch.randn(d, generator=g)
        std = torch.rand(d, generator=g) * 3 + 0.1
        cases.append((mean + std * torch.randn(n, d, generator=g),))
    return cases


def _prior_cases(g: torch.Generator) -> list[tuple]:
    return [
        (scale * torch.randn(n, d, generator=g),)
        for n, d, scale in ((4, 2, 1.0), (6, 32, 5.0), (3, 1, 2.0), (10, 16, 0.1))
    ]


register(
    "hole-share",
    Exercise(
        _hole_cases,
        "threshold: the q-quantile (torch.quantile) of each TEST code's distance to its nearest"
        " training code; answer: the share of points whose nearest training code is farther than"
        " that (a float between 0 and 1)",
        rtol=1e-6,
        atol=1e-9,
    ),
)
register(
    "gaussian-fit",
    Exercise(
        _code_sets,
        "average over the codes (dim=0), not over the dimensions; the maximum-likelihood standard"
        " deviation divides by N (codes.std(dim=0, correction=0)); stack means and stds as rows",
        rtol=1e-5,
        atol=1e-5,
    ),
)
register(
    "log-prior",
    Exercise(
        _prior_cases,
        "log N(z; 0, I) = sum over the d dimensions of -(z_j² + log 2π) / 2: the constant counts"
        " once per dimension; one number per row",
        rtol=1e-5,
        atol=1e-4,
    ),
)
