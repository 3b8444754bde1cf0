"""aeutils.vae.slerp: spherical interpolation between two codes."""

import math

import pytest
import torch

from aeutils.vae import slerp


def test_slerp_runs_along_the_arc_from_z1_to_z2():
    e1, e2 = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    path = slerp(e1, e2, 5)
    assert path.shape == (5, 2)
    assert torch.allclose(path[0], e1, atol=1e-6) and torch.allclose(path[-1], e2, atol=1e-6)
    assert torch.allclose(path.norm(dim=1), torch.ones(5), atol=1e-6)
    assert torch.allclose(path[2], (e1 + e2) / math.sqrt(2), atol=1e-6)


def test_midpoints_of_prior_draws_keep_their_length_unlike_the_straight_line():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(200, 16, generator=g), torch.randn(200, 16, generator=g)
    spherical = torch.stack([slerp(x, y, 3)[1] for x, y in zip(a, b, strict=True)])
    linear = (a + b) / 2
    typical = torch.cat([a, b]).norm(dim=1).median()
    assert abs(spherical.norm(dim=1).median() - typical) < 0.1 * typical
    assert linear.norm(dim=1).median() < 0.8 * typical


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="steps"):
        slerp(torch.ones(2), torch.ones(2), 1)
    with pytest.raises(ValueError, match="shape of z1"):
        slerp(torch.ones(2), torch.ones(3), 3)
