"""Chapter 9 exercises: sparsity KL per unit, Jacobian norm of a Sigmoid layer, β-VAE loss."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .core import Exercise, register


def kl_sparsity(rho: float, rho_hat: torch.Tensor) -> torch.Tensor:
    """KL(ρ || ρ̂_j) for each unit j: ρ log(ρ/ρ̂_j) + (1 − ρ) log((1 − ρ)/(1 − ρ̂_j)), shaped like
    `rho_hat` (the sparse autoencoder's penalty is their sum)."""
    return rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))


def _sparsity_cases(g: torch.Generator) -> list[tuple]:
    f64 = torch.float64  # float64: the inputs print as typed, e.g. tensor([0.05, 0.2])
    cases: list[tuple] = [(0.05, torch.tensor([0.05, 0.2], dtype=f64))]  # the conventions' example
    for rho, units in ((0.05, 128), (0.1, 7), (0.3, 16), (0.5, 3)):
        cases.append((rho, torch.rand(units, generator=g, dtype=f64) * 0.98 + 0.01))
    near_0_and_1 = torch.tensor([0.001, 0.05, 0.5, 0.999], dtype=f64)  # large KLs
    cases.append((0.05, near_0_and_1))
    return cases


def sigmoid_jacobian_norm(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """||∂z/∂x||²_F per example of z = σ(x Wᵀ + b); x (N, D), W (K, D), b (K,) -> (N,).

    ∂z_j/∂x_i = z_j (1 − z_j) W_ji, so the norm is Σ_j (z_j (1 − z_j))² Σ_i W_ji².
    """
    z = torch.sigmoid(x @ weight.T + bias)
    return (z * (1 - z)).pow(2) @ weight.pow(2).sum(dim=1)


def _layer_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, d, k, scale in ((1, 3, 2, 1.0), (4, 10, 5, 1.0), (6, 784, 32, 0.1), (3, 6, 9, 3.0)):
        x = torch.rand(n, d, generator=g, dtype=torch.float64)
        weight = torch.randn(k, d, generator=g, dtype=torch.float64) * scale
        bias = torch.randn(k, generator=g, dtype=torch.float64)
        cases.append((x, weight, bias))
    return cases


def beta_vae_loss(
    x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor, beta: float
) -> torch.Tensor:
    """Per example: -log p(x|z) (Bernoulli, from pixel logits, summed over pixels) + β · KL.

    KL(N(μ, σ²) || N(0, I)) = ½ Σ_k (μ_k² + σ_k² − 1 − log σ_k²), with `logvar` = log σ².
    x and logits (N, D), mu and logvar (N, K) -> (N,).
    """
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
    return reconstruction + beta * kl


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
        kl_sparsity,
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
        sigmoid_jacobian_norm,
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
        beta_vae_loss,
        _vae_cases,
        "sum the Bernoulli negative log-likelihood over pixels (binary_cross_entropy_with_logits,"
        " reduction='none', then .sum(dim=1)); KL = ½ Σ (μ² + σ² − 1 − log σ²) with σ² ="
        " exp(logvar); one value per example",
        rtol=1e-4,
        atol=1e-4,
    ),
)
