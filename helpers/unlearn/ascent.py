"""Gradient ascent on the forget set: GA and its relatives (the hybrid study's Fisher-GA, NegGrad+, CF-k)."""
from __future__ import annotations

import torch.nn.functional as F

from .base import register
from .loop import SGD_LOOP, unlearning_loop


def ascent(model, f):
    """Minus the cross-entropy of a forget batch: minimising it is gradient *ascent* on D_f."""
    return -F.cross_entropy(f.logits, f.y)


@register("ga", epochs=2, lr=0.001, batch_size=64, **SGD_LOOP)
def gradient_ascent(model, task, *, seed, **loop):
    """GA: gradient *ascent* on the cross-entropy of D_f (Graves et al., 2021; Thudi et al., 2022)."""
    unlearning_loop(model, task, seed=seed, sets=(task.forget_set,), loss=ascent, **loop)
