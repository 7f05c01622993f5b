"""Training and unlearning from finite shots (issue 21, deliverable 3; chapter 7, section 7.12).

On a device every expectation value is an average over ``shots`` measurements, and so is
every term of the parameter-shift gradient (Eq. 5): 144 circuits per sample, each run
``shots`` times. How many shots do training and distribution-guided (DG) unlearning need
before they end where exact gradients take them?

The study (:func:`shots_study`), for every seed of the chapter and every shot count:

- **training**: the chapter's recipe (:func:`~helpers.quantum.batched.train_vqc_batch`, the loop of
  :func:`~helpers.quantum.training.train_vqc`, given the forward pass :class:`SampledShift`: the same
  initialisation, mini-batches, Adam, schedule and best-validation checkpoint), with every forward
  pass, validation loss and parameter-shift gradient estimated from ``shots`` shots;
- **unlearning**: chapter 7's ``unlearn("dg", VQC(...), task, seed=s)`` with the chapter's settings,
  started from the seed's *exact* original model (so that only the unlearning sees shots), on a
  ``VQC(engine="sampled", gradient="parameter-shift", device=Device(shots=...))``;
- the arm ``shots=None`` does both with exact gradients (autograd, equal to Eq. 5 exactly).

Every model is then scored *exactly* on the test split (its weights are what the shots changed):
test accuracy after training; forgotten-class recall and retained-class accuracy after unlearning.

The shots come from the ``"sampled"`` engine (:mod:`helpers.quantum.sampled`): the torch engine's
exact outcome distribution, sampled; statistically the same as Aer's noiseless sampler
(``tests/test_shots.py``) and thousands of times cheaper than Aer for the 144 x batch circuits of a
step. Results are cached (:class:`~helpers.experiments.cache.ResultCache`).
"""
from __future__ import annotations

import pandas as pd
import torch

from ..experiments.cache import ResultCache
from ..metrics import fraction_correct
from ..seeds import derive_seed
from ..unlearn import training_task
from ..unlearn import unlearn as unlearn_model
from . import sampled
from .batched import stack_same_size, train_vqc_batch
from .circuit import N_PARAMS
from .device import Device
from .evaluation import confusion, recall
from .experiment import TRAIN, UNLEARN
from .model import VQC
from .training import probabilities

SHOTS = (16, 256)     # the shot counts chapter 7 runs (its SHOT_COUNTS, section 7.12); exact gradients always run too
STAGES = ("training", "unlearning")
SCORES = ("test_acc", "forget_recall", "retained_acc")


class SampledShift(torch.autograd.Function):
    """``<Z_3>, <Z_4>, <Z_5>`` of T models from ``shots`` shots (forward) and their parameter-shift gradient
    from ``shots`` shots per shifted circuit (backward): theta (T, 72), X (T, B, 4) -> (T, B, 3)."""

    @staticmethod
    def forward(ctx, theta, X, shots, generator):
        ctx.save_for_backward(theta, X)
        ctx.shots, ctx.generator = shots, generator
        return sampled.sampled_z(theta, X, shots, generator)

    @staticmethod
    def backward(ctx, grad_out):                                         # (T, B, 3)
        theta, X = ctx.saved_tensors
        values = sampled.shifted_expectations(theta, X, ctx.shots, ctx.generator)      # (T, 144, B, 3)
        jac = (values[:, :N_PARAMS] - values[:, N_PARAMS:]) / 2                  # Eq. (5), shifts of ±π/2
        return torch.einsum("tbk,tibk->ti", grad_out, jac), None, None, None


