"""Chapter 4's readings: the scorecard against doing nothing and the noise floor (Sec. 4.7), and
one Retrain against a population with the distributional verdicts (Sec. 4.9).

Section 4.7 runs one seed, so no paired interval over seeds exists there: a
method's AG is read against the do-nothing model's AG with the **noise floor**
as the scale, the AG of a second, independently seeded Retrain (Retrain′) to
the first (or one forget image's worth of AG, if that is larger).

Section 4.9 compares *populations* of models (:mod:`helpers.experiments.populations`)
one forget example at a time. Its verdicts are paired over the forget
examples: every population is scored on the same ``S`` examples, so two
methods are compared example by example (:func:`helpers.stats.paired_interval`
on the per-example points ``h(eps_s)`` or the per-example U-LiRA accuracy),
and a comparison whose interval spans zero is "undecided". The randomness of
training is inside each population already (``N`` seeds per example); the
interval covers the spread over examples.
"""
from __future__ import annotations

import numpy as np

from ..notebook import is_are, join_words
from ..stats import paired_interval

NUMBER_WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
REFERENCE_NAMES = {"original": "doing nothing", "retrain_indep": "the noise floor (Retrain′)"}


def central_interval(values, coverage: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Per column of ``(N, S)`` values: the central ``coverage`` interval (quantiles), as two ``(S,)`` arrays."""
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be in (0, 1), got {coverage}")
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[0] < 2:
        raise ValueError(f"values must be (N models, S examples) with N >= 2, got shape {v.shape}")
    tail = (1 - coverage) / 2
    return np.quantile(v, tail, axis=0), np.quantile(v, 1 - tail, axis=0)


def share_inside(retrained, single, coverage: float = 0.9) -> float:
    """Percentage of examples where ``single`` (one model's ``(S,)`` outputs) lies in the retrained
    population's central ``coverage`` interval: where that model is indistinguishable from "a" Retrain."""
    low, high = central_interval(retrained, coverage)
    single = np.asarray(single, dtype=float)
    if single.shape != low.shape:
        raise ValueError(f"single must have shape {low.shape}, got {single.shape}")
    return float(100 * np.mean((single >= low) & (single <= high)))


def standardised_distance(retrained, single) -> np.ndarray:
    """``|single - mean| / sd`` per example (sample sd of the retrained population, ``ddof=1``)."""
    v = np.asarray(retrained, dtype=float)
    sd = v.std(axis=0, ddof=1)
    if (sd == 0).any():
        raise ValueError("a retrained population with zero spread on an example has no scale")
    return np.abs(np.asarray(single, dtype=float) - v.mean(axis=0)) / sd


def example_picks(retrained, single, k: int = 3) -> list[int]:
    """``k`` forget examples from most to least separated (:func:`standardised_distance`): the
    largest, evenly spaced middle ones and the smallest, for a figure."""
    d = standardised_distance(retrained, single)
    if not 1 <= k <= d.size:
        raise ValueError(f"k must be in [1, {d.size}], got {k}")
    order = np.argsort(-d, kind="stable")
    return [int(order[i]) for i in np.linspace(0, d.size - 1, k).round().astype(int)]


def ag_verdict(ag_method: float, ag_original: float, floor: float, one_image: float,
               name: str = "OEU") -> str:
    """A method's AG against doing nothing's on one seed, with the noise floor as the scale.

    The resolution is ``max(floor, one_image)``: differences of AG smaller
    than Retrain′'s own AG to Retrain (or than one forget image's worth) are
    "level with doing nothing".

    >>> ag_verdict(1.0, 3.0, floor=0.5, one_image=0.2)
    'OEU is closer to Retrain than the untouched original model by 2.00 points of AG, more than the noise floor (0.50)'
    """
    if min(ag_method, ag_original, floor) < 0 or one_image <= 0:
        raise ValueError("AGs and the floor must be >= 0 and one_image > 0")
    resolution = max(floor, one_image)
    scale = (f"the noise floor ({floor:.2f})" if floor >= one_image
             else f"one forget image's worth of AG ({one_image:.2f})")
    d = ag_original - ag_method
    shown = abs(round(ag_original, 2) - round(ag_method, 2))    # the difference of the AGs as printed
    if abs(d) <= resolution:
        return (f"{name} and the untouched original model are **level** by AG on this seed: they differ by "
                f"{shown:.2f} points, within {scale}")
    where = "closer to" if d > 0 else "**further** from"
    return (f"{name} is {where} Retrain than the untouched original model by {shown:.2f} points of AG, "
            f"more than {scale}")


def gap_changes(before, after, metrics) -> str:
    """How each metric's gap to Retrain moved from ``before`` (do nothing) to ``after`` (a method), in words.

    ``before`` / ``after`` map ``"|Δm|"`` to the gap of metric ``m``.
    """
    def listing(ms):
        return join_words(f"{m} ({before[f'|Δ{m}|']:.2f} → {after[f'|Δ{m}|']:.2f})" for m in ms)

    grew = [m for m in metrics if after[f"|Δ{m}|"] > before[f"|Δ{m}|"]]
    shrank = [m for m in metrics if after[f"|Δ{m}|"] < before[f"|Δ{m}|"]]
    parts = ([f"widens the gap to Retrain in {listing(grew)}"] if grew else []) + \
            ([f"narrows {'it' if grew else 'the gap to Retrain'} in {listing(shrank)}"] if shrank else [])
    return ", and ".join(parts) or "leaves every gap as it was"


QUANTITIES = {"points": ("h(ε)", True), "ulira": ("U-LiRA", False)}   # (column words, higher is better)


def comparison(table, name: str, reference: str, quantity: str = "points"):
    """``(verdict, interval)`` of row ``name`` against row ``reference``, paired over the forget examples.

    ``quantity="points"``: the per-example challenge points ``h(eps_s)``
    (higher is better; their mean is F). ``quantity="ulira"``: the per-example
    U-LiRA accuracy (lower is better; 0.5 = indistinguishable from Retrain).
    ``verdict`` is ``"better"``, ``"worse"`` or ``"undecided"`` (interval spans 0).
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity must be one of {sorted(QUANTITIES)}, got {quantity!r}")
    per_example = table.attrs[quantity]
    for needed in (name, reference):
        if needed not in per_example:
            raise ValueError(f"the table has no row {needed!r}")
    iv = paired_interval(per_example[name], per_example[reference])
    if iv.direction == "undecided":
        return "undecided", iv
    return ("better" if (iv.direction == "larger") == QUANTITIES[quantity][1] else "worse"), iv


def _methods(table) -> list[str]:
    methods = [n for n in table.index if n not in REFERENCE_NAMES]
    if not methods:
        raise ValueError("the table has no method rows")
    return methods


def verdict_table(table):
    """Every method against doing nothing and against Retrain′, by the points and by U-LiRA.

    Columns ``"h(ε) vs Original"``, ``"h(ε) vs Retrain′"``, ``"U-LiRA vs Original"``,
    ``"U-LiRA vs Retrain′"``; cells read ``"better: +0.077 [+0.067, +0.088]"``: the
    verdict and the paired difference (method minus reference) with its 95 % t
    interval over the forget examples.
    """
    import pandas as pd

    rows = {}
    for name in _methods(table):
        row = {}
        for quantity, (words, _) in QUANTITIES.items():
            for ref in REFERENCE_NAMES:
                verdict, iv = comparison(table, name, ref, quantity)
                short = "Original" if ref == "original" else "Retrain′"
                row[f"{words} vs {short}"] = f"{verdict}: {iv.mean:+.3f} [{iv.low:+.3f}, {iv.high:+.3f}]"
        rows[table.loc[name, "label"]] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def _phrase(vs_original: str, vs_floor: str) -> str:
    words = {"better": "better than", "worse": "worse than", "undecided": "undecided against"}
    return f"{words[vs_original]} doing nothing and {words[vs_floor]} the noise floor"


def verdict_summary(table) -> str:
    """The verdicts of :func:`verdict_table` in one sentence, methods with the same verdicts grouped."""
    groups: dict[tuple, list[str]] = {}
    for name in _methods(table):
        key = tuple(comparison(table, name, ref, q)[0] for q in QUANTITIES for ref in REFERENCE_NAMES)
        groups.setdefault(key, []).append(table.loc[name, "label"])
    n_examples = len(next(iter(table.attrs["points"].values())))
    parts = []
    for (p_orig, p_floor, u_orig, u_floor), names in groups.items():
        subject = join_words(names)
        if len(groups) == 1 and len(names) > 1:
            count = NUMBER_WORDS.get(len(names), str(len(names)))
            subject = f"{'Both' if len(names) == 2 else 'All ' + count} methods ({subject})"
        verb = is_are(names)
        if (p_orig, p_floor) == (u_orig, u_floor):
            parts.append(f"{subject} {verb} {_phrase(p_orig, p_floor)}, by the challenge's points and by U-LiRA alike")
        else:
            parts.append(f"{subject} {verb} {_phrase(p_orig, p_floor)} by the challenge's points, "
                         f"and {_phrase(u_orig, u_floor)} by U-LiRA")
    return "; ".join(parts) + f" (paired over the {n_examples} forget examples)"


def single_model_words(inside_original: float, inside_retrain: float) -> str:
    """What a one-model check against the retrained population's middle 90 % says about doing nothing.

    ``inside_original`` / ``inside_retrain``: :func:`share_inside` of the original
    model and of one independent Retrain′ model, in percent.
    """
    for value in (inside_original, inside_retrain):
        if not 0 <= value <= 100:
            raise ValueError(f"shares are percentages in [0, 100], got {value}")
    most = "most" if inside_original > 50 else "fewer than half of the"
    return (f"judged one model at a time, doing nothing looks like a Retrain on {most} examples "
            f"({inside_original:.1f}%, against {inside_retrain:.1f}% for one model of the Retrain′ population)")


def floor_words(f_floor: float) -> str:
    """Retrain′'s forgetting quality in words: the test's noise floor at this N."""
    if not 0 <= f_floor <= 1:
        raise ValueError(f"F lies in [0, 1], got {f_floor}")
    if f_floor == 1:
        return "$F$ = 1: no rule of the family splits two samples of Retrain on any example"
    return f"$F$ = {f_floor:.3f}, not 1"


def original_words(epsilons, cap: float) -> str:
    """How the do-nothing population's per-example epsilons sit against the cap (50), in words."""
    eps = np.asarray(epsilons, dtype=float)
    capped = float(np.mean(eps >= cap))
    if capped == 1:
        return f"every forget example gets $\\varepsilon_s$ = {cap:g}, the cap"
    return f"{100 * capped:.1f}% of the forget examples get $\\varepsilon_s$ = {cap:g}, the cap"


def chance_words(per_example_accuracy) -> str:
    """Is an attack's per-example accuracy at chance (0.5)? A t interval over the examples decides."""
    acc = np.asarray(per_example_accuracy, dtype=float)
    direction = paired_interval(acc, np.full_like(acc, 0.5)).direction
    return {"undecided": "indistinguishable from chance: the 95% t interval over the examples spans 50%",
            "larger": "above chance: the 95% t interval over the examples lies above 50%",
            "smaller": "below chance: the 95% t interval over the examples lies below 50%"}[direction]


def population_display(table):
    """The population table for the page: Retrain's reference row first, readable column names.

    Retrain is the reference every row is scored against, so only its FA, RA
    and TA (population means, ``table.attrs["retrain"]``) are filled in.
    """
    import pandas as pd

    columns = {"F": "F ↑", "score": "score ↑", "RA_ratio": "RA_u / RA_r", "TA_ratio": "TA_u / TA_r",
               "ulira_accuracy": "U-LiRA acc. % (50 ideal)", "ulira_auc": "U-LiRA AUC",
               "FA": "FA %", "RA": "RA %", "TA": "TA %"}
    shown = table.set_index("label")[list(columns)]
    reference = pd.DataFrame({c: [table.attrs["retrain"][c]] for c in ("FA", "RA", "TA")},
                             index=["Retrain (the reference)"])
    return pd.concat([reference, shown]).reindex(columns=list(columns)).rename(columns=columns)


__all__ = ["ag_verdict", "gap_changes", "central_interval", "share_inside", "standardised_distance",
           "example_picks", "single_model_words", "floor_words", "original_words", "chance_words",
           "comparison", "verdict_table", "verdict_summary", "population_display"]
