"""Figures of chapter 8's section on a device: the chapters' measures against the read-out setting.

Every figure takes a device-study table (one row per setting, seed and model, with a ``setting``
column in sweep order: :mod:`helpers.quantum.device_study`, :mod:`helpers.hybrid.device_study`) and
puts the settings on the x axis as categories: exact first, the shot sweep, then the noise sweep
(a dotted line separates the sweeps). Points are means, error bars the sample standard deviation
over seeds (or over forget examples for U-LiRA). The figures are at most 11 in wide with no text below 9 pt,
so that they stay readable at the book's page width; legends sit in an empty cell of the grid or beside the axes, so
that they never cover a line or an error bar, and every row has its own colour, marker and line style.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors

# Font sizes of every text of these figures (points): at most 11 in wide, the book's text column (~860 px)
# shows them at about 80 % of their size, so nothing is set below 9 pt.
FONT = {"tick": 10, "label": 10.5, "legend": 10, "title": 11}
# The reference rows' colours in every figure here: doing nothing grey, the second oracle (gold model) orange,
# the oracle (gold model) black. The other rows take :func:`palette`'s colours, which avoid these.
REFERENCE_COLOURS = {"original": "grey", "oracle_indep": "C1", "gold_indep": "C1", "oracle": "black", "gold": "black"}
# One marker per method of plot_hybrid_device (twelve methods; cycled beyond that).
MARKERS = ("o", "s", "^", "v", "D", "P", "X", "<", ">", "p", "h", "*")
# Line styles, one per round through the palette: colours repeat only with another line style (and marker).
LINESTYLES = ("-", "--", "-.", ":")


def palette(n: int, avoid=()) -> list:
    """``n`` (colour, line style) pairs: matplotlib's tab10 without its grey and without the colours of ``avoid``
    (the reference rows' colours, e.g. ``"grey"`` and ``"C1"``; compared as RGB), solid first; past the colours
    left, the colours again with dashes, then dash-dots, dots. Colours are tab10's strong ones, never a pale shade,
    and two rows share a colour only with different line styles."""
    tab10 = plt.get_cmap("tab10").colors
    avoided = {mcolors.to_hex(c) for c in avoid}
    colours = [c for c in tab10 if mcolors.to_hex(c) not in avoided and mcolors.to_hex(c) != mcolors.to_hex("C7")]
    return [(colours[i % len(colours)], LINESTYLES[(i // len(colours)) % len(LINESTYLES)]) for i in range(n)]


def _legend(fig, axes, slot, ncol: int = 2) -> None:
    """One legend for the figure, in ``ncol`` columns, centred in ``slot``: an empty cell of the figure's grid
    (turned off, so it draws nothing but the legend, which thus covers no data). The entries of every axis in
    ``axes``, each label once."""
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    slot.axis("off")
    fig.legend(list(entries.values()), list(entries), loc="center", bbox_to_anchor=(0.5, 0.5),
               bbox_transform=slot.transAxes, ncol=min(ncol, len(entries)), fontsize=FONT["legend"], frameon=False,
               handlelength=3.2, columnspacing=1.6, labelspacing=0.7)


def _settings(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["setting"]))


def _tick(setting: str) -> str:
    """A setting's tick label: one item a line (``"1024 shots\np = 0.5 %\nr = 2 %"``)."""
    return setting.replace(", ", "\n")


def _axis(ax, frame: pd.DataFrame, ylabel: str, title: str | None = None):
    """Category ticks for the settings, one item of a setting a line, and a dotted line before the first noisy
    setting."""
    settings = _settings(frame)
    ax.set_xticks(range(len(settings)), [_tick(s) for s in settings], fontsize=FONT["tick"])
    ax.tick_params(axis="y", labelsize=FONT["tick"])
    noisy = frame.groupby("setting", sort=False)["depolarizing"].first().reindex(settings).to_numpy() > 0
    if noisy.any() and not noisy.all():
        ax.axvline(noisy.argmax() - 0.5, color="grey", lw=0.8, ls=":")
    ax.set_xlim(-0.5, len(settings) - 0.5)
    ax.set_ylabel(ylabel, fontsize=FONT["label"])
    if title:
        ax.set_title(title, fontsize=FONT["title"])
    ax.grid(axis="y", alpha=0.3)


def _line(ax, frame: pd.DataFrame, key: str, value: str, name, label: str, spread: bool = True, dodge: float = 0.0,
          **style):
    """Mean of ``value`` over the rows with ``frame[key] == name`` per setting, with the sample SD as error bars
    (``spread=False``: the means only), shifted ``dodge`` along x so that equal points of several rows stay
    visible."""
    rows = frame[frame[key] == name]
    stats = rows.groupby("setting", sort=False)[value].agg(["mean", "std"]).reindex(_settings(frame))
    ax.errorbar(np.arange(len(stats)) + dodge, stats["mean"], yerr=stats["std"].fillna(0) if spread else None,
                label=label, capsize=2.5, **style)


def _styles(rows) -> dict:
    """``{row: (colour, line style)}``: :data:`REFERENCE_COLOURS` for the reference rows (solid), :func:`palette`
    for the others."""
    plain = [r for r in rows if r not in REFERENCE_COLOURS]
    return {**dict(zip(plain, palette(len(plain), avoid=set(REFERENCE_COLOURS.values())))),
            **{r: (REFERENCE_COLOURS[r], "-") for r in rows if r in REFERENCE_COLOURS}}


def _offsets(n: int, width: float) -> np.ndarray:
    return np.linspace(-width, width, n) if n > 1 else np.zeros(1)


def plot_vqc_device(closeness: pd.DataFrame, labels: dict):
    """Chapter 7's measures per setting, one panel a row sharing the settings axis (10.5 in wide, so that eight
    settings' labels stay apart): forgotten-class recall, retained accuracy, mean KL to the gold model; one line
    per model of ``labels`` (``{model: legend label}``), each its own colour (the references' of
    :data:`REFERENCE_COLOURS`), marker and line style, slightly apart along x. The legend below, in a row."""
    fig, axes = plt.subplots(3, 1, figsize=(10.5, 9.0), sharex=True, layout="constrained")
    styles = _styles(labels)
    for ax, (value, title) in zip(axes, (("forget_recall", "forgotten-class recall"),
                                         ("retained_acc", "retained-class accuracy"),
                                         ("mean_kl", "mean KL to the gold model"))):
        for (model, label), marker, dodge in zip(labels.items(), MARKERS, _offsets(len(labels), 0.12)):
            colour, ls = styles[model]
            _line(ax, closeness, "model", value, model, label, dodge=dodge, marker=marker, ms=5.5, lw=1.7,
                  color=colour, ls=ls)
        _axis(ax, closeness, title)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=len(labels),
               fontsize=FONT["legend"], frameon=False, handlelength=3.2)
    return fig


