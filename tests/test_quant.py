"""Tests for helpers.quant: Eq. (1) forward, Eq. (3) backward, the quantizers and quantize_model."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from helpers.models import resnet18
from helpers.quant import (DSQ, LSQ, PACT, DoReFa, LSQPlus, QuantConv2d, QuantLinear, fake_quantize,
                           grad_scale, int_range, quantize_model, quantized_layers, set_quantization, ste_round)


def test_ste_round_forward_rounds_backward_is_identity():
    x = torch.tensor([-1.6, -0.4, 0.2, 0.5, 2.7], requires_grad=True)
    y = ste_round(x)
    assert torch.equal(y, torch.round(x.detach()))
    y.sum().backward()
    assert torch.equal(x.grad, torch.ones_like(x))


@pytest.mark.parametrize("bits,signed,expected", [(4, True, (8, 7)), (2, True, (2, 1)), (1, True, (1, 0)),
                                                  (3, False, (0, 7))])
def test_int_range(bits, signed, expected):
    assert int_range(bits, signed) == expected


@pytest.mark.parametrize("bits", [0, -1, 1.5, True, "4"])
def test_bits_below_one_or_not_integer_is_an_error(bits):
    with pytest.raises(ValueError, match="bits must be an integer >= 1"):
        fake_quantize(torch.randn(3), 0.1, bits)
    with pytest.raises(ValueError, match="bits"):
        LSQ(bits)


@pytest.mark.parametrize("bits", [1, 2, 4])
def test_fake_quantize_is_eq1(bits):
    torch.manual_seed(0)
    x, s = torch.randn(1000) * 3, 0.37
    Q_N, Q_P = int_range(bits)
    q = fake_quantize(x, s, bits)
    expected = s * torch.round(torch.clamp(x / s, -Q_N, Q_P))
    assert torch.allclose(q, expected)
    k = q / s
    assert torch.allclose(k, k.round(), atol=1e-5)
    assert k.round().min() >= -Q_N and k.round().max() <= Q_P
    assert q.unique().numel() <= 2 ** bits


def test_fake_quantize_gradient_is_eq3():
    """dL/dx = dL/dx^q inside the clipping range [-Q_N s, Q_P s], zero outside."""
    s, bits = 0.5, 3                                 # range [-4 * 0.5, 3 * 0.5] = [-2, 1.5]
    x = torch.tensor([-3.0, -2.1, -1.9, 0.0, 0.74, 1.4, 1.6, 5.0], requires_grad=True)
    fake_quantize(x, s, bits).sum().backward()
    inside = (x.detach() >= -2.0) & (x.detach() <= 1.5)
    assert torch.equal(x.grad, inside.float())


def test_fake_quantize_step_gradient_is_lsq():
    """d x^q / d s = round(v) - v inside the range, -Q_N or Q_P outside (Esser et al., Eq. 3)."""
    x = torch.tensor([-10.0, -0.3, 0.26, 10.0])
    s = torch.tensor(0.2, requires_grad=True)
    fake_quantize(x, s, 4).sum().backward()
    v = x / 0.2
    expected = torch.where(v < -8, torch.tensor(-8.0), torch.where(v > 7, torch.tensor(7.0), v.round() - v))
    assert torch.isclose(s.grad, expected.sum(), atol=1e-5)


QUANTIZERS = [(LSQ, "weight"), (LSQ, "activation"), (LSQPlus, "weight"), (LSQPlus, "activation"),
              (PACT, "activation"), (DoReFa, "weight"), (DSQ, "weight"), (DSQ, "activation")]


@pytest.mark.parametrize("cls,kind", QUANTIZERS)
@pytest.mark.parametrize("bits", [1, 2, 4])
def test_quantizers_take_at_most_2_to_the_b_values_and_backpropagate(cls, kind, bits):
    torch.manual_seed(0)
    q = cls(bits, kind=kind)
    x = (torch.randn(16, 8, 4, 4) * 2).requires_grad_()
    if kind == "activation" and cls is not LSQPlus:
        x = x.detach().relu().requires_grad_()     # post-ReLU input: an unsigned grid
    y = q(x)
    assert y.shape == x.shape
    assert y.detach().unique().numel() <= 2 ** bits
    (y * torch.randn_like(y)).sum().backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0
    for p in q.parameters():
        if p.requires_grad:
            assert p.grad is not None and torch.isfinite(p.grad).all()
    assert f"bits={bits}" in repr(q)


def test_lsq_initialisation_and_gradient_scale():
    w = torch.randn(64, 32) * 0.1
    q = LSQ(4)
    q(w)
    assert math.isclose(q.scale.item(), 2 * w.abs().mean().item() / math.sqrt(7), rel_tol=1e-5)
    assert math.isclose(q.grad_factor(w), 1 / math.sqrt(w.numel() * 7))
    act = LSQ(4, kind="activation")
    act(torch.rand(10, 3, 5, 5))
    assert not act.signed and math.isclose(act.grad_factor(torch.rand(10, 3, 5, 5)), 1 / math.sqrt(75 * 15))


def test_lsq_plus_offset_tracks_signed_activations():
    x = torch.randn(256, 10) - 1.0                 # mostly negative, as after a Swish
    q = LSQPlus(3, kind="activation")
    y = q(x)
    assert math.isclose(q.offset.item(), x.min().item(), rel_tol=1e-6)
    assert y.unique().numel() <= 8 and y.min() < 0
    assert (y - x).abs().max() <= q.scale.item() / 2 + 1e-5   # every value within half a step


def test_pact_alpha_gets_gradient_only_from_clipped_inputs():
    q = PACT(4)
    q(torch.tensor([0.0, 2.0]))                   # initialises alpha = 2
    x = torch.tensor([0.1, 0.5, 1.9, 2.5, 3.0])
    q(x).sum().backward()
    assert q.alpha.grad.item() == pytest.approx(2.0)   # two inputs above alpha


def test_dsq_backward_is_a_soft_staircase():
    q = DSQ(2, alpha=0.05)
    q(torch.tensor([-1.5, 1.5]))                  # range [-1.5, 1.5], three intervals of width 1
    x = torch.tensor([-0.98, -0.5, 0.3], requires_grad=True)  # near a centre, on a grid point, between
    y = q(x)
    assert torch.allclose(y, torch.tensor([-0.5, -0.5, 0.5]))  # grid -1.5, -0.5, 0.5, 1.5 in the forward pass
    y.sum().backward()
    # steep at the middle of an interval (where the staircase jumps), flat near the grid points
    assert x.grad[0] > 1.5 and x.grad[1] < 0.25


def test_dsq_range_and_sharpness_gradients_carry_lsqs_scale(monkeypatch):
    """A weight range learned at the weights' own step size slid below zero and killed a 4-bit
    ResNet (seed 1 of the book's recipe stayed at chance); the scale g = 1/sqrt(N Q_P) prevents it."""
    x = torch.randn(64, 8)
    grads = {}
    for label, factor in (("scaled", None), ("unscaled", 1.0)):
        q = DSQ(4, kind="weight")
        if factor is not None:
            monkeypatch.setattr(q, "grad_factor", lambda x, f=factor: f)
        q(x)                                      # initialise the range on x
        (q(x) * torch.linspace(-1, 1, x.numel()).reshape_as(x)).sum().backward()
        grads[label] = torch.stack([q.lower.grad, q.upper.grad, q.alpha.grad])
    g = DSQ(4, kind="weight").grad_factor(x)
    assert g == pytest.approx(1 / math.sqrt(x.numel() * 7))
    assert grads["unscaled"].abs().sum() > 0
    assert torch.allclose(grads["scaled"], g * grads["unscaled"])


def test_disable_makes_the_identity():
    q = LSQ(2)
    x = torch.randn(20)
    assert not torch.equal(q(x), x)
    assert torch.equal(q.disable()(x), x)
    assert "enabled=False" in repr(q)


def test_flags_are_buffers_and_travel_with_the_state_dict():
    q = LSQPlus(4, "activation")
    q(torch.randn(8, 3))
    q.disable()
    assert {"enabled", "initialized", "sign_mode"} <= dict(q.named_buffers()).keys()
    fresh = LSQPlus(4, "activation")
    assert fresh.enabled and not fresh.initialized
    fresh.load_state_dict(q.state_dict())
    assert not fresh.enabled and fresh.initialized and fresh.sign_mode == 0
    x = torch.randn(8, 3)
    assert torch.equal(fresh(x), x)                                             # disabled: the identity
    assert torch.equal(fresh.enable()(x), q.enable()(x))                        # same range, not re-learned
    assert repr(fresh) == repr(q) and "unsigned, enabled=True" in repr(q)
    assert q.to(torch.float64).enabled.dtype == torch.bool                      # .to(dtype) leaves the flags alone


@pytest.mark.parametrize("cls,kind,mode", [(LSQ, "activation", LSQ.AUTO), (PACT, "activation", PACT.AUTO),
                                           (LSQPlus, "activation", 0), (LSQ, "weight", 1), (DSQ, "weight", 1)])
def test_reset_range_forgets_the_range_and_the_sign(cls, kind, mode):
    q = cls(3, kind)
    q(torch.randn(50) * 5)                                                      # signed input, wide range
    assert q.initialized
    q.reset_range()
    assert not q.initialized and int(q.sign_mode) == mode
    fresh = cls(3, kind)
    x = torch.rand(50)                                                          # unsigned input, narrow range
    assert torch.equal(q(x), fresh(x))                                          # as if new: range from x
    assert torch.equal(q.sign_mode, fresh.sign_mode) and q.signed == (kind == "weight")


def test_reset_range_gives_dsq_back_its_initial_sharpness():
    """DSQ learns alpha; after a reset (Retrain's fresh start) its gradients must be those of a new quantizer."""
    q, fresh = DSQ(3, "weight", alpha=0.3), DSQ(3, "weight", alpha=0.3)
    x = torch.randn(50)
    q(x)
    with torch.no_grad():
        q.alpha.fill_(0.45)                                                     # as if training had moved it
    q.reset_range()
    for quantizer in (q, fresh):
        y = torch.linspace(-1, 1, 40, requires_grad=True)
        quantizer(y).sum().backward()
        quantizer.grad_y = y.grad
    assert q.alpha.item() == pytest.approx(0.3) and torch.equal(q.grad_y, fresh.grad_y)


def test_retrain_reinitialize_resets_every_quantizer():
    from helpers.unlearn import reinitialize

    torch.manual_seed(0)
    q = quantize_model(resnet18(10, 1, width=0.25), 4, 4, "lsq")
    q(torch.randn(2, 1, 8, 8))
    quantizers = [m for m in q.modules() if isinstance(m, LSQ)]
    assert all(m.initialized for m in quantizers)
    assert any(m.kind == "activation" and m.signed for m in quantizers)         # the first layer sees signed input
    reinitialize(q)
    assert not any(m.initialized for m in quantizers)
    assert all(int(m.sign_mode) == (1 if m.kind == "weight" else LSQ.AUTO) for m in quantizers)


def test_quantize_model_replaces_layers_and_leaves_the_input_alone():
    torch.manual_seed(0)
    model = resnet18(10, 1, width=0.25)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    q = quantize_model(model, 4, 4, "lsq+")
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert not any(isinstance(m, (QuantConv2d, QuantLinear)) for m in model.modules())
    layers = quantized_layers(q)
    assert len(layers) == sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules())
    names = list(layers)
    assert layers[names[0]].weight_quantizer.bits == 8 and layers[names[-1]].weight_quantizer.bits == 8
    assert layers[names[1]].weight_quantizer.bits == 4 and layers[names[1]].act_quantizer.bits == 4
    assert torch.equal(layers[names[1]].weight, model.get_submodule(names[1]).weight)
    assert "bits=4" in repr(q)


