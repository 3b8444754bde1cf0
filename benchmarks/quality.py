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

from .common import SEED, Check, Outcome, Stopwatch, mnist_splits, split_text

PIXELS = 784


def _flat(split) -> torch.Tensor:
    return split.x.flatten(1)


def _train(model, train_x, val_x, epochs: int, seed: int = SEED, **kwargs) -> aeutils.History:
    torch.manual_seed(seed)
    return aeutils.fit(model, train_x, val_x, epochs=epochs, seed=seed, **kwargs)


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


def _quality(title: str, splits, checks, data, settings, protocol: dict) -> Outcome:
    """A quality `Outcome`, its dataset sizes and its protocol's split read from `splits`, the
    (train, val, test) the benchmark used."""
    train, val, test = splits
    sizes = {"train": len(train.x), "val": len(val.x), "test": len(test.x)}
    protocol = {"data": protocol["data"], "split": split_text(train, val, test), **protocol}
    return Outcome(title, "quality", checks, data, settings, sizes, protocol)


def _fit_phases(model, train_x, val_x, phases, **kwargs) -> dict:
    """`aeutils.fit` once per (epochs, learning rate) phase, each starting from the weights the
    last one kept: a step-wise learning-rate schedule. Returns the phases' histories, merged."""
    merged: dict = {"phases": [], "train_loss": [], "val_loss": [], "train_seconds": 0.0}
    for epochs, lr in phases:
        h = _train(model, train_x, val_x, epochs, lr=lr, **kwargs)
        merged["phases"].append({"epochs": epochs, "lr": lr, "best_epoch": h.best_epoch})
        merged["train_loss"] += [round(v, 6) for v in h.train_loss]
        merged["val_loss"] += [round(v, 6) for v in h.val_loss]
        merged["train_seconds"] += h.seconds
    merged["epochs_run"] = len(merged["train_loss"])
    merged["train_seconds"] = round(merged["train_seconds"], 1)
    merged["seconds_per_epoch"] = round(merged["train_seconds"] / merged["epochs_run"], 2)
    return merged


HS_PHASES = ((55, 1e-3), (20, 1e-4))  # (epochs, learning rate): about 8 minutes here


def hs2006(quick: bool) -> Outcome:
    """Squared error per image at a 30-d code: the deep MLP of Hinton & Salakhutdinov (2006),
    784-1000-500-250-30 with a linear code, trained with Adam instead of RBM pre-training."""
    train, val, test = mnist_splits(quick)
    widths = (784, 1000, 500, 250, 30)
    phases = ((1, 1e-3), (1, 1e-4)) if quick else HS_PHASES
    model = aeutils.MLPAutoencoder(widths)
    training = _fit_phases(model, _flat(train), _flat(val), phases)
    ae = float(_per_image_sse(model, _flat(test)).mean())
    pca = float(_pca_errors(train.x, test.x, 30).mean())
    deviation = (
        f"Adam from a random start ({training['epochs_run']} epochs) instead of RBM"
        f" pre-training and fine-tuning; {len(train.x):,} training images instead of 60,000"
    )
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
            deviation,
        ),
        Check(
            "PCA, 30 components: distance from the paper's 13.87 (the units check)",
            abs(pca - 13.87),
            0.5,
            "<=",
            "",
            "PCA 13.87",
            ["hinton2006reducing"],
            f"measured {pca:.2f}: same units (squared error summed over 784 pixels in [0, 1])",
            "PCA is fitted on the training images used here",
        ),
        Check(
            "training time of that model",
            training["train_seconds"],
            600,
            "<=",
            "s",
            "",
            [],
            "wall time on this machine at the load recorded",
            "",
        ),
    ]
    data = {
        "ae_sse": ae,
        "pca_sse": pca,
        "paper_ae_sse": 3.00,
        "paper_pca_sse": 13.87,
        "training": training,
    }
    settings = {
        "model": f"MLPAutoencoder{widths}",
        "phases": [{"epochs": e, "lr": lr} for e, lr in phases],
        "batch_size": 128,
        "loss": "mse",
        "keep_best": "validation loss, in each phase",
    }
    protocol = {
        "data": "MNIST grey levels in [0, 1]",
        "preprocessing": "none",
        "seeds": [SEED],
        "measure": "squared error summed over the 784 pixels, mean over the test images",
    }
    return _quality(
        "Squared error per image at a 30-d code (Hinton & Salakhutdinov 2006)",
        (train, val, test),
        checks,
        data,
        settings,
        protocol,
    )


