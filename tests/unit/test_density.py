"""aeutils.density: densities fitted to codes recover known distributions and sample from them."""

import math

import numpy as np
import pytest
import torch
from scipy import stats

from aeutils.density import fit_density, nearest_code


def normal_codes(n, mean, std, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.tensor(mean) + torch.tensor(std) * torch.randn(n, len(mean), generator=g)


def two_clusters(n_per_cluster=500, seed=0):
    g = torch.Generator().manual_seed(seed)
    left = torch.tensor([-5.0, 0.0]) + 0.5 * torch.randn(n_per_cluster, 2, generator=g)
    right = torch.tensor([5.0, 2.0]) + 0.5 * torch.randn(n_per_cluster, 2, generator=g)
    return torch.cat([left, right])


def test_gaussian_fit_recovers_mean_and_std_within_sampling_error():
    n, mean, std = 4000, [1.0, -2.0, 0.0], [0.5, 3.0, 1.0]
    density = fit_density(normal_codes(n, mean, std), "gaussian")
    # standard errors: std / sqrt(n) for the mean, about std / sqrt(2n) for the std; allow 4 of them
    for d in range(3):
        assert abs(density.mean[d] - mean[d]) < 4 * std[d] / math.sqrt(n)
        assert abs(density.std[d] - std[d]) < 4 * std[d] / math.sqrt(2 * n)


def test_gaussian_fit_is_the_mean_and_population_std_of_the_codes():
    codes = normal_codes(50, [0.0, 10.0], [1.0, 2.0])
    density = fit_density(codes, "gaussian")
    assert torch.allclose(density.mean, codes.double().mean(dim=0))
    # plus scikit-learn's reg_covar = 1e-6 on each variance
    expected = (codes.double().var(dim=0, unbiased=False) + 1e-6).sqrt()
    assert torch.allclose(density.std, expected)


def test_gaussian_log_density_is_the_sum_of_per_dimension_normal_log_densities():
    codes = normal_codes(200, [1.0, -1.0], [2.0, 0.5])
    density = fit_density(codes, "gaussian")
    z = torch.tensor([[0.0, 0.0], [1.0, -1.0], [5.0, 2.0]])
    mean, std = density.mean.numpy(), density.std.numpy()
    expected = stats.norm.logpdf(z.numpy(), mean, std).sum(axis=1)
    assert np.allclose(density.log_density(z).numpy(), expected)


def test_gaussian_samples_follow_the_fitted_distribution():
    density = fit_density(normal_codes(1000, [3.0, -3.0], [1.0, 0.2]), "gaussian")
    n = 20_000
    z = density.sample(n, seed=0)
    assert z.shape == (n, 2) and z.dtype == torch.float32
    spread = density.std.float()
    assert torch.all((z.mean(dim=0) - density.mean.float()).abs() < 4 * spread / math.sqrt(n))
    assert torch.all((z.std(dim=0) - spread).abs() < 4 * spread / math.sqrt(2 * n))


@pytest.mark.parametrize("kind", ["gaussian", "gmm", "kde"])
def test_the_same_seed_gives_the_same_codes_and_another_seed_others(kind):
    density = fit_density(two_clusters(), kind, **({"n_components": 2} if kind == "gmm" else {}))
    assert torch.equal(density.sample(30, seed=1), density.sample(30, seed=1))
    assert not torch.equal(density.sample(30, seed=1), density.sample(30, seed=2))
    a = density.sample(30, torch.Generator().manual_seed(7))
    b = density.sample(30, torch.Generator().manual_seed(7))
    assert torch.equal(a, b)


def test_gmm_recovers_two_well_separated_clusters():
    density = fit_density(two_clusters(), "gmm", n_components=2)
    means = density.estimator.means_[np.argsort(density.estimator.means_[:, 0])]
    assert np.allclose(means, [[-5.0, 0.0], [5.0, 2.0]], atol=0.1)  # 4 standard errors: 0.09
    assert np.allclose(density.estimator.weights_, 0.5, atol=1e-6)


def test_gmm_samples_fall_in_both_clusters_in_random_order():
    density = fit_density(two_clusters(), "gmm", n_components=2)
    z = density.sample(2000, seed=0)
    right = z[:, 0] > 0
    # Binomial(2000, 0.5): standard deviation 0.011 of the share; allow 4 of them
    assert abs(right.float().mean().item() - 0.5) < 0.045
    assert abs(right[:100].float().mean().item() - 0.5) < 0.25  # not grouped by component
    nearest = torch.minimum(
        (z - torch.tensor([-5.0, 0.0])).norm(dim=1), (z - torch.tensor([5.0, 2.0])).norm(dim=1)
    )
    assert nearest.max() < 3.0  # 0.5 per axis: 3.0 is 6 standard deviations


def test_gmm_log_density_is_higher_at_a_cluster_than_between_them():
    density = fit_density(two_clusters(), "gmm", n_components=2)
    scores = density.log_density(torch.tensor([[-5.0, 0.0], [0.0, 1.0]]))
    assert scores[0] > scores[1] + 10


def test_kde_samples_lie_near_the_data():
    codes = two_clusters(200)
    density = fit_density(codes, "kde", bandwidth=0.05)
    z = density.sample(500, seed=0)
    # each sample is a code plus kernel noise of 0.05 standard deviations per dimension
    distance = torch.cdist(z, codes).min(dim=1).values
    kernel = 0.05 * codes.std(dim=0, unbiased=False)
    assert distance.max() < 6 * kernel.norm()


def test_kde_log_density_matches_the_formula_with_per_dimension_widths():
    codes = torch.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, -1.0]])
    h = 0.7
    density = fit_density(codes, "kde", bandwidth=h)
    width = h * codes.double().std(dim=0, unbiased=False).numpy()
    z = np.array([[0.5, 0.5], [3.0, -1.0]])
    kernels = stats.norm.logpdf(z[:, None, :], codes.numpy()[None], width).sum(axis=2)
    expected = np.log(np.exp(kernels).mean(axis=1))
    assert np.allclose(density.log_density(z).numpy(), expected)


