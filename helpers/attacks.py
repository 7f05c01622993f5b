"""Membership-inference attacks as scores and ROC curves (OEU Sec. 5.1, chapter 4).

:func:`helpers.metrics.mia_efficacy` reduces the SalUn attack to one number.
This module opens it up so that a student can look inside:

- the **feature**: the softmax confidence at the true label, ``c(x, y) = softmax(M(x))_y``
  (:func:`confidence`; chapter 4, equation ``ch4-confidence``), and the per-sample loss ``l(x, y) = -log c(x, y)`` (:func:`sample_loss`);
- the **shadow sets** the attack learns from: members = the first ``n = min(|D_r|, |D_test|)``
  retain samples, non-members = the test set (:func:`shadow_sets`);
- the **attack**: an RBF ``SVC(C=3, gamma="auto")`` on the confidence (:func:`fit_svc`), and its
  MIA-efficacy, the percentage of forget samples it calls non-members (:func:`svc_efficacy`;
  chapter 4, equation ``ch4-mia``);
- **ROC curves** (:func:`roc`): for every threshold on a membership score, the true-positive
  rate (members called members) against the false-positive rate (non-members called members).
  The area under the curve (AUC) is 0.5 for an attacker who cannot tell the two groups apart.

:func:`attack_report` runs all of it on one model. Members are always the positive class.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.svm import SVC

from .metrics import model_logits

SVC_PARAMS = dict(C=3, gamma="auto", kernel="rbf")      # SalUn's evaluation/SVC_MIA.py


def confidence(model, dataset, batch_size: int = 512) -> np.ndarray:
    """The attack's feature ``c(x, y) = softmax(M(x))_y`` for every sample, shape ``(N,)`` (equation ``ch4-confidence``)."""
    logits = model_logits(model, dataset, batch_size)                    # (N, K)
    return F.softmax(logits, dim=1).gather(1, dataset.targets.view(-1, 1)).flatten().numpy()


def sample_loss(model, dataset, batch_size: int = 512) -> np.ndarray:
    """Per-sample cross-entropy ``l(x, y) = -log c(x, y)``, shape ``(N,)`` (the challenge's feature)."""
    logits = model_logits(model, dataset, batch_size)
    return F.cross_entropy(logits, dataset.targets, reduction="none").numpy()


def shadow_sets(retain_set, test_set):
    """``(members, non_members)``: the first ``min(|D_r|, |D_test|)`` retain samples, and the test set.

    These are the attack's *training* data: samples whose membership we know
    (the retain set was trained on, the test set never was).
    """
    n = min(len(retain_set), len(test_set))
    return retain_set.subset(torch.arange(n)), test_set


def fit_svc(members: np.ndarray, non_members: np.ndarray) -> SVC:
    """Fit SalUn's attack: ``SVC(C=3, gamma="auto", kernel="rbf")``, members labelled 1, non-members 0."""
    x = np.concatenate([members, non_members]).reshape(-1, 1)            # (n_in + n_out, 1)
    y = np.concatenate([np.ones(len(members)), np.zeros(len(non_members))])
    return SVC(**SVC_PARAMS).fit(x, y)


def svc_efficacy(attack: SVC, forget_conf: np.ndarray) -> float:
    """MIA-efficacy in percent: ``100 * |{x in D_f : attack(c(x, y)) = 0}| / |D_f|``.

    The book's MIA definition, chapter 4, equation ``ch4-mia`` (SalUn's
    ``SVC_MIA_forget_efficacy``; the OEU paper's MIA column, Sec. 5.1).
    """
    return 100.0 * float((attack.predict(forget_conf.reshape(-1, 1)) == 0).mean())


def svc_score(attack: SVC, conf: np.ndarray) -> np.ndarray:
    """The SVC's signed distance to its boundary: > 0 means "member". A score for ROC curves."""
    return attack.decision_function(conf.reshape(-1, 1))


@dataclass
class Roc:
    """One ROC curve: false- and true-positive rates over all thresholds, and the AUC (0 to 1)."""

    fpr: np.ndarray
    tpr: np.ndarray
    auc: float

    def tpr_at(self, fpr: float) -> float:
        """True-positive rate at a given false-positive rate (e.g. 0.01), read off the curve."""
        return float(np.interp(fpr, self.fpr, self.tpr))


def roc(member_scores: np.ndarray, non_member_scores: np.ndarray) -> Roc:
    """ROC of the rule "member if score > t", members positive. A higher score must mean "more member"."""
    member_scores, non_member_scores = np.asarray(member_scores), np.asarray(non_member_scores)
    assert len(member_scores) and len(non_member_scores), "need at least one member and one non-member"
    y = np.concatenate([np.ones(len(member_scores)), np.zeros(len(non_member_scores))])
    s = np.concatenate([member_scores, non_member_scores])
    fpr, tpr, _ = roc_curve(y, s)
    return Roc(fpr, tpr, float(roc_auc_score(y, s)))


@dataclass
class AttackReport:
    """Everything the chapter shows about one model under attack.

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


def attack_report(model, forget_set, retain_set, test_set, batch_size: int = 512) -> AttackReport:
    """Run the SVC and loss attacks on ``model``: features, MIA-efficacy and three ROC curves."""
    members, non_members = shadow_sets(retain_set, test_set)
    sets = {"forget": forget_set, "retain": members, "test": non_members}
    conf = {k: confidence(model, ds, batch_size) for k, ds in sets.items()}
    loss = {k: sample_loss(model, ds, batch_size) for k, ds in sets.items()}
    attack = fit_svc(conf["retain"], conf["test"])
    score = {k: svc_score(attack, c) for k, c in conf.items()}
    rocs = {"svc: retain vs test": roc(score["retain"], score["test"]),
            "svc: forget vs test": roc(score["forget"], score["test"]),
            "loss: forget vs test": roc(-loss["forget"], -loss["test"])}
    return AttackReport(conf, loss, attack, svc_efficacy(attack, conf["forget"]), rocs)


__all__ = ["SVC_PARAMS", "confidence", "sample_loss", "shadow_sets", "fit_svc", "svc_efficacy", "svc_score",
           "Roc", "roc", "AttackReport", "attack_report"]
