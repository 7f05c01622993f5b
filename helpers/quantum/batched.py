"""Many classifiers at once: training and unlearning ``T`` VQCs in one batched pass.

Chapter 7 needs many models of the same kind: the original and the gold model of every
seed, an independent second gold model (the gold model's own noise floor), and for the
distributional test populations of 32 and more. One model at a time, most of the cost of a
training step is Python and autograd overhead around a handful of 64x64 matrices; ``T``
models in one pass share it.

Each model ``t`` keeps its own weights, inputs, seed and learning rate, and gets exactly
the computation of the one-model functions:

- the forward pass is :func:`helpers.quantum.simulator.expectations` with inputs (T, B, 4):
  model ``t`` sees only its own inputs ``X[t]``;
- :func:`train_vqc_batch` is :func:`~helpers.quantum.training.train_vqc` for each seed
  (the same initialisation ``init_theta(seed)``, mini-batch generator ``seed + 1``, cosine
  schedule and best-validation checkpoint). The loss is the *sum* of the models' losses,
  so each model's gradient is its own; Adam is elementwise, so one optimiser with one
  parameter group per model is ``T`` independent optimisers;
- :func:`unlearn_vqc_batch` is the registered method ``dg`` (:mod:`helpers.unlearn.dg`, full
  batch) for each (original, target, β, step size, seed, replica), with its target and objective.

The tests check both against the one-model functions.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import torch
import torch.nn.functional as F

from ..data import check_forget_class
from ..seeds import derive_seed
from ..train import BestValidation, training_loop
from ..unlearn.dg import forget_targets, objective_terms
from . import simulator as S
from .circuit import N_CLASSES, N_PARAMS
from .model import init_theta
from .training import TrainResult, gold_seed, retained_split


def per_model(values, T: int, item_dims: int) -> torch.Tensor:
    """``values`` with a leading model axis of size ``T``: shared (``item_dims + 1`` dimensions,
    expanded) or one per model (``item_dims + 2`` dimensions, first of size ``T``)."""
    values = torch.as_tensor(values)
    values = values.to(torch.float64) if values.is_floating_point() else values.to(torch.int64)
    if values.dim() == item_dims + 1:
        return values.expand(T, *values.shape)
    if values.dim() != item_dims + 2 or values.shape[0] != T:
        raise ValueError(f"expected one array shared by all {T} models or one per model "
                         f"(leading axis {T}); got shape {tuple(values.shape)}")
    return values


def settings_per_model(value, T: int, name: str) -> list:
    """A setting for each of the ``T`` models: one value for all, or a sequence of ``T`` values."""
    values = list(value) if isinstance(value, (list, tuple)) else [value] * T
    if len(values) != T:
        raise ValueError(f"{name} needs one value or {T} values (one per model), got {len(values)}")
    return values


def _adam(start: torch.Tensor, lrs: list) -> tuple[list, torch.optim.Adam]:
    """One leaf tensor per model and one Adam parameter group each (its own learning rate)."""
    params = [row.detach().clone().requires_grad_(True) for row in start]
    return params, torch.optim.Adam([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)])


def train_vqc_batch(X, y, X_val, y_val, *, seeds, lr=0.1, iterations: int = 300, batch_size: int = 10,
                    init_std: float = 0.1, forward=S.expectations) -> list[TrainResult]:
    """:func:`~helpers.quantum.training.train_vqc` for every seed in ``seeds``, all in one pass of the
    book's one training loop, :func:`helpers.train.training_loop`.

    X (n, 4) and y (n,) are shared by every model, or (T, n, 4) and (T, n) give each model its
    own training set (all of the same size; likewise the validation set). ``lr`` is one
    learning rate or one per model. ``forward(theta (T, 72), X (T, B, 4))`` gives the logits (T, B, 3).
    Every iteration is one mini-batch; the checkpoint validates θ_k before step k (the final weights,
    after the last step, are not validated). ``TrainResult.seconds`` is the batch's wall time divided
    by the number of models."""
    seeds = [int(s) for s in seeds]
    T = len(seeds)
    if T == 0:
        raise ValueError("seeds must name at least one model")
    lrs = settings_per_model(lr, T, "lr")
    X, y, X_val, y_val = per_model(X, T, 1), per_model(y, T, 0), per_model(X_val, T, 1), per_model(y_val, T, 0)
    n = X.shape[1]
    if n < batch_size:
        raise ValueError(f"need at least batch_size={batch_size} training samples, got {n}")
    start = time.perf_counter()
    params, optimizer = _adam(torch.stack([init_theta(s, init_std) for s in seeds]), lrs)
    generators = [torch.Generator().manual_seed(s + 1) for s in seeds]
    rows = torch.arange(T)[:, None]

    def one_minibatch():                                                  # (T, batch_size) rows, one per model
        return [torch.stack([torch.randperm(n, generator=g)[:batch_size] for g in generators])]

    def batch_loss(batch):
        return mean_cross_entropy(forward(torch.stack(params), X[rows, batch]), y[rows, batch])

    best = BestValidation(params, lambda: mean_cross_entropy(forward(torch.stack(params), X_val), y_val))
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=iterations)
    losses = training_loop(params, batch_loss, iterations, one_minibatch, optimizer, schedule=schedule, checkpoint=best)
    seconds = (time.perf_counter() - start) / T
    return [TrainResult(best.weights[t], history(losses, best, t), int(best.found_at[t]), seconds) for t in range(T)]


def history(losses, best: BestValidation, t: int) -> pd.DataFrame:
    """Model ``t``'s :attr:`TrainResult.history`: row k describes θ_k (the ``train_loss`` of its
    mini-batch at step k, its ``val_loss``); one step per iteration."""
    return pd.DataFrame(dict(iteration=range(len(losses)), train_loss=[float(step[0][t]) for step in losses],
                             val_loss=[float(loss[t]) for loss in best.losses]))


def mean_cross_entropy(logits, y) -> torch.Tensor:
    """Each model's mean cross-entropy: logits (T, B, 3), y (T, B) -> (T,). (One model's is computed
    as the one-model loop always did: the same value to the last bit.)"""
    if len(logits) == 1:
        return F.cross_entropy(logits[0], y[0])[None]
    return F.cross_entropy(logits.transpose(1, 2), y, reduction="none").mean(1)


@dataclass
class UnlearnResult:
    """One model of :func:`unlearn_vqc_batch`: the unlearned weights, the target q (K,) and the batch's
    wall time divided by the number of models."""

    theta: torch.Tensor
    target: torch.Tensor
    seconds: float


def unlearn_vqc_batch(theta_orig, X_forget, X_anchor, forget_class: int, *, target="similarity", beta=2.0,
                      lr=0.05, seed=0, replica=0, alpha: float = 1.0, lam: float = 0.01,
                      steps: int = 100) -> list[UnlearnResult]:
    """The registered method ``dg`` (:mod:`helpers.unlearn.dg`, full batch) for every row of ``theta_orig``
    (T, 72), in one pass: each model maximises the DG paper's Eq. (7) (chapter 7, equation
    ``ch7-dg-objective``) towards its own target, Eq. (6) (``ch7-dg-target``) or the uniform one,
    with :func:`~helpers.unlearn.dg.forget_targets` and :func:`~helpers.unlearn.dg.objective_terms`.

    ``target``, ``beta``, ``lr``, ``seed`` and ``replica`` are one value for all models or one
    per model; X_forget and X_anchor are shared, or one per model (T, n, 4). Model ``t``
    draws its calibration subset from ``derive_seed(seed[t], "unlearn", replica[t])``, as
    ``unlearn("dg", VQC(theta_orig[t]), task, seed=seed[t], replica=replica[t])`` does."""
    check_forget_class(forget_class, N_CLASSES)
    theta_orig = torch.as_tensor(theta_orig, dtype=torch.float64).detach().reshape(-1, N_PARAMS)
    T = len(theta_orig)
    targets, betas, lrs, seeds, replicas = (settings_per_model(v, T, name) for v, name in (
        (target, "target"), (beta, "beta"), (lr, "lr"), (seed, "seed"), (replica, "replica")))
    start = time.perf_counter()
    X_forget, X_anchor = per_model(X_forget, T, 1), per_model(X_anchor, T, 1)
    n_forget = X_forget.shape[1]
    with torch.no_grad():
        p_forget, p_ref = (torch.softmax(S.expectations(theta_orig, X), -1) for X in (X_forget, X_anchor))
    Q = torch.stack([forget_targets(p_forget[t], torch.full((n_forget,), forget_class),
                                    torch.Generator().manual_seed(derive_seed(seeds[t], "unlearn", replicas[t])),
                                    target=targets[t], beta=betas[t]) for t in range(T)])   # (T, |F|, K)
    X_all = torch.cat([X_forget, X_anchor], 1)                                      # one pass for F and A
    params, optimizer = _adam(theta_orig, lrs)

    def minus_objective(_):                                   # ascent on every J_t: descent on -J_t
        theta = torch.stack(params)
        log_p = torch.log_softmax(S.expectations(theta, X_all), -1)
        penalty = ((theta - theta_orig) ** 2).sum(-1)
        return -objective_terms(log_p[:, :n_forget], Q, log_p[:, n_forget:], p_ref, penalty, alpha, lam)[0]

    training_loop(params, minus_objective, steps, lambda: [None], optimizer)      # full batch: one step per epoch
    seconds = (time.perf_counter() - start) / T
    return [UnlearnResult(params[t].detach().clone(), Q[t, 0], seconds) for t in range(T)]


def gold_retrain(datas, forget_class: int, *, seeds, replicas, **train) -> list[TrainResult]:
    """The gold standard, trained from scratch on the retained classes only (train and validation,
    :func:`~helpers.quantum.training.retained_split`), for every ``t`` in one pass: dataset ``datas[t]``
    (splits of one size), experiment seed ``seeds[t]``; the model draws its initial weights and
    mini-batches from the ``"oracle"`` stream :func:`~helpers.quantum.training.gold_seed`
    ``(seeds[t], replicas[t])``, never from the original's ``init_theta(seed)``. ``replicas`` number
    independent gold models (the oracle's own noise floor)."""
    splits = [retained_split(d, forget_class) for d in datas]
    X, y, X_val, y_val = (stack_same_size([split[i] for split in splits]) for i in range(4))
    return train_vqc_batch(X, y, X_val, y_val, seeds=[gold_seed(s, r) for s, r in zip(seeds, replicas, strict=True)],
                           **train)


def stack_same_size(arrays) -> torch.Tensor:
    """``torch.stack`` with a clear error when the models' data differ in size."""
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) != 1:
        raise ValueError(f"batched models need data of one size; got shapes {sorted(shapes)}")
    return torch.stack([torch.as_tensor(a) for a in arrays])
