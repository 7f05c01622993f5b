"""The batched, differentiable statevector kernel of both fast engines (chapters 6 and 8).

A batch of ``n``-qubit states is a complex tensor ``(..., 2^n)``; qubit ``q`` is bit ``q`` of an
amplitude's index (Qiskit's little-endian order). Everything here is a torch operation, so
autograd differentiates through it, and the precision follows the input (complex128 for
float64 angles, complex64 for float32). The chapter-6 engine (:mod:`helpers.quantum.simulator`)
and the hybrid :class:`~helpers.hybrid.layer.QuantumLayer` are built from these pieces:

- :func:`rotations`: ``RZ(z) RY(y) RX(x)`` as 2x2 matrices, for tensors of angles;
- :func:`apply_one_qubit`: a 2x2 matrix (one shared, or one per state) on qubit ``q``;
- :func:`kron`: per-qubit 2x2 matrices as one ``2^n x 2^n`` matrix (a layer shared by a batch);
- :func:`product_state`: ``⊗_q v_q`` from one 2-vector per qubit (a state, or a diagonal);
- :func:`cx_permutation`, :func:`cz_diagonal`: CNOTs permute amplitudes, CZs flip their signs;
- :func:`z_signs`, :func:`z_expectations`: ``<Z_q> = sum_i |psi_i|^2 z_q(i)``, ``z_q(i) = 1 - 2 b_q(i)``.

The slow reference (:mod:`helpers.quantum.reference`) shares none of this code.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import torch


@lru_cache(maxsize=None)
def bits(n_qubits: int) -> torch.Tensor:
    """``b_q(i)``, bit q of amplitude index i: (2^n, n) int64 (qubit 0 = lowest bit)."""
    return (torch.arange(2 ** n_qubits)[:, None] >> torch.arange(n_qubits)) & 1


def z_signs(n_qubits: int) -> torch.Tensor:
    """``z_q(i) = 1 - 2 b_q(i)``, the eigenvalue of Z_q on basis state i: (2^n, n) float64."""
    return 1.0 - 2.0 * bits(n_qubits).double()


def z_expectations(state: torch.Tensor, qubits: Iterable[int] | None = None) -> torch.Tensor:
    """``<Z_q>`` for each of ``qubits`` (default: every qubit) of states (..., 2^n): (..., len(qubits))."""
    n = state.shape[-1].bit_length() - 1
    probs = state.real ** 2 + state.imag ** 2
    signs = z_signs(n) if qubits is None else z_signs(n)[:, list(qubits)]
    return probs @ signs.to(device=probs.device, dtype=probs.dtype)


def rotations(x: torch.Tensor | None, y: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """``RZ(z) @ RY(y) @ RX(x)`` (RX acts first) for angle tensors of one shape S: (*S, 2, 2) complex.

    ``RX(a) = [[cos a/2, -i sin a/2], [-i sin a/2, cos a/2]]``, ``RY(b) = [[cos, -sin], [sin, cos]]``
    (of b/2), ``RZ(c) = diag(e^{-ic/2}, e^{ic/2})`` (Qiskit's conventions). ``x=None``: no RX."""
    a, b, c = (t / 2 for t in (torch.zeros_like(y) if x is None else x, y, z))
    ca, sa, cb, sb = torch.cos(a), torch.sin(a), torch.cos(b), torch.sin(b)
    # RY(b) @ RX(a), written out: real part and imaginary part.
    re = torch.stack([torch.stack([cb * ca, -sb * ca], -1), torch.stack([sb * ca, cb * ca], -1)], -2)
    im = torch.stack([torch.stack([sb * sa, -cb * sa], -1), torch.stack([-cb * sa, -sb * sa], -1)], -2)
    phase = torch.complex(torch.cos(c), -torch.sin(c))                   # e^{-ic/2}
    rz = torch.stack([phase, phase.conj()], -1)                          # diag of RZ(c)
    return rz[..., :, None] * torch.complex(re, im)


def apply_one_qubit(state: torch.Tensor, matrix: torch.Tensor, q: int) -> torch.Tensor:
    """Apply a 2x2 ``matrix`` to qubit ``q`` of ``state`` (*batch, 2^n).

    ``matrix`` is (2, 2), shared by every state, or (*lead, 2, 2) with ``lead`` the leading
    dimensions of ``batch`` (e.g. one matrix per sample, or per weight vector)."""
    *batch, dim = state.shape
    view = state.reshape(*batch, dim >> (q + 1), 2, 1 << q)                 # (..., higher bits, qubit q, lower)
    s, m = "tnbm"[:len(batch)], "tnbm"[:matrix.dim() - 2]
    return torch.einsum(f"{m}ij,{s}hjl->{s}hil", matrix, view).reshape(state.shape)


def kron(matrices: torch.Tensor) -> torch.Tensor:
    """``M_{n-1} ⊗ ... ⊗ M_0`` from per-qubit matrices (..., n, 2, 2): (..., 2^n, 2^n).

    Qubit 0 is the lowest bit, hence the rightmost Kronecker factor."""
    K = matrices[..., 0, :, :]
    for q in range(1, matrices.shape[-3]):                # kron(M_q, K): M_q picks the higher bit
        K = torch.einsum("...ab,...cd->...acbd", matrices[..., q, :, :], K)
        K = K.reshape(*K.shape[:-4], 2 << q, 2 << q)
    return K


def product_state(factors: torch.Tensor) -> torch.Tensor:
    """``v_{n-1} ⊗ ... ⊗ v_0`` from one 2-vector per qubit, factors (B, n, 2) -> (B, 2^n).

    Entry ``i`` is ``prod_q v_q[b_q(i)]``: a product state, or the diagonal of a product of
    diagonal one-qubit gates (``v_q`` = the gate's two phases), built by doubling."""
    psi = factors[:, 0]
    for q in range(1, factors.shape[1]):                  # qubit q becomes the new highest bit
        psi = (factors[:, q, :, None] * psi[:, None, :]).reshape(factors.shape[0], -1)
    return psi


def cx_permutation(n_qubits: int, pairs: Iterable[tuple[int, int]]) -> torch.Tensor:
    """The CNOTs ``CX(control, target)`` of ``pairs``, in order, as an index map:
    ``new_state = state[..., perm]``. Built by running them on the "state" ``[0, 1, ..., 2^n - 1]``."""
    index = torch.arange(2 ** n_qubits)
    perm = index.clone()
    for control, target in pairs:                        # flip bit target where bit control is 1
        perm = perm[torch.where((index >> control) & 1 == 1, index ^ (1 << target), index)]
    return perm


def cz_diagonal(n_qubits: int, pairs: Iterable[tuple[int, int]]) -> torch.Tensor:
    """The CZs of ``pairs`` as one diagonal of ``±1`` (2^n,) float64: ``(-1)^(number of pairs both 1)``."""
    b = bits(n_qubits)
    both = sum(b[:, a] * b[:, c] for a, c in pairs)
    return (1.0 - 2.0 * (both % 2)).double()
