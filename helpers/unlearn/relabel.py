"""Methods that train the forget set toward new labels: RL (random wrong labels), SalUn (RL on the weights most
salient for D_f, Fan et al., 2024) and, for the hybrids, LCA."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..train import to_device
from .base import register
from .finetune import retain_loss
from .loop import ADAM_LOOP, SGD_LOOP, WEIGHT_DECAY, index_batches, summed_gradients, trainable, unlearning_loop


def random_labels(targets: torch.Tensor, num_classes: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Random Labels (Golatkar et al., 2020): a label drawn uniformly from the ``K - 1`` wrong classes
    of each sample (the setting of OEU Theorem 4.1, ``y~ != y``)."""
    shift = torch.randint(1, num_classes, targets.shape, generator=generator)
    return (targets + shift) % num_classes


class RandomlyRelabelled:
    """D_f with random wrong labels (:func:`random_labels`, drawn once from ``generator``) followed by D_r,
    as one dataset to shuffle, as in SalUn's ``RL``: a batch holds its forget samples first."""

    def __init__(self, task, generator: torch.Generator):
        self.forget_set, self.retain_set = task.forget_set, task.retain_set
        self.forget_labels = random_labels(task.forget_set.targets, task.num_classes, generator)

    def __len__(self):
        return len(self.forget_set) + len(self.retain_set)

    def __getitem__(self, idx):
        n_f = len(self.forget_set)
        f_idx, r_idx = idx[idx < n_f], idx[idx >= n_f] - n_f
        (x_f, _), (x_r, y_r) = self.forget_set[f_idx], self.retain_set[r_idx]      # either may be empty
        return torch.cat([x_f, x_r]), torch.cat([self.forget_labels[f_idx], y_r])


@register("rl", epochs=3, lr=0.01, batch_size=64, **SGD_LOOP)
def random_label(model, task, *, seed, **loop):
    """RL: train on D_f with random wrong labels mixed with D_r with true labels (Golatkar et al., 2020).

    As in SalUn's ``RL``: the relabelled forget set and the retain set are
    concatenated and shuffled together, so each batch interleaves both. The
    random labels are drawn once, uniformly among the K-1 wrong classes.
    """
    generator = torch.Generator().manual_seed(seed)
    unlearning_loop(model, task, seed=generator, sets=(RandomlyRelabelled(task, generator),), loss=retain_loss, **loop)


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
    mixed = RandomlyRelabelled(task, generator)          # the labels are drawn before the batch order

    def masked(params):
        for p, m in zip(params, mask):
            if p.grad is not None:
                p.grad = (p.grad + WEIGHT_DECAY * p.detach()) * m
    unlearning_loop(model, task, seed=generator, sets=(mixed,), loss=retain_loss, weight_decay=0.0,
                    after_backward=masked, **loop)


@register("lca", steps=40, lr=1e-2, batch_size=32, beta=1.0, one_pass=True, **ADAM_LOOP)
def lca(model, task, *, seed, beta, **loop):
    """Label-complement augmentation: ``CE(D_r) + beta CE(complement set)``, where every forget sample
    appears K-1 times, once with each label other than its own (drawn in batches of its own stream)."""
    K, y = task.num_classes, task.forget_set.targets
    labels = torch.arange(K).repeat(len(y), 1)                              # (n, K)
    keep = labels != y[:, None]
    comp_y = labels[keep]                                                   # (n (K-1),)
    comp_i = torch.arange(len(y))[:, None].expand(len(y), K)[keep]          # which forget sample
    stream = index_batches(len(comp_y), loop["batch_size"], torch.Generator().manual_seed(seed + 1))

    def loss(m, f, r):
        j = next(stream)
        x, y = to_device(m, task.forget_set[comp_i[j]][0], comp_y[j])
        return F.cross_entropy(r.logits, r.y) + beta * F.cross_entropy(m(x), y)
    unlearning_loop(model, task, seed=seed, loss=loss, **loop)
