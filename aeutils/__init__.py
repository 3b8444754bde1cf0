"""aeutils: the small helper package of the course "Autoencoders, hands-on"."""

__version__ = "0.1.0"

from . import (  # noqa: E402
    anomaly,
    book,
    cache,
    data,
    density,
    exercises,
    losses,
    metrics,
    models,
    noise,
    perceptual,
    plots,
    runtime,
    train,
    vae,
)
from .anomaly import auroc, reconstruction_scores, roc  # noqa: E402
from .book import claim  # noqa: E402
from .cache import fit_cached  # noqa: E402
from .data import Split, batches, binarize, load_mnist, random_shift, subset, train_val_split  # noqa: E402
from .density import fit_density, nearest_code  # noqa: E402
from .exercises import check  # noqa: E402
from .losses import bce, l1, mse, weighted_sum  # noqa: E402
from .metrics import psnr, ssim  # noqa: E402
from .models import ConvAutoencoder, MLPAutoencoder, SequenceAutoencoder, count_parameters  # noqa: E402
from .noise import gaussian_noise, masking_noise  # noqa: E402
from .penalties import contractive_objective, l1_activity_objective, sparse_objective  # noqa: E402,E501
from .perceptual import LPIPSUnavailable, LPIPSWeightsUnavailable, lpips_distance  # noqa: E402
from .plots import (  # noqa: E402
    plot_history,
    plot_latent_2d,
    plot_latent_grid,
    show_image_grid,
    show_reconstructions,
)
from .runtime import pick_device, pick_threads, seed_everything, setup  # noqa: E402
from .train import (  # noqa: E402
    History,
    embed,
    evaluate,
    fit,
    interpolate,
    load_checkpoint,
    reconstruct,
    save_checkpoint,
)
from .vae import MLPVAE, ConvVAE, elbo  # noqa: E402

__all__ = [
    "anomaly", "auroc", "reconstruction_scores", "roc",
    "penalties", "contractive_objective", "l1_activity_objective", "sparse_objective",
    "density", "fit_density", "nearest_code",
    "ConvAutoencoder", "ConvVAE", "History", "MLPAutoencoder", "MLPVAE", "SequenceAutoencoder",
    "Split", "batches", "bce", "binarize", "claim", "book", "cache", "elbo", "vae",
    "check", "count_parameters", "data", "embed", "evaluate", "exercises", "fit", "fit_cached",
    "gaussian_noise", "l1", "load_checkpoint", "load_mnist", "losses", "masking_noise", "metrics",
    "models", "mse", "noise", "pick_device", "pick_threads", "plot_history", "plot_latent_2d",
    "plots", "psnr", "random_shift", "reconstruct", "runtime", "save_checkpoint", "seed_everything",
    "setup",
    "interpolate", "plot_latent_grid", "show_image_grid",
    "show_reconstructions", "ssim", "subset", "train", "train_val_split", "weighted_sum",
    "LPIPSUnavailable", "LPIPSWeightsUnavailable", "lpips_distance", "perceptual",
]  # fmt: skip
