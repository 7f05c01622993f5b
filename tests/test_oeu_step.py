"""OEU's actual parameter step against the paper's update rule, Eq. (12) (chapter 3, equation ``ch3-update``).

Eq. (12) of the OEU paper is ``theta_{t+1} = theta_t - eta (g^_f + g_r)``, with ``g^_f`` the layer-wise
projection of Eqs. (9)-(10) (chapter 3, ``ch3-gop-normalise`` and ``ch3-gop-layerwise``). Here every
gradient and every projection is written out again from the paper's formulas, in float64, without
calling ``helpers.unlearn.gop`` or the loop's own gradient code, and compared with the change that one real
OEU step makes to a tiny model's parameters. With a batch at least as large as ``D_f`` and ``D_r``,
one epoch is exactly one step on the whole of both sets, so the batch order cannot matter.

The book's OEU steps with SGD (momentum 0.9, weight decay 5e-4) after clipping the gradient norm;
the main tests swap in a plain SGD (no momentum, no weight decay), for which Eq. (12) is exact, and
separate tests pin down what the real optimiser adds on its first step and what clipping does.
"""
from __future__ import annotations

import pytest
import torch
from torch import nn
from tiny import TinySet as _TinySet

import helpers.unlearn.loop as loop_module
from helpers.chapters.gradient_conflict import monitored_oeu
from helpers.train import CLIP_GRAD_NORM
from helpers.unlearn import Task, unlearn

LR = 0.05
TIGHT = dict(rtol=0, atol=1e-12)          # float64: the step must agree to rounding


def float64_set(n, seed, scale=1.0):
    """Four features in float64, three classes."""
    return _TinySet(n, seed, dim=4, scale=scale, dtype=torch.float64)


