"""A slow, obvious statevector simulator: one sample, one gate at a time.

This is the textbook picture of a circuit simulation, kept for teaching and as a
check on the fast engine (:mod:`helpers.quantum.simulator`), which must give the
same numbers. It walks the gate list of :func:`helpers.quantum.circuit.gates`
and applies each 2x2 matrix to the qubit it acts on.

A 6-qubit state is 64 complex amplitudes. Reshaped to ``(2,) * 6`` its axis
``5 - q`` is qubit ``q`` (index ``sum_q b_q 2^q``, Qiskit's little-endian order).
"""
from __future__ import annotations

import torch

from .circuit import N_FEATURES, N_PARAMS, N_QUBITS, READOUT, gates

DTYPE = torch.complex128


def ry(angle) -> torch.Tensor:
    """``Ry(a) = exp(-i a Y / 2) = [[cos a/2, -sin a/2], [sin a/2, cos a/2]]``."""
    c, s = torch.cos(angle / 2), torch.sin(angle / 2)
    return torch.stack([torch.stack([c, -s]), torch.stack([s, c])]).to(DTYPE)


def rz(angle) -> torch.Tensor:
    """``Rz(a) = exp(-i a Z / 2) = diag(e^{-i a/2}, e^{i a/2})``."""
    phase = torch.polar(torch.ones((), dtype=torch.float64), -angle / 2)     # e^{-i a/2}
    return torch.diag(torch.stack([phase, phase.conj()]))


def apply_1q(state: torch.Tensor, matrix: torch.Tensor, q: int) -> torch.Tensor:
    """Apply a 2x2 ``matrix`` to qubit ``q`` of a 64-amplitude ``state``."""
    psi = state.reshape((2,) * N_QUBITS)
    psi = torch.movedim(torch.tensordot(matrix, psi, dims=([1], [N_QUBITS - 1 - q])), 0, N_QUBITS - 1 - q)
    return psi.reshape(-1)


def apply_cx(state: torch.Tensor, control: int, target: int) -> torch.Tensor:
    """CNOT: flip bit ``target`` of every basis index whose bit ``control`` is 1."""
    index = torch.arange(2 ** N_QUBITS)
    flipped = torch.where((index >> control) & 1 == 1, index ^ (1 << target), index)
    return state[flipped]


def statevector(theta: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The final state of the circuit for weights ``theta`` (72,) and one input ``x`` (4,)."""
    theta, x = torch.as_tensor(theta, dtype=torch.float64), torch.as_tensor(x, dtype=torch.float64)
    assert theta.shape == (N_PARAMS,) and x.shape == (N_FEATURES,), (theta.shape, x.shape)
    state = torch.zeros(2 ** N_QUBITS, dtype=DTYPE)
    state[0] = 1.0                                          # |000000>
    for name, qubits, angle in gates():
        if name == "cx":
            state = apply_cx(state, *qubits)
            continue
        value = {"x": lambda: x[angle[1]], "xx": lambda: x[angle[1]] * x[angle[2]],
                 "θ": lambda: theta[angle[1]]}[angle[0]]()
        state = apply_1q(state, (ry if name == "ry" else rz)(value), qubits[0])
    return state


def z_expectation(state: torch.Tensor, q: int) -> torch.Tensor:
    """``<Z_q> = sum_i |psi_i|^2 (1 - 2 b_q(i))``: +1 weight where qubit q is 0, -1 where 1."""
    index = torch.arange(2 ** N_QUBITS)
    sign = 1.0 - 2.0 * ((index >> q) & 1).to(torch.float64)
    return (state.abs() ** 2 * sign).sum()


def expectations(theta, X) -> torch.Tensor:
    """``<Z_3>, <Z_4>, <Z_5>`` for every row of ``X`` (N, 4), one sample at a time: (N, 3)."""
    X = torch.as_tensor(X, dtype=torch.float64).reshape(-1, N_FEATURES)
    rows = []
    for x in X:
        state = statevector(theta, x)
        rows.append(torch.stack([z_expectation(state, q) for q in READOUT]))
    return torch.stack(rows) if rows else torch.zeros(0, len(READOUT), dtype=torch.float64)


__all__ = ["ry", "rz", "apply_1q", "apply_cx", "statevector", "z_expectation", "expectations"]
