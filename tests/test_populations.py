"""Populations for the distributional test (helpers.experiments.populations): seed streams, shapes, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.data import load_dataset
from helpers.experiments.cache import ResultCache
from helpers.experiments.populations import (
    NET, population, population_hparams, population_member, population_table, train_original,
)
from helpers.experiments.runner import forget_retain
from helpers.train import seed_everything
from helpers.unlearn import base

QUICK = dict(epochs=1, lr=0.1, batch_size=128)


def test_members_start_from_their_own_weights(monkeypatch):
    data = load_dataset("digits")
    forget_set, retain_set, _ = forget_retain(data, "random", 0.1, 1)
    original = train_original(data, "random", 0.1, 1, ResultCache(enabled=False))
    starts = []
    real_reinitialize = base.reinitialize

    def record(model):                       # the weights Retrain starts from, right after re-initialising
        out = real_reinitialize(model)
        starts.append(next(model.parameters()).detach().clone())
        return out

    monkeypatch.setattr("helpers.unlearn.finetune.reinitialize", record)
    members = [population_member(name, original, forget_set, retain_set, 1, i, QUICK)
               for name, i in (("retrain", 0), ("retrain", 1), ("retrain_indep", 0))]
    seed_everything(1)                                       # how train_original built the original
    original_init = next(NET.build(64, 10).parameters()).detach()
    assert len(starts) == 3
    for k, start in enumerate(starts):
        assert not torch.equal(start, original_init)         # never the original's initial weights ...
        for other in starts[k + 1:]:
            assert not torch.equal(start, other)             # ... nor another member's
    assert all(m is not original for m in members)
    assert population_member("original", original, forget_set, retain_set, 1, 5, {}) is original


def test_population_shapes_and_independent_unlearning_runs():
    cache = ResultCache(enabled=False)
    ft = population("ft", n_models=2, hparams={"ft": dict(epochs=1, lr=0.1, batch_size=128)}, cache=cache)
    nothing = population("original", n_models=2, cache=cache)
    assert ft["conf"].shape == nothing["conf"].shape == (2, 144)
    assert ft["RA"].shape == (2,) and np.isfinite(ft["conf"]).all()
    assert not np.array_equal(ft["conf"][0], ft["conf"][1])      # two unlearning seeds, two models
    assert np.array_equal(nothing["conf"][0], nothing["conf"][1])   # doing nothing twice: one model


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="n_models >= 2"):
        population("retrain", n_models=1, cache=False)
    with pytest.raises(ValueError, match="unknown method"):
        population_table(methods=("nope",), cache=False)
    with pytest.raises(ValueError, match="no hyper-parameters selected"):
        population_hparams("salun", "random")
    with pytest.raises(ValueError, match="no hyper-parameters selected"):
        population_hparams("ft", "poisoned")
    assert population_hparams("retrain") == dict(epochs=8, lr=0.1, batch_size=128)
    assert NET.build(64, 10)(torch.zeros(3, 1, 8, 8)).shape == (3, 10)
