"""Run the OEU paper's experiments and lay the results out like its tables.

One *cell* of a table is (seed, forget ratio or class, method): train the
original model for that seed (cached), split off the forget set, unlearn,
evaluate FA / RA / TA / MIA, and time the method. ``run_table`` repeats cells
over seeds and aggregates them: mean and standard deviation over seeds, and
each metric's gap to Retrain (computed per seed, then averaged).

Every table carries two reference rows beside the methods: **Original**, the
do-nothing model (what a method has to beat), and **Retrain′**, a second
Retrain with its own independent seed stream (:mod:`helpers.seeds`): its gap
to Retrain is the oracle's own noise floor, the smallest gap any method can be
told apart from.
"""
from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path

import pandas as pd
import torch

from ..data import drop_class, forget_split, load_dataset
from ..metrics import METRICS
from ..metrics import evaluate as evaluate_metrics
from ..notebook import progress_bar
from ..profiles import (
    Profile,
    QuantSetting,
    build_quantized,
    get_profile,
    get_setting,
    train_setting,
)
from ..train import seed_everything
from ..unlearn import DEFAULTS, METHODS, unlearn
from .cache import ResultCache

HPARAMS_FILE = Path(__file__).with_name("hparams.json")
PAPER_METHODS = ("retrain", "ft", "ga", "iu", "rl", "l1_sparse", "salun", "qmul", "oeu")
ABLATIONS = ("retrain", "oeu", "oeu_no_gop", "oeu_no_egu", "oeu_global_gop")
SCENARIOS = ("random", "class")
ORACLE_REPLICA = "retrain_indep"     # a second Retrain, independently seeded: the oracle's noise floor
BASELINES = ("retrain", ORACLE_REPLICA, "original")    # reference rows every table carries


def resolve_setting(model: str, quant: str) -> QuantSetting:
    """``("resnet18", "w4a4")`` -> the setting ``resnet18-w4a4``; ``"w4a4-pact"`` swaps the quantizer."""
    bits, _, method = quant.partition("-")
    setting = get_setting(f"{model}-{bits}")
    return replace(setting, method=method) if method else setting


def load_hparams(profile: str) -> dict:
    """Tuned hyper-parameters of ``profile`` (from ``hparams.json``), method -> dict."""
    table = json.loads(HPARAMS_FILE.read_text()) if HPARAMS_FILE.exists() else {}
    return {m: v for m, v in table.get(profile, {}).items() if not m.startswith("_")}


def method_hparams(method: str, profile: Profile, tuned: dict) -> dict:
    """Hyper-parameters for one method: Retrain follows the profile's recipe, others the tuned file."""
    if method == "original":
        return {}
    if method in ("retrain", ORACLE_REPLICA):
        return dict(epochs=profile.retrain_epochs, lr=profile.lr, batch_size=profile.batch_size)
    return {**DEFAULTS[method], **tuned.get(method, {})}


def original_model(profile: Profile, data, setting: QuantSetting, seed: int, cache: ResultCache):
    """The model trained on the whole training set for ``seed`` (from the cache if possible)."""
    config = {"kind": "original", "profile": asdict(profile), "dataset": data.name,
              "setting": asdict(setting), "seed": seed}
    state = cache.get_state(config)
    if state is not None:
        seed_everything(seed)
        model = build_quantized(setting, data.num_classes, data.in_channels, profile.width(setting.arch))
        model(data.train[torch.arange(2)][0])       # initialise the quantizers, then load
        model.load_state_dict(state)
        model.eval()
        return model
    model, _ = train_setting(setting, data, profile, seed=seed, progress=False)
    cache.put_state(config, {k: v.cpu() for k, v in model.state_dict().items()})
    return model


def forget_retain(data, scenario: str, amount, seed: int):
    """``(forget_set, retain_set, test_set)`` for a ratio (random) or a class (class-wise)."""
    if scenario == "random":
        f_idx, r_idx = forget_split(data.train.targets, ratio=amount, seed=seed)
        test = data.test
    elif scenario == "class":
        f_idx, r_idx = forget_split(data.train.targets, forget_class=amount, seed=seed)
        test = drop_class(data.test, amount)
    else:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {SCENARIOS}")
    return data.train.subset(f_idx), data.train.subset(r_idx), test


def run_cell(profile, data, setting, scenario, amount, method, seed, hparams, cache) -> dict:
    """FA, RA, TA, MIA (percent) and seconds of one method on one forget set (cached)."""
    config = {"kind": "cell", "profile": asdict(profile), "dataset": data.name, "setting": asdict(setting),
              "scenario": scenario, "amount": amount, "method": method, "seed": seed, "hparams": hparams}
    row = cache.get_json(config)
    if row is None:
        model = original_model(profile, data, setting, seed, cache)
        forget_set, retain_set, test_set = forget_retain(data, scenario, amount, seed)
        if method == ORACLE_REPLICA:
            new = unlearn("retrain", model, forget_set, retain_set, seed=seed, replica=1, **hparams)
        else:
            new = unlearn(method, model, forget_set, retain_set, seed=seed, **hparams)
        row = {**evaluate_metrics(new, forget_set, retain_set, test_set), "seconds": new.unlearn_seconds}
        cache.put_json(config, row)
    return row


