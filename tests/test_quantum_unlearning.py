"""Training, the VQC module, distribution-guided unlearning (helpers.unlearn.dg: Eqs. 6-7, the uniform
target) on the VQC, the gold model, Tables 1-2."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch

import helpers.quantum.batched as batched_module
from helpers.chapters import ch07
from helpers.data import load_tabular
from helpers.data.tabular import display_list, display_name
from helpers.quantum import VQC, accuracy, logits, probabilities, table_1, train_vqc
from helpers.quantum import experiment as E
from helpers.quantum import tables as T
from helpers.quantum.evaluation import (closeness_to_gold, confusion, gold_agreement, probability_bounds,
                                       recall)
from helpers.quantum.experiment import forget_and_anchor, select_unlearning, validation_scores
from helpers.quantum.batched import gold_retrain, unlearn_vqc_batch
from helpers.quantum.plots import plot_forget_probability, plot_weight_changes
from helpers.quantum.model import init_theta
from helpers.quantum.training import gold_seed
from helpers.seeds import derive_seed
from helpers.unlearn import training_task, unlearn
from helpers.unlearn.dg import (calibration_subset, forget_target, forget_targets, objective_terms, uniform_target,
                                weight_penalty)


@pytest.fixture(scope="module")
def iris():
    return load_tabular("iris", seed=0)


@pytest.fixture(scope="module")
def trained(iris):
    return train_vqc(iris.X_train, iris.y_train, iris.X_val, iris.y_val, iterations=150, seed=0)


def dg(theta, data, forget_class=2, on_step=None, **hp):
    """The registered method on the VQC of weights ``theta`` (chapter 7's full-batch defaults); its weights."""
    return unlearn("dg", VQC(theta), training_task(data, data.y_train == forget_class, forget_class, on_step), **hp).theta.detach()


def objective(theta, theta_orig, X_f, q, X_a, alpha=1.0, lam=0.01):
    """J of Eq. 7 for the VQC of weights ``theta`` against the original's, and its penalty term."""
    model, original = VQC(theta), VQC(theta_orig)
    log_p = [torch.log_softmax(model(X), -1) for X in (X_f, X_a)]
    penalty = weight_penalty(model, original)
    return objective_terms(log_p[0], q, log_p[1], probabilities(theta_orig, X_a), penalty, alpha, lam)[0], penalty


# --------------------------------------------------------------------------- the VQC as a module
def test_vqc_module_holds_theta_and_runs_the_chosen_engine(iris):
    model = VQC(seed=4)
    assert isinstance(model.theta, torch.nn.Parameter) and torch.equal(model.theta.detach(), init_theta(4))
    assert torch.equal(model(iris.X_test), logits(init_theta(4), iris.X_test))
    assert "engine='torch', gradient='autograd'" in repr(model)
    shifted = VQC(init_theta(4), gradient="parameter-shift")
    assert "gradient='parameter-shift'" in repr(shifted) and torch.equal(shifted(iris.X_test), model(iris.X_test))
    theta = init_theta(1)
    VQC(theta).theta.data.add_(1.0)
    assert torch.equal(theta, init_theta(1))                                # the module copies its weights
    with pytest.raises(ValueError, match=r"theta must have shape \(72,\)"):
        VQC(torch.zeros(71))


# --------------------------------------------------------------------------- targets (Eq. 6, App. A)
def test_forget_target_is_eq6():
    p = torch.tensor([[0.2, 0.5, 0.3], [0.4, 0.3, 0.3]], dtype=torch.float64)
    q = forget_target(p, forget_class=2, beta=2.0)
    mean = torch.tensor([0.3, 0.4], dtype=torch.float64)
    expected = mean ** 2 / (mean ** 2).sum()
    assert torch.allclose(q, torch.cat([expected, torch.zeros(1, dtype=torch.float64)]))
    flat, sharp = forget_target(p, 2, beta=1.0), forget_target(p, 2, beta=8.0)
    assert flat.max() < q.max() < sharp.max()                        # β sharpens toward the closest class
    assert torch.allclose(uniform_target(3, 0), torch.tensor([0.0, 0.5, 0.5], dtype=torch.float64))


@pytest.mark.parametrize("bad", [-1, 3, 2.0, "2"])
def test_out_of_range_forget_class(bad):
    p = torch.full((4, 3), 1 / 3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"forget_class must be an integer class index in 0\.\.2"):
        forget_target(p, bad)
    with pytest.raises(ValueError, match="forget_class"):
        uniform_target(3, bad)


def test_bad_beta_and_target(trained, iris):
    with pytest.raises(ValueError, match="beta must be > 0"):
        forget_target(torch.full((2, 3), 1 / 3, dtype=torch.float64), 2, beta=0.0)
    with pytest.raises(ValueError, match="unknown target 'random'"):
        dg(trained.theta, iris, target="random")
    X_f, X_a = forget_and_anchor(iris, 2)
    with pytest.raises(ValueError, match="forget_class must be an integer class index"):
        unlearn_vqc_batch(trained.theta, X_f, X_a, 3)


def test_each_forgotten_class_gets_its_own_target_and_calibration_subset():
    """Scenario A of chapter 8: classes 0 and 2 in the forget set, one generator, classes in order."""
    p = torch.softmax(torch.randn(10, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64), -1)
    y = torch.tensor([2, 0, 2, 0, 0, 2, 2, 0, 2, 0])
    drawn = torch.Generator().manual_seed(5)
    Q = forget_targets(p, y, drawn, beta=2.0)
    g = torch.Generator().manual_seed(5)
    members = {c: torch.nonzero(y == c).flatten() for c in (0, 2)}
    subsets = {c: members[c][calibration_subset(5, g)] for c in (0, 2)}            # class 0 drawn first
    assert all(len(S) == 2 for S in subsets.values())                                # half of each class
    assert torch.equal(drawn.get_state(), g.get_state())                            # exactly these two draws
    for c in (0, 2):
        assert torch.equal(Q[members[c]], forget_target(p[subsets[c]], c, 2.0).expand(5, 3))
    drawn_uniform = torch.Generator().manual_seed(5)
    Q_uniform = forget_targets(p, y, drawn_uniform, target="uniform")               # S_c drawn all the same
    assert torch.equal(drawn_uniform.get_state(), g.get_state()) and torch.equal(Q_uniform[members[0][0]],
                                                                                  uniform_target(3, 0))
    assert len(calibration_subset(5, g, n_calibration=9)) == 5 and len(calibration_subset(1, g)) == 1


# --------------------------------------------------------------------------- objective (Eq. 7, Thm 1)
def test_objective_is_eq7_and_theorem_1(trained, iris):
    X_f, X_a = forget_and_anchor(iris, 2)
    theta_orig = trained.theta
    theta = theta_orig + 0.05 * init_theta(5, std=1.0)
    q = forget_target(probabilities(theta_orig, X_f), 2, beta=2.0)
    p_ref = probabilities(theta_orig, X_a)
    alpha, lam = 0.7, 0.03
    J, penalty_term = objective(theta, theta_orig, X_f, q, X_a, alpha, lam)
    p_f, p_a = probabilities(theta, X_f), probabilities(theta, X_a)
    L_F = (q * p_f.log()).sum(1).mean()
    kl = (p_ref * (p_ref.log() - p_a.log())).sum(1).mean()
    neg_entropy = (p_ref * p_ref.log()).sum(1).mean()                # the constant C of Theorem 1
    penalty = ((theta - theta_orig) ** 2).sum()
    assert abs(J.item() - (L_F + alpha * (neg_entropy - kl) - lam * penalty).item()) < 1e-10
    assert penalty > 0 and abs(penalty_term.item() - penalty.item()) < 1e-15           # weight_penalty


# --------------------------------------------------------------------------- training and unlearning
def test_training_learns_iris_and_keeps_the_best_checkpoint(trained, iris):
    assert accuracy(trained.theta, iris.X_test, iris.y_test) >= 0.8
    h = trained.history
    assert len(h) == 150 and list(h.columns) == ["iteration", "train_loss", "val_loss"]
    assert h["val_loss"].iloc[trained.best_iteration] == h["val_loss"].min()
    assert h["val_loss"].min() < h["val_loss"].iloc[0]


def test_unlearning_suppresses_the_forgotten_class(trained, iris):
    X_f, X_a = forget_and_anchor(iris, 2)
    theta_before = trained.theta.clone()
    theta = dg(trained.theta, iris, steps=60, seed=0)
    assert torch.equal(trained.theta, theta_before)                        # the original is untouched
    t1 = table_1(trained.theta, theta, iris.X_test, iris.y_test, forget_class=2)
    forget_recall = t1[(t1["class"] == "2 (F)") & (t1["metric"] == "recall")].iloc[0]
    forget_prob = t1[t1["metric"] == "forget_class_mean_prob"].iloc[0]
    assert forget_recall["after"] < forget_recall["before"] and forget_recall["after"] <= 0.2
    assert forget_prob["after"] < forget_prob["before"] - 0.1
    retained = t1[t1["class"].isin(["0", "1"])]
    assert (retained["after"] >= 0.7).all()                                # retained classes survive
    Q = forget_targets(probabilities(trained.theta, X_f), torch.full((len(X_f),), 2),
                       torch.Generator().manual_seed(derive_seed(0, "unlearn")))          # the run's target
    assert (Q[:, 2] == 0).all() and torch.allclose(Q.sum(1), torch.ones(len(X_f), dtype=torch.float64))
    J = [objective(t, trained.theta, X_f, Q, X_a)[0].item() for t in (trained.theta, theta)]
    assert J[1] > J[0]                                                     # gradient *ascent* on J


def test_uniform_target_unlearns_the_forgotten_class(trained, iris):
    """Appendix A's uniform target, run for real: on the forget set the forgotten class loses
    probability and the predictions move towards the target (mean KL(q || p_w) falls), and the
    forgotten class's test recall falls."""
    X_f, X_a = forget_and_anchor(iris, 2)
    theta = dg(trained.theta, iris, target="uniform", steps=40, lr=0.05, seed=0)
    q = uniform_target(3, 2)
    before, after = probabilities(trained.theta, X_f), probabilities(theta, X_f)
    assert after[:, 2].mean() < before[:, 2].mean() - 0.1                   # the forgotten class loses mass

    def kl_to_target(p):                    # mean KL(q || p) over the forget set (q_f = 0 adds nothing)
        keep = q > 0
        return (q[keep] * (q[keep].log() - p[:, keep].log())).sum(1).mean().item()
    assert kl_to_target(after) < kl_to_target(before) - 0.1                 # towards the uniform target
    forget_test = iris.y_test == 2
    recall = [(probabilities(theta, iris.X_test[forget_test]).argmax(1) == 2).float().mean().item()
              for theta in (trained.theta, theta)]
    assert recall[1] < recall[0]


def test_watching_idle_weights_records_them_without_changing_the_run(trained, iris):
    """Chapter 7's record of θ66..θ71: the task's per-step callback sees the gradient of the step."""
    plain = dg(trained.theta, iris, steps=5)
    seen = []
    watched = dg(trained.theta, iris, steps=5, on_step=lambda step, m: seen.append(
        (step, m.theta.grad[66:].abs().max().item(), (m.theta.detach() - trained.theta)[66:].abs().max().item())))
    assert torch.equal(plain, watched) and [s for s, _, _ in seen] == [1, 2, 3, 4, 5]
    assert seen[0][1] < 1e-12                                   # θ66..θ71 do not reach the readout
    assert seen[-1][2] == (watched - trained.theta)[66:].abs().max().item()


def test_gold_retrain_never_sees_the_forgotten_class(iris, monkeypatch):
    seen = {}

    def fake_train(X, y, X_val, y_val, **kwargs):
        seen.update(y=y[0], y_val=y_val[0])
        return "gold"
    monkeypatch.setattr(batched_module, "train_vqc_batch", fake_train)
    assert gold_retrain([iris], 1, seeds=[0], replicas=[0]) == "gold"
    assert 1 not in seen["y"].tolist() and 1 not in seen["y_val"].tolist()
    assert set(seen["y"].tolist()) == {0, 2}


# --------------------------------------------------------------------------- evaluation (Tables 1-2)
def test_confusion_and_recall(trained, iris):
    C = confusion(trained.theta, iris.X_test, iris.y_test)
    assert C.sum() == len(iris.y_test) and (C.sum(1) == 10).all()
    assert abs(recall(C).mean() - accuracy(trained.theta, iris.X_test, iris.y_test)) < 1e-12


def test_closeness_to_gold_is_table_2s_kl(trained, iris):
    same = closeness_to_gold(trained.theta, trained.theta, iris.X_test, iris.y_test, forget_class=2)
    assert same["mean_kl"] < 1e-12 and same["max_kl"] < 1e-12 and same["retained_labels"] == "{0,1}"
    other = trained.theta + 0.3 * init_theta(1, std=1.0)
    d = closeness_to_gold(trained.theta, other, iris.X_test, iris.y_test, forget_class=2)
    # by hand: KL between the two models' distributions renormalised over classes 0, 1
    mask = iris.y_test != 2
    a, b = probabilities(trained.theta, iris.X_test[mask])[:, :2], probabilities(other, iris.X_test[mask])[:, :2]
    a, b = a / a.sum(1, keepdim=True), b / b.sum(1, keepdim=True)
    kl = (a * (a / b).log()).sum(1)
    assert abs(d["mean_kl"] - kl.mean().item()) < 1e-12 and abs(d["max_kl"] - kl.max().item()) < 1e-12
    assert d["mean_kl"] > 0
    with pytest.raises(ValueError, match="forget_class"):
        closeness_to_gold(trained.theta, other, iris.X_test, iris.y_test, forget_class=3)


def test_selection_uses_the_validation_split(trained, iris):
    table, best = select_unlearning(iris, trained, 2, grid=dict(lr=(0.0, 0.05)), seed=0)
    assert best == {"lr": 0.05}                                  # lr = 0 does not unlearn at all
    assert list(table.columns[:1]) == ["lr"] and table["score"].is_monotonic_decreasing
    untouched = validation_scores(trained.theta, iris, 2)
    assert table.set_index("lr").loc[0.0, "forget_recall"] == untouched["forget_recall"]
    with pytest.raises(ValueError, match="beta and lr only"):
        select_unlearning(iris, trained, 2, grid=dict(steps=(40, 80)))


# --------------------------------------------------------------------------- chapter 7's tables and wording
def _fake_runs_frame(trained, iris, other):
    frames = [table_1(trained.theta, other, iris.X_test, iris.y_test, 2).assign(dataset="iris", seed=s, gold=0.5,
                                                                               gold_indep=0.25 * s)
              for s in (0, 1)]
    return pd.concat(frames, ignore_index=True)


def _fake_run(iris, original, unlearned, gold, gold_indep, seed=1):
    """A QuantumRun of given weights (no training)."""
    result = lambda theta: SimpleNamespace(theta=theta)                     # noqa: E731
    return E.QuantumRun(iris, seed, 2, result(original), gold=result(gold), gold_indep=result(gold_indep),
                        unlearned={"similarity": result(unlearned)})


def test_probability_bounds_and_reassignment(trained, iris):
    low, high = probability_bounds()
    assert abs(low - math.exp(-1) / (math.exp(-1) + 2 * math.e)) < 1e-15 and abs(high - 0.787) < 1e-3
    moves = T.reassignment_frame([_fake_run(iris, trained.theta, trained.theta, trained.theta, trained.theta)])
    predicted_f = (probabilities(trained.theta, iris.X_test[iris.y_test == 2]).argmax(-1) == 2).sum().item()
    assert moves.loc[0, "predicted_f_before"] == predicted_f > 0
    assert moves.loc[0, "reassigned"] == 0 and moves.loc[0, "top_share"] == 0       # nothing moves if nothing is unlearned


def test_tables_beside_paper_have_no_empty_rows(trained, iris):
    other = trained.theta + 0.3 * init_theta(1, std=1.0)
    t1 = _fake_runs_frame(trained, iris, other)
    table = T.table_1_beside_paper(t1)
    assert list(table.index) == [("iris", "0"), ("iris", "1"), ("iris", "2 (F)"),
                                 ("covertype", "0"), ("covertype", "1"), ("covertype", "2 (F)")]
    assert table.loc[("iris", "1"), "paper after"] == "0.800"
    assert " ± " in table.loc[("iris", "0"), "ours after"]
    assert table.loc[("iris", "0"), "ours gold"] == "0.500 ± 0.000"                   # the gold model's column
    assert table.loc[("iris", "0"), "ours gold′"] == "0.125 ± 0.177"                  # sample std of (0, 0.25)
    assert table.loc[("covertype", "2 (F)"), "ours after"] == T.MISSING              # paper-only rows
    assert table.loc[("covertype", "2 (F)"), "paper before"] == "0.633"
    assert not table.isna().any().any()
    prob = T.table_1_beside_paper(t1.assign(dataset="wine"), "forget_class_mean_prob")
    assert prob.loc["wine", "paper before"] == T.MISSING
    prob = T.table_1_beside_paper(t1, "forget_class_mean_prob")
    assert prob.loc["iris", "paper before"] == "0.4155"                              # the paper's decimals
    assert prob.loc["iris", "paper delta"] == f"{0.2098 - 0.4155:.4f}"               # computed from the paper
    assert prob.loc["covertype", "paper after"] == "0.2715" and prob.loc["covertype", "ours after"] == T.MISSING
    runs = [_fake_run(iris, trained.theta, other, trained.theta, trained.theta + 0.1 * init_theta(2, std=1.0), s)
            for s in (0, 1)]
    t2 = T.table_2_frame(runs)
    assert list(t2["model"].unique()) == ["original", "similarity", "gold_indep"]
    assert (t2.loc[t2["model"] == "original", "mean_kl"] < 1e-12).all()            # original == gold here
    table2 = T.table_2_beside_paper(t2)
    assert list(table2.index.get_level_values(1)[:3]) == [T.MODEL_NAMES[m] for m in ("original", "similarity",
                                                                                      "gold_indep")]
    paper = ("covertype", "paper (one run, unlearned model)")
    assert table2.loc[paper, "std_kl"] == T.MISSING
    assert table2.loc[paper, "mean_kl"] == "0.0468" and table2.loc[paper, "max_kl"] == "0.1625"  # the paper's decimals
    assert table2.loc[paper, "forgotten_prob_model"] == "0.295"
    assert not table2.isna().any().any()


def test_closeness_to_gold_and_agreement(trained, iris):
    other = trained.theta + 0.5 * init_theta(3, std=1.0)
    same = closeness_to_gold(trained.theta, trained.theta, iris.X_test, iris.y_test, 2)
    assert same["mean_kl"] < 1e-12 and same["gold_agreement"] == 1.0
    d = closeness_to_gold(trained.theta, other, iris.X_test, iris.y_test, 2)
    mask = iris.y_test == 2
    by_hand = (probabilities(trained.theta, iris.X_test[mask]).argmax(-1)
               == probabilities(other, iris.X_test[mask]).argmax(-1)).double().mean().item()
    assert d["gold_agreement"] == by_hand == gold_agreement(trained.theta, other, iris.X_test, iris.y_test, 2)
    assert 0 < by_hand < 1                                                      # a case with something to count
    rec = recall(confusion(other, iris.X_test, iris.y_test))
    assert d["forget_recall"] == rec[2] and abs(d["retained_recall"] - rec[:2].mean()) < 1e-15
    with pytest.raises(ValueError, match="no samples of the forgotten class"):
        gold_agreement(trained.theta, other, iris.X_test[:5], torch.zeros(5, dtype=torch.int64), 2)


def test_closeness_frame_and_reassignment_against_gold(trained, iris):
    other = trained.theta + 0.5 * init_theta(3, std=1.0)
    run = _fake_run(iris, trained.theta, other, gold=other, gold_indep=trained.theta)
    frame = T.closeness_frame([run]).set_index("model")
    assert list(frame.index) == ["original", "similarity", "gold_indep", "gold"]
    assert frame.loc["similarity", "mean_kl"] < 1e-12 and frame.loc["gold", "gold_agreement"] == 1.0
    assert frame.loc["original", "mean_kl"] == frame.loc["gold_indep", "mean_kl"] > 0    # the same weights
    moves = T.reassignment_frame([run])
    assert moves.loc[0, "reassigned"] > 0 and moves.loc[0, "same_as_gold"] == 1.0       # unlearned == gold here
    table = T.compare_targets(T.closeness_frame([run]), models=("similarity", "original"))
    assert list(table.index.get_level_values(1)) == [T.MODEL_NAMES["similarity"], T.MODEL_NAMES["original"]]


def test_wording_helpers():
    chosen = {"iris": {"beta": 1.0, "lr": 0.05}, "wine": {"beta": 4.0, "lr": 0.05}}
    text = ch07.describe_grid_edges(chosen, dict(beta=(1.0, 4.0), lr=(0.02, 0.05, 0.1)))
    assert text == "β = 1 is the smallest value tried (Iris); β = 4 is the largest value tried (Wine)."
    settings = {name: {"train_lr": 0.3, **values} for name, values in chosen.items()}
    text = ch07.describe_grid_edges(settings, {**E.GRID, "train_lr": (0.03, 0.1, 0.3)})
    assert text.startswith("Training learning rate = 0.3 is the largest value tried (Iris, Wine); β = 1")
    assert display_name("covertype") == "Covertype" and display_list(["iris", "wine", "covertype"]) == \
        "Iris, Wine and Covertype"
    assert ch07.describe_grid_edges({"iris": {"lr": 0.05}}, dict(lr=(0.02, 0.05, 0.1))).startswith("No selected")


def test_load_available_offline_prints_one_clean_line(tmp_path, monkeypatch, no_network, capsys):
    monkeypatch.setenv("UNLEARNING_BOOK_DATA", str(tmp_path))
    datasets, skipped = E.load_available(["iris", "covertype"], seeds=(0, 1))
    assert list(datasets) == ["iris"] and sorted(datasets["iris"]) == [0, 1] and list(skipped) == ["covertype"]
    assert 'load_tabular("iris")' in skipped["covertype"] and capsys.readouterr().out == ""
    assert E.availability(datasets, skipped) == "Covertype unavailable (download failed: offline?): using Iris"


def test_chapter_7_figures(trained, iris):
    import matplotlib.pyplot as plt

    table = pd.DataFrame(dict(before=[0.5, 0.52], after=[0.18, 0.17], gold=[0.3, 0.32], before_std=[0.08, 0.04],
                              after_std=[0.03, 0.04], gold_std=[0.02, 0.05]), index=["iris", "wine"])
    paper = pd.DataFrame(dict(before=[0.4155], after=[0.2098]), index=["iris"])
    fig = plot_forget_probability(table, paper=paper, floor=probability_bounds()[0])
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert {"before (paper)", "after (paper)", "floor 0.063", "gold model (ours)"} <= set(labels)
    assert len(fig.axes[0].patches) == 6                                         # three bars per dataset
    fig2 = plot_weight_changes({"a": np.linspace(-1, 1, 72), "b": np.linspace(-0.2, 0.3, 72)}, title="wine, seed 1")
    widths = {round(p.get_width(), 12) for p in fig2.axes[0].patches}
    assert len(widths) == 1 and fig2.axes[0].get_title() == "wine, seed 1"     # shared bin edges
    plt.close("all")


# --------------------------------------------------------------------------- independent seed streams
def _record_starts(monkeypatch, module):
    """Spy on ``init_theta`` as ``module`` calls it: the seeds and starting weights of every model."""
    starts = []
    real = module.init_theta

    def spy(seed, std=0.1):
        theta = real(seed, std)
        starts.append((seed, theta.clone()))
        return theta
    monkeypatch.setattr(module, "init_theta", spy)
    return starts


def test_gold_models_never_start_from_the_original(iris, monkeypatch):
    starts = _record_starts(monkeypatch, batched_module)
    run = E.run_seeds({1: iris}, 2, train=dict(iterations=12), unlearn=dict(steps=2))[0]
    seeds = [s for s, _ in starts]
    assert seeds == [1, gold_seed(1, 0), gold_seed(1, 1)]
    original, gold, gold_indep = (theta for _, theta in starts)
    assert torch.equal(original, init_theta(1))                        # the original: the seed's own stream
    for a, b in ((original, gold), (original, gold_indep), (gold, gold_indep)):
        assert (a - b).abs().max() > 0.05                              # three different starting points
    assert run.gold is not None and run.gold_indep is not None
    assert not torch.equal(run.gold.theta, run.gold_indep.theta)


def test_one_model_gold_retrain_uses_the_oracle_stream(iris, monkeypatch):
    starts = _record_starts(monkeypatch, batched_module)          # train_vqc runs the batched loop for one model
    gold_retrain([iris], 2, seeds=[1], replicas=[1], iterations=3)
    assert [s for s, _ in starts] == [derive_seed(1, "oracle", 1)]
    assert not torch.equal(starts[0][1], init_theta(1))


def test_unlearning_draws_its_calibration_subset_from_the_unlearn_stream(trained, iris):
    X_f, X_a = forget_and_anchor(iris, 2)
    result, other = unlearn_vqc_batch(torch.stack([trained.theta] * 2), X_f, X_a, 2, steps=1, seed=1, replica=[2, 3])
    p_forget = probabilities(trained.theta, X_f)

    def target_of(seed):                    # Eq. (6) on the calibration half drawn from the generator `seed`
        S = torch.randperm(len(X_f), generator=torch.Generator().manual_seed(seed))[:len(X_f) // 2]
        return forget_target(p_forget[S], 2, 2.0)
    assert torch.allclose(result.target, target_of(derive_seed(1, "unlearn", 2)), atol=1e-12, rtol=0)
    assert not torch.allclose(result.target, target_of(1), atol=1e-6, rtol=0)      # not the original's seed
    assert not torch.allclose(result.target, other.target, atol=1e-6, rtol=0)      # replicas are independent runs
