"""Chapter 6's readings: the VQC built from its pieces, three simulators, the parameter-shift rule,
training, and the trained classifier beside a classical baseline.

Every sentence of the chapter that states a result is computed here from the numbers on the page:
whether two circuits are the same, whether the engines agree to rounding error, how much faster
one engine is, whether the parameter-shift gradients match autograd, whether the selected learning
rate lies at the edge of its grid, how many Iris test samples the classifier gets wrong (the paper's
Fig. 2 calls its own result "near-perfect separation"), and whether the VQC or a logistic
regression on the same four angles is more accurate: paired over the test samples of the one
split the chapter trains, "not told apart" when the 95 % t interval spans zero.
"""
from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd

from ..data.tabular import display_name
from ..stats import paired_interval
from ..words import join_words

ROUNDING = 1e-10        # float64 arithmetic over a few hundred gates stays far below this


# --------------------------------------------------------------------------- the circuit from its pieces (6.2)
def gate_list(qc) -> list[tuple]:
    """``(gate, qubits, parameter names)`` of every instruction of ``qc``, independent of which
    ``Parameter`` objects it holds (two circuits built from different ``ParameterVector`` s of the
    same names compare equal)."""
    return [(i.operation.name, tuple(qc.find_bit(b).index for b in i.qubits),
             tuple(sorted(p.name for param in i.operation.params for p in getattr(param, "parameters", ()))))
            for i in qc.data]


def compare_circuits(a, b, seed: int = 0) -> pd.Series:
    """Are ``a`` and ``b`` the same circuit? Their gate counts, whether their gate lists
    (:func:`gate_list`: gate, qubits and parameter names, in order) are identical, and the largest
    difference between their unitaries with every parameter set to the same random value in
    ``[0, π]`` (parameters matched by name)."""
    from qiskit.quantum_info import Operator

    names_a, names_b = sorted(p.name for p in a.parameters), sorted(p.name for p in b.parameters)
    values = dict(zip(names_a, np.random.default_rng(seed).uniform(0, np.pi, len(names_a))))
    if names_a != names_b:
        difference = math.inf
    else:
        bound = [qc.assign_parameters({p: values[p.name] for p in qc.parameters}) for qc in (a, b)]
        difference = float(np.abs(Operator(bound[0]).data - Operator(bound[1]).data).max())
    return pd.Series({"gates (composed)": len(a.data), "gates (vqc_circuit)": len(b.data),
                      "same gates, qubits and parameters in order": gate_list(a) == gate_list(b),
                      "max |U_composed - U_vqc| at random values": difference})


def circuit_words(check: pd.Series) -> str:
    """:func:`compare_circuits` in words: the same circuit, or where the two differ."""
    same_list = bool(check["same gates, qubits and parameters in order"])
    difference = check["max |U_composed - U_vqc| at random values"]
    if same_list and difference < ROUNDING:
        return (f"the two circuits hold the same {check['gates (composed)']} instructions in the same order, "
                f"and their unitaries at random parameter values differ by at most {difference:.1e}: "
                "the composition on this page is vqc_circuit()")
    if difference < ROUNDING:
        return (f"the gate lists differ ({check['gates (composed)']} against {check['gates (vqc_circuit)']} "
                f"instructions), but the unitaries agree to {difference:.0e}: the same operator, written differently")
    return (f"the two circuits differ: {check['gates (composed)']} against {check['gates (vqc_circuit)']} "
            f"instructions, unitaries apart by up to {difference:.2g}")


# --------------------------------------------------------------------------- simulators and gradients (6.3-6.4)
def times(ratio: float) -> str:
    """``"120 times"``, ``"3.4 times"``: a speed ratio for prose."""
    if not ratio > 0:
        raise ValueError(f"a speed ratio must be positive, got {ratio}")
    return f"{ratio:.0f} times" if ratio >= 10 else f"{ratio:.1f} times"


