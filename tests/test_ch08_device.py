"""Chapter 8's device verdicts (helpers.chapters.ch08, section 8.10) on constructed tables: every branch."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.chapters import ch08

SETTINGS = ("exact", "64 shots", "1024 shots")
WOBBLE = (0.0, 0.01, -0.01)


def hybrid_results(ag: dict, mia: dict | None = None) -> pd.DataFrame:
    """Rows of a hybrid device study: ``ag[method][setting]`` is the AG on every seed (plus a small wobble);
    ``mia[setting]`` the original's MIA AUC per seed."""
    rows = []
    for s, setting in enumerate(SETTINGS):
        for i, seed in enumerate((1, 2, 3)):
            for method, by_setting in ag.items():
                auc = (mia or {}).get(setting, (0.5, 0.5, 0.5))[i] if method == "original" else 0.5
                rows.append(dict(dataset="digits", scenario="B", seed=seed, method=method, setting=setting,
                                 shots=(0, 64, 1024)[s], depolarizing=0.0, readout=0.0,
                                 AG=by_setting[setting] + WOBBLE[i], MIA_AUC=auc))
    return pd.DataFrame(rows)


REFERENCE_AG = {"original": {s: 0.40 for s in SETTINGS}, "oracle": {s: 0.0 for s in SETTINGS},
                "oracle_indep": {s: 0.05 for s in SETTINGS}}


def test_survival_names_who_keeps_and_who_loses_the_verdict():
    ag = {**REFERENCE_AG, "lca": {s: 0.1 for s in SETTINGS},
          "eu_k": {"exact": 0.1, "64 shots": 0.40, "1024 shots": 0.1},
          "ga": {s: 0.45 for s in SETTINGS}}
    ag["eu_k"]["64 shots"] = 0.40                     # equal to doing nothing there: undecided
    table = ch08.hybrid_survival(hybrid_results(ag), "B")
    assert list(table.columns) == list(SETTINGS)
    assert table.loc["LCA"].tolist() == ["better"] * 3
    assert table.loc["EU-k"].tolist() == ["better", "undecided", "better"]
    assert table.loc["GA", "exact"] == "worse"
    words = ch08.survival_words(table)
    assert words == ("With exact expectations on the subsample LCA and EU-k are closer to the oracle than doing "
                     "nothing (paired 95 % t intervals over 3 seeds); LCA stays so at every setting; EU-k is not "
                     "shown to be at 64 shots. These exact verdicts are computed on the subsample; where they differ "
                     "from section 8.8's, the subsample (or section 8.8's average over the datasets) is the reason.")


def test_survival_words_without_exact_winners_and_with_chance_findings():
    table = pd.DataFrame({"exact": ["undecided", "worse"], "64 shots": ["better", "worse"]}, index=["GA", "SCRUB"])
    table.attrs["seeds"] = 3
    assert ch08.survival_words(table) == (
        "With exact expectations on the subsample no method is shown to be closer to the oracle than doing nothing "
        "(paired 95 % t intervals over 3 seeds), so the device has no such verdict to overturn. GA is closer than "
        "doing nothing only at 64 shots, a verdict exact expectations on the subsample do not give: with 1 other "
        "setting, expect such chance findings. These exact verdicts are computed on the subsample; where they "
        "differ from section 8.8's, the subsample (or section 8.8's average over the datasets) is the reason.")
    with pytest.raises(ValueError, match="no 'ideal' column"):
        ch08.survival_words(table, reference="ideal")


