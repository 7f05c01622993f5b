"""Forgetting objectives: maximum entropy (OEU Eqs. 5-7) and the label-manipulation targets it replaces."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def entropy(logits: torch.Tensor) -> torch.Tensor:
    """Per-sample entropy of ``softmax(logits)``, Eqs. (5)-(6) of the OEU paper (chapter 2, equation ``ch2-entropy``).

    Shape ``(B,)``, in nats.

    ``H(p) = -sum_k p_k log p_k``; it is 0 for a one-hot prediction and
    ``log K`` for the uniform one. Computed from ``log_softmax`` for stability.
    """
    log_p = F.log_softmax(logits, dim=-1)        # (B, K)
    return -(log_p.exp() * log_p).sum(dim=-1)


def entropy_forget_loss(logits: torch.Tensor) -> torch.Tensor:
    """EGU's forgetting loss, Eq. (7) of the OEU paper (chapter 2, equation ``ch2-egu``).

    ``L_forget = -E_{x in D_f}[H(p_theta(x))]``: the *negative* mean entropy
    over a batch of D_f, the batch mean standing for the expectation. Minimising
    it maximises the entropy, pushing predictions toward uniform (Theorem 4.2).
    Chapter 2 prints this function's source beside the equation.
    """
    return -entropy(logits).mean()


def random_labels(targets: torch.Tensor, num_classes: int, generator: torch.Generator | None = None,
                  exclude_true: bool = True) -> torch.Tensor:
    """Random Labels (Golatkar et al., 2020): a uniformly random label per sample.

    With ``exclude_true`` (the setting of OEU Theorem 4.1, ``y~ != y``) the label
    is drawn uniformly from the ``K - 1`` wrong classes.
    """
    if exclude_true:
        shift = torch.randint(1, num_classes, targets.shape, generator=generator)
        return (targets + shift) % num_classes
    return torch.randint(0, num_classes, targets.shape, generator=generator)


def similar_labels(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Similar Labels (Q-MUL): the most likely *wrong* class under the original model.

    ``logits`` are the original model's outputs on the forget samples, ``(B, K)``.
    """
    masked = logits.clone()
    masked[torch.arange(len(targets)), targets] = float("-inf")
    return masked.argmax(dim=-1)


def kl_to_uniform(probs: torch.Tensor) -> torch.Tensor:
    """``KL(p || U) = log K - H(p)`` per row of ``probs`` (OEU Theorems 4.1-4.2)."""
    K = probs.shape[-1]
    p = probs.clamp_min(1e-12)
    return (probs * (p.log() + torch.log(torch.tensor(float(K))))).sum(-1)
