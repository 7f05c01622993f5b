"""The fast engine: an exact, batched, differentiable float64 statevector simulator.

Two facts make it fast (compare :mod:`helpers.quantum.reference`, one gate at a time):

1. **The ansatz does not depend on the input.** For one weight vector θ each
   ansatz block is a fixed 64x64 unitary ``W(θ)``, built once (differentiably)
   and shared by the whole batch: ``psi <- psi @ W^T``, one matrix product.
2. **The feature map is cheap.** ``U_Φ(x)`` is single-qubit ``Ry(x_i)`` rotations
   followed by ``CX · Rz(x_a x_b) · CX`` blocks, and each such block is the
   *diagonal* phase ``exp(-i x_a x_b Z_a Z_b / 2)`` (the CX pair flips the sign of
   the Rz exactly when qubit a is 1). On ``|0...0>`` the rotations give a product
   state, written down directly. On a general state, ``Ry(x) = V Rz(x) V^†`` with a
   fixed ``V``: two input-independent 16x16 products and elementwise phases.

Shapes: ``T`` weight vectors (e.g. the 2 x 72 shifted copies of the
parameter-shift rule), ``B`` inputs, 64 amplitudes. Qubit ``q`` is bit ``q`` of
the amplitude index (Qiskit's little-endian order).
"""
from __future__ import annotations

import torch

from .circuit import N_FEATURES, N_PARAMS, N_QUBITS, PAIRS, PARAMS_PER_ANSATZ, READOUT, REPS

DIM = 2 ** N_QUBITS
DTYPE = torch.complex128
_INDEX = torch.arange(DIM)
BITS = ((_INDEX[:, None] >> torch.arange(N_QUBITS)) & 1).to(torch.float64)      # (64, 6): b_q(i)
ZSIGN = 1.0 - 2.0 * BITS                                                        # (64, 6): z_q(i) = ±1


def _ring_permutation() -> torch.Tensor:
    """Index map of the CX ring: ``new_state = old_state[..., perm]``.

    Built by running the six CX gates on the "state" ``[0, 1, ..., 63]``."""
    perm = _INDEX.clone()
    for q in range(N_QUBITS):
        control, target = q, (q + 1) % N_QUBITS
        flip = torch.where((_INDEX >> control) & 1 == 1, _INDEX ^ (1 << target), _INDEX)
        perm = perm[flip]
    return perm


RING = _ring_permutation()


def apply_single_qubit(state: torch.Tensor, matrices: torch.Tensor, q: int, pattern: str) -> torch.Tensor:
    """Apply 2x2 ``matrices`` to qubit ``q`` of ``state`` (T, N, 64).

    ``pattern`` is the einsum of the matrix batch, e.g. ``"tab"`` (one matrix
    per weight vector) or ``"nab"`` (one per input sample)."""
    T, N, _ = state.shape
    psi = state.reshape(T, N, DIM >> (q + 1), 2, 1 << q)                      # (T, N, hi, qubit q, lo)
    return torch.einsum(f"{pattern},tnhbl->tnhal", matrices, psi).reshape(T, N, DIM)


def _rotations(theta_layer: torch.Tensor) -> torch.Tensor:
    """``Rz(φ_q) Ry(θ_q)`` for every qubit: theta_layer (T, 12) -> (T, 6, 2, 2) complex."""
    ty, tz = theta_layer[:, :N_QUBITS], theta_layer[:, N_QUBITS:]
    c, s = torch.cos(ty / 2), torch.sin(ty / 2)
    ry = torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2).to(DTYPE)   # (T, 6, 2, 2)
    phase = torch.polar(torch.ones_like(tz), -tz / 2)                                   # e^{-i φ/2}
    rz = torch.stack([phase, phase.conj()], -1)                                         # diagonal (T, 6, 2)
    return rz[..., :, None] * ry                                                        # diag · Ry


