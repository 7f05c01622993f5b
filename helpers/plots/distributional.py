"""Figures of chapter 4's distributional test: populations per forget example, histograms of epsilon."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..metrics.distributional import BIN_WIDTH, max_resolvable_epsilon
from .style import styled

POPULATION_STYLE = {"retrain": dict(color="C0", marker="o"), "retrain_indep": dict(color="C9", marker="o"),
                    "original": dict(color="0.2", marker="D")}


def _style(name: str, k: int) -> dict:
    return POPULATION_STYLE.get(name, dict(color=f"C{(k + 1) % 10}", marker="s"))


@styled
def plot_example_populations(confs: dict, labels: dict, examples, titles=None):
    """One panel per forget example: every model's logit-scaled confidence, one row per population.

    ``confs`` maps a population name to its ``(N, S)`` outputs, ``labels`` to its
    display name, ``examples`` lists column indices. The do-nothing population
    is one model repeated, so it shows as a single marker.
    """
    examples = list(examples)
    fig, axes = plt.subplots(1, len(examples), figsize=(4.3 * len(examples), 0.55 * len(confs) + 1.6),
                             sharey=True)
    rows = list(confs)
    rng = np.random.default_rng(0)               # vertical jitter only, for visibility
    for ax, s, title in zip(np.atleast_1d(axes), examples, titles or [None] * len(examples)):
        for k, name in enumerate(rows):
            x = np.unique(np.asarray(confs[name])[:, s])         # a repeated model shows once
            jitter = rng.uniform(-0.15, 0.15, x.size) if x.size > 1 else np.zeros(1)
            ax.scatter(x, len(rows) - 1 - k + jitter, s=16 if x.size > 1 else 60, alpha=0.7,
                       **_style(name, k))
        ax.set(title=title or f"forget example {s}", xlabel="logit-scaled confidence")
        ax.set_yticks(range(len(rows)), [labels[n] for n in reversed(rows)])
    fig.tight_layout()
    return fig


@styled
def plot_epsilon_histograms(epsilons: dict, labels: dict, n_models: int, ncols: int = 3):
    """Per-example epsilon of each population against Retrain, on the challenge's bins (width 0.5).

    The last bar (grey, right of the dotted line) collects every example beyond
    the largest epsilon ``n_models`` models can resolve (``ceil(log(N - 1))``):
    those score 0 points. Bin ``n``
    (``[0, 0.5)`` is bin 1) scores ``2 / 2^n`` points.
    """
    top = max_resolvable_epsilon(n_models)
    edges = np.arange(0, top + BIN_WIDTH, BIN_WIDTH)                 # the scored bins
    nrows = -(-len(epsilons) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 3.0 * nrows), sharey=True, squeeze=False)
    for ax in axes.ravel()[len(epsilons):]:
        ax.set_visible(False)
    for k, (ax, (name, eps)) in enumerate(zip(axes.ravel(), epsilons.items())):
        eps = np.asarray(eps)
        counts = np.histogram(np.minimum(eps, top + BIN_WIDTH / 2), bins=np.r_[edges, top + BIN_WIDTH])[0]
        share = 100 * counts / eps.size
        centres = np.r_[edges[:-1] + BIN_WIDTH / 2, top + BIN_WIDTH / 2]
        colors = [_style(name, k)["color"]] * (len(centres) - 1) + ["0.55"]
        ax.bar(centres, share, width=0.9 * BIN_WIDTH, color=colors)
        ax.set_xticks([*np.arange(0, top), top + BIN_WIDTH / 2], [*(f"{e:g}" for e in np.arange(0, top)),
                                                                 f"≥{top:g}"])
        ax.axvline(top, color="0.3", lw=1, ls=":")                    # beyond: 0 points
        ax.set(title=labels[name], xlabel="per-example ε", ylim=(0, 100))
    for ax in axes[:, 0]:
        ax.set_ylabel("% of forget examples")
    fig.tight_layout()
    return fig


__all__ = ["plot_example_populations", "plot_epsilon_histograms"]
