"""Training hybrid classifiers, the original model and the retrained oracle.

- mini-batch Adam on cross-entropy, a fixed number of epochs;
- the checkpoint with the lowest **validation** loss is returned (the study picked the
  epoch with the best *test* accuracy, which leaks the test set into the model);
- the **oracle** is trained from scratch on the retained training samples only, and
  validated on validation samples of retained classes only (scenario B);
- seeds: the original draws its weights and batch order from the experiment seed, an
  oracle from its own stream ``derive_seed(seed, "oracle", replica)`` (:mod:`helpers.seeds`).

Unlearning runs in :func:`helpers.unlearn.loop.unlearning_loop`, which pairs a forget batch with
a retain batch at every step and cycles the shorter set (re-shuffled at each pass). The study
zipped two loaders, which stops at the shorter one: with a 2 % forget set, one "epoch" then saw
2 % of the retain data.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from ..data import TensorSplits
from ..metrics import fraction_correct
from ..seeds import derive_seed
from .data import Split
from .models import hybrid_model

# Per dataset: architecture and training recipe (chosen once, by hand, on the validation split).
RECIPES = {
    "iris": dict(n_qubits=4, n_layers=2, epochs=30, lr=0.05, batch_size=32),
    "digits": dict(n_qubits=8, n_layers=2, epochs=8, lr=0.01, batch_size=64),
    "mnist": dict(n_qubits=8, n_layers=2, epochs=10, lr=0.01, batch_size=64),
    "fashion-mnist": dict(n_qubits=8, n_layers=2, epochs=10, lr=0.01, batch_size=64),
}


@torch.no_grad()
def predict_proba(model: nn.Module, X: torch.Tensor, batch_size: int = 2048) -> torch.Tensor:
    """Softmax outputs (N, K) in eval mode, rows in the order of ``X``."""
    model.eval()
    return torch.cat([torch.softmax(model(X[i:i + batch_size]), -1) for i in range(0, len(X), batch_size)])


def accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Top-1 accuracy in [0, 1]."""
    return fraction_correct(predict_proba(model, X), y)


def fit(model: nn.Module, X, y, X_val, y_val, *, epochs: int, lr: float, batch_size: int, seed: int) -> nn.Module:
    """Adam on cross-entropy for ``epochs``; returns the model at its lowest validation loss (epoch 0 = start).

    ``seed`` seeds the generator of the batch order (its own ``torch.Generator``, separate
    from the global generator that :func:`.models.hybrid_model` used for the weights)."""
    g = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def val_loss():
        model.eval()
        with torch.no_grad():
            return F.cross_entropy(model(X_val), y_val).item()

    best, best_loss = copy.deepcopy(model), val_loss()
    for _ in range(epochs):
        model.train()
        for idx in torch.randperm(len(X), generator=g).split(batch_size):
            loss = F.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if (current := val_loss()) < best_loss:
            best, best_loss = copy.deepcopy(model), current
    return best.eval()


def _train(data: TensorSplits, stream: int, train_rows, val_rows, overrides) -> nn.Module:
    """A fresh hybrid classifier of ``data``'s recipe, its weights and batch order from ``stream``, fitted."""
    recipe = {**RECIPES[data.name], **overrides}
    model = hybrid_model(data.num_classes, in_shape=data.in_shape, n_qubits=recipe["n_qubits"],
                         n_layers=recipe["n_layers"], seed=stream)
    return fit(model, data.X_train[train_rows], data.y_train[train_rows], data.X_val[val_rows], data.y_val[val_rows],
               epochs=recipe["epochs"], lr=recipe["lr"], batch_size=recipe["batch_size"], seed=stream)


def train_original(data: TensorSplits, seed: int = 0, **overrides) -> nn.Module:
    """The model to unlearn from: a fresh hybrid classifier trained on the whole training split.

    ``seed`` is the experiment seed; the original's stream is ``derive_seed(seed, "original")
    == seed`` (:mod:`helpers.seeds`): it draws the initial weights and the batch order."""
    return _train(data, derive_seed(seed, "original"), slice(None), slice(None), overrides)


def train_oracle(data: TensorSplits, split: Split, seed: int = 0, replica: int = 0, **overrides) -> nn.Module:
    """The retrained oracle: same recipe, from scratch, on ``D_r`` only (it never sees ``D_f``).

    In scenario B the validation samples of the forgotten class are left out as well. The
    oracle's initial weights and batch order come from the ``"oracle"`` stream
    ``derive_seed(seed, "oracle", replica)`` (:mod:`helpers.seeds`), never from the original's.
    ``replica`` numbers independent oracles: replica 1 is the chapter's noise floor, how far
    one oracle is from another."""
    keep_val = slice(None) if split.forget_class is None else data.y_val != split.forget_class
    return _train(data, derive_seed(seed, "oracle", replica), split.retain_idx, keep_val, overrides)
