"""The full grid's cost estimate (helpers.experiments.cost) and the setup page that prints it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.experiments import ResultCache
from helpers.experiments.__main__ import main
from helpers.experiments.cost import (
    GPU,
    MEASURED,
    Gpu,
    cost_report,
    epoch_equivalents,
    gpu_hours,
    measured_from_cache,
    table_epochs,
    training_flops_per_sample,
)
from helpers.profiles import get_profile

SETUP = Path(__file__).resolve().parent.parent / "book" / "setup.md"


def test_flops_of_the_full_width_cifar_networks_match_the_literature():
    # CIFAR ResNet-18 (3x3 stem, no max-pool): 0.56 G multiply-accumulates per image (e.g. the
    # pytorch-cifar and DSQ papers' tables); training = 3 passes x 2 FLOPs per MAC.
    assert training_flops_per_sample("resnet18", "cifar10") / 6 == pytest.approx(0.556e9, rel=0.01)
    # MobileNetV2 with CIFAR strides: about 0.09 G MACs, a sixth of ResNet-18's.
    assert training_flops_per_sample("mobilenet_v2", "cifar10") / 6 == pytest.approx(0.09e9, rel=0.05)
    # Convolutions scale with the image area: Tiny-ImageNet's 64x64 costs four times CIFAR's 32x32.
    ratio = training_flops_per_sample("resnet18", "tiny-imagenet") / training_flops_per_sample("resnet18", "cifar10")
    assert ratio == pytest.approx(4, rel=0.01)


def test_unknown_dataset_or_scenario_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown dataset 'imagenet'"):
        training_flops_per_sample("resnet18", "imagenet")
    with pytest.raises(ValueError, match="'random' and 'class'"):
        table_epochs("poisoned")


def test_retrain_is_its_epochs_and_hours_scale_with_the_gpu():
    default = get_profile("default")
    retained = 1 - (0.1 + 0.3 + 0.5) / 3
    assert epoch_equivalents()["retrain"] == pytest.approx(default.retrain_epochs * retained)
    paper = get_profile("paper")
    # a paper table trains at least its originals and two Retrains per ratio, each seed
    assert table_epochs("random") > 3 * (paper.epochs + 2 * paper.retrain_epochs * retained * 3)
    slower = Gpu("half", GPU.peak_flops / 2, GPU.utilisation, "test")
    assert gpu_hours("resnet18", "cifar10", gpu=slower) == pytest.approx(2 * gpu_hours("resnet18", "cifar10"))
    assert gpu_hours("resnet18", "tiny-imagenet") > gpu_hours("resnet18", "svhn") > gpu_hours("resnet18", "cifar10")


def test_measured_seconds_come_from_the_cache_entries(tmp_path):
    cache = ResultCache(tmp_path)
    for method, seed, seconds in [("retrain", 1, 2.0), ("retrain", 2, 3.0), ("ga", 1, 0.5), ("oeu_no_gop", 1, 9)]:
        config = {"kind": "cell", "profile": {"name": "default"}, "scenario": "random", "method": method,
                  "seed": seed, "setting": {"arch": "resnet18", "weight_bits": 4}}
        cache.put_json(config, {"FA": 1.0, "seconds": seconds})
    cache.put_json({"kind": "cell", "profile": {"name": "paper"}, "scenario": "random", "method": "ga",
                    "setting": {"arch": "resnet18", "weight_bits": 4}}, {"seconds": 100.0})
    assert measured_from_cache(tmp_path) == {"retrain": 2.5, "ga": 0.5}     # ablations and other profiles left out
    with pytest.raises(ValueError, match="no default-profile random-forgetting Retrain"):
        measured_from_cache(tmp_path / "empty")


def test_setup_page_shows_what_the_cost_command_prints(capsys):
    assert main(["cost"]) == 0
    printed = capsys.readouterr().out
    assert printed == cost_report()
    page = SETUP.read_text()
    assert printed in page, "book/setup.md's cost tables are stale: paste `python -m helpers.experiments cost`"
    assert "python -m helpers.experiments cost" in page
    for method, seconds in MEASURED.items():
        assert re.search(rf"\| {method} \| {seconds:.2f} \|", page)
