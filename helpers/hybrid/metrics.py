"""The study's scorecard for an unlearned model ``u`` (arXiv 2512.19253), computed correctly.

With accuracies of the original model ``o`` and of ``u`` on the retain set ``D_r``, the
forget set ``D_f`` and the test set:

- **drops**: ``forget drop = acc_o(D_f) - acc_u(D_f)``, likewise retain and test;
- **UQI** (unlearning quality index) ``= forget drop - ½ (retain drop + test drop)``:
  high when forgetting costs little utility (chapter 8, equation ``ch8-uqi``);
- **KL to the oracle** ``KL(p_oracle || p_u)`` averaged over the test samples and over
  ``D_r``, each row compared with *the same row* (the study compared rows of two
  separately shuffled passes over ``D_r``; chapter 8, equation ``ch8-kl``), and the
  **argmax agreement** with the oracle;
- **MIA AUC**: ROC-AUC of the max-softmax confidence separating members (``D_f``) from
  non-members drawn from **held-out test data** (the study drew them from ``D_r``, i.e.
  from training data, so its "non-members" were members too). 0.5 = indistinguishable
  (chapter 8, equation ``ch8-mia``: the share of (member, non-member) pairs ordered correctly,
  ties counting ½).
  The attack is a fixed score: it draws no randomness (so it needs no ``"attack"`` seed);
- **AG**, the chapter's ranking criterion: the mean absolute gap to the oracle over forget,
  retain and test accuracy and MIA AUC, OEU's Average Gap (OEU Sec. 5.1, App. A.1; OEU's
  MIA is its own attack's efficacy, ours the AUC above; fractions instead of percentages; chapter 8,
  equation ``ch8-ag``). 0 = the oracle's scores.
  Unlike UQI it cannot be raised by forgetting *more* than the oracle does.

Accuracies are fractions in [0, 1], as in the study's tables.
"""
from __future__ import annotations

import torch
from sklearn.metrics import roc_auc_score

from .training import predict_proba


GAP_KEYS = ("forget", "retain", "test", "MIA_AUC")


def kl_rows(p: torch.Tensor, q: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """``KL(p_i || q_i)`` for aligned rows i: (N, K), (N, K) -> (N,). Row i of ``p`` and row i of
    ``q`` must be the outputs for the same sample.

    The summand of chapter 8's equation ``ch8-kl`` with ``p`` the oracle's softmax and ``q`` the
    model's; both are clamped at ``eps`` so a zero probability gives a large, finite value."""
    if p.dim() != 2 or p.shape != q.shape:
        raise ValueError(f"kl_rows needs two (N, K) tensors of the same shape, got {tuple(p.shape)} and {tuple(q.shape)}")
    p, q = p.clamp_min(eps), q.clamp_min(eps)
    return (p * (p.log() - q.log())).sum(-1)


def mia_auc(p_members: torch.Tensor, p_nonmembers: torch.Tensor) -> float:
    """ROC-AUC of the max-softmax score, members labelled 1 (study's attack, held-out non-members).

    Chapter 8's equation ``ch8-mia``: the share of (member, non-member) pairs in which the member
    has the higher score, ties counting ½ (``sklearn.metrics.roc_auc_score``).

    1 = every member more confident than every non-member, 0.5 = indistinguishable,
    0 = every member *less* confident (as informative to an attacker as 1)."""
    if len(p_members) == 0 or len(p_nonmembers) == 0:
        raise ValueError(f"mia_auc needs members and non-members, got {len(p_members)} and {len(p_nonmembers)}")
    scores = torch.cat([p_members.max(-1).values, p_nonmembers.max(-1).values]).numpy()
    labels = [1] * len(p_members) + [0] * len(p_nonmembers)
    return float(roc_auc_score(labels, scores))


def average_gap(scores: dict, oracle: dict, keys=GAP_KEYS) -> float:
    """AG: ``mean_k |scores[k] - oracle[k]|`` over ``keys`` (OEU's average gap, OEU Sec. 5.1 and App. A.1;
    chapter 8's equation ``ch8-ag``; module docstring)."""
    missing = [k for k in keys if k not in scores or k not in oracle]
    if missing:
        raise ValueError(f"average_gap needs {list(keys)} in both score sets; missing {missing}")
    return sum(abs(scores[k] - oracle[k]) for k in keys) / len(keys)


def scorecard(probs: dict, labels: dict) -> dict:
    """Accuracies on forget / retain / test and the MIA AUC (D_f members vs test non-members)."""
    acc = {k: (probs[k].argmax(-1) == labels[k]).double().mean().item() for k in ("forget", "retain", "test")}
    return {**acc, "MIA_AUC": mia_auc(probs["forget"], probs["test"])}


def evaluate(model, original_probs: dict, oracle_probs: dict, data, split) -> dict:
    """One row of the results table for ``model``: accuracies, AG (``ch8-ag``), UQI (``ch8-uqi``), the test
    and retain KL (``ch8-kl``), the test agreement and the MIA AUC (``ch8-mia``), chapter 8's equations.

    ``original_probs`` / ``oracle_probs``: dicts of softmax outputs on ``"forget"``,
    ``"retain"``, ``"test"`` (from :func:`set_probs`), so each reference is computed once."""
    probs = set_probs(model, data, split)
    labels = set_labels(data, split)
    score, oracle = scorecard(probs, labels), scorecard(oracle_probs, labels)
    acc_o = {k: (original_probs[k].argmax(-1) == labels[k]).double().mean().item() for k in probs}
    drop = {k: acc_o[k] - score[k] for k in probs}
    return {
        "retain": score["retain"], "forget": score["forget"], "test": score["test"],
        "AG": average_gap(score, oracle),
        "UQI": drop["forget"] - 0.5 * (drop["retain"] + drop["test"]),
        "KL_test": kl_rows(oracle_probs["test"], probs["test"]).mean().item(),
        "KL_retain": kl_rows(oracle_probs["retain"], probs["retain"]).mean().item(),
        "agree_test": (oracle_probs["test"].argmax(-1) == probs["test"].argmax(-1)).double().mean().item(),
        "MIA_AUC": score["MIA_AUC"],
    }


def set_probs(model, data, split) -> dict:
    """Softmax outputs on the forget, retain and test sets (rows in a fixed order)."""
    return {"forget": predict_proba(model, data.X_train[split.forget_idx]),
            "retain": predict_proba(model, data.X_train[split.retain_idx]),
            "test": predict_proba(model, data.X_test)}


def set_labels(data, split) -> dict:
    return {"forget": data.y_train[split.forget_idx], "retain": data.y_train[split.retain_idx],
            "test": data.y_test}
