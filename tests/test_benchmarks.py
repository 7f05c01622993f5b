"""The benchmarks run (tiny sizes). They print speed ratios; no test asserts a wall-clock time."""
from __future__ import annotations

import pytest

from benchmarks import quantum_throughput, unlearning_cost
from helpers.profiles import get_profile


@pytest.mark.parametrize("engine", quantum_throughput.ENGINES)
def test_quantum_throughput_measures_every_engine(engine):
    rate = quantum_throughput.measure(engine, n=40, n_per_call=2, threads=1)
    assert rate > 0


def test_quantum_throughput_fresh_process_reports_a_rate():
    assert quantum_throughput.measure_in_fresh_process("torch engine", n=40, threads=1) > 0


def test_unlearning_cost_takes_medians_over_rounds():
    short = get_profile("default").with_(epochs=1, retrain_epochs=1)
    table = unlearning_cost.measure(short, methods=("retrain", "ga"), rounds=2)
    assert list(table.index) == ["retrain", "ga"]
    assert (table["best s"] <= table["median s"]).all() and (table["best s"] > 0).all()
    assert table.loc["retrain", "/ Retrain"] == 1.0


def test_unlearning_cost_needs_a_round():
    with pytest.raises(ValueError, match="rounds"):
        unlearning_cost.measure(rounds=0)