def apply_ansatz(theta_block: torch.Tensor, states: torch.Tensor) -> torch.Tensor:
    """One ansatz block ``W(θ)`` on ``states`` (T, N, 64), θ block (T, 36).

    Three repetitions of: Ry then Rz on every qubit, then the CX ring."""
    for rep in range(REPS):
        mats = _rotations(theta_block[:, rep * 12:(rep + 1) * 12])
        for q in range(N_QUBITS):
            states = apply_single_qubit(states, mats[:, q], q, "tab")
        states = states[..., RING]
    return states


def layer_matrices(theta_layers: torch.Tensor) -> torch.Tensor:
    """``P · (M_5 ⊗ ... ⊗ M_0)`` for each row of 12 angles: (N, 12) -> (N, 64, 64).

    ``M_q = Rz(φ_q) Ry(θ_q)``; qubit 0 is the lowest bit, so it is the rightmost
    Kronecker factor. The CX ring ``P`` then permutes the rows."""
    N = theta_layers.shape[0]
    mats = _rotations(theta_layers)                                                  # (N, 6, 2, 2)
    K = mats[:, 0]
    for q in range(1, N_QUBITS):                      # kron(M_q, K): M_q picks the higher bit
        K = torch.einsum("nab,ncd->nacbd", mats[:, q], K).reshape(N, 2 << q, 2 << q)
    return K[:, RING, :]


def ansatz_unitary(theta_block: torch.Tensor) -> torch.Tensor:
    """The ansatz as matrices, transposed for row-vector states: ``R[t] = W(θ_t)^T`` (T, 64, 64).

    ``W = L_3 L_2 L_1`` with one :func:`layer_matrices` per repetition, all built in
    one batch; a batch of states then moves as ``psi @ R``."""
    T = theta_block.shape[0]
    L = layer_matrices(theta_block.reshape(T * REPS, 12)).reshape(T, REPS, DIM, DIM)
    W = L[:, 0]
    for rep in range(1, REPS):
        W = L[:, rep] @ W
    return W.transpose(1, 2)


def cis(angle: torch.Tensor) -> torch.Tensor:
    """``exp(i · angle)`` as complex128 (cos and sin, faster than ``torch.polar`` here)."""
    return torch.complex(torch.cos(angle), torch.sin(angle))


# Ry(x) = exp(-i x Y/2) = V Rz(x) V^†, with V = [[1, 1], [i, -i]] / √2 the eigenvectors of Y:
# a rotation about Y is a rotation about Z seen in another (fixed!) basis. On qubits 0..3:
_V = torch.tensor([[1, 1], [1j, -1j]], dtype=DTYPE) / 2 ** 0.5
V16 = torch.kron(torch.kron(_V, _V), torch.kron(_V, _V))                      # (16, 16), x-independent
Z16 = ZSIGN[:16, :N_FEATURES]                                                # (16, 4): z_q on qubits 0..3


def feature_phase(X: torch.Tensor) -> torch.Tensor:
    """The diagonal of ``prod_(a,b) CX(a,b) Rz(x_a x_b) CX(a,b)`` on qubits 0..3: (B, 16) complex.

    ``exp(-i/2 · sum_(a,b) x_a x_b z_a z_b)``, with ``z_q = ±1`` the Z eigenvalue of qubit q.
    It does not involve qubits 4 and 5, so 16 numbers per sample describe it."""
    products = torch.stack([X[:, a] * X[:, b] for a, b in PAIRS], dim=1)            # (B, 3)
    signs = torch.stack([Z16[:, a] * Z16[:, b] for a, b in PAIRS])                   # (3, 16)
    return cis(-(products @ signs) / 2)


def ry_phase(X: torch.Tensor) -> torch.Tensor:
    """``Rz(x_0) ⊗ ... ⊗ Rz(x_3)`` as a diagonal: ``exp(-i/2 · sum_q x_q z_q)``, (B, 16) complex."""
    return cis(-(X @ Z16.T) / 2)


