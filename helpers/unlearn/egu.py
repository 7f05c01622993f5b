"""EGU, entropy-guided unlearning: the forgetting loss of OEU, Eq. (7) (chapter 2)."""
from __future__ import annotations

import torch

from ..metrics.divergence import entropy


def egu_loss(logits: torch.Tensor, idx=None) -> torch.Tensor:
    """EGU's forgetting loss, Eq. (7) of the OEU paper (chapter 2, equation ``ch2-egu``).

    ``L_forget = -E_{x in D_f}[H(p_theta(x))]``: the *negative* mean entropy (Eqs. 5-6,
    :func:`helpers.metrics.divergence.entropy`) over a batch of D_f, the batch mean standing
    for the expectation. Minimising it maximises the entropy, pushing predictions toward
    uniform (Theorem 4.2). ``idx`` (the batch's indices into D_f) is unused: EGU needs no
    per-sample targets. Chapter 2 prints this function's source beside the equation.
    """
    return -entropy(logits).mean()
