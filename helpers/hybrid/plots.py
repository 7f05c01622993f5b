"""Figures of chapter 8: the forgetting-versus-utility trade-off and the distance to the oracle."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .experiment import LABELS, METHOD_ORDER, SCENARIO_NAMES

ORIGINAL, FLOOR = LABELS["original"], LABELS["oracle_indep"]


def _panels(table: pd.DataFrame, draw):
    """One panel per (dataset, scenario) of ``table``'s index, two per row, titled; ``draw(ax, cell)`` fills
    each with its rows ``table.loc[(dataset, scenario)]``."""
    cells = list(dict.fromkeys((d, s) for d, s, _ in table.index))
    cols = min(2, len(cells))
    rows = -(-len(cells) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.0 * cols, 4.2 * rows), squeeze=False)
    for ax in axes.flat[len(cells):]:
        ax.set_visible(False)
    for ax, (dataset, scenario) in zip(axes.flat, cells):
        draw(ax, table.loc[(dataset, scenario)])
        ax.set_title(f"{dataset}, {SCENARIO_NAMES[scenario]}")
    fig.tight_layout()
    return fig


def _bars(ax, labels, values, **style):
    """Horizontal bars, the first label on top; grey: doing nothing, orange: the second oracle."""
    colour = {ORIGINAL: "grey", FLOOR: "C1"}
    ax.barh(labels[::-1], values[::-1], color=[colour.get(m, "C0") for m in labels[::-1]], **style)
    ax.tick_params(axis="y", labelsize=8)


def plot_tradeoff(table: pd.DataFrame):
    """Forget accuracy (x, lower = more forgetting) against test accuracy (y, utility), one panel per
    (dataset, scenario); ``table`` is :func:`.experiment.summary`. The oracle (black star) is the
    target point, the second oracle (hollow star) shows how far another retraining lands."""
    references = {LABELS["oracle"]: dict(marker="*", s=180, color="black", zorder=3),
                  FLOOR: dict(marker="*", s=180, facecolors="none", edgecolors="black", zorder=3),
                  ORIGINAL: dict(marker="X", s=80, color="grey", zorder=3)}

    def draw(ax, cell):
        for method, row in cell.iterrows():
            if method in references:       # named in the legend, so their labels do not cover the methods'
                ax.scatter(row["forget"], row["test"], label=method, **references[method])
                continue
            ax.scatter(row["forget"], row["test"], s=40)
            ax.annotate(method, (row["forget"], row["test"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set(xlabel="forget accuracy (D_f)", ylabel="test accuracy")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    return _panels(table, draw)


def plot_kl(table: pd.DataFrame):
    """Mean KL(p_oracle || p_model) on the test set per method, one panel per cell; grey: doing
    nothing, orange: the second oracle (the noise floor)."""
    def draw(ax, cell):
        kl = cell.drop(index=[LABELS["oracle"]], errors="ignore")["KL_test"]
        _bars(ax, kl.index, kl.values)
        ax.set(xlabel="KL(oracle || model), test set, nats")
    return _panels(table, draw)


def plot_gap(results: pd.DataFrame):
    """AG (mean absolute gap to the oracle, lower is better) per method and cell: mean over seeds with
    the sample standard deviation as error bar; grey: doing nothing; dashed orange line: the second
    oracle's AG, the oracle's own noise floor. ``results`` is :func:`.experiment.run`'s first table;
    panels in the order of :func:`.experiment.summary` (datasets, then scenarios, sorted)."""
    order = ["original", "oracle_indep", *METHOD_ORDER]
    stats = results.groupby(["dataset", "scenario", "method"], sort=False)["AG"].agg(["mean", "std"])
    stats = stats.sort_index(level=["dataset", "scenario"], sort_remaining=False)   # panels as in summary()

    def draw(ax, cell):
        cell = cell.reindex([m for m in order if m in cell.index])
        _bars(ax, [LABELS[m] for m in cell.index], cell["mean"].values, xerr=cell["std"].values[::-1],
              error_kw=dict(lw=0.8))
        ax.axvline(cell.loc["oracle_indep", "mean"], color="C1", ls="--", lw=1, label="noise floor (oracle′)")
        ax.set(xlabel="AG: mean |gap| to the oracle (lower is better)")
        ax.legend(loc="lower right", fontsize=7)
    return _panels(stats, draw)
