"""Seeded training and evaluation (OEU Sec. 5.1: SGD, momentum 0.9, cosine-annealed learning rate).

:func:`training_loop` is the book's one training loop: the quantized networks' :func:`train`
(SGD, cosine schedule), the VQC's :func:`~helpers.quantum.training.train_vqc` (Adam, cosine
schedule, best-validation checkpoint :class:`BestValidation`) and the hybrids'
:func:`~helpers.hybrid.training.train_original` (Adam, fixed learning rate, the same checkpoint)
all run it, each with its own loss, batches and optimiser (so does the VQC's batched unlearning,
:func:`~helpers.quantum.batched.unlearn_vqc_batch`).

``train`` is deterministic on the CPU: the same seed gives bit-identical
weights, because the seed fixes the initial shuffles, the augmentation draws
and nothing else is random.

Datasets live on the CPU; a model may live on any device (the paper profile's
GPU). Every batch goes to the model's device, :func:`device_of`, right before
the model reads it (:func:`to_device`), and every tensor a method builds next to
the weights is built there: one rule for training, unlearning and evaluation.
"""
from __future__ import annotations

import itertools
import math
import random

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .progress import progress_bar

CLIP_GRAD_NORM = 5.0      # gradient-norm clip of training and of every unlearning loop


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU) so that a run can be repeated exactly."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def device_of(model: nn.Module) -> torch.device:
    """The device of ``model``'s weights (the CPU for a model without parameters or buffers)."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        return tensor.device
    return torch.device("cpu")


def to_device(model: nn.Module, *tensors: torch.Tensor):
    """``tensors`` moved to ``model``'s device (:func:`device_of`); on the CPU they are returned as they are."""
    device = device_of(model)
    return tuple(t.to(device) for t in tensors)


def check_compatible(model: nn.Module, dataset) -> None:
    """Raise a clear error if the model cannot read the dataset's images or labels."""
    expected = getattr(model, "in_channels", None)
    if expected is not None and expected != dataset.in_channels:
        raise ValueError(
            f"channel mismatch: the model expects {expected}-channel images but dataset "
            f"{getattr(dataset, 'name', '')!r} has {dataset.in_channels} channel(s); build the model "
            f"with in_channels={dataset.in_channels}")
    classes = getattr(model, "num_classes", None)
    if classes is not None and classes < dataset.num_classes:
        raise ValueError(f"the model has {classes} outputs but the dataset has {dataset.num_classes} classes")


