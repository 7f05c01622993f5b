"""Chapter 8's verdicts on constructed results whose answers are known: every wording branch."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.hybrid.verdicts import (budget_words, direction_words, favourites_words,
                                             floor_distance_words, floor_words, gap_block, judge, judge_sentence,
                                             leader_words, leading_group, ranking, ranking_words)

SEEDS = (1, 2, 3)
WOBBLE = (0.0, 0.01, -0.01)       # small, seed-to-seed noise shared by nobody


def results(ag: dict, noise: dict | None = None, datasets=("iris",), scenario="B", column="AG"):
    """Rows like experiment.run's: ``ag[method]`` plus ``noise[method][i]`` on seed i, for each dataset."""
    noise = noise or {}
    rows = []
    for dataset in datasets:
        for i, seed in enumerate(SEEDS):
            for method, value in ag.items():
                extra = noise.get(method, WOBBLE)[i]
                rows.append(dict(dataset=dataset, scenario=scenario, seed=seed, method=method, **{column: value + extra}))
    return pd.DataFrame(rows)


BASE = {"original": 0.30, "oracle": 0.0, "oracle_indep": 0.05}


def test_gap_block_names_rows_for_judge_and_averages_datasets_per_seed():
    res = pd.concat([results({**BASE, "ga": 0.4}, datasets=("iris",)),
                     results({**BASE, "ga": 0.2}, datasets=("digits",))])
    block = gap_block(res, "B")
    assert set(block.index) == {"original", "retrain", "retrain_indep", "GA"}
    assert block.loc["GA", "AG"] == pytest.approx(0.3)
    assert gap_block(res, "B", dataset="digits").loc["GA", "AG"] == pytest.approx(0.2)
    per_seed = block.attrs["per_seed"]
    assert list(per_seed[per_seed.method == "GA"].AG) == pytest.approx([0.3, 0.31, 0.29])
    with pytest.raises(ValueError, match="no rows for scenario 'A'"):
        gap_block(res, "A")
    with pytest.raises(ValueError, match="lack the reference rows \\['oracle_indep'\\]"):
        gap_block(results({"original": 0.3, "oracle": 0.0, "ga": 0.4}), "B")
    uneven = res[~((res.dataset == "digits") & (res.method == "ga"))]
    with pytest.raises(ValueError, match="same datasets on every seed"):
        gap_block(uneven, "B")


def test_judge_on_the_chapters_block_uses_doing_nothing_and_the_second_oracle():
    res = results({**BASE, "eu_k": 0.05, "ga": 0.6, "lca": 0.3},
                  {"lca": (-0.2, 0.2, 0.05), "eu_k": (0.0, 0.01, -0.01), "oracle_indep": (0.01, 0.0, -0.01)})
    judged = judge(gap_block(res, "B"))
    assert judged.loc["EU-k", "vs Original"] == "better" and judged.loc["GA", "vs Original"] == "worse"
    assert judged.loc["LCA", "vs Original"] == "undecided"
    assert judged.loc["EU-k", "vs noise floor"] == "within" and judged.loc["GA", "vs noise floor"] == "above"


def test_judge_sentence_says_oracle_and_states_every_branch():
    block = gap_block(results({**BASE, "eu_k": 0.05, "ga": 0.6, "lca": 0.3, "oeu": 0.0},
                              {"lca": (-0.2, 0.2, 0.05)}), "B")
    judged = judge(block)
    assert list(judged["vs Original"]) == ["better", "worse", "undecided", "better"]
    assert list(judged["vs noise floor"]) == ["within", "above", "within", "below"]
    assert judge_sentence(block) == (
        "EU-k and OEU are closer to the oracle than doing nothing; GA is farther from it than doing nothing; "
        "for LCA the difference from doing nothing is undecided (paired 95 % t intervals over 3 seeds). "
        "GA is farther from the oracle than a second, independently seeded oracle is; OEU is closer to the oracle "
        "than a second, independently seeded oracle is; EU-k and LCA are not shown to be farther from the oracle "
        "than a second, independently seeded oracle is (undecided: within the oracle's noise floor, which is weak "
        "evidence of closeness, not proof).")
    far = gap_block(results({**BASE, "ga": 0.6, "dg": 0.5}), "B")
    assert judge_sentence(far) == (
        "No method is shown to be closer to the oracle than doing nothing; GA and DG (ch. 7) are farther from it "
        "than doing nothing (paired 95 % t intervals over 3 seeds). Every method is farther from the oracle than "
        "a second, independently seeded oracle is.")
    assert "Retrain" not in judge_sentence(block) + judge_sentence(far)


