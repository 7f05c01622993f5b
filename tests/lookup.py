"""A fake network for the attack tests: logits chosen in advance for every sample.

``LookupModel`` reads a sample id written into an image's two uint8 pixels and
returns that row of a table, so a test decides exactly how confident the
"network" is on each sample (used by ``test_metrics.py`` and ``test_mia.py``).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from helpers.data import ImageDataset


class LookupModel(nn.Module):
    """Returns ``table[id]`` for the sample id stored in the image (two uint8 pixels)."""

    def __init__(self, table):
        super().__init__()
        self.table = nn.Parameter(torch.as_tensor(table, dtype=torch.float32), requires_grad=False)

    def forward(self, x):
        pixels = torch.round((x * 0.5 + 0.5) * 255).long().view(len(x), 2)     # undo mean/std 0.5
        return self.table[pixels[:, 0] * 256 + pixels[:, 1]]


def universe(targets, num_classes=2):
    """An ImageDataset whose sample ``i`` has id ``i`` (images ``(N, 1, 1, 2)``)."""
    ids = torch.arange(len(targets))
    images = torch.stack([ids // 256, ids % 256], 1).to(torch.uint8).view(-1, 1, 1, 2)
    return ImageDataset(images, torch.as_tensor(targets), num_classes, mean=[0.5], std=[0.5])


def confidence_logits(p):
    """Two-class logits whose softmax gives probability ``p`` to class 0 (the true label below)."""
    p = np.asarray(p, dtype=np.float64)
    return np.stack([np.log(p / (1 - p)), np.zeros_like(p)], 1)


def world(groups):
    """Concatenate groups of class-0 confidences; return (model, [dataset of each group])."""
    p = np.concatenate(groups)
    data = universe(torch.zeros(len(p), dtype=torch.int64))
    model = LookupModel(confidence_logits(p))
    bounds = np.cumsum([0] + [len(g) for g in groups])
    return model, [data.subset(torch.arange(a, b)) for a, b in zip(bounds[:-1], bounds[1:])]
