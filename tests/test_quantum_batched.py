"""Many VQCs at once (helpers.quantum.batched) give what one model at a time gives: training as
train_vqc, unlearning as the registered method dg (helpers.unlearn.dg)."""
from __future__ import annotations

import pytest
import torch

from helpers.data import load_tabular
from helpers.quantum import VQC, expectations, probabilities, train_vqc
from helpers.quantum import experiment as E
from helpers.quantum import simulator
from helpers.quantum.batched import (gold_retrain, per_model, settings_per_model, stack_same_size, train_vqc_batch,
                                     unlearn_vqc_batch)
from helpers.quantum.model import init_theta
from helpers.quantum.training import gold_seed, retained_split
from helpers.unlearn import training_task, unlearn

ACTIVE = slice(0, 66)          # θ66..θ71 never reach the readout (chapter 6); Adam turns their rounding noise into steps


@pytest.fixture(scope="module")
def iris():
    return load_tabular("iris", seed=1)


def test_inputs_per_model_equal_the_engine():
    theta = torch.stack([init_theta(s, std=1.0) for s in range(3)])
    X = torch.rand(3, 7, 4, dtype=torch.float64) * 3
    ours = simulator.expectations(theta, X)                      # model t on its own inputs X[t]
    for t in range(3):
        assert torch.allclose(ours[t], expectations(theta[t], X[t]), atol=1e-13, rtol=0)


def test_training_many_models_equals_training_each(iris):
    seeds, lrs = [3, 7], [0.1, 0.3]
    batch = train_vqc_batch(iris.X_train, iris.y_train, iris.X_val, iris.y_val, seeds=seeds, lr=lrs, iterations=40)
    for seed, lr, ours in zip(seeds, lrs, batch):
        one = train_vqc(iris.X_train, iris.y_train, iris.X_val, iris.y_val, seed=seed, lr=lr, iterations=40)
        assert ours.best_iteration == one.best_iteration
        assert torch.allclose(ours.theta, one.theta, atol=1e-7, rtol=0)
        assert list(ours.history.columns) == list(one.history.columns)
        assert (ours.history - one.history).abs().max().max() < 1e-9


def test_gold_models_in_a_batch_equal_training_each_on_the_retained_classes(iris):
    batch = gold_retrain([iris, iris], 2, seeds=[1, 1], replicas=[0, 1], iterations=20)
    for replica, ours in enumerate(batch):
        one = train_vqc(*retained_split(iris, 2), seed=gold_seed(1, replica), iterations=20)
        assert torch.allclose(ours.theta, one.theta, atol=1e-7, rtol=0)


@pytest.mark.parametrize("seed", [1, 4])
def test_batched_dg_equals_the_registered_method(iris, seed):
    """unlearn_vqc_batch against unlearn("dg", VQC(theta), task, seed=...) for both targets, two seeds,
    two replicas: the same weights to float rounding (active weights within 1e-8, test probabilities
    within 1e-12; the idle θ66..θ71 only follow rounding noise, which Adam turns into steps)."""
    originals = train_vqc_batch(iris.X_train, iris.y_train, iris.X_val, iris.y_val, seeds=[3, 7], iterations=30)
    theta = torch.stack([o.theta for o in originals])
    X_f, X_a = E.forget_and_anchor(iris, 2)
    settings = [dict(target="similarity", beta=4.0, lr=0.05, replica=0), dict(target="uniform", beta=2.0, lr=0.1, replica=3)]
    batch = unlearn_vqc_batch(theta, X_f, X_a, 2, seed=seed, steps=25, **{k: [s[k] for s in settings]
                                                                           for k in settings[0]})
    task = training_task(iris, iris.y_train == 2, 2)
    for t, (ours, setting) in enumerate(zip(batch, settings)):
        one = unlearn("dg", VQC(theta[t]), task, seed=seed, steps=25, **setting).theta.detach()
        assert torch.allclose(ours.theta[ACTIVE], one[ACTIVE], atol=1e-8, rtol=0)
        assert torch.allclose(probabilities(ours.theta, iris.X_test), probabilities(one, iris.X_test),
                              atol=1e-12, rtol=0)
        assert ours.target[2] == 0


def test_run_seeds_batches_every_seed(iris):
    other = load_tabular("iris", seed=2)
    runs = E.run_seeds({1: iris, 2: other}, 2, targets=("similarity",), train=dict(iterations=10),
                       unlearn=dict(steps=2))
    assert [r.seed for r in runs] == [1, 2] and runs[1].data is other
    one = E.run_seeds({2: other}, 2, targets=("similarity",), train=dict(iterations=10), unlearn=dict(steps=2))[0]
    for a, b in ((runs[1].original, one.original), (runs[1].gold, one.gold), (runs[1].gold_indep, one.gold_indep),
                 (runs[1].unlearned["similarity"], one.unlearned["similarity"])):
        assert torch.allclose(a.theta[ACTIVE], b.theta[ACTIVE], atol=1e-8, rtol=0)


def test_bad_batches_get_clear_errors():
    with pytest.raises(ValueError, match="one size"):
        stack_same_size([torch.zeros(3, 4), torch.zeros(4, 4)])
    with pytest.raises(ValueError, match="lr needs one value or 2 values"):
        settings_per_model([0.1, 0.2, 0.3], 2, "lr")
    with pytest.raises(ValueError, match="one per model"):
        per_model(torch.zeros(3, 5, 4), 2, 1)
    with pytest.raises(ValueError, match="at least one model"):
        train_vqc_batch(torch.zeros(12, 4), torch.zeros(12), torch.zeros(2, 4), torch.zeros(2), seeds=[])
    with pytest.raises(ValueError, match="batch_size"):
        train_vqc_batch(torch.zeros(5, 4), torch.zeros(5), torch.zeros(2, 4), torch.zeros(2), seeds=[0])
