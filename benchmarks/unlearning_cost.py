"""Wall time of every unlearning method relative to Retrain, measured in one run.

    python -m benchmarks.unlearning_cost                  # default profile, 10 % forgetting, seed 1
    python -m benchmarks.unlearning_cost --ratio 0.5 --seed 2 --rounds 5

The OEU paper reports OEU at about 3 minutes against Retrain's 20 (a ratio of
0.15); the target here is OEU under 0.25 of Retrain on the default profile.
Nothing is cached: every method is timed afresh, on the same original model
and the same forget set. A single run of a method lasting under a second
varies by 30-50 % on a shared 2-core machine, so the methods are run in
``--rounds`` rounds (every method once per round, so a slow spell of the
machine hits all of them alike) and the ratio uses each method's median.
"""
from __future__ import annotations

import argparse
import statistics

import pandas as pd
import torch

from helpers.data import load_dataset
from helpers.experiments import ResultCache, original_model, resolve_setting
from helpers.experiments.runner import PAPER_METHODS, forget_retain, load_hparams, method_hparams
from helpers.profiles import get_profile
from helpers.unlearn import METHODS, Task, unlearn

TARGET = 0.25


def measure(profile="default", ratio=0.1, seed=1, methods=PAPER_METHODS, model="resnet18", quant="w4a4",
            rounds=3):
    """Seconds of each method in each round -> a table: median and best seconds, median / Retrain's median."""
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    profile = get_profile(profile) if isinstance(profile, str) else profile
    data = load_dataset(profile.dataset)
    setting = resolve_setting(model, quant)
    original = original_model(profile, data, setting, seed, ResultCache(enabled=False))
    task = Task(*forget_retain(data, "random", ratio, seed)[:2])
    tuned = load_hparams(profile.name)
    seconds = {method: [] for method in methods}
    for r in range(rounds):
        for method in methods:
            new = unlearn(method, original, task, seed=seed,
                          **method_hparams(method, profile, tuned))
            seconds[method].append(new.unlearn_seconds)
            print(f"round {r + 1}/{rounds}  {method:15s} {new.unlearn_seconds:7.2f} s", flush=True)
    table = pd.DataFrame({"median s": {m: statistics.median(t) for m, t in seconds.items()},
                          "best s": {m: min(t) for m, t in seconds.items()}})
    table.index.name = "method"
    table["/ Retrain"] = table["median s"] / table.loc["retrain", "median s"]
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--ratio", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--methods", nargs="+", default=list(PAPER_METHODS), choices=sorted(METHODS))
    parser.add_argument("--rounds", type=int, default=3, help="runs of every method; the ratio uses medians")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    methods = ["retrain"] + [m for m in args.methods if m != "retrain"]
    table = measure(args.profile, args.ratio, args.seed, methods, rounds=args.rounds)
    print(f"\nprofile={args.profile} ratio={args.ratio} seed={args.seed}, torch threads=2, "
          f"median of {args.rounds} rounds")
    print(table.round(3).to_string())
    if "oeu" in table.index:
        ratio = table.loc["oeu", "/ Retrain"]
        print(f"\nOEU / Retrain = {ratio:.3f} (target < {TARGET}): {'met' if ratio < TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
