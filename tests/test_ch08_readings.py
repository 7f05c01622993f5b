"""Chapter 8's readings (helpers.chapters.ch08) on constructed inputs: every wording branch."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers.chapters import ch08
from helpers.hybrid import experiment as E

COLUMNS = ["retain", "forget", "test", "MIA_AUC", "AG", "KL_test"]


def test_simulator_words_read_the_difference_against_rounding():
    assert ch08.simulator_words(3.1e-16) == "The two agree to 3.1e-16, float64 rounding error (below 1e-10)"
    assert ch08.simulator_words(0.0).startswith("The two agree to 0.0e+00")
    assert ch08.simulator_words(2e-3) == ("The two differ by up to 2.0e-03, more than float64 rounding (1e-10): "
                                          "the simulator does not compute Qiskit's circuit")
    with pytest.raises(ValueError, match="non-negative"):
        ch08.simulator_words(float("nan"))


@pytest.mark.parametrize("loop, batched, words", [(2.0, 0.1, "about 20 times faster than"),
                                                  (0.1, 0.3, "about 3 times slower than"),
                                                  (1.0, 1.2, "about as fast as")])
def test_speed_words_say_faster_slower_or_the_same(loop, batched, words):
    assert ch08.speed_words(loop, batched) == words


def test_speed_words_need_positive_times():
    with pytest.raises(ValueError, match="both times must be positive"):
        ch08.speed_words(0.0, 1.0)


def results(scenarios=("A", "B")):
    """Per-seed rows of two datasets; every method's values are known (see the assertions)."""
    rows = []
    for dataset, shift in (("iris", 0.0), ("digits", 0.1)):
        for scenario in scenarios:
            for i, seed in enumerate((1, 2, 3)):
                wobble = (0.0, 0.01, -0.01)[i]
                base = dict(retain=0.9, forget=0.8 + shift, test=0.85, MIA_AUC=0.5 + wobble, AG=0.1, KL_test=0.2)
                values = {"original": dict(base, forget=0.95, KL_test=0.6 + wobble),
                          "oracle": dict(base, KL_test=0.0),
                          "oracle_indep": dict(base, KL_test=0.3 - wobble),
                          "certified": dict(base, forget=0.7 + shift + wobble, MIA_AUC=0.3 + wobble),
                          "ga": dict(base, forget=0.9 + shift + wobble, MIA_AUC=0.8 + wobble)}
                rows += [dict(dataset=dataset, scenario=scenario, seed=seed, method=m, **v) for m, v in values.items()]
    return pd.DataFrame(rows)


def test_readings_quote_the_focus_cell_and_word_its_directions():
    res = results()
    got = ch08.readings(E.summary(res, COLUMNS), res, "digits")
    assert got["focus"] == "digits"
    assert got["B_oracle_forget"] == pytest.approx(0.9) and got["B_certified_forget"] == pytest.approx(0.8)
    assert got["A_original_forget"] == pytest.approx(0.95) and got["A_oracle_MIA_AUC"] == pytest.approx(0.5)
    assert set(got) == {"focus", *(f"{s}_{r}_{c}" for s, r, c in ch08.QUOTED), "kl_floor_A", "kl_floor_B",
                        "mia_words_A", "forget_words_B"}
    assert got["mia_words_A"].startswith("Certified has a lower MIA AUC than the oracle's; GA a higher one")
    assert got["forget_words_B"].startswith("Certified has a lower forget accuracy than the oracle's; GA a higher")
    assert got["kl_floor_A"].startswith("Doing nothing is at a test KL of 0.60 from the oracle, a second oracle at "
                                        "0.30")
    assert "above zero" in got["kl_floor_A"]


def test_readings_of_one_scenario_and_an_unknown_dataset():
    res = results(scenarios=("B",))
    got = ch08.readings(E.summary(res, COLUMNS), res, "iris", scenarios=("B",))
    assert "mia_words_A" not in got and "A_oracle_forget" not in got and "forget_words_B" in got
    with pytest.raises(ValueError, match="'mnist' is not a dataset of this table"):
        ch08.readings(E.summary(res, COLUMNS), res, "mnist", scenarios=("B",))


def test_forget_share_words_give_each_datasets_real_share():
    table = pd.DataFrame({"train": [1221, 96], "forget (A)": [20, 3]}, index=["digits", "iris"])
    assert ch08.forget_share_words(table) == ("20 of 1,221 training samples (1.6 %) for digits and 3 of 96 "
                                                "training samples (3.1 %) for iris")
    with pytest.raises(ValueError, match="not a share"):
        ch08.forget_share_words(pd.DataFrame({"train": [10], "forget (A)": [0]}, index=["x"]))
    with pytest.raises(ValueError, match="no dataset"):
        ch08.forget_share_words(table.iloc[:0])


def test_data_table_counts_the_splits_and_both_forget_sets():
    from helpers.hybrid import load_hybrid
    iris = load_hybrid("iris")
    row = ch08.data_table({"iris": iris}).loc["iris"]
    assert row["train"] == len(iris.y_train) and row["classes"] == 3
    assert row["forget (B)"] == int((iris.y_train == 0).sum()) > row["forget (A)"] >= 3   # one per class at least
