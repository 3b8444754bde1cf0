import pytest
import torch
from torch import nn

from aeutils import models
from aeutils.models import ConvAutoencoder, MLPAutoencoder


def test_mlp_mirrors_encoder_and_ends_in_output_activation():
    model = MLPAutoencoder((12, 6, 3))
    assert [m.out_features for m in model.encoder if isinstance(m, nn.Linear)] == [6, 3]
    assert [m.out_features for m in model.decoder if isinstance(m, nn.Linear)] == [6, 12]
    assert isinstance(model.encoder[-1], nn.Identity)
    assert isinstance(model.decoder[-1], nn.Sigmoid)


def test_mlp_shapes_for_flat_and_image_inputs():
    model = MLPAutoencoder((16, 8, 2))
    images = torch.rand(5, 1, 4, 4)
    assert model.encode(images).shape == (5, 2)
    assert model.decode(torch.zeros(5, 2)).shape == (5, 16)
    assert model(images).shape == images.shape
    assert model(images.view(5, 16)).shape == (5, 16)


def test_sigmoid_output_lies_in_unit_interval():
    model = MLPAutoencoder((16, 4))
    out = model(100 * torch.randn(8, 16))
    assert out.min() >= 0 and out.max() <= 1


def test_mlp_rejects_wrong_input_shape():
    with pytest.raises(ValueError, match=r"x must have shape \(N, 16\).*got \(3, 10\)"):
        MLPAutoencoder((16, 4))(torch.zeros(3, 10))


def test_decode_names_its_argument_z():
    with pytest.raises(ValueError, match=r"decode: z must have shape \(N, 4\).*got \(3, 5\)"):
        MLPAutoencoder((16, 4)).decode(torch.zeros(3, 5))


def test_models_reject_non_tensors():
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got list"):
        MLPAutoencoder((4, 2)).encode([[0.0] * 4])


@pytest.mark.parametrize(
    ("widths", "message"),
    [
        ((10, 0), r"widths\[-1\] \(the latent size\) must be at least 1, got 0"),
        ((10, 20), r"widths\[-1\] \(the latent size\) must be smaller than .* 10.*got 20"),
        ((10, 10), r"widths\[-1\] \(the latent size\) must be smaller than .* 10.*got 10"),
        ((10,), r"widths must list at least two ints .*got \(10,\)"),
        ((10, 2.5), r"widths must list at least two ints .*got \(10, 2.5\)"),
        ((10, -5, 2), r"widths must be positive, got \(10, -5, 2\)"),
    ],
)
def test_mlp_rejects_bad_widths(widths, message):
    with pytest.raises(ValueError, match=message):
        MLPAutoencoder(widths)


def test_mlp_overcomplete_when_allowed():
    model = MLPAutoencoder((10, 20), allow_overcomplete=True)
    assert model.latent_dim == 20 and model.encode(torch.zeros(3, 10)).shape == (3, 20)


def test_conv_shapes_for_image_and_flat_inputs():
    model = ConvAutoencoder(latent_dim=3, channels=(2, 4), image_size=8)
    images = torch.rand(5, 1, 8, 8)
    assert model.encode(images).shape == (5, 3)
    assert model.decode(torch.zeros(5, 3)).shape == (5, 64)
    assert model(images).shape == images.shape
    assert model(images.view(5, 64)).shape == (5, 64)


def test_conv_handles_several_input_channels():
    model = ConvAutoencoder(latent_dim=4, channels=(3,), image_size=4, in_channels=3)
    images = torch.rand(2, 3, 4, 4)
    assert model(images).shape == images.shape


def test_conv_rejects_wrong_input_shape():
    model = ConvAutoencoder(latent_dim=3, channels=(2,), image_size=8)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 64\).*got \(2, 1, 28, 28\)"):
        model(torch.zeros(2, 1, 28, 28))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"latent_dim": 0}, r"latent_dim \(the latent size\) must be at least 1, got 0"),
        ({"latent_dim": 64}, r"latent_dim \(the latent size\) must be smaller than .* 64.*got 64"),
        ({"channels": ()}, r"channels must list positive ints, got \(\)"),
        ({"channels": (2, 0)}, r"channels must list positive ints, got \(2, 0\)"),
        ({"channels": (2, 2, 2, 2)}, r"image_size must be divisible by .* = 16, got 8"),
    ],
)
def test_conv_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ConvAutoencoder(**{"latent_dim": 3, "channels": (2,), "image_size": 8, **kwargs})


def test_conv_overcomplete_when_allowed():
    model = ConvAutoencoder(latent_dim=100, channels=(2,), image_size=8, allow_overcomplete=True)
    assert model.encode(torch.zeros(2, 1, 8, 8)).shape == (2, 100)


def test_count_parameters_counts_only_trainable_ones():
    model = MLPAutoencoder((10, 4))  # Linear(10, 4) and Linear(4, 10)
    assert models.count_parameters(model) == (10 * 4 + 4) + (4 * 10 + 10)
    model.decoder.requires_grad_(False)
    assert models.count_parameters(model) == 10 * 4 + 4


@pytest.mark.parametrize(
    ("name", "kind"),
    [(None, nn.Identity), ("relu", nn.ReLU), ("sigmoid", nn.Sigmoid), ("tanh", nn.Tanh)],
)
def test_activation_by_name(name, kind):
    assert type(models.activation(name)) is kind


def test_activation_rejects_unknown_name():
    with pytest.raises(ValueError, match="activation must be one of .*got 'gelu'"):
        models.activation("gelu")
