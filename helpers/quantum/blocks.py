"""Circuits as lists of gates, composed from named blocks (both of the book's circuits).

A circuit is a list of :class:`Gate` records ``(name, qubits, angle)``, time order first:

- ``name``: ``"rx"``, ``"ry"``, ``"rz"`` (one qubit) or ``"cx"``, ``"cz"`` (two qubits);
- ``angle``: ``None`` for ``cx`` and ``cz``, else a product of parameters, each a pair
  (vector, index): ``(("θ", 5),)`` is the weight θ_5, ``(("x", 0), ("x", 1))`` the product
  x_0 x_1 of two inputs. Every circuit here has two vectors: ``"x"``, the inputs of one sample,
  and ``"θ"``, the trainable weights shared by all samples.

The circuits' modules write their blocks as such lists (chapter 6: feature map and ansatz,
:mod:`helpers.quantum.circuit`; chapter 8: encoding and layer, :mod:`helpers.hybrid.circuit`).
From one list, :func:`to_circuit` builds the Qiskit ``QuantumCircuit`` and
:mod:`helpers.quantum.reference` simulates it gate by gate. Both trainable blocks are
:func:`n_local` blocks, in the manner of Qiskit's ``n_local``: a layer of rotations on every
qubit, then a ring of two-qubit gates, repeated.
"""
from __future__ import annotations

from functools import reduce
from operator import mul
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple

if TYPE_CHECKING:
    from qiskit.circuit import QuantumCircuit


class Gate(NamedTuple):
    """One gate: ``name``, the ``qubits`` it acts on, its ``angle`` (a product of parameters, or None)."""
    name: str
    qubits: tuple[int, ...]
    angle: tuple[tuple[str, int], ...] | None = None


def ring(n_qubits: int) -> list[tuple[int, int]]:
    """The entangling ring ``(q, q+1 mod n)`` for q = 0..n-1, in that order."""
    return [(q, (q + 1) % n_qubits) for q in range(n_qubits)]


def n_local(n_qubits: int, rotations: tuple[str, ...], entangler: str, reps: int = 1,
            first: int = 0) -> Iterator[Gate]:
    """``reps`` x [every rotation of ``rotations`` on every qubit, then ``entangler`` on the :func:`ring`].

    Weight ``θ[first + (r · len(rotations) + g) · n + q]`` drives rotation ``g`` on qubit ``q`` in
    repetition ``r``. (Qiskit's ``n_local`` with ``skip_final_rotation_layer=True``; its "circular"
    entanglement starts the ring with (n-1, 0), this one ends with it.)"""
    k = first
    for _ in range(reps):
        for name in rotations:
            for q in range(n_qubits):
                yield Gate(name, (q,), (("θ", k),))
                k += 1
        for pair in ring(n_qubits):
            yield Gate(entangler, pair)


def to_circuit(gates: Iterable[Gate], n_qubits: int, name: str, **vectors) -> QuantumCircuit:
    """The Qiskit ``QuantumCircuit`` of a gate list, angles from the ``ParameterVector`` s ``vectors``
    (by the names the angles use, e.g. ``x=...``, ``θ=...``); a ValueError if a vector is too short."""
    from qiskit.circuit import QuantumCircuit

    gates = list(gates)
    for symbol, vector in vectors.items():
        needed = 1 + max((i for g in gates for s, i in g.angle or () if s == symbol), default=-1)
        if len(vector) < needed:
            raise ValueError(f"{symbol} must hold at least {needed} parameters, got {len(vector)}")
    qc = QuantumCircuit(n_qubits, name=name)
    for gate in gates:
        angle = [reduce(mul, (vectors[s][i] for s, i in gate.angle))] if gate.angle else []
        getattr(qc, gate.name)(*angle, *gate.qubits)
    return qc


def z_observables(n_qubits: int, qubits: Iterable[int] | None = None) -> list:
    """``SparsePauliOp`` ``Z_q`` for each of ``qubits`` (default: every qubit), as a list."""
    from qiskit.quantum_info import SparsePauliOp

    qubits = range(n_qubits) if qubits is None else qubits
    return [SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], num_qubits=n_qubits) for q in qubits]
