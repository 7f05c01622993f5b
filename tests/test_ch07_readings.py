"""Chapter 7's verdicts and their wording (helpers.chapters.ch07), on constructed closeness frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.chapters import ch07

SEEDS = (1, 2, 3, 4)


def frame(kl: dict, recall: dict | None = None, agreement: dict | None = None) -> pd.DataFrame:
    """A closeness frame: ``kl[dataset][model]`` is a per-seed list of the mean KL to gold; the gold
    model's rows have KL 0; recall and agreement likewise (default: constant)."""
    rows = []
    for dataset, models in kl.items():
        for model, values in {**models, "gold": [0.0] * len(SEEDS)}.items():
            for i, seed in enumerate(SEEDS):
                rows.append(dict(dataset=dataset, seed=seed, model=model, mean_kl=values[i],
                                 forget_recall=(recall or {}).get(dataset, {}).get(model, [0.5] * 4)[i],
                                 gold_agreement=(agreement or {}).get(dataset, {}).get(model, [1.0] * 4)[i]))
    return pd.DataFrame(rows)


FLOOR = [0.010, 0.011, 0.009, 0.010]
ORIGINAL = [0.020, 0.030, 0.025, 0.022]
CLOSER = [o - 0.008 + e for o, e in zip(ORIGINAL, (0.000, 0.001, -0.001, 0.000))]   # below the original, near floor
FARTHER = [o + 0.030 + e for o, e in zip(ORIGINAL, (0.000, 0.002, -0.002, 0.001))]
MIXED = [o + e for o, e in zip(ORIGINAL, (0.010, -0.012, 0.008, -0.009))]          # spans zero
KL_ONLY = {"mean_kl": ch07.MEASURES["mean_kl"]}


def test_distance_to_gold_by_kind():
    f = frame({"iris": {"original": ORIGINAL, "similarity": FARTHER, "gold_indep": FLOOR}},
              recall={"iris": {"original": [1.0] * 4, "similarity": [0.0] * 4, "gold_indep": [0.2] * 4,
                               "gold": [0.3] * 4}},
              agreement={"iris": {"original": [0.25] * 4, "similarity": [0.75] * 4, "gold_indep": [0.5] * 4}})
    kl = ch07.distance_to_gold(f, ch07.MEASURES["mean_kl"])
    assert "gold" not in kl and kl.loc[("iris", 2), "similarity"] == FARTHER[1]          # the KL itself
    gap = ch07.distance_to_gold(f, ch07.MEASURES["forget_recall"])
    assert gap.loc[("iris", 1)].round(12).to_dict() == {"original": 0.7, "similarity": 0.3, "gold_indep": 0.1}
    off = ch07.distance_to_gold(f, ch07.MEASURES["gold_agreement"])
    assert off.loc[("iris", 1)].to_dict() == {"original": 0.75, "similarity": 0.25, "gold_indep": 0.5}
    with pytest.raises(ValueError, match="lacks columns"):
        ch07.distance_to_gold(f.drop(columns="mean_kl"), ch07.MEASURES["mean_kl"])
    with pytest.raises(ValueError, match="unknown measure kind"):
        ch07.Measure("mean_kl", "x", "ratio")


def test_judge_reads_each_direction_against_doing_nothing_and_the_floor():
    f = frame({"iris": {"original": ORIGINAL, "similarity": CLOSER, "gold_indep": FLOOR},
               "wine": {"original": ORIGINAL, "similarity": FARTHER, "gold_indep": FLOOR},
               "covertype": {"original": ORIGINAL, "similarity": MIXED, "gold_indep": ORIGINAL}})
    j = ch07.judge(f, measures=KL_ONLY)
    assert list(j.index.get_level_values("dataset")) == ["iris", "wine", "covertype"]
    assert j.loc[("iris", "mean_kl"), "verdict"] == "closer"
    assert j.loc[("wine", "mean_kl"), "verdict"] == "farther"
    assert j.loc[("covertype", "mean_kl"), "verdict"] == "undecided"
    assert j.loc[("wine", "mean_kl"), "floor_verdict"] == "above"
    assert j.loc[("covertype", "mean_kl"), "floor_verdict"] == "undecided"
    below = ch07.judge(frame({"iris": {"original": ORIGINAL, "similarity": FLOOR, "gold_indep": ORIGINAL}}),
                       measures=KL_ONLY)
    assert below.loc[("iris", "mean_kl"), "floor_verdict"] == "below"
    iv = j.loc[("wine", "mean_kl"), "vs_original"]
    assert abs(iv.mean - 0.03025) < 1e-12 and iv.n == 4
    assert j.loc[("wine", "mean_kl"), "method"] == pytest.approx(sum(FARTHER) / 4)
    with pytest.raises(ValueError, match="no 'gold_indep' model"):
        ch07.judge(f[f["model"] != "gold_indep"], measures=KL_ONLY)


