"""Tests for :mod:`helpers.attacks`: the attack on constructed confidences whose answer is known.

As in ``test_metrics.py``, the ``LookupModel`` of ``tests/lookup.py`` returns logits
chosen in advance for each sample id, so every test decides how confident the "network" is.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.attacks import (
    attack_report,
    confidence,
    fit_svc,
    roc,
    sample_loss,
    shadow_sets,
    svc_efficacy,
    svc_score,
)
from helpers.metrics import evaluate, loss_attack, mia_efficacy

from lookup import world

RNG = np.random.default_rng(0)


def test_confidence_and_loss_are_the_chosen_probabilities():
    p = np.array([0.9, 0.5, 0.01, 0.999])
    model, (ds,) = world([p])
    assert confidence(model, ds) == pytest.approx(p, rel=1e-5)
    assert sample_loss(model, ds) == pytest.approx(-np.log(p), rel=1e-4)


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


def test_svc_score_is_positive_for_members():
    attack = fit_svc(RNG.uniform(0.97, 0.999, 100), RNG.uniform(0.2, 0.6, 100))
    assert (svc_score(attack, np.array([0.99, 0.985])) > 0).all()
    assert (svc_score(attack, np.array([0.3, 0.4])) < 0).all()
    assert svc_efficacy(attack, np.array([0.99, 0.3, 0.4, 0.35])) == pytest.approx(75.0)


def test_roc_of_separated_identical_and_reversed_scores():
    perfect = roc([3.0, 4.0, 5.0], [0.0, 1.0, 2.0])
    assert perfect.auc == pytest.approx(1.0) and perfect.tpr_at(0.0) == pytest.approx(1.0)
    same = np.linspace(0, 1, 50)
    assert roc(same, same).auc == pytest.approx(0.5)
    assert roc([0.0, 1.0], [2.0, 3.0]).auc == pytest.approx(0.0)
    curve = roc(RNG.normal(1, 1, 200), RNG.normal(0, 1, 200))
    assert curve.fpr[0] == 0 and curve.tpr[-1] == 1 and np.all(np.diff(curve.fpr) >= 0)
    assert 0.6 < curve.auc < 0.9                               # d' = 1: AUC = Phi(1/sqrt 2) ~ 0.76


def test_roc_needs_both_groups():
    with pytest.raises(AssertionError):
        roc([], [1.0])


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
    acc, auc = loss_attack(model, f, t, return_auc=True)
    assert acc > 95 and auc > 95
    assert attack_report(model, f, r, t).rocs["loss: forget vs test"].auc * 100 == pytest.approx(auc, abs=2)


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
