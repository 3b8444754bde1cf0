"""The VAEs, the ELBO objective and the importance-sampled likelihood, on small made-up data."""

import math

import pytest
import torch

import aeutils
from aeutils.vae import (
    MLPVAE,
    ConvVAE,
    elbo,
    importance_nll,
    kl_to_standard_normal,
    log_likelihood,
    reparameterize,
)


def test_shapes_of_both_vaes():
    x = torch.rand(5, 1, 28, 28)
    for model in (MLPVAE((784, 64), 6), ConvVAE(6, channels=(4, 8))):
        mu, logvar = model.encode_distribution(x)
        assert mu.shape == logvar.shape == (5, 6)
        assert model(x).shape == x.shape
        assert model.decode_logits(mu).shape == (5, 784)
        samples = model.sample(3, torch.Generator().manual_seed(0))
        assert samples.shape == (3, 784) and 0 < samples.min() and samples.max() < 1


def test_mlp_vae_is_the_pytorch_examples_architecture():
    # 784-400-(20, 20) encoder and 20-400-784 decoder: 2 * (784*400 + 400) + 2 * (400*20 + 20)
    # + 20*400 + 400 = 652,824 parameters.
    assert aeutils.count_parameters(MLPVAE((784, 400), 20)) == 652_824


def test_kl_matches_torch_distributions():
    mu, logvar = torch.randn(4, 3), torch.randn(4, 3)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
    expected = torch.distributions.kl_divergence(q, p).sum(dim=1)
    assert torch.allclose(kl_to_standard_normal(mu, logvar), expected, atol=1e-5)
    assert torch.allclose(
        kl_to_standard_normal(torch.zeros(2, 3), torch.zeros(2, 3)), torch.zeros(2)
    )


def test_reparameterize_has_the_right_moments_and_gradients():
    mu = torch.full((20_000, 1), 2.0, requires_grad=True)
    logvar = torch.full((20_000, 1), math.log(0.25), requires_grad=True)
    z = reparameterize(mu, logvar, torch.Generator().manual_seed(0))
    assert abs(z.mean().item() - 2.0) < 0.02 and abs(z.std().item() - 0.5) < 0.02
    z.sum().backward()
    assert mu.grad is not None and logvar.grad is not None


def test_log_likelihoods():
    logits, x = torch.randn(3, 10), torch.rand(3, 10)
    bernoulli = torch.distributions.Bernoulli(logits=logits).log_prob((x > 0.5).float()).sum(1)
    assert torch.allclose(log_likelihood(logits, (x > 0.5).float()), bernoulli, atol=1e-5)
    # The continuous Bernoulli adds log C(λ) >= log 2 per pixel to the Bernoulli term.
    gap = log_likelihood(logits, x, "continuous_bernoulli") - log_likelihood(logits, x)
    assert (gap >= 10 * math.log(2) - 1e-4).all()
    with pytest.raises(ValueError, match="likelihood must be one of"):
        log_likelihood(logits, x, "gaussian")


def test_elbo_terms_and_beta():
    torch.manual_seed(0)
    model, x = MLPVAE((20, 8), 2), torch.rand(6, 20)
    terms = elbo(beta=4.0)(model, x, x)
    assert set(terms) == {"loss", "reconstruction", "kl"}
    assert torch.allclose(terms["loss"], terms["reconstruction"] + 4.0 * terms["kl"])
    assert elbo(0.5).__name__ != elbo(1.0).__name__  # distinct names: distinct cache keys
    with pytest.raises(ValueError, match="beta must be a non-negative float, got -1"):
        elbo(-1)
    with pytest.raises(TypeError, match="model must be an MLPVAE or ConvVAE"):
        elbo()(aeutils.MLPAutoencoder((20, 4)), x, x)


def test_fit_with_the_elbo_lowers_it_and_records_its_terms():
    torch.manual_seed(0)
    x = (torch.rand(256, 1, 4, 4) > 0.5).float() * 0.9
    model = MLPVAE((16, 32), 2)
    history = aeutils.fit(model, x, x[:64], objective=elbo(), epochs=15, progress=False, lr=1e-2)
    assert history.train_loss[-1] < history.train_loss[0]
    assert set(history.terms) == {"reconstruction", "kl"} and len(history.terms["kl"]) == 15
    assert len(history.val_loss) == 15


