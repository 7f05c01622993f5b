"""Every membership-inference attack (MIA) of the book. Members are always the positive class.

**SalUn's SVC attack** (Fan et al., 2024, SalUn, App. C.3; code ``evaluation/SVC_MIA.py`` of
OPTML-Group/Unlearn-Saliency, after Song & Mittal, 2021), the MIA column of OEU's scorecard
(Sec. 5.1) and of chapters 2-5, opened up step by step for chapter 4:

- the **feature**: the softmax confidence at the true label, ``c(x, y) = softmax(M(x))_y``
  (:func:`confidence`; chapter 4, equation ``ch4-confidence``), and the per-sample loss
  ``l(x, y) = -log c(x, y)`` (:func:`true_label_loss`);
- the **shadow sets** the attack learns from: members = the first ``n = min(|D_r|, |D_test|)``
  retain samples, non-members = the test set (:func:`shadow_sets`);
- the **attack**: an RBF SVC with :data:`SVC_PARAMS` on the confidence (:func:`fit_svc`), and its
  MIA-efficacy, the percentage of forget samples it calls non-members (:func:`svc_efficacy`;
  chapter 4, equation ``ch4-mia``); :func:`mia_efficacy` runs the three steps on one model
  (:func:`efficacy_from_logits` on outputs already computed);
- **ROC curves** (:func:`roc`): for every threshold on a membership score, the true-positive rate
  against the false-positive rate; the area under the curve (AUC) is 0.5 for an attacker who
  cannot tell the two groups apart. :func:`attack_report` runs all of it on one model.

**The loss attack** of the NeurIPS 2023 Machine Unlearning challenge (:func:`loss_attack`), a
second, independent privacy check.

**The max-softmax attack** of the hybrid study (arXiv 2512.19253; chapter 8, equation
``ch8-mia``): the ROC-AUC of the largest softmax output, forget set against held-out test data
(:func:`mia_auc`).

Populations of models are attacked example by example in :mod:`helpers.metrics.distributional`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.svm import SVC

from .accuracy import model_logits, require_nonempty

SVC_PARAMS = dict(C=3, gamma="auto", kernel="rbf")      # SalUn's evaluation/SVC_MIA.py


# --- the features ----------------------------------------------------------------------------------

def true_label_confidence(logits: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """``softmax(logits)[i, targets[i]]``, shape ``(N,)``: the feature ``c`` of equation ``ch4-confidence``."""
    return F.softmax(logits, dim=1).gather(1, targets.view(-1, 1)).flatten().numpy()


def true_label_loss(logits: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """Per-sample cross-entropy ``l(x, y) = -log c(x, y)``, shape ``(N,)`` (the loss attack's feature)."""
    return F.cross_entropy(logits, targets, reduction="none").numpy()


def confidence(model, dataset) -> np.ndarray:
    """The attack's feature ``c(x, y) = softmax(M(x))_y`` for every sample, shape ``(N,)`` (equation ``ch4-confidence``)."""
    return true_label_confidence(model_logits(model, dataset), dataset.targets)


# --- SalUn's SVC attack ----------------------------------------------------------------------------

def shadow_sets(retain_set, test_set):
    """``(members, non_members)``: the first ``min(|D_r|, |D_test|)`` retain samples, and the test set.

    These are the attack's *training* data: samples whose membership we know
    (the retain set was trained on, the test set never was).
    """
    n = min(len(retain_set), len(test_set))
    return retain_set.subset(torch.arange(n)), test_set


def fit_svc(members: np.ndarray, non_members: np.ndarray) -> SVC:
    """Fit SalUn's attack, ``SVC(**SVC_PARAMS)``, on confidences: members labelled 1, non-members 0."""
    x = np.concatenate([members, non_members]).reshape(-1, 1)            # (n_in + n_out, 1)
    y = np.concatenate([np.ones(len(members)), np.zeros(len(non_members))])
    return SVC(**SVC_PARAMS).fit(x, y)


def svc_efficacy(attack: SVC, forget_conf: np.ndarray) -> float:
    """MIA-efficacy in percent: ``100 * |{x in D_f : attack(c(x, y)) = 0}| / |D_f|`` (equation ``ch4-mia``)."""
    return 100.0 * float((attack.predict(forget_conf.reshape(-1, 1)) == 0).mean())


def mia_efficacy(model, forget_set, retain_set, test_set) -> float:
    """MIA-efficacy on the forget set in percent, SalUn's ``SVC_MIA_forget_efficacy["confidence"]``::

           MIA = 100 * |{x in D_f : SVC(c(x, y)) = 0}| / |D_f|      (chapter 4, equation ch4-mia)

    with the SVC fitted (:func:`fit_svc`) on the :func:`confidence` of the :func:`shadow_sets`.
    The OEU paper (Sec. 5.1) cites Shokri et al. (2017) for the attack and gives no formula of
    its own. High MIA = the forget set looks unseen (forgotten); a model still fitting ``D_f``
    gives a low MIA. The target is the retrained model's value, not 100.
    """
    require_nonempty(forget=forget_set, retain=retain_set, test=test_set)
    sets = (forget_set, retain_set, test_set)
    return efficacy_from_logits(*((model_logits(model, ds), ds.targets) for ds in sets))


def efficacy_from_logits(forget, retain, test) -> float:
    """:func:`mia_efficacy` from ``(logits, targets)`` of D_f, D_r and the test set, so a caller that has
    the logits already (the scorecard) passes each set through the model once."""
    n = min(len(retain[1]), len(test[1]))                 # the shadow members: the first n retain samples
    attack = fit_svc(true_label_confidence(retain[0][:n], retain[1][:n]), true_label_confidence(*test))
    return svc_efficacy(attack, true_label_confidence(*forget))


# --- ROC curves and the chapter-4 report -----------------------------------------------------------

@dataclass
class Roc:
    """One ROC curve: false- and true-positive rates over all thresholds, and the AUC (0 to 1)."""

    fpr: np.ndarray
    tpr: np.ndarray
    auc: float


def roc(member_scores, non_member_scores) -> Roc:
    """ROC of the rule "member if score > t", members positive. A higher score must mean "more member".

    The AUC is the share of (member, non-member) pairs in which the member scores higher, ties
    counting ½ (``sklearn.metrics.roc_auc_score``).
    """
    member_scores, non_member_scores = np.asarray(member_scores), np.asarray(non_member_scores)
    if len(member_scores) == 0 or len(non_member_scores) == 0:
        raise ValueError(f"an ROC curve needs members and non-members, got {len(member_scores)} and "
                         f"{len(non_member_scores)}")
    y = np.concatenate([np.ones(len(member_scores)), np.zeros(len(non_member_scores))])
    s = np.concatenate([member_scores, non_member_scores])
    fpr, tpr, _ = roc_curve(y, s)
    return Roc(fpr, tpr, float(roc_auc_score(y, s)))


@dataclass
class AttackReport:
    """Everything chapter 4 shows about one model under attack.

    ``conf`` and ``loss`` map ``"forget"``, ``"retain"`` (the shadow members, the first
    ``n`` retain samples) and ``"test"`` to per-sample arrays. ``rocs`` holds
    ``"svc: retain vs test"`` (the attack on its own training data),
    ``"svc: forget vs test"`` and ``"loss: forget vs test"`` (score ``-l``: a low loss
    looks like a member).
    """

    conf: dict
    loss: dict
    attack: SVC
    efficacy: float
    rocs: dict = field(default_factory=dict)


def attack_report(model, forget_set, retain_set, test_set) -> AttackReport:
    """Run the SVC and loss attacks on ``model``: features, MIA-efficacy and three ROC curves."""
    members, non_members = shadow_sets(retain_set, test_set)
    sets = {"forget": forget_set, "retain": members, "test": non_members}
    logits = {k: model_logits(model, ds) for k, ds in sets.items()}
    conf = {k: true_label_confidence(logits[k], ds.targets) for k, ds in sets.items()}
    loss = {k: true_label_loss(logits[k], ds.targets) for k, ds in sets.items()}
    attack = fit_svc(conf["retain"], conf["test"])
    score = {k: attack.decision_function(c.reshape(-1, 1)) for k, c in conf.items()}   # > 0: "member"
    rocs = {"svc: retain vs test": roc(score["retain"], score["test"]),
            "svc: forget vs test": roc(score["forget"], score["test"]),
            "loss: forget vs test": roc(-loss["forget"], -loss["test"])}
    return AttackReport(conf, loss, attack, svc_efficacy(attack, conf["forget"]), rocs)


# --- the NeurIPS 2023 challenge's loss attack --------------------------------------------------------

def loss_attack(model, forget_set, test_set, n_splits: int = 10, seed: int = 0) -> tuple[float, float]:
    """Loss-based MIA of the NeurIPS 2023 Machine Unlearning challenge starting kit, in percent.

    Reference: ``simple_mia`` in unlearning-challenge/starting-kit
    (``unlearning-CIFAR10.ipynb``). Per-sample cross-entropy losses
    ``l(x, y) = -log softmax(M(x))_y`` of the forget set (label 1) and of
    the test set (label 0) are balanced by randomly subsampling the larger group
    to the size of the smaller, then a logistic regression on the loss is scored
    by stratified ``n_splits``-fold cross-validation (fewer folds if a group has
    fewer samples). Returns ``(accuracy, auc)``, the mean held-out accuracy and ROC AUC
    in percent: **50 means forget and unseen samples are indistinguishable** (ideal),
    100 means the attacker always tells them apart.
    """
    require_nonempty(forget=forget_set, test=test_set)
    members, unseen = (true_label_loss(model_logits(model, ds), ds.targets) for ds in (forget_set, test_set))
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
    return 100.0 * float(scores["test_accuracy"].mean()), 100.0 * float(scores["test_roc_auc"].mean())


# --- the hybrid study's max-softmax attack -----------------------------------------------------------

def mia_auc(p_members: torch.Tensor, p_nonmembers: torch.Tensor) -> float:
    """ROC-AUC of the max-softmax score, members labelled 1 (the hybrid study's attack, chapter 8).

    ``p_members`` / ``p_nonmembers``: softmax outputs ``(N, K)``; chapter 8 takes the forget set
    as members and **held-out test data** as non-members. Equation ``ch8-mia``: the share of
    (member, non-member) pairs in which the member has the higher score, ties counting ½
    (:func:`roc`). 1 = every member more confident than every non-member, 0.5 = indistinguishable,
    0 = every member *less* confident (as informative to an attacker as 1). The score is fixed:
    the attack draws no randomness.
    """
    return roc(p_members.max(-1).values.numpy(), p_nonmembers.max(-1).values.numpy()).auc
