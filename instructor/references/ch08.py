"""Chapter 8: reference solutions and known mistakes.

The reparameterisation trick, the KL between diagonal Gaussians, the spread of classes.

Instructor side: not installed with aeutils. After editing, regenerate the stored outputs with
`python tools/exercise_data.py` (see CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import torch


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """A draw of N(mu, exp(logvar)) from standard normal noise `eps`: mu + exp(logvar / 2) * eps."""
    return mu + torch.exp(0.5 * logvar) * eps


def laplace_draw(mu: torch.Tensor, log_b: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """A draw of Laplace(mu, exp(log_b)) from uniform noise `u` in (0, 1): the inverse of the
    CDF, F(z) = ½·exp((z - mu)/b) below mu and 1 - ½·exp(-(z - mu)/b) above it."""
    centred = u - 0.5
    return mu - torch.exp(log_b) * torch.sign(centred) * torch.log1p(-2 * centred.abs())


def kl_diagonal_gaussians(
    mu1: torch.Tensor, logvar1: torch.Tensor, mu2: torch.Tensor, logvar2: torch.Tensor
) -> torch.Tensor:
    """KL(N(mu1, diag e^logvar1) || N(mu2, diag e^logvar2)) per row, in nats, shape (N,)."""
    ratio = torch.exp(logvar1 - logvar2)
    return 0.5 * (ratio + (mu1 - mu2).pow(2) / torch.exp(logvar2) - 1 - (logvar1 - logvar2)).sum(
        dim=1
    )


def class_spread(labels: torch.Tensor) -> float:
    """How evenly `labels` (digits 0-9) cover the ten classes: the entropy of their shares, in
    bits (0 for one digit only, log2(10) for all ten equally often)."""
    shares = torch.bincount(labels, minlength=10) / len(labels)
    shares = shares[shares > 0]
    return float(-(shares * shares.log2()).sum()) + 0.0  # not -0.0


REFERENCES = {
    "reparameterize": reparameterize,
    "laplace-draw": laplace_draw,
    "kl-diagonal-gaussians": kl_diagonal_gaussians,
    "class-spread": class_spread,
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


def _in_nats(labels):
    shares = torch.bincount(labels, minlength=10) / len(labels)
    shares = shares[shares > 0]
    return float(-(shares * shares.log()).sum())


def _counts_not_shares(labels):
    counts = torch.bincount(labels, minlength=10).float()
    counts = counts[counts > 0]
    return float(-(counts * counts.log2()).sum())


def _absent_digits_kept(labels):
    shares = torch.bincount(labels, minlength=10) / len(labels)
    return float(-(shares * shares.log2()).sum())


def _log_b_as_b(mu, log_b, u):
    return mu - log_b * torch.sign(u - 0.5) * torch.log1p(-2 * (u - 0.5).abs())


def _decreasing(mu, log_b, u):
    return laplace_draw(mu, log_b, 1 - u)


def _lower_half_only(mu, log_b, u):
    return mu + torch.exp(log_b) * torch.log(2 * u)


def _exponential_draw(mu, log_b, u):
    return mu - torch.exp(log_b) * torch.log1p(-u)


MISTAKES = {
    "reparameterize": [
        ("exp(logvar) is the variance σ², not σ: σ = exp(logvar / 2)", _variance_not_std),
        ("log-variance used as σ", _logvar_as_std),
    ],
    "laplace-draw": [
        ("log_b used as b: the scale is b = exp(log_b)", _log_b_as_b),
        (
            "a valid Laplace draw, but decreasing in u: the exercise asks for the inverse CDF,"
            " which increases with u",
            _decreasing,
        ),
        (
            "the lower half's inverse, ln(2u), used for every u: above the median it is wrong",
            _lower_half_only,
        ),
        ("an exponential draw shifted by μ: the Laplace density has two sides", _exponential_draw),
    ],
    "kl-diagonal-gaussians": [
        ("arguments swapped: the KL is not symmetric", _swapped),
        ("the mean over the dimensions: the KL sums over them", _not_summed),
    ],
    "class-spread": [
        ("natural logarithms give nats: use log2 for bits", _in_nats),
        ("counts instead of shares: divide by the number of labels", _counts_not_shares),
        ("0 · log 0 gave NaN: leave out the digits that never occur", _absent_digits_kept),
    ],
}
