"""Chapter 8's verdicts: each method against doing nothing, the oracle's noise floor and the leader.

The criterion is **AG**, the mean absolute gap to the oracle over forget, retain and test
accuracy and MIA AUC (:func:`helpers.metrics.average_gap`, chapter 8's equation ``ch8-ag``, with the
MIA AUC of ``ch8-mia``; lower is better). UQI (``ch8-uqi``) is not used: it rewards forgetting
*more* than the oracle (the chapter's exercise ``ch8-ex-uqi``).

Every comparison is paired over the report seeds (same split, same original, same oracle)
with a 95 % Student-t interval of the mean difference and the sample standard deviation
(:mod:`helpers.stats`); a difference whose interval spans zero is **undecided**:

- :func:`gap_block` puts one scenario's AG in the form :func:`helpers.experiments.compare.judge`
  reads (methods by display name; the oracle as ``retrain``, the second oracle as
  ``retrain_indep``, doing nothing as ``original``), so the chapter's "vs Original" and
  "vs noise floor" verdicts are the same computation as chapter 5's;
- :func:`ranking` orders the methods by mean AG and compares each with the first;
  :func:`ranking_words` and :func:`favourites_words` state only the orderings those
  intervals support;
- :func:`directions` / :func:`direction_words` compare one column (e.g. the MIA AUC) of
  every method with the oracle's;
- :func:`judge_sentence` states :func:`~helpers.experiments.compare.judge`'s verdicts (vs doing
  nothing, vs the noise floor) in the chapter's words: "the oracle", not "Retrain";
- :func:`leader_words` says whether the leader of a :func:`ranking` beats doing nothing and
  the noise floor, and warns when the scenario has nothing to forget;
- :func:`floor_words` asks whether doing nothing is farther from the oracle than a
  second oracle is: if not, the scenario cannot show that any method forgets;
  :func:`floor_distance_words` asks the same of one distance column (e.g. the test KL) in one cell;
- :func:`budget_words` reads the step budgets chosen on the selection seed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..experiments.compare import judge, paired_ag
from ..words import is_are, join_words
from ..stats import CONFIDENCE, paired_interval
from .experiment import LABELS, REFERENCES

# Row names that compare.judge expects for the three reference rows.
JUDGE_NAMES = {"original": "original", "oracle": "retrain", "oracle_indep": "retrain_indep"}


def _intervals(n, article: str = "the ") -> str:
    return f"{article}paired {CONFIDENCE * 100:.0f} % t intervals over {n} seeds"


def _seeds(block: pd.DataFrame) -> int:
    return block.attrs["per_seed"]["seed"].nunique()


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
    counts = rows.groupby(["seed", "method"]).size()
    if counts.nunique() != 1:
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
    methods = [m for m in block.index if m not in JUDGE_NAMES.values()]
    if not methods:
        raise ValueError("this block has no methods to rank, only reference rows")
    order = block.loc[methods, "AG"].sort_values(kind="stable")
    leader = order.index[0]
    rows = [dict(AG=order[leader], **{"AG - first": 0.0}, low=np.nan, high=np.nan, **{"vs first": "first"})]
    for m in order.index[1:]:
        iv = paired_ag(block, m, leader)
        verdict = "undecided" if iv is None or iv.direction == "undecided" else "farther"
        rows.append(dict(AG=order[m], **{"AG - first": order[m] - order[leader]},
                         low=np.nan if iv is None else iv.low, high=np.nan if iv is None else iv.high,
                         **{"vs first": verdict}))
    out = pd.DataFrame(rows, index=pd.Index(order.index, name="method"))
    out.attrs["seeds"] = _seeds(block)
    return out


def leading_group(ranked: pd.DataFrame) -> list:
    """The leader and every method the intervals cannot separate from it."""
    return list(ranked.index[ranked["vs first"] != "farther"])


def ranking_words(ranked: pd.DataFrame, criterion: str = "mean AG") -> str:
    """One sentence from :func:`ranking` that states only the orderings its intervals support."""
    leader, n = ranked.index[0], ranked.attrs.get("seeds", "the")
    head = f"By {criterion}, {leader} comes first ({ranked['AG'].iloc[0]:.3f})"
    if len(ranked) == 1:
        return head + "; it is the only method."
    farther = list(ranked.index[ranked["vs first"] == "farther"])
    undecided = list(ranked.index[ranked["vs first"] == "undecided"])
    intervals = _intervals(n)
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


def directions(results: pd.DataFrame, dataset: str, scenario: str, column: str,
               reference: str = "oracle") -> pd.DataFrame:
    """``column`` of every method minus the ``reference`` row's, paired over seeds in one cell.

    Index: display names (methods in chapter order); columns ``difference`` (mean),
    ``low``, ``high`` and ``direction``: ``"lower"`` or ``"higher"`` (interval beside zero),
    ``"equal"`` (the same value on every seed) or ``"undecided"``."""
    cell = results[(results["dataset"] == dataset) & (results["scenario"] == scenario)]
    if cell.empty:
        raise ValueError(f"no rows for dataset {dataset!r}, scenario {scenario!r}")
    if column not in cell.columns:
        raise ValueError(f"unknown column {column!r}; the results have {list(cell.columns)}")
    wide = cell.pivot_table(index="seed", columns="method", values=column, sort=False)
    if reference not in wide.columns:
        raise ValueError(f"no {reference!r} rows in this cell")
    rows = {}
    for m in [m for m in wide.columns if m not in REFERENCES]:
        a, b = wide[m].to_numpy(), wide[reference].to_numpy()
        iv = paired_interval(a, b)
        direction = "equal" if (a == b).all() else {"smaller": "lower", "larger": "higher"}.get(iv.direction, "undecided")
        rows[LABELS.get(m, m)] = dict(difference=iv.mean, low=iv.low, high=iv.high, direction=direction)
    out = pd.DataFrame(rows).T
    out.attrs["seeds"] = len(wide)
    return out


def direction_words(dirs: pd.DataFrame, quantity: str, reference: str = "the oracle's") -> str:
    """One sentence from :func:`directions`: who is lower, higher, equal on every seed, undecided."""
    groups = {d: list(dirs.index[dirs["direction"] == d]) for d in ("lower", "higher", "equal", "undecided")}
    has = lambda words: "has" if len(words) == 1 else "have"     # noqa: E731
    parts = []
    if groups["lower"]:
        parts.append(f"{join_words(groups['lower'])} {has(groups['lower'])} a lower {quantity} than {reference}")
    if groups["higher"]:
        parts.append(f"{join_words(groups['higher'])} a higher one" if parts else
                     f"{join_words(groups['higher'])} {has(groups['higher'])} a higher {quantity} than {reference}")
    if groups["equal"]:
        parts.append(f"{join_words(groups['equal'])} {has(groups['equal'])} "
                     f"{'the same one' if parts else f'the same {quantity} as {reference}'} on every seed")
    if groups["undecided"]:
        what = "the difference" if parts else f"the difference of the {quantity} from {reference}"
        who = "every method" if len(groups["undecided"]) == len(dirs) else join_words(groups["undecided"])
        parts.append(f"for {who} {what} is undecided")
    text = "; ".join(parts) + f" ({_intervals(dirs.attrs.get('seeds', 'the'), '')})."
    return text[0].upper() + text[1:]


def judge_sentence(block: pd.DataFrame) -> str:
    """:func:`~helpers.experiments.compare.judge` on a :func:`gap_block`, stated with "the oracle".

    First sentence: who is closer to the oracle than doing nothing (``"better"``), who is
    farther (``"worse"``), who is undecided. Second: who is farther from the oracle than a
    second, independently seeded oracle is (``"above"`` the noise floor), who is closer
    (``"below"``), and for whom the intervals cannot tell the two gaps apart (``"within"``)."""
    judged, n = judge(block), _seeds(block)
    by = lambda column, value: list(judged.index[judged[column] == value])     # noqa: E731
    better, worse, undecided = (by("vs Original", v) for v in ("better", "worse", "undecided"))
    above, below, within = (by("vs noise floor", v) for v in ("above", "below", "within"))
    parts = [f"{join_words(better)} {is_are(better)} closer to the oracle than doing nothing" if better
             else "no method is shown to be closer to the oracle than doing nothing"]
    if worse:
        parts.append(f"{join_words(worse)} {is_are(worse)} farther from it than doing nothing")
    if undecided:
        parts.append(f"for {join_words(undecided)} the difference from doing nothing is undecided")
    first = "; ".join(parts) + f" ({_intervals(n, '')})."
    if not below and not within:
        second = "Every method is farther from the oracle than a second, independently seeded oracle is."
    else:
        parts = []
        if above:
            parts.append(f"{join_words(above)} {is_are(above)} farther from the oracle than a second, "
                         "independently seeded oracle is")
        if below:
            parts.append(f"{join_words(below)} {is_are(below)} closer to it than the second oracle is")
        if within:
            parts.append(f"for {join_words(within)} the intervals cannot tell the gap from the second oracle's: "
                         "within the oracle's own noise floor")
        second = "; ".join(parts) + "."
    return first[0].upper() + first[1:] + " " + second[0].upper() + second[1:]


def leader_words(block: pd.DataFrame, ranked: pd.DataFrame) -> str:
    """Is the first method of :func:`ranking` closer to the oracle than doing nothing, and than a second oracle?

    Paired over seeds on the :func:`gap_block` the ranking came from. When doing nothing is
    not farther from the oracle than the second oracle (as in :func:`floor_words`), the
    sentence adds that the ordering ranks noise around the oracle."""
    leader = ranked.index[0]
    vs_nothing, vs_floor = paired_ag(block, leader, "original"), paired_ag(block, leader, "retrain_indep")
    floor = paired_ag(block, "original", "retrain_indep")
    if floor is None or vs_nothing is None or vs_floor is None:
        raise ValueError("leader_words needs at least two seeds")
    nothing = {"smaller": "is closer to the oracle than doing nothing",
               "larger": "is farther from the oracle than doing nothing",
               "undecided": "is not shown to be closer to the oracle than doing nothing"}[vs_nothing.direction]
    second = {"smaller": "it is closer to the oracle than a second oracle is",
              "larger": "it is farther from the oracle than a second oracle is",
              "undecided": "it is within the oracle's noise floor: not shown to be farther from the oracle than "
                           "a second oracle is, which is not proof of closeness"}[vs_floor.direction]
    text = f"The leader, {leader}, {nothing}; {second} ({_intervals(vs_floor.n, '')})"
    if floor.direction != "larger":
        return text + ("; doing nothing is itself not farther from the oracle than a second oracle is, "
                       "so this ordering ranks noise around the oracle.")
    return text + "."


DISTANCES = {"KL_test": "test KL", "KL_retain": "retain KL", "AG": "AG"}


def floor_distance_words(results: pd.DataFrame, dataset: str, scenario: str, column: str = "KL_test") -> str:
    """Doing nothing's distance to the oracle against a second oracle's, paired over seeds in one cell.

    ``column`` is a distance to the oracle (:data:`DISTANCES`; 0 is the oracle itself)."""
    if column not in DISTANCES:
        raise ValueError(f"{column!r} is not a distance to the oracle; choose one of {list(DISTANCES)}")
    cell = results[(results["dataset"] == dataset) & (results["scenario"] == scenario)]
    if cell.empty:
        raise ValueError(f"no rows for dataset {dataset!r}, scenario {scenario!r}")
    wide = cell.pivot_table(index="seed", columns="method", values=column, sort=False)
    missing = [m for m in ("original", "oracle_indep") if m not in wide.columns]
    if missing:
        raise ValueError(f"no {missing} rows in this cell; experiment.run adds them")
    a, b = wide["original"].to_numpy(), wide["oracle_indep"].to_numpy()
    iv = paired_interval(a, b)
    verdict = {"larger": "put the difference above zero: by this measure the untouched model is farther from "
                         "the oracle than another retraining is",
               "smaller": "put the difference below zero: by this measure the untouched model is closer to the "
                          "oracle than another retraining is",
               "undecided": "span zero: by this measure the untouched model cannot be told apart from "
                            "another retraining"}[iv.direction]
    return (f"Doing nothing is at a {DISTANCES[column]} of {a.mean():.2f} from the oracle, a second oracle at "
            f"{b.mean():.2f}; {_intervals(len(wide))} {verdict}.")


def floor_words(block: pd.DataFrame) -> str:
    """Is doing nothing farther from the oracle than a second, independently seeded oracle is?

    Paired over seeds on a :func:`gap_block`. If not, the scenario cannot show that any
    method forgets: even the untouched model is within the oracle's noise floor."""
    iv = paired_ag(block, "original", "retrain_indep")
    if iv is None:
        raise ValueError("floor_words needs at least two seeds")
    numbers = (f"AG {block.loc['original', 'AG']:.3f} against {block.loc['retrain_indep', 'AG']:.3f}; "
               f"{_intervals(iv.n, '')}")
    if iv.direction == "larger":
        return (f"Doing nothing is farther from the oracle than a second, independently seeded oracle is "
                f"({numbers} put the difference above zero): there is something to forget here.")
    if iv.direction == "smaller":
        return (f"Doing nothing is closer to the oracle than a second, independently seeded oracle is "
                f"({numbers} put the difference below zero): by this criterion the untouched model already "
                "looks retrained, so no method can be shown to forget here.")
    return (f"Doing nothing is not farther from the oracle than a second, independently seeded oracle is "
            f"({numbers} span zero): even the untouched model is within the oracle's noise floor, "
            "so no method can be shown to forget here.")


def budget_words(selection: pd.DataFrame, grid) -> str:
    """Which methods took the largest / smallest budget of ``grid`` in every cell of the selection seed."""
    if selection.empty:
        raise ValueError("the selection table is empty")
    steps = selection.groupby("method", sort=False)["steps"]
    at_max = [LABELS.get(m, m) for m, s in steps if (s == max(grid)).all()]
    at_min = [LABELS.get(m, m) for m, s in steps if (s == min(grid)).all()]
    parts = []
    if at_max:
        parts.append(f"{join_words(at_max)} took the largest budget offered ({max(grid)} steps) in every cell, "
                     "so {} best budget may lie beyond the grid".format("its" if len(at_max) == 1 else "their"))
    if at_min:
        parts.append(f"{join_words(at_min)} took the smallest ({min(grid)} steps) in every cell")
    if not parts:
        return f"No method took the same end of the grid ({min(grid)} or {max(grid)} steps) in every cell."
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


__all__ = ["JUDGE_NAMES", "gap_block", "judge", "judge_sentence", "ranking", "leading_group", "ranking_words",
           "favourites_words", "leader_words", "directions", "direction_words", "floor_words", "floor_distance_words",
           "budget_words"]