def test_fit_refuses_both_loss_and_objective_and_bad_objectives():
    x = torch.rand(8, 4)
    model = aeutils.MLPAutoencoder((4, 2))
    with pytest.raises(ValueError, match="either loss or objective"):
        aeutils.fit(model, x, loss=aeutils.bce, objective=elbo(), progress=False)
    with pytest.raises(TypeError, match='a dict with a scalar tensor under "loss"'):
        aeutils.fit(model, x, objective=lambda m, i, t: {"recon": 1.0}, progress=False)


def test_importance_nll_is_exact_for_a_decoder_that_ignores_z():
    # If the decoder ignores z, p(x) = prod Bernoulli(x; sigmoid(b)); with q(z|x) = p(z) (all
    # weights zero: mu = 0, log var = 0) every importance weight is exactly p(x).
    model = MLPVAE((6, 4), 2)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.decoder[-2].bias.copy_(torch.tensor([2.0, -1.0, 0.0, 0.5, -3.0, 1.0]))
    x = torch.tensor([[1.0, 0, 1, 1, 0, 0], [0.0, 1, 0, 0, 1, 1]])
    exact = -log_likelihood(model.decoder[-2].bias.expand(2, -1), x)
    nll = importance_nll(model, x, k=50, chunk=20, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(nll, exact, atol=1e-4)
    with pytest.raises(ValueError, match="k .* must be a positive int, got 0"):
        importance_nll(model, x, k=0)


def _decoder_that_ignores_z(bias):
    """An MLPVAE whose q(z|x) is N(0, I) and whose decoder outputs `bias` whatever z is."""
    model = MLPVAE((len(bias), 4), 2)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.decoder[-2].bias.copy_(torch.tensor(bias))
    return model


def test_importance_nll_rejects_grey_levels_for_a_bernoulli_model():
    model = _decoder_that_ignores_z([0.5, -1.0, 2.0])
    grey = torch.tensor([[0.0, 0.3, 1.0]])
    with pytest.raises(ValueError, match="only to binary images.*aeutils.binarize"):
        importance_nll(model, grey, k=5)
    with pytest.raises(ValueError, match="only to binary images"):
        importance_nll(model, grey, k=5, likelihood="bernoulli")
    with pytest.raises(ValueError, match="likelihood must be one of"):
        importance_nll(model, (grey > 0.5).float(), k=5, likelihood="gaussian")
    with pytest.raises(ValueError, match="needs x in \\[0, 1\\]"):
        importance_nll(model, grey + 0.5, k=5, likelihood="continuous_bernoulli")
    # Binary images are scored without complaint.
    assert importance_nll(model, (grey > 0.5).float(), k=5).shape == (1,)


def test_importance_nll_continuous_bernoulli_is_exact_for_a_decoder_that_ignores_z():
    # As for the Bernoulli: with q(z|x) = p(z) and a decoder that ignores z, every importance
    # weight is the continuous Bernoulli density of x, a density on [0, 1] (it can exceed 1).
    bias = [2.0, -1.0, 0.0, 0.5]
    model = _decoder_that_ignores_z(bias)
    x = torch.tensor([[0.1, 0.9, 0.5, 0.0], [1.0, 0.2, 0.7, 0.35]])
    cb = torch.distributions.ContinuousBernoulli(logits=torch.tensor(bias))
    exact = -cb.log_prob(x).sum(dim=1)
    nll = importance_nll(
        model,
        x,
        k=40,
        chunk=16,
        generator=torch.Generator().manual_seed(0),
        likelihood="continuous_bernoulli",
    )
    assert torch.allclose(nll, exact, atol=1e-4)
    # The Bernoulli expression on the same grey levels lacks log C(λ) per pixel, so the proper
    # density scores every image higher (a lower NLL) by sum_i log C(λ_i) >= 4 log 2.
    bernoulli_expression = -log_likelihood(torch.tensor(bias).expand(2, -1), x)
    assert (bernoulli_expression - nll >= 4 * math.log(2) - 1e-4).all()
