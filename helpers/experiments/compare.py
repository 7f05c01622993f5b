"""Computed tables beside the published ones: the same layout, then the rankings.

The default profile runs on digits with narrow networks, so its numbers cannot
equal the paper's CIFAR numbers. What can be compared is the *shape* of the
result: which methods stay close to Retrain (small average gap, AG) and which
do not. ``rank_comparison`` puts the two AG rankings side by side and
``rank_agreement`` sums their agreement up in one number (Spearman's rho).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import METRICS
from ..words import capital, group_phrases, join_words
from ..stats import CONFIDENCE, PairedInterval, paired_interval
from .runner import BASELINES, ORACLE_REPLICA

LABELS = {"original": "Original (do nothing)", "retrain_indep": "Retrain′ (independent seed)", "retrain": "Retrain", "ft": "FT", "ga": "GA", "iu": "IU", "rl": "RL", "l1_sparse": "ℓ1-sparse",
          "salun": "SalUn", "qmul": "Q-MUL", "oeu": "OEU", "oeu_no_gop": "OEU w/o GOP",
          "oeu_no_egu": "OEU w/o EGU", "oeu_global_gop": "OEU GOP_global"}


def block(table: pd.DataFrame, amount) -> pd.DataFrame:
    """The rows of one ratio (or class) of a computed table, indexed by method (per-seed rows kept)."""
    if amount not in table.index.get_level_values(0):
        raise ValueError(f"{amount!r} is not in this table; it has {sorted(set(table.index.get_level_values(0)))}")
    out = table.xs(amount, level=0).copy()
    rows = table.attrs.get("per_seed")
    out.attrs = {**table.attrs, "per_seed": None if rows is None else rows[rows.amount == amount].reset_index(drop=True)}
    return out


def side_by_side(computed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """One block of a computed table (index: method) next to the published one (``oeu_wide``).

    Columns are ``(metric, "computed")`` and ``(metric, "published")`` for FA,
    RA, TA, MIA and AG; a method the paper does not list gets NaN.
    """
    columns = list(METRICS) + ["AG"]
    frames = {"computed": computed[columns], "published": published.reindex(computed.index)[columns]}
    out = pd.concat(frames, axis=1).swaplevel(axis=1)[[(c, s) for c in columns for s in frames]]
    out.index = [LABELS.get(m, m) for m in out.index]
    return out.round(2)


def rank_comparison(computed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """AG and AG rank (1 = closest to Retrain) of each method, computed and published; Retrain left out."""
    methods = [m for m in computed.index if m not in BASELINES and m in published.index]
    out = pd.DataFrame({"AG computed": computed.loc[methods, "AG"], "AG published": published.loc[methods, "AG"]})
    out.insert(1, "rank computed", out["AG computed"].rank(method="min").astype(int))
    out["rank published"] = out["AG published"].rank(method="min").astype(int)
    out.index = [LABELS.get(m, m) for m in out.index]
    return out.sort_values("rank computed")


def rank_agreement(ranks: pd.DataFrame) -> float:
    """Spearman's rank correlation between the computed and the published AG (1: same order)."""
    return float(ranks["AG computed"].corr(ranks["AG published"], method="spearman"))


def per_seed(computed: pd.DataFrame, method: str, metric: str = "AG") -> pd.Series:
    """One method's ``metric`` (AG, FA, RA, TA or MIA) on each seed (index: seed) from a :func:`block`."""
    rows = computed.attrs.get("per_seed")
    if rows is None:
        raise ValueError("this table has no per-seed rows (attrs['per_seed']); build it with run_table or aggregate")
    if method not in set(rows.method):
        raise ValueError(f"{method!r} is not in this block; it has {list(dict.fromkeys(rows.method))}")
    if metric not in rows.columns:
        raise ValueError(f"{metric!r} is not a per-seed column; choose one of {[*METRICS, 'AG']}")
    return rows[rows.method == method].set_index("seed")[metric].sort_index()


#: Retrain′ counts as poorly trained on a seed when its retain accuracy is this many points below Retrain's.
UNDERTRAINED_POINTS = 5.0


def is_undertrained(ra_reference: float, ra_second: float, points: float = UNDERTRAINED_POINTS) -> bool:
    """Did the second oracle train poorly? Its RA (accuracy on its own training data) is more than
    ``points`` below the reference oracle's on the same seed."""
    return ra_reference - ra_second > points


