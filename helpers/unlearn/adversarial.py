"""ADV-uniform: adversarial inputs around the forget set, pushed to a uniform output (the hybrid study's suite)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..metrics.divergence import kl_to_uniform
from .base import register
from .loop import ADAM_LOOP, unlearning_loop


def fgsm(model, x: torch.Tensor, eps: float, lo: float, hi: float) -> torch.Tensor:
    """One FGSM step that *increases* the mean ``KL(p || U)``, clamped to ``[lo, hi]``: the hardest nearby inputs."""
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(kl_to_uniform(model(x)).mean(), x)
    return (x + eps * grad.sign()).clamp(lo, hi).detach()


@register("adv_uniform", steps=40, lr=1e-2, batch_size=32, eps=0.1, lam=1.0, one_pass=True, **ADAM_LOOP)
def adv_uniform(model, task, *, seed, eps, lam, **loop):
    """ADV-uniform: ``CE(D_r) + lam KL(p(x_adv) || U)`` with ``x_adv`` = FGSM around the forget batch,
    within the task's ``input_range``."""
    if task.input_range is None:
        raise ValueError("adv_uniform needs the task's input_range (lo, hi) to keep adversarial inputs valid")
    lo, hi = task.input_range
    unlearning_loop(model, task, seed=seed, **loop,
                    loss=lambda m, f, r: F.cross_entropy(r.logits, r.y)
                    + lam * kl_to_uniform(m(fgsm(m, f.x, eps, lo, hi))).mean())