def test_full_precision_copy_matches_the_float_model():
    torch.manual_seed(0)
    model = resnet18(10, 1, width=0.25).eval()
    x = torch.randn(4, 1, 8, 8)
    assert torch.equal(quantize_model(model, None, None)(x), model(x))
    q = quantize_model(model, 2, 2, first_last_bits=None)
    q(x)
    set_quantization(q, False)
    assert torch.allclose(q(x), model(x))


def test_weights_only_quantization_keeps_activations_float():
    q = quantize_model(resnet18(10, 1, width=0.25), 2, None)
    assert all(isinstance(layer.act_quantizer, nn.Identity) for layer in quantized_layers(q).values())


def test_quantize_model_errors():
    model = resnet18(10, 1, width=0.25)
    with pytest.raises(ValueError, match="unknown quantization method 'lsq-'"):
        quantize_model(model, 4, 4, "lsq-")
    with pytest.raises(ValueError, match="weight_bits: bits must be an integer >= 1"):
        quantize_model(model, 0, 4)
    with pytest.raises(ValueError, match="act_bits"):
        quantize_model(model, 4, -2)
    with pytest.raises(ValueError, match="no nn.Conv2d or nn.Linear"):
        quantize_model(nn.Sequential(nn.ReLU()), 4, 4)


