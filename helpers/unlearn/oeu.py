"""OEU (Algorithm 1) and its three ablations.

Each step of :func:`.loop.unlearning_loop` takes a forget batch and a retain batch,
computes the forgetting gradient ``g_f`` (EGU, Eq. 7, :mod:`.egu`) and the retain
gradient ``g_r`` separately, and follows ``g^_f + beta * g_r``, ``g^_f`` the gradient
orthogonal projection of ``g_f`` (:mod:`.gop`). The ablations change one piece:
no projection, Similar Labels instead of EGU (:mod:`.qmul`), or the global projection.
"""
from __future__ import annotations

from .base import register
from .egu import egu_loss
from .gop import project_global, project_layerwise
from .loop import SGD_LOOP, unlearning_loop
from .qmul import similar_label_loss

OEU_DEFAULTS = dict(epochs=3, lr=0.01, batch_size=64, alpha=1.0, beta=1.0, one_pass=False, **SGD_LOOP)


def _gop_update(alpha, beta, eps=1e-8):
    """The direction of OEU's update, Eq. (12) of the paper (chapter 3, equation ``ch3-update``).

    ``combine(g_f, g_r)`` returns ``g^_f + beta * g_r`` per layer, ``g^_f`` the layer-wise
    projection of Eqs. (9)-(10) (``ch3-gop-normalise``, ``ch3-gop-layerwise``) with strength
    ``alpha``. Eq. (12) is ``theta_{t+1} = theta_t - eta (g^_f + g_r)``, i.e. ``beta = 1`` and a
    plain gradient step; :func:`.loop.unlearning_loop` takes the step with the run's optimiser
    (for the quantized networks SGD with momentum 0.9 and weight decay 5e-4, after clipping;
    ``tests/test_oeu_step.py`` checks the step against Eq. 12).
    """
    def combine(g_f, g_r):
        return [f + beta * r for f, r in zip(project_layerwise(g_f, g_r, alpha, eps), g_r)]
    return combine


@register("oeu", **OEU_DEFAULTS)
def oeu(model, task, *, seed, alpha, beta, **loop):
    """OEU, Algorithm 1: entropy-guided forgetting (Eq. 7) with layer-wise GOP (Eqs. 9-10), update Eq. (12).

    Book labels: Eq. (7) ``ch2-egu``; Eqs. (9)-(10) ``ch3-gop-normalise`` and
    ``ch3-gop-layerwise``; Eq. (12) ``ch3-update`` (chapter 3). ``alpha`` is the
    orthogonalisation strength (Sec. 4.3, ``ch3-gop-alpha``); ``beta`` weights the
    retain gradient as in Eq. (11) (Eq. 12 is ``beta = 1``). The step is taken
    by SGD with momentum 0.9 and weight decay 5e-4 after clipping the gradient
    norm, where Eq. (12) is a plain gradient step. On a hybrid model (chapter 8) every
    parameter tensor, the quantum weights included, is one "layer" of Eqs. (9)-(10).
    """
    unlearning_loop(model, task, seed=seed, forget_loss=egu_loss, combine=_gop_update(alpha, beta), **loop)


@register("oeu_no_gop", **{k: v for k, v in OEU_DEFAULTS.items() if k != "alpha"})
def oeu_no_gop(model, task, *, seed, beta, **loop):
    """Ablation "w/o GOP": EGU with the plain sum ``g_f + beta * g_r``."""
    unlearning_loop(model, task, seed=seed, forget_loss=egu_loss,
                    combine=lambda g_f, g_r: [f + beta * r for f, r in zip(g_f, g_r)], **loop)


@register("oeu_no_egu", **OEU_DEFAULTS)
def oeu_no_egu(model, task, *, seed, alpha, beta, **loop):
    """Ablation "w/o EGU": layer-wise GOP, but the forgetting loss is cross-entropy to Similar Labels."""
    unlearning_loop(model, task, seed=seed, forget_loss=similar_label_loss(model, task.forget_set),
                    combine=_gop_update(alpha, beta), **loop)


@register("oeu_global_gop", **OEU_DEFAULTS)
def oeu_global_gop(model, task, *, seed, alpha, beta, **loop):
    """Ablation "GOP_global": EGU with Eq. (8) (``ch3-gop-global``) applied to all parameters at once, no layer
    normalisation, in the update of Eq. (12) (``ch3-update``)."""
    def combine(g_f, g_r):
        return [f + beta * r for f, r in zip(project_global(g_f, g_r, alpha), g_r)]
    unlearning_loop(model, task, seed=seed, forget_loss=egu_loss, combine=combine, **loop)