CODE_SIZES = (2, 4, 8, 16, 32, 64)


def code_size(quick: bool) -> Outcome:
    """Test MSE per pixel against code size for PCA, an MLP AE and a conv AE."""
    train, val, test = mnist_splits(quick)
    conv_train = train
    mlp_epochs, conv_epochs = (1, 1) if quick else (20, 3)
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
                    "",
                    [],
                    f"PCA {pca:.4f}, MLP AE {row['mlp']:.4f}, conv AE {row['conv']:.4f}",
                    "",
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
    protocol = {
        "data": "MNIST grey levels in [0, 1]",
        "preprocessing": "none",
        "seeds": [SEED],
        "measure": "MSE per pixel on the test images",
    }
    return _quality(
        "Test error against code size: PCA, MLP AE, conv AE",
        (train, val, test),
        checks,
        {"rows": rows},
        settings,
        protocol,
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
    settings (10 epochs, batch 128, Adam 1e-3), and a larger course VAE trained longer."""
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
            1 if quick else 5 * same_updates,
            "MLPVAE((784, 512, 256), 32)",
        ),
    }
    measured, trainings, settings = {}, {}, {}
    for name, (model, epochs, text) in models.items():
        history = _train(model, _flat(train), _flat(val), epochs, objective=objective)
        measured[name] = _test_elbo(model, _flat(test), objective)
        trainings[name] = _history(history)
        settings[name] = {"model": text, "epochs": epochs}
    deviation = f"{len(train.x):,} training images instead of 60,000 (the same 4,690 updates)"
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
            deviation,
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
            f"a larger model trained for {5 * same_updates} epochs on {len(train.x):,} images",
        ),
    ]
    data = {"bce_kl": measured, "entropy_floor": floor, "training": trainings}
    settings |= {
        "objective": objective.__name__,
        "batch_size": 128,
        "lr": 1e-3,
        "updates": {k: v["epochs"] * math.ceil(len(train.x) / 128) for k, v in settings.items()},
    }
    protocol = {
        "data": "MNIST grey levels in [0, 1], not binarised",
        "preprocessing": "none",
        "seeds": [SEED],
        "likelihood": "Bernoulli cross-entropy on the grey levels, as pytorch/examples: not a"
        " normalised likelihood of grey-level images, so the loss is not a negative"
        " log-likelihood",
        "measure": "BCE + KL per image on the test images, one draw of z each",
    }
    return _quality(
        "VAE on grey-level MNIST: BCE + KL per image",
        (train, val, test),
        checks,
        data,
        settings,
        protocol,
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


def iwae_vae(train_x: torch.Tensor) -> MLPVAE:
    """The one-stochastic-layer VAE of Burda et al. (2016): 784-200-200-50 with tanh hidden
    units (`MLPVAE` with its ReLUs swapped), the output biases set, as in their code, to the
    logits of the training images' mean grey levels."""
    model = MLPVAE((784, 200, 200), 50)
    for stack in (model.body, model.decoder):
        for i, layer in enumerate(stack):
            if isinstance(layer, torch.nn.ReLU):
                stack[i] = torch.nn.Tanh()
    mean = train_x.flatten(1).mean(0).clamp(1e-3, 1 - 1e-3)
    last = [m for m in model.decoder if isinstance(m, torch.nn.Linear)][-1]
    with torch.no_grad():
        last.bias.copy_(torch.log(mean / (1 - mean)))
    return model


IWAE_PHASES = ((240, 1e-3), (120, 3e-4), (80, 1e-4))  # (epochs, learning rate)
IWAE_BATCH = 100
IWAE_VAL = 400  # the paper's code keeps 400 of the 60,000 training images for validation


def vae_binary(quick: bool) -> Outcome:
    """Test NLL of a VAE on dynamically binarised MNIST on the IWAE protocol (Burda et al.,
    2016): their 784-200-200-50 tanh VAE trained with k = 1, NLL with k = 5000 importance
    samples on the whole test set."""
    train, val, test = mnist_splits(quick, val_size=IWAE_VAL)
    phases = ((1, 1e-3),) if quick else IWAE_PHASES
    k = 100 if quick else 5000
    model = iwae_vae(_flat(train))
    training = _fit_phases(
        model,
        _flat(train),
        _flat(val),
        phases,
        objective=binarised_elbo(),
        batch_size=IWAE_BATCH,
        keep_best=False,
    )
    generator = torch.Generator().manual_seed(SEED)
    binary = torch.bernoulli(_flat(test), generator=generator)
    clock = Stopwatch()
    nll = importance_nll(model, binary, k=k, generator=generator)
    nll_seconds = clock.seconds
    mean, sem = float(nll.mean()), float(nll.std() / math.sqrt(len(nll)))
    negative_elbo = _test_elbo(model, binary, elbo())
    checks = [
        Check(
            f"IWAE's VAE 784-200-200-50 (tanh), k = 1: test NLL (k = {k:,})",
            mean,
            87,
            "<=",
            "nats",
            "VAE, one stochastic layer, k = 1: 86.76",
            ["burda2016importance"],
            f"± {sem:.2f} (standard error over {len(nll):,} test images); negative ELBO"
            f" {negative_elbo:.2f}",
            f"{training['epochs_run']} passes over the data in batches of {IWAE_BATCH} instead"
            " of 3,280 in batches of 20; the test images binarised once, with a fixed seed",
        ),
        Check(
            "training time of that model",
            training["train_seconds"],
            900,
            "<=",
            "s",
            "",
            [],
            f"wall time on this machine; the NLL estimate took {nll_seconds:.0f} s more",
            "",
        ),
    ]
    data = {
        "nll": mean,
        "nll_standard_error": sem,
        "negative_elbo": negative_elbo,
        "nll_seconds": round(nll_seconds, 1),
        "training": training,
    }
    settings = {
        "model": "MLPVAE((784, 200, 200), 50), tanh hidden units",
        "phases": [{"epochs": e, "lr": lr} for e, lr in phases],
        "batch_size": IWAE_BATCH,
        "keep_best": "no: the last epoch's weights, as the paper",
        "output_bias": "logits of the training images' mean grey levels",
        "importance_samples": k,
    }
    protocol = {
        "data": "MNIST binarised at random: each pixel 1 with its grey level as probability",
        "preprocessing": "a new binarisation of the training images at every batch; the test"
        f" images binarised once (generator seed {SEED})",
        "seeds": [SEED],
        "likelihood": "Bernoulli on binary pixels: the NLL is -log p(x) in nats",
        "measure": f"importance-sampled NLL with k = {k:,}, mean over the test images",
        "k": k,
    }
    return _quality(
        "VAE on binarised MNIST: NLL on the IWAE protocol",
        (train, val, test),
        checks,
        data,
        settings,
        protocol,
    )


def denoising(quick: bool) -> Outcome:
    """PSNR gain of denoising MLP autoencoders on Gaussian noise, σ = 0.3 and 0.5, clipped."""
    train, val, test = mnist_splits(quick)
    widths, epochs = (784, 512, 256, 128), (1 if quick else 20)
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
                "",
                [],
                f"noisy {before:.1f} dB → denoised {after:.1f} dB",
                "",
            )
        )
    settings = {
        "model": f"MLPAutoencoder{widths}",
        "epochs": epochs,
        "batch_size": 128,
        "lr": 1e-3,
    }
    protocol = {
        "data": "MNIST grey levels in [0, 1]",
        "preprocessing": "Gaussian noise of standard deviation σ added, clipped to [0, 1]"
        " (aeutils.gaussian_noise); test noise drawn once",
        "seeds": [SEED],
        "measure": "mean over the test images of the per-image PSNR (aeutils.psnr)",
    }
    return _quality(
        "Denoising: PSNR gain on Gaussian noise",
        (train, val, test),
        checks,
        {"rows": rows},
        settings,
        protocol,
    )


