"""A quantum device as a simulator sees it: finite shots, gate noise and readout errors (issue 21).

The book's engines compute *exact* expectation values. A real device returns estimates: it
runs the circuit ``shots`` times, measures every time, and averages; its gates and its
measurements make errors. :class:`Device` names such a device, and :func:`z_estimates`
evaluates any parameterised circuit on it with Qiskit Aer, all bindings in ONE call:

- ``Device()``: exact and noiseless (Aer's ``EstimatorV2`` with ``default_precision=0``);
- ``Device(shots=1024)``: 1,024 measured shots per binding (Aer's ``SamplerV2``); each
  ``<Z_q>`` is ``(#0 - #1) / shots`` of qubit ``q``'s outcomes, a real finite-shot estimate
  (Aer's ``EstimatorV2`` with a nonzero ``precision`` would only add Gaussian noise to the
  exact value, and skip the readout errors; the sampler does neither);
- ``depolarizing=λ``: after every one-qubit gate (rx, ry, rz) and every two-qubit gate (cx, cz),
  the depolarizing channel of Aer's ``depolarizing_error(λ, k)`` on the gate's ``k`` qubits,
  ``E(ρ) = (1 - λ) ρ + λ I / 2^k``: with probability λ the gate's qubits are replaced by the
  maximally mixed state (λ = 1: nothing survives);
- ``readout=p``: every measured bit flips with probability ``p`` (0 -> 1 and 1 -> 0 alike), so
  ``<Z>`` becomes ``(1 - 2p) <Z>``;
- ``backend="generic"``: the noise model (gate errors with thermal relaxation, readout errors) of
  Qiskit's offline fake device ``GenericBackendV2(num_qubits, seed=GENERIC_SEED)``, the circuit
  translated to its native gates (cx, rz, sx, x);
- ``seed``: the simulator's seed. The same call on the same device gives the same estimates;
  ``dataclasses.replace(device, seed=k)`` gives an independent repeat.

With noise the simulator evolves a density matrix (exact for mixed states: six qubits are a
64 x 64 matrix); without, a statevector. With ``shots=None`` and noise, the expectations are
the exact ones of the noisy density matrix; Aer's saved expectation values skip the
measurement, so the readout flips enter as their exact effect ``(1 - 2 p_q) <Z_q>``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

BACKENDS = ("generic",)
GENERIC_SEED = 2026          # the one fixed fake device "generic" stands for (its error rates are drawn from it)
ONE_QUBIT_GATES = ("rx", "ry", "rz")      # the gates of both circuits (helpers.quantum.blocks)
TWO_QUBIT_GATES = ("cx", "cz")
NUMBERS = (int, float, np.integer, np.floating)


@dataclass(frozen=True)
class Device:
    """Where a circuit runs: ``shots`` (None: exact expectations), ``depolarizing`` λ after every gate,
    symmetric ``readout`` flip probability, or the noise of the fake ``backend`` ``"generic"``, and the
    simulator's ``seed``. See the module docstring for the exact conventions.

    >>> Device(shots=1024, depolarizing=0.01)
    Device(shots=1024, depolarizing=0.01, readout=0.0, backend=None, seed=0)
    """

    shots: int | None = None
    depolarizing: float = 0.0
    readout: float = 0.0
    backend: str | None = None
    seed: int = 0

    def __post_init__(self):
        if self.shots is not None and (isinstance(self.shots, bool) or not isinstance(self.shots, (int, np.integer))
                                       or self.shots < 1):
            raise ValueError(f"shots must be a positive integer (or None for exact expectations), got {self.shots!r}")
        for name in ("depolarizing", "readout"):
            rate = getattr(self, name)
            if isinstance(rate, bool) or not isinstance(rate, NUMBERS) or not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} is a probability: it must be a number in [0, 1], got {rate!r}")
        if self.backend is not None:
            if self.backend not in BACKENDS:
                raise ValueError(f"unknown backend {self.backend!r}; the offline fake backends are "
                                 f"{', '.join(map(repr, BACKENDS))}")
            if self.depolarizing or self.readout:
                raise ValueError("give either a backend (its own noise model) or the rates depolarizing/readout, "
                                 "not both")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")

    @property
    def exact(self) -> bool:
        """True without shots: exact expectation values (of the noisy state, if there is noise)."""
        return self.shots is None

    @property
    def noisy(self) -> bool:
        """True if gates or measurements make errors."""
        return self.backend is not None or self.depolarizing > 0 or self.readout > 0


def check_device(device) -> Device:
    """``device`` itself, or a clear ValueError if it is not a :class:`Device`."""
    if not isinstance(device, Device):
        raise ValueError(f"device must be a helpers.quantum.device.Device, e.g. Device(shots=1024); got {device!r}")
    return device


@lru_cache(maxsize=None)
def generic_backend(num_qubits: int):
    """The offline fake device ``GenericBackendV2(num_qubits, seed=GENERIC_SEED)`` (all-to-all coupling)."""
    from qiskit.providers.fake_provider import GenericBackendV2

    return GenericBackendV2(num_qubits, seed=GENERIC_SEED)


def noise_model(device: Device, num_qubits: int | None = None):
    """The device's Aer ``NoiseModel``, or None for a noiseless device.

    ``num_qubits`` (the circuit's) is needed for ``backend="generic"`` only, whose fake device has
    as many qubits as the circuit."""
    from qiskit_aer.noise import NoiseModel, ReadoutError, depolarizing_error

    check_device(device)
    if device.backend is not None:
        if num_qubits is None:
            raise ValueError("a backend's noise model needs the circuit's num_qubits")
        return NoiseModel.from_backend(generic_backend(num_qubits))
    if not device.noisy:
        return None
    model = NoiseModel()
    if device.depolarizing > 0:
        model.add_all_qubit_quantum_error(depolarizing_error(device.depolarizing, 1), list(ONE_QUBIT_GATES))
        model.add_all_qubit_quantum_error(depolarizing_error(device.depolarizing, 2), list(TWO_QUBIT_GATES))
    if device.readout > 0:
        p = device.readout
        model.add_all_qubit_readout_error(ReadoutError([[1 - p, p], [p, 1 - p]]))
    return model


def readout_flips(device: Device, qubits, num_qubits: int) -> np.ndarray:
    """The probability that a measured bit of each of ``qubits`` flips (symmetric, as both the
    ``readout`` rate and the generic backend's measurement errors are): (len(qubits),)."""
    if device.backend is not None:
        target = generic_backend(num_qubits).target
        return np.array([target["measure"][(q,)].error for q in qubits])
    return np.full(len(qubits), float(device.readout))


def fingerprint(circuit) -> tuple:
    """A hashable description of a circuit's gates (names, qubits, parameter expressions), to cache its setup."""
    return (circuit.num_qubits, tuple(
        (inst.operation.name, tuple(circuit.find_bit(q).index for q in inst.qubits), tuple(map(str, inst.operation.params)))
        for inst in circuit.data))


_SETUPS: dict = {}


def setup(circuit, qubits: tuple[int, ...], device: Device, threads: int = 0):
    """The transpiled circuit and the primitive for ``(circuit, qubits, device)``, built once and cached.

    Shots: the circuit with ``qubits`` measured into a register ``meas`` (bit i <- qubits[i]) and an Aer
    ``SamplerV2``. Exact: the circuit and an exact ``EstimatorV2`` with observables ``Z_q`` (len(qubits), 1).
    Parameters are bound at run time (``runtime_parameter_bind_enable``)."""
    key = (fingerprint(circuit), qubits, device, threads)
    if key not in _SETUPS:
        _SETUPS[key] = _build(circuit, qubits, device, threads)
    return _SETUPS[key]


def _build(circuit, qubits, device, threads):
    from qiskit import ClassicalRegister, transpile
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import EstimatorV2, SamplerV2

    from .blocks import z_observables

    noise = noise_model(device, circuit.num_qubits)
    options = dict(method="density_matrix" if noise is not None else "statevector",
                   runtime_parameter_bind_enable=True, max_parallel_threads=threads)
    if noise is not None:
        options["noise_model"] = noise
    circuit = circuit.copy()
    if not device.exact:
        register = ClassicalRegister(len(qubits), "meas")
        circuit.add_register(register)
        circuit.measure(list(qubits), register)
    if device.backend is not None:       # the fake device's native gates, so that its gate errors apply
        target = dict(backend=generic_backend(circuit.num_qubits), initial_layout=list(range(circuit.num_qubits)))
    else:
        target = dict(backend=AerSimulator(**options))
    compiled = transpile(circuit, optimization_level=0, **target)
    if not device.exact:
        return SamplerV2(seed=device.seed, options=dict(backend_options=options)), compiled, None
    observables = [[obs.apply_layout(compiled.layout)] for obs in z_observables(circuit.num_qubits, qubits)]
    estimator = EstimatorV2(options=dict(default_precision=0.0, backend_options=options,
                                         run_options=dict(seed_simulator=device.seed)))
    return estimator, compiled, observables


def z_estimates(circuit, values, qubits, device: Device, threads: int = 0) -> torch.Tensor:
    """``<Z_q>`` for each of ``qubits`` and each row of ``values``, on ``device``: float64 (n, len(qubits)).

    ``circuit``: a parameterised ``QuantumCircuit`` without measurements; ``values`` (n, P): one
    binding per row, in ``circuit.parameters`` order. All n bindings go to Aer in ONE PUB
    (the circuit is transpiled once per device and cached). With shots, each estimate is the
    mean of ``shots`` measured ±1 outcomes; exact otherwise (module docstring)."""
    check_device(device)
    qubits = tuple(int(q) for q in qubits)
    if not qubits or any(not 0 <= q < circuit.num_qubits for q in qubits):
        raise ValueError(f"qubits must name some of the circuit's qubits 0..{circuit.num_qubits - 1}, got {qubits}")
    values = np.asarray(values.detach().cpu() if isinstance(values, torch.Tensor) else values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != circuit.num_parameters:
        raise ValueError(f"values must have shape (n, {circuit.num_parameters}) (one binding per row, in "
                         f"circuit.parameters order); got {values.shape}")
    primitive, compiled, observables = setup(circuit, qubits, device, threads)
    if device.exact:
        result = primitive.run([(compiled, observables, values)]).result()[0]
        evs = np.asarray(result.data.evs).T                                    # (n, len(qubits))
        scale = 1.0 - 2.0 * readout_flips(device, qubits, circuit.num_qubits)  # readout flips, exactly
        return torch.as_tensor(evs * scale, dtype=torch.float64)
    result = primitive.run([(compiled, values)], shots=device.shots).result()[0]
    return z_from_bits(result.data.meas, len(qubits))


def z_from_bits(bit_array, n_bits: int) -> torch.Tensor:
    """``<Z>`` of each measured bit from a ``BitArray`` of shape (n,): 1 - 2 x (fraction of 1s), (n, n_bits).

    Qiskit packs the bits big-endian: clbit i is the i-th bit from the right of each shot's bytes."""
    bits = np.unpackbits(bit_array.array, axis=-1)[..., ::-1][..., :n_bits]       # (n, shots, n_bits), clbit order
    return torch.as_tensor(1.0 - 2.0 * bits.mean(axis=1), dtype=torch.float64)
