"""Chapter 7's figure of training and unlearning from finite shots (section 7.12).

It takes the study table of :func:`helpers.quantum.shots_training.shots_study` (one row per stage, seed
and setting) and draws, per measure, the settings on the x axis as categories: the shot counts in
increasing order, then exact gradients. Thin grey lines follow each seed; points are means, error bars
the sample standard deviation over seeds.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

PANELS = (("training", "test_acc", "test accuracy after training"),
          ("unlearning", "forget_recall", "forgotten-class recall after unlearning"),
          ("unlearning", "retained_acc", "retained-class accuracy after unlearning"))


def settings_order(study: pd.DataFrame) -> list[str]:
    """The settings by increasing shots, exact gradients last."""
    ordered = study.assign(key=study["shots"].fillna(float("inf"))).sort_values("key", kind="stable")
    return list(dict.fromkeys(ordered["setting"]))


def plot_shots_study(study: pd.DataFrame):
    """Three panels (:data:`PANELS`): each measure per setting, per seed (grey) and mean ± SD (colour)."""
    settings = settings_order(study)
    fig, axes = plt.subplots(1, len(PANELS), figsize=(13.5, 4.0))
    for i, (ax, (stage, column, title)) in enumerate(zip(axes, PANELS)):
        part = study[study["stage"] == stage]
        wide = part.pivot(index="seed", columns="setting", values=column).reindex(columns=settings)
        for _, row in wide.iterrows():
            ax.plot(range(len(settings)), row.to_numpy(), color="0.75", lw=0.8, zorder=1)
        ax.errorbar(range(len(settings)), wide.mean().to_numpy(), yerr=wide.std().fillna(0).to_numpy(),
                    color=f"C{i}", marker="o", capsize=3, zorder=2, label="mean ± SD over seeds")
        ax.set_xticks(range(len(settings)), settings)
        ax.set_title(title, fontsize=10)
        ax.set_ylim(-0.05, 1.05)
    axes[0].set_ylabel("score on the test split (exact read-out)")
    axes[0].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
