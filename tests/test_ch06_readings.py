"""Chapter 6's readings and their wording (helpers.chapters.ch06), on constructed inputs."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.chapters import ch06
from helpers.quantum.circuit import ansatz, feature_map, vqc_circuit
from helpers.quantum.model import init_theta
from helpers.quantum.training import accuracy, probabilities


# --------------------------------------------------------------------------- the circuit from its pieces
def composed(barriers: bool = True, extra_gate: bool = False):
    from qiskit.circuit import ParameterVector, QuantumCircuit

    x, w = ParameterVector("x", 4), ParameterVector("θ", 72)
    qc = QuantumCircuit(6)
    for piece in (feature_map(x), ansatz(0, w), feature_map(x), ansatz(1, w)):
        if barriers and qc.data:
            qc.barrier()
        qc.compose(piece, inplace=True)
    if extra_gate:
        qc.ry(w[0], 5)
    return qc


def test_the_composed_pieces_are_vqc_circuit():
    check = ch06.compare_circuits(composed(), vqc_circuit(barriers=True))
    assert check["same gates, qubits and parameters in order"] and check["gates (composed)"] == len(vqc_circuit(True).data)
    assert check["max |U_composed - U_vqc| at random values"] < 1e-12
    words = ch06.circuit_words(check)
    assert words.startswith(f"the two circuits hold the same {check['gates (composed)']} instructions in the same order")
    assert words.endswith("the composition on this page is vqc_circuit()")


def test_circuit_words_same_operator_written_differently_and_different_circuits():
    written = ch06.compare_circuits(composed(barriers=False), vqc_circuit(barriers=True))   # barriers differ only
    assert not written["same gates, qubits and parameters in order"]
    assert "the gate lists differ" in ch06.circuit_words(written) and "the same operator" in ch06.circuit_words(written)
    other = ch06.compare_circuits(composed(extra_gate=True), vqc_circuit(barriers=True))
    assert other["max |U_composed - U_vqc| at random values"] > 1e-3
    assert ch06.circuit_words(other).startswith("the two circuits differ:")
    missing = ch06.compare_circuits(feature_map(), vqc_circuit())                         # other parameters
    assert missing["max |U_composed - U_vqc| at random values"] == np.inf
    assert ch06.circuit_words(missing).startswith("the two circuits differ:")


# --------------------------------------------------------------------------- engines and gradients
def engines(max_diff: float, torch_speed: float) -> pd.DataFrame:
    return pd.DataFrame({"max |diff| to reference": [0.0, max_diff, max_diff / 2],
                         "circuits per second": [50.0, torch_speed, 1000.0]}, index=["reference", "torch", "aer"])


def test_times():
    assert ch06.times(123.4) == "123 times" and ch06.times(3.45) == "3.5 times"
    with pytest.raises(ValueError, match="positive"):
        ch06.times(0)


def test_engine_readings_agree_and_faster():
    r = ch06.engine_readings(engines(3e-15, 100_000.0), n_val=24)
    assert r["engines_agree"] == "The three engines agree to 3.0e-15, rounding error of float64 arithmetic."
    assert r["engines_agree_short"] == "all engines agree to rounding error"
    assert r["speed_sentence"] == ("In this build the torch engine evaluated 100 times as many circuits per second as "
                                   "Aer, and 2000 times as many as the gate-by-gate reference.")
    assert r["speed_short"] == "100 times as fast as Aer in this build"
    assert r["ps_circuits"] == 2 * 72 * 10 + 10 + 24 and r["n_val"] == 24
    assert r["aer_iteration_s"] == pytest.approx(r["ps_circuits"] / 1000) and r["aer_run_s"] == pytest.approx(
        100 * r["aer_iteration_s"])


def test_engine_readings_disagree_and_slower():
    r = ch06.engine_readings(engines(2e-3, 500.0), n_val=10)
    assert r["engines_agree"].startswith("The engines differ by up to 2.0e-03, more than float64 rounding error")
    assert r["engines_agree_short"] == "the engines differ by up to 2.0e-03, more than rounding error"
    assert r["speed_short"] == "no faster than Aer in this build (0.5 times its speed)"
    with pytest.raises(ValueError, match=r"lacks \['aer'\]"):
        ch06.engine_readings(engines(0, 1).drop(index="aer"), n_val=1)


def gradients(shift_error: float, idle: float) -> dict:
    auto = torch.linspace(-1, 1, 72, dtype=torch.float64)
    auto[66:] = idle
    return {"autograd": auto, "parameter shift (torch)": auto + 1e-16,
            "parameter shift (aer)": auto + shift_error, "Eq. 5 on the loss": auto + 0.02}


def test_gradient_readings_match_and_idle():
    r = ch06.gradient_readings(gradients(2e-15, 1e-17))
    assert r["shift_words"] == "Parameter shift matches autograd to 1.1e-16 (torch) and 2.0e-15 (Aer): rounding error."
    assert r["ps_loss"] == pytest.approx(0.02) and r["last_six"] == pytest.approx(1e-17)
    assert r["idle_words"].startswith("Note also the six weights whose gradient is zero up to rounding error")


def test_gradient_readings_mismatch_and_active_weights():
    r = ch06.gradient_readings(gradients(1e-4, 0.3))
    assert r["shift_words"].startswith("Parameter shift differs from autograd by")
    assert r["shift_words"].endswith("more than rounding error on Aer.")
    assert r["idle_words"].startswith("The gradient of θ66..θ71 reaches 3.0e-01 here, more than rounding error")
    with pytest.raises(ValueError, match="lack"):
        ch06.gradient_readings({"autograd": torch.zeros(72)})


# --------------------------------------------------------------------------- training
@pytest.mark.parametrize("best, words", [(0.3, "It is the largest rate we tried, so a larger one"),
                                         (0.03, "It is the smallest rate we tried, so a smaller one"),
                                         (0.1, "It lies inside the range we tried.")])
def test_learning_rate_edge(best, words):
    assert ch06.learning_rate_edge(best, (0.03, 0.1, 0.3)).startswith(words)


def test_learning_rate_edge_single_and_unknown():
    assert ch06.learning_rate_edge(0.1, [0.1]) == "It is the only rate we tried."
    with pytest.raises(ValueError, match="not in the grid"):
        ch06.learning_rate_edge(0.2, (0.1, 0.3))


def run(val_losses, seed: int, seconds: float = 2.0):
    return SimpleNamespace(history=pd.DataFrame({"val_loss": val_losses}), seconds=seconds, theta=init_theta(seed))


def test_training_readings_pick_the_lowest_validation_loss():
    X = torch.rand(12, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * torch.pi
    y = torch.arange(12) % 3
    runs = {"lr=0.03": run([1.0, 0.9], 1), "lr=0.1": run([1.0, 0.7, 0.8], 2, seconds=3.5), "lr=0.3": run([0.95], 3)}
    r = ch06.training_readings(runs, (0.03, 0.1, 0.3), X, y)
    assert (r["best_lr"], r["train_seconds"], r["best_val"]) == ("lr=0.1", 3.5, 0.7)
    assert r["lr_edge"] == "It lies inside the range we tried."
    assert r["test_acc"] == pytest.approx(100 * accuracy(init_theta(2), X, y))
    assert r["ce_floor"] == pytest.approx(-np.log(np.e / (np.e + 2 / np.e)))
    with pytest.raises(ValueError, match="no training runs"):
        ch06.training_readings({}, (0.1,), X, y)


# --------------------------------------------------------------------------- the classifier against a baseline
def tiny_set(seed: int, n: int = 30):
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(2 * n, 4, generator=g, dtype=torch.float64) * torch.pi
    y = (X[:, 0] > torch.pi / 2).long() + (X[:, 1] > 2).long()          # learnable by a linear model
    return SimpleNamespace(X_train=X[:n], y_train=y[:n], X_test=X[n:], y_test=y[n:])


def test_accuracy_table_is_per_sample_correctness():
    from sklearn.linear_model import LogisticRegression

    sets = {"iris": tiny_set(0), "wine": tiny_set(1)}
    models = {"iris": run([1.0], 4, seconds=5.0), "wine": run([1.0], 5, seconds=7.0)}
    table = ch06.accuracy_table(sets, models)
    for name, d in sets.items():
        c = table.attrs["correct"][name]
        vqc = probabilities(models[name].theta, d.X_test).argmax(-1).numpy() == d.y_test.numpy()
        assert np.array_equal(c["vqc"], vqc.astype(float))
        assert table.loc[name, "VQC test acc %"] == pytest.approx(100 * vqc.mean())
        score = LogisticRegression(max_iter=1000).fit(d.X_train.numpy(), d.y_train.numpy()).score(
            d.X_test.numpy(), d.y_test.numpy())
        assert table.loc[name, "logistic regression test acc %"] == pytest.approx(100 * score)
    assert table.loc["wine", "VQC training s"] == 7.0 and (table["logistic regression fit s"] > 0).all()


def test_errors_and_separation_words():
    assert ch06.errors_words(0, 30) == "misclassifies none of its 30 test samples"
    assert ch06.errors_words(2, 30) == "misclassifies 2 of its 30 test samples"
    with pytest.raises(ValueError, match="errors <= samples"):
        ch06.errors_words(31, 30)
    perfect, imperfect = [1.0, 1.0, 1.0], [1.0, 0.8, 1.0]
    assert ch06.separation_words(0, 30, perfect) == (
        "On this split our classifier misclassifies none of its 30 test samples: a perfect split, like the "
        "paper's (its Table 1 recalls every Iris class perfectly before unlearning).")
    assert ch06.separation_words(0, 30, imperfect).endswith(
        "a perfect split (its Table 1 does not recall every Iris class perfectly before unlearning).")
    some = ch06.separation_words(3, 30, perfect)
    assert some.startswith("On this split our classifier misclassifies 3 of its 30 test samples, where its Table 1")
    assert "one split of one seed, so this decides nothing" in some
    assert "does not recall every Iris class perfectly" in ch06.separation_words(3, 30, imperfect)


def accuracy_frame(correct: dict) -> pd.DataFrame:
    rows = {n: {"VQC test acc %": 100 * c["vqc"].mean(), "logistic regression test acc %": 100 * c["logistic"].mean(),
                "test samples": len(c["vqc"]), "VQC training s": 10.0, "logistic regression fit s": 0.01}
            for n, c in correct.items()}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["correct"] = correct
    return table


ALL = np.ones(30)
HALF = np.array([1.0, 0.0] * 15)
ONE_OFF = np.r_[np.ones(29), 0.0]


def test_baseline_words_each_verdict():
    table = accuracy_frame({"iris": {"vqc": ALL, "logistic": ONE_OFF},           # one sample apart: undecided
                            "wine": {"vqc": ALL, "logistic": HALF},              # VQC better
                            "covertype": {"vqc": HALF, "logistic": ALL}})        # logistic better
    r = ch06.baseline_words(table)
    assert "on Iris the two are not told apart (100.0 % against 96.7 %; difference +3.3 [" in r["baseline_sentence"]
    assert "on Wine the VQC is more accurate (100.0 % against 50.0 %" in r["baseline_sentence"]
    assert "on Covertype the logistic regression is more accurate" in r["baseline_sentence"]
    assert r["baseline_sentence"].startswith("Paired over the test samples of this one split")
    assert r["baseline_short"] == ("the two are not told apart on Iris; the VQC is more accurate on Wine; "
                                   "the logistic regression is more accurate on Covertype")
    assert r["fit_ratio"] == pytest.approx(1000.0)
    same = ch06.baseline_words(accuracy_frame({"iris": {"vqc": ALL, "logistic": ALL},
                                               "wine": {"vqc": ONE_OFF, "logistic": ALL}}))
    assert same["baseline_short"] == "the two are not told apart on Iris and Wine"
    with pytest.raises(ValueError, match="per-sample correctness"):
        ch06.baseline_words(pd.DataFrame({"VQC test acc %": [1.0]}, index=["iris"]))


def test_classifier_readings_and_covertype():
    table = accuracy_frame({"iris": {"vqc": ONE_OFF, "logistic": ALL}, "wine": {"vqc": HALF, "logistic": HALF}})
    r = ch06.classifier_readings(table, [1.0, 1.0, 1.0])
    assert r["iris_acc"] == pytest.approx(100 * 29 / 30) and r["wine_lr"] == 50.0
    assert r["iris_separation"].startswith("On this split our classifier misclassifies 1 of its 30 test samples")
    assert r["covertype_sentence"] == "Covertype could not be loaded in this build, so its matrix is missing here."
    assert ch06.covertype_sentence(["iris", "covertype"]).startswith("Covertype was loaded in this build")
    with pytest.raises(ValueError, match="'wine' is missing"):
        ch06.classifier_readings(table.drop(index="wine"), [1.0])
    assert ch06.paper_iris_recalls() == [1.0, 1.0, 1.0]                      # the paper's Table 1, before


def test_readings_gather_every_glued_value():
    data = SimpleNamespace(X_val=torch.zeros(7, 4), X_test=tiny_set(0).X_test, y_test=tiny_set(0).y_test)
    table = accuracy_frame({"iris": {"vqc": ALL, "logistic": ALL}, "wine": {"vqc": ALL, "logistic": ALL}})
    check = ch06.compare_circuits(composed(), vqc_circuit(barriers=True))
    r = ch06.readings(check, engines(1e-15, 1e5), gradients(1e-15, 0.0), {"lr=0.1": run([0.5], 1)}, (0.1, 0.3),
                      data, table)
    assert r["p_min"] == pytest.approx(0.0634, abs=1e-4) and r["p_max"] == pytest.approx(0.787, abs=1e-3)
    assert r["n_val"] == 7 and r["best_lr"] == "lr=0.1" and r["lr_edge"].startswith("It is the smallest rate")
    assert r["circuit_words"].endswith("vqc_circuit()") and "baseline_short" in r and "iris_separation" in r
