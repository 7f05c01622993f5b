"""Chapter 4's readings (helpers.chapters.ch04) on constructed populations and tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.chapters import ch04


def _table(points: dict, ulira: dict) -> pd.DataFrame:
    labels = {"retrain_indep": "Retrain′", "original": "Original", "ft": "FT", "ga": "GA", "rl": "RL"}
    table = pd.DataFrame({"label": [labels[n] for n in points]}, index=list(points))
    table.attrs.update(points={k: np.asarray(v, float) for k, v in points.items()},
                       ulira={k: np.asarray(v, float) for k, v in ulira.items()})
    return table


def test_share_inside_and_distance_by_hand():
    retrained = np.array([[0.0, 10.0], [1.0, 11.0], [2.0, 12.0], [3.0, 13.0], [4.0, 14.0]])
    # central 90 %: quantiles 0.05 and 0.95 -> [0.2, 3.8] and [10.2, 13.8]
    low, high = ch04.central_interval(retrained)
    assert np.allclose(low, [0.2, 10.2]) and np.allclose(high, [3.8, 13.8])
    assert ch04.share_inside(retrained, [2.0, 20.0]) == 50.0
    # mean 2 and 12, sample sd sqrt(2.5): distances |2-2| and |20-12|
    assert np.allclose(ch04.standardised_distance(retrained, [2.0, 20.0]), [0.0, 8 / np.sqrt(2.5)])
    assert ch04.example_picks(retrained, [2.0, 20.0], k=2) == [1, 0]
    with pytest.raises(ValueError, match="coverage"):
        ch04.central_interval(retrained, coverage=1.0)
    with pytest.raises(ValueError, match="shape"):
        ch04.share_inside(retrained, [1.0])


def test_verdicts_paired_over_examples():
    n = 20
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.01, n)
    floor = 0.5 + noise
    points = {"retrain_indep": floor, "original": np.zeros(n),
              "ft": floor - 0.2 + rng.normal(0, 0.01, n),        # clearly between the two
              "ga": floor + rng.normal(0, 0.05, n)}             # level with the floor
    ulira = {"retrain_indep": np.full(n, 0.5) + noise, "original": np.ones(n),
             "ft": np.full(n, 0.7) + noise, "ga": np.full(n, 0.5) + rng.normal(0, 0.05, n)}
    table = _table(points, ulira)
    assert ch04.comparison(table, "ft", "original")[0] == "better"
    assert ch04.comparison(table, "ft", "retrain_indep")[0] == "worse"
    assert ch04.comparison(table, "ft", "original", "ulira")[0] == "better"     # lower accuracy wins
    assert ch04.comparison(table, "ga", "retrain_indep")[0] == "undecided"
    words = ch04.verdict_summary(table)
    assert words == ("FT is better than doing nothing and worse than the noise floor, by the challenge's "
                     "points and by U-LiRA alike; GA is better than doing nothing and undecided against the "
                     "noise floor, by the challenge's points and by U-LiRA alike (paired over the 20 forget examples)")
    cells = ch04.verdict_table(table)
    assert list(cells.index) == ["FT", "GA"]
    assert cells.loc["FT", "h(ε) vs Original"].startswith("better: +0.2")        # about 0.5 - 0.2
    assert cells.loc["GA", "U-LiRA vs Retrain′"].startswith("undecided: ")
    with pytest.raises(ValueError, match="quantity"):
        ch04.comparison(table, "ft", "original", "auc")
    with pytest.raises(ValueError, match="no row"):
        ch04.comparison(table, "rl", "original")


def test_all_methods_with_the_same_verdicts_are_grouped():
    n = 10
    base = np.linspace(0.4, 0.6, n)
    points = {"retrain_indep": base, "original": np.zeros(n), "ft": base - 0.1, "ga": base - 0.2}
    ulira = {"retrain_indep": base, "original": np.ones(n), "ft": base + 0.1, "ga": base + 0.2}
    assert ch04.verdict_summary(_table(points, ulira)).startswith(
        "Both methods (FT and GA) are better than doing nothing and worse than the noise floor")
    points["rl"], ulira["rl"] = base - 0.15, base + 0.15
    assert ch04.verdict_summary(_table(points, ulira)).startswith("All three methods (FT, GA and RL) are")


def test_ag_verdict_reads_against_the_larger_of_floor_and_one_image():
    assert ch04.ag_verdict(1.0, 3.0, floor=0.5, one_image=0.2).startswith("OEU is closer to Retrain")
    assert ch04.ag_verdict(3.0, 1.0, floor=0.5, one_image=0.2).startswith("OEU is **further** from Retrain")
    level = ch04.ag_verdict(1.4, 1.0, floor=0.5, one_image=0.2)
    assert "**level**" in level and "within the noise floor (0.50)" in level
    # a floor below one image: the image is the scale
    assert "one forget image's worth of AG (0.30)" in ch04.ag_verdict(1.2, 1.0, floor=0.1, one_image=0.3)
    with pytest.raises(ValueError):
        ch04.ag_verdict(1.0, 1.0, floor=-1.0, one_image=0.2)


def test_gap_changes_words():
    before = {"|ΔFA|": 2.0, "|ΔRA|": 1.0, "|ΔTA|": 0.5}
    after = {"|ΔFA|": 1.0, "|ΔRA|": 1.5, "|ΔTA|": 0.5}
    assert ch04.gap_changes(before, after, ["FA", "RA", "TA"]) == (
        "widens the gap to Retrain in RA (1.00 → 1.50), and narrows it in FA (2.00 → 1.00)")
    assert ch04.gap_changes(before, before, ["FA"]) == "leaves every gap as it was"


def test_population_display_puts_the_reference_first():
    n = 4
    table = _table({"retrain_indep": np.ones(n), "original": np.zeros(n), "ft": np.ones(n)},
                   {"retrain_indep": np.ones(n), "original": np.ones(n), "ft": np.ones(n)})
    for column, value in (("F", 0.5), ("score", 0.4), ("RA_ratio", 1.0), ("TA_ratio", 0.99),
                          ("ulira_accuracy", 60.0), ("ulira_auc", 0.6), ("FA", 90.0), ("RA", 99.0), ("TA", 95.0)):
        table[column] = value
    table.attrs["retrain"] = {"FA": 91.0, "RA": 98.0, "TA": 96.0, "seconds": 1.0}
    shown = ch04.population_display(table)
    assert list(shown.index) == ["Retrain (the reference)", "Retrain′", "Original", "FT"]
    assert shown.loc["Retrain (the reference)", "FA %"] == 91.0
    assert np.isnan(shown.loc["Retrain (the reference)", "F ↑"])
    assert shown.loc["FT", "U-LiRA acc. % (50 ideal)"] == 60.0


def test_ag_verdict_quotes_the_difference_of_the_printed_values():
    # 1.824 and 0.389 print as 1.82 and 0.39: the sentence says 1.43, not round(1.435) = 1.44
    assert "by 1.43 points of AG" in ch04.ag_verdict(0.389, 1.824, floor=1.0, one_image=0.17)


def test_population_reading_words():
    assert ch04.single_model_words(86.8, 88.9).startswith("judged one model at a time, doing nothing looks "
                                                          "like a Retrain on most examples (86.8%")
    assert "fewer than half of the examples" in ch04.single_model_words(40.0, 88.9)
    with pytest.raises(ValueError, match="percentages"):
        ch04.single_model_words(120.0, 50.0)
    assert ch04.floor_words(0.179) == "$F$ = 0.179, not 1"
    assert ch04.floor_words(1.0).startswith("$F$ = 1: no rule")
    assert ch04.original_words([50.0, 50.0], 50.0) == "every forget example gets $\\varepsilon_s$ = 50, the cap"
    assert ch04.original_words([50.0, 1.0], 50.0).startswith("50.0% of the forget examples")
    rng = np.random.default_rng(1)
    assert ch04.chance_words(0.5 + rng.normal(0, 0.05, 100)).startswith("indistinguishable from chance")
    assert ch04.chance_words(0.7 + rng.normal(0, 0.05, 100)).startswith("above chance")
