"""Figures of chapter 8: the forgetting-versus-utility trade-off and the distance to the oracle."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .experiment import LABELS, METHOD_ORDER, SCENARIO_NAMES

ORIGINAL, FLOOR = LABELS["original"], LABELS["oracle_indep"]


def _colour(method: str) -> str:
    return "grey" if method == ORIGINAL else "C1" if method == FLOOR else "C0"


def _panels(table: pd.DataFrame):
    cells = list(dict.fromkeys((d, s) for d, s, _ in table.index))
    cols = min(2, len(cells))
    rows = -(-len(cells) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.0 * cols, 4.2 * rows), squeeze=False)
    for ax in axes.flat[len(cells):]:
        ax.set_visible(False)
    return fig, axes.flat, cells


def plot_tradeoff(table: pd.DataFrame):
    """Forget accuracy (x, lower = more forgetting) against test accuracy (y, utility), one panel per
    (dataset, scenario); ``table`` is :func:`.experiment.summary`. The oracle (black star) is the
    target point, the second oracle (hollow star) shows how far another retraining lands."""
    references = {LABELS["oracle"]: dict(marker="*", s=180, color="black", zorder=3),
                  FLOOR: dict(marker="*", s=180, facecolors="none", edgecolors="black", zorder=3),
                  ORIGINAL: dict(marker="X", s=80, color="grey", zorder=3)}
    fig, axes, cells = _panels(table)
    for ax, (dataset, scenario) in zip(axes, cells):
        cell = table.loc[(dataset, scenario)]
        for method, row in cell.iterrows():
            if method in references:       # named in the legend, so their labels do not cover the methods'
                ax.scatter(row["forget"], row["test"], label=method, **references[method])
                continue
            ax.scatter(row["forget"], row["test"], s=40)
            ax.annotate(method, (row["forget"], row["test"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set(title=f"{dataset}, {SCENARIO_NAMES[scenario]}", xlabel="forget accuracy (D_f)",
               ylabel="test accuracy")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig


def plot_kl(table: pd.DataFrame):
    """Mean KL(p_oracle || p_model) on the test set per method, one panel per cell; grey: doing
    nothing, orange: the second oracle (the noise floor)."""
    fig, axes, cells = _panels(table)
    for ax, (dataset, scenario) in zip(axes, cells):
        cell = table.loc[(dataset, scenario)].drop(index=[LABELS["oracle"]], errors="ignore")["KL_test"]
        ax.barh(cell.index[::-1], cell.values[::-1], color=[_colour(m) for m in cell.index[::-1]])
        ax.set(title=f"{dataset}, {SCENARIO_NAMES[scenario]}", xlabel="KL(oracle || model), test set, nats")
        ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def plot_gap(results: pd.DataFrame):
    """AG (mean absolute gap to the oracle, lower is better) per method and cell: mean over seeds with
    the sample standard deviation as error bar; grey: doing nothing; dashed orange line: the second
    oracle's AG, the oracle's own noise floor. ``results`` is :func:`.experiment.run`'s first table;
    panels in the order of :func:`.experiment.summary` (datasets, then scenarios, sorted)."""
    order = ["original", "oracle_indep", *METHOD_ORDER]
    stats = results.groupby(["dataset", "scenario", "method"], sort=False)["AG"].agg(["mean", "std"])
    stats = stats.sort_index(level=["dataset", "scenario"], sort_remaining=False)   # panels as in summary()
    fig, axes, cells = _panels(stats)
    for ax, (dataset, scenario) in zip(axes, cells):
        cell = stats.loc[(dataset, scenario)].reindex([m for m in order if m in stats.loc[(dataset, scenario)].index])
        labels = [LABELS[m] for m in cell.index]
        ax.barh(labels[::-1], cell["mean"].values[::-1], xerr=cell["std"].values[::-1],
                color=[_colour(m) for m in labels[::-1]], error_kw=dict(lw=0.8))
        ax.axvline(cell.loc["oracle_indep", "mean"], color="C1", ls="--", lw=1, label="noise floor (oracle′)")
        ax.set(title=f"{dataset}, {SCENARIO_NAMES[scenario]}", xlabel="AG: mean |gap| to the oracle (lower is better)")
        ax.tick_params(axis="y", labelsize=8)
        ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    return fig
