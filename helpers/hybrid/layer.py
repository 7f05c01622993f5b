"""A batched, differentiable statevector layer for the hybrid study's circuit (arXiv 2512.19253).

The study ran its circuit through PennyLane one sample at a time
(``torch.stack([q_layer(s) for s in angles])``; the book's gate-by-gate
:mod:`helpers.quantum.reference` does the same). Here the whole batch moves together, on the
shared kernel :mod:`helpers.quantum.statevector`:

- the state is one complex tensor ``psi`` of shape ``(B, 2^n)``;
- the *encoding* acts on ``|0...0>`` and leaves a product state, written down directly (:func:`encode`);
- a *trainable* layer is the same for every sample: per qubit one 2x2 matrix ``RZ(c) RY(b) RX(a)``
  applied to the whole batch, then the CZ ring, one fixed diagonal of ``±1`` (an amplitude
  changes sign once for every neighbouring pair of qubits that are both 1);
- ``<Z_q> = sum_i |psi_i|^2 z_q(i)`` with ``z_q(i) = 1 - 2 b_q(i)``: one matrix product.

The precision follows the input: complex128 for float64 angles (the tests compare with
Qiskit to 1e-6), complex64 for float32 (training). Autograd differentiates through it all:
no parameter-shift rule is needed in a simulator.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..quantum.blocks import ring
from ..quantum.statevector import apply_one_qubit, cz_diagonal, product_state, rotations, z_expectations
from .circuit import check_size


def encode(angles: torch.Tensor) -> torch.Tensor:
    """``⊗_q RZ(x_q) RY(x_q) RX(x_q) |0>`` for a batch of angles (B, n): (B, 2^n) complex.

    On ``|0...0>`` the encoding leaves a *product* state, written down directly: qubit ``q``'s
    state is the first column of its 2x2 matrix ``RZ(x_q) RY(x_q) RX(x_q)``, then one outer
    product per qubit, qubit ``q`` becoming bit ``q`` (higher qubits are the slower index)."""
    return product_state(rotations(angles, angles, angles)[..., :, 0])


def simulate(angles: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """``<Z_q>`` of the circuit for a batch: angles (B, n), weights (L, 3, n) -> (B, n).

    Computed in the precision and on the device of ``angles``: complex128 for float64 (the tests' 1e-6
    comparison with Qiskit), complex64 for float32 (training, twice as fast)."""
    n = angles.shape[1]
    weights = weights.to(angles.dtype)
    psi = encode(angles)                                                      # (B, 2^n)
    signs = cz_diagonal(n, ring(n)).to(device=angles.device, dtype=angles.dtype)
    for layer in rotations(weights[:, 0], weights[:, 1], weights[:, 2]):       # (n, 2, 2) per layer
        for q in range(n):
            psi = apply_one_qubit(psi, layer[q], q)                           # the same 2x2 for every sample
        psi = psi * signs                                                     # the CZ ring, elementwise
    return z_expectations(psi)


class QuantumLayer(nn.Module):
    """The study's variational circuit as a torch layer: angles (B, n) -> ``<Z_q>`` (B, n).

    Trainable ``weights`` of shape (L, 3, n), initialised uniformly in ``[0, 2π)`` like
    PennyLane's ``TorchLayer`` (the study's layer). Same circuit as
    :func:`~helpers.hybrid.circuit.hybrid_circuit`; the whole batch is simulated
    at once (module docstring). Outputs have the dtype of the input angles.
    """

    def __init__(self, n_qubits: int = 6, n_layers: int = 2):
        super().__init__()
        check_size(n_qubits, n_layers)
        self.n_qubits, self.n_layers = n_qubits, n_layers
        self.weights = nn.Parameter(torch.empty(n_layers, 3, n_qubits))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.uniform_(self.weights, 0.0, 2 * math.pi)

    def forward(self, angles: torch.Tensor) -> torch.Tensor:
        assert angles.dim() == 2 and angles.shape[1] == self.n_qubits, \
            f"expected angles of shape (B, {self.n_qubits}), got {tuple(angles.shape)}"
        return simulate(angles, self.weights)

    def extra_repr(self) -> str:
        return (f"n_qubits={self.n_qubits}, n_layers={self.n_layers}, encoding=RX·RY·RZ(x), "
                f"entangler=CZ ring, readout=<Z> on every qubit, weights={3 * self.n_layers * self.n_qubits}")
