"""aeutils.metrics.image_slant: the ink-weighted shear of a digit, positive leaning right."""

import pytest
import torch

from aeutils.metrics import image_slant


def bar(lean: float, height: int = 28, width: int = 28) -> torch.Tensor:
    """A one-pixel-wide stroke through the centre moving `lean` columns right per row upwards."""
    image = torch.zeros(1, 1, height, width)
    for r in range(height):
        c = round(width / 2 + lean * (height / 2 - r))
        if 0 <= c < width:
            image[0, 0, r, c] = 1.0
    return image


@pytest.mark.parametrize("lean", [-0.5, 0.0, 0.25, 0.5])
def test_the_slant_of_a_sheared_bar_is_its_lean(lean):
    assert image_slant(bar(lean)).item() == pytest.approx(lean, abs=0.03)


def test_mirroring_changes_the_sign_and_the_shape_is_one_per_image():
    images = torch.cat([bar(0.4), bar(-0.2), torch.rand(1, 1, 28, 28)])
    slant = image_slant(images)
    assert slant.shape == (3,)
    assert torch.allclose(image_slant(images.flip(-1)), -slant, atol=1e-5)


def test_rows_count_downwards_on_a_non_square_image():
    assert image_slant(bar(0.5, height=12, width=9)).item() > 0


def test_bad_inputs_are_refused_with_a_message():
    with pytest.raises(ValueError, match="must have 4 dimensions"):
        image_slant(torch.rand(28, 28))
    with pytest.raises(ValueError, match=r"shape \(N, 1, H, W\)"):
        image_slant(torch.rand(2, 3, 8, 8))
