"""Methods that are (almost) ordinary training on D_r: Retrain, FT, l1-sparse, EU-k, noisy (certified-style)
fine-tuning; and doing nothing.

The first are the baselines of OEU Sec. 5.1, written as in the SalUn / "model
sparsity" code bases the paper follows (Fan et al., 2024; Jia et al., 2023).
"""
from __future__ import annotations

import itertools
import math

import torch
import torch.nn.functional as F
from torch import nn

from ..data import ImageDataset
from ..train import train
from .ascent import last_blocks
from .base import register, reinitialize
from .loop import ADAM_LOOP, SGD_LOOP, trainable, unlearning_loop


@register("original")
def do_nothing(model, task, *, seed):
    """Original: do nothing, return the model unchanged (the baseline every table shows).

    A method that does not beat doing nothing has not unlearned anything a
    table can see; its gap to Retrain is the distance it had to cover.
    """


@register("retrain", epochs=10, lr=0.02, batch_size=64, progress=False)
def retrain(model, task, *, seed, epochs, lr, batch_size, progress):
    """Retrain: from scratch on D_r alone, the gold standard (OEU Sec. 3.1).

    Same architecture and quantizers, fresh weights, the original recipe
    (SGD + cosine schedule, :func:`helpers.train.train`) on the model's device; ``progress`` shows
    a bar with its ETA (the paper profile's). The forget set is never read.
    The VQC's gold model is :func:`helpers.quantum.batched.gold_retrain`; a hybrid model's oracle is
    :func:`helpers.hybrid.train_oracle` (Adam, validation checkpoints).
    """
    if not isinstance(task.retain_set, ImageDataset):
        raise ValueError("retrain trains a quantized network on images (helpers.train.train); "
                         "the VQC's gold model is helpers.quantum.batched.gold_retrain, "
                         "a hybrid model's oracle helpers.hybrid.train_oracle")
    reinitialize(model)
    train(model, task.retain_set, epochs, lr, batch_size=batch_size, seed=seed, progress=progress, desc="Retrain")


def retain_loss(model, *batches):
    """Cross-entropy of a step's last batch with its labels: the retain batch (in a paired step the
    forget batch only shares the forward pass)."""
    r = batches[-1]
    return F.cross_entropy(r.logits, r.y)


@register("ft", epochs=3, lr=0.01, batch_size=64, **SGD_LOOP)
def finetune(model, task, *, seed, **loop):
    """FT: fine-tune on D_r with cross-entropy (Golatkar et al., 2020; Warnecke et al., 2021).

    Forgetting happens only by catastrophic forgetting of D_f.
    """
    unlearning_loop(model, task, seed=seed, sets=(task.retain_set,), loss=retain_loss, **loop)


@register("l1_sparse", epochs=3, lr=0.01, batch_size=64, alpha=5e-5, **SGD_LOOP)
def l1_sparse(model, task, *, seed, alpha, **loop):
    """l1-sparse: FT on D_r plus ``alpha_t * ||theta||_1``, ``alpha_t`` decaying linearly to 0 (Jia et al., 2023).

    ``alpha_t = alpha * (1 - t / T)`` in pass ``t`` over D_r, as in the authors' code; ``T`` is the
    budget in passes (from ``steps`` when given: the loop's budget, which wins over ``epochs``).
    """
    params = trainable(model)
    per_epoch = math.ceil(len(task.retain_set) / loop["batch_size"])
    epochs = math.ceil(loop["steps"] / per_epoch) if loop["steps"] else loop["epochs"]
    step = itertools.count()

    def loss(m, r):
        epoch = next(step) // per_epoch
        return retain_loss(m, r) + alpha * (1 - epoch / epochs) * sum(p.abs().sum() for p in params)
    unlearning_loop(model, task, seed=seed, sets=(task.retain_set,), loss=loss, **loop)


@register("eu_k", steps=60, lr=1e-2, batch_size=32, k=1, one_pass=True, **ADAM_LOOP)
def eu_k(model, task, *, seed, k, **loop):
    """EU-k (exact unlearning of the last k blocks, Goel et al.): re-initialise them, fine-tune on D_r.

    For a hybrid model (``model.blocks``: front end, quantum layer, head) ``k = 1``
    re-initialises the linear head, ``k = 2`` the quantum layer too."""
    torch.manual_seed(seed)
    reinitialize(nn.ModuleList(last_blocks(model, k)))
    unlearning_loop(model, task, seed=seed, loss=retain_loss, **loop)


@register("certified", steps=60, lr=1e-2, batch_size=32, noise_clip=1.0, sigma=0.05, one_pass=True, **ADAM_LOOP)
def certified(model, task, *, seed, noise_clip, sigma, **loop):
    """Certified-style noisy fine-tuning on D_r: clip the gradient norm at ``noise_clip``, add ``N(0, sigma^2)`` noise.

    The shape of a (DP-)certified update; no certificate is computed (nor was one in the hybrid study)."""
    g = torch.Generator().manual_seed(seed + 1)

    def noisy(params):
        nn.utils.clip_grad_norm_(params, noise_clip)
        for p in params:
            p.grad += sigma * torch.randn(p.shape, generator=g).to(p.device)
    unlearning_loop(model, task, seed=seed, loss=retain_loss, after_backward=noisy, **loop)
