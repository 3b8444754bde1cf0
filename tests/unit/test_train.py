import os
import re

import pytest
import torch
from torch import nn

from aeutils import checkpoints, train
from aeutils.losses import mse
from aeutils.models import ConvAutoencoder, MLPAutoencoder


class ConstantOutput(nn.Module):
    """Outputs sigmoid(logit) everywhere: training on all-ones data only ever raises it."""

    def __init__(self, logit: float = 0.0) -> None:
        super().__init__()
        self.logit = nn.Parameter(torch.tensor(logit))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logit).expand_as(x)


def weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items()}


def same_weights(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def small_mlp(seed: int = 0, widths=(16, 4)) -> MLPAutoencoder:
    torch.manual_seed(seed)
    return MLPAutoencoder(widths)


def test_fit_reduces_the_loss_on_a_tiny_dataset():
    x = torch.rand(64, 16, generator=torch.Generator().manual_seed(0))
    model = small_mlp()
    before = train.evaluate(model, x)
    history = train.fit(model, x, epochs=20, batch_size=16, lr=1e-2, progress=False)
    assert len(history.train_loss) == 20 and history.val_loss == []
    assert history.train_loss[-1] < 0.8 * history.train_loss[0]
    assert train.evaluate(model, x) < 0.8 * before
    assert not history.stopped_early and history.seconds > 0 and not model.training


def test_linear_autoencoder_fits_rank_two_data():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(256, 2, generator=g) @ torch.randn(2, 8, generator=g) + 0.5
    torch.manual_seed(0)
    model = MLPAutoencoder((8, 2), output_activation=None)
    train.fit(model, x, epochs=60, batch_size=32, lr=2e-2, progress=False)
    assert train.evaluate(model, x) < 1e-6 * x.var().item()


def test_early_stopping_when_validation_cannot_improve():
    model = ConstantOutput()
    history = train.fit(
        model,
        torch.ones(8, 4),
        torch.zeros(4, 4),
        epochs=50,
        batch_size=8,
        lr=0.1,
        patience=3,
        progress=False,
    )
    assert history.stopped_early
    assert len(history.train_loss) == len(history.val_loss) == 4
    assert history.best_epoch == 1
    assert all(a < b for a, b in zip(history.val_loss, history.val_loss[1:], strict=False))  # worse
    assert train.evaluate(model, torch.zeros(4, 4)) == history.val_loss[0]  # epoch 1's weights


def test_min_delta_stops_when_progress_is_slower_than_the_threshold():
    # the output creeps up towards the target 0.5: each epoch is better, by about 0.1%
    def run(**options):
        model = ConstantOutput(-4.0)
        history = train.fit(
            model,
            torch.ones(8, 4),
            torch.full((4, 4), 0.5),
            epochs=10,
            batch_size=8,
            lr=0.01,
            patience=2,
            progress=False,
            **options,
        )
        return model, history

    _, every_gain = run()
    assert not every_gain.stopped_early and len(every_gain.val_loss) == 10
    model, slow = run(min_delta=0.01)
    assert slow.stopped_early and len(slow.val_loss) == 3  # epoch 1, then 2 too-small gains
    assert all(b < a for a, b in zip(slow.val_loss, slow.val_loss[1:], strict=False))
    assert slow.best_epoch == 3  # the weights kept are still those of the lowest loss
    assert train.evaluate(model, torch.full((4, 4), 0.5)) == slow.val_loss[-1]


VAL_HALF = torch.full((4, 4), 0.5)


def fit_past_the_best(model: ConstantOutput, **options) -> train.History:
    """30 epochs in which the output rises through the validation target 0.5, then far past it."""
    return train.fit(
        model,
        torch.ones(8, 4),
        VAL_HALF,
        epochs=30,
        batch_size=8,
        lr=0.3,
        progress=False,
        **options,
    )


def test_fit_restores_and_checkpoints_the_best_weights(tmp_path):
    model = ConstantOutput(-4.0)
    checkpoint = tmp_path / "runs" / "best.pt"
    history = fit_past_the_best(model, checkpoint=checkpoint)
    best = min(history.val_loss)
    assert 1 < history.best_epoch < 30 and history.val_loss[history.best_epoch - 1] == best
    assert history.val_loss[-1] > 10 * best
    assert train.evaluate(model, VAL_HALF) == best

    saved = ConstantOutput()
    metadata = checkpoints.load_checkpoint(saved, checkpoint)
    assert torch.equal(saved.logit, model.logit)
    assert metadata["epoch"] == history.best_epoch
    assert metadata["history"]["val_loss"] == history.val_loss[: history.best_epoch]


def test_fit_is_repeatable_with_a_seed():
    x = torch.rand(32, 16, generator=torch.Generator().manual_seed(0))
    runs = [small_mlp() for _ in range(2)]
    losses = [train.fit(m, x, epochs=3, batch_size=8, seed=5, progress=False) for m in runs]
    assert losses[0].train_loss == losses[1].train_loss
    assert same_weights(runs[0].state_dict(), runs[1].state_dict())


def test_fit_uses_the_given_loss():
    x = torch.rand(16, 16, generator=torch.Generator().manual_seed(0))
    calls = []

    def counting_mse(x_hat, x):
        calls.append(len(x))
        return mse(x_hat, x)

    train.fit(small_mlp(), x, epochs=2, batch_size=8, loss=counting_mse, progress=False)
    assert calls == [8, 8, 8, 8]


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_fit_rejects_non_finite_train_x(bad):
    x = torch.rand(8, 16)
    x[3, 5] = bad
    with pytest.raises(ValueError, match="train_x must be finite, got 1 NaN or infinite values"):
        train.fit(small_mlp(), x, progress=False)


def test_fit_rejects_non_finite_val_x():
    val_x = torch.rand(4, 16)
    val_x[0, 0] = float("nan")
    with pytest.raises(ValueError, match="val_x must be finite"):
        train.fit(small_mlp(), torch.rand(8, 16), val_x, progress=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"train_x": [[0.0]]}, TypeError, "train_x must be a torch.Tensor, got a list"),
        ({"train_x": torch.rand(16)}, ValueError, r"train_x must have at least 2 .*\(16,\)"),
        (
            {"train_x": torch.rand(0, 16)},
            ValueError,
            r"train_x must hold at least one example, got shape \(0, 16\)",
        ),
        (
            {"train_x": torch.rand(8, 16).double()},
            TypeError,
            r"train_x must be a float32 tensor, got torch.float64; convert it with train_x.float\(\)",  # noqa: E501
        ),
        (
            {"train_x": torch.zeros(8, 16, dtype=torch.uint8)},
            TypeError,
            r"got torch.uint8; 8-bit images \(0-255\) must be divided by 255 and converted: train_x.float\(\) / 255",  # noqa: E501
        ),
        ({"val_x": torch.rand(4, 8)}, ValueError, r"val_x must have examples shaped .*got \(8,\)"),
        ({"epochs": 0}, ValueError, "epochs must be a positive int, got 0"),
        ({"batch_size": 1.5}, TypeError, r"batch_size must be a positive int, got 1.5 \(float\)"),
        ({"lr": "0.1"}, TypeError, r"lr must be a positive float, got '0.1' \(str\)"),
        ({"seed": -1}, ValueError, r"seed must be a non-negative int, got -1 \(int\)"),
        (
            {"corrupt": 0.3},
            TypeError,
            r"corrupt must be a function \(x, generator\) -> corrupted x, got 0.3",
        ),
        ({"progress": "yes"}, TypeError, "progress must be True or False, got 'yes'"),
        ({"device": "gpu"}, ValueError, "device must name a torch device .*got 'gpu'"),
        ({"patience": 0}, ValueError, "patience must be a positive int, got 0"),
        ({"patience": 2}, ValueError, "patience .* needs val_x, got val_x=None"),
        ({"min_delta": -0.1}, ValueError, r"min_delta must be a float in \[0, 1\), got -0.1"),
        ({"min_delta": 1.0}, ValueError, r"min_delta must be a float in \[0, 1\), got 1.0"),
        ({"lr": 0.0}, ValueError, "lr must be a positive float, got 0.0"),
        ({"lr": float("nan")}, ValueError, "lr must be a positive float, got nan"),
    ],
)
def test_fit_rejects_bad_arguments(kwargs, error, message):
    arguments = {"train_x": torch.rand(8, 16), "progress": False, **kwargs}
    with pytest.raises(error, match=message):
        train.fit(small_mlp(), **arguments)


