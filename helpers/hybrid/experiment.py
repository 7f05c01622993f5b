"""The chapter's experiment: selection seed, report seeds, one table with every method.

For each dataset, scenario and seed: load the data (the seed fixes the splits), train the
original model (shared by both scenarios) and the oracle, then run every method. On the
report seeds a second, independently seeded oracle (``replica=1``) is scored against the
first like any method (row ``oracle_indep``): the oracle's own noise floor. The
``original`` row is doing nothing. Seeds: the original from the experiment seed, the
oracles from ``derive_seed(seed, "oracle", replica)``, every unlearning run from
``derive_seed(seed, "unlearn")`` (:mod:`helpers.seeds`).

**Hyper-parameters.** Every method comes from :mod:`helpers.unlearn`. The methods of the study's
suite default to its settings (Adam, batches of 32, a budget in steps); GA, Q-MUL and OEU (OEU
paper defaults) and DG (chapter 7's defaults) get the study's here, as :data:`HYBRID_RECIPES`. Each method's knobs stay there except its budget, the number of steps, which is chosen on the *selection seed* only: one run of
``max(STEP_GRID)`` steps, scored after each step count in :data:`STEP_GRID` by the mean
absolute gap to the oracle in forget, retain and **validation** accuracy (closest wins).
The report seeds then use the chosen budget. No test data enters any choice.
"""
from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pandas as pd
import torch

from ..data import TensorSplits
from ..progress import progress_bar
from ..unlearn import training_task, unlearn
from ..unlearn.loop import ADAM_LOOP
from .data import Split, load_hybrid, make_split
from .metrics import evaluate, set_probs
from .training import accuracy, train_oracle, train_original

METHOD_ORDER = ("ga", "fisher", "neggrad+", "cf_k", "eu_k", "scrub", "certified", "qmul", "lca",
                "adv_uniform", "oeu", "dg")
LABELS = {"ga": "GA", "fisher": "Fisher-GA", "neggrad+": "NegGrad+", "cf_k": "CF-k", "eu_k": "EU-k",
          "scrub": "SCRUB", "certified": "Certified", "qmul": "Q-MUL", "lca": "LCA", "adv_uniform": "ADV-uniform",
          "oeu": "OEU", "dg": "DG (ch. 7)", "original": "original", "oracle": "oracle (retrain)",
          "oracle_indep": "oracle′ (replica 1)"}
REFERENCES = ("original", "oracle", "oracle_indep")     # rows every cell carries besides the methods
STEP_GRID = (4, 8, 16, 32)
# The hybrid study's settings of the methods it shares with the quantized networks (whose defaults are
# the OEU paper's): Adam, batches of 32, a budget in steps, both batches through the model in one pass.
HYBRID_RECIPES = {"ga": dict(steps=20, lr=1e-3, batch_size=32, **ADAM_LOOP),
                  "qmul": dict(steps=40, lr=1e-2, batch_size=32, one_pass=True, **ADAM_LOOP),
                  "oeu": dict(steps=40, lr=1e-2, batch_size=32, alpha=1.0, beta=1.0, one_pass=True, **ADAM_LOOP),
                  "dg": dict(steps=40, lr=1e-2, batch_size=32, one_pass=True, **ADAM_LOOP)}
SCENARIO_NAMES = {"A": "A: 2% subset", "B": "B: class 0"}


@dataclass
class Cell:
    """One (dataset, scenario, seed) cell: its split, the original and the oracle, with their outputs."""

    data: TensorSplits
    split: Split
    original: torch.nn.Module
    oracle: torch.nn.Module

    def __post_init__(self):
        self.probs_original = set_probs(self.original, self.data, self.split)
        self.probs_oracle = set_probs(self.oracle, self.data, self.split)

    def gap_to_oracle(self, model) -> float:
        """Mean |accuracy - oracle accuracy| over D_f, D_r and the validation split (no test data)."""
        d, s = self.data, self.split
        sets = [(d.X_train[s.forget_idx], d.y_train[s.forget_idx]),
                (d.X_train[s.retain_idx], d.y_train[s.retain_idx]), (d.X_val, d.y_val)]
        return sum(abs(accuracy(model, X, y) - accuracy(self.oracle, X, y)) for X, y in sets) / len(sets)

    def row(self, model, method: str, seed: int, steps=None, seconds=float("nan")) -> dict:
        """One row of the results table: the cell, the method, and :func:`.metrics.evaluate` of ``model``."""
        return dict(dataset=self.data.name, scenario=self.split.scenario, seed=seed, method=method, steps=steps,
                    seconds=seconds, **evaluate(model, self.probs_original, self.probs_oracle, self.data, self.split))