def test_leader_words_compares_the_leader_with_doing_nothing_and_the_second_oracle():
    def words(ag, noise=None):
        block = gap_block(results(ag, noise), "B")
        return leader_words(block, ranking(block))
    assert words({**BASE, "eu_k": 0.0, "ga": 0.6}) == (
        "The leader, EU-k, is closer to the oracle than doing nothing; it is closer to the oracle than a second "
        "oracle is (paired 95 % t intervals over 3 seeds).")
    assert words({**BASE, "original": 0.06, "eu_k": 0.05}, {"original": (-0.1, 0.1, 0.0)}) == (
        "The leader, EU-k, is not shown to be closer to the oracle than doing nothing; it is within the oracle's "
        "noise floor: not shown to be farther from the oracle than a second oracle is, which is not proof of "
        "closeness (paired 95 % t intervals over 3 seeds); doing nothing is itself not farther from the oracle "
        "than a second oracle is, so this ordering ranks noise around the oracle.")
    assert words({**BASE, "original": 0.01, "ga": 0.2}) == (
        "The leader, GA, is farther from the oracle than doing nothing; it is farther from the oracle than a "
        "second oracle is (paired 95 % t intervals over 3 seeds); doing nothing is itself not farther from the oracle than a "
        "second oracle is, so this ordering ranks noise around the oracle.")
    one_seed = results({**BASE, "ga": 0.2})
    block = gap_block(one_seed[one_seed.seed == 1], "B")
    with pytest.raises(ValueError, match="at least two seeds"):
        leader_words(block, ranking(block))


def test_floor_distance_words_pairs_doing_nothing_with_the_second_oracle_in_one_cell():
    def words(original, noise):
        res = results({"original": original, "oracle": 0.0, "oracle_indep": 0.67, "ga": 0.8},
                      {"original": noise}, datasets=("digits",), scenario="A", column="KL_test")
        return floor_distance_words(res, "digits", "A")
    assert words(0.64, (-0.2, 0.2, 0.0)) == (
        "Doing nothing is at a test KL of 0.64 from the oracle, a second oracle at 0.67; the paired 95 % t "
        "intervals over 3 seeds span zero: by this measure the untouched model cannot be told apart from "
        "another retraining.")
    assert words(1.5, WOBBLE).endswith("put the difference above zero: by this measure the untouched model is "
                                       "farther from the oracle than another retraining is.")
    assert words(0.2, WOBBLE).endswith("below zero: by this measure the untouched model is closer to the oracle "
                                       "than another retraining is.")
    res = results({**BASE, "ga": 0.4}, datasets=("digits",), scenario="A", column="KL_test")
    with pytest.raises(ValueError, match="no rows for dataset 'iris'"):
        floor_distance_words(res, "iris", "A")
    with pytest.raises(ValueError, match="no \\['oracle_indep'\\] rows"):
        floor_distance_words(res[res.method != "oracle_indep"], "digits", "A")


def ranked_of(ag, noise=None):
    return ranking(gap_block(results({**BASE, **ag}, noise), "B"))


