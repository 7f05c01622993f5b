"""Figures of chapter 8: the forgetting-versus-utility trade-off and the distance to the oracle."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .experiment import SCENARIO_NAMES


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
    (dataset, scenario); ``table`` is :func:`.experiment.summary`. The oracle is the target point."""
    fig, axes, cells = _panels(table)
    for ax, (dataset, scenario) in zip(axes, cells):
        cell = table.loc[(dataset, scenario)]
        for method, row in cell.iterrows():
            style = dict(marker="*", s=180, color="black", zorder=3) if method.startswith("oracle") else \
                dict(marker="X", s=80, color="grey", zorder=3) if method == "original" else dict(s=40)
            ax.scatter(row["forget"], row["test"], **style)
            ax.annotate(method, (row["forget"], row["test"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
        ax.set(title=f"{dataset}, {SCENARIO_NAMES[scenario]}", xlabel="forget accuracy (D_f)",
               ylabel="test accuracy")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_kl(table: pd.DataFrame):
    """Mean KL(p_oracle || p_model) on the test set per method, one panel per cell."""
    fig, axes, cells = _panels(table)
    for ax, (dataset, scenario) in zip(axes, cells):
        cell = table.loc[(dataset, scenario)].drop(index=["oracle (retrain)"], errors="ignore")["KL_test"]
        colors = ["grey" if m == "original" else "C0" for m in cell.index]
        ax.barh(cell.index[::-1], cell.values[::-1], color=colors[::-1])
        ax.set(title=f"{dataset}, {SCENARIO_NAMES[scenario]}", xlabel="KL(oracle || model), test set, nats")
        ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig
