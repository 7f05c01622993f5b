"""The two functions every quantizer is built from: rounding with a
straight-through gradient, and the fake-quantize of OEU Eq. (1) / Eq. (3).

    x^q = s * round( clamp(x / s, -Q_N, Q_P) )                         Eq. (1)

    dL/dx = dL/dx^q   if x / s in [-Q_N, Q_P],   0 otherwise            Eq. (3)

For ``n``-bit signed integers ``Q_N = 2^(n-1)`` and ``Q_P = 2^(n-1) - 1``;
for unsigned ones ``Q_N = 0`` and ``Q_P = 2^n - 1``.
"""
from __future__ import annotations

import torch


def ste_round(x: torch.Tensor) -> torch.Tensor:
    """Round to the nearest integer in the forward pass, identity in the backward pass (chapter 1, ``ch1-ste``).

    The straight-through estimator (Bengio et al., 2013): ``round`` has zero
    gradient almost everywhere, so we pretend it is the identity. The trick is
    ``x + (round(x) - x).detach()``: its value is ``round(x)``, its gradient 1.
    """
    return x + (torch.round(x) - x).detach()


def int_range(bits: int, signed: bool = True) -> tuple[int, int]:
    """``(Q_N, Q_P)`` of Eq. (1): the integers are ``-Q_N .. Q_P``.

    >>> int_range(4)
    (8, 7)
    >>> int_range(2, signed=False)
    (0, 3)
    """
    check_bits(bits)
    if signed:
        return 2 ** (bits - 1), 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1


def check_bits(bits) -> None:
    """Raise a clear error unless ``bits`` is an integer >= 1."""
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 1:
        raise ValueError(f"bits must be an integer >= 1 (or None for full precision), got {bits!r}")


def fake_quantize(x: torch.Tensor, scale: torch.Tensor | float, bits: int, signed: bool = True) -> torch.Tensor:
    """Quantize then de-quantize ``x`` with step ``scale``: OEU Eq. (1) forward, Eq. (3) backward
    (chapter 1, equations ``ch1-quantizer`` and ``ch1-ste``).

    The result takes at most ``2^bits`` distinct values ``scale * k`` with
    integer ``k`` in ``[-Q_N, Q_P]``. Gradients flow straight through the
    rounding (``ste_round``) and are zero where the clamp is active, exactly
    as Eq. (3) prescribes. If ``scale`` is a tensor that requires grad, it
    receives the LSQ step-size gradient ``round(v) - v`` inside the range and
    ``-Q_N`` or ``Q_P`` outside it (Esser et al., 2020, Eq. 3).
    """
    Q_N, Q_P = int_range(bits, signed)
    v = torch.clamp(x / scale, -Q_N, Q_P)   # clamp's gradient is 0 outside the range: Eq. (3)
    return ste_round(v) * scale


def grad_scale(x: torch.Tensor, factor: float) -> torch.Tensor:
    """Value of ``x``, gradient multiplied by ``factor`` (LSQ's step-size gradient scale)."""
    return (x - x * factor).detach() + x * factor
