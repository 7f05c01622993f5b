"""Distribution-guided, constrained class unlearning (paper, Sec. 4.1; Appendix A).

Given the original weights w_orig, a forgotten class f, its training samples F
and retained anchor samples A:

1. **Forget target** (the paper's Eq. 6; chapter 7, equation ``ch7-dg-target``). On a calibration subset S ⊆ F, the original model's
   mean softmax output, raised to a sharpness β and renormalised with q_f = 0::

       q_k ∝ ( E_{x∈S} p_orig(k | x) )^β   (k ≠ f),    q_f = 0.

   The *uniform* variant of Appendix A is q_k = 1/(K-1) for k ≠ f.
2. **Anchor references** (Sec. 4.1.2): p_orig(· | x) cached for every x ∈ A.
3. **Objective** (the paper's Eq. 7; chapter 7, equation ``ch7-dg-objective``), maximised by gradient ascent::

       J(w) = E_F[ Σ_k q_k log p_w(k|x) ] + α E_A[ Σ_k p_orig(k|x) log p_w(k|x) ] - λ ||w - w_orig||².

   By Theorem 1 this is, up to a constant, ``L_F - α · mean KL(p_orig || p_w) on A - λ ||Δw||²``:
   the Lagrangian of "fit q on F subject to staying close on A and in weight space".

The *gold* model is :func:`~helpers.quantum.training.train_vqc` on the retained data, started from
its own seed stream (:func:`gold_retrain`).

Seeds. Every function here takes the *experiment* seed ``s`` (the one that fixed the data split
and trained the original with ``init_theta(s)``) and derives its own stream from it
(:func:`helpers.seeds.derive_seed`): the gold model ``(s, "oracle", replica)``, the unlearning
run's calibration subset ``(s, "unlearn", replica)``. So the gold model never starts from the
original's weights, and no two jobs share a random stream.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd
import torch

from ..progress import progress_bar
from ..seeds import derive_seed
from .gradients import logits
from .training import probabilities, train_vqc

TARGETS = ("similarity", "uniform")


def forget_target(p_calibration: torch.Tensor, forget_class: int, beta: float = 1.0) -> torch.Tensor:
    """Eq. (6) of the DG paper (chapter 7, equation ``ch7-dg-target``): ``q_k ∝ (mean_S p_orig(k|x))^β``
    for k ≠ f, then normalised, ``q_f = 0``; (K,), sums to 1.

    p_calibration : (|S|, K) original-model probabilities on the calibration subset S ⊆ F.
    """
    p_calibration = torch.as_tensor(p_calibration, dtype=torch.float64)
    K = p_calibration.shape[-1]
    check_forget_class(forget_class, K)
    if beta <= 0:
        raise ValueError(f"the sharpness beta must be > 0 (Eq. 6), got {beta}")
    q = p_calibration.mean(0) ** beta
    q[forget_class] = 0.0
    return q / q.sum()


def uniform_target(num_classes: int, forget_class: int) -> torch.Tensor:
    """Appendix A's baseline target: ``1/(K-1)`` on every retained class, 0 on f (in place of Eq. (6) of
    the DG paper, chapter 7's equation ``ch7-dg-target``)."""
    check_forget_class(forget_class, num_classes)
    q = torch.full((num_classes,), 1.0 / (num_classes - 1), dtype=torch.float64)
    q[forget_class] = 0.0
    return q