def undertrained_oracle_seeds(computed: pd.DataFrame, reference: str = "retrain", second: str = "retrain_indep",
                              points: float = UNDERTRAINED_POINTS) -> dict:
    """The seeds on which the second oracle (Retrain′) trained poorly (:func:`is_undertrained`):
    ``{seed: (RA of reference, RA of second)}``. Such a run did not finish learning, and the noise
    floor it sets is too wide."""
    ra, ra2 = per_seed(computed, reference, "RA").align(per_seed(computed, second, "RA"), join="inner")
    return {int(seed): (float(a), float(b)) for seed, a, b in zip(ra.index, ra, ra2) if is_undertrained(a, b, points)}


def undertrained_words(bad: dict, second_name: str = "Retrain′", reference_name: str = "Retrain") -> str:
    """The caution sentence for ``bad = {seed: (RA of reference, RA of second)}``; ``""`` when empty.

    It names the seeds and the two retain accuracies, and says what follows: the noise floor is
    wider than a well-trained second oracle would set, so "within the noise floor" and "not
    farther than a second oracle" are weak evidence on those seeds.
    """
    if not bad:
        return ""
    runs = join_words(f"seed {seed} (RA {b:.1f} % against {reference_name}'s {a:.1f} %)" for seed, (a, b) in bad.items())
    return (f"Caution: {second_name} trained poorly on {runs}, more than {UNDERTRAINED_POINTS:.0f} points "
            f"below on its own training data. It did not finish learning, so the noise floor it sets is wider "
            f"than a well-trained second {reference_name} would give, and \"within the noise floor\" is weak "
            f"evidence here.")


def oracle_caveat_words(computed: pd.DataFrame, second_name: str = "Retrain′", reference_name: str = "Retrain") -> str:
    """:func:`undertrained_words` for the seeds of a block (:func:`undertrained_oracle_seeds`)."""
    return undertrained_words(undertrained_oracle_seeds(computed), second_name, reference_name)


def paired_metric(a_block: pd.DataFrame, a: str, b_block: pd.DataFrame, b: str,
                  metric: str = "AG") -> PairedInterval | None:
    """The t interval of ``metric(a) - metric(b)`` paired over the seeds both blocks share (chapter 5's
    equation ``ch5-paired``, :func:`helpers.stats.paired_interval`).

    The blocks may differ (e.g. the same seeds on two networks); ``None`` with
    fewer than two shared seeds.
    """
    x, y = per_seed(a_block, a, metric).align(per_seed(b_block, b, metric), join="inner")
    return paired_interval(x.to_numpy(), y.to_numpy()) if len(x) >= 2 else None


def paired_ag(computed: pd.DataFrame, a: str, b: str) -> PairedInterval | None:
    """The t interval of ``AG(a) - AG(b)`` paired over seeds; ``None`` with fewer than two seeds."""
    return paired_metric(computed, a, computed, b, "AG")


def _direction(interval: PairedInterval | None) -> str:
    return "undecided" if interval is None else interval.direction


def difference_from(computed: pd.DataFrame, reference: str = "oeu") -> pd.DataFrame:
    """Each method's AG minus ``reference``'s, paired over seeds, with its 95 % t interval.

    Column ``verdict`` is ``"larger"`` or ``"smaller"`` when the interval
    excludes zero and ``"undecided"`` when it spans it (or there is one seed).
    The reference rows (Retrain, Retrain′, Original) are left out.
    """
    if reference not in computed.index:
        raise ValueError(f"{reference!r} is not in this block; it has {list(computed.index)}")
    others = [m for m in computed.index if m not in (*BASELINES, reference)]
    name = LABELS.get(reference, reference)
    rows = []
    for m in others:
        iv = paired_ag(computed, m, reference)
        rows.append({"AG": computed.loc[m, "AG"], f"AG - {name}": computed.loc[m, "AG"] - computed.loc[reference, "AG"],
                     "low": np.nan if iv is None else iv.low, "high": np.nan if iv is None else iv.high,
                     "verdict": _direction(iv)})
    out = pd.DataFrame(rows, index=[LABELS.get(m, m) for m in others])
    return out


