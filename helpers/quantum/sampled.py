"""The ``"sampled"`` engine: shots drawn from the torch engine's exact outcome distribution (issue 21).

A noiseless device measures the six qubits ``shots`` times; each shot is one basis state,
drawn from the squared amplitudes of the final state. The three logits only read qubits 3,
4 and 5, so what matters is the distribution of their 8 joint outcomes (the 64 basis states'
probabilities summed over qubits 0..2): drawing 64-outcome shots and keeping those bits, or
drawing 8-outcome shots directly, is the same multinomial law. Then ``<Z_k>`` is estimated
as ``(#0 - #1) / shots`` on qubit k, as :func:`helpers.quantum.device.z_estimates` does from
Aer's measured bits.

This is *statistically the same* as Aer's noiseless ``SamplerV2`` (``tests/test_shots.py``
checks the mean and spread of both against the exact values) and as fast as the torch engine,
which makes training from shots affordable: a parameter-shift step needs 144 circuits per
sample. It has no noise model (noise needs Aer's density matrices).

The counts are drawn as a chain of binomials (outcome o gets ``Binomial(left, p_o / mass
left)``), exactly multinomial, at a cost independent of the number of shots.
"""
from __future__ import annotations

import torch

from . import simulator as S
from .circuit import N_FEATURES, N_PARAMS, READOUT
from .statevector import bits

N_OUTCOMES = 2 ** len(READOUT)                         # joint outcomes of qubits 3, 4, 5
# <Z> sign of each readout qubit for each joint outcome o = b3 + 2 b4 + 4 b5: (8, 3)
OUTCOME_SIGNS = 1.0 - 2.0 * bits(len(READOUT)).to(torch.float64)


