"""Chapter 5's sentences, each computed from paired comparisons over seeds.

Every claim of the form "A is closer to Retrain than B", "this network is the
weaker classifier" or "the order agrees with the paper's" is a paired
comparison over seeds (:mod:`helpers.stats`: the mean of the per-seed
differences with a 95 % Student-t interval, sample standard deviation; chapter 5's
equation ``ch5-paired``, on the AG of ``ch5-ag`` or on one metric) and is
worded "undecided" / "cannot be told apart" when the interval spans zero. A
*block* is one ratio (or class) of a ``run_table`` table
(:func:`helpers.experiments.compare.block`); "closer to Retrain" means a
smaller average gap (AG).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..words import group_phrases, join_words
from ..stats import paired_interval
from .compare import (
    LABELS,
    ORACLE_REPLICA,
    block,
    difference_from,
    judge,
    judge_words,
    methods_of,
    oracle_caveat_words,
    paired_ag,
    paired_metric,
    per_seed,
    undertrained_oracle_seeds,
    rank_agreement_over_seeds,
    separated_pairs,
    versus_retrain,
)

METRIC_NAMES = {"FA": "forget accuracy", "RA": "retain accuracy", "TA": "test accuracy", "MIA": "MIA-efficacy"}


def _label(method: str) -> str:
    return LABELS.get(method, method)


def _seeds(computed: pd.DataFrame) -> int:
    return int(computed.attrs["per_seed"].seed.nunique())


def _percent(amount) -> str:
    return f"{round(100 * amount)} %"


def closest(computed: pd.DataFrame) -> str:
    """The method (key) with the smallest mean AG, baselines left out."""
    names = methods_of(computed)
    if not names:
        raise ValueError("this block has no unlearning method besides Retrain, Retrain′ and Original")
    return computed.loc[names, "AG"].idxmin()


def standing_words(computed: pd.DataFrame, method: str = "oeu", subject: str | None = None) -> str:
    """Where ``method`` stands: the methods it is closer to Retrain than, farther than, or not told apart from.

    Each pair is :func:`~helpers.experiments.compare.difference_from`: AG paired
    over seeds, 95 % t interval. ``subject`` replaces the method's name at the start.
    """
    diff = difference_from(computed, method)
    subject = subject or _label(method)
    if diff.empty:
        return f"{subject} is the only method in this table"
    if _seeds(computed) < 2:
        return f"{subject} cannot be compared with the other methods: a paired comparison needs two seeds or more"
    groups = {v: list(diff.index[diff["verdict"] == v]) for v in ("larger", "smaller", "undecided")}
    parts = []
    if groups["larger"]:
        parts.append(f"closer to Retrain than {join_words(groups['larger'])}")
    if groups["smaller"]:
        whom = "it" if parts else "Retrain"
        parts.append(f"farther from {whom} than {join_words(groups['smaller'])}")
    if groups["undecided"]:
        every = "any other method" if len(groups["undecided"]) == len(diff) else join_words(groups["undecided"])
        parts.append(f"not told apart from {every}")
    return f"{subject} is {join_words(parts, ', and ' if len(parts) > 2 else ' and ')} " \
           f"(paired 95 % t intervals on AG over {_seeds(computed)} seeds)"


def closest_words(computed: pd.DataFrame) -> str:
    """The method of smallest mean AG, and whether the paired intervals make it *the* closest."""
    best = closest(computed)
    diff = difference_from(computed, best)
    head, nothing = f"{_label(best)} has the smallest mean AG ({computed.loc[best, 'AG']:.2f})", ""
    if "original" in computed.index and computed.loc["original", "AG"] < computed.loc[best, "AG"]:
        head = f"{_label(best)} has the smallest mean AG of the methods ({computed.loc[best, 'AG']:.2f})"
        nothing = (f", though doing nothing (the Original) scores {computed.loc['original', 'AG']:.2f}, "
                   "below every method")
    if _seeds(computed) < 2:
        return head + " on the one seed run" + nothing + " (a description: a paired comparison needs two seeds or more)"
    head += nothing
    if len(diff) and (diff["verdict"] == "larger").all():
        return head + (f"{',' if nothing else ''} and is decidedly the closest to Retrain: every other method's "
                       f"AG is larger, each by a "
                       f"paired 95 % t interval over {_seeds(computed)} seeds that lies above zero")
    return head + "; " + standing_words(computed, best, subject="it")


def judgement(computed: pd.DataFrame) -> str:
    """:func:`~helpers.experiments.compare.judge_words` of a block, or a plain sentence when it has one seed.

    When Retrain′ did not finish training on some seed, the caution of
    :func:`~helpers.experiments.compare.oracle_caveat_words` follows the noise-floor sentence.
    """
    if _seeds(computed) < 2:
        return ("With one seed no paired comparison is possible, so no method can be judged against doing "
                "nothing or against the noise floor here.")
    caveat = oracle_caveat_words(computed)
    return judge_words(judge(computed)) + (" " + caveat if caveat else "")


def separation_words(computed: pd.DataFrame, scenario: str = "this scenario") -> str:
    """Can ``scenario`` separate methods at all? Doing nothing against the oracle's noise floor, and method pairs.

    The noise floor is Retrain′, a second independently seeded Retrain: if doing
    nothing (Original) is not decidedly farther from Retrain than Retrain′ is,
    no method can be shown to forget better than doing nothing. When Retrain′
    did not finish training on some seed, the caution of
    :func:`~helpers.experiments.compare.oracle_caveat_words` follows.
    """
    ag_o, ag_f = computed.loc["original", "AG"], computed.loc[ORACLE_REPLICA, "AG"]
    text = f"Doing nothing scores AG {ag_o:.2f} and an independently seeded Retrain {ag_f:.2f}"
    iv = paired_ag(computed, "original", ORACLE_REPLICA)
    if iv is None:
        text += (f"; with one seed the two cannot be compared by a paired test (a difference of "
                 f"{ag_o - ag_f:+.2f}, a description).")
    elif iv.direction == "larger":
        text += (f"; their paired difference, {iv.text()} over {iv.n} seeds, lies above zero: doing nothing "
                 f"is measurably farther from Retrain than another Retrain is, so {scenario} leaves something to "
                 "forget that the oracle can see.")
    elif iv.direction == "undecided":
        text += (f"; their paired difference, {iv.text()} over {iv.n} seeds, spans zero: {scenario} does not show "
                 "a model that forgot nothing to be farther from Retrain than a second Retrain is, so no method can "
                 "be shown to forget better than doing nothing here.")
    else:
        text += (f"; their paired difference, {iv.text()} over {iv.n} seeds, lies below zero: doing nothing is "
                 f"even closer to Retrain than a second Retrain is, so {scenario} cannot reward forgetting at all.")
    caveat = oracle_caveat_words(computed)
    pairs = separated_pairs(computed)
    if len(pairs) and iv is not None:
        told = int((pairs["verdict"] != "undecided").sum())
        text += (f" Of the {len(pairs)} pairs of methods, {told} {'is' if told == 1 else 'are'} told apart "
                 "by a paired 95 % interval on AG.")
    return text + (" " + caveat if caveat else "")


def _seed_list(seeds) -> str:
    seeds = sorted(seeds)
    return "none" if not seeds else ("seed " if len(seeds) == 1 else "seeds ") + join_words(map(str, seeds))


def seed_count_words(n: int) -> str:
    """"the one seed" or "the N seeds" (for "on ... of EXTRA_SEEDS")."""
    if int(n) != n or n < 1:
        raise ValueError(f"a number of seeds must be a positive integer, got {n!r}")
    return "the one seed" if n == 1 else f"the {int(n)} seeds"


def signal_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per ratio (or class) of a table: AG of Original and Retrain′, their paired difference, pairs told apart.

    Column ``Retrain′ under-trained on`` names the seeds where Retrain′'s RA is more than 5 points below
    Retrain's (:func:`~helpers.experiments.compare.undertrained_oracle_seeds`; "none" otherwise): on
    those seeds the noise floor is too wide.
    """
    rows = {}
    for amount in dict.fromkeys(table.index.get_level_values(0)):
        b = block(table, amount)
        iv = paired_ag(b, "original", ORACLE_REPLICA)
        pairs = separated_pairs(b)
        rows[amount] = {"AG Original": b.loc["original", "AG"], "AG Retrain′": b.loc[ORACLE_REPLICA, "AG"],
                        "difference": np.nan if iv is None else iv.mean,
                        "low": np.nan if iv is None else iv.low, "high": np.nan if iv is None else iv.high,
                        "Original vs noise floor": {"larger": "above", "smaller": "below"}.get(
                            "undecided" if iv is None else iv.direction, "within"),
                        "method pairs told apart": f"{int((pairs['verdict'] != 'undecided').sum())} of {len(pairs)}",
                        "Retrain′ under-trained on": _seed_list(undertrained_oracle_seeds(b))}
    return pd.DataFrame(rows).T.rename_axis(table.index.names[0])


