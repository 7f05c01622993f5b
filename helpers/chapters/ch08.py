"""Chapter 8's readings: the simulator's check, its speed and the cell the chapter quotes.

Every sentence here is computed from numbers the chapter shows. The verdicts over seeds
(doing nothing, the noise floor, the ranking) live in :mod:`helpers.hybrid.verdicts`;
this module holds the chapter's other readings:

- :func:`simulator_words`: does the batched simulator agree with Qiskit to rounding error?
- :func:`speed_words`: how the batched layer's time compares with a per-sample loop;
- :func:`data_table` and :func:`forget_share_words`: each dataset's split sizes, and the share of
  the training set scenario A really forgets (a stratified 2 %, rounded per class);
- :func:`readings`: the values and sentences section 8.6-8.9 glue for one dataset (the
  *focus* cell): reference accuracies, the MIA AUC (equation ``ch8-mia``), the KL floor
  (``ch8-kl``) and the directions of every method against the oracle;
- section 8.10, the models read out on a device (:mod:`helpers.quantum.device_study`,
  :mod:`helpers.hybrid.device_study`): which verdicts survive each setting
  (:func:`hybrid_survival`, :func:`vqc_claims` and their words; :func:`exact_verdicts`, the same models'
  verdicts on the full sets, against which the subsample's exact verdicts are read), and whether shot noise alone
  hides membership (:func:`mia_by_setting`, :func:`privacy_by_setting`, their words and
  :func:`membership_table`). Every
  verdict is the chapters' own computation (paired over seeds, 95 % t intervals, "undecided"
  when the interval spans zero), repeated on each setting.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..experiments.compare import interval_words
from ..stats import paired_interval
from ..words import capital, join_words, plural
from ..hybrid import make_split
from ..hybrid import verdicts as V
from ..hybrid.experiment import LABELS
from . import ch07

# Largest |difference| from Qiskit that is float64 rounding for these circuit sizes (values are in [-1, 1]).
ROUNDING = 1e-10

# (scenario, row, column) of the summary table that sections 8.6 and 8.9 quote for the focus dataset.
QUOTED = (("A", "oracle", "forget"), ("A", "original", "forget"), ("A", "oracle", "MIA_AUC"),
          ("B", "oracle", "forget"), ("B", "oracle", "test"), ("B", "original", "forget"),
          ("B", "original", "test"), ("B", "certified", "forget"))


def simulator_words(difference: float, rounding: float = ROUNDING) -> str:
    """The largest difference between our simulator and Qiskit, read against float64 rounding."""
    if not difference >= 0:
        raise ValueError(f"the difference must be a non-negative number, got {difference!r}")
    if difference <= rounding:
        return f"The two agree to {difference:.1e}, float64 rounding error (below {rounding:.0e})"
    return (f"The two differ by up to {difference:.1e}, more than float64 rounding ({rounding:.0e}): "
            "the simulator does not compute Qiskit's circuit")


def speed_words(loop_seconds: float, batched_seconds: float) -> str:
    """The per-sample loop's time over the batched layer's: "about N times faster" (or slower)."""
    if not (loop_seconds > 0 and batched_seconds > 0):
        raise ValueError(f"both times must be positive, got {loop_seconds!r} and {batched_seconds!r}")
    ratio = loop_seconds / batched_seconds
    if ratio >= 1.5:
        return f"about {ratio:.0f} times faster than"
    if ratio <= 1 / 1.5:
        return f"about {1 / ratio:.0f} times slower than"
    return "about as fast as"


def data_table(datasets: dict) -> pd.DataFrame:
    """One row per dataset (``{name: TensorSplits}``): split sizes, input shape, classes and both forget sets."""
    return pd.DataFrame({name: {"train": len(d.y_train), "validation": len(d.y_val), "test": len(d.y_test),
                                "input": d.in_shape, "classes": d.num_classes,
                                "forget (A)": len(make_split(d, "A").forget_idx),
                                "forget (B)": int((d.y_train == 0).sum())}
                         for name, d in datasets.items()}).T


def forget_share_words(table: pd.DataFrame, column: str = "forget (A)") -> str:
    """The forget set's size over the training set's, per dataset.

    E.g. "20 of 1,221 training samples (1.6 %) for digits and 3 of 96 training samples (3.1 %) for iris".

    ``table`` is :func:`data_table` (columns ``train`` and ``column``).
    """
    if table.empty:
        raise ValueError("the table has no dataset")
    parts = []
    for name, row in table.iterrows():
        forget, train = int(row[column]), int(row["train"])
        if not 0 < forget <= train:
            raise ValueError(f"{name}: a forget set of {forget} out of {train} training samples is not a share")
        parts.append(f"{forget:,} of {train:,} training samples ({100 * forget / train:.1f} %) for {name}")
    return join_words(parts)


def readings(table: pd.DataFrame, results: pd.DataFrame, focus: str, scenarios=("A", "B")) -> dict:
    """The glued values of sections 8.6-8.9 for the dataset ``focus`` (``{glue name: value}``).

    ``table`` is :func:`helpers.hybrid.experiment.summary` (index dataset, scenario,
    display name), ``results`` the per-seed rows of :func:`~helpers.hybrid.experiment.run`.
    Keys: ``"{scenario}_{row}_{column}"`` for every entry of :data:`QUOTED` whose scenario is
    run; ``kl_floor_{scenario}`` (:func:`~helpers.hybrid.verdicts.floor_distance_words`
    on the test KL); ``mia_words_A`` and ``forget_words_B``
    (:func:`~helpers.hybrid.verdicts.direction_words`) when those scenarios are run.
    """
    datasets = set(table.index.get_level_values(0))
    if focus not in datasets:
        raise ValueError(f"{focus!r} is not a dataset of this table; it has {sorted(datasets)}")
    out = {"focus": focus}
    for s, row, column in QUOTED:
        if s in scenarios:
            out[f"{s}_{row}_{column}"] = table.loc[(focus, s, LABELS[row]), column]
    for s in scenarios:
        out[f"kl_floor_{s}"] = V.floor_distance_words(results, focus, s)
    if "A" in scenarios:
        out["mia_words_A"] = V.direction_words(results, focus, "A", "MIA_AUC", "MIA AUC")
    if "B" in scenarios:
        out["forget_words_B"] = V.direction_words(results, focus, "B", "forget", "forget accuracy")
    return out


# --------------------------------------------------------------------------- section 8.10: on a device
EXACT = "exact"          # the setting label of exact expectations (helpers.quantum.device_study.setting_label)


def settings_of(frame: pd.DataFrame) -> list[str]:
    """The ``setting`` labels of a device-study table in the order of its rows, or a ValueError."""
    if "setting" not in frame.columns or frame.empty:
        raise ValueError("expected a device-study table with a 'setting' column "
                         "(helpers.quantum.device_study / helpers.hybrid.device_study)")
    return list(dict.fromkeys(frame["setting"]))


def _where_words(settings: list, everywhere: list) -> str:
    """``"at every setting"`` or ``"at 64 shots and 256 shots"``."""
    return "at every setting" if list(settings) == list(everywhere) else "at " + join_words(settings)


def subsample_words(sizes) -> str:
    """The device study's subsample per seed in words: ``"20 of the forget set, 20 of the retain set and 30 test
    samples (stratified by class)"`` for ``sizes = (forget, retain, test)``
    (:data:`helpers.hybrid.device_study.SIZES`)."""
    sizes = tuple(sizes)
    if len(sizes) != 3 or not all(isinstance(n, int) and n > 0 for n in sizes):
        raise ValueError(f"sizes must be three positive integers (forget, retain, test), got {sizes!r}")
    return (f"{sizes[0]} of the forget set, {sizes[1]} of the retain set and {sizes[2]} test samples (stratified by "
            "class)")


def reproduction_words(reproduced: pd.DataFrame, results: pd.DataFrame, columns=("retain", "forget", "test",
                                                                                  "MIA_AUC", "AG", "KL_test")) -> str:
    """Do the models the device study re-trained give the chapter's table? The largest absolute difference of
    ``columns`` between the study's exact rows on the full sets (``attrs["reproduced"]``) and the chapter's
    rows of the same (dataset, scenario, seed, method). A sentence of its own, full stop included, that does not
    repeat the notebook's "re-trained here"."""
    keys = ["dataset", "scenario", "seed", "method"]
    both = reproduced.merge(results, on=keys, suffixes=("", " (chapter)"))
    if both.empty or len(both) != len(reproduced):
        raise ValueError("the chapter's results lack some of the re-trained rows (same dataset, scenario, seeds "
                         "and methods?)")
    gap = max(float((both[c] - both[f"{c} (chapter)"]).abs().max()) for c in columns)
    if gap <= 1e-9:
        largest = "largest difference 0" if gap == 0 else f"largest difference {gap:.1e}, float rounding"
        return (f"The {len(both)} models give the chapter's table exactly ({largest}): they are the chapter's "
                "models.")
    return (f"The {len(both)} models differ from the chapter's table by up to {gap:.3f}: they are not exactly the "
            "chapter's models (another thread count or code version?).")


