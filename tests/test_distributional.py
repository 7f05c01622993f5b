"""The distributional test of forgetting (helpers.metrics.distributional) on cases with known answers."""
from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.metrics.distributional import (
    DELTA, EPSILON_CAP, distributional_score, epsilon_from_rates, epsilon_points,
    logit_scaled_confidence, max_resolvable_epsilon, per_example_epsilon,
    ulira,
)


def _population(seed, loc=0.0, shape=(32, 20)):
    return np.random.default_rng(seed).normal(loc, 1.0, size=shape)


def test_identical_populations_score_best():
    # Every attack then has FPR = TPR, so every bound log(1 - delta - FPR) - log(1 - FPR) is
    # negative and clipped to 0: eps = 0 on every example, F = 1, and equal utility keeps score 1.
    outputs = _population(0)
    result = distributional_score(outputs, outputs.copy(), ra_unlearned=98.0, ra_retrained=98.0,
                                  ta_unlearned=95.0, ta_retrained=95.0)
    assert np.array_equal(result.epsilons, np.zeros(20))
    assert result.quality == 1.0 and result.score == 1.0 and result.n_models == 32


def test_disjoint_populations_score_worst():
    # 100 standard deviations apart: a threshold between them has FPR = FNR = 0, eps = inf -> cap
    u, r = _population(1), _population(2, loc=100.0)
    eps = per_example_epsilon(u, r)
    assert np.array_equal(eps, np.full(20, EPSILON_CAP))
    assert epsilon_points(eps, n_models=32).mean() == 0.0
    attack = ulira(u, r)
    assert attack.mean_accuracy == 1.0 and attack.mean_auc == 1.0


def test_epsilon_by_hand_with_four_models():
    # u = {0, 1, 2, 3}, r = {2, 3, 4, 5}: equal ranges (no peaky rule); median(r) = 3.5 > 1.5, so
    # Retrain is the positive population of the single thresholds "c >= t":
    #   t in (1, 2]: all of r above -> FNR = 0 -> discarded;   t in (3, 4]: none of u -> FPR = 0 -> discarded
    #   t in (2, 3]: TPR = 3/4 (3, 4, 5), FPR = 1/4 (3): eps = log(1 - delta - 1/4) - log(1/4)
    # The double thresholds (interval predicted as u, the tie goes to the first) reach at best the
    # same rates: l <= 0 and 2 <= r < 3 catches u = {0, 1, 2} and r = {2}: FPR = FNR = 1/4.
    # Every other interval keeping FPR, FNR > 0 has a smaller bound, e.g. [1, 3]: log(2 - 4 delta).
    u = np.array([[0.0], [1.0], [2.0], [3.0]])
    r = np.array([[2.0], [3.0], [4.0], [5.0]])
    expected = math.log(1 - DELTA - 0.25) - math.log(0.25)
    assert per_example_epsilon(u, r)[0] == pytest.approx(expected, rel=1e-12)
    assert per_example_epsilon(r, u)[0] == pytest.approx(expected, rel=1e-12)   # symmetric
    # scaled by 1/10 the order, hence every rate, is the same; the interval grid (width 0.3,
    # buffer 2) now also holds empty intervals l > r, which must count as catching nobody
    assert per_example_epsilon(u / 10, r / 10)[0] == pytest.approx(expected, rel=1e-12)
    # bins of width 0.5 up to ceil(log 3) = 2: eps = 1.0986 is in bin 3 -> h = 2 / 2^3
    assert epsilon_points([expected], n_models=4).mean() == 0.25


def test_epsilon_from_rates_rules():
    # one attack FPR = 0.1, FNR = 0.2: max(log(0.9 - d) - log 0.2, log(0.8 - d) - log 0.1) = log(8 - 10 d)
    assert epsilon_from_rates([0.1], [0.2]) == pytest.approx(math.log(8 - 10 * DELTA))
    assert epsilon_from_rates([0.0, 0.1], [0.0, 0.2]) == EPSILON_CAP      # perfect separation
    assert epsilon_from_rates([0.0, 0.3], [0.5, 0.0]) == 0.0              # both discarded
    assert epsilon_from_rates([0.5], [0.5]) == 0.0                        # a coin flip: clipped at 0


def test_a_peaky_unlearned_population_gets_the_cap():
    # range of u below 1 % of r's: metric.py's peaky rule, whatever the medians
    r = _population(3, shape=(32, 1))
    u = np.full((32, 1), float(np.median(r))) + np.linspace(0, 1e-3, 32)[:, None]
    assert per_example_epsilon(u, r)[0] == EPSILON_CAP


def test_bins_and_points():
    assert max_resolvable_epsilon(32) == 4.0           # ceil(log 31) = ceil(3.43)
    points = epsilon_points([0.0, 0.49, 0.5, 1.2, 3.99, 4.0, 50.0], n_models=32)
    assert points.tolist() == [1.0, 1.0, 0.5, 0.25, 2 / 2 ** 8, 0.0, 0.0]
    assert epsilon_points([0.0, 0.7], n_models=32).mean() == 0.75


