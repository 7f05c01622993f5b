"""Chapter 7's tables from a list of runs (:class:`~helpers.quantum.experiment.QuantumRun`).

The paper's Table 1 (recall per class before and after, and the forgotten class's
mean probability) and Table 2 (KL to the gold model), as mean ± std over seeds and
beside the published numbers of :mod:`helpers.paper`; the similarity-versus-uniform
comparison of Appendix A; and the small helpers that turn a checked claim into words.
"""
from __future__ import annotations

import pandas as pd

from .evaluation import confusion, kl_to_gold, reassignment, recall, table_1
from .names import display_list


def reassignment_frame(runs, target: str = "similarity") -> pd.DataFrame:
    """Per run, :func:`~helpers.quantum.evaluation.reassignment` on the test split: how many
    forgotten-class samples the original model predicted as f (``predicted_f_before``), how many of
    those the unlearned model moves to a retained class (``reassigned``), and the share of those that
    go to the most frequent one (``top_share``; the paper, Sec. 4.3: "primarily ... a single
    retained class")."""
    rows = []
    for r in runs:
        counts = reassignment(r.original.theta, r.unlearned[target].theta, r.data.X_test, r.data.y_test,
                              r.forget_class, r.data.num_classes)
        moved = counts.copy()
        moved[r.forget_class] = 0
        rows.append(dict(dataset=r.dataset, seed=r.seed, predicted_f_before=int(counts.sum()),
                         reassigned=int(moved.sum()), top_class=int(moved.argmax()),
                         top_share=moved.max() / max(moved.sum(), 1)))
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
    """Table 1 rows of every run (test split), with ``dataset`` and ``seed`` columns."""
    frames = []
    for r in runs:
        t = table_1(r.original.theta, r.unlearned[target].theta, r.data.X_test, r.data.y_test, r.forget_class)
        frames.append(t.assign(dataset=r.dataset, seed=r.seed, target=target))
    return pd.concat(frames, ignore_index=True)


def table_2_frame(runs, target: str = "similarity") -> pd.DataFrame:
    """Table 2 rows (KL to gold on retained-class test samples) of every run."""
    return pd.DataFrame([dict(dataset=r.dataset, seed=r.seed, target=target,
                              **kl_to_gold(r.gold.theta, r.unlearned[target].theta, r.data.X_test,
                                           r.data.y_test, r.forget_class)) for r in runs])


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


def _paper_table_1(metric: str) -> pd.DataFrame:
    from ..paper import quantum_table

    paper = quantum_table(1)
    paper = paper[paper["metric"] == metric].copy()
    paper["class"] = paper["class"].astype(str) + paper["forgotten"].map({True: " (F)", False: ""})
    paper["delta"] = paper["delta"].fillna(paper["after"] - paper["before"])   # the paper prints none for the probability
    return paper


def _beside(ours: pd.DataFrame, paper: pd.DataFrame, index) -> pd.DataFrame:
    """Our rows with the paper's beside them, then the paper's rows for datasets we did not run
    (e.g. covertype offline), with "—" in our columns."""
    paper = paper.set_index(index)[["before", "after", "delta"]].apply(lambda column: column.map(_published))
    table = ours.join(paper.reindex(ours.index).fillna(MISSING).add_prefix("paper "))
    ran = set(ours.index.get_level_values(0))
    extra = paper[[key not in ran for key in paper.index.get_level_values(0)]].add_prefix("paper ")
    if not extra.empty:
        extra = extra.reindex(columns=table.columns).astype(object).fillna(MISSING)
        table = pd.concat([table, extra])
    return table


def table_1_beside_paper(frame: pd.DataFrame) -> pd.DataFrame:
    """Table 1's recall rows: ours (mean ± std over seeds) next to the published run
    (``helpers.paper``), then the paper's rows of datasets not in ``frame`` (covertype offline);
    "—" where one side has no number (the paper has no wine rows). Ours with three decimals, the
    paper's with its own."""
    recall_rows = frame[frame["metric"] == "recall"]
    ours = mean_std(recall_rows, ["dataset", "class"], ["before", "after", "delta"]).add_prefix("ours ")
    return _beside(ours, _paper_table_1("recall"), ["dataset", "class"])