def encode_zero_state(X: torch.Tensor, phase: torch.Tensor | None = None) -> torch.Tensor:
    """``U_Φ(x)|000000>`` written down directly, amplitudes 0..15 only (qubits 4, 5 stay 0): (B, 16).

    The Ry layer on |0000> is the real product state ``⊗_q (cos x_q/2, sin x_q/2)``; the
    entangling phase then multiplies it elementwise."""
    c, s = torch.cos(X / 2), torch.sin(X / 2)                                     # (B, 4)
    amp = torch.ones(X.shape[0], 1, dtype=torch.float64)
    for q in range(N_FEATURES):                                                    # qubit q: bit q
        amp = torch.stack([amp * c[:, q, None], amp * s[:, q, None]], 1).reshape(X.shape[0], -1)
    return amp * (feature_phase(X) if phase is None else phase)


def encode(states: torch.Tensor, X: torch.Tensor, in_y_basis: bool = False,
           phase: torch.Tensor | None = None) -> torch.Tensor:
    """``U_Φ(x)`` on arbitrary ``states`` (T, B, 64).

    The Ry layer on qubits 0..3 is ``V16 · diag(ry_phase(x)) · V16^†``: two fixed 16x16
    products and one elementwise product, then the entangling phase, elementwise too.
    (The index splits as (qubits 5-4, qubits 3-0) = (4, 16).) ``in_y_basis=True`` means
    ``V16^†`` was already applied (the dense path folds it into the ansatz matrix)."""
    T, B, _ = states.shape
    psi = states.reshape(T, B, 4, 16)
    if not in_y_basis:
        psi = psi @ V16.conj()                                     # row-vector form of V16^† psi
    psi = (psi * ry_phase(X)[:, None, :]) @ V16.T                  # back to the computational basis
    phase = feature_phase(X) if phase is None else phase                  # (B, 16), reusable
    return (psi * phase[:, None, :]).reshape(T, B, DIM)


def expectations(theta: torch.Tensor, X: torch.Tensor, dense: bool | None = None) -> torch.Tensor:
    """``<Z_3>, <Z_4>, <Z_5>`` (the logits) for weights ``theta`` and inputs ``X``.

    theta : (72,) or (T, 72) float64; X : (B, 4) float64.
    Returns (B, 3), or (T, B, 3) for a batch of weight vectors.
    ``dense`` picks the shared-unitary path (default: unless many weight vectors
    share a small batch, as in the parameter-shift rule, where applying the
    gates to the few states is cheaper than building 2 x 72 x 2 unitaries).
    """
    single = theta.dim() == 1
    theta = theta.reshape(-1, N_PARAMS)
    T, B = theta.shape[0], X.shape[0]
    dense = (T <= 2 or B > DIM) if dense is None else dense
    phase = feature_phase(X)                                                  # the same in both feature maps
    zero = encode_zero_state(X, phase)                                        # (B, 16)
    if dense:
        R = ansatz_unitary(theta.reshape(T * 2, PARAMS_PER_ANSATZ)).reshape(T, 2, DIM, DIM)
        # Only the 16 rows with qubits 4, 5 = 0 are needed; V16^† is folded in once per θ.
        R1 = R[:, 0, :16, :] @ torch.block_diag(*[V16.conj()] * 4)
        states = encode(zero @ R1, X, in_y_basis=True, phase=phase)           # (T, B, 64)
        states = states @ R[:, 1]
    else:
        padded = torch.cat([zero, torch.zeros(B, DIM - 16, dtype=DTYPE)], 1).expand(T, B, DIM)
        states = encode(apply_ansatz(theta[:, :PARAMS_PER_ANSATZ], padded), X, phase=phase)
        states = apply_ansatz(theta[:, PARAMS_PER_ANSATZ:], states)
    probs = states.real ** 2 + states.imag ** 2                                 # (T, B, 64)
    out = probs @ ZSIGN[:, list(READOUT)]                                       # (T, B, 3)
    return out[0] if single else out
