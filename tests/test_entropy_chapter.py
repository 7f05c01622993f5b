"""Tests for helpers.chapters.forget_objectives and helpers.plots.entropy (chapter 2: OEU Sec. 4.2, Thms 4.1-4.2, Props A.5-A.6)."""
from __future__ import annotations

import math

import matplotlib
import pytest
import torch
from torch import nn

matplotlib.use("Agg")

from helpers.chapters.forget_objectives import (  # noqa: E402
    entropy_loss_gradient,
    expected_random_label_target,
    gradient_norms,
    optimize_logits,
    output_summary,
    sampled_random_label_target,
    unlearn_with_objective,
)
from helpers.data import forget_split, load_dataset  # noqa: E402
from helpers.metrics.divergence import entropy, kl_divergence, kl_to_uniform  # noqa: E402
from helpers.plots import (  # noqa: E402
    plot_entropy_histograms,
    plot_logit_paths,
    plot_output_distributions,
    plot_target_bias,
)
from helpers.train import predict, seed_everything, train  # noqa: E402
from tiny import tiny_forgetting_problem  # noqa: E402


def test_kl_divergence_uses_zero_log_zero_and_agrees_with_kl_to_uniform():
    p = torch.tensor([0.0, 0.25, 0.75])
    u = torch.full((3,), 1 / 3)
    expected = 0.25 * math.log(0.25 * 3) + 0.75 * math.log(0.75 * 3)
    assert kl_divergence(p, u).item() == pytest.approx(expected, abs=1e-6)
    q = torch.tensor([0.2, 0.3, 0.5])                                   # kl_to_uniform takes logits
    assert kl_divergence(q, u).item() == pytest.approx(kl_to_uniform(q.log()).item(), abs=1e-6)
    assert kl_divergence(p, p).item() == pytest.approx(0.0, abs=1e-7)
    assert math.isinf(kl_divergence(u, p).item())                     # q = 0 where p > 0


def test_kl_divergence_is_never_negative_near_uniform():
    u = torch.full((10,), 0.1)
    near = (1e-4 * torch.randn(200, 10, generator=torch.Generator().manual_seed(0))).softmax(-1)
    kl = kl_divergence(near, u)                     # float rounding alone would make some of these < 0
    assert (kl >= 0).all() and kl.max().item() < 1e-6


@pytest.mark.parametrize("K", [2, 10, 100])
def test_expected_random_label_target_is_eq_24_and_its_kl_is_log_k_over_k_minus_1(K):
    p_bar = expected_random_label_target(3 % K, K)
    assert p_bar[3 % K] == 0 and p_bar.sum().item() == pytest.approx(1.0)
    assert torch.allclose(p_bar[torch.arange(K) != 3 % K], torch.full((K - 1,), 1 / (K - 1)))
    kl = kl_divergence(p_bar, torch.full((K,), 1 / K)).item()
    assert kl == pytest.approx(math.log(K / (K - 1)), abs=1e-6)        # Prop. A.6, Eq. (25)
    assert kl > 0


def test_sampled_random_labels_average_to_the_expected_target():
    sampled = sampled_random_label_target(4, 10, draws=40_000, seed=0)
    assert sampled[4] == 0
    assert torch.allclose(sampled, expected_random_label_target(4, 10), atol=0.01)


def test_closed_form_entropy_gradient_matches_autograd_and_vanishes_at_uniform():
    z = torch.tensor([[3.0, 0.5, -1.0, 0.0, 2.0], [0.1, 0.2, 0.3, -4.0, 1.0]], requires_grad=True)
    (auto,) = torch.autograd.grad(-entropy(z).sum(), z)
    assert torch.allclose(entropy_loss_gradient(z.detach()), auto, atol=1e-6)
    assert torch.allclose(entropy_loss_gradient(torch.full((1, 7), 2.5)), torch.zeros(1, 7), atol=1e-7)
    step = z.detach() - 0.1 * entropy_loss_gradient(z.detach())
    assert (entropy(step) > entropy(z.detach())).all()                 # descent flattens p


def test_free_logits_reach_the_optima_of_theorems_4_1_and_4_2():
    z0 = torch.tensor([4.0, 1.0, 0.0, -1.0, 0.5, 0.0, 0.0, -2.0, 1.5, 0.2])
    K = len(z0)
    egu = optimize_logits(z0, "entropy", steps=300)
    assert egu["H"][-1] == pytest.approx(math.log(K), abs=1e-3) and egu["KL"][-1] < 1e-3   # Thm 4.2
    rl = optimize_logits(z0, "random", target=7, steps=2000)
    assert rl["H"][-1] < 0.05 and rl["KL"][-1] > math.log(K) - 0.05                           # Thm 4.1
    assert len(rl["H"]) == 2001
    with pytest.raises(AssertionError, match="needs its labels"):
        optimize_logits(z0, "similar")


@pytest.fixture(scope="module")
def small():
    model, forget_set, retain_set, _ = tiny_forgetting_problem(200)
    return model, forget_set, retain_set