def calibration_subset(n_forget: int, seed: int = 0, n_calibration: int | None = None,
                       replica: int = 0) -> torch.Tensor:
    """Indices of the calibration subset S ⊆ F of Eq. (6): ``n_calibration`` samples of the forget
    set (None = half of F, at least one), as :func:`unlearn_vqc` draws them.

    ``seed`` is the experiment seed; the draw comes from the ``"unlearn"`` stream
    :func:`helpers.seeds.derive_seed` ``(seed, "unlearn", replica)``, never from the
    streams that trained the original model or the gold model.
    """
    n_cal = max(1, n_forget // 2) if n_calibration is None else min(n_calibration, n_forget)
    generator = torch.Generator().manual_seed(derive_seed(seed, "unlearn", replica))
    return torch.randperm(n_forget, generator=generator)[:n_cal]


def check_forget_class(forget_class, num_classes: int) -> None:
    if not isinstance(forget_class, int) or not 0 <= forget_class < num_classes:
        raise ValueError(f"forget_class must be an integer class index in 0..{num_classes - 1}, got {forget_class!r}")


def objective_terms(log_p_forget, q, log_p_anchor, p_ref, penalty, alpha=1.0, lam=0.01):
    """Eq. (7) of the DG paper (chapter 7, equation ``ch7-dg-objective``) from log-probabilities:
    ``J = E_F[Σ_k q_k log p] + α E_A[Σ_k p_ref log p] - λ penalty``.

    log_p_forget (..., |F|, K), q (..., K), log_p_anchor (..., |A|, K), p_ref (..., |A|, K),
    penalty (...,) = ``||w - w_orig||²``; any leading batch shape (one model, or T models at once).
    Returns ``(J, forget_term, anchor_term)``, each of the leading shape."""
    forget_term = (q[..., None, :] * log_p_forget).sum(-1).mean(-1)
    anchor_term = (p_ref * log_p_anchor).sum(-1).mean(-1)
    return forget_term + alpha * anchor_term - lam * penalty, forget_term, anchor_term


def objective(theta, theta_orig, X_forget, q, X_anchor, p_ref, alpha=1.0, lam=0.01,
              engine="torch", gradient="autograd") -> tuple[torch.Tensor, dict]:
    """J(w) of Eq. (7) of the DG paper (chapter 7, equation ``ch7-dg-objective``) and its three terms
    (forget fit, anchor fit, weight penalty).

    q : (K,) forget target; p_ref : (|A|, K) cached anchor references p_orig(·|x)."""
    log_p_forget = torch.log_softmax(logits(theta, X_forget, engine, gradient), -1)    # (|F|, K)
    log_p_anchor = torch.log_softmax(logits(theta, X_anchor, engine, gradient), -1)    # (|A|, K)
    penalty = ((theta - theta_orig) ** 2).sum()
    J, forget_term, anchor_term = objective_terms(log_p_forget, q, log_p_anchor, p_ref, penalty, alpha, lam)
    return J, dict(J=J.item(), forget_term=forget_term.item(), anchor_term=anchor_term.item(),
                   penalty=penalty.item())


def unlearning_target(p_forget, forget_class: int, *, target: str = "similarity", beta: float = 2.0,
                      n_calibration: int | None = None, seed: int = 0, replica: int = 0):
    """The target q and the calibration indices of one run: Eq. (6) on a calibration subset
    (:func:`calibration_subset`, from the ``"unlearn"`` stream of ``seed`` and ``replica``) for
    ``"similarity"``, Appendix A's uniform target for ``"uniform"`` (S is drawn all the same).

    p_forget : (|F|, K) original-model probabilities on the forget set."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {TARGETS}")
    K = p_forget.shape[-1]
    check_forget_class(forget_class, K)
    calibration = calibration_subset(len(p_forget), seed, n_calibration, replica)
    q = (forget_target(p_forget[calibration], forget_class, beta) if target == "similarity"
         else uniform_target(K, forget_class))
    return q, calibration


@dataclass
class UnlearnResult:
    """The unlearned weights, the target q used, the calibration indices and one row per step."""

    theta: torch.Tensor
    target: torch.Tensor
    calibration: torch.Tensor
    history: pd.DataFrame
    seconds: float
    settings: dict = field(default_factory=dict)


def unlearn_vqc(theta_orig, X_forget, X_anchor, forget_class: int, *, target: str = "similarity",
                beta: float = 2.0, n_calibration: int | None = None, alpha: float = 1.0, lam: float = 0.01,
                steps: int = 100, lr: float = 0.05, seed: int = 0, replica: int = 0, engine: str = "torch",
                gradient: str = "autograd", progress: bool = False, watch=None) -> UnlearnResult:
    """Distribution-guided unlearning: maximise J (the DG paper's Eq. 7, chapter 7's ``ch7-dg-objective``)
    from ``theta_orig`` by gradient ascent (Adam).

    target : ``"similarity"`` (Eq. 6 with sharpness ``beta`` on a random calibration subset
        S ⊆ F of ``n_calibration`` samples; None = half of F) or ``"uniform"`` (Appendix A).
    alpha, lam : the anchor weight α and the weight-penalty λ of Eq. (7) (paper: 1.0 and 0.01).
    steps, lr : full-batch Adam ascent steps on F and A, and its learning rate.
    seed, replica : the experiment seed; the run's only random choice, the calibration subset S,
        comes from the ``"unlearn"`` stream ``derive_seed(seed, "unlearn", replica)``
        (:func:`calibration_subset`), independent of the original's and the gold model's streams.
    watch : optional indices (or a slice) of weights to follow: the history then also has, per step,
        ``watch_grad`` (largest |∂J/∂θ_i| before the step) and ``watch_shift`` (largest
        |θ_i - θ_orig,i| after it), as chapter 7 does for the idle weights θ66..θ71.
    """
    start = time.perf_counter()
    theta_orig = torch.as_tensor(theta_orig, dtype=torch.float64).detach()
    X_forget, X_anchor = torch.as_tensor(X_forget, dtype=torch.float64), torch.as_tensor(X_anchor, dtype=torch.float64)
    p_forget = probabilities(theta_orig, X_forget, engine)                     # (|F|, K)
    q, calibration = unlearning_target(p_forget, forget_class, target=target, beta=beta,
                                       n_calibration=n_calibration, seed=seed, replica=replica)
    p_ref = probabilities(theta_orig, X_anchor, engine)                          # cached anchor references
    theta = theta_orig.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([theta], lr=lr)
    rows = []
    for step in progress_bar(range(1, steps + 1), desc="unlearning", enabled=progress):
        J, terms = objective(theta, theta_orig, X_forget, q, X_anchor, p_ref, alpha, lam, engine, gradient)
        optimizer.zero_grad()
        (-J).backward()                                   # ascent on J = descent on -J
        if watch is not None:
            terms["watch_grad"] = theta.grad[watch].abs().max().item()
        optimizer.step()
        if watch is not None:
            terms["watch_shift"] = (theta.detach() - theta_orig)[watch].abs().max().item()
        rows.append(dict(step=step, **terms))
    settings = dict(target=target, beta=beta, n_calibration=len(calibration), alpha=alpha, lam=lam, steps=steps,
                    lr=lr, seed=seed, replica=replica)
    return UnlearnResult(theta.detach(), q, calibration, pd.DataFrame(rows), time.perf_counter() - start, settings)


def retained_split(data, forget_class: int) -> tuple:
    """``(X_train, y_train, X_val, y_val)`` without the forgotten class: what a gold model trains on."""
    check_forget_class(forget_class, data.num_classes)
    keep, keep_val = data.y_train != forget_class, data.y_val != forget_class
    return data.X_train[keep], data.y_train[keep], data.X_val[keep_val], data.y_val[keep_val]


def gold_seed(seed: int, replica: int = 0) -> int:
    """The seed a gold model trains with: ``derive_seed(seed, "oracle", replica)`` (its initial
    weights ``init_theta`` of it, its mini-batches from it + 1), never the original's ``seed``."""
    return derive_seed(seed, "oracle", replica)


def gold_retrain(data, forget_class: int, *, seed: int = 0, replica: int = 0, **train_kwargs):
    """The gold standard: train from scratch on the retained classes only (train and validation).

    ``seed`` is the experiment seed; the gold model draws its initial weights and
    mini-batches from the ``"oracle"`` stream :func:`gold_seed` ``(seed, replica)`` =
    :func:`helpers.seeds.derive_seed` ``(seed, "oracle", replica)``, never from the
    original's ``init_theta(seed)``. ``replica`` numbers independent gold models (the
    oracle's own noise floor). :func:`helpers.quantum.batched.gold_retrain_batch` trains
    several at once, with the same seeds.
    """
    return train_vqc(*retained_split(data, forget_class), seed=gold_seed(seed, replica), **train_kwargs)