def test_survival_words_say_which_exact_verdicts_the_subsample_changes_and_which_the_datasets_average():
    table = pd.DataFrame({"exact": ["better", "undecided", "better", "undecided"],
                          "64 shots": ["better", "better", "better", "undecided"]},
                         index=["EU-k", "LCA", "OEU", "ADV-uniform"])
    table.attrs["seeds"] = 3
    full = pd.Series({"EU-k": "better", "LCA": "better", "OEU": "better", "ADV-uniform": "undecided"})
    chapter = pd.Series({"EU-k": "better", "LCA": "better", "OEU": "undecided", "ADV-uniform": "better"})
    words = ch08.survival_words(table, full=full, chapter=chapter, dataset="digits")
    assert words.startswith("With exact expectations on the subsample EU-k and OEU are closer")
    assert words.endswith(
        "On the full digits sets the same models' exact verdicts differ for LCA (better there, undecided here): the "
        "subsample's doing, since the models are the same. Section 8.8's table differs also for OEU (undecided "
        "there) and ADV-uniform (better there): it averages each seed's AG over the datasets, and digits alone "
        "reads otherwise.")
    same = ch08.survival_words(table, full=table["exact"], chapter=table["exact"], dataset="digits")
    assert same.endswith("On the full digits sets the same models read the same exact verdicts.")
    only_chapter = ch08.survival_words(table, chapter=chapter)
    assert only_chapter.endswith("Section 8.8's verdicts differ for LCA, OEU and ADV-uniform: these exact verdicts "
                                 "are computed on the subsample.")
    assert ch08.survival_words(table, chapter=table["exact"]).endswith(
        "On the subsample the exact verdicts are section 8.8's.")


def test_exact_verdicts_judge_one_dataset_on_its_full_sets():
    ag = {**REFERENCE_AG, "lca": {s: 0.1 for s in SETTINGS}, "ga": {s: 0.45 for s in SETTINGS}}
    rows = hybrid_results(ag)
    rows = rows[rows["setting"] == "exact"]
    other = rows.assign(dataset="iris", AG=rows["AG"].where(rows["method"] != "lca", 0.45))
    both = pd.concat([rows, other], ignore_index=True)
    assert ch08.exact_verdicts(both, "digits", "B")["LCA"] == "better"
    assert ch08.exact_verdicts(both, "iris", "B")["LCA"] == "worse"
    with pytest.raises(ValueError, match="no rows of 'mnist'"):
        ch08.exact_verdicts(both, "mnist", "B")


def test_settings_of_needs_a_device_table():
    with pytest.raises(ValueError, match="'setting' column"):
        ch08.settings_of(pd.DataFrame({"seed": [1]}))
    assert ch08.settings_of(hybrid_results(REFERENCE_AG)) == list(SETTINGS)


def vqc_closeness(recall_dg: dict, kl_dg: dict) -> pd.DataFrame:
    rows = []
    for setting in SETTINGS:
        for i, seed in enumerate((1, 2, 3, 4)):
            w = (0.0, 0.01, -0.01, 0.005)[i]
            values = {"original": (0.9 + w, 0.30 + w), "similarity": (recall_dg[setting] + w, kl_dg[setting] + w),
                      "gold_indep": (0.0, 0.05 + w), "gold": (0.0, 0.0)}
            rows += [dict(dataset="iris", seed=seed, model=m, setting=setting, forget_recall=r, retained_acc=1.0,
                          mean_kl=k) for m, (r, k) in values.items()]
    return pd.DataFrame(rows)


def test_vqc_claims_hold_or_fail_setting_by_setting():
    frame = vqc_closeness({"exact": 0.0, "64 shots": 0.9, "1024 shots": 0.1},
                          {"exact": 0.1, "64 shots": 0.1, "1024 shots": 0.30})
    table = ch08.vqc_claims(frame)
    assert table["forgets"].tolist() == ["reproduces", "undecided", "reproduces"]
    assert table["closer"].tolist() == ["closer", "closer", "undecided"]
    assert table.loc["exact", "recall (DG)"] == pytest.approx(0.00125)
    assert ch08.vqc_claim_words(table) == (
        "DG's recall of the forgotten class 2 is lower than doing nothing's at exact and 1024 shots; not shown to "
        "differ at 64 shots. DG is closer to the gold model than doing nothing by the KL at exact and 64 shots; "
        "undecided at 1024 shots (paired 95 % t intervals over 4 seeds).")
    everywhere = ch08.vqc_claims(vqc_closeness({s: 0.0 for s in SETTINGS}, {s: 0.9 for s in SETTINGS}))
    assert ch08.vqc_claim_words(everywhere) == (
        "DG's recall of the forgotten class 2 is lower than doing nothing's at every setting. DG is farther from the "
        "gold model than doing nothing by the KL at every setting (paired 95 % t intervals over 4 seeds).")
    higher = ch08.vqc_claims(vqc_closeness({s: 1.0 for s in SETTINGS}, {s: 0.30 for s in SETTINGS}))
    assert ch08.vqc_claim_words(higher, forget_class=0).startswith(
        "DG's recall of the forgotten class 0 is higher than doing nothing's at every setting. DG is not shown")


