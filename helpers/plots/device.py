"""Figures of chapter 8's section on a device: the chapters' measures against the read-out setting.

Every figure takes a device-study table (one row per setting, seed and model, with a ``setting``
column in sweep order: :mod:`helpers.quantum.device_study`, :mod:`helpers.hybrid.device_study`) and
puts the settings on the x axis as categories: exact first, the shot sweep, then the noise sweep
(a dotted line separates the sweeps). Points are means, error bars the sample standard deviation
over seeds (or over forget examples for U-LiRA). Legends sit outside the axes, right of the figure
(constrained layout), so that they never cover a line or an error bar.
"""
from __future__ import annotations

import colorsys

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import colors as mcolors

# One marker per method of plot_hybrid_device (twelve methods; cycled beyond that).
MARKERS = ("o", "s", "^", "v", "D", "P", "X", "<", ">", "p", "h", "*")


def _hue_saturation(colour) -> tuple[float, float]:
    hue, _, saturation = colorsys.rgb_to_hls(*mcolors.to_rgb(colour))
    return hue, saturation


def palette(n: int, avoid=()) -> list:
    """``n`` colours of matplotlib's tab20, its dark shades first and then its light ones, without its greys and
    without the hues of the colours of ``avoid`` (the reference rows' colours, e.g. grey and ``"C1"``); distinct as
    long as ``n`` is at most the colours left (16 with grey and orange avoided), cycled beyond."""
    tab20 = plt.get_cmap("tab20").colors
    avoided = [h for h, s in map(_hue_saturation, avoid) if s >= 0.2]

    def allowed(colour) -> bool:
        hue, saturation = _hue_saturation(colour)
        return saturation >= 0.2 and all(min(abs(hue - h), 1 - abs(hue - h)) > 0.02 for h in avoided)
    candidates = [c for c in (*tab20[0::2], *tab20[1::2]) if allowed(c)]
    return [candidates[i % len(candidates)] for i in range(n)]


def _legend(fig, axes, fontsize: int = 7) -> None:
    """One legend for the figure, outside its axes on the right (the figure uses the constrained layout): the
    entries of every axis in ``axes``, each label once."""
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    fig.legend(list(entries.values()), list(entries), loc="outside right center", fontsize=fontsize, frameon=False)


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
    fig, axes = plt.subplots(1, 3, figsize=(14.5, 4.2), layout="constrained")
    for ax, (value, title) in zip(axes, (("forget_recall", "forgotten-class recall"),
                                         ("retained_acc", "retained-class accuracy"),
                                         ("mean_kl", "mean KL to the gold model"))):
        for i, (model, label) in enumerate(labels.items()):
            _line(ax, closeness, "model", value, model, label, marker="o", ms=3, color=f"C{i}")
        _axis(ax, closeness, title)
    _legend(fig, axes[:1])
    return fig


def plot_hybrid_device(results: pd.DataFrame, labels: dict, highlight: dict):
    """Left: AG (``ch8-ag``) per setting for every method (thin lines, means only, each method its own colour of
    :func:`palette` and its own marker) and the rows of ``highlight`` (``{row: colour}``, e.g. doing nothing and the
    second oracle, drawn bold with error bars). Middle: the test KL to the oracle (``ch8-kl``), the same lines.
    Right: the MIA AUC (``ch8-mia``) of the original and of the oracle, with chance (0.5) dashed. One legend for
    the three panels, right of them."""
    fig, (left, middle, right) = plt.subplots(1, 3, figsize=(17, 4.4), layout="constrained")
    methods = [m for m in dict.fromkeys(results["method"]) if m != "oracle"]
    plain = [m for m in methods if m not in highlight]
    colours = dict(zip(plain, palette(len(plain), avoid=[*highlight.values(), "grey", "black"])), **highlight)
    markers = {m: MARKERS[i % len(MARKERS)] for i, m in enumerate(plain)}
    for ax, value, ylabel in ((left, "AG", "AG (gap to the oracle)"), (middle, "KL_test", "test KL to the oracle")):
        for method in methods:
            bold = method in highlight
            _line(ax, results, "method", value, method, labels.get(method, method), spread=bold,
                  lw=2.2 if bold else 0.9, color=colours[method], alpha=1.0 if bold else 0.8,
                  marker=markers.get(method, "o"), ms=3 if bold else 3.5, zorder=3 if bold else 2)
        _axis(ax, results, ylabel)
    for method, colour in (("original", "grey"), ("oracle", "black")):
        _line(right, results, "method", "MIA_AUC", method, labels.get(method, method), color=colour, marker="o", ms=3)
    right.axhline(0.5, color="C3", ls="--", lw=1, label="chance")
    _axis(right, results, "MIA AUC (forget set vs test)")
    _legend(fig, (left, right))
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
