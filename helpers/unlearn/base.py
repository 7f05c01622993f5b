"""The registry of unlearning methods and the plumbing they share.

Every method is a function ``method(model, forget_set, retain_set, *, seed, **hparams)``
that modifies ``model`` in place; :func:`unlearn` hands it a deep copy, so the
caller's model is never touched. Unlearning runs through the quantized model:
its fake-quantizers stay on, and gradients pass through them by the STE (Eq. 3).
"""
from __future__ import annotations

import copy
import time

import torch
from torch import nn

from ..seeds import derive_seed
from ..train import CLIP_GRAD_NORM, batches, check_compatible, seed_everything

METHODS: dict = {}
DEFAULTS: dict = {}
ORACLES = ("retrain",)      # methods that train from scratch: they draw from the "oracle" seed stream


def register(name: str, **defaults):
    """Decorator adding a method to :data:`METHODS` with its default hyper-parameters."""
    def wrap(fn):
        METHODS[name] = fn
        DEFAULTS[name] = defaults
        return fn
    return wrap


def unlearn(method: str, model: nn.Module, forget_set, retain_set, *, seed: int = 0, replica: int = 0,
            **hparams) -> nn.Module:
    """Return a new model: ``model`` after unlearning ``forget_set`` with ``method``.

    ``seed`` is the experiment seed (the one that built ``model``); the run
    draws its randomness from its own stream (:func:`helpers.seeds.derive_seed`):
    role ``"oracle"`` for Retrain, so that it starts from fresh weights that are
    *not* the original's and shuffles in another order, and role ``"unlearn"``
    for every other method. ``replica`` numbers independent runs of the same
    method (e.g. a second, independently seeded Retrain for the oracle's own
    noise floor). ``hparams`` override the method's defaults (see
    ``DEFAULTS[method]``); an unknown hyper-parameter is an error, not silently
    ignored. The returned model has an attribute ``unlearn_seconds`` (wall time
    of the method).
    """
    if method not in METHODS:
        raise ValueError(f"unknown unlearning method {method!r}; choose one of {sorted(METHODS)}")
    unknown = set(hparams) - set(DEFAULTS[method])
    if unknown:
        raise ValueError(f"{method} has no hyper-parameter(s) {sorted(unknown)}; "
                         f"it takes {sorted(DEFAULTS[method])}")
    for name, dataset in (("forget_set", forget_set), ("retain_set", retain_set)):
        if len(dataset) == 0:
            raise ValueError(f"{name} is empty")
        check_compatible(model, dataset)
    settings = {**DEFAULTS[method], **hparams}
    new = copy.deepcopy(model)
    stream = derive_seed(seed, "oracle" if method in ORACLES else "unlearn", replica)
    seed_everything(stream)
    start = time.perf_counter()
    METHODS[method](new, forget_set, retain_set, seed=stream, **settings)
    new.unlearn_seconds = time.perf_counter() - start
    new.eval()
    return new


# --------------------------------------------------------------------------- shared pieces
def batch_stream(dataset, batch_size: int, generator: torch.Generator):
    """Endless shuffled batches ``(x, y)`` of ``dataset``: a new permutation each pass.

    Pairing a forget batch with the next retain batch from this stream never
    stops early at the shorter of the two sets.
    """
    while True:
        yield from epoch_batches(dataset, batch_size, generator)


def epoch_batches(dataset, batch_size: int, generator: torch.Generator):
    """One shuffled pass over ``dataset`` in batches ``(x, y)``."""
    for idx in batches(len(dataset), batch_size, shuffle=True, generator=generator):
        yield dataset[idx]


def sgd(model: nn.Module, lr: float, momentum: float = 0.9, weight_decay: float = 5e-4):
    """SGD over the trainable parameters (the unlearning methods' optimizer)."""
    return torch.optim.SGD(trainable(model), lr=lr, momentum=momentum, weight_decay=weight_decay)


def clipped_step(optimizer, params) -> None:
    """Clip the gradient norm at ``CLIP_GRAD_NORM`` (as :func:`helpers.train.train` does), then step.

    The same safety net as in training: a low-bit network can produce one
    enormous gradient (see chapter 1, "dead filters"), and a single such step
    would turn an unlearning run into NaNs. Steps with smaller gradients are
    untouched.
    """
    nn.utils.clip_grad_norm_(params, CLIP_GRAD_NORM)
    optimizer.step()


def trainable(model: nn.Module) -> list[torch.nn.Parameter]:
    return [p for p in model.parameters() if p.requires_grad]


def gradients(loss: torch.Tensor, params) -> list[torch.Tensor]:
    """``d loss / d p`` for each parameter (zeros where the loss does not depend on it)."""
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    return [torch.zeros_like(p) if g is None else g for g, p in zip(grads, params)]


def set_gradients(params, grads) -> None:
    """Store ``grads`` in ``p.grad`` so that an optimizer step applies them."""
    for p, g in zip(params, grads):
        p.grad = g.detach().clone()


def reinitialize(model: nn.Module) -> nn.Module:
    """Fresh random weights, same architecture and quantizers (for Retrain).

    Every layer with ``reset_parameters`` is reset, and every fake-quantizer is
    marked uninitialised so that it re-learns its range from the new data.
    """
    for module in model.modules():
        if hasattr(module, "reset_parameters") and module is not model:
            module.reset_parameters()
        if hasattr(module, "initialized") and isinstance(module.initialized, torch.Tensor):
            module.initialized.fill_(False)
            if getattr(module, "kind", None) == "activation" and module.name != "LSQ+":
                module._signed.fill_(-1)
    return model
