"""Tests for per-scenario tuning: the hparams.json lookup, the selection rule, the tune command.

The reader's own file (``$UNLEARNING_BOOK_HPARAMS``) points into a tmp folder in every test, and the
book's shipped ``hparams.json`` is checked unchanged after every test: a test never writes it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import helpers.experiments.runner as runner
import helpers.experiments.tune as tuning
from helpers.data import load_dataset
from helpers.experiments import load_hparams, run_table, tuned_set
from helpers.experiments.__main__ import main
from helpers.experiments.tune import FIXED, GRIDS, SCENARIO_GRIDS, select
from helpers.experiments.verdicts import tuning_words
from helpers.profiles import get_profile
from helpers.unlearn import DEFAULTS, METHODS

TINY = get_profile("default").with_(name="tiny", epochs=1, retrain_epochs=1,
                                    widths={"resnet18": 0.0625, "mobilenet_v2": 0.125})


SHIPPED = runner.HPARAMS_FILE
SHIPPED_TEXT = SHIPPED.read_text()


@pytest.fixture(autouse=True)
def user_file(tmp_path, monkeypatch):
    """The reader's own hparams.json, in a tmp folder (not created); the shipped file must stay as it was."""
    path = tmp_path / "user" / "hparams.json"
    monkeypatch.setenv(runner.USER_HPARAMS_VAR, str(path))
    yield path
    assert SHIPPED.read_text() == SHIPPED_TEXT, "a test wrote the book's shipped hparams.json"


@pytest.fixture
def hparams_file(tmp_path, monkeypatch):
    path = tmp_path / "hparams.json"
    path.write_text(json.dumps({"tiny": {
        "random/resnet18-w4a4": {"_command": "x", "ft": {"lr": 0.1}},
        "class/resnet18-w4a4": {"ft": {"lr": 0.2}},
        "random/mobilenet_v2-w2": {"ft": {"lr": 0.3}},
        "random/resnet18-w4a4-pact": {"ft": {"lr": 0.4}},
    }}))
    monkeypatch.setattr(runner, "HPARAMS_FILE", path)
    return path


def test_lookup_picks_the_matching_set(hparams_file):
    assert tuned_set("tiny", "random", "resnet18", "w4a4")[0] == "random/resnet18-w4a4"
    assert load_hparams("tiny", "class") == {"ft": {"lr": 0.2}}
    assert load_hparams("tiny", "random", "mobilenet_v2", "w2") == {"ft": {"lr": 0.3}}
    assert load_hparams("tiny", "random", "resnet18", "w4a4-pact") == {"ft": {"lr": 0.4}}
    assert load_hparams("tiny") == {"ft": {"lr": 0.1}}                        # provenance keys left out


def test_lookup_falls_back_by_the_documented_rule(hparams_file):
    # a quantizer variant without its own set -> the same bit widths with the default quantizer
    assert tuned_set("tiny", "random", "resnet18", "w4a4-dsq")[0] == "random/resnet18-w4a4"
    # a network without a set for this scenario -> the scenario's set on ResNet-18 W4A4
    assert tuned_set("tiny", "class", "mobilenet_v2", "w2")[0] == "class/resnet18-w4a4"
    assert tuned_set("tiny", "random", "resnet18", "fp")[0] == "random/resnet18-w4a4"
    # never from another scenario
    with pytest.raises(ValueError, match="no hyper-parameters tuned for scenario 'poisoned'"):
        tuned_set("tiny", "poisoned")
    # a profile with no tuned set at all runs on the package defaults
    assert tuned_set("paper", "class") == (None, {})


def test_unknown_scenario_or_model_is_a_clear_error(hparams_file):
    with pytest.raises(ValueError, match="unknown scenario 'forget-all'"):
        tuned_set("tiny", "forget-all")
    with pytest.raises(ValueError, match="unknown setting"):
        load_hparams("tiny", "random", "vgg16", "w4a4")
    with pytest.raises(ValueError, match="unknown setting"):
        load_hparams("tiny", "random", "resnet18", "w3a3")
    with pytest.raises(ValueError, match="unknown scenario"):
        run_table(TINY, scenario="forget-all", cache=False)


