import numpy as np
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
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got a list; convert it with"):
        MLPAutoencoder((4, 2)).encode([[0.0] * 4])


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (
            torch.zeros(2, 4, dtype=torch.uint8),
            r"x must be a float32 tensor, got torch.uint8; 8-bit .*divided by 255 .*x.float\(\) / 255",  # noqa: E501
        ),
        (
            torch.zeros(2, 4, dtype=torch.float64),
            r"x must be a float32 tensor, got torch.float64; convert it with x.float\(\)",
        ),
        (
            torch.zeros(2, 4, dtype=torch.int64),
            r"x must be a float32 tensor, got torch.int64; convert it with x.float\(\)",
        ),
    ],
)
def test_models_name_the_dtype_and_the_conversion(x, message):
    for model in (MLPAutoencoder((4, 2)), models.SequenceAutoencoder(n_features=4)):
        with pytest.raises(TypeError, match=type(model).__name__ + ": " + message):
            model(x.view(2, 1, 4) if isinstance(model, models.SequenceAutoencoder) else x)


def test_models_reject_an_empty_batch():
    with pytest.raises(
        ValueError, match=r"MLPAutoencoder: x must hold at least one example, got shape \(0, 4\)"
    ):
        MLPAutoencoder((4, 2))(torch.zeros(0, 4))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"latent_dim": True},
            TypeError,
            r"latent_dim \(the latent size\) must be a positive int, got True \(bool\)",
        ),
        (
            {"latent_dim": 2.5},
            TypeError,
            r"latent_dim \(the latent size\) must be a positive int, got 2.5 \(float\)",
        ),
        ({"in_channels": 0}, ValueError, r"in_channels must be a positive int, got 0"),
        (
            {"allow_overcomplete": "no"},
            TypeError,
            r"allow_overcomplete must be True or False, got 'no' \(str\)",
        ),
    ],
)
def test_conv_names_bad_argument_types(kwargs, error, message):
    with pytest.raises(error, match=message):
        ConvAutoencoder(**{"latent_dim": 3, "channels": (2,), "image_size": 8, **kwargs})


def test_models_accept_numpy_ints_and_reject_a_string_allow_overcomplete():
    assert MLPAutoencoder((np.int64(8), np.int64(4))).widths == (8, 4)
    assert ConvAutoencoder(np.int64(3), (np.int64(2),), np.int64(8)).latent_dim == 3
    with pytest.raises(TypeError, match="allow_overcomplete must be True or False, got 'no'"):
        MLPAutoencoder((4, 8), allow_overcomplete="no")


@pytest.mark.parametrize(
    ("widths", "message"),
    [
        ((10, 0), r"widths\[-1\] \(the latent size\) must be a positive int, got 0"),
        ((10, 20), r"widths\[-1\] \(the latent size\) must be smaller than .* 10.*got 20"),
        ((10, 10), r"widths\[-1\] \(the latent size\) must be smaller than .* 10.*got 10"),
        ((10,), r"widths must list at least two ints .*got \(10,\)"),
        ((10, 2.5), r"widths\[-1\] \(the latent size\) must be a positive int, got 2.5 \(float\)"),
        ((10, -5, 2), r"widths\[1\] must be a positive int, got -5"),
    ],
)
def test_mlp_rejects_bad_widths(widths, message):
    error = TypeError if 2.5 in widths else ValueError
    with pytest.raises(error, match=message):
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
        ({"latent_dim": 0}, r"latent_dim \(the latent size\) must be a positive int, got 0"),
        ({"latent_dim": 64}, r"latent_dim \(the latent size\) must be smaller than .* 64.*got 64"),
        ({"channels": ()}, r"channels must list positive ints, got \(\)"),
        ({"channels": (2, 0)}, r"channels\[1\] must be a positive int, got 0"),
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


def test_mlp_without_dropout_has_no_dropout_layers():
    plain, zero = MLPAutoencoder((16, 8, 4)), MLPAutoencoder((16, 8, 4), dropout=0.0)
    assert repr(plain) == repr(zero)
    assert not any(isinstance(m, nn.Dropout) for m in plain.modules())


def test_mlp_dropout_follows_every_hidden_relu_only():
    model = MLPAutoencoder((16, 12, 8, 4), dropout=0.25)
    for part in (model.encoder, model.decoder):
        kinds = [type(m).__name__ for m in part]
        assert kinds[:3] == ["Linear", "ReLU", "Dropout"] and kinds[3:6] == kinds[:3]
        assert kinds[6] == "Linear" and kinds[-1] != "Dropout" and len(kinds) == 8
        assert all(m.p == 0.25 for m in part if isinstance(m, nn.Dropout))


def test_mlp_dropout_acts_in_training_mode_only():
    torch.manual_seed(0)
    model = MLPAutoencoder((16, 64, 4), dropout=0.5)
    x = torch.rand(4, 16)
    model.eval()
    assert torch.equal(model(x), model(x))
    model.train()
    assert not torch.equal(model(x), model(x))


@pytest.mark.parametrize(
    ("widths", "dropout", "message"),
    [
        ((16, 8, 4), 1.0, r"dropout \(a probability\) must be a float in \[0, 1\), got 1.0"),
        ((16, 8, 4), -0.1, r"dropout \(a probability\) must be a float in \[0, 1\), got -0.1"),
        ((16, 8, 4), True, r"dropout \(a probability\) must be a float in \[0, 1\), got True"),
        ((16, 8, 4), "0.2", r"dropout \(a probability\) must be a float in \[0, 1\), got '0.2'"),
        ((16, 4), 0.2, r"dropout acts after hidden layers, and widths \(16, 4\) has none"),
    ],
)
def test_mlp_rejects_bad_dropout(widths, dropout, message):
    error = TypeError if isinstance(dropout, (bool, str)) else ValueError
    with pytest.raises(error, match=message):
        MLPAutoencoder(widths, dropout=dropout)


