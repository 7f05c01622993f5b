"""IU: influence unlearning with the WoodFisher inverse-Hessian approximation.

Following Izzo et al. (2021) and the code of Jia et al. (2023) that SalUn and
the OEU paper use: the influence of removing D_f is a Newton step

    theta_u = theta + alpha * H^-1 (n_f / n) (g_f_mean - g_r_mean),   n = n_f + n_r

with ``H`` the empirical Fisher of D_r, whose inverse-vector product is built
by rank-one (Sherman-Morrison) updates over per-sample retain gradients
(WoodFisher, Singh & Alistarh, 2020).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap

from ..train import to_device
from .base import register
from .loop import summed_gradients, trainable


def per_sample_gradients(model, x, y, params) -> torch.Tensor:
    """The flat loss gradient of every sample of a batch, shape ``(B, P)``, in one pass.

    The slow obvious version is one backward pass per sample (a test checks they agree); here
    ``torch.func.vmap`` batches them, about ten times faster on a CPU for small networks.
    Needs the model in eval mode (BatchNorm must not mix samples).
    """
    theta = {n: p.detach() for n, p in model.named_parameters() if any(p is q for q in params)}
    frozen = {n: p.detach() for n, p in model.named_parameters() if n not in theta}
    buffers = dict(model.named_buffers())

    def loss(theta, xi, yi):                # one sample, given a batch dimension of 1 inside
        out = functional_call(model, ({**theta, **frozen}, buffers), (xi.unsqueeze(0),))
        return F.cross_entropy(out, yi.unsqueeze(0))

    grads = vmap(grad(loss), in_dims=(None, 0, 0))(theta, x, y)
    return torch.cat([grads[n].reshape(len(x), -1) for n in theta], dim=1)


def woodfisher_inverse_product(model, retain_set, params, v: torch.Tensor, num_samples: int = 1000,
                               generator: torch.Generator | None = None, chunk: int = 64) -> torch.Tensor:
    """Approximate ``F^-1 v`` with rank-one updates over ``num_samples`` per-sample retain gradients.

    The recursion of the authors' ``woodfisher`` (``N = num_samples`` acts as the
    damping): with ``g_i`` the gradient of sample ``i`` and ``o = g_1``,

        k <- k - <k, g_i> / (N + <o, g_i>) * o,     o <- o - <o, g_i> / (N + <o, g_i>) * o

    The gradients are computed ``chunk`` samples at a time (``per_sample_gradients``);
    the recursion itself is sequential, one sample after the other.
    """
    order = torch.randperm(len(retain_set), generator=generator)[:num_samples + 1]
    k_vec, o_vec = v.clone(), None
    for idx in order.split(chunk):
        for g in per_sample_gradients(model, *to_device(model, *retain_set[idx]), params):
            if o_vec is None:
                o_vec = g.clone()
                continue
            tmp = torch.dot(o_vec, g)
            k_vec -= torch.dot(k_vec, g) / (num_samples + tmp) * o_vec
            o_vec -= tmp / (num_samples + tmp) * o_vec
    return k_vec


@register("iu", alpha=1.0, num_samples=1000)
def influence_unlearning(model, task, *, seed, alpha, num_samples):
    """IU: one Newton step of size ``alpha`` along the estimated influence of D_f (WoodFisher)."""
    forget_set, retain_set = task.forget_set, task.retain_set
    model.eval()                                              # as in the authors' code: BN frozen
    params = trainable(model)

    def summed(dataset):                                      # sum of the per-sample gradients, flat
        grads = summed_gradients(model, dataset, lambda z, y: F.cross_entropy(z, y, reduction="sum"), params)
        return torch.cat([g.flatten() for g in grads])
    n_f, n_r = len(forget_set), len(retain_set)
    g_f = summed(forget_set) / (n_f + n_r)
    g_r = summed(retain_set) * n_f / ((n_f + n_r) * n_r)
    generator = torch.Generator().manual_seed(seed)
    step = woodfisher_inverse_product(model, retain_set, params, g_f - g_r, num_samples, generator)
    with torch.no_grad():
        for p, s in zip(params, step.split([p.numel() for p in params])):
            p += alpha * s.view_as(p)
