"""Tests for the book's corrupted-training-set scenarios (helpers.data.corruption) and their runner plumbing."""
from __future__ import annotations

import pytest
import torch

from helpers.data import corrupt, forget_split, load_dataset, mislabel, poison
from helpers.data.corruption import POISON_TARGET
from helpers.experiments import ResultCache, run_table
from helpers.experiments.cache import cache_key
from helpers.experiments.compare import block, judge
from helpers.experiments.runner import forget_retain, original_config, resolve_setting
from helpers.profiles import get_profile

TINY = get_profile("default").with_(name="tiny", epochs=1, retrain_epochs=1,
                                    widths={"resnet18": 0.0625, "mobilenet_v2": 0.125})


@pytest.fixture(scope="module")
def data():
    return load_dataset("digits")


@pytest.mark.parametrize("kind", ["mislabeled", "poisoned"])
def test_labels_are_wrong_exactly_on_the_forget_set(data, kind):
    c = corrupt(data.train, kind, 0.05, seed=3)
    changed = torch.nonzero(c.train.targets != data.train.targets).flatten()
    assert torch.equal(changed, c.forget_idx)                       # every corrupted label is wrong, no other
    assert len(c.forget_idx) == round(0.05 * len(data.train))
    assert torch.equal(c.true_targets, data.train.targets)
    assert torch.equal(torch.sort(torch.cat([c.forget_idx, c.retain_idx])).values, torch.arange(len(data.train)))
    assert torch.equal(c.forget_set.targets, c.train.targets[c.forget_idx])
    assert torch.equal(c.retain_set.targets, data.train.targets[c.retain_idx])     # D_r is the clean rest
    assert torch.equal(c.retain_set.images, data.train.images[c.retain_idx])
    assert torch.equal(data.train.targets, load_dataset("digits").train.targets)   # the input is untouched


def test_split_is_seeded_and_reproducible(data):
    a, b, other = mislabel(data.train, 0.1, seed=4), mislabel(data.train, 0.1, seed=4), mislabel(data.train, 0.1, seed=5)
    assert torch.equal(a.forget_idx, b.forget_idx) and torch.equal(a.train.targets, b.train.targets)
    assert not torch.equal(a.forget_idx, other.forget_idx)
    assert torch.equal(a.forget_idx, forget_split(data.train.targets, ratio=0.1, seed=4)[0])   # same samples as random
    p, q = poison(data.train, 0.05, seed=4), poison(data.train, 0.05, seed=4)
    assert torch.equal(p.forget_idx, q.forget_idx) and torch.equal(p.train.images, q.train.images)
    assert not torch.equal(p.forget_idx, poison(data.train, 0.05, seed=5).forget_idx)


def test_poison_stamps_the_trigger_on_the_forget_set_only(data):
    p = poison(data.train, 0.05, seed=1)
    assert (p.forget_set.targets == POISON_TARGET).all()
    assert (data.train.targets[p.forget_idx] != POISON_TARGET).all()         # drawn from the other classes
    assert (p.forget_set.images[:, :, :2, :2] == 255).all()                  # 8x8 digits: a 2x2 square
    differs = (p.train.images != data.train.images).flatten(1).any(1)
    assert set(torch.nonzero(differs).flatten().tolist()) <= set(p.forget_idx.tolist())
    assert differs[p.forget_idx].float().mean() > 0.9                         # the corner is blank in digits


def test_bad_corruptions_are_rejected(data):
    with pytest.raises(ValueError, match="unknown corruption"):
        corrupt(data.train, "flipped", 0.1, seed=0)
    for kind in ("mislabeled", "poisoned"):
        with pytest.raises(ValueError, match="ratio"):
            corrupt(data.train, kind, 1.5, seed=0)
    with pytest.raises(ValueError, match="target"):
        poison(data.train, 0.1, seed=0, target=10)
    with pytest.raises(ValueError, match="poisoned samples"):
        poison(data.train, 0.95, seed=0)                                    # more than the other classes hold


def test_the_corrupted_original_has_its_own_cache_key(data):
    setting = resolve_setting("resnet18", "w4a4")
    clean = original_config(TINY, data, setting, 1)
    keys = {cache_key(clean), cache_key(original_config(TINY, data, setting, 1, "random", 0.05)),
            cache_key(original_config(TINY, data, setting, 1, "mislabeled", 0.05)),
            cache_key(original_config(TINY, data, setting, 1, "mislabeled", 0.1)),
            cache_key(original_config(TINY, data, setting, 1, "poisoned", 0.05))}
    assert len(keys) == 4          # random shares the clean original; each corruption and ratio has its own
    assert original_config(TINY, data, setting, 1, "class", 0) == clean


def test_forget_retain_of_a_corrupted_scenario(data):
    f, r, t = forget_retain(data, "poisoned", 0.05, seed=2)
    c = poison(data.train, 0.05, seed=2)
    assert torch.equal(f.images, c.forget_set.images) and torch.equal(f.targets, c.forget_set.targets)
    assert len(r) == len(data.train) - len(f) and t is data.test


def test_run_table_on_the_poisoned_scenario_is_cached_and_judged(tmp_path, monkeypatch):
    import helpers.experiments.runner as runner
    cache = ResultCache(tmp_path)
    table = run_table(TINY, scenario="poisoned", ratios=(0.05,), methods=("ft",), seeds=(1, 2),
                      hparams={"ft": dict(epochs=1)}, cache=cache, progress=False)
    assert table.index.names == ["ratio", "method"]
    assert list(table.index.get_level_values(1)) == ["retrain", "retrain_indep", "original", "ft"]
    assert list(judge(block(table, 0.05)).index) == ["FT"]
    assert len(list(tmp_path.glob("*.pt"))) == 2                  # one corrupted original per seed
    monkeypatch.setattr(runner, "unlearn", lambda *a, **k: pytest.fail("recomputed a cached cell"))
    again = run_table(TINY, scenario="poisoned", ratios=(0.05,), methods=("ft",), seeds=(1, 2),
                      hparams={"ft": dict(epochs=1)}, cache=cache, progress=False)
    assert again.equals(table)
