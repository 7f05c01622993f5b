"""Computed tables beside the published ones: the same layout, then the rankings.

The default profile runs on digits with narrow networks, so its numbers cannot
equal the paper's CIFAR numbers. What can be compared is the *shape* of the
result: which methods stay close to Retrain (small average gap, AG) and which
do not. ``rank_comparison`` puts the two AG rankings side by side and
``rank_agreement`` sums their agreement up in one number (Spearman's rho).
"""
from __future__ import annotations

import pandas as pd

from ..metrics import METRICS
from ..notebook import join_words

LABELS = {"retrain": "Retrain", "ft": "FT", "ga": "GA", "iu": "IU", "rl": "RL", "l1_sparse": "ℓ1-sparse",
          "salun": "SalUn", "qmul": "Q-MUL", "oeu": "OEU", "oeu_no_gop": "OEU w/o GOP",
          "oeu_no_egu": "OEU w/o EGU", "oeu_global_gop": "OEU GOP_global"}


def block(table: pd.DataFrame, amount) -> pd.DataFrame:
    """The rows of one ratio (or class) of a computed table, indexed by method."""
    if amount not in table.index.get_level_values(0):
        raise ValueError(f"{amount!r} is not in this table; it has {sorted(set(table.index.get_level_values(0)))}")
    return table.xs(amount, level=0)


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
    methods = [m for m in computed.index if m != "retrain" and m in published.index]
    out = pd.DataFrame({"AG computed": computed.loc[methods, "AG"], "AG published": published.loc[methods, "AG"]})
    out.insert(1, "rank computed", out["AG computed"].rank(method="min").astype(int))
    out["rank published"] = out["AG published"].rank(method="min").astype(int)
    out.index = [LABELS.get(m, m) for m in out.index]
    return out.sort_values("rank computed")


def rank_agreement(ranks: pd.DataFrame) -> float:
    """Spearman's rank correlation between the computed and the published AG (1: same order)."""
    return float(ranks["AG computed"].corr(ranks["AG published"], method="spearman"))


def difference_from(computed: pd.DataFrame, reference: str = "oeu") -> pd.DataFrame:
    """Each method's AG minus ``reference``'s, and whether that is within seed noise; Retrain left out.

    "Within noise" means the difference is at most one standard deviation over
    seeds, the larger of the two methods' ``AG_std``: the least an ablation claim
    ("removing a component raises AG") has to clear.
    """
    if reference not in computed.index:
        raise ValueError(f"{reference!r} is not in this block; it has {list(computed.index)}")
    ref = computed.loc[reference]
    others = [m for m in computed.index if m not in ("retrain", reference)]
    out = pd.DataFrame({"AG": computed.loc[others, "AG"]})
    out[f"AG - {LABELS.get(reference, reference)}"] = out["AG"] - ref["AG"]
    out["one std"] = computed.loc[others, "AG_std"].clip(lower=ref["AG_std"])
    out["within noise"] = out.iloc[:, 1].abs() <= out["one std"]
    out.index = [LABELS.get(m, m) for m in others]
    return out


def ablation_verdict(computed: pd.DataFrame, reference: str = "oeu") -> str:
    """The paper's ablation claim ("every variant has a larger AG than ``reference``"), variant by variant.

    A variant *confirms* it when its AG is larger by more than the seed noise of
    :func:`difference_from`, *contradicts* it when smaller by more than that, and
    leaves it *undecided* otherwise. Returns a clause such as "is confirmed for
    OEU w/o EGU ...; cannot be decided for OEU w/o GOP ...".
    """
    diff = difference_from(computed, reference)
    delta, noise = diff.iloc[:, 1], diff["within noise"]
    name = LABELS.get(reference, reference)
    confirmed, refuted, undecided = (list(diff.index[(delta > 0) & ~noise]), list(diff.index[(delta < 0) & ~noise]),
                                     list(diff.index[noise]))
    parts = []
    if confirmed:
        parts.append(f"is confirmed for {join_words(confirmed)} (a larger AG than {name}, by more than one standard deviation)")
    if refuted:
        parts.append(f"is contradicted by {join_words(refuted)} (a smaller AG than {name}, by more than one standard deviation)")
    if undecided:
        parts.append(f"cannot be decided for {join_words(undecided)} (within one standard deviation of {name} on these seeds)")
    return "; ".join(parts)
