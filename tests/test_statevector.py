"""The shared torch kernel (helpers.quantum.statevector), piece by piece, against the textbook
matrices of the independent reference (helpers.quantum.reference)."""
from __future__ import annotations

import math

import pytest
import torch

from helpers.quantum import reference
from helpers.quantum.statevector import (apply_one_qubit, bits, cx_permutation, cz_diagonal, kron, product_state,
                                         rotations, z_expectations, z_signs)

N = 4


def random_state(seed, batch=(3,)):
    g = torch.Generator().manual_seed(seed)
    psi = torch.randn(*batch, 2 ** N, 2, generator=g, dtype=torch.float64)
    psi = torch.view_as_complex(psi)
    return psi / psi.abs().square().sum(-1, keepdim=True).sqrt()


def textbook(psi, matrix, qubits):
    """``matrix`` on ``qubits`` of each state of a (B, 2^N) batch, by the reference's dense tensordot."""
    return torch.stack([reference.apply(p.reshape((2,) * N), matrix, qubits).reshape(-1) for p in psi])


def test_rotations_are_the_textbook_product():
    a, b, c = torch.rand(3, 5, dtype=torch.float64) * 4 * math.pi - 2 * math.pi
    ours = rotations(a, b, c)
    for i in range(5):
        expected = reference.rotation("z", c[i]) @ reference.rotation("y", b[i]) @ reference.rotation("x", a[i])
        assert (ours[i] - expected).abs().max() < 1e-14
    assert (rotations(None, b, c) - rotations(torch.zeros(5, dtype=torch.float64), b, c)).abs().max() == 0


@pytest.mark.parametrize("q", range(N))
def test_apply_one_qubit_shared_and_per_state(q):
    psi = random_state(q)
    U = rotations(*torch.rand(3, 3, dtype=torch.float64))                   # one matrix per state (3, 2, 2)
    assert (apply_one_qubit(psi, U[0], q) - textbook(psi, U[0], (q,))).abs().max() < 1e-14
    per_state = apply_one_qubit(psi, U, q)
    for i in range(3):
        assert (per_state[i] - textbook(psi[i:i + 1], U[i], (q,))[0]).abs().max() < 1e-14
    batch = random_state(q + 10, batch=(3, 2))                                # (T, B, 2^N), one matrix per t
    assert torch.equal(apply_one_qubit(batch, U, q)[:, 1], apply_one_qubit(batch[:, 1], U, q))


def test_kron_product_state_and_two_qubit_gates():
    mats = rotations(*torch.rand(3, N, dtype=torch.float64))                  # (N, 2, 2)
    expected = mats[N - 1]
    for q in range(N - 2, -1, -1):
        expected = torch.kron(expected, mats[q])
    assert (kron(mats) - expected).abs().max() < 1e-15
    zero = torch.zeros(1, 2 ** N, dtype=torch.complex128)
    zero[0, 0] = 1
    assert (product_state(mats[None, :, :, 0]) - zero @ kron(mats).T).abs().max() < 1e-15   # ⊗ U_q|0>
    psi, pairs = random_state(7), [(0, 1), (3, 2), (1, 3)]
    slow_cx, slow_cz = psi, psi
    for pair in pairs:
        slow_cx = textbook(slow_cx, reference.TWO_QUBIT["cx"], pair)
        slow_cz = textbook(slow_cz, reference.TWO_QUBIT["cz"], pair)
    assert torch.equal(psi[:, cx_permutation(N, pairs)], slow_cx)
    assert (psi * cz_diagonal(N, pairs) - slow_cz).abs().max() == 0


def test_z_expectations_are_the_textbook_readout():
    psi = random_state(3)
    ours = z_expectations(psi)
    for i in range(3):
        for q in range(N):
            assert abs(ours[i, q] - reference.z_expectation(psi[i], q)) < 1e-14
    assert torch.equal(z_expectations(psi, (2, 0)), ours[:, [2, 0]])
    assert z_signs(3)[5].tolist() == [-1.0, 1.0, -1.0] and bits(3)[6].tolist() == [0, 1, 1]   # 5 = 101, 6 = 110
