import math

import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter

from aeutils import metrics


def noisy_pair(n=3, side=16, noise=0.1, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((n, side, side))
    return images, np.clip(images + noise * rng.standard_normal(images.shape), 0, 1)


def test_psnr_of_identical_images_is_infinite():
    images, _ = noisy_pair()
    assert np.all(np.isinf(metrics.psnr(images, images)))


def test_psnr_matches_its_definition_per_image():
    images, recons = noisy_pair()
    values = metrics.psnr(images, recons)
    mse = ((images - recons) ** 2).mean(axis=(1, 2))
    assert values.shape == (3,)
    for value, error in zip(values, mse, strict=True):
        assert abs(value - 10 * math.log10(1 / error)) < 1e-9


def test_psnr_scales_with_data_range():
    images, recons = noisy_pair()
    scaled = metrics.psnr(255 * images, 255 * recons, data_range=255)
    assert np.allclose(scaled, metrics.psnr(images, recons), rtol=0, atol=1e-9)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
def test_metrics_accept_tensors_channel_and_flat_layouts(metric):
    images, recons = noisy_pair()
    expected = metric(images, recons)
    as_tensors = torch.from_numpy(images).unsqueeze(1), torch.from_numpy(recons).unsqueeze(1)
    assert np.array_equal(metric(*as_tensors), expected)
    assert np.array_equal(metric(images.reshape(3, 256), recons.reshape(3, 256)), expected)


def test_ssim_of_identical_images_is_one():
    images, _ = noisy_pair()
    assert np.allclose(metrics.ssim(images, images), 1.0, rtol=0, atol=1e-12)


def wang_ssim(a: np.ndarray, b: np.ndarray, data_range: float = 1.0) -> float:
    """SSIM as Wang et al. (2004) define it: 11x11 Gaussian window (sigma 1.5), K1 0.01, K2 0.03."""
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2

    def blur(image):
        return gaussian_filter(image, sigma=1.5, truncate=3.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a, var_b, cov = blur(a * a) - mu_a**2, blur(b * b) - mu_b**2, blur(a * b) - mu_a * mu_b
    s = (2 * mu_a * mu_b + c1) * (2 * cov + c2) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return s[5:-5, 5:-5].mean()  # only where the whole window lies inside the image


def test_ssim_follows_wang_et_al():
    images, recons = noisy_pair()
    expected = [wang_ssim(a, b) for a, b in zip(images, recons, strict=True)]
    assert np.allclose(metrics.ssim(images, recons), expected, rtol=0, atol=1e-12)


def test_ssim_falls_as_noise_grows():
    images, slightly = noisy_pair(noise=0.05)
    _, very = noisy_pair(noise=0.3)
    mild, strong = metrics.ssim(images, slightly), metrics.ssim(images, very)
    assert np.all(strong < mild) and np.all(mild < 1)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
@pytest.mark.parametrize("bad", [0, -1.0, float("nan")])
def test_metrics_reject_bad_data_range(metric, bad):
    images, _ = noisy_pair()
    with pytest.raises(ValueError, match=f"data_range must be a positive float, got {bad!r}"):
        metric(images, images, data_range=bad)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
@pytest.mark.parametrize(
    ("images", "error", "message"),
    [
        (torch.full((2, 4, 4), float("nan")), ValueError, "images must be finite, got 32 NaN"),
        (
            torch.zeros(0, 4, 4),
            ValueError,
            r"images must hold at least one image, got shape \(0, 4, 4\)",
        ),
        (
            torch.full((2, 16), 255.0).index_fill(1, torch.tensor([0]), 0),
            ValueError,
            r"images span values from 0 to 255, more than data_range = 1; scale them",
        ),
        ([[0.0] * 16], TypeError, r"images must be a torch.Tensor or a NumPy array, got \[\[0.0"),
    ],
)
def test_metrics_reject_nan_empty_and_unscaled_images(metric, images, error, message):
    with pytest.raises(error, match=message):
        metric(images, images)


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
def test_metrics_reject_a_data_range_of_the_wrong_type(metric):
    images, _ = noisy_pair()
    with pytest.raises(TypeError, match=r"data_range must be a positive float, got '1' \(str\)"):
        metric(images, images, data_range="1")


@pytest.mark.parametrize("metric", [metrics.psnr, metrics.ssim])
def test_metrics_reject_mismatched_shapes(metric):
    images, _ = noisy_pair()
    with pytest.raises(ValueError, match=r"differ in shape: \(3, 16, 16\) vs \(2, 16, 16\)"):
        metric(images, images[:2])


def test_metrics_reject_non_square_flat_images():
    flat = np.zeros((2, 10))
    with pytest.raises(ValueError, match=r"images: flat images must have a square .*\(2, 10\)"):
        metrics.psnr(flat, flat)


def test_metrics_reject_other_layouts():
    colour = np.zeros((2, 3, 16, 16))
    with pytest.raises(ValueError, match=r"images: expected images shaped .*got \(2, 3, 16, 16\)"):
        metrics.ssim(colour, colour)
