"""The hybrid study's unlearning methods (arXiv 2512.19253), behind one call.

    new_model = unlearn("eu_k", model, data, split, seed=1, steps=32)

Every method gets a deep copy of ``model`` (the input is never modified) and a budget of
``steps`` optimiser updates (Adam, learning rate ``lr``). A step draws the next batch from
an endless, re-shuffled stream of the forget set ``D_f`` and/or of the retain set ``D_r``;
the shorter set is cycled, never the cause of an early stop. ``DEFAULTS[name]`` holds each
method's hyper-parameters. This module holds the plumbing and the methods that use
gradient ascent, fine-tuning or distillation; :mod:`.methods_targets` those that choose
new *targets* for the forget set (labels, distributions, entropy).

=============  ===================================================================
``ga``         gradient ascent on the cross-entropy of ``D_f``
``fisher``     GA plus an EWC penalty ``λ/2 Σ F_i (θ_i - θ_i^0)²`` (Fisher F from ``D_r``)
``neggrad+``   descent on ``D_r`` and ascent on ``D_f`` in the same step
``cf_k``       GA on ``D_f`` with all but the last ``k`` blocks frozen
``eu_k``       re-initialise the last ``k`` blocks, fine-tune on ``D_r``
``scrub``      student kept close to the teacher on ``D_r`` (KL + CE), pushed away on ``D_f``
``certified``  noisy fine-tuning on ``D_r``: gradient norm clipped to 1, Gaussian noise σ
=============  ===================================================================
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..seeds import derive_seed
from .data import HybridData, Split
from .training import cycle

METHODS: dict = {}
DEFAULTS: dict = {}


def register(name: str, **defaults):
    """Decorator adding ``fn(model, task, *, seed, **hp)`` (modifies ``model`` in place) to :data:`METHODS`.

    ``seed`` reaching ``fn`` is already the run's ``"unlearn"`` stream (see :func:`unlearn`)."""
    def wrap(fn):
        METHODS[name] = fn
        DEFAULTS[name] = dict(defaults)
        return fn
    return wrap


@dataclass
class Task:
    """What a method may see: ``D_f``, ``D_r`` (tensors), the number of classes, the forgotten class
    (scenario B, else None) and the input range (for adversarial inputs). No test data."""

    X_forget: torch.Tensor
    y_forget: torch.Tensor
    X_retain: torch.Tensor
    y_retain: torch.Tensor
    num_classes: int
    forget_class: int | None
    x_min: float
    x_max: float
    on_step: object = None          # optional callback ``on_step(step, model)`` after every update


def after_step(task: Task, step: int, model) -> None:
    if task.on_step is not None:
        task.on_step(step, model)


def make_task(data: HybridData, split: Split) -> Task:
    f, r = split.forget_idx, split.retain_idx
    return Task(data.X_train[f], data.y_train[f], data.X_train[r], data.y_train[r], data.num_classes,
                split.forget_class, data.X_train.min().item(), data.X_train.max().item())


def unlearn(method: str, model: nn.Module, data: HybridData, split: Split, *, seed: int = 0, replica: int = 0,
            on_step=None, **hparams) -> nn.Module:
    """Return a NEW model: ``model`` after unlearning ``split.forget_idx`` with ``method``.

    ``seed`` is the experiment seed (the one that fixed the data split and the original
    model). The run draws all its randomness, batch order, re-initialised weights (EU-k),
    gradient noise (certified), calibration halves (DG), from its own stream
    ``derive_seed(seed, "unlearn", replica)`` (:mod:`helpers.seeds`), never from the
    original's; ``replica`` numbers independent runs from one original.

    Unknown methods and hyper-parameters are errors. The result carries ``unlearn_seconds``.
    ``on_step(step, model)``, if given, is called after every update (used to choose the
    number of steps on the selection seed from one run, :mod:`.experiment`)."""
    if method not in METHODS:
        raise ValueError(f"unknown unlearning method {method!r}; choose one of {sorted(METHODS)}")
    unknown = set(hparams) - set(DEFAULTS[method])
    if unknown:
        raise ValueError(f"{method} has no hyper-parameter(s) {sorted(unknown)}; it takes {sorted(DEFAULTS[method])}")
    stream = derive_seed(seed, "unlearn", replica)
    new = copy.deepcopy(model)
    torch.manual_seed(stream)
    start = time.perf_counter()
    task = make_task(data, split)
    task.on_step = on_step
    METHODS[method](new, task, seed=stream, **{**DEFAULTS[method], **hparams})
    new.unlearn_seconds = time.perf_counter() - start
    new.eval()
    return new


