"""Variational autoencoders (MLP and convolutional), the ELBO with β, and a likelihood estimate.

A VAE's encoder gives, for each input, the mean μ and the log-variance log σ² of a Gaussian
q(z|x); a code is drawn as z = μ + σ·ε with ε ~ N(0, I) (the reparameterisation trick), and the
decoder gives Bernoulli pixel probabilities. `elbo(beta)` is the training objective for
`aeutils.fit(..., objective=...)`; `importance_nll` estimates -log p(x) (Burda et al., 2016).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import ContinuousBernoulli

from .models import ConvAutoencoder, MLPAutoencoder, evaluating
from .validation import (
    check_batch,
    check_choice,
    check_model_device,
    check_scalar,
    check_tensor,
)

LIKELIHOODS = ("bernoulli", "continuous_bernoulli")


class _VAE(nn.Module):
    """What both VAEs share: μ and log σ² heads, sampling and decoding; subclasses build `body`
    (input -> features) and `decoder` (z -> logits)."""

    latent_dim: int
    features: int  # values per input example

    def _heads(self, width: int) -> None:
        self.mu = nn.Linear(width, self.latent_dim)
        self.logvar = nn.Linear(width, self.latent_dim)

    def encode_distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """μ and log σ² of q(z|x), each of shape (N, latent_dim)."""
        h = self.body(check_batch(x, "x", self.features, type(self).__name__))
        return self.mu(h), self.logvar(h)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The mean code μ(x): what `aeutils.embed` returns for a VAE."""
        return self.encode_distribution(x)[0]

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """Flat pixel logits, shape (N, features), of codes z of shape (N, latent_dim)."""
        z = check_batch(z, "z", self.latent_dim, f"{type(self).__name__}.decode")
        return self.decoder(z).flatten(1)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Flat pixel probabilities in (0, 1) of codes z."""
        return torch.sigmoid(self.decode_logits(z))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction decoded from the mean code, shaped like x (deterministic)."""
        return self.decode(self.encode(x)).view_as(x)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """`n` new examples: z ~ N(0, I) decoded to pixel probabilities, flat, on the CPU."""
        n = check_scalar(n, "n (the number of samples)", numbers.Integral, min_val=1)
        device = check_model_device(self)
        z = torch.randn(n, self.latent_dim, generator=generator).to(device)
        with evaluating(self):
            return self.decode(z).cpu()


class MLPVAE(_VAE):
    """Fully connected VAE: `widths` from the input to the last hidden layer (ReLU), then μ and
    log σ² of size `latent_dim`; the decoder mirrors it and ends in pixel logits.

    `MLPVAE((784, 400), 20)` is the VAE of pytorch/examples' `vae/main.py`.
    """

    def __init__(self, widths: Sequence[int] = (784, 400), latent_dim: int = 20) -> None:
        super().__init__()
        if not isinstance(widths, Sequence) or len(widths) < 2:
            raise ValueError(
                f"widths must list the input and at least one hidden width, got {widths!r}"
            )
        widths = tuple(widths)
        # Reuse the MLP autoencoder's checks and layer stacks: widths + code, ReLU inside.
        plain = MLPAutoencoder(
            (*widths, latent_dim), latent_activation="relu", output_activation=None
        )
        self.widths, self.latent_dim, self.features = widths, latent_dim, widths[0]
        self.body = plain.encoder[:-2]  # without the last Linear (to the code) and its ReLU
        self._heads(widths[-1])
        self.decoder = plain.decoder


class ConvVAE(_VAE):
    """Convolutional VAE for square images: the encoder and decoder of `ConvAutoencoder`, with the
    code layer replaced by μ and log σ² heads and the output left as logits."""

    def __init__(
        self,
        latent_dim: int = 16,
        channels: Sequence[int] = (32, 64),
        image_size: int = 28,
        in_channels: int = 1,
    ) -> None:
        super().__init__()
        plain = ConvAutoencoder(
            latent_dim, channels, image_size, in_channels, output_activation=None
        )
        self.latent_dim, self.image_shape = latent_dim, plain.image_shape
        self.features = in_channels * image_size * image_size
        self.body = nn.Sequential(nn.Unflatten(1, plain.image_shape), *plain.encoder[:-1])
        self._heads(plain.encoder[-1].in_features)
        self.decoder = plain.decoder