def forget_probability_beside_paper(frame: pd.DataFrame) -> pd.DataFrame:
    """The line under Table 1, mean p(f | x) on the forgotten class's test samples before and after
    unlearning: ours (mean ± std over seeds) next to the published values, with the paper's change
    computed from its before and after; the paper's datasets not in ``frame`` get a row of their own;
    "—" where one side has no number."""
    rows = frame[frame["metric"] == "forget_class_mean_prob"]
    ours = mean_std(rows, ["dataset"], ["before", "after", "delta"]).add_prefix("ours ")
    return _beside(ours, _paper_table_1("forget_class_mean_prob"), ["dataset"])


def forget_probability_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and std over seeds of the forgotten-class probability before and after, per dataset
    (columns ``before``, ``after``, ``before_std``, ``after_std``), for :func:`plot_forget_probability`."""
    g = frame[frame["metric"] == "forget_class_mean_prob"].groupby("dataset", sort=False)[["before", "after"]]
    return g.mean().join(g.std().fillna(0.0).add_suffix("_std"))


TABLE_2_COLUMNS = ["mean_kl", "std_kl", "median_kl", "max_kl", "forgotten_prob_gold", "forgotten_prob_unlearned"]


def table_2_beside_paper(frame: pd.DataFrame) -> pd.DataFrame:
    """Table 2: one row per dataset we ran (mean ± std over seeds of each run's statistic; ``std_kl``
    is the spread of the KL over test samples within a run), then one row per published dataset
    (the paper gives covertype only, one run); "—" where the paper has no number."""
    from ..paper import quantum_table

    ours = mean_std(frame, ["dataset"], TABLE_2_COLUMNS)
    ours.index = pd.MultiIndex.from_product([ours.index, ["ours (mean ± std over seeds)"]])
    paper = quantum_table(2).set_index("dataset").reindex(columns=TABLE_2_COLUMNS)
    paper = paper.apply(lambda column: column.map(_published))
    paper.index = pd.MultiIndex.from_product([paper.index, ["paper (one run)"]])
    table = pd.concat([ours, paper])
    table.index.names = ["dataset", "source"]
    return table


def compare_targets(runs, targets=("similarity", "uniform")) -> pd.DataFrame:
    """Similarity-guided versus uniform target, per dataset (mean over seeds): forget-class recall and
    probability after unlearning, retained-class recall, KL to the gold model."""
    rows = []
    for target in targets:
        t1, t2 = table_1_frame(runs, target), table_2_frame(runs, target)
        forget = t1[t1["class"].str.endswith("(F)")]
        for (dataset, seed), group in forget.groupby(["dataset", "seed"], sort=False):
            retained = t1[(t1["dataset"] == dataset) & (t1["seed"] == seed) & ~t1["class"].str.endswith("(F)")]
            kl = t2[(t2["dataset"] == dataset) & (t2["seed"] == seed)].iloc[0]
            rows.append(dict(dataset=dataset, target=target, seed=seed,
                             forget_recall=group[group["metric"] == "recall"]["after"].item(),
                             forget_prob=group[group["metric"] == "forget_class_mean_prob"]["after"].item(),
                             retained_recall=retained["after"].mean(), mean_kl_to_gold=kl["mean_kl"]))
    frame = pd.DataFrame(rows)
    return frame.groupby(["dataset", "target"], sort=False)[
        ["forget_recall", "forget_prob", "retained_recall", "mean_kl_to_gold"]].mean()


def verdict(holds: dict) -> str:
    """A claim checked on several datasets, in words: ``"reproduces"`` if ``holds[name]`` is true for
    every dataset, ``"does not reproduce"`` if for none, else ``"reproduces on Iris only"`` (display
    names, :func:`~helpers.quantum.names.display_name`)."""
    ok = [name for name, value in holds.items() if value]
    if len(ok) == len(holds):
        return "reproduces"
    return "does not reproduce" if not ok else f"reproduces on {display_list(ok)} only"


def comparison_word(ours: float, paper: float, factor: float = 1.25) -> str:
    """``"similar to"`` if ``ours / paper`` lies within a ``factor`` of 1, else ``"larger than"`` or
    ``"smaller than"`` (for sentences such as "a drop larger than the paper's")."""
    ratio = ours / paper
    return "similar to" if 1 / factor <= ratio <= factor else "larger than" if ratio > factor else "smaller than"
