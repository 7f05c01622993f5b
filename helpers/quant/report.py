"""Inspect a quantized model: how many distinct values each layer's weight really takes."""
from __future__ import annotations

import pandas as pd
import torch

from .layers import quantized_layers


@torch.no_grad()
def weight_levels(model) -> pd.DataFrame:
    """One row per quantized layer: its weight bits, the distinct values of ``q(w)``, dead filters.

    A *dead filter* is an output channel whose quantized weights are all zero:
    its output is a constant, whatever the input.
    """
    rows = []
    for name, layer in quantized_layers(model).items():
        w_q = layer.effective_weight()
        bits = getattr(layer.weight_quantizer, "bits", None)
        rows.append({
            "layer": name,
            "shape": tuple(w_q.shape),
            "weight bits": bits if bits is not None else "FP",
            "max levels (2^b)": 2 ** bits if bits is not None else None,
            "distinct values": w_q.unique().numel(),
            "dead filters %": 100.0 * (w_q.flatten(1).abs().sum(1) == 0).float().mean().item(),
        })
    return pd.DataFrame(rows).set_index("layer")
