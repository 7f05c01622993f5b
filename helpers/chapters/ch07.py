"""Chapter 7's readings: distribution-guided (DG) unlearning against doing nothing and the gold model's spread.

The paper measures the unlearned model against the gold model (retrained without the
forgotten class) and against nothing else. Two yardsticks are missing, and this module
supplies them, seed by seed:

- **doing nothing**: the untouched original model, measured against the same gold model.
  A method that does not end closer to the gold model than the original did not move the
  model towards retraining;
- **the gold model's noise floor**: Gold′, a second gold model trained from an independent
  seed (oracle replica 1), measured against the gold model. No method can be asked to be
  closer to the gold model than another gold model is.

Every measure becomes a *distance to the gold model* per seed (lower = closer): the KL
itself, the absolute gap to the gold model's value (recall, probability), or the share
of the forgotten class's samples sent elsewhere than the gold model sends them. Two
methods are compared seed by seed with :func:`helpers.stats.paired_interval` (paired
differences, sample std, 95 % Student t); a verdict is "undecided" whenever the interval
spans zero. The paper's own claims are checked the same way (:func:`claim_verdict`). Section
7.12's models from shots are paired with exact gradients likewise, and "equal" when every seed
scores the same (:func:`shots_verdict`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data.tabular import display_list, display_name
from ..stats import PairedInterval, paired_interval, same_on_every_seed
from ..words import capital, group_phrases, is_are, join_words

BASELINE, FLOOR = "original", "gold_indep"


@dataclass(frozen=True)
class Measure:
    """A column of :func:`helpers.quantum.tables.closeness_frame` and how it becomes a distance to gold.

    ``kind``: ``"value"`` (the column already is a distance, e.g. the KL), ``"gap"`` (``|x - x_gold|``)
    or ``"agreement"`` (``1 - x``, for a share of agreement with the gold model)."""

    column: str
    label: str
    kind: str

    def __post_init__(self):
        if self.kind not in ("value", "gap", "agreement"):
            raise ValueError(f"unknown measure kind {self.kind!r}; choose 'value', 'gap' or 'agreement'")


MEASURES = {
    "mean_kl": Measure("mean_kl", "mean KL to the gold model on retained samples", "value"),
    "forget_recall": Measure("forget_recall", "forgotten-class recall", "gap"),
    "forget_prob": Measure("forget_prob", "forgotten-class probability", "gap"),
    "gold_agreement": Measure("gold_agreement", "where the forgotten class's samples go", "agreement"),
    "retained_recall": Measure("retained_recall", "retained-class recall", "gap"),
}
FORGET_MEASURES = ("forget_recall", "forget_prob", "gold_agreement")
DISTANCE_LABELS = {"value": "{label}", "gap": "|{label} - gold's|",
                   "agreement": "forgotten samples not sent where the gold model sends them"}


def wide(closeness: pd.DataFrame, column: str) -> pd.DataFrame:
    """One column of a closeness frame with one row per (dataset, seed) and one column per model
    (and ``dataset``, ``seed`` columns), for :func:`claim_by_dataset`."""
    if column not in closeness:
        raise ValueError(f"closeness frame has no column {column!r}")
    out = closeness.pivot_table(index=["dataset", "seed"], columns="model", values=column, sort=False)
    out.columns.name = None
    return out.reset_index()


def distance_to_gold(closeness: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Per (dataset, seed) and model, the distance of ``measure`` to the gold model (lower = closer).

    ``closeness`` has one row per (dataset, seed, model) with a ``"gold"`` model among them
    (:func:`helpers.quantum.tables.closeness_frame`). Returns a frame indexed by (dataset, seed),
    one column per model other than the gold model."""
    missing = {"dataset", "seed", "model", measure.column} - set(closeness.columns)
    if missing:
        raise ValueError(f"closeness frame lacks columns {sorted(missing)}")
    wide = closeness.pivot_table(index=["dataset", "seed"], columns="model", values=measure.column, sort=False)
    if measure.kind == "value":
        out = wide
    elif measure.kind == "gap":
        if "gold" not in wide:
            raise ValueError("a 'gap' measure needs the gold model's own rows (model == 'gold')")
        out = wide.sub(wide["gold"], axis=0).abs()
    else:
        out = 1.0 - wide
    return out.drop(columns="gold", errors="ignore")


def _against(a: pd.Series, b: pd.Series) -> PairedInterval:
    a, b = a.align(b, join="inner")
    return paired_interval(a.to_numpy(), b.to_numpy())


BASELINE_WORDS = {"smaller": "closer", "larger": "farther", "undecided": "undecided"}
FLOOR_WORDS = {"smaller": "below", "larger": "above", "undecided": "undecided"}


def judge(closeness: pd.DataFrame, method: str = "similarity", measures=None) -> pd.DataFrame:
    """``method`` against doing nothing and against the noise floor, per dataset and measure.

    For each (dataset, measure): the mean distance to gold over seeds of ``method``, of the
    original (``original``) and of Gold′ (``floor``); ``vs_original``, the paired t interval of
    ``d(method) - d(original)`` over seeds, read as ``verdict`` ``"closer"`` (interval below 0),
    ``"farther"`` (above) or ``"undecided"``; ``vs_floor``, the interval of ``d(method) - d(Gold′)``,
    read as ``floor_verdict`` ``"above"`` the noise floor, ``"below"`` it or ``"undecided"``."""
    measures = MEASURES if measures is None else measures
    rows = []
    for key, measure in measures.items():
        distance = distance_to_gold(closeness, measure)
        for name in (method, BASELINE, FLOOR):
            if name not in distance:
                raise ValueError(f"the closeness frame has no {name!r} model; it has {list(distance.columns)}")
        for dataset, d in distance.groupby(level="dataset", sort=False):
            vs_original, vs_floor = _against(d[method], d[BASELINE]), _against(d[method], d[FLOOR])
            rows.append(dict(dataset=dataset, measure=key, method=d[method].mean(), original=d[BASELINE].mean(),
                             floor=d[FLOOR].mean(), vs_original=vs_original,
                             verdict=BASELINE_WORDS[vs_original.direction], vs_floor=vs_floor,
                             floor_verdict=FLOOR_WORDS[vs_floor.direction], n=vs_original.n))
    table = pd.DataFrame(rows)
    order = {d: i for i, d in enumerate(dict.fromkeys(closeness["dataset"]))}
    table = table.sort_values("dataset", key=lambda d: d.map(order), kind="stable")
    return table.set_index(["dataset", "measure"])


