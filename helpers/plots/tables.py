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
    ``run_table``; ``amount`` picks the forget ratio. Shorter bars are closer to Retrain. The panels share
    their methods (y axis): the names are written once, on the first column, beside the row's setting; each
    column shares its x axis, so a gap reads the same in every row.
    """
    blocks = {title: table.xs(amount, level=0).drop(index="retrain", errors="ignore")
              for title, table in tables.items()}
    n_methods = max(len(b) for b in blocks.values())
    fig, axes = plt.subplots(len(tables), len(GAPS), figsize=(11.0, (0.3 * n_methods + 1.1) * len(tables) + 0.4),
                             squeeze=False, sharex="col", sharey=True, layout="constrained")
    for row, (title, block) in zip(axes, blocks.items()):
        names = [LABELS.get(m, m) for m in block.index]
        colors = ["tab:red" if m == "oeu" else "tab:gray" for m in block.index]
        for ax, gap in zip(row, GAPS):
            ax.barh(names, block[gap], color=colors)
            ax.set_title(gap.replace("_gap", " gap"), fontsize=10)
            ax.tick_params(labelsize=9)
        row[0].set_ylabel(title, fontsize=10, fontweight="bold")
    axes[0, 0].invert_yaxis()                  # once: the y axis is shared, and each call would flip it back
    for ax in axes[-1]:
        ax.set_xlabel("percentage points", fontsize=9)
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
