"""Chapter 7's tables from a list of runs (:class:`~helpers.quantum.experiment.QuantumRun`).

The paper's Table 1 (recall per class before and after, and the forgotten class's
mean probability) and Table 2 (KL to the gold model), as mean ± std over seeds and
beside the published numbers of :mod:`helpers.paper`; the similarity-versus-uniform
comparison of Appendix A. Every table also shows what doing nothing scores (the
untouched original) and the gold model's own noise floor (Gold′, a second gold model
trained from an independent seed), which the paper's tables do not have. The verdicts
read from these tables are computed in :mod:`helpers.chapters.ch07`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..paper import quantum_table
from .evaluation import closeness_to_gold, confusion, recall, table_1
from .training import probabilities

MODEL_NAMES = {"original": "Original (do nothing)", "similarity": "DG unlearning (similarity target)",
               "uniform": "DG unlearning (uniform target)", "gold_indep": "Gold′ (independent seed: noise floor)",
               "gold": "Gold"}


def run_models(run) -> dict:
    """The weights of every model of one run, by name: ``original`` (doing nothing), each unlearned
    target, ``gold_indep`` (Gold′) and ``gold`` (the reference)."""
    return {"original": run.original.theta, **{t: u.theta for t, u in run.unlearned.items()},
            "gold_indep": run.gold_indep.theta, "gold": run.gold.theta}


def closeness_frame(runs) -> pd.DataFrame:
    """One row per (dataset, seed, model) on the test split: every model of :func:`run_models`
    against that run's gold model (:func:`~helpers.quantum.evaluation.closeness_to_gold`)."""
    return pd.DataFrame([dict(dataset=r.dataset, seed=r.seed, model=name,
                              **closeness_to_gold(r.gold.theta, theta, r.data.X_test, r.data.y_test,
                                                  r.forget_class, r.data.num_classes))
                         for r in runs for name, theta in run_models(r).items()])


def reassignment_frame(runs, target: str = "similarity") -> pd.DataFrame:
    """Where unlearning sends the forgotten class, per run on the test split (paper, Sec. 4.3 and Fig. 4:
    "primarily ... to a single retained class"): how many forgotten-class samples the original model
    predicted as f (``predicted_f_before``), how many of those the unlearned model moves to a retained
    class (``reassigned``), the most frequent one (``top_class``) and its share (``top_share``);
    ``same_as_gold``: the share of the moved samples sent where the gold model puts them (doing nothing
    moves none)."""
    rows = []
    for r in runs:
        X = r.data.X_test[r.data.y_test == r.forget_class]
        before, after, gold = (probabilities(theta, X).argmax(-1) for theta in
                               (r.original.theta, r.unlearned[target].theta, r.gold.theta))
        is_moved = (before == r.forget_class) & (after != r.forget_class)
        moved = np.bincount(after[is_moved].numpy(), minlength=r.data.num_classes)
        same = (after == gold)[is_moved].double()
        rows.append(dict(dataset=r.dataset, seed=r.seed, predicted_f_before=int((before == r.forget_class).sum()),
                         reassigned=int(moved.sum()), top_class=int(moved.argmax()),
                         top_share=moved.max() / max(moved.sum(), 1),
                         same_as_gold=same.mean().item() if len(same) else float("nan")))
    return pd.DataFrame(rows)


def target_summary(runs) -> pd.DataFrame:
    """How far the similarity target (Eq. 6) is from uniform, and how separable the forgotten class
    was before unlearning, per dataset (mean over seeds): ``q_max`` the target's largest entry (the
    uniform target has 1/(K-1)), ``forget_recall_before`` the original model's test recall of class f."""
    rows = []
    for r in runs:
        q = r.unlearned["similarity"].target
        rec = recall(confusion(r.original.theta, r.data.X_test, r.data.y_test, r.data.num_classes))
        rows.append(dict(dataset=r.dataset, seed=r.seed, q_max=q.max().item(),
                         uniform=1 / (r.data.num_classes - 1), forget_recall_before=rec[r.forget_class]))
    return pd.DataFrame(rows).groupby("dataset", sort=False)[["q_max", "uniform", "forget_recall_before"]].mean()


def table_1_frame(runs, target: str = "similarity") -> pd.DataFrame:
    """Table 1 rows of every run (test split), with ``dataset`` and ``seed`` columns; ``before`` is
    the original (doing nothing), ``after`` the unlearned model, and ``gold`` and ``gold_indep``
    the same quantity for the gold model and Gold′ (its noise floor)."""
    return pd.concat([table_1(r.original.theta, r.unlearned[target].theta, r.data.X_test, r.data.y_test, r.forget_class,
                              r.data.num_classes, gold=r.gold.theta, gold_indep=r.gold_indep.theta)
                      .assign(dataset=r.dataset, seed=r.seed, target=target) for r in runs], ignore_index=True)


TABLE_2_COLUMNS = ["mean_kl", "std_kl", "median_kl", "max_kl", "forgotten_prob_gold", "forgotten_prob_model"]


def table_2_frame(runs, target: str = "similarity") -> pd.DataFrame:
    """Table 2 rows (KL to gold on retained-class test samples) of every run: the rows of
    :func:`closeness_frame` for the original (doing nothing), the unlearned model (``target``) and Gold′
    (the noise floor); ``forgotten_prob_model`` is that model's p(f|x) on the retained samples."""
    close = closeness_frame(runs).rename(columns={"forgotten_prob": "forgotten_prob_model"})
    rows = close[close["model"].isin(["original", target, "gold_indep"])].reset_index(drop=True)
    return rows[["dataset", "seed", "model", "retained_labels", *TABLE_2_COLUMNS]]


