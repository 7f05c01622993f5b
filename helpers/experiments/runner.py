"""Run the OEU paper's experiments and lay the results out like its tables.

One *cell* of a table is (seed, forget ratio or class, method): train the
original model for that seed (cached), split off the forget set, unlearn,
evaluate FA / RA / TA / MIA, and time the method. ``run_table`` repeats cells
over seeds and aggregates them: mean and standard deviation over seeds, and
each metric's gap to Retrain (computed per seed, then averaged).

Scenarios: ``random`` and ``class`` forgetting (OEU Sec. 5.1 and App. A.5),
and two of the book's own (:mod:`helpers.data.corruption`), ``mislabeled``
and ``poisoned``: the original is trained on a training set with a seeded
corrupted fraction (wrong labels; for poisoning also a trigger), ``D_f`` is
those samples with their wrong labels and Retrain sees only the clean rest.

Hyper-parameters come from ``hparams.json``, one set per (profile, scenario,
network + quantization), chosen on the selection seed by
:mod:`helpers.experiments.tune`; :func:`tuned_set` says which set a run uses.
Two files hold sets: the book's own (:data:`HPARAMS_FILE`, shipped with the
package and versioned with the code) and the reader's (:func:`user_hparams_file`,
written by ``tune`` in the reader's data folder). A set of the reader's file
replaces the book's set of the same key, on the reader's machine only; with no
reader's file the book's sets are used exactly as shipped.

Every table carries two reference rows beside the methods: **Original**, the
do-nothing model (what a method has to beat), and **Retrain′**, a second
Retrain with its own independent seed stream (:mod:`helpers.seeds`): its gap
to Retrain is the oracle's own noise floor, the smallest gap any method can be
told apart from.
"""
from __future__ import annotations

import json
import os
import warnings
from dataclasses import asdict, replace
from pathlib import Path

import pandas as pd
import torch

from ..data import CORRUPTIONS, corrupt, drop_class, forget_split, load_dataset
from ..data.home import DEFAULT_HOME
from ..data.home import ENV_VAR as DATA_HOME_VAR
from ..metrics import METRICS
from ..metrics import evaluate as evaluate_metrics
from ..profiles import (
    Profile,
    QuantSetting,
    build_quantized,
    get_profile,
    get_setting,
    train_setting,
)
from ..train import seed_everything, to_device
from ..unlearn import DEFAULTS, METHODS, Task, unlearn
from .cache import ResultCache
from .executors import get_executor

HPARAMS_FILE = Path(__file__).with_name("hparams.json")   # the book's sets, shipped with the package: never written
USER_HPARAMS_VAR = "UNLEARNING_BOOK_HPARAMS"              # names the reader's file, overriding the default place
PAPER_METHODS = ("retrain", "ft", "ga", "iu", "rl", "l1_sparse", "salun", "qmul", "oeu")
ABLATIONS = ("retrain", "oeu", "oeu_no_gop", "oeu_no_egu", "oeu_global_gop")
SCENARIOS = ("random", "class", *CORRUPTIONS)   # mislabeled, poisoned: the book's own (helpers.data.corruption)
REFERENCE_SETTING = ("resnet18", "w4a4")        # the paper's main setting: tuned for every scenario
EVERY_SETTING = "*"                  # the key of a profile's set for every scenario and network (the paper's App. A.6)
ORACLE_REPLICA = "retrain_indep"     # a second Retrain, independently seeded: the oracle's noise floor
BASELINES = ("retrain", ORACLE_REPLICA, "original")    # reference rows every table carries


def resolve_setting(model: str, quant: str) -> QuantSetting:
    """``("resnet18", "w4a4")`` -> the setting ``resnet18-w4a4``; ``"w4a4-pact"`` swaps the quantizer."""
    bits, _, method = quant.partition("-")
    setting = get_setting(f"{model}-{bits}")
    return replace(setting, method=method) if method else setting


