"""LSQ+ with its backward pass written out by hand: one autograd node per quantizer.

Every default-profile network trains with LSQ+ quantizers, thousands of steps per
chapter. Built from small differentiable pieces (``fake_quantize``, ``grad_scale``,
``abs``; see :class:`~helpers.quant.quantizers.LSQ`), one quantizer records about
fifteen tiny operations for autograd, and on these narrow networks dispatching them
costs more than the convolutions' arithmetic. The same gradients fit in a few lines.
With ``v = (x - beta) / s``, ``q = round(clamp(v, -Q_N, Q_P))`` and
``x^q = s * q + beta`` (OEU Eq. 1 with an offset):

- ``d x^q / d x    = 1`` where ``-Q_N <= v <= Q_P``, else 0      (the STE, OEU Eq. 3)
- ``d x^q / d s    = q - v`` inside the range, ``q`` (= ``-Q_N`` or ``Q_P``) outside   (LSQ)
- ``d x^q / d beta = 0`` inside the range, 1 outside                                   (LSQ+)

and LSQ's gradient scale ``g`` multiplies the step's and the offset's gradients. The
step used is ``|s| + 1e-8`` (see :func:`~helpers.quant.quantizers.step_size`), so the
step's gradient also carries ``sign(s)``. A test checks values and all three
gradients against the composition of small pieces.
"""
from __future__ import annotations

import torch


class LSQPlusFunction(torch.autograd.Function):
    """``lsq_plus(x, scale, offset, g, Q_N, Q_P)``; see the module docstring for the gradients.

    Written in the ``setup_context`` style, with ``generate_vmap_rule``, so that
    ``torch.func`` transforms work through it (IU's per-sample gradients use ``vmap``).
    The backward pass recomputes ``v`` and ``q``: three cheap elementwise operations."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x, scale, offset, g: float, Q_N: int, Q_P: int):
        step = scale.abs() + 1e-8
        return ((x - offset) / step).clamp(-Q_N, Q_P).round() * step + offset

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, scale, offset, g, Q_N, Q_P = inputs
        ctx.save_for_backward(x, scale, offset)
        ctx.g, ctx.bounds = g, (Q_N, Q_P)

    @staticmethod
    def backward(ctx, grad):
        x, scale, offset = ctx.saved_tensors
        Q_N, Q_P = ctx.bounds
        v = (x - offset) / (scale.abs() + 1e-8)
        q = v.clamp(-Q_N, Q_P).round()
        inside = (v >= -Q_N) & (v <= Q_P)
        grad_x = grad * inside if ctx.needs_input_grad[0] else None
        grad_scale = grad_offset = None
        if ctx.needs_input_grad[1]:
            grad_scale = ctx.g * torch.sign(scale) * (grad * (q - v * inside)).sum()
        if ctx.needs_input_grad[2]:
            grad_offset = ctx.g * (grad * ~inside).sum()
        return grad_x, grad_scale, grad_offset, None, None, None


def lsq_plus(x: torch.Tensor, scale: torch.Tensor, offset: torch.Tensor, g: float, Q_N: int, Q_P: int):
    """``|s| * round(clamp((x - beta) / |s|, -Q_N, Q_P)) + beta`` with LSQ+'s gradients (scaled by ``g``)."""
    return LSQPlusFunction.apply(x, scale, offset, g, Q_N, Q_P)