def test_mia_by_setting_reads_the_distance_from_chance():
    mia = {"exact": (0.70, 0.72, 0.68), "64 shots": (0.55, 0.56, 0.54), "1024 shots": (0.70, 0.73, 0.69)}
    table = ch08.mia_by_setting(hybrid_results(REFERENCE_AG, mia))
    assert table["toward chance"].tolist() == ["reference", "yes", "undecided"]    # exact is not compared with itself
    assert table.loc["exact", "interval"] is None
    assert table.loc["64 shots", "mean |AUC - 0.5|"] == pytest.approx(0.05)
    assert table.attrs["AUC per seed"]["exact"] == pytest.approx((0.70, 0.72, 0.68))
    assert ch08.mia_words(table) == (
        "The max-softmax attack on the untouched model has a mean AUC of 0.70 over the seeds with exact expectations; "
        "the mean over seeds of each seed's distance from chance, |AUC - 0.5|, is 0.20. Against exact expectations, "
        "that distance shrinks (toward chance) at 64 shots (-0.150 [-0.175, -0.125]); its change is undecided at "
        "1024 shots (paired 95 % t intervals over 3 seeds). With 2 other settings tested, one decided move at 95 % "
        "can be chance.")
    still = ch08.mia_by_setting(hybrid_results(REFERENCE_AG, {s: mia["exact"] for s in SETTINGS}))
    assert ch08.mia_words(still).endswith(
        "is 0.20; at no other setting is the attack shown to move toward chance or away from it (paired 95 % t "
        "intervals over 3 seeds of the change of |AUC - 0.5| span zero).")
    with pytest.raises(ValueError, match="no rows of method 'lca'"):
        ch08.mia_by_setting(hybrid_results(REFERENCE_AG), method="lca")


def test_mia_words_say_what_is_averaged_when_seeds_fall_on_both_sides_of_chance():
    # seed 2's attack is inverted: the mean AUC (0.57) is 0.07 from chance, the seeds are 0.20 from it on average
    mia = {"exact": (0.80, 0.30, 0.61), "64 shots": (0.76, 0.34, 0.56), "1024 shots": (0.83, 0.26, 0.65)}
    table = ch08.mia_by_setting(hybrid_results(REFERENCE_AG, mia))
    assert table.loc["exact", "mean AUC"] == pytest.approx(0.57)
    assert table.loc["exact", "mean |AUC - 0.5|"] == pytest.approx(0.61 / 3)
    assert table["toward chance"].tolist() == ["reference", "yes", "no"]
    assert ch08.mia_words(table) == (
        "The max-softmax attack on the untouched model has a mean AUC of 0.57 over the seeds with exact expectations, "
        "but the seeds' AUCs (0.80, 0.30 and 0.61) fall on both sides of chance, 0.5 (below it the attack scores the "
        "test samples as the likelier members); the mean over seeds of each seed's distance from chance, "
        "|AUC - 0.5|, is 0.20. Against exact expectations, that distance shrinks (toward chance) at 64 shots "
        "(-0.043 [-0.058, -0.029]); it grows (away from chance) at 1024 shots (+0.037 [+0.022, +0.051]) (paired "
        "95 % t intervals over 3 seeds). A move toward chance at one setting and away from it at another is no "
        "trend: with 2 other settings, expect such chance findings.")


def test_membership_table_says_not_run_where_an_attack_skips_a_setting():
    mia = ch08.mia_by_setting(hybrid_results(REFERENCE_AG, {s: (0.70, 0.72, 0.68) for s in SETTINGS}))
    private = ch08.privacy_by_setting(privacy({"exact": 0.4, "64 shots": 0.0, "1024 shots": 0.3})
                                      .query("setting != '1024 shots'"))
    table = ch08.membership_table(mia, private)
    assert list(table.index) == list(SETTINGS) and "interval" not in table.columns.get_level_values(1)
    ulira = table["U-LiRA (VQC, original vs gold)"]
    assert ulira.loc["1024 shots"].tolist() == ["not run"] * 4
    assert ulira.loc["exact", "U-LiRA"] == pytest.approx(0.9) and ulira.loc["exact", "examples"] == 6
    assert table.loc["exact", ("MIA AUC (hybrid, original)", "toward chance")] == "reference"
    assert not table.isna().any().any()


def privacy(original_by_setting: dict) -> pd.DataFrame:
    rows = []
    for setting in SETTINGS:
        base = [0.5, 0.55, 0.45, 0.5, 0.52, 0.48]
        shift = original_by_setting[setting]
        for population, values in (("original", [v + shift for v in base]), ("gold_indep", base)):
            rows.append(dict(population=population, setting=setting, ulira_accuracy=sum(values) / len(values),
                             ulira_examples=values))
    return pd.DataFrame(rows)


def test_privacy_words_say_whether_shot_noise_hides_membership():
    table = ch08.privacy_by_setting(privacy({"exact": 0.4, "64 shots": 0.0, "1024 shots": 0.3}))
    assert table["distinguishable"].tolist() == ["yes", "no", "yes"]
    assert ch08.privacy_words(table) == (
        "U-LiRA tells the untouched models from the gold ones on 90 % of held-out models with exact expectations "
        "and on 50 % at 64 shots (Gold′: 50 %); paired over the 6 forget examples, they are not shown to be more "
        "distinguishable than another gold population at 64 shots: there the shot noise alone hides membership "
        "from this attack.")
    kept = ch08.privacy_by_setting(privacy({s: 0.3 for s in SETTINGS}))
    assert ch08.privacy_words(kept).endswith("they stay more distinguishable than another gold population at every "
                                             "setting: shot noise alone does not hide membership here.")
    with pytest.raises(ValueError, match=r"no \['similarity'\] population"):
        ch08.privacy_by_setting(privacy({s: 0.3 for s in SETTINGS}), population="similarity")


def test_reproduction_words_compare_the_retrained_models_with_the_chapters_rows():
    keys = dict(dataset="digits", scenario="B", seed=1)
    chapter = pd.DataFrame([dict(keys, method=m, retain=0.9, forget=f, test=0.8, MIA_AUC=0.6, AG=0.1, KL_test=0.2)
                            for m, f in (("original", 0.95), ("oracle", 0.0), ("ga", 0.5))])
    same = chapter[chapter["method"] != "ga"].assign(setting="exact")
    assert ch08.reproduction_words(same, chapter) == ("The 2 models give the chapter's table exactly (largest "
                                                      "difference 0): they are the chapter's models.")
    rounding = same.assign(AG=same["AG"] + 2e-12)
    assert "exactly (largest difference 2.0e-12, float rounding)" in ch08.reproduction_words(rounding, chapter)
    off = same.assign(forget=same["forget"] + 0.25)
    assert ch08.reproduction_words(off, chapter) == ("The 2 models differ from the chapter's table by up to 0.250: "
                                                     "they are not exactly the chapter's models (another thread count "
                                                     "or code version?).")
    with pytest.raises(ValueError, match="lack some of the re-trained rows"):
        ch08.reproduction_words(same.assign(seed=2), chapter)


def test_subsample_words():
    assert ch08.subsample_words((20, 20, 30)) == ("20 of the forget set, 20 of the retain set and 30 test samples "
                                                  "(stratified by class)")
    with pytest.raises(ValueError, match="three positive integers"):
        ch08.subsample_words((20, 0, 30))