def test_closeness_sentence_says_plainly_when_doing_nothing_is_as_close():
    farther = ch07.judge(frame({"iris": {"original": ORIGINAL, "similarity": FARTHER, "gold_indep": FLOOR},
                                "wine": {"original": ORIGINAL, "similarity": MIXED, "gold_indep": FLOOR}}),
                         measures=KL_ONLY)
    text = ch07.closeness_sentence(farther)
    assert text.startswith("Distribution-guided unlearning does not move the model closer to retraining than doing "
                           "nothing, by the mean KL to the gold model on retained samples: it ends farther")
    assert "farther from the gold model than the untouched original on Iris (" in text
    assert "the difference from doing nothing is undecided on Wine (" in text and "over 4 seeds" in text
    closer = ch07.judge(frame({"iris": {"original": ORIGINAL, "similarity": CLOSER, "gold_indep": FLOOR}}),
                        measures=KL_ONLY)
    assert ch07.closeness_sentence(closer).startswith("Distribution-guided unlearning moves the model closer to "
                                                      "retraining than doing nothing, by")
    part = ch07.judge(frame({"iris": {"original": ORIGINAL, "similarity": CLOSER, "gold_indep": FLOOR},
                             "wine": {"original": ORIGINAL, "similarity": FARTHER, "gold_indep": FLOOR}}),
                      measures=KL_ONLY)
    assert "closer to retraining than doing nothing only in part" in ch07.closeness_sentence(part)


def test_floor_and_help_sentences():
    f = frame({"iris": {"original": ORIGINAL, "similarity": FARTHER, "gold_indep": FLOOR},
               "wine": {"original": ORIGINAL, "similarity": MIXED, "gold_indep": ORIGINAL}},
              recall={"iris": {"original": [1.0, 0.9, 1.0, 0.9], "similarity": [0.0] * 4, "gold": [0.1, 0.0, 0.2, 0.0]},
                      "wine": {"original": [0.0, 0.9, 0.1, 0.8], "similarity": [0.9, 0.0, 0.8, 0.0]}})
    j = ch07.judge(f, measures={k: ch07.MEASURES[k] for k in ("mean_kl", "forget_recall", "gold_agreement")})
    floor = ch07.floor_sentence(j)
    assert floor.startswith("An independently seeded gold model (Gold′) is at 0.010 on Iris and 0.024 on Wine")
    assert "above the noise floor) on Iris (difference +" in floor and "(undecided) on Wine" in floor
    helps = ch07.helps_sentence(j, measures=("forget_recall", "gold_agreement"))
    assert helps.startswith("On Iris it is closer to the gold model than doing nothing in forgotten-class recall")
    assert "on Wine it is undecided against doing nothing in forgotten-class recall" in helps
    table = ch07.judged_table(j)
    assert table.loc[("Iris", "|forgotten-class recall - gold's|"), "vs doing nothing"] == "closer"
    assert table.loc[("Iris", "mean KL to the gold model on retained samples"), "vs noise floor"] == "above"