def interval_text(interval: PairedInterval, decimals: int = 3) -> str:
    """``"+0.023 [+0.010, +0.036]"``: the mean paired difference and its t interval."""
    return interval.text(decimals)


def judged_table(judged: pd.DataFrame, method_name: str = "DG") -> pd.DataFrame:
    """:func:`judge` for the page: distances to gold (lower = closer) of the method, doing nothing and
    Gold′, the paired differences with their 95 % t intervals and the verdicts."""
    out = pd.DataFrame({
        method_name: judged["method"].map("{:.3f}".format),
        "Original (do nothing)": judged["original"].map("{:.3f}".format),
        "Gold′ (noise floor)": judged["floor"].map("{:.3f}".format),
        f"{method_name} - Original": judged["vs_original"].map(interval_text),
        "vs doing nothing": judged["verdict"],
        f"{method_name} - Gold′": judged["vs_floor"].map(interval_text),
        "vs noise floor": judged["floor_verdict"]})
    out.index = pd.MultiIndex.from_tuples(
        [(display_name(d), DISTANCE_LABELS[MEASURES[m].kind].format(label=MEASURES[m].label) if m in MEASURES else m)
         for d, m in judged.index], names=["dataset", "distance to the gold model"])
    return out


def _numbers(row, decimals: int = 3) -> str:
    return (f"{row['method']:.{decimals}f} against {row['original']:.{decimals}f}, difference "
            f"{interval_text(row['vs_original'], decimals)}")


def _listed(group, describe) -> str:
    """``"0.044 against 0.021, ..."`` for one dataset, ``"Iris: ...; Wine: ..."`` for several."""
    if len(group) == 1:
        return describe(group[0][1])
    return "; ".join(f"{display_name(d)}: {describe(r)}" for d, r in group)


def closeness_sentence(judged: pd.DataFrame, measure: str = "mean_kl", subject: str = "Distribution-guided unlearning") -> str:
    """Whether ``subject`` ends closer to the gold model than doing nothing, by one measure, in words.

    Says plainly "does not move the model closer to retraining than doing nothing" unless the
    method is closer on at least one dataset; every number is the method's and the original's mean
    distance and the paired interval of their difference (95 %, over the seeds)."""
    rows = judged.xs(measure, level="measure")
    label = MEASURES[measure].label if measure in MEASURES else measure
    groups = {v: [(d, rows.loc[d]) for d in rows.index if rows.loc[d, "verdict"] == v]
              for v in ("closer", "farther", "undecided")}
    described = {
        "closer": "it ends closer to the gold model than the untouched original on {names} ({numbers})",
        "farther": "it ends farther from the gold model than the untouched original on {names} ({numbers})",
        "undecided": "the difference from doing nothing is undecided on {names} ({numbers})"}
    parts = [described[v].format(names=display_list(d for d, _ in g), numbers=_listed(g, _numbers))
             for v, g in groups.items() if g]
    n = int(rows["n"].iloc[0])
    return (f"{subject} {closeness_lead(judged, measure)}, by the {label}: {'; '.join(parts)}. Differences are "
            f"paired over {n} seeds, with 95 % t intervals.")


def closeness_lead(judged: pd.DataFrame, measure: str = "mean_kl") -> str:
    """The verb phrase of :func:`closeness_sentence`: ``"does not move the model closer to retraining
    than doing nothing"`` unless the method is closer on some dataset (``"... only in part"``: closer
    on some, not all; ``"moves the model closer ..."``: closer on every dataset)."""
    verdicts = set(judged.xs(measure, level="measure")["verdict"])
    if "closer" not in verdicts:
        return "does not move the model closer to retraining than doing nothing"
    if verdicts == {"closer"}:
        return "moves the model closer to retraining than doing nothing"
    return "moves the model closer to retraining than doing nothing only in part"


def floor_sentence(judged: pd.DataFrame, measure: str = "mean_kl", subject: str = "the unlearned model",
                   preface: bool = True) -> str:
    """``subject`` against the gold model's noise floor (Gold′) by one measure, per dataset, in words;
    ``preface`` first says where the floor is."""
    rows = judged.xs(measure, level="measure")
    floors = display_list(f"{r['floor']:.3f} on {display_name(d)}" for d, r in rows.iterrows())
    said = {"above": "farther from the gold model than Gold′ is (above the noise floor)",
            "below": "closer to the gold model than Gold′ is (below the noise floor)",
            "undecided": "not distinguishable from Gold′ (undecided)"}
    parts = [f"{said[v]} on {display_list(g.index)} "
             f"({_listed(list(g.iterrows()), lambda r: 'difference ' + interval_text(r['vs_floor']))})"
             for v, g in rows.groupby("floor_verdict", sort=False)]
    said_of_subject = f"{subject} is {'; and '.join(parts)}."
    if not preface:
        return said_of_subject[0].upper() + said_of_subject[1:]
    return (f"An independently seeded gold model (Gold′) is at {floors} from the gold model: that is the "
            f"noise floor. Against it, {said_of_subject}")


