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

Sections 4.2 to 4.8 run one seed of three models (Original, Retrain, OEU)
plus Retrain′ and two broken "unlearners"; :func:`readings` turns their
scorecard, attacks and ROC curves into every number and sentence the prose
quotes, and :func:`population_readings` does the same for Sec. 4.9. Each
sentence with a direction or a judgement is chosen by a small, tested
function below (``*_words``).
"""
from __future__ import annotations

import math

import numpy as np

from ..metrics import METRICS
from ..words import is_are, join_words, plural
from ..stats import paired_interval
from .ch02 import oracle_caveat, sampling_error_words

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
                row[f"{words} vs {short}"] = f"{verdict}: {iv.text(3)}"
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


# --- Sections 4.2 to 4.8: one seed of Original, Retrain and OEU -------------------------------------

MODELS = ("Original", "Retrain", "OEU")
BROKEN = ("GA, 100x lr", "Random weights")


def _check_percent(**values) -> None:
    for name, value in values.items():
        if not 0 <= value <= 100:
            raise ValueError(f"{name} is a percentage in [0, 100], got {value}")


def _images(percent: float, n: int) -> int:
    """How many of ``n`` images a percentage of them is (rounded to a whole image)."""
    return int(round(percent * n / 100))


def forget_versus_test_words(fa: float, ta: float, n_forget: int) -> str:
    """The retrained model's FA against its TA: "close to" when within two binomial standard errors of FA.

    The standard error is that of a share measured on ``n_forget`` images,
    ``100 * sqrt(p (1 - p) / n)`` with ``p = TA / 100`` (at least one image's worth).

    >>> forget_versus_test_words(96.0, 96.5, 180)
    'close to its test accuracy of 96.5% (within two binomial standard errors of a share of 180 images)'
    """
    _check_percent(FA=fa, TA=ta)
    if n_forget < 1:
        raise ValueError(f"n_forget must be >= 1, got {n_forget}")
    p = ta / 100
    binomial = 100 * math.sqrt(p * (1 - p) / n_forget)
    se = max(binomial, 100 / n_forget)
    errors = (sampling_error_words(se, n_forget) if binomial >= 100 / n_forget else
              f"two standard errors of a share of {n_forget} images (one standard error taken as one image's worth, "
              f"±{se:.1f} points, since the binomial one at the test accuracy's rate is smaller)")
    if abs(fa - ta) <= 2 * se:
        return f"close to its test accuracy of {ta:.1f}% (within {errors})"
    where = "below" if fa < ta else "above"
    return f"{abs(fa - ta):.1f} points {where} its test accuracy of {ta:.1f}%, more than {errors}"


def fa_difference_words(fa_original: float, fa_retrain: float, n_forget: int) -> str:
    """How many forget images separate the original model's FA from the retrained model's, in words."""
    _check_percent(FA_original=fa_original, FA_retrain=fa_retrain)
    k = _images(fa_original, n_forget) - _images(fa_retrain, n_forget)
    if k == 0:
        return f"nil: both classify the same number of the {n_forget} forget images correctly"
    more = "more" if k > 0 else "fewer"
    return f"{plural(abs(k), 'forget image')}: the original model classifies {abs(k)} {more} correctly"


def tail_words(quantiles: dict) -> str:
    """Which set has the longest tail of unsure predictions: the lowest 5 % quantile of the confidence."""
    if not quantiles:
        raise ValueError("no sets to compare")
    lowest = min(quantiles, key=quantiles.get)
    ties = [k for k, v in quantiles.items() if v == quantiles[lowest]]
    if len(ties) > 1:
        return f"the {join_words(ties)} sets share the longest tail of unsure predictions"
    return f"the {lowest} set has the longest tail of unsure predictions"


def threshold_words(attack, resolution: int = 10001) -> str:
    """What a one-feature attack does along the confidence axis ``[0, 1]``: one threshold, none, or bands.

    ``attack`` is anything with ``predict`` on ``(m, 1)`` confidences returning 1 for "member".
    """
    grid = np.linspace(0, 1, resolution, dtype=np.float32).reshape(-1, 1)
    member = np.asarray(attack.predict(grid)) == 1
    switches = np.flatnonzero(member[1:] != member[:-1])
    if switches.size == 0:
        return (f"The attack calls every confidence a {'member' if member[0] else 'non-member'}: "
                "it has found no rule at all")
    if switches.size == 1:
        t = float(grid[switches[0] + 1, 0])
        if member[-1]:
            return (f"The attack is, in effect, a threshold on the confidence: from about {t:.4f} up, "
                    "very confident means \"member\"")
        return (f"The attack is a threshold the other way round: below about {t:.4f} means \"member\", "
                "a rule that calls the *less* confident samples members")
    return (f"The attack is not one threshold: its boundary cuts the confidence axis {switches.size} times, "
            f"into {switches.size + 1} bands of alternating verdicts")


def band_words(attack, resolution: int = 10001) -> str:
    """Where a one-feature attack's "member" verdicts lie on ``[0, 1]``, and what that means for the images it
    calls non-members. A misclassified image has ``c(x, y) <= 0.5``, so a band starting above 0.5 excludes it."""
    grid = np.linspace(0, 1, resolution, dtype=np.float32).reshape(-1, 1)
    member = np.asarray(attack.predict(grid)) == 1
    if not member.any():
        return "For this model the attack calls no confidence a member at all"
    start = int(np.argmax(member))
    if member[start:].all():
        t = float(grid[start, 0])
        tail = ", among them every image it gets wrong (their confidence is at most 0.5)" if t > 0.5 else ""
        return (f"The attack's \"member\" band starts at a confidence of {t:.2f} for this model, so it calls "
                f"\"non-member\" only the images the model is less sure about{tail}")
    pieces = int(member[0]) + int(np.sum(member[1:] & ~member[:-1]))
    return (f"For this model the attack's \"member\" verdicts are not one band above a threshold ({pieces} "
            "separate stretches of the confidence axis)")


def retrain_mia_words(mia_retrain: float) -> str:
    """What the retrained model's MIA-efficacy says: far from 100 % or not."""
    _check_percent(MIA=mia_retrain)
    if mia_retrain < 50:
        return (f"Even the gold standard is far from 100%: under a model that never saw them, the attack "
                f"calls {100 - mia_retrain:.1f}% of the forget images \"members\". To the attack, most of the "
                "images the retrained model never saw look like its training images")
    return (f"The gold standard calls most of the forget images non-members ({mia_retrain:.1f}%): the attack "
            "tells unseen digits from training digits under the retrained model")


def mia_versus_wrong_words(mia: dict, wrong: dict) -> str:
    """Each model's MIA-efficacy against its misclassified share of D_f (100 - FA), in words."""
    if set(mia) != set(wrong) or not mia:
        raise ValueError("mia and wrong must give the same, non-empty set of models")
    above = [n for n in mia if mia[n] > wrong[n]]
    below = [n for n in mia if mia[n] < wrong[n]]
    equal = [n for n in mia if mia[n] == wrong[n]]
    if not below and not equal:
        return ("Under every model MIA-efficacy exceeds the misclassified share: beside images it gets wrong, "
                "the attack calls non-member some the model gets right but is unsure about")
    if not above and not equal:
        return ("Under every model MIA-efficacy is below the misclassified share: some misclassified forget "
                "images are still confident enough to be called members")
    parts = [f"{'exceeds' if k == 'above' else 'is below' if k == 'below' else 'equals'} it under {join_words(v)}"
             for k, v in (("above", above), ("below", below), ("equal", equal)) if v]
    return "MIA-efficacy set against the misclassified share " + ", ".join(parts)


def oeu_histogram_words(n_oeu: int, n_retrain: int, n_forget: int) -> str:
    """Does OEU's count of forget images called non-members equal Retrain's?"""
    d = n_oeu - n_retrain
    if d == 0:
        return ("OEU's does, by this count: the attack calls as many forget images non-members under OEU as "
                f"under Retrain ({n_oeu})")
    return (f"OEU's does not quite: the attack calls {abs(d)} {'more' if d > 0 else 'fewer'} forget "
            f"image{'' if abs(d) == 1 else 's'} non-members under OEU than under Retrain "
            f"({n_oeu} against {n_retrain} of {n_forget})")


def auc_standard_error(auc: float, n_pos: int, n_neg: int) -> float:
    """Hanley and McNeil's (1982) standard error of an AUC from ``n_pos`` positives and ``n_neg`` negatives."""
    if not 0 <= auc <= 1 or n_pos < 1 or n_neg < 1:
        raise ValueError(f"need an AUC in [0, 1] and group sizes >= 1, got {auc}, {n_pos}, {n_neg}")
    q1, q2 = auc / (2 - auc), 2 * auc ** 2 / (1 + auc)
    return math.sqrt((auc * (1 - auc) + (n_pos - 1) * (q1 - auc ** 2) + (n_neg - 1) * (q2 - auc ** 2))
                     / (n_pos * n_neg))


def chance_auc_words(auc: float, n_pos: int, n_neg: int) -> str:
    """Is an AUC at chance (0.5)? Within two Hanley-McNeil standard errors of 0.5 or not."""
    se = auc_standard_error(0.5, n_pos, n_neg)
    if abs(auc - 0.5) <= 2 * se:
        return f"within two standard errors ({2 * se:.3f}) of 0.5, chance"
    return f"{abs(auc - 0.5):.3f} {'above' if auc > 0.5 else 'below'} 0.5, more than two standard errors ({2 * se:.3f})"


def oeu_auc_words(a_oeu: float, a_retrain: float, a_original: float) -> str:
    """Where OEU's forget-vs-test AUC sits against Retrain's and the original model's."""
    if min(a_retrain, a_original) <= a_oeu <= max(a_retrain, a_original):
        to_rt, to_orig = abs(a_oeu - a_retrain), abs(a_oeu - a_original)
        if to_rt == to_orig:
            return "halfway between Retrain's and the original model's"
        return ("between Retrain's and the original model's, nearer "
                + ("Retrain's" if to_rt < to_orig else "the original model's"))
    if a_oeu < min(a_retrain, a_original):
        return ("below both Retrain's and the original model's: under OEU the forget images look *less* like "
                "members than they do to the retrained model")
    return ("above both Retrain's and the original model's: under OEU the forget images look *more* like "
            "training data than before unlearning")


def same_ranking_words(diff: float) -> str:
    """Do the SVC and loss forget-vs-test curves agree? ``diff``: their largest AUC difference."""
    if diff < 0:
        raise ValueError(f"diff is an absolute difference, got {diff}")
    if diff == 0:
        return "coincide (their AUCs are equal)"
    if diff < 0.001:
        return f"nearly coincide (their AUCs agree to within {diff:.4f})"
    if diff < 0.01:
        return f"nearly coincide (their AUCs differ by at most {diff:.3f})"
    return f"differ (their AUCs differ by up to {diff:.3f})"


def signal_words(max_deviation: float) -> str:
    """How far the AUCs stray from chance, in words (weak below 0.1)."""
    if max_deviation < 0.1:
        return "the signal is weak on this task"
    return "at least one model leaks clearly"


def train_test_gap_words(ra: float, ta: float, published_ra: float, published_ta: float) -> str:
    """The original model's retain-minus-test accuracy against the published CIFAR-10 Retrain's, in words."""
    _check_percent(RA=ra, TA=ta, published_RA=published_ra, published_TA=published_ta)
    ours, theirs = round(ra, 1) - round(ta, 1), published_ra - published_ta     # the difference of the printed values
    side = "above" if ours >= 0 else "below"
    where = "wider" if theirs > ours else "narrower" if theirs < ours else "the same"
    return (f"its retain accuracy is {ra:.1f}%, {abs(ours):.1f} points {side} its test accuracy, a rough measure "
            f"of how much it has memorised. On CIFAR-10 the gap between training and test data is {where} "
            f"({theirs:.2f} points for the published Retrain")


def gaming_words(card, broken=BROKEN) -> str:
    """Who tops MIA-efficacy and who tops AG, and whether those are the broken models."""
    top_mia, top_ag = card["MIA"].idxmax(), card["AG"].idxmax()
    first = ("A metric that rewards \"more\" on its own is maximised here by destroying the model"
             if top_mia in broken else
             f"Here the top MIA-efficacy ({top_mia}'s) is not a broken model's, but nothing stops a broken one "
             "from topping it")
    second = (f"the gap to the gold standard is not fooled: the largest AG belongs to *{top_ag}*" if top_ag in broken
              else f"and the largest AG belongs to *{top_ag}*, not to a broken model")
    return f"{first}; {second}"


def readings(scores, conf, attack, reports, aucs, attacks, card, published, n_forget: int, seed: int = 0) -> dict:
    """Every glued value and sentence of Secs. 4.2 to 4.8, by name.

    ``scores``: FA/RA/TA/MIA per model (rows Original, Retrain, OEU); ``conf``: the
    original model's confidences on ``"forget"``, ``"retain"``, ``"test"``;
    ``attack``: the SVC fitted by hand in Sec. 4.3; ``reports``: :func:`helpers.metrics.mia.attack_report`
    per model; ``aucs``: their ROC AUCs; ``attacks``: Sec. 4.6's table; ``card``:
    Sec. 4.8's scorecard (with Retrain′ and the broken models); ``published``:
    the published Retrain and OEU rows; ``seed``: the page's seed, named in the caution
    (``oracle_caveat``) when Retrain′ trained poorly on it.
    """
    missing = [m for m in (*MODELS, "Retrain′", *BROKEN) if m not in card.index]
    if missing or n_forget < 1:
        raise ValueError(f"the scorecard lacks {missing} or n_forget < 1 ({n_forget})")
    fa, ta, mia = scores["FA"], scores["TA"], scores["MIA"]
    out = {"fa_orig": fa["Original"], "fa_retrain": fa["Retrain"], "ta_retrain": ta["Retrain"],
           "fa_oeu": fa["OEU"], "one_forget_sample": 100 / n_forget, "n_forget": n_forget,
           "n_forget_wrong_retrain": _images(100 - fa["Retrain"], n_forget),
           "retrain_fa_words": forget_versus_test_words(fa["Retrain"], ta["Retrain"], n_forget),
           "fa_difference": fa_difference_words(fa["Original"], fa["Retrain"], n_forget),
           "fa_diff_images": abs(_images(fa["Original"], n_forget) - _images(fa["Retrain"], n_forget))}
    # Sec. 4.3: the feature, the attack, the efficacy
    share = {k: 100 * float((np.asarray(c) > 0.99).mean()) for k, c in conf.items()}
    out.update(hi_forget=share["forget"], hi_retain=share["retain"], hi_test=share["test"],
               hi_spread=max(share.values()) - min(share.values()),
               tail_words=tail_words({k: float(np.quantile(c, 0.05)) for k, c in conf.items()}),
               threshold_words=threshold_words(attack), retrain_mia_words=retrain_mia_words(mia["Retrain"]))
    counts = {n: _images(mia[n], n_forget) for n in MODELS}
    for name, key in zip(MODELS, ("orig", "retrain", "oeu")):
        out[f"mia_{key}"], out[f"mia_{key}_n"] = mia[name], counts[name]
        out[f"wrong_{name.lower()}"] = 100 - fa[name]
    # Sec. 4.4: what the attack sees
    grid = np.linspace(0, 1, 10001, dtype=np.float32).reshape(-1, 1)
    members = grid[reports["Original"].attack.predict(grid) == 1]
    out["band_original"] = float(members.min()) if members.size else float("nan")
    out["band_words"] = band_words(reports["Original"].attack)
    out["mia_vs_wrong"] = mia_versus_wrong_words({n: mia[n] for n in MODELS}, {n: 100 - fa[n] for n in MODELS})
    out["oeu_histogram"] = oeu_histogram_words(counts["OEU"], counts["Retrain"], n_forget)
    # Sec. 4.5: ROC curves
    forget_auc = aucs["svc: forget vs test"]
    diff = float((forget_auc - aucs["loss: forget vs test"]).abs().max())
    n_test = len(reports["Retrain"].conf["test"])
    out.update(auc_retain_min=aucs["svc: retain vs test"].min(), auc_max_dev=float((aucs - 0.5).abs().max().max()),
               oeu_auc=oeu_auc_words(forget_auc["OEU"], forget_auc["Retrain"], forget_auc["Original"]),
               same_ranking=same_ranking_words(diff), svc_loss_diff=diff,
               retrain_auc_words=chance_auc_words(forget_auc["Retrain"], n_forget, n_test),
               auc_two_se=2 * auc_standard_error(0.5, n_forget, n_test))
    out["signal_words"] = signal_words(out["auc_max_dev"])
    for name in aucs.index:
        out[f"auc_forget_{name.lower()}"] = forget_auc[name]
        out[f"auc_retain_{name.lower()}"] = aucs.loc[name, "svc: retain vs test"]
    # Sec. 4.6: the loss attack
    for name in attacks.index:
        out[f"loss_acc_{name.lower()}"] = attacks.loc[name, "loss attack accuracy %"]
    out["loss_acc_dev"] = float((attacks["loss attack accuracy %"] - 50).abs().max())
    pub = published.loc["Retrain (published)"]
    out.update(ta_orig=scores.loc["Original", "TA"], pub_mia_retrain=pub["MIA"], pub_ta_retrain=pub["TA"],
               pub_ra_retrain=pub["RA"],
               train_test_gap=train_test_gap_words(scores.loc["Original", "RA"], scores.loc["Original", "TA"],
                                                   pub["RA"], pub["TA"]))
    # Sec. 4.7: the scorecard and AG
    ag, g = card["AG"], card.loc["OEU", [f"|Δ{m}|" for m in METRICS]]
    one_image_ag = 100 / n_forget / len(METRICS)   # AG moved by one forget image changing its FA (or MIA) verdict
    out.update(ag_oeu=ag["OEU"], ag_orig=ag["Original"], ag_floor=ag["Retrain′"],
               ag_oeu_published=published.loc["OEU (published)", "AG"],
               oeu_worst=f"{g.idxmax()[2:-1]} ({g.max():.1f} points)", one_image_ag=one_image_ag,
               ag_orig_images=ag["Original"] / one_image_ag,
               oeu_verdict=ag_verdict(ag["OEU"], ag["Original"], ag["Retrain′"], one_image_ag),
               oracle_caveat=oracle_caveat(card.loc["Retrain", "RA"], card.loc["Retrain′", "RA"], seed),
               oeu_gap_changes="Metric by metric (original model → OEU), OEU "
                               + gap_changes(card.loc["Original"], card.loc["OEU"], METRICS))
    # Sec. 4.8: gaming one metric
    top = card["MIA"].idxmax()
    out.update(top_mia=f"*{top}*", top_ag=f"*{card['AG'].idxmax()}*", gaming=gaming_words(card),
               top_mia_value=card.loc[top, "MIA"], top_mia_ag=card.loc[top, "AG"])
    for key, name in (("broken", "GA, 100x lr"), ("random", "Random weights"), ("ga", "GA (tuned)")):
        out[f"mia_{key}"], out[f"ag_{key}"], out[f"ta_{key}"] = (card.loc[name, c] for c in ("MIA", "AG", "TA"))
    return out


def population_readings(pop_table, pops, n_models: int, hidden: int) -> dict:
    """Every glued value and sentence of Sec. 4.9, by name.

    ``pop_table``: :func:`helpers.experiments.populations.population_table`;
    ``pops``: the populations by name (``"retrain"`` and every row of the table);
    ``hidden``: the MLP's hidden width.
    """
    from ..metrics.distributional import EPSILON_CAP, max_resolvable_epsilon

    if "retrain" not in pops or any(n not in pops for n in pop_table.index):
        raise ValueError("pops needs 'retrain' and every row of the table")
    ret, row = pops["retrain"], pop_table.loc
    confs = {n: np.asarray(p["conf"]) for n, p in pops.items()}
    inside = {n: share_inside(confs["retrain"], confs[n][0]) for n in ("original", "retrain_indep")}
    eps_floor = np.asarray(pop_table.attrs["epsilons"]["retrain_indep"], dtype=float)
    methods_only = pop_table.drop(index=list(REFERENCE_NAMES))
    out = {"pop_hidden": hidden, "n_models": n_models, "n_forget_pop": pop_table.attrs["n_forget"],
           "pop_seconds": sum(p["seconds"] for p in pops.values()),
           "pop_fa_sd": float(np.std(ret["FA"], ddof=1)), "pop_fa_orig": pops["original"]["FA"][0],
           "pop_fa_mean": float(np.mean(ret["FA"])), "inside_original": inside["original"],
           "single_model_words": single_model_words(inside["original"], inside["retrain_indep"]),
           "max_eps": max_resolvable_epsilon(n_models),
           "F_floor": row["retrain_indep", "F"], "eps_floor_median": row["retrain_indep", "median_epsilon"],
           "eps_floor_positive": 100 * float((eps_floor > 0).mean()),
           "floor_words": floor_words(row["retrain_indep", "F"]),
           "original_words": original_words(pop_table.attrs["epsilons"]["original"], EPSILON_CAP),
           "ulira_chance": chance_words(pop_table.attrs["ulira"]["retrain_indep"]),
           "ulira_floor": row["retrain_indep", "ulira_accuracy"], "ulira_original": row["original", "ulira_accuracy"],
           "F_original": row["original", "F"],
           "F_methods_low": methods_only["F"].min(), "F_methods_high": methods_only["F"].max(),
           "n_methods_words": NUMBER_WORDS.get(len(methods_only), str(len(methods_only))),
           "ulira_methods_low": methods_only["ulira_accuracy"].min(),
           "ulira_methods_high": methods_only["ulira_accuracy"].max(),
           "dist_verdicts": verdict_summary(pop_table)}
    for key in ("FA", "TA"):
        out[f"pop_{key.lower()}_min"], out[f"pop_{key.lower()}_max"] = float(np.min(ret[key])), float(np.max(ret[key]))
    return out


__all__ = ["ag_verdict", "gap_changes", "central_interval", "share_inside", "standardised_distance",
           "example_picks", "single_model_words", "floor_words", "original_words", "chance_words",
           "comparison", "verdict_table", "verdict_summary", "population_display",
           "forget_versus_test_words", "fa_difference_words", "tail_words", "threshold_words", "band_words",
           "retrain_mia_words", "mia_versus_wrong_words", "oeu_histogram_words", "auc_standard_error",
           "chance_auc_words", "oeu_auc_words", "same_ranking_words", "signal_words", "train_test_gap_words",
           "gaming_words", "readings", "population_readings"]
