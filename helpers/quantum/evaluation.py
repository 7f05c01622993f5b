"""Measuring unlearning the way the paper does (Sec. 4.3, Tables 1 and 2).

- confusion matrices before and after (Figs. 2-4; rows = true class, columns = predicted);
- per-class recall before/after and the forgotten class's mean probability (Table 1);
- KL(gold ‖ unlearned) on retained-class test samples, after renormalising both
  distributions over the retained labels, as mean, median and max (Table 2), and
  the probability mass both models put on the forgotten class for those samples.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from .training import probabilities
from .unlearning import check_forget_class


def confusion(theta, X, y, num_classes: int = 3) -> np.ndarray:
    """Counts ``C[i, j]`` of test samples of true class i predicted as j."""
    pred = probabilities(theta, X).argmax(-1).numpy()
    C = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(C, (np.asarray(y), pred), 1)
    return C


def probability_bounds(num_classes: int = 3) -> tuple[float, float]:
    """Smallest and largest class probability the classifier can output (paper, Sec. 4: the logits
    are expectation values <Z_q> in [-1, 1], then a softmax): ``(e^-1 / (e^-1 + (K-1) e),
    e / (e + (K-1) e^-1))``; for K = 3 about (0.063, 0.787)."""
    low = math.exp(-1) / (math.exp(-1) + (num_classes - 1) * math.e)
    high = math.e / (math.e + (num_classes - 1) * math.exp(-1))
    return low, high


def reassignment(theta_before, theta_after, X, y, forget_class: int, num_classes: int = 3) -> np.ndarray:
    """Where unlearning sends the forgotten class (paper, Sec. 4.3 and Fig. 4: "primarily ... to a
    single retained class"): among the samples of class f that the original model predicted as f,
    ``counts[k]`` is how many the unlearned model predicts as k (``counts[f]``: still predicted f)."""
    check_forget_class(forget_class, num_classes)
    mask = torch.as_tensor(y) == forget_class
    before = probabilities(theta_before, X[mask]).argmax(-1)
    after = probabilities(theta_after, X[mask]).argmax(-1)
    return np.bincount(after[before == forget_class].numpy(), minlength=num_classes)


def recall(C: np.ndarray) -> np.ndarray:
    """Per-class recall ``C[i, i] / sum_j C[i, j]`` from a confusion matrix."""
    return np.diag(C) / C.sum(1).clip(min=1)


def forget_class_probability(theta, X, y, forget_class: int) -> float:
    """Mean p_θ(f | x) over the test samples of class f (the line under Table 1)."""
    mask = torch.as_tensor(y) == forget_class
    return probabilities(theta, X[mask])[:, forget_class].mean().item()


def table_1(theta_before, theta_after, X, y, forget_class: int, num_classes: int = 3) -> pd.DataFrame:
    """Table 1's layout: per class, recall before (B), after (A) and Δ; then the forget-class mean probability."""
    check_forget_class(forget_class, num_classes)
    before = recall(confusion(theta_before, X, y, num_classes))
    after = recall(confusion(theta_after, X, y, num_classes))
    rows = [dict(cls=f"{k} (F)" if k == forget_class else str(k), metric="recall",
                 before=before[k], after=after[k], delta=after[k] - before[k]) for k in range(num_classes)]
    p_b = forget_class_probability(theta_before, X, y, forget_class)
    p_a = forget_class_probability(theta_after, X, y, forget_class)
    rows.append(dict(cls=f"{forget_class} (F)", metric="forget_class_mean_prob", before=p_b, after=p_a,
                     delta=p_a - p_b))
    return pd.DataFrame(rows).rename(columns={"cls": "class"})


def renormalised(p: torch.Tensor, keep: list[int]) -> torch.Tensor:
    """``p`` restricted to the classes ``keep`` and rescaled to sum to 1."""
    p = p[:, keep]
    return p / p.sum(-1, keepdim=True)


def kl_to_gold(theta_gold, theta_unlearned, X, y, forget_class: int, num_classes: int = 3) -> dict:
    """Table 2: ``KL(p_gold ‖ p_unlearned)`` per retained-class test sample, renormalised over the
    retained labels; its mean, median and max, and the mean forgotten-class probability of both."""
    check_forget_class(forget_class, num_classes)
    mask = torch.as_tensor(y) != forget_class
    p_gold, p_unl = probabilities(theta_gold, X[mask]), probabilities(theta_unlearned, X[mask])
    keep = [k for k in range(num_classes) if k != forget_class]
    a, b = renormalised(p_gold, keep), renormalised(p_unl, keep)
    kl = (a * (a.log() - b.log())).sum(-1)
    return dict(retained_labels="{" + ",".join(map(str, keep)) + "}", mean_kl=kl.mean().item(),
                median_kl=kl.quantile(0.5).item(), max_kl=kl.max().item(), std_kl=kl.std().item(),
                forgotten_prob_gold=p_gold[:, forget_class].mean().item(),
                forgotten_prob_unlearned=p_unl[:, forget_class].mean().item())
