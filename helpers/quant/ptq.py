"""Post-training quantization (PTQ) of a full-precision network's weights: round-to-nearest, per output
channel, symmetric absmax.

Quantization-aware training (chapter 1) learns a network *with* its quantizers. Post-training
quantization takes a network trained and unlearned in full precision and rounds its weights once,
afterwards, as a deployment step. The book's choice is the simplest grid, **round-to-nearest (RTN)**
with a **symmetric absmax** scale **per output channel**: for each output channel ``c`` of a
convolution or linear weight ``W`` (every one of them, the first and the last layers included),

    s_c = max_i |W[c, i]| / Q,     Q = 2^(b-1) - 1
    W^q[c, i] = s_c * clamp(round(W[c, i] / s_c), -Q, Q)                              (RTN)

so the largest weight of a channel is kept exactly and every weight moves by at most ``s_c / 2``.
The grid is symmetric around 0 with ``2Q + 1 = 2^b - 1`` levels (the code ``-2^(b-1)`` is left unused,
so that 0 is a level and the grid does not lean to one side): 8 bits give 255 levels, 4 bits 15,
2 bits the three levels ``{-s_c, 0, s_c}``. A channel of zeros stays zero.

Only the weights are quantized: activations, biases and BatchNorm stay in float (``W8A-float``, in
the notation of the QAT chapters). This is one of the quantizers Zhang et al. (ICLR 2025, "Catastrophic
Failure of LLM Unlearning via Quantization") apply to unlearned language models, beside GPTQ and AWQ,
which calibrate on data; RTN needs none, so it cannot depend on the forget set. Their finding, for
full-precision unlearning: an unlearning update smaller than half a quantization step rounds away,
and quantizing the unlearned model gives back (part of) the original's knowledge.
"""
from __future__ import annotations

import copy

import torch
from torch import nn

from .quantizers import Quantizer

BITS_RANGE = (2, 16)     # 1 bit has no symmetric grid with a zero (Q = 0); beyond 16 bits RTN is float for our nets


def check_ptq_bits(bits) -> int:
    """``bits`` itself if RTN can use it (an integer in 2..16), else a ValueError saying why."""
    low, high = BITS_RANGE
    if isinstance(bits, bool) or not isinstance(bits, int) or not low <= bits <= high:
        raise ValueError(f"post-training quantization needs an integer bit width in {low}..{high}, got {bits!r}: "
                         f"a symmetric grid with a zero level needs at least 2 bits (1 bit leaves Q = 0), and above "
                         f"{high} bits the rounding error is far below the float32 weights' own")
    return bits


def rtn_quantize(weight: torch.Tensor, bits: int) -> torch.Tensor:
    """``weight`` rounded to nearest on a symmetric absmax grid of ``bits`` bits, one scale per output channel
    (dimension 0); see the module docstring (RTN). Returns a new tensor of ``weight``'s shape and dtype."""
    check_ptq_bits(bits)
    levels = 2 ** (bits - 1) - 1
    rows = weight.detach().reshape(len(weight), -1)
    scale = rows.abs().amax(1, keepdim=True) / levels
    safe = torch.where(scale > 0, scale, torch.ones_like(scale))       # a channel of zeros stays zero
    return ((rows / safe).round().clamp(-levels, levels) * scale).reshape(weight.shape)


def weight_layers(model: nn.Module) -> dict[str, nn.Module]:
    """Name -> every convolution and linear layer of ``model``, in model order."""
    return {n: m for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))}


def post_training_quantize(model: nn.Module, bits: int) -> nn.Module:
    """A copy of the full-precision ``model`` whose convolution and linear weights are RTN-quantized to ``bits``.

    ``model`` is left untouched; the copy has the same layers (activations, biases and BatchNorm
    in float) and is in eval mode. Raises ValueError for a bit width outside 2..16, a model with
    no convolution or linear layer, or a model that is already fake-quantized (a QAT model: its
    weights already lie on the grid it learned; export it with :func:`helpers.quant.export_integer`).
    """
    check_ptq_bits(bits)
    trained = [n for n, m in model.named_modules() if isinstance(m, Quantizer) and bool(m.enabled)]
    if trained:
        raise ValueError(f"the model is already quantization-aware ({len(trained)} enabled quantizers, e.g. "
                         f"{trained[0]}): post-training quantization is for full-precision models (setting 'fp'); "
                         "a QAT model is exported with helpers.quant.export_integer")
    if not weight_layers(model):
        raise ValueError("the model has no nn.Conv2d or nn.Linear layer: there is no weight to quantize")
    quantized = copy.deepcopy(model).eval()
    with torch.no_grad():
        for layer in weight_layers(quantized).values():
            layer.weight.copy_(rtn_quantize(layer.weight, bits))
    return quantized