def test_claim_verdicts_and_words():
    assert ch07.claim_verdict([0.1, 0.2, 0.15], [0.5, 0.6, 0.55], "smaller")[0] == "reproduces"
    assert ch07.claim_verdict([0.1, 0.2, 0.15], [0.5, 0.6, 0.55], "larger")[0] == "does not reproduce"
    assert ch07.claim_verdict([0.1, 0.6, 0.3], [0.5, 0.2, 0.3], "smaller")[0] == "undecided"
    verdict, interval = ch07.claim_verdict([1.0, 1.0, 0.8], [0.75] * 3, "larger")          # a threshold
    assert verdict == "undecided" and interval.n == 3                                    # 0.8 is close to it
    assert ch07.claim_verdict([1.0, 1.0, 1.0], [0.75] * 3, "larger")[0] == "reproduces"   # no spread: decided
    with pytest.raises(ValueError, match="expect must be"):
        ch07.claim_verdict([1, 2], [1, 2], "equal")
    assert ch07.claim_words({"iris": "reproduces", "wine": "reproduces"}) == "reproduces"
    assert ch07.claim_words({"iris": "undecided", "wine": "undecided"}) == "undecided"
    assert ch07.claim_words({"iris": "reproduces", "wine": "undecided", "covertype": "reproduces"}) == \
        "reproduces on Iris and Covertype; undecided on Wine"
    with pytest.raises(ValueError, match="no datasets"):
        ch07.claim_words({})
    with pytest.raises(ValueError, match="unknown verdicts"):
        ch07.claim_words({"iris": "better"})


def test_claims_by_dataset_and_against_a_published_number():
    values = pd.DataFrame(dict(dataset=["iris"] * 3 + ["wine"] * 3, seed=[1, 2, 3] * 2,
                               after=[0.1, 0.2, 0.15, 0.5, 0.1, 0.3], before=[0.5, 0.6, 0.55, 0.4, 0.4, 0.4]))
    results = ch07.claim_by_dataset(values, "after", "before", "smaller")
    assert {d: v for d, (v, _) in results.items()} == {"iris": "reproduces", "wine": "undecided"}
    assert ch07.claim_sentence(results).startswith("Iris: -0.400 [")
    threshold = ch07.claim_by_dataset(values, "before", 0.3, "larger")
    assert threshold["iris"][0] == "reproduces" and threshold["wine"][0] == "reproduces"
    assert ch07.relation_to_published([0.6, 0.62, 0.61], 0.5) == "larger than"
    assert ch07.relation_to_published([0.3, 0.32, 0.31], 0.5) == "smaller than"
    assert ch07.relation_to_published([0.3, 0.7, 0.5], 0.5) == "not distinguishable from"
    assert ch07.interval_text(results["iris"][1], 2).count("[") == 1


def test_idle_history_reads_the_trace():
    h = pd.DataFrame(dict(step=[1, 2, 3, 4], watch_grad=[1e-17, 1e-9, 3e-8, 1e-7], watch_shift=[1e-12, 1e-4, 5e-4, 1e-4]))
    v = ch07.idle_history(h, eps=1e-8)
    assert (v["idle_eps_step"], v["idle_peak_step"], v["idle_peak"], v["idle_end"]) == (3, 3, 5e-4, 1e-4)
    assert v["idle_back"] == "before the penalty pulls them back"
    flat = ch07.idle_history(h.assign(watch_grad=0.0, watch_shift=[1e-4, 2e-4, 3e-4, 3e-4]), eps=1e-8)
    assert flat["idle_back"] == "and stay near that" and flat["idle_eps_step"] == 0


def test_change_sentence_says_falls_rises_or_undecided():
    values = pd.DataFrame(dict(dataset=["iris"] * 3 + ["wine"] * 3 + ["covertype"] * 3, seed=[1, 2, 3] * 3,
                               after=[0.1, 0.2, 0.15, 0.9, 0.8, 0.85, 0.5, 0.1, 0.3], before=[0.5] * 3 + [0.4] * 3 + [0.3] * 3))
    text = ch07.change_sentence(ch07.claim_by_dataset(values, "after", "before", "smaller"), "the recall")
    assert text.startswith("on Iris the recall falls (-0.350 [")
    assert "; on Wine it rises (+0.450 [" in text
    assert "; on Covertype it does not change detectably (undecided; +0.000 [" in text


