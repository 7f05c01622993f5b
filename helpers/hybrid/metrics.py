"""The study's scorecard for an unlearned model ``u`` (arXiv 2512.19253), computed correctly.

With accuracies of the original model ``o`` and of ``u`` on the retain set ``D_r``, the
forget set ``D_f`` and the test set:

- **drops**: ``forget drop = acc_o(D_f) - acc_u(D_f)``, likewise retain and test;
- **UQI** (unlearning quality index) ``= forget drop - ½ (retain drop + test drop)``:
  high when forgetting costs little utility (chapter 8, equation ``ch8-uqi``);
- **KL to the oracle** ``KL(p_oracle || p_u)`` averaged over the test samples and over
  ``D_r``, each row compared with *the same row* (the study compared rows of two
  separately shuffled passes over ``D_r``; chapter 8, equation ``ch8-kl``), with
  :func:`helpers.metrics.kl_divergence` at ``eps = 1e-12`` (a zero probability gives a large,
  finite value), and the **argmax agreement** with the oracle;
- **MIA AUC** (:func:`helpers.metrics.mia_auc`): ROC-AUC of the max-softmax confidence
  separating members (``D_f``) from non-members drawn from **held-out test data** (the study
  drew them from ``D_r``, i.e. from training data, so its "non-members" were members too).
  0.5 = indistinguishable (chapter 8, equation ``ch8-mia``: the share of (member, non-member)
  pairs ordered correctly, ties counting ½). The attack is a fixed score: it draws no
  randomness (so it needs no ``"attack"`` seed);
- **AG** (:func:`helpers.metrics.average_gap` over :data:`GAP_KEYS`), the chapter's ranking
  criterion: the mean absolute gap to the oracle over forget, retain and test accuracy and MIA
  AUC, OEU's Average Gap (OEU Sec. 5.1, App. A.1; OEU's MIA is its own attack's efficacy, ours
  the AUC above; fractions instead of percentages; chapter 8, equation ``ch8-ag``). 0 = the
  oracle's scores. Unlike UQI it cannot be raised by forgetting *more* than the oracle does.

Accuracies are fractions in [0, 1], as in the study's tables.
"""
from __future__ import annotations

from ..metrics import average_gap, fraction_correct, kl_divergence, mia_auc
from .training import predict_proba

GAP_KEYS = ("forget", "retain", "test", "MIA_AUC")
KL_EPS = 1e-12          # both distributions clamped here: a zero probability gives a large, finite KL


def evaluate(model, original_probs: dict, oracle_probs: dict, data, split) -> dict:
    """One row of the results table for ``model``: accuracies, AG (``ch8-ag``), UQI (``ch8-uqi``), the test
    and retain KL (``ch8-kl``), the test agreement and the MIA AUC (``ch8-mia``), chapter 8's equations.

    ``original_probs`` / ``oracle_probs``: dicts of softmax outputs on ``"forget"``,
    ``"retain"``, ``"test"`` (from :func:`set_probs`), so each reference is computed once."""
    probs = set_probs(model, data, split)
    labels = {"forget": data.y_train[split.forget_idx], "retain": data.y_train[split.retain_idx], "test": data.y_test}

    def scorecard(p):       # top-1 accuracy in [0, 1] on each set, and the MIA AUC (D_f vs test)
        return {**{k: fraction_correct(p[k], labels[k]) for k in p},
                "MIA_AUC": mia_auc(p["forget"], p["test"])}
    score, oracle, original = scorecard(probs), scorecard(oracle_probs), scorecard(original_probs)
    drop = {k: original[k] - score[k] for k in probs}
    kl = {k: kl_divergence(oracle_probs[k], probs[k], eps=KL_EPS).mean().item() for k in ("test", "retain")}
    return {
        "retain": score["retain"], "forget": score["forget"], "test": score["test"],
        "AG": average_gap(score, oracle, GAP_KEYS),
        "UQI": drop["forget"] - 0.5 * (drop["retain"] + drop["test"]),
        "KL_test": kl["test"], "KL_retain": kl["retain"],
        "agree_test": fraction_correct(probs["test"], oracle_probs["test"].argmax(-1)),
        "MIA_AUC": score["MIA_AUC"],
    }


def set_probs(model, data, split) -> dict:
    """Softmax outputs on the forget, retain and test sets (rows in a fixed order)."""
    return {"forget": predict_proba(model, data.X_train[split.forget_idx]),
            "retain": predict_proba(model, data.X_train[split.retain_idx]),
            "test": predict_proba(model, data.X_test)}
