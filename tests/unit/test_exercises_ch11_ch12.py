"""Chapters 11 and 12: the exercise references agree with the maths; the checks catch mistakes."""

import math

import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from aeutils import exercises, metrics
from instructor.references import ch11, ch12


def ink(n=3, side=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, side, side, generator=g)
    return x * (torch.rand(n, 1, side, side, generator=g) < 0.3)


def test_shift_psnr_is_the_psnr_of_the_shifted_image():
    x = ink()
    for shift in (1, 2, 5):
        moved = torch.zeros_like(x)
        moved[..., shift:] = x[..., :-shift]
        expected = metrics.psnr(x, moved)
        assert np.allclose(ch11.shift_psnr(x, shift).numpy(), expected, rtol=0, atol=1e-4)


def test_shift_psnr_of_a_vertical_bar_follows_from_counting_pixels():
    x = torch.zeros(1, 1, 10, 10)
    x[..., 4] = 1.0  # a one-pixel bar: moved by one, 20 of 100 pixels differ by 1
    assert math.isclose(ch11.shift_psnr(x, 1).item(), 10 * math.log10(100 / 20), rel_tol=1e-6)


def test_ink_psnr_uses_only_the_pixels_where_the_original_has_ink():
    x = torch.zeros(1, 1, 4, 4)
    x[0, 0, 1, 1:3] = 1.0  # two ink pixels
    x_hat = torch.full_like(x, 0.5)  # errors 0.25 everywhere
    x_hat[0, 0, 1, 1] = 0.9  # ink errors: 0.01 and 0.25
    assert math.isclose(ch11.ink_psnr(x, x_hat).item(), 10 * math.log10(1 / 0.13), rel_tol=1e-6)
    # background errors do not count: changing them changes nothing
    x_hat[0, 0, 3, 3] = 1.0
    assert math.isclose(ch11.ink_psnr(x, x_hat).item(), 10 * math.log10(1 / 0.13), rel_tol=1e-6)


@pytest.mark.parametrize("side", [7, 9])
def test_global_ssim_is_scikit_image_ssim_with_one_window_the_size_of_the_image(side):
    g = torch.Generator().manual_seed(side)
    x = torch.rand(3, 1, side, side, generator=g, dtype=torch.float64)
    y = (x + 0.2 * torch.randn(x.shape, generator=g, dtype=torch.float64)).clamp(0, 1)
    ours = ch11.global_ssim(x, y)
    for a, b, value in zip(x, y, ours, strict=True):
        # with win_size = side only the centre pixel keeps a whole window: the global SSIM
        expected = structural_similarity(
            a[0].numpy(), b[0].numpy(), win_size=side, data_range=1.0, use_sample_covariance=False
        )
        assert math.isclose(value.item(), expected, rel_tol=1e-9)


def test_global_ssim_of_identical_images_is_one_and_of_a_dimmer_copy_less():
    x = ink(seed=1)
    assert torch.allclose(ch11.global_ssim(x, x), torch.ones(3), atol=1e-6)
    assert torch.all(ch11.global_ssim(x, 0.5 * x) < 0.95)


def test_patchify_agrees_with_unfold():
    g = torch.Generator().manual_seed(0)
    for shape, patch in (((2, 1, 28, 28), 7), ((1, 3, 6, 9), 3)):
        x = torch.rand(shape, generator=g)
        expected = torch.nn.functional.unfold(x, patch, stride=patch).transpose(1, 2)
        assert torch.equal(ch12.patchify(x, patch), expected)


def test_unpatchify_undoes_patchify_and_agrees_with_fold():
    g = torch.Generator().manual_seed(0)
    for shape, patch in (((2, 1, 28, 28), 7), ((1, 3, 6, 9), 3), ((2, 1, 8, 12), 4)):
        x = torch.rand(shape, generator=g)
        tokens = ch12.patchify(x, patch)
        assert torch.equal(ch12.unpatchify(tokens, patch, *shape[2:]), x)
        folded = torch.nn.functional.fold(tokens.transpose(1, 2), shape[2:], patch, stride=patch)
        assert torch.equal(ch12.unpatchify(tokens, patch, *shape[2:]), folded)


def test_normalized_masked_mse_checks_each_patch_by_loops():
    """The reference, patch by patch: each hidden patch's target normalised by its own mean and
    biased variance; the mean over the hidden pixels of the batch."""
    from aeutils.losses import masked_mse

    g = torch.Generator().manual_seed(0)
    x, x_hat = torch.rand(3, 1, 28, 28, generator=g), torch.rand(3, 1, 28, 28, generator=g)
    mask = torch.rand(3, 4, 4, generator=g) < 0.5
    errors = []
    for n, i, j in mask.nonzero().tolist():
        target = x[n, 0, 7 * i : 7 * i + 7, 7 * j : 7 * j + 7]
        target = (target - target.mean()) / (target.var(correction=0) + 1e-6).sqrt()
        errors.append((x_hat[n, 0, 7 * i : 7 * i + 7, 7 * j : 7 * j + 7] - target).pow(2))
    expected = torch.stack(errors).mean()
    assert torch.allclose(ch12.normalized_masked_mse(x_hat, x, mask, 7), expected)
    # what aeutils does (raw targets) is something else: the exercise is not a call away
    assert not torch.allclose(masked_mse(x_hat, x, mask, 7), expected)


def test_other_correct_answers_pass(capsys):
    def shift_by_padding(images, shift):
        moved = torch.nn.functional.pad(images, (shift, 0))[..., : images.shape[-1]]
        return torch.from_numpy(metrics.psnr(images, moved)).float()  # scikit-image: float64

    def patchify_by_unfold(images, patch):
        return torch.nn.functional.unfold(images, patch, stride=patch).transpose(1, 2)

    def unpatchify_by_fold(tokens, patch, height, width):
        return torch.nn.functional.fold(
            tokens.transpose(1, 2), (height, width), patch, stride=patch
        )

    assert exercises.check("shift-psnr", shift_by_padding)
    assert exercises.check("patchify", patchify_by_unfold)
    assert exercises.check("unpatchify", unpatchify_by_fold)


def test_a_float64_answer_where_float32_is_expected_is_told_to_convert(capsys):
    def in_float64(images, shift):
        moved = torch.nn.functional.pad(images, (shift, 0))[..., : images.shape[-1]]
        return torch.from_numpy(metrics.psnr(images, moved))

    assert not exercises.check("shift-psnr", in_float64)
    out = capsys.readouterr().out
    assert "returned dtype torch.float64, expected torch.float32: convert with `.float()`" in out
