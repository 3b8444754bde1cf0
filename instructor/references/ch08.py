"""Chapter 8: reference solutions and known mistakes.

The reparameterisation trick, the KL between diagonal Gaussians, slerp.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """A draw of N(mu, exp(logvar)) from standard normal noise `eps`: mu + exp(logvar / 2) * eps."""
    return mu + torch.exp(0.5 * logvar) * eps


def kl_diagonal_gaussians(
    mu1: torch.Tensor, logvar1: torch.Tensor, mu2: torch.Tensor, logvar2: torch.Tensor
) -> torch.Tensor:
    """KL(N(mu1, diag e^logvar1) || N(mu2, diag e^logvar2)) per row, in nats, shape (N,)."""
    ratio = torch.exp(logvar1 - logvar2)
    return 0.5 * (ratio + (mu1 - mu2).pow(2) / torch.exp(logvar2) - 1 - (logvar1 - logvar2)).sum(
        dim=1
    )


def slerp(z1: torch.Tensor, z2: torch.Tensor, steps: int) -> torch.Tensor:
    """`steps` codes along the spherical interpolation from z1 to z2 (both ends included):
    sin((1 - t)θ)/sin θ · z1 + sin(tθ)/sin θ · z2, θ the angle between z1 and z2."""
    cos = torch.dot(z1, z2) / (z1.norm() * z2.norm())
    theta = torch.arccos(cos.clamp(-1, 1))
    t = torch.linspace(0, 1, steps, dtype=z1.dtype)[:, None]
    return (torch.sin((1 - t) * theta) * z1 + torch.sin(t * theta) * z2) / torch.sin(theta)


REFERENCES = {
    "reparameterize": reparameterize,
    "kl-diagonal-gaussians": kl_diagonal_gaussians,
    "slerp": slerp,
}


def _variance_not_std(mu, logvar, eps):
    return mu + torch.exp(logvar) * eps


def _logvar_as_std(mu, logvar, eps):
    return mu + logvar * eps


def _swapped(mu1, logvar1, mu2, logvar2):
    return kl_diagonal_gaussians(mu2, logvar2, mu1, logvar1)


def _not_summed(mu1, logvar1, mu2, logvar2):
    var1, var2 = logvar1.exp(), logvar2.exp()
    return 0.5 * ((var1 + (mu1 - mu2) ** 2) / var2 - 1 + logvar2 - logvar1).mean(dim=1)


def _linear(z1, z2, steps):
    t = torch.linspace(0, 1, steps)[:, None]
    return (1 - t) * z1 + t * z2


def _angle_of_unnormalised(z1, z2, steps):
    theta = torch.arccos((torch.dot(z1, z2)).clamp(-1, 1))
    t = torch.linspace(0, 1, steps)[:, None]
    return (torch.sin((1 - t) * theta) * z1 + torch.sin(t * theta) * z2) / torch.sin(theta)


MISTAKES = {
    "reparameterize": [
        ("exp(logvar) is the variance σ², not σ: σ = exp(logvar / 2)", _variance_not_std),
        ("log-variance used as σ", _logvar_as_std),
    ],
    "kl-diagonal-gaussians": [
        ("arguments swapped: the KL is not symmetric", _swapped),
        ("the mean over the dimensions: the KL sums over them", _not_summed),
    ],
    "slerp": [
        ("the straight line (lerp): slerp follows the arc", _linear),
        ("θ from unnormalised vectors: divide z1 · z2 by |z1| |z2|", _angle_of_unnormalised),
    ],
}
