"""The slow, obvious statevector simulator: one sample, one gate at a time, textbook matrices.

This is the picture of a circuit simulation from a first course, kept for teaching and as the
yardstick of both fast engines (chapter 6's :mod:`helpers.quantum.simulator` and chapter 8's
:class:`~helpers.hybrid.layer.QuantumLayer`), which must give the same numbers. It shares no code
with them: it walks a gate list (:mod:`helpers.quantum.blocks`, either circuit) and applies each
gate's dense matrix, written from its definition, to the qubits it acts on:

- a rotation ``R_P(a) = exp(-i a P / 2) = cos(a/2) I - i sin(a/2) P`` for the Pauli ``P = X, Y, Z``;
- ``CX`` and ``CZ`` as 4x4 matrices on (control, target);
- ``<Z_q> = <psi| Z_q |psi>``, the readout, by applying ``Z`` to qubit ``q``.

An ``n``-qubit state is ``2^n`` complex amplitudes, held as a tensor of shape ``(2,) * n`` whose
axis ``n - 1 - q`` is qubit ``q`` (index ``sum_q b_q 2^q``, Qiskit's little-endian order).
It is differentiable, and as slow as the study's per-sample loop (chapter 8).
"""
from __future__ import annotations

from functools import reduce
from operator import mul

import torch

DTYPE = torch.complex128
I2 = torch.eye(2, dtype=DTYPE)
PAULI = {"x": torch.tensor([[0, 1], [1, 0]], dtype=DTYPE), "y": torch.tensor([[0, -1j], [1j, 0]], dtype=DTYPE),
         "z": torch.tensor([[1, 0], [0, -1]], dtype=DTYPE)}
TWO_QUBIT = {"cx": torch.tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=DTYPE),
             "cz": torch.diag(torch.tensor([1, 1, 1, -1], dtype=DTYPE))}


def rotation(axis: str, angle: torch.Tensor) -> torch.Tensor:
    """``R_P(a) = cos(a/2) I - i sin(a/2) P`` for ``axis`` "x", "y" or "z": (2, 2) complex."""
    return torch.cos(angle / 2) * I2 - 1j * torch.sin(angle / 2) * PAULI[axis]


def apply(state: torch.Tensor, matrix: torch.Tensor, qubits: tuple[int, ...]) -> torch.Tensor:
    """Apply a ``2^k x 2^k`` ``matrix`` to ``qubits`` (k of them, the first is the highest bit of
    the matrix's index) of a state of shape ``(2,) * n``."""
    n, k = state.dim(), len(qubits)
    axes = [n - 1 - q for q in qubits]
    out = torch.tensordot(matrix.reshape((2,) * 2 * k), state, dims=(list(range(k, 2 * k)), axes))
    return torch.movedim(out, list(range(k)), axes)


def statevector(gates, n_qubits: int, theta, x) -> torch.Tensor:
    """The final state ``(2^n,)`` of the gate list ``gates`` from ``|0...0>``, weights ``theta``, input ``x``."""
    values = {"θ": torch.as_tensor(theta).to(torch.float64), "x": torch.as_tensor(x).to(torch.float64)}
    state = torch.zeros((2,) * n_qubits, dtype=DTYPE)
    state[(0,) * n_qubits] = 1.0                                              # |0...0>
    for name, qubits, angle in gates:
        matrix = TWO_QUBIT[name] if angle is None else rotation(name[1], reduce(mul, (values[s][i] for s, i in angle)))
        state = apply(state, matrix, qubits)
    return state.reshape(-1)


def z_expectation(state: torch.Tensor, q: int) -> torch.Tensor:
    """``<psi| Z_q |psi>`` (real) of a state ``(2^n,)``."""
    psi = state.reshape((2,) * (state.numel().bit_length() - 1))
    return (psi.conj() * apply(psi, PAULI["z"], (q,))).sum().real


def expectations(gates, n_qubits: int, readout, theta, X) -> torch.Tensor:
    """``<Z_q>`` for ``q`` in ``readout``, for every row of the inputs ``X`` (B, n_inputs), one
    sample after another (the same weights ``theta`` for all): (B, len(readout)) float64."""
    gates, readout = list(gates), list(readout)
    states = [statevector(gates, n_qubits, theta, x) for x in X]
    rows = [torch.stack([z_expectation(state, q) for q in readout]) for state in states]
    return torch.stack(rows) if rows else torch.zeros(0, len(readout), dtype=torch.float64)