def hybrid_survival(results: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Each method against doing nothing, setting by setting: :func:`~helpers.experiments.compare.judge`'s
    ``"vs Original"`` (``"better"``: a smaller AG, paired over seeds; ``"worse"``; ``"undecided"``) on the
    :func:`~helpers.hybrid.verdicts.gap_block` of every setting. One row per method, one column per setting."""
    columns = {}
    for setting in settings_of(results):
        judged = V.judge(V.gap_block(results[results["setting"] == setting], scenario))
        columns[setting] = judged["vs Original"]
    table = pd.DataFrame(columns)
    table.attrs["seeds"] = results["seed"].nunique()
    return table


def exact_verdicts(results: pd.DataFrame, dataset: str, scenario: str) -> pd.Series:
    """Each method against doing nothing (``"vs Original"`` of :func:`~helpers.hybrid.verdicts.judge`) on the full
    sets of one ``dataset``: the exact verdicts the device study's subsample can be read against."""
    rows = results[results["dataset"] == dataset]
    if rows.empty:
        raise ValueError(f"no rows of {dataset!r}; the datasets are {sorted(results['dataset'].unique())}")
    return V.judge(V.gap_block(rows, scenario))["vs Original"]


def _subsample_clause(exact: pd.Series, full: pd.Series | None, chapter: pd.Series | None, dataset: str) -> str:
    """Why the subsample's exact verdicts differ from section 8.8's: per method, the subsample's doing (its verdict
    on the full sets of ``dataset``, ``full``, is another) or the dataset's (section 8.8, ``chapter``, averages each
    seed's AG over the datasets)."""
    if full is None:
        if chapter is None:
            return (" These exact verdicts are computed on the subsample; where they differ from section 8.8's, "
                    "the subsample (or section 8.8's average over the datasets) is the reason.")
        differ = [m for m in exact.index if m in chapter.index and exact[m] != chapter[m]]
        if not differ:
            return " On the subsample the exact verdicts are section 8.8's."
        return (f" Section 8.8's verdicts differ for {join_words(differ)}: these exact verdicts are computed on the "
                "subsample.")
    full = full.reindex(exact.index)
    by_sample = [m for m in exact.index if pd.notna(full[m]) and exact[m] != full[m]]
    text = ""
    if by_sample:
        text = (f" On the full {dataset} sets the same models' exact verdicts differ for " +
                join_words([f"{m} ({full[m]} there, {exact[m]} here)" for m in by_sample]) +
                ": the subsample's doing, since the models are the same.")
    else:
        text = f" On the full {dataset} sets the same models read the same exact verdicts."
    if chapter is not None:
        by_data = [m for m in exact.index if m in chapter.index and pd.notna(full[m]) and full[m] != chapter[m]]
        if by_data:
            text += (" Section 8.8's table differs also for " + join_words(
                     [f"{m} ({chapter[m]} there)" for m in by_data]) + f": it averages each seed's AG over the "
                     f"datasets, and {dataset} alone reads otherwise.")
    return text


def survival_words(table: pd.DataFrame, reference: str = EXACT, full: pd.Series | None = None,
                   chapter: pd.Series | None = None, dataset: str = "dataset's") -> str:
    """Which of the methods closer to the oracle than doing nothing at ``reference`` (exact expectations on the
    device study's subsample) stay so on every setting of :func:`hybrid_survival`, and which lose (or gain) that
    verdict where. ``full``: the same models' exact verdicts on the full sets of ``dataset``
    (:func:`exact_verdicts`); ``chapter``: section 8.8's verdicts (averaged over the datasets). Where the
    subsample's exact verdicts differ from them, the words say whose doing that is (the subsample's, or the
    dataset's); without either, a fixed clause says that the exact column is the subsample's."""
    if reference not in table.columns:
        raise ValueError(f"no {reference!r} column; the settings are {list(table.columns)}")
    others = [c for c in table.columns if c != reference]
    kept = list(table.index[table[reference] == "better"])
    gained = {m: [c for c in others if table.loc[m, c] == "better"] for m in table.index if m not in kept}
    gained = {m: where for m, where in gained.items() if where}
    seeds = interval_words(table.attrs.get("seeds", "the"))
    if not kept:
        text = (f"With exact expectations on the subsample no method is shown to be closer to the oracle than doing "
                f"nothing ({seeds}), so the device has no such verdict to overturn.")
    else:
        parts = []
        for m in kept:
            lost = [c for c in others if table.loc[m, c] != "better"]
            parts.append(f"{m} stays so at every setting" if not lost else
                         f"{m} is not shown to be at {join_words(lost)}")
        text = (f"With exact expectations on the subsample {join_words(kept)} {'is' if len(kept) == 1 else 'are'} "
                f"closer to the oracle than doing nothing ({seeds}); " + "; ".join(parts) + ".")
    if gained:
        text += " " + capital("; ".join(f"{m} is closer than doing nothing only at {join_words(w)}"
                                        for m, w in gained.items())
                              + ", a verdict exact expectations on the subsample do not give: with "
                                f"{plural(len(others), 'other setting')}, expect such chance findings.")
    return text + _subsample_clause(table[reference], full, chapter, dataset)


def vqc_claims(closeness: pd.DataFrame, method: str = "similarity", dataset: str | None = None) -> pd.DataFrame:
    """Chapter 7's two claims about DG, setting by setting, paired over seeds on a
    :func:`helpers.quantum.device_study.study` table: ``forgets`` (:func:`~helpers.chapters.ch07.claim_verdict`:
    is DG's forgotten-class recall *smaller* than doing nothing's?) and ``closer`` (:func:`~helpers.chapters.ch07.judge`
    on the mean KL to the gold model: ``"closer"``, ``"farther"`` or ``"undecided"`` than doing nothing), with the
    means they rest on."""
    dataset = dataset or closeness["dataset"].iloc[0]
    rows = {}
    for setting in settings_of(closeness):
        cell = closeness[(closeness["setting"] == setting) & (closeness["dataset"] == dataset)]
        recall = cell.pivot_table(index="seed", columns="model", values="forget_recall")
        forgets, _ = ch07.claim_verdict(recall[method], recall[ch07.BASELINE], "smaller")
        kl = ch07.judge(cell, method, measures={"mean_kl": ch07.MEASURES["mean_kl"]}).loc[(dataset, "mean_kl")]
        rows[setting] = {"recall (DG)": recall[method].mean(), "recall (original)": recall[ch07.BASELINE].mean(),
                         "forgets": forgets, "KL (DG)": kl["method"], "KL (original)": kl["original"],
                         "closer": kl["verdict"]}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["seeds"] = closeness["seed"].nunique()
    return table


def _grouped(verdicts: pd.Series, phrases: dict) -> str:
    """``"<first phrase> at every setting"`` or ``"<phrase> at a and b; <phrase> at c"``: the settings (index)
    grouped by verdict, in the order of ``phrases`` (``{verdict: (first phrase, later phrase)}``)."""
    settings, parts = list(verdicts.index), []
    for verdict, (first, later) in phrases.items():
        where = [s for s in settings if verdicts[s] == verdict]
        if where:
            parts.append(f"{later if parts else first} {_where_words(where, settings)}")
    return "; ".join(parts)


def vqc_claim_words(table: pd.DataFrame, forget_class: int = 2) -> str:
    """Two sentences from :func:`vqc_claims`: where DG's forgotten-class recall is below doing nothing's
    (chapter 7's "DG forgets class f"), and where DG is closer to (or farther from) the gold model than doing
    nothing by the KL."""
    recall = _grouped(table["forgets"], {
        "reproduces": (f"DG's recall of the forgotten class {forget_class} is lower than doing nothing's", "lower"),
        "undecided": (f"DG's recall of the forgotten class {forget_class} is not shown to differ from doing "
                      "nothing's", "not shown to differ"),
        "does not reproduce": (f"DG's recall of the forgotten class {forget_class} is higher than doing nothing's",
                               "higher")})
    kl = _grouped(table["closer"], {
        "closer": ("DG is closer to the gold model than doing nothing by the KL", "closer"),
        "farther": ("DG is farther from the gold model than doing nothing by the KL", "farther"),
        "undecided": ("DG is not shown to be closer to the gold model than doing nothing, or farther, by the KL",
                      "undecided")})
    seeds = interval_words(table.attrs.get("seeds", "the"))
    return capital(recall) + ". " + capital(kl) + f" ({seeds})."


def mia_by_setting(results: pd.DataFrame, method: str = "original", reference: str = EXACT) -> pd.DataFrame:
    """The MIA AUC (``ch8-mia``) of ``method``'s rows per setting (``mean AUC``: over the seeds), the mean over
    seeds of each seed's distance from chance, ``|AUC - 0.5|``, and how that distance changes against
    ``reference``: the paired interval over seeds of ``|AUC - 0.5|`` at the setting minus at ``reference``
    (``toward chance``: ``"yes"`` when the interval lies below zero, ``"no"`` above, ``"undecided"``;
    ``"reference"`` and no interval on the reference row). ``attrs["AUC per seed"]``: ``{setting: (AUC of each
    seed)}``, ``attrs["seeds"]``: the number of seeds."""
    rows = results[results["method"] == method]
    if rows.empty:
        raise ValueError(f"no rows of method {method!r}")
    wide = rows.pivot_table(index="seed", columns="setting", values="MIA_AUC", sort=False)
    if reference not in wide.columns:
        raise ValueError(f"no {reference!r} setting in the rows of {method!r}")
    gap = (wide - 0.5).abs()
    out = {}
    for setting in settings_of(rows):
        iv = None if setting == reference else paired_interval(gap[setting], gap[reference])
        toward = "reference" if iv is None else {"smaller": "yes", "larger": "no"}.get(iv.direction, "undecided")
        out[setting] = {"mean AUC": wide[setting].mean(), "mean |AUC - 0.5|": gap[setting].mean(), "interval": iv,
                        "toward chance": toward}
    table = pd.DataFrame.from_dict(out, orient="index")
    table.attrs["seeds"] = len(wide)
    table.attrs["AUC per seed"] = {setting: tuple(float(a) for a in wide[setting]) for setting in out}
    return table


def mia_words(table: pd.DataFrame, who: str = "the untouched model", reference: str = EXACT) -> str:
    """Sentences from :func:`mia_by_setting`: the attack's mean AUC at ``reference``, its seeds' AUCs when they
    fall on both sides of chance (then the mean AUC understates the distance from chance), the mean over seeds of
    each seed's ``|AUC - 0.5|``, and where shot noise moves that distance toward chance (or away), each with the
    paired change and its interval, so that a tiny, consistent shift is read as tiny. Decided moves at only some
    of the settings, or in both directions, get the caveat of :func:`survival_words`: with several settings
    tested, one decided move at 95 % can be chance."""
    others = [s for s in table.index if s != reference]
    closer = [s for s in others if table.loc[s, "toward chance"] == "yes"]
    farther = [s for s in others if table.loc[s, "toward chance"] == "no"]
    seeds = interval_words(table.attrs.get("seeds", "the"))
    aucs = table.attrs.get("AUC per seed", {}).get(reference, ())
    text = (f"The max-softmax attack on {who} has a mean AUC of {table.loc[reference, 'mean AUC']:.2f} over the "
            "seeds with exact expectations")
    if aucs and min(aucs) < 0.5 < max(aucs):
        text += (f", but the seeds' AUCs ({join_words(f'{a:.2f}' for a in aucs)}) fall on both sides of chance, 0.5 "
                 "(below it the attack scores the test samples as the likelier members)")
    text += (f"; the mean over seeds of each seed's distance from chance, |AUC - 0.5|, is "
             f"{table.loc[reference, 'mean |AUC - 0.5|']:.2f}")
    if not closer and not farther:
        return text + (f"; at no other setting is the attack shown to move toward chance or away from it ({seeds} "
                       "of the change of |AUC - 0.5| span zero).")

    def shifts(where):          # the paired change of |AUC - 0.5| at each setting, with its interval
        return join_words(f"{s} ({table.loc[s, 'interval'].text(3)})" for s in where)
    parts = []
    if closer:
        parts.append(f"that distance shrinks (toward chance) at {shifts(closer)}")
    if farther:
        parts.append(f"{'it grows' if closer else 'that distance grows'} (away from chance) at {shifts(farther)}")
    undecided = [s for s in others if s not in closer + farther]
    if undecided:
        parts.append(f"its change is undecided at {join_words(undecided)}")
    text += ". Against exact expectations, " + "; ".join(parts) + f" ({seeds})."
    tested = plural(len(others), "other setting")
    if closer and farther:
        text += (" A move toward chance at one setting and away from it at another is no trend: with "
                 f"{tested}, expect such chance findings.")
    elif undecided:
        text += f" With {tested} tested, one decided move at 95 % can be chance."
    return text


def privacy_by_setting(privacy: pd.DataFrame, population: str = "original", floor: str = "gold_indep") -> pd.DataFrame:
    """U-LiRA on chapter 7's populations per setting (:func:`helpers.quantum.device_study.population_privacy`):
    ``population``'s and the noise floor's (Gold′'s) mean accuracy, and the paired interval over the forget
    examples of their difference (``distinguishable``: ``"yes"`` above zero, ``"no"`` when it spans zero or
    lies below)."""
    out = {}
    for setting in settings_of(privacy):
        cell = privacy[privacy["setting"] == setting].set_index("population")
        missing = [p for p in (population, floor) if p not in cell.index]
        if missing:
            raise ValueError(f"no {missing} population at setting {setting!r}")
        a, b = (np.asarray(cell.loc[p, "ulira_examples"], dtype=float) for p in (population, floor))
        iv = paired_interval(a, b)
        out[setting] = {"U-LiRA": a.mean(), "U-LiRA (Gold′)": b.mean(), "interval": iv,
                        "distinguishable": "yes" if iv.direction == "larger" else "no", "examples": len(a)}
    return pd.DataFrame.from_dict(out, orient="index")


def privacy_words(table: pd.DataFrame, who: str = "the untouched models", reference: str = EXACT) -> str:
    """Does shot noise alone hide membership from U-LiRA? One sentence from :func:`privacy_by_setting`."""
    others = [s for s in table.index if s != reference]
    hidden = [s for s in others if table.loc[s, "distinguishable"] == "no"]
    lowest = min(others, key=lambda s: table.loc[s, "U-LiRA"]) if others else reference
    text = (f"U-LiRA tells {who} from the gold ones on {100 * table.loc[reference, 'U-LiRA']:.0f} % of held-out "
            f"models with exact expectations and on {100 * table.loc[lowest, 'U-LiRA']:.0f} % at {lowest} "
            f"(Gold′: {100 * table.loc[lowest, 'U-LiRA (Gold′)']:.0f} %)")
    examples = f"paired over the {int(table['examples'].iloc[0])} forget examples"
    if not hidden:
        return text + (f"; {examples}, they stay more distinguishable than another gold population at every "
                       "setting: shot noise alone does not hide membership here.")
    return text + (f"; {examples}, they are not shown to be more distinguishable than another gold population at "
                   f"{join_words(hidden)}: there the shot noise alone hides membership from this attack.")


def membership_table(mia: pd.DataFrame, privacy: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Section 8.10's table of the two attacks per setting: :func:`mia_by_setting` and :func:`privacy_by_setting`
    side by side without their intervals, rounded to ``digits``, and ``"not run"`` where an attack has no row
    for a setting (U-LiRA's populations skip the largest shot count)."""
    parts = {"MIA AUC (hybrid, original)": mia, "U-LiRA (VQC, original vs gold)": privacy}
    settings = list(dict.fromkeys([*mia.index, *privacy.index]))
    table = pd.concat({name: part.drop(columns="interval").round(digits).astype(object).reindex(settings)
                       for name, part in parts.items()}, axis=1)
    return table.where(table.notna(), "not run")


__all__ = ["ROUNDING", "QUOTED", "simulator_words", "speed_words", "data_table", "forget_share_words", "readings",
           "EXACT", "settings_of", "subsample_words", "reproduction_words", "hybrid_survival", "exact_verdicts",
           "survival_words", "vqc_claims", "vqc_claim_words", "mia_by_setting", "mia_words", "privacy_by_setting", "privacy_words",
           "membership_table"]
