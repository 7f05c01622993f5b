"""Methods that give the forget set new *targets* (registered in :data:`.methods.METHODS`).

=============  =======================================================================
``qmul``       Q-MUL-style Similar Labels: each forget sample is trained toward the wrong
               class the original model finds most likely, gradients balanced by
               Q-MUL's adaptive reweighting (both from :mod:`helpers.losses` / :mod:`helpers.unlearn`)
``lca``        label-complement augmentation: each forget sample is trained toward *every*
               other class (K-1 copies), alongside cross-entropy on ``D_r``
``adv_uniform`` FGSM inputs around ``D_f``, pushed to a uniform output, plus CE on ``D_r``
``oeu``        OEU (chapters 2-3): entropy-guided unlearning (OEU Eq. 7) with layer-wise
               gradient orthogonal projection (OEU Eqs. 9-10) and update Eq. 12
``dg``         the distribution-guided target of chapter 7 (Malik et al., Eq. 6) with the
               anchored, weight-penalised objective (their Eq. 7)
=============  =======================================================================
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from ..gop import project_layerwise
from ..losses import entropy_forget_loss, similar_labels
from ..unlearn.loop import set_gradients
from ..unlearn.qmul import adaptive_reweighting
from ..unlearn.dg import forget_target
from .methods import after_step, kl_teacher_student, optimise, register
from .training import cycle


def _logits(model, X):
    model.eval()
    with torch.no_grad():
        return model(X)


def _grads(loss, params, keep_graph: bool = False) -> list[torch.Tensor]:
    """``d loss / d p`` per parameter (zeros where unused); ``keep_graph`` to differentiate the graph again."""
    grads = torch.autograd.grad(loss, params, retain_graph=keep_graph, allow_unused=True)
    return [torch.zeros_like(p) if g is None else g for g, p in zip(grads, params)]


def _gradient_steps(model, task, *, steps, lr, batch_size, seed, forget_loss, combine):
    """Like :func:`.methods.optimise`, but ``g_f`` and ``g_r`` are computed separately and combined."""
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    g = torch.Generator().manual_seed(seed)
    forget, retain = cycle(len(task.y_forget), batch_size, g), cycle(len(task.y_retain), batch_size, g)
    model.train()
    for step in range(1, steps + 1):
        i_f, i_r = next(forget), next(retain)
        logits_f, logits_r = model(torch.cat([task.X_forget[i_f], task.X_retain[i_r]])).split([len(i_f), len(i_r)])
        g_f = _grads(forget_loss(logits_f, i_f), params, keep_graph=True)     # two backward passes through
        g_r = _grads(F.cross_entropy(logits_r, task.y_retain[i_r]), params)   # one forward pass
        optimizer.zero_grad()
        set_gradients(params, combine(g_f, g_r))
        optimizer.step()
        after_step(task, step, model)


@register("qmul", steps=40, lr=1e-2, batch_size=32)
def qmul(model, task, *, seed, steps, lr, batch_size):
    """Q-MUL-style: CE toward Similar Labels on ``D_f`` + CE on ``D_r``, adaptive gradient reweighting.

    The study's variant *subtracted* the similar-label loss (pushing away from the similar class);
    we follow Q-MUL and train toward it."""
    targets = similar_labels(_logits(model, task.X_forget), task.y_forget)
    _gradient_steps(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed,
                    forget_loss=lambda logits, idx: F.cross_entropy(logits, targets[idx]),
                    combine=adaptive_reweighting)


@register("lca", steps=40, lr=1e-2, batch_size=32, beta=1.0)
def lca(model, task, *, seed, steps, lr, batch_size, beta):
    """Label-complement augmentation: ``CE(D_r) + β CE(complement set)``, where every forget sample
    appears K-1 times, once with each label other than its own."""
    K, n = task.num_classes, len(task.y_forget)
    labels = torch.arange(K).repeat(n, 1)                                   # (n, K)
    keep = labels != task.y_forget[:, None]
    comp_y = labels[keep]                                                   # (n (K-1),)
    comp_i = torch.arange(n)[:, None].expand(n, K)[keep]                    # which forget sample
    g = torch.Generator().manual_seed(seed + 1)
    stream = cycle(len(comp_y), batch_size, g)

    def loss(m, f, r):
        j = next(stream)
        return F.cross_entropy(r[2], r[1]) + beta * F.cross_entropy(m(task.X_forget[comp_i[j]]), comp_y[j])
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed, loss=loss)


def kl_to_uniform(logits: torch.Tensor) -> torch.Tensor:
    """Mean ``KL(p || U) = log K - H(p)`` over the batch."""
    return torch.log(torch.tensor(float(logits.shape[-1]))) + entropy_forget_loss(logits)    # Eq. 7 is -H


def fgsm(model, x: torch.Tensor, eps: float, lo: float, hi: float) -> torch.Tensor:
    """One FGSM step that *increases* ``KL(p || U)``, clamped to the data range: the hardest nearby inputs."""
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(kl_to_uniform(model(x)), x)
    return (x + eps * grad.sign()).clamp(lo, hi).detach()


@register("adv_uniform", steps=40, lr=1e-2, batch_size=32, eps=0.1, lam=1.0)
def adv_uniform(model, task, *, seed, steps, lr, batch_size, eps, lam):
    """ADV-uniform: ``CE(D_r) + λ KL(p(x_adv) || U)`` with ``x_adv`` = FGSM around the forget batch."""
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed,
             loss=lambda m, f, r: F.cross_entropy(r[2], r[1])
             + lam * kl_to_uniform(m(fgsm(m, f[0], eps, task.x_min, task.x_max))))


@register("oeu", steps=40, lr=1e-2, batch_size=32, alpha=1.0, beta=1.0)
def oeu(model, task, *, seed, steps, lr, batch_size, alpha, beta):
    """OEU carried to the hybrid model: ``g_f`` of EGU (OEU Eq. 7, max entropy on ``D_f``), ``g_r`` of CE on
    ``D_r``; update ``ĝ_f + β g_r`` with ``ĝ_f`` the layer-wise projection of OEU Eqs. (9)-(10),
    one "layer" per parameter tensor (the quantum weights are one of them). Adam, like the suite."""
    _gradient_steps(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed,
                    forget_loss=lambda logits, idx: entropy_forget_loss(logits),
                    combine=lambda g_f, g_r: [f + beta * r for f, r in zip(project_layerwise(g_f, g_r, alpha), g_r)])


def guided_targets(p_forget: torch.Tensor, y_forget: torch.Tensor, beta: float, seed: int) -> torch.Tensor:
    """Per-sample Eq. 6 targets (Malik et al.; chapter 7): for each class c in ``D_f``, ``q^c`` from
    :func:`helpers.quantum.unlearning.forget_target` on a random half of the forget samples of class c.

    Scenario B has one class (exactly chapter 7's target); scenario A one target per class present."""
    g = torch.Generator().manual_seed(seed)
    Q = torch.zeros_like(p_forget, dtype=torch.float64)
    for c in torch.unique(y_forget).tolist():
        members = torch.nonzero(y_forget == c).flatten()
        calibration = members[torch.randperm(len(members), generator=g)[:max(1, len(members) // 2)]]
        Q[members] = forget_target(p_forget[calibration], int(c), beta)
    return Q.to(p_forget.dtype)


@register("dg", steps=40, lr=1e-2, batch_size=32, beta=2.0, alpha=1.0, lam=0.01)
def dg(model, task, *, seed, steps, lr, batch_size, beta, alpha, lam):
    """Distribution-guided unlearning (chapter 7) on the hybrid model: minimise ``-J`` with

    ``J = E_F[Σ_k q_k log p_w(k|x)] + α E_A[Σ_k p_orig(k|x) log p_w(k|x)] - λ ||w - w_orig||²`` (Eq. 7),
    ``q`` from Eq. 6 (:func:`guided_targets`), anchors ``A`` = retain batches."""
    original = copy.deepcopy(model).eval()
    Q = guided_targets(torch.softmax(_logits(model, task.X_forget), -1), task.y_forget, beta, seed)
    start = [p.detach().clone() for p in model.parameters()]

    def loss(m, f, r):
        with torch.no_grad():
            p_ref = torch.softmax(original(r[0]), -1)
        forget_term = (Q[f[2]] * F.log_softmax(f[3], -1)).sum(-1).mean()
        anchor_term = -kl_teacher_student(p_ref, r[2])        # = E_A Σ p_ref log p_w + const (Theorem 1)
        penalty = sum(((p - p0) ** 2).sum() for p, p0 in zip(m.parameters(), start))
        return -(forget_term + alpha * anchor_term - lam * penalty)
    optimise(model, task, steps=steps, lr=lr, batch_size=batch_size, seed=seed, loss=loss)
