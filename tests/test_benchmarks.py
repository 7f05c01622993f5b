"""The benchmarks time the same computations as the book's own paths, and report what they measured.

No test asserts a wall-clock time: the clock is replaced where a test checks the arithmetic of a
report, and every path a benchmark times is checked to return the numbers of the reference path
(the engine the book uses, ``unlearn`` as ``run_table`` calls it, the batched quantum layer).
"""
from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
import torch

from benchmarks import hybrid_epoch, quantum_throughput, unlearning_cost
from helpers.experiments.runner import forget_retain, load_hparams, method_hparams
from helpers.profiles import get_profile
from helpers.quantum import simulator


@pytest.fixture
def captured(monkeypatch):
    """quantum_throughput's timer replaced: each timed function runs once, its output kept, 0.5 s reported."""
    outputs = []
    monkeypatch.setattr(quantum_throughput, "seconds_per_call",
                        lambda fn, min_seconds=0.5: outputs.append(fn()) or 0.5)
    return outputs


def test_quantum_throughput_times_engines_that_agree_with_the_torch_simulator(captured):
    n, n_per_call = 6, 3
    rates = {engine: quantum_throughput.measure(engine, n=n, n_per_call=n_per_call, threads=1)
             for engine in quantum_throughput.ENGINES}
    assert rates == {"torch engine": n / 0.5, "Aer, one PUB": n / 0.5, "Aer, one circuit per call": n_per_call / 0.5}
    torch_out, aer_out, one_per_call = (torch.as_tensor(o, dtype=torch.float64) for o in captured)
    g = torch.Generator().manual_seed(0)                      # measure's inputs, drawn again
    theta = torch.randn(72, generator=g, dtype=torch.float64)
    X = torch.rand(n, 4, generator=g, dtype=torch.float64) * torch.pi
    reference = simulator.expectations(theta, X)
    assert torch_out.shape == aer_out.shape == (n, 3) and one_per_call.shape == (n_per_call, 3)
    assert torch.allclose(torch_out, reference, atol=0, rtol=0)
    assert torch.allclose(aer_out, reference, atol=1e-6)
    assert torch.allclose(one_per_call, reference[:n_per_call], atol=1e-6)


def test_quantum_throughput_reports_the_best_round_of_each_engine(monkeypatch, capsys):
    measured = iter([10.0, 2.0, 1.0, 30.0, 3.0, 0.5, 20.0, 1.0, 2.0])   # three rounds, engines in turn
    monkeypatch.setattr(quantum_throughput, "measure_in_fresh_process", lambda engine, n, threads: next(measured))
    rates = quantum_throughput.throughput(n=10, threads=1, rounds=3)
    assert rates == {"torch engine": 30.0, "Aer, one PUB": 3.0, "Aer, one circuit per call": 2.0}
    assert "(median of 3 rounds 20)" in capsys.readouterr().out


def test_quantum_throughput_fresh_process_returns_the_rate_it_printed():
    rate = quantum_throughput.measure_in_fresh_process("torch engine", n=40, threads=1)
    assert isinstance(rate, float) and rate == rate            # a number parsed from the child's output


def test_unlearning_cost_runs_every_method_as_run_table_does_and_reports_medians(monkeypatch):
    """The methods get the same original, forget and retain sets, seed and hyper-parameters as run_table's cells;
    the table's columns are the median and best of the recorded seconds and the median over Retrain's."""
    profile = get_profile("default")
    seconds = {"retrain": iter([4.0, 2.0, 3.0]), "ga": iter([1.0, 0.5, 3.0]), "oeu": iter([0.2, 0.4, 0.3])}
    calls, original = [], object()
    monkeypatch.setattr(unlearning_cost, "original_model", lambda *a, **k: original)

    def fake_unlearn(method, model, task, seed, **hparams):
        calls.append((method, model, task.forget_set, task.retain_set, seed, hparams))
        return SimpleNamespace(unlearn_seconds=next(seconds[method]))

    monkeypatch.setattr(unlearning_cost, "unlearn", fake_unlearn)
    table = unlearning_cost.measure(profile, ratio=0.1, seed=2, methods=("retrain", "ga", "oeu"), rounds=3)
    assert list(table.index) == ["retrain", "ga", "oeu"] and list(table.columns) == ["median s", "best s", "/ Retrain"]
    assert table["median s"].tolist() == [3.0, 1.0, 0.3] and table["best s"].tolist() == [2.0, 0.5, 0.2]
    assert table["/ Retrain"].tolist() == pytest.approx([1.0, 1 / 3, 0.1])
    assert [c[0] for c in calls] == ["retrain", "ga", "oeu"] * 3            # interleaved rounds
    forget_set, retain_set, _ = forget_retain(unlearning_cost.load_dataset(profile.dataset), "random", 0.1, 2)
    tuned = load_hparams(profile.name, "random", "resnet18", "w4a4")        # Table 1's set
    for method, model, f, r, seed, hparams in calls:
        assert model is original and seed == 2
        assert torch.equal(f.images, forget_set.images) and torch.equal(f.targets, forget_set.targets)
        assert torch.equal(r.images, retain_set.images) and torch.equal(r.targets, retain_set.targets)
        assert hparams == method_hparams(method, profile, tuned)


def test_unlearning_cost_needs_a_round():
    with pytest.raises(ValueError, match="rounds must be at least 1, got 0"):
        unlearning_cost.measure(rounds=0)


def test_hybrid_epoch_loop_trains_exactly_like_the_batched_layer():
    """The benchmark's slow path is the same model: same outputs, and the same weights after the same Adam steps."""
    batched = hybrid_epoch.hybrid_model(3, in_shape=(4,), n_qubits=3, n_layers=1, seed=0).double()
    looped = copy.deepcopy(batched)
    looped.quantum = hybrid_epoch.PerSampleQuantum(looped.quantum.weights)
    g = torch.Generator().manual_seed(0)
    X, y = torch.randn(12, 4, generator=g, dtype=torch.float64), torch.randint(0, 3, (12,), generator=g)
    assert torch.allclose(batched(X), looped(X), atol=1e-12)
    _, done = hybrid_epoch.epoch_seconds(batched, X, y, batch_size=4, max_batches=2)
    _, done_loop = hybrid_epoch.epoch_seconds(looped, X, y, batch_size=4, max_batches=2)
    assert done == done_loop == 2
    for a, b in zip(batched.parameters(), looped.parameters()):
        assert torch.allclose(a, b, atol=1e-9)
    assert hybrid_epoch.epoch_seconds(batched, X, y, batch_size=5)[1] == 3       # ceil(12 / 5) batches by default
