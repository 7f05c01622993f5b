"""The fast engine: an exact, batched, differentiable float64 statevector simulator of the VQC.

Built on the shared kernel :mod:`helpers.quantum.statevector`. Three facts make it fast:

1. **The ansatz does not depend on the input**: for one θ each ansatz block is one 64x64
   unitary ``W(θ)`` shared by the whole batch, ``psi <- psi @ W^T``.
2. **The feature map is cheap**: each ``CX · Rz(x_a x_b) · CX`` is the *diagonal* phase
   ``exp(-i x_a x_b Z_a Z_b / 2)``; on ``|0...0>`` the ``Ry(x_i)`` give a product state, and on a
   general state ``Ry(x) = V Rz(x) V^†`` with a fixed ``V``: elementwise phases around two
   input-independent 16x16 products.
3. **Chunks** of 4,096 samples keep each chunk's states in the CPU cache.

Shapes: ``T`` weight vectors (e.g. the 2 x 72 shifted copies of the parameter-shift rule),
``B`` inputs, 64 amplitudes; qubit ``q`` is bit ``q`` of the amplitude index.
"""
from __future__ import annotations

import torch

from .blocks import ring
from .circuit import N_FEATURES, N_PARAMS, N_QUBITS, PAIRS, PARAMS_PER_ANSATZ, READOUT, REPS
from .statevector import (apply_one_qubit, bits, cx_permutation, kron, product_state, rotations, z_expectations,
                          z_signs)

DIM = 2 ** N_QUBITS
DTYPE = torch.complex128
RING = cx_permutation(N_QUBITS, ring(N_QUBITS))             # the ansatz's CX ring: state[..., RING]


def layer_rotations(theta_layer: torch.Tensor) -> torch.Tensor:
    """``Rz(φ_q) Ry(θ_q)`` for every qubit: theta_layer (..., 12) = (6 Ry angles, 6 Rz angles) -> (..., 6, 2, 2)."""
    return rotations(None, theta_layer[..., :N_QUBITS], theta_layer[..., N_QUBITS:])


def apply_ansatz(theta_block: torch.Tensor, states: torch.Tensor) -> torch.Tensor:
    """One ansatz block ``W(θ)`` on ``states`` (T, N, 64), θ block (T, 36), gate by gate.

    Three repetitions of: Ry then Rz on every qubit, then the CX ring."""
    for rep in range(REPS):
        mats = layer_rotations(theta_block[:, rep * 12:(rep + 1) * 12])
        for q in range(N_QUBITS):
            states = apply_one_qubit(states, mats[:, q], q)
        states = states[..., RING]
    return states


def ansatz_unitary(theta_block: torch.Tensor) -> torch.Tensor:
    """The ansatz as matrices, transposed for row-vector states: ``R[t] = W(θ_t)^T`` (T, 64, 64).

    ``W = L_3 L_2 L_1``, each layer ``L = P · (M_5 ⊗ ... ⊗ M_0)`` (the CX ring ``P`` permutes the
    rows), all built in one batch; a batch of states then moves as ``psi @ R``."""
    T = theta_block.shape[0]
    L = kron(layer_rotations(theta_block.reshape(T, REPS, 12)))[..., RING, :]        # (T, 3, 64, 64)
    W = L[:, 0]
    for rep in range(1, REPS):
        W = L[:, rep] @ W
    return W.transpose(1, 2)


def cis(angle: torch.Tensor) -> torch.Tensor:
    """``exp(i · angle)`` as complex128 (cos and sin, faster than ``torch.polar`` here)."""
    return torch.complex(torch.cos(angle), torch.sin(angle))


def diagonal(h: torch.Tensor) -> torch.Tensor:
    """Unit phases ``h`` (B, k) -> (B, 2^k): entry i is ``prod_q (h_q if bit q of i is 0 else conj(h_q))``,
    the diagonal of a product of Rz-type rotations (k complex exponentials instead of 2^k)."""
    return product_state(torch.stack([h, h.conj()], -1))


# Ry(x) = exp(-i x Y/2) = V Rz(x) V^†, with V = [[1, 1], [i, -i]] / √2 the eigenvectors of Y:
# a rotation about Y is a rotation about Z seen in another (fixed!) basis. On qubits 0..3:
_V = torch.tensor([[1, 1], [1j, -1j]], dtype=DTYPE) / 2 ** 0.5
V16 = torch.kron(torch.kron(_V, _V), torch.kron(_V, _V))                      # (16, 16), x-independent
Z16 = z_signs(N_QUBITS)[:16, :N_FEATURES]                                    # (16, 4): z_q on qubits 0..3

# For each of the 16 basis states of qubits 0..3, which of the 8 sign patterns (z_a z_b = ±1 for
# the three pairs) it has, as the index into the diagonal of the three pair phases.
PAIR_PATTERN = sum(((Z16[:, a] * Z16[:, b] < 0).long() << k) for k, (a, b) in enumerate(PAIRS))


def feature_phase(X: torch.Tensor) -> torch.Tensor:
    """The diagonal of ``prod_(a,b) CX(a,b) Rz(x_a x_b) CX(a,b)`` on qubits 0..3: (B, 16) complex.

    ``exp(-i/2 · sum_(a,b) x_a x_b z_a z_b)``, with ``z_q = ±1`` the Z eigenvalue of qubit q.
    It does not involve qubits 4 and 5, so 16 numbers per sample describe it."""
    products = torch.stack([X[:, a] * X[:, b] for a, b in PAIRS], dim=1)            # (B, 3)
    return diagonal(cis(-products / 2))[:, PAIR_PATTERN]


def ry_phase(X: torch.Tensor) -> torch.Tensor:
    """``Rz(x_0) ⊗ ... ⊗ Rz(x_3)`` as a diagonal: ``exp(-i/2 · sum_q x_q z_q)``, (B, 16) complex."""
    return diagonal(cis(-X / 2))


