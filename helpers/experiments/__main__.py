"""Command line: ``python -m helpers.experiments {table,tune} ...`` (see ``--help``)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..profiles import PROFILES
from ..unlearn import METHODS
from .cache import ResultCache, default_folder
from .cost import cost_report, measured_from_cache
from .executors import EXECUTORS
from .runner import PAPER_METHODS, SCENARIOS, format_table, run_table
from .tune import GRIDS, SELECTION_SEED, reset, tune


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.experiments",
                                     description="Run the OEU paper's unlearning experiments.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("table", help="compute one table; write CSV and JSON")
    t.add_argument("--profile", default="default", choices=sorted(PROFILES))
    t.add_argument("--dataset", default=None, help="default: the profile's dataset")
    t.add_argument("--model", default="resnet18", choices=["resnet18", "mobilenet_v2"])
    t.add_argument("--quant", default="w4a4", help="w4a4, w2, fp, optionally with -pact / -dsq / -lsq")
    t.add_argument("--scenario", default="random", choices=SCENARIOS)
    t.add_argument("--ratios", nargs="+", type=float, default=[0.1, 0.3, 0.5],
                   help="forget ratios (random, mislabeled, poisoned) or classes (class)")
    t.add_argument("--methods", nargs="+", default=list(PAPER_METHODS), choices=sorted(METHODS))
    t.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    t.add_argument("--out", type=Path, default=Path("results"), help="folder for table.csv and table.json")
    t.add_argument("--no-cache", action="store_true", help="recompute everything")
    t.add_argument("--executor", default="serial", choices=EXECUTORS,
                   help="serial: every cell here, one after another; ray: each cell a Ray task "
                        "(pip install 'unlearning-book[ray]'), one GPU each on the paper profile")
    t.add_argument("--address", default=None,
                   help="with --executor ray: the cluster, 'auto' (this machine's) or ray://HOST:10001; "
                        "default: a local Ray on this machine")
    u = sub.add_parser("tune", help="choose hyper-parameters on the selection seed; update your own hparams.json "
                                    "(~/.cache/unlearning-book/hparams.json or $UNLEARNING_BOOK_HPARAMS)")
    u.add_argument("--profile", default="default", choices=sorted(PROFILES))
    u.add_argument("--scenario", default="random", choices=SCENARIOS)
    u.add_argument("--model", default="resnet18", choices=["resnet18", "mobilenet_v2"])
    u.add_argument("--quant", default="w4a4", help="w4a4, w2, fp, optionally with -pact / -dsq / -lsq")
    u.add_argument("--amount", type=float, default=None,
                   help="the tuning forget set: a ratio (random, mislabeled, poisoned) or a class (class); "
                        "default: helpers.experiments.tune.AMOUNTS")
    u.add_argument("--methods", nargs="+", default=None, choices=sorted(GRIDS))
    u.add_argument("--selection-seed", type=int, default=SELECTION_SEED,
                   help="the seed searched on (default: the book's, helpers.experiments.tune.SELECTION_SEED)")
    u.add_argument("--reset", action="store_true",
                   help="delete your own hparams.json (tune nothing): the book's hyper-parameters apply again")
    c = sub.add_parser("cost", help="print what the paper's full grid costs (the setup page's tables)")
    c.add_argument("--measure", type=Path, nargs="?", const=True, default=None, metavar="CACHE",
                   help="instead: the mean seconds per method of the default profile's cached ResNet-18 W4A4 "
                        "random-forgetting cells (in CACHE, default: the result cache), for cost.MEASURED")
    args = parser.parse_args(argv)
    if args.command == "cost":
        if args.measure is None:
            print(cost_report(), end="")
        else:
            folder = default_folder() if args.measure is True else args.measure
            print(json.dumps(measured_from_cache(folder)))
        return 0
    if args.command == "tune" and args.reset:
        reset()
        return 0
    if args.command == "tune":
        amount = int(args.amount) if args.scenario == "class" and args.amount is not None else args.amount
        chosen = tune(args.profile, args.scenario, args.model, args.quant, args.methods, amount,
                      selection_seed=args.selection_seed)
        print(json.dumps(chosen, indent=2))
        return 0
    amounts = [int(a) for a in args.ratios] if args.scenario == "class" else args.ratios
    table = run_table(args.profile, args.dataset, args.model, args.quant, args.scenario, amounts,
                      args.methods, args.seeds, cache=ResultCache(enabled=not args.no_cache),
                      executor=args.executor, address=args.address)
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "table.csv")
    table.reset_index().to_json(args.out / "table.json", orient="records", indent=1)
    print(format_table(table).to_string())
    print(f"\nwritten: {args.out / 'table.csv'}, {args.out / 'table.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