def agreement_words(computed: pd.DataFrame, published: pd.DataFrame) -> str:
    """How the computed AG order relates to the paper's: Spearman's rho per seed, t interval against zero."""
    iv = rank_agreement_over_seeds(computed, published)
    if iv is None:
        return "cannot be compared with the paper's (it needs two seeds and two methods)"
    stats = f"mean Spearman ρ over {iv.n} seeds {iv.mean:+.2f}, 95 % t interval [{iv.low:+.2f}, {iv.high:+.2f}]"
    return {"larger": f"agrees with the paper's ({stats}, above zero)",
            "smaller": f"runs against the paper's ({stats}, below zero)",
            "undecided": f"is not told apart from an unrelated order ({stats}, spanning zero)"}[iv.direction]


def under_forgetting_words(table: pd.DataFrame, methods=("ft", "ga")) -> str:
    """For each method, the ratios where its FA stays above Retrain's (paired over seeds), and where undecided."""
    amounts = list(dict.fromkeys(table.index.get_level_values(0)))
    parts = []
    for m in methods:
        verdict = {a: versus_retrain(block(table, a), "FA", rows=[m]).loc[m, "verdict"] for a in amounts}
        groups = {v: [_percent(a) for a in amounts if verdict[a] == v] for v in ("larger", "undecided", "smaller")}
        if groups["larger"]:
            text = f"{_label(m)}'s FA stays above Retrain's at {join_words(groups['larger'])}"
        else:
            text = f"{_label(m)}'s FA is not decidedly above Retrain's at any ratio"
        extras = []
        if groups["larger"] and groups["undecided"]:
            extras.append(f"undecided at {join_words(groups['undecided'])}")
        if groups["smaller"]:
            extras.append(f"below it at {join_words(groups['smaller'])}")
        parts.append(text + (f" ({'; '.join(extras)})" if extras else ""))
    n = _seeds(block(table, amounts[0]))
    return "; ".join(parts) + f" (paired 95 % t intervals over {n} seeds)"


