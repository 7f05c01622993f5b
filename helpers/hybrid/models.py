"""Hybrid quantum-classical classifiers: classical front end -> quantum layer -> linear head.

The study's architecture (arXiv 2512.19253, public code): a classical network turns an
input into ``n`` rotation angles ``tanh(·) π ∈ (-π, π)``, the variational circuit
(:class:`~helpers.hybrid.layer.QuantumLayer`) returns ``<Z_q>`` on every qubit,
and a classical head maps those ``n`` numbers to class logits. Two front ends:

- :class:`MLPFrontEnd` for tabular data (Iris: 4 features);
- :class:`CNNFrontEnd` for images (digits 8x8; MNIST / Fashion-MNIST 28x28), a small CNN.

The study's head is two dense layers (n -> 32 -> K); we use one linear layer, so the
quantum layer's outputs are read directly. ``model.blocks`` lists the three parts in
order, which CF-k and EU-k count from the end.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .layer import QuantumLayer


class MLPFrontEnd(nn.Module):
    """``in_features -> hidden -> n_qubits`` angles, ``π tanh`` at the end: (B, F) -> (B, n)."""

    def __init__(self, in_features: int, n_qubits: int, hidden: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, n_qubits))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return math.pi * torch.tanh(self.net(x))


class CNNFrontEnd(nn.Module):
    """Two 3x3 convolutions with max-pooling, then a linear map to ``n_qubits`` angles.

    (B, C, H, W) -> (B, n); an adaptive average pool to 2x2 makes it work for 8x8 and 28x28."""

    def __init__(self, in_channels: int, n_qubits: int, channels: int = 8):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),       # (B, c, H/2, W/2)
            nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),  # (B, 2c, 2, 2)
        )
        self.to_angles = nn.Linear(8 * channels, n_qubits)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return math.pi * torch.tanh(self.to_angles(self.features(x).flatten(1)))


class HybridClassifier(nn.Module):
    """``head(quantum(front(x)))``: inputs -> n angles -> n expectations -> K logits."""

    def __init__(self, front: nn.Module, n_qubits: int, n_layers: int, num_classes: int):
        super().__init__()
        self.front = front
        self.quantum = QuantumLayer(n_qubits, n_layers)
        self.head = nn.Linear(n_qubits, num_classes)
        self.num_classes = num_classes

    @property
    def blocks(self) -> list[nn.Module]:
        """``[front, quantum, head]``, input side first."""
        return [self.front, self.quantum, self.head]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.quantum(self.front(x)))


def hybrid_model(num_classes: int, *, in_shape: tuple, n_qubits: int = 6, n_layers: int = 2,
                 seed: int = 0) -> HybridClassifier:
    """A fresh hybrid classifier whose front end follows the shape of one input: an MLP for features
    (``in_shape = (F,)``), a CNN for images (``(C, H, W)``)."""
    if len(in_shape) not in (1, 3):
        raise ValueError(f"in_shape must be (F,) for features or (C, H, W) for images, got {tuple(in_shape)}")
    torch.manual_seed(seed)
    front = (MLPFrontEnd if len(in_shape) == 1 else CNNFrontEnd)(in_shape[0], n_qubits)
    return HybridClassifier(front, n_qubits, n_layers, num_classes)
