"""What the paper's full grid costs: one measured default-profile table, scaled to the paper profile by FLOPs.

The model, in three steps (each a function below):

1. **Measured** (:data:`MEASURED`, recomputable with :func:`measured_from_cache`): the wall
   seconds of each method's cell on the default profile, ResNet-18 W4A4, random forgetting
   (the paper's main table), as the result cache recorded them. Retrain trains for
   ``retrain_epochs`` on the retain set, so its seconds give the cost of one training epoch on
   this machine, and every method's cost becomes a number of *epoch equivalents*
   (:func:`epoch_equivalents`).
2. **Scaled by FLOPs** (:func:`training_flops_per_sample`): a training step costs about three
   forward passes (forward, and a backward pass of about twice the forward's work), and a
   forward pass two FLOPs per multiply-accumulate of the convolutions and linear layers,
   counted on the real network. One epoch costs that times the training samples.
3. **Priced on a GPU** (:data:`GPU`): FLOPs divided by an *assumed* sustained throughput.

What it leaves out, so read its hours as a lower bound for budgeting: evaluation and the
membership attacks after each cell (forward passes only, a few per cent of a cell), the
fake-quantization overhead of quantization-aware training, data loading, and the paper
profile's own method hyper-parameters (other methods are assumed to take the same epoch
equivalents as on the default profile; Retrain scales with the profile's ``retrain_epochs``).
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..models import build_model
from ..profiles import Profile, get_profile
from .runner import BASELINES, PAPER_METHODS

#: Training-set sizes, image sides, channels and classes (the datasets' published splits; digits is
#: scikit-learn's 1,797 images less the book's 20 % test split).
DATASETS = {
    "digits": (1437, 8, 1, 10),
    "cifar10": (50_000, 32, 3, 10),
    "cifar100": (50_000, 32, 3, 100),
    "svhn": (73_257, 32, 3, 10),
    "tiny-imagenet": (100_000, 64, 3, 200),
}
PAPER_DATASETS = ("cifar10", "cifar100", "svhn", "tiny-imagenet")
PAPER_NETWORKS = ("resnet18", "mobilenet_v2")
RANDOM_RATIOS = (0.1, 0.3, 0.5)        # the paper's random-forgetting ratios; class-wise forgets one class
PAPER_SEEDS = 3


@dataclass(frozen=True)
class Gpu:
    """An assumed GPU: its peak FP32 throughput and the fraction of it a small CNN sustains."""

    name: str
    peak_flops: float          # FLOP/s
    utilisation: float
    source: str

    @property
    def flops(self) -> float:
        return self.peak_flops * self.utilisation


#: The assumption: an NVIDIA A100 (19.5 TFLOP/s FP32 without tensor cores, NVIDIA's A100 datasheet),
#: of which a 32x32 CNN at batch 256 sustains about a third (an assumption, not a measurement).
GPU = Gpu("NVIDIA A100 (FP32)", 19.5e12, 1 / 3, "NVIDIA A100 Tensor Core GPU datasheet: 19.5 TFLOPS FP32")

#: Mean wall seconds of one cell per method (over ratios 0.1, 0.3, 0.5 and the seeds) on the default
#: profile, ResNet-18 W4A4, random forgetting: the book's result cache, 2 December 2026, on the book's
#: 2-core CPU build machine, shared with other jobs at the time (so rather high than low).
#: Recompute with ``python -m helpers.experiments cost --measure`` (:func:`measured_from_cache`).
MEASURED = {"retrain": 2.11, "retrain_indep": 2.14, "original": 0.0, "ft": 0.62, "ga": 0.34, "iu": 2.02,
            "rl": 0.38, "l1_sparse": 0.56, "salun": 0.46, "qmul": 0.77, "oeu": 0.74}
MEASURED_RETAIN_FRACTION = 1 - sum(RANDOM_RATIOS) / len(RANDOM_RATIOS)    # Retrain's mean share of the data


@functools.lru_cache(maxsize=None)
def training_flops_per_sample(arch: str, dataset: str, width: float = 1.0) -> float:
    """FLOPs of one training step per sample: 3 forward passes x 2 FLOPs per multiply-accumulate.

    The multiply-accumulates are counted on the real network (:func:`helpers.models.build_model`)
    at ``width`` on one image of ``dataset``'s size, for every convolution and linear layer.
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {sorted(DATASETS)}")
    _, side, channels, classes = DATASETS[dataset]
    model = build_model(arch, classes, channels, width).eval()
    macs = []

    def count(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            macs.append(output.numel() * module.in_channels // module.groups * kernel)
        elif isinstance(module, nn.Linear):
            macs.append(module.in_features * module.out_features)

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, channels, side, side))
    for hook in hooks:
        hook.remove()
    return 3 * 2 * float(sum(macs))


def epoch_flops(arch: str, dataset: str, width: float = 1.0) -> float:
    """FLOPs of one training epoch over ``dataset``'s training set."""
    return training_flops_per_sample(arch, dataset, width) * DATASETS[dataset][0]


def epoch_equivalents(measured: dict = MEASURED, profile: Profile | None = None) -> dict:
    """Each method's measured cell as a number of training epochs (Retrain: ``retrain_epochs`` x retain share)."""
    profile = profile or get_profile("default")
    epoch_seconds = measured["retrain"] / (profile.retrain_epochs * MEASURED_RETAIN_FRACTION)
    return {method: seconds / epoch_seconds for method, seconds in measured.items()}