def remembered_words(computed: pd.DataFrame, what: str = "the forgotten class",
                     still: str = "still recognising the class") -> str:
    """Which methods keep an FA above Retrain's on ``D_f`` (paired over seeds): they have not forgotten ``what``.

    ``what`` names the forget set, ``still`` says what an FA above Retrain's
    means there (e.g. "still predicting the poison label").
    """
    fa = versus_retrain(computed, "FA", rows=methods_of(computed))
    keep = [f"{_label(m)} ({fa.loc[m, 'FA']:.1f} %)" for m in fa.index[fa["verdict"] == "larger"]]
    level = [f"{_label(m)} ({fa.loc[m, 'FA']:.1f} %)" for m in fa.index[fa["verdict"] != "larger"]]
    text = f"Retrain's FA on {what} is {computed.loc['retrain', 'FA']:.1f} %. "
    if keep:
        text += f"{join_words(keep)} {'keeps' if len(keep) == 1 else 'keep'} an FA above it beyond seed noise ({still})"
    else:
        text += "No method keeps an FA decidedly above it"
    if level:
        text += f"; {join_words(level)} cannot be told apart from Retrain's FA"
    return text + f" (paired 95 % t intervals over {_seeds(computed)} seeds)."


def accuracy_loss_words(computed: pd.DataFrame) -> str:
    """The methods whose test accuracy is decidedly below Retrain's (paired over seeds), with the loss, or "none"."""
    ta = versus_retrain(computed, "TA", rows=methods_of(computed))
    if _seeds(computed) < 2:
        return "none can be shown on one seed (a paired comparison needs two seeds or more)"
    lost = [f"{_label(m)} ({ta.loc[m, 'minus Retrain']:+.1f} points)" for m in ta.index[ta["verdict"] == "smaller"]]
    return join_words(lost) if lost else "none of the methods"


