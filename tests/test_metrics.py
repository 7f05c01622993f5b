"""Tests for :mod:`helpers.metrics` with models whose outputs we choose.

``LookupModel`` reads a sample id written into the image's two pixels and
returns a logit row chosen in advance, so each test decides exactly how
confident the "network" is on every forget, retain and test sample.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from helpers.metrics import METRICS, average_gap, evaluate, gaps, loss_attack, mia_efficacy
from helpers.train import accuracy

from lookup import LookupModel, confidence_logits, universe, world

RNG = np.random.default_rng(0)


# --- FA / RA / TA -------------------------------------------------------------

def test_evaluate_exact_accuracies():
    targets = torch.tensor([0, 1, 2, 0] + [1, 1, 2, 0, 0] + [2, 2, 1, 0, 1, 0, 2, 0])
    predicted = torch.tensor([0, 0, 0, 0] + [1, 1, 2, 0, 1] + [2, 0, 0, 0, 1, 1, 1, 0])
    table = torch.nn.functional.one_hot(predicted, 3).float() * 5
    data, model = universe(targets, num_classes=3), LookupModel(table)
    forget, retain, test = (data.subset(torch.arange(a, b)) for a, b in ((0, 4), (4, 9), (9, 17)))
    row = evaluate(model, forget, retain, test)
    assert list(row) == ["FA", "RA", "TA", "MIA"]
    assert row["FA"] == pytest.approx(50.0)          # 2 of 4
    assert row["RA"] == pytest.approx(80.0)          # 4 of 5
    assert row["TA"] == pytest.approx(50.0)          # 4 of 8
    for name, ds in (("FA", forget), ("RA", retain), ("TA", test)):
        assert row[name] == accuracy(model, ds)      # the very same numbers as helpers.train.accuracy
    assert all(isinstance(v, float) for v in row.values())


def test_evaluate_mia_is_the_known_share_on_a_two_level_world():
    # members (retain) at confidence 0.99, non-members (test) at 0.5: the attack's rule is "0.99 = member",
    # so the efficacy is the share of the forget set at 0.5: 4 of 16 = 25 % (equation ch4-mia)
    model, (f, r, t) = world([np.array([0.99] * 12 + [0.5] * 4), np.full(40, 0.99), np.full(40, 0.5)])
    row = evaluate(model, f, r, t)
    assert row["MIA"] == pytest.approx(25.0) == mia_efficacy(model, f, r, t)
    # the true class 0 wins at 0.99; at exactly 0.5 the two logits tie, and a tie counts as wrong
    assert (row["FA"], row["RA"], row["TA"]) == pytest.approx((75.0, 100.0, 0.0))


def test_evaluate_ignores_augmentation_and_restores_mode():
    model, (forget, retain, test) = world([np.full(6, 0.9), np.full(6, 0.99), np.full(6, 0.6)])
    augmented = retain.subset(torch.arange(len(retain)))
    augmented.augment = True              # a random crop would scramble the ids if it were applied
    model.train()
    assert evaluate(model, forget, augmented, test) == evaluate(model, forget, retain, test)
    assert model.training


# --- SalUn's SVC MIA ------------------------------------------------------------

def test_mia_efficacy_near_zero_when_forget_looks_like_training_data():
    members, unseen = RNG.uniform(0.97, 0.999, 150), RNG.uniform(0.2, 0.7, 100)
    forget = RNG.uniform(0.97, 0.999, 60)                     # fitted as confidently as D_r
    model, (f, r, t) = world([forget, members, unseen])
    value = mia_efficacy(model, f, r, t)
    assert value <= 5.0
    assert evaluate(model, f, r, t)["MIA"] == value


def test_mia_efficacy_near_hundred_when_forget_looks_unseen():
    members, unseen = RNG.uniform(0.97, 0.999, 150), RNG.uniform(0.2, 0.7, 100)
    forget = RNG.uniform(0.2, 0.7, 60)                         # as unsure as on test data
    model, (f, r, t) = world([forget, members, unseen])
    assert mia_efficacy(model, f, r, t) >= 95.0


def test_mia_shadow_members_are_the_first_test_size_retain_samples():
    # Only the first |test| = 80 retain samples are shadow members (SalUn: Subset(retain, range(test_len))).
    # The remaining 240 look like test data: were they used, the attack would call low confidence "member".
    head, tail = RNG.uniform(0.97, 0.999, 80), RNG.uniform(0.2, 0.7, 240)
    unseen, forget = RNG.uniform(0.2, 0.7, 80), RNG.uniform(0.2, 0.7, 50)
    model, (f, r, t) = world([forget, np.concatenate([head, tail]), unseen])
    assert mia_efficacy(model, f, r, t) >= 95.0


def test_mia_uses_confidence_at_the_true_label():
    # Same logits, labels flipped: confidence p becomes 1 - p, so the verdict flips.
    members, unseen = RNG.uniform(0.97, 0.999, 100), RNG.uniform(0.2, 0.7, 100)
    model, (f, r, t) = world([RNG.uniform(0.97, 0.999, 40), members, unseen])
    flipped = f.subset(torch.arange(len(f)))
    flipped.targets = torch.ones_like(flipped.targets)        # confidence now 0.001 .. 0.03
    assert mia_efficacy(model, f, r, t) <= 5.0
    assert mia_efficacy(model, flipped, r, t) >= 95.0


# --- the challenge's loss attack -------------------------------------------------

def test_loss_attack_chance_when_same_distribution():
    p = RNG.uniform(0.3, 0.99, 400)
    model, (f, t) = world([p[:200], p[200:]])
    acc, auc = loss_attack(model, f, t, return_auc=True)
    assert 35.0 <= acc <= 65.0 and 35.0 <= auc <= 65.0


def test_loss_attack_hundred_when_separable_and_balanced():
    forget, unseen = RNG.uniform(0.99, 0.999, 300), RNG.uniform(0.05, 0.3, 100)   # 300 vs 100: subsampled
    model, (f, t) = world([forget, unseen])
    acc, auc = loss_attack(model, f, t, return_auc=True)
    assert acc >= 99.0 and auc >= 99.0
    assert loss_attack(model, f, t) == acc                      # deterministic for a seed


def test_loss_attack_few_samples_uses_fewer_folds():
    model, (f, t) = world([np.full(3, 0.999), np.full(5, 0.1)])
    assert loss_attack(model, f, t, n_splits=10) == pytest.approx(100.0)


# --- Average Gap -----------------------------------------------------------------

def test_gaps_and_average_gap_arithmetic():
    row = {"FA": 90.0, "RA": 100.0, "TA": 80.0, "MIA": 20.0, "AG": 123.0}
    retrain = {"FA": 85.0, "RA": 99.0, "TA": 82.0, "MIA": 30.0}
    assert gaps(row, retrain) == pytest.approx({"FA": 5.0, "RA": 1.0, "TA": 2.0, "MIA": 10.0})
    assert average_gap(row, retrain) == pytest.approx(4.5)
    assert average_gap(retrain, retrain) == 0.0


def test_average_gap_reproduces_oeu_table_1():
    # OEU Table 1, CIFAR-10, 50% random forgetting: SalUn vs Retrain, AG 2.44.
    import pandas as pd

    retrain = pd.Series({"FA": 90.75, "RA": 100.0, "TA": 90.28, "MIA": 18.76})
    salun = pd.Series({"FA": 96.56, "RA": 98.03, "TA": 91.55, "MIA": 18.05})
    assert gaps(salun, retrain) == pytest.approx({"FA": 5.81, "RA": 1.97, "TA": 1.27, "MIA": 0.71})
    assert round(average_gap(salun, retrain), 2) == 2.44
    assert METRICS == ("FA", "RA", "TA", "MIA")


def test_gaps_missing_metric():
    with pytest.raises(KeyError, match="MIA"):
        gaps({"FA": 1, "RA": 2, "TA": 3}, {"FA": 1, "RA": 2, "TA": 3, "MIA": 4})


# --- errors -------------------------------------------------------------------------

def test_empty_sets_raise():
    model, (f, r, t) = world([np.full(4, 0.9), np.full(4, 0.99), np.full(4, 0.5)])
    empty = f.subset(torch.arange(0))
    with pytest.raises(ValueError, match="forget set is empty"):
        evaluate(model, empty, r, t)
    with pytest.raises(ValueError, match="test set is empty"):
        evaluate(model, f, r, empty)
    with pytest.raises(ValueError, match="retain set is empty"):
        mia_efficacy(model, f, empty, t)
    with pytest.raises(ValueError, match="forget set is empty"):
        loss_attack(model, empty, t)
    with pytest.raises(ValueError, match="test set is empty"):
        loss_attack(model, f, empty)


def test_loss_attack_needs_two_per_group():
    model, (f, t) = world([np.full(1, 0.9), np.full(5, 0.5)])
    with pytest.raises(ValueError, match="at least 2"):
        loss_attack(model, f, t)


def test_lookup_model_round_trips_ids():
    data = universe(torch.zeros(700, dtype=torch.int64))
    model = LookupModel(torch.arange(700.0).view(-1, 1).repeat(1, 2))
    x, _ = data[torch.arange(700)]
    assert torch.equal(model(x)[:, 0], torch.arange(700.0))
    assert math.isclose(confidence_logits([0.75])[0, 0], math.log(3))
