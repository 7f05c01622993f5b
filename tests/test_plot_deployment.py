"""Figures of chapter 5's deployment section (helpers.plots.deployment) on synthetic audit frames: what each
draws is the frames' mean over seeds with one sample SD, Retrain stands out, and bad frames are refused."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from deployment_frames import METHODS, SEEDS, export_frame, flips_frame, ptq_frame, relearn_frame  # noqa: E402
from helpers.experiments.compare import LABELS  # noqa: E402
from helpers.plots import plot_export_ptq, plot_flip_shares, plot_relearning  # noqa: E402
from helpers.plots.deployment import method_styles  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def lines_by_label(ax) -> dict:
    """Legend label -> the data line, for plain lines and for error-bar plots (whose container holds the label)."""
    lines = {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}
    lines.update({c.get_label(): c.lines[0] for c in ax.containers if hasattr(c, "has_yerr")})
    return lines


def test_method_styles_single_out_the_references_and_oeu():
    styles = method_styles(METHODS)
    assert styles["retrain"]["lw"] > max(s["lw"] for m, s in styles.items() if m != "retrain")
    assert styles["original"]["ls"] == "--" and styles["oeu"]["color"] == "tab:red"
    colors = [s["color"] for s in styles.values()]
    assert len(set(colors)) == len(colors), "two methods share a colour"


def test_flip_shares_draw_the_mean_share_per_layer_in_percent():
    flips = flips_frame()
    flips.loc[flips.index.isin([("ft", 2, "fc")]), "vs original"] = 0.5    # seeds 0.3, 0.5, 0.3: mean 0.3667
    ax = plot_flip_shares(flips).axes[0]
    lines = lines_by_label(ax)
    assert LABELS["original"] not in lines and set(lines) == {LABELS[m] for m in METHODS if m != "original"}
    np.testing.assert_allclose(lines["FT"].get_ydata(), [2.0, 10.0, 100 * (0.3 + 0.5 + 0.3) / 3])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["conv1", "layer1.0.conv1", "fc"]
    assert ax.get_yscale() == "symlog"
    against_retrain = lines_by_label(plot_flip_shares(flips, "vs retrain").axes[0])
    assert LABELS["retrain"] not in against_retrain and LABELS["original"] in against_retrain


def test_export_ptq_bars_and_lines_are_means_with_sample_sd():
    export, ptq = export_frame({"ga": {1: 6.0, 2: 5.0, 3: 7.0}}), ptq_frame()
    fig = plot_export_ptq(export, ptq)
    ax_e, ax_p = fig.axes[:2]
    bars = ax_e.patches
    assert len(bars) == 2 * len(METHODS)                                   # fake-quant, then integer
    ga = METHODS.index("ga")
    fake = [export.loc[("ga", s), ("fake-quant", "FA")] for s in SEEDS]
    assert bars[ga].get_height() == pytest.approx(np.mean(fake))
    assert bars[len(METHODS) + ga].get_height() == pytest.approx(np.mean(fake) + 6.0)
    lines = lines_by_label(ax_p)
    ft = ptq.xs("ft", level=0).xs("FA", axis=1, level=1)
    np.testing.assert_allclose(lines["FT"].get_ydata(), ft.mean())
    assert [t.get_text() for t in ax_p.get_xticklabels()] == ["FP", "8-bit", "4-bit", "2-bit"]
    assert lines["Retrain"].get_linewidth() == max(line.get_linewidth() for line in lines.values())
    caps = [c for c in ax_p.containers if c.get_label() == "FT"][0]
    segments = caps.lines[2][0].get_segments()                             # one vertical error bar per width
    np.testing.assert_allclose([s[1][1] - s[0][1] for s in segments], 2 * ft.std(ddof=1))


def test_relearning_draws_one_panel_per_attack_with_retrain_highlighted():
    relearn = relearn_frame()
    fig = plot_relearning(relearn)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["fine-tuned on 1 % of the forget set", "fine-tuned on the retain set"]
    lines = lines_by_label(panels[0])
    ft = relearn.xs(("ft", "forget 1 %"), level=(0, 2))
    np.testing.assert_allclose(lines["FT"].get_ydata(), ft.mean())
    np.testing.assert_allclose(lines["FT"].get_xdata(), [0, 5, 20, 50])
    assert lines["Retrain"].get_linewidth() == max(line.get_linewidth() for line in lines.values())
    assert lines["Original (do nothing)"].get_linestyle() == "--"


def test_relearning_draws_retrain_beneath_the_methods_so_a_curve_on_it_stays_visible():
    """FT and ℓ1-sparse lie on Retrain's curve in the book's audit: Retrain's band must be drawn under them, and
    two methods on the same curve must differ by their markers."""
    relearn = relearn_frame()
    for s in SEEDS:
        relearn.loc[("l1_sparse", s, "forget 1 %")] = relearn.loc[("ft", s, "forget 1 %")]
    for ax in plot_relearning(relearn).axes:
        lines = lines_by_label(ax)
        retrain = lines.pop("Retrain")
        assert retrain.get_zorder() < min(line.get_zorder() for line in lines.values())
        assert retrain.get_alpha() < 1
        methods = [line for label, line in lines.items() if label != "Original (do nothing)"]
        markers = [line.get_marker() for line in methods]
        assert len(set(markers)) == len(markers), "two methods share a marker"
        assert all(line.get_markerfacecolor() == "none" for line in methods)


def test_one_seed_draws_without_error_bars_failing():
    one = relearn_frame().xs(1, level=1, drop_level=False)
    lines = lines_by_label(plot_relearning(one).axes[0])
    np.testing.assert_allclose(lines["FT"].get_ydata(), one.xs(("ft", 1, "forget 1 %")).to_numpy())


@pytest.mark.parametrize("draw, message", [
    (lambda: plot_flip_shares(export_frame()), "the flips frame has 2 index level"),
    (lambda: plot_flip_shares(flips_frame(), "vs nothing"), "against must be 'vs original' or 'vs retrain'"),
    (lambda: plot_export_ptq(ptq_frame(), ptq_frame()), "the export frame is not the audit's"),
    (lambda: plot_export_ptq(export_frame(), ptq_frame(), "AG"), "'AG' is not a metric of both frames"),
    (lambda: plot_relearning(flips_frame()), "the relearn frame is not the audit's"),
])
def test_bad_frames_are_refused(draw, message):
    with pytest.raises(ValueError, match=message):
        draw()
