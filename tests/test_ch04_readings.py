"""Chapter 4's readings (helpers.chapters.ch04) on constructed populations and tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import notebook
from helpers.chapters import ch04
from helpers.notebook import glue_all


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


# --- Sections 4.2 to 4.8 -------------------------------------------------------------------------

class _Threshold:
    """A stand-in attack: "member" (1) where ``rule(c)`` holds."""

    def __init__(self, rule):
        self.rule = rule

    def predict(self, x):
        return self.rule(np.asarray(x)[:, 0]).astype(int)


def test_forget_versus_test_words_uses_two_binomial_standard_errors():
    # p = 0.95, n = 100: se = 100 * sqrt(0.95 * 0.05 / 100) = 2.18 points, so 2 se = 4.36
    assert ch04.forget_versus_test_words(91.0, 95.0, 100).startswith("close to its test accuracy of 95.0%")
    assert ch04.forget_versus_test_words(90.0, 95.0, 100) == (
        "5.0 points below its test accuracy of 95.0%, more than two binomial standard errors of a share of 100 images "
        "(one standard error is ±2.2 points at the test accuracy's rate)")
    assert ch04.forget_versus_test_words(100.0, 95.0, 100).startswith("5.0 points above")
    # at TA = 100 % the binomial se is 0: one image's worth (1 point of 100) is the floor
    assert ch04.forget_versus_test_words(98.0, 100.0, 100) == (
        "close to its test accuracy of 100.0% (within two standard errors of a share of 100 images (one standard "
        "error taken as one image's worth, ±1.0 points, since the binomial one at the test accuracy's rate is smaller))")
    with pytest.raises(ValueError, match="percentage"):
        ch04.forget_versus_test_words(101.0, 95.0, 100)
    with pytest.raises(ValueError, match="n_forget"):
        ch04.forget_versus_test_words(90.0, 95.0, 0)


def test_fa_difference_counts_images():
    assert ch04.fa_difference_words(100.0, 98.0, 100) == "2 forget images: the original model classifies 2 more correctly"
    assert ch04.fa_difference_words(98.0, 99.0, 100) == "1 forget image: the original model classifies 1 fewer correctly"
    assert ch04.fa_difference_words(98.0, 98.0, 50).startswith("nil: both classify the same number of the 50")


def test_tail_words_picks_the_lowest_quantile():
    assert ch04.tail_words({"forget": 0.9, "retain": 0.95, "test": 0.6}) == \
        "the test set has the longest tail of unsure predictions"
    assert ch04.tail_words({"forget": 0.6, "retain": 0.95, "test": 0.6}).startswith("the forget and test sets share")
    with pytest.raises(ValueError):
        ch04.tail_words({})


def test_threshold_words_reads_the_attack_along_the_axis():
    assert ch04.threshold_words(_Threshold(lambda c: c >= 0.9)).startswith(
        "The attack is, in effect, a threshold on the confidence: from about 0.9000 up")
    assert ch04.threshold_words(_Threshold(lambda c: c < 0.3)).startswith("The attack is a threshold the other way round")
    assert ch04.threshold_words(_Threshold(lambda c: c < 0)).startswith("The attack calls every confidence a non-member")
    assert ch04.threshold_words(_Threshold(lambda c: (c > 0.2) & (c < 0.5))) == (
        "The attack is not one threshold: its boundary cuts the confidence axis 2 times, into 3 bands of alternating verdicts")


def test_band_words_branches():
    assert ch04.band_words(_Threshold(lambda c: c >= 0.9)) == (
        "The attack's \"member\" band starts at a confidence of 0.90 for this model, so it calls \"non-member\" only "
        "the images the model is less sure about, among them every image it gets wrong (their confidence is at most 0.5)")
    assert ch04.band_words(_Threshold(lambda c: c >= 0.4)).endswith("less sure about")
    assert ch04.band_words(_Threshold(lambda c: c < 0)) == "For this model the attack calls no confidence a member at all"
    assert ch04.band_words(_Threshold(lambda c: (c < 0.2) | (c > 0.9))).endswith("(2 separate stretches of the confidence axis)")


def test_retrain_mia_and_mia_versus_wrong_words():
    assert ch04.retrain_mia_words(12.5).startswith("Even the gold standard is far from 100%: under a model that never "
                                                  "saw them, the attack calls 87.5% of the forget images")
    assert ch04.retrain_mia_words(60.0).startswith("The gold standard calls most of the forget images non-members (60.0%)")
    assert ch04.mia_versus_wrong_words({"A": 5.0, "B": 6.0}, {"A": 2.0, "B": 3.0}).startswith(
        "Under every model MIA-efficacy exceeds the misclassified share")
    assert ch04.mia_versus_wrong_words({"A": 1.0}, {"A": 2.0}).startswith(
        "Under every model MIA-efficacy is below the misclassified share")
    assert ch04.mia_versus_wrong_words({"A": 5.0, "B": 1.0, "C": 2.0}, {"A": 2.0, "B": 3.0, "C": 2.0}) == (
        "MIA-efficacy set against the misclassified share exceeds it under A, is below it under B, equals it under C")
    with pytest.raises(ValueError):
        ch04.mia_versus_wrong_words({"A": 1.0}, {"B": 1.0})


def test_oeu_histogram_words():
    assert ch04.oeu_histogram_words(7, 7, 100).endswith("under Retrain (7)")
    assert ch04.oeu_histogram_words(8, 7, 100) == ("OEU's does not quite: the attack calls 1 more forget image "
                                                   "non-members under OEU than under Retrain (8 against 7 of 100)")
    assert "3 fewer forget images" in ch04.oeu_histogram_words(4, 7, 100)


def test_auc_words():
    # Hanley-McNeil at AUC 0.5: Q1 = 1/3, Q2 = 1/3, so se^2 = (0.25 + (n1 - 1 + n2 - 1) / 12) / (n1 n2)
    n1, n2 = 100, 300
    assert ch04.auc_standard_error(0.5, n1, n2) == pytest.approx(np.sqrt((0.25 + 398 / 12) / (n1 * n2)))
    se2 = 2 * ch04.auc_standard_error(0.5, n1, n2)                  # about 0.067
    assert ch04.chance_auc_words(0.5 + 0.9 * se2, n1, n2).startswith("within two standard errors")
    assert ch04.chance_auc_words(0.5 + 1.1 * se2, n1, n2).endswith(f"above 0.5, more than two standard errors ({se2:.3f})")
    assert "below 0.5" in ch04.chance_auc_words(0.3, n1, n2)
    with pytest.raises(ValueError):
        ch04.auc_standard_error(1.5, 10, 10)
    assert ch04.oeu_auc_words(0.52, 0.50, 0.60) == "between Retrain's and the original model's, nearer Retrain's"
    assert ch04.oeu_auc_words(0.58, 0.50, 0.60).endswith("nearer the original model's")
    assert ch04.oeu_auc_words(0.5, 0.25, 0.75) == "halfway between Retrain's and the original model's"
    assert ch04.oeu_auc_words(0.45, 0.50, 0.60).startswith("below both")
    assert ch04.oeu_auc_words(0.65, 0.50, 0.60).startswith("above both")
    assert ch04.same_ranking_words(0.0004) == "nearly coincide (their AUCs agree to within 0.0004)"
    assert ch04.same_ranking_words(0.0) == "coincide (their AUCs are equal)"
    assert ch04.same_ranking_words(0.004) == "nearly coincide (their AUCs differ by at most 0.004)"
    assert ch04.same_ranking_words(0.05) == "differ (their AUCs differ by up to 0.050)"
    with pytest.raises(ValueError):
        ch04.same_ranking_words(-0.1)
    assert ch04.signal_words(0.05) == "the signal is weak on this task"
    assert ch04.signal_words(0.2) == "at least one model leaks clearly"


def test_train_test_gap_words():
    words = ch04.train_test_gap_words(99.0, 96.0, 100.0, 90.0)
    assert words.startswith("its retain accuracy is 99.0%, 3.0 points above its test accuracy")
    assert "the gap between training and test data is wider (10.00 points" in words
    assert "is narrower (1.00 points" in ch04.train_test_gap_words(99.0, 90.0, 100.0, 99.0)
    assert "1.0 points below its test accuracy" in ch04.train_test_gap_words(95.0, 96.0, 100.0, 99.0)
    # the gap of the printed values: 99.7 - 96.9 = 2.8, not round(2.71) = 2.7
    assert "99.7%, 2.8 points above" in ch04.train_test_gap_words(99.65, 96.94, 100.0, 92.64)


def _card(mia_top="GA, 100x lr", ag_top="Random weights"):
    rows = ["Original", "Retrain", "OEU", "Retrain′", "GA (tuned)", "GA, 100x lr", "Random weights"]
    card = pd.DataFrame({"FA": [99.0, 97.0, 98.0, 97.5, 96.0, 40.0, 10.0],
                         "RA": [100.0, 100.0, 100.0, 100.0, 99.0, 45.0, 10.0],
                         "TA": [97.0, 96.0, 96.5, 96.0, 95.0, 40.0, 10.0],
                         "MIA": [2.0, 4.0, 3.0, 4.0, 5.0, 60.0, 50.0]}, index=rows)
    for m in ("FA", "RA", "TA", "MIA"):
        card[f"|Δ{m}|"] = (card[m] - card.loc["Retrain", m]).abs()
    card["AG"] = card[[f"|Δ{m}|" for m in ("FA", "RA", "TA", "MIA")]].mean(axis=1)
    card.loc[mia_top, "MIA"] = 99.0
    card.loc[ag_top, "AG"] = 99.0
    return card


def test_gaming_words_branches():
    assert ch04.gaming_words(_card()) == ("A metric that rewards \"more\" on its own is maximised here by destroying "
                                          "the model; the gap to the gold standard is not fooled: the largest AG "
                                          "belongs to *Random weights*")
    words = ch04.gaming_words(_card(mia_top="OEU", ag_top="GA (tuned)"))
    assert words.startswith("Here the top MIA-efficacy (OEU's) is not a broken model's")
    assert words.endswith("and the largest AG belongs to *GA (tuned)*, not to a broken model")


def test_readings_of_sections_4_2_to_4_8_on_a_constructed_run(monkeypatch):
    card = _card()
    scores = card.loc[["Original", "Retrain", "OEU", "Retrain′"], ["FA", "RA", "TA", "MIA"]]
    n_forget = 200
    rng = np.random.default_rng(0)
    conf = {"forget": rng.uniform(0.98, 1.0, 200), "retain": rng.uniform(0.99, 1.0, 300),
            "test": rng.uniform(0.5, 1.0, 300)}

    class _Report:
        attack = _Threshold(lambda c: c >= 0.95)
        conf = {"test": np.zeros(300)}

    reports = {n: _Report() for n in ("Original", "Retrain", "OEU")}
    aucs = pd.DataFrame({"svc: retain vs test": [0.6, 0.58, 0.59], "svc: forget vs test": [0.56, 0.50, 0.52],
                         "loss: forget vs test": [0.56, 0.50, 0.53]}, index=["Original", "Retrain", "OEU"])
    attacks = pd.DataFrame({"loss attack accuracy %": [55.0, 48.0, 51.0]}, index=["Original", "Retrain", "OEU"])
    published = pd.DataFrame({"FA": [93.8, 93.6], "RA": [100.0, 99.9], "TA": [91.0, 90.9], "MIA": [12.0, 11.0],
                              "AG": [0.0, 0.58]}, index=["Retrain (published)", "OEU (published)"])
    values = ch04.readings(scores, conf, _Threshold(lambda c: c >= 0.95), reports, aucs, attacks, card, published,
                           n_forget)
    assert values["n_forget_wrong_retrain"] == 6 and values["one_forget_sample"] == 0.5
    assert values["fa_diff_images"] == 4 and values["mia_retrain_n"] == 8
    assert values["band_original"] == pytest.approx(0.95, abs=1e-4)
    assert values["oeu_auc"] == "between Retrain's and the original model's, nearer Retrain's"
    assert values["auc_max_dev"] == pytest.approx(0.1) and values["loss_acc_dev"] == 5.0
    assert values["svc_loss_diff"] == pytest.approx(0.01)
    assert values["ag_floor"] == card.loc["Retrain′", "AG"] and values["one_image_ag"] == pytest.approx(0.125)
    assert values["oeu_worst"].startswith("FA (") or values["oeu_worst"].startswith("MIA (")
    assert values["top_ag"] == "*Random weights*" and values["mia_broken"] == 99.0
    assert values["top_mia"] == "*GA, 100x lr*" and values["top_mia_value"] == 99.0
    assert values["top_mia_ag"] == card.loc["GA, 100x lr", "AG"]
    assert values["tail_words"] == "the test set has the longest tail of unsure predictions"
    seen = {}
    monkeypatch.setattr(notebook, "glue", lambda name, value: seen.setdefault(name, value))
    assert glue_all(values) is values and set(seen) == set(values)
    assert values["oracle_caveat"] == ""                                   # Retrain′ RA 100 = Retrain's
    poor = card.copy()
    poor.loc["Retrain′", "RA"] = 80.0
    caveat = ch04.readings(scores, conf, _Threshold(lambda c: c >= 0.95), reports, aucs, attacks, poor, published,
                           n_forget, seed=1)["oracle_caveat"]
    assert caveat.startswith("Caution: Retrain′ trained poorly on seed 1 (RA 80.0 % against Retrain's 100.0 %)")
    assert type(seen["top_ag"]).__name__ == "Markdown" and seen["mia_broken"] == 99.0
    with pytest.raises(ValueError, match="lacks"):
        ch04.readings(scores, conf, None, reports, aucs, attacks, card.drop(index="Retrain′"), published, n_forget)


def _population_inputs(n_models=6, n_examples=5):
    rng = np.random.default_rng(3)
    rows = ["retrain_indep", "original", "ft", "ga"]
    table = _table({r: rng.uniform(0, 1, n_examples) for r in rows}, {r: rng.uniform(0.4, 0.6, n_examples) for r in rows})
    table["F"] = [0.3, 0.0, 0.2, 0.25]
    table["median_epsilon"] = [0.8, 50.0, 1.0, 0.9]
    table["ulira_accuracy"] = [51.0, 100.0, 60.0, 55.0]
    table.attrs.update(n_forget=n_examples, epsilons={"retrain_indep": np.array([0.0, 0.0, 1.0, 2.0, 0.5]),
                                                      "original": np.full(n_examples, 50.0)})
    pops = {n: {"conf": rng.normal(0, 1, (n_models, n_examples)), "FA": rng.uniform(90, 100, n_models),
                "TA": rng.uniform(90, 100, n_models), "seconds": 2.0} for n in ["retrain", *rows]}
    return table, pops


def test_population_readings_on_constructed_populations():
    table, pops = _population_inputs()
    values = ch04.population_readings(table, pops, n_models=6, hidden=32)
    assert values["pop_hidden"] == 32 and values["n_models"] == 6 and values["n_forget_pop"] == 5
    assert values["pop_seconds"] == 10.0 and values["eps_floor_positive"] == 60.0
    assert values["F_methods_low"] == 0.2 and values["F_methods_high"] == 0.25 and values["n_methods_words"] == "2"
    assert values["ulira_methods_low"] == 55.0 and values["F_original"] == 0.0
    assert values["pop_fa_sd"] == pytest.approx(np.std(pops["retrain"]["FA"], ddof=1))
    assert values["original_words"] == "every forget example gets $\\varepsilon_s$ = 50, the cap"
    assert values["floor_words"] == "$F$ = 0.300, not 1"
    with pytest.raises(ValueError, match="pops needs"):
        ch04.population_readings(table, {k: v for k, v in pops.items() if k != "retrain"}, 6, 32)


def test_every_glue_reference_of_chapter_4_is_computed():
    """Each ``{glue:...}`key``` in the chapter is a key of the two reading functions or glued in a visible cell."""
    import json
    import re
    from pathlib import Path

    cells = json.loads((Path(__file__).parents[1] / "notebooks" / "04_mia_evaluation.ipynb").read_text())["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    referenced = {m.split(":")[0] for m in re.findall(r"\{glue:\w+\}`([^`]+)`", text)}
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    glued_in_code = set(re.findall(r"glue\(\"(\w+)\"", code))
    table, pops = _population_inputs()
    produced = {**ch04.population_readings(table, pops, 6, 32), **_all_readings(_card())}
    assert referenced - set(produced) - glued_in_code == set()
    # a sentence with $math$ renders only when its glue:md role asks for MyST (commonmark is the default)
    with_math = {k for k, v in produced.items() if isinstance(v, str) and "$" in v}
    md_roles = re.findall(r"\{glue:md\}`([^`]+)`", text)
    assert all(r.endswith(":myst") for r in md_roles if r.split(":")[0] in with_math)
    # strings are glued as Markdown (glue_all), which {glue:text} prints as "<...Markdown object>"
    text_roles = {m.split(":")[0] for m in re.findall(r"\{glue:text\}`([^`]+)`", text)}
    assert not text_roles & {k for k, v in produced.items() if isinstance(v, str)}
    assert "({eq}" not in text                       # "({eq}`x`)" renders "((15))"; write "(Eq. {eq}`x`)"
    hidden = [c for c in cells if "remove-cell" in c.get("metadata", {}).get("tags", [])]
    assert sum(len("".join(c["source"]).splitlines()) for c in hidden) <= 5


def _all_readings(card):
    scores = card.loc[["Original", "Retrain", "OEU", "Retrain′"], ["FA", "RA", "TA", "MIA"]]
    conf = {k: np.linspace(0.5, 1, 10) for k in ("forget", "retain", "test")}

    class _Report:
        attack = _Threshold(lambda c: c >= 0.95)
        conf = {"test": np.zeros(10)}

    names = ["Original", "Retrain", "OEU"]
    aucs = pd.DataFrame({k: [0.5, 0.5, 0.5] for k in ("svc: retain vs test", "svc: forget vs test",
                                                     "loss: forget vs test")}, index=names)
    attacks = pd.DataFrame({"loss attack accuracy %": [50.0, 50.0, 50.0]}, index=names)
    published = pd.DataFrame({m: [90.0, 90.0] for m in ("FA", "RA", "TA", "MIA", "AG")},
                             index=["Retrain (published)", "OEU (published)"])
    return ch04.readings(scores, conf, _Report.attack, {n: _Report() for n in names}, aucs, attacks, card,
                         published, 10)
