"""Figures of chapter 3: gradient conflict and orthogonal projection (OEU Sec. 4.3, Fig. 1b/c)."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib import patheffects
import numpy as np
import pandas as pd

from .style import styled

COLORS = {"g_r": "C0", "g_f": "C3", "proj": "C2"}
PROJECTION_COLORS = {"none": COLORS["g_f"], "layer-wise": COLORS["proj"], "global": "C1"}   # one palette for the chapter


def projection_color(label: str) -> str:
    """The chapter's colour of a direction or run label: layer-wise GOP green, global GOP orange, no projection red."""
    text = label.lower()
    return PROJECTION_COLORS["layer-wise" if "layer" in text else "global" if "global" in text else "none"]


def signed(value: float, digits: int = 2) -> str:
    """``value`` with its sign and ``digits`` decimals, a value that rounds to zero as plain ``0.00`` (never
    ``-0.00``)."""
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def first_order_changes(g_r, g_f, d) -> tuple[float, float]:
    """First-order loss changes per unit step along ``-d``: ``(dL_r, dL_f) / eta = (-<g_r, d>, -<g_f, d>)``."""
    return -float(np.dot(g_r, d)), -float(np.dot(g_f, d))


def draw_gop_2d(ax, g_r, g_f, g_alpha, alpha: float, annotate: bool = True):
    """Draw the 2-D vectors ``g_r``, ``g_f`` and ``g_alpha`` (``g_f^(alpha)``, projected by the caller with
    strength ``alpha``, shown in the title) on ``ax``; shade the gradients that conflict with ``g_r``.

    A step ``theta - eta d`` changes the retain loss by ``-eta <g_r, d>`` to first
    order: every ``d`` in the shaded half-plane ``<d, g_r> < 0`` *raises* it.
    """
    g_r, g_f, g_a = (np.asarray(v, dtype=float) for v in (g_r, g_f, g_alpha))
    norm_r, norm_f = np.linalg.norm(g_r), np.linalg.norm(g_f)
    if g_r.shape != (2,) or g_f.shape != (2,) or g_a.shape != (2,) or norm_r == 0 or norm_f == 0:
        raise ValueError("draw_gop_2d needs three 2-D vectors, g_r and g_f non-zero")
    cos = float(np.dot(g_r, g_f) / (norm_r * norm_f))
    lim = 1.25 * max(norm_f, norm_r)
    ax.axvspan(-lim, 0, color="C3", alpha=0.07, lw=0)
    ax.axvline(0, color="0.6", lw=0.8)
    kw = dict(angles="xy", scale_units="xy", scale=1, width=0.012)
    ax.quiver(0, 0, *g_r, color=COLORS["g_r"], **kw)
    ax.quiver(0, 0, *g_f, color=COLORS["g_f"], **kw)
    ax.quiver(0, 0, *g_a, color=COLORS["proj"], **kw)
    ax.plot([g_f[0], g_a[0]], [g_f[1], g_a[1]], ls=":", color="0.4")           # the removed component
    ax.text(*(g_r * 1.04), r"$g_r$", color=COLORS["g_r"], fontsize=12, va="bottom")
    ax.text(*(g_f * 1.06), r"$g_f$", color=COLORS["g_f"], fontsize=12, ha="center")
    # g_f^(alpha)'s label beside its tip, on the side away from g_f (below the tip when the two coincide), with a
    # white outline so that it reads over the arrows
    same = np.allclose(g_a, g_f)
    ax.text(g_a[0] + (0.05 if same or g_a[0] >= g_f[0] else -0.05) * lim, g_a[1] + (-0.05 if same else 0.02) * lim,
            r"$g_f^{(\alpha)}$", color=COLORS["proj"], fontsize=12, va="top" if same else "bottom",
            ha="left" if same or g_a[0] >= g_f[0] else "right",
            path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
    if annotate:                       # a box below the axes (its x label): it covers no vector
        r_f, f_f = first_order_changes(g_r, g_f, g_f)
        r_a, f_a = first_order_changes(g_r, g_f, g_a)
        ax.set_xlabel(f"per unit step, $g_f$ → $g_f^{{(\\alpha)}}$:\n"
                      f"$\\Delta L_r$: {signed(r_f)} → {signed(r_a)},  "
                      f"$\\Delta L_f$: {signed(f_f)} → {signed(f_a)}", fontsize=9)
        ax.xaxis.label.set_bbox(dict(boxstyle="round", fc="white", ec="0.8"))
    ax.set(xlim=(-lim, lim), ylim=(-0.25 * lim, lim), aspect="equal", xticks=[], yticks=[])
    angle = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    ax.set_title(rf"$\phi$ = {angle:.0f}°, cos = {cos:+.2f}, $\alpha$ = {alpha:g}", fontsize=10)
    return ax


@styled
def plot_gop_2d(g_r, g_f, g_alpha, alpha: float):
    """One 2-D picture of GOP (the analogue of OEU Fig. 1b/c) of vectors computed by the caller."""
    fig, ax = plt.subplots(figsize=(5, 4.2))
    draw_gop_2d(ax, g_r, g_f, g_alpha, alpha)
    fig.tight_layout()
    return fig


@styled
def plot_gop_grid(rows: dict):
    """Small multiples of :func:`draw_gop_2d`: ``rows`` maps each ``alpha`` (one row) to a list of
    ``(g_r, g_f, g_alpha)`` triples (one column each), all rows of the same length."""
    if not rows or len({len(row) for row in rows.values()}) != 1 or not next(iter(rows.values())):
        raise ValueError("plot_gop_grid needs one or more rows (alpha -> vector triples) of one common length")
    n_rows, n_cols = len(rows), len(next(iter(rows.values())))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(3.1 * n_cols, 2.9 * n_rows), squeeze=False)
    for i, (alpha, row) in enumerate(rows.items()):
        for j, vectors in enumerate(row):
            draw_gop_2d(axes[i, j], *vectors, alpha)
    fig.tight_layout()
    return fig


