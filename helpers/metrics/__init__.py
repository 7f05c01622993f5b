"""Evaluation of every model family of the book (quantized networks, the VQC, the hybrids).

One idea per module:

- ``accuracy``        the model's eval-mode logits as every metric reads them, top-1 accuracy (percent)
                      and the share of correct rows (fraction)
- ``scorecard``       OEU's scorecard FA, RA, TA, MIA (:func:`evaluate`) and the Average Gap
- ``mia``             every membership-inference attack: SalUn's SVC attack (MIA-efficacy) step by
                      step with ROC curves, the NeurIPS 2023 loss attack, the max-softmax ROC-AUC (chapter 8)
- ``divergence``      entropy and the one KL divergence of the book
- ``distributional``  the field's distributional test on populations of models (challenge score, U-LiRA)
"""
from .accuracy import fraction_correct
from .divergence import entropy, kl_divergence, kl_from_logits, kl_to_uniform
from .mia import SVC_PARAMS, attack_report, loss_attack, mia_auc, mia_efficacy
from .scorecard import METRICS, average_gap, evaluate, gaps

__all__ = ["fraction_correct", "METRICS", "evaluate", "gaps", "average_gap", "SVC_PARAMS", "mia_efficacy", "attack_report",
           "loss_attack", "mia_auc", "entropy", "kl_divergence", "kl_to_uniform", "kl_from_logits"]
