"""The VQC's named pieces: the feature map and the two ansatz blocks compose into the full circuit."""
import numpy as np
import pytest

from helpers.quantum.circuit import N_PARAMS, ansatz, feature_map, vqc_circuit


def _ops(qc):
    """(gate, qubits, parameter names) of every instruction, independent of Parameter identity."""
    return [(i.operation.name, tuple(qc.find_bit(b).index for b in i.qubits),
             tuple(sorted(p.name for param in i.operation.params for p in getattr(param, "parameters", ()))))
            for i in qc.data]


def test_feature_map_and_ansatz_hold_the_papers_gates():
    fm, w0, w1 = feature_map(), ansatz(0), ansatz(1)
    assert fm.num_qubits == w0.num_qubits == 6
    assert fm.count_ops() == {"ry": 4, "cx": 6, "rz": 3}                   # Ry(x_i), then 3 x CX Rz(x_a x_b) CX
    assert w0.count_ops() == {"ry": 18, "rz": 18, "cx": 18}                # 3 reps of Ry, Rz on 6 qubits + CX ring
    assert [p.name for p in w1.parameters] == [f"θ[{k}]" for k in range(36, 72)]
    assert _ops(fm)[5] == ("rz", (1,), ("x[0]", "x[1]"))                   # Rz(x_0 x_1) on qubit 1


def test_composing_the_pieces_gives_the_full_circuit():
    from qiskit.circuit import ParameterVector, QuantumCircuit
    from qiskit.quantum_info import Operator

    x, theta = ParameterVector("x", 4), ParameterVector("θ", N_PARAMS)
    qc = QuantumCircuit(6)
    for piece in (feature_map(x), ansatz(0, theta), feature_map(x), ansatz(1, theta)):
        qc.compose(piece, inplace=True)
    full = vqc_circuit()
    assert _ops(qc) == _ops(full)
    values = np.random.default_rng(0).uniform(0, np.pi, 76)
    assert np.allclose(Operator(qc.assign_parameters(values)).data, Operator(full.assign_parameters(values)).data)


def test_bad_blocks_and_vectors_are_refused():
    from qiskit.circuit import ParameterVector

    with pytest.raises(ValueError, match="block must be in 0..1"):
        ansatz(2)
    with pytest.raises(ValueError, match="theta must hold all 72"):
        ansatz(0, ParameterVector("θ", 36))
    with pytest.raises(ValueError, match="x must hold 4"):
        feature_map(ParameterVector("x", 3))
