"""A hybrid classifier with its quantum layer run on a device: finite shots, gate and readout noise (issue 21).

:class:`~helpers.hybrid.models.HybridClassifier` computes ``head(quantum(front(x)))`` with the exact
torch engine (:mod:`helpers.hybrid.layer`). :func:`device_logits` keeps the classical parts in torch and
evaluates the quantum layer on a :class:`~helpers.quantum.device.Device` instead: the front end's angles
and the layer's weights become one row of values per sample for the layer's Qiskit circuit
(:func:`~helpers.hybrid.circuit.hybrid_circuit`), and the whole batch goes to Aer in ONE PUB
(:func:`helpers.quantum.device.z_estimates`). No gradient flows through it: it evaluates.

>>> from helpers.hybrid.models import hybrid_model
>>> from helpers.quantum.device import Device
>>> model = hybrid_model(3, in_shape=(4,), n_qubits=3, n_layers=1)
>>> device_logits(model, torch.zeros(2, 4), Device(shots=256)).shape
torch.Size([2, 3])
"""
from __future__ import annotations

from functools import lru_cache

import torch

from ..quantum.device import Device, check_device, z_estimates
from .circuit import hybrid_circuit
from .layer import QuantumLayer


@lru_cache(maxsize=None)
def layer_circuit(n_qubits: int, n_layers: int):
    """:func:`~helpers.hybrid.circuit.hybrid_circuit` ``(n_qubits, n_layers)``, built once per size."""
    return hybrid_circuit(n_qubits, n_layers)


def layer_values(angles: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """One row ``[x_0..x_{n-1}, θ_0..θ_{P-1}]`` per sample (the circuit's parameter order): the sample's
    angles (B, n), then the layer's weights (L, 3, n) flattened, the same for every sample: (B, n + P)."""
    flat = weights.detach().reshape(1, -1).to(torch.float64).expand(angles.shape[0], -1)
    return torch.cat([angles.detach().to(torch.float64), flat], 1)


def device_expectations(layer: QuantumLayer, angles: torch.Tensor, device: Device) -> torch.Tensor:
    """The quantum layer's ``<Z_q>`` on ``device``: angles (B, n) -> float64 (B, n), in one Aer call."""
    n = layer.n_qubits
    if angles.dim() != 2 or angles.shape[1] != n:
        raise ValueError(f"expected angles of shape (B, {n}), got {tuple(angles.shape)}")
    circuit = layer_circuit(n, layer.n_layers)
    return z_estimates(circuit, layer_values(angles.cpu(), layer.weights.cpu()), range(n), device)


def device_logits(model, X, device: Device) -> torch.Tensor:
    """The hybrid ``model``'s logits (B, K) with its quantum layer on ``device`` (one PUB for the batch);
    the front end and the head run in torch, on the model's own device and dtype. No gradient."""
    check_device(device)
    if not isinstance(getattr(model, "quantum", None), QuantumLayer):
        raise ValueError(f"device_logits needs a hybrid classifier (front -> QuantumLayer -> head), "
                         f"got {type(model).__name__}")
    with torch.no_grad():
        angles = model.front(X)
        z = device_expectations(model.quantum, angles, device)
        head = next(model.head.parameters())
        return model.head(z.to(device=head.device, dtype=head.dtype))
