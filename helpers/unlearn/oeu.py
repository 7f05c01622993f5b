"""OEU (Algorithm 1) and its ablations, and Q-MUL, which it improves on.

All four share one loop: each step takes a forget batch and a retain batch,
computes the forgetting gradient ``g_f`` and the retain gradient ``g_r``
separately, combines them, and takes an SGD step. They differ in the
forgetting loss (entropy or similar labels) and in the combination
(orthogonal projection or scalar reweighting).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..gop import project_global, project_layerwise
from ..losses import entropy_forget_loss, similar_labels
from ..train import batches, predict
from .base import (
    batch_stream,
    clipped_step,
    gradients,
    register,
    set_gradients,
    sgd,
    trainable,
)


def _similar_label_targets(model, forget_set):
    """Q-MUL's Similar Labels of the whole forget set, from the original model's outputs."""
    return similar_labels(predict(model, forget_set), forget_set.targets)


def unlearning_loop(model, forget_set, retain_set, *, seed, epochs, lr, batch_size, forget_loss, combine):
    """``epochs`` passes over D_f; each forget batch is paired with the next batch of an endless D_r stream.

    ``forget_loss(logits, idx)`` gives the forgetting loss of a forget batch;
    ``combine(g_f, g_r)`` returns the update direction (a list of tensors), for
    OEU ``g^_f + g_r`` of Eq. (12) (chapter 3, ``ch3-update``). The step is
    ``clipped_step`` of :func:`sgd` (momentum 0.9, weight decay 5e-4).
    """
    generator = torch.Generator().manual_seed(seed)
    retain_batches = batch_stream(retain_set, batch_size, generator)
    params = trainable(model)
    optimizer = sgd(model, lr)
    model.train()
    for _ in range(epochs):
        for idx in batches(len(forget_set), batch_size, shuffle=True, generator=generator):
            x_f, _ = forget_set[idx]
            g_f = gradients(forget_loss(model(x_f), idx), params)
            x_r, y_r = next(retain_batches)
            g_r = gradients(F.cross_entropy(model(x_r), y_r), params)
            optimizer.zero_grad(set_to_none=True)
            set_gradients(params, combine(g_f, g_r))
            clipped_step(optimizer, params)


def egu_loss(logits, idx):
    """EGU's forgetting loss of a forget batch, Eq. (7) (``idx`` is unused: no per-sample targets)."""
    return entropy_forget_loss(logits)


def _gop_update(alpha, beta, eps=1e-8):
    """The direction of OEU's update, Eq. (12) of the paper (chapter 3, equation ``ch3-update``).

    ``combine(g_f, g_r)`` returns ``g^_f + beta * g_r`` per layer, ``g^_f`` the layer-wise
    projection of Eqs. (9)-(10) (``ch3-gop-normalise``, ``ch3-gop-layerwise``) with strength
    ``alpha``. Eq. (12) is ``theta_{t+1} = theta_t - eta (g^_f + g_r)``, i.e. ``beta = 1`` and a
    plain gradient step; :func:`unlearning_loop` takes the step with clipping and SGD with momentum
    0.9 and weight decay 5e-4 (``tests/test_oeu_step.py`` checks the step against Eq. 12).
    """
    def combine(g_f, g_r):
        return [f + beta * r for f, r in zip(project_layerwise(g_f, g_r, alpha, eps), g_r)]
    return combine


@register("oeu", epochs=3, lr=0.01, batch_size=64, alpha=1.0, beta=1.0)
def oeu(model, forget_set, retain_set, *, seed, epochs, lr, batch_size, alpha, beta):
    """OEU, Algorithm 1: entropy-guided forgetting (Eq. 7) with layer-wise GOP (Eqs. 9-10), update Eq. (12).

    Book labels: Eq. (7) ``ch2-egu``; Eqs. (9)-(10) ``ch3-gop-normalise`` and
    ``ch3-gop-layerwise``; Eq. (12) ``ch3-update`` (chapter 3). ``alpha`` is the
    orthogonalisation strength (Sec. 4.3, ``ch3-gop-alpha``); ``beta`` weights the
    retain gradient as in Eq. (11) (Eq. 12 is ``beta = 1``). The step is taken
    by SGD with momentum 0.9 and weight decay 5e-4 after clipping the gradient
    norm, where Eq. (12) is a plain gradient step.
    """
    unlearning_loop(model, forget_set, retain_set, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size,
                     forget_loss=egu_loss, combine=_gop_update(alpha, beta))


@register("oeu_no_gop", epochs=3, lr=0.01, batch_size=64, beta=1.0)
def oeu_no_gop(model, forget_set, retain_set, *, seed, epochs, lr, batch_size, beta):
    """Ablation "w/o GOP": EGU with the plain sum ``g_f + beta * g_r``."""
    unlearning_loop(model, forget_set, retain_set, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size,
                     forget_loss=egu_loss, combine=lambda g_f, g_r: [f + beta * r for f, r in zip(g_f, g_r)])


@register("oeu_no_egu", epochs=3, lr=0.01, batch_size=64, alpha=1.0, beta=1.0)
def oeu_no_egu(model, forget_set, retain_set, *, seed, epochs, lr, batch_size, alpha, beta):
    """Ablation "w/o EGU": layer-wise GOP, but the forgetting loss is cross-entropy to Similar Labels."""
    targets = _similar_label_targets(model, forget_set)
    unlearning_loop(model, forget_set, retain_set, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size,
                     forget_loss=lambda logits, idx: F.cross_entropy(logits, targets[idx]),
                     combine=_gop_update(alpha, beta))


@register("oeu_global_gop", epochs=3, lr=0.01, batch_size=64, alpha=1.0, beta=1.0)
def oeu_global_gop(model, forget_set, retain_set, *, seed, epochs, lr, batch_size, alpha, beta):
    """Ablation "GOP_global": EGU with Eq. (8) (``ch3-gop-global``) applied to all parameters at once, no layer
    normalisation, in the update of Eq. (12) (``ch3-update``)."""
    def combine(g_f, g_r):
        return [f + beta * r for f, r in zip(project_global(g_f, g_r, alpha), g_r)]
    unlearning_loop(model, forget_set, retain_set, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size,
                     forget_loss=egu_loss, combine=combine)


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


@register("qmul", epochs=3, lr=0.01, batch_size=64)
def qmul(model, forget_set, retain_set, *, seed, epochs, lr, batch_size):
    """Q-MUL (Tong et al., 2025), reconstructed from its description.

    Assumptions (Q-MUL's code is not public): (1) Similar Labels: each forget
    sample is relabelled once, before unlearning, with the wrong class that the
    *original* model finds most likely; (2) each step pairs a forget batch
    (cross-entropy to its similar labels) with a retain batch (cross-entropy to
    true labels) and combines their gradients with :func:`adaptive_reweighting`;
    (3) SGD with momentum 0.9 and weight decay 5e-4, like the other methods.
    """
    targets = _similar_label_targets(model, forget_set)
    unlearning_loop(model, forget_set, retain_set, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size,
                     forget_loss=lambda logits, idx: F.cross_entropy(logits, targets[idx]),
                     combine=adaptive_reweighting)

