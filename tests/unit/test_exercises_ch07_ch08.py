"""Chapters 7 and 8: the exercise references agree with the maths, and the checks catch mistakes."""

import math
import re

import numpy as np
import pytest
import torch
from scipy import stats

from aeutils import exercises
from aeutils.exercises import ch07, ch08


def test_hole_share_of_a_configuration_worked_out_by_hand():
    train = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    test = torch.tensor([[1.0, 0.0], [0.0, 2.0]])  # nearest distances 1 and 2
    points = torch.tensor([[0.0, 3.0], [9.0, 0.0], [5.0, 0.0], [10.0, 1.5]])  # 3, 1, 5, 1.5
    assert ch07.hole_share(points, train, test, 1.0) == 0.5  # threshold 2: two points farther
    assert ch07.hole_share(points, train, test, 0.0) == 0.75  # threshold 1: three points farther


def test_gaussian_fit_is_the_maximum_likelihood_normal_per_dimension():
    codes = torch.randn(7, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    fitted = ch07.gaussian_fit(codes)
    assert fitted.shape == (2, 3)
    assert np.allclose(fitted[0].numpy(), codes.numpy().mean(axis=0))
    assert np.allclose(fitted[1].numpy(), codes.numpy().std(axis=0, ddof=0))


def test_log_prior_is_the_standard_normal_log_density():
    z = 3 * torch.randn(5, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    expected = stats.multivariate_normal(np.zeros(4), np.eye(4)).logpdf(z.numpy())
    assert np.allclose(ch07.log_prior(z).numpy(), expected)


def test_reparameterize_scales_and_shifts_the_noise():
    mu, logvar = torch.tensor([[1.0, -2.0]]), torch.tensor([[math.log(4.0), 0.0]])
    eps = torch.tensor([[0.5, -1.0]])
    assert torch.allclose(ch08.reparameterize(mu, logvar, eps), torch.tensor([[2.0, -3.0]]))


def test_kl_diagonal_gaussians_agrees_with_torch_distributions():
    g = torch.Generator().manual_seed(0)
    mu1, logvar1, mu2, logvar2 = (
        torch.randn(6, 3, generator=g, dtype=torch.float64) for _ in "abcd"
    )
    p = torch.distributions.Normal(mu1, (0.5 * logvar1).exp())
    q = torch.distributions.Normal(mu2, (0.5 * logvar2).exp())
    expected = torch.distributions.kl_divergence(p, q).sum(dim=1)
    assert torch.allclose(ch08.kl_diagonal_gaussians(mu1, logvar1, mu2, logvar2), expected)
    same = ch08.kl_diagonal_gaussians(mu1, logvar1, mu1, logvar1)
    assert torch.allclose(same, torch.zeros(6, dtype=torch.float64))


def test_slerp_runs_along_the_arc_between_the_ends():
    e1, e2 = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])
    path = ch08.slerp(e1, e2, 5)
    assert torch.allclose(path[0], e1, atol=1e-6) and torch.allclose(path[-1], e2, atol=1e-6)
    assert torch.allclose(path.norm(dim=1), torch.ones(5), atol=1e-6)  # stays on the unit circle
    assert torch.allclose(path[2], (e1 + e2) / math.sqrt(2), atol=1e-6)


def wrong_answers():
    def quantile_of_points(points, train_codes, test_codes, q):
        distance = torch.cdist(points, train_codes).min(dim=1).values
        return (distance > torch.quantile(distance, q)).float().mean().item()

    def mean_distance(points, train_codes, test_codes, q):
        yardstick = torch.cdist(test_codes, train_codes).min(dim=1).values
        distance = torch.cdist(points, train_codes).mean(dim=1)
        return (distance > torch.quantile(yardstick, q)).float().mean().item()

    def unbiased_std(codes):
        return torch.stack([codes.mean(dim=0), codes.std(dim=0)])

    def per_code(codes):
        return torch.stack([codes.mean(dim=1), codes.std(dim=1, correction=0)])

    def variance(codes):
        return torch.stack([codes.mean(dim=0), codes.var(dim=0, correction=0)])

    def constant_once(z):
        return -0.5 * (z.pow(2).sum(dim=1) + math.log(2 * math.pi))

    def not_halved(z):
        return -(z.pow(2).sum(dim=1) + z.shape[1] * math.log(2 * math.pi))

    def variance_not_std(mu, logvar, eps):
        return mu + torch.exp(logvar) * eps

    def logvar_as_std(mu, logvar, eps):
        return mu + logvar * eps

    def swapped(mu1, logvar1, mu2, logvar2):
        return ch08.kl_diagonal_gaussians(mu2, logvar2, mu1, logvar1)

    def not_summed(mu1, logvar1, mu2, logvar2):
        var1, var2 = logvar1.exp(), logvar2.exp()
        return 0.5 * ((var1 + (mu1 - mu2) ** 2) / var2 - 1 + logvar2 - logvar1).mean(dim=1)

    def linear(z1, z2, steps):
        t = torch.linspace(0, 1, steps)[:, None]
        return (1 - t) * z1 + t * z2

    def angle_of_unnormalised(z1, z2, steps):
        theta = torch.arccos((torch.dot(z1, z2)).clamp(-1, 1))
        t = torch.linspace(0, 1, steps)[:, None]
        return (torch.sin((1 - t) * theta) * z1 + torch.sin(t * theta) * z2) / torch.sin(theta)

    return [
        ("hole-share", quantile_of_points),
        ("hole-share", mean_distance),
        ("gaussian-fit", unbiased_std),
        ("gaussian-fit", per_code),
        ("gaussian-fit", variance),
        ("log-prior", constant_once),
        ("log-prior", not_halved),
        ("reparameterize", variance_not_std),
        ("reparameterize", logvar_as_std),
        ("kl-diagonal-gaussians", swapped),
        ("kl-diagonal-gaussians", not_summed),
        ("slerp", linear),
        ("slerp", angle_of_unnormalised),
    ]


@pytest.mark.parametrize(
    ("name", "answer"), wrong_answers(), ids=lambda v: getattr(v, "__name__", v)
)
def test_typical_mistakes_fail_the_check(name, answer, capsys):
    assert not exercises.check(name, answer)
    out = capsys.readouterr().out
    # caught by comparing its result (not by crashing, which also prints ✗), with the hint
    assert re.search(r"^✗ .* (returned|values differ)", out, re.MULTILINE), out
    assert " raised " not in out and "\n  hint: " in out


def test_the_slerp_check_accepts_an_answer_through_unit_vectors(capsys):
    def via_unit_vectors(z1, z2, steps):
        u1, u2 = z1 / z1.norm(), z2 / z2.norm()
        theta = torch.arccos((u1 @ u2).clamp(-1, 1))
        t = torch.linspace(0, 1, steps).unsqueeze(1)
        weights1 = torch.sin((1 - t) * theta) / torch.sin(theta)
        weights2 = torch.sin(t * theta) / torch.sin(theta)
        return weights1 * z1 + weights2 * z2

    assert exercises.check("slerp", via_unit_vectors)