def select_steps(cell: Cell, method: str, seed: int, grid=STEP_GRID) -> dict:
    """One run of ``max(grid)`` steps; ``{steps: gap to the oracle}`` at each step count of ``grid``."""
    scores = {}

    def on_step(step, model):
        if step in grid:
            scores[step] = cell.gap_to_oracle(model)
            model.train()
    task = training_task(cell.data, cell.split.forget_idx, cell.split.forget_class, on_step)
    hybrid_unlearn(method, cell.original, task, seed, max(grid))
    return scores


def hybrid_unlearn(method: str, model, task, seed: int, steps: int):
    """``unlearn(method, ...)`` with the method's hybrid recipe (:data:`HYBRID_RECIPES`) and a budget of ``steps``."""
    return unlearn(method, model, task, seed=seed, **{**HYBRID_RECIPES.get(method, {}), "steps": steps})


def _timed(train, *args, **kwargs):
    start = time.perf_counter()
    return train(*args, **kwargs), time.perf_counter() - start


def run(datasets=("iris", "digits"), scenarios=("A", "B"), selection_seed: int = 0, seeds=(1, 2, 3),
        methods=METHOD_ORDER, progress: bool = True):
    """The whole chapter. Returns ``(results, selection)``: one row per (dataset, scenario, seed, method)
    including the rows of :data:`REFERENCES`, and the step-count scores of the selection seed.

    One process per dataset (at most one per CPU core) runs the datasets side by side, each with one
    torch thread; with one dataset or one core everything runs here."""
    workers = min(len(datasets), os.cpu_count() or 1)
    if workers > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            jobs = [pool.submit(_run_datasets, (name,), scenarios, selection_seed, seeds, methods, False)
                    for name in datasets]
            parts = [job.result() for job in progress_bar(jobs, desc="datasets", enabled=progress)]
        return (pd.concat([p[0] for p in parts], ignore_index=True),
                pd.concat([p[1] for p in parts], ignore_index=True))
    return _run_datasets(datasets, scenarios, selection_seed, seeds, methods, progress)


def _run_datasets(datasets, scenarios, selection_seed, seeds, methods, progress):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _run_datasets_one_thread(datasets, scenarios, selection_seed, seeds, methods, progress)
    finally:
        torch.set_num_threads(threads)          # run() in this process leaves the caller's thread count as it was


def _run_datasets_one_thread(datasets, scenarios, selection_seed, seeds, methods, progress):
    rows, chosen, budget = [], [], {}                 # budget[(name, scenario, method)]: the chosen steps
    for name in datasets:
        for seed in progress_bar((selection_seed, *seeds), desc=name, enabled=progress):
            data = load_hybrid(name, seed=seed)
            original, t_original = _timed(train_original, data, seed)
            for scenario in scenarios:
                split = make_split(data, scenario, seed=seed)
                oracle, t_oracle = _timed(train_oracle, data, split, seed)
                cell = Cell(data, split, original, oracle)
                if seed == selection_seed:
                    for method in methods:
                        scores = select_steps(cell, method, seed)
                        steps = budget[name, scenario, method] = min(scores, key=scores.get)
                        chosen.append(dict(dataset=name, scenario=scenario, method=method, steps=steps,
                                           **{f"gap@{k}": v for k, v in scores.items()}))
                    continue
                rows += [cell.row(original, "original", seed, seconds=t_original),
                         cell.row(oracle, "oracle", seed, seconds=t_oracle)]
                floor, t_floor = _timed(train_oracle, data, split, seed, replica=1)
                rows.append(cell.row(floor, "oracle_indep", seed, seconds=t_floor))
                for method in methods:
                    steps = budget[name, scenario, method]
                    task = training_task(data, split.forget_idx, split.forget_class)
                    model = hybrid_unlearn(method, original, task, seed, steps)
                    rows.append(cell.row(model, method, seed, steps, model.unlearn_seconds))
    return pd.DataFrame(rows), pd.DataFrame(chosen)


COLUMNS = ["retain", "forget", "test", "MIA_AUC", "AG", "UQI", "KL_test", "KL_retain", "agree_test"]


def summary(results: pd.DataFrame, columns=COLUMNS) -> pd.DataFrame:
    """Mean over the report seeds, one row per (dataset, scenario, method), methods in chapter order."""
    keys, order = ["dataset", "scenario", "method"], {m: i for i, m in enumerate((*REFERENCES, *METHOD_ORDER))}
    table = results.groupby(keys, sort=False)[columns].mean().reset_index()
    table = table.sort_values(keys, key=lambda c: c.map(order) if c.name == "method" else c, kind="stable")
    table["method"] = table["method"].map(LABELS)
    return table.set_index(keys)
