"""Training the variational classifier as the paper does (Sec. 4).

- softmax over the three logits ⟨Z_3⟩, ⟨Z_4⟩, ⟨Z_5⟩, mini-batch cross-entropy;
- mini-batches of 10 drawn uniformly without replacement at every iteration;
- Adam with a cosine learning-rate schedule over 300 iterations;
- small Gaussian initialisation of the 72 weights;
- the weights with the lowest validation loss seen during training are returned.

The gradient is Eq. (5) (``gradient="parameter-shift"``, any engine) or torch's
autograd through the exact simulator (``"autograd"``, the default because it is
cheaper); the two agree to rounding error (``tests/test_quantum_gradients.py``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import torch
import torch.nn.functional as F

from ..progress import progress_bar
from .circuit import N_PARAMS
from .engines import expectations
from .gradients import logits


@dataclass
class TrainResult:
    """``theta``: the selected weights (72,); ``history``: row k describes θ_k, the weights after
    k Adam steps (``iteration`` = k, ``lr`` of the next step, mini-batch ``train_loss``,
    ``val_loss``); ``best_iteration``: the k of the returned weights."""

    theta: torch.Tensor
    history: pd.DataFrame
    best_iteration: int
    seconds: float


def probabilities(theta, X, engine: str = "torch") -> torch.Tensor:
    """``p_θ(k | x)``: softmax of the three logits, (B, 3). No gradient."""
    with torch.no_grad():
        return torch.softmax(expectations(theta, X, engine=engine), dim=-1)


def cross_entropy(theta, X, y, engine="torch", gradient="autograd") -> torch.Tensor:
    """Mean cross-entropy of the softmax over ⟨Z_3⟩, ⟨Z_4⟩, ⟨Z_5⟩ (the loss L(w) of Sec. 4)."""
    return F.cross_entropy(logits(theta, X, engine, gradient), y)


def init_theta(seed: int, std: float = 0.1) -> torch.Tensor:
    """Small Gaussian initialisation: θ ~ N(0, std²), 72 weights."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(N_PARAMS, generator=g, dtype=torch.float64) * std


def train_vqc(X, y, X_val, y_val, *, iterations: int = 300, batch_size: int = 10, lr: float = 0.1,
              init_std: float = 0.1, seed: int = 0, engine: str = "torch", gradient: str = "autograd",
              theta0=None, progress: bool = False, desc: str = "training") -> TrainResult:
    """Train the 72 weights on ``(X, y)``, select on ``(X_val, y_val)`` (paper, Sec. 4).

    ``seed`` fixes the initialisation and the mini-batch draws. ``theta0`` starts from
    given weights instead of the Gaussian initialisation.
    """
    X, y = torch.as_tensor(X, dtype=torch.float64), torch.as_tensor(y, dtype=torch.int64)
    if len(X) < batch_size:
        raise ValueError(f"need at least batch_size={batch_size} training samples, got {len(X)}")
    start = time.perf_counter()
    theta = (init_theta(seed, init_std) if theta0 is None else torch.as_tensor(theta0, dtype=torch.float64).clone())
    theta.requires_grad_(True)
    optimizer = torch.optim.Adam([theta], lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=iterations)
    g = torch.Generator().manual_seed(seed + 1)
    best = (float("inf"), theta.detach().clone(), 0)
    rows = []
    X_val, y_val = torch.as_tensor(X_val, dtype=torch.float64), torch.as_tensor(y_val, dtype=torch.int64)
    for it in progress_bar(range(1, iterations + 1), desc=desc, enabled=progress):
        batch = torch.randperm(len(X), generator=g)[:batch_size]      # uniform, without replacement
        if gradient == "autograd":      # one pass of the simulator serves the batch and the validation set
            out = logits(theta, torch.cat([X[batch], X_val]), engine, gradient)
            loss = F.cross_entropy(out[:batch_size], y[batch])
            val = F.cross_entropy(out[batch_size:].detach(), y_val).item()
        else:
            loss = cross_entropy(theta, X[batch], y[batch], engine, gradient)
            with torch.no_grad():
                val = F.cross_entropy(expectations(theta, X_val, engine=engine), y_val).item()
        if val < best[0]:                                             # validation loss of the current θ
            best = (val, theta.detach().clone(), it - 1)
        optimizer.zero_grad()
        loss.backward()
        lr_now = schedule.get_last_lr()[0]
        optimizer.step()
        schedule.step()
        rows.append(dict(iteration=it - 1, lr=lr_now, train_loss=loss.item(), val_loss=val))   # all of θ_{it-1}
    return TrainResult(best[1], pd.DataFrame(rows), best[2], time.perf_counter() - start)


def accuracy(theta, X, y, engine: str = "torch") -> float:
    """Fraction of ``X`` whose most probable class is ``y``."""
    return (probabilities(theta, X, engine).argmax(-1) == torch.as_tensor(y)).double().mean().item()
