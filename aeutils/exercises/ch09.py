"""Chapter 9 exercises: sparsity KL per unit, Jacobian norm of a Sigmoid layer, β-VAE loss."""

from __future__ import annotations

import torch

from .core import Exercise, register


def _sparsity_cases(g: torch.Generator) -> list[tuple]:
    f64 = torch.float64  # float64: the inputs print as typed, e.g. tensor([0.05, 0.2])
    cases: list[tuple] = [(0.05, torch.tensor([0.05, 0.2], dtype=f64))]  # the conventions' example
    for rho, units in ((0.05, 128), (0.1, 7), (0.3, 16), (0.5, 3)):
        cases.append((rho, torch.rand(units, generator=g, dtype=f64) * 0.98 + 0.01))
    near_0_and_1 = torch.tensor([0.001, 0.05, 0.5, 0.999], dtype=f64)  # large KLs
    cases.append((0.05, near_0_and_1))
    return cases


def _layer_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d, k, scale in ((1, 3, 2, 1.0), (4, 10, 5, 1.0), (6, 784, 32, 0.1), (3, 6, 9, 3.0)):
        x = torch.rand(n, d, generator=g, dtype=torch.float64)
        weight = torch.randn(k, d, generator=g, dtype=torch.float64) * scale
        bias = torch.randn(k, generator=g, dtype=torch.float64)
        cases.append((x, weight, bias))
    return cases


def _vae_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d, k, beta in ((2, 4, 2, 1.0), (5, 784, 16, 1.0), (3, 20, 3, 4.0), (4, 9, 5, 0.5)):
        x = (torch.rand(n, d, generator=g) > 0.5).float()
        logits = torch.randn(n, d, generator=g) * 3
        mu = torch.randn(n, k, generator=g)
        logvar = torch.randn(n, k, generator=g) - 1
        cases.append((x, logits, mu, logvar, beta))
    return cases


register(
    "sparsity-kl",
    Exercise(
        _sparsity_cases,
        "one value per unit, shaped like rho_hat (did you sum over units?):"
        " ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)), natural logarithms",
        rtol=1e-4,
        atol=1e-6,
    ),
)
register(
    "sigmoid-jacobian-norm",
    Exercise(
        _layer_cases,
        "z = σ(x Wᵀ + b); ∂z_j/∂x_i = z_j (1 − z_j) W_ji: square it and sum over i and j, one"
        " number per example (σ' is z(1 − z), not σ(z)(1 − σ(z)))",
        rtol=1e-5,
        atol=1e-8,
    ),
)
register(
    "beta-elbo",
    Exercise(
        _vae_cases,
        "sum the Bernoulli negative log-likelihood over pixels (binary_cross_entropy_with_logits,"
        " reduction='none', then .sum(dim=1)); KL = ½ Σ (μ² + σ² − 1 − log σ²) with σ² ="
        " exp(logvar); one value per example",
        rtol=1e-4,
        atol=1e-4,
    ),
)