def table_epochs(scenario: str = "random", profile: Profile | None = None, measured: dict = MEASURED,
                 seeds: int = PAPER_SEEDS) -> float:
    """Training epochs of one whole table on ``profile``: its originals, its Retrains and its methods.

    A random table has the three ratios, a class-wise table one class; Retrain and Retrain′ train
    ``profile.retrain_epochs`` on the retain set, every other method its default-profile epoch equivalents.
    """
    if scenario not in ("random", "class"):
        raise ValueError(f"the grid's scenarios are 'random' and 'class', not {scenario!r}")
    profile = profile or get_profile("paper")
    retains = [1 - r for r in RANDOM_RATIOS] if scenario == "random" else [0.9]    # one of ten classes
    others = sum(v for m, v in epoch_equivalents(measured).items() if m not in ("retrain", "retrain_indep"))
    per_seed = profile.epochs + sum(2 * profile.retrain_epochs * keep + others for keep in retains)
    return seeds * per_seed


def gpu_hours(arch: str, dataset: str, scenario: str = "random", profile: Profile | None = None,
              gpu: Gpu = GPU) -> float:
    """Estimated GPU-hours of one table (all methods, :data:`PAPER_SEEDS` seeds) on ``profile``."""
    profile = profile or get_profile("paper")
    flops = table_epochs(scenario, profile) * epoch_flops(arch, dataset, profile.width(arch))
    return flops / gpu.flops / 3600


def cost_report(gpu: Gpu = GPU) -> str:
    """The setup page's cost section's tables, as Markdown (``python -m helpers.experiments cost``)."""
    default, paper = get_profile("default"), get_profile("paper")
    equivalents = epoch_equivalents()
    lines = ["| method | seconds per cell (default profile, measured) | training epochs equivalent |",
             "|---|---:|---:|"]
    lines += [f"| {m} | {s:.2f} | {equivalents[m]:.2f} |" for m, s in MEASURED.items()]
    lines += ["", "| network | GFLOPs per training sample, default (digits 8x8) | paper (CIFAR 32x32) "
                  "| one epoch, paper / default |", "|---|---:|---:|---:|"]
    for arch in PAPER_NETWORKS:
        small = training_flops_per_sample(arch, "digits", default.width(arch))
        big = training_flops_per_sample(arch, "cifar10", paper.width(arch))
        ratio = epoch_flops(arch, "cifar10", paper.width(arch)) / epoch_flops(arch, "digits", default.width(arch))
        lines.append(f"| {arch} | {small / 1e9:.4f} | {big / 1e9:.2f} | {ratio:,.0f} |")
    lines += ["", "| dataset | network | random (3 ratios), GPU-hours | class-wise, GPU-hours |",
              "|---|---|---:|---:|"]
    total = 0.0
    for dataset in PAPER_DATASETS:
        for arch in PAPER_NETWORKS:
            hours = [gpu_hours(arch, dataset, scenario, gpu=gpu) for scenario in ("random", "class")]
            total += sum(hours)
            lines.append(f"| {dataset} | {arch} | {hours[0]:.0f} | {hours[1]:.0f} |")
    lines += [f"| **whole grid** | | **{total:.0f}** (both columns) | |", "",
              f"GPU-hours assume an {gpu.name} sustaining {gpu.utilisation:.0%} of its {gpu.peak_flops / 1e12:g} "
              f"TFLOP/s peak (the peak: {gpu.source}; the share: an assumption), {PAPER_SEEDS} seeds per table."]
    return "\n".join(lines) + "\n"


def measured_from_cache(folder: str | Path, setting: str = "resnet18", weight_bits: int = 4) -> dict:
    """Mean seconds per method (the paper's and the reference rows) of the cached default-profile
    random-forgetting cells in ``folder``.

    Reads every cell entry of the result cache (whatever code version wrote it) for the default
    profile's ``setting`` at ``weight_bits``; raises ValueError if there is none, or no Retrain.
    """
    seconds: dict[str, list] = {}
    for path in Path(folder).glob("*.json"):
        try:
            entry = json.loads(path.read_text())
            config, value = entry["config"], entry["value"]
        except (ValueError, KeyError, TypeError, OSError):
            continue
        if (isinstance(config, dict) and config.get("kind") == "cell" and config["profile"]["name"] == "default"
                and config["scenario"] == "random" and config["setting"]["arch"] == setting
                and config["setting"]["weight_bits"] == weight_bits
                and config["method"] in (*BASELINES, *PAPER_METHODS)):
            seconds.setdefault(config["method"], []).append(value["seconds"])
    if "retrain" not in seconds:
        raise ValueError(f"{folder} holds no default-profile random-forgetting Retrain cell of {setting}; "
                         f"run `python -m helpers.experiments table` first")
    return {method: round(sum(v) / len(v), 2) for method, v in seconds.items()}


__all__ = ["GPU", "Gpu", "MEASURED", "DATASETS", "training_flops_per_sample", "epoch_flops", "epoch_equivalents",
           "table_epochs", "gpu_hours", "cost_report", "measured_from_cache"]