def test_entropy_objective_flattens_the_forget_predictions_and_leaves_the_input(trained_mlp):
    """Eq. (7) raises the entropy of D_f's predictions (with no labels to memorise) while the
    retain step keeps the retain set classified; the model passed in is not modified."""
    model, forget_set, retain_set = trained_mlp
    before = {k: v.clone() for k, v in model.state_dict().items()}
    new, targets = unlearn_with_objective("entropy", model, forget_set, retain_set,
                                          seed=0, epochs=8, lr=0.01, batch_size=10)
    assert targets is None
    h_before, h_after = (entropy(predict(m, forget_set)).mean().item() for m in (model, new))
    assert h_after > 2 * h_before, (h_before, h_after)             # measured: 0.16 -> 0.49 nats

    def retain_accuracy(m):
        return (predict(m, retain_set).argmax(-1) == retain_set.targets).float().mean().item()

    assert retain_accuracy(new) >= retain_accuracy(model) - 0.05    # measured: 98.5 % -> 96.7 %
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())     # input untouched


@pytest.fixture(scope="module")
def trained_mlp():
    """A small MLP trained on 300 digits (it classifies its forget set correctly), and a 10 % forget split."""
    data = load_dataset("digits")
    train_set = data.train.subset(range(300))
    seed_everything(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    train(model, train_set, epochs=10, lr=0.05, batch_size=32, progress=False)
    model.eval()
    f_idx, r_idx = forget_split(train_set.targets, ratio=0.1, seed=0)
    return model, train_set.subset(f_idx), train_set.subset(r_idx)


@pytest.mark.parametrize("objective", ["random", "similar"])
def test_label_objectives_move_the_trained_model_towards_the_wrong_labels(trained_mlp, objective):
    model, forget_set, retain_set = trained_mlp
    budget = dict(seed=0, epochs=8, lr=0.1, batch_size=10)
    new, targets = unlearn_with_objective(objective, model, forget_set, retain_set, **budget)
    assert targets.shape == forget_set.targets.shape and (targets != forget_set.targets).all()

    def share_on_new_labels(m):
        return (predict(m, forget_set).argmax(-1) == targets).float().mean().item()

    before, after = share_on_new_labels(model), share_on_new_labels(new)
    control, _ = unlearn_with_objective("entropy", model, forget_set, retain_set, **budget)   # same loop, no labels
    assert before <= 0.05                              # the trained model predicts the true labels, not these
    assert after >= before + 0.25, (before, after)     # it now predicts the wrong labels it was trained towards
    assert after >= share_on_new_labels(control) + 0.2
    with pytest.raises(ValueError, match="unknown objective"):
        unlearn_with_objective("gradient ascent", model, forget_set, retain_set)


def test_gradient_norms_leave_the_model_untouched(small):
    model, forget_set, retain_set = small
    before = {k: v.clone() for k, v in model.state_dict().items()}          # weights and BatchNorm buffers
    norms = gradient_norms(model, forget_set, retain_set, seed=0)
    assert set(norms) == {"retain", "random", "similar", "entropy"}
    assert all(math.isfinite(v) and v > 0 for v in norms.values())
    assert gradient_norms(model, forget_set, retain_set, objectives=("entropy",), seed=0) == {
        "retain": norms["retain"], "entropy": norms["entropy"]}
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    assert not model.training


def test_output_summary_of_uniform_and_one_hot_logits():
    labels = torch.tensor([0, 1])
    uniform = output_summary(torch.zeros(2, 4), labels)
    assert uniform["mean H"] == pytest.approx(math.log(4), abs=1e-6) and uniform["mean KL(p||U)"] < 1e-6
    peaked = output_summary(torch.tensor([[30.0, 0, 0, 0], [0, 30.0, 0, 0]]), labels)
    assert peaked["predicts true label %"] == 100.0 and peaked["mean KL(p||U)"] == pytest.approx(math.log(4), abs=1e-4)
    relabelled = output_summary(torch.tensor([[30.0, 0, 0, 0], [0, 30.0, 0, 0]]), labels, torch.tensor([0, 2]))
    assert relabelled["predicts its new label %"] == 50.0 and "predicts its new label %" not in peaked


def test_plots_draw_one_panel_per_entry():
    p = torch.softmax(torch.randn(10), -1).numpy()
    fig = plot_output_distributions({"a": p, "b": p, "c": p}, true_class=2, targets={"b": 5})
    assert len(fig.axes) == 3
    bars = fig.axes[1].patches
    assert bars[5].get_facecolor() != bars[0].get_facecolor() != bars[2].get_facecolor()
    (marker,) = fig.axes[1].lines[:1]                                   # the target is marked even at p ~ 0
    assert list(marker.get_xdata()) == [5] and not fig.axes[0].lines[:-1]
    assert len(plot_entropy_histograms({"x": [0.1, 2.0], "y": [1.0]}, 10).axes) == 2
    path = optimize_logits(torch.randn(10), "entropy", steps=5)
    assert len(plot_logit_paths({"EGU": path}, 10).axes) == 2
    p_bar = expected_random_label_target(0, 10).numpy()
    assert len(plot_target_bias(p_bar, p_bar, p_bar, 0).axes) == 2
    fig = plot_target_bias(p_bar, p_bar, p_bar, 0, random_share=p_bar)
    assert len(fig.axes[1].patches) == 2 * len(p_bar)
    assert plot_logit_paths({"EGU": path}, 10).axes[0].get_xlim() == (0, 5)
