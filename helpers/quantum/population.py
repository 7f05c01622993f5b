"""Populations of VQCs for the distributional test of forgetting (chapter 7, :mod:`helpers.metrics.distributional`).

One gold model is one draw: retrain with another seed and it differs. The NeurIPS 2023
challenge's score and U-LiRA therefore compare *populations*, ``N`` retrained models against
``N`` unlearned ones, one forget example at a time. This module builds them for the VQC of
chapters 6-7 on one data split (experiment seed ``s``) and one forgotten class ``f``; the
forget examples are the training samples of class ``f`` (the forget set ``F``).

**The populations.** Member ``i`` of every population draws from its own stream
``p_i = derive_seed(s, "population", i)`` (:mod:`helpers.seeds`):

================  ===========================================================================
``gold``          the reference: :func:`~helpers.quantum.batched.gold_retrain` of ``p_i``
                  (weights and mini-batches from ``derive_seed(p_i, "oracle", 0)``)
``gold_indep``    Gold′, a second gold population (``derive_seed(p_i, "oracle", 1)``): the
                  test's noise floor, what an exact unlearning method would score
``original``      do nothing: an original model trained on every class from ``init_theta(p_i)``
``similarity``    distribution-guided unlearning (Eq. 7, ``ch7-dg-objective``) of original ``i``, its calibration
                  subset from ``derive_seed(p_i, "unlearn", 0)``
================  ===========================================================================

**A deviation from the challenge, named.** The challenge (and chapter 4) starts every
unlearned model from *one* original. Given its original, distribution-guided unlearning has
a single random choice, the calibration subset ``S`` of Eq. (6) (``ch7-dg-target``), and with the uniform
target none at all: ``N`` runs from one original would be ``N`` near-copies of one model,
and the test would measure only that the method is (nearly) deterministic while retraining
is not. Here each unlearned model starts from its *own* original, so both sides vary over
all the randomness of training: the test compares the distribution of "train on D, then
unlearn" with that of "train on D without F", which is what exact unlearning asks for. The
do-nothing population is then the ``N`` originals themselves.

Each population is cached (:class:`~helpers.experiments.cache.ResultCache`) as its ``N``
weight vectors; everything else is computed from them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from ..experiments.cache import ResultCache
from ..metrics.distributional import logit_scaled_confidence
from ..seeds import derive_seed
from .engines import expectations
from .experiment import TRAIN, UNLEARN, forget_and_anchor, run_seeds
from .tables import MODEL_NAMES

N_MODELS = 32
POPULATIONS = ("gold", "gold_indep", "original", "similarity")
ROWS = {"retrain_indep": ("gold_indep", "Gold′ (noise floor)"), "original": ("original", MODEL_NAMES["original"]),
        "similarity": ("similarity", MODEL_NAMES["similarity"])}     # table row: (population, label)


def member_seeds(seed: int, n_models: int) -> list[int]:
    """``p_i = derive_seed(seed, "population", i)`` for ``i < n_models``."""
    if isinstance(n_models, bool) or not isinstance(n_models, int) or n_models < 2:
        raise ValueError(f"a population needs n_models >= 2, got {n_models!r}")
    return [derive_seed(seed, "population", i) for i in range(n_models)]


def populations(data, forget_class: int = 2, *, seed: int = 1, n_models: int = N_MODELS, train=None, unlearn=None,
                cache: ResultCache | bool = True) -> dict:
    """Every population of :data:`POPULATIONS` as ``{name: (weights (N, 72), seconds to train)}``: the runs of
    :func:`~helpers.quantum.experiment.run_seeds` on the member seeds (each kind of model in one batched pass).

    ``train`` and ``unlearn`` update :data:`~helpers.quantum.experiment.TRAIN` and
    :data:`~helpers.quantum.experiment.UNLEARN` (the chapter's selected settings). The populations
    are read from or written to ``cache`` (``True``: the default cache; ``False``: none)."""
    cache = cache if isinstance(cache, ResultCache) else ResultCache(enabled=bool(cache))
    train, unlearn = {**TRAIN, **(train or {})}, {**UNLEARN, **(unlearn or {})}
    config = dict(kind="vqc-populations", dataset=data.name, seed=seed, n_models=n_models, forget_class=forget_class,
                  train=train, unlearn=unlearn)
    stored = cache.get_json(config)
    if stored is None:
        runs = run_seeds({p: data for p in member_seeds(seed, n_models)}, forget_class, ("similarity",), unlearn, train)
        models = dict(gold=[r.gold for r in runs], gold_indep=[r.gold_indep for r in runs],
                      original=[r.original for r in runs], similarity=[r.unlearned["similarity"] for r in runs])
        stored = {name: dict(theta=torch.stack([m.theta for m in ms]).tolist(), seconds=sum(m.seconds for m in ms))
                  for name, ms in models.items()}
        cache.put_json(config, stored)
    return {name: (torch.tensor(stored[name]["theta"], dtype=torch.float64), float(stored[name]["seconds"]))
            for name in POPULATIONS}


def population_outputs(theta: torch.Tensor, data, forget_class: int) -> dict:
    """For ``N`` weight vectors: ``conf`` ``(N, S)``, the logit-scaled confidence of the true class
    (:func:`~helpers.metrics.distributional.logit_scaled_confidence` of the three logits) on each
    forget example (the training samples of class ``f``); ``FA`` the accuracy (%) on them, ``RA`` on
    the retained training samples and ``TA`` on the retained classes' test samples, one per model."""
    X_forget, _ = forget_and_anchor(data, forget_class)
    keep, keep_test = data.y_train != forget_class, data.y_test != forget_class
    sets = {"FA": (X_forget, data.y_train[~keep]), "RA": (data.X_train[keep], data.y_train[keep]),
            "TA": (data.X_test[keep_test], data.y_test[keep_test])}
    with torch.no_grad():
        logits = {k: expectations(theta, X) for k, (X, _) in sets.items()}                   # (N, n, 3) each
    y_forget = sets["FA"][1].numpy()
    out = {"conf": np.stack([logit_scaled_confidence(z.numpy(), y_forget) for z in logits["FA"]])}
    for k, (_, y) in sets.items():
        out[k] = 100 * (logits[k].argmax(-1) == y).double().mean(-1).numpy()
    return out


def population_table(data, forget_class: int = 2, *, seed: int = 1, n_models: int = N_MODELS, train=None,
                     unlearn=None, cache: ResultCache | bool = True) -> pd.DataFrame:
    """The distributional test of each population against the gold population, one row each.

    Rows: ``retrain_indep`` (Gold′: the noise floor), ``original`` (do nothing), ``similarity``
    (distribution-guided unlearning), with the columns and ``attrs`` of
    :func:`helpers.experiments.populations.population_table` (``F``, ``score``, ``RA_ratio``,
    ``TA_ratio``, ``ulira_accuracy``, ``ulira_auc``, ``median_epsilon``, ``FA``, ``RA``, ``TA``;
    per-example ``epsilons``, ``points`` and ``ulira`` in ``attrs``), so that the verdicts of
    :mod:`helpers.chapters.ch04` apply unchanged. ``attrs["retrain"]`` holds the gold population's
    FA, RA and TA."""
    from ..experiments.populations import score_table

    pops = populations(data, forget_class, seed=seed, n_models=n_models, train=train, unlearn=unlearn, cache=cache)
    outputs = {name: {**population_outputs(theta, data, forget_class), "seconds": seconds}
               for name, (theta, seconds) in pops.items()}
    return score_table({key: outputs[name] for key, (name, _) in ROWS.items()}, outputs["gold"],
                       {key: label for key, (_, label) in ROWS.items()}, n_models=n_models, seed=seed,
                       conf={n: o["conf"] for n, o in outputs.items()})