def final_states(theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """The circuit's final states (T, B, 64) for weights theta (T, 72) and inputs X (B, 4), shared,
    or (T, B, 4), one batch per weight vector: each ansatz block as one 64 x 64 matrix
    (:func:`helpers.quantum.simulator.ansatz_unitary`), the feature maps as the torch engine applies them."""
    T = theta.shape[0]
    X = X.expand(T, *X.shape[-2:]) if X.dim() == 2 else X
    B = X.shape[1]
    flat = X.reshape(T * B, N_FEATURES)
    phase = S.feature_phase(flat)
    R = S.ansatz_unitary(theta.reshape(2 * T, S.PARAMS_PER_ANSATZ)).reshape(T, 2, S.DIM, S.DIM)   # psi @ R[:, k]
    zero = S.encode_zero_state(flat, phase).reshape(T, B, 16)                          # amplitudes 16..63 are 0
    states = zero @ R[:, 0, :16]
    states = S.encode(states.reshape(1, T * B, S.DIM), flat, phase).reshape(T, B, S.DIM)   # the feature map again
    return states @ R[:, 1]


def outcome_probabilities(theta: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """P(qubits 3, 4, 5 read o), o = b3 + 2 b4 + 4 b5: (T, B, 8), summed over qubits 0..2's outcomes."""
    states = final_states(theta, X)
    probs = states.real ** 2 + states.imag ** 2                                          # (T, B, 64)
    low = 2 ** min(READOUT)                                                              # qubits 0..2: the fast index
    return probs.reshape(*probs.shape[:-1], N_OUTCOMES, low).sum(-1)


def sample_counts(probs: torch.Tensor, shots: int, generator: torch.Generator) -> torch.Tensor:
    """Multinomial counts (..., K) of ``shots`` draws from each row of ``probs`` (..., K), as float64."""
    left = torch.full(probs.shape[:-1], float(shots), dtype=torch.float64)
    mass = torch.ones(probs.shape[:-1], dtype=torch.float64)
    counts = []
    for o in range(probs.shape[-1] - 1):
        p = torch.where(mass > 0, probs[..., o] / mass, torch.zeros_like(mass)).clamp(0.0, 1.0)
        c = torch.binomial(left, p, generator=generator)
        counts.append(c)
        left, mass = left - c, (mass - probs[..., o]).clamp_min(0.0)
    return torch.stack(counts + [left], -1)


def sampled_z(theta: torch.Tensor, X: torch.Tensor, shots: int, generator: torch.Generator) -> torch.Tensor:
    """``<Z_3>, <Z_4>, <Z_5>`` estimated from ``shots`` shots each: theta (T, 72), X (B, 4) or (T, B, 4)
    -> (T, B, 3) float64. No gradient (see :mod:`helpers.quantum.shots_training` for one)."""
    with torch.no_grad():
        probs = outcome_probabilities(theta.detach().reshape(-1, N_PARAMS), X)
        return sample_counts(probs, shots, generator) @ OUTCOME_SIGNS / shots


def expectations(theta: torch.Tensor, X: torch.Tensor, shots: int, seed: int) -> torch.Tensor:
    """The engine: theta (72,) or (T, 72), X (B, 4) -> (B, 3) or (T, B, 3), from a generator seeded with ``seed``."""
    out = sampled_z(theta.reshape(-1, N_PARAMS), X, shots, torch.Generator().manual_seed(seed))
    return out[0] if theta.dim() == 1 else out


# ----------------------------------------------------------------------------- the 144 shifted circuits at once
# An ansatz block is 36 steps: step j applies the rotation G_j = exp(-i θ_j P_j / 2) (P_j = Y for j % 12 < 6,
# else Z) on qubit j % 6, then the CX ring F_j after the last step of each repetition (j % 12 == 11).
# Shifting θ_j by ±π/2 multiplies G_j by exp(∓i π P_j / 4) = (1 ∓ i P_j) / √2, so the shifted final state is
# (ψ ± 2 v_j) / √2, with ψ the unshifted final state and v_j = ∂ψ/∂θ_j = (the steps after j) (-i/2) P_j
# (the steps up to j) |input>. One forward pass keeps the state after every step, the products M_j of the
# steps after step j are built backwards (36 small products), and each v_j is then ONE 64 x 64
# matrix-vector product per sample: no circuit is simulated 144 times gate by gate.
STEPS = range(S.PARAMS_PER_ANSATZ)
QUBIT = [j % S.N_QUBITS for j in STEPS]
IS_RY = [j % (2 * S.N_QUBITS) < S.N_QUBITS for j in STEPS]
RING_AFTER = [j % (2 * S.N_QUBITS) == 2 * S.N_QUBITS - 1 for j in STEPS]
RING_INVERSE = torch.argsort(S.RING)
# (-i/2) P for P = Y and P = Z: the derivative of exp(-i θ P / 2) is (-i/2) P exp(-i θ P / 2)
HALF_GENERATOR = {True: torch.tensor([[0, -0.5], [0.5, 0]], dtype=S.DTYPE),
                  False: torch.tensor([[-0.5j, 0], [0, 0.5j]], dtype=S.DTYPE)}


def step_matrices(angles: torch.Tensor) -> torch.Tensor:
    """``G_j`` for angles (..., 36): Ry or Rz as (..., 36, 2, 2) complex."""
    zero = torch.zeros_like(angles)
    is_ry = torch.tensor(IS_RY)
    return S.rotations(None, torch.where(is_ry, angles, zero), torch.where(is_ry, zero, angles))


def block_derivatives(theta_block: torch.Tensor, states: torch.Tensor) -> tuple:
    """One ansatz block on states (T, B, 64): its output (T, B, 64), the derivatives of the output by each
    θ_j (T, 36, B, 64) and the block's matrix W (T, 64, 64) (column form: output = W psi)."""
    G = step_matrices(theta_block)                                                        # (T, 36, 2, 2)
    rotated = []
    for j in STEPS:                                                   # forward: keep the state after each rotation
        states = S.apply_one_qubit(states, G[:, j], QUBIT[j])
        rotated.append(states)
        states = states[..., S.RING] if RING_AFTER[j] else states
    rotated = torch.stack(rotated, 1)                                                     # (T, 36, B, 64)
    for q in range(S.N_QUBITS):                                       # (-i/2) P_j on qubit j % 6, in place
        js = [j for j in STEPS if QUBIT[j] == q]
        generators = torch.stack([HALF_GENERATOR[IS_RY[j]] for j in js]).expand(len(rotated), len(js), 2, 2)
        rotated[:, js] = S.apply_one_qubit(rotated[:, js], generators, q)
    ring = [j for j in STEPS if RING_AFTER[j]]
    rotated[:, ring] = rotated[:, ring][..., S.RING]
    M = torch.eye(S.DIM, dtype=S.DTYPE).expand(*theta_block.shape[:1], S.DIM, S.DIM)   # nothing after the last step
    after = [M]
    for j in reversed(STEPS):                                         # M_{j-1} = M_j F_j G_j (columns mix)
        M = M[..., RING_INVERSE] if RING_AFTER[j] else M
        M = S.apply_one_qubit(M, G[:, j].transpose(-1, -2), QUBIT[j])
        after.append(M)
    W = after.pop()                                                   # all 36 steps: the block itself
    after = torch.stack(after[::-1], 1)                               # (T, 36, 64, 64): M_0 .. M_35
    return states, after @ rotated.transpose(-1, -2), W               # derivatives as (T, 36, 64, B) columns


def shifted_outcome_probabilities(theta: torch.Tensor, X: torch.Tensor) -> tuple:
    """Outcome probabilities (:func:`outcome_probabilities`) of the circuit and of its 144 copies shifted
    by ±π/2 (θ + π/2 e_i for i = 0..71, then θ - π/2 e_i, the order of
    :func:`helpers.quantum.gradients.shifted_thetas`): theta (T, 72), X (B, 4) or (T, B, 4) ->
    ((T, B, 8), (T, 144, B, 8))."""
    T = theta.shape[0]
    X = X.expand(T, *X.shape[-2:]) if X.dim() == 2 else X
    B = X.shape[1]
    flat = X.reshape(T * B, N_FEATURES)
    phase = S.feature_phase(flat)
    zero = S.encode_zero_state(flat, phase)
    states = torch.cat([zero, torch.zeros(T * B, S.DIM - 16, dtype=S.DTYPE)], 1).reshape(T, B, S.DIM)
    middle, first, _ = block_derivatives(theta[:, :S.PARAMS_PER_ANSATZ], states)        # first: (T, 36, 64, B)
    n = len(STEPS)
    middle = S.encode(middle.reshape(1, T * B, S.DIM), flat, phase).reshape(T, B, S.DIM)
    first = S.encode(first.transpose(-1, -2).reshape(1, T * n * B, S.DIM),               # the feature map is linear
                     flat.reshape(T, 1, B, N_FEATURES).expand(T, n, B, N_FEATURES).reshape(-1, N_FEATURES),
                     phase.reshape(T, 1, B, -1).expand(T, n, B, -1).reshape(T * n * B, -1))
    final, second, W2 = block_derivatives(theta[:, S.PARAMS_PER_ANSATZ:], middle)
    first = W2[:, None] @ first.reshape(T, n, B, S.DIM).transpose(-1, -2)                # (T, 36, 64, B)
    v = torch.cat([first, second], 1).transpose(-1, -2)                                  # (T, 72, B, 64): ∂ψ/∂θ_i
    # |ψ ± 2v|² / 2 = |ψ|² / 2 + 2 |v|² ± 2 Re(ψ* v): two elementwise products for both signs
    p = marginal(final)[:, None]
    vv = marginal(v.real ** 2 + v.imag ** 2, squared=True)
    cross = marginal(final.real[:, None] * v.real + final.imag[:, None] * v.imag, squared=True)
    return p[:, 0], torch.cat([p / 2 + 2 * vv + 2 * cross, p / 2 + 2 * vv - 2 * cross], 1)


def marginal(states: torch.Tensor, squared: bool = False) -> torch.Tensor:
    """P(qubits 3, 4, 5 read o) from states (..., 64), or from their squared moduli (``squared``): (..., 8)."""
    probs = states if squared else states.real ** 2 + states.imag ** 2
    return probs.reshape(*probs.shape[:-1], N_OUTCOMES, 2 ** min(READOUT)).sum(-1)


def shifted_expectations(theta: torch.Tensor, X: torch.Tensor, shots: int, generator: torch.Generator) -> torch.Tensor:
    """``<Z_3>, <Z_4>, <Z_5>`` of the 144 shifted circuits, each from ``shots`` shots: theta (T, 72),
    X (B, 4) or (T, B, 4) -> (T, 144, B, 3), in :func:`helpers.quantum.gradients.shifted_thetas` order."""
    with torch.no_grad():
        _, shifted = shifted_outcome_probabilities(theta.detach().reshape(-1, N_PARAMS), X)
        return sample_counts(shifted, shots, generator) @ OUTCOME_SIGNS / shots
