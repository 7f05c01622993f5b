"""Q-MUL (Tong et al., 2025), reconstructed from its description: Similar Labels + adaptive gradient reweighting.

Its code is not public; the two pieces are as we read them (see each docstring). OEU's
ablation "w/o EGU" (:mod:`.oeu`) reuses the Similar Labels.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..train import device_of, predict
from .base import register
from .loop import SGD_LOOP, unlearning_loop


def similar_labels(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Similar Labels (Q-MUL): the most likely *wrong* class under the original model.

    ``logits`` are the original model's outputs on the forget samples, ``(B, K)``.
    """
    masked = logits.clone()
    masked[torch.arange(len(targets)), targets] = float("-inf")
    return masked.argmax(dim=-1)


def similar_label_loss(model, forget_set):
    """``loss(logits, idx)``: cross-entropy of a forget batch to the Similar Labels of the whole D_f,
    fixed once from ``model``'s eval-mode outputs before unlearning (kept on the model's device)."""
    targets = similar_labels(predict(model, forget_set), forget_set.targets).to(device_of(model))
    return lambda logits, idx: F.cross_entropy(logits, targets[idx])


def adaptive_reweighting(g_f, g_r):
    """Q-MUL's Adaptive Gradient Reweighting, as we reconstruct it (its code is not public).

    Assumption, from the OEU paper ("scalar gradient reweighting" that "adjusts
    gradient magnitudes") and Q-MUL's abstract ("balance forgetting and retain
    gradients"): each gradient is weighted by the other's share of the total
    norm, so that both contribute the same magnitude,

        w_f = 2 ||g_r|| / (||g_f|| + ||g_r||),   w_r = 2 ||g_f|| / (||g_f|| + ||g_r||),

    with global (whole-model) norms; equal norms give weights 1 and 1.
    """
    n_f = torch.sqrt(sum(g.pow(2).sum() for g in g_f))
    n_r = torch.sqrt(sum(g.pow(2).sum() for g in g_r))
    total = n_f + n_r
    if total == 0:
        return [f + r for f, r in zip(g_f, g_r)]
    w_f, w_r = 2 * n_r / total, 2 * n_f / total
    return [w_f * f + w_r * r for f, r in zip(g_f, g_r)]


@register("qmul", epochs=3, lr=0.01, batch_size=64, one_pass=False, **SGD_LOOP)
def qmul(model, task, *, seed, **loop):
    """Q-MUL (Tong et al., 2025), reconstructed from its description.

    Assumptions (Q-MUL's code is not public): (1) Similar Labels: each forget
    sample is relabelled once, before unlearning, with the wrong class that the
    *original* model finds most likely; (2) each step pairs a forget batch
    (cross-entropy to its similar labels) with a retain batch (cross-entropy to
    true labels) and combines their gradients with :func:`adaptive_reweighting`;
    (3) the loop's optimiser, like the other methods (SGD with momentum 0.9 and
    weight decay 5e-4 for the quantized networks). The hybrid study's variant
    *subtracted* the similar-label loss; we follow Q-MUL and train toward it.
    """
    unlearning_loop(model, task, seed=seed, forget_loss=similar_label_loss(model, task.forget_set),
                    combine=adaptive_reweighting, **loop)