def test_run_table_uses_the_scenario_set(hparams_file, monkeypatch):
    seen = {}

    def fake_cell(profile, data, setting, scenario, amount, method, seed, hparams, cache):
        seen[(scenario, method)] = hparams
        return {"FA": 0.0, "RA": 100.0, "TA": 90.0, "MIA": 50.0, "seconds": 1.0}
    monkeypatch.setattr(runner, "run_cell", fake_cell)
    table = run_table(TINY, scenario="class", ratios=(0,), methods=("ft",), seeds=(1, 2), cache=False, progress=False)
    assert seen[("class", "ft")]["lr"] == 0.2 and table.attrs["hparams_set"] == "class/resnet18-w4a4"
    table = run_table(TINY, model="mobilenet_v2", quant="w2", ratios=(0.1,), methods=("ft",), seeds=(1, 2),
                      cache=False, progress=False)
    assert seen[("random", "ft")]["lr"] == 0.3 and table.attrs["hparams_set"] == "random/mobilenet_v2-w2"
    run_table(TINY, ratios=(0.1,), methods=("ft",), seeds=(1, 2), hparams={"ft": {"lr": 0.5}}, cache=False,
              progress=False)
    assert seen[("random", "ft")]["lr"] == 0.5                                 # an explicit override wins


ROW = dict(RA=99.0, TA=95.0, MIA=100.0)


def test_class_criterion_requires_forgetting():
    gold = dict(FA=0.0, **ROW)
    barely = (dict(FA=80.0, **ROW), {"lr": 0.01})            # AG 20: RA, TA, MIA untouched
    forgets = (dict(FA=2.0, RA=80.0, TA=75.0, MIA=100.0), {"lr": 0.1})  # AG 10.25
    hp, note = select("oeu", [barely, forgets], gold, "class")
    assert hp == {"lr": 0.1} and note is None
    # random forgetting keeps the smallest AG, whatever FA does
    closer = (dict(FA=80.0, RA=99.0, TA=95.0, MIA=100.0), {"lr": 0.01})
    assert select("oeu", [closer, forgets], dict(FA=75.0, **ROW), "random")[0] == {"lr": 0.01}


def test_a_method_that_cannot_forget_is_recorded_with_its_grid_edge():
    gold = dict(FA=0.0, **ROW)
    scored = [(dict(FA=90.0, **ROW), {"lr": 1e-4, "epochs": 3}), (dict(FA=40.0, **ROW), {"lr": 1e-3, "epochs": 5}),
              (dict(FA=60.0, **ROW), {"lr": 3e-4, "epochs": 5})]
    hp, note = select("ga", scored, gold, "class")
    assert hp == {"lr": 1e-3, "epochs": 5}
    assert "no grid point brings FA within 5 points" in note and "FA 40.0 %" in note
    assert "lr=0.001 (the grid's largest, the end of App. A.6's range), epochs=5 (the grid's largest)" in note
    original = dict(FA=100.0, **ROW)                          # forgetting that costs more than doing nothing
    hp, note = select("ga", [(dict(FA=0.0, RA=10.0, TA=10.0, MIA=100.0), {"lr": 1e-3, "epochs": 3})], gold, "class",
                      original)
    assert "larger than doing nothing" in note
    # random forgetting too: a method whose best point is farther from Retrain than doing nothing is flagged
    near = dict(FA=99.0, **ROW)
    hp, note = select("oeu", [(dict(FA=90.0, **ROW), {"lr": 0.01})], dict(FA=95.0, **ROW), "random", near)
    assert hp == {"lr": 0.01} and "its best grid point comes with an AG of 1.25, larger than doing nothing's (1.00)" in note
    assert "lr=0.01 (the grid's smallest, the end of App. A.6's range)" in note
    assert select("oeu", [(dict(FA=94.0, **ROW), {"lr": 0.01})], dict(FA=95.0, **ROW), "random", near)[1] is None
    # a scenario whose original has nothing to forget says so
    hp, note = select("oeu", [(dict(FA=0.0, RA=90.0, TA=95.0, MIA=100.0), {"lr": 0.01, "epochs": 3})],
                      dict(FA=0.0, **ROW), "mislabeled", dict(FA=1.0, **ROW))
    assert note.startswith("doing nothing already has FA 1.0 % (Retrain's 0.0 %): there is nothing to forget")


