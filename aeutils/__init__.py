"""aeutils: the small helper package of the course "Autoencoders, hands-on".

`import aeutils` loads torch and the light modules; the modules that import matplotlib,
scikit-learn or scikit-image (plots, metrics, anomaly, density, perceptual, exercises) load on
first use of one of their names, e.g. `aeutils.plot_history` or `aeutils.metrics`.
"""

__version__ = "0.1.0"

import importlib

from . import (  # noqa: E402
    book,
    cache,
    checkpoints,
    data,
    losses,
    models,
    noise,
    objectives,
    penalties,
    runtime,
    train,
    vae,
    validation,
)
from .book import claim, setup  # noqa: E402
from .cache import fit_cached  # noqa: E402
from .checkpoints import load_checkpoint, save_checkpoint  # noqa: E402
from .data import Split, batches, binarize, load_mnist, random_shift, subset, train_val_split  # noqa: E402
from .losses import bce, l1, mse, weighted_sum  # noqa: E402
from .models import ConvAutoencoder, MLPAutoencoder, SequenceAutoencoder, count_parameters  # noqa: E402
from .noise import gaussian_noise, masking_noise  # noqa: E402
from .penalties import contractive_objective, l1_activity_objective, sparse_objective  # noqa: E402,E501
from .runtime import pick_device, pick_threads, seed_everything  # noqa: E402
from .train import History, embed, evaluate, fit, interpolate, reconstruct  # noqa: E402
from .vae import MLPVAE, ConvVAE, elbo  # noqa: E402

# Names of the modules that import matplotlib, scikit-learn or scikit-image, loaded on first use.
_LAZY = {
    "anomaly": ("auroc", "reconstruction_scores", "roc"),
    "density": ("fit_density", "nearest_code"),
    "exercises": ("check", "reveal"),
    "metrics": ("psnr", "ssim"),
    "perceptual": ("LPIPSUnavailable", "LPIPSWeightsUnavailable", "lpips_distance"),
    "plots": (
        "plot_architecture", "plot_history", "plot_latent_2d", "plot_latent_grid",
        "show_image_grid", "show_reconstructions",
    ),
}  # fmt: skip
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'aeutils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "book", "cache", "checkpoints", "data", "losses", "models", "noise", "objectives",
    "penalties", "runtime", "train", "vae", "validation", *_LAZY, *_LAZY_NAMES,
    "ConvAutoencoder", "ConvVAE", "History", "MLPAutoencoder", "MLPVAE", "SequenceAutoencoder",
    "Split", "batches", "bce", "binarize", "claim", "contractive_objective", "count_parameters",
    "elbo", "embed", "evaluate", "fit", "fit_cached", "gaussian_noise", "interpolate", "l1",
    "l1_activity_objective", "load_checkpoint", "load_mnist", "masking_noise", "mse",
    "pick_device", "pick_threads", "random_shift", "reconstruct", "save_checkpoint",
    "seed_everything", "setup", "sparse_objective", "subset", "train_val_split", "weighted_sum",
]  # fmt: skip