def mean_std(frame: pd.DataFrame, by, columns) -> pd.DataFrame:
    """Mean and standard deviation over seeds, as ``"0.412 ± 0.031"`` strings."""
    g = frame.groupby(by, sort=False)[list(columns)]
    mean, std = g.mean(), g.std().fillna(0.0)
    return mean.combine(std, lambda m, s: m.map("{:.3f}".format) + " ± " + s.map("{:.3f}".format))


MISSING = "—"


def _published(value) -> str:
    """A published number with the paper's own decimals: three, or four where the paper prints four
    (0.4155, 0.1625), so that no published value is re-rounded."""
    if pd.isna(value):
        return MISSING
    decimals = next(d for d in (3, 4, 5, 6) if d == 6 or abs(round(value, d) - value) < 1e-9)
    return f"{value:.{decimals}f}"


def _beside(ours: pd.DataFrame, paper: pd.DataFrame, index) -> pd.DataFrame:
    """Our rows with the paper's ``before``, ``after`` and ``delta`` beside them, then the paper's rows
    for datasets we did not run (e.g. covertype offline), with "—" where one side has no number."""
    paper = paper.set_index(index)[["before", "after", "delta"]].apply(lambda column: column.map(_published))
    ran = set(ours.index.get_level_values(0))
    rows = ours.index.append(paper.index[[key not in ran for key in paper.index.get_level_values(0)]])
    return ours.reindex(rows).join(paper.add_prefix("paper ")).fillna(MISSING).astype(object)


OURS_TABLE_1 = {"before": "ours before (Original)", "after": "ours after", "delta": "ours delta",
                "gold": "ours gold", "gold_indep": "ours gold′"}


def table_1_beside_paper(frame: pd.DataFrame, metric: str = "recall") -> pd.DataFrame:
    """Table 1 (``metric="recall"``: a row per dataset and class) or the line under it
    (``"forget_class_mean_prob"``: mean p(f | x) on the forgotten class's test samples, a row per
    dataset): ours (mean ± std over seeds; ``before`` is the original, i.e. doing nothing; ``gold``
    and ``gold′`` the gold model and its independently seeded twin, whose difference is the noise
    floor) next to the published run (``helpers.paper``; the paper's change of the probability is
    computed from its before and after), then the paper's rows of datasets not in ``frame``
    (covertype offline); "—" where one side has no number (the paper has no wine rows). Ours with
    three decimals, the paper's with its own."""
    index = ["dataset", "class"] if metric == "recall" else ["dataset"]
    ours = mean_std(frame[frame["metric"] == metric], index, list(OURS_TABLE_1)).rename(columns=OURS_TABLE_1)
    paper = quantum_table(1).query("metric == @metric")
    paper = paper.assign(**{"class": paper["class"].astype(str) + paper["forgotten"].map({True: " (F)", False: ""}),
                            "delta": paper["delta"].fillna(paper["after"] - paper["before"])})  # none printed for p(f|x)
    return _beside(ours, paper, index)


def forget_probability_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and std over seeds of the forgotten-class probability before, after and for the gold model,
    per dataset (columns ``before``, ``after``, ``gold`` and ``*_std``), for :func:`plot_forget_probability`."""
    g = frame[frame["metric"] == "forget_class_mean_prob"].groupby("dataset", sort=False)[["before", "after", "gold"]]
    return g.mean().join(g.std().fillna(0.0).add_suffix("_std"))


def table_2_beside_paper(frame: pd.DataFrame) -> pd.DataFrame:
    """Table 2: per dataset we ran, one row per model of :func:`table_2_frame` (mean ± std over
    seeds of each run's statistic; ``std_kl`` is the spread of the KL over test samples within a
    run): the original (doing nothing), the unlearned model and Gold′ (the KL between two
    independently seeded gold models: the noise floor); then one row per published dataset (the
    paper gives covertype only, one run, unlearned model only); "—" where the paper has no number."""
    ours = mean_std(frame, ["dataset", "model"], TABLE_2_COLUMNS)
    ours.index = ours.index.set_levels(ours.index.levels[1].map(lambda m: MODEL_NAMES.get(m, m)), level=1)
    paper = quantum_table(2).rename(columns={"forgotten_prob_unlearned": "forgotten_prob_model"})
    paper = paper.set_index("dataset").reindex(columns=TABLE_2_COLUMNS).apply(lambda column: column.map(_published))
    paper.index = pd.MultiIndex.from_product([paper.index, ["paper (one run, unlearned model)"]])
    table = pd.concat([ours, paper.fillna(MISSING)])
    table.index.names = ["dataset", "source"]
    return table


COMPARED = ("similarity", "uniform", "original", "gold_indep")
TARGET_COLUMNS = ["forget_recall", "forget_prob", "retained_recall", "mean_kl", "gold_agreement"]


def compare_targets(closeness: pd.DataFrame, models=COMPARED) -> pd.DataFrame:
    """Similarity-guided versus uniform target, beside doing nothing (the original) and Gold′ (the
    gold model's noise floor), per dataset (mean over seeds of :func:`closeness_frame`): forgotten
    class recall and probability, retained-class recall, KL to the gold model and agreement with
    the gold model on the forgotten class."""
    rows = closeness[closeness["model"].isin(models)]
    table = rows.groupby(["dataset", "model"], sort=False)[TARGET_COLUMNS].mean()
    order = [(d, m) for d in dict.fromkeys(rows["dataset"]) for m in models if (d, m) in table.index]
    table = table.loc[order]
    table.index = pd.MultiIndex.from_tuples([(d, MODEL_NAMES[m]) for d, m in order], names=["dataset", "model"])
    return table
