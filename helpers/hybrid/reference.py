"""The slow, obvious path: one sample at a time, one gate at a time (what the study did).

The study's public code evaluates its PennyLane layer in a Python loop over the batch,
``torch.stack([self.q_layer(sample) for sample in angles])``, and the simulator applies
each gate separately. :func:`per_sample_expectations` does the same with the gate list of
:func:`~helpers.hybrid.circuit.gates`, so it is also an independent check of the
batched engine (:mod:`.layer`). Differentiable, but slow: compare
``python -m benchmarks.hybrid_epoch``.
"""
from __future__ import annotations

import torch

from .circuit import gates
from .layer import complex_dtype, euler, z_signs

_ZERO = torch.zeros(())


def gate_matrix(name: str, angle: torch.Tensor) -> torch.Tensor:
    """The 2x2 matrix of ``rx``, ``ry`` or ``rz`` by ``angle`` (a 0-d tensor)."""
    zero = _ZERO.to(angle.dtype)
    a, b, c = {"rx": (angle, zero, zero), "ry": (zero, angle, zero), "rz": (zero, zero, angle)}[name]
    return euler(a, b, c)


def one_sample(x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """``<Z_q>`` for one input ``x`` (n,), gate by gate on a state of shape (2,) * n."""
    n = x.shape[0]
    flat = weights.reshape(-1).to(x.dtype)
    psi = torch.zeros((2,) * n, dtype=complex_dtype(x.dtype))
    psi[(0,) * n] = 1.0
    for name, qubits, angle in gates(n, weights.shape[0]):
        if name == "cz":
            a, b = (n - 1 - q for q in qubits)                  # tensor axis of qubit q (axis 0 = qubit n-1)
            index = [slice(None)] * n
            index[a], index[b] = 1, 1
            sign = torch.ones_like(psi.real)
            sign[tuple(index)] = -1.0
            psi = psi * sign
        else:
            value = x[angle[1]] if angle[0] == "x" else flat[angle[1]]
            axis = n - 1 - qubits[0]
            psi = torch.movedim(torch.tensordot(gate_matrix(name, value), psi, dims=([1], [axis])), 0, axis)
    probs = (psi.real ** 2 + psi.imag ** 2).reshape(-1)
    return probs @ z_signs(n).to(x.dtype)


def per_sample_expectations(angles: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """The study's loop: ``<Z_q>`` for each row of angles (B, n), one sample after another: (B, n)."""
    return torch.stack([one_sample(x, weights) for x in angles])
