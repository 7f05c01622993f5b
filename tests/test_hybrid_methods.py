"""The hybrid method suite's contract: a new model, an untouched input, forgetting in the right direction,
an oracle that never sees D_f, and clear errors."""
from __future__ import annotations

import pytest
import torch

from helpers.hybrid import accuracy, hybrid_model, load_hybrid, make_split, train_oracle, train_original
from helpers.hybrid.experiment import HYBRID_RECIPES, METHOD_ORDER
from helpers.unlearn import METHODS, Task, training_task, unlearn

# Stronger than the chapter's budgets, so that every method visibly moves on this small problem.
STRONG = dict(steps=25, lr=0.05)


@pytest.fixture(scope="module")
def iris():
    data = load_hybrid("iris", seed=0)
    original = train_original(data, seed=0, epochs=20)
    split = make_split(data, "B", forget_class=0)
    return data, original, split


def forget_accuracy(model, data, split):
    return accuracy(model, data.X_train[split.forget_idx], data.y_train[split.forget_idx])


def test_every_method_of_the_chapter_is_registered():
    assert set(METHOD_ORDER) <= set(METHODS) and set(HYBRID_RECIPES) <= set(METHOD_ORDER)


@pytest.mark.parametrize("method", METHOD_ORDER)
def test_method_returns_a_new_model_and_forgets(iris, method):
    data, original, split = iris
    before = {k: v.clone() for k, v in original.state_dict().items()}
    acc_before = forget_accuracy(original, data, split)
    new = unlearn(method, original, training_task(data, split.forget_idx, split.forget_class), seed=0, **{**HYBRID_RECIPES.get(method, {}), **STRONG})
    assert new is not original and new.quantum is not original.quantum
    after = original.state_dict()
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before), \
        f"{method} modified its input model"
    assert any(not torch.equal(before[k], v) for k, v in new.state_dict().items()), f"{method} changed nothing"
    assert all(p.requires_grad for p in new.parameters()), f"{method} left parameters frozen"
    assert acc_before > 0.9
    assert forget_accuracy(new, data, split) < acc_before, f"{method} did not lower the forget accuracy"


def test_oracle_never_sees_the_forget_set(iris):
    """Poison D_f with NaN: a model that touched it would have NaN weights."""
    data, _, split = iris
    poisoned = load_hybrid("iris", seed=0)
    poisoned.X_train[split.forget_idx] = float("nan")
    oracle = train_oracle(poisoned, split, seed=0, epochs=3)
    assert all(torch.isfinite(p).all() for p in oracle.parameters())
    probe = load_hybrid("iris", seed=0)
    probe.X_val[probe.y_val == 0] = float("nan")                    # scenario B: no class-0 validation either
    train_oracle(probe, split, seed=0, epochs=2)


def test_clear_errors(iris):
    data, original, split = iris
    task = training_task(data, split.forget_idx, split.forget_class)
    with pytest.raises(ValueError, match="unknown unlearning method 'retrain_hybrid'.*'eu_k'"):
        unlearn("retrain_hybrid", original, task)
    with pytest.raises(ValueError, match="retrain trains a quantized network.*helpers.hybrid.train_oracle"):
        unlearn("retrain", original, task)
    with pytest.raises(ValueError, match="ga has no hyper-parameter.*'momentum'"):
        unlearn("ga", original, task, momentum=0.9)
    with pytest.raises(ValueError, match="k must be in 1..3"):
        unlearn("eu_k", original, task, k=4)
    with pytest.raises(ValueError, match="needs a helpers.unlearn.Task"):
        unlearn("ga", original, data)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        unlearn("oeu", original, task, optimizer="rmsprop")
    with pytest.raises(ValueError, match="adv_uniform needs the task's input_range"):
        unlearn("adv_uniform", original, Task(task.forget_set, task.retain_set))
    with pytest.raises(ValueError, match="retain_set is empty"):
        Task(task.forget_set, task.retain_set.__class__(data.X_train[:0], data.y_train[:0], 3))
    for bad in (3, -1, 1.0):
        with pytest.raises(ValueError, match="forget_class must be an integer class index in 0..2"):
            make_split(data, "B", forget_class=bad)
    for bad in (0.0, 1.0, 1.5, "2%"):
        with pytest.raises(ValueError, match="ratio must be a number strictly between 0 and 1"):
            make_split(data, "A", ratio=bad)
    with pytest.raises(ValueError, match="unknown scenario 'C'"):
        make_split(data, "C")
    with pytest.raises(ValueError, match="unknown dataset 'cifar10'"):
        load_hybrid("cifar10")
    with pytest.raises(ValueError, match=r"in_shape must be \(F,\) for features or \(C, H, W\) for images, got \(8, 8\)"):
        hybrid_model(3, in_shape=(8, 8))


