"""Shots and noise in the quantum engines (issue 21): the VQC and the hybrid layer on a Device."""
from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from helpers.hybrid.device import device_expectations, device_logits
from helpers.hybrid.models import hybrid_model
from helpers.quantum import VQC, expectations, logits, parameter_shift_jacobian
from helpers.quantum.circuit import READOUT, vqc_circuit
from helpers.quantum.device import Device, noise_model, z_estimates
from helpers.quantum.engines import parameter_values
from helpers.quantum.model import init_theta

SHOTS = 4096
TOL = 5 / math.sqrt(SHOTS)          # five standard deviations of a ±1 mean at most (|<Z>| <= 1)


def fixed_vqc(B=4):
    """A fixed circuit with expectations far from zero (weights of spread 1, inputs in [0, π])."""
    theta = init_theta(3, std=1.0)
    X = torch.rand(B, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64) * math.pi
    return theta, X


def fixed_hybrid():
    model = hybrid_model(3, in_shape=(4,), n_qubits=4, n_layers=2, seed=2)
    X = torch.randn(5, 4, generator=torch.Generator().manual_seed(3))
    return model, X


def test_vqc_estimates_at_4096_shots_are_within_5_over_sqrt_shots_of_exact():
    theta, X = fixed_vqc()
    exact = expectations(theta, X)
    shots = expectations(theta, X, engine="aer", device=Device(shots=SHOTS))
    assert shots.shape == exact.shape == (4, 3) and shots.dtype == torch.float64
    assert (shots - exact).abs().max() < TOL
    assert (shots - exact).abs().max() > 0            # estimates, not the exact values
    assert exact.abs().max() > 3 * TOL                # a circuit whose signal stands above the tolerance


def test_exact_device_is_the_exact_engine():
    theta, X = fixed_vqc()
    assert torch.allclose(expectations(theta, X, engine="aer", device=Device()), expectations(theta, X), atol=1e-10)


def test_hybrid_layer_estimates_at_4096_shots_are_within_5_over_sqrt_shots_of_exact():
    model, X = fixed_hybrid()
    angles = model.front(X).detach().double()
    exact = model.quantum(angles)
    shots = device_expectations(model.quantum, angles, Device(shots=SHOTS))
    assert shots.shape == exact.shape == (5, 4)
    assert 0 < (shots - exact).abs().max() < TOL


def test_hybrid_device_logits_exact_equal_the_model_and_shots_stay_close():
    model, X = fixed_hybrid()
    assert torch.allclose(device_logits(model, X, Device()), model(X).detach(), atol=1e-5)
    head = model.head.weight.abs().sum(1).max().item()        # a logit moves by at most this times max |Δ<Z>|
    assert (device_logits(model, X, Device(shots=SHOTS)) - model(X).detach()).abs().max() < head * TOL


def mean_abs_z(device):
    theta, X = fixed_vqc()
    return expectations(theta, X, engine="aer", device=device).abs().mean().item()


def test_depolarizing_shrinks_the_expectations_toward_zero_as_its_rate_grows():
    rates = (0.0, 0.005, 0.02, 0.05)
    sizes = [mean_abs_z(Device(depolarizing=r)) for r in rates]
    assert all(a > b for a, b in zip(sizes, sizes[1:])), sizes
    assert mean_abs_z(Device(depolarizing=1.0)) < 1e-10        # every gate's qubits fully mixed: nothing left


def test_readout_error_scales_z_by_one_minus_twice_the_flip_probability():
    theta, X = fixed_vqc()
    exact = expectations(theta, X)
    for p in (0.05, 0.2):
        assert torch.allclose(expectations(theta, X, engine="aer", device=Device(readout=p)), (1 - 2 * p) * exact,
                              atol=1e-10)
        sampled = expectations(theta, X, engine="aer", device=Device(shots=SHOTS, readout=p))   # Aer's bit flips
        assert (sampled - (1 - 2 * p) * exact).abs().max() < TOL
    assert mean_abs_z(Device(readout=0.5)) < 1e-12


def test_the_generic_fake_backend_is_noisy_and_its_shots_match_its_exact_noisy_values():
    theta, X = fixed_vqc()
    exact = expectations(theta, X)
    device = Device(backend="generic")
    noisy = expectations(theta, X, engine="aer", device=device)
    assert 1e-3 < (noisy - exact).abs().max() < 0.5
    sampled = expectations(theta, X, engine="aer", device=dataclasses.replace(device, shots=SHOTS))
    assert (sampled - noisy).abs().max() < TOL
    assert noise_model(Device()) is None and noise_model(Device(depolarizing=0.1)) is not None


