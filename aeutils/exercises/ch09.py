"""Chapter 9 exercises: which way the sparsity penalty pushes, a Sigmoid layer's Jacobian unit by
unit, the VAE's objective."""

from __future__ import annotations

import torch

from ..vae import MLPVAE
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


class TinyVAE(MLPVAE):
    """An `MLPVAE` with D inputs, H hidden units and K code numbers, every weight drawn from `g`
    (the global random generator is left untouched), shown by its sizes."""

    def __init__(self, g: torch.Generator, sizes: tuple[int, int, int]) -> None:
        d, h, k = sizes
        with torch.random.fork_rng():
            super().__init__((d, h), k)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=g) / p.shape[-1] ** 0.5)
        self.sizes = sizes

    def __repr__(self) -> str:
        d, h, k = self.sizes
        return f"MLPVAE({d}→{h}→μ and log σ² of {k})"


def _vae_cases(g: torch.Generator) -> list[tuple]:
    cases = []
    for n, sizes, beta in ((3, (6, 5, 2), 1.0), (4, (784, 32, 16), 1.0), (5, (20, 8, 3), 4.0),
                           (2, (9, 6, 4), 0.5)):  # fmt: skip
        model = TinyVAE(g, sizes)
        x = (torch.rand(n, sizes[0], generator=g) > 0.5).float()
        eps = torch.randn(n, sizes[2], generator=g)
        cases.append((model, x, beta, eps))
    return cases


register(
    "sparsity-gradient",
    Exercise(
        _sparsity_cases,
        "one value per unit, shaped like rho_hat: differentiate ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/"
        "(1 − ρ̂)) with respect to ρ̂ (ρ is a constant); it is 0 at ρ̂ = ρ",
        rtol=1e-4,
        atol=1e-6,
    ),
)
register(
    "sigmoid-jacobian-by-unit",
    Exercise(
        _layer_cases,
        "z = σ(x Wᵀ + b); ∂z_j/∂x_i = z_j (1 − z_j) W_ji: for each unit j, square and sum over the"
        " inputs i, one value per example and unit, shape (N, K) (σ' is z(1 − z), not"
        " σ(z)(1 − σ(z)))",
        rtol=1e-5,
        atol=1e-8,
    ),
)
register(
    "vae-objective",
    Exercise(
        _vae_cases,
        "z = μ + σ·ε with σ = exp(½ log σ²); −log p(x|z) is the Bernoulli loss of"
        " decode_logits(z) against x, summed over pixels; KL = ½ Σ (μ² + σ² − 1 − log σ²); the"
        " mean over the batch of the reconstruction term plus β times the KL",
        rtol=1e-4,
        atol=1e-4,
    ),
)
