"""Tests for helpers.quant.ptq: round-to-nearest, per output channel, symmetric absmax post-training
quantization of a full-precision network's weights, and its errors."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from helpers.data import load_dataset
from helpers.profiles import build_quantized
from helpers.quant import post_training_quantize, rtn_quantize
from helpers.quant.ptq import weight_layers
from helpers.train import seed_everything


def test_rtn_on_a_small_example():
    w = torch.tensor([[1.0, 0.4, -0.6, 0.2], [0.0, 0.0, 0.0, 0.0], [-3.0, 1.4, 0.3, 2.9]])
    # 2 bits: Q = 1, levels {-s, 0, s} with s the channel's absmax
    assert torch.equal(rtn_quantize(w, 2), torch.tensor([[1.0, 0.0, -1.0, 0.0], [0.0, 0.0, 0.0, 0.0],
                                                         [-3.0, 0.0, 0.0, 3.0]]))
    # 3 bits: Q = 3, s = 1/3 in the first row: 0.4 -> 1/3, -0.6 -> -2/3, 0.2 -> 1/3
    assert torch.allclose(rtn_quantize(w, 3)[0], torch.tensor([1.0, 1 / 3, -2 / 3, 1 / 3]))


@pytest.mark.parametrize("bits", [2, 4, 8, 16])
def test_rtn_grid_per_output_channel(bits):
    g = torch.Generator().manual_seed(bits)
    w = torch.randn(6, 3, 3, 3, generator=g) * torch.linspace(0.01, 5.0, 6).view(-1, 1, 1, 1)
    q = rtn_quantize(w, bits)
    assert q.shape == w.shape and q.dtype == w.dtype
    levels = 2 ** (bits - 1) - 1
    for row, q_row in zip(w.flatten(1), q.flatten(1)):
        scale = row.abs().max() / levels
        assert q_row.abs().max() == pytest.approx(row.abs().max().item(), rel=1e-6)   # the absmax is a level
        assert (q_row - row).abs().max() <= scale / 2 * (1 + 1e-5)                      # at most half a step
        codes = q_row / scale
        assert torch.allclose(codes, codes.round(), atol=1e-3)                          # on the channel's grid
        assert len(codes.round().unique()) <= 2 * levels + 1                            # 2^b - 1 levels at most
    assert torch.allclose(rtn_quantize(q, bits), q, rtol=1e-5, atol=1e-7)                # rounding twice: once


def test_more_bits_quantize_more_finely():
    w = torch.randn(16, 64, generator=torch.Generator().manual_seed(0))
    errors = [(rtn_quantize(w, b) - w).abs().mean().item() for b in (2, 4, 8, 16)]
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-4 * w.abs().mean().item()


@pytest.fixture(scope="module")
def fp_resnet():
    """A full-precision ResNet-18 (setting resnet18-fp) at width 1/8 on digits, its BatchNorm statistics
    set by a few training-mode batches, and a batch of digits."""
    data = load_dataset("digits")
    seed_everything(0)
    model = build_quantized("resnet18-fp", data.num_classes, data.in_channels, 0.125)
    x = data.train[torch.arange(64)][0]
    with torch.no_grad():
        for _ in range(3):
            model.train()(x)
    return model.eval(), x


@pytest.mark.parametrize("bits", [2, 4, 8])
def test_post_training_quantize_rounds_every_weight_layer_of_a_copy(fp_resnet, bits):
    model, x = fp_resnet
    before = {k: v.clone() for k, v in model.state_dict().items()}
    quantized = post_training_quantize(model, bits)
    assert quantized is not model and not quantized.training
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())       # the model is untouched
    layers = weight_layers(quantized)
    assert len(layers) == 21                 # ResNet-18: 17 + 3 shortcut convolutions, 1 linear; first and last too
    for name, layer in layers.items():
        assert torch.equal(layer.weight, rtn_quantize(before[f"{name}.weight"], bits))
    changed = {k for k, v in quantized.state_dict().items() if not torch.equal(v, before[k])}
    assert changed == {f"{name}.weight" for name in layers}                            # biases, BatchNorm: float


def test_sixteen_bits_predict_like_the_float_model_and_two_bits_do_not(fp_resnet):
    model, x = fp_resnet
    with torch.no_grad():
        logits = model(x)
        assert torch.allclose(post_training_quantize(model, 16)(x), logits, atol=1e-3 * logits.abs().max().item())
        assert not torch.allclose(post_training_quantize(model, 2)(x), logits, atol=1e-2 * logits.abs().max().item())


@pytest.mark.parametrize("bits", [1, 0, -4, 17, 32, 2.5, "8", True, None])
def test_bit_widths_outside_two_to_sixteen_are_errors(fp_resnet, bits):
    with pytest.raises(ValueError, match="integer bit width in 2..16"):
        post_training_quantize(fp_resnet[0], bits)
    with pytest.raises(ValueError, match="integer bit width in 2..16"):
        rtn_quantize(torch.ones(2, 2), bits)


def test_a_quantization_aware_model_is_an_error():
    seed_everything(0)
    model = build_quantized("resnet18-w4a4", 10, 1, 0.125)
    with pytest.raises(ValueError, match="already quantization-aware.*export_integer"):
        post_training_quantize(model, 8)


def test_a_model_without_weight_layers_is_an_error():
    with pytest.raises(ValueError, match="no nn.Conv2d or nn.Linear"):
        post_training_quantize(nn.Sequential(nn.ReLU(), nn.Flatten()), 4)
