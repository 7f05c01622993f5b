"""Figures of chapter 5: the OEU paper's Fig. 3 (gaps to Retrain) and Fig. 5 (runtimes)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..experiments.compare import LABELS
from .style import styled

GAPS = ("FA_gap", "RA_gap", "TA_gap", "MIA_gap", "AG")


@styled
def plot_gap_bars(tables: dict, amount=0.1):
    """OEU Fig. 3: a row of bar charts per setting, one bar per method, for each metric's gap and AG.

    ``tables`` maps a row title (e.g. "full precision") to a computed table from
    ``run_table``; ``amount`` picks the forget ratio. Shorter bars are closer to Retrain.
    """
    fig, axes = plt.subplots(len(tables), len(GAPS), figsize=(2.6 * len(GAPS), 2.4 * len(tables)),
                             squeeze=False, sharey="col")
    for row, (title, table) in zip(axes, tables.items()):
        block = table.xs(amount, level=0).drop(index="retrain", errors="ignore")
        names = [LABELS.get(m, m) for m in block.index]
        colors = ["tab:red" if m == "oeu" else "tab:gray" for m in block.index]
        for ax, gap in zip(row, GAPS):
            ax.barh(names, block[gap], color=colors)
            ax.invert_yaxis()
            ax.set_title(f"{title}: {gap.replace('_gap', ' gap')}", fontsize=9)
            ax.tick_params(labelsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("percentage points")
    fig.tight_layout()
    return fig


@styled
def plot_runtime(table, amount=0.1, title=""):
    """OEU Fig. 5: each method's mean wall time (seconds), labelled with its ratio to Retrain."""
    block = table.xs(amount, level=0)
    names = [LABELS.get(m, m) for m in block.index]
    seconds = block["seconds"].to_numpy()
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(names) + 1))
    colors = ["tab:red" if m == "oeu" else "tab:blue" if m == "retrain" else "tab:gray" for m in block.index]
    ax.barh(names, seconds, color=colors)
    ax.invert_yaxis()
    for y, s in enumerate(seconds):
        ax.text(s, y, f"  {s:.1f} s ({s / seconds[list(block.index).index('retrain')]:.2f}x)",
                va="center", fontsize=8)
    ax.set_xlim(0, np.max(seconds) * 1.35)
    ax.set_xlabel("wall time per run (s)")
    ax.set_title(title or "Runtime of each unlearning method")
    fig.tight_layout()
    return fig