def helps_sentence(judged: pd.DataFrame, measures=FORGET_MEASURES) -> str:
    """Where the method does help: per dataset, the measures (of ``measures``) on which it ends
    closer to the gold model than doing nothing, and those on which the difference is undecided
    or goes the other way."""
    parts = []
    for dataset, rows in judged[judged.index.get_level_values("measure").isin(measures)].groupby(level="dataset", sort=False):
        by = {v: [MEASURES[m].label for m in rows.index.get_level_values("measure")[rows["verdict"] == v]]
              for v in ("closer", "farther", "undecided")}
        said = group_phrases(by, {"closer": "closer to the gold model than doing nothing in {}",
                                  "farther": "farther from it than doing nothing in {}",
                                  "undecided": "undecided against doing nothing in {}"})
        parts.append(f"on {display_name(dataset)} it is {'; '.join(said)}")
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


# --------------------------------------------------------------------------- the paper's claims
CLAIM_WORDS = {"reproduces", "does not reproduce", "undecided"}


def claim_verdict(a, b, expect: str) -> tuple[str, PairedInterval]:
    """A claim "``a`` is ``expect`` than ``b``" (``"smaller"`` or ``"larger"``) checked over paired seeds:
    ``"reproduces"`` when the t interval of ``a - b`` lies wholly on the claimed side of 0,
    ``"does not reproduce"`` when it lies wholly on the other side, ``"undecided"`` when it spans 0.
    ``b`` may be a constant (a threshold, a published number) repeated for every seed."""
    if expect not in ("smaller", "larger"):
        raise ValueError(f"expect must be 'smaller' or 'larger', got {expect!r}")
    interval = paired_interval(a, b)
    if interval.direction == "undecided":
        return "undecided", interval
    return ("reproduces" if interval.direction == expect else "does not reproduce"), interval


def claim_words(verdicts: dict) -> str:
    """One claim's verdicts over datasets in words: the verdict itself when every dataset agrees
    (``"reproduces"``), else ``"reproduces on Iris; undecided on Wine"`` (display names). The values
    are verdicts, or the ``(verdict, interval)`` pairs of :func:`claim_by_dataset`."""
    if not verdicts:
        raise ValueError("no datasets to report")
    verdicts = {d: v[0] if isinstance(v, tuple) else v for d, v in verdicts.items()}
    unknown = set(verdicts.values()) - CLAIM_WORDS
    if unknown:
        raise ValueError(f"unknown verdicts {sorted(unknown)}; expected {sorted(CLAIM_WORDS)}")
    kinds = list(dict.fromkeys(verdicts.values()))
    if len(kinds) == 1:
        return kinds[0]
    return "; ".join(f"{kind} on {display_list(n for n, v in verdicts.items() if v == kind)}" for kind in kinds)


PREDICATE_WORDS = {"reproduces": "reproduces", "does not reproduce": "does not reproduce", "undecided": "is undecided"}


def claim_predicate(verdicts: dict) -> str:
    """One claim's verdicts over datasets as the verb phrase of "the claim ...": ``"reproduces"``,
    ``"is undecided"`` or ``"does not reproduce"`` when every dataset agrees, else e.g. ``"is undecided
    on Iris and reproduces on Wine"`` (three kinds: ``"reproduces on A, is undecided on B and does not
    reproduce on C"``). The values are verdicts or the ``(verdict, interval)`` pairs of
    :func:`claim_by_dataset`."""
    claim_words(verdicts)                                     # the same checks: some datasets, known verdicts
    verdicts = {d: v[0] if isinstance(v, tuple) else v for d, v in verdicts.items()}
    kinds = list(dict.fromkeys(verdicts.values()))
    if len(kinds) == 1:
        return PREDICATE_WORDS[kinds[0]]
    return join_words(f"{PREDICATE_WORDS[kind]} on {display_list(n for n, v in verdicts.items() if v == kind)}"
                      for kind in kinds)


def claim_by_dataset(values: pd.DataFrame, a: str, b, expect: str) -> dict:
    """:func:`claim_verdict` per dataset of ``values`` (one row per (dataset, seed)): column ``a``
    against column ``b`` (a column name, or a number used for every seed). Returns
    ``{dataset: (verdict, interval)}``."""
    out = {}
    for dataset, g in values.groupby("dataset", sort=False):
        other = g[b] if isinstance(b, str) else [float(b)] * len(g)
        out[dataset] = claim_verdict(g[a], other, expect)
    return out


def claim_sentence(results: dict, decimals: int = 3) -> str:
    """:func:`claim_by_dataset` results as ``"Iris: +0.023 [+0.010, +0.036]; Wine: ..."``."""
    return "; ".join(f"{display_name(d)}: {interval_text(iv, decimals)}" for d, (_, iv) in results.items())


CHANGE_WORDS = {"smaller": "falls", "larger": "rises", "undecided": "does not change detectably (undecided)"}


COMPARE_WORDS = {"smaller": "is lower than the gold model's", "larger": "is higher than the gold model's",
                 "undecided": "is not distinguishable from the gold model's (undecided)"}


def change_sentence(results: dict, what: str, words: dict = CHANGE_WORDS) -> str:
    """How ``what`` changes per dataset, from :func:`claim_by_dataset` results of ``after`` against
    ``before``: ``"on Iris the retained recall falls (-0.030 [-0.050, -0.010]); on Wine it does not
    change detectably (undecided; ...)"``. ``words`` maps the interval's direction to the verb
    (:data:`COMPARE_WORDS`: against the gold model)."""
    parts = []
    for i, (dataset, (_, iv)) in enumerate(results.items()):
        subject = what if i == 0 else "it"
        word = words[iv.direction]
        numbers = interval_text(iv)
        said = (f"{word[:-1]}; {numbers})" if word.endswith(")") else f"{word} ({numbers})")
        parts.append(f"on {display_name(dataset)} {subject} {said}")
    return "; ".join(parts)


def direction_words(results: dict, words: dict = CHANGE_WORDS) -> str:
    """The directions of :func:`claim_by_dataset` results, grouped, without numbers: ``"falls on Iris
    and Wine"``, or ``"falls on Iris; does not change detectably (undecided) on Wine"``."""
    if not results:
        raise ValueError("no datasets to report")
    by: dict[str, list] = {}
    for dataset, (_, iv) in results.items():
        by.setdefault(iv.direction, []).append(dataset)
    return "; ".join(f"{words[d]} on {display_list(names)}" for d, names in by.items())


