"""An in-memory image dataset that every loader in :mod:`helpers.data` returns.

Images are kept as ``uint8`` tensors shaped ``(N, C, H, W)`` and turned into
normalised ``float32`` batches on access, so even CIFAR-10 (50,000 images)
costs only 150 MB. Indexing with a tensor of indices returns a whole batch at
once, which is what :func:`helpers.train.train` uses::

    x, y = dataset[torch.tensor([0, 5, 7])]   # x: (3, C, H, W) float32, y: (3,) int64
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


class ImageDataset(torch.utils.data.Dataset):
    """Images ``(N, C, H, W)`` uint8 with integer labels ``(N,)``.

    Parameters
    ----------
    images : uint8 tensor ``(N, C, H, W)``.
    targets : int64 tensor ``(N,)``, values in ``[0, num_classes)``.
    num_classes : number of classes of the task (not only those present).
    mean, std : per-channel statistics (in [0, 1] units) used to normalise.
    augment : if True, batches get a random crop (padding ``H // 8``) and,
        when ``flip`` is True, a random horizontal flip (the CIFAR recipe).
    """

    def __init__(self, images, targets, num_classes, mean, std, augment=False, flip=True, name=""):
        images = torch.as_tensor(images)
        targets = torch.as_tensor(targets, dtype=torch.int64)
        assert images.dtype == torch.uint8, f"images must be uint8, got {images.dtype}"
        assert images.ndim == 4, f"images must be (N, C, H, W), got shape {tuple(images.shape)}"
        assert len(images) == len(targets), f"{len(images)} images but {len(targets)} targets"
        self.images = images
        self.targets = targets
        self.num_classes = int(num_classes)
        self.mean = torch.as_tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
        self.std = torch.as_tensor(std, dtype=torch.float32).view(1, -1, 1, 1)
        self.augment = augment
        self.flip = flip
        self.name = name

    @property
    def in_channels(self) -> int:
        return self.images.shape[1]

    @property
    def image_size(self) -> int:
        return self.images.shape[2]

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index):
        single = isinstance(index, int)
        idx = torch.as_tensor([index] if single else index, dtype=torch.int64)
        x = self.images[idx].float().div_(255.0)                   # (B, C, H, W) in [0, 1]
        if self.augment:
            x = self._augment(x)
        x = (x - self.mean) / self.std
        y = self.targets[idx]
        return (x[0], y[0]) if single else (x, y)

    def _augment(self, x):
        """Random crop with zero padding, then an optional horizontal flip."""
        pad = max(1, x.shape[-1] // 8)
        B, _, H, W = x.shape
        padded = F.pad(x, (pad, pad, pad, pad))
        dy = torch.randint(0, 2 * pad + 1, (B,))
        dx = torch.randint(0, 2 * pad + 1, (B,))
        rows = (dy.view(B, 1) + torch.arange(H)).view(B, 1, H, 1)  # (B, 1, H, 1)
        cols = (dx.view(B, 1) + torch.arange(W)).view(B, 1, 1, W)  # (B, 1, 1, W)
        batch = torch.arange(B).view(B, 1, 1, 1)
        chan = torch.arange(x.shape[1]).view(1, -1, 1, 1)
        x = padded[batch, chan, rows, cols]
        if self.flip:
            flip = torch.rand(B) < 0.5
            x[flip] = x[flip].flip(-1)
        return x

    def subset(self, indices) -> "ImageDataset":
        """A new dataset holding only ``indices`` (same normalisation and augmentation)."""
        idx = torch.as_tensor(indices, dtype=torch.int64)
        return ImageDataset(self.images[idx], self.targets[idx], self.num_classes,
                            self.mean.flatten(), self.std.flatten(), self.augment, self.flip, self.name)

    def without_augmentation(self) -> "ImageDataset":
        """The same images with augmentation switched off (for evaluation)."""
        copy = self.subset(torch.arange(len(self)))
        copy.augment = False
        return copy

    def __repr__(self) -> str:
        C, H, W = self.images.shape[1:]
        return (f"ImageDataset(name={self.name!r}, n={len(self)}, shape=({C}, {H}, {W}), "
                f"num_classes={self.num_classes}, augment={self.augment})")


class Samples:
    """Inputs ``X`` (any shape ``(N, ...)``) and labels ``y`` as a dataset: ``ds[idx] -> (X[idx], y[idx])``."""

    def __init__(self, X: torch.Tensor, y: torch.Tensor, num_classes: int):
        if len(X) != len(y):
            raise ValueError(f"{len(X)} inputs but {len(y)} labels")
        self.X, self.targets, self.num_classes = X, y, int(num_classes)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, idx):
        return self.X[idx], self.targets[idx]


@dataclass
class TensorSplits:
    """A dataset as train / validation / test tensors: inputs ``X_*`` ``(N, ...)`` (features or images) and
    int64 labels ``y_*`` ``(N,)``, e.g. :func:`~helpers.data.load_tabular`'s four features in [0, π]."""

    name: str
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int
    class_names: tuple = ()

    @property
    def in_shape(self) -> tuple:
        """The shape of one input: ``(F,)`` for features, ``(C, H, W)`` for images."""
        return tuple(self.X_train.shape[1:])

    def __repr__(self) -> str:
        return (f"TensorSplits(name={self.name!r}, train={len(self.y_train)}, val={len(self.y_val)}, "
                f"test={len(self.y_test)}, input={self.in_shape}, classes={self.num_classes})")
