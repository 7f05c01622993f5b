"""The unlearning scorecard: FA, RA, TA, MIA and the Average Gap (OEU Sec. 5.1, App. A.1).

An unlearned model ``M_u`` is judged against the retrained model ``M_r`` (the
"gold standard", trained from scratch on the retain set only):

- **FA** forget accuracy, top-1 accuracy on ``D_f``;
- **RA** retain accuracy, on ``D_r``;
- **TA** test accuracy, on held-out data;
- **MIA** membership-inference efficacy on ``D_f`` (:func:`mia_efficacy`; chapter 4,
  equation ``ch4-mia``);
- **AG** the average gap: mean ``|M_u - M_r|`` over those four (:func:`average_gap`;
  chapter 4, equation ``ch4-ag``).

All values are percentages. ``loss_attack`` is a second, independent privacy
check (the NeurIPS 2023 Machine Unlearning challenge's simple MIA).
"""
from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.svm import SVC

from ..train import evaluation_view, predict

METRICS = ("FA", "RA", "TA", "MIA")


def evaluate(model, forget_set, retain_set, test_set, batch_size: int = 512) -> dict[str, float]:
    """``{"FA", "RA", "TA", "MIA"}`` of ``model`` in percent (OEU Sec. 5.1).

    FA, RA and TA are top-1 accuracies in eval mode without augmentation (the
    same numbers as :func:`helpers.train.accuracy`); MIA is :func:`mia_efficacy`.
    Each set goes through the model once: the MIA reuses those logits.
    For class-wise forgetting pass the test set *without* the forgotten class
    (:func:`helpers.data.drop_class`).
    """
    _require_nonempty(forget=forget_set, retain=retain_set, test=test_set)
    logits = {name: _logits(model, ds, batch_size)
              for name, ds in (("forget", forget_set), ("retain", retain_set), ("test", test_set))}
    n_shadow = min(len(retain_set), len(test_set))
    return {
        "FA": _accuracy(logits["forget"], forget_set.targets),
        "RA": _accuracy(logits["retain"], retain_set.targets),
        "TA": _accuracy(logits["test"], test_set.targets),
        "MIA": _svc_efficacy(_confidence(logits["retain"][:n_shadow], retain_set.targets[:n_shadow]),
                             _confidence(logits["test"], test_set.targets),
                             _confidence(logits["forget"], forget_set.targets)),
    }


def mia_efficacy(model, forget_set, retain_set, test_set, batch_size: int = 512) -> float:
    """MIA efficacy on the forget set, in percent: SalUn's ``SVC_MIA_forget_efficacy["confidence"]``.

    The attack (Fan et al., 2024, SalUn, App. C.3; code ``evaluation/SVC_MIA.py``
    of OPTML-Group/Unlearn-Saliency, after Song & Mittal, 2021; used by OEU
    Sec. 5.1) works on one feature, the softmax confidence at the true label,
    ``c(x, y) = softmax(M(x))_y``:

    1. shadow members: the first ``n = min(|D_r|, |D_test|)`` samples of ``D_r``
       (label 1); shadow non-members: the whole test set (label 0);
    2. fit ``SVC(C=3, gamma="auto", kernel="rbf")`` on their confidences;
    3. report the share of forget samples the attack calls *non-members*::

           MIA = 100 * |{x in D_f : SVC(c(x, y)) = 0}| / |D_f|

       the book's MIA definition (chapter 4, equation ``ch4-mia``, with the
       feature ``c`` of equation ``ch4-confidence``). The OEU paper (Sec. 5.1)
       cites Shokri et al. (2017) for the attack and gives no formula of its own.

    High MIA = the forget set looks unseen (forgotten); a model still fitting
    ``D_f`` gives a low MIA. The target is the retrained model's value, not 100.
    """
    _require_nonempty(forget=forget_set, retain=retain_set, test=test_set)
    n_shadow = min(len(retain_set), len(test_set))
    shadow_in = retain_set.subset(torch.arange(n_shadow))
    conf = {name: _confidence(_logits(model, ds, batch_size), ds.targets)
            for name, ds in (("in", shadow_in), ("out", test_set), ("forget", forget_set))}
    return _svc_efficacy(conf["in"], conf["out"], conf["forget"])


