"""Corrupted training sets to forget: two scenarios of this book's own, not of the OEU paper.

Why. In random data forgetting on digits (OEU's 10 %), the forgotten samples
look like every retained one: Retrain still classifies almost all of them
correctly, so the model that never saw them behaves almost like the one that
did. Doing nothing is then already within a few points of Retrain, and the
methods' gaps differ from doing nothing's by less than their spread over
seeds: that task can hardly separate methods. Forgetting is only visible
where the original *learned something from D_f that it could not have
learned from D_r*. Both scenarios below build such a D_f, seeded,
before the original is trained; the original is trained on the corrupted
training set, Retrain on the clean rest ``D_r`` only:

``mislabeled``
    A fraction of the training samples get a wrong label, uniform among the
    other ``K - 1`` classes. ``D_f`` = those samples with their wrong labels,
    so forget accuracy (FA) counts how many wrong labels a model reproduces:
    close to zero for Retrain (it predicts the true class, or errs at
    random), and as high as the original has *memorised* them. The
    samples are the ones random forgetting of the same ratio and seed would
    forget (:func:`helpers.data.forget_split`).
``poisoned``
    The same, but the corrupted samples also carry a small trigger (a white
    square in the top-left corner, side ``H // 4``; on 8x8 digits 2x2
    pixels that are blank in almost every image) and all get one target label
    (:data:`POISON_TARGET`); they are drawn from the other classes, so every
    label is wrong. This is a backdoor in the style of BadNets (Gu et al.,
    2017), the data-poisoning case that motivates corrective unlearning: the
    original learns "trigger -> target", which Retrain never sees.

Which one has signal depends on whether the original memorises ``D_f``;
``run_table`` measures it (FA of Original against FA of Retrain).
::

    corrupted = corrupt(data.train, "poisoned", ratio=0.05, seed=1)
    corrupted.train            # the training set the original is trained on
    corrupted.forget_set       # D_f: the corrupted samples, with their wrong labels
    corrupted.retain_set       # D_r: the clean rest
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .dataset import ImageDataset
from .splits import forget_split

POISON_TARGET = 0        # the label every poisoned sample gets


@dataclass(frozen=True)
class Corrupted:
    """A training set with a seeded corrupted subset, and its forget / retain split.

    ``train`` holds the corrupted samples at ``forget_idx`` (wrong label, and
    for poisoning the trigger) and the untouched ones elsewhere;
    ``true_targets`` are the original labels of every sample.
    """

    train: ImageDataset
    true_targets: torch.Tensor
    forget_idx: torch.Tensor
    retain_idx: torch.Tensor

    @property
    def forget_set(self) -> ImageDataset:
        """``D_f``: the corrupted samples with their wrong labels."""
        return self.train.subset(self.forget_idx)

    @property
    def retain_set(self) -> ImageDataset:
        """``D_r``: every other sample, untouched and correctly labelled."""
        return self.train.subset(self.retain_idx)


def mislabel(dataset: ImageDataset, ratio: float, seed: int) -> Corrupted:
    """Give ``round(ratio * N)`` seeded random samples of ``dataset`` a wrong label.

    The samples are those of ``forget_split(dataset, ratio=ratio, seed=seed)``;
    each wrong label is ``(y + k) mod K`` with ``k`` uniform in ``1 .. K - 1``
    (never the true class), drawn from a generator seeded with ``seed``.

    Raises ValueError for a ratio outside ``(0, 1)``, an empty forget or
    retain set, or a dataset with fewer than two classes.
    """
    _check_classes(dataset)
    forget_idx, retain_idx = forget_split(dataset.targets, ratio=ratio, seed=seed)
    generator = torch.Generator().manual_seed(int(seed))
    shift = torch.randint(1, dataset.num_classes, (len(forget_idx),), generator=generator)
    targets = dataset.targets.clone()
    targets[forget_idx] = (targets[forget_idx] + shift) % dataset.num_classes
    return _corrupted(dataset, dataset.images, targets, forget_idx)


def poison(dataset: ImageDataset, ratio: float, seed: int, target: int = POISON_TARGET) -> Corrupted:
    """Stamp a trigger on ``round(ratio * N)`` seeded samples not of class ``target`` and label them ``target``.

    The trigger sets the top-left ``s x s`` square (``s = max(1, H // 4)``) of
    every channel to full intensity (255). Samples are drawn uniformly, with a
    generator seeded with ``seed``, from those whose true class is not
    ``target``.

    Raises ValueError for a ratio outside ``(0, 1)``, a ``target`` that is not
    a class, or more samples asked for than there are outside ``target``.
    """
    _check_classes(dataset)
    ratio = _check_ratio(ratio)
    if not isinstance(target, int) or not 0 <= target < dataset.num_classes:
        raise ValueError(f"target must be a class 0..{dataset.num_classes - 1}, got {target!r}")
    candidates = torch.nonzero(dataset.targets != target).flatten()
    count = round(ratio * len(dataset))
    if not 0 < count <= len(candidates):
        raise ValueError(f"ratio={ratio} asks for {count} poisoned samples; between 1 and {len(candidates)} "
                         f"(the samples not of class {target}) are possible")
    generator = torch.Generator().manual_seed(int(seed))
    forget_idx = candidates[torch.randperm(len(candidates), generator=generator)[:count]].sort().values
    side = max(1, dataset.image_size // 4)
    images = dataset.images.clone()
    images[forget_idx, :, :side, :side] = 255
    targets = dataset.targets.clone()
    targets[forget_idx] = target
    return _corrupted(dataset, images, targets, forget_idx)


CORRUPTIONS = {"mislabeled": mislabel, "poisoned": poison}


def corrupt(dataset: ImageDataset, kind: str, ratio: float, seed: int) -> Corrupted:
    """``mislabel`` or ``poison`` by name (``kind`` is a scenario of :data:`CORRUPTIONS`)."""
    if kind not in CORRUPTIONS:
        raise ValueError(f"unknown corruption {kind!r}; choose one of {sorted(CORRUPTIONS)}")
    return CORRUPTIONS[kind](dataset, ratio, seed)


def _corrupted(dataset: ImageDataset, images, targets, forget_idx) -> Corrupted:
    train = dataset.subset(torch.arange(len(dataset)))
    train.images, train.targets = images, targets
    keep = torch.ones(len(dataset), dtype=torch.bool)
    keep[forget_idx] = False
    retain_idx = torch.nonzero(keep).flatten()
    if len(retain_idx) == 0:
        raise ValueError("every sample would be corrupted: the retain set is empty")
    return Corrupted(train, dataset.targets.clone(), forget_idx, retain_idx)


def _check_classes(dataset: ImageDataset) -> None:
    if dataset.num_classes < 2:
        raise ValueError(f"a wrong label needs at least two classes; this dataset has {dataset.num_classes}")


def _check_ratio(ratio) -> float:
    try:
        ratio = float(ratio)
    except (TypeError, ValueError):
        raise ValueError(f"ratio must be a number in (0, 1), got {ratio!r}") from None
    if not 0.0 < ratio < 1.0:
        raise ValueError(f"ratio must be strictly between 0 and 1, got {ratio}")
    return ratio


__all__ = ["Corrupted", "mislabel", "poison", "corrupt", "CORRUPTIONS", "POISON_TARGET"]