def test_forget_recall_words():
    assert ch07.forget_recall_words([0.0, 0.0]) == "is 0 on every dataset and seed"
    assert ch07.forget_recall_words([0.0, 0.1]) == "is at most 0.100 on any dataset and seed"
    with pytest.raises(ValueError, match="no runs"):
        ch07.forget_recall_words([])


def test_wide_and_comparison_words():
    f = frame({"iris": {"original": ORIGINAL, "similarity": FARTHER, "gold_indep": FLOOR}})
    w = ch07.wide(f, "mean_kl")
    assert list(w.columns[:2]) == ["dataset", "seed"] and w.loc[1, "similarity"] == FARTHER[1]
    with pytest.raises(ValueError, match="no column 'nope'"):
        ch07.wide(f, "nope")
    results = ch07.claim_by_dataset(w, "similarity", "gold_indep", "larger")
    assert ch07.claim_words(results) == "reproduces"                                # (verdict, interval) pairs
    text = ch07.change_sentence(results, "its KL", words=ch07.COMPARE_WORDS)
    assert text.startswith("on Iris its KL is higher than the gold model's (+")
    j = ch07.judge(f, measures=KL_ONLY)
    assert ch07.floor_sentence(j, subject="the untouched original", preface=False).startswith(
        "The untouched original is farther from the gold model than Gold′ is (above the noise floor) on Iris")
    assert ch07.closeness_lead(j) == "does not move the model closer to retraining than doing nothing"


def test_population_readings_on_constructed_populations():
    rng = np.random.default_rng(0)
    gold = rng.normal(0.0, 1.0, (8, 6))
    conf = {"gold": gold, "below": gold - 1.0 + rng.normal(0, 0.01, (8, 6)), "above": gold + 2.0,
            "same": gold + rng.normal(0, 0.5, (8, 6)) * np.array([1, -1, 1, -1, 1, -1])}
    text = ch07.side_of_gold(conf, {"below": "B's", "above": "A's"})
    assert text.startswith("B's lies below the gold models' (-1.00 [") and "; A's lies above the gold models' (+2.00 [" in text
    assert ch07.side_of_gold({"gold": gold, "same": gold.copy()}, {"same": "S's"}).startswith(
        "S's is not distinguishable from the gold models' (undecided)")
    with pytest.raises(ValueError, match="no reference population"):
        ch07.side_of_gold({"a": gold}, {"a": "A"})
    assert ch07.spread_picks([0.5, 3.0, 0.1, 2.0, 1.0], k=3) == [2, 4, 1]
    with pytest.raises(ValueError, match="k must be in"):
        ch07.spread_picks([0.5, 3.0], k=3)


def test_population_display_and_verdicts_use_the_gold_names():
    table = pd.DataFrame({"label": ["Gold′ (noise floor)", "Original (do nothing)", "DG"], "F": [0.12, 0.02, 0.03],
                          "score": [0.1, 0.02, 0.03], "RA_ratio": 1.0, "TA_ratio": 1.0, "ulira_accuracy": [50, 90, 85],
                          "median_epsilon": [1.8, 3.4, 3.3], "FA": [20, 90, 0], "RA": 99, "TA": 98},
                         index=["retrain_indep", "original", "similarity"])
    table.attrs.update(retrain=dict(FA=25.0, RA=99.8, TA=98.9),
                       points={"retrain_indep": np.array([0.5, 0.25, 0.5, 0.25]), "original": np.zeros(4),
                               "similarity": np.array([0.0, 0.0, 0.0625, 0.0])},
                       ulira={"retrain_indep": np.array([0.5, 0.45, 0.55, 0.5]), "original": np.ones(4),
                              "similarity": np.array([0.95, 1.0, 0.9, 1.0])})
    shown = ch07.population_display(table)
    assert list(shown.index) == ["Gold (the reference)", "Gold′ (noise floor)", "Original (do nothing)", "DG"]
    assert shown.loc["Gold (the reference)", "FA %"] == 25.0 and np.isnan(shown.loc["Gold (the reference)", "F ↑"])
    verdicts = ch07.population_verdicts(table)
    assert list(verdicts.columns) == ["h(ε) vs Original", "h(ε) vs Gold′", "U-LiRA vs Original", "U-LiRA vs Gold′"]
    assert verdicts.loc["DG", "h(ε) vs Gold′"].startswith("worse")
    assert verdicts.loc["DG", "h(ε) vs Original"].startswith("undecided")


