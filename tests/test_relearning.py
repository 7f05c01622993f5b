"""Tests for helpers.metrics.relearning: the attack's split of the forget set, the relearning curve and
its errors."""
from __future__ import annotations

import math

import pytest
import torch

from helpers.data import forget_split, load_dataset
from helpers.metrics.relearning import attack_split, check_steps, forget_accuracy, relearning_curve
from helpers.profiles import build_quantized
from helpers.train import seed_everything, train


@pytest.fixture(scope="module")
def problem():
    """``(model, forget_set, retain_set)``: a ResNet-18 W4A4 (width 1/8) trained for 2 epochs on the digits
    without class 3 (so its FA on class 3 is 0), the class-3 digits and the others."""
    data = load_dataset("digits")
    f_idx, r_idx = forget_split(data.train.targets, forget_class=3)
    forget_set, retain_set = data.train.subset(f_idx), data.train.subset(r_idx)
    seed_everything(0)
    model = build_quantized("resnet18-w4a4", 10, 1, 0.125)
    train(model, retain_set, epochs=2, lr=0.05, batch_size=64, progress=False)
    return model.eval(), forget_set, retain_set


@pytest.mark.parametrize("n, expected", [(146, 2), (100, 1), (101, 2), (250, 3), (7, 1)])
def test_attack_split_takes_one_percent_rounded_up(problem, n, expected):
    forget_set = problem[2].subset(range(n))
    attack, held_out = attack_split(forget_set, seed=5)
    assert (len(attack), len(held_out)) == (expected, n - expected)

    def rows(*sets):
        return sorted(tuple(row.tolist()) for ds in sets for row in ds.images.flatten(1))
    assert rows(attack, held_out) == rows(forget_set)                  # together, exactly the forget set


def test_attack_split_is_seeded(problem):
    forget_set = problem[1]
    draws = [attack_split(forget_set, 0.05, seed=s)[0].images for s in (1, 1, 2)]
    assert torch.equal(draws[0], draws[1]) and not torch.equal(draws[0], draws[2])


@pytest.mark.parametrize("share", [0, 1, -0.1, 1.5])
def test_attack_split_share_outside_zero_one_is_an_error(problem, share):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        attack_split(problem[1], share)


def test_attack_split_that_leaves_nothing_to_measure_is_an_error(problem):
    with pytest.raises(ValueError, match="leaves nothing to measure FA on"):
        attack_split(problem[1].subset([0]), 0.01)


@pytest.mark.parametrize("steps", [[], [-1, 5], [0, 2.5], [0, 5, 5], [True], "05"])
def test_bad_steps_are_errors(steps):
    with pytest.raises(ValueError, match="steps must"):
        check_steps(steps)


def test_check_steps_sorts():
    assert check_steps([50, 0, 5, 20]) == (0, 5, 20, 50)


def test_forget_samples_bring_the_class_back_and_the_model_is_untouched(problem):
    model, forget_set, retain_set = problem
    before = {k: v.clone() for k, v in model.state_dict().items()}
    attack, held_out = attack_split(forget_set, seed=0)
    curve = relearning_curve(model, attack, held_out, steps=(0, 5, 20, 50), seed=0)
    assert list(curve) == [0, 5, 20, 50]
    assert curve[0] == forget_accuracy(model, held_out) == 0.0          # never saw a 3
    assert curve[50] > 50.0                  # two 3s teach the other 144 back: the features were there all along
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    assert not model.training


def test_one_run_records_every_step_count(problem):
    """FA after 5 steps does not depend on whether the run goes on to 20: the counts are points of one run."""
    model, forget_set, retain_set = problem
    short = relearning_curve(model, retain_set, forget_set, steps=(0, 3), seed=4)
    long = relearning_curve(model, retain_set, forget_set, steps=(0, 3, 8), seed=4)
    assert short == {k: long[k] for k in short}
    assert relearning_curve(model, retain_set, forget_set, steps=(0, 3, 8), seed=4) == long     # seeded


def test_batchnorm_statistics_stay_frozen(problem):
    """With a vanishing learning rate nothing may change: in training mode BatchNorm's running statistics
    would move to the attack batches' and FA with them."""
    model, forget_set, retain_set = problem
    attack, held_out = attack_split(forget_set, 0.5, seed=0)
    curve = relearning_curve(model, attack, retain_set, steps=(0, 10), lr=1e-30, seed=0)
    assert curve[10] == curve[0]


@pytest.mark.parametrize("kwargs, match", [(dict(lr=0.0), "lr must be positive"),
                                           (dict(lr=-1.0), "lr must be positive"),
                                           (dict(batch_size=0), "batch_size"), (dict(batch_size=2.0), "batch_size")])
def test_bad_attack_settings_are_errors(problem, kwargs, match):
    model, forget_set, retain_set = problem
    with pytest.raises(ValueError, match=match):
        relearning_curve(model, retain_set, forget_set, **kwargs)


def test_empty_sets_are_errors(problem):
    model, forget_set, retain_set = problem
    with pytest.raises(ValueError, match="attack set is empty"):
        relearning_curve(model, retain_set.subset([]), forget_set)
    with pytest.raises(ValueError, match="forget set is empty"):
        relearning_curve(model, retain_set, forget_set.subset([]))


def test_attack_split_of_the_default_forget_set_is_two_digits(problem):
    assert len(problem[1]) == 146 and math.ceil(0.01 * 146) == len(attack_split(problem[1])[0]) == 2
