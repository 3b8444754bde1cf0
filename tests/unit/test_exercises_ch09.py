"""Chapter 9: the exercise references agree with the library and the maths, and the checks catch
typical mistakes."""

import torch

from aeutils import exercises, penalties
from aeutils.vae import elbo, kl_to_standard_normal, log_likelihood
from instructor.references import ch09


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


def test_summing_over_units_gets_the_message_of_the_conventions(capsys):
    def kl_sparsity(rho, rho_hat):
        return ch09.kl_sparsity(rho, rho_hat).sum()

    assert not exercises.check("sparsity-kl", kl_sparsity)
    out = capsys.readouterr().out
    assert "✗ kl_sparsity(0.05, tensor([0.05, 0.2])) returned shape (), expected (2,)" in out
    assert "sum over units" in out


def test_a_float32_answer_to_the_float64_jacobian_check_is_told_to_convert(capsys):
    def in_float32(x, weight, bias):
        return ch09.sigmoid_jacobian_norm(x.float(), weight.float(), bias.float())

    assert not exercises.check("sigmoid-jacobian-norm", in_float32)
    out = capsys.readouterr().out
    assert "returned dtype torch.float32, expected torch.float64: convert with `.double()`" in out
    assert exercises.check("sigmoid-jacobian-norm", lambda *a: in_float32(*a).double())
