"""Computed tables beside published ones: helpers.experiments.compare and the chapter-5 figures."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.experiments import aggregate
from helpers.experiments.compare import (ablation_verdict, block, difference_from, judge, judge_words, rank_agreement,
                                        rank_comparison, side_by_side)
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


def seeded_table(ag: dict, noise: dict | None = None, seeds=(1, 2, 3)):
    """A block whose method m has AG ag[m] + noise[m][i] on seed i (FA carries the whole gap)."""
    rows = []
    for i, seed in enumerate(seeds):
        for method, value in ag.items():
            jitter = (noise or {}).get(method, [0.0] * len(seeds))[i]
            # Retrain's FA is 50; a method's FA is 50 + 4 * AG so that its four-metric mean gap is AG
            rows.append({"amount": 0.1, "method": method, "seed": seed, "FA": 50.0 + 4 * (value + jitter),
                         "RA": 99.0, "TA": 95.0, "MIA": 10.0, "seconds": 1.0})
    return block(aggregate(pd.DataFrame(rows)), 0.1)


def test_difference_from_pairs_seeds_and_the_ablation_verdict_has_three_branches():
    base = {"retrain": 0.0, "oeu": 1.0, "ga": 3.0, "ft": 0.2, "salun": 1.0}
    noise = {"oeu": [0.0, 0.1, -0.1], "ga": [0.1, 0.0, 0.2], "ft": [0.0, -0.1, 0.1], "salun": [-2.0, 2.5, 0.1]}
    computed = seeded_table(base, noise)
    diff = difference_from(computed, "oeu")
    assert list(diff.index) == ["GA", "FT", "SalUn"]
    assert list(diff["verdict"]) == ["larger", "smaller", "undecided"]
    assert diff.loc["GA", "low"] > 0 and diff.loc["FT", "high"] < 0 and diff.loc["SalUn", "low"] < 0 < diff.loc["SalUn", "high"]
    words = ablation_verdict(computed, "oeu")
    assert words.startswith("is confirmed for GA (a larger AG than OEU; the paired 95 % interval over 3 seeds lies above zero)")
    assert "is contradicted by FT" in words and "cannot be decided for SalUn" in words
    with pytest.raises(ValueError, match="'qmul' is not in this block"):
        difference_from(computed, "qmul")


def test_one_seed_is_always_undecided():
    computed = seeded_table({"retrain": 0.0, "oeu": 1.0, "ga": 30.0}, seeds=(1,))
    assert list(difference_from(computed, "oeu")["verdict"]) == ["undecided"]


def test_judge_compares_with_doing_nothing_and_with_the_noise_floor():
    base = {"retrain": 0.0, "retrain_indep": 1.0, "original": 2.0, "good": 0.8, "bad": 4.0, "noisy": 2.0}
    noise = {"retrain_indep": [0.1, -0.1, 0.0], "original": [0.0, 0.1, -0.1], "good": [0.0, 0.1, 0.0],
             "bad": [0.1, 0.0, 0.0], "noisy": [-3.0, 3.0, 0.5]}
    judged = judge(seeded_table(base, noise))
    assert list(judged.index) == ["good", "bad", "noisy"]
    assert list(judged["vs Original"]) == ["better", "worse", "undecided"]
    assert list(judged["vs noise floor"]) == ["within", "above", "within"]
    text = judge_words(judged)
    assert text.startswith("Good is closer to Retrain than doing nothing; bad is farther")
    assert "for noisy the difference from doing nothing is undecided" in text
    assert "good and noisy are not shown to be farther from Retrain than an independently seeded Retrain is" in text
    nothing = judge(seeded_table({**base, "good": 2.5}, {**noise, "good": [0.0, 0.1, 0.0]}))
    assert judge_words(nothing).startswith("No method is shown to be closer to Retrain than doing nothing; good and "
                                           "bad are farther from it than doing nothing; for noisy the difference from "
                                           "doing nothing is undecided (paired 95 % t intervals over 3 seeds). ")
    with pytest.raises(ValueError, match="no \\['original'\\] rows"):
        judge(seeded_table({"retrain": 0.0, "retrain_indep": 1.0, "oeu": 1.0}))


def test_chapter_5_figures_draw_one_bar_per_method():
    fig = plot_gap_bars({"a": fake_table(), "b": fake_table()})
    assert len(fig.axes) == 10 and len(fig.axes[0].patches) == 3          # Retrain is left out
    fig.canvas.draw()
    for i, ax in enumerate(fig.axes):                                     # the method names on the first column only
        shown = [t.get_text() for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
        assert shown == (["FT", "GA", "OEU"] if i % 5 == 0 else []), i    # first method at the top
        assert all(t.get_fontsize() >= 9 for t in ax.get_xticklabels() + ax.get_yticklabels())
        assert ax.title.get_fontsize() >= 9
    assert fig.axes[0].get_ylim()[0] > fig.axes[0].get_ylim()[1]          # inverted once, not once per panel
    assert [fig.axes[i].get_ylabel() for i in (0, 5)] == ["a", "b"]
    fig2 = plot_runtime(fake_table())
    assert len(fig2.axes[0].patches) == 4
    plt.close("all")


def test_group_phrases_skips_empty_groups_and_keeps_the_template_order():
    from helpers.notebook import group_phrases
    templates = {"larger": "larger for {}", "smaller": "smaller for {}", "undecided": "not told apart for {}"}
    groups = {"undecided": ["GA"], "larger": ["FT", "RL", "OEU"], "smaller": []}
    assert group_phrases(groups, templates) == ["larger for FT, RL and OEU", "not told apart for GA"]
    assert group_phrases({}, templates) == []


def test_an_undertrained_second_oracle_is_flagged():
    from helpers.experiments.compare import oracle_caveat_words, undertrained_oracle_seeds
    rows = pd.DataFrame([dict(amount=0.1, method=m, seed=s, FA=90.0, RA=ra, TA=90.0, MIA=50.0, AG=1.0)
                         for m, ras in {"retrain": (99.5, 99.2, 99.0), "retrain_indep": (83.8, 99.1, 97.0)}.items()
                         for s, ra in zip((1, 2, 3), ras)])
    table = pd.DataFrame(index=["retrain", "retrain_indep"])
    table.attrs["per_seed"] = rows
    assert undertrained_oracle_seeds(table) == {1: (99.5, 83.8)}          # seed 3 is 2 points below: fine
    words = oracle_caveat_words(table)
    assert "seed 1 (RA 83.8 % against Retrain's 99.5 %)" in words and "weak evidence" in words
    rows.loc[rows.method == "retrain_indep", "RA"] = 99.0
    assert oracle_caveat_words(table) == ""


def test_judge_words_separates_below_within_and_above_the_noise_floor():
    from helpers.experiments.compare import judge_words
    judged = pd.DataFrame({"vs Original": ["better", "undecided", "worse"],
                           "vs noise floor": ["below", "within", "above"]}, index=["A", "B", "C"])
    with pytest.raises(ValueError, match="made by judge"):
        judge_words(judged)
    judged.attrs["seeds"] = 4
    assert judge_words(judged) == (
        "A is closer to Retrain than doing nothing; C is farther from it than doing nothing; for B the difference "
        "from doing nothing is undecided (paired 95 % t intervals over 4 seeds). C is farther from Retrain than an "
        "independently seeded Retrain is; A is closer to Retrain than an independently seeded Retrain is; B is not "
        "shown to be farther from Retrain than an independently seeded Retrain is (undecided: within the oracle's "
        "noise floor, which is weak evidence of closeness, not proof).")
    assert "the oracle than a second oracle is;" in judge_words(judged, "the oracle", "a second oracle")
    judged["vs noise floor"] = "above"
    assert judge_words(judged).endswith("4 seeds). Every method is farther from Retrain than an independently "
                                        "seeded Retrain is.")


def test_glue_all_turns_strings_or_a_chosen_type_into_markdown(monkeypatch):
    from helpers import notebook
    seen = {}
    monkeypatch.setattr(notebook, "glue", lambda name, value: seen.__setitem__(name, value))

    class Md(str):
        pass

    out = notebook.glue_all({"n": 2.5, "s": "text"}, {"m": Md("**bold**")})
    assert out == {"m": "**bold**"} and seen["n"] == 2.5
    assert type(seen["s"]).__name__ == type(seen["m"]).__name__ == "Markdown"
    notebook.glue_all({"s": "text", "m": Md("x")}, markdown=Md)
    assert seen["s"] == "text" and type(seen["m"]).__name__ == "Markdown"
    assert (notebook.plural(1, "seed"), notebook.plural(3, "seed")) == ("1 seed", "3 seeds")
