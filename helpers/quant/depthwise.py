"""A depthwise convolution written as one small matrix per channel (for speed on a CPU).

MobileNetV2's depthwise 3x3 convolutions see feature maps of 8x8 down to 1x1 pixels
in the default profile. On such tiny maps the CPU library's depthwise *backward*
pass is very slow (about 25 ms per layer for a batch of 128 at 1x1 pixels), and it
took 70 % of a MobileNetV2 training step. The same convolution is, for each channel
``c``, a linear map from the ``h*w`` input pixels to the ``h'*w'`` output pixels:

    y[n, c] = M[c] @ x[n, c],      M[c] = sum over taps t of  weight[c, t] * S[t]

where ``S[t]`` is a fixed 0/1 matrix saying which input pixel tap ``t`` of the kernel
reads for each output pixel (zero padding simply leaves rows empty). Two batched
matrix products replace the convolution, and autograd differentiates them quickly.
The result equals ``F.conv2d(x, weight, stride=stride, padding=padding, groups=C)``
up to float rounding (a test checks it, values and gradients).
"""
from __future__ import annotations

from functools import lru_cache

import torch
from torch import nn

MAX_PIXELS = 64          # the matrices grow as (h*w)^2: use them only on small maps


@lru_cache(maxsize=None)
def tap_matrices(h: int, w: int, k: int, stride: int, padding: int,
                 device: torch.device = torch.device("cpu")) -> torch.Tensor:
    """``S`` of shape ``(k*k, h_out*w_out, h*w)``: ``S[t, o, i] = 1`` if tap ``t`` of output ``o`` reads input ``i``.

    Built once per shape on the CPU, then kept on ``device`` (the weights' device)."""
    h_out, w_out = (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1
    S = torch.zeros(k * k, h_out * w_out, h * w)
    for a in range(k):
        for b in range(k):
            for p in range(h_out):
                for q in range(w_out):
                    row, col = p * stride + a - padding, q * stride + b - padding
                    if 0 <= row < h and 0 <= col < w:
                        S[a * k + b, p * w_out + q, row * w + col] = 1.0
    return S.to(device)


def depthwise_conv2d(x: torch.Tensor, weight: torch.Tensor, stride: int = 1, padding: int = 1) -> torch.Tensor:
    """``F.conv2d(x, weight, stride=stride, padding=padding, groups=C)`` for ``weight`` (C, 1, k, k)."""
    N, C, h, w = x.shape
    k = weight.shape[-1]
    S = tap_matrices(h, w, k, stride, padding, weight.device).to(weight.dtype)
    M = torch.einsum("ct,toi->coi", weight.reshape(C, k * k), S)           # (C, h_out*w_out, h*w)
    y = torch.einsum("coi,nci->nco", M, x.reshape(N, C, h * w))
    h_out, w_out = (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1
    return y.reshape(N, C, h_out, w_out)


def uses_matrices(conv: nn.Conv2d, x: torch.Tensor) -> bool:
    """True for a plain depthwise convolution (one channel per group) on a map of at most MAX_PIXELS."""
    square = conv.kernel_size[0] == conv.kernel_size[1] and conv.stride[0] == conv.stride[1]
    return (conv.groups > 1 and conv.groups == conv.in_channels == conv.out_channels and square
            and conv.padding[0] == conv.padding[1] and conv.dilation == (1, 1) and conv.padding_mode == "zeros"
            and x.shape[-2] * x.shape[-1] <= MAX_PIXELS)
