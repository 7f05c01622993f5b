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


def oeu_loop(model, task, *, seed, forget_loss, project, alpha=1.0, beta, watch=None, **loop):
    """OEU's update, Eq. (12) of the paper (chapter 3, equation ``ch3-update``), in the one loop.

    Every step follows ``g^_f + beta * g_r``: ``g_f`` the gradient of ``forget_loss``, ``g^_f`` its
    projection ``project(g_f, g_r, alpha)`` (the layer-wise one of Eqs. 9-10, ``ch3-gop-normalise`` and
    ``ch3-gop-layerwise``, for OEU; ``None``: no projection). Eq. (12) is ``theta_{t+1} = theta_t -
    eta (g^_f + g_r)``, i.e. ``beta = 1`` and a plain gradient step; the loop takes the step with the
    run's optimiser (for the quantized networks SGD with momentum 0.9 and weight decay 5e-4, after
    clipping; ``tests/test_oeu_step.py`` checks the step against Eq. 12). ``watch(g_f, g_r, g^_f)``,
    if given, sees every step's gradients (chapter 3's :func:`~helpers.chapters.gradient_conflict.monitored_oeu`).
    """
    def combine(g_f, g_r):
        g_hat = list(g_f) if project is None else project(g_f, g_r, alpha)
        if watch is not None:
            watch(g_f, g_r, g_hat)
        return [f + beta * r for f, r in zip(g_hat, g_r)]
    unlearning_loop(model, task, seed=seed, forget_loss=forget_loss, combine=combine, **loop)


@register("oeu", **OEU_DEFAULTS)
def oeu(model, task, *, seed, **hp):
    """OEU, Algorithm 1: entropy-guided forgetting (Eq. 7) with layer-wise GOP (Eqs. 9-10), update Eq. (12).

    Book labels: Eq. (7) ``ch2-egu``; Eqs. (9)-(10) ``ch3-gop-normalise`` and
    ``ch3-gop-layerwise``; Eq. (12) ``ch3-update`` (chapter 3). ``alpha`` is the
    orthogonalisation strength (Sec. 4.3, ``ch3-gop-alpha``); ``beta`` weights the
    retain gradient as in Eq. (11) (Eq. 12 is ``beta = 1``). The step is taken by the
    loop's optimiser, where Eq. (12) is a plain gradient step: for the quantized networks
    SGD with momentum 0.9 and weight decay 5e-4 after clipping the gradient norm; for the
    hybrids (``HYBRID_RECIPES``) Adam without clipping. On a hybrid model (chapter 8) every
    parameter tensor, the quantum weights included, is one "layer" of Eqs. (9)-(10).
    """
    oeu_loop(model, task, seed=seed, forget_loss=egu_loss, project=project_layerwise, **hp)


@register("oeu_no_gop", **{k: v for k, v in OEU_DEFAULTS.items() if k != "alpha"})
def oeu_no_gop(model, task, *, seed, **hp):
    """Ablation "w/o GOP": EGU with the plain sum ``g_f + beta * g_r``."""
    oeu_loop(model, task, seed=seed, forget_loss=egu_loss, project=None, **hp)


@register("oeu_no_egu", **OEU_DEFAULTS)
def oeu_no_egu(model, task, *, seed, **hp):
    """Ablation "w/o EGU": layer-wise GOP, but the forgetting loss is cross-entropy to Similar Labels."""
    oeu_loop(model, task, seed=seed, forget_loss=similar_label_loss(model, task.forget_set),
             project=project_layerwise, **hp)


@register("oeu_global_gop", **OEU_DEFAULTS)
def oeu_global_gop(model, task, *, seed, **hp):
    """Ablation "GOP_global": EGU with Eq. (8) (``ch3-gop-global``) applied to all parameters at once, no layer
    normalisation, in the update of Eq. (12) (``ch3-update``)."""
    oeu_loop(model, task, seed=seed, forget_loss=egu_loss, project=project_global, **hp)