def points_text(interval: PairedInterval, decimals: int = 1) -> str:
    """A paired interval of percentages in words: ``"+12.2 percentage points (95 % t interval
    [+4.0, +20.4], 5 seeds)"``."""
    f = f"{{:+.{decimals}f}}"
    return (f"{f.format(interval.mean)} percentage points ({100 * interval.confidence:g} % t interval "
            f"[{f.format(interval.low)}, {f.format(interval.high)}], {interval.n} seeds)")


def relation_to_published(values, published: float) -> str:
    """Our per-seed values against one published number: ``"larger than"``, ``"smaller than"`` (t
    interval of ``values - published`` wholly above or below 0) or ``"not distinguishable from"``."""
    direction = paired_interval(values, [float(published)] * len(list(values))).direction
    return {"larger": "larger than", "smaller": "smaller than"}.get(direction, "not distinguishable from")


def forget_recall_words(after_per_run) -> str:
    """The forgotten class's recall after unlearning, in words: ``"is 0 on every dataset and seed"``
    or ``"is at most 0.100 on any dataset and seed"``."""
    values = pd.Series(after_per_run, dtype=float)
    if values.empty:
        raise ValueError("no runs")
    return "is 0 on every dataset and seed" if values.max() == 0 else \
        f"is at most {values.max():.3f} on any dataset and seed"


# --------------------------------------------------------------------------- the page's readings (sections 7.2, 7.7, 7.13)
SHARE = 0.75        # "a single retained class": the most frequent new class gets more than this share
PAPER_CELLS = {"iris_f": ("iris", 2, "recall"), "iris_0": ("iris", 0, "recall"), "iris_1": ("iris", 1, "recall"),
               "cov_f": ("covertype", 2, "recall"), "iris_p": ("iris", 2, "forget_class_mean_prob"),
               "cov_p": ("covertype", 2, "forget_class_mean_prob")}


def paper_readings() -> dict:
    """The paper's published numbers the chapter quotes, for glue: ``paper_<cell>_b`` / ``_a`` / ``_d``
    (before, after, after minus before) of Table 1's cells :data:`PAPER_CELLS`; Table 2's Covertype
    mean KL (``paper_kl``) and forgotten-class mass on retained samples (``paper_gold_pf``,
    ``paper_unl_pf``); the KL the text quotes (``paper_kl_text`` ± ``paper_kl_std``); Appendix A's
    uniform-target probabilities (``paper_uni_b`` → ``paper_uni_a``). Attributed, never computed by us."""
    from ..paper import quantum_table
    from ..paper.quantum import KL_IN_TEXT, UNIFORM_TARGET

    table_1 = quantum_table(1).set_index(["dataset", "class", "metric"])
    out = {}
    for key, where in PAPER_CELLS.items():
        row = table_1.loc[where]
        out.update({f"paper_{key}_b": row["before"], f"paper_{key}_a": row["after"],
                    f"paper_{key}_d": row["after"] - row["before"]})
    table_2 = quantum_table(2).set_index("dataset").loc["covertype"]
    out.update(paper_kl=table_2["mean_kl"], paper_gold_pf=table_2["forgotten_prob_gold"],
               paper_unl_pf=table_2["forgotten_prob_unlearned"], paper_kl_std=KL_IN_TEXT["std_kl"],
               paper_kl_text=KL_IN_TEXT["mean_kl"], paper_uni_b=UNIFORM_TARGET["forget_prob_before"],
               paper_uni_a=UNIFORM_TARGET["forget_prob_after"])
    return {k: float(v) for k, v in out.items()}


def target_readings(targets: pd.DataFrame, low: str = "β = 1", high: str = "β = 8") -> dict:
    """Section 7.2's table of targets (one row per target, columns ``q_k``) read for the prose: the
    largest entry of the ``low`` and ``high`` targets (``q_max_low``, ``q_max_high``) and of the
    uniform one (``q_max_uniform``), and ``sharpening``: whether raising β concentrated the mass."""
    for row in (low, high, "uniform"):
        if row not in targets.index:
            raise ValueError(f"the targets table has no row {row!r}; it has {list(targets.index)}")
    q_low, q_high, q_uniform = (float(targets.loc[r].max()) for r in (low, high, "uniform"))
    if q_high > q_low:
        words = f"raising β from {low[4:]} to {high[4:]} lifts it to"
    elif q_high < q_low:
        words = f"raising β from {low[4:]} to {high[4:]} lowers it to"
    else:
        words = f"raising β from {low[4:]} to {high[4:]} leaves it at"
    return dict(q_max_low=q_low, q_max_high=q_high, q_max_uniform=q_uniform, sharpening=words)


