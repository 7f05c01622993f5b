"""Figures of chapter 5's section 5.10, does forgetting survive deployment? One per question of the audit.

Each function draws frames of the deployment audit (``helpers.experiments.deployment.DeploymentAudit``,
format in :mod:`helpers.chapters.ch05`): means over seeds, error bars of one sample standard
deviation over seeds. Every method keeps its colour in every figure; Retrain, the yardstick, is the
wide translucent black band beneath the other lines (a method on Retrain's curve shows on top of it), doing
nothing (the original) the dashed grey line.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..chapters.ch05 import ATTACKS, ORIGINAL, RETRAIN, check_frame, methods_in, seed_mean_sd
from ..experiments.compare import LABELS
from .style import styled

#: The colours of the unlearning methods, in order (red is OEU's, as in Fig. 3; grey and black are the references').
PALETTE = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan")
#: The methods' hollow markers, one shape each, so two methods whose curves coincide both stay visible.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">")
#: Retrain is a wide translucent black band drawn beneath every other line, so a method whose curve lies on
#: Retrain's stays visible on top of it; doing nothing's dashed grey line lies beneath the methods too.
REFERENCE_STYLE = {RETRAIN: dict(color="0.1", alpha=0.3, lw=7.0, ls="-", zorder=1),
                   ORIGINAL: dict(color="0.55", lw=1.8, ls="--", zorder=2)}


def method_styles(methods) -> dict:
    """``{method: line style}``: Retrain a wide translucent black band beneath the others, the original dashed
    grey, OEU red, the others in :data:`PALETTE` order (above both references), each method with its own hollow
    marker (:data:`MARKERS`)."""
    others, markers = iter(PALETTE * 2), iter(MARKERS * 2)
    styles = {}
    for m in methods:
        if m in REFERENCE_STYLE:
            styles[m] = dict(REFERENCE_STYLE[m], marker="o", ms=4)
        else:
            styles[m] = dict(color="tab:red" if m == "oeu" else next(others), lw=1.6, ls="-", zorder=3,
                             marker=next(markers), ms=6, mfc="none", mew=1.3)
    return styles


def _legend(fig, ax) -> None:
    """One legend for the figure, outside its axes on the right (the figure uses the constrained layout)."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", fontsize=9, frameon=False)


@styled
def plot_flip_shares(flips, against: str = "vs original"):
    """The share of each layer's integer weight codes a method changes (mean over seeds, one line per method),
    against the original (``against="vs original"``) or against Retrain (``"vs retrain"``).

    The y axis is symmetric-logarithmic (linear below 0.1 %), so a share of a few codes in a thousand
    and one of most of them fit in one figure; layers run in model order.
    """
    check_frame(flips, "flips")
    if against not in ("vs original", "vs retrain"):
        raise ValueError(f"against must be 'vs original' or 'vs retrain', got {against!r}")
    reference = ORIGINAL if against == "vs original" else RETRAIN
    mean, _ = seed_mean_sd(100 * flips[[against]])                       # index (method, layer)
    layers = list(dict.fromkeys(flips.index.get_level_values(2)))
    methods = methods_in(flips, leave_out=(reference,))
    styles = method_styles(methods)
    fig, ax = plt.subplots(figsize=(max(7.0, 0.28 * len(layers) + 3), 4.2), layout="constrained")
    x = np.arange(len(layers))
    for m in methods:
        ax.plot(x, mean.loc[m].reindex(layers)[against].to_numpy(float), label=LABELS.get(m, m), **styles[m])
    ax.set_yscale("symlog", linthresh=0.1, linscale=0.5)
    ax.set_ylim(0, 100)
    ax.set_yticks([0, 0.1, 1, 10, 100], ["0", "0.1", "1", "10", "100"])
    ax.set_xticks(x, layers, rotation=90, fontsize=7)
    ax.set_ylabel(f"% of the layer's codes changed\n{against} (symlog scale)")
    ax.set_title(f"Integer weight codes changed, {against} (mean over seeds)", fontsize=10)
    _legend(fig, ax)
    return fig


