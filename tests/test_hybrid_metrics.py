"""Chapter 8's scorecard on constructed inputs with known answers: KL on aligned rows, UQI, and AG, the
gap to the oracle the chapter ranks by (the KL and the MIA AUC themselves: test_metrics.py, test_mia.py)."""
from __future__ import annotations

import math

import pytest
import torch

from helpers.hybrid.metrics import GAP_KEYS, evaluate, set_probs
from helpers.metrics import average_gap, mia_auc


def test_average_gap_is_the_mean_absolute_gap_over_four_scores():
    oracle = dict(forget=0.0, retain=1.0, test=0.9, MIA_AUC=0.5)
    assert average_gap(oracle, oracle, GAP_KEYS) == 0.0
    over = dict(forget=0.0, retain=1.0, test=0.9, MIA_AUC=0.1)         # forgets more: MIA below the oracle
    under = dict(forget=0.8, retain=1.0, test=0.9, MIA_AUC=0.9)        # still remembers
    assert average_gap(over, oracle, GAP_KEYS) == pytest.approx(0.4 / 4)
    assert average_gap(under, oracle, GAP_KEYS) == pytest.approx((0.8 + 0.4) / 4)
    # gaps count in both directions, unlike UQI, which rewards any extra drop in forget accuracy
    assert average_gap(dict(oracle, forget=0.2), dict(oracle, forget=0.4), GAP_KEYS) == pytest.approx(0.05)
    assert average_gap(dict(oracle, forget=0.6), dict(oracle, forget=0.4), GAP_KEYS) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="missing \\['MIA_AUC'\\]"):
        average_gap(dict(forget=0.0, retain=1.0, test=0.9), oracle, GAP_KEYS)


def test_evaluate_counts_accuracies_and_the_attack():
    """Accuracies on D_f, D_r and test, and the MIA AUC of D_f (members) against test (non-members)."""
    data, split, model = tiny_problem()
    row = evaluate(model, *[set_probs(model, data, split)] * 2, data, split)
    assert (row["forget"], row["retain"], row["test"]) == (1.0, 1.0, 1.0)
    assert row["MIA_AUC"] == 0.75           # forget max-softmax sigmoid(2): ties test's sigmoid(2), beats sigmoid(1.5)
    forgetting = Lookup([[0.0, 0.1], [3.0, 0.0], [0.0, 1.0], [0.5, 0.0], [2.0, 0.0], [1.5, 0.0]])
    row = evaluate(forgetting, *[set_probs(model, data, split)] * 2, data, split)
    assert (row["forget"], row["retain"], row["test"]) == pytest.approx((0.0, 2 / 3, 1.0))
    assert row["MIA_AUC"] == 0.0            # the member is less confident than every non-member


# --- the KL to the oracle: rows matched by example (equation ch8-kl) --------------------------------

def test_evaluate_keeps_rows_aligned_through_set_probs():
    """evaluate's KL of a model against itself is 0: the rows of forget, retain and test stay matched."""
    from types import SimpleNamespace

    data, split, model = tiny_problem()
    probs = set_probs(model, data, split)
    row = evaluate(model, probs, probs, data, split)
    assert row["KL_test"] == pytest.approx(0.0, abs=1e-12) and row["KL_retain"] == pytest.approx(0.0, abs=1e-12)
    assert row["agree_test"] == 1.0 and row["AG"] == 0.0 and row["UQI"] == 0.0
    shuffled = SimpleNamespace(**{k: v[[1, 2, 3, 0]] if k.startswith("X_train") else v for k, v in vars(data).items()})
    assert evaluate(model, probs, probs, shuffled, split)["KL_retain"] > 0.1     # misaligned rows are not 0


# --- UQI on a hand-computed case (equation ch8-uqi) --------------------------------------------------

class Lookup(torch.nn.Module):
    """Logits read from a table: input row ``[i]`` gets ``logits[i]`` (each example is its own index)."""

    def __init__(self, logits):
        super().__init__()
        self.logits = torch.as_tensor(logits, dtype=torch.float64)

    def forward(self, x):
        return self.logits[x[:, 0].long()]


