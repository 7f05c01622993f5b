"""Tests for the forgetting objectives (EGU, OEU Eqs. 5-7, Thms 4.1-4.2; random and similar labels) and GOP
(helpers.unlearn.gop, Eqs. 8-10, Thms 4.3-4.4)."""
from __future__ import annotations

import math

import pytest
import torch

from helpers.metrics.divergence import entropy, kl_to_uniform
from helpers.unlearn.egu import egu_loss
from helpers.unlearn.gop import layer_cosines, project, project_global, project_layerwise
from helpers.unlearn.qmul import similar_labels
from helpers.unlearn.relabel import random_labels


@pytest.mark.parametrize("K", [2, 10, 100])
def test_entropy_of_uniform_logits_is_log_k(K):
    logits = torch.full((3, K), 1.7)
    assert torch.allclose(entropy(logits), torch.full((3,), math.log(K)), atol=1e-6)
    assert torch.allclose(kl_to_uniform(logits), torch.zeros(3), atol=1e-6)


def test_entropy_of_a_one_hot_prediction_is_zero_and_kl_is_log_k():
    logits = torch.tensor([[50.0, 0.0, 0.0, 0.0]])
    assert entropy(logits).item() == pytest.approx(0.0, abs=1e-6)
    assert kl_to_uniform(logits).item() == pytest.approx(math.log(4), abs=1e-5)                   # Thm 4.1


def test_egu_steps_move_a_peaked_prediction_toward_uniform():
    logits = torch.tensor([[4.0, 0.5, -1.0, 0.0, 2.0]], requires_grad=True)
    h0 = entropy(logits).item()
    for _ in range(200):
        (grad,) = torch.autograd.grad(egu_loss(logits), logits)
        with torch.no_grad():
            logits -= 0.5 * grad
    assert entropy(logits).item() > h0
    assert entropy(logits).item() == pytest.approx(math.log(5), abs=1e-3)          # Thm 4.2


def test_random_labels_are_wrong_and_uniform():
    y = torch.arange(10).repeat(2000)
    r = random_labels(y, 10, torch.Generator().manual_seed(0))
    assert (r != y).all()
    counts = torch.bincount(r[y == 3], minlength=10).float()
    assert counts[3] == 0 and (counts[counts > 0] / counts.sum() - 1 / 9).abs().max() < 0.03


def test_similar_labels_pick_the_most_likely_wrong_class():
    logits = torch.tensor([[5.0, 3.0, 1.0], [0.0, 2.0, 9.0]])
    assert similar_labels(logits, torch.tensor([0, 2])).tolist() == [1, 1]


def _random_grads(seed, shapes=((4, 3), (5,), (2, 2, 3))):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(s, generator=g) for s in shapes]


def test_layerwise_projection_is_orthogonal_in_every_layer_and_keeps_norms():
    g_f, g_r = _random_grads(0), _random_grads(1)
    out = project_layerwise(g_f, g_r, alpha=1.0)
    for f, r, o in zip(g_f, g_r, out):
        assert abs((o * r).sum().item()) < 1e-5 * o.norm().item() * r.norm().item()
        unit_perp = (f / f.norm()) - ((f / f.norm()) * (r / r.norm())).sum() * (r / r.norm())
        assert o.norm().item() == pytest.approx(unit_perp.norm().item() * f.norm().item(), rel=1e-5)
    assert torch.isnan(layer_cosines(out, g_r)).sum() == 0
    assert layer_cosines(out, g_r).abs().max() < 1e-5


def test_alpha_zero_is_the_identity():
    g_f, g_r = _random_grads(2), _random_grads(3)
    for o, f in zip(project_layerwise(g_f, g_r, alpha=0.0), g_f):
        assert torch.allclose(o, f, atol=1e-6)
    assert torch.allclose(project(g_f[0], g_r[0], alpha=0.0), g_f[0])


def test_global_projection_eq8_and_theorems_4_3_4_4():
    f, r = torch.randn(50, generator=torch.Generator().manual_seed(4)), torch.randn(50)
    p = project(f, r)
    assert abs(torch.dot(p, r).item()) < 1e-4                                        # Thm 4.3
    cos = torch.dot(f, r) / (f.norm() * r.norm())
    assert torch.dot(f, p).item() == pytest.approx((f.norm() ** 2 * (1 - cos ** 2)).item(), rel=1e-4)  # Thm 4.4
    half = project(f, r, alpha=0.5)
    assert torch.allclose(half, f - 0.5 * torch.dot(f, r) / torch.dot(r, r) * r)
    pieces = project_global([f[:20].view(4, 5), f[20:]], [r[:20].view(4, 5), r[20:]])    # one Eq. (8) over both
    by_hand = f - torch.dot(f, r) / torch.dot(r, r) * r
    assert pieces[0].shape == (4, 5) and torch.allclose(torch.cat([pieces[0].flatten(), pieces[1]]), by_hand, atol=1e-6)
    per_piece = torch.cat([project(f[:20], r[:20]), project(f[20:], r[20:])])             # not the same thing
    assert not torch.allclose(per_piece, by_hand, atol=1e-3)


def test_projection_edge_cases_and_errors():
    f = torch.randn(6)
    assert torch.equal(project(f, torch.zeros(6)), f)                                 # g_r = 0: unchanged
    assert torch.isnan(layer_cosines([f, f], [torch.zeros(6), f]))[0] and layer_cosines([f], [f])[0] > 0.999
    with pytest.raises(ValueError, match="alpha must lie in"):
        project(f, f, alpha=1.5)
    with pytest.raises(ValueError, match="alpha"):
        project_layerwise([f], [f], alpha=-0.1)
