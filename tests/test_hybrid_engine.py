"""The hybrid study's circuit: Qiskit factory, batched torch layer, per-sample reference, Qiskit/Aer agreement."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from helpers.hybrid import QuantumLayer, gates, hybrid_circuit, simulate, z_observables
from helpers.hybrid.layer import encode
from helpers.quantum import reference
from helpers.quantum.statevector import apply_one_qubit, rotations


def random_case(seed, n=4, L=2, B=5):
    g = torch.Generator().manual_seed(seed)
    angles = (torch.rand(B, n, generator=g, dtype=torch.float64) * 2 - 1) * math.pi
    weights = torch.rand(L, 3, n, generator=g, dtype=torch.float64) * 2 * math.pi
    return angles, weights


def parameter_rows(angles, weights):
    """One row ``[x_0..x_{n-1}, θ_0..θ_{P-1}]`` per sample, in ``circuit.parameters`` order."""
    flat = weights.reshape(1, -1).expand(len(angles), -1)
    return torch.cat([angles, flat], 1).numpy()


def test_circuit_layout_and_bad_sizes():
    qc = hybrid_circuit(5, 3)
    assert qc.num_qubits == 5 and qc.num_parameters == 5 + 3 * 3 * 5
    ops = qc.count_ops()
    assert (ops["rx"], ops["ry"], ops["rz"], ops["cz"]) == (5 + 15, 5 + 15, 5 + 15, 3 * 5)
    names = [p.name for p in qc.parameters]
    assert names[:5] == [f"x[{i}]" for i in range(5)] and names[5] == "θ[0]"
    for bad in (2, 0, 13, 4.0):
        with pytest.raises(ValueError, match="n_qubits"):
            hybrid_circuit(bad, 2)
    with pytest.raises(ValueError, match="n_layers"):
        QuantumLayer(4, 0)


@pytest.mark.parametrize("n, L", [(3, 1), (4, 2), (6, 2)])
def test_layer_matches_qiskit_statevector(n, L):
    from qiskit.quantum_info import Statevector

    angles, weights = random_case(n + L, n, L, B=3)
    ours = simulate(angles, weights)
    qc = hybrid_circuit(n, L)
    for row, out in zip(parameter_rows(angles, weights), ours):
        state = Statevector(qc.assign_parameters(row))
        expected = [state.expectation_value(obs).real for obs in z_observables(n)]
        assert np.abs(out.numpy() - expected).max() < 1e-6


def test_layer_matches_aer_estimator_exact():
    """Aer's EstimatorV2 with default_precision=0 (exact), every sample in one PUB."""
    from qiskit_aer.primitives import EstimatorV2

    n, L = 6, 2
    angles, weights = random_case(7, n, L, B=4)
    estimator = EstimatorV2(options=dict(default_precision=0.0))
    observables = [[obs] for obs in z_observables(n)]                                  # (n, 1)
    result = estimator.run([(hybrid_circuit(n, L), observables, parameter_rows(angles, weights))]).result()[0]
    evs = np.asarray(result.data.evs)                                                  # (n, B)
    assert np.abs(simulate(angles, weights).numpy() - evs.T).max() < 1e-6


def test_batched_engine_equals_the_gate_by_gate_reference_and_the_general_encoding():
    angles, weights = random_case(3, 6, 2, B=6)
    per_sample = reference.expectations(gates(6, 2), 6, range(6), weights.reshape(-1), angles)
    assert (simulate(angles, weights) - per_sample).abs().max() < 1e-12
    psi = torch.zeros(6, 2 ** 6, dtype=torch.complex128)
    psi[:, 0] = 1.0                                                                    # |0...0>
    for q in range(6):                                 # the encoding as one 2x2 matrix per sample and qubit
        psi = apply_one_qubit(psi, rotations(angles[:, q], angles[:, q], angles[:, q]), q)
    assert (encode(angles) - psi).abs().max() < 1e-12


def test_layer_is_differentiable_and_batched():
    torch.manual_seed(0)
    layer = QuantumLayer(4, 2).double()
    angles = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, w: simulate(a, w), (angles, layer.weights))
    out = layer(angles.float().detach())
    assert out.shape == (3, 4) and out.dtype == torch.float32 and out.abs().max() <= 1 + 1e-6
    rows = torch.stack([layer(angles[i:i + 1].detach())[0] for i in range(3)])
    assert torch.allclose(layer(angles.detach()), rows)                                # no cross-talk in a batch
    assert "n_qubits=4, n_layers=2" in repr(layer)
    with pytest.raises(AssertionError, match=r"shape \(B, 4\)"):
        layer(torch.zeros(2, 5))
