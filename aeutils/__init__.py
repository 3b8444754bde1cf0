"""aeutils: the small helper package of the course "Autoencoders, hands-on"."""

from . import book, data, exercises, losses, metrics, models, plots, runtime, train
from .data import Split, batches, load_mnist, subset, train_val_split
from .exercises import check
from .losses import bce, l1, mse, weighted_sum
from .metrics import psnr, ssim
from .models import ConvAutoencoder, MLPAutoencoder, count_parameters
from .plots import plot_history, plot_latent_2d, show_reconstructions
from .runtime import pick_device, pick_threads, seed_everything, setup
from .train import History, embed, evaluate, fit, load_checkpoint, reconstruct, save_checkpoint

__version__ = "0.1.0"

__all__ = [
    "ConvAutoencoder",
    "History",
    "book",
    "MLPAutoencoder",
    "Split",
    "batches",
    "bce",
    "check",
    "count_parameters",
    "data",
    "embed",
    "evaluate",
    "exercises",
    "fit",
    "l1",
    "load_checkpoint",
    "load_mnist",
    "losses",
    "metrics",
    "models",
    "mse",
    "pick_device",
    "pick_threads",
    "plot_history",
    "plot_latent_2d",
    "plots",
    "psnr",
    "reconstruct",
    "runtime",
    "save_checkpoint",
    "seed_everything",
    "setup",
    "show_reconstructions",
    "ssim",
    "subset",
    "train",
    "train_val_split",
    "weighted_sum",
]
