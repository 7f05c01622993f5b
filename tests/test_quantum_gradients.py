"""The parameter-shift rule (Eq. 5) against torch autograd, on both engines."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from helpers.quantum import N_PARAMS, expectations, logits, parameter_shift_jacobian, shift_rule_on_loss


def inputs(seed, B=3):
    g = torch.Generator().manual_seed(seed)
    theta = torch.randn(N_PARAMS, generator=g, dtype=torch.float64)
    X = torch.rand(B, 4, generator=g, dtype=torch.float64) * math.pi
    y = torch.arange(B) % 3
    return theta, X, y


def autograd_jacobian(theta, X):
    jac = torch.autograd.functional.jacobian(lambda t: expectations(t, X), theta)     # (B, 3, 72)
    return jac


@pytest.mark.parametrize("engine", ["torch", "aer"])
def test_parameter_shift_jacobian_matches_autograd(engine):
    theta, X, _ = inputs(0, B=2)
    shift = parameter_shift_jacobian(theta, X, engine=engine)
    assert shift.shape == (2, 3, N_PARAMS)
    assert (shift - autograd_jacobian(theta, X)).abs().max() < 1e-6


@pytest.mark.parametrize("engine", ["torch", "aer"])
def test_loss_gradient_by_parameter_shift_matches_autograd(engine):
    theta, X, y = inputs(1)
    t1 = theta.clone().requires_grad_()
    F.cross_entropy(logits(t1, X, engine="torch", gradient="autograd"), y).backward()
    t2 = theta.clone().requires_grad_()
    F.cross_entropy(logits(t2, X, engine=engine, gradient="parameter-shift"), y).backward()
    assert t1.grad.abs().max() > 1e-3                        # a real, non-trivial gradient
    assert (t1.grad - t2.grad).abs().max() < 1e-6


def test_shift_rule_is_exact_not_a_finite_difference():
    """A small symmetric difference only approximates the derivative; the π/2 shift is exact."""
    theta, X, _ = inputs(2, B=1)
    exact = autograd_jacobian(theta, X)[0, 0]
    f = lambda t: expectations(t, X)[0, 0]                                   # noqa: E731
    assert (shift_rule_on_loss(f, theta) - exact).abs().max() < 1e-10
    h = 0.3
    finite = shift_rule_on_loss(f, theta, shift=h) / math.sin(h)             # exact for a sinusoid, too
    assert (finite - exact).abs().max() < 1e-10
    assert (shift_rule_on_loss(f, theta, shift=h) / h - exact).abs().max() > 1e-4


def test_eq5_on_the_loss_itself_is_not_the_gradient():
    """Eq. (5) as printed, applied to the cross-entropy, differs from the true gradient."""
    theta, X, y = inputs(3)
    loss = lambda t: F.cross_entropy(expectations(t, X), y)                  # noqa: E731
    t = theta.clone().requires_grad_()
    loss(t).backward()
    assert (shift_rule_on_loss(loss, theta) - t.grad).abs().max() > 1e-3


def test_bad_gradient_settings():
    theta, X, _ = inputs(4)
    with pytest.raises(ValueError, match="needs engine='torch'"):
        logits(theta, X, engine="aer", gradient="autograd")
    with pytest.raises(ValueError, match="unknown gradient 'finite'"):
        logits(theta, X, gradient="finite")
    with pytest.raises(ValueError, match=r"theta must have shape \(72,\) here"):
        parameter_shift_jacobian(theta.expand(2, N_PARAMS), X)


def test_last_rz_layer_cannot_change_the_output():
    """θ_66..θ_71 (the last Rz layer) only add phases before a permutation and a Z measurement."""
    theta, X, _ = inputs(5, B=4)
    jac = autograd_jacobian(theta, X)
    assert jac[..., 66:].abs().max() < 1e-12 and jac[..., 60:66].abs().max() > 1e-3
