"""Training, distribution-guided unlearning (Eqs. 6-7), the uniform target, the gold model, Tables 1-2."""
from __future__ import annotations

import pytest
import torch

import helpers.quantum.unlearning as unlearning_module
from helpers.data import load_tabular
from helpers.quantum import (accuracy, forget_target, kl_to_gold, objective, probabilities, table_1,
                             train_vqc, uniform_target, unlearn_vqc)
from helpers.quantum.evaluation import confusion, recall
from helpers.quantum.experiment import forget_and_anchor, select_unlearning, validation_scores
from helpers.quantum.training import init_theta


@pytest.fixture(scope="module")
def iris():
    return load_tabular("iris", seed=0)


@pytest.fixture(scope="module")
def trained(iris):
    return train_vqc(iris.X_train, iris.y_train, iris.X_val, iris.y_val, iterations=150, seed=0)


# --------------------------------------------------------------------------- targets (Eq. 6, App. A)
def test_forget_target_is_eq6():
    p = torch.tensor([[0.2, 0.5, 0.3], [0.4, 0.3, 0.3]], dtype=torch.float64)
    q = forget_target(p, forget_class=2, beta=2.0)
    mean = torch.tensor([0.3, 0.4], dtype=torch.float64)
    expected = mean ** 2 / (mean ** 2).sum()
    assert torch.allclose(q, torch.cat([expected, torch.zeros(1, dtype=torch.float64)]))
    flat, sharp = forget_target(p, 2, beta=1.0), forget_target(p, 2, beta=8.0)
    assert flat.max() < q.max() < sharp.max()                        # β sharpens toward the closest class
    assert torch.allclose(uniform_target(3, 0), torch.tensor([0.0, 0.5, 0.5], dtype=torch.float64))


@pytest.mark.parametrize("bad", [-1, 3, 2.0, "2"])
def test_out_of_range_forget_class(bad):
    p = torch.full((4, 3), 1 / 3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"forget_class must be an integer class index in 0\.\.2"):
        forget_target(p, bad)
    with pytest.raises(ValueError, match="forget_class"):
        uniform_target(3, bad)


def test_bad_beta_and_target(trained, iris):
    with pytest.raises(ValueError, match="beta must be > 0"):
        forget_target(torch.full((2, 3), 1 / 3, dtype=torch.float64), 2, beta=0.0)
    X_f, X_a = forget_and_anchor(iris, 2)
    with pytest.raises(ValueError, match="unknown target 'random'"):
        unlearn_vqc(trained.theta, X_f, X_a, 2, target="random")


# --------------------------------------------------------------------------- objective (Eq. 7, Thm 1)
def test_objective_is_eq7_and_theorem_1(trained, iris):
    X_f, X_a = forget_and_anchor(iris, 2)
    theta_orig = trained.theta
    theta = theta_orig + 0.05 * init_theta(5, std=1.0)
    q = forget_target(probabilities(theta_orig, X_f), 2, beta=2.0)
    p_ref = probabilities(theta_orig, X_a)
    alpha, lam = 0.7, 0.03
    J, terms = objective(theta, theta_orig, X_f, q, X_a, p_ref, alpha, lam)
    p_f, p_a = probabilities(theta, X_f), probabilities(theta, X_a)
    L_F = (q * p_f.log()).sum(1).mean()
    kl = (p_ref * (p_ref.log() - p_a.log())).sum(1).mean()
    neg_entropy = (p_ref * p_ref.log()).sum(1).mean()                # the constant C of Theorem 1
    penalty = ((theta - theta_orig) ** 2).sum()
    assert abs(J.item() - (L_F + alpha * (neg_entropy - kl) - lam * penalty).item()) < 1e-10
    assert terms["penalty"] > 0 and abs(terms["J"] - J.item()) < 1e-12


# --------------------------------------------------------------------------- training and unlearning
def test_training_learns_iris_and_keeps_the_best_checkpoint(trained, iris):
    assert accuracy(trained.theta, iris.X_test, iris.y_test) >= 0.8
    h = trained.history
    assert len(h) == 150 and h["lr"].iloc[0] > 10 * h["lr"].iloc[-1]          # cosine schedule
    assert h["val_loss"].iloc[trained.best_iteration] == h["val_loss"].min()
    assert h["val_loss"].min() < h["val_loss"].iloc[0]


