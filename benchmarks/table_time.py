"""Wall time of the default Table 1 from a cold cache (the budget is 5 minutes on 2 cores).

    python -m benchmarks.table_time                 # Table 1: 10/30/50 %, 9 methods, seeds 1-3
    python -m benchmarks.table_time --seeds 1       # a quicker look

Table 1 of the OEU paper on the default profile is 3 original models (one per
seed) and 81 unlearning runs (3 ratios x 9 methods x 3 seeds), each evaluated
with FA, RA, TA and MIA. The result cache is pointed at an empty temporary
folder, so everything is computed, exactly as in a first build of the book.
The breakdown shows where the time goes: each method's summed unlearning
time; the rest is training the originals and evaluating.
"""
from __future__ import annotations

import argparse
import tempfile
import time

import torch

from helpers.experiments import PAPER_METHODS, ResultCache, run_table

BUDGET_SECONDS = 300


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--ratios", nargs="+", type=float, default=[0.1, 0.3, 0.5])
    parser.add_argument("--threads", type=int, default=2, help="torch threads (the budget assumes 2 cores)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        table = run_table("default", ratios=tuple(args.ratios), methods=PAPER_METHODS, seeds=tuple(args.seeds),
                          cache=ResultCache(folder), progress=False)
        total = time.perf_counter() - start
    runs = len(args.seeds)
    per_method = (table["seconds"] * runs).groupby(level="method", sort=False).sum()
    print("summed unlearning seconds per method (all ratios and seeds):")
    print(per_method.round(1).to_string())
    print(f"\nunlearning {per_method.sum():.1f} s; originals + evaluation {total - per_method.sum():.1f} s")
    print(f"Table 1 ({len(args.ratios)} ratios x {len(PAPER_METHODS)} methods x {runs} seeds) "
          f"from a cold cache with {args.threads} torch threads: {total:.1f} s (budget {BUDGET_SECONDS} s): "
          f"{'met' if total < BUDGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
