"""Sanity checks shown in chapter 6: do the engines agree, and do the gradients agree?"""
from __future__ import annotations

import timeit

import pandas as pd
import torch
import torch.nn.functional as F

from .engines import EXACT_ENGINES, expectations
from .gradients import logits, shift_rule_on_loss


def compare_engines(theta, X, engines=EXACT_ENGINES, n_reference: int = 20, repeats: int = 3) -> pd.DataFrame:
    """Each engine on the same inputs: largest |difference| to the gate-by-gate reference on the
    first ``n_reference`` inputs, and circuits per second on all of ``X`` (best of ``repeats``;
    the slow reference is timed on its ``n_reference`` inputs only, once)."""
    rows = []
    ref = expectations(theta, X[:n_reference], engine="reference")
    for engine in engines:
        batch = X[:n_reference] if engine == "reference" else X
        out = expectations(theta, batch, engine=engine)                # also the warm-up (Aer transpiles once)
        best = min(timeit.repeat(lambda: expectations(theta, batch, engine=engine), number=1,
                                 repeat=1 if engine == "reference" else repeats))
        rows.append({"engine": engine, "max |diff| to reference": (out[:n_reference] - ref).abs().max().item(),
                     "inputs timed": len(batch), "circuits per second": len(batch) / best})
    return pd.DataFrame(rows).set_index("engine")


def loss_gradients(theta, X, y, engines=("torch", "aer")) -> dict:
    """The cross-entropy gradient (72,) by autograd, by the parameter-shift rule on each engine,
    and by Eq. (5) applied literally to the loss (which is *not* exact)."""
    def grad(engine, gradient):
        t = torch.as_tensor(theta, dtype=torch.float64).clone().requires_grad_()
        F.cross_entropy(logits(t, X, engine, gradient), y).backward()
        return t.grad
    return {"autograd": grad("torch", "autograd"),
            **{f"parameter shift ({engine})": grad(engine, "parameter-shift") for engine in engines},
            "Eq. 5 on the loss": shift_rule_on_loss(lambda t: F.cross_entropy(expectations(t, X), y), theta)}
