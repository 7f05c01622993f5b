"""Quantization-aware training: fake quantization (OEU Eqs. 1-3) and the quantizers of chapter 1;
integer export of a trained QAT model (:mod:`helpers.quant.export`); post-training quantization of a
full-precision model (:mod:`helpers.quant.ptq`)."""
from .export import (IntegerLayer, IntegerModel, agreement, code_flips, disk_size, export_integer, pack, size_report,
                     unpack)
from .functional import fake_quantize, grad_scale, int_range, ste_round
from .layers import (
                     QUANTIZERS,
                     QuantConv2d,
                     QuantLinear,
                     make_quantizer,
                     quantize_model,
                     quantized_layers,
                     set_quantization,
)
from .ptq import post_training_quantize, rtn_quantize
from .quantizers import DSQ, LSQ, PACT, DoReFa, LSQPlus, Quantizer
from .report import weight_levels

__all__ = ["ste_round", "fake_quantize", "grad_scale", "int_range", "Quantizer", "LSQ", "LSQPlus",
           "PACT", "DoReFa", "DSQ", "QUANTIZERS", "QuantConv2d", "QuantLinear", "make_quantizer",
           "quantize_model", "quantized_layers", "set_quantization", "weight_levels",
           "export_integer", "IntegerModel", "IntegerLayer", "pack", "unpack", "agreement", "disk_size",
           "size_report", "code_flips", "post_training_quantize", "rtn_quantize"]
