"""Training the variational classifier as the paper does (Sec. 4), and the gold model.

- softmax over the three logits ⟨Z_3⟩, ⟨Z_4⟩, ⟨Z_5⟩, mini-batch cross-entropy;
- mini-batches of 10 drawn uniformly without replacement at every iteration;
- Adam with a cosine learning-rate schedule over 300 iterations;
- small Gaussian initialisation of the 72 weights (:func:`~helpers.quantum.model.init_theta`);
- the weights with the lowest validation loss seen during training are returned.

The gradient is Eq. (5) (``gradient="parameter-shift"``, any engine) or torch's
autograd through the exact simulator (``"autograd"``, the default because it is
cheaper); the two agree to rounding error (``tests/test_quantum_gradients.py``).
:func:`helpers.quantum.batched.train_vqc_batch` trains many classifiers at once with the book's
one training loop (:func:`helpers.train.training_loop`); :func:`train_vqc` runs it for one,
through the chosen engine.

The *gold* model trains the same way on the retained classes only (:func:`retained_split`),
from its own ``"oracle"`` seed stream (:func:`gold_seed`), never from the original's weights
(:func:`helpers.quantum.batched.gold_retrain`).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch

from ..data import check_forget_class
from ..metrics import fraction_correct
from ..seeds import derive_seed
from .engines import expectations
from .gradients import logits


@dataclass
class TrainResult:
    """``theta``: the selected weights (72,); ``history``: row k describes θ_k, the weights after
    k Adam steps (``iteration`` = k, the next step's mini-batch ``train_loss``, ``val_loss``);
    ``best_iteration``: the k of the returned weights."""

    theta: torch.Tensor
    history: pd.DataFrame
    best_iteration: int
    seconds: float


def probabilities(theta, X, engine: str = "torch") -> torch.Tensor:
    """``p_θ(k | x)``: softmax of the three logits, (B, 3). No gradient."""
    with torch.no_grad():
        return torch.softmax(expectations(theta, X, engine=engine), dim=-1)


def accuracy(theta, X, y, engine: str = "torch") -> float:
    """Fraction of ``X`` whose most probable class is ``y``."""
    return fraction_correct(probabilities(theta, X, engine), y)


def train_vqc(X, y, X_val, y_val, *, iterations: int = 300, batch_size: int = 10, lr: float = 0.1,
              init_std: float = 0.1, seed: int = 0, engine: str = "torch", gradient: str = "autograd") -> TrainResult:
    """Train the 72 weights on ``(X, y)``, select on ``(X_val, y_val)`` (paper, Sec. 4).

    ``seed`` fixes the initialisation ``init_theta(seed)`` and the mini-batch draws (generator
    ``seed + 1``). The validation loss runs without gradient."""
    from .batched import train_vqc_batch

    def forward(theta, X):                                # one model: (1, 72), (1, B, 4) -> (1, B, 3)
        return logits(theta[0], X[0], engine, gradient)[None]
    return train_vqc_batch(X, y, X_val, y_val, seeds=[seed], lr=lr, iterations=iterations, batch_size=batch_size,
                           init_std=init_std, forward=forward)[0]


def retained_split(data, forget_class: int) -> tuple:
    """``(X_train, y_train, X_val, y_val)`` without the forgotten class: what a gold model trains on."""
    check_forget_class(forget_class, data.num_classes)
    keep, keep_val = data.y_train != forget_class, data.y_val != forget_class
    return data.X_train[keep], data.y_train[keep], data.X_val[keep_val], data.y_val[keep_val]


def gold_seed(seed: int, replica: int = 0) -> int:
    """The seed a gold model trains with: ``derive_seed(seed, "oracle", replica)`` (its initial
    weights ``init_theta`` of it, its mini-batches from it + 1), never the original's ``seed``."""
    return derive_seed(seed, "oracle", replica)