def batches(n: int, batch_size: int, shuffle: bool, generator: torch.Generator | None = None):
    """Index tensors covering ``range(n)`` in batches (shuffled with ``generator`` if asked)."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return order.split(batch_size)


def train(model: nn.Module, dataset, epochs: int, lr: float = 0.1, *, batch_size: int = 128,
          momentum: float = 0.9, weight_decay: float = 5e-4, clip_grad_norm: float | None = CLIP_GRAD_NORM,
          seed: int = 0, device: str | torch.device | None = None, progress: bool = True, desc: str = "train",
          mixed_precision: bool = False, compile: bool = False) -> list[float]:
    """Train ``model`` in place with SGD and a cosine schedule; return the mean loss of each epoch.

    The learning rate follows ``lr * (1 + cos(pi * step / total_steps)) / 2``
    (cosine annealing to 0, updated every step). Quantizer parameters (LSQ
    steps, PACT clipping levels...), BatchNorm parameters and biases are
    trained without weight decay; weights get ``weight_decay``.

    The gradient norm is clipped at ``clip_grad_norm``, a safety net for
    low-bit networks: when every weight of a filter rounds to zero, its output
    is constant and the BatchNorm after it divides the gradient by
    ``sqrt(eps)``, so a single step can be huge. ``None`` switches clipping off.

    ``device`` (None: where the model already is, :func:`device_of`) is where the
    model trains; batches are moved there. ``mixed_precision`` runs the forward pass
    under ``torch.autocast`` (bfloat16) and ``compile`` trains a ``torch.compile``-d
    forward: options of the paper profile for a GPU, off by default, and untested
    here (the book is built on CPUs; the default profile never uses them).
    """
    check_compatible(model, dataset)
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    seed_everything(seed)
    if device is not None:
        model.to(device)
    device = device_of(model)
    forward = torch.compile(model) if compile else model
    generator = torch.Generator().manual_seed(seed)
    decay, no_decay = _parameter_groups(model)
    optimizer = torch.optim.SGD([{"params": decay, "weight_decay": weight_decay},
                                 {"params": no_decay, "weight_decay": 0.0}], lr=lr, momentum=momentum)
    batch_sizes = [len(idx) for idx in batches(len(dataset), batch_size, shuffle=False)]
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(batch_sizes))

    def batch_loss(idx):
        x, y = to_device(model, *dataset[idx])
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=mixed_precision):
            return F.cross_entropy(forward(x), y)

    model.train()
    losses = training_loop(list(model.parameters()), batch_loss, epochs,
                           lambda: batches(len(dataset), batch_size, shuffle=True, generator=generator), optimizer,
                           schedule=scheduler, clip_grad_norm=clip_grad_norm, progress=progress, desc=desc)
    model.eval()
    return [sum(loss.item() * size for loss, size in zip(epoch, batch_sizes)) / len(dataset) for epoch in losses]


class BestValidation:
    """The weights with the lowest validation loss seen so far: the checkpoint of :func:`training_loop`.

    ``validation_loss()`` returns one loss when ``parameters`` are the weights of one model, or one
    loss per model, shape (T,), when ``parameters[t]`` is the weights of model ``t``: each model
    then keeps its own best. After training, ``weights`` are the best weights, ``found_at`` the
    number of the validation that found them (0: the starting weights), ``losses`` every
    validation loss in order; :meth:`restore` writes the best weights back."""

    def __init__(self, parameters, validation_loss):
        self.parameters, self.validation_loss = list(parameters), validation_loss
        self.weights = [p.detach().clone() for p in self.parameters]
        self.losses, self.best, self.found_at = [], math.inf, 0

    def check(self) -> None:
        """Validate the current weights; keep them (per model) where they beat the best so far."""
        with torch.no_grad():
            loss = torch.as_tensor(self.validation_loss(), dtype=torch.float64)
        better = loss < self.best
        self.best = torch.where(better, loss, self.best)
        self.found_at = torch.where(better, len(self.losses), self.found_at)
        self.losses.append(loss)
        for i, keep in enumerate(better.expand(len(self.parameters))):      # one model: all or none
            if keep:
                self.weights[i] = self.parameters[i].detach().clone()

    @torch.no_grad()
    def restore(self) -> None:
        """Copy the best weights back into the parameters."""
        for p, best in zip(self.parameters, self.weights):
            p.copy_(best)


def training_loop(parameters: list[torch.Tensor], batch_loss, epochs: int, epoch_batches, optimizer, *,
                  schedule=None, clip_grad_norm: float | None = None, checkpoint: BestValidation | None = None,
                  progress: bool = False, desc: str = "train") -> list[list[torch.Tensor]]:
    """The book's one training loop: ``epochs`` passes over the batches that ``epoch_batches()`` returns.

    Every step computes ``batch_loss(batch)`` (one loss, or one per model: their sum is differentiated,
    so each model gets its own gradient), clips the gradient norm of ``parameters`` at ``clip_grad_norm``
    (``None``: no clipping), takes an ``optimizer`` step (SGD, Adam...: the caller chooses) and, if given,
    a ``schedule`` step. A ``checkpoint`` validates the weights at the start of every epoch (a caller
    that wants the final weights validated too calls ``checkpoint.check()`` after the loop).
    Returns the loss of every step, epoch by epoch.
    """
    losses = []
    for _ in progress_bar(range(epochs), desc=desc, enabled=progress):
        if checkpoint is not None:
            checkpoint.check()
        losses.append([])
        for batch in epoch_batches():
            loss = batch_loss(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward()
            if clip_grad_norm is not None:
                nn.utils.clip_grad_norm_(parameters, clip_grad_norm)
            optimizer.step()
            if schedule is not None:
                schedule.step()
            losses[-1].append(loss.detach())
    return losses


def _parameter_groups(model: nn.Module):
    """Split parameters into (weights with decay, quantizer/BN/bias parameters without)."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        quantizer_param = "quantizer." in name
        (no_decay if quantizer_param or p.ndim <= 1 else decay).append(p)
    return decay, no_decay


@torch.no_grad()
def predict(model: nn.Module, dataset, batch_size: int = 512) -> torch.Tensor:
    """Logits ``(N, num_classes)`` on the CPU, in eval mode (the model's mode is restored afterwards);
    the batches go to the model's device."""
    check_compatible(model, dataset)
    was_training = model.training
    model.eval()
    outs = [model(*to_device(model, dataset[idx][0])).cpu()
            for idx in batches(len(dataset), batch_size, shuffle=False)]
    model.train(was_training)
    return torch.cat(outs)


def evaluation_view(dataset):
    """``dataset`` as it is evaluated: without augmentation."""
    return dataset.without_augmentation() if getattr(dataset, "augment", False) else dataset


def accuracy(model: nn.Module, dataset, batch_size: int = 512) -> float:
    """Top-1 accuracy in percent, in eval mode, without augmentation."""
    if len(dataset) == 0:
        raise ValueError("accuracy of an empty dataset is undefined")
    plain = evaluation_view(dataset)
    logits = predict(model, plain, batch_size)
    return 100.0 * (logits.argmax(1) == plain.targets).float().mean().item()
