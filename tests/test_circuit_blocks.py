"""Both circuits' named pieces: the VQC's feature map and two ansatz blocks, the hybrid's encoding and
layers, compose into the full circuits; the shared gate lists and n_local blocks."""
import numpy as np
import pytest

from helpers.hybrid import circuit as hybrid
from helpers.quantum.blocks import Gate, n_local, ring, to_circuit
from helpers.quantum.circuit import N_PARAMS, ansatz, ansatz_gates, feature_map, vqc_circuit


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


def test_hybrid_encoding_and_layers_compose_into_the_hybrid_circuit():
    from qiskit.circuit import ParameterVector, QuantumCircuit
    from qiskit.quantum_info import Operator

    enc, second = hybrid.encoding(4), hybrid.layer(4, 1)
    assert enc.count_ops() == {"rx": 4, "ry": 4, "rz": 4} and second.count_ops() == {"rx": 4, "ry": 4, "rz": 4, "cz": 4}
    assert [p.name for p in second.parameters] == [f"θ[{k}]" for k in range(12, 24)]     # θ[1, g, q] flattened
    x, theta = ParameterVector("x", 4), ParameterVector("θ", 24)
    qc = QuantumCircuit(4)
    for piece in (hybrid.encoding(4, x), hybrid.layer(4, 0, theta), hybrid.layer(4, 1, theta)):
        qc.compose(piece, inplace=True)
    full = hybrid.hybrid_circuit(4, 2)
    assert _ops(qc) == _ops(full)
    values = np.random.default_rng(1).uniform(-np.pi, np.pi, 28)
    assert np.allclose(Operator(qc.assign_parameters(values)).data, Operator(full.assign_parameters(values)).data)


def test_n_local_blocks_number_their_weights_like_both_papers():
    assert ring(4) == [(0, 1), (1, 2), (2, 3), (3, 0)]
    gates = list(n_local(3, ("ry", "rz"), "cx", reps=2, first=10))
    assert gates[:4] == [Gate("ry", (0,), (("θ", 10),)), Gate("ry", (1,), (("θ", 11),)),
                         Gate("ry", (2,), (("θ", 12),)), Gate("rz", (0,), (("θ", 13),))]
    assert gates[6:9] == [Gate("cx", (0, 1)), Gate("cx", (1, 2)), Gate("cx", (2, 0))]
    assert gates[-4].angle == (("θ", 21),) and len(gates) == 2 * (6 + 3)
    assert ansatz_gates(1)[0].angle == (("θ", 36),) and ansatz_gates(1)[18].angle == (("θ", 48),)   # after 12 rotations and 6 CX
    assert hybrid.layer_gates(5, 1)[7] == Gate("ry", (2,), (("θ", 22),))              # θ[1, 1, 2] = (3·1 + 1)·5 + 2


def test_bad_blocks_and_vectors_are_refused():
    from qiskit.circuit import ParameterVector

    with pytest.raises(ValueError, match="block must be in 0..1"):
        ansatz(2)
    with pytest.raises(ValueError, match="θ must hold at least 72 parameters, got 36"):
        ansatz(1, ParameterVector("θ", 36))
    with pytest.raises(ValueError, match="x must hold at least 4"):
        feature_map(ParameterVector("x", 3))
    with pytest.raises(ValueError, match="θ must hold at least 24"):
        hybrid.layer(4, 1, ParameterVector("θ", 12))
    with pytest.raises(ValueError, match="n_qubits"):
        hybrid.gates(2, 1)
    product = to_circuit([Gate("rz", (0,), (("x", 0), ("x", 1)))], 1, "product", x=ParameterVector("x", 2))
    assert str(product.data[0].operation.params[0]) == "x[0]*x[1]"
