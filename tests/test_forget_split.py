"""Tests for :mod:`helpers.data.splits` (forget / retain splits, dropping a class)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.data import ImageDataset, drop_class, forget_split

TARGETS = torch.arange(100) % 4                     # 25 samples of each class 0..3


def tiny_dataset(targets, num_classes=4):
    n = len(targets)
    images = torch.arange(n, dtype=torch.uint8).view(n, 1, 1, 1)    # the image stores its index
    return ImageDataset(images, torch.as_tensor(targets), num_classes, mean=[0.5], std=[0.5])


def check_partition(forget, retain, n):
    assert forget.dtype == torch.int64 and retain.dtype == torch.int64
    assert torch.equal(forget, forget.sort().values) and torch.equal(retain, retain.sort().values)
    assert not set(forget.tolist()) & set(retain.tolist())
    assert torch.equal(torch.cat([forget, retain]).sort().values, torch.arange(n))


@pytest.mark.parametrize("ratio, expected", [(0.1, 10), (0.3, 30), (0.5, 50), (0.123, 12), (0.99, 99)])
def test_random_sizes_and_partition(ratio, expected):
    forget, retain = forget_split(TARGETS, ratio=ratio, seed=3)
    assert len(forget) == expected and len(retain) == 100 - expected
    check_partition(forget, retain, 100)


def test_random_is_deterministic_per_seed():
    a = forget_split(TARGETS, ratio=0.3, seed=7)
    b = forget_split(TARGETS, ratio=0.3, seed=7)
    c = forget_split(TARGETS, ratio=0.3, seed=8)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])


def test_random_is_not_biased_to_the_start():
    forget, _ = forget_split(torch.zeros(1000, dtype=torch.int64), ratio=0.1, seed=0)
    assert forget.min() < 100 and forget.max() > 900   # spread over the whole range, not a prefix


def test_accepts_numpy_lists_and_datasets():
    ref = forget_split(TARGETS, ratio=0.2, seed=1)
    for targets in (TARGETS.numpy(), TARGETS.tolist(), tiny_dataset(TARGETS)):
        out = forget_split(targets, ratio=0.2, seed=1)
        assert torch.equal(out[0], ref[0]) and torch.equal(out[1], ref[1])


def test_class_wise_content():
    forget, retain = forget_split(TARGETS, forget_class=2)
    check_partition(forget, retain, 100)
    assert len(forget) == 25
    assert (TARGETS[forget] == 2).all() and (TARGETS[retain] != 2).all()
    assert forget_split(TARGETS, forget_class=np.int64(2))[0].equal(forget)     # numpy ints work


def test_class_wise_ignores_seed():
    assert torch.equal(forget_split(TARGETS, forget_class=1, seed=0)[0],
                       forget_split(TARGETS, forget_class=1, seed=99)[0])


@pytest.mark.parametrize("kwargs", [{}, {"ratio": 0.1, "forget_class": 1}])
def test_exactly_one_scenario(kwargs):
    with pytest.raises(ValueError, match="exactly one"):
        forget_split(TARGETS, **kwargs)


@pytest.mark.parametrize("ratio", [0, 0.0, 1, 1.0, -0.1, 1.5, float("nan")])
def test_ratio_outside_open_interval(ratio):
    with pytest.raises(ValueError, match="between 0 and 1"):
        forget_split(TARGETS, ratio=ratio)


def test_ratio_not_a_number():
    with pytest.raises(ValueError, match="number"):
        forget_split(TARGETS, ratio="a tenth")


@pytest.mark.parametrize("cls", [4, -1, 17])
def test_unknown_class_names_the_valid_ones(cls):
    with pytest.raises(ValueError, match=r"valid classes: \[0, 1, 2, 3\]"):
        forget_split(TARGETS, forget_class=cls)


def test_class_absent_from_targets():
    targets = torch.tensor([0, 0, 2, 2, 3])                 # class 1 is in range but has no sample
    with pytest.raises(ValueError, match=r"valid classes: \[0, 2, 3\]"):
        forget_split(targets, forget_class=1)


def test_class_outside_dataset_num_classes():
    ds = tiny_dataset(torch.tensor([0, 1, 1, 2]), num_classes=3)
    with pytest.raises(ValueError, match="valid classes"):
        forget_split(ds, forget_class=3)


def test_non_integer_class():
    with pytest.raises(ValueError, match="integer"):
        forget_split(TARGETS, forget_class=1.5)


def test_empty_forget_set():
    with pytest.raises(ValueError, match="forget set is empty"):
        forget_split(torch.zeros(5, dtype=torch.int64), ratio=0.05)     # round(0.25) == 0


def test_empty_retain_set():
    with pytest.raises(ValueError, match="retain set is empty"):
        forget_split(torch.zeros(5, dtype=torch.int64), ratio=0.95)     # round(4.75) == 5
    with pytest.raises(ValueError, match="retain set is empty"):
        forget_split(torch.full((6,), 3), forget_class=3)


def test_subsets_from_indices():
    ds = tiny_dataset(TARGETS)
    forget, retain = forget_split(ds, ratio=0.25, seed=0)
    f, r = ds.subset(forget), ds.subset(retain)
    assert len(f) == 25 and len(r) == 75
    assert torch.equal(f.images.flatten().long(), forget)    # the images follow the indices


def test_drop_class():
    ds = tiny_dataset(TARGETS)
    out = drop_class(ds, 1)
    assert len(out) == 75 and (out.targets != 1).all()
    assert out.num_classes == 4 and torch.equal(out.mean, ds.mean)
    assert torch.equal(out.images.flatten().long(), torch.nonzero(TARGETS != 1).flatten())
    assert len(ds) == 100                                     # the original is untouched


def test_drop_class_errors():
    ds = tiny_dataset(TARGETS)
    for cls in (-1, 4):
        with pytest.raises(ValueError, match="outside"):
            drop_class(ds, cls)
    with pytest.raises(ValueError, match="integer"):
        drop_class(ds, "cat")
    with pytest.raises(ValueError, match="nothing would be left"):
        drop_class(tiny_dataset(torch.zeros(3, dtype=torch.int64)), 0)
