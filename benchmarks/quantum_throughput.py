"""Circuit evaluations per second of the 72-parameter classifier, three ways, measured in one run;
then the wall time of train + unlearn + gold retrain for one dataset with the torch engine.

    python -m benchmarks.quantum_throughput                    # 2 threads, 20,000 inputs, iris
    python -m benchmarks.quantum_throughput --threads 1 --dataset wine

All three are exact float64 statevector evaluations of the same circuit (the
tests check that they agree to 1e-6):

- torch engine: the batched simulator of ``helpers.quantum.simulator``;
- Aer, one PUB: ``EstimatorV2.run([(circuit, observables (3, 1), values (n, 76))])``;
- Aer, one circuit per call: ``EstimatorV2.run`` once per input.

Target (issue 5): torch >= 100 x Aer one-PUB; train + unlearn + gold < 60 s on 2 cores.
"""
from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

from helpers.data import load_tabular
from helpers.quantum import engines, simulator
from helpers.quantum.experiment import run_seeds

TARGET_RATIO = 100
TARGET_PIPELINE_SECONDS = 60


ENGINES = ("torch engine", "Aer, one PUB", "Aer, one circuit per call")


def seconds_per_call(fn, min_seconds=0.5):
    """Mean seconds of ``fn()`` over as many calls as fit in ``min_seconds``, after one warm-up call."""
    fn()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / calls


def measure(engine, n=20_000, n_per_call=200, threads=2, seed=0):
    """Circuits per second of one engine, in this process."""
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(seed)
    theta = torch.randn(72, generator=g, dtype=torch.float64)
    X = torch.rand(n, 4, generator=g, dtype=torch.float64) * math.pi
    if engine == "torch engine":
        return n / seconds_per_call(lambda: simulator.expectations(theta, X))
    if engine == "Aer, one PUB":
        return n / seconds_per_call(lambda: engines.aer_expectations(theta, X, threads=threads))
    return n_per_call / seconds_per_call(
        lambda: engines.aer_expectations_one_per_call(theta, X[:n_per_call], threads=threads))


def measure_in_fresh_process(engine, n, threads):
    """:func:`measure` in a new Python process (see :func:`throughput` for why)."""
    code = (f"from benchmarks.quantum_throughput import measure; "
            f"print(measure({engine!r}, n={n}, threads={threads}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    return float(out.stdout.strip().splitlines()[-1])


def throughput(n=20_000, threads=2, rounds=3):
    """Circuits per second of each engine: the best and the median over ``rounds``.

    Each measurement runs in a fresh process. torch and qiskit-aer ship two different
    OpenMP runtimes; once Aer has run, its idle worker threads compete with torch's for the
    two cores, and the torch engine measured ~1.7x slower in the same process. The engines
    take turns in every round, so a slow spell of the (shared, noisy) machine hits each of
    them; as with :mod:`timeit`, the best round is the fairest estimate of what each can do."""
    samples = {engine: [] for engine in ENGINES}
    for _ in range(rounds):
        for engine in ENGINES:
            samples[engine].append(measure_in_fresh_process(engine, n, threads))
    rates = {}
    for engine, values in samples.items():
        rates[engine] = max(values)
        print(f"{engine:27s} {rates[engine]:12,.0f} circuits/s (median of {rounds} rounds "
              f"{statistics.median(values):,.0f})", flush=True)
    return rates


def pipeline(dataset="iris", seed=1):
    data = load_tabular(dataset, seed=seed)
    start = time.perf_counter()
    result = run_seeds({seed: data}, targets=("similarity",))[0]
    total = time.perf_counter() - start
    parts = dict(train=result.original.seconds, unlearn=result.unlearned["similarity"].seconds,
                 gold=result.gold.seconds)
    print("  ".join(f"{k} {v:.1f} s" for k, v in parts.items()) + f"  total {total:.1f} s", flush=True)
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch and Aer threads (default 2)")
    parser.add_argument("--n", type=int, default=20_000, help="inputs per batch")
    parser.add_argument("--rounds", type=int, default=3, help="fresh-process rounds per engine")
    parser.add_argument("--dataset", default="iris")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"threads={args.threads}, batch of {args.n:,} inputs, float64, exact expectations")
    rates = throughput(args.n, threads=args.threads, rounds=args.rounds)
    torch_rate = rates["torch engine"]
    for name in ("Aer, one PUB", "Aer, one circuit per call"):
        print(f"torch / {name:27s} = {torch_rate / rates[name]:8.1f} x")
    ratio = torch_rate / rates["Aer, one PUB"]
    print(f"target torch >= {TARGET_RATIO} x Aer one-PUB: {'met' if ratio >= TARGET_RATIO else 'NOT met'}")
    print(f"\ntrain + unlearn + gold retrain on {args.dataset} (torch engine, autograd):")
    total = pipeline(args.dataset)
    print(f"target < {TARGET_PIPELINE_SECONDS} s: {'met' if total < TARGET_PIPELINE_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
