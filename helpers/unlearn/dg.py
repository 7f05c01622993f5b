"""Distribution-guided (DG) unlearning: N. Malik, Z. Khalid, M. Faryad, *Distribution-Guided and
Constrained Quantum Machine Unlearning*, Sec. 4.1 and Appendix A (chapter 7 on the VQC, chapter 8
on the hybrids). Registered as ``dg``; it works on any model that returns logits.

Given the original weights w_orig, a forget set F (samples of a forgotten class f) and anchors A
(retained samples):

1. **Forget target** (the paper's Eq. 6; chapter 7, equation ``ch7-dg-target``). On a calibration
   subset S ⊆ F, the original model's mean softmax output, raised to a sharpness β and renormalised
   with q_f = 0::

       q_k ∝ ( E_{x∈S} p_orig(k | x) )^β   (k ≠ f),    q_f = 0.

   The *uniform* variant of Appendix A is q_k = 1/(K-1) for k ≠ f. A forget set with several
   classes (chapter 8's scenario A) gives each class c its own q^c from its own subset S_c.
2. **Anchor references** (Sec. 4.1.2): p_orig(· | x) for x ∈ A, from a frozen copy of the original.
3. **Objective** (the paper's Eq. 7; chapter 7, equation ``ch7-dg-objective``), maximised by
   gradient ascent::

       J(w) = E_F[ Σ_k q_k log p_w(k|x) ] + α E_A[ Σ_k p_orig(k|x) log p_w(k|x) ] - λ ||w - w_orig||².

   By Theorem 1 this is, up to a constant, ``L_F - α · mean KL(p_orig || p_w) on A - λ ||Δw||²``:
   the Lagrangian of "fit q on F subject to staying close on A and in weight space".

:func:`dg` ascends J with Adam, full batch (``batch_size=None``: every step sees all of F and A,
as chapter 7 does for the VQC) or on paired mini-batches of F and A (chapter 8's hybrids). Its
random choices come from the run's ``"unlearn"`` stream (the ``seed`` the core hands it): first the
calibration subsets, then (mini-batches only) the batch order. :mod:`helpers.quantum.batched`
runs the same target and objective for many VQCs at once.
"""
from __future__ import annotations

import copy

import torch

from ..data import check_forget_class
from ..train import device_of, to_device
from .base import register
from .loop import ADAM_LOOP, unlearning_loop

TARGETS = ("similarity", "uniform")


def forget_target(p_calibration: torch.Tensor, forget_class: int, beta: float = 1.0) -> torch.Tensor:
    """Eq. (6) of the DG paper (chapter 7, equation ``ch7-dg-target``): ``q_k ∝ (mean_S p_orig(k|x))^β``
    for k ≠ f, then normalised, ``q_f = 0``; (K,), sums to 1.

    p_calibration : (|S|, K) original-model probabilities on the calibration subset S ⊆ F."""
    p_calibration = torch.as_tensor(p_calibration, dtype=torch.float64)
    check_forget_class(forget_class, p_calibration.shape[-1])
    if beta <= 0:
        raise ValueError(f"the sharpness beta must be > 0 (Eq. 6), got {beta}")
    q = p_calibration.mean(0) ** beta
    q[forget_class] = 0.0
    return q / q.sum()


def uniform_target(num_classes: int, forget_class: int) -> torch.Tensor:
    """Appendix A's baseline target: ``1/(K-1)`` on every retained class, 0 on f (in place of Eq. (6) of
    the DG paper, chapter 7's equation ``ch7-dg-target``)."""
    return forget_target(torch.ones(1, num_classes), forget_class)          # q ∝ 1 off the forgotten class


