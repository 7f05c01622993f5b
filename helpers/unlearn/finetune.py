"""Methods that are (almost) ordinary training on D_r: Retrain, FT, l1-sparse; and doing nothing.

These are the baselines of OEU Sec. 5.1, written as in the SalUn / "model
sparsity" code bases the paper follows (Fan et al., 2024; Jia et al., 2023).
"""
from __future__ import annotations

import itertools
import math

import torch.nn.functional as F

from ..data import ImageDataset
from ..train import train
from .base import register, reinitialize
from .loop import SGD_LOOP, trainable, unlearning_loop


@register("original")
def do_nothing(model, task, *, seed):
    """Original: do nothing, return the model unchanged (the baseline every table shows).

    A method that does not beat doing nothing has not unlearned anything a
    table can see; its gap to Retrain is the distance it had to cover.
    """


@register("retrain", epochs=10, lr=0.02, batch_size=64)
def retrain(model, task, *, seed, epochs, lr, batch_size):
    """Retrain: from scratch on D_r alone, the gold standard (OEU Sec. 3.1).

    Same architecture and quantizers, fresh weights, the original recipe
    (SGD + cosine schedule, :func:`helpers.train.train`). The forget set is never read.
    A hybrid model's oracle is :func:`helpers.hybrid.train_oracle` (Adam, validation checkpoints).
    """
    if not isinstance(task.retain_set, ImageDataset):
        raise ValueError("retrain trains a quantized network on images (helpers.train.train); "
                         "a hybrid model's oracle is helpers.hybrid.train_oracle")
    reinitialize(model)
    train(model, task.retain_set, epochs, lr, batch_size=batch_size, seed=seed, progress=False)


def cross_entropy(model, r):
    """The retain loss: cross-entropy of a batch with its labels."""
    return F.cross_entropy(r.logits, r.y)


@register("ft", epochs=3, lr=0.01, batch_size=64, **SGD_LOOP)
def finetune(model, task, *, seed, **loop):
    """FT: fine-tune on D_r with cross-entropy (Golatkar et al., 2020; Warnecke et al., 2021).

    Forgetting happens only by catastrophic forgetting of D_f.
    """
    unlearning_loop(model, task, seed=seed, sets=(task.retain_set,), loss=cross_entropy, **loop)


@register("l1_sparse", epochs=3, lr=0.01, batch_size=64, alpha=5e-5, **SGD_LOOP)
def l1_sparse(model, task, *, seed, alpha, **loop):
    """l1-sparse: FT on D_r plus ``alpha_t * ||theta||_1``, ``alpha_t`` decaying linearly to 0 (Jia et al., 2023).

    ``alpha_t = alpha * (1 - t / epochs)`` in epoch ``t``, as in the authors' code (with a
    ``steps`` budget, ``t`` counts passes over D_r all the same).
    """
    params = trainable(model)
    per_epoch = math.ceil(len(task.retain_set) / loop["batch_size"])
    epochs = loop["epochs"] or math.ceil(loop["steps"] / per_epoch)
    step = itertools.count()

    def loss(m, r):
        epoch = next(step) // per_epoch
        return F.cross_entropy(r.logits, r.y) + alpha * (1 - epoch / epochs) * sum(p.abs().sum() for p in params)
    unlearning_loop(model, task, seed=seed, sets=(task.retain_set,), loss=loss, **loop)
