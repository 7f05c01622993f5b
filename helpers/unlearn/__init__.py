"""Unlearning methods of the OEU paper behind one call:

    new_model = unlearn("oeu", model, forget_set, retain_set, seed=0, epochs=3)

``METHODS`` lists them; ``DEFAULTS[name]`` holds each method's default
hyper-parameters. The input model is never modified. Each run draws its randomness from
its own seed stream (:mod:`helpers.seeds`): Retrain never starts from the original's weights.

=================  ==========================================================
``original``       do nothing: the original model itself (the baseline)
``retrain``        from scratch on D_r, fresh weights (gold standard)
``ft``             fine-tune on D_r
``ga``             gradient ascent on D_f
``iu``             influence unlearning, WoodFisher inverse Hessian
``rl``             random labels on D_f mixed with D_r
``l1_sparse``      FT with a decaying l1 penalty
``salun``          RL on the weights most salient for D_f
``qmul``           similar labels + adaptive gradient reweighting
``oeu``            entropy-guided unlearning + layer-wise GOP (Algorithm 1)
``oeu_no_gop``     ablation: without GOP
``oeu_no_egu``     ablation: similar labels instead of EGU
``oeu_global_gop`` ablation: Eq. (8) over all parameters at once
=================  ==========================================================
"""
from . import finetune, influence, oeu, saliency  # noqa: F401  (each module registers its methods)
from .base import DEFAULTS, METHODS, reinitialize, unlearn
from .oeu import adaptive_reweighting
from .saliency import saliency_mask

__all__ = ["METHODS", "DEFAULTS", "unlearn", "reinitialize", "saliency_mask", "adaptive_reweighting"]
