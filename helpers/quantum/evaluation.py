"""Measuring unlearning the way the paper does (Sec. 4.3, Tables 1 and 2).

- confusion matrices before and after (Figs. 2-4; rows = true class, columns = predicted);
- per-class recall before/after and the forgotten class's mean probability (Table 1);
- :func:`closeness_to_gold`: KL(gold ‖ model) on retained-class test samples, after renormalising
  both distributions over the retained labels, as mean, median and max (Table 2), and the
  probability mass both models put on the forgotten class for those samples; ours, beside the
  paper's: every model (the untouched original, the unlearned models, an independently seeded
  second gold model) measured against the gold model with all of the above, plus where it sends
  the forgotten class (:func:`gold_agreement`).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import confusion_matrix

from ..data import check_forget_class
from ..metrics import fraction_correct, kl_divergence
from .training import probabilities


def confusion(theta, X, y, num_classes: int = 3) -> np.ndarray:
    """Counts ``C[i, j]`` of test samples of true class i predicted as j."""
    return confusion_matrix(np.asarray(y), probabilities(theta, X).argmax(-1).numpy(), labels=range(num_classes))


def probability_bounds(num_classes: int = 3) -> tuple[float, float]:
    """Smallest and largest class probability the classifier can output (paper, Sec. 4: the logits
    are expectation values <Z_q> in [-1, 1], then a softmax): ``(e^-1 / (e^-1 + (K-1) e),
    e / (e + (K-1) e^-1))``; for K = 3 about (0.063, 0.787)."""
    low = math.exp(-1) / (math.exp(-1) + (num_classes - 1) * math.e)
    high = math.e / (math.e + (num_classes - 1) * math.exp(-1))
    return low, high


def recall(C: np.ndarray) -> np.ndarray:
    """Per-class recall ``C[i, i] / sum_j C[i, j]`` from a confusion matrix."""
    return np.diag(C) / C.sum(1).clip(min=1)


def forget_class_probability(theta, X, y, forget_class: int) -> float:
    """Mean p_θ(f | x) over the test samples of class f (the line under Table 1)."""
    mask = torch.as_tensor(y) == forget_class
    return probabilities(theta, X[mask])[:, forget_class].mean().item()


def table_1(theta_before, theta_after, X, y, forget_class: int, num_classes: int = 3, **others) -> pd.DataFrame:
    """Table 1's layout: per class, recall before (B), after (A) and Δ; then the forget-class mean probability.
    ``others`` (``name=theta``, e.g. ``gold=...``) add a column each with the same numbers of another model."""
    check_forget_class(forget_class, num_classes)

    def column(theta) -> list:
        return [*map(float, recall(confusion(theta, X, y, num_classes))),
                forget_class_probability(theta, X, y, forget_class)]
    table = pd.DataFrame({"class": [f"{k} (F)" if k == forget_class else str(k) for k in range(num_classes)]
                          + [f"{forget_class} (F)"], "metric": ["recall"] * num_classes + ["forget_class_mean_prob"],
                          **{name: column(theta) for name, theta in dict(before=theta_before, after=theta_after,
                                                                         **others).items()}})
    table.insert(4, "delta", table["after"] - table["before"])
    return table


def gold_agreement(theta_gold, theta, X, y, forget_class: int) -> float:
    """Share of the forgotten class's samples that ``theta`` assigns to the class the gold model
    assigns them to (ours: "is the forgotten class reassigned as retraining would?"); the gold
    model itself scores 1."""
    mask = torch.as_tensor(y) == forget_class
    if not mask.any():
        raise ValueError(f"no samples of the forgotten class {forget_class} to compare")
    return fraction_correct(probabilities(theta, X[mask]), probabilities(theta_gold, X[mask]).argmax(-1))


def closeness_to_gold(theta_gold, theta, X, y, forget_class: int, num_classes: int = 3) -> dict:
    """One model against the gold model on a split. Table 2's columns: ``KL(p_gold ‖ p_θ)`` per
    retained-class sample, both distributions renormalised over the retained labels (its mean, median,
    max and std), and the mean forgotten-class probability of both on those samples
    (``forgotten_prob_gold``, ``forgotten_prob``); then the forgotten class's recall and mean
    probability on its own samples (Table 1), the mean recall of the retained classes, and
    :func:`gold_agreement`. For ``theta = theta_gold``: KL 0, agreement 1, the gold's own values."""
    check_forget_class(forget_class, num_classes)
    retained = torch.as_tensor(y) != forget_class
    keep = [k for k in range(num_classes) if k != forget_class]
    p_gold, p = probabilities(theta_gold, X[retained]), probabilities(theta, X[retained])
    kl = kl_divergence(*(q[:, keep] / q[:, keep].sum(-1, keepdim=True) for q in (p_gold, p)))
    rec = recall(confusion(theta, X, y, num_classes))
    return dict(retained_labels="{" + ",".join(map(str, keep)) + "}", mean_kl=kl.mean().item(),
                median_kl=kl.quantile(0.5).item(), max_kl=kl.max().item(), std_kl=kl.std().item(),
                forgotten_prob_gold=p_gold[:, forget_class].mean().item(),
                forgotten_prob=p[:, forget_class].mean().item(), forget_recall=float(rec[forget_class]),
                forget_prob=forget_class_probability(theta, X, y, forget_class),
                retained_recall=float(np.delete(rec, forget_class).mean()),
                gold_agreement=gold_agreement(theta_gold, theta, X, y, forget_class))
