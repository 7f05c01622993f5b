"""Gradient ascent on the forget set: GA and its relatives (the hybrid study's Fisher-GA, NegGrad+, CF-k)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..train import to_device
from .base import register
from .loop import ADAM_LOOP, SGD_LOOP, gradients, trainable, unlearning_loop


def ascent(model, f):
    """Minus the cross-entropy of a forget batch: minimising it is gradient *ascent* on D_f."""
    return -F.cross_entropy(f.logits, f.y)


@register("ga", epochs=2, lr=0.001, batch_size=64, **SGD_LOOP)
def gradient_ascent(model, task, *, seed, **loop):
    """GA: gradient *ascent* on the cross-entropy of D_f (Graves et al., 2021; Thudi et al., 2022)."""
    unlearning_loop(model, task, seed=seed, sets=(task.forget_set,), loss=ascent, **loop)


def fisher_diagonal(model, dataset, params, batch_size: int = 64, batches: int = 8) -> list[torch.Tensor]:
    """Empirical Fisher diagonal ``E[(d loss / d theta)^2]`` over the first ``batches`` mini-batches of ``dataset``."""
    total = [torch.zeros_like(p) for p in params]
    chunks = torch.arange(len(dataset)).split(batch_size)[:batches]
    for idx in chunks:
        x, y = to_device(model, *dataset[idx])
        for t, g in zip(total, gradients(F.cross_entropy(model(x), y), params)):
            t += g ** 2
    return [t / len(chunks) for t in total]


@register("fisher", steps=20, lr=1e-3, batch_size=32, lam=100.0, **ADAM_LOOP)
def fisher(model, task, *, seed, lam, **loop):
    """Fisher-weighted GA: ``-CE(D_f) + lam/2 sum_i F_i (theta_i - theta_i^0)^2``, an EWC penalty (Kirkpatrick et al.).

    The hybrid study estimated F on D_f; we estimate it on D_r, so that the penalty protects
    the weights that matter for what must be *kept*. Only the trainable parameters count (a quantizer's
    frozen offset has no gradient and never moves)."""
    params = trainable(model)
    weights = fisher_diagonal(model, task.retain_set, params)
    start = [p.detach().clone() for p in params]

    def loss(m, f):
        penalty = sum((w * (p - p0) ** 2).sum() for w, p, p0 in zip(weights, params, start))
        return ascent(m, f) + lam / 2 * penalty
    unlearning_loop(model, task, seed=seed, sets=(task.forget_set,), loss=loss, **loop)


@register("neggrad+", steps=40, lr=1e-3, batch_size=32, alpha=1.0, one_pass=True, **ADAM_LOOP)
def neggrad_plus(model, task, *, seed, alpha, **loop):
    """NegGrad+: ``CE(D_r batch) - alpha CE(D_f batch)`` in every step (Kurmanji et al., 2023)."""
    unlearning_loop(model, task, seed=seed, **loop,
                    loss=lambda m, f, r: F.cross_entropy(r.logits, r.y) - alpha * F.cross_entropy(f.logits, f.y))


def last_blocks(model, k: int) -> list:
    """The last ``k`` of a hybrid model's ``model.blocks`` (front end, quantum layer, head)."""
    blocks = getattr(model, "blocks", None)
    if blocks is None:
        raise ValueError(f"{type(model).__name__} has no .blocks (a hybrid model's front end, quantum layer, head)")
    if not 1 <= k <= len(blocks):
        raise ValueError(f"k must be in 1..{len(blocks)} (blocks {[type(b).__name__ for b in blocks]}), got {k}")
    return blocks[len(blocks) - k:]


@register("cf_k", steps=20, lr=1e-3, batch_size=32, k=2, **ADAM_LOOP)
def cf_k(model, task, *, seed, k, **loop):
    """CF-k as the hybrid study ran it: freeze the front of the network, gradient ascent on D_f for the last k blocks."""
    tail = {id(p) for block in last_blocks(model, k) for p in block.parameters()}
    front = [p for p in trainable(model) if id(p) not in tail]
    for p in front:
        p.requires_grad_(False)
    try:
        unlearning_loop(model, task, seed=seed, sets=(task.forget_set,), loss=ascent, **loop)
    finally:
        for p in front:                      # thaw only what was frozen here (a parameter frozen before stays so)
            p.requires_grad_(True)
