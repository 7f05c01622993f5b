"""The study's scorecard for an unlearned model ``u`` (arXiv 2512.19253), computed correctly.

With accuracies of the original model ``o`` and of ``u`` on the retain set ``D_r``, the
forget set ``D_f`` and the test set:

- **drops**: ``forget drop = acc_o(D_f) - acc_u(D_f)``, likewise retain and test;
- **UQI** (unlearning quality index) ``= forget drop - ½ (retain drop + test drop)``:
  high when forgetting costs little utility;
- **KL to the oracle** ``KL(p_oracle || p_u)`` averaged over the test samples and over
  ``D_r``, each row compared with *the same row* (the study compared rows of two
  separately shuffled passes over ``D_r``), and the **argmax agreement** with the oracle;
- **MIA AUC**: ROC-AUC of the max-softmax confidence separating members (``D_f``) from
  non-members drawn from **held-out test data** (the study drew them from ``D_r``, i.e.
  from training data, so its "non-members" were members too). 0.5 = indistinguishable.

Accuracies are fractions in [0, 1], as in the study's tables.
"""
from __future__ import annotations

import torch
from sklearn.metrics import roc_auc_score

from .training import predict_proba


def kl_rows(p: torch.Tensor, q: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """``KL(p_i || q_i)`` for aligned rows i: (N,)."""
    p, q = p.clamp_min(eps), q.clamp_min(eps)
    return (p * (p.log() - q.log())).sum(-1)


def mia_auc(p_members: torch.Tensor, p_nonmembers: torch.Tensor) -> float:
    """ROC-AUC of the max-softmax score, members labelled 1 (study's attack, held-out non-members)."""
    scores = torch.cat([p_members.max(-1).values, p_nonmembers.max(-1).values]).numpy()
    labels = [1] * len(p_members) + [0] * len(p_nonmembers)
    return float(roc_auc_score(labels, scores))


def evaluate(model, original_probs: dict, oracle_probs: dict, data, split) -> dict:
    """One row of the results table for ``model``.

    ``original_probs`` / ``oracle_probs``: dicts of softmax outputs on ``"forget"``,
    ``"retain"``, ``"test"`` (from :func:`set_probs`), so each reference is computed once."""
    probs = set_probs(model, data, split)
    labels = set_labels(data, split)
    acc = {k: (probs[k].argmax(-1) == labels[k]).double().mean().item() for k in probs}
    acc_o = {k: (original_probs[k].argmax(-1) == labels[k]).double().mean().item() for k in probs}
    drop = {k: acc_o[k] - acc[k] for k in probs}
    return {
        "retain": acc["retain"], "forget": acc["forget"], "test": acc["test"],
        "UQI": drop["forget"] - 0.5 * (drop["retain"] + drop["test"]),
        "KL_test": kl_rows(oracle_probs["test"], probs["test"]).mean().item(),
        "KL_retain": kl_rows(oracle_probs["retain"], probs["retain"]).mean().item(),
        "agree_test": (oracle_probs["test"].argmax(-1) == probs["test"].argmax(-1)).double().mean().item(),
        "MIA_AUC": mia_auc(probs["forget"], probs["test"]),
    }


def set_probs(model, data, split) -> dict:
    """Softmax outputs on the forget, retain and test sets (rows in a fixed order)."""
    return {"forget": predict_proba(model, data.X_train[split.forget_idx]),
            "retain": predict_proba(model, data.X_train[split.retain_idx]),
            "test": predict_proba(model, data.X_test)}


def set_labels(data, split) -> dict:
    return {"forget": data.y_train[split.forget_idx], "retain": data.y_train[split.retain_idx],
            "test": data.y_test}
