"""Tests for helpers.experiments: the cache, the table runner, the command line."""
from __future__ import annotations

import json

import pandas as pd
import pytest
import torch

import helpers.experiments.runner as runner
from helpers.experiments import ResultCache, aggregate, format_table, load_hparams, ratio_to_retrain, run_table
from helpers.experiments.__main__ import main
from helpers.experiments.cache import cache_key
from helpers.experiments.tune import FIXED, GRIDS
from helpers.profiles import get_profile
from helpers.unlearn import DEFAULTS, METHODS

TINY = get_profile("default").with_(name="tiny", epochs=1, retrain_epochs=1,
                                    widths={"resnet18": 0.0625, "mobilenet_v2": 0.125})


def test_cache_round_trip_and_atomic_files(tmp_path):
    cache = ResultCache(tmp_path)
    config = {"a": 1, "b": [1, 2]}
    assert cache.get_json(config) is None
    cache.put_json(config, {"FA": 1.5})
    assert cache.get_json(config) == {"FA": 1.5}
    assert cache.get_json({"a": 2, "b": [1, 2]}) is None
    cache.put_state(config, {"w": torch.arange(3.0)})
    assert torch.equal(cache.get_state(config)["w"], torch.arange(3.0))
    assert not list(tmp_path.glob(".tmp-*"))                      # no leftovers
    assert cache_key(config) == cache_key({"b": [1, 2], "a": 1})  # order does not matter


def test_corrupt_entries_are_removed_and_recomputed(tmp_path):
    cache = ResultCache(tmp_path)
    config = {"x": 1}
    cache.put_json(config, [1, 2])
    cache.put_state(config, {"w": torch.ones(2)})
    (json_file,) = tmp_path.glob("*.json")
    (pt_file,) = tmp_path.glob("*.pt")
    json_file.write_text('{"key": "abc", "val')                  # truncated write
    pt_file.write_bytes(pt_file.read_bytes()[:10])
    assert cache.get_json(config) is None and not json_file.exists()
    assert cache.get_state(config) is None and not pt_file.exists()


def test_disabled_cache_never_writes(tmp_path):
    cache = ResultCache(tmp_path, enabled=False)
    cache.put_json({"x": 1}, 1)
    assert cache.get_json({"x": 1}) is None and not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def tiny_table(tmp_path_factory):
    cache = ResultCache(tmp_path_factory.mktemp("cache"))
    hp = {"ft": dict(epochs=1), "ga": dict(epochs=1)}
    table = run_table(TINY, ratios=(0.1,), methods=("ft", "ga"), seeds=(1, 2), hparams=hp, cache=cache,
                      progress=False)
    return table, cache, hp


def test_run_table_has_the_paper_layout(tiny_table):
    table, _, _ = tiny_table
    assert list(table.index) == [(0.1, m) for m in ("retrain", "retrain_indep", "original", "ft", "ga")]
    for m in ("FA", "RA", "TA", "MIA"):
        assert {m, f"{m}_std", f"{m}_gap"} <= set(table.columns)
        assert table.loc[(0.1, "retrain"), f"{m}_gap"] == 0
    assert table.loc[(0.1, "retrain"), "AG"] == 0
    # the independent Retrain is another model (its gap is the noise floor), the do-nothing row the original's
    assert table.loc[(0.1, "retrain_indep"), "AG"] > 0
    per_seed = table.attrs["per_seed"]
    assert list(per_seed.columns) == ["amount", "method", "seed", "FA", "RA", "TA", "MIA", "AG"] and len(per_seed) == 10
    assert table.attrs["seeds"] == [1, 2] and table.attrs["source"] == "computed"
    assert "±" in format_table(table).loc[(0.1, "ft"), "FA"]
    assert ratio_to_retrain(table).loc[(0.1, "retrain")] == 1.0


def test_second_run_comes_from_the_cache(tiny_table, monkeypatch):
    table, cache, hp = tiny_table
    monkeypatch.setattr(runner, "unlearn", lambda *a, **k: pytest.fail("recomputed a cached cell"))
    again = run_table(TINY, ratios=(0.1,), methods=("ft", "ga"), seeds=(1, 2), hparams=hp, cache=cache,
                      progress=False)
    pd.testing.assert_frame_equal(again, table)