def gop_widget(vectors, angle: float = 120.0, norm_f: float = 1.0, norm_r: float = 1.0, alpha: float = 1.0):
    """Sliders for the angle, the two norms and alpha that redraw :func:`plot_gop_2d` (live Jupyter / Colab).

    ``vectors(angle, norm_f, norm_r, alpha)`` returns the ``(g_r, g_f, g_alpha)`` to draw (the caller's
    projection, e.g. :func:`helpers.chapters.ch03.gop_vectors`); the other arguments are the sliders' start.
    """
    import ipywidgets as w

    sliders = {"angle": w.FloatSlider(value=angle, min=0, max=180, step=1, description="angle φ (°)"),
               "norm_f": w.FloatSlider(value=norm_f, min=0.1, max=2, step=0.05, description="‖g_f‖"),
               "norm_r": w.FloatSlider(value=norm_r, min=0.1, max=2, step=0.05, description="‖g_r‖"),
               "alpha": w.FloatSlider(value=alpha, min=0, max=1, step=0.05, description="α")}

    def draw(**kwargs):
        plot_gop_2d(*vectors(**kwargs), kwargs["alpha"])
        plt.show()

    out = w.interactive_output(draw, sliders)
    return w.VBox([w.HBox(list(sliders.values())[:2]), w.HBox(list(sliders.values())[2:]), out])


@styled
def plot_alpha_tradeoff(angles=(100, 120, 150, 170)):
    """First-order effect of alpha (Sec. 4.3) for unit gradients at several angles.

    Along ``g_f^(alpha)``: ``dL_r / eta = -(1 - alpha) cos(phi)`` and
    ``dL_f / eta = -(1 - alpha cos^2(phi))``.
    """
    alpha = np.linspace(0, 1, 101)
    fig, (ax_r, ax_f) = plt.subplots(1, 2, figsize=(10, 3.6))
    for angle in angles:
        c = np.cos(np.deg2rad(angle))
        ax_r.plot(alpha, -(1 - alpha) * c, label=f"φ = {angle}°")
        ax_f.plot(alpha, -(1 - alpha * c ** 2), label=f"φ = {angle}°")
    ax_r.set(title=r"retain loss change per unit step, $-\langle g_r, g_f^{(\alpha)}\rangle$", xlabel=r"$\alpha$")
    ax_f.set(title=r"forget loss change per unit step, $-\langle g_f, g_f^{(\alpha)}\rangle$", xlabel=r"$\alpha$")
    ax_r.axhline(0, color="0.5", lw=0.8)
    ax_f.legend(fontsize=9)
    fig.tight_layout()
    return fig


@styled
def plot_layer_cosines(checks: pd.DataFrame):
    """Per-layer cosines with ``g_r`` before and after projection (conv / linear weights only)."""
    w = checks[checks["kind"] == "weight"]
    x = np.arange(len(w))
    fig, ax = plt.subplots(figsize=(11, 3.8))
    ax.bar(x - 0.27, w["cos(g_f, g_r)"], 0.27, color=COLORS["g_f"], label=r"$\cos(g_f, g_r)$ (no projection)")
    ax.bar(x, w["cos(global, g_r)"], 0.27, color=PROJECTION_COLORS["global"], label="after global GOP (Eq. 8)")
    ax.bar(x + 0.27, w["cos(g^_f, g_r)"], 0.27, color=PROJECTION_COLORS["layer-wise"], label="after layer-wise GOP (Eqs. 9-10)")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set_xticks(x, [n.removesuffix(".weight") for n in w.index], rotation=60, ha="right", fontsize=8)
    ax.set(ylabel="cosine with $g_r$", title="Per-layer gradient conflict on the trained quantized network")
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