@pytest.mark.parametrize("size, stride", [(8, 1), (4, 2), (2, 1), (1, 1), (1, 2), (3, 2)])
def test_depthwise_matrices_equal_conv2d(size, stride):
    """The per-channel matrix form of a depthwise convolution: values and gradients of F.conv2d."""
    import torch.nn.functional as F

    from helpers.quant.depthwise import depthwise_conv2d

    g = torch.Generator().manual_seed(size * 10 + stride)
    x = torch.randn(5, 6, size, size, generator=g, dtype=torch.float64, requires_grad=True)
    w = torch.randn(6, 1, 3, 3, generator=g, dtype=torch.float64, requires_grad=True)
    fast, ref = depthwise_conv2d(x, w, stride, 1), F.conv2d(x, w, stride=stride, padding=1, groups=6)
    assert fast.shape == ref.shape and torch.allclose(fast, ref, atol=1e-12)
    out = torch.randn(ref.shape, generator=g, dtype=torch.float64)
    for a, b in zip(torch.autograd.grad((fast * out).sum(), (x, w)), torch.autograd.grad((ref * out).sum(), (x, w))):
        assert torch.allclose(a, b, atol=1e-12)


def test_quantized_mobilenet_uses_the_matrix_form_only_where_it_applies():
    from helpers.quant.depthwise import uses_matrices
    from helpers.quant.layers import QuantConv2d

    depthwise = QuantConv2d(torch.nn.Conv2d(8, 8, 3, 1, 1, groups=8, bias=False),
                            torch.nn.Identity(), torch.nn.Identity())
    pointwise = QuantConv2d(torch.nn.Conv2d(8, 16, 1, bias=False), torch.nn.Identity(), torch.nn.Identity())
    small, large = torch.randn(2, 8, 4, 4), torch.randn(2, 8, 16, 16)
    assert uses_matrices(depthwise, small) and not uses_matrices(depthwise, large)
    assert not uses_matrices(pointwise, small)
    for x in (small, large):
        expected = torch.nn.functional.conv2d(x, depthwise.weight, padding=1, groups=8)
        assert torch.allclose(depthwise(x), expected, atol=1e-5)


