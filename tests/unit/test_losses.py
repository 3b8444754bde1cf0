import pytest
import torch

from aeutils import losses

PAIR_LOSSES = [losses.mse, losses.l1, losses.bce]


def test_mse_and_l1_on_known_values():
    x_hat, x = torch.tensor([0.0, 0.5, 1.0]), torch.tensor([1.0, 0.5, 0.0])
    assert losses.mse(x_hat, x).item() == pytest.approx(2 / 3)
    assert losses.l1(x_hat, x).item() == pytest.approx(2 / 3)


def test_bce_on_known_values():
    x_hat, x = torch.tensor([0.5, 0.9]), torch.tensor([1.0, 0.0])
    expected = (-torch.log(torch.tensor(0.5)) - torch.log(torch.tensor(0.1))) / 2
    assert losses.bce(x_hat, x).item() == pytest.approx(expected.item(), rel=1e-6)


@pytest.mark.parametrize("loss", PAIR_LOSSES)
def test_losses_reject_different_shapes(loss):
    with pytest.raises(ValueError, match=r"x_hat and x must have the same shape, got \(2, 3\)"):
        loss(torch.zeros(2, 3), torch.zeros(3, 2))


@pytest.mark.parametrize("loss", PAIR_LOSSES)
@pytest.mark.parametrize("arg", ["x_hat", "x"])
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_losses_reject_non_finite_values(loss, arg, bad):
    pair = {"x_hat": torch.full((2, 3), 0.5), "x": torch.full((2, 3), 0.5)}
    pair[arg][1, 2] = bad
    with pytest.raises(ValueError, match=rf"{loss.__name__}: {arg} must be finite, got 1 NaN"):
        loss(**pair)


@pytest.mark.parametrize("loss", PAIR_LOSSES)
def test_losses_reject_non_tensors(loss):
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got list"):
        loss(torch.zeros(2), [0.0, 0.0])


@pytest.mark.parametrize("arg", ["x_hat", "x"])
@pytest.mark.parametrize("bad", [-0.25, 1.5])
def test_bce_rejects_values_outside_unit_interval(arg, bad):
    pair = {"x_hat": torch.full((4,), 0.5), "x": torch.full((4,), 0.5)}
    pair[arg][0] = bad
    with pytest.raises(
        ValueError, match=rf"bce: {arg} must lie in \[0, 1\], got values in .*{bad}"
    ):
        losses.bce(**pair)


def test_losses_pass_gradients_to_the_reconstruction():
    x_hat = torch.full((3,), 0.25, requires_grad=True)
    losses.bce(x_hat, torch.ones(3)).backward()
    assert (x_hat.grad < 0).all()


def test_weighted_sum_adds_weighted_losses():
    x_hat, x = torch.rand(4, 5), torch.rand(4, 5)
    combined = losses.weighted_sum({"mse": 2.0, "l1": 0.5})
    expected = 2.0 * losses.mse(x_hat, x) + 0.5 * losses.l1(x_hat, x)
    assert torch.allclose(combined(x_hat, x), expected)
    assert combined.__name__ == "2·mse + 0.5·l1"


@pytest.mark.parametrize(
    ("weights", "error", "message"),
    [
        ({}, ValueError, "weights must map at least one loss name to a weight, got {}"),
        (
            {"mae": 1.0},
            ValueError,
            r"a loss name in weights must be one of \['mse', 'bce', 'l1'\], got 'mae'",
        ),
        ({"mse": -1.0}, ValueError, r"weights\['mse'\] must be a non-negative float, got -1.0"),
        (
            {"mse": float("nan")},
            ValueError,
            r"weights\['mse'\] must be a non-negative float, got nan",
        ),
        (
            {"l1": float("inf")},
            ValueError,
            r"weights\['l1'\] must be a non-negative float, got inf",
        ),
        (
            {"mse": "1"},
            TypeError,
            r"weights\['mse'\] must be a non-negative float, got '1' \(str\)",
        ),
    ],
)
def test_weighted_sum_rejects_bad_weights(weights, error, message):
    with pytest.raises(error, match=message):
        losses.weighted_sum(weights)
