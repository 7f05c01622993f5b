"""Data for the hybrid chapter: train / validation / test tensors and the two forgetting scenarios.

The study (arXiv 2512.19253) splits each dataset 80/20 (stratified) into train and test
and forgets either

- **scenario A**: a stratified 2 % subset of the training set, or
- **scenario B**: every training sample of class 0.

It selected checkpoints on the *test* set; here a stratified validation split is carved
from the training part instead, and the test set is only used for reporting.

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

from dataclasses import dataclass

import torch

from ..data import check_forget_class, load_dataset, load_tabular

DATASETS = ("iris", "digits", "mnist", "fashion-mnist")
SCENARIOS = ("A", "B")


@dataclass
class HybridData:
    """float32 inputs ``X_*`` ((N, 4) or (N, C, H, W)) and int64 labels ``y_*``; ``front`` names the front end."""

    name: str
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int
    front: str

    @property
    def in_shape(self) -> tuple:
        return tuple(self.X_train.shape[1:])

    def __repr__(self) -> str:
        return (f"HybridData(name={self.name!r}, train={len(self.y_train)}, val={len(self.y_val)}, "
                f"test={len(self.y_test)}, input={self.in_shape}, classes={self.num_classes})")


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
                root=None, download: bool = True) -> HybridData:
    """Load ``name`` (one of :data:`DATASETS`) as a :class:`HybridData`; ``seed`` fixes every split."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if name == "iris":
        t = load_tabular("iris", seed=seed)
        return HybridData("iris", t.X_train.float(), t.y_train, t.X_val.float(), t.y_val, t.X_test.float(), t.y_test,
                          3, "mlp")
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
    return HybridData(name, X[fit], y[fit], X[val], y[val], X_test, y_test, splits.num_classes, "cnn")


@dataclass
class Split:
    """Forget / retain indices into the training set for one scenario."""

    scenario: str
    forget_idx: torch.Tensor
    retain_idx: torch.Tensor
    forget_class: int | None = None


def make_split(data: HybridData, scenario: str, *, ratio: float = 0.02, forget_class: int = 0,
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