def plot_hybrid_device(results: pd.DataFrame, labels: dict, highlight: dict):
    """Top: AG (``ch8-ag``) per setting for every method (means only, each method its own colour and line style of
    :func:`palette` and its own marker, slightly apart along x) and the rows of ``highlight`` (``{row: colour}``,
    e.g. doing nothing and the second oracle, drawn bold with error bars); next to it the test KL to the oracle
    (``ch8-kl``), the same lines. Below: the MIA AUC (``ch8-mia``) of the original and of the oracle, with chance
    (0.5) dotted, and beside it the one legend of the three panels, in two columns. 10.5 in wide."""
    fig = plt.figure(figsize=(10.5, 8.4), layout="constrained")
    left, middle, right, slot = fig.subplot_mosaic([["AG", "KL"], ["MIA", "legend"]]).values()
    methods = [m for m in dict.fromkeys(results["method"]) if m != "oracle"]
    plain = [m for m in methods if m not in highlight]
    styles = dict(zip(plain, palette(len(plain), avoid=[*highlight.values(), "grey", "black"])))
    markers = {m: MARKERS[i % len(MARKERS)] for i, m in enumerate(plain)}
    dodges = dict(zip(plain, _offsets(len(plain), 0.22)))
    for ax, value, ylabel in ((left, "AG", "AG (gap to the oracle)"), (middle, "KL_test", "test KL to the oracle")):
        for method in methods:
            bold = method in highlight
            colour, ls = (highlight[method], "-") if bold else styles[method]
            _line(ax, results, "method", value, method, labels.get(method, method), spread=bold,
                  dodge=dodges.get(method, 0.0), lw=2.6 if bold else 1.3, color=colour, ls=ls,
                  marker="o" if bold else markers[method], ms=5 if bold else 5.5, zorder=3 if bold else 2)
        _axis(ax, results, ylabel)
    for method, colour, dodge in (("original", "grey", -0.05), ("oracle", "black", 0.05)):
        _line(right, results, "method", "MIA_AUC", method, labels.get(method, method), dodge=dodge, color=colour,
              marker="o", ms=5, lw=1.8)
    right.axhline(0.5, color="black", ls=":", lw=1.2, label="chance (0.5)")
    _axis(right, results, "MIA AUC (forget set vs test)")
    _legend(fig, (left, right), slot)
    return fig


def plot_privacy_device(privacy: pd.DataFrame, labels: dict):
    """U-LiRA's held-out accuracy per setting for each population of ``labels`` against the gold population
    (error bars: SD over the forget examples); 0.5 = cannot tell the populations apart."""
    fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
    settings = _settings(privacy)
    styles = _styles(labels)
    for (population, label), marker, dodge in zip(labels.items(), MARKERS, _offsets(len(labels), 0.1)):
        colour, ls = styles[population]
        rows = privacy[privacy["population"] == population].set_index("setting").reindex(settings)
        ax.errorbar(np.arange(len(settings)) + dodge, rows["ulira_accuracy"], yerr=rows["ulira_sd"], label=label,
                    marker=marker, ms=5, lw=1.6, capsize=2.5, color=colour, ls=ls)
    ax.axhline(0.5, color="grey", ls="--", lw=1)
    _axis(ax, privacy, "U-LiRA accuracy (0.5: cannot tell)")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", fontsize=FONT["legend"], frameon=False)
    return fig
