"""Computed tables beside published ones: helpers.experiments.compare and the chapter-5 figures."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.experiments import aggregate
from helpers.experiments.compare import (ablation_verdict, block, difference_from, rank_agreement, rank_comparison,
                                        side_by_side)
from helpers.paper import oeu_wide
from helpers.plots import plot_gap_bars, plot_runtime


def fake_table(order=("retrain", "ft", "ga", "oeu")):
    rows = []
    for seed in (1, 2):
        for i, method in enumerate(order):
            rows.append({"amount": 0.1, "method": method, "seed": seed, "FA": 90.0 + i, "RA": 99.0,
                         "TA": 95.0 - i, "MIA": 10.0 + 2 * i, "seconds": 10.0 / (i + 1)})
    return aggregate(pd.DataFrame(rows))


def test_block_picks_one_ratio_and_rejects_an_unknown_one():
    table = fake_table()
    assert list(block(table, 0.1).index) == ["retrain", "ft", "ga", "oeu"]
    with pytest.raises(ValueError, match="0.3 is not in this table"):
        block(table, 0.3)


def test_side_by_side_puts_published_values_next_to_computed_ones():
    published = oeu_wide(1, dataset="cifar10", ratio=10)
    out = side_by_side(block(fake_table(), 0.1), published)
    assert list(out.index) == ["Retrain", "FT", "GA", "OEU"]
    assert out.loc["OEU", ("AG", "published")] == published.loc["oeu", "AG"]
    assert out.loc["GA", ("FA", "computed")] == 92.0


def test_rank_comparison_ranks_by_ag_and_agreement_is_spearman():
    computed = block(fake_table(), 0.1)                 # AG grows with the position: ft < ga < oeu
    published = pd.DataFrame({"AG": [0.0, 1.0, 2.0, 3.0]}, index=["retrain", "ft", "ga", "oeu"])
    ranks = rank_comparison(computed, published)
    assert list(ranks.index) == ["FT", "GA", "OEU"] and list(ranks["rank computed"]) == [1, 2, 3]
    assert rank_agreement(ranks) == pytest.approx(1.0)
    reversed_ = published.assign(AG=[0.0, 3.0, 2.0, 1.0])
    assert rank_agreement(rank_comparison(computed, reversed_)) == pytest.approx(-1.0)


def test_difference_from_the_reference_and_the_ablation_verdict():
    computed = block(fake_table(), 0.1)                 # equal seeds: AG_std is 0, so nothing is noise
    diff = difference_from(computed, "ft")
    assert list(diff.index) == ["GA", "OEU"] and (diff["AG - FT"] > 0).all() and not diff["within noise"].any()
    assert ablation_verdict(computed, "ft") == ("is confirmed for GA and OEU (a larger AG than FT, by more than one "
                                                "standard deviation)")
    assert ablation_verdict(computed, "oeu").startswith("is contradicted by FT and GA (a smaller AG than OEU")
    noisy = computed.assign(AG_std=10.0)
    assert difference_from(noisy, "oeu")["within noise"].all()
    assert ablation_verdict(noisy, "oeu") == "cannot be decided for FT and GA (within one standard deviation of OEU on these seeds)"
    with pytest.raises(ValueError, match="'salun' is not in this block"):
        difference_from(computed, "salun")


def test_chapter_5_figures_draw_one_bar_per_method():
    fig = plot_gap_bars({"a": fake_table(), "b": fake_table()})
    assert len(fig.axes) == 10 and len(fig.axes[0].patches) == 3          # Retrain is left out
    fig2 = plot_runtime(fake_table())
    assert len(fig2.axes[0].patches) == 4
    plt.close("all")