def loss_attack(model, forget_set, test_set, n_splits: int = 10, seed: int = 0,
                batch_size: int = 512, return_auc: bool = False):
    """Loss-based MIA of the NeurIPS 2023 Machine Unlearning challenge starting kit, in percent.

    Reference: ``simple_mia`` in unlearning-challenge/starting-kit
    (``unlearning-CIFAR10.ipynb``). Per-sample cross-entropy losses
    ``l(x, y) = -log softmax(M(x))_y`` of the forget set (label 1) and of
    the test set (label 0) are balanced by randomly subsampling the larger group
    to the size of the smaller, then a logistic regression on the loss is scored
    by stratified ``n_splits``-fold cross-validation (fewer folds if a group has
    fewer samples). Returns the mean held-out accuracy: **50 means forget and
    unseen samples are indistinguishable** (ideal), 100 means the attacker always
    tells them apart. With ``return_auc=True`` returns ``(accuracy, auc)``, the
    mean held-out ROC AUC also in percent.
    """
    _require_nonempty(forget=forget_set, test=test_set)
    members = _losses(_logits(model, forget_set, batch_size), forget_set.targets)
    unseen = _losses(_logits(model, test_set, batch_size), test_set.targets)
    m = min(len(members), len(unseen))
    if m < 2:
        raise ValueError(f"loss_attack needs at least 2 forget and 2 test samples, "
                         f"got {len(members)} and {len(unseen)}")
    rng = np.random.default_rng(seed)
    members = members[rng.choice(len(members), m, replace=False)]
    unseen = unseen[rng.choice(len(unseen), m, replace=False)]
    x = np.concatenate([unseen, members]).reshape(-1, 1)
    y = np.concatenate([np.zeros(m, dtype=int), np.ones(m, dtype=int)])
    cv = StratifiedKFold(n_splits=min(n_splits, m), shuffle=True, random_state=seed)
    scores = cross_validate(LogisticRegression(), x, y, cv=cv, scoring=("accuracy", "roc_auc"))
    accuracy = 100.0 * float(scores["test_accuracy"].mean())
    auc = 100.0 * float(scores["test_roc_auc"].mean())
    return (accuracy, auc) if return_auc else accuracy


def gaps(row, retrain_row) -> dict[str, float]:
    """Per-metric absolute gaps ``|row[m] - retrain_row[m]|`` for m in FA, RA, TA, MIA (OEU Sec. 5.1).

    ``row`` and ``retrain_row`` are dicts or pandas Series holding those keys
    (other keys are ignored); these are the numbers in brackets in OEU's tables,
    the summands of the Average Gap (chapter 4, equation ``ch4-ag``).
    """
    missing = [m for m in METRICS for r in (row, retrain_row) if m not in r]
    if missing:
        raise KeyError(f"rows need the metrics {list(METRICS)}; missing {sorted(set(missing))}")
    return {m: abs(float(row[m]) - float(retrain_row[m])) for m in METRICS}


def average_gap(row, retrain_row) -> float:
    """Average Gap (AG, OEU Sec. 5.1 and App. A.1): the mean of :func:`gaps` over FA, RA, TA, MIA.

    ``AG(M_u) = 1/4 * sum over m in {FA, RA, TA, MIA} of |m(M_u) - m(M_r)|``:
    chapter 4, equation ``ch4-ag`` (the paper defines it in words, "the mean
    absolute difference between each method and Retrain across the above four
    metrics", Sec. 5.1, without an equation number).

    AG is 0 for Retrain itself and lower is better: the goal is to *match* the
    retrained model, not to maximise or minimise any single metric.
    """
    return sum(gaps(row, retrain_row).values()) / len(METRICS)


def model_logits(model, dataset, batch_size: int = 512) -> torch.Tensor:
    """Eval-mode logits ``(N, K)`` exactly as the scorecard sees them (public for :mod:`helpers.attacks`).

    No augmentation; rows of a diverged model that are not finite become 0
    (a uniform prediction), with a warning. See ``_logits``.
    """
    return _logits(model, dataset, batch_size)


# --- building blocks ---------------------------------------------------------

def _require_nonempty(**sets) -> None:
    for name, ds in sets.items():
        if ds is None or len(ds) == 0:
            raise ValueError(f"the {name} set is empty: FA/RA/TA/MIA are undefined on an empty set")


def _logits(model, dataset, batch_size: int) -> torch.Tensor:
    """Eval-mode logits ``(N, K)`` without augmentation (as :func:`helpers.train.accuracy`).

    A diverged model (an unlearning run whose weights blew up) gives NaN or
    infinite logits; such rows are scored as a uniform prediction (all logits
    0), which counts as wrong for accuracy and as confidence 1/K for the MIA.
    """
    plain = evaluation_view(dataset)
    logits = predict(model, plain, batch_size).float()
    bad = ~torch.isfinite(logits).all(dim=1)
    if bad.any():
        warnings.warn(f"{int(bad.sum())} of {len(logits)} samples have non-finite logits: the model diverged; "
                      "they are scored as uniform predictions", RuntimeWarning, stacklevel=3)
        logits[bad] = 0.0
    return logits


def _accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Top-1 accuracy in percent (an all-equal row, e.g. a diverged model's, counts as wrong)."""
    tied = logits.max(1).values == logits.min(1).values
    return 100.0 * ((logits.argmax(1) == targets) & ~tied).float().mean().item()


def _confidence(logits: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """``softmax(logits)[i, targets[i]]``, shape ``(N,)``."""
    return F.softmax(logits, dim=1).gather(1, targets.view(-1, 1)).flatten().numpy()


def _losses(logits: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """Per-sample cross-entropy, shape ``(N,)``."""
    return F.cross_entropy(logits, targets, reduction="none").numpy()


def _svc_efficacy(members: np.ndarray, non_members: np.ndarray, targets: np.ndarray) -> float:
    """Fit SalUn's SVC on members (1) vs non-members (0); percent of ``targets`` predicted 0."""
    x = np.concatenate([members, non_members]).reshape(-1, 1)
    y = np.concatenate([np.ones(len(members)), np.zeros(len(non_members))])
    attack = SVC(C=3, gamma="auto", kernel="rbf").fit(x, y)
    return 100.0 * float((attack.predict(targets.reshape(-1, 1)) == 0).mean())