def test_idle_weights_redo_a_run_one_model_at_a_time():
    from helpers.data import load_tabular
    from helpers.quantum import experiment as E

    run = E.run_seeds({1: load_tabular("iris", seed=1)}, 2, train=dict(iterations=20), unlearn=dict(steps=4))[0]
    story = ch07.idle_weights(run, {**E.UNLEARN, "steps": 4}, slice(66, 72))
    assert set(story.deltas) == {"similarity", "uniform"} and story.deltas["uniform"].shape == (72,)
    assert story.values["batched_gap"] < 1e-10                      # the same predictions as the batched run
    assert {"idle_max", "idle_g1", "idle_eps_step", "idle_back", "dtheta_similarity", "moved_uniform"} <= set(story.values)
    assert len(story.history) == 4 and "watch_shift" in story.history


# --------------------------------------------------------------------------- the page's readings (7.2, 7.7, 7.13)
def test_paper_readings_are_the_published_numbers():
    from helpers.paper.quantum import KL_IN_TEXT, UNIFORM_TARGET

    r = ch07.paper_readings()
    assert (r["paper_iris_p_b"], r["paper_iris_p_a"]) == (0.4155, 0.2098)              # the line under Table 1
    assert r["paper_iris_1_d"] == pytest.approx(-0.2) and r["paper_cov_f_d"] == pytest.approx(-0.566)
    assert (r["paper_kl"], r["paper_gold_pf"], r["paper_unl_pf"]) == (0.0468, 0.195, 0.295)   # Table 2
    assert r["paper_kl_text"] == KL_IN_TEXT["mean_kl"] and r["paper_uni_a"] == UNIFORM_TARGET["forget_prob_after"]


def targets(high_max: float) -> pd.DataFrame:
    rows = {"β = 1": [0.45, 0.55, 0.0], "β = 8": [1 - high_max, high_max, 0.0], "uniform": [0.5, 0.5, 0.0]}
    return pd.DataFrame(rows, index=["q_0", "q_1", "q_2"]).T


@pytest.mark.parametrize("high_max, words", [(0.83, "lifts it to"), (0.52, "lowers it to"), (0.55, "leaves it at")])
def test_target_readings_say_what_beta_did(high_max, words):
    r = ch07.target_readings(targets(high_max))
    assert r["q_max_low"] == 0.55 and r["q_max_high"] == high_max and r["q_max_uniform"] == 0.5
    assert r["sharpening"] == f"raising β from 1 to 8 {words}"
    with pytest.raises(ValueError, match="no row 'β = 4'"):
        ch07.target_readings(targets(0.8), high="β = 4")


def test_direction_words_group_datasets():
    values = pd.DataFrame({"dataset": ["iris"] * 4 + ["wine"] * 4 + ["covertype"] * 4, "seed": list(range(1, 5)) * 3,
                           "before": [0.4] * 12,
                           "after": [0.2, 0.21, 0.19, 0.2] + [0.2, 0.22, 0.18, 0.2] + [0.3, 0.5, 0.35, 0.48]})
    results = ch07.claim_by_dataset(values, "after", "before", "smaller")
    assert ch07.direction_words(results) == "falls on Iris and Wine; does not change detectably (undecided) on Covertype"
    assert ch07.direction_words({"iris": results["iris"]}) == "falls on Iris"
    with pytest.raises(ValueError, match="no datasets"):
        ch07.direction_words({})


def seeds_frame(dataset_columns: dict) -> pd.DataFrame:
    """One row per (dataset, seed); ``dataset_columns[dataset][column]`` is a per-seed list."""
    rows = []
    for dataset, columns in dataset_columns.items():
        for i, seed in enumerate(SEEDS):
            rows.append({"dataset": dataset, "seed": seed, **{c: v[i] for c, v in columns.items()}})
    return pd.DataFrame(rows)