def test_scenario_a_is_stratified_and_disjoint():
    data = load_hybrid("digits", seed=0)
    split = make_split(data, "A", ratio=0.02, seed=1)
    f, r = split.forget_idx, split.retain_idx
    assert len(set(f.tolist()) & set(r.tolist())) == 0 and len(f) + len(r) == len(data.y_train)
    assert set(data.y_train[f].tolist()) == set(range(10))            # every class is represented
    assert len(f) == pytest.approx(0.02 * len(data.y_train), abs=10)


def test_the_oracle_never_starts_from_the_originals_weights_or_batch_order(monkeypatch):
    """Capture each model's starting weights and its stream (the seed of its weights and of its batch
    order) as ``hybrid_model`` receives them."""
    from helpers.hybrid import training

    starts = []
    real_model = training.hybrid_model

    def capture(*args, seed, **kwargs):
        model = real_model(*args, seed=seed, **kwargs)
        starts.append(({k: v.clone() for k, v in model.state_dict().items()}, seed))
        return model

    monkeypatch.setattr(training, "hybrid_model", capture)
    data = load_hybrid("iris", seed=1)
    split = make_split(data, "A", seed=1)
    training.train_original(data, seed=1, epochs=0)
    training.train_oracle(data, split, seed=1, epochs=0)
    training.train_oracle(data, split, seed=1, replica=1, epochs=0)
    (original, s_original), (oracle, s_oracle), (oracle_1, s_oracle_1) = starts
    assert len({s_original, s_oracle, s_oracle_1}) == 3
    for k in original:
        assert not torch.equal(original[k], oracle[k]), f"{k}: the oracle starts from the original's weights"
        assert not torch.equal(oracle[k], oracle_1[k]), f"{k}: the two oracles start alike"


def test_unlearning_draws_from_its_own_stream(iris, monkeypatch):
    """The method receives derive_seed(seed, "unlearn", replica), not the experiment seed; replicas differ."""
    from helpers.seeds import derive_seed
    from helpers.unlearn import base

    data, original, split = iris
    received = []
    monkeypatch.setitem(base.METHODS, "spy", lambda model, task, *, seed: received.append(seed))
    monkeypatch.setitem(base.DEFAULTS, "spy", {})
    task = training_task(data, split.forget_idx, split.forget_class)
    unlearn("spy", original, task, seed=1)
    unlearn("spy", original, task, seed=1, replica=1)
    assert received == [derive_seed(1, "unlearn"), derive_seed(1, "unlearn", 1)] and 1 not in received
    runs = [unlearn("certified", original, task, seed=1, replica=r, steps=3) for r in (0, 0, 1)]
    same, other = (all(torch.equal(a, b) for a, b in zip(runs[0].parameters(), m.parameters())) for m in runs[1:])
    assert same and not other


def test_cf_k_freezes_the_front_only_for_its_run(iris):
    """CF-k updates the last k blocks; afterwards every parameter is as trainable as it was before,
    a parameter frozen beforehand included (it is neither updated nor thawed)."""
    import copy

    data, original, split = iris
    model = copy.deepcopy(original)
    model.blocks[-1].bias.requires_grad_(False)
    new = unlearn("cf_k", model, training_task(data, split.forget_idx, split.forget_class), seed=0, k=1, steps=3)
    assert [p.requires_grad for p in new.parameters()] == [p.requires_grad for p in model.parameters()]
    assert torch.equal(new.blocks[-1].bias, model.blocks[-1].bias)                       # frozen before: untouched
    assert not torch.equal(new.blocks[-1].weight, model.blocks[-1].weight)               # the head moved
    assert all(torch.equal(a, b) for a, b in zip(new.blocks[0].parameters(), model.blocks[0].parameters()))


def test_running_in_this_process_leaves_the_thread_count_as_it_was(monkeypatch):
    """run() trains on one thread; in the caller's process it must give the thread count back (the result
    cache's keys include it: a leaked 1 made later cells miss the cache)."""
    import pandas as pd
    import torch

    from helpers.hybrid import experiment as E

    seen = []
    monkeypatch.setattr(E, "_run_datasets_one_thread",
                        lambda *args: seen.append(torch.get_num_threads()) or (pd.DataFrame(), pd.DataFrame()))
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        E._run_datasets(("iris",), ("A",), 0, (1,), (), False)
        assert seen == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
