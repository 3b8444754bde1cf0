import pytest
import torch

from aeutils.noise import gaussian_noise, masking_noise


def test_gaussian_noise_has_the_requested_spread_and_stays_in_range():
    x = torch.full((200, 784), 0.5)
    noisy = gaussian_noise(0.1)(x, torch.Generator().manual_seed(0))
    assert noisy.min() >= 0 and noisy.max() <= 1
    assert abs((noisy - x).std().item() - 0.1) < 0.005


def test_gaussian_noise_without_clipping_leaves_the_range():
    x = torch.zeros(1000)
    assert gaussian_noise(0.5, clip=False)(x, torch.Generator().manual_seed(0)).min() < 0


def test_same_seed_same_noise_and_input_untouched():
    x = torch.rand(10, 5)
    before = x.clone()
    a = gaussian_noise(0.3)(x, torch.Generator().manual_seed(3))
    b = gaussian_noise(0.3)(x, torch.Generator().manual_seed(3))
    assert torch.equal(a, b) and torch.equal(x, before)


def test_masking_noise_zeroes_about_the_requested_fraction_and_nothing_else():
    x = torch.rand(100, 784) + 0.5  # no zeros before
    masked = masking_noise(0.25)(x, torch.Generator().manual_seed(0))
    zeroed = masked == 0
    assert abs(zeroed.float().mean().item() - 0.25) < 0.01
    assert torch.equal(masked[~zeroed], x[~zeroed])


@pytest.mark.parametrize(
    ("factory", "bad", "error", "message"),
    [
        (gaussian_noise, -0.1, ValueError, "sigma must be a non-negative float, got -0.1"),
        (gaussian_noise, float("inf"), ValueError, "sigma must be a non-negative float, got inf"),
        (
            gaussian_noise,
            "0.3",
            TypeError,
            r"sigma must be a non-negative float, got '0.3' \(str\)",
        ),
        (
            masking_noise,
            1.0,
            ValueError,
            r"p \(a probability\) must be a float in \[0, 1\), got 1.0",
        ),
        (
            masking_noise,
            -0.5,
            ValueError,
            r"p \(a probability\) must be a float in \[0, 1\), got -0.5",
        ),
    ],
)
def test_bad_noise_levels_are_rejected(factory, bad, error, message):
    with pytest.raises(error, match=message):
        factory(bad)


@pytest.mark.parametrize("corrupt", [gaussian_noise(0.1), masking_noise(0.5)])
def test_noise_on_an_integer_tensor_names_the_conversion(corrupt):
    message = r"x must be a floating-point tensor, got torch.uint8; 8-bit .*x.float\(\) / 255"
    with pytest.raises(TypeError, match=corrupt.__name__ + ": " + message):
        corrupt(torch.zeros(2, 4, dtype=torch.uint8))
