"""Populations of VQCs for chapter 7's distributional test (helpers.quantum.population)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import helpers.quantum.batched as batched_module
import helpers.quantum.population as P
from helpers.data import load_tabular
from helpers.experiments.cache import ResultCache
from helpers.metrics.distributional import logit_scaled_confidence
from helpers.quantum import VQC, accuracy, expectations
from helpers.quantum.experiment import UNLEARN, forget_and_anchor
from helpers.seeds import derive_seed
from helpers.unlearn import training_task, unlearn

SMALL = dict(n_models=4, train=dict(iterations=6), unlearn=dict(steps=3))


@pytest.fixture(scope="module")
def iris():
    return load_tabular("iris", seed=1)


@pytest.fixture(scope="module")
def pops(iris, tmp_path_factory):
    cache = ResultCache(tmp_path_factory.mktemp("cache"))
    return P.populations(iris, 2, seed=1, cache=cache, **SMALL), cache


def test_member_seeds_are_the_population_stream():
    assert P.member_seeds(3, 2) == [derive_seed(3, "population", 0), derive_seed(3, "population", 1)]
    with pytest.raises(ValueError, match="n_models >= 2"):
        P.member_seeds(3, 1)


def test_populations_start_where_their_streams_say(iris, monkeypatch):
    starts = []
    real = batched_module.init_theta
    monkeypatch.setattr(batched_module, "init_theta", lambda s, std=0.1: starts.append(s) or real(s, std))
    P.populations(iris, 2, seed=1, cache=False, **SMALL)
    p = P.member_seeds(1, 4)
    gold = [derive_seed(s, "oracle", 0) for s in p]
    gold_indep = [derive_seed(s, "oracle", 1) for s in p]
    assert starts == p + gold + gold_indep                       # originals, gold, Gold′; none shared
    assert len(set(starts)) == 12


def test_populations_are_cached_and_unlearn_their_own_originals(iris, pops, monkeypatch):
    first, cache = pops
    assert list(first) == list(P.POPULATIONS)
    assert all(theta.shape == (4, 72) for theta, _ in first.values())
    monkeypatch.setattr(P, "run_seeds", lambda *a, **k: pytest.fail("not read from the cache"))
    again = P.populations(iris, 2, seed=1, cache=cache, **SMALL)
    assert all(torch.equal(first[n][0], again[n][0]) for n in P.POPULATIONS)
    originals, unlearned = first["original"][0], first["similarity"][0]
    one = unlearn("dg", VQC(originals[2]), training_task(iris, iris.y_train == 2, 2), seed=P.member_seeds(1, 4)[2],
                  **{**UNLEARN, "steps": 3})
    assert torch.allclose(one.theta.detach()[:66], unlearned[2][:66], atol=1e-8, rtol=0)


def test_population_outputs_by_hand(iris, pops):
    theta = pops[0]["original"][0]
    out = P.population_outputs(theta, iris, 2)
    X_f, _ = forget_and_anchor(iris, 2)
    assert out["conf"].shape == (4, len(X_f))
    z = expectations(theta[1], X_f).numpy()
    assert np.allclose(out["conf"][1], logit_scaled_confidence(z, np.full(len(X_f), 2)))
    p2 = np.exp(z[:, 2]) / np.exp(z).sum(1)
    assert np.allclose(out["conf"][1], np.log(p2) - np.log(1 - p2))            # log p_y - log(1 - p_y)
    keep = iris.y_test != 2
    assert out["TA"][0] == pytest.approx(100 * accuracy(theta[0], iris.X_test[keep], iris.y_test[keep]))
    assert out["FA"][3] == pytest.approx(100 * accuracy(theta[3], X_f, torch.full((len(X_f),), 2)))


def test_population_table_rows_are_score_row_of_each_population_against_gold(iris, pops):
    from helpers.experiments.populations import score_row
    table = P.population_table(iris, 2, seed=1, cache=pops[1], **SMALL)
    assert list(table.index) == ["retrain_indep", "original", "similarity"]
    assert table.loc["original", "label"] == "Original (do nothing)"
    n_forget = int((iris.y_train == 2).sum())
    assert table.attrs["n_forget"] == n_forget and table.attrs["n_models"] == 4
    outputs = {name: {**P.population_outputs(theta, iris, 2), "seconds": seconds} for name, (theta, seconds) in pops[0].items()}
    for key, name in (("retrain_indep", "gold_indep"), ("original", "original"), ("similarity", "similarity")):
        row, arrays = score_row(outputs[name], outputs["gold"])
        assert table.loc[key, ["F", "ulira_accuracy", "FA", "RA", "TA"]].tolist() == pytest.approx(
            [row["F"], row["ulira_accuracy"], row["FA"], row["RA"], row["TA"]])
        assert np.array_equal(table.attrs["points"][key], arrays["points"]) and len(arrays["points"]) == n_forget
        assert table.loc[key, "F"] == pytest.approx(table.attrs["points"][key].mean())        # F: the mean of h(eps)
        assert table.loc[key, "ulira_accuracy"] == pytest.approx(100 * table.attrs["ulira"][key].mean())
    assert table.attrs["retrain"]["FA"] == pytest.approx(outputs["gold"]["FA"].mean())


def test_population_table_of_gold_copies_scores_indistinguishable(iris, pops, monkeypatch):
    """Every population a copy of the gold one: F = 1, score 1, U-LiRA at chance (50 %), epsilon 0."""
    gold = pops[0]["gold"]
    monkeypatch.setattr(P, "populations", lambda *a, **k: {name: gold for name in P.POPULATIONS})
    table = P.population_table(iris, 2, seed=1, cache=False, **SMALL)
    assert table["F"].tolist() == [1.0] * 3 and table["score"].tolist() == [1.0] * 3
    assert table["ulira_accuracy"].tolist() == [50.0] * 3 and table["median_epsilon"].tolist() == [0.0] * 3
    assert (table["RA_ratio"] == 1.0).all() and (table["TA_ratio"] == 1.0).all()
