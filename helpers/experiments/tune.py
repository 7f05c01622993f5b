"""Choose each method's hyper-parameters on a *selection seed* that is never reported.

One set per (profile, scenario, network + quantization): for every method, a
small grid inside the ranges of OEU Appendix A.6 is tried on seed 0, on the
scenario's tuning forget set (:data:`AMOUNTS`: 10 % random forgetting, class
3, or 5 % corrupted samples), and one grid point is kept by the scenario's
criterion:

- ``random``: the smallest average gap to Retrain (AG), as in the paper.
- ``class``, ``mislabeled`` and ``poisoned`` (forgetting is *required*):
  among the grid points whose forget accuracy (FA) is within
  :data:`FORGET_TOLERANCE` points of Retrain's (0 for a forgotten class,
  near 0 for wrong labels), the
  smallest AG. Without this constraint a method that barely moves the model
  can win on AG, since RA, TA and MIA stay close, and "tuned" class-wise
  forgetting then forgets nothing. If no grid point of a method meets the
  constraint, the one with the FA closest to Retrain's is kept, and the set
  records why under ``_notes`` (e.g. the grid edge it stopped at).

The tables are then reported on other seeds (1, 2, 3 by default). The choices
are written to the reader's own ``hparams.json`` in their data folder
(:func:`helpers.experiments.runner.user_hparams_file`: ``$UNLEARNING_BOOK_HPARAMS``,
else ``~/.cache/unlearning-book/hparams.json``), never into the installed package.
The runner reads a set of that file before the book's set of the same key
(the package's ``hparams.json``, versioned with the code), so a re-tuning
changes the tables on that machine only; deleting the file (or
``python -m helpers.experiments tune --reset``) goes back to the book's values.
The book's own sets were chosen this way and then copied into the package
file. Each set is stored under the key
``"<scenario>/<model>-<quant>"`` with their provenance (``_command``,
``_selection_seed``, ``_amount``, ``_criterion``, ``_sizes``: |D_f| and |D_r|,
``_retrain`` and ``_original``: their metrics, ``_selection``: the chosen
point's AG and FA, ``_notes``). Re-tune with, e.g.::

    python -m helpers.experiments tune --profile default --scenario class --model resnet18 --quant w4a4
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path

from ..data import load_dataset
from ..metrics import average_gap
from ..profiles import get_profile
from . import runner
from .cache import ResultCache
from .runner import (
    PAPER_METHODS,
    SCENARIOS,
    check_scenario,
    forget_retain,
    hparams_key,
    method_hparams,
    resolve_setting,
    run_cell,
)

SELECTION_SEED = 0
AMOUNTS = {"random": 0.1, "class": 3, "mislabeled": 0.05, "poisoned": 0.05}   # the forget set tuned on
FORGET_TOLERANCE = 5.0            # percentage points of FA from Retrain's that still count as "forgotten"
CONSTRAINED = ("class", "mislabeled", "poisoned")   # scenarios whose criterion requires forgetting first

# Fixed per method (the cost of one run relative to Retrain follows the paper's proportions),
# then the grid searched, both for the default profile. Ranges: OEU Appendix A.6.
FIXED = {
    "ft": dict(epochs=2, batch_size=128), "ga": dict(epochs=3, batch_size=128),
    "iu": dict(num_samples=1000), "rl": dict(epochs=1, batch_size=128),
    "l1_sparse": dict(epochs=2, batch_size=128), "salun": dict(epochs=1, batch_size=128),
    "qmul": dict(epochs=3, batch_size=128), "oeu": dict(epochs=3, batch_size=128, alpha=1.0, beta=1.0),
    "oeu_no_gop": dict(epochs=3, batch_size=128, beta=1.0),
    "oeu_no_egu": dict(epochs=3, batch_size=128, alpha=1.0, beta=1.0),
    "oeu_global_gop": dict(epochs=3, batch_size=128, alpha=1.0, beta=1.0),
}
GRIDS = {
    "ft": dict(lr=[0.003, 0.01, 0.03]),                       # [1e-3, 1e-1]
    "ga": dict(lr=[1e-4, 3e-4, 1e-3]),                        # [1e-5, 1e-3]
    "iu": dict(alpha=[1.0, 5.0, 10.0, 20.0]),                 # [1, 20]
    "rl": dict(lr=[0.001, 0.003, 0.01, 0.03]),                # [1e-3, 1e-1]
    "l1_sparse": dict(lr=[0.01, 0.03], alpha=[1e-6, 1e-5, 1e-4]),   # gamma in [1e-6, 1e-4]
    "salun": dict(lr=[0.001, 0.002, 0.005, 0.02], fraction=[0.3, 0.5, 0.7]),   # [5e-4, 5e-2], [0.1, 0.9]
    "qmul": dict(lr=[0.001, 0.003, 0.01, 0.03]),              # [1e-3, 1e-1]
    "oeu": dict(lr=[0.01, 0.03, 0.1]),                        # [1e-2, 1e-1], alpha = 1
    "oeu_no_gop": dict(lr=[0.01, 0.03, 0.1]),
    "oeu_no_egu": dict(lr=[0.001, 0.003, 0.01, 0.03]),     # similar-label CE: lower lrs (it diverges above)
    "oeu_global_gop": dict(lr=[0.01, 0.03, 0.1]),
}
# OEU Appendix A.6's search ranges, to tell a grid edge that is also the paper's range edge.
PAPER_RANGES = {
    "ft": dict(lr=(1e-3, 1e-1)), "ga": dict(lr=(1e-5, 1e-3)), "iu": dict(alpha=(1.0, 20.0)),
    "rl": dict(lr=(1e-3, 1e-1)), "l1_sparse": dict(lr=(1e-3, 1e-1), alpha=(1e-6, 1e-4)),
    "salun": dict(lr=(5e-4, 5e-2), fraction=(0.1, 0.9)), "qmul": dict(lr=(1e-3, 1e-1)),
    "oeu": dict(lr=(1e-2, 1e-1)), "oeu_no_gop": dict(lr=(1e-2, 1e-1)),
    "oeu_global_gop": dict(lr=(1e-2, 1e-1)),
}
# Where forgetting is required (class, corrupted samples) the grids reach the upper ends of App. A.6's
# learning-rate ranges, and the methods whose loop runs over D_f alone (GA, Q-MUL, OEU) also try
# App. A.6's epoch counts (GA 5, Q-MUL and OEU 10): D_f is one class or a few per cent of D, one or
# two batches, so three epochs are only three to six steps.
FORGETTING_GRIDS = {
    "ft": dict(lr=[0.003, 0.01, 0.03, 0.1]),
    "ga": dict(lr=[1e-4, 3e-4, 1e-3], epochs=[3, 5]),
    "rl": dict(lr=[0.001, 0.003, 0.01, 0.03, 0.1]),
    "l1_sparse": dict(lr=[0.01, 0.03, 0.1], alpha=[1e-6, 1e-5, 1e-4]),
    "salun": dict(lr=[0.002, 0.005, 0.02, 0.05], fraction=[0.3, 0.5, 0.7]),
    "qmul": dict(lr=[0.003, 0.01, 0.03, 0.1], epochs=[3, 10]),
    "oeu": dict(lr=[0.01, 0.03, 0.1], epochs=[3, 10]),
}
# Per scenario, grids that replace the default one for a method (see the module docstring).
SCENARIO_GRIDS: dict[str, dict[str, dict]] = {scenario: (FORGETTING_GRIDS if scenario in CONSTRAINED else {})
                                              for scenario in SCENARIOS}
ABLATION_SET = ("random", "resnet18", "w4a4")   # the only set whose ablation variants are tuned (chapter 5, Table 2)


def default_methods(scenario: str, model: str, quant: str) -> list[str]:
    """The methods ``tune`` searches when none are named: the paper's, plus the ablations for :data:`ABLATION_SET`."""
    if (scenario, model, quant) == ABLATION_SET:
        return list(GRIDS)
    return [m for m in PAPER_METHODS if m in GRIDS]


