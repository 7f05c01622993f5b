"""``expectations(theta, X, engine=...)``: the classifier's three logits, by either engine.

- ``"torch"``: :mod:`helpers.quantum.simulator`, exact float64 statevectors with
  autograd, batched over inputs (and over weight vectors).
- ``"aer"``: Qiskit Aer's ``EstimatorV2``, exact (``default_precision=0``), with
  every binding of a batch in *one* PUB ``(circuit, observables (3, 1), values (n, 76))``
  so that Aer binds the parameters at run time instead of building n circuits.
- ``"reference"``: :mod:`helpers.quantum.reference`, one sample and one gate at a time
  (slow; for teaching, and the yardstick: it shares no code with the torch engine).

- ``"sampled"``: :mod:`helpers.quantum.sampled`, ``device.shots`` shots drawn from the torch
  engine's exact outcome distribution: statistically Aer's noiseless sampler, at torch's speed
  (for training from shots; no noise model).

``device=`` (a :class:`~helpers.quantum.device.Device`) runs the Aer engine as a device would:
finite shots, gate and readout noise (:func:`helpers.quantum.device.z_estimates`, again one PUB
for the whole batch); the sampled engine needs a noiseless device with shots. The torch and
reference engines are exact: a device for them is an error.

All return ``<Z_3>, <Z_4>, <Z_5>`` with shape (B, 3), or (T, B, 3) for a (T, 72)
batch of weight vectors.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from . import reference, sampled, simulator
from .blocks import z_observables
from .circuit import N_FEATURES, N_PARAMS, N_QUBITS, READOUT, gates, vqc_circuit
from .device import Device, check_device, z_estimates

EXACT_ENGINES = ("torch", "aer", "reference")
"""The engines that compute expectations exactly (no device needed)."""
ENGINES = (*EXACT_ENGINES, "sampled")
"""Every engine; ``sampled`` needs a noiseless ``Device`` with shots."""


def check_inputs(theta, X) -> tuple[torch.Tensor, torch.Tensor]:
    """``theta`` (72,) or (T, 72) and ``X`` (B, 4) as float64 tensors, or a clear ValueError."""
    theta = torch.as_tensor(theta, dtype=torch.float64)
    X = torch.as_tensor(X, dtype=torch.float64)
    if theta.dim() not in (1, 2) or theta.shape[-1] != N_PARAMS:
        raise ValueError(f"theta must have shape ({N_PARAMS},) or (T, {N_PARAMS}); got {tuple(theta.shape)}")
    if X.dim() == 1:
        X = X[None]
    if X.dim() != 2 or X.shape[1] != N_FEATURES:
        raise ValueError(f"X must have shape (B, {N_FEATURES}) (four features in [0, pi]); got {tuple(X.shape)}")
    return theta, X


def check_engine(engine: str, device: Device | None) -> None:
    """A clear ValueError for an unknown engine, or a device on an exact engine."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(map(repr, ENGINES))}")
    if engine == "sampled":
        if device is None or check_device(device).exact or device.noisy:
            raise ValueError(f"the sampled engine draws shots from the exact outcome distribution: give it a "
                             f"noiseless device with shots, e.g. Device(shots=1024) (got {device!r}); "
                             "for noise use engine='aer'")
    elif device is not None:
        check_device(device)
        if engine != "aer":
            raise ValueError(f"the {engine} engine is exact: it has no shots and no noise model; "
                             f"run a device (here {device!r}) with engine='aer'")