def claim_readings(moves: pd.DataFrame, forget_prob: pd.DataFrame, table_1: pd.DataFrame,
                   closeness: pd.DataFrame, share: float = SHARE, dataset: str = "iris") -> dict:
    """The paper's claims checked over paired seeds, for section 7.13 (every value glued).

    moves : :func:`helpers.quantum.tables.reassignment_frame` (``top_share`` per run);
    forget_prob : :func:`wide` of the closeness frame's ``forget_prob`` (a ``similarity`` and a
        ``uniform`` column per run);
    table_1 : :func:`helpers.quantum.tables.table_1_frame` (``before``, ``after`` per run and metric);
    closeness : :func:`helpers.quantum.tables.closeness_frame`;
    share : the threshold above which the moved samples count as going to "a single retained class";
    dataset : the dataset whose relative drop of the forgotten-class probability is set against the
        paper's (the paper's Table 1 has Iris and Covertype).

    Returns ``conc_verdict`` / ``conc_numbers`` (single class), ``uniform_verdict`` / ``uniform_numbers``
    (Appendix A: the uniform target leaves more forgotten-class probability), ``forget_verdict`` /
    ``forget_change`` (the forgotten class's mean probability falls), ``rel_drop``, ``paper_rel_drop``,
    ``drop_word`` and ``drop_numbers`` (``dataset``'s relative drop against the paper's one value: the
    words, and our seeds' drops minus the paper's as a t interval in percentage points), ``retained_change``
    (the retained classes' mean recall) and ``closeness_verdict`` (closer to gold than doing nothing
    by the KL); verdicts are "reproduces", "does not reproduce" or "undecided" per dataset."""
    from ..paper import quantum_table

    out = {"share_threshold": float(share)}
    concentrated = claim_by_dataset(moves, "top_share", share, "larger")
    out.update(conc_verdict=claim_words(concentrated), conc_numbers=claim_sentence(concentrated))
    uniform_weaker = claim_by_dataset(forget_prob, "uniform", "similarity", "larger")
    out.update(uniform_verdict=claim_words(uniform_weaker), uniform_numbers=claim_sentence(uniform_weaker))
    prob_rows = table_1[table_1["metric"] == "forget_class_mean_prob"]
    forgetting = claim_by_dataset(prob_rows, "after", "before", "smaller")
    out.update(forget_verdict=claim_words(forgetting), forget_fall=direction_words(forgetting),
               forget_change=change_sentence(forgetting, "its mean probability"))
    mine = prob_rows[prob_rows["dataset"] == dataset]
    if mine.empty:
        raise ValueError(f"no forgotten-class probability rows for {dataset!r} in Table 1's frame")
    paper = quantum_table(1).set_index(["dataset", "class", "metric"]).loc[(dataset, 2, "forget_class_mean_prob")]
    drops = 1 - mine["after"] / mine["before"]                              # one per seed
    paper_drop = 1 - paper["after"] / paper["before"]
    out.update(rel_drop=float(drops.mean()), paper_rel_drop=float(paper_drop),
               drop_word=relation_to_published(drops, paper_drop),
               drop_numbers=points_text(paired_interval(100 * drops, [100 * paper_drop] * len(drops))))
    retained = table_1[(table_1["metric"] == "recall") & ~table_1["class"].astype(str).str.endswith("(F)")]
    retained = retained.groupby(["dataset", "seed"], sort=False)[["before", "after"]].mean().reset_index()
    out["retained_change"] = change_sentence(claim_by_dataset(retained, "after", "before", "smaller"),
                                             "the retained classes' mean recall")
    closer = claim_by_dataset(wide(closeness, "mean_kl"), "similarity", "original", "smaller")
    out["closeness_verdict"] = claim_words(closer)
    return out


def mass_readings(table_2: pd.DataFrame, method: str = "similarity") -> dict:
    """Section 7.8's forgotten-class mass on retained samples, from
    :func:`helpers.quantum.tables.table_2_frame` (one row per (dataset, seed, model), with
    ``forgotten_prob_model`` and ``forgotten_prob_gold``).

    The paper's claim that the unlearned model keeps more of it than the gold model, paired over the
    seeds: ``mass_verdict`` (:func:`claim_words`), ``mass_clause`` (:func:`claim_predicate`, for "the
    claim ...") and ``mass_numbers`` (unlearned minus gold, per dataset). Where the mass comes from:
    ``<dataset>_orig_mass``, the original model's (doing nothing; mean over the seeds), and
    ``mass_change``, how unlearning changed it (unlearned minus original, :func:`change_sentence`)."""
    missing = {"dataset", "seed", "model", "forgotten_prob_model", "forgotten_prob_gold"} - set(table_2.columns)
    if missing:
        raise ValueError(f"Table 2's frame lacks columns {sorted(missing)}")
    for name in (method, BASELINE):
        if name not in set(table_2["model"]):
            raise ValueError(f"Table 2's frame has no {name!r} rows; it has {sorted(set(table_2['model']))}")
    mass = claim_by_dataset(table_2[table_2["model"] == method], "forgotten_prob_model", "forgotten_prob_gold",
                            "larger")
    by_model = wide(table_2, "forgotten_prob_model")
    change = claim_by_dataset(by_model, method, BASELINE, "larger")
    out = dict(mass_verdict=claim_words(mass), mass_clause=claim_predicate(mass), mass_numbers=claim_sentence(mass),
               mass_change=change_sentence(change, "the forgotten-class mass on retained samples"))
    for dataset, g in by_model.groupby("dataset", sort=False):
        out[f"{dataset}_orig_mass"] = float(g[BASELINE].mean())
    return out


AGREEMENT_MODELS = ("similarity", BASELINE, FLOOR)


def agreement_readings(closeness: pd.DataFrame, models=AGREEMENT_MODELS) -> dict:
    """``<dataset>_agree_<model>``: the share of *all* the forgotten class's test samples (moved by
    unlearning or not) that ``model`` sends to the class the gold model sends them to
    (``gold_agreement`` of the closeness frame), mean over the seeds: section 7.9's denominator,
    which section 7.6's share of the *moved* samples (``same_as_gold``) is set beside."""
    by_model = wide(closeness, "gold_agreement")
    for name in models:
        if name not in by_model:
            raise ValueError(f"the closeness frame has no {name!r} model")
    return {f"{dataset}_agree_{name}": float(g[name].mean())
            for dataset, g in by_model.groupby("dataset", sort=False) for name in models}


def recall_resolution(test_labels, num_classes: int = 3, paper_delta: float | None = None) -> dict:
    """How coarse a recall is: ``per_class`` test samples in every class (the same in every split of
    ``test_labels``, else a ValueError), ``recall_step`` = 1 / per_class, and, given the paper's
    recall change ``paper_delta``, ``paper_drop_n``: how many test samples it is at that class size."""
    counts = {int((np.asarray(y) == k).sum()) for y in test_labels for k in range(num_classes)}
    if len(counts) != 1:
        raise ValueError(f"the test splits' classes differ in size: {sorted(counts)}")
    per_class = counts.pop()
    if per_class == 0:
        raise ValueError("a class has no test samples")
    out = dict(per_class=per_class, recall_step=1 / per_class)
    if paper_delta is not None:
        out["paper_drop_n"] = round(abs(paper_delta) * per_class)
    return out


