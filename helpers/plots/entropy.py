"""Figures of chapter 2: what Random Labels, Similar Labels and maximum entropy do to the outputs (OEU Fig. 4)."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .style import styled

TRUE_COLOR, OTHER_COLOR, TARGET_COLOR = "tab:green", "tab:blue", "tab:red"


@styled
def plot_output_distributions(probs: dict, true_class: int, targets: dict | None = None):
    """One sample's softmax bars under each model (OEU Fig. 4, green: true class, blue: others).

    ``probs`` maps a panel title to a length-K array; ``targets`` optionally maps a
    title to the wrong label that objective trained towards: its bar is drawn red
    and a red triangle above it marks it, so that it stays visible even when its
    probability is about 0. The dashed line is the uniform ``1/K``; a legend
    under the panels explains the colours.
    """
    targets = targets or {}
    fig, axes = plt.subplots(1, len(probs), figsize=(2.9 * len(probs), 3.7), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, (title, p) in zip(axes, probs.items()):
        p = np.asarray(p)
        K = len(p)
        colors = [OTHER_COLOR] * K
        target = targets.get(title)
        if target is not None:
            colors[int(target)] = TARGET_COLOR
        colors[true_class] = TRUE_COLOR
        ax.bar(range(K), p, color=colors)
        if target is not None:
            ax.plot([int(target)], [p[int(target)] + 0.06], marker="v", ms=8, color=TARGET_COLOR, ls="none")
        ax.axhline(1 / K, color="0.3", ls="--", lw=1)
        H = -(p[p > 0] * np.log(p[p > 0])).sum()
        ax.set_title(f"{title}\nH = {H:.2f} nats", fontsize=10)
        ax.set(xticks=range(K), xlabel="class", ylim=(0, 1.1))
    axes[0].set_ylabel("probability")
    handles = [Patch(color=TRUE_COLOR, label="true class"), Patch(color=OTHER_COLOR, label="other classes"),
               Line2D([], [], color="0.3", ls="--", lw=1, label="uniform 1/K")]
    if any(t is not None for t in targets.values()):
        handles.insert(2, Line2D([], [], marker="v", ms=8, color=TARGET_COLOR, ls="none",
                                 label=r"label $\tilde y$ the objective trained towards (bar in red)"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.09, 1, 1))
    return fig


@styled
def plot_entropy_histograms(entropies: dict, num_classes: int, bins: int = 20):
    """Histogram of the per-sample entropy over D_f for each model; ``log K`` (uniform) marked."""
    fig, axes = plt.subplots(1, len(entropies), figsize=(2.6 * len(entropies), 2.9), sharex=True, sharey=True)
    axes = np.atleast_1d(axes)
    edges = np.linspace(0, math.log(num_classes), bins + 1)
    for i, (ax, (title, H)) in enumerate(zip(axes, entropies.items())):
        H = np.asarray(H)
        ax.hist(np.clip(H, 0, edges[-1]), bins=edges, color=f"C{i}")
        ax.axvline(math.log(num_classes), color="0.2", ls="--", lw=1)
        ax.set_title(f"{title}\nmean {H.mean():.2f}", fontsize=10)
        ax.set_xlabel("entropy H (nats)")
    axes[0].set_ylabel("forget samples")
    fig.tight_layout()
    return fig


@styled
def plot_logit_paths(paths: dict, num_classes: int):
    """Entropy and KL to uniform along gradient descent on free logits (Theorems 4.1-4.2).

    The EGU path descends Eq. (7) (chapter 2's ``ch2-egu``), whose gradient is ``ch2-egu-gradient``.

    The step axis is symmetric-log from step 0 (the starting logits) to the last step.
    """
    fig, (ax_h, ax_kl) = plt.subplots(1, 2, figsize=(10, 3.4), sharex=True)
    log_k = math.log(num_classes)
    last_step = max(len(path["H"]) for path in paths.values()) - 1
    for i, (name, path) in enumerate(paths.items()):
        ax_h.plot(path["H"], color=f"C{i}", label=name)
        ax_kl.plot(path["KL"], color=f"C{i}", label=name)
    for ax, title in ((ax_h, "entropy $H(p)$"), (ax_kl, r"$D_{KL}(p\,\|\,\mathcal{U})$")):
        ax.axhline(log_k, color="0.3", ls="--", lw=1)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.text(0, log_k, "  log K", va="bottom", fontsize=9)
        ax.set_xscale("symlog", linthresh=1)          # step 0 (the start) on a linear piece, then log
        ax.set(title=title, xlabel="gradient step", xlim=(0, last_step), ylim=(-0.1, log_k + 0.3))
    ax_h.legend(fontsize=9)
    fig.tight_layout()
    return fig


@styled
def plot_target_bias(expected: np.ndarray, sampled: np.ndarray, similar_share: np.ndarray, true_class: int,
                     random_share: np.ndarray | None = None):
    """Left: Prop. A.5's expected Random-Labels target (Eq. 24, chapter 2's ``ch2-expected-target``),
    exact and sampled, against uniform.
    Right: how often each class is chosen as a Similar Label over D_f (a uniform choice would be flat),
    next to the same shares for the Random Labels actually drawn (``random_share``, optional)."""
    K = len(expected)
    fig, (ax_l, ax_r) = plt.subplots(1, 2, figsize=(10, 3.2))
    k = np.arange(K)
    ax_l.bar(k - 0.2, expected, width=0.4, color=OTHER_COLOR, label=r"$\bar p$, Eq. (24)")
    ax_l.bar(k + 0.2, sampled, width=0.4, color="tab:orange", label="mean of sampled labels")
    ax_l.axhline(1 / K, color="0.3", ls="--", lw=1, label="uniform 1/K")
    ax_l.set(title=f"Random Labels, expected target (true class {true_class})", xlabel="class",
             ylabel="probability", xticks=k,
             ylim=(0, 1.4 * max(np.max(expected), np.max(sampled), 1 / K)))   # room for the legend above the bars
    ax_l.legend(fontsize=8, loc="upper center", ncol=3)
    if random_share is None:
        ax_r.bar(k, similar_share, color=TARGET_COLOR, label="Similar Labels")
    else:
        ax_r.bar(k - 0.2, similar_share, width=0.4, color=TARGET_COLOR, label="Similar Labels")
        ax_r.bar(k + 0.2, random_share, width=0.4, color=OTHER_COLOR, label="Random Labels (drawn)")
        ax_r.set_ylim(0, 1.35 * max(np.max(similar_share), np.max(random_share)))     # room for the legend
        ax_r.legend(fontsize=8, loc="upper center", ncol=2)
    ax_r.axhline(1 / K, color="0.3", ls="--", lw=1)
    ax_r.set(title="labels chosen over $D_f$: share of each class", xlabel="class", ylabel="share", xticks=k)
    fig.tight_layout()
    return fig