def table_1_rows(prob_before, prob_after, retained_before, retained_after, dataset="iris") -> pd.DataFrame:
    rows = []
    for i, seed in enumerate(SEEDS):
        rows.append(dict(dataset=dataset, seed=seed, **{"class": "2 (F)"}, metric="forget_class_mean_prob",
                         before=prob_before[i], after=prob_after[i]))
        for klass in ("0", "1"):
            rows.append(dict(dataset=dataset, seed=seed, **{"class": klass}, metric="recall",
                             before=retained_before[i], after=retained_after[i]))
        rows.append(dict(dataset=dataset, seed=seed, **{"class": "2 (F)"}, metric="recall", before=1.0, after=0.0))
    return pd.DataFrame(rows)


def claim_inputs(top_share, uniform, prob_after, retained_after, kl_similarity):
    moves = seeds_frame({"iris": {"top_share": top_share}})
    forget_prob = seeds_frame({"iris": {"similarity": [0.22, 0.21, 0.23, 0.22], "uniform": uniform}})
    t1 = table_1_rows([0.42, 0.41, 0.43, 0.42], prob_after, [1.0] * 4, retained_after)
    closeness = frame({"iris": {"original": ORIGINAL, "similarity": kl_similarity, "gold_indep": FLOOR}})
    return moves, forget_prob, t1, closeness


REPRODUCES = claim_inputs(top_share=[0.9, 1.0, 0.95, 0.9], uniform=[0.30, 0.31, 0.29, 0.30],
                          prob_after=[0.21, 0.21, 0.21, 0.21], retained_after=[0.9, 0.8, 0.85, 0.9], kl_similarity=CLOSER)
OPPOSITE = claim_inputs(top_share=[0.5, 0.55, 0.6, 0.5], uniform=[0.15, 0.14, 0.16, 0.15],
                        prob_after=[0.50, 0.52, 0.51, 0.50], retained_after=[1.0] * 4, kl_similarity=FARTHER)
SPANNING = claim_inputs(top_share=[0.5, 1.0, 0.6, 1.0], uniform=[0.30, 0.12, 0.28, 0.14],
                        prob_after=[0.30, 0.55, 0.32, 0.52], retained_after=[1.0, 0.9, 1.0, 1.1], kl_similarity=MIXED)


def test_claim_readings_reproduce():
    r = ch07.claim_readings(*REPRODUCES)
    for key in ("conc_verdict", "uniform_verdict", "forget_verdict", "closeness_verdict"):
        assert r[key] == "reproduces", key
    assert r["forget_fall"] == "falls on Iris" and r["forget_change"].startswith("on Iris its mean probability falls (-0.")
    assert r["retained_change"].startswith("on Iris the retained classes' mean recall falls (")
    assert r["share_threshold"] == ch07.SHARE and r["conc_numbers"].startswith("Iris: +0.")
    assert r["rel_drop"] == pytest.approx(np.mean(1 - np.array([0.21] * 4) / [0.42, 0.41, 0.43, 0.42]))
    assert r["paper_rel_drop"] == pytest.approx(1 - 0.2098 / 0.4155)
    assert r["drop_word"] == "not distinguishable from"           # ~0.50 per seed against the paper's 0.495


def test_claim_readings_do_not_reproduce():
    r = ch07.claim_readings(*OPPOSITE)
    for key in ("conc_verdict", "uniform_verdict", "forget_verdict", "closeness_verdict"):
        assert r[key] == "does not reproduce", key
    assert r["forget_fall"] == "rises on Iris" and "its mean probability rises" in r["forget_change"]
    assert "the retained classes' mean recall does not change detectably (undecided" in r["retained_change"]
    assert r["drop_word"] == "smaller than"                        # our probability did not drop at all


def test_claim_readings_undecided():
    r = ch07.claim_readings(*SPANNING)
    for key in ("conc_verdict", "uniform_verdict", "forget_verdict", "closeness_verdict"):
        assert r[key] == "undecided", key
    assert r["forget_fall"] == "does not change detectably (undecided) on Iris"
    assert r["drop_word"] == "not distinguishable from"
    with pytest.raises(ValueError, match="no forgotten-class probability rows for 'wine'"):
        ch07.claim_readings(*SPANNING, dataset="wine")


