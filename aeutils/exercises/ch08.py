"""Chapter 8 exercises: the reparameterisation trick, for a Gaussian and for a Laplace
distribution, the KL between diagonal Gaussians, and how evenly samples spread over the digits."""

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


def _laplace_params(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d in ((1, 4), (4, 3), (8, 16), (2, 1)):
        mu, log_b = 2 * torch.randn(n, d, generator=g), torch.randn(n, d, generator=g)
        cases.append((mu, log_b, torch.rand(n, d, generator=g).clamp(1e-4, 1 - 1e-4)))
    grid = torch.tensor([[0.01, 0.25, 0.5, 0.75, 0.99]])  # both halves and the median
    cases.append((torch.zeros(1, 5), torch.zeros(1, 5), grid))
    return cases


def _gaussian_pairs(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d in ((1, 1), (3, 2), (5, 16), (4, 3)):
        cases.append(tuple(torch.randn(n, d, generator=g) for _ in range(4)))
    mu, logvar = cases[1][0], cases[1][1]
    cases.append((mu, logvar, mu.clone(), logvar.clone()))  # the same Gaussian: KL 0
    cases.append((mu, logvar, torch.zeros_like(mu), torch.zeros_like(mu)))  # the VAE's KL
    return cases


def _label_cases(g: torch.Generator) -> list[tuple]:
    shuffled_tens = torch.arange(10).repeat(7)[torch.randperm(70, generator=g)]
    skewed = torch.multinomial(
        torch.tensor([8.0, 1, 1, 4, 0, 0, 2, 1, 0, 3]), 500, True, generator=g
    )
    return [
        (torch.full((40,), 3),),  # one digit only: 0 bits
        (shuffled_tens,),  # all ten equally often: log2(10) bits
        (torch.tensor([1, 7] * 25),),  # two digits, half and half: 1 bit
        (skewed,),  # some digits never occur
        (torch.randint(10, (7,), generator=g),),
    ]


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
    "laplace-draw",
    Exercise(
        _laplace_params,
        "write the CDF of Laplace(μ, b) on each side of μ, solve F(z) = u for z on each side"
        " (u < ½ below μ, u > ½ above), and use b = exp(log_b); the result must increase with u",
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
    "class-spread",
    Exercise(
        _label_cases,
        "the entropy in bits of the shares of the digits: p_k = (how often digit k occurs) /"
        " (number of labels), then −Σ p_k log2 p_k over the digits that occur (0 · log 0 counts"
        " as 0); return it as a Python float (.item())",
        rtol=1e-5,
        atol=1e-6,
    ),
)