# --------------------------------------------------------------------------- the shared loop
def optimise(model, task: Task, *, steps, lr, batch_size, seed, loss, params=None, after_backward=None,
             use_retain: bool = True):
    """``steps`` Adam updates of ``loss(model, f, r)`` on paired, cycled batches.

    ``f = (x_f, y_f, i_f, logits_f)``, ``r = (x_r, y_r, logits_r)``: both batches go through the
    model in *one* forward pass (concatenated, then split); ``i_f`` are the forget batch's indices
    into ``task.X_forget`` (for per-sample targets). ``after_backward(params)`` may edit the
    gradients (clipping, noise). ``use_retain=False``: forget batches only, ``r = None``."""
    params = [p for p in (model.parameters() if params is None else params) if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    g = torch.Generator().manual_seed(seed)
    forget, retain = cycle(len(task.y_forget), batch_size, g), cycle(len(task.y_retain), batch_size, g)
    model.train()
    for step in range(1, steps + 1):
        i_f, i_r = next(forget), (next(retain) if use_retain else torch.zeros(0, dtype=torch.long))
        x_f, x_r = task.X_forget[i_f], task.X_retain[i_r]
        logits_f, logits_r = model(torch.cat([x_f, x_r])).split([len(i_f), len(i_r)])
        r = (x_r, task.y_retain[i_r], logits_r) if use_retain else None
        value = loss(model, (x_f, task.y_forget[i_f], i_f, logits_f), r)
        optimizer.zero_grad()
        value.backward()
        if after_backward is not None:
            after_backward(params)
        optimizer.step()
        after_step(task, step, model)


def kl_teacher_student(p_teacher: torch.Tensor, logits_student: torch.Tensor) -> torch.Tensor:
    """Mean ``KL(p_teacher || softmax(logits_student))`` over aligned rows."""
    return F.kl_div(F.log_softmax(logits_student, -1), p_teacher, reduction="batchmean")


# --------------------------------------------------------------------------- the methods
@register("ga", steps=20, lr=1e-3, batch_size=32)
def ga(model, task, *, seed, steps, lr, batch_size):
    """Gradient ascent: maximise the cross-entropy of ``D_f`` (minimise its negative)."""
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed, use_retain=False,
             loss=lambda m, f, r: -F.cross_entropy(f[3], f[1]))


def fisher_diagonal(model, X, y, batch_size: int = 64, batches: int = 8) -> list[torch.Tensor]:
    """Empirical Fisher diagonal ``E[(∂ℓ/∂θ)²]`` over up to ``batches`` mini-batches of (X, y)."""
    params = list(model.parameters())
    total = [torch.zeros_like(p) for p in params]
    chunks = torch.arange(len(y)).split(batch_size)[:batches]
    for idx in chunks:
        grads = torch.autograd.grad(F.cross_entropy(model(X[idx]), y[idx]), params, allow_unused=True)
        for t, gr in zip(total, grads):
            if gr is not None:
                t += gr.detach() ** 2
    return [t / len(chunks) for t in total]


@register("fisher", steps=20, lr=1e-3, batch_size=32, lam=100.0)
def fisher(model, task, *, seed, steps, lr, batch_size, lam):
    """Fisher-weighted GA: ``-CE(D_f) + λ/2 Σ_i F_i (θ_i - θ_i^0)²``, an EWC penalty (Kirkpatrick et al.).

    The study estimated F on ``D_f``; we estimate it on ``D_r``, so that the penalty protects
    the weights that matter for what must be *kept*."""
    weights = fisher_diagonal(model, task.X_retain, task.y_retain)
    start = [p.detach().clone() for p in model.parameters()]

    def loss(m, f, r):
        penalty = sum((w * (p - p0) ** 2).sum() for w, p, p0 in zip(weights, m.parameters(), start))
        return -F.cross_entropy(f[3], f[1]) + lam / 2 * penalty
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed, loss=loss, use_retain=False)


