"""The book's one training loop (helpers.train.training_loop) and its best-validation checkpoint, and the
three trainers that run it: the quantized networks' train, the VQC's train_vqc and the hybrids' training."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

import helpers.hybrid.training as hybrid_training
import helpers.quantum.batched as batched_module
from helpers.data import load_tabular
from helpers.hybrid import load_hybrid, train_original
from helpers.quantum import train_vqc
from helpers.train import BestValidation, training_loop


def line_fit(epochs=3, n=10, batch_size=4, **loop):
    """A one-weight regression y = 2x trained by training_loop with SGD; returns what the steps saw."""
    w = torch.zeros(1, requires_grad=True)
    x = torch.linspace(-1, 1, n)
    optimizer = torch.optim.SGD([w], lr=0.1)
    seen = []

    def batch_loss(idx):
        seen.append((idx.tolist(), optimizer.param_groups[0]["lr"], w.item()))
        return ((w * x[idx] - 2 * x[idx]) ** 2).mean()

    losses = training_loop([w], batch_loss, epochs, lambda: torch.arange(n).split(batch_size), optimizer, **loop)
    return w, losses, seen, optimizer


def test_every_batch_of_every_epoch_is_one_step_with_its_loss():
    w, losses, seen, _ = line_fit(epochs=3)
    assert [len(epoch) for epoch in losses] == [3, 3, 3]                # 10 samples in batches of 4: 3 steps
    assert [idx for idx, _, _ in seen[:3]] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert len({weight for _, _, weight in seen}) == 9                  # the weight moved after every step
    assert losses[-1][-1] < losses[0][0] and abs(w.item() - 2) < abs(0 - 2)


def test_the_schedule_steps_after_every_step():
    _, _, seen, _ = line_fit(epochs=2)
    assert {lr for _, lr, _ in seen} == {0.1}                             # no schedule: a fixed learning rate
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=6)
    lrs = []

    def batch_loss(_):
        lrs.append(optimizer.param_groups[0]["lr"])
        return (w - 1).pow(2).sum()
    training_loop([w], batch_loss, 3, lambda: [None, None], optimizer, schedule=schedule)
    assert lrs == pytest.approx([0.1 * (1 + math.cos(math.pi * k / 6)) / 2 for k in range(6)])


def test_clipping_bounds_the_gradient_norm():
    w = torch.zeros(3, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=1.0)
    training_loop([w], lambda _: (w * torch.tensor([300.0, -400.0, 0.0])).sum(), 1, lambda: [None], optimizer,
                  clip_grad_norm=5.0)
    assert torch.allclose(w.detach(), torch.tensor([-3.0, 4.0, 0.0]))    # gradient (300, -400, 0) clipped to norm 5
    w.grad = None
    training_loop([w], lambda _: (w * torch.tensor([300.0, -400.0, 0.0])).sum(), 1, lambda: [None], optimizer)
    assert w.detach()[0] < -300                                           # no clipping by default


def test_one_loss_per_model_gives_each_model_its_own_gradient():
    a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([a, b], lr=0.5)
    training_loop([a, b], lambda _: torch.cat([(a - 1) ** 2, (b + 3) ** 2]), 1, lambda: [None], optimizer)
    assert a.item() == pytest.approx(1.0) and b.item() == pytest.approx(-3.0)


def scripted(values):
    """A validation loss that returns ``values`` one call after another."""
    values = iter(values)
    return lambda: next(values)


def test_best_validation_keeps_the_weights_with_the_lowest_loss_and_restores_them():
    w = torch.zeros(2)
    best = BestValidation([w], scripted([3.0, 1.0, 2.0, 1.0, 5.0]))
    for k in range(5):
        w.fill_(k)
        best.check()
    assert best.found_at == 1 and torch.equal(best.weights[0], torch.ones(2))    # a tie keeps the first
    assert [float(v) for v in best.losses] == [3.0, 1.0, 2.0, 1.0, 5.0]
    best.restore()
    assert torch.equal(w, torch.ones(2))


def test_best_validation_of_many_models_keeps_each_models_own_best():
    params = [torch.zeros(1), torch.zeros(1)]
    best = BestValidation(params, scripted([torch.tensor([2.0, 9.0]), torch.tensor([3.0, 1.0]),
                                            torch.tensor([1.0, 4.0])]))
    for k in range(3):
        for p in params:
            p.fill_(k)
        best.check()
    assert best.found_at.tolist() == [2, 1]
    assert [float(w) for w in best.weights] == [2.0, 1.0]


def test_the_checkpoint_validates_the_start_of_every_epoch():
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    validated = []
    best = BestValidation([w], lambda: validated.append(w.item()) or (w - 1).pow(2).sum())
    training_loop([w], lambda _: (w - 1).pow(2).sum(), 4, lambda: [None, None], optimizer, checkpoint=best)
    assert len(validated) == 4 and validated[0] == 0.0                  # θ_0, then after epochs 1, 2, 3
    assert best.found_at == 3 and best.weights[0].item() == validated[3]


def test_the_vqc_trains_with_adam_and_a_cosine_schedule_over_its_iterations(monkeypatch):
    calls = []

    def spy(parameters, batch_loss, epochs, epoch_batches, optimizer, **kwargs):
        calls.append((epochs, type(optimizer), kwargs["schedule"].T_max, kwargs["checkpoint"]))
        return real(parameters, batch_loss, epochs, epoch_batches, optimizer, **kwargs)
    real = batched_module.training_loop
    monkeypatch.setattr(batched_module, "training_loop", spy)
    iris = load_tabular("iris", seed=1)
    result = train_vqc(iris.X_train, iris.y_train, iris.X_val, iris.y_val, iterations=12, seed=2)
    (epochs, optimizer, t_max, best), = calls
    assert (epochs, optimizer, t_max) == (12, torch.optim.Adam, 12)
    assert len(best.losses) == 12 and len(result.history) == 12        # θ_0..θ_11: the final weights are not validated
    assert torch.equal(result.theta, best.weights[0]) and result.best_iteration == int(best.found_at[0])


def test_a_hybrid_is_returned_at_its_lowest_validation_loss(monkeypatch):
    checkpoints = []

    def spy(*args, checkpoint, **kwargs):
        checkpoints.append(checkpoint)
        return real(*args, checkpoint=checkpoint, **kwargs)
    real = hybrid_training.training_loop
    monkeypatch.setattr(hybrid_training, "training_loop", spy)
    data = load_hybrid("iris", seed=0)
    model = train_original(data, seed=1, epochs=6)
    (best,) = checkpoints
    assert len(best.losses) == 7                                        # the start and the end of every epoch
    with torch.no_grad():
        final = F.cross_entropy(model(data.X_val), data.y_val)
    assert final.item() == min(float(v) for v in best.losses) < float(best.losses[0])
    assert not model.training
