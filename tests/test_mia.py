"""Tests for :mod:`helpers.metrics.mia`, every membership attack, on constructed confidences whose answer is known.

As in ``test_metrics.py``, the ``LookupModel`` of ``tests/lookup.py`` returns logits
chosen in advance for each sample id, so every test decides how confident the "network" is.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.metrics import evaluate
from helpers.metrics.mia import (
    SVC_PARAMS,
    attack_report,
    confidence,
    fit_svc,
    loss_attack,
    mia_auc,
    mia_efficacy,
    roc,
    shadow_sets,
    svc_efficacy,
    true_label_loss,
)
from helpers.metrics.accuracy import model_logits

from lookup import world

RNG = np.random.default_rng(0)


def test_confidence_and_loss_are_the_chosen_probabilities():
    p = np.array([0.9, 0.5, 0.01, 0.999])
    model, (ds,) = world([p])
    assert confidence(model, ds) == pytest.approx(p, rel=1e-5)
    assert true_label_loss(model_logits(model, ds), ds.targets) == pytest.approx(-np.log(p), rel=1e-4)


def test_shadow_sets_are_first_test_size_retain_samples_and_the_test_set():
    _, (retain, test) = world([RNG.uniform(0.5, 0.9, 30), RNG.uniform(0.5, 0.9, 12)])
    members, non_members = shadow_sets(retain, test)
    assert len(members) == 12 and non_members is test
    assert torch.equal(members.images, retain.images[:12])
    members, _ = shadow_sets(test, retain)                   # fewer "retain" than "test": all of them
    assert len(members) == 12


def test_efficacy_is_the_share_of_forget_samples_on_the_non_member_side():
    """Two confidence levels, members at 0.99 and non-members at 0.5: the attack must learn that rule,
    and the efficacy is then exactly the share of forget samples at 0.5 (equation ch4-mia)."""
    forget = np.array([0.99] * 3 + [0.5] * 7)
    model, (f, r, t) = world([forget, np.full(50, 0.99), np.full(50, 0.5)])
    members, non_members = shadow_sets(r, t)
    attack = fit_svc(confidence(model, members), confidence(model, non_members))
    assert list(attack.predict(np.array([[0.99], [0.5]]))) == [1, 0]
    assert svc_efficacy(attack, confidence(model, f)) == pytest.approx(70.0)
    assert mia_efficacy(model, f, r, t) == pytest.approx(70.0) == evaluate(model, f, r, t)["MIA"]
    assert attack_report(model, f, r, t).efficacy == pytest.approx(70.0)


def test_attack_separates_members_only_when_they_differ():
    """Where members are more confident than non-members the attack tells them apart (AUC near 1, a forget set
    of members called members); where all three groups share one distribution it is at chance."""
    rng = np.random.default_rng(1)
    members, unseen = rng.uniform(0.95, 0.999, 300), rng.uniform(0.3, 0.9, 300)
    differ = attack_report(*_flat(world([rng.uniform(0.95, 0.999, 200), members, unseen])))
    assert differ.rocs["svc: retain vs test"].auc > 0.99 and differ.rocs["svc: forget vs test"].auc > 0.99
    assert differ.efficacy < 2.0
    p = rng.uniform(0.3, 0.999, 900)
    same = attack_report(*_flat(world([p[:300], p[300:600], p[600:]])))
    for name in ("svc: retain vs test", "svc: forget vs test", "loss: forget vs test"):
        assert abs(same.rocs[name].auc - 0.5) < 0.1, name
    # with nothing to learn, the forget set is called non-member as often as the test set is
    test_rate = svc_efficacy(same.attack, same.conf["test"])
    assert abs(same.efficacy - test_rate) < 10.0


def test_the_attack_is_salun_s_svc():
    attack = fit_svc(np.array([0.9, 0.99]), np.array([0.1, 0.2]))
    assert {k: attack.get_params()[k] for k in SVC_PARAMS} == {"C": 3, "gamma": "auto", "kernel": "rbf"}


def test_svc_decision_is_positive_for_members():
    attack = fit_svc(RNG.uniform(0.97, 0.999, 100), RNG.uniform(0.2, 0.6, 100))
    assert (attack.decision_function(np.array([[0.99], [0.985]])) > 0).all()
    assert (attack.decision_function(np.array([[0.3], [0.4]])) < 0).all()
    assert svc_efficacy(attack, np.array([0.99, 0.3, 0.4, 0.35])) == pytest.approx(75.0)


def test_roc_of_separated_identical_and_reversed_scores():
    perfect = roc([3.0, 4.0, 5.0], [0.0, 1.0, 2.0])
    assert perfect.auc == pytest.approx(1.0) and perfect.tpr[perfect.fpr == 0].max() == pytest.approx(1.0)
    same = np.linspace(0, 1, 50)
    assert roc(same, same).auc == pytest.approx(0.5)
    assert roc([0.0, 1.0], [2.0, 3.0]).auc == pytest.approx(0.0)
    curve = roc(RNG.normal(1, 1, 200), RNG.normal(0, 1, 200))
    assert curve.fpr[0] == 0 and curve.tpr[-1] == 1 and np.all(np.diff(curve.fpr) >= 0)
    assert 0.6 < curve.auc < 0.9                               # d' = 1: AUC = Phi(1/sqrt 2) ~ 0.76


def test_roc_needs_both_groups():
    with pytest.raises(ValueError, match="needs members and non-members, got 0 and 1"):
        roc([], [1.0])
    with pytest.raises(ValueError, match="got 2 and 0"):
        roc([1.0, 2.0], [])


def test_attack_report_separates_a_remembered_from_a_forgotten_forget_set():
    members, unseen = RNG.uniform(0.97, 0.999, 150), RNG.uniform(0.2, 0.7, 100)
    remembered = attack_report(*_flat(world([RNG.uniform(0.97, 0.999, 60), members, unseen])))
    forgotten = attack_report(*_flat(world([RNG.uniform(0.2, 0.7, 60), members, unseen])))
    assert remembered.efficacy <= 5.0 and forgotten.efficacy >= 95.0
    for rep in (remembered, forgotten):
        assert set(rep.conf) == set(rep.loss) == {"forget", "retain", "test"}
        assert rep.rocs["svc: retain vs test"].auc > 0.95   # the attack on its own training data
    assert remembered.rocs["svc: forget vs test"].auc > 0.95
    assert remembered.rocs["loss: forget vs test"].auc > 0.95
    assert 0.3 < forgotten.rocs["loss: forget vs test"].auc < 0.7


def test_loss_roc_agrees_with_the_challenge_attack_when_it_is_easy():
    model, (f, r, t) = world([RNG.uniform(0.97, 0.999, 80), RNG.uniform(0.9, 1.0, 80), RNG.uniform(0.2, 0.7, 80)])
    acc, auc = loss_attack(model, f, t, )
    assert acc > 95 and auc > 95
    assert attack_report(model, f, r, t).rocs["loss: forget vs test"].auc * 100 == pytest.approx(auc, abs=2)


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
    acc, auc = loss_attack(model, f, t, )
    assert 35.0 <= acc <= 65.0 and 35.0 <= auc <= 65.0


def test_loss_attack_hundred_when_separable_and_balanced():
    forget, unseen = RNG.uniform(0.99, 0.999, 300), RNG.uniform(0.05, 0.3, 100)   # 300 vs 100: subsampled
    model, (f, t) = world([forget, unseen])
    acc, auc = loss_attack(model, f, t, )
    assert acc >= 99.0 and auc >= 99.0
    assert loss_attack(model, f, t) == (acc, auc)                     # deterministic for a seed


def test_loss_attack_few_samples_uses_fewer_folds():
    model, (f, t) = world([np.full(3, 0.999), np.full(5, 0.1)])
    assert loss_attack(model, f, t, n_splits=10)[0] == pytest.approx(100.0)


def test_attacks_reject_empty_sets():
    model, (f, r, t) = world([np.full(4, 0.9), np.full(4, 0.99), np.full(4, 0.5)])
    empty = f.subset(torch.arange(0))
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


# --- the hybrid study's max-softmax attack (chapter 8, equation ch8-mia) ------------------------------

def confident(values, k=3):
    """Rows whose max-softmax is each of ``values`` (the rest spread evenly)."""
    v = torch.tensor(values, dtype=torch.float64)[:, None]
    rest = (1 - v) / (k - 1)
    return torch.cat([v, rest.expand(-1, k - 1)], dim=1)


def test_mia_auc_with_held_out_non_members():
    members, nonmembers = confident([0.9, 0.95, 0.99]), confident([0.5, 0.6, 0.7, 0.8])
    assert mia_auc(members, nonmembers) == 1.0            # every member more confident
    assert mia_auc(nonmembers, members) == 0.0            # every member less confident (over-forgetting)
    assert mia_auc(members, members.clone()) == 0.5       # indistinguishable
    # one member below one non-member: 11 of 12 pairs ordered correctly
    assert mia_auc(confident([0.9, 0.95, 0.75]), nonmembers) == pytest.approx(11 / 12)


def test_mia_auc_rejects_empty_sets():
    with pytest.raises(ValueError, match="needs members and non-members, got 0 and 2"):
        mia_auc(confident([]).reshape(0, 3), confident([0.5, 0.6]))


def test_mia_auc_of_100_perfectly_separated_members_is_one_and_of_identical_scores_one_half():
    g = torch.Generator().manual_seed(1)
    members = confident((0.9 + 0.09 * torch.rand(100, generator=g, dtype=torch.float64)).tolist())
    nonmembers = confident((0.4 + 0.4 * torch.rand(100, generator=g, dtype=torch.float64)).tolist())
    assert mia_auc(members, nonmembers) == 1.0
    same = confident([0.7] * 100)
    assert mia_auc(same, same.clone()) == 0.5                      # all 10,000 pairs tie: ½ each


def test_mia_auc_is_the_share_of_ordered_pairs_with_ties_counting_one_half():
    members, nonmembers = confident([0.5, 0.7]), confident([0.5, 0.3])
    # pairs: (0.5, 0.5) tie 1/2, (0.5, 0.3) 1, (0.7, 0.5) 1, (0.7, 0.3) 1 -> 3.5 of 4
    assert mia_auc(members, nonmembers) == pytest.approx(3.5 / 4)
    g = torch.Generator().manual_seed(2)
    m = confident((torch.randint(4, 9, (13,), generator=g) / 10).tolist())
    n = confident((torch.randint(4, 9, (17,), generator=g) / 10).tolist())
    sm, sn = m.max(-1).values, n.max(-1).values
    pairs = ((sm[:, None] > sn[None, :]).double() + 0.5 * (sm[:, None] == sn[None, :]).double()).mean().item()
    assert mia_auc(m, n) == pytest.approx(pairs)


def _flat(model_and_sets):
    model, sets = model_and_sets
    return (model, *sets)


def test_attack_figures_have_one_panel_per_model():
    import pandas as pd

    from helpers.plots import plot_attack_rocs, plot_confidence_histograms, plot_score_versus_gap
    members, unseen = RNG.uniform(0.9, 0.999, 60), RNG.uniform(0.3, 0.95, 60)
    reports = {name: attack_report(*_flat(world([RNG.uniform(*r, 30), members, unseen])))
               for name, r in (("remembers", (0.97, 0.999)), ("forgot", (0.3, 0.9)))}
    assert len(plot_confidence_histograms(reports).axes) == 2
    fig = plot_attack_rocs(reports)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 4       # chance + three curves
    table = pd.DataFrame({"MIA": [5.0, 90.0], "AG": [0.0, 30.0]}, index=["Retrain", "broken"])
    assert len(plot_score_versus_gap(table).axes) == 2
