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

import torch
import torch.nn.functional as F
from torch import nn

from ..data import TensorSplits
from ..metrics import fraction_correct
from ..seeds import derive_seed
from ..train import BestValidation, training_loop
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


def _train(data: TensorSplits, stream: int, train_rows, val_rows, overrides) -> nn.Module:
    """A fresh hybrid classifier of ``data``'s recipe, trained by :func:`helpers.train.training_loop`.

    ``stream`` seeds the initial weights (:func:`.models.hybrid_model`) and the generator of the
    batch order; Adam on cross-entropy for the recipe's epochs; the returned model has the weights
    with the lowest validation loss (the start and the end of every epoch are validated)."""
    recipe = {**RECIPES[data.name], **overrides}
    model = hybrid_model(data.num_classes, in_shape=data.in_shape, n_qubits=recipe["n_qubits"],
                         n_layers=recipe["n_layers"], seed=stream)
    X, y = data.X_train[train_rows], data.y_train[train_rows]
    X_val, y_val = data.X_val[val_rows], data.y_val[val_rows]
    order = torch.Generator().manual_seed(stream)

    def batch_loss(idx):
        model.train()
        return F.cross_entropy(model(X[idx]), y[idx])

    def validation_loss():
        model.eval()
        return F.cross_entropy(model(X_val), y_val)

    best = BestValidation(model.parameters(), validation_loss)
    training_loop(list(model.parameters()), batch_loss, recipe["epochs"],
                  lambda: torch.randperm(len(X), generator=order).split(recipe["batch_size"]),
                  torch.optim.Adam(model.parameters(), lr=recipe["lr"]), checkpoint=best)
    best.check()                                                          # the final weights too
    best.restore()
    return model.eval()


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