def test_ranking_with_a_separated_tail_and_an_undecided_group():
    ranked = ranked_of({"eu_k": 0.05, "lca": 0.10, "ga": 0.60}, {"lca": (-0.1, 0.15, 0.0)})
    assert list(ranked.index) == ["EU-k", "LCA", "GA"]
    assert list(ranked["vs first"]) == ["first", "undecided", "farther"]
    assert ranked.loc["GA", "low"] > 0 and ranked.loc["LCA", "low"] < 0 < ranked.loc["LCA", "high"]
    assert leading_group(ranked) == ["EU-k", "LCA"]
    text = ranking_words(ranked)
    assert text == ("By mean AG, EU-k comes first (0.050); the paired 95 % t intervals over 3 seeds put GA farther "
                    "from the oracle, but do not separate it from LCA: the leading group is EU-k and LCA.")
    assert favourites_words(ranked, ["EU-k", "LCA"]) == "All of the study's favourites, EU-k and LCA, are in the leading group."
    assert favourites_words(ranked, ["LCA", "GA"]) == ("Of the study's favourites, LCA is in the leading group; "
                                                       "GA is not (EU-k is closer to the oracle).")
    assert favourites_words(ranked, ["GA"]) == ("None of the study's favourites, GA, is in the leading group: "
                                                "EU-k is closer to the oracle than each of them.")
    with pytest.raises(ValueError, match="\\['SalUn'\\] are not ranked methods"):
        favourites_words(ranked, ["SalUn"])


def test_ranking_words_when_everything_or_nothing_is_separated():
    clear = ranked_of({"eu_k": 0.05, "ga": 0.60, "scrub": 0.40})
    assert list(clear.index) == ["EU-k", "SCRUB", "GA"]
    assert ranking_words(clear).endswith("put every other method farther from the oracle.")
    noisy = ranked_of({"eu_k": 0.05, "ga": 0.06}, {"ga": (-0.3, 0.3, 0.02)})
    assert list(noisy["vs first"]) == ["first", "undecided"]
    assert ranking_words(noisy).endswith("do not separate it from any other method: "
                                         "no method is shown to be farther from the oracle than it.")
    assert ranking_words(ranked_of({"ga": 0.6})) == "By mean AG, GA comes first (0.600); it is the only method."
    with pytest.raises(ValueError, match="no unlearning method besides"):
        ranked_of({})


def test_direction_words_pair_one_column_with_the_oracle():
    base = {"original": 0.9, "oracle": 0.5, "oracle_indep": 0.5}

    def words(methods, noise=None):
        res = results({**base, **methods}, noise, datasets=("digits",), scenario="A", column="MIA_AUC")
        return direction_words(res, "digits", "A", "MIA_AUC", "MIA AUC")
    assert words({"lca": 0.2, "ga": 0.9, "oeu": 0.5, "eu_k": 0.5}, {"oeu": (-0.2, 0.2, 0.1)}) == (
        "LCA has a lower MIA AUC than the oracle's; GA a higher one; EU-k has the same one on every seed; "
        "for OEU the difference is undecided (paired 95 % t intervals over 3 seeds).")
    assert words({"eu_k": 0.5}) == ("EU-k has the same MIA AUC as the oracle's on every seed "
                                    "(paired 95 % t intervals over 3 seeds).")
    assert words({"ga": 0.9}) == "GA has a higher MIA AUC than the oracle's (paired 95 % t intervals over 3 seeds)."
    assert words({"oeu": 0.5}, {"oeu": (-0.2, 0.2, 0.1)}).startswith(
        "For every method the difference of the MIA AUC from the oracle's is undecided")
    res = results({**base, "ga": 0.9}, datasets=("digits",), scenario="A", column="MIA_AUC")
    with pytest.raises(ValueError, match="no rows for dataset 'iris'"):
        direction_words(res, "iris", "A", "MIA_AUC", "MIA AUC")
    with pytest.raises(ValueError, match="unknown column 'AUC'"):
        direction_words(res, "digits", "A", "AUC", "MIA AUC")


