"""Chapter 7, section 7.12: the verdicts and sentences of training and unlearning from shots (synthetic studies)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.chapters import ch07

SEEDS = (1, 2, 3, 4, 5)


def study(offsets: dict, noise: float = 0.01) -> pd.DataFrame:
    """A study frame like ``shots_study``'s: exact scores per seed, and for each shot count the exact
    score plus ``offsets[shots]`` plus a small per-seed wobble (alternating signs)."""
    rows = []
    wobble = noise * np.array([1, -1, 1, -1, 0.5])
    for i, seed in enumerate(SEEDS):
        base = dict(test_acc=0.9 - 0.02 * i, forget_recall=0.1 + 0.02 * i, retained_acc=0.95 - 0.01 * i)
        for stage in ("training", "unlearning"):
            rows.append(dict(stage=stage, seed=seed, shots=np.nan, setting="exact", **base))
            for shots, offset in offsets.items():
                rows.append(dict(stage=stage, seed=seed, shots=float(shots), setting=f"{shots:,} shots",
                                 **{k: v + offset + wobble[i] for k, v in base.items()}))
    return pd.DataFrame(rows)


def test_verdicts_pair_each_shot_count_with_exact_gradients():
    verdicts = ch07.shots_verdicts(study({64: -0.2, 1024: 0.0}))
    assert len(verdicts) == 2 * 3                                      # 2 shot counts x (1 + 2 measures)
    low = verdicts[(verdicts["shots"] == 64) & (verdicts["measure"] == "test_acc")].iloc[0]
    assert low["verdict"] == "lower" and low["difference"].mean == pytest.approx(-0.2 + 0.01 * 0.5 / 5)
    assert set(verdicts.loc[verdicts["shots"] == 1024, "verdict"]) == {"undecided"}
    table = ch07.shots_table(verdicts)
    assert table.loc[("training", "test accuracy", "64 shots"), "verdict"] == "lower"


def test_shots_needed_and_sentence():
    verdicts = ch07.shots_verdicts(study({64: -0.2, 256: 0.0, 1024: 0.0}))
    assert ch07.shots_needed(verdicts, "training") == 256
    sentence = ch07.shots_sentence(verdicts, "training")
    assert sentence.startswith("With 64 shots, test accuracy is lower than with exact gradients (-0.199 [")
    assert sentence.endswith("from 256 shots on, the seeds cannot tell any measure from exact gradients (undecided).")
    higher = ch07.shots_sentence(ch07.shots_verdicts(study({64: 0.05})), "unlearning")
    assert "forgotten-class recall is higher than with exact gradients" in higher
    assert "retained-class accuracy is higher" in higher and higher.endswith("remains.")


def test_every_shot_count_undecided_and_none_enough():
    same = ch07.shots_verdicts(study({64: 0.0, 1024: 0.0}))
    assert ch07.shots_needed(same, "unlearning") == 64
    assert ch07.shots_sentence(same, "unlearning") == (
        "At every shot count, the seeds cannot tell any measure from exact gradients (undecided).")
    worse = ch07.shots_verdicts(study({64: -0.3, 1024: -0.1}))
    assert ch07.shots_needed(worse, "training") is None
    assert ch07.shots_sentence(worse, "training").endswith("even at 1,024 shots, the difference from exact gradients remains.")


def test_bad_study_frames_are_refused():
    frame = study({64: 0.0})
    with pytest.raises(ValueError, match="lacks the columns"):
        ch07.shots_verdicts(frame.drop(columns="setting"))
    with pytest.raises(ValueError, match="no exact arm"):
        ch07.shots_verdicts(frame[frame["setting"] != "exact"])
    with pytest.raises(ValueError, match="no verdicts for the stage 'tuning'"):
        ch07.shots_needed(ch07.shots_verdicts(frame), "tuning")