def test_default_methods_tune_the_ablations_only_where_chapter_5_runs_them():
    assert set(tuning.default_methods("random", "resnet18", "w4a4")) == set(GRIDS)
    assert "oeu_no_gop" not in tuning.default_methods("class", "resnet18", "w4a4")
    assert "oeu" in tuning.default_methods("random", "mobilenet_v2", "w2")


def test_grids_and_stored_sets_name_real_hyper_parameters():
    for scenario in SCENARIO_GRIDS:
        for method in GRIDS:
            searched = tuning.method_grid(method, scenario)
            assert method in METHODS and set(searched) | set(FIXED[method]) <= set(DEFAULTS[method])
    stored = json.loads(runner.HPARAMS_FILE.read_text())["default"]
    for key, entry in stored.items():
        scenario, _, setting = key.partition("/")
        model, _, quant = setting.partition("-")
        assert runner.hparams_key(scenario, model, quant) == key
        for method, values in entry.items():
            if not method.startswith("_"):
                assert set(values) <= set(DEFAULTS[method]), (key, method)


def test_tune_command_writes_the_scenario_key_to_the_readers_file(tmp_path, monkeypatch, user_file):
    path = tmp_path / "hparams.json"                 # stands for the book's shipped file
    path.write_text(json.dumps({"tiny": {"random/resnet18-w4a4": {"ga": {"lr": 0.5}},
                                         "class/resnet18-w4a4": {"_untuned": "a copy", "ft": {"lr": 9}}}}))
    shipped = path.read_text()
    monkeypatch.setattr(runner, "HPARAMS_FILE", path)
    monkeypatch.setattr(tuning, "get_profile", lambda name: TINY)
    monkeypatch.setitem(tuning.FORGETTING_GRIDS, "ga", {"lr": [1e-4, 1e-3]})
    monkeypatch.setitem(FIXED, "ga", {"epochs": 1, "batch_size": 128})
    monkeypatch.setenv("UNLEARNING_BOOK_CACHE", str(tmp_path / "cache"))
    assert main(["tune", "--scenario", "class", "--methods", "ga"]) == 0
    assert path.read_text() == shipped                                          # the book's file is never written
    stored = json.loads(user_file.read_text())["tiny"]
    assert set(stored) == {"class/resnet18-w4a4"}                               # only the set tuned
    assert load_hparams("tiny", "random") == {"ga": {"lr": 0.5}}               # other sets: still the book's
    entry = stored["class/resnet18-w4a4"]
    assert entry["ga"]["lr"] in (1e-4, 1e-3) and entry["ga"]["epochs"] == 1
    assert entry["_command"] == ("python -m helpers.experiments tune --profile tiny --scenario class "
                                 "--model resnet18 --quant w4a4 --amount 3")
    assert entry["_selection_seed"] == 0 and entry["_amount"] == 3 and "FA" in entry["_criterion"]
    assert set(entry["_selection"]) == {"ga"} and "FA" in entry["_retrain"]
    assert load_hparams("tiny", "class") == {"ga": entry["ga"]}           # the placeholder's copy is dropped
    assert "ft" in entry["_untuned_methods"] and "_untuned" not in entry
    targets = load_dataset("digits").train.targets
    assert entry["_sizes"] == {"forget": int((targets == 3).sum()), "retain": int((targets != 3).sum())}


def write_json(path: Path, table: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(table))
    return path


def test_the_readers_set_replaces_the_books_set_of_its_key_only(hparams_file, user_file):
    write_json(user_file, {"tiny": {"class/resnet18-w4a4": {"_selection_seed": 1, "ft": {"lr": 0.9}}}})
    key, entry = tuned_set("tiny", "class")
    assert key == "class/resnet18-w4a4" and entry["_file"] == str(user_file)
    assert load_hparams("tiny", "class") == {"ft": {"lr": 0.9}}                 # the reader's set wins...
    assert load_hparams("tiny", "random") == {"ft": {"lr": 0.1}}                # ...for its key only
    assert "_file" not in tuned_set("tiny", "random")[1]
    # a profile the reader tuned but the book did not
    write_json(user_file, {"paper": {"random/resnet18-w4a4": {"ft": {"lr": 0.7}}}})
    assert load_hparams("paper") == {"ft": {"lr": 0.7}} and load_hparams("tiny", "class") == {"ft": {"lr": 0.2}}