def sampled_forward(shots: int, seed: int):
    """``forward(theta (T, 72), X (T, B, 4))`` for :func:`~helpers.quantum.batched.train_vqc_batch`: every call
    draws new shots from one generator seeded with ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    return lambda theta, X: SampledShift.apply(theta, X, shots, generator)


def _train(datas, seeds, shots, train):
    """The originals of ``seeds`` (datasets ``datas``) in one batched pass, exact or from ``shots`` shots."""
    X, y, X_val, y_val = (stack_same_size([getattr(d, k) for d in datas]) for k in ("X_train", "y_train", "X_val", "y_val"))
    extra = {} if shots is None else {"forward": sampled_forward(shots, derive_seed(seeds[0], "device", shots))}
    return train_vqc_batch(X, y, X_val, y_val, seeds=seeds, **train, **extra)


def unlearn_from_shots(data, theta_original, forget_class: int, seed: int, shots: int | None, settings: dict):
    """Chapter 7's ``unlearn("dg", VQC(theta_original), task, seed=seed)``, with every forward pass and
    gradient from ``shots`` shots (None: exact). The forget and anchor batches go through the model
    together (``one_pass``: one run of the device per step; exactly the same objective). Returns the
    unlearned weights (72,)."""
    if shots is None:
        model = VQC(theta_original)
    else:
        device = Device(shots=shots, seed=derive_seed(seed, "device", shots))
        model = VQC(theta_original, engine="sampled", gradient="parameter-shift", device=device)
    task = training_task(data, data.y_train == forget_class, forget_class)
    return unlearn_model("dg", model, task, seed=seed, **{**settings, "one_pass": True}).theta.detach().clone()


def test_scores(theta, data, forget_class: int) -> dict:
    """Exact scores on the test split: accuracy, the forgotten class's recall, the retained classes' accuracy."""
    keep = data.y_test != forget_class
    return dict(test_acc=fraction_correct(probabilities(theta, data.X_test), data.y_test),
                forget_recall=float(recall(confusion(theta, data.X_test, data.y_test, data.num_classes))[forget_class]),
                retained_acc=fraction_correct(probabilities(theta, data.X_test[keep]), data.y_test[keep]))


def check_shots(shots) -> tuple:
    """The shot counts as a tuple of positive integers, or a clear ValueError."""
    shots = tuple(shots)
    if not shots or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in shots):
        raise ValueError(f"shots must be positive integers (the exact arm always runs), got {shots!r}")
    return shots


def run_study(by_seed: dict, forget_class: int, shots, train: dict, settings: dict, exact=None) -> list[dict]:
    """The study's rows (see :func:`shots_study`), computed."""
    seeds, datas = list(by_seed), list(by_seed.values())
    if exact is None:
        originals = [r.theta for r in _train(datas, seeds, None, train)]
        exact = {s: (o, unlearn_from_shots(d, o, forget_class, s, None, settings))
                 for s, d, o in zip(seeds, datas, originals)}
    rows = []
    for s, data in by_seed.items():
        for stage, theta in zip(STAGES, exact[s]):
            rows.append(dict(stage=stage, seed=s, shots=None, **test_scores(theta, data, forget_class)))
    for n in shots:
        trained = _train(datas, seeds, n, train)
        for s, data, model in zip(seeds, datas, trained):
            after = unlearn_from_shots(data, exact[s][0], forget_class, s, n, settings)
            rows.append(dict(stage="training", seed=s, shots=n, **test_scores(model.theta, data, forget_class)))
            rows.append(dict(stage="unlearning", seed=s, shots=n, **test_scores(after, data, forget_class)))
    return rows


def shots_study(by_seed: dict, forget_class: int = 2, shots=SHOTS, train=None, unlearn=None, exact=None,
                cache: ResultCache | bool = True) -> pd.DataFrame:
    """Training and DG unlearning from ``shots`` shots and exactly (module docstring), for every ``seed: data``
    of ``by_seed``. ``train`` and ``unlearn`` update :data:`~helpers.quantum.experiment.TRAIN` and
    :data:`~helpers.quantum.experiment.UNLEARN` (the chapter's selected settings).

    ``exact``: ``{seed: (original weights, unlearned weights)}`` with exact gradients and these settings,
    if the caller has them (chapter 7's :func:`~helpers.quantum.experiment.run_seeds`, whose batched
    unlearning equals ``unlearn("dg", ...)``); else they are computed here.

    One row per (stage, seed, shots): ``stage`` ("training" or "unlearning"), ``seed``, ``shots``
    (NaN for exact gradients), ``setting`` ("exact" or "16 shots", ...), and the exact test scores
    ``test_acc``, ``forget_recall``, ``retained_acc`` of the trained (or unlearned) model."""
    shots = check_shots(shots)
    if len(by_seed) < 2:
        raise ValueError(f"the study pairs shots with exact gradients over seeds: give at least 2 seeds, got {len(by_seed)}")
    if exact is not None and set(exact) != set(by_seed):
        raise ValueError(f"exact must hold the weights of every seed {sorted(by_seed)}, got {sorted(exact)}")
    cache = cache if isinstance(cache, ResultCache) else ResultCache(enabled=bool(cache))
    train, settings = {**TRAIN, **(train or {})}, {**UNLEARN, **(unlearn or {})}
    config = dict(kind="vqc-shots-study", datasets=sorted({d.name for d in by_seed.values()}), seeds=list(by_seed),
                  forget_class=forget_class, shots=list(shots), train=train, unlearn=settings)
    rows = cache.get_json(config)
    if rows is None:
        rows = run_study(by_seed, forget_class, shots, train, settings, exact)
        cache.put_json(config, rows)
    frame = pd.DataFrame(rows)[["stage", "seed", "shots", *SCORES]]          # (a cached entry's keys are sorted)
    frame["shots"] = frame["shots"].astype(float)
    frame.insert(3, "setting", [setting_name(s) for s in frame["shots"]])
    return frame


def setting_name(shots) -> str:
    """``"exact"`` for NaN / None, else ``"16 shots"`` (``"1,024 shots"``)."""
    return "exact" if shots is None or shots != shots else f"{int(shots):,} shots"
