"""Methods that are (almost) ordinary training: Retrain, FT, GA, RL and l1-sparse; and doing nothing.

These are the baselines of OEU Sec. 5.1, written as in the SalUn / "model
sparsity" code bases the paper follows (Fan et al., 2024; Jia et al., 2023).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..losses import random_labels
from ..train import batches, train
from .base import clipped_step, epoch_batches, register, reinitialize, sgd, trainable


@register("original")
def do_nothing(model, forget_set, retain_set, *, seed):
    """Original: do nothing, return the model unchanged (the baseline every table shows).

    A method that does not beat doing nothing has not unlearned anything a
    table can see; its gap to Retrain is the distance it had to cover.
    """


@register("retrain", epochs=10, lr=0.02, batch_size=64)
def retrain(model, forget_set, retain_set, *, seed, epochs, lr, batch_size):
    """Retrain: from scratch on D_r alone, the gold standard (OEU Sec. 3.1).

    Same architecture and quantizers, fresh weights, the original recipe
    (SGD + cosine schedule). ``forget_set`` is never read.
    """
    reinitialize(model)
    train(model, retain_set, epochs, lr, batch_size=batch_size, seed=seed, progress=False)


def _sgd_epochs(model, dataset, *, seed, epochs, lr, batch_size, loss_fn):
    """``epochs`` shuffled passes over ``dataset``, one SGD step on ``loss_fn(logits, y, epoch)`` per batch."""
    model.train()
    optimizer = sgd(model, lr)
    params = trainable(model)
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        for x, y in epoch_batches(dataset, batch_size, generator):
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(x), y, epoch).backward()
            clipped_step(optimizer, params)


@register("ft", epochs=3, lr=0.01, batch_size=64)
def finetune(model, forget_set, retain_set, *, seed, epochs, lr, batch_size):
    """FT: fine-tune on D_r with cross-entropy (Golatkar et al., 2020; Warnecke et al., 2021).

    Forgetting happens only by catastrophic forgetting of D_f.
    """
    _sgd_epochs(model, retain_set, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size,
                loss_fn=lambda logits, y, epoch: F.cross_entropy(logits, y))


@register("ga", epochs=2, lr=0.001, batch_size=64)
def gradient_ascent(model, forget_set, retain_set, *, seed, epochs, lr, batch_size):
    """GA: gradient *ascent* on the cross-entropy of D_f (Graves et al., 2021; Thudi et al., 2022)."""
    _sgd_epochs(model, forget_set, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size,
                loss_fn=lambda logits, y, epoch: -F.cross_entropy(logits, y))


@register("rl", epochs=3, lr=0.01, batch_size=64)
def random_label(model, forget_set, retain_set, *, seed, epochs, lr, batch_size):
    """RL: train on D_f with random wrong labels mixed with D_r with true labels (Golatkar et al., 2020).

    As in SalUn's ``RL``: the relabelled forget set and the retain set are
    concatenated and shuffled together, so each batch interleaves both. The
    random labels are drawn once, uniformly among the K-1 wrong classes.
    """
    generator = torch.Generator().manual_seed(seed)
    relabelled = random_labels(forget_set.targets, forget_set.num_classes, generator)
    _train_mixed(model, forget_set, relabelled, retain_set, epochs, lr, batch_size, generator)


def _train_mixed(model, forget_set, forget_labels, retain_set, epochs, lr, batch_size, generator,
                 grad_mask=None, weight_decay=5e-4):
    """Cross-entropy on D_f (with ``forget_labels``) and D_r, shuffled together.

    With ``grad_mask`` (a list of 0/1 tensors, one per parameter) only masked
    weights move: weight decay is folded into the gradient *before* masking,
    so an unmasked weight stays exactly as it was.
    """
    n_f = len(forget_set)
    model.train()
    params = trainable(model)
    optimizer = sgd(model, lr, weight_decay=0.0 if grad_mask is not None else weight_decay)
    for _ in range(epochs):
        for idx in batches(n_f + len(retain_set), batch_size, shuffle=True, generator=generator):
            f_idx, r_idx = idx[idx < n_f], idx[idx >= n_f] - n_f
            xs, ys = [], []
            if len(f_idx):
                xs.append(forget_set[f_idx][0]); ys.append(forget_labels[f_idx])
            if len(r_idx):
                x_r, y_r = retain_set[r_idx]
                xs.append(x_r); ys.append(y_r)
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(torch.cat(xs)), torch.cat(ys)).backward()
            if grad_mask is not None:
                for p, m in zip(params, grad_mask):
                    if p.grad is not None:
                        p.grad = (p.grad + weight_decay * p.detach()) * m
            clipped_step(optimizer, params)


@register("l1_sparse", epochs=3, lr=0.01, batch_size=64, alpha=5e-5)
def l1_sparse(model, forget_set, retain_set, *, seed, epochs, lr, batch_size, alpha):
    """l1-sparse: FT on D_r plus ``alpha_t * ||theta||_1``, ``alpha_t`` decaying linearly to 0 (Jia et al., 2023).

    ``alpha_t = alpha * (1 - t / epochs)`` in epoch ``t``, as in the authors' code.
    """
    params = trainable(model)

    def loss_fn(logits, y, epoch):
        return F.cross_entropy(logits, y) + alpha * (1 - epoch / epochs) * sum(p.abs().sum() for p in params)
    _sgd_epochs(model, retain_set, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size, loss_fn=loss_fn)