def network_words(a_block: pd.DataFrame, b_block: pd.DataFrame, a_name: str, b_name: str,
                  method: str = "retrain", metric: str = "TA") -> str:
    """``method``'s ``metric`` on two networks (same seeds, same forget sets), compared paired over seeds."""
    a, b = a_block.loc[method, metric], b_block.loc[method, metric]
    what = f"{_label(method)}'s {METRIC_NAMES.get(metric, metric)}"
    text = f"{what} is {a:.1f} % on {a_name} and {b:.1f} % on {b_name}"
    iv = paired_metric(a_block, method, b_block, method, metric)
    if iv is None:
        return text + (f"; with one seed the two cannot be compared by a paired test (a difference of "
                       f"{a - b:+.1f} points, a description)")
    diff = f"paired difference {iv.text()} points over {iv.n} seeds"
    return text + {"smaller": f": {a_name} is the weaker classifier ({diff})",
                   "larger": f": {a_name} is the stronger classifier ({diff})",
                   "undecided": f": neither is decidedly the stronger classifier ({diff}, spanning zero)"}[iv.direction]


def settings_words(blocks: dict, method: str = "oeu") -> str:
    """Each setting's verdicts (``{title: block}``): :func:`judgement` and :func:`standing_words` of ``method``.

    When every block has one seed, one sentence says so instead of repeating it per setting.
    """
    if all(_seeds(b) < 2 for b in blocks.values()):
        return ("With one seed per setting no paired comparison is possible: the AG of each method in each "
                "setting is a description, and no method can be judged against doing nothing, the noise "
                "floor or another method here.")
    return " ".join(f"{title}: {judgement(b)} {standing_words(b, method)}." for title, b in blocks.items())


def weak_original(computed: pd.DataFrame, points: float = 10.0) -> bool:
    """Is the original model's test accuracy more than ``points`` below Retrain's, beyond seed noise?

    A paired t interval of ``TA(Original) - TA(Retrain) + points`` wholly below zero.
    With one seed, the single difference decides.
    """
    x, y = per_seed(computed, "original", "TA").align(per_seed(computed, "retrain", "TA"), join="inner")
    shifted = (x - y + points).to_numpy()
    if len(shifted) < 2:
        return bool(shifted.size and shifted[0] < 0)
    return paired_interval(shifted, np.zeros_like(shifted)).direction == "smaller"


def original_quality_words(computed: pd.DataFrame, name: str = "the original", points: float = 10.0) -> str:
    """The original model's test accuracy against Retrain's, and whether it is too weak for its gaps to mean much.

    Weak is :func:`weak_original`: more than ``points`` below Retrain's, beyond
    seed noise (on one seed, the single difference decides).
    """
    orig, gold = computed.loc["original", "TA"], computed.loc["retrain", "TA"]
    text = f"{name[0].upper() + name[1:]} reaches a test accuracy of {orig:.1f} % against Retrain's {gold:.1f} %"
    if not weak_original(computed, points):
        return text
    where = "on the one seed run" if _seeds(computed) < 2 else "beyond seed noise"
    return (text + f": more than {points:g} points below it {where}, so every method's gap here mostly measures "
            "how weak the original was (a method starts from it, Retrain starts afresh), not how well it unlearned")


ONE_SEED = "— (1 seed)"