def test_ulira_by_hand_with_four_models():
    # one example, folds = 2: models 0, 2 form fold 0 and models 1, 3 fold 1
    u = np.array([[0.0], [1.0], [2.0], [4.0]])
    r = np.array([[3.0], [5.0], [4.0], [6.0]])
    # Gaussian fits (mean, sample sd) of each fold:
    #   u: fold 0 {0, 2} -> (1, sqrt 2);       fold 1 {1, 4} -> (2.5, 3 / sqrt 2)
    #   r: fold 0 {3, 4} -> (3.5, 1 / sqrt 2); fold 1 {5, 6} -> (5.5, 1 / sqrt 2)
    def log_n(x, mean, sd):
        return -0.5 * ((x - mean) / sd) ** 2 - math.log(sd) - 0.5 * math.log(2 * math.pi)

    def ratio(x, fit_in, fit_out):
        return log_n(x, *fit_in) - log_n(x, *fit_out)

    on_fold0 = ((2.5, 3 / math.sqrt(2)), (5.5, 1 / math.sqrt(2)))   # fitted on fold 1, attacks fold 0
    on_fold1 = ((1.0, math.sqrt(2)), (3.5, 1 / math.sqrt(2)))       # fitted on fold 0, attacks fold 1
    lr_u = [ratio(0.0, *on_fold0), ratio(1.0, *on_fold1), ratio(2.0, *on_fold0), ratio(4.0, *on_fold1)]
    lr_r = [ratio(3.0, *on_fold0), ratio(5.0, *on_fold1), ratio(4.0, *on_fold0), ratio(6.0, *on_fold1)]
    # by hand: u0, u1, u2 are called unlearned, u3 = 4 is closer to Retrain's (3.5, 0.71);
    # r0 = 3 and r2 = 4 lie closer to u's wide fold-1 fit than to Retrain's (5.5, 0.71): wrong
    assert [x > 0 for x in lr_u] == [True, True, True, False]
    assert [x > 0 for x in lr_r] == [True, False, True, False]
    result = ulira(u, r)
    assert result.accuracy[0] == 5 / 8 and result.mean_accuracy == 5 / 8
    # AUC: u0, u1, u2 outrank all four retrained ratios; u3 (-2.69) outranks none (lowest r: -2.44)
    assert sorted(lr_r)[0] > lr_u[3]
    assert result.auc[0] == 12 / 16


def test_ulira_on_one_population_split_in_two_is_near_chance():
    outputs = _population(4, shape=(64, 200))
    result = ulira(outputs[:32], outputs[32:])
    assert abs(result.mean_accuracy - 0.5) < 0.05 and abs(result.mean_auc - 0.5) < 0.05


def test_logit_scaled_confidence():
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 3.0, 1.0]])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = np.log(p[[0, 1], [0, 2]]) - np.log(1 - p[[0, 1], [0, 2]])
    assert logit_scaled_confidence(logits, np.array([0, 2])) == pytest.approx(expected, rel=1e-12)
    # far beyond float64's softmax resolution the value stays exact: z_y - z_other
    assert logit_scaled_confidence(np.array([[900.0, 0.0]]), np.array([0]))[0] == 900.0
    assert logit_scaled_confidence(np.array([[0.0, 900.0]]), np.array([0]))[0] == -900.0


def test_bad_input_gets_a_clear_error():
    good = _population(5, shape=(4, 3))
    with pytest.raises(ValueError, match="N >= 2"):
        per_example_epsilon(good[:1], good[:1])
    with pytest.raises(ValueError, match="same shape"):
        per_example_epsilon(good, good[:, :2])
    with pytest.raises(ValueError, match="2-D"):
        per_example_epsilon(good[0], good[0])
    bad = good.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        per_example_epsilon(bad, good)
    with pytest.raises(ValueError, match="n_models"):
        epsilon_points([0.1], n_models=1)
    with pytest.raises(ValueError, match="N >= 4"):
        ulira(good[:3], good[:3])
    with pytest.raises(ValueError, match="ta_retrained"):
        distributional_score(good, good, ra_unlearned=1, ra_retrained=1, ta_unlearned=1, ta_retrained=0)
    with pytest.raises(ValueError, match="labels"):
        logit_scaled_confidence(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="logits must be finite"):
        logit_scaled_confidence(np.full((2, 3), np.inf), np.array([0, 1]))
    with pytest.raises(ValueError, match="epsilons must be non-negative numbers"):
        epsilon_points([0.1, -0.1], n_models=8)
    with pytest.raises(ValueError, match="ra_unlearned must be non-empty"):
        distributional_score(good, good, ra_unlearned=[], ra_retrained=1, ta_unlearned=1, ta_retrained=1)


def test_ulira_auc_is_one_when_separated_and_one_half_when_every_pair_ties():
    from helpers.metrics.distributional import ulira
    unlearned = np.array([[5.0, 1.0], [5.1, 1.0], [5.2, 1.0], [5.3, 1.0]])
    retrained = np.array([[0.0, 1.0], [0.1, 1.0], [0.2, 1.0], [0.3, 1.0]])
    # column 0: every held-out unlearned ratio above every retrained one; column 1: all ratios equal (ties)
    assert ulira(unlearned, retrained).auc.tolist() == [1.0, 0.5]
