"""Quality of the course's models on the MNIST test set, against published results.

Settings (architectures, epochs, learning rates) are fixed here, chosen on a validation split
carved from the training set (`common.mnist_splits`); the test set is used only for the reported
numbers. Each function returns an `Outcome`: its targets as `Check`s and its measurements.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score

import aeutils
from aeutils.vae import MLPVAE, elbo, importance_nll

from .common import SEED, Check, Outcome, Stopwatch, mnist_splits

PIXELS = 784


def _flat(split) -> torch.Tensor:
    return split.x.flatten(1)


def _train(model, train_x, val_x, epochs: int, **kwargs) -> aeutils.History:
    torch.manual_seed(SEED)
    return aeutils.fit(model, train_x, val_x, epochs=epochs, seed=SEED, **kwargs)


def _per_image_sse(model, x: torch.Tensor) -> np.ndarray:
    """Sum over the 784 pixels of the squared error, per image."""
    return ((aeutils.reconstruct(model, x) - x) ** 2).flatten(1).sum(1).numpy()


def _pca_errors(train_x: torch.Tensor, test_x: torch.Tensor, components: int) -> np.ndarray:
    pca = PCA(n_components=components, random_state=SEED).fit(train_x.flatten(1).numpy())
    flat = test_x.flatten(1).numpy()
    restored = pca.inverse_transform(pca.transform(flat))
    return ((restored - flat) ** 2).sum(1)


def _history(h: aeutils.History) -> dict:
    return {
        "epochs_run": len(h.train_loss),
        "best_epoch": h.best_epoch,
        "train_seconds": round(h.seconds, 1),
        "seconds_per_epoch": round(h.seconds / max(1, len(h.train_loss)), 2),
        "train_loss": [round(v, 6) for v in h.train_loss],
        "val_loss": [round(v, 6) for v in h.val_loss],
    }


def hs2006(quick: bool) -> Outcome:
    """Squared error per image at a 30-d code: the deep MLP of Hinton & Salakhutdinov (2006),
    784-1000-500-250-30 with a linear code, trained with Adam instead of RBM pre-training."""
    train, val, test = mnist_splits(quick)
    widths, epochs = (784, 1000, 500, 250, 30), (1 if quick else 50)
    model = aeutils.MLPAutoencoder(widths)
    history = _train(model, _flat(train), _flat(val), epochs)
    ae = float(_per_image_sse(model, _flat(test)).mean())
    pca = float(_pca_errors(train.x, test.x, 30).mean())
    checks = [
        Check(
            "MLP AE, 30-d code: squared error per image",
            ae,
            3.00,
            "<=",
            "",
            "AE 3.00, PCA 13.87",
            ["hinton2006reducing"],
            f"PCA with 30 components measured beside it: {pca:.2f}",
        ),
        Check(
            "training time of that model",
            history.seconds,
            600,
            "<=",
            "s",
            "",
            [],
            "wall time on this machine at the load recorded",
        ),
    ]
    data = {
        "ae_sse": ae,
        "pca_sse": pca,
        "paper_ae_sse": 3.00,
        "paper_pca_sse": 13.87,
        "training": _history(history),
    }
    settings = {
        "model": f"MLPAutoencoder{widths}",
        "epochs": epochs,
        "batch_size": 128,
        "lr": 1e-3,
        "loss": "mse",
        "keep_best": "validation loss",
    }
    sizes = {"train": len(train.x), "val": len(val.x), "test": len(test.x)}
    return Outcome(
        "Squared error per image at a 30-d code (Hinton & Salakhutdinov 2006)",
        "quality",
        checks,
        data,
        settings,
        sizes,
    )


CODE_SIZES = (2, 4, 8, 16, 32, 64)


def code_size(quick: bool) -> Outcome:
    """Test MSE per pixel against code size for PCA, an MLP AE and a conv AE."""
    train, val, test = mnist_splits(quick)
    conv_train = train
    mlp_epochs, conv_epochs = (1, 1) if quick else (30, 5)
    rows, checks = [], []
    for k in CODE_SIZES:
        pca = float(_pca_errors(train.x, test.x, k).mean()) / PIXELS
        mlp = aeutils.MLPAutoencoder((784, 256, 128, k))
        h_mlp = _train(mlp, _flat(train), _flat(val), mlp_epochs)
        conv = aeutils.ConvAutoencoder(k)
        h_conv = _train(conv, conv_train.x, val.x, conv_epochs)
        row = {
            "code_size": k,
            "pca": pca,
            "mlp": float(_per_image_sse(mlp, _flat(test)).mean()) / PIXELS,
            "conv": float(_per_image_sse(conv, test.x).mean()) / PIXELS,
            "mlp_seconds": round(h_mlp.seconds, 1),
            "conv_seconds": round(h_conv.seconds, 1),
        }
        rows.append(row)
        if k <= 32:
            best = min(row["mlp"], row["conv"])
            checks.append(
                Check(
                    f"code size {k}: best AE's MSE / PCA's MSE",
                    best / pca,
                    0.5,
                    "<=",
                    "",
                    "PCA at 32: MSE ≈ 0.017" if k == 32 else "",
                    [],
                    f"PCA {pca:.4f}, MLP AE {row['mlp']:.4f}, conv AE {row['conv']:.4f}",
                )
            )
    settings = {
        "mlp": "MLPAutoencoder((784, 256, 128, k))",
        "mlp_epochs": mlp_epochs,
        "conv": "ConvAutoencoder(k, channels=(32, 64))",
        "conv_epochs": conv_epochs,
        "conv_train_size": len(conv_train.x),
        "batch_size": 128,
        "lr": 1e-3,
        "pca": "sklearn PCA(k) fitted on the training images",
    }
    sizes = {"train": len(train.x), "val": len(val.x), "test": len(test.x)}
    return Outcome(
        "Test error against code size: PCA, MLP AE, conv AE",
        "quality",
        checks,
        {"rows": rows},
        settings,
        sizes,
    )


def bernoulli_entropy(x: torch.Tensor) -> torch.Tensor:
    """Per image, the sum over pixels of the binary entropy of its grey levels (nats): the lowest
    binary cross-entropy any reconstruction of grey-level images can reach."""
    x = x.flatten(1).double()
    inner = x.clamp(1e-12, 1 - 1e-12)
    h = -(x * inner.log() + (1 - x) * (1 - inner).log())
    return h.sum(1)


def _test_elbo(model, x: torch.Tensor, objective) -> float:
    torch.manual_seed(SEED)
    return aeutils.evaluate(model, x, objective=objective)


def vae_grey(quick: bool) -> Outcome:
    """BCE + KL per image of VAEs on grey-level MNIST: pytorch/examples' 784-400-20 VAE at its
    settings (10 epochs, batch 128, Adam 1e-3), and a larger course VAE."""
    train, val, test = mnist_splits(quick)
    objective = elbo()
    floor = float(bernoulli_entropy(test.x).mean())
    # pytorch/examples makes 10 passes over 60,000 images: 4,690 updates of batch 128. The same
    # number of updates here, whatever the size of the training set.
    same_updates = math.ceil(10 * math.ceil(60000 / 128) / math.ceil(len(train.x) / 128))
    models = {
        "examples": (
            MLPVAE((784, 400), 20),
            1 if quick else same_updates,
            "MLPVAE((784, 400), 20)",
        ),
        "course": (
            MLPVAE((784, 512, 256), 32),
            1 if quick else 2 * same_updates,
            "MLPVAE((784, 512, 256), 32)",
        ),
    }
    measured, trainings, settings = {}, {}, {}
    for name, (model, epochs, text) in models.items():
        history = _train(model, _flat(train), _flat(val), epochs, objective=objective)
        measured[name] = _test_elbo(model, _flat(test), objective)
        trainings[name] = _history(history)
        settings[name] = {"model": text, "epochs": epochs}
    checks = [
        Check(
            "pytorch/examples VAE 784-400-20, its 4,690 updates: BCE + KL per image",
            measured["examples"],
            100,
            "<=",
            "nats",
            "≈ 106 after 10 epochs (pytorch/examples vae/main.py)",
            ["pytorchexamplesvae"],
            "the anchor's own model and settings, re-run here",
        ),
        Check(
            "course VAE 784-512-256-32: BCE + KL per image",
            measured["course"],
            100,
            "<=",
            "nats",
            "≈ 106 after 10 epochs (pytorch/examples vae/main.py)",
            ["pytorchexamplesvae"],
            f"entropy floor of these grey levels: {floor:.1f} nats",
        ),
    ]
    data = {"bce_kl": measured, "entropy_floor": floor, "training": trainings}
    settings |= {
        "objective": objective.__name__,
        "batch_size": 128,
        "lr": 1e-3,
        "updates": {k: v["epochs"] * math.ceil(len(train.x) / 128) for k, v in settings.items()},
    }
    sizes = {"train": len(train.x), "val": len(val.x), "test": len(test.x)}
    return Outcome(
        "VAE on grey-level MNIST: BCE + KL per image", "quality", checks, data, settings, sizes
    )


def binarised_elbo():
    """The negative ELBO on a fresh Bernoulli draw of the grey levels at every call: dynamic
    binarisation (inputs and targets are the same binary images)."""
    base = elbo()

    def objective(model, inputs, targets):
        binary = torch.bernoulli(targets)
        return base(model, binary, binary)

    objective.__name__ = f"binarised_{base.__name__}"
    return objective


def vae_binary(quick: bool) -> Outcome:
    """NLL of a VAE on dynamically binarised MNIST, estimated with k = 5000 importance samples."""
    train, val, test = mnist_splits(quick)
    epochs, k, n_test = (1, 500, 50) if quick else (100, 5000, 1000)
    model = MLPVAE((784, 512, 256), 32)
    history = _train(model, _flat(train), _flat(val), epochs, objective=binarised_elbo())
    generator = torch.Generator().manual_seed(SEED)
    index = torch.randperm(len(test.x), generator=generator)[:n_test]
    binary = torch.bernoulli(_flat(test)[index], generator=generator)
    clock = Stopwatch()
    nll = importance_nll(model, binary, k=k, generator=generator)
    nll_seconds = clock.seconds
    mean, sem = float(nll.mean()), float(nll.std() / math.sqrt(len(nll)))
    negative_elbo = _test_elbo(model, binary, elbo())
    checks = [
        Check(
            f"MLP VAE 784-512-256-32: NLL (k = {k})",
            mean,
            90,
            "<=",
            "nats",
            "VAE, one stochastic layer: 86.76",
            ["burda2016importance"],
            f"± {sem:.2f} (standard error over {n_test} test images); negative ELBO"
            f" {negative_elbo:.2f}",
        ),
        Check(
            "training time of that model",
            history.seconds,
            900,
            "<=",
            "s",
            "",
            [],
            "wall time on this machine at the load recorded",
        ),
    ]
    data = {
        "nll": mean,
        "nll_standard_error": sem,
        "negative_elbo": negative_elbo,
        "nll_seconds": round(nll_seconds, 1),
        "training": _history(history),
    }
    settings = {
        "model": "MLPVAE((784, 512, 256), 32)",
        "epochs": epochs,
        "batch_size": 128,
        "lr": 1e-3,
        "binarisation": "torch.bernoulli of the grey levels every batch",
        "test_binarisation": f"once, generator seed {SEED}",
        "importance_samples": k,
    }
    sizes = {"train": len(train.x), "val": len(val.x), "test": len(test.x), "test_nll": n_test}
    return Outcome(
        "VAE on binarised MNIST: NLL by importance sampling",
        "quality",
        checks,
        data,
        settings,
        sizes,
    )


def denoising(quick: bool) -> Outcome:
    """PSNR gain of denoising MLP autoencoders on Gaussian noise, σ = 0.3 and 0.5, clipped."""
    train, val, test = mnist_splits(quick)
    widths, epochs = (784, 512, 256, 128), (1 if quick else 30)
    clean = _flat(test)
    rows, checks = [], []
    for sigma, target in ((0.3, 7.0), (0.5, 9.0)):
        corrupt = aeutils.gaussian_noise(sigma)
        model = aeutils.MLPAutoencoder(widths)
        history = _train(model, _flat(train), _flat(val), epochs, corrupt=corrupt)
        noisy = corrupt(clean, torch.Generator().manual_seed(SEED + 2))
        before = float(aeutils.psnr(clean, noisy).mean())
        after = float(aeutils.psnr(clean, aeutils.reconstruct(model, noisy)).mean())
        rows.append(
            {
                "sigma": sigma,
                "psnr_noisy": before,
                "psnr_denoised": after,
                "gain": after - before,
                "training": _history(history),
            }
        )
        checks.append(
            Check(
                f"σ = {sigma}: PSNR gain",
                after - before,
                target,
                ">=",
                "dB",
                f"noisy inputs: {13.3 if sigma == 0.3 else 9.4} dB",
                [],
                f"noisy {before:.1f} dB → denoised {after:.1f} dB",
            )
        )
    settings = {
        "model": f"MLPAutoencoder{widths}",
        "epochs": epochs,
        "batch_size": 128,
        "lr": 1e-3,
        "noise": "aeutils.gaussian_noise(sigma), clipped to [0, 1]",
        "psnr": "mean over test images of per-image PSNR (aeutils.psnr)",
    }
    sizes = {"train": len(train.x), "val": len(val.x), "test": len(test.x)}
    return Outcome(
        "Denoising: PSNR gain on Gaussian noise", "quality", checks, {"rows": rows}, settings, sizes
    )


def anomaly(quick: bool) -> Outcome:
    """One digit normal, the other nine anomalous: AUROC of the reconstruction error of an AE
    trained on that digit's training images only, and of PCA's, on the whole test set."""
    train, val, test = mnist_splits(quick)
    widths, epochs, components = (784, 256, 128, 32), (1 if quick else 20), 32
    rows = []
    for digit in range(10):
        normal, normal_val = train.x[train.y == digit], val.x[val.y == digit]
        model = aeutils.MLPAutoencoder(widths)
        history = _train(model, normal.flatten(1), normal_val.flatten(1), epochs, progress=False)
        anomalous = (test.y != digit).numpy()
        ae = roc_auc_score(anomalous, _per_image_sse(model, _flat(test)))
        pca = roc_auc_score(anomalous, _pca_errors(normal, test.x, components))
        rows.append(
            {
                "digit": digit,
                "train_size": len(normal),
                "ae_auroc": 100 * ae,
                "pca_auroc": 100 * pca,
                "train_seconds": round(history.seconds, 1),
            }
        )
    ae_mean = float(np.mean([r["ae_auroc"] for r in rows]))
    pca_mean = float(np.mean([r["pca_auroc"] for r in rows]))
    checks = [
        Check(
            "MLP AE: mean AUROC over the ten digits",
            ae_mean,
            94.8,
            ">=",
            "%",
            "Deep SVDD (one-class): mean 94.8",
            ["ruff2018deep"],
            f"PCA ({components} components) beside it: {pca_mean:.1f}",
        )
    ]
    settings = {
        "model": f"MLPAutoencoder{widths}",
        "epochs": epochs,
        "batch_size": 128,
        "lr": 1e-3,
        "pca_components": components,
        "score": "squared reconstruction error per image",
    }
    sizes = {"train": len(train.x), "val": len(val.x), "test": len(test.x)}
    return Outcome(
        "Anomaly detection: one digit normal, AUROC",
        "quality",
        checks,
        {"rows": rows, "ae_mean": ae_mean, "pca_mean": pca_mean},
        settings,
        sizes,
    )


BENCHMARKS = {
    "hs2006": hs2006,
    "code_size": code_size,
    "vae_grey": vae_grey,
    "vae_binary": vae_binary,
    "denoising": denoising,
    "anomaly": anomaly,
}
