"""Chapter 10 exercises: quantising a code, its ideal length in bits, the adjusted Rand index."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _codes_and_ranges(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d, bits in ((1, 2, 1), (5, 4, 2), (20, 16, 3), (50, 16, 4), (8, 32, 8)):
        z = torch.randn(n, d, generator=g, dtype=torch.float64) * 2
        low = -torch.rand(d, generator=g, dtype=torch.float64) - 1
        high = torch.rand(d, generator=g, dtype=torch.float64) + 1
        cases.append((z, low, high, bits))  # some values fall outside [low, high]: clamped
    return cases


def _symbols(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d, levels in ((40, 1, 3), (100, 3, 4), (1000, 16, 16), (50, 8, 256)):
        skew = torch.rand(n, d, generator=g).pow(3)  # skewed, like quantised codes
        cases.append(((skew * levels).long().clamp(max=levels - 1),))
    cases.append((torch.full((30, 4), 7, dtype=torch.long),))  # one symbol per column: 0 bits
    return cases


def _labellings(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, k_true, k_pred in ((12, 3, 3), (200, 10, 10), (500, 10, 4), (60, 2, 6)):
        truth = torch.randint(0, k_true, (n,), generator=g)
        noisy = torch.where(
            torch.rand(n, generator=g) < 0.3,
            torch.randint(0, k_pred, (n,), generator=g),
            truth % k_pred,
        )
        cases.append((truth, noisy))
    truth = torch.randint(0, 5, (100,), generator=g)
    cases.append((truth, (truth + 2) % 5))  # the same partition under other names: 1
    cases.append((truth, torch.randint(0, 5, (100,), generator=g)))  # unrelated: near 0
    return cases


register(
    "quantize-code",
    Exercise(
        _codes_and_ranges,
        "bins of width (high - low) / 2**bits; the bin index k = floor((z - low) / width), kept"
        " between 0 and 2**bits - 1; the value returned is the bin's centre low + (k + 0.5) width",
        rtol=1e-6,
        atol=1e-9,
    ),
)
register(
    "code-entropy",
    Exercise(
        _symbols,
        "for each column, count how often each symbol occurs, turn the counts into shares p,"
        " take -sum p log2 p (in bits, not nats), then add up the columns",
        rtol=1e-6,
        atol=1e-9,
    ),
)
register(
    "adjusted-rand",
    Exercise(
        _labellings,
        "build the contingency table n_ij; index = sum C(n_ij, 2); expected = sum C(a_i, 2)"
        " sum C(b_j, 2) / C(n, 2) from the row sums a and column sums b; ARI = (index -"
        " expected) / (max - expected) with max the mean of the two row- and column-sum terms",
        rtol=1e-6,
        atol=1e-9,
    ),
)
