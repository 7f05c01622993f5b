"""Run profiles: ``default`` (embedded data, CPU, seconds per model) and ``paper`` (OEU Sec. 5.1, GPU).

The paper profile needs a CUDA GPU; without one it stops with a ValueError
(:meth:`Profile.check_device`) rather than silently running for days on the CPU.
Its unlearning hyper-parameters are OEU App. A.6's (the ``"paper"`` section of
:mod:`helpers.experiments`' ``hparams.json``).

A profile fixes the dataset, the network width and the training recipe; a
:class:`QuantSetting` fixes a network and how it is quantized. The paper's two
settings are ResNet-18 with 4-bit weights and activations (LSQ+) and
MobileNetV2 with 2-bit weights and full-precision activations.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import nn

from .models import build_model
from .quant import quantize_model
from .train import seed_everything, train


@dataclass(frozen=True)
class QuantSetting:
    """A network and its quantization: ``None`` bits mean full precision."""

    arch: str
    weight_bits: int | None
    act_bits: int | None
    method: str = "lsq+"
    first_last_bits: int | None = 8

    @property
    def label(self) -> str:
        w = "FP" if self.weight_bits is None else f"W{self.weight_bits}"
        a = "FP" if self.act_bits is None else f"A{self.act_bits}"
        return f"{self.arch} {w}/{a}" + ("" if self.weight_bits is None and self.act_bits is None
                                         else f" ({self.method.upper()})")


SETTINGS = {
    "resnet18-fp": QuantSetting("resnet18", None, None),
    "resnet18-w4a4": QuantSetting("resnet18", 4, 4, "lsq+"),
    "mobilenet_v2-fp": QuantSetting("mobilenet_v2", None, None),
    "mobilenet_v2-w2": QuantSetting("mobilenet_v2", 2, None, "lsq+"),
}


@dataclass(frozen=True)
class Profile:
    """Everything a chapter needs to know to train its models."""

    name: str
    dataset: str
    widths: dict          # architecture -> width multiplier
    epochs: int
    retrain_epochs: int
    batch_size: int
    lr: float
    momentum: float = 0.9
    weight_decay: float = 5e-4
    augment: bool = False
    device: str = "cpu"
    mixed_precision: bool = False     # torch.autocast (bfloat16) in training: a GPU option, untested here
    compile: bool = False             # torch.compile the training forward: a GPU option, untested here
    progress: bool = False            # progress bars (with ETA) while training originals and Retrain

    def width(self, arch: str) -> float:
        """Width multiplier of ``arch`` in this profile."""
        if arch not in self.widths:
            raise ValueError(f"profile {self.name!r} has no width for {arch!r}; it knows {sorted(self.widths)}")
        return self.widths[arch]

    def check_device(self) -> "Profile":
        """The profile itself if its device exists here; else a ValueError saying what to do.

        There is no silent fallback: the paper profile on a machine without a GPU stops with
        this error, and runs on the CPU (very slowly) only if asked, ``profile.with_(device="cpu")``.
        """
        if torch.device(self.device).type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"the {self.name} profile asks for a GPU (device={self.device!r}); none is available: "
                             f"use profile='default', or get_profile({self.name!r}).with_(device='cpu') to run it "
                             f"on the CPU (slow: days per table)")
        return self

    def with_(self, **changes) -> "Profile":
        """A copy with some fields changed, e.g. ``profile.with_(epochs=5)``."""
        return replace(self, **changes)


PROFILES = {
    # Seconds per model on a 2-core CPU: scikit-learn's digits, narrow networks, batches of 128.
    # ResNet-18 at 1/8 width (8 to 64 channels) still reaches 95-98 % test accuracy, and it is
    # cheap enough that the OEU paper's Table 1 (81 unlearning runs) computes in minutes.
    # MobileNetV2 is kept at half width: at quarter width its 1x1 convolutions read only 4
    # channels, and with 2-bit weights it loses clearly more test accuracy than at half width.
    "default": Profile(name="default", dataset="digits", widths={"resnet18": 0.125, "mobilenet_v2": 0.5},
                       epochs=8, retrain_epochs=8, batch_size=128, lr=0.05),
    # OEU Sec. 5.1: CIFAR-10, full width, 182 epochs (Retrain 160), batch 256, SGD lr 0.1 cosine; hours per
    # model on a GPU, so its training shows progress bars. Mixed precision and torch.compile are options
    # (profile.with_(mixed_precision=True, compile=True)), off as in the paper and untested without a GPU.
    "paper": Profile(name="paper", dataset="cifar10", widths={"resnet18": 1.0, "mobilenet_v2": 1.0}, epochs=182,
                     retrain_epochs=160, batch_size=256, lr=0.1, augment=True, device="cuda", progress=True),
}


def get_profile(name: str = "default") -> Profile:
    """The profile called ``name`` (``"default"`` or ``"paper"``)."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; choose one of {sorted(PROFILES)}")
    return PROFILES[name]


def get_setting(name: str) -> QuantSetting:
    """A named network + quantization setting, e.g. ``"resnet18-w4a4"``."""
    if name not in SETTINGS:
        raise ValueError(f"unknown setting {name!r}; choose one of {sorted(SETTINGS)}")
    return SETTINGS[name]


def build_quantized(setting: QuantSetting | str, num_classes: int, in_channels: int,
                    width: float = 1.0) -> nn.Module:
    """Build ``setting.arch`` and make it quantization-aware as ``setting`` says."""
    if isinstance(setting, str):
        setting = get_setting(setting)
    model = build_model(setting.arch, num_classes, in_channels, width)
    return quantize_model(model, setting.weight_bits, setting.act_bits, setting.method,
                          setting.first_last_bits)


def train_setting(setting: QuantSetting | str, data, profile: Profile, *, seed: int = 0,
                  epochs: int | None = None, progress: bool = True):
    """Build ``setting``, then train it on ``data.train`` with ``profile``'s recipe, on its device.

    Returns ``(model, history)`` where ``history`` holds the mean training loss of each epoch.
    The seed fixes the initial weights as well as the training order. ``progress`` or the
    profile's own ``progress`` shows a bar; a device the machine lacks is a ValueError
    (:meth:`Profile.check_device`).
    """
    if isinstance(setting, str):
        setting = get_setting(setting)
    profile.check_device()
    seed_everything(seed)
    model = build_quantized(setting, data.num_classes, data.in_channels, profile.width(setting.arch))
    history = train(model, data.train, epochs or profile.epochs, profile.lr, batch_size=profile.batch_size,
                    momentum=profile.momentum, weight_decay=profile.weight_decay, seed=seed,
                    device=profile.device, progress=progress or profile.progress, desc=setting.label,
                    mixed_precision=profile.mixed_precision, compile=profile.compile)
    return model, history