def ablation_verdict(computed: pd.DataFrame, reference: str = "oeu") -> str:
    """The paper's ablation claim ("every variant has a larger AG than ``reference``"), variant by variant.

    A variant *confirms* it when its AG is larger with a paired 95 % t interval
    over seeds wholly above zero (:func:`difference_from`), *contradicts* it when
    the interval is wholly below zero, and leaves it *undecided* otherwise.
    """
    diff = difference_from(computed, reference)
    name = LABELS.get(reference, reference)
    n = len(computed.attrs["per_seed"].seed.unique())
    groups = {v: list(diff.index[diff["verdict"] == v]) for v in ("larger", "smaller", "undecided")}
    parts = []
    if groups["larger"]:
        parts.append(f"is confirmed for {join_words(groups['larger'])} (a larger AG than {name}; "
                     f"the paired 95 % interval over {n} seeds lies above zero)")
    if groups["smaller"]:
        parts.append(f"is contradicted by {join_words(groups['smaller'])} (a smaller AG than {name}; "
                     f"the paired 95 % interval over {n} seeds lies below zero)")
    if groups["undecided"]:
        parts.append(f"cannot be decided for {join_words(groups['undecided'])} (the paired 95 % interval over "
                     f"{n} seeds spans zero)")
    return "; ".join(parts)


def judge(computed: pd.DataFrame) -> pd.DataFrame:
    """Every method of one block against doing nothing and against the oracle's noise floor.

    Two paired comparisons over seeds (95 % t intervals, sample std):

    - ``vs Original``: AG(method) - AG(Original). ``"better"`` when the
      interval lies below zero (closer to Retrain than doing nothing),
      ``"worse"`` above, ``"undecided"`` when it spans zero.
    - ``vs noise floor``: AG(method) - AG(Retrain′), where Retrain′ is a second,
      independently seeded Retrain. ``"above"`` when the interval lies above
      zero (the method is farther from Retrain than another Retrain is),
      ``"within"`` when it spans zero, ``"below"`` when it lies below zero.

    ``attrs["seeds"]`` holds the number of seeds, for :func:`judge_words`.
    """
    missing = [m for m in ("original", ORACLE_REPLICA) if m not in computed.index]
    if missing:
        raise ValueError(f"this block has no {missing} rows; run_table adds them")
    methods = [m for m in computed.index if m not in BASELINES]
    rows = []
    for m in methods:
        vs_orig, vs_floor = paired_ag(computed, m, "original"), paired_ag(computed, m, ORACLE_REPLICA)
        rows.append({"AG": computed.loc[m, "AG"],
                     "AG - Original": computed.loc[m, "AG"] - computed.loc["original", "AG"],
                     "vs Original": {"smaller": "better", "larger": "worse"}.get(_direction(vs_orig), "undecided"),
                     "AG - Retrain′": computed.loc[m, "AG"] - computed.loc[ORACLE_REPLICA, "AG"],
                     "vs noise floor": {"smaller": "below", "larger": "above"}.get(_direction(vs_floor), "within")})
    out = pd.DataFrame(rows, index=pd.Index([LABELS.get(m, m) for m in methods], name="method"))
    out.attrs["seeds"] = computed.attrs["per_seed"]["seed"].nunique()
    return out


def interval_words(n) -> str:
    """``"paired 95 % t intervals over n seeds"``: how every verdict of :func:`judge` was decided."""
    return f"paired {CONFIDENCE * 100:.0f} % t intervals over {n} seeds"


def judge_words(judged: pd.DataFrame, oracle: str = "Retrain", second: str = "an independently seeded Retrain") -> str:
    """Two sentences from :func:`judge`, naming the oracle ``oracle`` and the second oracle ``second``.

    First: who is closer to the oracle than doing nothing, who is farther, who is undecided.
    Second: who is farther from the oracle than the second oracle is (above the noise floor),
    who is closer (below), and who is not shown to be farther (within: weak evidence, not proof).
    """
    if "seeds" not in judged.attrs:
        raise ValueError("judge_words reads a table made by judge: its attrs['seeds'] is missing")
    groups = {v: list(judged.index[judged[c] == v]) for c in ("vs Original", "vs noise floor") for v in judged[c]}
    first = group_phrases(groups, {"better": f"{{}} {{}} closer to {oracle} than doing nothing",
                                   "worse": "{} {} farther from it than doing nothing",
                                   "undecided": "for {} the difference from doing nothing is undecided"})
    if "better" not in groups:
        first.insert(0, f"no method is shown to be closer to {oracle} than doing nothing")
    text = capital("; ".join(first) + f" ({interval_words(judged.attrs['seeds'])}).")
    if "below" not in groups and "within" not in groups:
        return text + f" Every method is farther from {oracle} than {second} is."
    floor = group_phrases(groups, {
        "above": f"{{}} {{}} farther from {oracle} than {second} is",
        "below": f"{{}} {{}} closer to {oracle} than {second} is",
        "within": f"{{}} {{}} not shown to be farther from {oracle} than {second} is (undecided: within the "
                  "oracle's noise floor, which is weak evidence of closeness, not proof)"})
    return text + " " + capital("; ".join(floor) + ".")