def method_summary(comparisons: dict, method: str = "oeu") -> pd.DataFrame:
    """``method`` in every comparison: ``{title: (block, published rank or None)}`` -> one row each.

    Columns: ``seeds``; the number of methods it is decidedly ``closer than``,
    ``farther than`` and ``not told apart`` from; ``vs Original`` and ``vs noise
    floor`` (:func:`~helpers.experiments.compare.judge`); the descriptive rank of
    its mean AG and the published rank. A comparison with one seed decides nothing: its five
    verdict columns read :data:`ONE_SEED` instead of counts and verdicts.
    """
    rows = {}
    for title, (computed, published_rank) in comparisons.items():
        names = methods_of(computed)
        row = {"seeds": _seeds(computed)}
        if _seeds(computed) < 2:
            row.update(dict.fromkeys(("closer than", "farther than", "not told apart", "vs Original",
                                      "vs noise floor"), ONE_SEED))
        else:
            diff = difference_from(computed, method)
            judged = judge(computed).loc[_label(method)]
            row.update({"closer than": int((diff["verdict"] == "larger").sum()),
                        "farther than": int((diff["verdict"] == "smaller").sum()),
                        "not told apart": int((diff["verdict"] == "undecided").sum()),
                        "vs Original": judged["vs Original"], "vs noise floor": judged["vs noise floor"]})
        row.update({"rank of mean AG": int(computed.loc[names, "AG"].rank(method="min")[method]),
                    "rank published": published_rank})
        rows[title] = row
    return pd.DataFrame(rows).T


def summary_words(summary: pd.DataFrame, method: str = "oeu") -> str:
    """One sentence from :func:`method_summary`: in how many comparisons ``method`` is decidedly the closest.

    Only comparisons with two seeds or more count (one seed decides nothing).
    """
    skipped = int((summary["seeds"] < 2).sum())
    summary = summary[summary["seeds"] >= 2]
    n = len(summary)
    if n == 0:
        return f"No comparison has two seeds or more, so nothing about {_label(method)} can be decided"
    first = int(((summary["farther than"] == 0) & (summary["not told apart"] == 0)).sum())
    unbeaten = int((summary["farther than"] == 0).sum())
    beats = int((summary["vs Original"] == "better").sum())
    floor = int((summary["vs noise floor"] != "above").sum())
    name = _label(method)
    return (f"{name} is decidedly the closest to Retrain (closer than every other method, paired over seeds) in "
            f"{first} of the {n} comparisons, and no method is decidedly closer than it in {unbeaten}; it is "
            f"decidedly closer to Retrain than doing nothing in {beats} of {n}, and within the oracle's noise "
            f"floor (not shown to be farther from Retrain than a second Retrain; undecided is not closeness) in {floor} of {n}"
            + (f" ({skipped} comparison{'s' if skipped > 1 else ''} with one seed left out)" if skipped else ""))


def tuning_words(profile: str, computed: pd.DataFrame) -> str:
    """Which tuned set a table used (``attrs["hparams_set"]``), from which file, and whether it is really tuned.

    The file is the book's ``hparams.json`` unless the reader has tuned that set
    themselves (``tune`` writes their own file, which then wins on their machine:
    :func:`helpers.experiments.runner.stored_sets`). Untuned methods and the
    tuning's notes are given for the methods of ``computed`` only.
    """
    from .runner import tuned_set
    key = computed.attrs.get("hparams_set")
    if key is None:
        return "the package defaults (this profile has no tuned hyper-parameters)"
    scenario, _, network = key.partition("/")
    model, _, quant = network.partition("-")
    _, entry = tuned_set(profile, scenario, model, quant)
    source = (f"your own `hparams.json` (`{entry['_file']}`, which replaces the book's set on this machine)"
              if "_file" in entry else "`hparams.json`")          # the book's file, shipped with helpers
    if "_untuned" in entry:
        return f"the set `{key}` of {source}, which is not tuned for this scenario yet ({entry['_untuned']})"
    text = f"the set `{key}` of {source}, chosen on seed {entry.get('_selection_seed', '?')}"
    if entry.get("_amount") is not None:
        text += f" at {'class' if scenario == 'class' else 'ratio'} {entry['_amount']:g}"
    shown = set(methods_of(computed))
    untuned = [m for m in entry.get("_untuned_methods", []) if m in shown]
    if untuned:
        verb = "keeps" if len(untuned) == 1 else "keep"
        text += f"; {join_words(_label(m) for m in untuned)} {verb} the package defaults"
    notes = {m: n for m, n in (entry.get("_notes") or {}).items() if m in shown}
    if notes:
        seed = entry.get("_selection_seed", "?")
        notes = {m: re.sub(r"(Retrain's [0-9.]+ %)", rf"\1 on seed {seed}", n) for m, n in notes.items()}
        text += (f". The tuning's notes, measured on the selection seed (seed {seed}): "
                 + "; ".join(f"{_label(m)}: {n}" for m, n in notes.items()))
    return text