def test_claim_readings_drop_larger_than_the_papers():
    moves, forget_prob, _, closeness = REPRODUCES
    t1 = table_1_rows([0.42, 0.41, 0.43, 0.42], [0.10, 0.11, 0.10, 0.105], [1.0] * 4, [1.0] * 4)
    r = ch07.claim_readings(moves, forget_prob, t1, closeness)
    assert r["rel_drop"] > r["paper_rel_drop"] and r["drop_word"] == "larger than"
    assert r["retained_change"].startswith("on Iris the retained classes' mean recall does not change detectably")


def test_recall_resolution_and_covertype_note():
    balanced = [np.repeat([0, 1, 2], 10), np.repeat([2, 1, 0], 10)]
    r = ch07.recall_resolution(balanced, paper_delta=-0.2)
    assert r == {"per_class": 10, "recall_step": 0.1, "paper_drop_n": 2}
    assert "paper_drop_n" not in ch07.recall_resolution(balanced)
    with pytest.raises(ValueError, match=r"differ in size: \[9, 10, 11\]"):
        ch07.recall_resolution([np.array([0] * 10 + [1] * 9 + [2] * 11)])
    with pytest.raises(ValueError, match="no test samples"):
        ch07.recall_resolution([np.array([], dtype=int)])
    assert ch07.covertype_note({"iris": 1, "covertype": 1}, "covertype").startswith("Covertype ran in this build")
    note = ch07.covertype_note({"iris": 1, "wine": 1}, "wine")
    assert "could not load Covertype (Wine stood in for it" in note


def test_readings_compose_the_section():
    from types import SimpleNamespace

    datasets = {"iris": {s: SimpleNamespace(y_test=np.repeat([0, 1, 2], 10)) for s in SEEDS}}
    r = ch07.readings(*REPRODUCES, datasets, SEEDS, stand_in="iris")
    assert "rel_drop" not in r and r["iris_rel_drop"] > 0
    assert (r["iris_per_class"], r["recall_step"], r["paper_drop_n"]) == (10, 0.1, 2)
    assert r["covertype_note"].startswith("This offline build could not load Covertype (Iris stood in")
    with pytest.raises(ValueError, match="Iris is not among the datasets"):
        ch07.readings(*REPRODUCES, {"wine": {}}, SEEDS, stand_in="wine")


def test_claim_predicate_reads_as_the_verb_of_the_claim():
    assert ch07.claim_predicate({"iris": "reproduces", "wine": "reproduces"}) == "reproduces"
    assert ch07.claim_predicate({"iris": "undecided", "wine": "undecided"}) == "is undecided"
    assert ch07.claim_predicate({"iris": "does not reproduce"}) == "does not reproduce"
    assert ch07.claim_predicate({"iris": "undecided", "wine": "reproduces"}) == \
        "is undecided on Iris and reproduces on Wine"
    three = {"iris": "reproduces", "wine": "undecided", "covertype": "does not reproduce"}
    assert ch07.claim_predicate(three) == \
        "reproduces on Iris, is undecided on Wine and does not reproduce on Covertype"
    values = pd.DataFrame(dict(dataset=["iris"] * 3 + ["wine"] * 3, seed=[1, 2, 3] * 2,
                               after=[0.1, 0.2, 0.15, 0.5, 0.1, 0.3], before=[0.5, 0.6, 0.55, 0.4, 0.4, 0.4]))
    pairs = ch07.claim_by_dataset(values, "after", "before", "smaller")             # (verdict, interval) values
    assert ch07.claim_predicate(pairs) == "reproduces on Iris and is undecided on Wine"
    with pytest.raises(ValueError, match="no datasets"):
        ch07.claim_predicate({})
    with pytest.raises(ValueError, match="unknown verdicts"):
        ch07.claim_predicate({"iris": "better"})