def tiny_model(seed=0):
    """No BatchNorm, no dropout: train and eval mode compute the same function."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)).double()


def plain_sgd(name, params, lr, weight_decay):
    """SGD without momentum and without weight decay: the step is exactly ``-lr * grad``."""
    return torch.optim.SGD(params, lr=lr, momentum=0.0, weight_decay=0.0)


@pytest.fixture
def plain(monkeypatch):
    monkeypatch.setattr(loop_module, "make_optimizer", plain_sgd)


@pytest.fixture
def sets():
    return float64_set(12, 1), float64_set(30, 2)


# ----------------------------------------------------------------- the paper's formulas, written out again
def paper_gradients(model, forget_set, retain_set):
    """``g_f`` of Eq. (7) (minus the mean entropy over all of D_f) and ``g_r`` (mean cross-entropy over D_r)."""
    params = list(model.parameters())
    p = torch.softmax(model(forget_set.data), dim=1)
    forget_loss = (p * torch.log(p)).sum(dim=1).mean()                       # -mean H(p), Eq. (7)
    log_p = torch.log_softmax(model(retain_set.data), dim=1)
    retain_loss = -log_p[torch.arange(len(retain_set)), retain_set.targets].mean()
    g_f = torch.autograd.grad(forget_loss, params)
    g_r = torch.autograd.grad(retain_loss, params)
    return [g.detach() for g in g_f], [g.detach() for g in g_r]


def paper_layerwise(g_f, g_r, alpha=1.0, eps=1e-8):
    """Eqs. (9)-(10) for each layer, with the strength ``alpha`` of Sec. 4.3."""
    out = []
    for f, r in zip(g_f, g_r):
        norm_f, norm_r = torch.sqrt((f * f).sum()), torch.sqrt((r * r).sum())
        unit_f, unit_r = f / (norm_f + eps), r / (norm_r + eps)                      # Eq. (9)
        perp = unit_f - alpha * (unit_f * unit_r).sum() * unit_r                      # Eq. (10), left
        out.append(perp * norm_f)                                                    # Eq. (10), right
    return out


def paper_global(g_f, g_r, alpha=1.0):
    """Eq. (8) on all parameters at once: one inner product and one norm over the whole model."""
    dot = sum((f * r).sum() for f, r in zip(g_f, g_r))
    norm2 = sum((r * r).sum() for r in g_r)
    return [f - alpha * dot / norm2 * r for f, r in zip(g_f, g_r)]


def expected_step(g_hat, g_r, beta=1.0, lr=LR):
    """Eq. (12) (with ``beta`` weighting ``g_r`` as in Eq. 11): ``-lr * (g^_f + beta * g_r)`` per tensor."""
    return [-lr * (h + beta * r) for h, r in zip(g_hat, g_r)]


def actual_step(before, after):
    return [(b - a).detach() for a, b in zip(before.parameters(), after.parameters())]


def total_norm(tensors):
    return float(torch.sqrt(sum((t * t).sum() for t in tensors)))


PROJECTIONS = {"layer-wise": paper_layerwise, "global": paper_global, "none": lambda f, r, alpha=1.0: list(f)}


def one_step(entry, projection, model, forget_set, retain_set, **hp):
    """One OEU step (one epoch, one batch holding all of D_f and all of D_r) through ``entry``."""
    big = max(len(forget_set), len(retain_set))
    settings = dict(epochs=1, lr=LR, batch_size=big, seed=3, **hp)
    if entry == "unlearn":
        method = {"layer-wise": "oeu", "global": "oeu_global_gop", "none": "oeu_no_gop"}[projection]
        if projection == "none":
            settings.pop("alpha", None)
        return unlearn(method, model, Task(forget_set, retain_set), **settings)
    return monitored_oeu(model, forget_set, retain_set, projection=projection, **settings)[0]


# ----------------------------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("entry", ["unlearn", "monitored_oeu"])
@pytest.mark.parametrize("projection", ["layer-wise", "global", "none"])
def test_one_step_is_eq_12(plain, sets, entry, projection):
    """The parameter change of one step equals -eta (g^_f + g_r), g^_f projected as the method says."""
    forget_set, retain_set = sets
    model = tiny_model()
    g_f, g_r = paper_gradients(model, forget_set, retain_set)
    expected = expected_step(PROJECTIONS[projection](g_f, g_r), g_r)
    assert total_norm(expected) / LR < CLIP_GRAD_NORM                 # clipping is a no-op on this step
    new = one_step(entry, projection, model, forget_set, retain_set, alpha=1.0, beta=1.0)
    moved = actual_step(model, new)
    for got, want in zip(moved, expected, strict=True):
        torch.testing.assert_close(got, want, **TIGHT)
    assert total_norm(moved) > 1e-4                                   # it did move


def test_the_projection_matters_on_this_problem(sets):
    """The three directions differ here (else the test above could not tell them apart)."""
    g_f, g_r = paper_gradients(tiny_model(), *sets)
    cosines = [float((f * r).sum() / (f.norm() * r.norm())) for f, r in zip(g_f, g_r)]
    assert any(c < -0.05 for c in cosines)                           # some layer conflicts
    steps = {p: expected_step(fn(g_f, g_r), g_r) for p, fn in PROJECTIONS.items()}
    for a in steps:
        for b in steps:
            if a < b:
                diff = total_norm([x - y for x, y in zip(steps[a], steps[b])])
                assert diff > 1e-3 * total_norm(steps[a]), (a, b)


@pytest.mark.parametrize("alpha, beta", [(0.5, 1.0), (1.0, 2.0), (0.0, 0.5)])
def test_strength_alpha_and_weight_beta(plain, sets, alpha, beta):
    """alpha scales the removed component (Sec. 4.3), beta weights g_r (Eq. 11); alpha = 0 is no projection."""
    forget_set, retain_set = sets
    model = tiny_model(1)
    g_f, g_r = paper_gradients(model, forget_set, retain_set)
    expected = expected_step(paper_layerwise(g_f, g_r, alpha), g_r, beta)
    new = unlearn("oeu", model, Task(forget_set, retain_set), seed=0, epochs=1, lr=LR, batch_size=64,
                  alpha=alpha, beta=beta)
    for got, want in zip(actual_step(model, new), expected, strict=True):
        torch.testing.assert_close(got, want, **TIGHT)


def test_the_second_step_uses_fresh_gradients(plain, sets):
    """Two epochs: the second step is Eq. (12) again, at the parameters the first step reached."""
    forget_set, retain_set = sets
    model = tiny_model(2)
    middle = tiny_model(2)
    g_f, g_r = paper_gradients(model, forget_set, retain_set)
    with torch.no_grad():
        for p, d in zip(middle.parameters(), expected_step(paper_layerwise(g_f, g_r), g_r)):
            p += d
    g_f2, g_r2 = paper_gradients(middle, forget_set, retain_set)
    expected = expected_step(paper_layerwise(g_f2, g_r2), g_r2)
    new = unlearn("oeu", model, Task(forget_set, retain_set), seed=0, epochs=2, lr=LR, batch_size=64)
    for got, want in zip(actual_step(middle, new), expected, strict=True):
        torch.testing.assert_close(got, want, rtol=0, atol=1e-10)


def test_the_books_optimiser_adds_weight_decay_to_eq_12(sets):
    """Unpatched (momentum 0.9, weight decay 5e-4): the first step is -eta (g^_f + g_r + 5e-4 theta).

    Momentum has no history on the first step, so only the weight decay separates it from Eq. (12).
    """
    forget_set, retain_set = sets
    model = tiny_model(3)
    g_f, g_r = paper_gradients(model, forget_set, retain_set)
    expected = [-LR * (h + r + 5e-4 * p.detach())
                for h, r, p in zip(paper_layerwise(g_f, g_r), g_r, model.parameters())]
    new = unlearn("oeu", model, Task(forget_set, retain_set), seed=0, epochs=1, lr=LR, batch_size=64)
    moved = actual_step(model, new)
    for got, want in zip(moved, expected, strict=True):
        torch.testing.assert_close(got, want, **TIGHT)
    plain_rule = expected_step(paper_layerwise(g_f, g_r), g_r)
    assert total_norm([m - e for m, e in zip(moved, plain_rule)]) > 1e-7           # not Eq. (12) itself


def test_a_long_step_is_clipped_to_the_clip_norm(plain):
    """When |g^_f + g_r| exceeds CLIP_GRAD_NORM, the step keeps its direction and has length eta * clip."""
    forget_set, retain_set = float64_set(12, 1, scale=3.0), float64_set(30, 2, scale=3.0)
    model = tiny_model(4)
    with torch.no_grad():
        model[2].weight.mul_(30.0)                                      # confident, hence steep, outputs
    g_f, g_r = paper_gradients(model, forget_set, retain_set)
    direction = [h + r for h, r in zip(paper_layerwise(g_f, g_r), g_r)]
    length = total_norm(direction)
    assert length > 2 * CLIP_GRAD_NORM                                 # this problem does need clipping
    expected = [-LR * CLIP_GRAD_NORM / (length + 1e-6) * d for d in direction]     # torch's clip adds 1e-6
    new = unlearn("oeu", model, Task(forget_set, retain_set), seed=0, epochs=1, lr=LR, batch_size=64)
    for got, want in zip(actual_step(model, new), expected, strict=True):
        torch.testing.assert_close(got, want, **TIGHT)
