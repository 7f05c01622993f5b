"""SCRUB (Kurmanji et al., 2023): a student kept close to its teacher on D_r and pushed away from it on D_f."""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from ..metrics.divergence import kl_from_logits
from .base import register
from .loop import ADAM_LOOP, unlearning_loop


@register("scrub", steps=40, lr=1e-3, batch_size=32, lam_retain=1.0, lam_forget=1.0, gamma=1.0, one_pass=True,
          **ADAM_LOOP)
def scrub(model, task, *, seed, lam_retain, lam_forget, gamma, **loop):
    """SCRUB in the hybrid study's one-loss form, plus SCRUB's retain cross-entropy:

    ``lam_r KL(p_t || p_s)|_{D_r} + gamma CE(D_r) - lam_f KL(p_t || p_s)|_{D_f}``, teacher = the original model.
    Both KL terms (:func:`helpers.metrics.divergence.kl_from_logits`) compare the teacher and the
    student *on the same rows*."""
    teacher = copy.deepcopy(model).eval()

    def loss(m, f, r):
        with torch.no_grad():
            t_r, t_f = torch.softmax(teacher(r.x), -1), torch.softmax(teacher(f.x), -1)
        return (lam_retain * kl_from_logits(t_r, r.logits) + gamma * F.cross_entropy(r.logits, r.y)
                - lam_forget * kl_from_logits(t_f, f.logits))
    unlearning_loop(model, task, seed=seed, loss=loss, **loop)
