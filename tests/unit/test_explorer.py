"""aeutils.explorer: what the notebooks hand the book's in-page explorers."""

import base64

import numpy as np
import pytest
import torch
from torch import nn

import aeutils
from aeutils import explorer


def read(spec: dict) -> np.ndarray:
    """An array as the browser reads it (core.js `array`)."""
    dtype = np.dtype(spec["dtype"]).newbyteorder("<")
    return np.frombuffer(base64.b64decode(spec["data"]), dtype).reshape(spec["shape"])


def run(spec: dict, x: np.ndarray) -> np.ndarray:
    """The layer list run as core.js `Network.run` does, one input row at a time."""
    out = []
    for row in x:
        h = row.astype(np.float64)
        for layer in spec["layers"]:
            if layer["kind"] == "linear":
                h = read(layer["weight"]) @ h + read(layer["bias"])
            elif layer["kind"] == "relu":
                h = np.maximum(h, 0)
            else:
                assert layer["kind"] == "sigmoid"
                h = 1 / (1 + np.exp(-h))
        out.append(h)
    return np.array(out)


def test_an_array_travels_with_its_dtype_shape_and_exact_values():
    x = torch.randn(3, 5)
    spec = explorer.array(x)
    assert (spec["dtype"], spec["shape"]) == ("float32", [3, 5])
    np.testing.assert_array_equal(read(spec), x.numpy())
    labels = explorer.array(torch.tensor([0, 9, 255]), "uint8")
    np.testing.assert_array_equal(read(labels), [0, 9, 255])


def test_an_array_refuses_a_dtype_or_values_it_cannot_carry():
    with pytest.raises(ValueError, match=r"dtype must be 'float32' or 'uint8', got 'float16'"):
        explorer.array([1.0], "float16")
    with pytest.raises(ValueError, match=r"uint8 values must lie in \[0, 255\], got \[-1, 3\]"):
        explorer.array(np.array([-1, 3]), "uint8")


def test_images_travel_as_mnist_grey_levels_exactly():
    x = torch.arange(256, dtype=torch.float32) / 255
    np.testing.assert_array_equal(read(explorer.images(x)), np.arange(256))
    with pytest.raises(ValueError, match="uint8 values must lie in"):
        explorer.images(torch.tensor([1.5]))


def test_a_network_run_as_the_browser_runs_it_gives_the_models_outputs():
    torch.manual_seed(0)
    model = aeutils.MLPAutoencoder((784, 32, 8))
    codes = torch.randn(4, 8)
    spec = explorer.decoder(model, codes)
    assert [layer["kind"] for layer in spec["layers"]] == ["linear", "relu", "linear", "sigmoid"]
    with torch.no_grad():
        expected = model.decode(codes).numpy()
    np.testing.assert_array_equal(read(spec["check"]["inputs"]), codes.numpy())
    np.testing.assert_array_equal(read(spec["check"]["outputs"]), expected)
    np.testing.assert_allclose(run(spec, codes.numpy()), expected, atol=1e-6)


def test_a_vaes_decoder_ends_in_pixel_values_and_an_autoencoder_runs_whole():
    torch.manual_seed(0)
    vae = aeutils.MLPVAE((784, 32), latent_dim=4)
    codes = torch.randn(3, 4)
    with torch.no_grad():
        np.testing.assert_allclose(
            run(explorer.decoder(vae, codes), codes.numpy()), vae.decode(codes).numpy(), atol=1e-6
        )
    model = aeutils.MLPAutoencoder((784, 16), latent_activation="sigmoid")
    x = torch.rand(2, 784)
    spec = explorer.autoencoder(model, x)
    with torch.no_grad():
        np.testing.assert_allclose(run(spec, x.numpy()), model(x).numpy(), atol=1e-6)


def test_a_network_uses_eval_mode_and_gives_the_model_back_as_it_was():
    model = aeutils.MLPAutoencoder((784, 32, 8), dropout=0.5).train()
    x = torch.rand(5, 784)
    spec = explorer.autoencoder(model, x)
    assert model.training, "the model was left in eval mode"
    assert "dropout" not in str([layer["kind"] for layer in spec["layers"]])
    with torch.no_grad():
        expected = model.eval()(x).numpy()
    np.testing.assert_array_equal(read(spec["check"]["outputs"]), expected)


def test_what_the_browser_cannot_run_is_refused_by_name():
    with pytest.raises(TypeError, match=r"Linear, ReLU and Sigmoid layers only, got Conv2d"):
        explorer.network(nn.Sequential(nn.Conv2d(1, 1, 3)), torch.rand(1, 9))
    with pytest.raises(TypeError, match="model must be an MLPAutoencoder or an MLPVAE, got Conv"):
        explorer.decoder(aeutils.ConvAutoencoder(), torch.rand(1, 16))
    with pytest.raises(TypeError, match="model must be an MLPAutoencoder, got MLPVAE"):
        explorer.autoencoder(aeutils.MLPVAE(), torch.rand(1, 784))
    with pytest.raises((TypeError, ValueError), match="inputs"):
        explorer.network(nn.Linear(2, 2), torch.rand(1, 2, dtype=torch.float64))


def test_glued_data_pass_the_notebook_format_check():
    """nbformat takes JSON only under a type ending in "json", also behind myst-nb's prefix."""
    import nbformat
    from myst_nb.ext.glue import GLUE_PREFIX

    bundle = explorer.ExplorerData("anomaly", {"aurocs": [0.5]})._repr_mimebundle_()
    output = nbformat.v4.new_output("display_data", {GLUE_PREFIX + k: v for k, v in bundle.items()})
    nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[output])]))


def test_export_glues_the_data_unseen_under_the_kinds_name(monkeypatch, capsys):
    glued = {}
    monkeypatch.setattr(
        explorer, "glue", lambda name, value, display: glued.update({name: (value, display)})
    )
    labels = explorer.array(np.zeros(3000), "uint8")
    explorer.export("latent-map", labels=labels, n=3)
    value, display = glued["explorer_latent_map"]
    assert display is False
    assert value._repr_mimebundle_() == {
        "application/vnd.aeutils.explorer+json": {"labels": labels, "n": 3},
        "text/plain": "Data for the book's latent-map explorer: 0.00 MB of arrays",
    }
    assert capsys.readouterr().out == "Data for the book's latent-map explorer: 0.00 MB of arrays\n"
    with pytest.raises(ValueError, match=r"kind must be lower-case words joined by '-', got 'Map'"):
        explorer.export("Map")
