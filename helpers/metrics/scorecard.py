"""The unlearning scorecard: FA, RA, TA, MIA and the Average Gap (OEU Sec. 5.1, App. A.1).

An unlearned model ``M_u`` is judged against the retrained model ``M_r`` (the
"gold standard", trained from scratch on the retain set only):

- **FA** forget accuracy, top-1 accuracy on ``D_f``;
- **RA** retain accuracy, on ``D_r``;
- **TA** test accuracy, on held-out data;
- **MIA** membership-inference efficacy on ``D_f`` (:func:`helpers.metrics.mia.mia_efficacy`;
  chapter 4, equation ``ch4-mia``);
- **AG** the average gap: mean ``|M_u - M_r|`` over those four (:func:`average_gap`;
  chapter 4, equation ``ch4-ag``); chapter 8 takes the same mean over its own scorecard.

All values are percentages.
"""
from __future__ import annotations

from .accuracy import model_logits, require_nonempty, top1_accuracy
from .mia import efficacy_from_logits

METRICS = ("FA", "RA", "TA", "MIA")


def evaluate(model, forget_set, retain_set, test_set) -> dict[str, float]:
    """``{"FA", "RA", "TA", "MIA"}`` of ``model`` in percent (OEU Sec. 5.1).

    FA, RA and TA are top-1 accuracies in eval mode without augmentation (the
    same numbers as :func:`helpers.train.accuracy`); MIA is :func:`helpers.metrics.mia.mia_efficacy`.
    Each set goes through the model once: the MIA reuses those logits (:func:`.mia.efficacy_from_logits`).
    For class-wise forgetting pass the test set *without* the forgotten class
    (:func:`helpers.data.drop_class`).
    """
    require_nonempty(forget=forget_set, retain=retain_set, test=test_set)
    sets = {"FA": forget_set, "RA": retain_set, "TA": test_set}
    outputs = {name: (model_logits(model, ds), ds.targets) for name, ds in sets.items()}
    accuracies = {name: top1_accuracy(*out) for name, out in outputs.items()}
    return {**accuracies, "MIA": efficacy_from_logits(*outputs.values())}


def gaps(row, reference, keys=METRICS) -> dict[str, float]:
    """Per-metric absolute gaps ``|row[k] - reference[k]|`` for k in ``keys`` (OEU Sec. 5.1).

    ``row`` and ``reference`` (Retrain, or chapter 8's oracle) are dicts or pandas Series holding
    those keys (other keys are ignored); these are the numbers in brackets in OEU's tables, the
    summands of the Average Gap (chapter 4, equation ``ch4-ag``).
    """
    missing = [k for k in keys if k not in row or k not in reference]
    if missing:
        raise ValueError(f"the gaps need {list(keys)} in both rows; missing {missing}")
    return {k: abs(float(row[k]) - float(reference[k])) for k in keys}


def average_gap(row, reference, keys=METRICS) -> float:
    """Average Gap (AG, OEU Sec. 5.1 and App. A.1): the mean of :func:`gaps` over ``keys``.

    ``AG(M_u) = 1/4 * sum over m in {FA, RA, TA, MIA} of |m(M_u) - m(M_r)|``:
    chapter 4, equation ``ch4-ag`` (the paper defines it in words, "the mean
    absolute difference between each method and Retrain across the above four
    metrics", Sec. 5.1, without an equation number); chapter 8's equation ``ch8-ag`` over
    its own four scores.

    AG is 0 for Retrain itself and lower is better: the goal is to *match* the
    retrained model, not to maximise or minimise any single metric.
    """
    return sum(gaps(row, reference, keys).values()) / len(keys)
