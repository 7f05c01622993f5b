"""Experiments of the OEU paper: profiles, a cached runner, tuned hyper-parameters, a command line.

    from helpers.experiments import run_table, format_table
    table = run_table("default", ratios=(0.1,), methods=("ft", "oeu"), seeds=(1, 2, 3))

Command line (``python -m helpers.experiments --help``)::

    python -m helpers.experiments table --profile paper --dataset cifar10 --out results/
    python -m helpers.experiments tune --profile default --scenario class --model resnet18 --quant w4a4
"""
from ..profiles import PROFILES, get_profile
from .cache import ResultCache
from .runner import (
                     ABLATIONS,
                     PAPER_METHODS,
                     aggregate,
                     format_table,
                     load_hparams,
                     original_model,
                     ratio_to_retrain,
                     resolve_setting,
                     run_cell,
                     run_table,
                     tuned_set,
)

__all__ = ["PROFILES", "get_profile", "ResultCache", "run_table", "run_cell", "aggregate", "format_table",
           "ratio_to_retrain", "original_model", "resolve_setting", "load_hparams", "tuned_set", "PAPER_METHODS",
           "ABLATIONS"]
