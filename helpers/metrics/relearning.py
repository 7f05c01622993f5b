"""The relearning attack: fine-tune an unlearned model for a few steps and watch its forget accuracy.

An unlearning method may *remove* what the model knew about the forget set ``D_f``, or only *hide*
it: move the output layer, say, so that the knowledge is still in the features and a few steps of
gradient descent bring it back. Retrained from scratch without ``D_f``, the gold model has nothing to
bring back, so its curve is the yardstick: a method whose forget accuracy (FA) rises much faster
than Retrain's under the same attack had hidden the knowledge, not removed it.

The attack, the same for every method (it never looks at how a model was unlearned):

- **data**: either the retain set ``D_r`` (a deployment that keeps fine-tuning on the data it is
  allowed to use), or a small share of ``D_f`` itself, :func:`attack_split` (an attacker who holds
  a few forgotten samples: 1 % of them, at least one). FA is then measured on the rest of ``D_f``,
  *without* the attack's samples, so that it counts what generalises back, not what was memorised.
- **optimiser**: SGD with momentum 0.9 (the book's training recipe, :func:`helpers.train.train`),
  no weight decay, the gradient norm clipped at :data:`helpers.train.CLIP_GRAD_NORM` as every loop of
  the book, learning rate :data:`RELEARN_LR` = 0.001 for every model and method. Why 0.001 (chosen
  once, between 0.01 and 0.001, on seed 1 of chapter 5's class-wise forgetting, before any verdict):
  the yardstick must not saturate inside the step grid 0, 5, 20, 50. At 0.001 Retrain, which never
  saw class 3, still has FA 0 after 20 steps on the two attack digits and 100 % after 50, so the grid
  spans its curve from untouched to relearned; at 0.01 Retrain relearns the class within 20 steps
  and every curve is at 100 % from there on. It is a fiftieth of the rate the default profile
  trains with (0.05), so 50 steps are a light touch: on the retain set they leave the original's FA
  on class 3 at 95 % or more (fine-tuning on D_r alone does not make it forget).
- **batches**: :data:`RELEARN_BATCH` = 16 samples per step, drawn uniformly *with replacement*
  by a generator seeded with the attack's ``seed`` (so 2 attack samples fill a batch of 16, and
  every model of one seed sees the very same batches).
- **mode**: the model stays in eval mode: BatchNorm keeps its running statistics (in training mode
  a batch drawn from two images of one class would replace them within 50 steps, momentum 0.1,
  and wreck the model for a reason that has nothing to do with memory), and a quantized model keeps
  its quantizers on (gradients pass the rounding by the straight-through estimator, as in QAT).

One run of ``max(steps)`` steps records FA after each step count in ``steps`` (0: before any step).
"""
from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

from ..train import CLIP_GRAD_NORM, check_compatible, evaluation_view, to_device
from .accuracy import model_logits, require_nonempty, top1_accuracy

RELEARN_LR = 0.001              # see the module docstring: the yardstick (Retrain) does not saturate by step 20
RELEARN_MOMENTUM = 0.9          # the book's SGD (helpers.train.train)
RELEARN_BATCH = 16
RELEARN_STEPS = (0, 5, 20, 50)
FORGET_SHARE = 0.01             # the attacker holds 1 % of D_f (at least one sample)


def attack_split(forget_set, share: float = FORGET_SHARE, seed: int = 0):
    """``(attack_set, held_out)``: a seeded draw of ``ceil(share * |D_f|)`` samples of ``forget_set`` for the
    attack, and the rest, on which FA is measured (both keep ``forget_set``'s order).

    With chapter 5's class-wise forget set (146 digits of class 3) and 1 %, that is 2 samples.
    Raises ValueError unless ``0 < share < 1`` and both parts are non-empty.
    """
    if not 0 < share < 1:
        raise ValueError(f"share must lie strictly between 0 and 1 (a fraction of the forget set), got {share!r}")
    n = math.ceil(share * len(forget_set))
    if n >= len(forget_set):
        raise ValueError(f"{share:.0%} of a forget set of {len(forget_set)} samples leaves nothing to measure FA on; "
                         "use a larger forget set or a smaller share")
    order = torch.randperm(len(forget_set), generator=torch.Generator().manual_seed(seed))
    return forget_set.subset(order[:n].sort().values), forget_set.subset(order[n:].sort().values)


def check_steps(steps) -> tuple[int, ...]:
    """``steps`` as a sorted tuple of distinct non-negative integers, or a ValueError."""
    steps = tuple(steps)
    if not steps or any(isinstance(k, bool) or not isinstance(k, int) or k < 0 for k in steps):
        raise ValueError(f"steps must be a non-empty list of non-negative integers (step counts), got {steps!r}")
    if len(set(steps)) != len(steps):
        raise ValueError(f"steps must be distinct, got {steps!r}")
    return tuple(sorted(steps))


def forget_accuracy(model: nn.Module, forget_set) -> float:
    """FA in percent: the scorecard's top-1 accuracy on ``forget_set`` (eval mode, no augmentation)."""
    return top1_accuracy(model_logits(model, forget_set), forget_set.targets)


def relearning_curve(model: nn.Module, attack_set, forget_set, *, steps=RELEARN_STEPS, lr: float = RELEARN_LR,
                     batch_size: int = RELEARN_BATCH, seed: int = 0) -> dict[int, float]:
    """``{k: FA}``: the forget accuracy (percent, on ``forget_set``) of ``model`` after ``k`` steps of the attack
    (module docstring) on ``attack_set``, for each ``k`` in ``steps``; ``model`` itself is left untouched.

    ``attack_set`` is the retain set or the attack part of :func:`attack_split`; ``forget_set`` the
    samples FA is measured on (the held-out part of that split). ``seed`` seeds the batches.
    Raises ValueError for empty sets, bad ``steps``, or a non-positive ``lr`` or ``batch_size``.
    """
    require_nonempty(attack=attack_set, forget=forget_set)
    steps = check_steps(steps)
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    check_compatible(model, attack_set)
    attacked = copy.deepcopy(model).eval()
    params = [p for p in attacked.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=lr, momentum=RELEARN_MOMENTUM)
    generator = torch.Generator().manual_seed(seed)
    plain = evaluation_view(attack_set)
    curve = {}
    for step in range(steps[-1] + 1):
        if step in steps:
            curve[step] = forget_accuracy(attacked, forget_set)
        if step == steps[-1]:
            break
        x, y = to_device(attacked, *plain[torch.randint(len(plain), (batch_size,), generator=generator)])
        loss = F.cross_entropy(attacked(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(params, CLIP_GRAD_NORM)
        optimizer.step()
    return curve