def expectations(theta, X, engine: str = "torch", device: Device | None = None) -> torch.Tensor:
    """``<Z_3>, <Z_4>, <Z_5>`` of :func:`~helpers.quantum.circuit.vqc_circuit` (the logits, paper Sec. 4).

    theta : (72,) or (T, 72) weights; X : (B, 4) inputs. Returns float64 (B, 3) or (T, B, 3).
    Only ``engine="torch"`` is differentiable. ``device`` (Aer: shots and noise; sampled: shots): estimates.
    """
    check_engine(engine, device)
    theta, X = check_inputs(theta, X)
    if engine == "torch":
        return simulator.expectations(theta, X)
    if engine == "aer":
        return aer_expectations(theta, X) if device is None else device_expectations(theta, X, device)
    if engine == "sampled":
        return sampled.expectations(theta, X, device.shots, device.seed)
    rows = [reference.expectations(gates(), N_QUBITS, READOUT, t, X) for t in theta.reshape(-1, N_PARAMS)]
    return rows[0] if theta.dim() == 1 else torch.stack(rows)


@lru_cache(maxsize=None)
def aer_setup(threads: int = 0):
    """An exact Aer ``EstimatorV2`` (``default_precision=0``) with run-time parameter binding
    (``threads=0``: every core), the circuit transpiled once to Aer's basis gates (the parameters
    x, θ stay symbolic) and the observables Z_3, Z_4, Z_5 as an array of shape (3, 1)."""
    from qiskit import transpile
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import EstimatorV2

    backend = dict(runtime_parameter_bind_enable=True, max_parallel_threads=threads)
    estimator = EstimatorV2(options=dict(default_precision=0.0, backend_options=backend))
    circuit = transpile(vqc_circuit(), AerSimulator(method="statevector"), optimization_level=0)
    return estimator, circuit, [[obs] for obs in z_observables(N_QUBITS, READOUT)]


def parameter_values(theta: torch.Tensor, X: torch.Tensor) -> np.ndarray:
    """One row ``[x_0..x_3, θ_0..θ_71]`` per (weights, input) pair, in ``circuit.parameters`` order.

    theta (T, 72), X (B, 4) -> (T * B, 76), weight-major."""
    T, B = theta.shape[0], X.shape[0]
    rows = torch.cat([X.expand(T, B, N_FEATURES), theta[:, None, :].expand(T, B, N_PARAMS)], dim=-1)
    return rows.reshape(T * B, -1).detach().numpy()


def aer_expectations(theta, X, threads: int = 0) -> torch.Tensor:
    """The Aer engine: all bindings of the batch in ONE PUB; returns (B, 3) or (T, B, 3)."""
    theta, X = check_inputs(theta, X)
    single = theta.dim() == 1
    theta = theta.reshape(-1, N_PARAMS)
    estimator, circuit, observables = aer_setup(threads)
    result = estimator.run([(circuit, observables, parameter_values(theta, X))]).result()[0]     # values (n, 76)
    evs = torch.as_tensor(np.asarray(result.data.evs), dtype=torch.float64)   # (3, n): broadcast (3,1) x (n,)
    out = evs.T.reshape(theta.shape[0], X.shape[0], 3)
    return out[0] if single else out


@lru_cache(maxsize=None)
def aer_circuit():
    """:func:`~helpers.quantum.circuit.vqc_circuit`, built once (a device's setup is cached by its gates)."""
    return vqc_circuit()


def device_expectations(theta, X, device: Device) -> torch.Tensor:
    """The Aer engine on ``device`` (shots, noise): all (weights, input) pairs in ONE PUB; (B, 3) or (T, B, 3)."""
    theta, X = check_inputs(theta, X)
    single = theta.dim() == 1
    theta = theta.reshape(-1, N_PARAMS)
    out = z_estimates(aer_circuit(), parameter_values(theta, X), READOUT, device).reshape(theta.shape[0], X.shape[0], 3)
    return out[0] if single else out


def aer_expectations_one_per_call(theta, X, threads: int = 0) -> torch.Tensor:
    """The slow way, for the benchmark: one ``run`` (one circuit binding) per input. (B, 3)."""
    theta, X = check_inputs(theta, X)
    return torch.cat([aer_expectations(theta.reshape(N_PARAMS), x[None], threads) for x in X])
