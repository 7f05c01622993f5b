"""The benchmarks run (tiny sizes). They print speed ratios; no test asserts a wall-clock time."""
from __future__ import annotations

import pytest

from benchmarks import quantum_throughput


@pytest.mark.parametrize("engine", quantum_throughput.ENGINES)
def test_quantum_throughput_measures_every_engine(engine):
    rate = quantum_throughput.measure(engine, n=40, n_per_call=2, threads=1)
    assert rate > 0


def test_quantum_throughput_fresh_process_reports_a_rate():
    assert quantum_throughput.measure_in_fresh_process("torch engine", n=40, threads=1) > 0