def tiny_problem():
    """4 training examples (forget: 0; retain: 1-3), 2 test examples, 2 classes, all labels 0."""
    from types import SimpleNamespace
    X_train = torch.arange(4, dtype=torch.float64)[:, None]
    X_test = torch.arange(4, 6, dtype=torch.float64)[:, None]
    data = SimpleNamespace(X_train=X_train, y_train=torch.zeros(4, dtype=torch.long),
                           X_test=X_test, y_test=torch.zeros(2, dtype=torch.long))
    split = SimpleNamespace(forget_idx=torch.tensor([0]), retain_idx=torch.tensor([1, 2, 3]))
    logits = [[2.0, 0.0], [3.0, 0.0], [1.0, 0.0], [0.5, 0.0], [2.0, 0.0], [1.5, 0.0]]   # every example right
    return data, split, Lookup(logits)


def test_uqi_and_ag_by_hand():
    data, split, original = tiny_problem()
    # unlearned: forget example wrong, retain example 3 wrong, test example 5 wrong
    unlearned = Lookup([[0.0, 1.0], [3.0, 0.0], [1.0, 0.0], [0.0, 0.5], [2.0, 0.0], [0.0, 1.5]])
    # oracle: forget example wrong, everything else right
    oracle = Lookup([[0.0, 2.0], [3.0, 0.0], [1.0, 0.0], [0.5, 0.0], [2.0, 0.0], [1.5, 0.0]])
    row = evaluate(unlearned, set_probs(original, data, split), set_probs(oracle, data, split), data, split)
    # drops from the original (all accuracies 1): forget 1 - 0, retain 1 - 2/3, test 1 - 1/2
    assert row["UQI"] == pytest.approx(1 - 0.5 * (1 / 3 + 1 / 2))
    assert (row["forget"], row["retain"], row["test"]) == pytest.approx((0.0, 2 / 3, 0.5))
    # AG to the oracle (forget 0, retain 1, test 1): |0-0|, 1/3, 1/2, and the MIA AUCs' gap
    mia_u, mia_o = row["MIA_AUC"], mia_auc(set_probs(oracle, data, split)["forget"], set_probs(oracle, data, split)["test"])
    assert row["AG"] == pytest.approx((0 + 1 / 3 + 1 / 2 + abs(mia_u - mia_o)) / 4)
    assert row["agree_test"] == 0.5


# --- the ranking on a constructed table --------------------------------------------------------------

def test_ranking_by_ag_computed_from_scorecards():
    """AG from average_gap per seed -> the chapter's ranking (verdicts.ranking) with known answers."""
    import pandas as pd

    from helpers.hybrid.verdicts import gap_block, leading_group, ranking
    oracle = dict(forget=0.0, retain=1.0, test=0.9, MIA_AUC=0.5)
    offsets = {"original": 0.8, "oracle": 0.0, "oracle_indep": 0.04, "eu_k": 0.04, "lca": 0.08, "ga": 0.4}
    rows = []
    for seed, wobble in zip((1, 2, 3), (0.0, 0.004, -0.004)):
        for method, off in offsets.items():
            off = 0.0 if method == "oracle" else off + wobble
            card = dict(oracle, forget=off, MIA_AUC=0.5 + off)           # forget and MIA off by the same amount
            rows.append(dict(dataset="iris", scenario="A", seed=seed, method=method,
                             AG=average_gap(card, oracle, GAP_KEYS)))
    block = gap_block(pd.DataFrame(rows), "A")
    assert block.loc["EU-k", "AG"] == pytest.approx(0.02) and block.loc["GA", "AG"] == pytest.approx(0.2)
    ranked = ranking(block)
    assert list(ranked.index) == ["EU-k", "LCA", "GA"]
    assert list(ranked["vs first"]) == ["first", "farther", "farther"]
    assert ranked.loc["LCA", "AG - first"] == pytest.approx(0.02)
    assert leading_group(ranked) == ["EU-k"]