def test_fit_rejects_an_unwritable_checkpoint_folder_before_training(unwritable_folder):
    model = small_mlp()
    before = weights(model)
    folder = re.escape(repr(str(unwritable_folder)))
    with pytest.raises(PermissionError, match=f"checkpoint: cannot write to the folder {folder}"):
        train.fit(model, torch.rand(8, 16), checkpoint=unwritable_folder / "m.pt", progress=False)
    assert same_weights(model.state_dict(), before)


def test_reconstruct_embed_and_evaluate_agree_with_the_model():
    model = small_mlp(widths=(16, 8, 3))
    x = torch.rand(10, 1, 4, 4)
    model.eval()
    with torch.no_grad():
        expected_codes, expected_out = model.encode(x), model(x)
    assert torch.allclose(train.reconstruct(model, x, batch_size=3), expected_out)
    assert torch.allclose(train.embed(model, x, batch_size=3), expected_codes)
    mean_loss = train.evaluate(model, x, batch_size=3)
    assert mean_loss == pytest.approx(mse(expected_out, x).item(), rel=1e-6)


def test_reconstruct_uses_eval_mode_for_batchnorm():
    torch.manual_seed(0)
    model = ConvAutoencoder(latent_dim=3, channels=(2,), image_size=8)
    x = torch.rand(6, 1, 8, 8)
    one_by_one = torch.cat([train.reconstruct(model, x[i : i + 1]) for i in range(6)])
    assert torch.allclose(train.reconstruct(model, x), one_by_one, atol=1e-6)


