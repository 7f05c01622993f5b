"""Measuring gradient conflict on a real network (OEU Sec. 4.3, Eqs. 7-12, Theorems 4.3-4.4).

The equations carry chapter 3's labels: Eq. (8) ``ch3-gop-global``, Eq. (9)
``ch3-gop-normalise``, Eq. (10) ``ch3-gop-layerwise``, Eq. (12) ``ch3-update``.

``helpers.unlearn.gop`` holds the projections themselves. This module holds the
instruments chapter 3 points at a trained quantized network:

- :func:`loss_gradients`: the forgetting gradient ``g_f`` (of the entropy loss,
  Eq. 7, over D_f) and the retain gradient ``g_r`` (cross-entropy over D_r),
  one tensor per parameter ("layer" ``l`` of Eqs. 9-10);
- :func:`projection_checks`: Theorems 4.3 and 4.4, layer by layer;
- :func:`step_response`: the loss changes after one step ``theta - eta * d``,
  measured and predicted to first order;
- :func:`monitored_oeu`: an OEU run (Algorithm 1, :func:`helpers.unlearn.oeu.oeu_loop`)
  that records per-layer cosines at every step.

Gradients are lists of tensors in the order of :func:`helpers.unlearn.loop.trainable`.
"""
from __future__ import annotations

import copy

import pandas as pd
import torch
import torch.nn.functional as F

from ..metrics.divergence import entropy
from ..train import batches
from ..unlearn import DEFAULTS, Task
from ..unlearn.base import run_method
from ..unlearn.egu import egu_loss
from ..unlearn.gop import layer_cosines, project_global, project_layerwise
from ..unlearn.loop import summed_gradients, trainable
from ..unlearn.oeu import oeu_loop

PROJECTIONS = {"layer-wise": project_layerwise, "global": project_global, "none": None}


def parameter_names(model) -> list[str]:
    """Names of the trainable parameters, in the order of ``trainable(model)``."""
    return [name for name, p in model.named_parameters() if p.requires_grad]


def parameter_kind(name: str, shape) -> str:
    """``"weight"`` (conv / linear kernel), ``"quantizer"`` (LSQ+ step or offset) or ``"BN / bias"``."""
    if "quantizer" in name:
        return "quantizer"
    return "weight" if len(shape) > 1 else "BN / bias"


def inner(a, b) -> float:
    """``<a, b>`` over all layers: the inner product of the two flattened gradients."""
    return float(sum((x * y).sum() for x, y in zip(a, b, strict=True)))


def norm(a) -> float:
    return inner(a, a) ** 0.5


def loss_gradients(model, forget_set, retain_set, batch_size: int = 512):
    """``(g_f, g_r)`` of the whole sets, with the model in eval mode (a fixed function of theta).

    ``g_f = grad L_forget`` (Eq. 7, minus the mean entropy over D_f) and
    ``g_r = grad L_retain`` (mean cross-entropy over D_r). Batches are
    accumulated with weight ``len(batch) / len(set)``, so the result is the
    gradient of the mean over the whole set.
    """
    model.eval()
    params = trainable(model)

    def mean_gradient(dataset, loss):
        return summed_gradients(model, dataset, lambda z, y: loss(z, y) * len(y) / len(dataset), params, batch_size)
    return mean_gradient(forget_set, lambda z, y: egu_loss(z)), mean_gradient(retain_set, F.cross_entropy)


@torch.no_grad()
def forget_retain_losses(model, forget_set, retain_set, batch_size: int = 512) -> dict[str, float]:
    """``L_forget`` (Eq. 7), the mean forget entropy (Eq. 6, nats) and ``L_retain`` (cross-entropy), eval mode."""
    model.eval()
    ent = torch.cat([entropy(model(forget_set[idx][0])) for idx in batches(len(forget_set), batch_size, False)])
    ce = sum(F.cross_entropy(model(x), y, reduction="sum").item()
             for x, y in (retain_set[idx] for idx in batches(len(retain_set), batch_size, False)))
    return {"L_forget": -ent.mean().item(), "forget entropy": ent.mean().item(), "L_retain": ce / len(retain_set)}


def projected_directions(g_f, g_r, alpha: float = 1.0) -> dict[str, list[torch.Tensor]]:
    """The candidate update directions of chapter 3: raw ``g_f``, layer-wise GOP (Eqs. 9-10, ``ch3-gop-normalise``
    and ``ch3-gop-layerwise``), global GOP (Eq. 8, ``ch3-gop-global``), each with strength ``alpha``."""
    return {"g_f (no projection)": list(g_f), "layer-wise GOP": project_layerwise(g_f, g_r, alpha),
            "global GOP": project_global(g_f, g_r, alpha)}


