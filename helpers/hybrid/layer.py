"""A batched, differentiable statevector layer for the hybrid study's circuit (arXiv 2512.19253).

The study ran its circuit through PennyLane one sample at a time
(``torch.stack([q_layer(s) for s in angles])``; :mod:`.reference` does the same). Here
the whole batch moves together:

- the state is one complex tensor ``psi`` of shape ``(B, 2^n)``;
- the three rotations on one qubit are multiplied into one 2x2 matrix first:
  ``U = RZ(c) RY(b) RX(a)`` (RX acts first);
- the *encoding* differs per sample: on qubit ``q`` it is an ``einsum`` of the (B, 2, 2)
  matrices with ``psi`` reshaped to ``(B, 2^(n-q-1), 2, 2^q)`` (higher bits, qubit q, lower bits),
  :func:`encode_gate_by_gate`; since it acts on ``|0...0>``, :func:`encode` writes the
  resulting product state down directly instead, which is several times cheaper;
- a *trainable* gate is the same for every sample: the same einsum with one shared (2, 2)
  matrix (:func:`layer_unitary` builds the whole layer as one ``2^n x 2^n`` Kronecker product
  instead; that costs ``2^n`` times more arithmetic per sample, ``n`` times fewer calls);
- the CZ ring is diagonal: ``CZ(q, q+1)`` multiplies an amplitude by ``-1`` when both bits
  are 1, so the whole ring is one fixed ``±1`` vector of length ``2^n`` (:func:`cz_ring_signs`);
- ``<Z_q> = sum_i |psi_i|^2 z_q(i)`` with ``z_q(i) = 1 - 2 b_q(i)``: one matrix product.

The precision follows the input: complex128 for float64 angles (the tests compare with
Qiskit to 1e-6), complex64 for float32 (training). Autograd differentiates through it all:
no parameter-shift rule is needed in a simulator.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .circuit import check_size



def complex_dtype(real: torch.dtype) -> torch.dtype:
    """complex64 for float32 (and lower), complex128 for float64."""
    return torch.complex128 if real == torch.float64 else torch.complex64


def bits(n_qubits: int) -> torch.Tensor:
    """``b_q(i)``, bit q of amplitude index i: (2^n, n) int64 (qubit 0 = lowest bit)."""
    return (torch.arange(2 ** n_qubits)[:, None] >> torch.arange(n_qubits)) & 1


def z_signs(n_qubits: int) -> torch.Tensor:
    """``z_q(i) = 1 - 2 b_q(i)``, the eigenvalue of Z_q on basis state i: (2^n, n) float64."""
    return 1.0 - 2.0 * bits(n_qubits).double()


def cz_ring_signs(n_qubits: int) -> torch.Tensor:
    """The diagonal of ``prod_q CZ(q, q+1 mod n)``: ``(-1)^(number of neighbouring 1-1 pairs)``, (2^n,)."""
    b = bits(n_qubits)
    both = b * b.roll(-1, dims=1)                      # b_q * b_{q+1 mod n}
    return (1.0 - 2.0 * (both.sum(1) % 2)).double()


def euler(a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """``RZ(c) @ RY(b) @ RX(a)`` for angle tensors of any (equal) shape S: (*S, 2, 2) complex128.

    ``RX(a) = [[cos a/2, -i sin a/2], [-i sin a/2, cos a/2]]``, ``RY(b) = [[cos, -sin], [sin, cos]]``
    (of b/2), ``RZ(c) = diag(e^{-ic/2}, e^{ic/2})`` (Qiskit's conventions)."""
    a, b, c = (t / 2 for t in (a, b, c))
    ca, sa, cb, sb = torch.cos(a), torch.sin(a), torch.cos(b), torch.sin(b)
    # RY(b) @ RX(a), written out: real part and imaginary part.
    re = torch.stack([torch.stack([cb * ca, -sb * ca], -1), torch.stack([sb * ca, cb * ca], -1)], -2)
    im = torch.stack([torch.stack([sb * sa, -cb * sa], -1), torch.stack([-cb * sa, -sb * sa], -1)], -2)
    yx = torch.complex(re, im)
    phase = torch.complex(torch.cos(c), -torch.sin(c))                   # e^{-ic/2}
    rz = torch.stack([phase, phase.conj()], -1)                          # diag of RZ(c)
    return rz[..., :, None] * yx


def apply_one_qubit(psi: torch.Tensor, U: torch.Tensor, q: int, n_qubits: int) -> torch.Tensor:
    """Apply ``U`` to qubit ``q`` of the batch ``psi`` (B, 2^n).

    ``U`` is (2, 2), shared by the batch, or (B, 2, 2), one matrix per sample."""
    B = psi.shape[0]
    view = psi.reshape(B, 2 ** (n_qubits - q - 1), 2, 2 ** q)               # (B, hi, qubit q, lo)
    pattern = "ij,bhjl->bhil" if U.dim() == 2 else "bij,bhjl->bhil"
    return torch.einsum(pattern, U, view).reshape(B, -1)


def layer_unitary(mats: torch.Tensor) -> torch.Tensor:
    """``U_{n-1} ⊗ ... ⊗ U_0`` from per-qubit matrices (n, 2, 2): (2^n, 2^n) complex.

    A trainable layer does not depend on the input, so its rotations form one matrix shared by
    the whole batch; qubit 0 is the lowest bit, hence the rightmost Kronecker factor."""
    U = mats[0]
    for q in range(1, mats.shape[0]):
        U = torch.kron(mats[q], U)
    return U


def encoded_qubit(x: torch.Tensor) -> torch.Tensor:
    """``RZ(x) RY(x) RX(x) |0>`` for angles of any shape S, in closed form: (*S, 2) complex.

    With ``c = cos x/2``, ``s = sin x/2``: ``RX|0> = (c, -is)``; ``RY`` gives ``(c² + is², sc(1 - i))``;
    ``RZ`` multiplies by ``(c - is, c + is)``, so ``(c³ + s³ + i(cs² - sc²), sc(c + s) + i sc(s - c))``.
    (Equal to ``euler(x, x, x)[..., :, 0]``; the tests check it.)"""
    c, s = torch.cos(x / 2), torch.sin(x / 2)
    sc = s * c
    up = torch.complex(c ** 3 + s ** 3, c * s * s - s * c * c)
    down = torch.complex(sc * (c + s), sc * (s - c))
    return torch.stack([up, down], -1)


def encode(angles: torch.Tensor) -> torch.Tensor:
    """``⊗_q RZ(x_q) RY(x_q) RX(x_q) |0>`` for a batch of angles (B, n): (B, 2^n) complex.

    On ``|0...0>`` the encoding leaves a *product* state, written down directly: one outer
    product per qubit, qubit ``q`` becoming bit ``q`` (higher qubits are the slower index).
    :func:`encode_gate_by_gate` is the same map with one einsum per qubit."""
    B, n = angles.shape
    v = encoded_qubit(angles)                                                 # (B, n, 2)
    psi = v[:, 0]                                                             # (B, 2)
    for q in range(1, n):
        psi = (v[:, q, :, None] * psi[:, None, :]).reshape(B, -1)             # (B, 2^(q+1))
    return psi


def encode_gate_by_gate(angles: torch.Tensor) -> torch.Tensor:
    """The general path of :func:`encode`: per-sample 2x2 matrices applied by einsum (slower)."""
    B, n = angles.shape
    U = euler(angles, angles, angles)                                        # (B, n, 2, 2): same angle thrice
    psi = torch.zeros(B, 2 ** n, dtype=U.dtype)
    psi[:, 0] = 1.0                                                           # |0...0>
    for q in range(n):
        psi = apply_one_qubit(psi, U[:, q], q, n)
    return psi


def simulate(angles: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """``<Z_q>`` of the circuit for a batch: angles (B, n), weights (L, 3, n) -> (B, n).

    Computed in the precision of ``angles``: complex128 for float64 (the tests' 1e-6 comparison
    with Qiskit), complex64 for float32 (training, twice as fast)."""
    n = angles.shape[1]
    weights = weights.to(angles.dtype)
    psi = encode(angles)                                                      # (B, 2^n)
    ring = cz_ring_signs(n).to(angles.dtype)
    for layer in euler(weights[:, 0], weights[:, 1], weights[:, 2]):           # (n, 2, 2) per layer
        for q in range(n):
            psi = apply_one_qubit(psi, layer[q], q, n)                        # the same 2x2 for every sample
        psi = psi * ring                                                      # the CZ ring, elementwise
    probs = psi.real ** 2 + psi.imag ** 2                                     # (B, 2^n)
    return probs @ z_signs(n).to(angles.dtype)


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
        with torch.no_grad():
            self.weights.uniform_(0.0, 2 * math.pi)

    def forward(self, angles: torch.Tensor) -> torch.Tensor:
        assert angles.dim() == 2 and angles.shape[1] == self.n_qubits, \
            f"expected angles of shape (B, {self.n_qubits}), got {tuple(angles.shape)}"
        return simulate(angles, self.weights)

    def extra_repr(self) -> str:
        return (f"n_qubits={self.n_qubits}, n_layers={self.n_layers}, encoding=RX·RY·RZ(x), "
                f"entangler=CZ ring, readout=<Z> on every qubit, weights={3 * self.n_layers * self.n_qubits}")
