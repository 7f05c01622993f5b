"""What a forgetting objective asks of a model's outputs (OEU Sec. 4.2, Theorems 4.1-4.2, App. A.7).

Three ways to make a model "forget" a sample ``(x, y)``:

- **Random Labels** (Eq. 13): cross-entropy to a random wrong label ``y~ != y``;
- **Similar Labels** (Def. A.2): cross-entropy to the most likely wrong label;
- **maximum entropy** (EGU, Eqs. 5-7): minimise ``-H(softmax(z))``.

This module checks the paper's statements about them with small computations:
the optimum each objective drives free logits to (:func:`optimize_logits`),
the gradient of Eq. (7) in closed form (:func:`entropy_loss_gradient`), the
expected Random-Labels target of Proposition A.5 (:func:`expected_random_label_target`)
and its divergence from uniform (Proposition A.6, :func:`helpers.metrics.divergence.kl_divergence`). Then
:func:`unlearn_with_objective` runs the three objectives on a real network
through one and the same loop, so that only the objective differs.
"""
from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F

from ..metrics.divergence import entropy, kl_divergence
from ..train import predict
from ..unlearn import Task
from ..unlearn.base import run_method
from ..unlearn.dg import uniform_target
from ..unlearn.egu import egu_loss
from ..unlearn.loop import SGD_LOOP, gradients, trainable
from ..unlearn.oeu import oeu_loop
from ..unlearn.qmul import similar_labels
from ..unlearn.relabel import random_labels

OBJECTIVES = ("random", "similar", "entropy")


def expected_random_label_target(y: int, num_classes: int) -> torch.Tensor:
    """Proposition A.5, Eq. (24) of the OEU paper (chapter 2, equation ``ch2-expected-target``).

    ``E[1[k = y~]]`` with ``y~`` uniform over the ``K - 1`` wrong classes.

    0 at the true class ``y``, ``1 / (K - 1)`` elsewhere; shape ``(K,)``.
    """
    return uniform_target(num_classes, y).float()            # the same vector as the DG paper's uniform target


def sampled_random_label_target(y: int, num_classes: int, draws: int, seed: int = 0) -> torch.Tensor:
    """The same expectation estimated by drawing ``draws`` labels with :func:`helpers.unlearn.relabel.random_labels`."""
    generator = torch.Generator().manual_seed(seed)
    labels = random_labels(torch.full((draws,), y), num_classes, generator)
    return torch.bincount(labels, minlength=num_classes).float() / draws


def entropy_loss_gradient(logits: torch.Tensor) -> torch.Tensor:
    """Closed-form gradient of ``-H(softmax(z))`` (one sample's Eq. 7) with respect to the logits.

    Chapter 2, equation ``ch2-egu-gradient`` (derived there; the paper states
    Eq. (7), equation ``ch2-egu``, but not its gradient).

    ``d(-H)/dz_k = p_k (log p_k + H)``: positive for classes more likely than
    ``exp(-H)``, negative for the others. A gradient *descent* step therefore
    lowers the large logits and raises the small ones: it flattens ``p``. It is
    zero exactly when all ``p_k`` are equal (the uniform optimum of Theorem 4.2).
    """
    log_p = F.log_softmax(logits, dim=-1)
    H = entropy(logits).unsqueeze(-1)
    return log_p.exp() * (log_p + H)


def forget_loss(objective: str, targets: torch.Tensor | None = None):
    """``loss(logits, idx)`` of one objective; ``targets`` are the (random or similar) labels of D_f."""
    if objective == "entropy":
        return egu_loss                                                              # Eq. (7)
    if objective in ("random", "similar"):
        assert targets is not None, f"the {objective!r} objective needs its labels"
        return lambda logits, idx: F.cross_entropy(logits, targets[idx])             # Eq. (13)
    raise ValueError(f"unknown objective {objective!r}; choose one of {OBJECTIVES}")


def optimize_logits(logits: torch.Tensor, objective: str, target: int | None = None, steps: int = 500,
                    lr: float = 1.0) -> dict[str, list[float]]:
    """Gradient descent on free logits ``z`` (no network) under one objective; its path in (H, KL-to-uniform).

    ``logits`` is one sample's starting point, shape ``(K,)``. ``target`` is the
    wrong label for ``"random"`` / ``"similar"``. With nothing between the loss and
    ``z``, the path ends at the objective's optimum: a one-hot on ``target``
    (Theorem 4.1: ``H -> 0``, ``KL -> log K``) or the uniform distribution
    (Theorem 4.2: ``H -> log K``, ``KL -> 0``). Returns ``{"H": [...], "KL": [...]}``
    with ``steps + 1`` entries each, in nats.
    """
    z = logits.detach().clone().float().unsqueeze(0).requires_grad_()
    loss_fn = forget_loss(objective, None if target is None else torch.tensor([target]))
    uniform = torch.full((logits.shape[-1],), 1.0 / logits.shape[-1])
    path = {"H": [], "KL": []}
    optimizer = torch.optim.SGD([z], lr=lr)
    for step in range(steps + 1):
        if step:                                            # the start, then the logits after every step
            optimizer.zero_grad()
            loss_fn(z, torch.tensor([0])).backward()
            optimizer.step()
        with torch.no_grad():
            path["H"].append(entropy(z).item())
            path["KL"].append(kl_divergence(z.softmax(-1)[0], uniform).item())
    return path


