"""Tiny problems for the tests: a forgetting problem on digits (a narrow 4-bit ResNet-18 and a 10 %
forget split) and :class:`TinySet`, random points in the minimal dataset protocol of helpers.

``tiny_forgetting_problem`` serves ``test_unlearn.py`` (a briefly trained model) and
``test_entropy_chapter.py``; ``TinySet`` serves the gradient-geometry and Eq. (12) tests.
"""
from __future__ import annotations

import torch

from helpers.data import forget_split, load_dataset
from helpers.profiles import build_quantized
from helpers.train import seed_everything, train


def tiny_forgetting_problem(n_train: int, train_epochs: int = 0):
    """``(model, forget_set, retain_set, test_set)`` from the first ``n_train`` digits images.

    The model is ResNet-18 W4A4 at width 0.125, trained for ``train_epochs``
    epochs (0: untrained, its quantizers initialised on 8 images), in eval mode.
    """
    data = load_dataset("digits")
    train_set = data.train.subset(range(n_train))
    seed_everything(0)
    model = build_quantized("resnet18-w4a4", 10, 1, width=0.125)
    if train_epochs:
        train(model, train_set, epochs=train_epochs, lr=0.05, batch_size=64, progress=False)
    else:
        model(train_set[torch.arange(8)][0])                          # initialise the quantizers
    model.eval()
    f_idx, r_idx = forget_split(train_set.targets, ratio=0.1, seed=0)
    return model, train_set.subset(f_idx), train_set.subset(r_idx), data.test


class TinySet:
    """The minimal dataset protocol of helpers (``ds[idx] -> (x, y)``, ``len``, ``targets``,
    ``num_classes``): ``n`` Gaussian points of ``dim`` features times ``scale``, random labels."""

    def __init__(self, n, seed, num_classes=3, dim=4, scale=1.0, dtype=torch.float32):
        g = torch.Generator().manual_seed(seed)
        self.data = scale * torch.randn(n, dim, generator=g, dtype=dtype)
        self.targets = torch.randint(0, num_classes, (n,), generator=g)
        self.num_classes = num_classes
        self.in_channels = None

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, idx):
        return self.data[idx], self.targets[idx]
