"""Figures of chapter 4: the membership-inference attack's feature, its ROC curves, score versus gap."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import expit, logit

from .style import styled

SET_COLORS = {"forget": "C3", "retain": "C0", "test": "C2"}
C_MIN, C_MAX = 1e-3, 1 - 1e-10         # confidence range drawn on the logit axis
TICKS = {0.01: "0.01", 0.5: "0.5", 0.99: "0.99", 1 - 1e-4: "1-10⁻⁴", 1 - 1e-6: "1-10⁻⁶", 1 - 1e-8: "1-10⁻⁸"}


def _confidence64(report) -> dict:
    """Confidences in float64, recovered from the losses (float32 softmax rounds 1 - 1e-9 to 1)."""
    return {k: np.clip(np.exp(-l.astype(np.float64)), C_MIN, C_MAX) for k, l in report.loss.items()}


@styled
def plot_confidence_histograms(reports: dict):
    """Histogram of the attack feature c(x, y) for forget / retain / test, one panel per model.

    ``reports`` maps a model's name to a :class:`helpers.metrics.mia.AttackReport`. The
    x axis is on a logit scale (0.9, 0.99, 0.999 ... equally spaced); the grey band
    marks the confidences the model's SVC calls "member".
    """
    fig, axes = plt.subplots(1, len(reports), figsize=(4.6 * len(reports), 3.6), sharey=True)
    edges = expit(np.linspace(logit(C_MIN), logit(C_MAX), 49))
    grid = expit(np.linspace(logit(C_MIN), logit(C_MAX), 801))
    for ax, (name, rep) in zip(np.atleast_1d(axes), reports.items()):
        member = rep.attack.predict(grid.reshape(-1, 1).astype(np.float32)) == 1
        ax.fill_between(grid, 0, 1, where=member, color="0.85", transform=ax.get_xaxis_transform(),
                        step="mid", label="SVC says member")
        for key, c in _confidence64(rep).items():
            ax.hist(c, bins=edges, density=False, weights=np.full(len(c), 100 / len(c)), histtype="step",
                    lw=1.8, color=SET_COLORS[key], label=f"{key} ({len(c)})")
        ax.set_xscale("logit")
        ax.set_xlim(C_MIN, C_MAX)
        ax.set_xticks(list(TICKS), list(TICKS.values()))
        ax.minorticks_off()
        ax.set(title=f"{name}: MIA-efficacy {rep.efficacy:.1f}%", xlabel="confidence $c(x, y)$ (logit scale)")
    np.atleast_1d(axes)[0].set_ylabel("% of the set")
    np.atleast_1d(axes)[0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


@styled
def plot_attack_rocs(reports: dict):
    """ROC curves of each model's attacks (one panel per model), AUC in the legend."""
    fig, axes = plt.subplots(1, len(reports), figsize=(4.2 * len(reports), 4.0), sharey=True)
    styles = {"svc: retain vs test": dict(color="C0", ls="--"), "svc: forget vs test": dict(color="C3"),
              "loss: forget vs test": dict(color="C1", ls="-.")}
    for ax, (name, rep) in zip(np.atleast_1d(axes), reports.items()):
        ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls=":", label="chance (AUC 0.50)")
        for key, curve in rep.rocs.items():
            ax.plot(curve.fpr, curve.tpr, lw=1.8, label=f"{key} (AUC {curve.auc:.2f})", **styles.get(key, {}))
        ax.set(title=name, xlabel="false-positive rate", xlim=(0, 1), ylim=(0, 1.01), aspect="equal")
        ax.legend(fontsize=7.5, loc="lower right")
    np.atleast_1d(axes)[0].set_ylabel("true-positive rate")
    fig.tight_layout()
    return fig


@styled
def plot_score_versus_gap(table, retrain: str = "Retrain"):
    """Left: each model's MIA-efficacy, with Retrain's as a line. Right: its Average Gap to Retrain.

    ``table`` is a DataFrame indexed by model name with columns ``MIA`` and ``AG``.
    """
    fig, (ax_m, ax_g) = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
    names = list(table.index)
    y = np.arange(len(names))
    colors = ["0.4" if n == retrain else f"C{i}" for i, n in enumerate(names)]
    ax_m.barh(y, table["MIA"], color=colors)
    ax_m.axvline(table.loc[retrain, "MIA"], color="0.2", ls="--", lw=1.2, label=f"{retrain}'s MIA")
    ax_m.set(xlabel="MIA-efficacy % (higher = 'looks forgotten')", yticks=y, yticklabels=names, xlim=(0, 100))
    ax_m.legend(fontsize=9, loc="lower right")
    ax_g.barh(y, table["AG"], color=colors)
    ax_g.set(xlabel="Average Gap to Retrain, AG % (lower is better)",
             xlim=(0, 1.18 * max(float(table["AG"].max()), 1e-9)))        # room for the value labels
    for yi, v in zip(y, table["AG"]):
        ax_g.text(v, yi, f" {v:.1f}", va="center", fontsize=9)
    ax_m.invert_yaxis()
    fig.tight_layout()
    return fig