def method_grid(method: str, scenario: str = "random") -> dict:
    """The values searched for ``method`` in ``scenario`` (name -> list)."""
    if method not in GRIDS:
        raise ValueError(f"no tuning grid for {method!r}; tunable methods: {sorted(GRIDS)}")
    return SCENARIO_GRIDS[check_scenario(scenario)].get(method, GRIDS[method])


def grid(method: str, scenario: str = "random"):
    """Every hyper-parameter dict of ``method``'s grid in ``scenario`` (fixed values included)."""
    searched = method_grid(method, scenario)
    names = list(searched)
    for values in itertools.product(*(searched[n] for n in names)):
        yield {**FIXED[method], **dict(zip(names, values))}


def criterion(scenario: str) -> str:
    """The selection rule of ``scenario`` in words (stored as ``_criterion``)."""
    if check_scenario(scenario) in CONSTRAINED:
        return (f"smallest AG among grid points with |FA - FA(Retrain)| <= {FORGET_TOLERANCE:g} points; "
                "if none, the FA closest to Retrain's (see _notes)")
    return "smallest AG to Retrain"


def select(method: str, scored: list, gold: dict, scenario: str, original: dict | None = None):
    """``(hp, note)``: the grid point ``scenario``'s criterion keeps from ``scored`` = [(row, hp), ...].

    ``note`` is ``None`` when the choice is unremarkable, otherwise a sentence
    saying why the method does not forget, or why even its best grid point is
    farther from Retrain than doing nothing (``original``'s row) is.
    """
    if not scored:
        raise ValueError(f"nothing to select for {method}: the grid is empty")
    ag = lambda item: average_gap(item[0], gold)            # noqa: E731
    fa_gap = lambda item: abs(item[0]["FA"] - gold["FA"])   # noqa: E731
    forgets = [item for item in scored if fa_gap(item) <= FORGET_TOLERANCE]
    if scenario not in CONSTRAINED or forgets:
        row, hp = min(forgets if scenario in CONSTRAINED else scored, key=ag)
        if original is not None and average_gap(row, gold) > average_gap(original, gold):
            done = f"forgets (FA {row['FA']:.1f} %) only" if scenario in CONSTRAINED else "its best grid point comes"
            if scenario in CONSTRAINED and abs(original["FA"] - gold["FA"]) <= FORGET_TOLERANCE:
                done = (f"doing nothing already has FA {original['FA']:.1f} % (Retrain's {gold['FA']:.1f} %): "
                        f"there is nothing to forget; the method's best grid point comes")
            return hp, (f"{done} with an AG of {average_gap(row, gold):.2f}, larger than doing nothing's "
                        f"({average_gap(original, gold):.2f}) on the selection seed, at "
                        f"{describe_point(method, hp, scenario)}")
        return hp, None
    row, hp = min(scored, key=lambda item: (fa_gap(item), ag(item)))
    return hp, (f"no grid point brings FA within {FORGET_TOLERANCE:g} points of Retrain's "
                f"{gold['FA']:.1f} %; the closest, FA {row['FA']:.1f} %, is at "
                f"{describe_point(method, hp, scenario)}")