def covertype_note(used, stand_in: str) -> str:
    """Whether Covertype ran in this build, and which dataset stood in for it in section 7.10's figures."""
    if "covertype" in used:
        return "Covertype ran in this build: compare its rows above with the paper's."
    return (f"This offline build could not load Covertype ({display_name(stand_in)} stood in for it in the "
            "figures of section 7.10); run the chapter in Colab to test the claim there.")


def readings(moves, forget_prob, table_1, closeness, datasets: dict, seeds, stand_in: str,
             share: float = SHARE) -> dict:
    """Section 7.13's glued values: :func:`claim_readings` (the ``rel_drop`` of Iris as
    ``iris_rel_drop``), :func:`recall_resolution` of Iris's test splits over ``seeds``
    (``iris_per_class``, ``recall_step``, ``paper_drop_n``: the paper's Iris class-1 drop in test
    samples), :func:`covertype_note`, and section 7.6's :func:`agreement_readings`. ``datasets`` maps
    a name to ``{seed: data}``."""
    from ..paper import quantum_table

    if "iris" not in datasets:
        raise ValueError("chapter 7's readings compare Iris with the paper; Iris is not among the datasets")
    out = claim_readings(moves, forget_prob, table_1, closeness, share=share, dataset="iris")
    out["iris_rel_drop"] = out.pop("rel_drop")
    paper_delta = quantum_table(1).set_index(["dataset", "class", "metric"]).loc[("iris", 1, "recall"), "delta"]
    resolution = recall_resolution([datasets["iris"][s].y_test for s in seeds], paper_delta=paper_delta)
    out.update(iris_per_class=resolution["per_class"], recall_step=resolution["recall_step"],
               paper_drop_n=resolution["paper_drop_n"], covertype_note=covertype_note(datasets, stand_in))
    out.update(agreement_readings(closeness))
    return out


# --------------------------------------------------------------------------- populations (section 7.11)
POPULATION_COLUMNS = {"F": "F ↑", "score": "score ↑", "RA_ratio": "RA_u / RA_r", "TA_ratio": "TA_u / TA_r",
                      "ulira_accuracy": "U-LiRA acc. % (50 ideal)", "median_epsilon": "median ε",
                      "FA": "FA %", "RA": "RA %", "TA": "TA %"}


def population_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`helpers.quantum.population.population_table` for the page: the gold population (the
    reference, only its FA, RA and TA) first, then one row per population, readable column names."""
    shown = table.set_index("label")[list(POPULATION_COLUMNS)]
    reference = pd.DataFrame({c: [table.attrs["retrain"][c]] for c in ("FA", "RA", "TA")},
                             index=["Gold (the reference)"])
    return pd.concat([reference, shown]).reindex(columns=list(POPULATION_COLUMNS)).rename(columns=POPULATION_COLUMNS)


def population_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`helpers.chapters.ch04.verdict_table` (paired over the forget examples) with the VQC's
    names: the noise floor is Gold′."""
    from .ch04 import verdict_table

    out = verdict_table(table)
    out.columns = [c.replace("Retrain′", "Gold′") for c in out.columns]
    return out


SIDE_WORDS = {"smaller": "lies below the gold models'", "larger": "lies above the gold models'",
              "undecided": "is not distinguishable from the gold models' (undecided)"}


def side_of_gold(conf: dict, names: dict, reference: str = "gold") -> str:
    """Where each population's mean output lies against the reference population's, paired over the
    forget examples: ``conf`` maps a population to its ``(N, S)`` outputs, ``names`` the ones to
    describe to their words: ``"the unlearned models' lies below the gold models' (-0.66 [-0.76,
    -0.56]); the originals' lies above the gold models' (...)"``."""
    if reference not in conf:
        raise ValueError(f"no reference population {reference!r}")
    gold = np.asarray(conf[reference], dtype=float).mean(0)
    parts = []
    for name, words in names.items():
        iv = paired_interval(np.asarray(conf[name], dtype=float).mean(0), gold)
        parts.append(f"{words} {SIDE_WORDS[iv.direction]} ({interval_text(iv, 2)})")
    return "; ".join(parts)


def spread_picks(epsilons, k: int = 3) -> list[int]:
    """``k`` forget examples from the smallest to the largest ``epsilons`` (evenly spaced ranks), for a figure."""
    eps = np.asarray(epsilons, dtype=float)
    if not 1 <= k <= eps.size:
        raise ValueError(f"k must be in [1, {eps.size}], got {k}")
    order = np.argsort(eps, kind="stable")
    return [int(order[i]) for i in np.linspace(0, eps.size - 1, k).round().astype(int)]


# --------------------------------------------------------------------------- the idle weights (section 7.10)
@dataclass
class IdleWeights:
    """One run's two unlearning runs redone one model at a time with the idle weights watched:
    ``deltas`` (target -> θ_unlearned - θ_orig), ``history`` (the similarity run's, with
    ``watch_grad`` and ``watch_shift``) and ``values`` for the prose."""

    deltas: dict
    history: pd.DataFrame
    values: dict


