"""Distribution-guided unlearning on the hybrid models (chapter 7's target, registered in :data:`helpers.unlearn.METHODS`).

=============  =======================================================================
``dg``         the distribution-guided target of chapter 7 (Malik et al., Eq. 6) with the
               anchored, weight-penalised objective (their Eq. 7)
=============  =======================================================================

Every other method of chapter 8's suite lives in :mod:`helpers.unlearn`.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from ..metrics.divergence import kl_from_logits
from ..unlearn.dg import forget_target
from ..train import predict
from ..unlearn.base import register
from ..unlearn.loop import ADAM_LOOP, unlearning_loop


def guided_targets(p_forget: torch.Tensor, y_forget: torch.Tensor, beta: float, seed: int) -> torch.Tensor:
    """Per-sample Eq. 6 targets (Malik et al.; chapter 7): for each class c in ``D_f``, ``q^c`` from
    :func:`helpers.quantum.unlearning.forget_target` on a random half of the forget samples of class c.

    Scenario B has one class (exactly chapter 7's target); scenario A one target per class present."""
    g = torch.Generator().manual_seed(seed)
    Q = torch.zeros_like(p_forget, dtype=torch.float64)
    for c in torch.unique(y_forget).tolist():
        members = torch.nonzero(y_forget == c).flatten()
        calibration = members[torch.randperm(len(members), generator=g)[:max(1, len(members) // 2)]]
        Q[members] = forget_target(p_forget[calibration], int(c), beta)
    return Q.to(p_forget.dtype)


@register("dg", steps=40, lr=1e-2, batch_size=32, beta=2.0, alpha=1.0, lam=0.01, one_pass=True, **ADAM_LOOP)
def dg(model, task, *, seed, beta, alpha, lam, **loop):
    """Distribution-guided unlearning (chapter 7) on the hybrid model: minimise ``-J`` with

    ``J = E_F[Σ_k q_k log p_w(k|x)] + α E_A[Σ_k p_orig(k|x) log p_w(k|x)] - λ ||w - w_orig||²`` (Eq. 7),
    ``q`` from Eq. 6 (:func:`guided_targets`), anchors ``A`` = retain batches."""
    original = copy.deepcopy(model).eval()
    Q = guided_targets(torch.softmax(predict(model, task.forget_set), -1), task.forget_set.targets, beta, seed)
    start = [p.detach().clone() for p in model.parameters()]

    def loss(m, f, r):
        with torch.no_grad():
            p_ref = torch.softmax(original(r.x), -1)
        forget_term = (Q[f.idx] * F.log_softmax(f.logits, -1)).sum(-1).mean()
        anchor_term = -kl_from_logits(p_ref, r.logits)        # = E_A Σ p_ref log p_w + const (Theorem 1)
        penalty = sum(((p - p0) ** 2).sum() for p, p0 in zip(m.parameters(), start))
        return -(forget_term + alpha * anchor_term - lam * penalty)
    unlearning_loop(model, task, seed=seed, loss=loss, **loop)