def run_table(profile: str | Profile = "default", dataset: str | None = None, model: str = "resnet18",
              quant: str = "w4a4", scenario: str = "random", ratios=(0.1, 0.3, 0.5), methods=PAPER_METHODS,
              seeds=(1, 2, 3), *, hparams: dict | None = None, cache: ResultCache | bool = True,
              progress: bool = True, root=None) -> pd.DataFrame:
    """A table like the OEU paper's: a row per (ratio, method), mean and std over ``seeds``.

    ``scenario="class"`` forgets whole classes: ``ratios`` then lists the classes.
    Columns: ``FA RA TA MIA`` (mean), ``FA_std ...`` (std over seeds), ``FA_gap ...``
    (mean over seeds of ``|metric - Retrain's metric|``), ``AG`` and ``AG_std``
    (mean gap over the four metrics), ``seconds``. Retrain, an independently
    seeded second Retrain (``retrain_indep``, the noise floor) and the
    do-nothing ``original`` are always run. Standard deviations are sample
    standard deviations over seeds (``ddof=1``); the per-seed rows are kept in
    ``table.attrs["per_seed"]`` for paired verdicts
    (:func:`helpers.experiments.compare.judge`). ``hparams`` overrides the
    tuned values (method -> dict).
    """
    profile = get_profile(profile) if isinstance(profile, str) else profile
    if not isinstance(cache, ResultCache):
        cache = ResultCache(enabled=bool(cache))
    unknown = [m for m in methods if m not in METHODS and m != ORACLE_REPLICA]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; choose from {sorted(METHODS)}")
    setting = resolve_setting(model, quant)
    data = load_dataset(dataset or profile.dataset, root=root, augment=profile.augment)
    tuned = {**load_hparams(profile.name), **(hparams or {})}
    methods = list(BASELINES) + [m for m in methods if m not in BASELINES]
    cells = [(a, m, s) for a in ratios for m in methods for s in seeds]
    rows = []
    for amount, method, seed in progress_bar(cells, desc=f"{setting.label} {scenario}", enabled=progress):
        hp = method_hparams(method, profile, tuned)
        row = run_cell(profile, data, setting, scenario, amount, method, seed, hp, cache)
        rows.append({"amount": amount, "method": method, "seed": seed, **row})
    return aggregate(pd.DataFrame(rows), scenario)


def aggregate(raw: pd.DataFrame, scenario: str = "random") -> pd.DataFrame:
    """Per-seed rows -> the paper's layout (see :func:`run_table`)."""
    gold = raw[raw.method == "retrain"].set_index(["amount", "seed"])[list(METRICS)]
    raw = raw.merge(gold.add_suffix("_retrain"), left_on=["amount", "seed"], right_index=True, how="left")
    for m in METRICS:
        raw[f"{m}_gap"] = (raw[m] - raw[f"{m}_retrain"]).abs()
    raw["AG"] = raw[[f"{m}_gap" for m in METRICS]].mean(axis=1)
    keys = ["amount", "method"]
    order = {m: i for i, m in enumerate(dict.fromkeys(raw.method))}
    grouped = raw.groupby(keys, sort=False)
    table = grouped[list(METRICS) + [f"{m}_gap" for m in METRICS] + ["AG", "seconds"]].mean()
    stds = grouped[list(METRICS) + ["AG"]].std(ddof=1).add_suffix("_std")
    table = table.join(stds)
    columns = [c for m in METRICS for c in (m, f"{m}_std", f"{m}_gap")] + ["AG", "AG_std", "seconds"]
    table = table[columns].sort_index(level=1, key=lambda s: s.map(order), sort_remaining=False)
    table = table.sort_index(level=0, sort_remaining=False)
    table.index.names = ["ratio" if scenario == "random" else "class", "method"]
    table.attrs["seeds"] = sorted(raw.seed.unique().tolist())
    table.attrs["per_seed"] = raw[["amount", "method", "seed", *METRICS, "AG"]].reset_index(drop=True)
    table.attrs["source"] = "computed"
    return table


def format_table(table: pd.DataFrame) -> pd.DataFrame:
    """Strings like the paper's cells: ``"93.4±0.5 (0.2)"`` = mean ± std over seeds (gap to Retrain)."""
    out = pd.DataFrame(index=table.index)
    for m in METRICS:
        out[m] = [f"{v:.2f}±{s:.2f} ({g:.2f})" for v, s, g in zip(table[m], table[f"{m}_std"], table[f"{m}_gap"])]
    out["AG ↓"] = [f"{v:.2f}±{s:.2f}" for v, s in zip(table["AG"], table["AG_std"])]
    out["seconds"] = table["seconds"].map(lambda v: f"{v:.1f}")
    return out


def ratio_to_retrain(table: pd.DataFrame) -> pd.Series:
    """Each method's mean wall time divided by Retrain's (same ratio row)."""
    secs = table["seconds"]
    retrain = secs.xs("retrain", level=1)
    return (secs / secs.index.get_level_values(0).map(retrain).to_numpy()).rename("time / Retrain")


__all__ = ["run_table", "run_cell", "aggregate", "format_table", "ratio_to_retrain", "original_model",
           "forget_retain", "resolve_setting", "load_hparams", "PAPER_METHODS", "ABLATIONS", "BASELINES",
           "ORACLE_REPLICA"]
