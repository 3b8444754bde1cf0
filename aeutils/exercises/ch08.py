"""Chapter 8 exercises: the reparameterisation trick, the KL between diagonal Gaussians, slerp."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _gaussian_params(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d in ((1, 2), (4, 3), (8, 16), (2, 1)):
        mu = 2 * torch.randn(n, d, generator=g)
        logvar = 2 * torch.randn(n, d, generator=g)
        cases.append((mu, logvar, torch.randn(n, d, generator=g)))
    return cases


def _gaussian_pairs(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d in ((1, 1), (3, 2), (5, 16), (4, 3)):
        cases.append(tuple(torch.randn(n, d, generator=g) for _ in range(4)))
    mu, logvar = cases[1][0], cases[1][1]
    cases.append((mu, logvar, mu.clone(), logvar.clone()))  # the same Gaussian: KL 0
    cases.append((mu, logvar, torch.zeros_like(mu), torch.zeros_like(mu)))  # the VAE's KL
    return cases


def _slerp_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for d, steps, scale in ((2, 3, 1.0), (16, 9, 1.0), (32, 5, 3.0), (3, 11, 0.5)):
        cases.append((scale * torch.randn(d, generator=g), torch.randn(d, generator=g), steps))
    return cases


register(
    "reparameterize",
    Exercise(
        _gaussian_params,
        "the encoder gives log σ², so σ = exp(logvar / 2), not exp(logvar) or logvar itself;"
        " the draw is mu + σ * eps, element by element",
        rtol=1e-5,
        atol=1e-5,
    ),
)
register(
    "kl-diagonal-gaussians",
    Exercise(
        _gaussian_pairs,
        "per dimension: (σ1² + (μ1 - μ2)²) / σ2² - 1 + log(σ2² / σ1²), halved, then summed over"
        " the dimensions (dim=1); it is 0 for two equal Gaussians and not symmetric",
        rtol=1e-5,
        atol=1e-5,
    ),
)
register(
    "slerp",
    Exercise(
        _slerp_cases,
        "θ = arccos(z1·z2 / (|z1| |z2|)); t from 0 to 1 in `steps` values (torch.linspace);"
        " weights sin((1 - t)θ)/sin θ on z1 and sin(tθ)/sin θ on z2; result (steps, d)",
        rtol=1e-4,
        atol=1e-5,
    ),
)