def calibration_subset(n_forget: int, generator: torch.Generator, n_calibration: int | None = None) -> torch.Tensor:
    """Indices of the calibration subset S of Eq. (6): ``n_calibration`` of ``n_forget`` samples
    drawn without replacement from ``generator`` (None = half, at least one)."""
    n_cal = max(1, n_forget // 2) if n_calibration is None else min(n_calibration, n_forget)
    return torch.randperm(n_forget, generator=generator)[:n_cal]


def forget_targets(p_forget, y_forget, generator: torch.Generator, *, target: str = "similarity",
                   beta: float = 2.0, n_calibration: int | None = None) -> torch.Tensor:
    """Every forget sample's target: for each class c of ``y_forget`` in increasing order,
    S_c = :func:`calibration_subset` of its samples (from ``generator``) and ``q^c`` =
    :func:`forget_target` on S_c (``"similarity"``, Eq. 6) or :func:`uniform_target`
    (``"uniform"``; S_c is drawn all the same).

    p_forget : (|F|, K) original-model probabilities on F. Returns Q (|F|, K) in ``p_forget``'s dtype."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {TARGETS}")
    y_forget = torch.as_tensor(y_forget)
    Q = torch.zeros(p_forget.shape, dtype=torch.float64)
    for c in torch.unique(y_forget).tolist():
        members = torch.nonzero(y_forget == c).flatten()
        S = members[calibration_subset(len(members), generator, n_calibration)]
        Q[members] = forget_target(p_forget[S], c, beta) if target == "similarity" else uniform_target(Q.shape[-1], c)
    return Q.to(p_forget.dtype)


def objective_terms(log_p_forget, Q, log_p_anchor, p_ref, penalty, alpha=1.0, lam=0.01):
    """Eq. (7) of the DG paper (chapter 7, equation ``ch7-dg-objective``) from log-probabilities:
    ``J = E_F[Σ_k q_k log p] + α E_A[Σ_k p_ref log p] - λ penalty``.

    log_p_forget and Q (..., |F|, K) (one target row per forget sample), log_p_anchor and p_ref
    (..., |A|, K), penalty (...,) = ``||w - w_orig||²``; any leading batch shape (one model, or T
    models at once). Returns ``(J, forget_term, anchor_term)``, each of the leading shape. Chapter 7
    assembles it on the page from a model's log-probabilities; :func:`dg` from each step's batches."""
    forget_term = (Q * log_p_forget).sum(-1).mean(-1)
    anchor_term = (p_ref * log_p_anchor).sum(-1).mean(-1)
    return forget_term + alpha * anchor_term - lam * penalty, forget_term, anchor_term


def weight_penalty(model, original) -> torch.Tensor:
    """``||w - w_orig||²`` over every parameter."""
    return sum(((p - p0.detach()) ** 2).sum() for p, p0 in zip(model.parameters(), original.parameters()))


@register("dg", target="similarity", beta=2.0, n_calibration=None, alpha=1.0, lam=0.01, steps=100, lr=0.05,
          batch_size=None, one_pass=False, **ADAM_LOOP)
def dg(model, task, *, seed, target, beta, n_calibration, alpha, lam, **loop):
    """Distribution-guided unlearning: ascend J of Eq. (7) (chapter 7, ``ch7-dg-objective``) from the
    original weights with Adam, towards the target of Eq. (6) (``ch7-dg-target``; ``target="uniform"``:
    Appendix A's) on the forget set, anchored on the retain set.

    target, beta, n_calibration : the target (:data:`TARGETS`), its sharpness β and the size of each
        calibration subset S (None = half of the class's forget samples).
    alpha, lam : the anchor weight α and the weight penalty λ of Eq. (7) (paper: 1.0 and 0.01).
    steps, lr, batch_size, one_pass, ... : the loop's (:func:`~helpers.unlearn.loop.unlearning_loop`).
        The defaults are chapter 7's for the VQC: 100 full-batch steps (``batch_size=None``: every step
        on all of F and all of A), step size 0.05; chapter 8's hybrids use mini-batches of 32 in one
        pass (:data:`helpers.hybrid.experiment.HYBRID_RECIPES`).

    The calibration subsets come first from a generator seeded with ``seed`` (the run's
    ``"unlearn"`` stream), the batch order from another one seeded alike."""
    original = copy.deepcopy(model).eval()
    X_forget, y_forget = task.forget_set[torch.arange(len(task.forget_set))]
    with torch.no_grad():
        p_forget = torch.softmax(original(*to_device(model, X_forget)), -1).cpu()    # the targets are drawn on the CPU
    Q = forget_targets(p_forget, y_forget, torch.Generator().manual_seed(seed), target=target, beta=beta,
                          n_calibration=n_calibration).to(device_of(model))

    def loss(m, f, a):
        with torch.no_grad():
            p_ref = torch.softmax(original(a.x), -1)          # the anchor references (Sec. 4.1.2)
        J, _, _ = objective_terms(torch.log_softmax(f.logits, -1), Q[f.idx], torch.log_softmax(a.logits, -1),
                                  p_ref, weight_penalty(m, original), alpha, lam)
        return -J                                             # ascent on J = descent on -J
    unlearning_loop(model, task, seed=seed, loss=loss, **loop)
