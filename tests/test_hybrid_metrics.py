"""Chapter 8's scorecard on constructed inputs with known answers: KL on aligned rows, the MIA AUC
against held-out non-members, and AG, the gap to the oracle the chapter ranks by."""
from __future__ import annotations

import math

import pytest
import torch

from helpers.quantum.hybrid.metrics import average_gap, kl_rows, mia_auc, scorecard


def test_kl_rows_compares_each_row_with_the_same_row():
    p = torch.tensor([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]])
    q = torch.tensor([[0.5, 0.5], [0.5, 0.5], [0.2, 0.8]])
    expected = [0.0, 0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5), 0.0]
    assert kl_rows(p, q).tolist() == pytest.approx(expected, abs=1e-6)
    # the study's defect: the same outputs in another row order are a different (wrong) comparison
    assert kl_rows(p, q[[2, 0, 1]]).tolist() != pytest.approx(expected, abs=1e-6)
    assert kl_rows(p, p[[1, 2, 0]]).sum().item() > 0.5     # a model compared with itself, rows shuffled


def test_kl_rows_is_zero_only_on_identical_rows_and_survives_zeros():
    p = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert kl_rows(p, p).tolist() == pytest.approx([0.0, 0.0], abs=1e-9)
    assert torch.isfinite(kl_rows(p, p.flip(0))).all() and (kl_rows(p, p.flip(0)) > 10).all()


def test_kl_rows_rejects_misaligned_shapes():
    with pytest.raises(ValueError, match=r"same shape, got \(3, 2\) and \(2, 2\)"):
        kl_rows(torch.full((3, 2), 0.5), torch.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="two \\(N, K\\) tensors"):
        kl_rows(torch.full((2,), 0.5), torch.full((2,), 0.5))


def confident(values, k=3):
    """Rows whose max-softmax is each of ``values`` (the rest spread evenly)."""
    v = torch.tensor(values, dtype=torch.float64)[:, None]
    rest = (1 - v) / (k - 1)
    return torch.cat([v, rest.expand(-1, k - 1)], dim=1)


def test_mia_auc_with_held_out_non_members():
    members, nonmembers = confident([0.9, 0.95, 0.99]), confident([0.5, 0.6, 0.7, 0.8])
    assert mia_auc(members, nonmembers) == 1.0            # every member more confident
    assert mia_auc(nonmembers, members) == 0.0            # every member less confident (over-forgetting)
    assert mia_auc(members, members.clone()) == 0.5       # indistinguishable
    # one member below one non-member: 11 of 12 pairs ordered correctly
    assert mia_auc(confident([0.9, 0.95, 0.75]), nonmembers) == pytest.approx(11 / 12)


def test_mia_auc_rejects_empty_sets():
    with pytest.raises(ValueError, match="needs members and non-members, got 0 and 2"):
        mia_auc(confident([]).reshape(0, 3), confident([0.5, 0.6]))


def test_average_gap_is_the_mean_absolute_gap_over_four_scores():
    oracle = dict(forget=0.0, retain=1.0, test=0.9, MIA_AUC=0.5)
    assert average_gap(oracle, oracle) == 0.0
    over = dict(forget=0.0, retain=1.0, test=0.9, MIA_AUC=0.1)         # forgets more: MIA below the oracle
    under = dict(forget=0.8, retain=1.0, test=0.9, MIA_AUC=0.9)        # still remembers
    assert average_gap(over, oracle) == pytest.approx(0.4 / 4)
    assert average_gap(under, oracle) == pytest.approx((0.8 + 0.4) / 4)
    # gaps count in both directions, unlike UQI, which rewards any extra drop in forget accuracy
    assert average_gap(dict(oracle, forget=0.2), dict(oracle, forget=0.4)) == pytest.approx(0.05)
    assert average_gap(dict(oracle, forget=0.6), dict(oracle, forget=0.4)) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="missing \\['MIA_AUC'\\]"):
        average_gap(dict(forget=0.0, retain=1.0, test=0.9), oracle)


def test_scorecard_counts_accuracies_and_the_attack():
    probs = {"forget": confident([0.9, 0.9]), "retain": confident([0.9, 0.4, 0.4]), "test": confident([0.5, 0.5])}
    probs["retain"][1:] = torch.tensor([0.2, 0.7, 0.1], dtype=torch.float64)          # predicts class 1
    labels = {"forget": torch.tensor([0, 1]), "retain": torch.tensor([0, 1, 0]), "test": torch.tensor([0, 0])}
    card = scorecard(probs, labels)
    assert card == pytest.approx(dict(forget=0.5, retain=2 / 3, test=1.0, MIA_AUC=1.0))