def test_checkpoint_round_trip_gives_identical_weights(tmp_path):
    torch.manual_seed(0)
    model = ConvAutoencoder(latent_dim=3, channels=(2, 4), image_size=8)
    model(torch.rand(5, 1, 8, 8))  # moves the BatchNorm running statistics off their defaults
    path = checkpoints.save_checkpoint(model, tmp_path / "model.pt", epoch=7, note="hi")
    assert path == tmp_path / "model.pt"

    torch.manual_seed(1)
    copy = ConvAutoencoder(latent_dim=3, channels=(2, 4), image_size=8)
    assert not same_weights(copy.state_dict(), model.state_dict())
    metadata = checkpoints.load_checkpoint(copy, path)
    assert same_weights(copy.state_dict(), model.state_dict())
    assert metadata == {
        "format": checkpoints.CHECKPOINT_FORMAT,
        "model_class": "ConvAutoencoder",
        "epoch": 7,
        "note": "hi",
    }


def small_conv(latent_dim: int) -> ConvAutoencoder:
    return ConvAutoencoder(latent_dim, channels=(2,), image_size=8)


@pytest.mark.parametrize(
    ("saved", "other"),
    [
        (lambda: small_mlp(0, (16, 4)), lambda: small_mlp(1, (16, 8))),
        (lambda: small_mlp(0, (16, 4)), lambda: small_conv(3)),
        (lambda: small_conv(3), lambda: small_conv(4)),  # the convolution layers would fit
    ],
)
def test_checkpoint_of_another_architecture_leaves_the_model_untouched(tmp_path, saved, other):
    path = checkpoints.save_checkpoint(saved(), tmp_path / "model.pt")
    model = other()
    before = weights(model)
    with pytest.raises(ValueError, match=r"path: checkpoint .* another architecture"):
        checkpoints.load_checkpoint(model, path)
    assert same_weights(model.state_dict(), before)


def test_architecture_mismatch_lists_the_differences(tmp_path):
    path = checkpoints.save_checkpoint(small_mlp(widths=(16, 4)), tmp_path / "model.pt")
    message = r"encoder\.0\.weight: saved \(4, 16\), model has \(8, 16\)"
    with pytest.raises(ValueError, match=message):
        checkpoints.load_checkpoint(small_mlp(widths=(16, 8)), path)


