"""The book's figures. Each function draws one figure and returns its ``matplotlib`` Figure."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from ..quant import fake_quantize, int_range
from .style import styled


def forward_and_gradient(fn, x: torch.Tensor):
    """``fn(x)`` and ``d fn(x) / dx`` elementwise (via autograd), as NumPy arrays."""
    x = x.detach().clone().requires_grad_()
    y = fn(x)
    (grad,) = torch.autograd.grad(y.sum(), x)
    return y.detach().numpy(), grad.numpy()


@styled
def plot_staircase(bits_list=(2, 3), scale: float = 0.5, x_range=(-3.0, 3.0)):
    """Eq. (1) as a staircase for several bit widths (left) and its STE gradient, Eq. (3) (right)."""
    x = torch.linspace(*x_range, 1201)
    fig, (ax_f, ax_b) = plt.subplots(1, 2, figsize=(11, 4))
    ax_f.plot(x, x, color="0.7", ls="--", label="identity")
    for bits in bits_list:
        y, g = forward_and_gradient(lambda t, b=bits: fake_quantize(t, scale, b), x)
        Q_N, Q_P = int_range(bits)
        ax_f.plot(x, y, label=f"{bits}-bit: {2 ** bits} levels in [{-Q_N * scale:g}, {Q_P * scale:g}]")
        offset = 0.02 * bits                                         # so the two boxes do not overlap
        ax_b.plot(x, g + offset, label=f"{bits}-bit (drawn {offset:+.2f})")
    ax_f.set(title=r"Forward, Eq. (1): $x^q = s\,\lfloor \mathrm{clamp}(x/s, -Q_N, Q_P) \rceil$",
             xlabel="$x^r$", ylabel="$x^q$")
    ax_b.set(title=r"Backward, Eq. (3): $\partial x^q / \partial x^r$ (STE)", xlabel="$x^r$",
             ylabel="gradient", ylim=(-0.1, 1.2))
    ax_f.legend(fontsize=9)
    ax_b.legend(fontsize=9)
    fig.tight_layout()
    return fig


@styled
def plot_quantizer_curves(quantizers: dict, x: torch.Tensor):
    """Forward curve and input gradient of each quantizer module (a dict name -> module)."""
    fig, axes = plt.subplots(2, len(quantizers), figsize=(3.2 * len(quantizers), 5.6), sharex=True)
    for col, (name, q) in enumerate(quantizers.items()):
        y, g = forward_and_gradient(q, x)
        axes[0, col].plot(x, x, color="0.75", ls="--")
        axes[0, col].plot(x, y, color=f"C{col}")
        axes[1, col].plot(x, g, color=f"C{col}")
        axes[0, col].set_title(name)
        axes[1, col].set_xlabel("input $x$")
    axes[0, 0].set_ylabel("forward $q(x)$")
    axes[1, 0].set_ylabel(r"backward $\partial q / \partial x$")
    fig.tight_layout()
    return fig


@styled
def plot_training_curves(histories: dict):
    """Training loss per epoch for each named run."""
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for name, losses in histories.items():
        ax.plot(np.arange(1, len(losses) + 1), losses, marker="o", ms=3, label=name)
    ax.set(xlabel="epoch", ylabel="training loss (cross-entropy)", yscale="log", title="Training on digits")
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


@styled
def plot_weight_levels(layers: dict):
    """Histogram of the float weights of each layer with its quantized levels marked.

    ``layers`` maps a title to a quantized layer (``QuantConv2d`` / ``QuantLinear``).
    """
    fig, axes = plt.subplots(1, len(layers), figsize=(5.5 * len(layers), 3.8))
    for ax, (title, layer) in zip(np.atleast_1d(axes), layers.items()):
        with torch.no_grad():
            w = layer.weight.flatten().numpy()
            levels, counts = layer.effective_weight().flatten().unique(return_counts=True)
        ax.hist(w, bins=80, color="0.6", label="float weights $w^r$")
        ax2 = ax.twinx()
        ax2.vlines(levels.numpy(), 0, counts.numpy(), color="C3", lw=3, label="quantized $w^q$ (count)")
        ax2.grid(False)
        ax2.set_ylim(bottom=0)
        ax.set(title=f"{title}: {len(levels)} distinct values", xlabel="weight value", ylabel="float weights")
        ax2.set_ylabel("quantized weights", color="C3")
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        ax.legend(handles=handles, fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
