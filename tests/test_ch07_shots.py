"""Chapter 7, section 7.12: the verdicts and sentences of training and unlearning from shots (synthetic studies)."""
from __future__ import annotations

import json
import re
from pathlib import Path

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
    assert sentence.startswith("Training from shots: with 64 shots, test accuracy is lower than with exact gradients (-0.199 [")
    assert sentence.endswith("from 256 shots on, the seeds cannot tell test accuracy from exact gradients (undecided).")
    higher = ch07.shots_sentence(ch07.shots_verdicts(study({64: 0.05})), "unlearning")
    assert "forgotten-class recall is higher than with exact gradients" in higher
    assert "retained-class accuracy is higher" in higher and higher.endswith("remains.")


def test_every_shot_count_undecided_and_none_enough():
    same = ch07.shots_verdicts(study({64: 0.0, 1024: 0.0}))
    assert ch07.shots_needed(same, "unlearning") == 64
    assert ch07.shots_sentence(same, "unlearning") == (
        "Unlearning from shots: at 64 and 1,024 shots, the seeds cannot tell forgotten-class recall or "
        "retained-class accuracy from exact gradients (undecided).")
    worse = ch07.shots_verdicts(study({64: -0.3, 1024: -0.1}))
    assert ch07.shots_needed(worse, "training") is None
    assert ch07.shots_sentence(worse, "training").endswith("even at 1,024 shots, the difference from exact gradients remains.")


def test_each_sentence_names_its_stage():
    """The page shows the two sentences side by side (the chapter's Summary): each says which stage it is."""
    verdicts = ch07.shots_verdicts(study({64: 0.0, 1024: 0.0}))
    training, unlearning = (ch07.shots_sentence(verdicts, stage) for stage in ("training", "unlearning"))
    assert training.startswith("Training from shots: ") and unlearning.startswith("Unlearning from shots: ")
    assert training != unlearning


def test_the_same_score_on_every_seed_is_equal_not_undecided():
    exact = study({64: 0.0, 1024: 0.0}, noise=0.0)                 # every model from shots scores as exactly
    verdicts = ch07.shots_verdicts(exact)
    assert set(verdicts["verdict"]) == {"equal"}
    assert {(iv.low, iv.high) for iv in verdicts["difference"]} == {(0.0, 0.0)}
    assert ch07.shots_needed(verdicts, "training") == 64
    assert ch07.shots_sentence(verdicts, "unlearning") == (
        "Unlearning from shots: at 64 and 1,024 shots, forgotten-class recall and retained-class accuracy are "
        "the same as with exact gradients on every seed (equal).")
    assert "undecided" not in ch07.shots_sentence(verdicts, "training")
    shifted = ch07.shots_verdicts(study({64: 0.05}, noise=0.0))   # the same nonzero difference on every seed
    assert set(shifted["verdict"]) == {"higher"}


def test_equal_and_undecided_measures_are_told_apart():
    """Like the chapter's run: forgotten-class recall equal at both counts, retained-class accuracy
    undecided at the fewer shots and equal at the more."""
    frame = study({16: 0.0, 256: 0.0}, noise=0.0)
    wobble = frame["stage"].eq("unlearning") & frame["shots"].eq(16)
    frame.loc[wobble, "retained_acc"] += np.array([0.0, -0.05, 0.05, 0.0, 0.0])   # seeds 1..5
    verdicts = ch07.shots_verdicts(frame)
    table = ch07.shots_table(verdicts)
    assert table.loc[("unlearning", "retained-class accuracy", "16 shots"), "verdict"] == "undecided"
    assert table.loc[("unlearning", "retained-class accuracy", "256 shots"), "verdict"] == "equal"
    assert ch07.shots_needed(verdicts, "unlearning") == 16
    assert ch07.shots_sentence(verdicts, "unlearning") == (
        "Unlearning from shots: at 16 and 256 shots, forgotten-class recall is the same as with exact gradients "
        "on every seed (equal), and so is retained-class accuracy at 256 shots; the seeds cannot tell "
        "retained-class accuracy at 16 shots from exact gradients (undecided).")
    differs = study({16: -0.3, 256: 0.0}, noise=0.0)               # equal at 256 does not hide 16's difference
    assert ch07.shots_needed(ch07.shots_verdicts(differs), "training") == 256


def test_bad_study_frames_are_refused():
    frame = study({64: 0.0})
    with pytest.raises(ValueError, match="lacks the columns"):
        ch07.shots_verdicts(frame.drop(columns="setting"))
    with pytest.raises(ValueError, match="no exact arm"):
        ch07.shots_verdicts(frame[frame["setting"] != "exact"])
    with pytest.raises(ValueError, match="no verdicts for the stage 'tuning'"):
        ch07.shots_needed(ch07.shots_verdicts(frame), "tuning")


def test_notebook_refs_to_exercises_are_not_doubled():
    """``{ref}`` to an exercise renders as "Exercise 28": the notebook must not write "exercise" before it,
    and section 7.12's visible text uses the notebook's own shot counts."""
    path = Path(__file__).parents[1] / "notebooks" / "07_quantum_unlearning.ipynb"
    cells = json.loads(path.read_text())["cells"]
    markdown = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert not re.search(r"exercise\s+\{ref\}", markdown, flags=re.IGNORECASE)
    section = next("".join(c["source"]) for c in cells if "".join(c["source"]).startswith("## 7.12"))
    code = next("".join(c["source"]) for c in cells if "SHOT_COUNTS = " in "".join(c["source"]))
    counts = re.search(r"SHOT_COUNTS = \(([\d, ]+)\)", code).group(1)
    assert [int(n) for n in counts.split(",")] == [16, 256]
    assert "0.25 at 16\nshots, 0.0625 at 256" in section and "1,024" not in section
