"""Chapter 9: the exercise references agree with the library and the maths, and the checks catch
typical mistakes."""

import re

import pytest
import torch
import torch.nn.functional as F

from aeutils import exercises, penalties
from aeutils.exercises import ch09
from aeutils.vae import elbo, kl_to_standard_normal, log_likelihood


def test_kl_sparsity_per_unit_sums_to_the_library_penalty():
    g = torch.Generator().manual_seed(0)
    activations = torch.rand(50, 6, generator=g, dtype=torch.float64)
    per_unit = ch09.kl_sparsity(0.05, activations.mean(dim=0))
    assert per_unit.shape == (6,) and (per_unit >= 0).all()
    assert torch.allclose(per_unit.sum(), penalties.kl_sparsity(activations, 0.05))
    assert ch09.kl_sparsity(0.05, torch.tensor([0.05])).abs().item() < 1e-7


def test_sigmoid_jacobian_norm_reference_agrees_with_autograd():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(4, 7, generator=g, dtype=torch.float64)
    w = torch.randn(3, 7, generator=g, dtype=torch.float64)
    b = torch.randn(3, generator=g, dtype=torch.float64)
    expected = penalties.jacobian_norm(lambda v: torch.sigmoid(v @ w.T + b), x)
    assert torch.allclose(ch09.sigmoid_jacobian_norm(x, w, b), expected)


def test_beta_vae_loss_reference_is_the_library_elbo_per_example():
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(5, 10, generator=g) > 0.5).float()
    logits, mu, logvar = torch.randn(5, 10), torch.randn(5, 3), torch.randn(5, 3)
    for beta in (0.5, 1.0, 4.0):
        expected = -log_likelihood(logits, x) + beta * kl_to_standard_normal(mu, logvar)
        assert torch.allclose(ch09.beta_vae_loss(x, logits, mu, logvar, beta), expected)
    assert elbo(1.0).__name__ == "elbo_beta1_bernoulli"


def wrong_answers():
    def summed(rho, rho_hat):
        return ch09.kl_sparsity(rho, rho_hat).sum()

    def reversed_kl(rho, rho_hat):
        return rho_hat * torch.log(rho_hat / rho) + (1 - rho_hat) * torch.log(
            (1 - rho_hat) / (1 - rho)
        )

    def first_term_only(rho, rho_hat):
        return rho * torch.log(rho / rho_hat)

    def sigma_prime_of_z(x, weight, bias):
        z = torch.sigmoid(x @ weight.T + bias)
        s = torch.sigmoid(z)
        return (s * (1 - s)).pow(2) @ weight.pow(2).sum(dim=1)

    def not_squared(x, weight, bias):
        z = torch.sigmoid(x @ weight.T + bias)
        return (z * (1 - z)) @ weight.pow(2).sum(dim=1)

    def norm_not_squared(x, weight, bias):
        return ch09.sigmoid_jacobian_norm(x, weight, bias).sqrt()

    def mean_over_pixels(x, logits, mu, logvar, beta):
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
        return reconstruction.mean(dim=1) + beta * kl

    def logvar_as_sigma(x, logits, mu, logvar, beta):
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu.pow(2) + logvar.pow(2) - 1.0 - 2 * torch.log(logvar.abs())).sum(dim=1)
        return reconstruction + beta * kl

    def without_half(x, logits, mu, logvar, beta):
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
        return reconstruction + beta * kl

    def beta_on_reconstruction(x, logits, mu, logvar, beta):
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
        return beta * reconstruction + kl

    def batch_mean(x, logits, mu, logvar, beta):
        return ch09.beta_vae_loss(x, logits, mu, logvar, beta).mean()

    return [
        ("sparsity-kl", summed),
        ("sparsity-kl", reversed_kl),
        ("sparsity-kl", first_term_only),
        ("sigmoid-jacobian-norm", sigma_prime_of_z),
        ("sigmoid-jacobian-norm", not_squared),
        ("sigmoid-jacobian-norm", norm_not_squared),
        ("beta-elbo", mean_over_pixels),
        ("beta-elbo", logvar_as_sigma),
        ("beta-elbo", without_half),
        ("beta-elbo", beta_on_reconstruction),
        ("beta-elbo", batch_mean),
    ]


@pytest.mark.parametrize(
    ("name", "answer"), wrong_answers(), ids=lambda v: getattr(v, "__name__", v)
)
def test_typical_mistakes_fail_the_check(name, answer, capsys):
    assert not exercises.check(name, answer)
    out = capsys.readouterr().out
    # caught by comparing its result (not by crashing, which also prints ✗), with the hint
    assert re.search(r"^✗ .* (returned|values differ)", out, re.MULTILINE), out
    assert " raised " not in out and "\n  hint: " in out


def test_summing_over_units_gets_the_message_of_the_conventions(capsys):
    def kl_sparsity(rho, rho_hat):
        return ch09.kl_sparsity(rho, rho_hat).sum()

    assert not exercises.check("sparsity-kl", kl_sparsity)
    out = capsys.readouterr().out
    assert "✗ kl_sparsity(0.05, tensor([0.05, 0.2])) returned shape (), expected (2,)" in out
    assert "sum over units" in out


def test_a_float32_answer_passes_the_float64_jacobian_check():
    def in_float32(x, weight, bias):
        return ch09.sigmoid_jacobian_norm(x.float(), weight.float(), bias.float())

    assert exercises.check("sigmoid-jacobian-norm", in_float32)