def test_without_a_readers_file_the_book_uses_the_shipped_sets_exactly(user_file):
    assert not user_file.exists()
    shipped = json.loads(SHIPPED_TEXT)["default"]
    for key, entry in shipped.items():
        scenario, _, setting = key.partition("/")
        model, _, quant = setting.partition("-")
        assert tuned_set("default", scenario, model, quant) == (key, entry)


def test_the_readers_file_lives_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(runner.USER_HPARAMS_VAR)
    monkeypatch.setenv("UNLEARNING_BOOK_DATA", str(tmp_path / "data"))
    assert runner.user_hparams_file() == tmp_path / "data" / "hparams.json"
    monkeypatch.delenv("UNLEARNING_BOOK_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert runner.user_hparams_file() == tmp_path / "home" / ".cache" / "unlearning-book" / "hparams.json"
    assert not runner.user_hparams_file().is_relative_to(Path(runner.__file__).parents[1])   # never in the package


def test_a_broken_readers_file_is_a_clear_error(hparams_file, user_file):
    user_file.parent.mkdir(parents=True)
    user_file.write_text("{ not json")
    with pytest.raises(ValueError, match="is not valid JSON.*delete it to use the book's"):
        load_hparams("tiny")


def test_tune_refuses_a_broken_readers_file_before_searching(user_file, monkeypatch):
    user_file.parent.mkdir(parents=True)
    user_file.write_text("{ not json")
    monkeypatch.setattr(tuning, "get_profile", lambda name: TINY)
    monkeypatch.setattr(tuning, "load_dataset", lambda *a, **k: pytest.fail("the search started"))
    with pytest.raises(ValueError, match="is not valid JSON"):
        tuning.tune("tiny", "class", methods=["ga"])


def test_tuning_words_say_whose_set_a_table_used(hparams_file, user_file):
    table = run_table_attrs("class/resnet18-w4a4")
    assert tuning_words("tiny", table).startswith("the set `class/resnet18-w4a4` of `hparams.json`")
    write_json(user_file, {"tiny": {"class/resnet18-w4a4": {"_selection_seed": 1, "ft": {"lr": 0.9}}}})
    assert tuning_words("tiny", table).startswith(
        f"the set `class/resnet18-w4a4` of your own `hparams.json` (`{user_file}`, which replaces the book's set "
        "on this machine), chosen on seed 1")


def run_table_attrs(key: str):
    """One block of a table (methods as index) computed with the tuned set ``key``."""
    import pandas as pd
    table = pd.DataFrame({"AG": [1.0]}, index=["ft"])
    table.attrs["hparams_set"] = key
    return table


def test_reset_goes_back_to_the_books_values(hparams_file, user_file, capsys):
    write_json(user_file, {"tiny": {"random/resnet18-w4a4": {"ft": {"lr": 0.9}}}})
    assert load_hparams("tiny") == {"ft": {"lr": 0.9}}
    assert main(["tune", "--reset"]) == 0
    assert not user_file.exists() and load_hparams("tiny") == {"ft": {"lr": 0.1}}
    assert "the book's hyper-parameters are in use again" in capsys.readouterr().out
    assert main(["tune", "--reset"]) == 0 and "no tuning of your own" in capsys.readouterr().out


def test_a_selection_seed_other_than_the_books_is_recorded():
    assert tuning.tune_command("default", "random", "resnet18", "w4a4", 0.1) == (
        "python -m helpers.experiments tune --profile default --scenario random --model resnet18 --quant w4a4 "
        "--amount 0.1")
    assert tuning.tune_command("default", "random", "resnet18", "w4a4", 0.1, 1).endswith("--selection-seed 1")
