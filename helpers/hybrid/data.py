"""Data for the hybrid chapter: train / validation / test tensors and the two forgetting scenarios.

The study (arXiv 2512.19253) splits each dataset 80/20 (stratified) into train and test
and forgets either

- **scenario A**: a stratified 2 % subset of the training set, or
- **scenario B**: every training sample of class 0.

It selected checkpoints on the *test* set; here a stratified validation split is carved
from the training part instead, and the test set is only used for reporting.

The front end (:func:`~helpers.hybrid.models.hybrid_model`) follows the input's shape: an MLP
for features, a CNN for images.

=============  ================================  =====  =====================================
name           train / val / test                front  source
=============  ================================  =====  =====================================
iris           96 / 24 / 30                      mlp    ``load_tabular("iris")`` (4 features in [0, π])
digits         1,221 / 216 / 360                 cnn    ``load_dataset("digits")`` (8x8, offline)
mnist          85 % / 15 % of ``n_per_class``     cnn    ``load_dataset("mnist")`` (download)
fashion-mnist  x 10 training images; test 1/4     cnn    ``load_dataset("fashion-mnist")`` (download)
=============  ================================  =====  =====================================

MNIST and Fashion-MNIST are subsampled per class as the study did (it used 100 per class).
Offline they raise the loaders' error naming ``load_dataset("digits")``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from ..data import TensorSplits, check_forget_class, load_dataset, load_tabular

DATASETS = ("iris", "digits", "mnist", "fashion-mnist")
SCENARIOS = ("A", "B")


def stratified_pick(y: torch.Tensor, ratio: float, seed: int) -> torch.Tensor:
    """Sorted indices of a stratified random ``ratio`` of ``y``: ``max(1, round(ratio n_c))`` per class c."""
    g = torch.Generator().manual_seed(seed)
    picked = []
    for c in torch.unique(y):
        members = torch.nonzero(y == c).flatten()
        k = max(1, round(ratio * len(members)))
        picked.append(members[torch.randperm(len(members), generator=g)[:k]])
    return torch.cat(picked).sort().values


def load_hybrid(name: str = "digits", *, seed: int = 0, val_size: float = 0.15, n_per_class: int = 100,
                root=None, download: bool = True) -> TensorSplits:
    """Load ``name`` (one of :data:`DATASETS`) as float32 :class:`~helpers.data.TensorSplits`; ``seed`` fixes
    every split."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name == "iris":
        t = load_tabular("iris", seed=seed)
        return replace(t, X_train=t.X_train.float(), X_val=t.X_val.float(), X_test=t.X_test.float())
    splits = load_dataset(name, root=root, download=download, seed=seed)
    train, test = splits.train, splits.test
    if name != "digits":                               # the study's balanced subsample
        keep = stratified_pick(train.targets, n_per_class / len(train) * splits.num_classes, seed)
        train = train.subset(keep)
        test = test.subset(stratified_pick(test.targets, n_per_class / 4 / len(test) * splits.num_classes, seed))
    X, y = train[torch.arange(len(train))]
    X_test, y_test = test[torch.arange(len(test))]
    val = stratified_pick(y, val_size, seed + 1)
    fit = torch.ones(len(y), dtype=torch.bool)
    fit[val] = False
    return TensorSplits(name, X[fit], y[fit], X[val], y[val], X_test, y_test, splits.num_classes)


@dataclass
class Split:
    """Forget / retain indices into the training set for one scenario."""

    scenario: str
    forget_idx: torch.Tensor
    retain_idx: torch.Tensor
    forget_class: int | None = None


def make_split(data: TensorSplits, scenario: str, *, ratio: float = 0.02, forget_class: int = 0,
               seed: int = 0) -> Split:
    """Scenario ``"A"`` (stratified ``ratio`` of ``data``'s training set) or ``"B"`` (all of ``forget_class``)."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose 'A' (2% subset) or 'B' (one class)")
    if scenario == "A" and not (isinstance(ratio, (int, float)) and 0.0 < ratio < 1.0):
        raise ValueError(f"ratio must be a number strictly between 0 and 1, got {ratio!r}")
    if scenario == "B":
        check_forget_class(forget_class, data.num_classes)
    y_train = data.y_train
    forget = stratified_pick(y_train, ratio, seed) if scenario == "A" else torch.nonzero(y_train == forget_class).flatten()
    retain = torch.nonzero(~torch.isin(torch.arange(len(y_train)), forget)).flatten()
    if len(forget) == 0 or len(retain) == 0:
        raise ValueError(f"scenario {scenario} leaves an empty forget or retain set")
    return Split(scenario, forget, retain, forget_class if scenario == "B" else None)
