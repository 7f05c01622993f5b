"""A tiny forgetting problem on digits for the unlearning tests: a narrow 4-bit ResNet-18 and a 10 % forget split.

Used by ``test_unlearn.py`` (a briefly trained model) and ``test_entropy_chapter.py``
(an untrained one, where only exact equalities between methods are checked).
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
