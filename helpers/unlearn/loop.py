"""The one unlearning loop: paired forget / retain batches, one optimiser step each.

Every gradient method of the registry runs through :func:`unlearning_loop`, whatever the
model family. A step takes the next batch of each set it is given (by default D_f and D_r;
one set for FT or GA), passes them through the model and then either

- minimises one ``loss(model, f, r)`` (GA, FT, NegGrad+, SCRUB, ...), or
- computes the forgetting gradient ``g_f`` and the retain gradient ``g_r`` separately and
  follows ``combine(g_f, g_r)`` (OEU's ``g^_f + g_r`` of Eq. 12, chapter 3's ``ch3-update``;
  Q-MUL's reweighting).

Every method takes the loop's knobs as hyper-parameters: the budget (``epochs`` over the
first set, or ``steps``, which wins when given), ``lr``, ``batch_size``, the ``optimizer``
(``"sgd"``: momentum 0.9 and weight decay 5e-4, the quantized networks' recipe; ``"adam"``:
the hybrid study's), ``clip`` (the gradient-norm clip, ``None`` for none) and, for the
methods that pair two sets, ``one_pass`` (both batches through the model in one forward
pass, as the hybrid study did; not for a model with BatchNorm, whose batch statistics would
mix D_f and D_r).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from ..progress import progress_bar
from ..train import CLIP_GRAD_NORM, to_device

WEIGHT_DECAY = 5e-4    # SGD's weight decay in the quantized networks' recipe (SalUn masks it with the gradient)
# The quantized networks' loop settings (OEU paper): the defaults of every method they share.
SGD_LOOP = dict(steps=None, optimizer="sgd", clip=CLIP_GRAD_NORM)
# The hybrid study's loop settings (its own methods' defaults; its recipes for the shared ones).
ADAM_LOOP = dict(epochs=None, optimizer="adam", clip=None)


class Batch(NamedTuple):
    """One set's batch in a step: inputs, labels, indices into the set, the model's logits."""
    x: torch.Tensor
    y: torch.Tensor
    idx: torch.Tensor
    logits: torch.Tensor


def trainable(model: nn.Module) -> list[torch.nn.Parameter]:
    return [p for p in model.parameters() if p.requires_grad]


def gradients(loss: torch.Tensor, params, keep_graph: bool = False) -> list[torch.Tensor]:
    """``d loss / d p`` for each parameter (zeros where the loss does not depend on it)."""
    grads = torch.autograd.grad(loss, params, retain_graph=keep_graph, allow_unused=True)
    return [torch.zeros_like(p) if g is None else g for g, p in zip(grads, params)]


def summed_gradients(model, dataset, loss_fn, params, batch_size: int = 256) -> list[torch.Tensor]:
    """The sum over ``dataset``'s batches, in order, of the gradients of ``loss_fn(logits, y)``."""
    total = [torch.zeros_like(p) for p in params]
    for idx in torch.arange(len(dataset)).split(batch_size):
        x, y = to_device(model, *dataset[idx])
        for t, g in zip(total, gradients(loss_fn(model(x), y), params)):
            t += g
    return total


def index_batches(n: int, batch_size: int | None, generator: torch.Generator):
    """Endless shuffled index batches over ``range(n)``: a fresh permutation at every pass
    (``batch_size=None``: full batch, all of ``range(n)`` in order at every step, no draw).

    Pairing a forget batch with the next retain batch from two such streams never stops
    early at the shorter of the two sets."""
    while True:
        yield from [torch.arange(n)] if batch_size is None else torch.randperm(n, generator=generator).split(batch_size)


def make_optimizer(name: str, params, lr: float, weight_decay: float = WEIGHT_DECAY) -> torch.optim.Optimizer:
    """``"sgd"`` (momentum 0.9, ``weight_decay``) or ``"adam"`` (torch's defaults) over ``params``."""
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}; choose 'sgd' or 'adam'")


def unlearning_loop(model, task, *, seed, epochs, steps, lr, batch_size, optimizer, clip, sets=None,
                    loss=None, forget_loss=None, combine=None, one_pass: bool = False,
                    weight_decay: float = WEIGHT_DECAY, after_backward=None) -> None:
    """Update ``model`` in place: ``steps`` optimiser steps (or ``epochs`` passes over ``sets[0]``).

    ``sets`` (default ``(task.forget_set, task.retain_set)``) are drawn from in step, each
    from its own endless stream (:func:`index_batches`), all from one generator seeded with
    ``seed`` (or ``seed`` itself if it is a ``torch.Generator`` already in use). Each step
    hands one :class:`Batch` per set to ``loss(model, *batches)`` and minimises it; with
    ``combine`` instead, the step follows ``combine(g_f, g_r)``, ``g_f`` the gradient of
    ``forget_loss(logits_f, idx_f)`` and ``g_r`` that of the retain cross-entropy.
    ``after_backward(params)`` (with ``loss`` only; ``combine`` edits its own) may edit the
    gradients before clipping at ``clip`` and the step of ``optimizer`` (:func:`make_optimizer`)
    over the trainable parameters (:func:`trainable`: a frozen parameter never moves).
    ``task.on_step(step, model)`` runs after every step (``task.progress``: with a progress bar). Each batch's inputs and labels go to
    the model's device (:func:`helpers.train.to_device`); its indices stay on the CPU, with the sets.
    """
    sets = (task.forget_set, task.retain_set) if sets is None else sets
    if (loss is None) == (combine is None) or (combine is not None) != (forget_loss is not None):
        raise ValueError("give either loss, or forget_loss and combine")
    if one_pass and any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        raise ValueError("one_pass=True would mix D_f and D_r in BatchNorm's batch statistics; "
                         "use one_pass=False for a model with BatchNorm")
    if steps is None:
        if epochs is None:
            raise ValueError("give a budget: epochs or steps")
        steps = epochs * math.ceil(len(sets[0]) / batch_size)
    generator = seed if isinstance(seed, torch.Generator) else torch.Generator().manual_seed(seed)
    streams = [index_batches(len(ds), batch_size, generator) for ds in sets]
    params = trainable(model)
    opt = make_optimizer(optimizer, params, lr, weight_decay)
    model.train()
    for step in progress_bar(range(1, steps + 1), desc="unlearning", enabled=task.progress):
        idx = [next(stream) for stream in streams]
        xs, ys = zip(*(to_device(model, *ds[i]) for ds, i in zip(sets, idx)))
        if one_pass:
            logits = model(torch.cat(xs)).split([len(i) for i in idx])
        else:
            logits = [model(x) for x in xs]
        batches = [Batch(*b) for b in zip(xs, ys, idx, logits)]
        opt.zero_grad(set_to_none=True)
        if combine is None:
            loss(model, *batches).backward()
            if after_backward is not None:
                after_backward(params)
        else:
            f, r = batches
            g_f = gradients(forget_loss(f.logits, f.idx), params, keep_graph=True)
            g_r = gradients(F.cross_entropy(r.logits, r.y), params)
            for p, g in zip(params, combine(g_f, g_r)):
                p.grad = g.detach().clone()
        if clip is not None:
            nn.utils.clip_grad_norm_(params, clip)
        opt.step()
        if task.on_step is not None:
            task.on_step(step, model)
