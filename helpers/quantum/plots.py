"""Figures of chapters 6 and 7: gradient check, training curves, confusion matrices, weight changes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def plot_gradient_check(grads: dict, reference: str = "autograd"):
    """Each gradient method against ``reference``, one point per weight (all should sit on y = x)."""
    others = [k for k in grads if k != reference]
    fig, axes = plt.subplots(1, len(others), figsize=(3.6 * len(others), 3.4), squeeze=False)
    ref = np.asarray(grads[reference])
    for ax, name in zip(axes[0], others):
        value = np.asarray(grads[name])
        lim = np.abs(np.concatenate([ref, value])).max() * 1.1
        ax.plot([-lim, lim], [-lim, lim], color="0.8", lw=1)
        ax.scatter(ref, value, s=12)
        ax.set(xlabel=f"{reference} gradient", ylabel=f"{name} gradient",
               title=f"max |diff| = {np.abs(value - ref).max():.1e}")
    fig.tight_layout()
    return fig


def plot_training_curves(histories: dict, best: dict):
    """Mini-batch and validation loss per iteration, one panel per run; a dot at the selected iteration
    (``best[name]``)."""
    fig, axes = plt.subplots(1, len(histories), figsize=(4 * len(histories), 3.2), squeeze=False, sharey=True)
    for ax, (name, h) in zip(axes[0], histories.items()):
        ax.plot(h["iteration"], h["train_loss"], color="0.75", lw=0.8, label="mini-batch loss")
        ax.plot(h["iteration"], h["val_loss"], color="C0", label="validation loss")
        ax.scatter([best[name]], [h.iloc[best[name]]["val_loss"]], color="C3", zorder=3, label="selected")
        ax.set(title=name, xlabel="iteration")
    axes[0, 0].set_ylabel("cross-entropy")
    axes[0, 0].legend(frameon=False)
    fig.tight_layout()
    return fig


def plot_confusions(matrices: dict, forget_class: int | None = None):
    """Confusion matrices side by side (rows = true class, columns = predicted), as in Figs. 2-5."""
    fig, axes = plt.subplots(1, len(matrices), figsize=(3.3 * len(matrices), 3.1), squeeze=False)
    for ax, (title, C) in zip(axes[0], matrices.items()):
        C = np.asarray(C)
        ax.imshow(C, cmap="Blues", vmin=0, vmax=max(C.sum(1).max(), 1))
        for (i, j), count in np.ndenumerate(C):
            ax.text(j, i, int(count), ha="center", va="center",
                    color="white" if count > 0.6 * C.sum(1).max() else "black")
        labels = [str(k) + (" (F)" if k == forget_class else "") for k in range(C.shape[0])]
        ax.set_xticks(range(C.shape[0]), labels)
        ax.set_yticks(range(C.shape[0]), labels)
        ax.set(title=title, xlabel="predicted", ylabel="true")
    fig.tight_layout()
    return fig


def plot_weight_changes(deltas: dict, title: str):
    """Histogram of θ_unlearned - θ_orig per run (the right panel of the paper's Fig. 5), all runs on
    the same 30 bins so that the bars line up."""
    fig, ax = plt.subplots(figsize=(4.6, 3.2))
    values = {name: np.asarray(d, dtype=float) for name, d in deltas.items()}
    edges = np.histogram_bin_edges(np.concatenate(list(values.values())), bins=30)
    for name, d in values.items():
        ax.hist(d, bins=edges, alpha=0.55, label=name)
    ax.set(xlabel="θ_unlearned - θ_orig", ylabel="weights", title=title)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def plot_forget_probability(table: pd.DataFrame, paper: pd.DataFrame, floor: float):
    """Mean forgotten-class probability before and after unlearning and of the gold model, per dataset
    (Table 1's last line): bars are the mean over seeds with the seeds' standard deviation as error bars
    (columns ``before``, ``after``, ``gold`` and ``*_std``); the published values (``paper``: ``before``,
    ``after`` by dataset) as markers, a dashed line at the lowest reachable probability ``floor``."""
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    groups = list(table.index)
    x = np.arange(len(groups))
    bars = {"before": ("before (ours)", "0.7"), "after": ("after (ours)", "C3"), "gold": ("gold model (ours)", "C2")}
    width = 0.8 / len(bars)
    offsets = {column: (i - 1) * width for i, column in enumerate(bars)}
    for column, (label, color) in bars.items():
        ax.bar(x + offsets[column], table[column], width, yerr=table[f"{column}_std"], label=label, color=color,
               capsize=4, error_kw=dict(lw=1))
    shown = [i for i, g in enumerate(groups) if g in paper.index]
    for column, marker in (("before", "D"), ("after", "o")):
        ax.scatter(x[shown] + offsets[column] + width / 4, [paper.loc[groups[i], column] for i in shown],
                   marker=marker, color="black", zorder=3, label=f"{column} (paper)")      # beside the error bar
    ax.axhline(floor, color="0.3", ls="--", lw=1, label=f"floor {floor:.3f}")
    ax.set_xticks(x, groups)
    ax.set(ylabel="mean p(f | x), forget-class test samples", ylim=(0, None))
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig
