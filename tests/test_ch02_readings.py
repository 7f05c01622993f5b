"""Chapter 2's readings (helpers.chapters.ch02): every wording branch on constructed inputs."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from helpers import notebook
from helpers.chapters import ch02
from helpers.chapters.ch02 import (EGU, OEU, ORIGINAL, RANDOM, RETRAIN, SIMILAR, entropy_rise_by_confidence,
                                   logit_path_readings, positive_gradient_words, retrain_readings, sample_readings,
                                   table_readings, target_bias_readings, update_steps)
from helpers.chapters.forget_objectives import entropy_loss_gradient

K = 10
LOG_K = math.log(K)


# ------------------------------------------------------------------------------------------- small pieces
def test_update_steps_count_forget_batches():
    assert update_steps(3, 64, 130) == 9 and update_steps(0, 64, 130) == 0 and update_steps(1, 10, 10) == 1
    with pytest.raises(ValueError, match="batch_size >= 1"):
        update_steps(1, 0, 10)


def test_glue_all_wraps_sentences_and_returns_the_readings(monkeypatch):
    glued = {}
    monkeypatch.setattr(notebook, "glue", lambda name, value: glued.setdefault(name, value))
    readings = {"n": 3, "words": "a *sentence*"}
    assert ch02.glue_all(readings) is readings
    assert glued["n"] == 3 and glued["words"].data == "a *sentence*"            # an IPython Markdown object


@pytest.mark.parametrize("fa, ta, n, close, most", [
    (95.0, 96.0, 130, True, True),        # 1 point apart; sampling error ~1.7
    (99.0, 90.0, 130, False, True),       # 9 points above: more than twice the error
    (30.0, 40.0, 400, False, False),      # most forgotten images misclassified
])
def test_retrain_readings(fa, ta, n, close, most):
    r = retrain_readings(fa, ta, n)
    assert r["retrain_fa_ta"].startswith("close to its TA") == close
    if not close:
        assert ("above" if fa > ta else "below") in r["retrain_fa_ta"]
    assert ("still classifies most" in r["retrain_majority"]) == most
    assert ("misclassifies most" in r["retrain_summary"]) == (not most)
    with pytest.raises(ValueError, match="accuracies in"):
        retrain_readings(120.0, 90.0, n)


def test_ta_change_words_and_sampling_error_words():
    assert ch02.ta_change_words({"EGU": 98.33, "OEU": 96.67}, 96.94) == ("that EGU gains 1.4 points of test accuracy "
                                                                         "and OEU loses 0.3")
    assert ch02.ta_change_words({"EGU": 96.94, "OEU": 96.94}, 96.94) == "that EGU keeps its test accuracy and OEU keeps it"
    with pytest.raises(ValueError, match="no methods"):
        ch02.ta_change_words({}, 96.0)
    assert ch02.sampling_error_words(1.37, 144) == ("two binomial standard errors of a share of 144 images (one "
                                                    "standard error is ±1.4 points at the test accuracy's rate)")
    with pytest.raises(ValueError, match="n >= 1"):
        ch02.sampling_error_words(1.0, 0)


def test_oracle_caveat_only_when_retrain_prime_trained_poorly():
    assert ch02.oracle_caveat(99.54, 99.1, seed=1) == ""
    assert ch02.oracle_caveat(99.54, 83.76, seed=1).startswith(
        "Caution: Retrain′ trained poorly on seed 1 (RA 83.8 % against Retrain's 99.5 %)")


def test_retrain_gap_against_the_noise_floor_and_differences_as_shown():
    assert ch02.points(96.94, 91.66) == 5.3                     # from the unrounded values (5.28), not 96.9 - 91.7
    assert ch02.points(97.22, 93.75) == 3.5                     # 3.47, although the two print as 97.2 and 93.8
    within = retrain_readings(93.75, 97.22, 144, floor=10.4)["retrain_fa_ta"]
    assert within.startswith("3.5 points below its TA (97.2%), more than two binomial standard errors of a share "
                             "of 144 images (one standard error is ±1.4 points at the test accuracy's rate)")
    assert within.endswith("but no more than the 10.4 points between the FAs of two independently seeded Retrains "
                           "(below)")
    assert "but more than the 1.0 points" in retrain_readings(93.8, 97.24, 144, floor=1.0)["retrain_fa_ta"]
    assert "Retrains" not in retrain_readings(95.0, 95.5, 144, floor=1.0)["retrain_fa_ta"]     # close: no floor needed


def test_positive_gradient_words_for_each_case():
    confident = torch.tensor([5.0, 0.0, 0.0, 0.0])
    assert positive_gradient_words(entropy_loss_gradient(confident), confident) == "one class, 0, the predicted one"
    two = torch.tensor([0.01, 0.0, -1.4, -1.4])          # p ~ (0.4, 0.4, 0.1, 0.1): both above exp(-H) ~ 0.3
    assert positive_gradient_words(entropy_loss_gradient(two), two) == "2 classes, 0 and 1, the predicted one among them"
    assert positive_gradient_words(torch.tensor([0.0, 1.0, -1.0]), torch.tensor([2.0, 1.0, 0.0])).endswith(
        "not including the predicted one")
    assert positive_gradient_words(torch.zeros(4), torch.zeros(4)).startswith("none of them")
    with pytest.raises(ValueError, match="one sample"):
        positive_gradient_words(torch.zeros(2, 4), torch.zeros(2, 4))


# ------------------------------------------------------------------------------------- Sec. 2.3: free logits
def _path(h_start, h_10, h_100, h_end, kl_end, steps=200):
    H = [h_start] + [h_10] * 10 + [h_100] * 90 + [h_end] * (steps - 100)
    return {"H": H, "KL": [LOG_K - h for h in H[:-1]] + [kl_end]}


def test_logit_paths_both_theorems_fast_labels_slow_egu():
    paths = {RANDOM: _path(0.01, 1.5, 0.5, 0.02, LOG_K - 0.02), SIMILAR: _path(0.01, 1.2, 0.4, 0.03, LOG_K - 0.03),
             EGU: _path(0.01, 0.011, 0.02, LOG_K, 1e-8)}
    r = logit_path_readings(paths, K, start_entropy=0.01)
    assert r["paths_verdict"] == "Both theorems hold"
    assert r["rl_start"].startswith("Random Labels moves at once") and "1.50" in r["rl_start"]
    assert r["egu_start"].startswith("EGU barely moves at first") and "0.020" in r["egu_start"]


def test_logit_paths_short_of_the_optima_and_fast_egu():
    paths = {RANDOM: _path(1.0, 1.05, 0.9, 0.5, LOG_K - 0.5), SIMILAR: _path(1.0, 1.0, 0.9, 0.02, LOG_K - 0.02),
             EGU: _path(1.0, 1.3, 2.0, 2.2, 0.05)}
    r = logit_path_readings(paths, K, start_entropy=1.0)
    assert r["paths_verdict"] == ("Only Similar Labels ends at Theorem 4.1's one-hot within 200 steps, and EGU is "
                                  "still short of Theorem 4.2's uniform distribution after 200 steps")
    assert r["rl_start"].startswith("Random Labels too starts slowly")
    assert r["egu_start"].startswith("EGU moves from the start") and "2.000" in r["egu_start"]
    neither = {**paths, SIMILAR: paths[RANDOM], EGU: _path(1.0, 1.3, 2.0, LOG_K, 0.0)}
    assert logit_path_readings(neither, K, 1.0)["paths_verdict"] == (
        "The label objectives are still short of Theorem 4.1's one-hot after 200 steps, and EGU ends at Theorem "
        "4.2's uniform distribution")
    both_labels = {**paths, RANDOM: paths[SIMILAR]}
    assert logit_path_readings(both_labels, K, 1.0)["paths_verdict"].startswith(
        "The label objectives end at Theorem 4.1's one-hot, and EGU is still short")
    with pytest.raises(ValueError, match="lacks"):
        logit_path_readings({RANDOM: paths[RANDOM]}, K, 1.0)
    with pytest.raises(ValueError, match="100 steps"):
        logit_path_readings({n: {"H": [0.0] * 50, "KL": [0.0] * 50} for n in paths}, K, 1.0)


# ----------------------------------------------------------------------------------- Sec. 2.4: target bias
def test_target_bias_readings_each_branch():
    formula = math.log(K / (K - 1))
    r = target_bias_readings(formula, formula * 1.001, formula, kl_random=0.03, kl_similar=0.3, kl_noise=0.03)
    assert r == {"a6_verdict": "Proposition A.6 checks out", "rl_noise": "about the size of",
                 "sl_vs_rl": "10.0 times as far"}
    r = target_bias_readings(formula, formula * 1.1, formula, kl_random=0.2, kl_similar=0.25, kl_noise=0.03)
    assert r["a6_verdict"].endswith("strays by more than 2 %")
    assert r["rl_noise"] == "well above" and r["sl_vs_rl"] == "about as far"
    r = target_bias_readings(2 * formula, formula, formula, kl_random=0.001, kl_similar=0.0001, kl_noise=0.03)
    assert r["a6_verdict"] == "Proposition A.6 does *not* check out here"
    assert r["rl_noise"] == "well below" and r["sl_vs_rl"] == "closer to uniform than the random labels"
    assert target_bias_readings(formula, formula, formula, 0.0, 0.1, 0.03)["sl_vs_rl"].startswith("farther")
    with pytest.raises(ValueError, match="non-negative"):
        target_bias_readings(formula, formula, formula, -0.1, 0.1, 0.03)


# -------------------------------------------------------------------------------- Sec. 2.5: one sample
def _probs(true_prob, top_wrong, rest=None):
    """A softmax over K classes: ``true_prob`` on class 0, ``top_wrong = (class, p)``, the rest spread evenly."""
    p = np.zeros(K)
    p[0] = true_prob
    k, pk = top_wrong
    p[k] = pk
    others = [c for c in range(K) if c not in (0, k)]
    p[others] = (1 - true_prob - pk) / len(others)
    return p


def _sample_inputs(egu_true=0.975, rl_top=(3, 0.3), sl_top=(5, 0.2), rl_target=3, sl_target=5):
    """Forget set of 6 images; the sample (position 0) and three others are of class 0."""
    targets = torch.tensor([0, 0, 0, 0, 1, 2])
    new_labels = {RANDOM: torch.tensor([rl_target, 7, 7, 4, 3, 3]), SIMILAR: torch.tensor([sl_target, 8, 8, 8, 0, 0])}
    probs = {ORIGINAL: _probs(0.98, (5, 0.01)), RETRAIN: _probs(0.9, (5, 0.05)),
             RANDOM: _probs(0.6, rl_top), SIMILAR: _probs(0.7, sl_top),
             EGU: _probs(egu_true, (5, 0.005)), OEU: _probs(egu_true, (5, 0.005))}
    return dict(probs=probs, true_class=0, similar_label=5, start_entropy=0.1, new_labels=new_labels,
                forget_targets=targets, sample=0, seed=1, n_steps=9)


def test_sample_readings_not_fig4_and_both_targets_hit():
    r = sample_readings(**_sample_inputs())
    assert r["n_steps"] == 9
    assert r["fig4_verdict"].startswith("On our run (SEED = 1, SAMPLE = 0) this is *not* the paper's Fig. 4")
    assert "noticeably" in r["fig4_verdict"] and "but more than EGU and OEU" in r["fig4_verdict"]
    assert "almost exactly as confident" in r["fig4_verdict"] and "9 update steps" in r["fig4_verdict"]
    assert r["mass_lead"] == "Where Theorem 4.1 points"
    assert r["mass_rl"].endswith("is on class 3, the objective's own target")
    assert r["mass_sl"].endswith("is on class 5, the objective's own target")


def test_sample_readings_fig4_reproduced_and_no_target_hit():
    inputs = _sample_inputs(egu_true=0.15, rl_top=(7, 0.3), sl_top=(5, 0.2), rl_target=3, sl_target=9)
    inputs["probs"][EGU] = inputs["probs"][OEU] = np.full(K, 1 / K)
    r = sample_readings(**inputs)
    assert r["fig4_verdict"].startswith("On our run (SEED = 1, SAMPLE = 0) EGU and OEU flatten the prediction")
    assert "and no more than EGU and OEU, which take at most 0.88 off it" in r["fig4_verdict"]
    assert r["mass_lead"] == "Not where Theorem 4.1 points"
    # class 7 is the Random Label of most forget images of digit 0; class 5 the original's runner-up
    assert "class 7 is the Random Label of 2 of the 4 forget images of digit 0, the most frequent" in r["mass_rl"]
    assert r["mass_sl"].endswith("class 5 is the original model's own runner-up for this image")


def test_sample_readings_partly_and_other_class():
    inputs = _sample_inputs(rl_top=(4, 0.3), sl_top=(5, 0.2), rl_target=3, sl_target=5)
    inputs["probs"][RANDOM] = _probs(0.3, (4, 0.3))          # lost 0.68: "a lot"
    r = sample_readings(**inputs)
    assert r["mass_lead"] == "Only partly where Theorem 4.1 points"
    assert r["mass_rl"].endswith("class 4 is the Random Label of 1 of the 4 forget images of digit 0")
    assert "move the sample a lot" in r["fig4_verdict"]
    inputs["probs"][RANDOM] = inputs["probs"][SIMILAR] = _probs(0.9, (3, 0.05))
    inputs["probs"][EGU] = _probs(0.5, (5, 0.3))
    r = sample_readings(**inputs)
    assert "only slightly" in r["fig4_verdict"] and "and no more than EGU and OEU, which take at most 0.48" in r[
        "fig4_verdict"]
    with pytest.raises(ValueError, match="not a forget image of class 0"):
        sample_readings(**{**inputs, "sample": 4})
    with pytest.raises(ValueError, match="lacks"):
        sample_readings(**{**inputs, "new_labels": {RANDOM: inputs["new_labels"][RANDOM]}})


# ------------------------------------------------------------------------------ Sec. 2.5: the forget set
def _logits(entropies_by_model: dict, predictions: dict, labels: torch.Tensor) -> dict:
    """Logits over a forget set, one per model: ``predictions`` their argmax; the lower the scale, the flatter."""
    out = {}
    for name, scale in entropies_by_model.items():
        z = torch.zeros(len(labels), K)
        z[torch.arange(len(labels)), predictions[name]] = torch.as_tensor(scale, dtype=torch.float32)
        out[name] = z
    return out


def test_entropy_rise_by_confidence_both_wordings():
    labels = torch.zeros(4, dtype=torch.long)
    pred = {n: labels for n in (ORIGINAL, EGU, OEU)}
    orig = [10.0, 10.0, 3.0, 2.0]                     # images 2, 3 are the less confident half
    r = entropy_rise_by_confidence(_logits({ORIGINAL: orig, EGU: [10.0, 10.0, 1.0, 1.0], OEU: orig}, pred, labels))
    assert r["egu_where"].endswith("mostly where the model was less sure")
    assert r["dH_unsure_egu"] > 0.5 and abs(r["dH_sure_egu"]) < 1e-6 and r["dH_unsure_oeu"] == 0
    r = entropy_rise_by_confidence(_logits({ORIGINAL: orig, EGU: [1.0, 1.0, 1.0, 1.0], OEU: orig}, pred, labels))
    assert r["egu_where"].endswith("about as much on confident as on less confident samples")
    with pytest.raises(ValueError, match="lacks"):
        entropy_rise_by_confidence({ORIGINAL: torch.zeros(2, K)})


def _table(**rows):
    """The chapter's table: defaults where the label objectives damage the model and nothing reaches its optimum."""
    base = {ORIGINAL: dict(H=0.10, new=np.nan, FA=95.0, TA=96.0), RETRAIN: dict(H=0.30, new=np.nan, FA=94.0, TA=95.0),
            RANDOM: dict(H=0.90, new=20.0, FA=70.0, TA=90.0), SIMILAR: dict(H=0.60, new=40.0, FA=55.0, TA=84.0),
            EGU: dict(H=0.20, new=np.nan, FA=96.0, TA=96.0), OEU: dict(H=0.25, new=np.nan, FA=95.0, TA=95.5)}
    for name, change in rows.items():
        base[name] = {**base[name], **change}
    return pd.DataFrame({n: {"mean H": r["H"], "predicts its new label %": r["new"], "FA": r["FA"], "TA": r["TA"]}
                         for n, r in base.items()}).T


def _table_logits(fixed=(0, 0), broken=(0, 0)):
    """Logits over a 20-image forget set: the original gets images 0-1 wrong (and is least sure of them);
    OEU and EGU fix ``fixed`` of those and break ``broken`` of the others."""
    labels = torch.zeros(20, dtype=torch.long)
    pred_orig = labels.clone()
    pred_orig[:2] = 1
    scales = torch.full((20,), 8.0)
    scales[:2] = 1.0
    preds = {ORIGINAL: pred_orig}
    for name, (f, b) in zip((OEU, EGU), zip(fixed, broken)):
        p = pred_orig.clone()
        p[:f] = 0
        p[2:2 + b] = 1
        preds[name] = p
    return _logits({n: scales for n in preds}, preds, labels), labels


NORMS = {"retain": 1.0, "random": 12.0, "similar": 9.0, "entropy": 0.5}


def test_table_readings_label_objectives_damage_and_do_not_arrive():
    logits, labels = _table_logits()
    r = table_readings(_table(), logits, labels, NORMS, clip=5.0)
    assert r["gnorm_random"] == 12.0 and r["clip"] == 5.0
    assert r["label_lead"] == "They do not reach Theorem 4.1's destination; they damage the model instead"
    assert r["rl_reading"].startswith("Random Labels predicts its random label on 20.0% of $D_f$, and its mean "
                                      "entropy there rises to 0.90")
    assert "not a confident wrong answer but, mostly, a less confident right one" in r["rl_reading"]
    assert "the damage spreads to the test set" in r["rl_reading"]
    assert r["sl_reading"].startswith("Similar Labels gets further towards its labels (40.0% of the forget set) at "
                                      "a cost about 2 times larger")
    assert r["gnorm_lead"].startswith("One step size does not suit all three objectives") and "18 to 24 times" in r[
        "gnorm_lead"]
    assert r["gnorm_lead"].endswith("clips each step's gradient at norm 5, which caps the ratio of the steps at about 10")
    assert r["egu_rise"] == "It rises moderately" and r["egu_far"].startswith("That is far from the uniform optimum")
    assert r["egu_ta_cost"] == "that EGU keeps its test accuracy and OEU loses 0.5"
    assert r["destination"] == "no method gets there"
    assert r["retrain_lead"] == "Retrain is not uniform" and "overshoot Retrain" in r["retrain_confidence"]
    assert "-6.0 (Random) and -12.0 (Similar)" in r["summary_run"] and "saturates" not in r["summary_run"]
    flatter = {**logits, EGU: logits[EGU] * torch.tensor([0.1] * 2 + [1.0] * 18).unsqueeze(1)}  # the unsure two
    assert "(the entropy loss saturates on confident samples)" in table_readings(_table(), flatter, labels, NORMS, 5.0)[
        "summary_run"]
    assert "the uniform optimum is not Retrain's behaviour" in r["summary_run"]
    assert r["fa_note"].startswith("The FA column holds a surprise: the forget accuracy of max entropy (EGU) (96.0%)")


def test_table_readings_label_objectives_arrive():
    logits, labels = _table_logits()
    arrive = _table(**{RANDOM: dict(new=100.0, FA=0.0, H=0.01, TA=95.5), SIMILAR: dict(new=99.5, FA=0.0, TA=95.8)})
    r = table_readings(arrive, logits, labels, NORMS, clip=5.0)
    assert r["label_lead"].startswith("They reach Theorem 4.1's destination: each predicts its new label on at "
                                      "least 100% of $D_f$") and r["label_lead"].endswith("without damaging the rest "
                                                                                          "of the model")
    assert "mostly the wrong answer it was trained towards" in r["rl_reading"]
    assert "falls to 0.01" in r["rl_reading"] and "the test set hardly notices" in r["rl_reading"]
    assert r["destination"] == "only Random Labels and Similar Labels get there"
    damaged = _table(**{RANDOM: dict(new=100.0, TA=80.0), SIMILAR: dict(new=100.0, TA=85.0)})
    assert table_readings(damaged, logits, labels, NORMS, 5.0)["label_lead"].endswith("at a cost to the whole model")
    one = _table(**{RANDOM: dict(new=100.0, TA=80.0), SIMILAR: dict(new=100.0, TA=95.9)})
    assert table_readings(one, logits, labels, NORMS, 5.0)["label_lead"].endswith(
        "; only Random Labels damages the rest of the model on the way")


def test_table_readings_mixed_damage_and_random_label_kinds():
    logits, labels = _table_logits()
    mixed = _table(**{RANDOM: dict(TA=95.5, FA=40.0, new=30.0)})
    r = table_readings(mixed, logits, labels, NORMS, 5.0)
    assert r["label_lead"] == ("They do not reach Theorem 4.1's destination; Similar Labels damages the model instead, "
                               "Random Labels hardly changes it")
    assert "mostly neither the true label nor its new one" in r["rl_reading"]
    assert r["sl_reading"].split(" at ")[1].startswith("a larger cost")         # Random Labels lose only 0.5
    calm = _table(**{RANDOM: dict(TA=95.5, H=0.05), SIMILAR: dict(TA=95.6, new=10.0)})
    r = table_readings(calm, logits, labels, NORMS, 5.0)
    assert r["label_lead"] == "They do not reach Theorem 4.1's destination, nor do they change the model much"
    assert "mostly still the right answer" in r["rl_reading"]
    assert "gets no further towards" in r["sl_reading"] and "a similar cost" in r["sl_reading"]
    cheaper = _table(**{SIMILAR: dict(TA=95.0)})
    assert "a smaller cost" in table_readings(cheaper, logits, labels, NORMS, 5.0)["sl_reading"]


def test_table_readings_gradient_and_entropy_branches():
    logits, labels = _table_logits()
    similar = {"retain": 1.0, "random": 1.0, "similar": 1.2, "entropy": 0.9}
    assert table_readings(_table(), logits, labels, similar, 5.0)["gnorm_lead"].startswith("The three forgetting "
                                                                                            "gradients are of similar")
    near_twelve = {"retain": 0.2, "random": 6.2, "similar": 7.7, "entropy": 0.53}       # ratios 11.7 and 14.5
    lead = table_readings(_table(), logits, labels, near_twelve, 5.0)["gnorm_lead"]
    assert "has a raw gradient 11 to 14 times larger than the entropy loss's (the paper's Eq. 7); the loop clips " in lead
    assert lead.endswith("caps the ratio of the steps at about 9")                    # 5 / 0.53 = 9.4
    unclipped = {"retain": 0.2, "random": 4.0, "similar": 4.1, "entropy": 0.5}         # both below the clip norm
    lead = table_readings(_table(), logits, labels, unclipped, 5.0)["gnorm_lead"]
    assert lead.endswith("has a raw gradient 8 times larger than the entropy loss's (the paper's Eq. 7)")
    stronger = {"retain": 1.0, "random": 0.1, "similar": 0.2, "entropy": 0.9}
    assert table_readings(_table(), logits, labels, stronger, 5.0)["gnorm_lead"].startswith("Here the entropy loss (the paper's Eq. 7) pulls harder")
    flat = _table(**{EGU: dict(H=0.11, TA=97.0), OEU: dict(H=0.09, TA=96.5)})
    r = table_readings(flat, logits, labels, NORMS, 5.0)
    assert r["egu_rise"] == "It rises only slightly" and r["egu_ta_cost"] == "that EGU gains 1.0 points of test accuracy and OEU gains 0.5"
    down = _table(**{EGU: dict(H=0.05), OEU: dict(H=0.08)})
    assert table_readings(down, logits, labels, NORMS, 5.0)["egu_rise"] == "It does not rise"
    high = _table(**{EGU: dict(H=2.25), RETRAIN: dict(H=1.5)})
    r = table_readings(high, logits, labels, NORMS, 5.0)
    assert r["egu_rise"] == "It rises strongly" and r["egu_far"].startswith("That is more than half of the way")
    assert r["destination"] == "only max entropy (EGU) gets there"
    assert r["retrain_lead"] == "Retrain is far from confident" and "near the uniform optimum" in r["summary_run"]
    with pytest.raises(ValueError, match="gradient_norms lacks"):
        table_readings(_table(), logits, labels, {"retain": 1.0}, 5.0)
    with pytest.raises(ValueError, match="table lacks"):
        table_readings(_table().drop(index=OEU), logits, labels, NORMS, 5.0)


def test_fa_note_with_and_without_the_surprise():
    logits, labels = _table_logits(fixed=(1, 2), broken=(0, 1))          # OEU fixes 1, EGU fixes 2 and breaks 1
    surprise = _table(**{EGU: dict(FA=97.0), OEU: dict(FA=96.0), RETRAIN: dict(FA=94.0)})
    note = table_readings(surprise, logits, labels, NORMS, 5.0)["fa_note"]
    assert note.startswith("The FA column holds a surprise: the forget accuracy of max entropy (EGU) and OEU "
                           "(97.0%, 96.0%) is *above* the original model's (95.0%)")
    assert "and so sits further from Retrain's 94.0% than the untouched model did" in note
    assert "its 2 wrong forget images are among the 10% it is least sure of" in note
    assert "under OEU 1 of the original's mistakes became right and 0 new ones appeared, under EGU 2 and 1" in note
    assert note.endswith("On 20 images one flip is 5.0 points of FA.")
    towards = _table(**{EGU: dict(FA=96.0), OEU: dict(FA=94.0), RETRAIN: dict(FA=98.0)})
    assert "sits further from Retrain" not in table_readings(towards, logits, labels, NORMS, 5.0)["fa_note"]
    none = _table(**{EGU: dict(FA=94.0), OEU: dict(FA=95.0)})
    assert table_readings(none, logits, labels, NORMS, 5.0)["fa_note"] == (
        "In the FA column, under OEU 1 of the original's 2 forget mistakes became right and 0 new ones appeared; "
        "under EGU 2 and 1.")


def test_readings_with_math_are_pasted_as_myst():
    logits, labels = _table_logits()
    readings = {**table_readings(_table(), logits, labels, NORMS, 5.0), **retrain_readings(95.0, 96.0, 130),
                **table_readings(_table(**{RANDOM: dict(new=100.0), SIMILAR: dict(new=100.0)}), logits, labels,
                                 NORMS, 5.0)}
    with_math = {k for k, v in readings.items() if isinstance(v, str) and "$" in v}
    assert with_math and with_math <= ch02.MYST_READINGS
    notebook = Path(__file__).parents[1] / "notebooks" / "02_entropy_unlearning.ipynb"
    prose = "".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]
                    if c["cell_type"] == "markdown")
    pasted = re.findall(r"\{glue:md\}`([^`]+)`", prose)
    for key in ch02.MYST_READINGS:
        assert f"{key}:myst" in pasted and key not in pasted, key


def test_target_bias_numbers_of_section_2_4():
    K = 10
    targets = {"random": torch.arange(100) % K, "similar": torch.full((100,), 3)}   # even shares; all on class 3
    bias = ch02.target_bias(0, K, targets, seed=0, draws=20_000)
    assert bias["kl_bar"] == pytest.approx(math.log(K / (K - 1)), abs=1e-6) == bias["kl_formula"]
    assert bias["kl_hat"] == pytest.approx(bias["kl_formula"], rel=0.05)
    assert bias["kl_random_share"] == pytest.approx(0.0, abs=1e-7)
    assert bias["kl_similar"] == pytest.approx(math.log(K), abs=1e-6)             # one-hot shares: KL = log K
    assert (bias["top_similar"], bias["top_similar_pct"]) == (3, 100.0)
    assert bias["kl_noise"] == pytest.approx(9 / 200) and bias["kl_back"] == math.inf
    assert bias["arrays"]["p_bar"][0] == 0 and bias["arrays"]["shares"]["random"].sum() == pytest.approx(1)
    with pytest.raises(ValueError, match="'random' and 'similar'"):
        ch02.target_bias(0, K, {"random": targets["random"]}, seed=0)
