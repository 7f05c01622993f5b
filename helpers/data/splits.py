"""Forget / retain splits for the two unlearning scenarios (OEU Sec. 3.1 and 5.1).

The training set ``D`` is cut into a *forget set* ``D_f`` (the samples whose
influence must be removed) and a *retain set* ``D_r = D \\ D_f``:

- **random data forgetting**: ``D_f`` is a uniformly random fraction of ``D``
  (OEU uses 10%, 30% and 50%); the forgotten samples look like every other
  sample, so a good unlearned model still classifies many of them correctly.
- **class-wise forgetting**: ``D_f`` is every sample of one class; after
  unlearning the model should be unable to recognise that class at all.

::

    forget_idx, retain_idx = forget_split(train.targets, ratio=0.1, seed=0)
    forget_set, retain_set = train.subset(forget_idx), train.subset(retain_idx)
"""
from __future__ import annotations

import operator

import torch

from .dataset import ImageDataset


def forget_split(targets, ratio: float | None = None, forget_class: int | None = None,
                 seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices ``(forget_idx, retain_idx)`` of the forget set ``D_f`` and the retain set ``D_r``.

    Give exactly one of ``ratio`` (random data forgetting) or ``forget_class``
    (class-wise forgetting).

    Parameters
    ----------
    targets : int tensor / array ``(N,)`` of labels, or an :class:`ImageDataset`
        (its ``.targets`` and ``.num_classes`` are used).
    ratio : fraction of ``D`` to forget, strictly between 0 and 1. The forget
        set is a uniformly random subset of ``round(ratio * N)`` samples.
    forget_class : the class whose samples are all forgotten.
    seed : seeds the random subset (the same seed always gives the same split);
        unused for class-wise forgetting.

    Returns
    -------
    forget_idx, retain_idx : sorted ``int64`` tensors, shapes ``(N_f,)`` and
        ``(N - N_f,)``; disjoint, and together they cover ``range(N)``.

    Raises
    ------
    ValueError : both or neither of ``ratio`` / ``forget_class`` given; ``ratio``
        not in ``(0, 1)``; ``forget_class`` absent from ``targets``; or an empty
        forget or retain set.
    """
    num_classes = getattr(targets, "num_classes", None)
    targets = torch.as_tensor(getattr(targets, "targets", targets)).flatten().to(torch.int64)
    if (ratio is None) == (forget_class is None):
        raise ValueError("give exactly one of ratio= (random forgetting) "
                         "or forget_class= (class-wise forgetting)")
    if ratio is not None:
        forget = _random_forget_mask(targets, ratio, seed)
    else:
        forget = targets == _check_class(targets, forget_class, num_classes)
    forget_idx = torch.nonzero(forget).flatten()
    retain_idx = torch.nonzero(~forget).flatten()
    if len(forget_idx) == 0:
        raise ValueError(f"the forget set is empty ({len(targets)} samples, ratio={ratio}); "
                         "use a larger ratio or more samples")
    if len(retain_idx) == 0:
        raise ValueError(f"the retain set is empty: every one of the {len(targets)} samples "
                         "would be forgotten")
    return forget_idx, retain_idx


def _random_forget_mask(targets: torch.Tensor, ratio: float, seed: int) -> torch.Tensor:
    """Boolean mask ``(N,)`` with ``round(ratio * N)`` seeded random entries set."""
    try:
        ratio = float(ratio)
    except (TypeError, ValueError):
        raise ValueError(f"ratio must be a number in (0, 1), got {ratio!r}") from None
    if not 0.0 < ratio < 1.0:                       # also rejects NaN
        raise ValueError(f"ratio must be strictly between 0 and 1, got {ratio}")
    n = len(targets)
    generator = torch.Generator().manual_seed(int(seed))
    chosen = torch.randperm(n, generator=generator)[:round(ratio * n)]
    mask = torch.zeros(n, dtype=torch.bool)
    mask[chosen] = True
    return mask


def check_forget_class(forget_class, num_classes: int) -> None:
    """A clear ValueError unless ``forget_class`` is an integer class index below ``num_classes``."""
    if isinstance(forget_class, bool) or not isinstance(forget_class, int) or not 0 <= forget_class < num_classes:
        raise ValueError(f"forget_class must be an integer class index in 0..{num_classes - 1}, got {forget_class!r}")


def _check_class(targets: torch.Tensor, cls, num_classes: int | None) -> int:
    """``cls`` as an int, or a ValueError naming the classes present in ``targets``."""
    present = sorted(torch.unique(targets).tolist())
    if num_classes is not None:
        present = [c for c in present if 0 <= c < num_classes]
    try:
        value = operator.index(cls)
    except TypeError:
        raise ValueError(f"forget_class must be an integer class label, got {cls!r}; "
                         f"valid classes: {present}") from None
    upper = num_classes if num_classes is not None else (max(present) + 1 if present else 0)
    if not 0 <= value < upper or value not in present:
        raise ValueError(f"forget_class={value} is not a class of these targets; valid classes: {present}")
    return value


def drop_class(dataset: ImageDataset, cls: int) -> ImageDataset:
    """``dataset`` without the samples of class ``cls`` (same normalisation, same ``num_classes``).

    For class-wise forgetting the test accuracy (TA) and the MIA use the test
    set *without* the forgotten class, as in SalUn (Fan et al., 2024): the
    retrained model has never seen that class, so counting its test samples
    would only measure how well nobody can recognise it::

        test_without = drop_class(test, forget_class)
    """
    try:
        value = operator.index(cls)
    except TypeError:
        raise ValueError(f"cls must be an integer class label, got {cls!r}") from None
    if not 0 <= value < dataset.num_classes:
        raise ValueError(f"cls={value} is outside the dataset's classes 0..{dataset.num_classes - 1}")
    keep = torch.nonzero(dataset.targets != value).flatten()
    if len(keep) == 0:
        raise ValueError(f"every sample of the dataset has class {value}; nothing would be left")
    return dataset.subset(keep)
