"""Chapter 5's computed sentences (helpers.experiments.verdicts) on constructed tables whose answer is known."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers.experiments import aggregate
from helpers.experiments.compare import (block, judge, judge_words, label_methods, paired_metric, per_seed,
                                        rank_agreement_over_seeds, separated_pairs, versus_retrain)
from helpers.experiments.verdicts import (accuracy_loss_words, agreement_words, closest,
                                         closest_words, distributional_ranking, distributional_words, judgement,
                                         method_summary, network_words, original_quality_words,
                                         published_median_words, remembered_words, seed_count_words,
                                         separation_words, settings_words, signal_table, standing_words,
                                         summary_words, tuning_words, under_forgetting_words, weak_original)

SEEDS = (1, 2, 3)
BASE = {"FA": 50.0, "RA": 99.0, "TA": 95.0, "MIA": 10.0}


def table(spec: dict, seeds=SEEDS) -> pd.DataFrame:
    """``spec[amount][method]`` = per-metric values: a number (every seed) or a list (one per seed).

    A method given as a plain number ``x`` (or list) means FA = 50 + 4 x, so its AG
    against Retrain (FA 50) is x; metrics not given keep Retrain's value.
    """
    rows = []
    for amount, methods in spec.items():
        for method, values in methods.items():
            if not isinstance(values, dict):
                values = {"FA": np.add(50.0, np.multiply(4.0, values))}
            for i, seed in enumerate(seeds):
                row = {"amount": amount, "method": method, "seed": seed, **BASE, "seconds": 1.0}
                for metric, v in values.items():
                    row[metric] = float(np.broadcast_to(v, (len(seeds),))[i])
                rows.append(row)
    return aggregate(pd.DataFrame(rows))


def one(methods: dict, seeds=SEEDS) -> pd.DataFrame:
    return block(table({0.1: methods}, seeds), 0.1)


FLOOR = {"retrain": 0.0, "retrain_indep": [0.9, 1.1, 1.0], "original": [2.0, 2.1, 1.9]}
ONE_FLOOR = {"retrain": 0.0, "retrain_indep": 1.0, "original": 2.0}          # the same rows on one seed


def test_per_seed_and_paired_metric_read_any_metric_and_reject_unknown_ones():
    b = one({**FLOOR, "oeu": {"TA": [90.0, 91.0, 92.0]}})
    assert list(per_seed(b, "oeu", "TA")) == [90.0, 91.0, 92.0]
    iv = paired_metric(b, "oeu", b, "retrain", "TA")
    assert iv.mean == pytest.approx(-4.0) and iv.direction == "smaller"
    with pytest.raises(ValueError, match="'speed' is not a per-seed column"):
        per_seed(b, "oeu", "speed")


def test_closest_and_standing_name_each_paired_verdict():
    b = one({**FLOOR, "ft": [0.5, 0.6, 0.4], "ga": [3.0, 3.1, 2.9], "oeu": [0.2, 1.5, 0.1],
             "rl": [0.2, 0.25, 0.15]})
    assert closest(b) == "rl"
    words = standing_words(b, "ft")
    assert words == ("FT is closer to Retrain than GA, farther from it than RL, and not told apart from OEU "
                     "(paired 95 % t intervals on AG over 3 seeds)")
    assert closest_words(b).startswith("RL has the smallest mean AG (0.20); it is closer to Retrain than FT and GA "
                                       "and not told apart from OEU")
    clear = one({**FLOOR, "ft": [0.5, 0.6, 0.4], "ga": [3.0, 3.1, 2.9]})
    assert "is decidedly the closest to Retrain" in closest_words(clear)
    assert standing_words(one({**FLOOR, "oeu": 1.0})) == "OEU is the only method in this table"
    assert standing_words(b, "ga").startswith("GA is farther from Retrain than FT, OEU and RL (paired")


def test_one_seed_gives_no_verdict_and_says_so():
    b = one({"retrain": 0.0, "retrain_indep": 1.0, "original": 2.0, "ft": 0.5, "oeu": 3.0}, seeds=(1,))
    assert standing_words(b, "oeu") == ("OEU cannot be compared with the other methods: a paired comparison needs "
                                        "two seeds or more")
    assert closest_words(b) == ("FT has the smallest mean AG (0.50) on the one seed run (a description: a paired "
                                "comparison needs two seeds or more)")
    nothing_best = one({**ONE_FLOOR, "original": 0.3, "ft": 0.5, "oeu": 3.0}, seeds=(1,))
    assert closest_words(nothing_best) == (
        "FT has the smallest mean AG of the methods (0.50) on the one seed run, though doing nothing (the Original) "
        "scores 0.30, below every method (a description: a paired comparison needs two seeds or more)")
    nothing_three = one({**FLOOR, "original": [0.1, 0.2, 0.15], "ft": [0.5, 0.6, 0.4], "ga": [3.0, 3.1, 2.9]})
    assert closest_words(nothing_three).startswith(
        "FT has the smallest mean AG of the methods (0.50), though doing nothing (the Original) scores 0.15, below "
        "every method, and is decidedly the closest to Retrain")
    assert judgement(b).startswith("With one seed no paired comparison is possible")
    assert accuracy_loss_words(b).startswith("none can be shown on one seed")
    three = one({**FLOOR, "ft": [0.5, 0.6, 0.4]})
    assert judgement(three) == judge_words(judge(three))


def test_separation_tells_a_null_scenario_from_one_with_signal():
    null = one({"retrain": 0.0, "retrain_indep": [1.0, 2.0, 0.5], "original": [1.5, 0.8, 1.2],
                "ft": [0.5, 0.6, 0.4], "ga": [3.0, 3.1, 2.9], "oeu": [0.5, 0.7, 0.3]})
    words = separation_words(null, "10 % random forgetting")
    assert ("spans zero: 10 % random forgetting does not show a model that forgot nothing to be farther from "
            "Retrain than a second Retrain is") in words
    assert words.endswith("Of the 3 pairs of methods, 2 are told apart by a paired 95 % interval on AG.")
    signal = one({**FLOOR, "ft": 0.5})
    assert "lies above zero" in separation_words(signal) and "pairs" not in separation_words(signal)
    assert "leaves something to forget that the oracle can see" in separation_words(signal)
    below = one({**FLOOR, "original": [0.1, 0.2, 0.15]})
    assert "lies below zero" in separation_words(below)
    one_seed = one({"retrain": 0.0, "retrain_indep": 1.0, "original": 2.0, "ft": 0.5, "ga": 0.7}, seeds=(1,))
    assert separation_words(one_seed).endswith("with one seed the two cannot be compared by a paired test "
                                               "(a difference of +1.00, a description).")


def test_separation_and_signal_table_flag_an_undertrained_second_retrain():
    failed = one({"retrain": 0.0, "retrain_indep": {"FA": [51.0, 52.0, 50.0], "RA": [84.0, 99.0, 98.5]},
                  "original": [1.5, 0.8, 1.2], "ft": [0.5, 0.6, 0.4], "ga": [3.0, 3.1, 2.9]})
    words = separation_words(failed, "10 % random forgetting")
    assert "Of the 1 pairs of methods" in words
    assert words.endswith("Caution: Retrain′ trained poorly on seed 1 (RA 84.0 % against Retrain's 99.0 %), more "
                          "than 5 points below on its own training data. It did not finish learning, so the noise "
                          "floor it sets is wider than a well-trained second Retrain would give, and \"within the "
                          "noise floor\" is weak evidence here.")
    assert "Caution" not in separation_words(one({**FLOOR, "ft": 0.5}))
    assert judgement(failed) == judge_words(judge(failed)) + " " + words[words.index("Caution"):]
    assert "Caution" not in judgement(one({**FLOOR, "ft": 0.5}))
    t = table({0.1: {"retrain": 0.0, "retrain_indep": {"RA": [84.0, 90.0, 98.5]}, "original": 1.0, "ft": 0.5},
               0.3: {**FLOOR, "ft": 0.5}})
    assert list(signal_table(t)["Retrain′ under-trained on"]) == ["seeds 1 and 2", "none"]


def test_signal_table_has_a_row_per_ratio():
    t = table({0.1: {**FLOOR, "original": [1.0, 1.2, 0.8], "ft": [0.5, 1.0, 0.2], "ga": 0.6},
               0.5: {**FLOOR, "ft": [0.5, 0.6, 0.4], "ga": [3.0, 3.1, 2.9]}})
    out = signal_table(t)
    assert list(out.index) == [0.1, 0.5]
    assert list(out["Original vs noise floor"]) == ["within", "above"]
    assert list(out["method pairs told apart"]) == ["0 of 1", "1 of 1"]
    assert list(out["Retrain′ under-trained on"]) == ["none", "none"]


def test_separated_pairs_counts_each_unordered_pair_once():
    pairs = separated_pairs(one({**FLOOR, "a": [1.0, 1.1, 0.9], "b": [2.0, 2.1, 1.9], "c": [1.0, 3.0, 0.0]}))
    assert len(pairs) == 3 and list(pairs["verdict"]) == ["smaller", "undecided", "undecided"]


def test_agreement_over_seeds_uses_one_rho_per_seed():
    published = pd.DataFrame({"AG": [0.0, 1.0, 2.0, 3.0]}, index=["retrain", "ft", "ga", "oeu"])
    same = one({**FLOOR, "ft": [0.1, 0.2, 0.1], "ga": [1.0, 1.1, 0.9], "oeu": [2.0, 2.2, 2.1]})
    iv = rank_agreement_over_seeds(same, published)
    assert iv.mean == pytest.approx(1.0) and iv.direction == "larger"
    assert agreement_words(same, published).startswith("agrees with the paper's (mean Spearman ρ over 3 seeds +1.00")
    reverse = one({**FLOOR, "ft": [2.1, 2.2, 2.0], "ga": [1.0, 1.1, 0.9], "oeu": [0.1, 0.2, 0.1]})
    assert agreement_words(reverse, published).startswith("runs against the paper's")
    mixed = one({**FLOOR, "ft": [0.1, 2.0, 1.0], "ga": [1.0, 1.0, 0.1], "oeu": [2.0, 0.1, 2.0]})
    assert agreement_words(mixed, published).startswith("is not told apart from an unrelated order")
    single = one({"retrain": 0.0, "retrain_indep": 1.0, "original": 2.0, "ft": 1.0, "ga": 2.0}, seeds=(1,))
    assert agreement_words(single, published).startswith("cannot be compared")


def test_under_forgetting_reports_each_ratio():
    t = table({0.1: {**FLOOR, "ft": {"FA": [60.0, 61.0, 62.0]}, "ga": {"FA": [50.0, 40.0, 61.0]}},
               0.3: {**FLOOR, "ft": {"FA": [70.0, 71.0, 80.0]}, "ga": {"FA": [45.0, 44.0, 46.0]}}})
    assert under_forgetting_words(t) == ("FT's FA stays above Retrain's at 10 % and 30 %; GA's FA is not decidedly "
                                         "above Retrain's at any ratio (below it at 30 %) (paired 95 % t intervals "
                                         "over 3 seeds)")


def test_class_forgetting_separates_remembering_from_forgetting():
    b = one({**FLOOR, "retrain": {"FA": 0.0}, "retrain_indep": {"FA": 0.0}, "original": {"FA": 99.0},
             "oeu": {"FA": [80.0, 85.0, 90.0]}, "rl": {"FA": 0.0}, "ft": {"FA": [0.0, 30.0, 0.0]}})
    words = remembered_words(b)
    assert words.startswith("Retrain's FA on the forgotten class is 0.0 %. OEU (85.0 %) keeps an FA above it beyond "
                            "seed noise (still recognising the class)")
    assert "RL (0.0 %) and FT (10.0 %) cannot be told apart from Retrain's FA" in words
    none = one({**FLOOR, "retrain": {"FA": 0.0}, "rl": {"FA": 0.0}})
    assert "No method keeps an FA decidedly above it" in remembered_words(none)
    both = one({**FLOOR, "retrain": {"FA": 1.0}, "ft": {"FA": [90.0, 95.0, 99.0]}, "ga": {"FA": [80.0, 85.0, 90.0]}})
    assert remembered_words(both, "the poisoned samples", "still predicting the poison label").startswith(
        "Retrain's FA on the poisoned samples is 1.0 %. FT (94.7 %) and GA (85.0 %) keep an FA above it")


def test_accuracy_loss_and_network_comparison():
    b = one({**FLOOR, "ft": {"TA": [85.0, 86.0, 84.0]}, "ga": {"TA": [95.0, 80.0, 99.0]}})
    assert accuracy_loss_words(b) == "FT (-10.0 points)"
    assert accuracy_loss_words(one({**FLOOR, "ft": 0.2})) == "none of the methods"
    weaker = one({**FLOOR, "retrain": {"TA": [90.0, 91.0, 89.0]}})
    stronger = one({**FLOOR, "retrain": {"TA": [96.0, 97.0, 96.5]}})
    words = network_words(weaker, stronger, "the small net", "the big net")
    assert words.startswith("Retrain's test accuracy is 90.0 % on the small net and 96.5 % on the big net: "
                            "the small net is the weaker classifier")
    assert "is the stronger classifier" in network_words(stronger, weaker, "big", "small")
    noisy = one({**FLOOR, "retrain": {"TA": [90.0, 99.0, 95.0]}})
    assert "neither is decidedly the stronger classifier" in network_words(noisy, stronger, "a", "b")
    small = one({**ONE_FLOOR, "retrain": {"TA": 86.0}}, seeds=(1,))
    big = one({**ONE_FLOOR, "retrain": {"TA": 96.5}}, seeds=(1,))
    assert network_words(small, big, "a", "b") == ("Retrain's test accuracy is 86.0 % on a and 96.5 % on b; with one "
                                                   "seed the two cannot be compared by a paired test (a difference "
                                                   "of -10.5 points, a description)")


def test_settings_words_say_once_that_one_seed_decides_nothing():
    single = one({**ONE_FLOOR, "oeu": 0.2, "ft": 1.5}, seeds=(1,))
    assert settings_words({"a": single, "b": single}).startswith("With one seed per setting no paired comparison")
    three = one({**FLOOR, "oeu": [0.2, 0.3, 0.25], "ft": [1.5, 1.6, 1.4]})
    words = settings_words({"PACT": three})
    assert words.startswith("PACT: OEU and FT are closer to Retrain than doing nothing")
    assert words.endswith("OEU is closer to Retrain than FT (paired 95 % t intervals on AG over 3 seeds).")


def test_original_quality_words_flag_a_weak_original():
    weak = one({**FLOOR, "original": {"TA": [60.0, 62.0, 61.0]}})
    assert original_quality_words(weak, "the original MobileNetV2").startswith(
        "The original MobileNetV2 reaches a test accuracy of 61.0 % against Retrain's 95.0 %: more than 10 points "
        "below it beyond seed noise, so every method's gap here mostly measures how weak the original was")
    fine = one({**FLOOR, "original": {"TA": [94.0, 95.0, 96.0]}})
    assert original_quality_words(fine) == "The original reaches a test accuracy of 95.0 % against Retrain's 95.0 %"
    single = one({**ONE_FLOOR, "original": {"TA": 50.0}}, seeds=(1,))
    assert "below it on the one seed run" in original_quality_words(single)


def test_weak_original_needs_the_gap_beyond_noise():
    weak = one({**FLOOR, "original": {"TA": [10.0, 12.0, 11.0]}})
    fine = one({**FLOOR, "original": {"TA": [94.0, 95.0, 96.0]}})
    noisy = one({**FLOOR, "original": {"TA": [10.0, 95.0, 94.0]}})
    assert weak_original(weak) and not weak_original(fine) and not weak_original(noisy)
    assert weak_original(one({"retrain": 0.0, "original": {"TA": 20.0}}, seeds=(1,)))


def test_method_summary_and_its_sentence():
    first = one({**FLOOR, "oeu": [0.2, 0.3, 0.25], "ft": [1.5, 1.6, 1.4]})
    tied = one({**FLOOR, "oeu": [0.2, 1.5, 0.1], "ft": [0.5, 0.6, 0.4]})
    summary = method_summary({"a": (first, 1), "b": (tied, None)})
    assert list(summary["closer than"]) == [1, 0] and list(summary["not told apart"]) == [0, 1]
    assert list(summary["vs Original"]) == ["better", "undecided"]
    assert list(summary["rank of mean AG"]) == [1, 2]
    assert summary_words(summary).startswith("OEU is decidedly the closest to Retrain (closer than every other "
                                             "method, paired over seeds) in 1 of the 2 comparisons, and no method "
                                             "is decidedly closer than it in 2")
    single = one({**ONE_FLOOR, "oeu": 0.2, "ft": 1.5}, seeds=(1,))
    with_single = method_summary({"a": (first, 1), "b": (tied, None), "c": (single, None)})
    assert with_single.loc["c", "seeds"] == 1
    assert list(with_single.loc["c", ["closer than", "farther than", "not told apart", "vs Original",
                                      "vs noise floor"]]) == ["— (1 seed)"] * 5
    assert with_single.loc["c", "rank of mean AG"] == 1
    assert summary_words(with_single).endswith("(1 comparison with one seed left out)")
    assert "in 1 of the 2 comparisons" in summary_words(with_single)
    assert summary_words(method_summary({"c": (single, None)})).startswith("No comparison has two seeds or more")


def test_label_methods_relabels_the_method_level():
    t = table({0.1: {**FLOOR, "oeu": 0.5}})
    assert list(label_methods(t).index.get_level_values(1)) == ["Retrain", "Retrain′ (independent seed)",
                                                                "Original (do nothing)", "OEU"]
    assert list(label_methods(block(t, 0.1)).index)[-1] == "OEU"


def test_versus_retrain_defaults_to_every_row_but_retrain():
    out = versus_retrain(one({**FLOOR, "oeu": [0.5, -0.5, 0.1]}), "FA")
    assert list(out.index) == ["retrain_indep", "original", "oeu"]
    assert list(out["verdict"]) == ["larger", "larger", "undecided"]


def test_tuning_words_names_the_set_and_says_when_it_is_a_placeholder(tmp_path, monkeypatch):
    from helpers.experiments import runner
    sets = {"default": {
        "random/resnet18-w4a4": {"_selection_seed": 0, "_amount": 0.1, "oeu": {"lr": 0.01}},
        "class/resnet18-w4a4": {"_untuned": "placeholder: a copy", "oeu": {"lr": 0.01}},
        "poisoned/resnet18-w4a4": {"_selection_seed": 0, "_amount": 0.05, "_untuned_methods": ["iu", "qmul"],
                                   "_notes": {"ga": "no grid point brings FA within 5 points of Retrain's 5.6 %; "
                                                    "the closest", "ft": "not shown"},
                                   "ga": {"lr": 1.0}}}}
    path = tmp_path / "hparams.json"
    path.write_text(json.dumps(sets))
    monkeypatch.setattr(runner, "HPARAMS_FILE", path)
    b = one({**FLOOR, "oeu": 0.5, "iu": 0.6, "ga": 0.7})
    b.attrs["hparams_set"] = "random/resnet18-w4a4"
    words = tuning_words("default", b)
    assert words == "the set `random/resnet18-w4a4` of `hparams.json`, chosen on seed 0 at ratio 0.1"
    b.attrs["hparams_set"] = "class/resnet18-w4a4"
    assert "which is not tuned for this scenario yet (placeholder: a copy)" in tuning_words("default", b)
    b.attrs["hparams_set"] = "poisoned/resnet18-w4a4"
    assert tuning_words("default", b).endswith(
        "at ratio 0.05; IU keeps the package defaults. The tuning's notes, measured on the selection seed (seed 0): "
        "GA: no grid point brings FA within 5 points of Retrain's 5.6 % on seed 0; the closest")
    b.attrs["hparams_set"] = None
    assert tuning_words("default", b).startswith("the package defaults")


def population(points: dict) -> pd.DataFrame:
    """A population table (as population_table lays it out) whose F is the mean of the given per-example points."""
    rows = {m: {"label": m, "F": float(np.mean(p)), "score": 0.9 * float(np.mean(p)), "ulira_accuracy": 60.0}
            for m, p in points.items()}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["points"] = {m: np.asarray(p, dtype=float) for m, p in points.items()}
    return table


def test_distributional_ranking_and_words_pair_over_forget_examples():
    rng = np.random.default_rng(0)
    base = rng.uniform(0.0, 0.2, size=40)
    pops = population({"retrain_indep": base + 0.5, "original": np.zeros(40), "ft": base + 0.1,
                       "ga": base, "oeu": base + 0.1 + rng.normal(0, 0.3, size=40)})
    words = distributional_words(pops)
    best = "FT" if pops.loc["ft", "F"] > pops.loc["oeu", "F"] else "OEU"
    assert words.startswith(f"{best} has the highest forgetting quality")
    assert "paired over the 40 forget examples it is decidedly above GA and not told apart from" in words
    ag = one({**FLOOR, "ft": 0.5, "ga": 0.2, "oeu": 0.9})
    ranking = distributional_ranking(pops, ag)
    assert list(ranking.index) == ["Retrain′ (independent seed)", "Original (do nothing)", "FT", "GA", "OEU"]
    assert ranking.loc["GA", "rank by F"] == 3 and ranking.loc["GA", "rank by AG"] == 1
    assert pd.isna(ranking.loc["Original (do nothing)", "rank by F"])
    with pytest.raises(ValueError, match="no method rows"):
        distributional_words(population({"retrain_indep": base, "original": base}))


def test_forget_gap_words_pairs_each_scenario_and_compares_it_with_the_first():
    from helpers.experiments.verdicts import forget_gap_words
    small = one({**FLOOR, "ft": 0.1} | {"original": {"FA": [51.0, 52.0, 51.5]}})          # +1.5 points
    large = one({**FLOOR} | {"original": {"FA": [90.0, 95.0, 92.0]}})                   # about +42
    smaller = one({**FLOOR} | {"original": {"FA": [50.0, 51.0, 50.5]}})                 # +0.5, 1 below on each seed
    noisy = one({**FLOOR} | {"original": {"FA": [40.0, 60.0, 55.0]}})                   # +1.7, spans zero
    words = forget_gap_words({"random": small, "class": large, "tiny": smaller, "noisy": noisy})
    assert words.startswith("Doing nothing's forget accuracy minus Retrain's is +1.50 [")
    assert "points for class" in words and "over 3 seeds" in words
    assert "against random, the difference is decidedly larger for class; decidedly smaller for tiny; " \
           "not told apart for noisy" in words
    only = forget_gap_words({"random": small})
    assert "against" not in only and only.endswith("over 3 seeds)")
    single = forget_gap_words({"random": one({**ONE_FLOOR, "original": {"FA": 53.0}}, seeds=(1,))})
    assert single == "Doing nothing's forget accuracy minus Retrain's is +3.0 points for random, on one seed: " \
                     "a description, which decides nothing"
    with pytest.raises(ValueError, match="at least one scenario"):
        forget_gap_words({})


def test_seconds_words_state_the_ratio_as_a_description():
    from helpers.experiments.verdicts import seconds_words
    a, b = one(FLOOR), one(FLOOR)
    a.loc["retrain", "seconds"], b.loc["retrain", "seconds"] = 5.0, 2.0
    assert seconds_words(a, b, "net A", "net B") == (
        "Retrain took 5.0 s on net A and 2.0 s on net B, a ratio of 2.50 (mean wall times over each table's "
        "seeds, one measurement per seed: a description, not a paired test)")
    b.loc["retrain", "seconds"] = 0.0
    with pytest.raises(ValueError, match="no positive wall time"):
        seconds_words(a, b, "A", "B")


@pytest.mark.parametrize("values, way", [((0.2, 0.3, 0.5), "rose from 0.20 at 10 % to 0.50 at 50 %"),
                                         ((0.5, 0.3, 0.2), "fell from 0.50 at 10 % to 0.20 at 50 %"),
                                         ((0.4, 0.1, 0.4), "stayed the same from 0.40 at 10 % to 0.40 at 50 %")])
def test_cost_trend_words_compare_the_smallest_and_largest_forget_set(values, way):
    from helpers.experiments.verdicts import cost_trend_words
    ratios = pd.Series(values, index=[0.5, 0.3, 0.1][::-1])
    assert cost_trend_words(ratios) == f"Here OEU's time over Retrain's {way} (mean wall times, one measurement " \
                                       "per seed: a description, not a paired test)"
    with pytest.raises(ValueError, match="two forget-set sizes"):
        cost_trend_words(pd.Series([0.2], index=[0.1]))


def test_seed_count_words_say_one_seed_or_n_seeds():
    assert seed_count_words(1) == "the one seed" and seed_count_words(3) == "the 3 seeds"
    with pytest.raises(ValueError, match="positive integer"):
        seed_count_words(0)


def test_published_median_words_count_the_papers_methods_and_those_not_run():
    published = pd.DataFrame({"AG": [0.0, 0.1, 0.3, 0.2, 9.0]}, index=["retrain", "ft", "ga", "iu", "oeu"])
    computed = one({**FLOOR, "ft": 0.5, "ga": 0.5, "oeu": 0.5})
    assert published_median_words(computed, published) == ("the median AG of its 4 approximate methods there is 0.25 "
                                                           "(IU, 1 of them, is not run here)")
    everything = one({**FLOOR, "ft": 0.5, "ga": 0.5, "iu": 0.5, "oeu": 0.5})
    assert published_median_words(everything, published).endswith("there is 0.25")
    with pytest.raises(ValueError, match="no AG"):
        published_median_words(computed, published.loc[["retrain"]])
