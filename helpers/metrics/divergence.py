"""Information measures on class distributions: entropy and the one KL divergence of the book.

Every chapter and every model family measures "how far is this output from that one" here:
chapter 2's KL to uniform (OEU Theorems 4.1-4.2, Prop. A.6), chapter 7's Table 2 (KL to the
gold model), chapter 8's KL to the oracle, SCRUB's teacher terms, and ADV-uniform's push
toward uniform. (Distribution-guided unlearning's anchor term, Eq. 7, is the cross-entropy
``sum_k p_orig log p_w``, i.e. minus a KL up to a constant: :func:`helpers.unlearn.dg.objective_terms`.)
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def entropy(logits: torch.Tensor) -> torch.Tensor:
    """Per-sample entropy of ``softmax(logits)``, Eqs. (5)-(6) of the OEU paper (chapter 2, equation ``ch2-entropy``).

    Shape ``logits.shape[:-1]``, in nats. ``H(p) = -sum_k p_k log p_k``; it is 0 for a one-hot
    prediction and ``log K`` for the uniform one. Computed from ``log_softmax`` for stability.
    """
    log_p = F.log_softmax(logits, dim=-1)
    return -(log_p.exp() * log_p).sum(dim=-1)


def kl_divergence(p: torch.Tensor, q: torch.Tensor, eps: float = 0.0) -> torch.Tensor:
    """``KL(p || q) = sum_k p_k log(p_k / q_k)`` over the last axis (broadcasting), ``0 log 0 = 0``.

    Row ``i`` of ``p`` is compared with row ``i`` of ``q``: they must describe the same sample
    (chapter 8's equation ``ch8-kl``). With ``eps = 0`` the value is infinite where
    ``p_k > 0 = q_k`` (OEU Remark A.7: ``KL(U || p)`` of a target with a zero; chapter 2,
    Sec. 2.4, beside equation ``ch2-a6``); ``eps > 0`` clamps both
    distributions at ``eps`` first, so a zero probability gives a large, finite value. A KL
    divergence is never negative (Gibbs' inequality): the tiny negative values float rounding
    gives when ``p`` is within ~1e-7 of ``q`` are clipped to 0.
    """
    p, q = torch.as_tensor(p), torch.as_tensor(q)
    if p.shape[-1] != q.shape[-1]:
        raise ValueError(f"kl_divergence needs distributions over the same classes, got {p.shape[-1]} and {q.shape[-1]}")
    try:
        torch.broadcast_shapes(p.shape, q.shape)
    except RuntimeError:
        raise ValueError(f"kl_divergence compares row i with row i: shapes {tuple(p.shape)} and {tuple(q.shape)} "
                         "do not match (nor broadcast)") from None
    if eps > 0:
        p, q = p.clamp_min(eps), q.clamp_min(eps)
    ratio = torch.where(p > 0, p / q, torch.ones_like(p))     # 0 * log(anything) counts as 0
    return (p * ratio.log()).sum(-1).clamp_min(0.0)


def kl_to_uniform(logits: torch.Tensor) -> torch.Tensor:
    """``KL(softmax(logits) || U) = log K - H(p)`` per row (OEU Theorems 4.1-4.2); differentiable."""
    return math.log(logits.shape[-1]) - entropy(logits)


def kl_from_logits(p_teacher: torch.Tensor, logits_student: torch.Tensor) -> torch.Tensor:
    """Mean ``KL(p_teacher || softmax(logits_student))`` over aligned rows (SCRUB's teacher term);
    differentiable in the student."""
    return F.kl_div(F.log_softmax(logits_student, -1), p_teacher, reduction="batchmean")