def test_estimates_are_reproducible_with_the_seed():
    theta, X = fixed_vqc(B=2)
    a = expectations(theta, X, engine="aer", device=Device(shots=100, readout=0.1, seed=7))
    b = expectations(theta, X, engine="aer", device=Device(shots=100, readout=0.1, seed=7))
    c = expectations(theta, X, engine="aer", device=Device(shots=100, readout=0.1, seed=8))
    assert torch.equal(a, b) and not torch.equal(a, c)
    model, Xh = fixed_hybrid()
    assert torch.equal(device_logits(model, Xh, Device(shots=64, seed=1)), device_logits(model, Xh, Device(shots=64, seed=1)))


def test_a_batch_and_its_parameter_shift_gradient_are_one_aer_call_each(monkeypatch):
    from qiskit_aer.primitives import SamplerV2

    calls = []
    run = SamplerV2.run
    monkeypatch.setattr(SamplerV2, "run", lambda self, pubs, **kw: calls.append(len(list(pubs))) or run(self, pubs, **kw))
    theta, X = fixed_vqc(B=3)
    theta = theta.clone().requires_grad_()
    logits(theta, X, engine="aer", gradient="parameter-shift", device=Device(shots=16)).sum().backward()
    assert calls == [1, 1]                 # forward: one PUB of 3 bindings; backward: one PUB of 144 x 3


def test_parameter_shift_gradient_from_shots_is_close_to_the_exact_one():
    theta, X = fixed_vqc(B=2)
    exact = parameter_shift_jacobian(theta, X)
    shots = parameter_shift_jacobian(theta, X, engine="aer", device=Device(shots=SHOTS))
    assert shots.shape == exact.shape == (2, 3, 72)
    assert 0 < (shots - exact).abs().max() < TOL       # (f+ - f-) / 2: standard deviation <= 1/sqrt(2 shots)


def test_vqc_module_runs_on_a_device():
    theta, X = fixed_vqc(B=2)
    model = VQC(theta, engine="aer", gradient="parameter-shift", device=Device(shots=SHOTS))
    assert "device=Device(shots=4096" in repr(model)
    out = model(X)
    assert (out - expectations(theta, X)).abs().max() < TOL
    out.sum().backward()
    assert model.theta.grad.shape == (72,) and model.theta.grad.abs().sum() > 0


@pytest.mark.parametrize("kwargs, message", [
    (dict(shots=0), "shots must be a positive integer"),
    (dict(shots=-5), "shots must be a positive integer"),
    (dict(shots=10.0), "shots must be a positive integer"),
    (dict(shots=True), "shots must be a positive integer"),
    (dict(depolarizing=-0.1), "depolarizing is a probability"),
    (dict(depolarizing=1.5), "depolarizing is a probability"),
    (dict(readout=2.0), "readout is a probability"),
    (dict(readout="0.1"), "readout is a probability"),
    (dict(backend="ibm_kyoto"), "unknown backend"),
    (dict(backend="generic", depolarizing=0.01), "either a backend"),
    (dict(backend="generic", readout=0.01), "either a backend"),
    (dict(seed=-1), "seed must be a non-negative integer"),
])
def test_bad_devices_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Device(**kwargs)


@pytest.mark.parametrize("engine", ["torch", "reference"])
def test_a_device_on_an_exact_engine_is_refused(engine):
    theta, X = fixed_vqc(B=1)
    with pytest.raises(ValueError, match=f"the {engine} engine is exact"):
        expectations(theta, X, engine=engine, device=Device(depolarizing=0.01))
    with pytest.raises(ValueError, match=f"the {engine} engine is exact"):
        VQC(theta, engine=engine, gradient="parameter-shift", device=Device(shots=100))
    with pytest.raises(ValueError, match=f"the {engine} engine is exact"):
        logits(theta, X, engine=engine, gradient="parameter-shift", device=Device(shots=100))


def test_bad_calls_are_refused():
    theta, X = fixed_vqc(B=1)
    with pytest.raises(ValueError, match="device must be a helpers.quantum.device.Device"):
        expectations(theta, X, engine="aer", device={"shots": 100})
    circuit, values = vqc_circuit(), parameter_values(theta[None], X)
    with pytest.raises(ValueError, match=r"values must have shape \(n, 76\)"):
        z_estimates(circuit, values[:, :10], READOUT, Device())
    with pytest.raises(ValueError, match="qubits must name"):
        z_estimates(circuit, values, (3, 6), Device())
    with pytest.raises(ValueError, match="needs the circuit's num_qubits"):
        noise_model(Device(backend="generic"))
    with pytest.raises(ValueError, match="needs a hybrid classifier"):
        device_logits(VQC(theta), X, Device())
    model, Xh = fixed_hybrid()
    with pytest.raises(ValueError, match=r"expected angles of shape \(B, 4\)"):
        device_expectations(model.quantum, torch.zeros(2, 3), Device())