def test_mlp_decoder_widths_build_a_non_mirrored_decoder():
    model = MLPAutoencoder((12, 6, 3), decoder_widths=(3, 20, 20, 12))
    assert [m.out_features for m in model.encoder if isinstance(m, nn.Linear)] == [6, 3]
    assert [m.out_features for m in model.decoder if isinstance(m, nn.Linear)] == [20, 20, 12]
    assert isinstance(model.decoder[-1], nn.Sigmoid)
    assert model(torch.rand(4, 12)).shape == (4, 12)
    single = MLPAutoencoder((12, 6, 3), decoder_widths=(3, 12))  # one Linear layer, then Sigmoid
    assert [type(m) for m in single.decoder] == [nn.Linear, nn.Sigmoid]


def test_mlp_default_decoder_is_the_mirror():
    torch.manual_seed(0)
    default = MLPAutoencoder((12, 6, 3))
    torch.manual_seed(0)
    explicit = MLPAutoencoder((12, 6, 3), decoder_widths=(3, 6, 12))
    assert default.decoder_widths == (3, 6, 12)
    assert repr(default) == repr(explicit)  # fit_cached keys on the repr
    x = torch.rand(5, 12)
    assert torch.equal(default(x), explicit(x))


@pytest.mark.parametrize(
    ("decoder_widths", "message"),
    [
        ((3,), r"decoder_widths must list at least two ints \(code ... input\), got \(3,\)"),
        ((3, 6.0, 12), r"decoder_widths\[1\] must be a positive int, got 6.0 \(float\)"),
        ((3, 0, 12), r"decoder_widths\[1\] must be a positive int, got 0"),
        ((4, 12), r"decoder_widths must start at the code size 3 .* input size 12 .*got \(4, 12\)"),
        ((3, 10), r"decoder_widths must start at the code size 3 .* input size 12 .*got \(3, 10\)"),
    ],
)
def test_mlp_rejects_bad_decoder_widths(decoder_widths, message):
    error = TypeError if any(isinstance(w, float) for w in decoder_widths) else ValueError
    with pytest.raises(error, match=message):
        MLPAutoencoder((12, 6, 3), decoder_widths=decoder_widths)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_sequence_autoencoder_shapes(cell):
    model = models.SequenceAutoencoder(n_features=3, latent_dim=4, hidden_size=5, cell=cell)
    x = torch.randn(6, 11, 3)
    assert model.encode(x).shape == (6, 4)
    assert model(x).shape == x.shape
    assert model.decode(torch.zeros(6, 4), length=7).shape == (6, 7, 3)  # any length
    assert model(torch.randn(2, 1, 3)).shape == (2, 1, 3)  # a single step


def test_sequence_autoencoder_code_decides_the_output():
    torch.manual_seed(0)
    model = models.SequenceAutoencoder(n_features=2, latent_dim=3, hidden_size=8)
    z = torch.randn(4, 3)
    out = model.decode(z, 9)
    assert torch.allclose(out[1], model.decode(z[1:2], 9)[0], atol=1e-6)  # from its own code only
    assert not torch.allclose(out[0], out[1])
    # the encoder reads the whole sequence: changing only the first step changes the code
    x = torch.randn(1, 9, 2)
    changed = x.clone()
    changed[0, 0] += 1.0
    assert not torch.allclose(model.encode(x), model.encode(changed))


def test_sequence_autoencoder_output_activation_and_gradients():
    model = models.SequenceAutoencoder(n_features=1, latent_dim=2, output_activation="tanh")
    x = 10 * torch.randn(3, 5, 1)
    out = model(x)
    assert out.abs().max() < 1
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_features": 0}, "n_features must be a positive int, got 0"),
        ({"latent_dim": 2.5}, "latent_dim must be a positive int, got 2.5"),
        ({"hidden_size": True}, "hidden_size must be a positive int, got True"),
        ({"cell": "rnn"}, r"cell must be one of \['gru', 'lstm'\], got 'rnn'"),
        ({"output_activation": "gelu"}, "activation must be one of .*got 'gelu'"),
    ],
)
def test_sequence_autoencoder_rejects_bad_arguments(kwargs, message):
    error = TypeError if any(isinstance(v, (bool, float)) for v in kwargs.values()) else ValueError
    with pytest.raises(error, match=message):
        models.SequenceAutoencoder(**kwargs)


def test_sequence_autoencoder_rejects_bad_inputs():
    model = models.SequenceAutoencoder(n_features=3, latent_dim=2)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, 3\) .*got \(4, 10\)"):
        model(torch.zeros(4, 10))
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, 3\) .*got \(4, 10, 2\)"):
        model.encode(torch.zeros(4, 10, 2))
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got a list"):
        model.encode([[[0.0] * 3]])
    with pytest.raises(ValueError, match=r"decode: z must have shape \(N, 2\).*got \(4, 3\)"):
        model.decode(torch.zeros(4, 3), 5)
    with pytest.raises(ValueError, match="length .* must be a positive int, got 0"):
        model.decode(torch.zeros(4, 2), 0)
