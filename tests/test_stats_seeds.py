"""Paired verdicts over seeds (helpers.stats) and seed roles (helpers.seeds)."""
from __future__ import annotations

import math

import pytest
import torch

from helpers.seeds import ROLES, derive_seed
from helpers.stats import paired_interval, paired_verdict


def test_paired_interval_by_hand():
    # d = (2, 3, 4): mean 3, sample sd 1, t_{0.975, 2} = 4.302653, half width 4.302653 / sqrt(3)
    iv = paired_interval([3.0, 4.0, 5.0], [1.0, 1.0, 1.0])
    half = 4.302653 / math.sqrt(3)
    assert iv.mean == pytest.approx(3.0) and iv.sd == pytest.approx(1.0) and iv.n == 3
    assert iv.low == pytest.approx(3.0 - half, abs=1e-5) and iv.high == pytest.approx(3.0 + half, abs=1e-5)
    assert iv.direction == "larger"


def test_pairing_removes_the_shared_seed_effect():
    # a seed effect of +-10 shared by both methods: unpaired it would swamp a constant 0.5 difference
    b = [0.0, 10.0, -10.0, 5.0]
    a = [x + 0.5 + e for x, e in zip(b, (0.01, -0.01, 0.02, -0.02))]
    assert paired_verdict(a, b) == "worse" and paired_verdict(a, b, lower_is_better=False) == "better"
    assert paired_verdict(b, a) == "better"


def test_an_interval_spanning_zero_is_undecided():
    assert paired_verdict([1.0, 2.0, 0.0], [1.0, 1.0, 1.0]) == "undecided"
    assert paired_interval([1.0, 2.0, 0.0], [1.0, 1.0, 1.0]).direction == "undecided"


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="at least 2 seeds"):
        paired_interval([1.0], [2.0])
    with pytest.raises(ValueError, match="same number of seeds"):
        paired_interval([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        paired_interval([1.0, float("nan")], [1.0, 2.0])
    with pytest.raises(ValueError, match="confidence"):
        paired_interval([1.0, 2.0], [0.0, 0.0], confidence=1.5)


def test_seed_roles_are_separate_streams():
    assert derive_seed(5, "original") == 5
    seeds = {derive_seed(s, role, r) for s in range(4) for role in ROLES if role != "original" for r in range(3)}
    assert len(seeds) == 4 * (len(ROLES) - 1) * 3                     # no two streams share a seed
    assert all(0 <= s < 2**31 for s in seeds)
    assert derive_seed(1, "oracle") == derive_seed(1, "oracle")          # a stream is reproducible


def test_seed_roles_reject_bad_input():
    with pytest.raises(ValueError, match="unknown seed role 'gold'"):
        derive_seed(1, "gold")
    with pytest.raises(ValueError, match="non-negative integer"):
        derive_seed(-1, "oracle")
    with pytest.raises(ValueError, match="replica must be 0"):
        derive_seed(1, "original", replica=1)


def test_retrain_never_starts_from_the_originals_weights(monkeypatch):
    """Capture Retrain's starting weights (right after reinitialize) and compare with the original's."""
    from helpers.profiles import build_quantized
    from helpers.train import seed_everything
    from helpers.unlearn import Task, unlearn
    from helpers.unlearn import finetune as finetune_module
    from tests.tiny import tiny_forgetting_problem

    model, forget_set, retain_set, _ = tiny_forgetting_problem(200)     # the original: seed 0
    seed = 0
    seed_everything(seed)                                  # the original's start, as train_setting builds it
    fresh = build_quantized("resnet18-w4a4", 10, 1, 0.125)
    starts = []

    def capture(model, *args, **kwargs):
        starts.append({k: v.clone() for k, v in model.state_dict().items()})
        raise StopIteration

    monkeypatch.setattr(finetune_module, "train", capture)
    for replica in (0, 1):
        with pytest.raises(StopIteration):
            unlearn("retrain", model, Task(forget_set, retain_set), seed=seed, replica=replica, epochs=1)
    original_start = fresh.state_dict()
    convs = [k for k, v in original_start.items() if k.endswith("weight") and v.dim() == 4]
    assert convs
    for k in convs:
        assert not torch.equal(starts[0][k], original_start[k]), k
        assert not torch.equal(starts[0][k], starts[1][k]), k


def test_interval_text_formats_mean_and_bounds_signed_and_scaled():
    from helpers.stats import PairedInterval
    iv = PairedInterval(mean=0.0234, sd=0.03, low=-0.0101, high=0.0569, n=5, confidence=0.95)
    assert iv.text() == "+0.02 [-0.01, +0.06]" and iv.text(3) == "+0.023 [-0.010, +0.057]"
    assert iv.text(1, scale=100) == "+2.3 [-1.0, +5.7]"
    assert str(iv) == "+0.02 [-0.01, +0.06] (95% t interval, 5 seeds)"


def test_same_on_every_seed():
    from helpers.stats import same_on_every_seed
    assert same_on_every_seed([0.5, 1.0, 0.25], [0.5, 1.0, 0.25])
    assert same_on_every_seed([3.0], [3.0])                              # one seed is enough to say "same"
    assert not same_on_every_seed([0.5, 1.0], [0.5, 0.75])
    assert not same_on_every_seed([], [])
    with pytest.raises(ValueError, match="same number of seeds"):
        same_on_every_seed([1.0, 2.0], [1.0])
