"""Chapter 9: reference solutions and known mistakes.

Which way the sparsity penalty pushes, a Sigmoid layer's Jacobian unit by unit, the VAE's objective.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def kl_sparsity_gradient(rho: float, rho_hat: torch.Tensor) -> torch.Tensor:
    """∂/∂ρ̂_j of Σ_k KL(ρ || ρ̂_k) for each unit j, shaped like `rho_hat`:
    KL(ρ || ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)) gives −ρ/ρ̂ + (1 − ρ)/(1 − ρ̂),
    zero at ρ̂ = ρ, positive above it (descent lowers ρ̂), negative below."""
    return (1 - rho) / (1 - rho_hat) - rho / rho_hat


def sigmoid_jacobian_by_unit(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """Each unit's part of ||∂z/∂x||²_F, z = σ(x Wᵀ + b); x (N, D), W (K, D), b (K,) -> (N, K).

    ∂z_j/∂x_i = z_j (1 − z_j) W_ji, so unit j contributes (z_j (1 − z_j))² Σ_i W_ji²; the sum over
    the units is the contractive penalty.
    """
    z = torch.sigmoid(x @ weight.T + bias)
    return (z * (1 - z)).pow(2) * weight.pow(2).sum(dim=1)


def vae_objective(model, x: torch.Tensor, beta: float, eps: torch.Tensor) -> torch.Tensor:
    """The batch mean of -log p(x|z) + β · KL(q(z|x) || N(0, I)), z drawn from q(z|x) with `eps`.

    z = μ + σ ε (the reparameterisation trick), σ = exp(½ log σ²); a Bernoulli likelihood from the
    decoder's pixel logits, summed over pixels; KL = ½ Σ_k (μ_k² + σ_k² − 1 − log σ_k²).
    """
    mu, logvar = model.encode_distribution(x)
    z = mu + torch.exp(0.5 * logvar) * eps
    logits = model.decode_logits(z)
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
    return (reconstruction + beta * kl).mean()


REFERENCES = {
    "sparsity-gradient": kl_sparsity_gradient,
    "sigmoid-jacobian-by-unit": sigmoid_jacobian_by_unit,
    "vae-objective": vae_objective,
}


def _summed(rho, rho_hat):
    return kl_sparsity_gradient(rho, rho_hat).sum()


def _sign_flipped(rho, rho_hat):
    return -kl_sparsity_gradient(rho, rho_hat)


def _first_term_only(rho, rho_hat):
    return -rho / rho_hat


def _with_respect_to_rho(rho, rho_hat):
    return torch.log(rho / rho_hat) - torch.log((1 - rho) / (1 - rho_hat))


def _the_penalty_itself(rho, rho_hat):
    return rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))


def _summed_over_units(x, weight, bias):
    return sigmoid_jacobian_by_unit(x, weight, bias).sum(dim=1)


def _sigma_prime_of_z(x, weight, bias):
    z = torch.sigmoid(x @ weight.T + bias)
    s = torch.sigmoid(z)
    return (s * (1 - s)).pow(2) * weight.pow(2).sum(dim=1)


def _not_squared(x, weight, bias):
    z = torch.sigmoid(x @ weight.T + bias)
    return (z * (1 - z)) * weight.pow(2).sum(dim=1)


def _norm_not_squared(x, weight, bias):
    return sigmoid_jacobian_by_unit(x, weight, bias).sqrt()


def _vae_terms(model, x, eps, spread=lambda logvar: torch.exp(0.5 * logvar)):
    """The per-pixel Bernoulli losses, μ and log σ², with σ = spread(log σ²) (None: z = μ)."""
    mu, logvar = model.encode_distribution(x)
    z = mu if spread is None else mu + spread(logvar) * eps
    bce = F.binary_cross_entropy_with_logits(model.decode_logits(z), x, reduction="none")
    return bce, mu, logvar


def _kl(mu, logvar):
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)


def _code_is_the_mean(model, x, beta, eps):
    bce, mu, logvar = _vae_terms(model, x, eps, spread=None)
    return (bce.sum(dim=1) + beta * _kl(mu, logvar)).mean()


def _sigma_is_the_variance(model, x, beta, eps):
    bce, mu, logvar = _vae_terms(model, x, eps, spread=torch.exp)
    return (bce.sum(dim=1) + beta * _kl(mu, logvar)).mean()


def _sigma_is_the_log_variance(model, x, beta, eps):
    bce, mu, logvar = _vae_terms(model, x, eps, spread=lambda logvar: logvar)
    return (bce.sum(dim=1) + beta * _kl(mu, logvar)).mean()


def _mean_over_pixels(model, x, beta, eps):
    bce, mu, logvar = _vae_terms(model, x, eps)
    return (bce.mean(dim=1) + beta * _kl(mu, logvar)).mean()


def _without_half(model, x, beta, eps):
    bce, mu, logvar = _vae_terms(model, x, eps)
    return (bce.sum(dim=1) + beta * 2 * _kl(mu, logvar)).mean()


def _beta_on_reconstruction(model, x, beta, eps):
    bce, mu, logvar = _vae_terms(model, x, eps)
    return (beta * bce.sum(dim=1) + _kl(mu, logvar)).mean()


def _batch_sum(model, x, beta, eps):
    return vae_objective(model, x, beta, eps) * len(x)


MISTAKES = {
    "sparsity-gradient": [
        ("summed over the units: one value per unit, shaped like rho_hat", _summed),
        (
            "the sign is flipped: the derivative of ρ log(ρ/ρ̂) = ρ log ρ − ρ log ρ̂ is −ρ/ρ̂",
            _sign_flipped,
        ),
        (
            "the first term only: (1 − ρ) log((1 − ρ)/(1 − ρ̂)) depends on ρ̂ too, and adds"
            " +(1 − ρ)/(1 − ρ̂)",
            _first_term_only,
        ),
        (
            "the derivative with respect to ρ, not to ρ̂ (each unit's mean activation)",
            _with_respect_to_rho,
        ),
        ("the penalty itself, not its derivative", _the_penalty_itself),
    ],
    "sigmoid-jacobian-by-unit": [
        (
            "the total over the units (what aeutils.penalties.sigmoid_jacobian_norm gives): one"
            " value per unit",
            _summed_over_units,
        ),
        ("σ' taken at z = σ(a): the derivative is z(1 − z)", _sigma_prime_of_z),
        ("z(1 − z) not squared: square each derivative ∂z_j/∂x_i", _not_squared),
        ("the norm, not its square: drop the square root", _norm_not_squared),
    ],
    "vae-objective": [
        (
            "z is the mean μ: draw z = μ + σ·ε from q(z|x) (the reparameterisation trick)",
            _code_is_the_mean,
        ),
        (
            "σ = exp(log σ²) is the variance: the standard deviation is exp(½ log σ²)",
            _sigma_is_the_variance,
        ),
        ("log σ² used as σ: σ = exp(½ log σ²)", _sigma_is_the_log_variance),
        ("the mean over pixels: the log-likelihood sums over them", _mean_over_pixels),
        ("missing the ½ in the KL", _without_half),
        ("β weights the reconstruction: it weights the KL", _beta_on_reconstruction),
        ("the sum over the batch: fit wants its mean", _batch_sum),
    ],
}
