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
  (``ch8-kl``) and the directions of every method against the oracle.
"""
from __future__ import annotations

import pandas as pd

from ..words import join_words
from ..hybrid import make_split
from ..hybrid import verdicts as V
from ..hybrid.experiment import LABELS

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


__all__ = ["ROUNDING", "QUOTED", "simulator_words", "speed_words", "data_table", "forget_share_words", "readings"]