def published_median_words(computed: pd.DataFrame, published: pd.DataFrame) -> str:
    """The median AG of the paper's approximate methods in ``published``, and how many of them are not run here.

    A description of the paper's numbers (its methods, not ours): "the median AG of its N approximate
    methods there is X (M of them are not run here)".
    """
    approx = [m for m in published.index if m not in ("retrain", ORACLE_REPLICA, "original")]
    values = published.loc[approx, "AG"].dropna()
    if values.empty:
        raise ValueError("the published table has no AG for an approximate method")
    missing = [m for m in values.index if m not in computed.index]
    text = f"the median AG of its {len(values)} approximate methods there is {values.median():.2f}"
    if missing:
        text += (f" ({join_words(_label(m) for m in missing)}, {len(missing)} of them, "
                 f"{'is' if len(missing) == 1 else 'are'} not run here)")
    return text


def forget_gap_words(blocks: dict, metric: str = "FA") -> str:
    """How far doing nothing leaves ``metric`` from Retrain's in each scenario, paired over seeds.

    ``blocks`` maps a scenario's name to its block (same seeds). For each, the
    per-seed difference ``metric(Original) - metric(Retrain)`` gets a 95 % t
    interval; then each later scenario's difference is compared with the first
    one's, paired over the seeds both share ("decidedly larger / smaller than",
    or "not told apart"). With one seed the numbers are stated and nothing is
    compared.
    """
    if not blocks:
        raise ValueError("forget_gap_words needs at least one scenario")
    what = METRIC_NAMES.get(metric, metric)
    diffs = {name: (per_seed(b, "original", metric) - per_seed(b, "retrain", metric)).dropna()
             for name, b in blocks.items()}
    n = min(len(d) for d in diffs.values())
    if n < 2:
        parts = [f"{d.mean():+.1f} points for {name}" for name, d in diffs.items()]
        return (f"Doing nothing's {what} minus Retrain's is {join_words(parts)}, on one seed: a description, "
                "which decides nothing")
    parts = []
    for name, d in diffs.items():
        iv = paired_interval(d.to_numpy(), np.zeros(len(d)))
        parts.append(f"{iv.text()} points for {name}")
    text = (f"Doing nothing's {what} minus Retrain's is {join_words(parts)} (mean and paired 95 % t interval "
            f"over {n} seeds)")
    (first, d0), *rest = diffs.items()
    groups = {"larger": [], "smaller": [], "undecided": []}
    for name, d in rest:
        x, y = d.align(d0, join="inner")
        direction = paired_interval(x.to_numpy(), y.to_numpy()).direction if len(x) >= 2 else "undecided"
        groups[direction].append(name)
    said = group_phrases(groups, {"larger": "decidedly larger for {}", "smaller": "decidedly smaller for {}",
                                  "undecided": "not told apart for {}"})
    if said:
        text += f"; against {first}, the difference is {'; '.join(said)} (paired over the seeds)"
    return text


def seconds_words(a_block: pd.DataFrame, b_block: pd.DataFrame, a_name: str, b_name: str,
                  method: str = "retrain") -> str:
    """``method``'s mean wall time on two settings and their ratio: a description, not a paired test.

    The tables keep one wall time per seed (mean in column ``seconds``), and times
    measured in a notebook vary with the machine's load.
    """
    a, b = float(a_block.loc[method, "seconds"]), float(b_block.loc[method, "seconds"])
    if not (a > 0 and b > 0):
        raise ValueError(f"{_label(method)} has no positive wall time in both blocks ({a}, {b})")
    return (f"{_label(method)} took {a:.1f} s on {a_name} and {b:.1f} s on {b_name}, a ratio of {a / b:.2f} "
            "(mean wall times over each table's seeds, one measurement per seed: a description, not a paired test)")