def reparameterize(
    mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """z = μ + σ·ε with ε ~ N(0, I): a sample of q(z|x) through which gradients reach μ and σ."""
    eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype).to(mu.device)
    return mu + torch.exp(0.5 * logvar) * eps


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) || N(0, I)) per example, summed over the latent dimensions, in nats."""
    check_tensor(mu, "mu", ndim=2, dtype="floating")
    check_tensor(logvar, "logvar", ndim=2, dtype="floating")
    if mu.shape != logvar.shape:
        raise ValueError(
            f"mu and logvar must have the same shape (N, latent_dim), got {tuple(mu.shape)} and"
            f" {tuple(logvar.shape)}"
        )
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)


def log_likelihood(
    logits: torch.Tensor, x: torch.Tensor, likelihood: str = "bernoulli"
) -> torch.Tensor:
    """log p(x|z) per example, summed over pixels: Bernoulli (-BCE) or continuous Bernoulli.

    The continuous Bernoulli (Loaiza-Ganem & Cunningham, 2019) adds the normalising constant that
    makes the Bernoulli a proper density for grey levels in [0, 1].
    """
    check_choice(likelihood, "likelihood", LIKELIHOODS)
    check_tensor(logits, "logits", ndim=2, dtype="floating")
    check_tensor(x, "x", min_ndim=2, dtype="floating", value_range=(0.0, 1.0))
    if x.numel() != logits.numel():
        raise ValueError(
            f"x must hold one target per logit {tuple(logits.shape)}, got {tuple(x.shape)}"
        )
    x = x.reshape(logits.shape)
    if likelihood == "bernoulli":
        return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
    return ContinuousBernoulli(logits=logits).log_prob(x).sum(dim=1)


def elbo(beta: float = 1.0, likelihood: str = "bernoulli"):
    """The VAE objective for `fit(..., objective=...)`: mean over the batch of
    -log p(x|z) + β·KL(q(z|x) || N(0, I)), in nats per example (the negative ELBO when β = 1).

    It returns a dict: "loss" (what is minimised), "reconstruction" and "kl" (recorded by `fit`).
    """
    check_scalar(beta, "beta", min_val=0)
    check_choice(likelihood, "likelihood", LIKELIHOODS)

    def objective(model: _VAE, inputs: torch.Tensor, targets: torch.Tensor) -> dict:
        if not isinstance(model, _VAE):
            raise TypeError(f"elbo: model must be an MLPVAE or ConvVAE, got {type(model).__name__}")
        mu, logvar = model.encode_distribution(inputs)
        logits = model.decode_logits(reparameterize(mu, logvar))
        reconstruction = -log_likelihood(logits, targets, likelihood).mean()
        kl = kl_to_standard_normal(mu, logvar).mean()
        return {"loss": reconstruction + beta * kl, "reconstruction": reconstruction, "kl": kl}

    objective.__name__ = f"elbo_beta{beta:g}_{likelihood}"
    return objective


@torch.no_grad()
def importance_nll(
    model: _VAE,
    x: torch.Tensor,
    k: int = 5000,
    chunk: int = 500,
    generator: torch.Generator | None = None,
    likelihood: str = "bernoulli",
) -> torch.Tensor:
    """-log p(x) per example (nats), estimated with `k` importance samples from q(z|x):
    log p(x) ≈ logsumexp_i [log p(x|z_i) + log p(z_i) - log q(z_i|x)] - log k
    (Burda et al., 2016). `likelihood` is the one the model was trained with: "bernoulli" scores
    only binary x (binarise grey levels first), "continuous_bernoulli" scores x in [0, 1].
    Returns shape (N,), on the CPU.
    """
    if not isinstance(model, _VAE):
        raise TypeError(f"model must be an MLPVAE or ConvVAE, got {type(model).__name__}")
    k = check_scalar(k, "k (importance samples per example)", numbers.Integral, min_val=1)
    chunk = check_scalar(chunk, "chunk (samples per forward pass)", numbers.Integral, min_val=1)
    check_choice(likelihood, "likelihood", LIKELIHOODS)
    check_tensor(x, "x", min_ndim=1, finite=True)
    if likelihood == "bernoulli" and not bool(((x == 0) | (x == 1)).all()):
        raise ValueError(
            "likelihood='bernoulli' gives a probability only to binary images, but x has values"
            f" strictly between 0 and 1 (min {x.min().item():.3g}, max {x.max().item():.3g})."
            " Binarise it (aeutils.binarize) or score with the likelihood the model was trained"
            " with (likelihood='continuous_bernoulli')."
        )
    if likelihood == "continuous_bernoulli" and not bool(((x >= 0) & (x <= 1)).all()):
        raise ValueError("likelihood='continuous_bernoulli' needs x in [0, 1]")
    device = check_model_device(model)
    with evaluating(model):
        return _importance_nll(model, x, k, chunk, generator, likelihood, device)


def _importance_nll(model, x, k, chunk, generator, likelihood, device) -> torch.Tensor:
    out = []
    for example in x:
        example = example.reshape(1, -1).to(device)
        mu, logvar = model.encode_distribution(example)
        weights = []
        for start in range(0, k, chunk):
            n = min(chunk, k - start)
            eps = torch.randn(n, model.latent_dim, generator=generator).to(device)
            z = mu + torch.exp(0.5 * logvar) * eps
            log_px_z = log_likelihood(model.decode_logits(z), example.expand(n, -1), likelihood)
            log_pz = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(dim=1)
            log_qz = -0.5 * (eps.pow(2) + logvar + math.log(2 * math.pi)).sum(dim=1)
            weights.append(log_px_z + log_pz - log_qz)
        out.append(-(torch.logsumexp(torch.cat(weights), 0) - math.log(k)))
    return torch.stack(out).cpu()


def slerp(z1: torch.Tensor, z2: torch.Tensor, steps: int) -> torch.Tensor:
    """`steps` codes along the great-circle (spherical) interpolation from z1 to z2, ends included.

    sin((1 - t)θ)/sin θ · z1 + sin(tθ)/sin θ · z2 for t from 0 to 1, θ the angle between the two
    codes (vectors of shape (d,)); returns (steps, d). Between two draws of N(0, I) its midpoints
    keep the length of typical draws, where the straight line's midpoints are shorter.
    """
    check_tensor(z1, "z1", ndim=1, dtype="floating", where="slerp")
    check_tensor(z2, "z2", ndim=1, dtype="floating", where="slerp")
    steps = check_scalar(steps, "steps (both ends included)", numbers.Integral, min_val=2)
    if z1.shape != z2.shape:
        raise ValueError(f"z2 must have the shape of z1 {tuple(z1.shape)}, got {tuple(z2.shape)}")
    cos = torch.dot(z1, z2) / (z1.norm() * z2.norm())
    theta = torch.arccos(cos.clamp(-1, 1))
    t = torch.linspace(0, 1, steps, dtype=z1.dtype, device=z1.device)[:, None]
    return (torch.sin((1 - t) * theta) * z1 + torch.sin(t * theta) * z2) / torch.sin(theta)