def idle_weights(run, settings: dict, idle, move: float = 0.1) -> IdleWeights:
    """Redo ``run``'s unlearning (similarity and uniform targets, the same seed and ``settings``) one model
    at a time with the registered method (``unlearn("dg", ...)``, :mod:`helpers.unlearn.dg`), recording
    after every step the idle weights' largest gradient ``watch_grad`` (before the step) and largest
    shift from the original ``watch_shift``.

    The one-model runs give the batched runs' predictions (checked: ``batched_gap``, the largest
    difference of a test probability); their idle weights differ (``batched_idle_gap``), because
    Adam turns the rounding noise of these weights' gradients into steps. ``values``: per target
    the mean ``|Δθ|`` (``dtheta_<target>``) and the share of weights moved by more than ``move``
    (``moved_<target>``); the idle weights' largest final shift (``idle_max``), their first
    gradient and shift (``idle_g1``, ``idle_s1``), the first step whose gradient exceeds Adam's
    ε (``idle_eps_step``), their peak shift and its step, their final shift, and ``idle_back``
    (whether they end below half their peak)."""
    from ..quantum.model import VQC
    from ..quantum.training import probabilities
    from ..unlearn import training_task, unlearn

    rows, theta0 = [], run.original.theta
    watch = lambda step, m: rows.append(dict(step=step, watch_grad=m.theta.grad[idle].abs().max().item(),  # noqa: E731
                                             watch_shift=(m.theta.detach() - theta0)[idle].abs().max().item()))
    data, f = run.data, run.forget_class
    one = {t: unlearn("dg", VQC(theta0), training_task(data, data.y_train == f, f, watch if t == "similarity" else None),
                      seed=run.seed, target=t, **settings).theta.detach() for t in ("similarity", "uniform")}
    deltas = {t: (theta - theta0).numpy() for t, theta in one.items()}
    X = run.data.X_test
    gaps = [((probabilities(theta, X) - probabilities(run.unlearned[t].theta, X)).abs().max().item(),
             (theta - run.unlearned[t].theta)[idle].abs().max().item()) for t, theta in one.items()]
    values = {"batched_gap": max(g for g, _ in gaps), "batched_idle_gap": max(g for _, g in gaps)}
    for t, d in deltas.items():
        values[f"dtheta_{t}"], values[f"moved_{t}"] = float(abs(d).mean()), float((abs(d) > move).mean())
    values["idle_max"] = max(float(abs(d[idle]).max()) for d in deltas.values())
    h = pd.DataFrame(rows)
    values.update(idle_history(h, eps=torch_adam_eps()))
    return IdleWeights(deltas, h, values)


def torch_adam_eps() -> float:
    """Adam's ε in torch's defaults (1e-8)."""
    import torch

    return torch.optim.Adam([torch.zeros(1)]).defaults["eps"]


def idle_history(history: pd.DataFrame, eps: float) -> dict:
    """From a history with ``watch_grad`` and ``watch_shift`` per step: the first step's gradient and
    shift, the first step whose gradient exceeds ``eps`` (0 if none), the peak shift and its step, the
    final shift, and ``idle_back``: ``"before the penalty pulls them back"`` when the final shift is
    below half the peak, else ``"and stay near that"``."""
    above = history.loc[history["watch_grad"] > eps, "step"]
    peak = int(history["watch_shift"].idxmax())
    end, top = history["watch_shift"].iloc[-1], history["watch_shift"].max()
    return dict(adam_eps=eps, idle_g1=history["watch_grad"].iloc[0], idle_s1=history["watch_shift"].iloc[0],
                idle_eps_step=int(above.iloc[0]) if len(above) else 0, idle_peak=top,
                idle_peak_step=int(history.loc[peak, "step"]), idle_end=end,
                idle_back="before the penalty pulls them back" if end < top / 2 else "and stay near that")


__all__ = ["MEASURES", "FORGET_MEASURES", "Measure", "wide", "distance_to_gold", "judge", "judged_table",
           "interval_text", "closeness_sentence", "closeness_lead", "change_sentence", "COMPARE_WORDS",
           "floor_sentence", "helps_sentence", "claim_verdict", "claim_words", "claim_predicate", "claim_by_dataset",
           "claim_sentence", "points_text", "mass_readings", "agreement_readings",
           "direction_words", "relation_to_published", "forget_recall_words", "population_display", "population_verdicts",
           "side_of_gold", "spread_picks", "IdleWeights", "idle_weights", "idle_history", "SHARE", "PAPER_CELLS",
           "paper_readings", "target_readings", "claim_readings", "recall_resolution", "covertype_note", "readings"]


GRID_NAMES = dict(beta="β", lr="step size", train_lr="training learning rate")


def describe_grid_edges(chosen: dict, grid: dict) -> str:
    """The selected settings (``chosen[dataset][setting]``) at the edge of the searched ``grid``, in words
    (``"β = 1 is the smallest value tried (Iris, Wine)"``, display names), or a sentence saying that none
    is (section 7.4). A ``train_lr`` setting is looked up in ``grid`` like the others (e.g.
    ``{**E.GRID, "train_lr": E.TRAIN_LRS}`` of :mod:`helpers.quantum.experiment`)."""
    edges = pd.DataFrame([dict(dataset=dataset, setting=key, value=value,
                               edge="smallest" if value == min(grid[key]) else "largest")
                          for dataset, setting in chosen.items() for key, value in setting.items()
                          if value in (min(grid[key]), max(grid[key]))],
                         columns=["dataset", "setting", "value", "edge"])
    if edges.empty:
        return "No selected value sits at the edge of the grid."
    parts = [f"{GRID_NAMES.get(key, key)} = {value:g} is the {edge} value tried "
             f"({', '.join(map(display_name, g['dataset']))})"
             for (key, value, edge), g in edges.groupby(["setting", "value", "edge"], sort=False)]
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:] if text[0].isascii() else text


# --------------------------------------------------------------------------- training and unlearning from shots (section 7.12)
SHOTS_MEASURES = {"training": {"test_acc": "test accuracy"},
                  "unlearning": {"forget_recall": "forgotten-class recall", "retained_acc": "retained-class accuracy"}}
SHOTS_WORDS = {"smaller": "lower", "larger": "higher", "undecided": "undecided"}
EQUAL = "equal"                      # every seed's difference is exactly 0 (same score from shots as exactly)
DIFFERS = ("lower", "higher")
STAGE_NAMES = {"training": "Training from shots", "unlearning": "Unlearning from shots"}


