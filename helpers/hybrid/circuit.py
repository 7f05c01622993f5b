"""The hybrid study's variational circuit, described once (empirical study, arXiv 2512.19253).

For ``n`` qubits and ``L`` layers (the study's public code: ``n = 8``, ``L = 2``)::

    angle encoding        L x [ trainable rotations + CZ ring ]          readout
    RX(x_q) RY(x_q) RZ(x_q)    RX(θ_l0q) RY(θ_l1q) RZ(θ_l2q), CZ(q, q+1 mod n)   <Z_q>, q = 0..n-1

- **encoding**: the front end's angle ``x_q`` drives *three* rotations on qubit ``q``
  (RX, then RY, then RZ, all by the same angle);
- **layer** ``l``: RX, RY, RZ on every qubit with their own weights ``θ[l, g, q]``
  (``g`` = 0, 1, 2 for X, Y, Z), then ``CZ(q, q+1)`` for ``q < n-1`` and ``CZ(n-1, 0)``
  (an :func:`~helpers.quantum.blocks.n_local` block);
- **readout**: ``<Z_q>`` on every qubit, ``n`` numbers in ``[-1, 1]`` for the classical head.

Each block is a gate list (:mod:`helpers.quantum.blocks`, as for chapter 6's circuit) and a Qiskit
piece; :func:`hybrid_circuit` composes them. The batched engine (:mod:`.layer`) re-derives the same
maps from the algebra. Qubit ``q`` is bit ``q`` of an amplitude index (Qiskit's little-endian order).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..quantum.blocks import Gate, n_local, to_circuit

if TYPE_CHECKING:
    from qiskit.circuit import ParameterVector, QuantumCircuit

ROTATIONS = ("rx", "ry", "rz")


def check_size(n_qubits: int, n_layers: int) -> None:
    """A clear ValueError for circuit sizes the ring or the simulators cannot handle."""
    if not isinstance(n_qubits, int) or not 3 <= n_qubits <= 12:
        raise ValueError(f"n_qubits must be an integer in 3..12 (a CZ ring needs 3), got {n_qubits!r}")
    if not isinstance(n_layers, int) or n_layers < 1:
        raise ValueError(f"n_layers must be a positive integer, got {n_layers!r}")


def encoding_gates(n_qubits: int) -> list[Gate]:
    """The angle encoding: ``RX(x_q)``, ``RY(x_q)``, ``RZ(x_q)`` on each qubit ``q``."""
    return [Gate(name, (q,), (("x", q),)) for q in range(n_qubits) for name in ROTATIONS]


def layer_gates(n_qubits: int, index: int) -> list[Gate]:
    """Trainable layer ``index``: RX, RY, RZ on every qubit, weight ``θ[(3 index + g) n + q]``
    (the flat form of ``θ[index, g, q]``), then the CZ ring."""
    return list(n_local(n_qubits, ROTATIONS, "cz", first=3 * n_qubits * index))


def gates(n_qubits: int = 6, n_layers: int = 2) -> list[Gate]:
    """The whole circuit in time order: the encoding, then layers 0..L-1."""
    check_size(n_qubits, n_layers)
    return encoding_gates(n_qubits) + [g for i in range(n_layers) for g in layer_gates(n_qubits, i)]


def encoding(n_qubits: int, x: ParameterVector | None = None) -> QuantumCircuit:
    """The angle encoding as a ``QuantumCircuit`` on ``n_qubits``, inputs ``x`` (a new vector by default)."""
    from qiskit.circuit import ParameterVector

    return to_circuit(encoding_gates(n_qubits), n_qubits, "encoding",
                      x=ParameterVector("x", n_qubits) if x is None else x)


def layer(n_qubits: int, index: int, theta: ParameterVector | None = None) -> QuantumCircuit:
    """Trainable layer ``index`` as a ``QuantumCircuit``; ``theta`` holds the weights of layers
    0..index at least (a new vector by default)."""
    from qiskit.circuit import ParameterVector

    theta = ParameterVector("θ", 3 * n_qubits * (index + 1)) if theta is None else theta
    return to_circuit(layer_gates(n_qubits, index), n_qubits, f"layer {index}", θ=theta)


def hybrid_circuit(n_qubits: int = 6, n_layers: int = 2) -> QuantumCircuit:
    r"""The hybrid study's variational layer as a Qiskit ``QuantumCircuit``: :func:`encoding`, then
    :func:`layer` 0..L-1.

    ``n_qubits`` input angles ``x`` (a ``ParameterVector``) and ``3 · n_layers · n_qubits``
    trainable weights ``θ`` (chapter 8 draws it for three qubits and one layer).

    ``circuit.parameters`` is sorted by name, inputs first: a row of values for Qiskit's
    primitives is ``[x_0..x_{n-1}, θ_0..θ_{P-1}]``, with ``θ`` flattened from shape
    ``(L, 3, n)``. Measure :func:`~helpers.quantum.blocks.z_observables` for the outputs.

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
    x, theta = ParameterVector("x", n_qubits), ParameterVector("θ", 3 * n_layers * n_qubits)
    qc = QuantumCircuit(n_qubits, name="hybrid_vqc")
    for piece in [encoding(n_qubits, x)] + [layer(n_qubits, i, theta) for i in range(n_layers)]:
        qc.compose(piece, inplace=True)
    return qc
