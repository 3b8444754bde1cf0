"""Helpers that run a model in eval mode hand it back in the mode it was in."""

import pytest
import torch
from torch import nn

import aeutils
from aeutils import anomaly, models, plots, vae


def mlp():
    torch.manual_seed(0)
    return aeutils.MLPAutoencoder((16, 8, 2), dropout=0.5)


def vae_model():
    torch.manual_seed(0)
    return aeutils.MLPVAE((16, 8), 2)


x = torch.rand(6, 16)
binary = torch.bernoulli(torch.full((2, 16), 0.5), generator=torch.Generator().manual_seed(0))
HELPERS = {
    "reconstruct": (mlp, lambda m: aeutils.reconstruct(m, x)),
    "embed": (mlp, lambda m: aeutils.embed(m, x)),
    "interpolate": (mlp, lambda m: aeutils.interpolate(m, x[0], x[1], steps=3)),
    "evaluate": (mlp, lambda m: aeutils.evaluate(m, x)),
    "reconstruction_scores": (mlp, lambda m: anomaly.reconstruction_scores(m, x)),
    "plot_latent_grid": (mlp, lambda m: plots.plot_latent_grid(m, (0, 0), (1, 1), n=2)),
    "sample": (vae_model, lambda m: m.sample(3)),
    "importance_nll": (vae_model, lambda m: vae.importance_nll(m, binary, k=4, chunk=2)),
}


@pytest.mark.parametrize("name", sorted(HELPERS))
@pytest.mark.parametrize("mode", [True, False])
def test_helpers_restore_the_models_mode(name, mode):
    make, run = HELPERS[name]
    model = make().train(mode)
    run(model)
    assert model.training is mode
    assert all(module.training is mode for module in model.modules())


def test_evaluating_restores_the_mode_after_an_error():
    model = nn.Dropout(0.5).train()
    with pytest.raises(RuntimeError), models.evaluating(model):
        assert not model.training
        raise RuntimeError("inside")
    assert model.training