def engine_readings(engines: pd.DataFrame, n_val: int, batch: int = 10, n_weights: int = 72,
                    iterations: int = 100) -> dict:
    """Section 6.3 from :func:`helpers.quantum.checks.compare_engines` (rows ``reference``, ``torch``,
    ``aer``): the largest difference to the reference (``max_diff``) and ``engines_agree`` /
    ``engines_agree_short`` (rounding error or not, :data:`ROUNDING`); the speed ratios and
    ``speed_sentence`` / ``speed_short``; and the cost of parameter-shift training on Aer (exercise):
    ``ps_circuits`` per iteration (2 per weight and sample, the batch, the ``n_val`` validation
    samples), ``aer_iteration_s`` and ``aer_run_s`` for ``iterations`` iterations."""
    missing = {"reference", "torch", "aer"} - set(engines.index)
    if missing:
        raise ValueError(f"the engine table lacks {sorted(missing)}")
    max_diff = float(engines["max |diff| to reference"].max())
    speed = engines["circuits per second"]
    vs_aer, vs_ref = speed["torch"] / speed["aer"], speed["torch"] / speed["reference"]
    if max_diff < ROUNDING:
        agree = f"The three engines agree to {max_diff:.1e}, rounding error of float64 arithmetic."
        agree_short = "all engines agree to rounding error"
    else:
        agree = (f"The engines differ by up to {max_diff:.1e}, more than float64 rounding error "
                 f"({ROUNDING:.0e}): one of them is wrong.")
        agree_short = f"the engines differ by up to {max_diff:.1e}, more than rounding error"
    faster = vs_aer > 1
    speed_sentence = (f"In this build the torch engine evaluated {times(vs_aer)} as many circuits per second as "
                      f"Aer, and {times(vs_ref)} as many as the gate-by-gate reference.")
    speed_short = (f"{times(vs_aer)} as fast as Aer in this build" if faster
                   else f"no faster than Aer in this build ({times(vs_aer)} its speed)")
    ps_circuits = 2 * n_weights * batch + batch + n_val
    return dict(max_diff=max_diff, engines_agree=agree, engines_agree_short=agree_short, torch_vs_aer=vs_aer,
                torch_vs_ref=vs_ref, speed_sentence=speed_sentence, speed_short=speed_short,
                aer_speed=float(speed["aer"]), ps_circuits=ps_circuits, n_val=n_val,
                aer_iteration_s=ps_circuits / speed["aer"], aer_run_s=iterations * ps_circuits / speed["aer"])


def gradient_readings(grads: dict, idle=slice(66, 72)) -> dict:
    """Section 6.4 from :func:`helpers.quantum.checks.loss_gradients`: each gradient's largest
    difference to autograd (``ps_torch``, ``ps_aer``, ``ps_loss``), ``shift_words`` (whether the
    parameter-shift rule matches autograd to rounding error on both engines), the largest gradient of
    the ``idle`` weights (``last_six``) and ``idle_words`` (zero up to rounding error, or not)."""
    needed = ("autograd", "parameter shift (torch)", "parameter shift (aer)", "Eq. 5 on the loss")
    missing = [k for k in needed if k not in grads]
    if missing:
        raise ValueError(f"the gradients lack {missing}")
    diff = {k: float((v - grads["autograd"]).abs().max()) for k, v in grads.items()}
    ps_torch, ps_aer = diff["parameter shift (torch)"], diff["parameter shift (aer)"]
    numbers = f"{ps_torch:.1e} (torch) and {ps_aer:.1e} (Aer)"
    if max(ps_torch, ps_aer) < ROUNDING:
        shift = f"Parameter shift matches autograd to {numbers}: rounding error."
    else:
        off = join_words(e for e, d in (("torch", ps_torch), ("Aer", ps_aer)) if d >= ROUNDING)
        shift = f"Parameter shift differs from autograd by {numbers}: more than rounding error on {off}."
    last_six = float(grads["autograd"][idle].abs().max())
    first, stop = idle.start, idle.stop - 1
    if last_six < ROUNDING:
        idle_words = (f"Note also the six weights whose gradient is zero up to rounding error (largest magnitude "
                      f"{last_six:.1e})")
    else:
        idle_words = (f"The gradient of θ{first}..θ{stop} reaches {last_six:.1e} here, more than rounding error, "
                      "which the next exercise's argument says cannot happen")
    return dict(ps_torch=ps_torch, ps_aer=ps_aer, ps_loss=diff["Eq. 5 on the loss"], shift_words=shift,
                last_six=last_six, idle_words=idle_words)


# --------------------------------------------------------------------------- training (6.5)
def learning_rate_edge(best: float, grid) -> str:
    """Whether the selected learning rate ``best`` lies at an edge of ``grid``, in words."""
    grid = sorted(float(v) for v in grid)
    if best not in grid:
        raise ValueError(f"the selected rate {best} is not in the grid {grid}")
    if len(grid) > 1 and best in (grid[0], grid[-1]):
        largest = best == grid[-1]
        return (f"It is the {'largest' if largest else 'smallest'} rate we tried, so a "
                f"{'larger' if largest else 'smaller'} one might do as well or better; chapter 7 "
                "flags it with its other choices at the edge of a grid.")
    if len(grid) == 1:
        return "It is the only rate we tried."
    return "It lies inside the range we tried."


