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
import time

import torch

from helpers.data import load_tabular
from helpers.quantum import engines, simulator
from helpers.quantum.experiment import run

TARGET_RATIO = 100
TARGET_PIPELINE_SECONDS = 60


def rate(fn, n, min_seconds=1.0):
    """Evaluations per second of ``fn()`` (which evaluates ``n`` circuits), after one warm-up call."""
    fn()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return n * calls / elapsed


def throughput(n=20_000, n_per_call=200, threads=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    theta = torch.randn(72, generator=g, dtype=torch.float64)
    X = torch.rand(n, 4, generator=g, dtype=torch.float64) * math.pi
    rates = {
        "torch engine": rate(lambda: simulator.expectations(theta, X), n),
        "Aer, one PUB": rate(lambda: engines.aer_expectations(theta, X, threads=threads), n),
        "Aer, one circuit per call": rate(
            lambda: engines.aer_expectations_one_per_call(theta, X[:n_per_call], threads=threads), n_per_call),
    }
    for name, r in rates.items():
        print(f"{name:27s} {r:12,.0f} circuits/s", flush=True)
    return rates


def pipeline(dataset="iris", seed=1):
    data = load_tabular(dataset, seed=seed)
    start = time.perf_counter()
    result = run(data, seed, targets=("similarity",))
    total = time.perf_counter() - start
    parts = dict(train=result.original.seconds, unlearn=result.unlearned["similarity"].seconds,
                 gold=result.gold.seconds)
    print("  ".join(f"{k} {v:.1f} s" for k, v in parts.items()) + f"  total {total:.1f} s", flush=True)
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch and Aer threads (default 2)")
    parser.add_argument("--n", type=int, default=20_000, help="inputs per batch")
    parser.add_argument("--dataset", default="iris")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"threads={args.threads}, batch of {args.n:,} inputs, float64, exact expectations")
    rates = throughput(args.n, threads=args.threads)
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
