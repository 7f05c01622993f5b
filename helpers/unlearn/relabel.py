"""Methods that train the forget set toward new labels: RL (random wrong labels) and, for the hybrids, LCA."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .base import register
from .finetune import cross_entropy
from .loop import ADAM_LOOP, SGD_LOOP, index_batches, unlearning_loop


def random_labels(targets: torch.Tensor, num_classes: int, generator: torch.Generator | None = None,
                  exclude_true: bool = True) -> torch.Tensor:
    """Random Labels (Golatkar et al., 2020): a uniformly random label per sample.

    With ``exclude_true`` (the setting of OEU Theorem 4.1, ``y~ != y``) the label
    is drawn uniformly from the ``K - 1`` wrong classes.
    """
    if exclude_true:
        shift = torch.randint(1, num_classes, targets.shape, generator=generator)
        return (targets + shift) % num_classes
    return torch.randint(0, num_classes, targets.shape, generator=generator)


class Relabelled:
    """D_f with new labels followed by D_r, as one dataset: a batch holds its forget samples first."""

    def __init__(self, forget_set, forget_labels, retain_set):
        self.forget_set, self.forget_labels, self.retain_set = forget_set, forget_labels, retain_set

    def __len__(self):
        return len(self.forget_set) + len(self.retain_set)

    def __getitem__(self, idx):
        n_f = len(self.forget_set)
        f_idx, r_idx = idx[idx < n_f], idx[idx >= n_f] - n_f
        xs, ys = [], []
        if len(f_idx):
            xs.append(self.forget_set[f_idx][0]); ys.append(self.forget_labels[f_idx])
        if len(r_idx):
            x_r, y_r = self.retain_set[r_idx]
            xs.append(x_r); ys.append(y_r)
        return torch.cat(xs), torch.cat(ys)


def relabelled_with_random_labels(task, generator):
    """D_f with random wrong labels (drawn once) shuffled together with D_r, as in SalUn's ``RL``."""
    labels = random_labels(task.forget_set.targets, task.num_classes, generator)
    return Relabelled(task.forget_set, labels, task.retain_set)


@register("rl", epochs=3, lr=0.01, batch_size=64, **SGD_LOOP)
def random_label(model, task, *, seed, **loop):
    """RL: train on D_f with random wrong labels mixed with D_r with true labels (Golatkar et al., 2020).

    As in SalUn's ``RL``: the relabelled forget set and the retain set are
    concatenated and shuffled together, so each batch interleaves both. The
    random labels are drawn once, uniformly among the K-1 wrong classes.
    """
    generator = torch.Generator().manual_seed(seed)
    mixed = relabelled_with_random_labels(task, generator)
    unlearning_loop(model, task, seed=generator, sets=(mixed,), loss=cross_entropy, **loop)


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
        return F.cross_entropy(r.logits, r.y) + beta * F.cross_entropy(m(task.forget_set[comp_i[j]][0]), comp_y[j])
    unlearning_loop(model, task, seed=seed, loss=loss, **loop)