def objective_targets(objective: str, model, forget_set, seed: int = 0) -> torch.Tensor | None:
    """The labels an objective trains D_f towards: random wrong labels, similar labels, or none (entropy)."""
    if objective == "random":
        return random_labels(forget_set.targets, forget_set.num_classes, torch.Generator().manual_seed(seed))
    if objective == "similar":
        return similar_labels(predict(model, forget_set), forget_set.targets)
    return None


def unlearn_with_objective(objective: str, model, forget_set, retain_set, *, seed: int = 0, epochs: int = 3,
                           lr: float = 0.01, batch_size: int = 64, beta: float = 1.0):
    """A new model: ``model`` after unlearning with one forgetting objective, all else equal.

    The loop is that of ``unlearn("oeu_no_gop", ...)`` (OEU without projection,
    :func:`helpers.unlearn.oeu.oeu_loop`, run by :func:`helpers.unlearn.base.run_method`): each step pairs a forget batch with a retain batch and follows
    ``g_f + beta * g_r``, with ``g_f`` the gradient of the chosen objective
    (``"random"``, ``"similar"`` or ``"entropy"``, the last being exactly
    ``oeu_no_gop``) and ``g_r`` that of the retain cross-entropy. The labels of
    the label objectives are fixed once, before unlearning, from ``model``
    (drawn with ``seed``, as :func:`objective_targets` shows them); the loop's
    batch order comes from the ``"unlearn"`` stream of ``seed``, as in :func:`helpers.unlearn.unlearn`.
    Returns ``(new_model, targets)``; ``targets`` is ``None`` for ``"entropy"``.
    """
    targets = objective_targets(objective, model, forget_set, seed)
    new = run_method(oeu_loop, model, Task(forget_set, retain_set), seed=seed, forget_loss=forget_loss(objective, targets),
                     project=None, beta=beta, epochs=epochs, lr=lr, batch_size=batch_size, **SGD_LOOP)
    return new, targets


def gradient_norms(model, forget_set, retain_set, objectives=OBJECTIVES, seed: int = 0) -> dict[str, float]:
    """The size of each forgetting gradient, and of the retain gradient, at ``model``'s weights.

    Each forgetting loss is taken over all of D_f at once (with the labels
    :func:`objective_targets` gives for ``seed``, as :func:`unlearn_with_objective`
    uses them); the retain loss is the cross-entropy on a random batch of D_r of
    the same size. Returns ``{"retain": ||g_r||, objective: ||g_f||, ...}`` (global
    L2 norms over all trainable parameters). The model runs in training mode, as
    in the unlearning loop, but on a copy: ``model`` and its BatchNorm statistics
    are left untouched. On samples the model is sure of, Eq. (7) saturates and
    the ``"entropy"`` gradient is small next to a label objective's.
    """
    net = copy.deepcopy(model).train()
    params = trainable(net)

    def norm(loss):
        return math.sqrt(sum(float(g.pow(2).sum()) for g in gradients(loss, params)))

    idx_f = torch.arange(len(forget_set))
    x_f, _ = forget_set[idx_f]
    idx_r = torch.randperm(len(retain_set), generator=torch.Generator().manual_seed(seed))[:len(forget_set)]
    x_r, y_r = retain_set[idx_r]
    norms = {"retain": norm(F.cross_entropy(net(x_r), y_r))}
    for objective in objectives:
        targets = objective_targets(objective, model, forget_set, seed)
        norms[objective] = norm(forget_loss(objective, targets)(net(x_f), idx_f))
    return norms


def output_summary(logits: torch.Tensor, labels: torch.Tensor, targets: torch.Tensor | None = None) -> dict:
    """Mean entropy and KL to uniform (nats), and the share of samples predicted as ``labels`` / ``targets`` (%)."""
    probs = logits.softmax(-1)
    K = logits.shape[-1]
    row = {"mean H": entropy(logits).mean().item(),
           "mean KL(p||U)": kl_divergence(probs, torch.full((K,), 1.0 / K)).mean().item(),
           "predicts true label %": 100.0 * (logits.argmax(-1) == labels).float().mean().item()}
    if targets is not None:
        row["predicts its new label %"] = 100.0 * (logits.argmax(-1) == targets).float().mean().item()
    return row
