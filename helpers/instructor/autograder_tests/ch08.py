"""Autograder tests of chapter 8's coding exercises (format: helpers.instructor.checks)."""

CHECKS = {
    "ch8-ex-cnot": {
        "solution": "whole",
        "answer": ("write `cx_ring_permutation(n)` and the copy of `simulate` as `simulate_cx(angles, weights)` "
                   "(angles `(batch, n)`, weights `(L, 3, n)`, returning the `(batch, n)` expectations of Z)."),
        "tests": [
            {"name": 'the permutation of a ring of CNOTs on 3 qubits', "points": 1, "hidden": False,
             "code": r'''
def test_permutation_3(cx_ring_permutation):
    import torch
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector
    n = 3
    perm = cx_ring_permutation(n)
    assert sorted(perm.tolist()) == list(range(2 ** n)), "perm must be a permutation of 0..2^n-1"
    ring = QuantumCircuit(n)
    for q in range(n):
        ring.cx(q, (q + 1) % n)
    for k in range(2 ** n):
        psi = torch.zeros(1, 2 ** n, dtype=torch.complex128); psi[0, k] = 1
        expected = torch.tensor(Statevector.from_int(k, 2 ** n).evolve(ring).data)
        assert torch.allclose(psi[:, perm][0], expected), f"basis state {k}"
'''},
            {"name": 'the engine agrees with Qiskit on random inputs', "points": 1, "hidden": False,
             "code": r'''
def test_engine(simulate_cx):
    import torch
    from qiskit.circuit import ParameterVector
    from qiskit.quantum_info import Statevector
    from helpers.hybrid import gates, z_observables
    from helpers.quantum.blocks import to_circuit
    n, L = 3, 2
    cx_gates = [g._replace(name="cx") if g.name == "cz" else g for g in gates(n, L)]
    qc = to_circuit(cx_gates, n, "cx ring", x=ParameterVector("x", n), θ=ParameterVector("θ", 3 * L * n))
    g = torch.Generator().manual_seed(4)
    angles = torch.rand(3, n, generator=g, dtype=torch.float64) * 6 - 3
    weights = torch.rand(L, 3, n, generator=g, dtype=torch.float64) * 6
    for a, ours in zip(angles, simulate_cx(angles, weights)):
        sv = Statevector(qc.assign_parameters([*a.tolist(), *weights.flatten().tolist()]))
        assert max(abs(ours[q].item() - sv.expectation_value(o).real)
                   for q, o in enumerate(z_observables(n))) < 1e-10
'''},
            {"name": 'larger rings', "points": 2, "hidden": True,
             "code": r'''
def test_permutation_larger(cx_ring_permutation):
    import torch
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector
    for n in (2, 4, 5):
        perm = cx_ring_permutation(n)
        ring = QuantumCircuit(n)
        for q in range(n):
            ring.cx(q, (q + 1) % n)
        g = torch.Generator().manual_seed(n)
        psi = torch.randn(1, 2 ** n, generator=g, dtype=torch.float64).to(torch.complex128)
        expected = torch.tensor(Statevector(psi[0].numpy()).evolve(ring).data)
        assert torch.allclose(psi[:, perm][0], expected), f"{n} qubits"
'''},
        ],
    },
}
