"""Figures of chapter 8's section on a device: the chapters' measures against the read-out setting.

Every figure takes a device-study table (one row per setting, seed and model, with a ``setting``
column in sweep order: :mod:`helpers.quantum.device_study`, :mod:`helpers.hybrid.device_study`) and
puts the settings on the x axis as categories: exact first, the shot sweep, then the noise sweep
(a dotted line separates the sweeps). Points are means, error bars the sample standard deviation
over seeds (or over forget examples for U-LiRA).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd


def _settings(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["setting"]))


def _axis(ax, frame: pd.DataFrame, ylabel: str):
    """Category ticks for the settings, rotated, and a dotted line before the first noisy setting."""
    settings = _settings(frame)
    ax.set_xticks(range(len(settings)), [s.replace(", ", "\n") for s in settings], rotation=60, fontsize=7)
    noisy = frame.groupby("setting", sort=False)["depolarizing"].first().reindex(settings).to_numpy() > 0
    if noisy.any() and not noisy.all():
        ax.axvline(noisy.argmax() - 0.5, color="grey", lw=0.8, ls=":")
    ax.set_ylabel(ylabel)


def _line(ax, frame: pd.DataFrame, key: str, value: str, name, label: str, spread: bool = True, **style):
    """Mean of ``value`` over the rows with ``frame[key] == name`` per setting, with the sample SD as error bars
    (``spread=False``: the means only)."""
    rows = frame[frame[key] == name]
    stats = rows.groupby("setting", sort=False)[value].agg(["mean", "std"]).reindex(_settings(frame))
    ax.errorbar(range(len(stats)), stats["mean"], yerr=stats["std"].fillna(0) if spread else None, label=label,
                capsize=2, **style)


def plot_vqc_device(closeness: pd.DataFrame, labels: dict):
    """Chapter 7's measures per setting: forgotten-class recall, retained accuracy, mean KL to the gold model;
    one line per model of ``labels`` (``{model: legend label}``)."""
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.2))
    for ax, (value, title) in zip(axes, (("forget_recall", "forgotten-class recall"),
                                         ("retained_acc", "retained-class accuracy"),
                                         ("mean_kl", "mean KL to the gold model"))):
        for i, (model, label) in enumerate(labels.items()):
            _line(ax, closeness, "model", value, model, label, marker="o", ms=3, color=f"C{i}")
        _axis(ax, closeness, title)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_hybrid_device(results: pd.DataFrame, labels: dict, highlight: dict):
    """Left: AG (``ch8-ag``) per setting for every method (thin lines, means only) and the rows of ``highlight``
    (``{row: colour}``, e.g. doing nothing and the second oracle, drawn bold with error bars). Middle: the test KL to the
    oracle (``ch8-kl``), the same lines. Right: the MIA AUC (``ch8-mia``) of the original and of the oracle,
    with chance (0.5) dashed."""
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(16, 4.4))
    for ax, value, ylabel in ((left, "AG", "AG (gap to the oracle)"), (middle, "KL_test", "test KL to the oracle")):
        for method in dict.fromkeys(results["method"]):
            if method == "oracle":
                continue
            bold = method in highlight
            _line(ax, results, "method", value, method, labels.get(method, method), spread=bold,
                  lw=2.2 if bold else 0.9, color=highlight.get(method), alpha=1.0 if bold else 0.6, marker="o",
                  ms=3 if bold else 2, zorder=3 if bold else 2)
        _axis(ax, results, ylabel)
    left.legend(fontsize=6, ncol=2)
    for method, colour in (("original", "grey"), ("oracle", "black")):
        _line(right, results, "method", "MIA_AUC", method, labels.get(method, method), color=colour, marker="o", ms=3)
    right.axhline(0.5, color="C3", ls="--", lw=1, label="chance")
    _axis(right, results, "MIA AUC (D_f vs test)")
    right.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_privacy_device(privacy: pd.DataFrame, labels: dict):
    """U-LiRA's held-out accuracy per setting for each population of ``labels`` against the gold population
    (error bars: SD over the forget examples); 0.5 = cannot tell the populations apart."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    settings = _settings(privacy)
    for i, (population, label) in enumerate(labels.items()):
        rows = privacy[privacy["population"] == population].set_index("setting").reindex(settings)
        ax.errorbar(range(len(settings)), rows["ulira_accuracy"], yerr=rows["ulira_sd"], label=label, marker="o",
                    ms=3, capsize=2, color=f"C{i}")
    ax.axhline(0.5, color="grey", ls="--", lw=1)
    _axis(ax, privacy, "U-LiRA accuracy (0.5: cannot tell)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
