"""Chapter 9: reference solutions and known mistakes.

Sparsity KL per unit, Jacobian norm of a Sigmoid layer, β-VAE loss.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def kl_sparsity(rho: float, rho_hat: torch.Tensor) -> torch.Tensor:
    """KL(ρ || ρ̂_j) for each unit j: ρ log(ρ/ρ̂_j) + (1 − ρ) log((1 − ρ)/(1 − ρ̂_j)), shaped like
    `rho_hat` (the sparse autoencoder's penalty is their sum)."""
    return rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))


def sigmoid_jacobian_norm(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """||∂z/∂x||²_F per example of z = σ(x Wᵀ + b); x (N, D), W (K, D), b (K,) -> (N,).

    ∂z_j/∂x_i = z_j (1 − z_j) W_ji, so the norm is Σ_j (z_j (1 − z_j))² Σ_i W_ji².
    """
    z = torch.sigmoid(x @ weight.T + bias)
    return (z * (1 - z)).pow(2) @ weight.pow(2).sum(dim=1)


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


REFERENCES = {
    "sparsity-kl": kl_sparsity,
    "sigmoid-jacobian-norm": sigmoid_jacobian_norm,
    "beta-elbo": beta_vae_loss,
}


def _summed(rho, rho_hat):
    return kl_sparsity(rho, rho_hat).sum()


def _reversed_kl(rho, rho_hat):
    return rho_hat * torch.log(rho_hat / rho) + (1 - rho_hat) * torch.log((1 - rho_hat) / (1 - rho))


def _first_term_only(rho, rho_hat):
    return rho * torch.log(rho / rho_hat)


def _sigma_prime_of_z(x, weight, bias):
    z = torch.sigmoid(x @ weight.T + bias)
    s = torch.sigmoid(z)
    return (s * (1 - s)).pow(2) @ weight.pow(2).sum(dim=1)


def _not_squared(x, weight, bias):
    z = torch.sigmoid(x @ weight.T + bias)
    return (z * (1 - z)) @ weight.pow(2).sum(dim=1)


def _norm_not_squared(x, weight, bias):
    return sigmoid_jacobian_norm(x, weight, bias).sqrt()


def _mean_over_pixels(x, logits, mu, logvar, beta):
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
    return reconstruction.mean(dim=1) + beta * kl


def _logvar_as_sigma(x, logits, mu, logvar, beta):
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = 0.5 * (mu.pow(2) + logvar.pow(2) - 1.0 - 2 * torch.log(logvar.abs())).sum(dim=1)
    return reconstruction + beta * kl


def _without_half(x, logits, mu, logvar, beta):
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
    return reconstruction + beta * kl


def _beta_on_reconstruction(x, logits, mu, logvar, beta):
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
    return beta * reconstruction + kl


def _batch_mean(x, logits, mu, logvar, beta):
    return beta_vae_loss(x, logits, mu, logvar, beta).mean()


MISTAKES = {
    "sparsity-kl": [
        ("summed over the units: one value per unit, shaped like rho_hat", _summed),
        ("arguments swapped: this is KL(ρ̂ || ρ), and the KL is not symmetric", _reversed_kl),
        ("the first term only: add (1 − ρ) log((1 − ρ)/(1 − ρ̂))", _first_term_only),
    ],
    "sigmoid-jacobian-norm": [
        ("σ' taken at z = σ(a): the derivative is z(1 − z)", _sigma_prime_of_z),
        ("z(1 − z) not squared: square each derivative ∂z_j/∂x_i", _not_squared),
        ("the norm, not its square: drop the square root", _norm_not_squared),
    ],
    "beta-elbo": [
        ("the mean over pixels: the log-likelihood sums over them", _mean_over_pixels),
        ("log-variance used as σ", _logvar_as_sigma),
        ("missing the ½ in the KL", _without_half),
        ("β weights the reconstruction: it weights the KL", _beta_on_reconstruction),
        ("one number for the batch: one value per example", _batch_mean),
    ],
}
