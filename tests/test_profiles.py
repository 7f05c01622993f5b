"""The paper profile: its GPU (a clear error without one), OEU App. A.6's hyper-parameters, its options."""
from __future__ import annotations

import json
import warnings

import pytest
import torch

from helpers.experiments import runner
from helpers.experiments.runner import (
    EVERY_SETTING,
    HPARAMS_FILE,
    PAPER_METHODS,
    SCENARIOS,
    defaulted_hparams,
    method_hparams,
    tuned_set,
    warn_defaulted,
)
from helpers.profiles import get_profile, train_setting
from helpers.unlearn import DEFAULTS

NO_GPU = "the paper profile asks for a GPU"


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.fixture
def no_readers_file(tmp_path, monkeypatch):
    monkeypatch.setenv(runner.USER_HPARAMS_VAR, str(tmp_path / "none.json"))


def test_the_paper_profile_without_a_gpu_is_a_clear_error_with_the_fallback_stated(no_gpu):
    paper = get_profile("paper")
    with pytest.raises(ValueError, match=NO_GPU) as error:
        paper.check_device()
    assert "profile='default'" in str(error.value) and "with_(device='cpu')" in str(error.value)
    with pytest.raises(ValueError, match=NO_GPU):
        runner.run_table("paper", methods=("ft",), seeds=(1,), ratios=(0.1,), cache=False)
    with pytest.raises(ValueError, match=NO_GPU):
        train_setting("resnet18-w4a4", None, paper)
    assert paper.with_(device="cpu").check_device().device == "cpu"          # the stated fallback, on request
    assert get_profile("default").check_device().device == "cpu"


def test_the_default_profile_keeps_its_cpu_path():
    default = get_profile("default")
    assert (default.device, default.mixed_precision, default.compile, default.progress) == ("cpu", False, False, False)
    paper = get_profile("paper")
    assert (paper.device, paper.mixed_precision, paper.compile, paper.progress) == ("cuda", False, False, True)


def test_a_profiles_progress_bars_never_change_a_cache_key():
    paper = get_profile("paper")
    assert runner.profile_config(paper) == runner.profile_config(paper.with_(progress=False))
    assert runner.profile_config(paper) != runner.profile_config(paper.with_(mixed_precision=True))
    assert method_hparams("retrain", paper, {})["progress"] is True               # Retrain's 160 epochs show a bar
    assert "progress" not in method_hparams("retrain", get_profile("default"), {})


def test_the_paper_profile_reads_oeu_appendix_a6_for_every_scenario_and_network(no_readers_file):
    for scenario in SCENARIOS:
        for model, quant in (("resnet18", "w4a4"), ("mobilenet_v2", "w2")):
            key, entry = tuned_set("paper", scenario, model, quant)
            assert key == EVERY_SETTING and entry["_source"] == "OEU App. A.6"
    _, entry = tuned_set("paper")
    # the values App. A.6 fixes
    assert entry["oeu"] == {"epochs": 10, "batch_size": 256, "alpha": 1.0}
    assert {m: entry[m]["epochs"] for m in ("ft", "rl", "ga", "salun", "qmul")} == dict(ft=10, rl=10, ga=5, salun=10,
                                                                                       qmul=10)
    # the ranges it searched, as ranges: each names a method's hyper-parameter, and the package default lies inside
    ranges = entry["_searched_ranges"]
    assert ranges["ga"]["lr"] == [1e-5, 1e-3] and ranges["iu"]["alpha"] == [1.0, 20.0]
    assert ranges["salun"] == {"lr": [5e-4, 5e-2], "fraction": [0.1, 0.9]}
    for method, spans in ranges.items():
        for name, (lo, hi) in spans.items():
            assert lo <= DEFAULTS[method][name] <= hi, (method, name)
    for method, fixed in entry.items():
        if not method.startswith("_"):
            assert set(fixed) <= set(DEFAULTS[method]), method


def test_what_appendix_a6_leaves_open_is_named_in_a_warning(no_readers_file):
    key, entry = tuned_set("paper")
    defaulted = defaulted_hparams(entry, PAPER_METHODS + ("oeu_no_gop",))
    assert defaulted["ft"] == {"lr": (0.01, [0.001, 0.1])} and defaulted["iu"] == {"alpha": (1.0, [1.0, 20.0])}
    assert defaulted["oeu_no_gop"] == {}                     # App. A.6 does not name the ablations
    assert "retrain" not in defaulted                        # Retrain follows the profile (Sec. 5.1)
    with pytest.warns(UserWarning, match=r"OEU App. A.6 gives no value for: ft lr=0.01 \(searched in \[0.001, 0.1\]\)"):
        warn_defaulted(key, entry, ("ft", "oeu_no_gop"))
    with warnings.catch_warnings():                          # the default profile's tuned sets warn about nothing
        warnings.simplefilter("error")
        assert warn_defaulted(*tuned_set("default"), PAPER_METHODS) == {}


def test_a_readers_own_paper_set_still_wins_over_the_books(tmp_path, monkeypatch):
    user = tmp_path / "hparams.json"
    user.write_text(json.dumps({"paper": {"random/resnet18-w4a4": {"ft": {"lr": 0.05, "epochs": 10}}}}))
    monkeypatch.setenv(runner.USER_HPARAMS_VAR, str(user))
    key, entry = tuned_set("paper", "random")
    assert key == "random/resnet18-w4a4" and entry["ft"] == {"lr": 0.05, "epochs": 10}
    assert tuned_set("paper", "class")[0] == EVERY_SETTING                   # other scenarios: the book's A.6 set


def test_the_paper_section_holds_one_set_for_every_setting():
    table = json.loads(HPARAMS_FILE.read_text())
    assert set(table) == {"default", "paper"} and set(table["paper"]) == {EVERY_SETTING}


def test_an_unlearning_loop_shows_a_progress_bar_over_its_steps_when_the_task_asks(monkeypatch):
    """The paper profile's long unlearning runs show a bar (tqdm, with the time left) over the loop's
    steps; the default profile's tasks do not ask for one."""
    import helpers.unlearn.loop as loop
    from helpers.unlearn import Task, unlearn
    from tiny import tiny_forgetting_problem

    calls = []

    def recording_bar(iterable, desc="", enabled=True, **kwargs):
        calls.append((desc, enabled, len(iterable)))
        return iterable
    monkeypatch.setattr(loop, "progress_bar", recording_bar)
    model, forget_set, retain_set, _ = tiny_forgetting_problem(200)
    for progress in (True, False):
        unlearn("ft", model, Task(forget_set, retain_set, progress=progress), seed=0, steps=3)
    assert calls == [("unlearning", True, 3), ("unlearning", False, 3)]