def test_aggregate_gaps_are_per_seed_then_averaged():
    raw = pd.DataFrame([
        dict(amount=0.1, method="retrain", seed=1, FA=90, RA=100, TA=90, MIA=10, seconds=10),
        dict(amount=0.1, method="retrain", seed=2, FA=80, RA=100, TA=90, MIA=20, seconds=10),
        dict(amount=0.1, method="x", seed=1, FA=80, RA=100, TA=90, MIA=10, seconds=1),
        dict(amount=0.1, method="x", seed=2, FA=90, RA=100, TA=90, MIA=20, seconds=3),
    ])
    t = aggregate(raw)
    assert t.loc[(0.1, "x"), "FA"] == 85 and t.loc[(0.1, "x"), "FA_gap"] == 10   # |mean - mean| would be 0
    assert t.loc[(0.1, "x"), "AG"] == 2.5 and t.loc[(0.1, "x"), "seconds"] == 2


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown method"):
        run_table(TINY, methods=("oeu", "forget"), cache=False)
    with pytest.raises(ValueError, match="unknown profile"):
        run_table("gpu-cluster", cache=False)
    with pytest.raises(ValueError, match="unknown setting"):
        run_table(TINY, model="resnet18", quant="w3a3", cache=False)
    with pytest.raises(ValueError, match="ratio"):
        run_table(TINY, ratios=(1.5,), methods=("ft",), cache=ResultCache(tmp_path), progress=False)


def test_hparams_file_and_grids_name_real_hyper_parameters():
    for method, grid in GRIDS.items():
        assert method in METHODS and set(grid) | set(FIXED[method]) <= set(DEFAULTS[method])
    for method, values in load_hparams("default").items():
        assert set(values) <= set(DEFAULTS[method]), method


def test_command_line_writes_csv_and_json(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "get_profile", lambda name: TINY)
    monkeypatch.setenv("UNLEARNING_BOOK_CACHE", str(tmp_path / "cache"))
    assert main(["table", "--ratios", "0.1", "--methods", "ga", "--seeds", "1", "--out", str(tmp_path)]) == 0
    rows = json.loads((tmp_path / "table.json").read_text())
    assert [r["method"] for r in rows] == ["retrain", "retrain_indep", "original", "ga"]
    assert (tmp_path / "table.csv").read_text().startswith("ratio,method,FA")


def test_cache_key_changes_with_the_code(monkeypatch):
    import helpers.experiments.cache as cache_module
    before = cache_key({"x": 1})
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "edited")
    assert cache_key({"x": 1}) != before


def test_fingerprint_ignores_docstrings_and_comments_but_not_code():
    from helpers.experiments.cache import _code_only
    base = b'"""Module."""\ndef f(x):\n    """Eq. 7."""\n    return x + 1\n'
    reworded = b'"""Another module text."""\ndef f(x):\n    """Eq. (7) of the paper."""\n    # a comment\n    return x + 1\n'
    changed = b'"""Module."""\ndef f(x):\n    """Eq. 7."""\n    return x + 2\n'
    assert _code_only(base) == _code_only(reworded)
    assert _code_only(base) != _code_only(changed)


def test_presentation_modules_are_outside_the_fingerprint():
    from helpers.experiments.cache import _is_presentation
    assert _is_presentation("chapters/ch05.py") and _is_presentation("plots/tables.py")
    assert _is_presentation("experiments/verdicts.py") and _is_presentation("notebook.py")
    assert not _is_presentation("unlearn/oeu.py") and not _is_presentation("experiments/runner.py")
    assert not _is_presentation("hybrid/metrics.py")


def test_cache_key_records_the_thread_count():
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = cache_key({"x": 1})
        torch.set_num_threads(2)
        assert cache_key({"x": 1}) != one
    finally:
        torch.set_num_threads(threads)
