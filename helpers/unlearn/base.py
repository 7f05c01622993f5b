"""The registry of unlearning methods and :func:`unlearn`, the one entry point for every model family.

Every method is a function ``method(model, task, *, seed, **hparams)`` that modifies
``model`` in place; :func:`unlearn` hands it a deep copy, so the caller's model is never
touched. A quantized network unlearns through its quantizers: they stay on, and gradients
pass through them by the STE (OEU Eq. 3; chapter 1, equation ``ch1-ste``).
"""
from __future__ import annotations

import copy
import time

from torch import nn

from ..seeds import derive_seed
from ..train import check_compatible, seed_everything
from .task import Task

METHODS: dict = {}
DEFAULTS: dict = {}


def register(name: str, **defaults):
    """Decorator adding a method to :data:`METHODS` with its default hyper-parameters."""
    def wrap(fn):
        METHODS[name], DEFAULTS[name] = fn, defaults
        return fn
    return wrap


def unlearn(method: str, model: nn.Module, task: Task, *, seed: int = 0, replica: int = 0, **hparams) -> nn.Module:
    """Return a new model: ``model`` after unlearning ``task.forget_set`` with ``method``.

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
    return run_method(METHODS[method], model, task, seed=seed, role="oracle" if method == "retrain" else "unlearn",
                      replica=replica, **{**DEFAULTS[method], **hparams})


def run_method(fn, model: nn.Module, task: Task, *, seed: int, role: str = "unlearn", replica: int = 0,
               **hparams) -> nn.Module:
    """``fn(copy of model, task, seed=stream, **hparams)`` as :func:`unlearn` runs a registered method (and as
    the chapters run their variants of one): the copy, in eval mode, with its ``unlearn_seconds``."""
    if not isinstance(task, Task):
        raise ValueError(f"unlearn needs a helpers.unlearn.Task, got {type(task).__name__}")
    for dataset in (task.forget_set, task.retain_set):
        check_compatible(model, dataset)
    new = copy.deepcopy(model)
    stream = derive_seed(seed, role, replica)
    seed_everything(stream)
    start = time.perf_counter()
    fn(new, task, seed=stream, **hparams)
    new.unlearn_seconds = time.perf_counter() - start
    return new.eval()


def reinitialize(model: nn.Module) -> nn.Module:
    """Fresh random weights, same architecture and quantizers (for Retrain; EU-k's last blocks).

    Every layer with ``reset_parameters`` is reset, and every fake-quantizer forgets its range
    (:meth:`helpers.quant.Quantizer.reset_range`) so that it re-learns it from the new data.
    """
    for module in model.modules():
        if hasattr(module, "reset_parameters") and module is not model:
            module.reset_parameters()
        if hasattr(module, "reset_range"):
            module.reset_range()
    return model
