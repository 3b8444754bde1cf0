"""Chapters 4 and 5: the exercise references agree with the library and with the maths."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from aeutils import data, train
from instructor.references import ch04, ch05


def test_gaussian_nll_is_the_normal_log_density_and_mse_up_to_constants():
    g = torch.Generator().manual_seed(0)
    x, x_hat = torch.rand(5, 784, generator=g), torch.rand(5, 784, generator=g)
    for sigma in (0.1, 1.0, 3.0):
        expected = -torch.distributions.Normal(x_hat, sigma).log_prob(x).sum(dim=1)
        assert torch.allclose(ch04.gaussian_nll(x_hat, x, sigma), expected, rtol=1e-5)
    slope = (ch04.gaussian_nll(x_hat, x, 0.5) - ch04.gaussian_nll(x, x, 0.5)) * 2 * 0.5**2 / 784
    assert torch.allclose(slope, ((x - x_hat) ** 2).mean(dim=1), rtol=1e-4)


def test_best_sigma_maximises_the_gaussian_likelihood_of_the_whole_batch():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(6, 1, 28, 28, generator=g)
    x_hat = x + 0.02 + 0.1 * torch.randn(x.shape, generator=g)
    s = ch04.best_sigma(x_hat, x)
    assert s.shape == () and s > 0

    def total_nll(sigma):
        return -torch.distributions.Normal(x_hat, sigma).log_prob(x).sum()

    assert total_nll(s) < total_nll(s * 0.99) and total_nll(s) < total_nll(s * 1.01)
    assert torch.allclose(s**2, F.mse_loss(x_hat, x))


def test_binary_entropy_is_the_bce_of_the_targets_with_themselves():
    x = torch.tensor([0.0, 1.0, 0.5, 0.2, 0.999])
    entropy = ch04.binary_entropy(x)
    assert torch.allclose(entropy, F.binary_cross_entropy(x, x, reduction="none"), atol=1e-6)
    assert (
        entropy[0] == 0 and entropy[1] == 0 and math.isclose(entropy[2], math.log(2), rel_tol=1e-6)
    )


def test_bce_of_any_prediction_is_at_least_the_entropy_floor():
    g = torch.Generator().manual_seed(0)
    x, x_hat = torch.rand(200, generator=g), torch.rand(200, generator=g).clamp(0.01, 0.99)
    assert F.binary_cross_entropy(x_hat, x) >= ch04.binary_entropy(x).mean()
    assert torch.allclose(F.binary_cross_entropy(x, x), ch04.binary_entropy(x).mean(), atol=1e-6)


def test_mse_floor_is_reached_by_clamping_and_beaten_by_no_output_in_range():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(50, 10, generator=g) * 2 - 1
    floor = ch04.mse_floor(x, 0.0, 1.0)
    assert math.isclose(floor, float(torch.mean(torch.clamp(x, max=0) ** 2)), rel_tol=1e-6)
    for _ in range(20):
        outputs = torch.rand(50, 10, generator=g)
        assert float(((outputs - x) ** 2).mean()) >= floor
    assert ch04.mse_floor(x, -1.0, 1.0) == 0.0


def test_shift_images_agrees_with_random_shift():
    x = torch.rand(40, 1, 6, 6, generator=torch.Generator().manual_seed(0))
    shifted = data.random_shift(x, 2, torch.Generator().manual_seed(1))
    offsets = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)]
    for i in range(len(x)):
        matches = [
            o
            for o in offsets
            if torch.equal(ch05.shift_images(x[i : i + 1], *o), shifted[i : i + 1])
        ]
        assert len(matches) == 1


class ScriptedValidation(nn.Module):
    """Its validation MSE follows a given curve, one value per evaluation (one per epoch)."""

    def __init__(self, curve):
        super().__init__()
        self.curve, self.calls = curve, 0
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, x):
        if self.training:
            return x * self.scale
        value = self.curve[self.calls]
        self.calls += 1
        return x + math.sqrt(value)  # validation x are zeros: the MSE is `value`


@pytest.mark.parametrize(
    ("curve", "patience"),
    [
        ([0.5, 0.4, 0.3, 0.35, 0.36, 0.37, 0.2], 3),
        ([0.5, 0.4, 0.4, 0.4, 0.3], 2),
        ([0.5, 0.4, 0.3, 0.2], 1),
        ([0.3, 0.4, 0.5], 5),
    ],
)
def test_early_stopping_reference_agrees_with_fit(curve, patience):
    model = ScriptedValidation(curve)
    history = train.fit(
        model,
        torch.rand(8, 4),
        torch.zeros(4, 4),
        epochs=len(curve),
        patience=patience,
        keep_best=False,
        progress=False,
    )
    assert (history.best_epoch, len(history.val_loss)) == ch05.early_stopping(curve, patience)


def test_copy_share_is_one_for_a_copy_and_zero_for_a_blur():
    x = torch.zeros(2, 1, 5, 5)
    x[:, :, 1:4, 2] = 1.0  # a short stroke
    copy = torch.eye(25).expand(2, 25, 25)
    assert torch.equal(ch05.copy_share(copy, x), torch.ones(2))
    blur = torch.ones(25, 25) + torch.roll(
        torch.eye(25), 1, dims=1
    )  # each output's peak: a neighbour
    assert torch.equal(ch05.copy_share(blur.expand(2, 25, 25), x), torch.zeros(2))


def test_copy_share_reads_jacobians_as_torch_func_makes_them():
    torch.manual_seed(0)
    weight = torch.randn(9, 9)
    weight.fill_diagonal_(0.0)
    weight[0, 0] = 50.0  # output 0 depends mostly on input 0 (row = output, column = input)
    jacobian = torch.func.vmap(torch.func.jacrev(lambda v: weight @ v))(torch.rand(1, 9))
    x = torch.zeros(1, 9)
    x[0, 0] = x[0, 1] = 1.0
    assert torch.allclose(ch05.copy_share(jacobian, x), torch.tensor([0.5]))
