"""Chapter 6 exercises: PCA reconstruction, the largest principal angle, PCA's error."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _pca_inputs(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d, n_components, k in ((4, 6, 3, 2), (10, 20, 5, 5), (3, 784, 16, 8), (5, 8, 8, 1)):
        q, _ = torch.linalg.qr(torch.randn(d, n_components, generator=g))
        x = torch.rand(n, d, generator=g)
        mean = torch.rand(d, generator=g)
        cases.append((x, mean, q.T.contiguous(), k))
    return cases


def _subspace_pairs(g: torch.Generator) -> list[tuple]:
    cases = []
    for d, p in ((3, 1), (10, 3), (50, 4), (784, 16)):
        a = torch.randn(d, p, generator=g, dtype=torch.float64) * 3
        b = torch.randn(d, p, generator=g, dtype=torch.float64)
        cases.append((a.numpy(), b.numpy()))
    a = torch.randn(30, 5, generator=g, dtype=torch.float64)
    mix = torch.randn(5, 5, generator=g, dtype=torch.float64) + 3 * torch.eye(5)
    nudge = 0.3 * torch.randn(30, 5, generator=g, dtype=torch.float64)
    cases.append((a.numpy(), (a @ mix).numpy()))  # the same subspace, other columns: 0 degrees
    cases.append((a.numpy(), (a @ mix + nudge).numpy()))  # a nearby subspace: a small angle
    return cases


def _spectra(g: torch.Generator) -> list[tuple]:
    cases = []
    for d, k in ((5, 2), (10, 0), (10, 10), (784, 16), (784, 1)):
        eigenvalues = torch.rand(d, generator=g, dtype=torch.float64).sort(descending=True).values
        cases.append((eigenvalues, k))
    return cases


register(
    "pca-reconstruct",
    Exercise(
        _pca_inputs,
        "centre x with the mean, take the codes (x - mean) W_k^T with the first k components,"
        " map them back with W_k and add the mean again",
        rtol=1e-4,
        atol=1e-5,
    ),
)
register(
    "largest-principal-angle",
    Exercise(
        _subspace_pairs,
        "orthonormalise both bases (QR), take the singular values of Qa^T Qb: they are the cosines"
        " of the angles; the largest angle goes with the smallest cosine; answer in degrees",
        rtol=1e-4,
        atol=1e-3,
    ),
)
register(
    "pca-mse",
    Exercise(
        _spectra,
        "the error is the variance of the directions PCA drops (eigenvalues k+1 to D), averaged"
        " over all D features",
        rtol=1e-6,
        atol=1e-9,
    ),
)
