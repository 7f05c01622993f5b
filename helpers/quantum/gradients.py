"""Parameter-shift gradients (DG paper, Eq. 5; chapter 6, equations ``ch6-trig`` and ``ch6-parameter-shift``).

Every weight θ_i enters the circuit through exactly one rotation ``exp(-i θ_i P / 2)``
with a Pauli ``P`` (Ry or Rz). For such a gate every expectation value is a
sinusoid in θ_i, ``f(θ_i) = a + b cos θ_i + c sin θ_i``, and therefore

    ∂f/∂θ_i = [ f(θ + π/2 e_i) - f(θ - π/2 e_i) ] / 2         (Eq. 5)

*exactly*, not as a finite difference: two circuit runs per weight, which is how
gradients are obtained on quantum hardware. The paper writes Eq. (5) for the loss
L(w); strictly it holds for the circuit's expectations ⟨Z_k⟩, and the loss
gradient follows by the chain rule through the softmax and the cross-entropy
(classical, cheap). :func:`shift_rule_on_loss` applies Eq. (5) to L literally so
that the chapter can show the difference.

:class:`ShiftedExpectations` wires the rule into torch autograd: the forward pass
runs any engine (even Aer, which knows nothing of gradients), the backward pass
runs the 2 x 72 shifted circuits of every sample in one batch.

On a :class:`~helpers.quantum.device.Device` with shots (``engine="aer"`` or ``"sampled"``), every
expectation of Eq. (5) is itself an estimate from ``shots`` measurements: the gradient a device
would compute, unbiased but noisy. All 144 x B shifted circuits of a batch go to the engine in ONE
call, with their own shots (seed ``derive_seed(device.seed, "device", 1)``, not the forward pass's).
"""
from __future__ import annotations

import math
from dataclasses import replace

import torch

from ..seeds import derive_seed
from . import sampled
from .circuit import N_PARAMS
from .device import Device
from .engines import check_engine, check_inputs, expectations

SHIFT = math.pi / 2


def shifted_thetas(theta: torch.Tensor, shift: float = SHIFT) -> torch.Tensor:
    """``θ + shift e_i`` for i = 0..71, then ``θ - shift e_i``: (144, 72)."""
    eye = torch.eye(N_PARAMS, dtype=torch.float64)
    return torch.cat([theta + shift * eye, theta - shift * eye])


def parameter_shift_jacobian(theta, X, engine: str = "torch", device: Device | None = None) -> torch.Tensor:
    """∂⟨Z_k⟩/∂θ_i for every input by the paper's Eq. (5), the parameter-shift rule (chapter 6,
    equation ``ch6-parameter-shift``): (B, 3, 72). 144 circuit evaluations per input, all in one
    engine call (on ``device``: estimates from its shots)."""
    theta, X = check_inputs(theta, X)
    if theta.dim() != 1:
        raise ValueError(f"theta must have shape ({N_PARAMS},) here; got {tuple(theta.shape)}")
    if engine == "sampled":                        # the same 144 circuits, from shared prefixes and suffixes
        check_engine(engine, device)
        values = sampled.shifted_expectations(theta[None], X, device.shots, torch.Generator().manual_seed(device.seed))[0]
    else:
        values = expectations(shifted_thetas(theta.detach()), X, engine=engine, device=device)    # (144, B, 3)
    plus, minus = values[:N_PARAMS], values[N_PARAMS:]
    return ((plus - minus) / 2).permute(1, 2, 0)


class ShiftedExpectations(torch.autograd.Function):
    """``expectations(theta, X, engine, device)`` whose backward pass is the parameter-shift rule."""

    @staticmethod
    def forward(ctx, theta, X, engine, device):
        ctx.save_for_backward(theta, X)
        ctx.engine, ctx.device = engine, device
        return expectations(theta.detach(), X, engine=engine, device=device)

    @staticmethod
    def backward(ctx, grad_out):                     # grad_out: (B, 3) = ∂loss/∂⟨Z⟩
        theta, X = ctx.saved_tensors
        device = None if ctx.device is None else replace(ctx.device, seed=derive_seed(ctx.device.seed, "device", 1))
        jac = parameter_shift_jacobian(theta, X, ctx.engine, device)           # (B, 3, 72), shots of their own
        return torch.einsum("bk,bki->i", grad_out, jac), None, None, None


def logits(theta, X, engine: str = "torch", gradient: str = "autograd", device: Device | None = None) -> torch.Tensor:
    """The three logits ⟨Z_3⟩, ⟨Z_4⟩, ⟨Z_5⟩ (B, 3), differentiable in ``theta``.

    ``gradient="autograd"`` backpropagates through the torch simulator (torch engine
    only); ``"parameter-shift"`` uses Eq. (5) and works with every engine. Both give the
    same gradient to rounding error (see ``tests/test_quantum_gradients.py``). ``device``
    (Aer or sampled engine): forward and gradient from its shots (and, on Aer, its noise)."""
    check_engine(engine, device)
    if gradient == "autograd":
        if engine != "torch":
            raise ValueError(f"gradient='autograd' needs engine='torch' (got {engine!r}); "
                             "use gradient='parameter-shift' with other engines")
        return expectations(theta, X, engine="torch")
    if gradient == "parameter-shift":
        theta, X = check_inputs(theta, X)
        return ShiftedExpectations.apply(theta, X, engine, device)
    raise ValueError(f"unknown gradient {gradient!r}; choose 'autograd' or 'parameter-shift'")


def shift_rule_on_loss(loss_fn, theta, shift: float = SHIFT) -> torch.Tensor:
    """Eq. (5) taken literally on a scalar loss: ``[L(θ + π/2 e_i) - L(θ - π/2 e_i)] / 2`` (72,).

    ``loss_fn(theta)`` must accept a (72,) tensor. This is *not* the gradient of L when L
    is a nonlinear function of the expectations (softmax, log); it is shown for contrast."""
    theta = torch.as_tensor(theta, dtype=torch.float64)
    return torch.stack([(loss_fn(t_plus) - loss_fn(t_minus)) / 2
                        for t_plus, t_minus in zip(*shifted_thetas(theta, shift).split(N_PARAMS))])
