"""Seeded training and evaluation (OEU Sec. 5.1: SGD, momentum 0.9, cosine-annealed learning rate).

``train`` is deterministic on the CPU: the same seed gives bit-identical
weights, because the seed fixes the initial shuffles, the augmentation draws
and nothing else is random.

Datasets live on the CPU; a model may live on any device (the paper profile's
GPU). Every batch goes to the model's device, :func:`device_of`, right before
the model reads it (:func:`to_device`), and every tensor a method builds next to
the weights is built there: one rule for training, unlearning and evaluation.
"""
from __future__ import annotations

import contextlib
import itertools
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
    steps_per_epoch = len(batches(len(dataset), batch_size, shuffle=False))
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps_per_epoch)
    history = []
    model.train()
    for _ in progress_bar(range(epochs), desc=desc, enabled=progress):
        total, count = 0.0, 0
        for idx in batches(len(dataset), batch_size, shuffle=True, generator=generator):
            x, y = dataset[idx]
            x, y = x.to(device), y.to(device)
            with autocast(device, mixed_precision):
                loss = F.cross_entropy(forward(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if clip_grad_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
            optimizer.step()
            scheduler.step()
            total, count = total + loss.item() * len(y), count + len(y)
        history.append(total / count)
    model.eval()
    return history


def autocast(device: torch.device, enabled: bool):
    """``torch.autocast`` to bfloat16 on ``device`` if ``enabled``, else nothing at all."""
    return torch.autocast(device.type, dtype=torch.bfloat16) if enabled else contextlib.nullcontext()


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
