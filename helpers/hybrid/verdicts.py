"""Chapter 8's verdicts: each method against doing nothing, the oracle's noise floor and the leader.

The criterion is **AG**, the mean absolute gap to the oracle over forget, retain and test
accuracy and MIA AUC (:func:`helpers.metrics.average_gap`, chapter 8's equation ``ch8-ag``, with the
MIA AUC of ``ch8-mia``; lower is better). UQI (``ch8-uqi``) is not used: it rewards forgetting
*more* than the oracle (the chapter's exercise ``ch8-ex-uqi``).

Every comparison is paired over the report seeds (same split, same original, same oracle)
with a 95 % Student-t interval of the mean difference and the sample standard deviation
(:mod:`helpers.stats`); a difference whose interval spans zero is **undecided**.
:func:`gap_block` puts one scenario's AG in the form of chapter 5's blocks (the oracle as
``retrain``, the second oracle as ``retrain_indep``, doing nothing as ``original``), so the
verdicts vs doing nothing, vs the noise floor (:func:`~helpers.experiments.compare.judge`) and
vs the leader (:func:`~helpers.experiments.compare.difference_from`) are chapter 5's
computations, worded here with "the oracle".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..experiments.compare import difference_from, interval_words, judge, judge_words, methods_of, paired_ag
from ..stats import paired_interval
from ..words import capital, group_phrases, is_are, join_words
from ..experiments.verdicts import closest
from .experiment import LABELS, REFERENCES

# Row names that compare.judge expects for the three reference rows.
JUDGE_NAMES = {"original": "original", "oracle": "retrain", "oracle_indep": "retrain_indep"}


def _cell(results: pd.DataFrame, dataset: str, scenario: str, column: str) -> pd.DataFrame:
    """``column`` of one (dataset, scenario) cell: one row per seed, one column per method."""
    cell = results[(results["dataset"] == dataset) & (results["scenario"] == scenario)]
    if cell.empty:
        raise ValueError(f"no rows for dataset {dataset!r}, scenario {scenario!r}")
    if column not in cell.columns:
        raise ValueError(f"unknown column {column!r}; the results have {list(cell.columns)}")
    return cell.pivot_table(index="seed", columns="method", values=column, sort=False)


def gap_block(results: pd.DataFrame, scenario: str, dataset: str | None = None) -> pd.DataFrame:
    """One scenario's AG per method (mean over seeds) with ``attrs["per_seed"]`` (seed, method, AG).

    With ``dataset=None`` a seed's AG is the mean over the datasets in ``results``
    (every method must have every dataset on every seed). Methods are named by
    :data:`.experiment.LABELS`, the reference rows as :data:`JUDGE_NAMES`.
    """
    rows = results[results["scenario"] == scenario]
    if dataset is not None:
        rows = rows[rows["dataset"] == dataset]
    if rows.empty:
        raise ValueError(f"no rows for scenario {scenario!r}" + (f" and dataset {dataset!r}" if dataset else ""))
    missing = [m for m in REFERENCES if m not in set(rows["method"])]
    if missing:
        raise ValueError(f"the results lack the reference rows {missing}; experiment.run adds them")
    if rows.groupby(["seed", "method"]).size().nunique() != 1:
        raise ValueError("every method needs the same datasets on every seed to average AG over datasets")
    per_seed = rows.groupby(["seed", "method"], sort=False)["AG"].mean().reset_index()
    per_seed["method"] = per_seed["method"].map(lambda m: JUDGE_NAMES.get(m, LABELS.get(m, m)))
    block = per_seed.groupby("method", sort=False)[["AG"]].mean()
    block.attrs["per_seed"] = per_seed
    return block


def ranking(block: pd.DataFrame) -> pd.DataFrame:
    """The methods of ``block`` (no reference rows) by mean AG, each paired with the first (the leader).

    Columns: ``AG``, ``AG - first`` with its t interval (``low``, ``high``) and ``vs first``:
    ``"first"``, ``"farther"`` (interval above zero: the leader is closer to the oracle)
    or ``"undecided"``. The leader has the lowest mean, so no method can be "closer".
    """
    leader = closest(block)
    out = pd.DataFrame({"AG": block.loc[leader, "AG"], "AG - first": 0.0, "low": np.nan, "high": np.nan,
                        "vs first": "first"}, index=[leader])
    if len(methods_of(block)) > 1:
        others = difference_from(block, leader).sort_values("AG", kind="stable")
        others.columns = out.columns
        out = pd.concat([out, others.replace({"larger": "farther"})])
    out.index.name = "method"
    out.attrs["seeds"] = block.attrs["per_seed"]["seed"].nunique()
    return out


def leading_group(ranked: pd.DataFrame) -> list:
    """The leader and every method the intervals cannot separate from it."""
    return list(ranked.index[ranked["vs first"] != "farther"])


def ranking_words(ranked: pd.DataFrame, criterion: str = "mean AG") -> str:
    """One sentence from :func:`ranking` that states only the orderings its intervals support."""
    leader, intervals = ranked.index[0], "the " + interval_words(ranked.attrs.get("seeds", "the"))
    head = f"By {criterion}, {leader} comes first ({ranked['AG'].iloc[0]:.3f})"
    farther = list(ranked.index[ranked["vs first"] == "farther"])
    undecided = list(ranked.index[ranked["vs first"] == "undecided"])
    if len(ranked) == 1:
        return head + "; it is the only method."
    if not undecided:
        return head + f", and {intervals} put every other method farther from the oracle."
    if not farther:
        return (head + f", but {intervals} do not separate it from any other method: "
                "no method is shown to be farther from the oracle than it.")
    return (head + f"; {intervals} put {join_words(farther)} farther from the oracle, but do not separate it "
            f"from {join_words(undecided)}: the leading group is {join_words([leader, *undecided])}.")


def favourites_words(ranked: pd.DataFrame, favourites, who: str = "the study's favourites") -> str:
    """Are ``favourites`` in the :func:`leading_group`? One sentence, three branches."""
    favourites = list(favourites)
    unknown = [f for f in favourites if f not in ranked.index]
    if unknown or not favourites:
        raise ValueError(f"favourites {unknown or favourites} are not ranked methods; ranked: {list(ranked.index)}")
    group, leader = leading_group(ranked), ranked.index[0]
    inside = [f for f in favourites if f in group]
    outside = [f for f in favourites if f not in group]
    if not outside:
        return f"All of {who}, {join_words(favourites)}, are in the leading group."
    if not inside:
        return (f"None of {who}, {join_words(favourites)}, is in the leading group: "
                f"{leader} is closer to the oracle than each of them.")
    return (f"Of {who}, {join_words(inside)} {is_are(inside)} in the leading group; "
            f"{join_words(outside)} {is_are(outside)} not ({leader} is closer to the oracle).")


def direction_words(results: pd.DataFrame, dataset: str, scenario: str, column: str, quantity: str) -> str:
    """One sentence on ``column`` (named ``quantity``) of every method minus the oracle's, paired over seeds
    in one cell: who is lower or higher (interval beside zero), the same on every seed, or undecided."""
    wide = _cell(results, dataset, scenario, column)
    if "oracle" not in wide.columns:
        raise ValueError("no 'oracle' rows in this cell")
    groups, oracle = {d: [] for d in ("lower", "higher", "equal", "undecided")}, wide["oracle"].to_numpy()
    methods = [m for m in wide.columns if m not in REFERENCES]
    for m in methods:
        a = wide[m].to_numpy()
        direction = "equal" if (a == oracle).all() else {"smaller": "lower", "larger": "higher"}.get(
            paired_interval(a, oracle).direction, "undecided")
        groups[direction].append(LABELS.get(m, m))
    has = lambda words: "has" if len(words) == 1 else "have"     # noqa: E731
    parts = []
    for d, first, later in (("lower", f"a lower {quantity} than the oracle's", None),
                            ("higher", f"a higher {quantity} than the oracle's", "a higher one"),
                            ("equal", f"the same {quantity} as the oracle's on every seed", "the same one on every seed")):
        if groups[d]:
            verb = "" if parts and d == "higher" else f" {has(groups[d])}"
            parts.append(f"{join_words(groups[d])}{verb} {later if parts else first}")
    if groups["undecided"]:
        what = "the difference" if parts else f"the difference of the {quantity} from the oracle's"
        who = "every method" if len(groups["undecided"]) == len(methods) else join_words(groups["undecided"])
        parts.append(f"for {who} {what} is undecided")
    return capital("; ".join(parts) + f" ({interval_words(len(wide))}).")


def judge_sentence(block: pd.DataFrame) -> str:
    """Chapter 5's :func:`~helpers.experiments.compare.judge_words` on a :func:`gap_block`, with "the oracle"
    for Retrain and "a second, independently seeded oracle" for Retrain′."""
    return judge_words(judge(block), "the oracle", "a second, independently seeded oracle")


def leader_words(block: pd.DataFrame, ranked: pd.DataFrame) -> str:
    """Is the first method of :func:`ranking` closer to the oracle than doing nothing, and than a second oracle?

    The leader's row of :func:`~helpers.experiments.compare.judge` on the :func:`gap_block` the
    ranking came from. When doing nothing is not farther from the oracle than the second oracle
    (as in :func:`floor_words`), the sentence adds that the ordering ranks noise around the oracle."""
    floor = paired_ag(block, "original", "retrain_indep")
    if floor is None:
        raise ValueError("leader_words needs at least two seeds")
    leader = ranked.index[0]
    verdict = judge(block).loc[leader]
    nothing = {"better": "is closer to the oracle than doing nothing",
               "worse": "is farther from the oracle than doing nothing",
               "undecided": "is not shown to be closer to the oracle than doing nothing"}[verdict["vs Original"]]
    second = {"below": "it is closer to the oracle than a second oracle is",
              "above": "it is farther from the oracle than a second oracle is",
              "within": "it is within the oracle's noise floor: not shown to be farther from the oracle than "
                        "a second oracle is, which is not proof of closeness"}[verdict["vs noise floor"]]
    text = f"The leader, {leader}, {nothing}; {second} ({interval_words(floor.n)})"
    if floor.direction != "larger":
        return text + ("; doing nothing is itself not farther from the oracle than a second oracle is, "
                       "so this ordering ranks noise around the oracle.")
    return text + "."


def floor_distance_words(results: pd.DataFrame, dataset: str, scenario: str) -> str:
    """Doing nothing's test KL to the oracle (``ch8-kl``; 0 is the oracle itself) against a second oracle's,
    paired over seeds in one cell."""
    wide = _cell(results, dataset, scenario, "KL_test")
    missing = [m for m in ("original", "oracle_indep") if m not in wide.columns]
    if missing:
        raise ValueError(f"no {missing} rows in this cell; experiment.run adds them")
    a, b = wide["original"].to_numpy(), wide["oracle_indep"].to_numpy()
    verdict = {"larger": "put the difference above zero: by this measure the untouched model is farther from "
                         "the oracle than another retraining is",
               "smaller": "put the difference below zero: by this measure the untouched model is closer to the "
                          "oracle than another retraining is",
               "undecided": "span zero: by this measure the untouched model cannot be told apart from "
                            "another retraining"}[paired_interval(a, b).direction]
    return (f"Doing nothing is at a test KL of {a.mean():.2f} from the oracle, a second oracle at "
            f"{b.mean():.2f}; the {interval_words(len(wide))} {verdict}.")


def floor_words(block: pd.DataFrame) -> str:
    """Is doing nothing farther from the oracle than a second, independently seeded oracle is?

    Paired over seeds on a :func:`gap_block`. If not, the scenario cannot show that any
    method forgets: even the untouched model is within the oracle's noise floor."""
    iv = paired_ag(block, "original", "retrain_indep")
    if iv is None:
        raise ValueError("floor_words needs at least two seeds")
    numbers = (f"AG {block.loc['original', 'AG']:.3f} against {block.loc['retrain_indep', 'AG']:.3f}; "
               f"{interval_words(iv.n)}")
    return {"larger": f"Doing nothing is farther from the oracle than a second, independently seeded oracle is "
                      f"({numbers} put the difference above zero): there is something to forget here.",
            "smaller": f"Doing nothing is closer to the oracle than a second, independently seeded oracle is "
                       f"({numbers} put the difference below zero): by this criterion the untouched model already "
                       "looks retrained, so no method can be shown to forget here.",
            "undecided": f"Doing nothing is not farther from the oracle than a second, independently seeded oracle "
                         f"is ({numbers} span zero): even the untouched model is within the oracle's noise floor, "
                         "so no method can be shown to forget here."}[iv.direction]


def budget_words(selection: pd.DataFrame, grid) -> str:
    """Which methods took the largest / smallest budget of ``grid`` in every cell of the selection seed."""
    if selection.empty:
        raise ValueError("the selection table is empty")
    steps = selection.groupby("method", sort=False)["steps"]
    ends = {end: [LABELS.get(m, m) for m, s in steps if (s == end(grid)).all()] for end in (max, min)}
    parts = group_phrases(ends, {
        max: f"{{}} took the largest budget offered ({max(grid)} steps) in every cell, so "
             f"{'its' if len(ends[max]) == 1 else 'their'} best budget may lie beyond the grid",
        min: f"{{}} took the smallest ({min(grid)} steps) in every cell"})
    if not parts:
        return f"No method took the same end of the grid ({min(grid)} or {max(grid)} steps) in every cell."
    return capital("; ".join(parts) + ".")

