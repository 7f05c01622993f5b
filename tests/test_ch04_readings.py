"""Chapter 4's readings (helpers.chapters.ch04) on constructed populations and tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.chapters import ch04


def _table(points: dict, ulira: dict) -> pd.DataFrame:
    labels = {"retrain_indep": "Retrain′", "original": "Original", "ft": "FT", "ga": "GA"}
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
        "All 2 methods (FT and GA) are better than doing nothing and worse than the noise floor")
