"""Tests for the deployment audit (issue 20): code flips between two integer exports
(helpers.quant.code_flips) and the audit runner (helpers.experiments.deployment)."""
from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import pandas as pd
import pytest
import torch

from helpers.data import load_dataset
from helpers.experiments import deployment
from helpers.experiments.cache import ResultCache
from helpers.experiments.deployment import deployment_audit
from helpers.experiments.runner import USER_HPARAMS_VAR, resolve_setting, run_cell, unlearned_model
from helpers.metrics import METRICS
from helpers.metrics import evaluate as evaluate_metrics
from helpers.profiles import build_quantized, get_profile
from helpers.quant import code_flips, export_integer, quantized_layers
from helpers.train import seed_everything
from helpers.unlearn import DEFAULTS


def initialised_resnet(seed: int = 0):
    """An untrained ResNet-18 W4A4 at width 1/8, its quantizers initialised on one batch of noise."""
    seed_everything(seed)
    model = build_quantized("resnet18-w4a4", 10, 1, 0.125)
    model(torch.rand(8, 1, 8, 8))
    return model.eval()


def test_code_flips_counts_the_changed_codes_of_each_layer():
    model = initialised_resnet()
    exported = export_integer(model)
    codes = exported.weight_codes()
    assert code_flips(exported, exported) == dict.fromkeys(codes, 0.0)
    changed = {name: c.clone() for name, c in codes.items()}
    first, last = list(codes)[0], list(codes)[-1]
    changed[first].view(-1)[:3] += 1                              # 3 codes of the first layer
    changed[last].view(-1)[: changed[last].numel() // 2] -= 1     # half of the last layer's
    flips = code_flips(codes, changed)
    assert list(flips) == list(codes)                             # model order
    assert flips[first] == pytest.approx(3 / codes[first].numel())
    assert flips[last] == pytest.approx((codes[last].numel() // 2) / codes[last].numel())
    assert all(v == 0.0 for n, v in flips.items() if n not in (first, last))
    assert code_flips(changed, codes) == flips                    # symmetric


def test_code_flips_of_two_different_models_lie_between_zero_and_one():
    flips = code_flips(export_integer(initialised_resnet(0)), export_integer(initialised_resnet(1)))
    assert all(0.0 < v <= 1.0 for v in flips.values())


def test_code_flips_of_different_architectures_is_an_error():
    codes = export_integer(initialised_resnet()).weight_codes()
    fewer = dict(list(codes.items())[:-1])
    with pytest.raises(ValueError, match="different quantized layers"):
        code_flips(codes, fewer)
    first = next(iter(codes))
    with pytest.raises(ValueError, match=f"{first}: weight codes of shape"):
        code_flips(codes, {**codes, first: codes[first][:1]})


# ----------------------------------------------------------------------------- the audit, end to end
TINY = get_profile("default").with_(name="tiny-audit", epochs=1, retrain_epochs=1)
SMALL = dict(methods=("rl",), seeds=(1,), bits=(4, 2), steps=(0, 2), progress=False)


@pytest.fixture(scope="module", autouse=True)
def tiny_hparams(tmp_path_factory):
    """The reader's hparams file (``$UNLEARNING_BOOK_HPARAMS``) gives the tiny profile a class-wise set: RL for
    one epoch, so that the audit's hyper-parameters come from ``tuned_set`` as in the book, cheaply."""
    path = tmp_path_factory.mktemp("hparams") / "hparams.json"
    path.write_text(json.dumps({TINY.name: {"class/resnet18-w4a4": {"rl": {"epochs": 1, "batch_size": 128}}}}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(USER_HPARAMS_VAR, str(path))
        yield path


@pytest.fixture(scope="module")
def audit(tmp_path_factory, tiny_hparams):
    """The audit of a one-epoch profile, one seed, RL beside the two references, two bit widths, two step
    counts; and its cache."""
    cache = ResultCache(tmp_path_factory.mktemp("audit-cache"))
    return deployment_audit(TINY, cache=cache, **SMALL), cache


def test_the_audit_has_the_contract_layout(audit):
    audit, _ = audit
    methods = ["original", "retrain", "rl"]
    layers = list(quantized_layers(build_quantized("resnet18-w4a4", 10, 1, 0.125)))

    flips = audit.flips
    assert flips.index.names == ["method", "seed", "layer"] and list(flips.columns) == ["vs original", "vs retrain"]
    assert list(flips.index.get_level_values("method").unique()) == methods
    for method in methods:
        assert list(flips.loc[(method, 1)].index) == layers                        # every layer, model order
    assert ((flips >= 0) & (flips <= 1)).all().all()
    assert (flips.loc["original", "vs original"] == 0).all() and (flips.loc["retrain", "vs retrain"] == 0).all()
    assert flips.loc["original", "vs retrain"].equals(flips.loc["retrain", "vs original"])     # one distance
    assert (flips.loc["retrain", "vs original"] > 0.3).all()          # fresh weights: most codes differ
    model = build_quantized("resnet18-w4a4", 10, 1, 0.125)
    assert flips.attrs["codes per layer"] == {n: model.get_submodule(n).weight.numel() for n in layers}

    export = audit.export
    assert export.index.names == ["method", "seed"] and list(export.index) == [(m, 1) for m in methods]
    assert export.columns.names == ["model", "metric"]
    assert list(export.columns) == [(model, m) for model in ("fake-quant", "integer") for m in METRICS]
    assert ((export >= 0) & (export <= 100)).all().all()
    assert export.loc[("retrain", 1), ("fake-quant", "FA")] == 0.0          # Retrain never saw class 3

    ptq = audit.ptq
    assert ptq.index.names == ["method", "seed"] and list(ptq.index) == [(m, 1) for m in methods]
    assert ptq.columns.names == ["bits", "metric"]
    assert list(ptq.columns) == [(b, m) for b in ("FP", "4-bit", "2-bit") for m in METRICS]
    assert ((ptq >= 0) & (ptq <= 100)).all().all()

    relearn = audit.relearn
    assert relearn.index.names == ["method", "seed", "attack"]
    assert list(relearn.index) == [(m, 1, a) for m in methods for a in ("retain", "forget 1 %")]
    assert list(relearn.columns) == [0, 2] and all(type(k) is int for k in relearn.columns)
    assert ((relearn >= 0) & (relearn <= 100)).all().all()
    for method in methods:        # before the attack, FA on the whole forget set is the fake-quant model's FA
        assert relearn.loc[(method, 1, "retain"), 0] == export.loc[(method, 1), ("fake-quant", "FA")]
    assert relearn.attrs["forget attack samples"] == 2 and relearn.attrs["forget held out"] == 144

    assert set(audit.sizes) == {"float bytes", "integer bytes", "ratio"} and audit.sizes["ratio"] > 3
    assert audit.export.attrs["hparams_set"] == "class/resnet18-w4a4"        # the reader's set of the fixture
    assert audit.ptq.attrs["hparams"]["rl"] == {**DEFAULTS["rl"], "epochs": 1, "batch_size": 128}
    assert "no set is tuned in full precision" in audit.ptq.attrs["note"]
    with pytest.raises(FrozenInstanceError):
        audit.flips = None


def test_a_second_audit_comes_from_the_cache(audit, monkeypatch):
    first, cache = audit

    def refuse(*args, **kwargs):
        raise AssertionError("a cached audit must not unlearn again")
    monkeypatch.setattr(deployment, "unlearned_model", refuse)
    again = deployment_audit(TINY, cache=cache, **SMALL)
    for name in ("flips", "export", "ptq", "relearn"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name))
    assert again.sizes == first.sizes


def test_run_cell_scores_the_model_unlearned_model_returns(tmp_path):
    cache = ResultCache(tmp_path)
    data = load_dataset("digits")
    setting = resolve_setting("resnet18", "w4a4")
    args = (TINY, data, setting, "class", 3, "rl", 1, {"epochs": 1}, cache)
    row = run_cell(*args)
    model, sets = unlearned_model(*args)
    assert {k: row[k] for k in METRICS} == evaluate_metrics(model, *sets)
    assert len(sets[0]) == 146 and (sets[0].targets == 3).all()


@pytest.mark.parametrize("kwargs, match", [
    (dict(methods=("rl", "forget_everything")), "unknown method"),
    (dict(bits=(8, 1)), "integer bit width in 2..16"),
    (dict(steps=(0, -5)), "steps must"),
    (dict(seeds=()), "seeds is empty"),
    (dict(forget_class=10), "forget_class must be a class of digits"),
])
def test_bad_arguments_are_errors_before_any_work(kwargs, match, monkeypatch, tmp_path):
    monkeypatch.setattr(deployment, "unlearned_model", lambda *a, **k: pytest.fail("no work on bad input"))
    with pytest.raises(ValueError, match=match):
        deployment_audit(TINY, cache=ResultCache(tmp_path), **{**SMALL, **kwargs})
