"""What a model outputs on a dataset, as every metric reads it, and its top-1 accuracy (FA, RA, TA).

Two units: :func:`top1_accuracy` in percent (the quantized networks' scorecard) and
:func:`fraction_correct` in [0, 1] (the hybrid and VQC chapters, as in their papers' tables).

:func:`model_logits` is the one forward pass of the evaluation: eval mode, no augmentation, a
diverged model's non-finite rows scored as uniform. The scorecard's FA, RA and TA
(:mod:`helpers.metrics.scorecard`) are :func:`top1_accuracy` of those logits, and every
membership attack of :mod:`helpers.metrics.mia` starts from them.
"""
from __future__ import annotations

import warnings

import torch

from ..train import evaluation_view, predict


def model_logits(model, dataset) -> torch.Tensor:
    """Eval-mode logits ``(N, K)`` without augmentation (as :func:`helpers.train.accuracy`).

    A diverged model (an unlearning run whose weights blew up) gives NaN or infinite logits;
    such rows become 0 (a uniform prediction), with a warning: wrong for accuracy, confidence
    ``1/K`` for the attacks.
    """
    logits = predict(model, evaluation_view(dataset)).float()
    bad = ~torch.isfinite(logits).all(dim=1)
    if bad.any():
        warnings.warn(f"{int(bad.sum())} of {len(logits)} samples have non-finite logits: the model diverged; "
                      "they are scored as uniform predictions", RuntimeWarning, stacklevel=3)
        logits[bad] = 0.0
    return logits


def fraction_correct(scores: torch.Tensor, labels) -> float:
    """Share of rows whose largest score (logit or probability) is at ``labels``, in [0, 1] (float64 mean):
    the hybrid and VQC chapters' accuracy; with another model's predictions as ``labels``, its agreement."""
    return (scores.argmax(-1) == torch.as_tensor(labels)).double().mean().item()


def top1_accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Top-1 accuracy in percent; an all-equal row (e.g. a diverged model's) counts as wrong."""
    tied = logits.max(1).values == logits.min(1).values
    return 100.0 * ((logits.argmax(1) == targets) & ~tied).float().mean().item()


def require_nonempty(**sets) -> None:
    """``ValueError`` naming the first empty (or missing) set: the metrics are undefined on it."""
    for name, ds in sets.items():
        if ds is None or len(ds) == 0:
            raise ValueError(f"the {name} set is empty: FA/RA/TA/MIA are undefined on an empty set")