def test_budget_words_reads_the_ends_of_the_grid():
    def selection(steps):
        return pd.DataFrame([dict(dataset=d, scenario=s, method=m, steps=v[i])
                             for m, v in steps.items() for i, (d, s) in enumerate([("iris", "A"), ("iris", "B")])])
    grid = (4, 8, 16, 32)
    both = selection({"eu_k": (32, 32), "ga": (4, 4), "lca": (8, 32)})
    assert budget_words(both, grid) == ("EU-k took the largest budget offered (32 steps) in every cell, so its best "
                                        "budget may lie beyond the grid; GA took the smallest (4 steps) in every cell.")
    assert budget_words(selection({"ga": (4, 4), "lca": (8, 32)}), grid) == "GA took the smallest (4 steps) in every cell."
    assert budget_words(selection({"eu_k": (32, 32), "certified": (32, 32)}), grid).startswith(
        "EU-k and Certified took the largest budget offered (32 steps) in every cell, so their best")
    assert budget_words(selection({"lca": (8, 32)}), grid) == \
        "No method took the same end of the grid (4 or 32 steps) in every cell."
    with pytest.raises(ValueError, match="selection table is empty"):
        budget_words(selection({}), grid)


def test_floor_words_asks_whether_doing_nothing_is_beyond_the_noise_floor():
    def block(original, noise):
        return gap_block(results({"original": original, "oracle": 0.0, "oracle_indep": 0.05, "ga": 0.2},
                                 {"original": noise}), "B")
    assert floor_words(block(0.30, WOBBLE)) == (
        "Doing nothing is farther from the oracle than a second, independently seeded oracle is (AG 0.300 against "
        "0.050; paired 95 % t intervals over 3 seeds put the difference above zero): there is something to forget here.")
    assert floor_words(block(0.06, (-0.1, 0.1, 0.0))).startswith(
        "Doing nothing is not farther from the oracle than a second, independently seeded oracle is (AG 0.060 "
        "against 0.050; paired 95 % t intervals over 3 seeds span zero): even the untouched model is within")
    assert floor_words(block(0.01, WOBBLE)).startswith("Doing nothing is closer to the oracle than a second")


def test_plot_gap_draws_every_row_and_the_noise_floor():
    import matplotlib
    matplotlib.use("Agg")
    from helpers.hybrid.plots import plot_gap

    fig = plot_gap(results({**BASE, "ga": 0.6, "eu_k": 0.1}, datasets=("iris", "digits")))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["EU-k", "GA", "oracle′ (replica 1)", "original"]
    assert ax.lines[-1].get_xdata()[0] == pytest.approx(0.05)            # the second oracle's mean AG
    assert len(fig.axes) == 2
    assert [a.get_title() for a in fig.axes] == ["digits, B: class 0", "iris, B: class 0"]   # as summary() sorts


def test_plot_tradeoff_names_the_reference_points_in_a_legend_and_labels_the_methods():
    import matplotlib
    matplotlib.use("Agg")
    from helpers.hybrid import experiment as E
    from helpers.hybrid.plots import plot_tradeoff

    res = pd.concat([results({**BASE, "ga": 0.6}, column=c) for c in ("forget", "test")], axis=1)
    res = res.loc[:, ~res.columns.duplicated()]
    fig = plot_tradeoff(E.summary(res, columns=["forget", "test"]))
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["original", "oracle (retrain)", "oracle′ (replica 1)"]
    assert [t.get_text() for t in ax.texts] == ["GA"]


def test_the_experiment_scores_doing_nothing_and_a_second_oracle():
    from helpers.hybrid import experiment as E

    res, selection = E.run(datasets=("iris",), scenarios=("B",), seeds=(1, 2), methods=("ga",), progress=False)
    assert sorted(res.method.unique()) == ["ga", "oracle", "oracle_indep", "original"]
    assert list(selection.method) == ["ga"] and selection.steps.iloc[0] in E.STEP_GRID
    by = res.set_index(["seed", "method"])["AG"]
    assert (by.xs("oracle", level="method") == 0).all()                 # the oracle scored against itself
    assert (by.xs("oracle_indep", level="method") > 0).all()            # another oracle is not the oracle
    assert (by.xs("original", level="method") > 0.2).all()              # class 0 is still recognised
    judged = judge(gap_block(res, "B"))
    assert list(judged.index) == ["GA"]