def describe_point(method: str, hp: dict, scenario: str = "random") -> str:
    """``hp``'s searched values, each flagged when it sits at the grid's edge (and App. A.6's)."""
    parts = []
    for name, values in method_grid(method, scenario).items():
        text = f"{name}={hp[name]:g}"
        if len(values) > 1 and hp[name] in (min(values), max(values)):
            side = "largest" if hp[name] == max(values) else "smallest"
            low, high = PAPER_RANGES.get(method, {}).get(name, (None, None))
            paper = high if side == "largest" else low
            text += f" (the grid's {side}" + (", the end of App. A.6's range)" if paper == hp[name] else ")")
        parts.append(text)
    return ", ".join(parts)


def tune_command(profile: str, scenario: str, model: str, quant: str, amount,
                 selection_seed: int = SELECTION_SEED) -> str:
    """The command line that reproduces a tuned set (stored as ``_command``)."""
    seed = "" if selection_seed == SELECTION_SEED else f" --selection-seed {selection_seed}"
    return (f"python -m helpers.experiments tune --profile {profile} --scenario {scenario} "
            f"--model {model} --quant {quant} --amount {amount:g}{seed}")


def tune(profile_name: str = "default", scenario: str = "random", model: str = "resnet18", quant: str = "w4a4",
         methods=None, amount=None, cache: ResultCache | None = None, write: bool = True, log=print,
         selection_seed: int = SELECTION_SEED) -> dict:
    """Grid-search every method on the selection seed; return (and by default save) the choices.

    ``selection_seed`` is the seed searched on (the book's: :data:`SELECTION_SEED`, never reported).

    ``amount`` is the tuning forget set (a ratio, or a class for ``"class"``);
    it defaults to :data:`AMOUNTS`. ``methods`` defaults to
    :func:`default_methods`. The set is written under
    :func:`helpers.experiments.runner.hparams_key`; methods not re-tuned keep
    their stored values (the reader's set if they have one, else the book's),
    except in a placeholder set (``_untuned``), whose copied values are dropped.
    """
    key = hparams_key(scenario, model, quant)
    amount = AMOUNTS[scenario] if amount is None else amount
    profile = get_profile(profile_name)
    if write:
        runner.stored_sets(profile.name)      # a broken file of the reader's fails now, not after the search
    cache = cache or ResultCache()
    setting = resolve_setting(model, quant)
    data = load_dataset(profile.dataset, augment=profile.augment)

    def cell(method, hp):
        return run_cell(profile, data, setting, scenario, amount, method, selection_seed, hp, cache)

    gold = cell("retrain", method_hparams("retrain", profile, {}))
    original = cell("original", {})
    log(f"{key} amount={amount}: Retrain FA={gold['FA']:.1f}, Original FA={original['FA']:.1f} "
        f"AG={average_gap(original, gold):.2f}")
    chosen, notes, selection = {}, {}, {}
    for method in methods or default_methods(scenario, model, quant):
        scored = []
        for hp in grid(method, scenario):
            row = cell(method, hp)
            scored.append((row, hp))
            log(f"{method:15s} {hp} FA={row['FA']:.1f} AG={average_gap(row, gold):.2f}")
        chosen[method], note = select(method, scored, gold, scenario, original)
        row = next(r for r, hp in scored if hp == chosen[method])
        selection[method] = {"AG": round(average_gap(row, gold), 2), "FA": round(row["FA"], 2)}
        if note:
            notes[method] = note
            log(f"{method}: {note}")
    if write:
        sizes = [len(s) for s in forget_retain(data, scenario, amount, selection_seed)[:2]]
        path = save(profile.name, key, scenario, model, quant, amount, chosen, notes, selection, gold, original,
                    sizes, selection_seed)
        log(f"written to {path} (your own set {key}: it replaces the book's on this machine; "
            f"`python -m helpers.experiments tune --reset` goes back to the book's values)")
    return chosen


