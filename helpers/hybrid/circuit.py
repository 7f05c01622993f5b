"""The hybrid study's variational circuit, described once (empirical study, arXiv 2512.19253).

For ``n`` qubits and ``L`` layers (the study's public code: ``n = 8``, ``L = 2``)::

    angle encoding        L x [ trainable rotations + CZ ring ]          readout
    RX(x_q) RY(x_q) RZ(x_q)    RX(θ_l0q) RY(θ_l1q) RZ(θ_l2q), CZ(q, q+1 mod n)   <Z_q>, q = 0..n-1

- **encoding**: the front end's angle ``x_q`` drives *three* rotations on qubit ``q``
  (RX, then RY, then RZ, all by the same angle);
- **layer** ``l``: RX, RY, RZ on every qubit with their own weights ``θ[l, g, q]``
  (``g`` = 0, 1, 2 for X, Y, Z), then ``CZ(q, q+1)`` for ``q < n-1`` and ``CZ(n-1, 0)``;
- **readout**: ``<Z_q>`` on every qubit, ``n`` numbers in ``[-1, 1]`` for the classical head.

:func:`gates` is the single list of gates; :func:`hybrid_circuit` turns it into a Qiskit
circuit and :mod:`.reference` simulates it gate by gate. The batched engine
(:mod:`.layer`) re-derives the same maps from the algebra, so the tests compare
independent implementations. Qubit ``q`` is bit ``q`` of an amplitude index (Qiskit's
little-endian order).
"""
from __future__ import annotations

from typing import Iterator

AXES = ("x", "y", "z")


def check_size(n_qubits: int, n_layers: int) -> None:
    """A clear ValueError for circuit sizes the ring or the simulators cannot handle."""
    if not isinstance(n_qubits, int) or not 3 <= n_qubits <= 12:
        raise ValueError(f"n_qubits must be an integer in 3..12 (a CZ ring needs 3), got {n_qubits!r}")
    if not isinstance(n_layers, int) or n_layers < 1:
        raise ValueError(f"n_layers must be a positive integer, got {n_layers!r}")


def weight_index(layer: int, axis: int, qubit: int, n_qubits: int) -> int:
    """Position of ``θ[layer, axis, qubit]`` in the flat weight vector (row-major (L, 3, n))."""
    return (layer * 3 + axis) * n_qubits + qubit


def gates(n_qubits: int = 6, n_layers: int = 2) -> Iterator[tuple]:
    """The circuit in time order: ``(name, qubits, angle)``.

    ``name`` is ``"rx"``, ``"ry"``, ``"rz"`` or ``"cz"``; ``angle`` is ``("x", q)`` for an
    input angle, ``("θ", k)`` for flat weight ``k`` (:func:`weight_index`), None for ``cz``.
    """
    check_size(n_qubits, n_layers)
    for q in range(n_qubits):
        for axis in AXES:
            yield f"r{axis}", (q,), ("x", q)
    for layer in range(n_layers):
        for q in range(n_qubits):
            for a, axis in enumerate(AXES):
                yield f"r{axis}", (q,), ("θ", weight_index(layer, a, q, n_qubits))
        for q in range(n_qubits):
            yield "cz", (q, (q + 1) % n_qubits), None


def hybrid_circuit(n_qubits: int = 6, n_layers: int = 2):
    r"""The hybrid study's variational layer as a Qiskit ``QuantumCircuit``.

    ``n_qubits`` input angles ``x`` (a ``ParameterVector``) and ``3 · n_layers · n_qubits``
    trainable weights ``θ``. For three qubits and one layer::

             ┌─────────┐┌─────────┐┌─────────┐┌───────┐┌───────┐┌───────┐
        q_0: ┤ Rx(x0)  ├┤ Ry(x0)  ├┤ Rz(x0)  ├┤ Rx(θ) ├┤ Ry(θ) ├┤ Rz(θ) ├─■─────■─  <Z_0>
             ├─────────┤├─────────┤├─────────┤├───────┤├───────┤├───────┤ │     │
        q_1: ┤ Rx(x1)  ├┤ Ry(x1)  ├┤ Rz(x1)  ├┤ Rx(θ) ├┤ Ry(θ) ├┤ Rz(θ) ├─■──■──┼─  <Z_1>
             ├─────────┤├─────────┤├─────────┤├───────┤├───────┤├───────┤    │  │
        q_2: ┤ Rx(x2)  ├┤ Ry(x2)  ├┤ Rz(x2)  ├┤ Rx(θ) ├┤ Ry(θ) ├┤ Rz(θ) ├────■──■─  <Z_2>
             └─────────┘└─────────┘└─────────┘└───────┘└───────┘└───────┘

    ``circuit.parameters`` is sorted by name, inputs first: a row of values for Qiskit's
    primitives is ``[x_0..x_{n-1}, θ_0..θ_{P-1}]``, with ``θ`` flattened from shape
    ``(L, 3, n)`` (:func:`weight_index`). Measure :func:`z_observables` for the outputs.

    >>> qc = hybrid_circuit(6, 2)
    >>> qc.num_qubits, qc.num_parameters
    (6, 42)
    >>> [p.name for p in qc.parameters][:2]
    ['x[0]', 'x[1]']

    References: *Machine Unlearning in the Era of Quantum Machine Learning: An Empirical
    Study*, arXiv:2512.19253 (the circuit of its public code, ``qnode_def``).
    """
    from qiskit.circuit import ParameterVector, QuantumCircuit

    check_size(n_qubits, n_layers)
    x = ParameterVector("x", n_qubits)
    theta = ParameterVector("θ", 3 * n_layers * n_qubits)
    qc = QuantumCircuit(n_qubits, name="hybrid_vqc")
    for name, qubits, angle in gates(n_qubits, n_layers):
        if name == "cz":
            qc.cz(*qubits)
        else:
            getattr(qc, name)((x if angle[0] == "x" else theta)[angle[1]], qubits[0])
    return qc


def z_observables(n_qubits: int = 6):
    """``SparsePauliOp`` ``Z_q`` for q = 0..n-1 (one per output of the layer), as a list."""
    from qiskit.quantum_info import SparsePauliOp

    return [SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], num_qubits=n_qubits) for q in range(n_qubits)]