@pytest.mark.parametrize("bits, signed", [(4, True), (4, False), (2, True), (8, False)])
def test_fused_lsq_plus_equals_its_composition(bits, signed):
    """helpers.quant.fused: values and the gradients of x, scale and offset, against the small pieces."""
    from helpers.quant.fused import lsq_plus
    from helpers.quant.quantizers import step_size

    g = torch.Generator().manual_seed(bits)
    x = (torch.randn(64, 9, generator=g, dtype=torch.float64) * 3).requires_grad_(True)   # many clamped
    Q_N, Q_P = int_range(bits, signed)
    for s0 in (0.4, -0.3):                                                     # |s| and its sign
        scale = torch.tensor(s0, dtype=torch.float64, requires_grad=True)
        offset = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
        beta = grad_scale(offset, 0.1)
        reference = fake_quantize(x - beta, step_size(scale, 0.1), bits, signed) + beta
        fused = lsq_plus(x, scale, offset, 0.1, Q_N, Q_P)
        assert torch.allclose(fused, reference, atol=1e-12)
        w = torch.randn(64, 9, generator=g, dtype=torch.float64)
        for a, b in zip(torch.autograd.grad((fused * w).sum(), (x, scale, offset)),
                        torch.autograd.grad((reference * w).sum(), (x, scale, offset))):
            assert torch.allclose(a, b, atol=1e-9)


def test_a_step_below_zero_keeps_learning_with_abs_and_freezes_with_a_clamp():
    """Chapter 1, Sec. 1.6: |s| (step_size and the fused lsq_plus) computes the same grid for -s as for s and
    passes a gradient to s; clamping at 1e-8 instead collapses the grid and zeroes the step's gradient."""
    from helpers.quant.fused import lsq_plus
    from helpers.quant.quantizers import step_size

    x = torch.linspace(-1.0, 2.0, 31)
    for sign in (1.0, -1.0):
        s = torch.tensor(sign * 0.25, requires_grad=True)
        y = lsq_plus(x, s, torch.tensor(-1.0), 1.0, 0, 15)
        assert torch.allclose(y, torch.round((x + 1) / 0.25).clamp(0, 15) * 0.25 - 1, atol=1e-6)
        (y * x).sum().backward()
        assert s.grad != 0
        assert step_size(s, 1.0).item() == pytest.approx(0.25)
    s = torch.tensor(-0.25, requires_grad=True)
    y = lsq_plus(x, s.clamp(min=1e-8), torch.tensor(-1.0), 1.0, 0, 15)
    assert y.unique().numel() <= 2                       # every input lands on -1 or -1 + 15 * 2e-8
    (y * x).sum().backward()
    assert s.grad == 0