def test_default_kde_bandwidth_is_scotts_rule():
    codes = normal_codes(1000, [0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    density = fit_density(codes, "kde")
    assert math.isclose(density.estimator.bandwidth_, 1000 ** (-1 / 7))


@pytest.mark.parametrize(
    ("codes", "kind", "options", "error", "message"),
    [
        (torch.zeros(5, 2), "normal", {}, ValueError, "kind must be one of"),
        (torch.zeros(5), "gaussian", {}, ValueError, r"codes must have shape \(N, d\)"),
        ([[0.0, 1.0]], "gaussian", {}, TypeError, "codes must be a torch.Tensor or a NumPy array"),
        (torch.tensor([[0.0, float("nan")]] * 3), "gmm", {}, ValueError, "codes must be finite"),
        (torch.rand(1, 2), "gaussian", {}, ValueError, "needs at least 2 codes, got 1"),
        (torch.rand(5, 2), "gmm", {}, ValueError, "10 components needs at least 10 codes, got 5"),
        (
            torch.rand(20, 2),
            "gmm",
            {"n_components": 0},
            ValueError,
            "n_components must be a positive int, got 0",
        ),
        (torch.rand(5, 2), "gaussian", {"bandwidth": 1}, TypeError, "takes no options"),
        (
            torch.rand(5, 2),
            "kde",
            {"bandwidth": -1.0},
            ValueError,
            r"bandwidth must be a positive float, got -1.0 \(float\)",
        ),
        (torch.rand(5, 2), "kde", {"kernel": "cosine"}, ValueError, "kernel must be 'gaussian'"),
        (torch.ones(5, 2), "kde", {}, ValueError, "2 constant dimension"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_it(codes, kind, options, error, message):
    with pytest.raises(error, match=message):
        fit_density(codes, kind, **options)


def test_bad_sample_and_score_arguments_are_rejected():
    density = fit_density(torch.rand(20, 3), "gaussian")
    with pytest.raises(ValueError, match="n .* must be a positive int, got 0"):
        density.sample(0)
    with pytest.raises(
        ValueError,
        match=r"seed \(or a torch.Generator, or None\) must be a non-negative int, got -1",
    ):
        density.sample(5, seed=-1)
    assert density.sample(np.int64(2), seed=np.int64(1)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"z must have 3 numbers per code .* got \(4, 2\)"):
        density.log_density(torch.zeros(4, 2))
    with pytest.raises(AttributeError, match="kind='gaussian' only"):
        _ = fit_density(torch.rand(20, 3), "kde").mean


def test_nearest_code_matches_the_full_distance_matrix():
    g = torch.Generator().manual_seed(0)
    codes, points = torch.randn(300, 5, generator=g), torch.randn(40, 5, generator=g)
    expected, expected_index = torch.cdist(points, codes).min(dim=1)
    distance, index = nearest_code(points, codes)
    assert distance.dtype == torch.float32 and index.dtype == torch.int64
    assert torch.allclose(distance, expected, atol=1e-5)
    assert torch.equal(index, expected_index)
    with pytest.raises(ValueError, match="points must have 5 numbers per code"):
        nearest_code(torch.zeros(3, 4), codes)