def save(profile: str, key: str, scenario: str, model: str, quant: str, amount, chosen: dict, notes: dict,
         selection: dict, gold: dict, original: dict, sizes=None, selection_seed: int = SELECTION_SEED) -> Path:
    """Merge one tuning run into the reader's ``hparams.json`` and return its path.

    Methods not re-tuned keep their stored values: the reader's set of ``key``
    if there is one, else the book's (so the reader's set is always complete).
    The book's file in the package is never written.
    """
    old = {k: v for k, v in runner.stored_sets(profile).get(key, {}).items() if k != "_file"}
    path = runner.user_hparams_file()
    table = json.loads(path.read_text()) if path.exists() else {}
    table.setdefault(profile, {})
    if "_untuned" in old:                     # a placeholder copied from another set: keep nothing of it
        old = {}
    entry = {m: v for m, v in old.items() if not m.startswith("_")}
    entry.update(chosen)
    untuned = sorted(set(GRIDS) - set(entry))
    meta = {
        "_command": tune_command(profile, scenario, model, quant, amount, selection_seed),
        "_selection_seed": selection_seed, "_amount": amount, "_criterion": criterion(scenario),
        "_sizes": dict(zip(("forget", "retain"), sizes or ())),      # |D_f|, |D_r| on the selection seed
        "_retrain": {k: round(v, 2) for k, v in gold.items() if k != "seconds"},
        "_original": {k: round(v, 2) for k, v in original.items() if k != "seconds"},
        "_selection": {**old.get("_selection", {}), **selection},
        "_notes": {**{m: n for m, n in old.get("_notes", {}).items() if m not in chosen}, **notes},
    }
    if untuned:
        meta["_untuned_methods"] = untuned    # these run with the package defaults (helpers.unlearn.DEFAULTS)
    table[profile][key] = {**meta, **entry}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n")
    return path


def reset(log=print) -> Path | None:
    """Delete the reader's ``hparams.json``, so every table uses the book's sets again; its path, or None."""
    path = runner.user_hparams_file()
    if not path.exists():
        log(f"no tuning of your own at {path}: the book's hyper-parameters are in use")
        return None
    path.unlink()
    log(f"deleted {path}: the book's hyper-parameters are in use again")
    return path


__all__ = ["tune", "reset", "save", "grid", "method_grid", "select", "criterion", "default_methods", "SELECTION_SEED", "AMOUNTS",
           "FORGET_TOLERANCE", "GRIDS", "FIXED", "SCENARIO_GRIDS", "FORGETTING_GRIDS"]
