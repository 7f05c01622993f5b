"""The six-qubit variational quantum classifier (VQC) of the quantum unlearning paper, Sec. 4.

Two named blocks, each a gate list (:mod:`helpers.quantum.blocks`) and a Qiskit piece:
the feature map and the ansatz; :func:`vqc_circuit` composes them. The fast engine
(:mod:`helpers.quantum.simulator`) re-derives the same unitary from the algebra.

Layout (paper, Sec. 4; Fig. 1)::

    feature map  ->  ansatz (θ[0:36])  ->  feature map  ->  ansatz (θ[36:72])  ->  <Z> on qubits 3, 4, 5

- feature map (inputs x in [0, π]^4): ``Ry(x_i)`` on qubit i = 0..3, then
  ``CX(a, b) · Rz(x_a x_b) on b · CX(a, b)`` for the pairs (0, 1), (1, 2), (2, 3);
- ansatz: 3 repetitions of ``Ry(θ)`` on qubits 0..5, ``Rz(θ)`` on qubits 0..5, then
  the ring ``CX(q, (q + 1) mod 6)`` for q = 0..5 (an :func:`~helpers.quantum.blocks.n_local`
  block). 3 x 12 = 36 angles per ansatz, 72 in all.

Qubit ``q`` is bit ``q`` of a basis-state index (Qiskit's little-endian order):
the amplitude of ``|q5 q4 q3 q2 q1 q0>`` sits at index ``sum_q q_i 2^i``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .blocks import Gate, n_local, to_circuit

if TYPE_CHECKING:
    from qiskit.circuit import ParameterVector, QuantumCircuit

N_QUBITS = 6
N_FEATURES = 4
READOUT = (3, 4, 5)                 # <Z> on these qubits are the three logits
PAIRS = ((0, 1), (1, 2), (2, 3))    # entangled feature pairs
REPS = 3                            # ansatz repetitions
N_ANSATZ = 2                        # feature map -> ansatz, twice (data re-uploading)
PARAMS_PER_ANSATZ = REPS * 2 * N_QUBITS          # 36
N_PARAMS = N_ANSATZ * PARAMS_PER_ANSATZ          # 72
N_CLASSES = len(READOUT)


def feature_map_gates() -> list[Gate]:
    """The feature map ``U_Φ(x)``: ``Ry(x_i)`` on qubit i, then ``CX · Rz(x_a x_b) · CX`` per pair."""
    gates = [Gate("ry", (i,), (("x", i),)) for i in range(N_FEATURES)]
    for a, b in PAIRS:
        gates += [Gate("cx", (a, b)), Gate("rz", (b,), (("x", a), ("x", b))), Gate("cx", (a, b))]
    return gates


def ansatz_gates(block: int) -> list[Gate]:
    """Ansatz ``block`` (0 or 1), ``W(θ[36 block : 36 block + 36])``. Weight ``k = 36 a + 12 r + 6 g + q``
    belongs to ansatz ``a``, repetition ``r``, gate ``g`` (0 = Ry, 1 = Rz) on qubit ``q``."""
    if block not in range(N_ANSATZ):
        raise ValueError(f"block must be in 0..{N_ANSATZ - 1}, got {block!r}")
    return list(n_local(N_QUBITS, ("ry", "rz"), "cx", REPS, first=block * PARAMS_PER_ANSATZ))


def gates() -> list[Gate]:
    """The whole circuit in time order: feature map, ansatz 0, feature map again (data re-uploading), ansatz 1."""
    return [g for block in range(N_ANSATZ) for g in feature_map_gates() + ansatz_gates(block)]


def feature_map(x: ParameterVector | None = None) -> QuantumCircuit:
    """The feature map ``U_Φ(x)`` (Sec. 4, Fig. 1; :func:`feature_map_gates`) as a six-qubit ``QuantumCircuit``.

    Pass the ``ParameterVector`` ``x`` (length 4) to share the inputs with other blocks, as
    :func:`vqc_circuit` does; by default a new one.

    >>> qc = feature_map()
    >>> qc.num_parameters, [p.name for p in qc.parameters]
    (4, ['x[0]', 'x[1]', 'x[2]', 'x[3]'])
    """
    from qiskit.circuit import ParameterVector

    x = ParameterVector("x", N_FEATURES) if x is None else x
    return to_circuit(feature_map_gates(), N_QUBITS, "U_Φ(x)", x=x)


def ansatz(block: int = 0, theta: ParameterVector | None = None) -> QuantumCircuit:
    """Trainable block ``W(θ)`` number ``block`` (0 or 1; :func:`ansatz_gates`) as a ``QuantumCircuit``:
    weights ``θ[36 block]`` to ``θ[36 block + 35]`` of the classifier's 72. Pass the ``ParameterVector``
    ``theta`` (all 72 weights) to share them with other blocks, as :func:`vqc_circuit` does.

    >>> qc = ansatz(1)
    >>> qc.num_parameters, qc.parameters[0].name, qc.parameters[-1].name
    (36, 'θ[36]', 'θ[71]')
    """
    from qiskit.circuit import ParameterVector

    theta = ParameterVector("θ", N_PARAMS) if theta is None else theta
    first = PARAMS_PER_ANSATZ * block
    return to_circuit(ansatz_gates(block), N_QUBITS, f"W(θ[{first}:{first + PARAMS_PER_ANSATZ}])", θ=theta)


def vqc_circuit(barriers: bool = False) -> QuantumCircuit:
    r"""The paper's variational quantum classifier as a Qiskit ``QuantumCircuit``.

    Six qubits; a ``ParameterVector`` ``x`` of 4 inputs and ``θ`` of 72
    trainable weights. The feature map ``U_Φ(x)`` is re-uploaded before each of
    the two ansatz blocks ``W(θ)``:

    .. code-block:: text

                ┌─────────┐┌──────────────┐┌─────────┐┌───────────────┐
           q_0: ┤0        ├┤0             ├┤0        ├┤0              ├
           q_1: ┤1        ├┤1             ├┤1        ├┤1              ├
           q_2: ┤2 U_Φ(x) ├┤2             ├┤2 U_Φ(x) ├┤2              ├
           q_3: ┤3        ├┤3 W(θ[0:36])  ├┤3        ├┤3 W(θ[36:72])  ├─ <Z_3>
           q_4: ┤         ├┤4             ├┤         ├┤4              ├─ <Z_4>
           q_5: ┤         ├┤5             ├┤         ├┤5              ├─ <Z_5>
                └─────────┘└──────────────┘└─────────┘└───────────────┘

    The three expectations are the logits of a softmax over the classes 0, 1, 2 (paper, Sec. 4).

    ``circuit.parameters`` is sorted by name, so the inputs come first: a row of
    values for Qiskit's primitives is ``[x_0..x_3, θ_0..θ_71]``. ``barriers=True``
    separates the blocks in drawings (barriers change nothing in a simulation).

    >>> qc = vqc_circuit()
    >>> qc.num_qubits, qc.num_parameters
    (6, 76)
    >>> [p.name for p in qc.parameters][:5]
    ['x[0]', 'x[1]', 'x[2]', 'x[3]', 'θ[0]']

    References: N. Malik, Z. Khalid, M. Faryad, *Distribution-Guided and
    Constrained Quantum Machine Unlearning*, Sec. 4 and Fig. 1.
    """
    from qiskit.circuit import ParameterVector, QuantumCircuit

    x, theta = ParameterVector("x", N_FEATURES), ParameterVector("θ", N_PARAMS)
    qc = QuantumCircuit(N_QUBITS, name="vqc")
    for block in range(N_ANSATZ):                   # data re-uploading: U_Φ(x) before each W(θ)
        for piece in (feature_map(x), ansatz(block, theta)):
            if barriers and qc.data:
                qc.barrier()
            qc.compose(piece, inplace=True)
    return qc