def training_readings(runs: dict, learning_rates, X_test, y_test) -> dict:
    """Section 6.5 from ``runs`` (``"lr=<value>"`` -> :class:`~helpers.quantum.training.TrainResult`):
    the run with the lowest validation loss (``best_lr``), its training time, ``lr_edge``
    (:func:`learning_rate_edge`), its best validation loss, the cross-entropy floor
    ``-log p_max`` (``ce_floor``) and its test accuracy in % (``test_acc``)."""
    from ..quantum.evaluation import probability_bounds
    from ..quantum.training import accuracy

    if not runs:
        raise ValueError("no training runs")
    best_name = min(runs, key=lambda k: float(runs[k].history["val_loss"].min()))
    model = runs[best_name]
    return dict(best_lr=best_name, train_seconds=model.seconds,
                lr_edge=learning_rate_edge(float(best_name.split("=")[1]), learning_rates),
                best_val=float(model.history["val_loss"].min()), ce_floor=-math.log(probability_bounds()[1]),
                test_acc=100 * accuracy(model.theta, X_test, y_test))


# --------------------------------------------------------------------------- against a classical baseline (6.6)
def accuracy_table(sets: dict, models: dict, repeats: int = 3) -> pd.DataFrame:
    """Per dataset: the VQC's and a logistic regression's test accuracy in % (on the same four angles),
    the test size, and the seconds each took to fit (the VQC's training run; the regression's best
    of ``repeats`` fits). ``attrs["correct"]`` keeps, per dataset, the
    per-sample correctness ``{"vqc": (n,), "logistic": (n,)}`` for :func:`baseline_words`."""
    from sklearn.linear_model import LogisticRegression

    from ..quantum.training import probabilities

    rows, correct = {}, {}
    for name, d in sets.items():
        fit_seconds = math.inf
        for _ in range(repeats):                      # best of ``repeats``: a loaded machine adds noise
            start = time.perf_counter()
            baseline = LogisticRegression(max_iter=1000).fit(d.X_train.numpy(), d.y_train.numpy())
            fit_seconds = min(fit_seconds, time.perf_counter() - start)
        y = d.y_test.numpy()
        vqc = probabilities(models[name].theta, d.X_test).argmax(-1).numpy() == y
        logistic = baseline.predict(d.X_test.numpy()) == y
        correct[name] = {"vqc": vqc.astype(float), "logistic": logistic.astype(float)}
        rows[name] = {"VQC test acc %": 100 * vqc.mean(), "logistic regression test acc %": 100 * logistic.mean(),
                      "test samples": len(y), "VQC training s": models[name].seconds,
                      "logistic regression fit s": fit_seconds}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["correct"] = correct
    return table


def errors_words(n_wrong: int, n: int) -> str:
    """``"misclassifies none of its 30 test samples"``, ``"misclassifies 1 of its 30 test samples"``."""
    if not 0 <= n_wrong <= n or n == 0:
        raise ValueError(f"need 0 <= errors <= samples and samples > 0, got {n_wrong} of {n}")
    return f"misclassifies {'none' if n_wrong == 0 else n_wrong} of its {n} test samples"


def separation_words(n_wrong: int, n: int, paper_recalls) -> str:
    """Our Iris result beside the paper's: its Fig. 2 shows what it calls "near-perfect separation",
    and its Table 1 gives every Iris class's recall before unlearning. Ours: ``n_wrong`` of ``n``
    test samples misclassified, on one split of one seed (which decides nothing between the two)."""
    said = f"On this split our classifier {errors_words(n_wrong, n)}"
    paper_perfect = all(r == 1 for r in paper_recalls)
    paper = ("its Table 1 recalls every Iris class perfectly before unlearning" if paper_perfect
             else "its Table 1 does not recall every Iris class perfectly before unlearning")
    if n_wrong == 0:
        relation = "a perfect split, like the paper's" if paper_perfect else "a perfect split"
        return f"{said}: {relation} ({paper})."
    return (f"{said}, where {paper}; one split of one seed, so this decides nothing about whose classifier is "
            "more accurate (chapter 7 trains it again on several seeds).")


COMPARE = {"larger": "the VQC is more accurate", "smaller": "the logistic regression is more accurate",
           "undecided": "the two are not told apart"}