def shots_verdict(a: pd.Series, b: pd.Series) -> tuple[str, PairedInterval]:
    """The verdict on ``a - b`` over seeds (aligned by seed) and its paired t interval: ``"equal"`` when
    every seed's difference is exactly 0 (the interval is then [0, 0]), else ``"lower"``, ``"higher"``
    or ``"undecided"`` by the interval."""
    a, b = a.align(b, join="inner")
    interval = paired_interval(a.to_numpy(), b.to_numpy())
    return (EQUAL if same_on_every_seed(a.to_numpy(), b.to_numpy()) else SHOTS_WORDS[interval.direction]), interval


def shots_verdicts(study: pd.DataFrame) -> pd.DataFrame:
    """Every shot count against exact gradients, per stage and measure, paired over seeds.

    ``study``: :func:`helpers.quantum.shots_training.shots_study` (one row per stage, seed and setting).
    One row per (stage, measure, setting): the mean over seeds of the setting and of exact gradients, the
    paired t interval of ``setting - exact`` (sample std) and its ``verdict`` (:func:`shots_verdict`):
    ``"lower"``, ``"higher"``, ``"equal"`` (the same score on every seed) or ``"undecided"`` (the
    interval spans zero: the seeds cannot tell the two apart)."""
    missing = {"stage", "seed", "setting", "shots"} - set(study.columns)
    if missing:
        raise ValueError(f"the study frame lacks the columns {sorted(missing)}")
    rows = []
    for stage, measures in SHOTS_MEASURES.items():
        part = study[study["stage"] == stage]
        if part.empty:
            continue
        exact = part[part["setting"] == "exact"].set_index("seed")
        if exact.empty:
            raise ValueError(f"the {stage} rows have no exact arm to compare with")
        for setting, g in part[part["setting"] != "exact"].sort_values("shots").groupby("setting", sort=False):
            g = g.set_index("seed")
            for measure, label in measures.items():
                verdict, interval = shots_verdict(g[measure], exact[measure])
                rows.append(dict(stage=stage, measure=measure, label=label, setting=setting,
                                 shots=int(g["shots"].iloc[0]), value=g[measure].mean(), exact=exact[measure].mean(),
                                 difference=interval, verdict=verdict, n=interval.n))
    return pd.DataFrame(rows)


def shots_table(verdicts: pd.DataFrame) -> pd.DataFrame:
    """:func:`shots_verdicts` for the page: one row per stage, measure and shot count, with the
    difference from exact gradients as ``"+0.023 [+0.010, +0.036]"``."""
    table = verdicts.assign(difference=[interval_text(iv) for iv in verdicts["difference"]])
    table = table.rename(columns={"label": "measure (test split)", "value": "mean", "exact": "exact gradients",
                                  "difference": "shots - exact (95% t interval)"})
    return table.set_index(["stage", "measure (test split)", "setting"])[
        ["mean", "exact gradients", "shots - exact (95% t interval)", "verdict"]]


def shots_needed(verdicts: pd.DataFrame, stage: str) -> int | None:
    """The fewest shots from which no measure of ``stage`` differs from exact gradients (every verdict
    at that and every larger shot count is "undecided" or "equal"); None if even the largest count differs."""
    part = verdicts[verdicts["stage"] == stage]
    if part.empty:
        raise ValueError(f"no verdicts for the stage {stage!r}; stages: {sorted(set(verdicts['stage']))}")
    decided = part.groupby("shots")["verdict"].apply(lambda v: v.isin(DIFFERS).any()).sort_index()
    needed = None
    for shots, differs in decided[::-1].items():
        if differs:
            break
        needed = int(shots)
    return needed


def _counts(shots) -> str:
    """``"16 shots"``, ``"16 and 256 shots"``."""
    return join_words(f"{int(n):,}" for n in sorted(shots)) + " shots"


def _alike(rows: pd.DataFrame) -> str:
    """The verdicts ``rows`` ("equal" or "undecided", at the shot counts the sentence's lead names) in words:
    one clause per verdict; a measure with that verdict at every count of ``rows`` is named alone, the
    others with their shot counts."""
    every = set(rows["shots"])
    clauses = []
    for verdict in (EQUAL, "undecided"):
        group = rows[rows["verdict"] == verdict]
        whole, partial = [], []
        for label, g in group.groupby("label", sort=False):
            if set(g["shots"]) == every:
                whole.append(label)
            else:
                partial.append(f"{label} at {_counts(g['shots'])}")
        if not whole and not partial:
            continue
        if verdict == EQUAL:
            first = whole or partial
            clause = f"{join_words(first)} {is_are(first)} the same as with exact gradients on every seed (equal)"
            if whole and partial:
                clause += f", and so {is_are(partial)} {join_words(partial)}"
        else:
            clause = f"the seeds cannot tell {join_words(whole + partial, ' or ')} from exact gradients (undecided)"
        clauses.append(clause)
    return "; ".join(clauses)


def shots_sentence(verdicts: pd.DataFrame, stage: str) -> str:
    """``stage`` from shots in words, named, e.g. "Training from shots: with 64 shots, test accuracy is lower
    than with exact gradients (-0.120 [-0.210, -0.030]); from 256 shots on, the seeds cannot tell test
    accuracy from exact gradients (undecided)." Verdicts "equal" (the same score on every seed) are said
    as such, never as "undecided"."""
    needed = shots_needed(verdicts, stage)
    part = verdicts[verdicts["stage"] == stage]
    differing = part[part["verdict"].isin(DIFFERS)]
    parts = []
    for shots, g in differing.groupby("shots", sort=True):
        claims = join_words(f"{row.label} is {row.verdict} than with exact gradients ({interval_text(row.difference)})"
                            for row in g.itertuples())
        parts.append(f"with {shots:,} shots, {claims}")
    if needed is None:
        parts.append(f"even at {int(part['shots'].max()):,} shots, the difference from exact gradients remains")
    else:
        rest = part[part["shots"] >= needed]
        lead = f"at {_counts(set(rest['shots']))}" if needed == int(part["shots"].min()) else f"from {needed:,} shots on"
        parts.append(f"{lead}, {_alike(rest)}")
    return f"{STAGE_NAMES.get(stage, capital(stage))}: " + "; ".join(parts) + "."
