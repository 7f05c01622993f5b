"""Tests for :mod:`helpers.metrics`: the scorecard and the average gap with models whose outputs we
choose, and the one KL divergence (the attacks are in ``test_mia.py``).

``LookupModel`` reads a sample id written into the image's two pixels and
returns a logit row chosen in advance, so each test decides exactly how
confident the "network" is on every forget, retain and test sample.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from helpers.metrics import METRICS, average_gap, evaluate, gaps, kl_divergence, mia_efficacy
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
    with pytest.raises(ValueError, match=r"missing \['MIA'\]"):
        gaps({"FA": 1, "RA": 2, "TA": 3}, {"FA": 1, "RA": 2, "TA": 3, "MIA": 4})
    with pytest.raises(ValueError, match=r"missing \['x'\]"):
        average_gap({"x": 1.0, "y": 2.0}, {"y": 2.0}, keys=("x", "y"))


def test_average_gap_over_other_keys():
    # chapter 8 ranks by the same mean gap over its own four scores (fractions)
    assert average_gap(dict(a=0.2, b=1.0), dict(a=0.4, b=0.5), keys=("a", "b")) == pytest.approx(0.35)
    assert gaps(dict(a=0.2, b=1.0), dict(a=0.4, b=0.5), keys=("a",)) == pytest.approx({"a": 0.2})


# --- errors -------------------------------------------------------------------------

def test_empty_sets_raise():
    model, (f, r, t) = world([np.full(4, 0.9), np.full(4, 0.99), np.full(4, 0.5)])
    empty = f.subset(torch.arange(0))
    with pytest.raises(ValueError, match="forget set is empty"):
        evaluate(model, empty, r, t)
    with pytest.raises(ValueError, match="test set is empty"):
        evaluate(model, f, r, empty)


def test_a_diverged_model_is_scored_as_uniform_with_a_warning():
    model, (f, r, t) = world([np.full(4, 0.9), np.full(8, 0.99), np.full(8, 0.5)])
    with torch.no_grad():
        model.table[:2] = float("nan")                     # two forget samples: NaN logits
    with pytest.warns(RuntimeWarning, match="2 of 4 samples have non-finite logits"):
        row = evaluate(model, f, r, t)
    assert row["FA"] == pytest.approx(50.0)               # a uniform row counts as wrong
    assert row["MIA"] == pytest.approx(50.0)              # confidence 1/2, as the test set: "non-member"


# --- the KL divergence (chapter 8's equation ch8-kl with eps = 1e-12) -----------------------------

def test_kl_compares_each_row_with_the_same_row():
    p = torch.tensor([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]])
    q = torch.tensor([[0.5, 0.5], [0.5, 0.5], [0.2, 0.8]])
    expected = [0.0, 0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5), 0.0]
    assert kl_divergence(p, q, eps=1e-12).tolist() == pytest.approx(expected, abs=1e-6)
    # the hybrid study's defect: the same outputs in another row order are a different (wrong) comparison
    assert kl_divergence(p, q[[2, 0, 1]], eps=1e-12).tolist() != pytest.approx(expected, abs=1e-6)
    assert kl_divergence(p, p[[1, 2, 0]], eps=1e-12).sum().item() > 0.5     # a model against itself, shuffled


def test_kl_is_zero_only_on_identical_rows_and_eps_keeps_zeros_finite():
    p = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert kl_divergence(p, p, eps=1e-12).tolist() == [0.0, 0.0]
    clamped = kl_divergence(p, p.flip(0), eps=1e-12)
    assert torch.isfinite(clamped).all() and (clamped > 10).all()
    assert torch.isinf(kl_divergence(p, p.flip(0))).all()                   # eps = 0: p > 0 = q is infinite


def test_kl_follows_the_examples_when_both_sides_are_permuted_alike():
    g = torch.Generator().manual_seed(0)
    p = torch.softmax(torch.randn(7, 4, generator=g, dtype=torch.float64), -1)
    q = torch.softmax(torch.randn(7, 4, generator=g, dtype=torch.float64), -1)
    perm = torch.randperm(7, generator=g)
    per_example = kl_divergence(p, q, eps=1e-12)
    assert torch.allclose(kl_divergence(p[perm], q[perm], eps=1e-12), per_example[perm])   # same pairs, new order
    by_hand = [sum(p[i, k] * math.log(p[i, k] / q[i, k]) for k in range(4)) for i in range(7)]
    assert per_example.tolist() == pytest.approx([float(v) for v in by_hand], rel=1e-12)
    # one side permuted alone pairs example i with another example: a different, larger mean here
    assert kl_divergence(p, q[perm]).mean().item() != pytest.approx(per_example.mean().item())


def test_kl_rejects_misaligned_rows_and_classes():
    with pytest.raises(ValueError, match=r"shapes \(3, 2\) and \(2, 2\) do not match"):
        kl_divergence(torch.full((3, 2), 0.5), torch.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="same classes, got 2 and 3"):
        kl_divergence(torch.full((2, 2), 0.5), torch.full((2, 3), 1 / 3))
    uniform = torch.full((1, 2), 0.5)                                          # one row broadcasts to all
    assert kl_divergence(torch.tensor([[0.5, 0.5], [1.0, 0.0]]), uniform).tolist() == pytest.approx([0.0, math.log(2)])


def test_lookup_model_round_trips_ids():
    data = universe(torch.zeros(700, dtype=torch.int64))
    model = LookupModel(torch.arange(700.0).view(-1, 1).repeat(1, 2))
    x, _ = data[torch.arange(700)]
    assert torch.equal(model(x)[:, 0], torch.arange(700.0))
    assert math.isclose(confidence_logits([0.75])[0, 0], math.log(3))


def test_fraction_correct_is_the_share_of_rows_whose_top_score_is_the_label():
    from helpers.metrics import fraction_correct
    probs = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert fraction_correct(probs, [1, 1, 1]) == pytest.approx(2 / 3)
    assert fraction_correct(probs, probs.argmax(-1)) == 1.0          # agreement with itself
