"""Chapters 7 and 8: the exercise references agree with the maths, and the checks catch mistakes."""

import math

import numpy as np
import torch
from scipy import stats

from aeutils import exercises
from instructor.references import ch07, ch08


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


def test_laplace_draw_is_the_inverse_cdf_of_the_laplace_distribution():
    u = torch.linspace(0.001, 0.999, 999, dtype=torch.float64)
    mu, log_b = (
        torch.tensor(1.5, dtype=torch.float64),
        torch.tensor(math.log(0.7), dtype=torch.float64),
    )
    z = ch08.laplace_draw(mu, log_b, u)
    assert torch.allclose(z, torch.from_numpy(stats.laplace.ppf(u.numpy(), loc=1.5, scale=0.7)))
    assert bool((z.diff() > 0).all()) and ch08.laplace_draw(mu, log_b, torch.tensor(0.5)) == mu


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


def test_class_spread_is_the_entropy_of_the_label_shares_in_bits():
    assert ch08.class_spread(torch.full((9,), 4)) == 0.0
    assert math.isclose(ch08.class_spread(torch.arange(10).repeat(3)), math.log2(10), rel_tol=1e-6)
    assert math.isclose(
        ch08.class_spread(torch.tensor([2, 2, 2, 5])), stats.entropy([3, 1], base=2), rel_tol=1e-6
    )


def test_the_class_spread_check_names_nats_and_accepts_scipy(capsys):
    def in_nats(labels):
        return stats.entropy(torch.bincount(labels).numpy())

    assert not exercises.check("class-spread", in_nats)
    assert "diagnosis: natural logarithms give nats: use log2 for bits" in capsys.readouterr().out
    assert exercises.check(
        "class-spread", lambda labels: stats.entropy(torch.bincount(labels), base=2)
    )