def encode_zero_state(X: torch.Tensor, phase: torch.Tensor) -> torch.Tensor:
    """``U_Φ(x)|000000>`` written down directly, amplitudes 0..15 only (qubits 4, 5 stay 0): (B, 16).

    The Ry layer on |0000> is the real product state ``⊗_q (cos x_q/2, sin x_q/2)``; the
    entangling phase ``phase`` (:func:`feature_phase`) then multiplies it elementwise."""
    return product_state(torch.stack([torch.cos(X / 2), torch.sin(X / 2)], -1)) * phase      # (B, 16)


def encode(states: torch.Tensor, X: torch.Tensor, phase: torch.Tensor) -> torch.Tensor:
    """``U_Φ(x)`` on arbitrary ``states`` (T, B, 64); ``phase``: :func:`feature_phase` of ``X``.

    The Ry layer on qubits 0..3 is ``V16 · diag(ry_phase(x)) · V16^†``: two fixed 16x16
    products and one elementwise product, then the entangling phase, elementwise too.
    (The index splits as (qubits 5-4, qubits 3-0) = (4, 16).)"""
    T, B, _ = states.shape
    psi = states.reshape(T, B, 4, 16) @ V16.conj()                  # row-vector form of V16^† psi
    psi = (psi * ry_phase(X)[:, None, :]) @ V16.T                   # back to the computational basis
    return (psi * phase[:, None, :]).reshape(T, B, DIM)


CHUNK = 4096          # samples per pass: the working set of one chunk stays in the CPU cache

# <Z_k> = P(qubit k = 0) - P(qubit k = 1) = 2 P(qubit k = 0) - 1, because the probabilities sum
# to 1. With k = 3, 4, 5 the amplitudes whose qubits 3, 4, 5 are all 1 (indices 56..63) never
# enter the readout, so the second ansatz computes only the first 56 amplitudes.
N_READ = DIM - 2 ** (N_QUBITS - min(READOUT))                                  # 56
READOUT_ZEROS = 2.0 * bits(N_QUBITS)[:N_READ, list(READOUT)].eq(0).to(torch.float64).repeat_interleave(2, dim=0)


def dense_expectations(theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """The shared-unitary path: weights ``theta`` (T, 72), model ``t`` on its own inputs ``X[t]`` (T, B, 4).

    Per sample: a 16x64 product (first ansatz; only the 16 rows with qubits 4, 5 = 0 are
    needed), the second feature map (two elementwise phases around a fixed 16x16 basis change),
    a 64x56 product (second ansatz, the amplitudes the readout needs) and the readout: (T, B, 3)."""
    T = theta.shape[0]
    R = ansatz_unitary(theta.reshape(T * 2, PARAMS_PER_ANSATZ)).reshape(T, 2, DIM, DIM)
    first = R[:, 0, :16, :] @ torch.block_diag(*[V16.conj()] * 4)       # (T, 16, 64), V16^† folded in
    out = []
    for x in X.split(CHUNK, dim=1):
        b = x.shape[1]
        x = x.reshape(T * b, N_FEATURES)
        phase = feature_phase(x)                                          # the same in both feature maps
        psi = encode_zero_state(x, phase).reshape(T, b, 16) @ first       # (T, b, 64), Y basis of qubits 0..3
        # The two diagonals multiply in place (``mul_``): no new 64-amplitude tensors, and
        # autograd allows it because no product above saved these intermediate states.
        psi.view(T, b, 4, 16).mul_(ry_phase(x).view(T, b, 1, 16))
        psi = psi.view(T, b, 4, 16) @ V16.T                               # back to the computational basis
        psi.mul_(phase.view(T, b, 1, 16))
        states = psi.reshape(T, b, DIM) @ R[:, 1, :, :N_READ]             # (T, b, 56)
        # |a|^2 = re^2 + im^2: square the (re, im) pairs and sum them inside the readout product.
        out.append(torch.view_as_real(states).reshape(T, b, 2 * N_READ).square() @ READOUT_ZEROS - 1.0)
    return torch.cat(out, 1)


def expectations(theta: torch.Tensor, X: torch.Tensor, dense: bool | None = None) -> torch.Tensor:
    """``<Z_3>, <Z_4>, <Z_5>`` (the logits) for weights ``theta`` and inputs ``X``.

    theta : (72,) or (T, 72) float64; X : (B, 4) float64, shared by every weight vector, or
    (T, B, 4), one batch per weight vector (many models at once: :mod:`helpers.quantum.batched`).
    Returns (B, 3), or (T, B, 3) for a batch of weight vectors.
    ``dense`` picks the shared-unitary path (default: unless many weight vectors
    share a small batch, as in the parameter-shift rule, where applying the
    gates to the few states is cheaper than building 2 x 72 x 2 unitaries).
    """
    single = theta.dim() == 1
    theta = theta.reshape(-1, N_PARAMS)
    T, B = theta.shape[0], X.shape[-2]
    if X.dim() == 3 or (T <= 2 or B > DIM if dense is None else dense):
        out = dense_expectations(theta, X.expand(T, B, N_FEATURES))
    else:
        phase = feature_phase(X)
        zero = encode_zero_state(X, phase)                                   # (B, 16)
        padded = torch.cat([zero, torch.zeros(B, DIM - 16, dtype=DTYPE)], 1).expand(T, B, DIM)
        states = encode(apply_ansatz(theta[:, :PARAMS_PER_ANSATZ], padded), X, phase)
        out = z_expectations(apply_ansatz(theta[:, PARAMS_PER_ANSATZ:], states), READOUT)     # (T, B, 3)
    return out[0] if single else out
