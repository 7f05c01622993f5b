"""Gradient Orthogonal Projection (OEU Sec. 4.3, Eqs. 8-10; chapter 3 of the book).

The equations are labelled in chapter 3: Eq. (8) is ``ch3-gop-global``, its
strength-``alpha`` form (Sec. 4.3, unnumbered) ``ch3-gop-alpha``, Eq. (9)
``ch3-gop-normalise`` and Eq. (10) ``ch3-gop-layerwise``; the update that uses
them, Eq. (12), is ``ch3-update`` (:mod:`helpers.unlearn.oeu`).

The forgetting gradient ``g_f`` and the retain gradient ``g_r`` may point in
conflicting directions (``<g_f, g_r> < 0``): a step along ``g_f`` then raises the
retain loss. GOP removes from ``g_f`` its component along ``g_r``.

Gradients are lists of tensors, one per parameter tensor of the model; each
parameter tensor is one "layer" ``l`` of Eqs. (9)-(10).
"""
from __future__ import annotations

import torch


def project(g_f: torch.Tensor, g_r: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """Global projection, Eq. (8) of the OEU paper (chapter 3, equation ``ch3-gop-global``), with the
    strength ``alpha`` in [0, 1] of Sec. 4.3 (equation ``ch3-gop-alpha``):

        g_f^(alpha) = g_f - alpha * <g_f, g_r> / ||g_r||^2 * g_r

    ``alpha = 1`` makes the result orthogonal to ``g_r``; ``alpha = 0`` returns ``g_f``.
    A zero ``g_r`` leaves ``g_f`` unchanged.
    """
    _check_alpha(alpha)
    norm2 = g_r.pow(2).sum()
    if norm2 == 0:
        return g_f.clone()
    return g_f - alpha * (g_f * g_r).sum() / norm2 * g_r


def project_layerwise(grads_f, grads_r, alpha: float = 1.0, eps: float = 1e-8) -> list[torch.Tensor]:
    """Layer-wise normalised projection, Eqs. (9)-(10) of the OEU paper (chapter 3, equations
    ``ch3-gop-normalise`` and ``ch3-gop-layerwise``), for each layer ``l``:

        g~_f = g_f / (||g_f|| + eps),   g~_r = g_r / (||g_r|| + eps)               (9)
        g_f^perp = g~_f - alpha <g~_f, g~_r> g~_r,   g^_f = g_f^perp * ||g_f||      (10)

    (Eq. 10 with the strength ``alpha`` of ``ch3-gop-alpha`` carried over; the paper's Eq. 10 is ``alpha = 1``.)

    Returns the list of projected forgetting gradients ``g^_f``, which OEU's
    update Eq. (12) (``ch3-update``) adds to ``g_r``. Up to ``eps`` this is
    :func:`project` applied to each layer on its own.
    """
    _check_alpha(alpha)
    out = []
    for g_f, g_r in zip(grads_f, grads_r, strict=True):
        norm_f = g_f.norm()
        unit_f = g_f / (norm_f + eps)
        unit_r = g_r / (g_r.norm() + eps)
        perp = unit_f - alpha * (unit_f * unit_r).sum() * unit_r
        out.append(perp * norm_f)
    return out


def project_global(grads_f, grads_r, alpha: float = 1.0) -> list[torch.Tensor]:
    """Eq. (8) (``ch3-gop-global``) applied once to all parameters flattened together (the ``GOP_global`` ablation).

    The result is orthogonal to ``g_r`` as a whole, not layer by layer (chapter 3, Sec. 3.1).
    """
    flat_f = torch.cat([g.flatten() for g in grads_f])
    flat_r = torch.cat([g.flatten() for g in grads_r])
    flat = project(flat_f, flat_r, alpha)
    sizes = [g.numel() for g in grads_f]
    return [piece.view_as(g) for piece, g in zip(flat.split(sizes), grads_f)]


def layer_cosines(grads_f, grads_r) -> torch.Tensor:
    """Cosine similarity ``<g_f, g_r> / (||g_f|| ||g_r||)`` of each layer (NaN where a norm is 0)."""
    cos = torch.stack([(f * r).sum() / (f.norm() * r.norm()) for f, r in zip(grads_f, grads_r, strict=True)])
    return torch.where(torch.isfinite(cos), cos, torch.nan)


def _check_alpha(alpha: float) -> None:
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha!r}")