def baseline_words(table: pd.DataFrame) -> dict:
    """The VQC against the logistic regression per dataset, paired over the test samples of this
    split (correct minus correct, 95 % t interval): ``baseline_sentence`` (every dataset, numbers),
    ``baseline_short`` (the verdicts grouped, for the summary) and ``fit_ratio`` (how many times
    longer the VQC trained than the regression fitted, summed over datasets)."""
    correct = table.attrs.get("correct")
    if not correct:
        raise ValueError("the accuracy table has no per-sample correctness (use accuracy_table)")
    parts, by_verdict = [], {}
    for name in table.index:
        c = correct[name]
        iv = paired_interval(c["vqc"], c["logistic"])
        verdict = COMPARE[iv.direction]
        by_verdict.setdefault(verdict, []).append(display_name(name))
        parts.append(f"on {display_name(name)} {verdict} ({table.loc[name, 'VQC test acc %']:.1f} % against "
                     f"{table.loc[name, 'logistic regression test acc %']:.1f} %; difference "
                     f"{iv.text(1, scale=100)} points over "
                     f"{iv.n} test samples)")
    fit_ratio = float(table["VQC training s"].sum() / table["logistic regression fit s"].sum())
    sentence = ("Paired over the test samples of this one split (correct minus correct, 95 % t interval), "
                + "; ".join(parts) + ".")
    short = "; ".join(f"{v} on {join_words(names)}" for v, names in by_verdict.items())
    return dict(baseline_sentence=sentence, baseline_short=short, fit_ratio=fit_ratio)


def covertype_sentence(used) -> str:
    """Whether Covertype was loaded in this build."""
    if "covertype" in used:
        return "Covertype was loaded in this build; its matrix is the last one above."
    return "Covertype could not be loaded in this build, so its matrix is missing here."


def classifier_readings(table: pd.DataFrame, iris_paper_recalls) -> dict:
    """Section 6.6: the VQC's and the logistic regression's test accuracy on Iris and Wine
    (``iris_acc``, ``wine_acc``, ``iris_lr``, ``wine_lr``), ``iris_separation``
    (:func:`separation_words`), :func:`baseline_words` and ``covertype_sentence``."""
    for name in ("iris", "wine"):
        if name not in table.index:
            raise ValueError(f"chapter 6 reads Iris and Wine; {name!r} is missing from the accuracy table")
    out = {"iris_acc": table.loc["iris", "VQC test acc %"], "wine_acc": table.loc["wine", "VQC test acc %"],
           "iris_lr": table.loc["iris", "logistic regression test acc %"],
           "wine_lr": table.loc["wine", "logistic regression test acc %"]}
    out = {k: float(v) for k, v in out.items()}
    iris_correct = table.attrs["correct"]["iris"]["vqc"] if "correct" in table.attrs else None
    if iris_correct is None:
        raise ValueError("the accuracy table has no per-sample correctness (use accuracy_table)")
    out["iris_separation"] = separation_words(int(len(iris_correct) - iris_correct.sum()), len(iris_correct),
                                              iris_paper_recalls)
    out.update(baseline_words(table))
    out["covertype_sentence"] = covertype_sentence(table.index)
    return out


def paper_iris_recalls() -> list[float]:
    """The paper's Table 1: every Iris class's recall before unlearning (its trained classifier)."""
    from ..paper import quantum_table

    t = quantum_table(1)
    return [float(v) for v in t[(t["dataset"] == "iris") & (t["metric"] == "recall")]["before"]]


def readings(circuit_check: pd.Series, engines: pd.DataFrame, grads: dict, runs: dict, learning_rates, data,
             accuracies: pd.DataFrame) -> dict:
    """Every value chapter 6 glues: the probability bounds (``p_min``, ``p_max``), ``circuit_words``,
    :func:`engine_readings`, :func:`gradient_readings`, :func:`training_readings` and
    :func:`classifier_readings` (against the paper's Iris recalls)."""
    from ..quantum.evaluation import probability_bounds

    p_min, p_max = probability_bounds()
    out = dict(p_min=p_min, p_max=p_max, circuit_words=circuit_words(circuit_check))
    out.update(engine_readings(engines, n_val=len(data.X_val)))
    out.update(gradient_readings(grads))
    out.update(training_readings(runs, learning_rates, data.X_test, data.y_test))
    out.update(classifier_readings(accuracies, paper_iris_recalls()))
    return out


__all__ = ["ROUNDING", "gate_list", "compare_circuits", "circuit_words", "times", "engine_readings",
           "gradient_readings", "learning_rate_edge", "training_readings", "accuracy_table", "errors_words",
           "separation_words", "baseline_words", "covertype_sentence", "classifier_readings", "paper_iris_recalls",
           "readings"]