def methods_of(computed: pd.DataFrame) -> list[str]:
    """The unlearning methods of a block, in table order: every row but Retrain, Retrain′ and Original."""
    return [m for m in computed.index if m not in BASELINES]


def versus_retrain(computed: pd.DataFrame, metric: str, rows=None) -> pd.DataFrame:
    """Each row's ``metric`` minus Retrain's, paired over seeds, with its 95 % t interval.

    ``rows`` defaults to every row but Retrain (Retrain′ and Original included).
    Column ``verdict`` is ``"larger"``, ``"smaller"`` or ``"undecided"`` (the
    interval spans zero, or there is one seed). Index: method keys.
    """
    rows = [m for m in computed.index if m != "retrain"] if rows is None else list(rows)
    out = []
    for m in rows:
        iv = paired_metric(computed, m, computed, "retrain", metric)
        value = computed.loc[m, metric]
        out.append({metric: value, "minus Retrain": value - computed.loc["retrain", metric],
                    "low": np.nan if iv is None else iv.low, "high": np.nan if iv is None else iv.high,
                    "verdict": _direction(iv)})
    return pd.DataFrame(out, index=pd.Index(rows, name="method"))


def separated_pairs(computed: pd.DataFrame) -> pd.DataFrame:
    """Every pair of methods (baselines left out) and whether a paired 95 % interval tells their AG apart.

    Columns ``a``, ``b`` (labels), ``AG a - AG b`` and ``verdict``
    (``"larger"``, ``"smaller"`` or ``"undecided"``).
    """
    names = methods_of(computed)
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            iv = paired_ag(computed, a, b)
            rows.append({"a": LABELS.get(a, a), "b": LABELS.get(b, b),
                         "AG a - AG b": computed.loc[a, "AG"] - computed.loc[b, "AG"], "verdict": _direction(iv)})
    return pd.DataFrame(rows, columns=["a", "b", "AG a - AG b", "verdict"])


def rank_agreement_over_seeds(computed: pd.DataFrame, published: pd.DataFrame) -> PairedInterval | None:
    """Spearman's rho between each seed's AG and the published AG, with a t interval over seeds.

    One rho per seed (the methods both tables hold, baselines left out), then
    the t interval of their mean against zero: above zero, the computed order
    agrees with the paper's beyond seed noise; below, it runs against it;
    spanning zero, undecided. ``None`` with fewer than two seeds or methods.
    """
    names = [m for m in methods_of(computed) if m in published.index and not np.isnan(published.loc[m, "AG"])]
    rows = computed.attrs.get("per_seed")
    if rows is None:
        raise ValueError("this table has no per-seed rows (attrs['per_seed']); build it with run_table or aggregate")
    if len(names) < 2:
        return None
    wide = rows[rows.method.isin(names)].pivot(index="method", columns="seed", values="AG").loc[names]
    rhos = [wide[s].corr(published.loc[names, "AG"], method="spearman") for s in wide.columns]
    rhos = np.nan_to_num(np.asarray(rhos, dtype=float))       # a seed with all AG tied carries no order: 0
    return paired_interval(rhos, np.zeros_like(rhos)) if len(rhos) >= 2 else None


def label_methods(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose method index level reads as the book's labels (Original, Retrain′ ...)."""
    out = frame.copy()
    if isinstance(out.index, pd.MultiIndex):
        level = out.index.names.index("method") if "method" in out.index.names else -1
        out.index = out.index.set_levels(out.index.levels[level].map(lambda m: LABELS.get(m, m)), level=level)
    else:
        out.index = [LABELS.get(m, m) for m in out.index]
    return out
