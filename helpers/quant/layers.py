"""Quantized layers and ``quantize_model``, which turns a float model into a QAT model.

A quantized layer computes OEU Eq. (2), ``Output(x) = q(x^r) . q(w^r)``: it
fake-quantizes its input activation and its weight, then runs the ordinary
convolution or matrix product. Biases stay in full precision, as usual.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from .depthwise import depthwise_conv2d, uses_matrices
from .functional import check_bits
from .quantizers import DSQ, LSQ, PACT, DoReFa, LSQPlus, Quantizer

# quantization method -> (weight quantizer class, activation quantizer class)
QUANTIZERS = {
    "lsq": (LSQ, LSQ),
    "lsq+": (LSQPlus, LSQPlus),
    "pact": (DoReFa, PACT),
    "dsq": (DSQ, DSQ),
}


def quantizer_classes(method: str) -> tuple[type, type]:
    """``(weight quantizer class, activation quantizer class)`` of a quantization ``method``."""
    if method not in QUANTIZERS:
        raise ValueError(f"unknown quantization method {method!r}; choose one of {sorted(QUANTIZERS)}")
    return QUANTIZERS[method]


def make_quantizer(method: str, bits: int | None, kind: str):
    """The quantizer module of ``method`` for ``kind`` (or the identity when ``bits`` is None; the quantizer
    checks ``bits``)."""
    weight_cls, act_cls = quantizer_classes(method)
    return nn.Identity() if bits is None else (weight_cls if kind == "weight" else act_cls)(bits, kind=kind)


class QuantMixin:
    """Shared by QuantConv2d and QuantLinear: the two quantizers and the effective weight."""

    def effective_weight(self) -> torch.Tensor:
        """The weight the forward pass really uses: ``q(w^r)`` (at most ``2^b`` distinct values)."""
        return self.weight_quantizer(self.weight)


class QuantConv2d(QuantMixin, nn.Conv2d):
    """``nn.Conv2d`` computing ``conv(q_a(x), q_w(W)) + b`` (OEU Eq. 2), built from a float ``conv``."""

    def __init__(self, conv: nn.Conv2d, weight_quantizer: nn.Module, act_quantizer: nn.Module):
        super().__init__(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                         conv.padding, conv.dilation, conv.groups, conv.bias is not None, conv.padding_mode)
        self.load_state_dict(conv.state_dict())            # same float weights and bias
        self.weight_quantizer = weight_quantizer
        self.act_quantizer = act_quantizer

    def forward(self, x):
        x, weight = self.act_quantizer(x), self.effective_weight()
        if uses_matrices(self, x):          # depthwise on a small map: the fast, equal form
            y = depthwise_conv2d(x, weight, self.stride[0], self.padding[0])
            return y if self.bias is None else y + self.bias.view(1, -1, 1, 1)
        return self._conv_forward(x, weight, self.bias)


class QuantLinear(QuantMixin, nn.Linear):
    """``nn.Linear`` computing ``q_a(x) @ q_w(W)^T + b`` (OEU Eq. 2), built from a float ``linear``."""

    def __init__(self, linear: nn.Linear, weight_quantizer: nn.Module, act_quantizer: nn.Module):
        super().__init__(linear.in_features, linear.out_features, linear.bias is not None)
        self.load_state_dict(linear.state_dict())
        self.weight_quantizer = weight_quantizer
        self.act_quantizer = act_quantizer

    def forward(self, x):
        return F.linear(self.act_quantizer(x), self.effective_weight(), self.bias)


def quantize_model(model: nn.Module, weight_bits: int | None, act_bits: int | None,
                   method: str = "lsq+", first_last_bits: int | None = 8) -> nn.Module:
    """Return a copy of ``model`` whose Conv2d/Linear layers are quantization-aware.

    Parameters
    ----------
    weight_bits, act_bits : bit widths of weights and of layer inputs; ``None``
        keeps that part in full precision (e.g. MobileNetV2 with 2-bit weights
        and float activations: ``weight_bits=2, act_bits=None``).
    method : ``"lsq"``, ``"lsq+"`` (the OEU paper's default), ``"pact"``
        (PACT activations, DoReFa weights) or ``"dsq"``.
    first_last_bits : bit width used instead for the first and the last layer,
        which are sensitive (LSQ's convention is 8 bits). ``None`` leaves those
        two layers in full precision. It only applies to the parts that are
        quantized elsewhere: with ``act_bits=None`` no activation is quantized.

    The input ``model`` is left untouched. ``weight_bits=None, act_bits=None``
    gives a plain full-precision copy.
    """
    quantizer_classes(method)                                   # an unknown method fails before the copy
    for name, bits in (("weight_bits", weight_bits), ("act_bits", act_bits), ("first_last_bits", first_last_bits)):
        if bits is not None:
            try:
                check_bits(bits)
            except ValueError as err:
                raise ValueError(f"{name}: {err}") from None
    model = copy.deepcopy(model)
    names = [n for n, m in model.named_modules() if type(m) in (nn.Conv2d, nn.Linear)]
    if not names:
        raise ValueError("quantize_model found no nn.Conv2d or nn.Linear layer to quantize")
    for name in names:
        edge = name in (names[0], names[-1])
        w_bits = weight_bits if weight_bits is None or not edge else first_last_bits
        a_bits = act_bits if act_bits is None or not edge else first_last_bits
        layer = model.get_submodule(name)
        cls = QuantConv2d if isinstance(layer, nn.Conv2d) else QuantLinear
        quantized = cls(layer, make_quantizer(method, w_bits, "weight"),
                        make_quantizer(method, a_bits, "activation"))
        _set_submodule(model, name, quantized)
    model.quantization = dict(weight_bits=weight_bits, act_bits=act_bits, method=method,
                              first_last_bits=first_last_bits)
    return model


def quantized_layers(model: nn.Module) -> dict[str, QuantMixin]:
    """Name -> quantized layer, in forward order."""
    return {n: m for n, m in model.named_modules() if isinstance(m, QuantMixin)}


def set_quantization(model: nn.Module, enabled: bool) -> nn.Module:
    """Enable or disable every fake-quantizer of ``model`` (disabled = full precision)."""
    for m in model.modules():
        if isinstance(m, Quantizer):
            m.enable() if enabled else m.disable()
    return model


def _set_submodule(model: nn.Module, name: str, module: nn.Module) -> None:
    parent_name, _, child = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, module)
