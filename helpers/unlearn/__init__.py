"""Every unlearning method of the book behind one call, for every model family:

    new_model = unlearn("oeu", model, Task(forget_set, retain_set), seed=0, epochs=3)

``METHODS`` lists them; ``DEFAULTS[name]`` holds each method's default hyper-parameters: the
OEU paper's for the methods of chapters 2-5, chapter 7's for ``dg``, the hybrid study's for its
own suite. The hybrid study's settings of the methods it shares (ga, qmul, oeu, dg) are
:data:`helpers.hybrid.experiment.HYBRID_RECIPES`.
The input model is never modified. Each run draws its randomness from its own seed stream
(:mod:`helpers.seeds`): Retrain never starts from the original's weights. Every gradient
method runs through the one loop of :mod:`.loop`.

=================  ==========================================================
``original``       do nothing: the original model itself (the baseline)
``retrain``        from scratch on D_r, fresh weights (gold standard; quantized networks: the VQC's
                   gold model is ``helpers.quantum.batched.gold_retrain``, a hybrid's oracle
                   ``helpers.hybrid.train_oracle``)
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
``dg``             distribution-guided unlearning, DG paper Eqs. 6-7 (``ch7-dg-target``,
                   ``ch7-dg-objective``): the VQC (chapter 7) and the hybrids (chapter 8)
``fisher``         GA plus an EWC penalty (Fisher information of D_r)       (hybrid study)
``neggrad+``       descent on D_r and ascent on D_f in the same step         (hybrid study)
``cf_k``           GA on D_f with all but the last k blocks frozen           (hybrid study)
``eu_k``           re-initialise the last k blocks, fine-tune on D_r         (hybrid study)
``scrub``          student close to its teacher on D_r, pushed away on D_f   (hybrid study)
``certified``      noisy fine-tuning on D_r (clipped gradient + noise)       (hybrid study)
``lca``            each forget sample trained toward every other class       (hybrid study)
``adv_uniform``    FGSM inputs around D_f pushed to a uniform output         (hybrid study)
=================  ==========================================================
"""
from . import adversarial, ascent, dg, finetune, influence, oeu, qmul, relabel, scrub  # noqa: F401  (registering)
from .base import DEFAULTS, METHODS, reinitialize, unlearn
from .loop import unlearning_loop
from .task import Task, training_task

__all__ = ["METHODS", "DEFAULTS", "unlearn", "Task", "training_task", "unlearning_loop", "reinitialize"]