@styled
def plot_step_response(responses: dict):
    """Measured (markers) and first-order (dashed) loss changes against the step size.

    ``responses`` maps a network label to a :func:`helpers.chapters.gradient_conflict.step_response`
    table; one column per network, rows: retain loss, forget loss (symmetric-log y axis). One legend below the
    panels, where it covers no curve.
    """
    fig, axes = plt.subplots(2, len(responses), figsize=(5.4 * len(responses), 7.6), squeeze=False, sharex=True,
                             layout="constrained")
    for col, (label, df) in enumerate(responses.items()):
        for direction, part in df.groupby("direction", sort=False):
            color = projection_color(direction)
            for row, loss in enumerate(["dL_retain", "dL_forget"]):
                ax = axes[row, col]
                ax.plot(part["eta"], part[loss], "o-", color=color, label=f"{direction}: measured")
                ax.plot(part["eta"], part[f"first-order {loss}"], "--", color=color, alpha=0.7,
                        label=f"{direction}: first order")
        for row, name in enumerate([r"$\Delta L_r$ (retain)", r"$\Delta L_f$ (forget)"]):
            ax = axes[row, col]
            values = np.abs(df[["dL_retain", "dL_forget"]].to_numpy())
            ax.set(xscale="log", ylabel=name)
            ax.set_yscale("symlog", linthresh=max(1e-7, np.nanmin(values[values > 0]) if (values > 0).any() else 1e-7))
            ax.axhline(0, color="0.5", lw=0.8)
        axes[0, col].set_title(label)
        axes[1, col].set_xlabel(r"step size $\eta$ (step $\theta - \eta d$)")
    handles, labels = axes[0, -1].get_legend_handles_labels()      # below the panels: covers no curve
    fig.legend(handles, labels, loc="outside lower center", ncol=min(3, len(labels)), fontsize=9, frameon=False)
    return fig


@styled
def plot_cosine_history(histories: dict):
    """Per-layer cos(g_f, g_r) over the steps of OEU runs (conv / linear weights).

    ``histories`` maps a projection label to a :func:`helpers.chapters.gradient_conflict.monitored_oeu`
    history. Top: heat maps of the raw cosine; bottom: share of layers in conflict
    (cos < 0) before projection, and the mean |cos| with ``g_r`` after it.
    """
    n = len(histories)
    fig = plt.figure(figsize=(5.2 * n, 7.2))
    grid = fig.add_gridspec(2, n, height_ratios=[2.2, 1])
    ax_line = fig.add_subplot(grid[1, :])
    for col, (label, h) in enumerate(histories.items()):
        w = h[h["kind"] == "weight"]
        table = w.pivot(index="parameter", columns="step", values="cos before").loc[w["parameter"].unique()]
        ax = fig.add_subplot(grid[0, col])
        im = ax.imshow(table.to_numpy(), aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
        ax.set_yticks(range(len(table)), [p.removesuffix(".weight") for p in table.index] if col == 0 else [],
                      fontsize=7)
        ax.set(title=f"{label}: cos($g_f$, $g_r$) per layer", xlabel="step")
        by_step = w.groupby("step")
        ax_line.plot(by_step["cos before"].apply(lambda c: (c < 0).mean()), "o-", color=projection_color(label),
                     label=f"{label}: share of layers with cos < 0 (before)")
        ax_line.plot(by_step["cos after"].apply(lambda c: c.abs().mean()), "s--", color=projection_color(label),
                     label=f"{label}: mean |cos| after projection")
    fig.colorbar(im, ax=fig.axes[1:], fraction=0.03)
    ax_line.set(xlabel="step", ylim=(-0.05, 1.05))
    ax_line.legend(fontsize=8, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.3))   # below the axes: covers no curve
    return fig


@styled
def plot_alpha_runs(runs: pd.DataFrame):
    """Retain-loss change and forget entropy after OEU runs at several alphas: one thin line per seed
    (the runs a paired comparison pairs: same model, same batch order), the mean over seeds on top."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, col, title in [(axes[0], "retain loss change", r"$\Delta L_r$ after unlearning"),
                           (axes[1], "forget entropy", "mean forget entropy (nats, Eq. 6)")]:
        for seed, run in runs.sort_values("alpha").groupby("seed"):
            ax.plot(run["alpha"], run[col], "-", color="0.6", lw=1, marker=".", label=None)
            ax.annotate(f"seed {seed}", (run["alpha"].iloc[-1], run[col].iloc[-1]), fontsize=7, color="0.4",
                        xytext=(4, 0), textcoords="offset points", va="center")
        mean = runs.groupby("alpha")[col].mean()
        ax.plot(mean.index, mean, "o-", color=COLORS["proj"], lw=2, label="mean over seeds")
        ax.set(title=title, xlabel=r"$\alpha$")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