def test_unlearning_suppresses_the_forgotten_class(trained, iris):
    X_f, X_a = forget_and_anchor(iris, 2)
    theta_before = trained.theta.clone()
    result = unlearn_vqc(trained.theta, X_f, X_a, 2, steps=60, seed=0)
    assert torch.equal(trained.theta, theta_before)                        # the original is untouched
    assert result.target[2] == 0 and abs(result.target.sum().item() - 1) < 1e-12
    t1 = table_1(trained.theta, result.theta, iris.X_test, iris.y_test, forget_class=2)
    forget_recall = t1[(t1["class"] == "2 (F)") & (t1["metric"] == "recall")].iloc[0]
    forget_prob = t1[t1["metric"] == "forget_class_mean_prob"].iloc[0]
    assert forget_recall["after"] < forget_recall["before"] and forget_recall["after"] <= 0.2
    assert forget_prob["after"] < forget_prob["before"] - 0.1
    retained = t1[t1["class"].isin(["0", "1"])]
    assert (retained["after"] >= 0.7).all()                                # retained classes survive
    assert result.history["J"].iloc[-1] > result.history["J"].iloc[0]      # gradient *ascent* on J


def test_uniform_target_variant_runs(trained, iris):
    X_f, X_a = forget_and_anchor(iris, 2)
    result = unlearn_vqc(trained.theta, X_f, X_a, 2, target="uniform", steps=5)
    assert torch.equal(result.target, uniform_target(3, 2))


def test_gold_retrain_never_sees_the_forgotten_class(iris, monkeypatch):
    seen = {}

    def fake_train(X, y, X_val, y_val, **kwargs):
        seen.update(y=y, y_val=y_val)
        return "gold"
    monkeypatch.setattr(unlearning_module, "train_vqc", fake_train)
    assert unlearning_module.gold_retrain(iris, 1, seed=0) == "gold"
    assert 1 not in seen["y"].tolist() and 1 not in seen["y_val"].tolist()
    assert set(seen["y"].tolist()) == {0, 2}


# --------------------------------------------------------------------------- evaluation (Tables 1-2)
def test_confusion_and_recall(trained, iris):
    C = confusion(trained.theta, iris.X_test, iris.y_test)
    assert C.sum() == len(iris.y_test) and (C.sum(1) == 10).all()
    assert abs(recall(C).mean() - accuracy(trained.theta, iris.X_test, iris.y_test)) < 1e-12


def test_kl_to_gold(trained, iris):
    same = kl_to_gold(trained.theta, trained.theta, iris.X_test, iris.y_test, forget_class=2)
    assert same["mean_kl"] < 1e-12 and same["max_kl"] < 1e-12 and same["retained_labels"] == "{0,1}"
    other = trained.theta + 0.3 * init_theta(1, std=1.0)
    d = kl_to_gold(trained.theta, other, iris.X_test, iris.y_test, forget_class=2)
    # by hand: KL between the two models' distributions renormalised over classes 0, 1
    mask = iris.y_test != 2
    a, b = probabilities(trained.theta, iris.X_test[mask])[:, :2], probabilities(other, iris.X_test[mask])[:, :2]
    a, b = a / a.sum(1, keepdim=True), b / b.sum(1, keepdim=True)
    kl = (a * (a / b).log()).sum(1)
    assert abs(d["mean_kl"] - kl.mean().item()) < 1e-12 and abs(d["max_kl"] - kl.max().item()) < 1e-12
    assert d["mean_kl"] > 0
    with pytest.raises(ValueError, match="forget_class"):
        kl_to_gold(trained.theta, other, iris.X_test, iris.y_test, forget_class=3)


def test_selection_uses_the_validation_split(trained, iris):
    table, best = select_unlearning(iris, trained, 2, grid=dict(lr=(0.0, 0.05), steps=(40,)), seed=0)
    assert best == {"lr": 0.05, "steps": 40}                     # lr = 0 does not unlearn at all
    assert list(table.columns[:1]) == ["lr"] and table["score"].is_monotonic_decreasing
    untouched = validation_scores(trained.theta, iris, 2)
    assert table.set_index("lr").loc[0.0, "forget_recall"] == untouched["forget_recall"]
