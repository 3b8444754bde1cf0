"""aeutils.noise.patch_pixels and mask_patches, aeutils.losses.masked_mse: a masked
autoencoder's input and loss."""

import pytest
import torch

from aeutils.losses import masked_mse
from aeutils.noise import mask_patches, patch_pixels


def test_patch_pixels_covers_exactly_the_masked_patches():
    mask = torch.zeros(1, 2, 3, dtype=torch.bool)
    mask[0, 1, 2] = True  # rows 4-7, columns 8-11
    pixels = patch_pixels(mask, 4)
    assert pixels.shape == (1, 1, 8, 12) and pixels.dtype == torch.float32
    assert pixels[0, 0, 4:, 8:].eq(1).all() and pixels.sum() == 16


def test_mask_patches_zeroes_the_masked_patches_and_keeps_the_others():
    x = torch.rand(2, 1, 8, 12) + 0.1
    mask = torch.zeros(2, 2, 3, dtype=torch.bool)
    mask[0, 1, 2] = True
    mask[1] = True
    out = mask_patches(x, mask, 4)
    assert out[0, 0, 4:, 8:].eq(0).all() and torch.equal(out[0, 0, :4], x[0, 0, :4])
    assert out[1].eq(0).all()


def test_masked_mse_averages_over_the_masked_pixels_of_the_whole_batch():
    x, x_hat = torch.zeros(2, 1, 4, 4), torch.zeros(2, 1, 4, 4)
    x_hat[0, 0, :2, :2] = 1.0  # masked patch of image 0: error 1 on 4 pixels
    x_hat[1, 0, 2:, 2:] = 3.0  # visible patch of image 1: does not count
    mask = torch.zeros(2, 2, 2, dtype=torch.bool)
    mask[0, 0, 0] = True
    mask[1, 0, 1] = True  # masked, error 0 on 4 pixels
    assert masked_mse(x_hat, x, mask, 2).item() == pytest.approx(4 / 8)


def test_bad_masks_are_refused():
    with pytest.raises(TypeError, match="bool"):
        mask_patches(torch.rand(1, 1, 4, 4), torch.zeros(1, 2, 2), 2)
    with pytest.raises(ValueError, match="mask must have shape"):
        mask_patches(torch.rand(1, 1, 4, 4), torch.zeros(1, 3, 3, dtype=torch.bool), 2)
    with pytest.raises(ValueError, match="mask must have shape"):
        masked_mse(torch.rand(1, 1, 4, 4), torch.rand(1, 1, 4, 4), torch.ones(1, 1, 2).bool(), 2)