def projection_checks(names, g_f, g_r) -> pd.DataFrame:
    """Theorems 4.3-4.4 layer by layer, for the layer-wise projection ``g^_f`` of Eqs. (9)-(10).

    Columns: ``cos(g_f, g_r)``; ``cos(g^_f, g_r)`` (Thm 4.3: 0, per layer);
    ``cos(global, g_r)`` (the global projection of Eq. 8 is orthogonal to
    ``g_r`` only as a whole, not layer by layer); ``<g_f, g^_f>`` and
    ``||g_f||^2 sin^2(phi)`` (Thm 4.4: equal, and positive unless the two
    gradients are collinear, as every one-element "layer" is).
    """
    g_hat, g_glob = project_layerwise(g_f, g_r), project_global(g_f, g_r)
    cos, cos_hat, cos_glob = (layer_cosines(g, g_r) for g in (g_f, g_hat, g_glob))
    rows = []
    for i, (name, f) in enumerate(zip(names, g_f)):
        rows.append({"parameter": name, "kind": parameter_kind(name, f.shape), "size": f.numel(),
                     "cos(g_f, g_r)": cos[i].item(), "cos(g^_f, g_r)": cos_hat[i].item(),
                     "cos(global, g_r)": cos_glob[i].item(), "<g_f, g^_f>": (f * g_hat[i]).sum().item(),
                     "|g_f|^2 sin^2": (f.pow(2).sum() * (1 - cos[i] ** 2)).item()})
    return pd.DataFrame(rows).set_index("parameter")


@torch.no_grad()
def step_response(model, forget_set, retain_set, g_f, g_r, directions: dict, etas) -> pd.DataFrame:
    """Loss changes after one step ``theta' = theta - eta * d`` for each direction ``d`` and step ``eta``.

    Measured: ``dL = L(theta') - L(theta)`` (eval mode). Predicted to first order
    (chapter 3, equation ``ch3-taylor``; the Taylor step of Thms 4.3-4.4): ``dL_r ~ -eta <g_r, d>`` and
    ``dL_f ~ -eta <g_f, d>``. The model itself is not modified.
    """
    base = forget_retain_losses(model, forget_set, retain_set)
    rows = []
    for label, d in directions.items():
        slope_f, slope_r = inner(g_f, d), inner(g_r, d)
        for eta in etas:
            stepped = copy.deepcopy(model)
            for p, g in zip(trainable(stepped), d, strict=True):
                p -= eta * g
            after = forget_retain_losses(stepped, forget_set, retain_set)
            rows.append({"direction": label, "eta": eta,
                         "dL_retain": after["L_retain"] - base["L_retain"], "first-order dL_retain": -eta * slope_r,
                         "dL_forget": after["L_forget"] - base["L_forget"], "first-order dL_forget": -eta * slope_f})
    return pd.DataFrame(rows)


def monitored_oeu(model, forget_set, retain_set, *, projection: str = "layer-wise", seed: int = 0, **hp):
    """Run OEU (Algorithm 1, update Eq. 12, chapter 3's ``ch3-update``) and record the gradient geometry of every step.

    ``projection`` is ``"layer-wise"`` (Eqs. 9-10: this is exactly
    ``unlearn("oeu", ...)``), ``"global"`` (Eq. 8 over all parameters: the
    ``oeu_global_gop`` ablation) or ``"none"`` (``oeu_no_gop``): the loop of
    :func:`helpers.unlearn.oeu.oeu_loop`, watched. ``hp``: OEU's hyper-parameters, as
    ``DEFAULTS["oeu"]`` lists them (its loop settings by default). Returns ``(new_model, history)``,
    ``history`` with one row per (step, parameter): ``cos before`` = cos(g_f, g_r) of that
    layer's mini-batch gradients, ``cos after`` = cos(projected g_f, g_r). The input model is not modified.
    """
    if projection not in PROJECTIONS:
        raise ValueError(f"projection must be one of {PROJECTIONS}, got {projection!r}")
    names = parameter_names(model)
    records = []

    def watch(g_f, g_r, g_hat):
        step = len(records) // len(names)
        records.extend({"step": step, "parameter": n, "kind": parameter_kind(n, f.shape), "cos before": b.item(),
                        "cos after": a.item()}
                       for n, f, b, a in zip(names, g_f, layer_cosines(g_f, g_r), layer_cosines(g_hat, g_r)))
    new = run_method(oeu_loop, model, Task(forget_set, retain_set), seed=seed, forget_loss=egu_loss,
                     project=PROJECTIONS[projection], watch=watch, **{**DEFAULTS["oeu"], **hp})
    return new, pd.DataFrame(records)