@styled
def plot_export_ptq(export, ptq, metric: str = "FA"):
    """Left: each method's ``metric`` for the fake-quant and the exported integer model. Right: the full-precision
    models unlearned in full precision, then quantized after training to fewer and fewer bits, one line per
    method, Retrain's level the wide translucent black band. Means over seeds, error bars one sample SD."""
    check_frame(export, "export")
    check_frame(ptq, "ptq")
    if metric not in set(export.columns.get_level_values(1)) or metric not in set(ptq.columns.get_level_values(1)):
        raise ValueError(f"{metric!r} is not a metric of both frames; they hold FA, RA, TA and MIA")
    fig, (ax_e, ax_p) = plt.subplots(1, 2, figsize=(12, 4.4), gridspec_kw={"width_ratios": [1.2, 1]},
                                     layout="constrained")

    mean, sd = seed_mean_sd(export.xs(metric, axis=1, level=1))             # columns: fake-quant, integer
    methods = methods_in(export)
    x, width = np.arange(len(methods)), 0.4
    colors = [method_styles(methods)[m]["color"] for m in methods]
    for i, (model, hatch) in enumerate((("fake-quant", ""), ("integer", "//"))):
        ax_e.bar(x + (i - 0.5) * width, mean.loc[methods, model].to_numpy(float), width,
                 yerr=sd.loc[methods, model].fillna(0).to_numpy(float),
                 color=colors, hatch=hatch, edgecolor="white",
                 capsize=2)
    ax_e.set_xticks(x, [LABELS.get(m, m) for m in methods], rotation=45, ha="right", fontsize=8)
    ax_e.set(ylabel=f"{metric} %", title="4-bit QAT model: fake-quant (plain) and integer (hatched)")
    ax_e.title.set_fontsize(10)

    mean, sd = seed_mean_sd(ptq.xs(metric, axis=1, level=1))               # columns: FP, 8-bit, ...
    widths = list(mean.columns)
    methods = methods_in(ptq)
    styles = method_styles(methods)
    for m in methods:
        ax_p.errorbar(np.arange(len(widths)), mean.loc[m].to_numpy(float), yerr=sd.loc[m].fillna(0).to_numpy(float),
                      capsize=2, label=LABELS.get(m, m), **styles[m])
    ax_p.set_xticks(np.arange(len(widths)), widths)
    ax_p.set(xlabel="weights after post-training quantization", ylabel=f"{metric} %",
             title="Unlearned in full precision, then rounded (PTQ)")
    ax_p.title.set_fontsize(10)
    _legend(fig, ax_p)
    return fig


@styled
def plot_relearning(relearn):
    """The relearning attack: FA after k fine-tuning steps, one panel per attack (the retain set, 1 % of the
    forget set), one line per method; Retrain's curve a wide translucent black band beneath the others. Means over
    seeds, error bars one sample SD."""
    check_frame(relearn, "relearn")
    mean, sd = seed_mean_sd(relearn)                                       # index (method, attack)
    attacks = list(dict.fromkeys(relearn.index.get_level_values(2)))
    methods = methods_in(relearn)
    styles = method_styles(methods)
    steps = np.asarray(relearn.columns, dtype=float)
    fig, axes = plt.subplots(1, len(attacks), figsize=(5.2 * len(attacks) + 1.5, 4.0), sharey=True, squeeze=False,
                             layout="constrained")
    axes = axes[0]
    for ax, attack in zip(axes, attacks):
        for m in methods:
            ax.errorbar(steps, mean.loc[(m, attack)].to_numpy(float),
                        yerr=sd.loc[(m, attack)].fillna(0).to_numpy(float),
                        capsize=2, label=LABELS.get(m, m), **styles[m])
        ax.set_xticks(steps)
        ax.set(xlabel="fine-tuning steps", title=f"fine-tuned {ATTACKS.get(attack, attack)}")
        ax.title.set_fontsize(10)
    axes[0].set_ylabel("FA % (the forgotten class)")
    _legend(fig, axes[0])
    return fig


__all__ = ["PALETTE", "method_styles", "plot_flip_shares", "plot_export_ptq", "plot_relearning"]
