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


# ----------------------------------------------------------------------------- the sampled engine (training from shots)
from helpers.quantum import sampled                                                       # noqa: E402
from helpers.quantum.gradients import shifted_thetas                                      # noqa: E402
from helpers.quantum.simulator import expectations as exact_expectations                  # noqa: E402


def test_sampled_engine_outcome_distribution_gives_the_exact_expectations():
    theta = torch.stack([init_theta(s, std=1.0) for s in range(3)])
    X = torch.rand(3, 5, 4, generator=torch.Generator().manual_seed(4), dtype=torch.float64) * math.pi
    probs = sampled.outcome_probabilities(theta, X)
    assert probs.shape == (3, 5, 8) and torch.allclose(probs.sum(-1), torch.ones(3, 5, dtype=torch.float64))
    assert torch.allclose(probs @ sampled.OUTCOME_SIGNS, exact_expectations(theta, X), atol=1e-12)


def test_the_144_shifted_circuits_from_shared_prefixes_equal_the_shifted_circuits_run_one_by_one():
    theta = torch.stack([init_theta(s, std=1.0) for s in range(2)])
    X = torch.rand(2, 3, 4, generator=torch.Generator().manual_seed(5), dtype=torch.float64) * math.pi
    unshifted, shifted = sampled.shifted_outcome_probabilities(theta, X)
    one_by_one = torch.stack([sampled.outcome_probabilities(shifted_thetas(theta[t]), X[t]) for t in range(2)])
    assert shifted.shape == (2, 144, 3, 8)
    assert torch.allclose(shifted, one_by_one, atol=1e-12)
    assert torch.allclose(unshifted, sampled.outcome_probabilities(theta, X), atol=1e-12)


def test_sampled_engine_matches_aers_sampler_in_mean_and_spread():
    """Both estimate <Z> from 256 shots: on 300 repeats their means sit at the exact value and their
    variances at the binomial (1 - <Z>²) / shots, within sampling error, and within a factor of each other."""
    theta, X = fixed_vqc(B=2)
    shots, repeats = 256, 300
    exact = expectations(theta, X)
    ours = sampled.sampled_z(theta.expand(repeats, -1), X, shots, torch.Generator().manual_seed(0))     # (R, 2, 3)
    values = parameter_values(theta.expand(repeats, -1), X)
    aer = z_estimates(vqc_circuit(), values, READOUT, Device(shots=shots)).reshape(repeats, 2, 3)
    binomial = (1 - exact ** 2) / shots
    for estimates in (ours, aer):
        assert (estimates - exact).abs().max() < 5 / math.sqrt(shots)
        assert (estimates.mean(0) - exact).abs().max() < 5 * math.sqrt(binomial.max() / repeats)
        ratio = estimates.var(0) / binomial
        assert ratio.min() > 0.7 and ratio.max() < 1.4, ratio
    ratio = ours.var(0) / aer.var(0)
    assert ratio.min() > 0.6 and ratio.max() < 1.6, ratio


def test_sampled_engine_is_reproducible_and_its_counts_sum_to_the_shots():
    theta, X = fixed_vqc(B=3)
    a = expectations(theta, X, engine="sampled", device=Device(shots=50, seed=3))
    assert torch.equal(a, expectations(theta, X, engine="sampled", device=Device(shots=50, seed=3)))
    assert not torch.equal(a, expectations(theta, X, engine="sampled", device=Device(shots=50, seed=4)))
    assert torch.allclose((a * 50).round(), a * 50)                  # (#0 - #1) / shots: whole counts
    counts = sampled.sample_counts(torch.tensor([[0.5, 0.0, 0.25, 0.25]], dtype=torch.float64), 1000,
                                   torch.Generator().manual_seed(0))
    assert counts.sum() == 1000 and counts[0, 1] == 0


def test_sampled_parameter_shift_gradient_is_close_to_the_exact_one():
    theta, X = fixed_vqc(B=2)
    exact = parameter_shift_jacobian(theta, X)
    shots = parameter_shift_jacobian(theta, X, engine="sampled", device=Device(shots=SHOTS))
    assert 0 < (shots - exact).abs().max() < TOL


def test_vqc_draws_new_shots_every_run_reproducibly_after_seeding_torch():
    theta, X = fixed_vqc(B=2)
    model = VQC(theta, engine="sampled", gradient="parameter-shift", device=Device(shots=64))
    torch.manual_seed(0)
    first, second = model(X), model(X)
    torch.manual_seed(0)
    assert torch.equal(model(X), first) and not torch.equal(first, second)


@pytest.mark.parametrize("device", [None, Device(), Device(shots=64, depolarizing=0.01), Device(shots=64, readout=0.1)])
def test_the_sampled_engine_needs_a_noiseless_device_with_shots(device):
    theta, X = fixed_vqc(B=1)
    with pytest.raises(ValueError, match="the sampled engine draws shots from the exact outcome distribution"):
        expectations(theta, X, engine="sampled", device=device)


# ----------------------------------------------------------------------------- the study of chapter 7, section 7.12
from helpers.data.tabular import load_tabular                                            # noqa: E402
from helpers.experiments.cache import ResultCache                                        # noqa: E402
from helpers.quantum import shots_training as ST                                          # noqa: E402


def test_batched_sampled_gradient_is_the_parameter_shift_rule_from_shots():
    theta = torch.stack([init_theta(s, std=1.0) for s in range(2)]).requires_grad_()
    X = torch.rand(2, 3, 4, generator=torch.Generator().manual_seed(6), dtype=torch.float64) * math.pi
    weights = torch.randn(2, 3, 3, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    (ST.sampled_forward(SHOTS, 0)(theta, X) * weights).sum().backward()
    exact = torch.stack([torch.einsum("bk,bki->i", weights[t], parameter_shift_jacobian(theta[t].detach(), X[t]))
                         for t in range(2)])
    bound = weights.abs().sum((1, 2)).max() * TOL                      # every jacobian entry within TOL
    assert 0 < (theta.grad - exact).abs().max() < bound


def test_shots_study_rows_cache_and_bad_input(tmp_path, monkeypatch):
    by_seed = {s: load_tabular("iris", seed=s) for s in (1, 2)}
    cache = ResultCache(tmp_path)
    small = dict(train=dict(iterations=6), unlearn=dict(steps=2), cache=cache)
    study = ST.shots_study(by_seed, 2, shots=(16,), **small)
    assert list(study.columns[:4]) == ["stage", "seed", "shots", "setting"]
    assert len(study) == 2 * 2 * 2 and set(study["setting"]) == {"exact", "16 shots"}
    assert study[["test_acc", "forget_recall", "retained_acc"]].stack().between(0, 1).all()
    monkeypatch.setattr(ST, "run_study", lambda *a, **k: pytest.fail("recomputed a cached study"))
    assert ST.shots_study(by_seed, 2, shots=(16,), **small).equals(study)
    with pytest.raises(ValueError, match="shots must be positive integers"):
        ST.shots_study(by_seed, 2, shots=(0,), **small)
    with pytest.raises(ValueError, match="at least 2 seeds"):
        ST.shots_study({1: by_seed[1]}, 2, shots=(16,), **small)
    with pytest.raises(ValueError, match="exact must hold the weights of every seed"):
        ST.shots_study(by_seed, 2, shots=(16,), exact={1: None}, **small)
