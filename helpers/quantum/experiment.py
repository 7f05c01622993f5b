"""The experiments of chapter 7: original model, distribution-guided unlearning, gold retrain, over seeds.

Protocol (what the book reports):

- one *selection* seed picks the training learning rate and the unlearning
  hyper-parameters (sharpness β, step size) on the **validation** split; α = 1.0 and
  λ = 0.01 stay at the paper's values;
- other seeds (new data splits, initialisations and mini-batch orders) are then run
  with those settings and reported on the **test** split, as mean and spread.

Seeds. Seed ``s`` fixes the data split and the original model (``init_theta(s)``, its
mini-batches from ``s + 1``). The gold model and a second, independent gold model (Gold′,
the gold model's own noise floor) train from the ``"oracle"`` streams ``(s, replica)`` with
replicas 0 and 1, the unlearning runs draw their calibration subsets from the ``"unlearn"``
stream (:mod:`helpers.seeds`). Every model of every seed is trained in one batched pass
(:mod:`helpers.quantum.batched`); the results equal one-model-at-a-time training.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pandas as pd
import torch

from ..data import check_forget_class
from ..data.tabular import display_list, load_tabular
from ..unlearn import DEFAULTS
from .batched import gold_retrain, stack_same_size, train_vqc_batch, unlearn_vqc_batch
from .evaluation import confusion, forget_class_probability, recall
from .training import TrainResult, accuracy

TRAIN = dict(iterations=300, batch_size=10, lr=0.1, init_std=0.1)      # paper, Sec. 4 (lr, std: ours)
TRAIN_LRS = (0.03, 0.1, 0.3)                                           # searched on the selection seed
UNLEARN = {k: DEFAULTS["dg"][k] for k in ("alpha", "lam", "beta", "steps", "lr")}   # dg's defaults; α, λ: paper, Sec. 4.3
GRID = dict(beta=(1.0, 4.0), lr=(0.02, 0.05, 0.1))                     # searched on the selection seed
GOLD_REPLICAS = (0, 1)                                                 # the gold model and Gold′


@dataclass
class QuantumRun:
    """Everything one (dataset, seed) produced: the original model, ``unlearned`` (a target name ->
    its result), the gold model (oracle replica 0) and ``gold_indep`` (Gold′, oracle replica 1:
    the gold model's own noise floor)."""

    data: object
    seed: int
    forget_class: int
    original: TrainResult
    gold: TrainResult | None = None
    gold_indep: TrainResult | None = None
    unlearned: dict = field(default_factory=dict)

    @property
    def dataset(self) -> str:
        return self.data.name


def load_available(names, seeds=(0,)) -> tuple[dict, dict]:
    """``load_tabular(name, seed=s)`` for every name and seed that can be loaded (paper, Sec. 4: Iris
    and Covertype; Wine is ours). Returns ``datasets[name][seed]`` and ``skipped[name]`` (the
    loader's error message, printed by no one: offline a chapter prints one clean line, :func:`availability`)."""
    datasets, skipped = {}, {}
    for name in names:
        try:
            datasets[name] = {seed: load_tabular(name, seed=seed) for seed in seeds}
        except OSError as err:                        # offline: covertype cannot be downloaded
            skipped[name] = str(err)
    return datasets, skipped


def availability(datasets: dict, skipped: dict) -> str:
    """One line: which datasets a chapter uses, e.g. ``"Covertype unavailable (download failed:
    offline?): using Iris and Wine"`` (display names)."""
    used = display_list(datasets) or "nothing"
    if not skipped:
        return f"using {used}"
    return f"{display_list(skipped)} unavailable (download failed: offline?): using {used}"


def forget_and_anchor(data, forget_class: int):
    """Forget set F (training samples of class f) and anchor set A (all retained training samples), the inputs
    of :func:`unlearn_vqc_batch`; one model at a time, ``unlearn("dg", VQC(theta), training_task(data,
    data.y_train == f, f), seed=s, **UNLEARN)`` (:func:`helpers.unlearn.training_task`) sees the same sets."""
    check_forget_class(forget_class, data.num_classes)
    mask = data.y_train == forget_class
    return data.X_train[mask], data.X_train[~mask]


def run_seeds(by_seed: dict, forget_class: int = 2, targets=("similarity", "uniform"), unlearn=None,
              train=None) -> list[QuantumRun]:
    """For every ``seed: data`` of ``by_seed`` (one seed: ``run_seeds({s: data})[0]``): train the original
    model, unlearn ``forget_class`` with each target, retrain the gold model and Gold′; all seeds in
    one batched pass per kind of model (the splits of one dataset have one size): the originals (seed
    ``s``), the gold models (oracle replicas :data:`GOLD_REPLICAS` of ``s``) and one unlearning run per
    original and target (``"unlearn"`` stream of ``s``, replica 0)."""
    train, unlearn = {**TRAIN, **(train or {})}, {**UNLEARN, **(unlearn or {})}
    seeds, datas = list(by_seed), list(by_seed.values())
    originals = train_vqc_batch(*(stack_same_size([getattr(d, k) for d in datas])
                                  for k in ("X_train", "y_train", "X_val", "y_val")), seeds=seeds, **train)
    runs = [QuantumRun(d, s, forget_class, o) for d, s, o in zip(datas, seeds, originals)]
    pairs = [(r, target) for target in targets for r in runs]
    X_forget, X_anchor = zip(*(forget_and_anchor(r.data, forget_class) for r, _ in pairs))
    results = unlearn_vqc_batch(torch.stack([r.original.theta for r, _ in pairs]), stack_same_size(X_forget),
                                stack_same_size(X_anchor), forget_class, target=[t for _, t in pairs],
                                seed=[r.seed for r, _ in pairs], **unlearn)
    for (r, target), result in zip(pairs, results):
        r.unlearned[target] = result
    jobs = [(r, replica) for replica in GOLD_REPLICAS for r in runs]
    golds = gold_retrain([r.data for r, _ in jobs], forget_class, seeds=[r.seed for r, _ in jobs],
                         replicas=[replica for _, replica in jobs], **train)
    for (r, replica), model in zip(jobs, golds):
        setattr(r, "gold" if replica == GOLD_REPLICAS[0] else "gold_indep", model)
    return runs


def select_training(data, seed: int = 0, lrs=TRAIN_LRS) -> tuple[pd.DataFrame, dict, TrainResult]:
    """Train with each learning rate on the selection seed; keep the lowest validation loss."""
    trained = train_vqc_batch(data.X_train, data.y_train, data.X_val, data.y_val, seeds=[seed] * len(lrs),
                              **{**TRAIN, "lr": list(lrs)})
    results = dict(zip(lrs, trained))
    table = pd.DataFrame([dict(lr=lr, best_val_loss=r.history["val_loss"].min()) for lr, r in results.items()])
    best = float(table.loc[table["best_val_loss"].idxmin(), "lr"])
    return table, {"lr": best}, results[best]


def validation_scores(theta, data, forget_class: int) -> dict:
    """On the validation split: retained-class accuracy, forget-class recall and mean p(f|x)."""
    rec = recall(confusion(theta, data.X_val, data.y_val, data.num_classes))
    keep = data.y_val != forget_class
    retained_acc = accuracy(theta, data.X_val[keep], data.y_val[keep])
    return dict(retained_acc=retained_acc, forget_recall=rec[forget_class],
                forget_prob=forget_class_probability(theta, data.X_val, data.y_val, forget_class),
                score=retained_acc - rec[forget_class])


def select_unlearning(data, original: TrainResult, forget_class: int = 2, grid=None,
                      seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Try every combination of ``grid`` (β and step size) on the selection seed, all in one batched
    pass; rank by validation score (retained accuracy minus forget recall, ties broken by a lower
    forget-class probability). ``seed`` is the selection seed: the calibration subsets come from
    its ``"unlearn"`` stream."""
    grid = grid or GRID
    if not set(grid) <= {"beta", "lr"}:
        raise ValueError(f"the grid searches beta and lr only (one value per model); got {sorted(grid)}")
    settings = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    per_model = {k: [s[k] for s in settings] for k in grid}
    results = unlearn_vqc_batch(original.theta.expand(len(settings), -1), *forget_and_anchor(data, forget_class),
                                forget_class, seed=seed, **{**UNLEARN, **per_model})
    rows = [{**setting, **validation_scores(u.theta, data, forget_class)} for setting, u in zip(settings, results)]
    table = pd.DataFrame(rows).sort_values(["score", "forget_prob"], ascending=[False, True])
    best = {k: table.iloc[0][k].item() for k in grid}
    return table.reset_index(drop=True), best
