"""The variational quantum classifier as a torch module (paper, Sec. 4; chapters 6-7).

:class:`VQC` holds the 72 circuit weights ``theta`` as one :class:`~torch.nn.Parameter` and
returns the three logits ⟨Z_3⟩, ⟨Z_4⟩, ⟨Z_5⟩ through the chosen engine and gradient rule
(:func:`helpers.quantum.gradients.logits`), so that the unlearning core handles it like any
other model (``unlearn("dg", VQC(theta=...), task, seed=s)``).

>>> VQC(seed=0)
VQC(engine='torch', gradient='autograd')
"""
from __future__ import annotations

from dataclasses import replace

import torch
from torch import nn

from ..seeds import derive_seed
from .circuit import N_CLASSES, N_PARAMS
from .device import Device
from .engines import check_engine
from .gradients import logits


def init_theta(seed: int, std: float = 0.1) -> torch.Tensor:
    """Small Gaussian initialisation: θ ~ N(0, std²), 72 weights."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(N_PARAMS, generator=g, dtype=torch.float64) * std


class VQC(nn.Module):
    """The six-qubit classifier: ``forward(X) -> logits`` (B, 3) of inputs ``X`` (B, 4).

    ``theta`` gives the weights (copied), else they start from ``init_theta(seed, std)``.
    ``engine`` (``"torch"``, ``"aer"``, ``"reference"``, ``"sampled"``) runs the circuit; ``gradient``
    (``"autograd"`` or ``"parameter-shift"``, Eq. 5) differentiates it. ``device``
    (:class:`~helpers.quantum.device.Device`) runs it with shots and noise on Aer,
    ``VQC(engine="aer", gradient="parameter-shift", device=Device(shots=1024))``, or with shots
    drawn from the exact outcome distribution, ``engine="sampled"``. As on a device, every
    forward pass is a new run with new shots: its seed is ``derive_seed(device.seed, "device", r)``,
    ``r`` drawn from torch's global generator (reproducible after ``torch.manual_seed``, which
    :func:`helpers.unlearn.unlearn` sets for its run)."""

    num_classes = N_CLASSES

    def __init__(self, theta=None, *, seed: int = 0, std: float = 0.1, engine: str = "torch",
                 gradient: str = "autograd", device: Device | None = None):
        super().__init__()
        check_engine(engine, device)
        start = init_theta(seed, std) if theta is None else torch.as_tensor(theta, dtype=torch.float64)
        if start.shape != (N_PARAMS,):
            raise ValueError(f"theta must have shape ({N_PARAMS},); got {tuple(start.shape)}")
        self.theta = nn.Parameter(start.detach().clone())
        self.engine, self.gradient, self.device = engine, gradient, device

    def forward(self, X) -> torch.Tensor:
        return logits(self.theta, X, self.engine, self.gradient, self.run_device())

    def run_device(self) -> Device | None:
        """The device of one forward pass: ``self.device`` with a fresh seed (new shots every run)."""
        if self.device is None:
            return None
        run = int(torch.randint(2 ** 31 - 1, ()))
        return replace(self.device, seed=derive_seed(self.device.seed, "device", run))

    def extra_repr(self) -> str:
        device = "" if self.device is None else f", device={self.device!r}"
        return f"engine={self.engine!r}, gradient={self.gradient!r}{device}"