def test_points_text_and_the_drop_against_the_papers_interval():
    from helpers.stats import paired_interval

    assert ch07.points_text(paired_interval([62.0, 60.0, 64.0], [50.0] * 3)) == \
        "+12.0 percentage points (95 % t interval [+7.0, +17.0], 3 seeds)"
    moves, forget_prob, _, closeness = REPRODUCES
    larger = table_1_rows([0.42, 0.41, 0.43, 0.42], [0.10, 0.11, 0.10, 0.105], [1.0] * 4, [1.0] * 4)
    r = ch07.claim_readings(moves, forget_prob, larger, closeness)
    low = float(r["drop_numbers"].split("[")[1].split(",")[0])
    assert r["drop_word"] == "larger than" and low > 0 and r["drop_numbers"].endswith("4 seeds)")
    assert r["drop_numbers"].startswith(f"{100 * (r['rel_drop'] - r['paper_rel_drop']):+.1f} percentage points")
    assert ch07.claim_readings(*OPPOSITE)["drop_numbers"].startswith("-")


def table_2_rows(masses: dict) -> pd.DataFrame:
    """Table 2's frame: ``masses[dataset][model]`` is a per-seed list of ``forgotten_prob_model``; the
    gold model's own mass on the retained samples is 0.20 in every seed."""
    rows = []
    for dataset, models in masses.items():
        for model, values in models.items():
            for i, seed in enumerate(SEEDS):
                rows.append(dict(dataset=dataset, seed=seed, model=model, mean_kl=0.02,
                                 forgotten_prob_model=values[i], forgotten_prob_gold=0.20))
    return pd.DataFrame(rows)


def test_mass_readings_set_the_claim_beside_the_original():
    t2 = table_2_rows({"iris": {"original": [0.22, 0.23, 0.21, 0.22], "similarity": [0.30, 0.31, 0.29, 0.30],
                                "gold_indep": [0.2] * 4},
                       "wine": {"original": [0.25, 0.26, 0.24, 0.25], "similarity": [0.15, 0.30, 0.18, 0.32],
                                "gold_indep": [0.2] * 4}})
    r = ch07.mass_readings(t2)
    assert r["mass_verdict"] == "reproduces on Iris; undecided on Wine"
    assert r["mass_clause"] == "reproduces on Iris and is undecided on Wine"
    assert r["mass_numbers"].startswith("Iris: +0.100 [")
    assert r["iris_orig_mass"] == pytest.approx(0.22) and r["wine_orig_mass"] == pytest.approx(0.25)
    assert r["mass_change"].startswith("on Iris the forgotten-class mass on retained samples rises (+0.080 [")
    assert "on Wine it does not change detectably (undecided; " in r["mass_change"]
    lower = table_2_rows({"iris": {"original": [0.30, 0.31, 0.29, 0.30], "similarity": [0.10, 0.11, 0.09, 0.12]}})
    r = ch07.mass_readings(lower)
    assert r["mass_clause"] == "does not reproduce" and "mass on retained samples falls (-0." in r["mass_change"]
    with pytest.raises(ValueError, match=r"lacks columns \['forgotten_prob_gold'\]"):
        ch07.mass_readings(t2.drop(columns="forgotten_prob_gold"))
    with pytest.raises(ValueError, match="no 'original' rows"):
        ch07.mass_readings(t2[t2["model"] != "original"])


def test_agreement_readings_use_every_forgotten_sample():
    f = frame({"iris": {"original": ORIGINAL, "similarity": CLOSER, "gold_indep": FLOOR}},
              agreement={"iris": {"original": [0.0, 0.1, 0.0, 0.1], "similarity": [0.5, 0.4, 0.6, 0.5],
                                  "gold_indep": [0.9, 1.0, 0.8, 0.9]}})
    r = ch07.agreement_readings(f)
    assert r == pytest.approx({"iris_agree_similarity": 0.5, "iris_agree_original": 0.05,
                               "iris_agree_gold_indep": 0.9})
    with pytest.raises(ValueError, match="no 'uniform' model"):
        ch07.agreement_readings(f, models=("uniform",))
    from types import SimpleNamespace

    datasets = {"iris": {s: SimpleNamespace(y_test=np.repeat([0, 1, 2], 10)) for s in SEEDS}}
    moves, forget_prob, t1, _ = REPRODUCES
    assert ch07.readings(moves, forget_prob, t1, f, datasets, SEEDS, stand_in="iris")["iris_agree_original"] == \
        pytest.approx(0.05)