def check_scenario(scenario: str) -> str:
    """``scenario`` itself, or a ValueError naming the known ones."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {SCENARIOS}")
    return scenario


def hparams_key(scenario: str, model: str, quant: str) -> str:
    """The key of one tuned set in ``hparams.json``: ``"<scenario>/<model>-<quant>"``, e.g. ``"class/resnet18-w4a4"``.

    Raises ValueError for an unknown scenario, network or quantization.
    """
    check_scenario(scenario)
    resolve_setting(model, quant)                   # raises for an unknown network / quantization
    return f"{scenario}/{model}-{quant}"


def user_hparams_file() -> Path:
    """The reader's own ``hparams.json``, which ``tune`` writes: ``$UNLEARNING_BOOK_HPARAMS`` if set, else
    ``hparams.json`` in the data home (``$UNLEARNING_BOOK_DATA``, else ``~/.cache/unlearning-book``).

    It may not exist: then every set comes from the book's :data:`HPARAMS_FILE`.
    """
    named = os.environ.get(USER_HPARAMS_VAR)
    if named:
        return Path(named).expanduser()
    return (Path(os.environ.get(DATA_HOME_VAR) or DEFAULT_HOME) / "hparams.json").expanduser()


def _read_sets(path: Path, profile: str) -> dict:
    """The sets of ``profile`` in one hparams file (``{}`` if the file does not exist)."""
    if not path.exists():
        return {}
    try:
        table = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}); fix it, or delete it to use the book's "
                         f"hyper-parameters") from error
    return table.get(profile, {})


def stored_sets(profile: str) -> dict:
    """Every tuned set of ``profile`` (key -> entry): the book's, each replaced by the reader's set of the same key.

    An entry taken from the reader's file carries its path under ``_file`` (provenance, like every ``_`` key).
    """
    sets = dict(_read_sets(HPARAMS_FILE, profile))
    user = user_hparams_file()
    for key, entry in _read_sets(user, profile).items():
        sets[key] = {**entry, "_file": str(user)}
    return sets


def tuned_set(profile: str, scenario: str = "random", model: str = "resnet18", quant: str = "w4a4"):
    """``(key, entry)``: the set of ``hparams.json`` a run of (scenario, model, quant) uses.

    ``entry`` maps each method to its hyper-parameters; keys starting with
    ``_`` are provenance (command, selection seed, criterion, notes, and
    ``_file`` for a set of the reader's own file, see :func:`stored_sets`). The
    fallback rule, first match wins:

    1. the set tuned for exactly this scenario, network and quantization;
    2. the same scenario and network at the same bit widths with the default
       quantizer (``w4a4-pact`` falls back to ``w4a4``);
    3. the same scenario on the paper's main setting, ResNet-18 W4A4
       (:data:`REFERENCE_SETTING`), which is tuned for every scenario;
    4. the profile's set for every scenario and network, key :data:`EVERY_SETTING` (``"*"``): the
       ``paper`` profile's, OEU App. A.6's values (its searched ranges under ``_searched_ranges``).

    A set is never borrowed from another scenario. A profile with no set
    at all returns ``(None, {})``: every method then runs
    with its package defaults (``helpers.unlearn.DEFAULTS``). Raises
    ValueError for an unknown scenario / network / quantization, or when the
    profile has tuned sets but none for this scenario.
    """
    key = hparams_key(scenario, model, quant)
    sets = stored_sets(profile)
    if not sets:
        return None, {}
    candidates = [key, f"{scenario}/{model}-{quant.partition('-')[0]}", hparams_key(scenario, *REFERENCE_SETTING),
                  EVERY_SETTING]
    for candidate in candidates:
        if candidate in sets:
            return candidate, sets[candidate]
    raise ValueError(f"profile {profile!r} has no hyper-parameters tuned for scenario {scenario!r} "
                     f"(it has {sorted(sets)}); run `python -m helpers.experiments tune --profile {profile} "
                     f"--scenario {scenario}` or pass hparams=")


def load_hparams(profile: str, scenario: str = "random", model: str = "resnet18", quant: str = "w4a4") -> dict:
    """Tuned hyper-parameters (method -> dict) for a scenario and network; see :func:`tuned_set` for the fallback.

    ``load_hparams("default")`` is the set of random forgetting with the 4-bit ResNet-18.
    """
    _, entry = tuned_set(profile, scenario, model, quant)
    return {m: v for m, v in entry.items() if not m.startswith("_")}


def method_hparams(method: str, profile: Profile, tuned: dict) -> dict:
    """Hyper-parameters for one method: Retrain follows the profile's recipe (with a progress bar if the
    profile shows them), others the tuned file."""
    if method == "original":
        return {}
    if method in ("retrain", ORACLE_REPLICA):
        bar = {"progress": True} if profile.progress else {}
        return dict(epochs=profile.retrain_epochs, lr=profile.lr, batch_size=profile.batch_size, **bar)
    return {**DEFAULTS[method], **tuned.get(method, {})}


def defaulted_hparams(entry: dict, methods) -> dict:
    """The hyper-parameters a set searched but did not fix, per method: ``{method: {name: (default, range)}}``.

    A set with ``_searched_ranges`` (the paper profile's, OEU App. A.6) lists the ranges the paper
    searched; each name of a range that the set gives no value for runs on the package default
    (``helpers.unlearn.DEFAULTS``). A method the set does not name at all is listed with ``{}``.
    """
    ranges = entry.get("_searched_ranges")
    if not ranges:
        return {}
    out = {}
    for method in methods:
        if method not in DEFAULTS or method in BASELINES:
            continue
        fixed = entry.get(method)
        if fixed is None:
            out[method] = {}
            continue
        unset = {name: (DEFAULTS[method][name], span) for name, span in ranges.get(method, {}).items()
                 if name not in fixed}
        if unset:
            out[method] = unset
    return out


def warn_defaulted(hparams_set: str | None, entry: dict, methods) -> dict:
    """Warn (once per table) which hyper-parameters are not the set's own but the package defaults; return them."""
    defaulted = defaulted_hparams(entry, methods)
    if defaulted:
        source = entry.get("_source", hparams_set)
        parts = [f"{m} (not in {source}: all package defaults)" if not v else
                 f"{m} " + ", ".join(f"{n}={d} (searched in {list(r)})" for n, (d, r) in v.items())
                 for m, v in defaulted.items()]
        warnings.warn(f"{source} gives no value for: {'; '.join(parts)}. They run on the package defaults "
                      f"(helpers.unlearn.DEFAULTS); choose them with `python -m helpers.experiments tune`.",
                      UserWarning, stacklevel=3)
    return defaulted


def profile_config(profile: Profile) -> dict:
    """The profile's fields that can change a result (its progress bars cannot), for the cache keys."""
    return {k: v for k, v in asdict(profile).items() if k != "progress"}


def original_config(profile: Profile, data, setting: QuantSetting, seed: int, scenario: str = "random",
                    amount=None) -> dict:
    """The cache configuration of an original model; for a corrupted scenario it names the corruption."""
    config = {"kind": "original", "profile": profile_config(profile), "dataset": data.name,
              "setting": asdict(setting), "seed": seed}
    if check_scenario(scenario) in CORRUPTIONS:
        config["corruption"] = {"kind": scenario, "ratio": float(amount), "seed": seed}
    return config


def original_model(profile: Profile, data, setting: QuantSetting, seed: int, cache: ResultCache, *,
                   scenario: str = "random", amount=None):
    """The model trained on the whole training set for ``seed`` (from the cache if possible).

    For ``scenario="mislabeled"`` or ``"poisoned"`` it is trained instead on
    the training set with the fraction ``amount`` corrupted
    (:func:`helpers.data.corrupt` with the same ``seed``), and cached under its
    own key; the other scenarios share the clean original.
    """
    config = original_config(profile, data, setting, seed, scenario, amount)
    if scenario in CORRUPTIONS:
        data = replace(data, train=corrupt(data.train, scenario, amount, seed).train)
    state = cache.get_state(config, map_location=profile.check_device().device)
    if state is not None:
        seed_everything(seed)
        model = build_quantized(setting, data.num_classes, data.in_channels, profile.width(setting.arch))
        model.to(profile.device)                    # on the profile's device, like a freshly trained one
        model(*to_device(model, data.train[torch.arange(2)][0]))   # initialise the quantizers, then load
        model.load_state_dict(state)
        model.eval()
        return model
    model, _ = train_setting(setting, data, profile, seed=seed, progress=False)
    cache.put_state(config, {k: v.cpu() for k, v in model.state_dict().items()})
    return model


def forget_retain(data, scenario: str, amount, seed: int):
    """``(forget_set, retain_set, test_set)`` for a ratio (random, corrupted) or a class (class-wise).

    For ``"mislabeled"`` / ``"poisoned"`` the forget set carries its wrong labels
    (and trigger) and the retain set is the clean rest; the test set is clean.
    """
    if scenario in CORRUPTIONS:
        corrupted = corrupt(data.train, scenario, amount, seed)
        return corrupted.forget_set, corrupted.retain_set, data.test
    if scenario == "random":
        f_idx, r_idx = forget_split(data.train.targets, ratio=amount, seed=seed)
        test = data.test
    elif scenario == "class":
        f_idx, r_idx = forget_split(data.train.targets, forget_class=amount, seed=seed)
        test = drop_class(data.test, amount)
    else:
        raise ValueError(f"unknown scenario {scenario!r}; choose one of {SCENARIOS}")
    return data.train.subset(f_idx), data.train.subset(r_idx), test


def cell_config(profile, dataset: str, setting, scenario, amount, method, seed, hparams) -> dict:
    """The cache configuration of one cell (its result is stored under this key)."""
    return {"kind": "cell", "profile": profile_config(profile), "dataset": dataset, "setting": asdict(setting),
            "scenario": scenario, "amount": amount, "method": method, "seed": seed, "hparams": hparams}


def unlearned_model(profile, data, setting, scenario, amount, method, seed, hparams, cache):
    """``(model, (forget_set, retain_set, test_set))``: the (cached) original of ``seed`` after ``method``
    has unlearned the forget set of (scenario, amount), with the sets it was judged on.

    ``method`` is a registered method, ``"original"`` (a copy of the original) or :data:`ORACLE_REPLICA`
    (a second Retrain, independently seeded). The model carries ``unlearn_seconds``. One place for
    every experiment that needs the unlearned network itself: a table's cell (:func:`run_cell`) and
    the deployment audit (:mod:`helpers.experiments.deployment`).
    """
    model = original_model(profile, data, setting, seed, cache, scenario=scenario, amount=amount)
    forget_set, retain_set, test_set = forget_retain(data, scenario, amount, seed)
    task = Task(forget_set, retain_set, progress=profile.progress)
    if method == ORACLE_REPLICA:
        new = unlearn("retrain", model, task, seed=seed, replica=1, **hparams)
    else:
        new = unlearn(method, model, task, seed=seed, **hparams)
    return new, (forget_set, retain_set, test_set)


def run_cell(profile, data, setting, scenario, amount, method, seed, hparams, cache) -> dict:
    """FA, RA, TA, MIA (percent) and seconds of one method on one forget set (cached)."""
    config = cell_config(profile, data.name, setting, scenario, amount, method, seed, hparams)
    row = cache.get_json(config)
    if row is None:
        new, sets = unlearned_model(profile, data, setting, scenario, amount, method, seed, hparams, cache)
        row = {**evaluate_metrics(new, *sets), "seconds": new.unlearn_seconds}
        cache.put_json(config, row)
    return row



class TableCells:
    """One table's cells as a picklable callable: ``cells((amount, method, seed))`` is that cell's row.

    It carries names and settings, never tensors, so an executor can send it to another
    process: a Ray worker loads the dataset itself and reads and writes the driver's cache
    folder (the :class:`ResultCache` travels with its folder).
    """

    def __init__(self, profile, dataset: str, root, setting, scenario: str, tuned: dict, cache: ResultCache,
                 data=None):
        self.profile, self.dataset, self.root = profile, dataset, root
        self.setting, self.scenario, self.tuned, self.cache = setting, scenario, tuned, cache
        self._data = data

    def __getstate__(self):
        return {**self.__dict__, "_data": None}        # a worker loads its own copy of the data

    @property
    def data(self):
        if self._data is None:
            self._data = load_dataset(self.dataset, root=self.root, augment=self.profile.augment)
        return self._data

    def cached_row(self, cell):
        """The stored row of ``cell``, or None if it has not been computed."""
        amount, method, seed = cell
        hparams = method_hparams(method, self.profile, self.tuned)
        return self.cache.get_json(cell_config(self.profile, self.data.name, self.setting, self.scenario,
                                               amount, method, seed, hparams))

    def store_row(self, cell, row: dict) -> None:
        """Store ``row`` as the result of ``cell`` (a row a worker computed, in the driver's cache)."""
        amount, method, seed = cell
        hparams = method_hparams(method, self.profile, self.tuned)
        self.cache.put_json(cell_config(self.profile, self.data.name, self.setting, self.scenario,
                                        amount, method, seed, hparams), row)

    def original_of(self, cell):
        """``(seed, amount)`` of the original model ``cell`` starts from (amount only for corrupted data)."""
        amount, _, seed = cell
        return seed, amount if self.scenario in CORRUPTIONS else None

    def train_original(self, original) -> None:
        """Train and cache the original model ``(seed, amount)`` (nothing if it is cached)."""
        seed, amount = original
        original_model(self.profile, self.data, self.setting, seed, self.cache, scenario=self.scenario,
                       amount=amount)

    def __call__(self, cell) -> dict:
        amount, method, seed = cell
        hparams = method_hparams(method, self.profile, self.tuned)
        return run_cell(self.profile, self.data, self.setting, self.scenario, amount, method, seed, hparams,
                        self.cache)


def run_cells(cells: TableCells, keys, executor, *, desc: str = "", progress: bool = True) -> list:
    """The rows of the cells ``keys`` (``(amount, method, seed)`` each), computed by ``executor``.

    Cells already in the cache are read, never submitted: an interrupted run resumes where it
    stopped; the rows a parallel executor's workers computed are stored in the driver's cache too.
    A parallel executor (Ray) first trains the missing original models, one task each,
    so that no two cells train the same original at once; each task asks for one GPU if the
    profile runs on CUDA.
    """
    stored = [cells.cached_row(key) for key in keys]
    todo = [key for key, row in zip(keys, stored) if row is None]
    gpus = 1 if str(cells.profile.device).startswith("cuda") else 0
    if executor.parallel and cells.cache.enabled:
        originals = list(dict.fromkeys(cells.original_of(key) for key in todo))
        executor.map(cells.train_original, originals, desc=f"{desc} originals", progress=progress, gpus=gpus)
    new_rows = executor.map(cells, todo, desc=desc, progress=progress, gpus=gpus)
    if executor.parallel:                   # a worker on another machine may write to another folder
        for key, row in zip(todo, new_rows):
            cells.store_row(key, row)
    computed = iter(new_rows)
    return [{"amount": a, "method": m, "seed": s, **(row if row is not None else next(computed))}
            for (a, m, s), row in zip(keys, stored)]


def run_table(profile: str | Profile = "default", dataset: str | None = None, model: str = "resnet18",
              quant: str = "w4a4", scenario: str = "random", ratios=(0.1, 0.3, 0.5), methods=PAPER_METHODS,
              seeds=(1, 2, 3), *, hparams: dict | None = None, cache: ResultCache | bool = True,
              progress: bool = True, root=None, executor: str = "serial",
              address: str | None = None) -> pd.DataFrame:
    """A table like the OEU paper's: a row per (ratio, method), mean and std over ``seeds``.

    ``scenario="class"`` forgets whole classes: ``ratios`` then lists the classes.
    ``executor="ray"`` runs each cell as a Ray task, on a local Ray or the cluster at ``address``
    (:mod:`helpers.experiments.executors`); the table is the serial one, seconds aside.
    ``scenario="mislabeled"`` or ``"poisoned"`` (the book's own) forgets that
    fraction of training samples, corrupted before the original was trained.
    Columns: ``FA RA TA MIA`` (mean), ``FA_std ...`` (std over seeds), ``FA_gap ...``
    (mean over seeds of ``|metric - Retrain's metric|``), ``AG`` and ``AG_std``
    (mean gap over the four metrics), ``seconds``. Retrain, an independently
    seeded second Retrain (``retrain_indep``, the noise floor) and the
    do-nothing ``original`` are always run. Standard deviations are sample
    standard deviations over seeds (``ddof=1``); the per-seed rows are kept in
    ``table.attrs["per_seed"]`` for paired verdicts
    (:func:`helpers.experiments.compare.judge`). Hyper-parameters are the set
    tuned for this scenario and network (:func:`tuned_set`, named in
    ``table.attrs["hparams_set"]``); ``hparams`` overrides them (method -> dict). Hyper-parameters the
    set leaves to the package defaults (the paper profile's, where App. A.6 only gives a searched range)
    are warned about and listed in ``table.attrs["defaulted_hparams"]`` (:func:`defaulted_hparams`).
    Everything runs on the profile's device; a GPU profile run serially on a machine without one is a
    ValueError (:meth:`helpers.profiles.Profile.check_device`).
    """
    profile = get_profile(profile) if isinstance(profile, str) else profile
    if executor == "serial":
        profile.check_device()           # on Ray, the cells' machines need the GPU (the executor checks the cluster)
    check_scenario(scenario)
    pool = get_executor(executor, address=address)
    if not isinstance(cache, ResultCache):
        cache = ResultCache(enabled=bool(cache))
    unknown = [m for m in methods if m not in METHODS and m != ORACLE_REPLICA]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; choose from {sorted(METHODS)}")
    setting = resolve_setting(model, quant)
    data = load_dataset(dataset or profile.dataset, root=root, augment=profile.augment)
    hparams_set, entry = tuned_set(profile.name, scenario, model, quant)
    tuned = {**{m: v for m, v in entry.items() if not m.startswith("_")}, **(hparams or {})}
    methods = list(BASELINES) + [m for m in methods if m not in BASELINES]
    defaulted = warn_defaulted(hparams_set, entry, [m for m in methods if m not in (hparams or {})])
    cells = [(a, m, s) for a in ratios for m in methods for s in seeds]
    work = TableCells(profile, dataset or profile.dataset, root, setting, scenario, tuned, cache, data)
    rows = run_cells(work, cells, pool, desc=f"{setting.label} {scenario}", progress=progress)
    table = aggregate(pd.DataFrame(rows), scenario)
    table.attrs["hparams_set"] = hparams_set
    table.attrs["defaulted_hparams"] = defaulted
    return table


def aggregate(raw: pd.DataFrame, scenario: str = "random") -> pd.DataFrame:
    """Per-seed rows -> the paper's layout (see :func:`run_table`).

    Each gap is ``|metric - Retrain's metric|`` on the same seed and forget set, AG their mean over
    FA, RA, TA and MIA (OEU paper Sec. 5.1 and App. A.1; chapter 4's equation ``ch4-ag``), then the
    mean over seeds (chapter 5's equation ``ch5-ag``)."""
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
    table.index.names = ["class" if scenario == "class" else "ratio", "method"]
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


__all__ = ["run_table", "run_cell", "unlearned_model", "run_cells", "cell_config", "TableCells", "aggregate", "format_table", "ratio_to_retrain", "original_model",
           "forget_retain", "resolve_setting", "load_hparams", "tuned_set", "stored_sets", "user_hparams_file", "hparams_key", "SCENARIOS", "PAPER_METHODS", "ABLATIONS", "BASELINES",
           "ORACLE_REPLICA"]