@pytest.mark.parametrize("corrupt", ["garbage", "truncated"])
def test_corrupt_checkpoint_is_a_clear_error(tmp_path, corrupt):
    path = checkpoints.save_checkpoint(small_mlp(1), tmp_path / "model.pt")
    good = path.read_bytes()
    path.write_bytes(bytes(range(256)) if corrupt == "garbage" else good[: len(good) // 2])
    model = small_mlp()
    before = weights(model)
    with pytest.raises(ValueError, match=rf"path: {re.escape(repr(str(path)))} is not a readable"):
        checkpoints.load_checkpoint(model, path)
    assert same_weights(model.state_dict(), before)


def test_foreign_torch_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save(small_mlp().state_dict(), path)
    with pytest.raises(ValueError, match="is not an aeutils checkpoint"):
        checkpoints.load_checkpoint(small_mlp(), path)


def test_missing_checkpoint_names_the_path(tmp_path):
    path = tmp_path / "missing.pt"
    with pytest.raises(FileNotFoundError, match=re.escape(repr(str(path)))):
        checkpoints.load_checkpoint(small_mlp(), path)


def test_save_checkpoint_creates_missing_folders(tmp_path):
    path = checkpoints.save_checkpoint(small_mlp(), tmp_path / "a" / "b" / "model.pt")
    assert path.is_file()


def test_save_checkpoint_to_an_unwritable_folder_names_it(unwritable_folder):
    folder = re.escape(repr(str(unwritable_folder)))
    with pytest.raises(PermissionError, match=f"path: cannot write to the folder {folder}"):
        checkpoints.save_checkpoint(small_mlp(), unwritable_folder / "model.pt")


def test_failed_save_keeps_the_old_checkpoint_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = checkpoints.save_checkpoint(small_mlp(0), tmp_path / "model.pt")
    good = path.read_bytes()

    def save_half_then_fail(obj, file):
        file.write(good[: len(good) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", save_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        checkpoints.save_checkpoint(small_mlp(1), path)
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["model.pt"]


def test_history_as_dict():
    history = train.History([0.5, 0.25], [0.6, 0.3], best_epoch=2, seconds=1.5)
    assert history.as_dict() == {
        "train_loss": [0.5, 0.25],
        "val_loss": [0.6, 0.3],
        "terms": {},
        "best_epoch": 2,
        "stopped_early": False,
        "seconds": 1.5,
    }


def test_fit_with_corrupt_feeds_noisy_inputs_and_compares_with_clean_targets():
    seen = []

    class Recorder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = nn.Parameter(torch.tensor(1.0))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            seen.append(x.detach().clone())
            return self.scale * x

    x = torch.full((8, 4), 0.5)
    history = train.fit(
        Recorder(), x, x, corrupt=lambda b, g: b + 1.0, epochs=1, batch_size=8, progress=False
    )
    assert all(torch.equal(s, x + 1.0) for s in seen)  # training and validation inputs corrupted
    assert history.val_loss[0] > 0  # the target stayed clean: output 1.5 vs target 0.5


def test_denoising_training_beats_the_identity_on_noisy_inputs():
    from aeutils.noise import gaussian_noise

    g = torch.Generator().manual_seed(0)
    prototypes = (torch.rand(4, 16, generator=g) > 0.5).float()  # structure a denoiser can learn
    clean = prototypes[torch.randint(0, 4, (256,), generator=g)]
    noise = gaussian_noise(0.3)
    torch.manual_seed(0)
    model = MLPAutoencoder((16, 32, 4))
    train.fit(model, clean, corrupt=noise, epochs=60, lr=1e-2, batch_size=32, progress=False)
    noisy = noise(clean, torch.Generator().manual_seed(1))
    denoised = train.reconstruct(model, noisy)
    assert mse(denoised, clean) < 0.2 * mse(noisy, clean)


def test_fit_keep_best_false_keeps_the_last_epoch_weights():
    runs = {}
    for keep_best in (True, False):
        model = ConstantOutput(-4.0)
        history = fit_past_the_best(model, keep_best=keep_best)
        runs[keep_best] = (model, history)
    (best_model, best_history), (last_model, last_history) = runs[True], runs[False]
    assert best_history.val_loss == last_history.val_loss  # the same training run
    assert last_history.best_epoch == best_history.best_epoch < 30
    assert train.evaluate(last_model, VAL_HALF) == last_history.val_loss[-1]
    assert train.evaluate(best_model, VAL_HALF) == min(best_history.val_loss)
    assert last_history.val_loss[-1] > 10 * min(last_history.val_loss)


def test_fit_rejects_a_non_boolean_keep_best():
    with pytest.raises(TypeError, match="keep_best must be True or False, got 'no'"):
        train.fit(small_mlp(), torch.rand(8, 16), keep_best="no", progress=False)


def test_interpolate_decodes_the_segment_between_two_codes():
    model = small_mlp(widths=(16, 4))
    x1, x2 = torch.rand(1, 4, 4), torch.rand(1, 4, 4)
    path = train.interpolate(model, x1, x2, steps=5)
    assert path.shape == (5, 1, 4, 4)
    with torch.no_grad():
        z1, z2 = model.encode(x1[None]), model.encode(x2[None])
        middle = model.decode((z1 + z2) / 2).view(1, 4, 4)
        assert torch.allclose(path[0], model(x1[None])[0])
        assert torch.allclose(path[-1], model(x2[None])[0])
    assert torch.allclose(path[2], middle)


@pytest.mark.parametrize(
    ("x2", "steps", "message"),
    [
        (torch.rand(16), 1, r"steps \(both ends of the line included\) must be an int >= 2, got 1"),
        (torch.rand(16), 2.5, r"steps .* must be an int >= 2, got 2.5 \(float\)"),
        (torch.rand(2, 16), 3, r"x2 must have the shape of x1 \(16,\) .*got \(2, 16\)"),
    ],
)
def test_interpolate_rejects_bad_arguments(x2, steps, message):
    error = TypeError if isinstance(steps, float) else ValueError
    with pytest.raises(error, match=message):
        train.interpolate(small_mlp(), torch.rand(16), x2, steps=steps)


def test_decoupled_weight_decay_uses_adamw_and_coupled_uses_adam():
    adam = train.adam
    weight = torch.nn.Parameter(torch.ones(3))
    assert type(adam([weight], weight_decay=0.1)) is torch.optim.Adam
    assert type(adam([weight], weight_decay=0.1, decoupled_weight_decay=True)) is torch.optim.AdamW
    # AdamW with a zero gradient still shrinks a weight by lr * λ * W per step; Adam's coupled L2
    # turns λW into a normalised step of about lr whatever λ is.
    for decoupled, expected in ((True, 1 - 1e-2 * 0.5), (False, 1 - 1e-2)):
        w = torch.nn.Parameter(torch.ones(1))
        opt = adam([w], lr=1e-2, weight_decay=0.5, decoupled_weight_decay=decoupled)
        w.grad = torch.zeros(1)
        opt.step()
        assert float(w) == pytest.approx(expected, rel=1e-4)


def test_fit_rejects_a_non_boolean_decoupled_weight_decay():
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 4))
    with pytest.raises(
        TypeError, match=r"decoupled_weight_decay must be True or False, got 1 \(int\)"
    ):
        train.fit(model, torch.rand(8, 4), decoupled_weight_decay=1, progress=False)


def test_fit_trains_on_the_device_pick_device_chooses(monkeypatch):
    asked = []

    def recording_pick_device(prefer=None):
        asked.append(prefer)
        return torch.device("cpu")

    monkeypatch.setattr(train, "pick_device", recording_pick_device)
    train.fit(small_mlp(), torch.rand(8, 16), epochs=1, progress=False)
    train.fit(small_mlp(), torch.rand(8, 16), epochs=1, progress=False, device="cpu")
    assert asked == [None, "cpu"]


def test_fit_without_a_gpu_computes_what_it_computes_on_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    x = torch.rand(32, 16, generator=torch.Generator().manual_seed(0))
    default, on_cpu = small_mlp(0), small_mlp(0)
    train.fit(default, x, epochs=2, batch_size=8, progress=False)
    train.fit(on_cpu, x, epochs=2, batch_size=8, progress=False, device="cpu")
    assert same_weights(default.state_dict(), on_cpu.state_dict())
    assert next(default.parameters()).device == torch.device("cpu") and not default.training