def cost_trend_words(ratios: pd.Series, method: str = "oeu") -> str:
    """Does ``method``'s time over Retrain's rise from the smallest forget set to the largest?

    ``ratios``: the method's mean time / Retrain's, indexed by ratio
    (:func:`helpers.experiments.ratio_to_retrain`). A description of one run's
    wall times, not a paired test.
    """
    ratios = ratios.dropna().sort_index()
    if len(ratios) < 2:
        raise ValueError("cost_trend_words needs the ratio at two forget-set sizes or more")
    lo, hi = ratios.index[0], ratios.index[-1]
    a, b = ratios.iloc[0], ratios.iloc[-1]
    way = "rose" if b > a else "fell" if b < a else "stayed the same"
    return (f"Here {_label(method)}'s time over Retrain's {way} from {a:.2f} at {_percent(lo)} to {b:.2f} at "
            f"{_percent(hi)} (mean wall times, one measurement per seed: a description, not a paired test)")



POPULATION_REFERENCES = ("retrain_indep", "original")


def distributional_ranking(population: pd.DataFrame, computed: pd.DataFrame | None = None) -> pd.DataFrame:
    """The methods of a population table by the challenge's forgetting quality F, beside their AG.

    ``population`` is :func:`helpers.experiments.populations.population_table`
    (rows ``retrain_indep``, ``original``, then methods); ``computed`` an optional
    ``run_table`` block whose AG is shown beside (another network: a description,
    not a paired comparison). Columns: ``F``, ``score``, ``U-LiRA %``, ``rank by F``
    (methods only, 1 = highest F), ``AG``, ``rank by AG`` (1 = smallest).
    """
    names = [m for m in population.index if m not in POPULATION_REFERENCES]
    out = pd.DataFrame({"F": population["F"], "score": population["score"],
                        "U-LiRA %": population["ulira_accuracy"]}).astype(float)
    out["rank by F"] = out.loc[names, "F"].rank(ascending=False, method="min")
    if computed is not None:
        out["AG"] = [computed.loc[m, "AG"] if m in computed.index else np.nan for m in out.index]
        shared = [m for m in names if m in computed.index]
        out["rank by AG"] = out.loc[shared, "AG"].rank(method="min")
    ranks = [c for c in ("rank by F", "rank by AG") if c in out]
    out[ranks] = out[ranks].astype("Int64")
    out.index = [_label(m) for m in out.index]
    return out


def distributional_words(population: pd.DataFrame) -> str:
    """The method of highest F, and the methods it is decidedly above, paired over the forget examples.

    Each forget example's challenge points ``h(eps)`` (``population.attrs["points"]``,
    higher is better; their mean is F) are compared method against method with
    a paired 95 % t interval over the examples.
    """
    names = [m for m in population.index if m not in POPULATION_REFERENCES]
    if not names:
        raise ValueError("the population table has no method rows")
    points = population.attrs["points"]
    best = max(names, key=lambda m: population.loc[m, "F"])
    groups = {"above": [], "undecided": []}        # best has the highest mean: never decidedly below
    for m in names:
        if m != best:
            above = paired_interval(points[best], points[m]).direction == "larger"
            groups["above" if above else "undecided"].append(_label(m))
    text = f"{_label(best)} has the highest forgetting quality (F = {population.loc[best, 'F']:.3f})"
    parts = group_phrases(groups, {"above": "decidedly above {}", "undecided": "not told apart from {}"})
    if parts:
        text += f"; paired over the {len(points[best])} forget examples it is {join_words(parts)}"
    return text


__all__ = ["closest", "judgement", "standing_words", "closest_words", "separation_words", "signal_table",
           "agreement_words", "under_forgetting_words", "remembered_words",
           "accuracy_loss_words", "network_words", "settings_words", "weak_original", "original_quality_words",
           "method_summary", "summary_words", "ONE_SEED", "seed_count_words", "published_median_words",
           "tuning_words", "forget_gap_words", "seconds_words", "cost_trend_words",
           "distributional_ranking", "distributional_words", "METRIC_NAMES"]
