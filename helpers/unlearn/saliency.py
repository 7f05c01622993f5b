"""SalUn: random labels restricted to the weights most salient for D_f (Fan et al., 2024)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .base import register
from .finetune import cross_entropy
from .loop import SGD_LOOP, summed_gradients, trainable, unlearning_loop
from .relabel import relabelled_with_random_labels


def saliency_mask(model, forget_set, fraction: float = 0.5, batch_size: int = 256) -> list[torch.Tensor]:
    """SalUn's weight saliency map: 1 for the top ``fraction`` of weights by ``|grad|`` of the forget loss.

    The gradient of ``-CE`` over D_f is accumulated over the whole forget set;
    the threshold is global (one ranking over every parameter of the model),
    as in SalUn's ``generate_mask.py``.
    """
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must lie in (0, 1], got {fraction!r}")
    model.eval()
    total = summed_gradients(model, forget_set, lambda z, y: -F.cross_entropy(z, y, reduction="sum"),
                             trainable(model), batch_size)
    magnitude = torch.cat([g.abs().flatten() for g in total])
    k = max(1, int(round(fraction * magnitude.numel())))
    # Exactly k ones. A threshold test (|g| >= k-th largest) would not do: in a small
    # quantized network many gradients are exactly 0 (dead units, clamped weights), and
    # once the threshold is 0 every weight would pass it, whatever the fraction.
    flat = torch.zeros_like(magnitude)
    flat[magnitude.topk(k).indices] = 1.0
    return [m.view_as(g) for m, g in zip(flat.split([g.numel() for g in total]), total)]


@register("salun", epochs=3, lr=0.01, batch_size=64, fraction=0.5, **SGD_LOOP)
def salun(model, task, *, seed, fraction, **loop):
    """SalUn: saliency mask (top ``fraction`` of weights), then RL updating only salient weights.

    Non-salient weights stay exactly as they were: their gradient, weight decay
    (5e-4) included, is masked to zero (the optimiser itself gets no weight decay).
    """
    mask = saliency_mask(model, task.forget_set, fraction)
    generator = torch.Generator().manual_seed(seed)
    mixed = relabelled_with_random_labels(task, generator)

    def masked(params, weight_decay=5e-4):
        for p, m in zip(params, mask):
            if p.grad is not None:
                p.grad = (p.grad + weight_decay * p.detach()) * m
    unlearning_loop(model, task, seed=generator, sets=(mixed,), loss=cross_entropy, weight_decay=0.0,
                    after_backward=masked, **loop)
