"""Fake-quantizer modules: LSQ, LSQ+, PACT (with DoReFa weights) and DSQ.

Each is a ``torch.nn.Module`` in the manner of
``torch.ao.quantization.FakeQuantize``: the forward pass returns a tensor of
the input's shape whose values lie on a ``2^bits``-level grid, the backward
pass uses a straight-through estimator (OEU Eq. 3). Learnable ranges are
initialised from the first tensor the module sees (weights, or the first
batch of activations), recorded in the ``initialized`` buffer; :meth:`Quantizer.reset_range`
forgets it (Retrain's fresh start).

``kind`` is ``"weight"`` or ``"activation"``. Weights are always signed; an
activation quantizer decides at initialisation whether its input is signed
(e.g. a normalised image) or not (the output of a ReLU).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .functional import check_bits, fake_quantize, grad_scale, int_range, ste_round
from .fused import lsq_plus

KINDS = ("weight", "activation")


class Quantizer(nn.Module):
    """Common plumbing: bits, kind, lazy initialisation, enable/disable, reset, repr.

    The quantizer's state is held in buffers, like torch.ao's ``FakeQuantize``
    (``fake_quant_enabled``, ``observer_enabled``), so that ``state_dict``,
    ``load_state_dict``, ``deepcopy`` and ``.to(device)`` carry it:

    - ``enabled``: False makes the quantizer the identity (full precision);
    - ``initialized``: the range has been set from the first tensor seen;
    - ``sign_mode``: 1 signed grid, 0 unsigned, -1 (``AUTO``) decided on first use.
    """

    name = "quantizer"
    AUTO = -1

    def __init__(self, bits: int, kind: str = "weight"):
        super().__init__()
        check_bits(bits)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self.bits = bits
        self.kind = kind
        self.register_buffer("enabled", torch.tensor(True))
        self.register_buffer("initialized", torch.tensor(False))
        self.register_buffer("sign_mode", torch.tensor(self.initial_sign_mode(), dtype=torch.int8))

    def initial_sign_mode(self) -> int:
        """Weights are signed; an activation's sign is decided on its first batch (``AUTO``)."""
        return 1 if self.kind == "weight" else self.AUTO

    @property
    def signed(self) -> bool:
        return bool(self.sign_mode == 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.enabled:
            return x
        if not self.initialized:
            with torch.no_grad():
                if self.sign_mode == self.AUTO:
                    self.sign_mode.fill_(int(bool((x < 0).any())))
                self.initialize(x.detach())
            self.initialized.fill_(True)
        return self.quantize(x)

    def enable(self) -> "Quantizer":
        self.enabled.fill_(True)
        return self

    def disable(self) -> "Quantizer":
        """Turn the quantizer into the identity (full precision), like ``disable_fake_quant``."""
        self.enabled.fill_(False)
        return self

    def reset_range(self) -> "Quantizer":
        """Forget the range learned so far: mark the quantizer uninitialised (its next input sets the range
        again, as on a new model) and give the sign back to its initial mode (``AUTO`` for activations)."""
        self.initialized.fill_(False)
        self.sign_mode.fill_(self.initial_sign_mode())
        return self

    def int_range(self) -> tuple[int, int]:
        return int_range(self.bits, self.signed)

    def grad_factor(self, x: torch.Tensor) -> float:
        """LSQ's gradient scale ``g = 1 / sqrt(N * Q_P)``; N = elements per weight tensor / per sample."""
        n = x.numel() if self.kind == "weight" else x[0].numel()
        return 1.0 / math.sqrt(n * max(self.int_range()[1], 1))

    def initialize(self, x: torch.Tensor) -> None:
        raise NotImplementedError

    def quantize(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def extra_repr(self) -> str:
        sign = "signed" if self.sign_mode == 1 else "unsigned" if self.sign_mode == 0 else "sign=auto"
        return f"bits={self.bits}, kind={self.kind}, {sign}, enabled={bool(self.enabled)}"


def step_size(scale: torch.Tensor, g: float) -> torch.Tensor:
    """The step LSQ uses: ``|scale|`` with its gradient multiplied by ``g``.

    Taking the absolute value (rather than clamping at a tiny positive number)
    matters in practice: an SGD step can push a small step size, e.g. of an
    8-bit last layer, below zero; a clamp would then freeze it at ~0, zero
    every weight of the layer and kill the network, while ``|s|`` keeps learning.

    Only :class:`LSQ` calls this function. :class:`LSQPlus` (the OEU paper's
    default, every quantizer of ``resnet18-w4a4``) calls the fused
    :func:`~helpers.quant.fused.lsq_plus`, which takes the same ``|s| + 1e-8``;
    chapter 1 (Sec. 1.6 and exercise ``ch1-ex-collapse``) patches the name
    ``lsq_plus`` of this module to show the clamp's collapse.
    """
    return grad_scale(scale, g).abs() + 1e-8


class LSQ(Quantizer):
    """Learned Step size Quantization (Esser et al., 2020).

        x^q = s * round( clamp(x / s, -Q_N, Q_P) )        (OEU Eq. 1)

    The step ``s`` is a parameter trained by the STE gradient, scaled by
    ``g = 1 / sqrt(N * Q_P)``; it starts at ``2 * mean|x| / sqrt(Q_P)``.
    """

    name = "LSQ"

    def __init__(self, bits: int, kind: str = "weight"):
        super().__init__(bits, kind)
        self.scale = nn.Parameter(torch.tensor(1.0))

    def initialize(self, x):
        Q_P = max(self.int_range()[1], 1)
        self.scale.fill_(max(2 * x.abs().mean().item() / math.sqrt(Q_P), 1e-8))

    def quantize(self, x):
        s = step_size(self.scale, self.grad_factor(x))
        return fake_quantize(x, s, self.bits, self.signed)

    def extra_repr(self):
        return super().extra_repr() + f", scale={self.scale.item():.4g}"


class LSQPlus(Quantizer):
    """LSQ+ (Bhalgat et al., 2020): LSQ with a learnable offset for activations.

    Activations use an asymmetric grid ``x^q = s * round(clamp((x - beta) / s, 0, 2^b - 1)) + beta``
    with ``s = (max - min) / (2^b - 1)`` and ``beta = min`` at initialisation.
    Weights stay symmetric (no offset), with
    ``s = max(|mu - 3 sigma|, |mu + 3 sigma|) / 2^(b-1)`` at initialisation.
    Both ``s`` and ``beta`` get LSQ's gradient scale.
    """

    name = "LSQ+"

    def __init__(self, bits: int, kind: str = "weight"):
        super().__init__(bits, kind)
        self.scale = nn.Parameter(torch.tensor(1.0))
        self.offset = nn.Parameter(torch.tensor(0.0), requires_grad=(kind == "activation"))

    def initial_sign_mode(self) -> int:
        """Activations: the offset absorbs the sign, so their grid is always unsigned (0)."""
        return 1 if self.kind == "weight" else 0

    def initialize(self, x):
        if self.kind == "weight":
            mu, sigma = x.mean().item(), x.std().item()
            s = max(abs(mu - 3 * sigma), abs(mu + 3 * sigma)) / 2 ** (self.bits - 1)
        else:
            lo, hi = x.min().item(), x.max().item()
            s = (hi - lo) / (2 ** self.bits - 1)
            self.offset.fill_(lo)
        self.scale.fill_(max(s, 1e-8))

    def quantize(self, x):
        # = fake_quantize(x - beta, step_size(scale, g), bits, signed) + beta with beta = grad_scale(offset, g),
        # as one autograd node (helpers.quant.fused): this quantizer runs thousands of times per chapter.
        # The name lsq_plus is looked up in this module at each call, so patching
        # helpers.quant.quantizers.lsq_plus changes every LSQ+ quantizer (chapter 1's collapse exercise).
        Q_N, Q_P = self.int_range()
        return lsq_plus(x, self.scale, self.offset, self.grad_factor(x), Q_N, Q_P)

    def extra_repr(self):
        return super().extra_repr() + f", scale={self.scale.item():.4g}, offset={self.offset.item():.4g}"


class PACT(Quantizer):
    """PArameterized Clipping acTivation (Choi et al., 2018), for activations.

        y = clamp(x, 0, alpha);   y^q = round(y * (2^b - 1) / alpha) * alpha / (2^b - 1)

    The whole quantizer is straight-through (``dy^q/dy = 1``), so the learned
    clipping level gets ``dy^q/dalpha = 1`` where ``x >= alpha`` and 0 elsewhere.
    A signed input is clipped to ``[-alpha, alpha]`` instead (our extension: PACT
    was designed for ReLU outputs). ``alpha`` starts at the largest magnitude of
    the first batch.
    """

    name = "PACT"

    def __init__(self, bits: int, kind: str = "activation"):
        if kind != "activation":
            raise ValueError("PACT quantizes activations; use DoReFa for weights")
        super().__init__(bits, kind)
        self.alpha = nn.Parameter(torch.tensor(1.0))

    def initialize(self, x):
        self.alpha.fill_(max(x.abs().max().item(), 1e-3))

    def quantize(self, x):
        alpha = self.alpha.abs() + 1e-8
        lo = -alpha if self.signed else torch.zeros_like(alpha)
        y = torch.minimum(torch.maximum(x, lo), alpha)         # clip: gradient 1 to alpha above it
        step = (alpha - lo) / (2 ** self.bits - 1)
        y_q = torch.round((y - lo) / step) * step + lo
        return y + (y_q - y).detach()

    def extra_repr(self):
        return super().extra_repr() + f", alpha={self.alpha.item():.4g}"


class DoReFa(Quantizer):
    """DoReFa weight quantizer (Zhou et al., 2016), the weight half of PACT.

        w_t = tanh(w) / max|tanh(w)|;   w^q = 2 * round_b((w_t + 1) / 2) - 1,
        round_b(v) = round(v * (2^b - 1)) / (2^b - 1)   (straight-through)

    No learnable parameter; values lie in ``[-1, 1]`` on ``2^b`` levels.
    """

    name = "DoReFa"

    def __init__(self, bits: int, kind: str = "weight"):
        if kind != "weight":
            raise ValueError("DoReFa quantizes weights; use PACT for activations")
        super().__init__(bits, kind)

    def initialize(self, x):
        pass

    def quantize(self, x):
        w = torch.tanh(x)
        w = w / (w.abs().max().detach() + 1e-12)
        n = 2 ** self.bits - 1
        return 2 * (ste_round((w + 1) / 2 * n) / n) - 1


class DSQ(Quantizer):
    """Differentiable Soft Quantization (Gong et al., 2019).

    Range ``[l, u]`` cut into ``2^b - 1`` intervals of width ``Delta``. Inside
    interval ``i`` with centre ``m_i`` the soft staircase is

        phi(x) = s * tanh(k (x - m_i)),   k = log(2/alpha - 1) / Delta,   s = 1 / tanh(k Delta / 2)
        Q_S(x) = l + Delta * (i + (phi(x) + 1) / 2)

    The forward pass returns the hard grid value ``l + Delta * round((x - l) / Delta)``;
    the backward pass uses the gradient of ``Q_S``, a tanh-shaped surrogate whose
    slope peaks at the jumps between levels. ``alpha`` sets how sharp it is: as
    ``alpha -> 0`` it approaches the true staircase (gradient concentrated at the
    jumps), while larger values (kept below 0.5 here) flatten it toward the STE's
    constant slope. ``l``, ``u`` and ``alpha`` are learned; ``l``/``u`` start at the
    first tensor's min/max and ``alpha`` at its initial value (again after
    :meth:`reset_range`, so Retrain starts from a fresh sharpness too).

    Their gradients are scaled by LSQ's ``g = 1 / sqrt(N * Q_P)`` (our addition; DSQ's
    paper does not say how it trains them). Without it, ``l`` and ``u`` take steps as
    large as the weights' while ``u - l`` is a fraction of one: at the book's learning
    rate a weight range could slide entirely below zero within ten SGD steps, every
    weight of the layer clipped to one negative value, and the network never learned.
    """

    name = "DSQ"

    def __init__(self, bits: int, kind: str = "weight", alpha: float = 0.2):
        super().__init__(bits, kind)
        self.lower = nn.Parameter(torch.tensor(-1.0))
        self.upper = nn.Parameter(torch.tensor(1.0))
        self.initial_alpha = float(alpha)
        self.alpha = nn.Parameter(torch.tensor(self.initial_alpha))

    def initialize(self, x):
        lo, hi = x.min().item(), x.max().item()
        self.lower.fill_(lo)
        self.upper.fill_(max(hi, lo + 1e-3))
        self.alpha.fill_(self.initial_alpha)

    def quantize(self, x):
        n = 2 ** self.bits - 1                                   # number of intervals
        g = self.grad_factor(x)                                  # LSQ's gradient scale, see the class docstring
        lower, upper = grad_scale(self.lower, g), grad_scale(self.upper, g)
        lo, hi = lower, torch.maximum(upper, lower + 1e-3)
        delta = (hi - lo) / n
        xc = torch.minimum(torch.maximum(x, lo), hi)
        t = (xc - lo) / delta                                    # position on the grid, in [0, n]
        i = torch.floor(t).clamp(0, n - 1).detach()              # interval index
        centre = lo + (i + 0.5) * delta
        alpha = grad_scale(self.alpha, g).clamp(1e-4, 0.5 - 1e-4)
        k = torch.log(2 / alpha - 1) / delta
        s = 1 / torch.tanh(0.5 * k * delta)
        soft = lo + delta * (i + (s * torch.tanh(k * (xc - centre)) + 1) / 2)
        hard = lo + delta * torch.round(t)
        return soft + (hard - soft).detach()

    def extra_repr(self):
        return (super().extra_repr() + f", lower={self.lower.item():.4g}, upper={self.upper.item():.4g}, "
                f"alpha={self.alpha.item():.3g}")
