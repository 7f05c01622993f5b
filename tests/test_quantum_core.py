"""The circuit and its three engines: Qiskit/Aer, the gate-by-gate reference and the fast torch engine."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from helpers.quantum import N_PARAMS, expectations, vqc_circuit
from helpers.quantum import engines, reference, simulator
from helpers.quantum.circuit import gates


def random_inputs(seed, T=None, B=5):
    g = torch.Generator().manual_seed(seed)
    shape = (N_PARAMS,) if T is None else (T, N_PARAMS)
    theta = torch.randn(shape, generator=g, dtype=torch.float64) * 2
    X = torch.rand(B, 4, generator=g, dtype=torch.float64) * math.pi
    return theta, X


def test_circuit_layout():
    qc = vqc_circuit()
    assert qc.num_qubits == 6 and qc.num_parameters == 76
    names = [p.name for p in qc.parameters]
    assert names[:4] == [f"x[{i}]" for i in range(4)] and names[4:] == [f"θ[{i}]" for i in range(72)]
    ops = qc.count_ops()
    # feature map: 4 Ry, 3 x (CX, Rz, CX); ansatz: 3 x (6 Ry, 6 Rz, 6 CX); each twice
    assert (ops["ry"], ops["rz"], ops["cx"]) == (2 * (4 + 18), 2 * (3 + 18), 2 * (6 + 18))
    assert "barrier" not in ops and vqc_circuit(barriers=True).count_ops()["barrier"] == 3


def test_reference_matches_qiskit_statevector():
    """Qiskit's own Statevector of the bound circuit, amplitude by amplitude (fixes the qubit order)."""
    from qiskit.quantum_info import Statevector

    theta, X = random_inputs(0, B=2)
    values = engines.parameter_values(theta[None], X)
    for row, x in zip(values, X):
        expected = Statevector(vqc_circuit().assign_parameters(row)).data
        assert np.abs(reference.statevector(gates(), 6, theta, x).numpy() - expected).max() < 1e-12


@pytest.mark.parametrize("seed", [1, 2])
def test_engines_agree(seed):
    theta, X = random_inputs(seed, B=6)
    X[0] = torch.tensor([0.0, math.pi, 4.0, -1.0])             # out-of-range angles are fine too
    ref = expectations(theta, X, engine="reference")
    assert ref.shape == (6, 3)
    assert (expectations(theta, X, engine="torch") - ref).abs().max() < 1e-6
    assert (expectations(theta, X, engine="aer") - ref).abs().max() < 1e-6


def test_fast_paths_agree_and_batch_over_weights():
    theta, X = random_inputs(3, T=3, B=70)                      # B > 64: the dense path by default
    dense = simulator.expectations(theta, X, dense=True)
    gatewise = simulator.expectations(theta, X, dense=False)
    assert dense.shape == (3, 70, 3) and (dense - gatewise).abs().max() < 1e-12
    single = simulator.expectations(theta[1], X[:4])
    assert (single - dense[1, :4]).abs().max() < 1e-12
    aer = engines.aer_expectations(theta, X[:2])
    assert aer.shape == (3, 2, 3) and (aer - dense[:, :2]).abs().max() < 1e-6


def test_ansatz_unitary_is_unitary():
    theta, _ = random_inputs(4, T=2)
    R = simulator.ansatz_unitary(theta[:, :36])
    eye = torch.eye(64, dtype=torch.complex128)
    assert (R.conj().transpose(1, 2) @ R - eye).abs().max() < 1e-12


def classical_run(bits_in):
    """With θ = 0 and x_i in {0, π} the circuit only permutes basis states: Ry(π) flips a bit
    (up to sign), Ry(0) and every Rz act trivially on |amplitudes|, CX is a reversible XOR."""
    bits = [0] * 6
    for name, qubits, angle in gates():
        if name == "cx":
            bits[qubits[1]] ^= bits[qubits[0]]
        elif name == "ry" and angle[0][0] == "x" and bits_in[angle[0][1]]:
            bits[qubits[0]] ^= 1
    return sum(b << q for q, b in enumerate(bits))


@pytest.mark.parametrize("bits_in", [(0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 1, 0), (1, 1, 0, 1)])
def test_known_values(bits_in):
    """Basis-state inputs land on the basis state a classical bit simulation predicts."""
    zero = torch.zeros(N_PARAMS, dtype=torch.float64)
    x = torch.tensor(bits_in, dtype=torch.float64) * math.pi
    index = classical_run(bits_in)
    state = reference.statevector(gates(), 6, zero, x)
    assert abs(state[index].abs().item() - 1.0) < 1e-12
    z = torch.tensor([1.0 - 2 * ((index >> q) & 1) for q in (3, 4, 5)], dtype=torch.float64)
    assert torch.allclose(expectations(zero, x[None]), z[None])
    if bits_in == (0, 0, 0, 0):
        assert index == 0                                    # |0...0> is left alone


def test_expectations_are_bounded_and_aer_one_per_call_agrees():
    theta, X = random_inputs(5, B=4)
    out = expectations(theta, X)
    assert out.abs().max() <= 1.0 + 1e-12
    slow = engines.aer_expectations_one_per_call(theta, X)
    assert (slow - out).abs().max() < 1e-6


def test_bad_inputs_give_clear_errors():
    theta, X = random_inputs(6)
    with pytest.raises(ValueError, match=r"theta must have shape \(72,\)"):
        expectations(theta[:70], X)
    with pytest.raises(ValueError, match=r"X must have shape \(B, 4\)"):
        expectations(theta, torch.zeros(3, 5))
    with pytest.raises(ValueError, match="unknown engine 'qpu'.*'torch', 'aer'"):
        expectations(theta, X, engine="qpu")


def test_compare_engines_runs_the_exact_engines_by_default():
    """Chapter 6's engine table calls compare_engines with its defaults: it must not pick the
    sampled engine, which needs a Device (a CI run failed on exactly this)."""
    from helpers.quantum.checks import compare_engines
    g = torch.Generator().manual_seed(0)
    theta = torch.rand(N_PARAMS, generator=g, dtype=torch.float64)
    X = math.pi * torch.rand(6, 4, generator=g, dtype=torch.float64)
    table = compare_engines(theta, X, n_reference=3, repeats=1)
    assert tuple(table.index) == engines.EXACT_ENGINES
    assert set(engines.EXACT_ENGINES) < set(engines.ENGINES)
    assert table["max |diff| to reference"].max() < 1e-9
