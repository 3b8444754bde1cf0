"""What the book's in-page explorers need from a notebook: trained networks and results as data.

A notebook calls `export(kind, **data)`. In the book's build (with myst-nb) the data are glued,
unseen, under "explorer_<kind>" and the book writes them beside the page that shows the widget
(book/_ext/explorer.py); on Colab or Binder the call does nothing. The browser runs each `network`
itself, so a network travels as its layers plus a check: inputs and the PyTorch model's outputs for
them, which the browser tests compare with what the page computes.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import numpy as np
import torch
from torch import nn

from .book import glue
from .models import MLPAutoencoder, evaluating
from .vae import MLPVAE
from .validation import check_tensor

# A JSON type of its own: notebook files accept JSON (not text) only under types ending in "json",
# also behind the prefix myst-nb gives what it glues unseen.
MIME = "application/vnd.aeutils.explorer+json"
_KIND = re.compile(r"[a-z]+(-[a-z]+)*")
_SKIPPED = (nn.Identity, nn.Dropout, nn.Flatten)  # nothing to compute at inference on flat input
_ACTIVATIONS = {nn.ReLU: "relu", nn.Sigmoid: "sigmoid"}


def array(values: Any, dtype: str = "float32") -> dict:
    """An array as the browser reads it: dtype, shape and its little-endian bytes in base64."""
    if dtype not in ("float32", "uint8"):
        raise ValueError(f"dtype must be 'float32' or 'uint8', got {dtype!r}")
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    values = np.asarray(values)
    if dtype == "uint8" and (values.min() < 0 or values.max() > 255):
        raise ValueError(f"uint8 values must lie in [0, 255], got [{values.min()}, {values.max()}]")
    data = np.ascontiguousarray(values.astype(np.dtype(dtype).newbyteorder("<"))).tobytes()
    return {"dtype": dtype, "shape": list(values.shape), "data": base64.b64encode(data).decode()}


def images(x: torch.Tensor) -> dict:
    """Images in [0, 1], any shape, as uint8 (MNIST's own 256 grey levels: exact)."""
    check_tensor(x, "x", dtype="floating", where="explorer.images")
    return array((x * 255).round(), "uint8")  # values outside [0, 1] are refused there


def _layers(module: nn.Module) -> list[nn.Module]:
    """The layers the browser computes, nested `nn.Sequential`s flattened."""
    if isinstance(module, nn.Sequential):
        return [layer for child in module for layer in _layers(child)]
    if isinstance(module, _SKIPPED):
        return []
    if isinstance(module, (nn.Linear, *_ACTIVATIONS)):
        return [module]
    raise TypeError(
        f"network: the browser runs Linear, ReLU and Sigmoid layers only, got {module!r}"
    )


def _spec(layer: nn.Module) -> dict:
    if isinstance(layer, nn.Linear):
        return {"kind": "linear", "weight": array(layer.weight), "bias": array(layer.bias)}
    return {"kind": _ACTIVATIONS[type(layer)]}


def network(module: nn.Module, inputs: torch.Tensor) -> dict:
    """A stack of Linear, ReLU and Sigmoid layers (nested `nn.Sequential`s too) for the browser,
    with `check`: `inputs` (N, features) and the module's outputs for them.

    The weights travel in float32: rounded to float16, they moved the decoded pixels of the 2-D
    autoencoder of chapter 7 by up to 0.0098, and the browser must match PyTorch within 1e-3.
    """
    check_tensor(inputs, "inputs", ndim=2, dtype=torch.float32, where="explorer.network")
    layers = _layers(module)
    with torch.no_grad(), evaluating(module):
        outputs = module(inputs)
    return {
        "layers": [_spec(layer) for layer in layers],
        "check": {"inputs": array(inputs), "outputs": array(outputs)},
    }


def decoder(model: MLPAutoencoder | MLPVAE, codes: torch.Tensor) -> dict:
    """`network` of the decoder of an `MLPAutoencoder` or an `MLPVAE` (with the Sigmoid that
    makes the VAE's logits pixel values), checked on `codes`."""
    if isinstance(model, MLPVAE):
        return network(nn.Sequential(model.decoder, nn.Sigmoid()), codes)
    if isinstance(model, MLPAutoencoder):
        return network(model.decoder, codes)
    raise TypeError(f"model must be an MLPAutoencoder or an MLPVAE, got {type(model).__name__}")


def autoencoder(model: MLPAutoencoder, inputs: torch.Tensor) -> dict:
    """`network` of a whole `MLPAutoencoder`, flat input to reconstruction, checked on `inputs`."""
    if not isinstance(model, MLPAutoencoder):
        raise TypeError(f"model must be an MLPAutoencoder, got {type(model).__name__}")
    return network(nn.Sequential(model.encoder, model.decoder), inputs)


class ExplorerData:
    """The data of one explorer: glued as JSON of type `MIME`, shown as a one-line summary."""

    def __init__(self, kind: str, data: dict) -> None:
        self.kind, self.data = kind, data

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {MIME: self.data, "text/plain": repr(self)}

    def __repr__(self) -> str:
        size = sum(len(a["data"]) for a in _arrays(self.data))
        return f"Data for the book's {self.kind} explorer: {size / 1e6:.2f} MB of arrays"


def _arrays(value: Any):
    """Every array (as made by `array`) inside nested dicts and lists."""
    if isinstance(value, dict):
        if set(value) == {"dtype", "shape", "data"}:
            yield value
        else:
            for item in value.values():
                yield from _arrays(item)
    elif isinstance(value, list):
        for item in value:
            yield from _arrays(item)


def export(kind: str, **data: Any) -> None:
    """Glue `data` (JSON: numbers, strings, lists, dicts, `array`s, `network`s) for the explorer
    `kind` ("latent-map", ...), unseen, and print how large they are."""
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError(f"kind must be lower-case words joined by '-', got {kind!r}")
    value = ExplorerData(kind, data)
    glue(f"explorer_{kind.replace('-', '_')}", value, display=False)
    print(value)