def contrast_normalise(x: torch.Tensor) -> torch.Tensor:
    """Ruff et al.'s global contrast normalisation: each image minus its mean, divided by its
    mean absolute deviation (the L1 scale). Flat float32 images out."""
    x = x.flatten(1).double()
    x = x - x.mean(1, keepdim=True)
    return (x / x.abs().mean(1, keepdim=True)).float()


ANOMALY_WIDTHS, ANOMALY_EPOCHS = (784, 512, 256, 16), 30
ANOMALY_SEEDS = (0, 1, 2)
PCA_COMPONENTS = (8, 16, 32, 64)  # PCA's code size is chosen on the validation images


def anomaly(quick: bool) -> Outcome:
    """One digit normal, the other nine anomalous, on the protocol of Ruff et al. (2018): AUROC
    of the reconstruction error of an AE trained on that digit's contrast-normalised training
    images only, over three seeds, and of PCA's, on the whole test set."""
    train, val, test = mnist_splits(quick)
    epochs, seeds = (1, ANOMALY_SEEDS[:1]) if quick else (ANOMALY_EPOCHS, ANOMALY_SEEDS)
    train_x, val_x, test_x = (contrast_normalise(s.x) for s in (train, val, test))
    rows = []
    for digit in range(10):
        normal = train_x[train.y == digit]
        low, high = normal.min(), normal.max()  # min-max scaling from the normal class

        def scale(x, low=low, high=high):
            return (x - low) / (high - low)

        normal, val_scaled, test_scaled = scale(normal), scale(val_x), scale(test_x)
        anomalous_val, anomalous = (val.y != digit).numpy(), (test.y != digit).numpy()
        row = {"digit": digit, "train_size": len(normal), "ae_auroc": [], "seconds": 0.0}
        for seed in seeds:
            torch.manual_seed(seed)
            model = aeutils.MLPAutoencoder(ANOMALY_WIDTHS, output_activation=None)
            history = _train(
                model,
                normal,
                val_scaled[val.y == digit],
                epochs,
                seed=seed,
                progress=False,
            )
            scores = _per_image_sse(model, test_scaled)
            row["ae_auroc"].append(100 * roc_auc_score(anomalous, scores))
            row["seconds"] += history.seconds
        val_auroc = {
            c: 100 * roc_auc_score(anomalous_val, _pca_errors(normal, val_scaled, c))
            for c in PCA_COMPONENTS
        }
        row["pca_val_auroc"] = val_auroc
        row["pca_test_auroc"] = {
            c: 100 * roc_auc_score(anomalous, _pca_errors(normal, test_scaled, c))
            for c in PCA_COMPONENTS
        }
        row["seconds"] = round(row["seconds"], 1)
        rows.append(row)
    per_seed = np.array([r["ae_auroc"] for r in rows]).mean(0)  # mean over digits, per seed
    ae_mean, ae_spread = float(per_seed.mean()), float(per_seed.std())
    components = max(PCA_COMPONENTS, key=lambda c: np.mean([r["pca_val_auroc"][c] for r in rows]))
    pca_mean = float(np.mean([r["pca_test_auroc"][components] for r in rows]))
    for r in rows:
        r["ae_auroc_mean"] = float(np.mean(r["ae_auroc"]))
        r["pca_auroc"] = r["pca_test_auroc"][components]
    checks = [
        Check(
            f"MLP AE: mean AUROC over the ten digits ({len(seeds)} seed{'s' * (len(seeds) > 1)})",
            ae_mean,
            94.8,
            ">=",
            "%",
            "Deep SVDD (one-class): mean 94.8; DCAE: 89.65",
            ["ruff2018deep"],
            f"± {ae_spread:.2f} (standard deviation over seeds); PCA ({components} components)"
            f" beside it: {pca_mean:.1f}",
            f"an MLP autoencoder instead of their LeNet-type networks; the normal digit's"
            f" images among {len(train.x):,} training images (about"
            f" {np.mean([r['train_size'] for r in rows]):,.0f}) instead of among 60,000",
        )
    ]
    settings = {
        "model": f"MLPAutoencoder({ANOMALY_WIDTHS}, output_activation=None)",
        "epochs": epochs,
        "batch_size": 128,
        "lr": 1e-3,
        "keep_best": "validation loss on the normal digit's validation images",
        "chosen_on": "mean validation AUROC (all ten digits of the 5,000 validation images)"
        " among MLP autoencoders 784-256-128-{16, 32, 64} and 784-512-256-{16, 32} trained"
        " for 20 to 50 epochs",
        "pca_components": components,
        "pca_candidates": list(PCA_COMPONENTS),
        "score": "squared reconstruction error per image",
    }
    protocol = {
        "data": "MNIST grey levels",
        "preprocessing": "global contrast normalisation (L1) of every image, then min-max"
        " scaling with the minimum and maximum of the normal digit's training images",
        "seeds": list(seeds),
        "measure": "AUROC of the score on the whole test set (the normal digit against the"
        " other nine), mean over the ten digits",
    }
    data = {
        "rows": rows,
        "ae_mean": ae_mean,
        "ae_seed_spread": ae_spread,
        "pca_mean": pca_mean,
        "pca_components": components,
    }
    return _quality(
        "Anomaly detection: one digit normal, AUROC (Ruff et al.'s protocol)",
        (train, val, test),
        checks,
        data,
        settings,
        protocol,
    )


BENCHMARKS = {
    "hs2006": hs2006,
    "code_size": code_size,
    "vae_grey": vae_grey,
    "vae_binary": vae_binary,
    "denoising": denoising,
    "anomaly": anomaly,
}