@register("neggrad+", steps=40, lr=1e-3, batch_size=32, alpha=1.0)
def neggrad_plus(model, task, *, seed, steps, lr, batch_size, alpha):
    """NegGrad+: ``CE(D_r batch) - α CE(D_f batch)`` in every step (Kurmanji et al., 2023)."""
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed,
             loss=lambda m, f, r: F.cross_entropy(r[2], r[1]) - alpha * F.cross_entropy(f[3], f[1]))


def freeze_all_but_last(model, k: int) -> list:
    """Freeze every block of ``model.blocks`` except the last ``k``; returns the trainable parameters."""
    blocks = model.blocks
    if not 1 <= k <= len(blocks):
        raise ValueError(f"k must be in 1..{len(blocks)} (blocks {[type(b).__name__ for b in blocks]}), got {k}")
    for i, block in enumerate(blocks):
        for p in block.parameters():
            p.requires_grad_(i >= len(blocks) - k)
    return [p for p in model.parameters() if p.requires_grad]


@register("cf_k", steps=20, lr=1e-3, batch_size=32, k=2)
def cf_k(model, task, *, seed, steps, lr, batch_size, k):
    """CF-k as the study ran it: freeze the front of the network, gradient ascent on ``D_f`` for the last k blocks."""
    params = freeze_all_but_last(model, k)
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed, params=params, use_retain=False,
             loss=lambda m, f, r: -F.cross_entropy(f[3], f[1]))
    for p in model.parameters():
        p.requires_grad_(True)


@register("eu_k", steps=60, lr=1e-2, batch_size=32, k=1)
def eu_k(model, task, *, seed, steps, lr, batch_size, k):
    """EU-k (exact unlearning of the last k blocks, Goel et al.): re-initialise them, fine-tune on ``D_r``.

    ``k = 1`` re-initialises the linear head, ``k = 2`` the quantum layer too."""
    blocks = model.blocks
    if not 1 <= k <= len(blocks):
        raise ValueError(f"k must be in 1..{len(blocks)}, got {k}")
    torch.manual_seed(seed)
    for block in blocks[len(blocks) - k:]:
        for module in block.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed,
             loss=lambda m, f, r: F.cross_entropy(r[2], r[1]))


@register("scrub", steps=40, lr=1e-3, batch_size=32, lam_retain=1.0, lam_forget=1.0, gamma=1.0)
def scrub(model, task, *, seed, steps, lr, batch_size, lam_retain, lam_forget, gamma):
    """SCRUB (Kurmanji et al., 2023) in the study's one-loss form, plus SCRUB's retain cross-entropy:

    ``λ_r KL(p_t || p_s)|_{D_r} + γ CE(D_r) - λ_f KL(p_t || p_s)|_{D_f}``, teacher = the original model.
    Both KL terms compare the teacher and the student *on the same rows*."""
    teacher = copy.deepcopy(model).eval()

    def loss(m, f, r):
        with torch.no_grad():
            t_r, t_f = torch.softmax(teacher(r[0]), -1), torch.softmax(teacher(f[0]), -1)
        return (lam_retain * kl_teacher_student(t_r, r[2]) + gamma * F.cross_entropy(r[2], r[1])
                - lam_forget * kl_teacher_student(t_f, f[3]))
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed, loss=loss)


@register("certified", steps=60, lr=1e-2, batch_size=32, clip=1.0, sigma=0.05)
def certified(model, task, *, seed, steps, lr, batch_size, clip, sigma):
    """Certified-style noisy fine-tuning on ``D_r``: clip the gradient norm at ``clip``, add ``N(0, σ²)`` noise.

    The shape of a (DP-)certified update; no certificate is computed (nor was one in the study)."""
    g = torch.Generator().manual_seed(seed + 1)

    def noisy(params):
        nn.utils.clip_grad_norm_(params, clip)
        for p in params:
            p.grad += sigma * torch.randn(p.shape, generator=g)
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed, after_backward=noisy,
             loss=lambda m, f, r: F.cross_entropy(r[2], r[1]))
