"""Tests for chapter 3's machinery: helpers.chapters.gradient_conflict, helpers.plots.geometry and the 2-D GOP picture's
vectors (helpers.chapters.ch03.gop_vectors) (OEU Sec. 4.3)."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn
from tiny import TinySet

from helpers.chapters.gradient_conflict import (
    forget_retain_losses,
    inner,
    loss_gradients,
    monitored_oeu,
    parameter_kind,
    parameter_names,
    projected_directions,
    projection_checks,
    step_response,
)
from helpers.chapters.ch03 import gop_vectors
from helpers.plots.geometry import (PROJECTION_COLORS, draw_gop_2d, first_order_changes, plot_gop_grid,
                                    plot_step_response, projection_color)


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))


@pytest.fixture
def sets():
    return TinySet(20, 1, dim=5), TinySet(60, 2, dim=5)


def test_gop_vectors_full_projection_is_orthogonal_and_alpha_zero_is_identity():
    g_r, g_f, g_a = gop_vectors(120, norm_f=1.5, norm_r=0.7, alpha=1.0)
    assert np.dot(g_a, g_r) == pytest.approx(0.0, abs=1e-12)                       # Thm 4.3
    assert np.dot(g_f, g_a) == pytest.approx(1.5 ** 2 * math.sin(math.radians(120)) ** 2)   # Thm 4.4
    _, g_f0, g_0 = gop_vectors(120, 1.5, 0.7, alpha=0.0)
    assert np.allclose(g_0, g_f0)


def test_first_order_changes_signs_follow_the_conflict():
    g_r, g_f, g_a = gop_vectors(150, alpha=1.0)
    d_r, d_f = first_order_changes(g_r, g_f, g_f)
    assert d_r > 0 and d_f < 0                 # conflict: a step along g_f raises the retain loss
    assert first_order_changes(g_r, g_f, g_a)[0] == pytest.approx(0.0, abs=1e-12)


def test_gop_picture_draws_the_vectors_it_is_given():
    fig, ax = plt.subplots()
    g_r, g_f, g_a = np.array([0.7, 0.0]), np.array([-0.5, 1.2]), np.array([0.0, 1.2])
    draw_gop_2d(ax, g_r, g_f, g_a, alpha=1.0)
    arrows = [np.concatenate([q.U, q.V]) for q in ax.collections if hasattr(q, "U")]
    assert [a.tolist() for a in arrows] == [g_r.tolist(), g_f.tolist(), g_a.tolist()]
    assert ax.get_xlim() == pytest.approx((-1.625, 1.625))                        # 1.25 * the longer vector (1.3)
    plt.close(fig)


@pytest.mark.parametrize("vectors", [([0.0, 0.0], [1.0, 0.0], [1.0, 0.0]), ([1.0, 0.0, 0.0], [0.0, 1.0], [0.0, 1.0])])
def test_gop_picture_rejects_zero_or_non_planar_vectors(vectors):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="2-D vectors"):
        draw_gop_2d(ax, *vectors, alpha=1.0)
    plt.close(fig)


def test_gop_grid_rejects_ragged_rows():
    with pytest.raises(ValueError, match="common length"):
        plot_gop_grid({0.0: [gop_vectors(60)], 1.0: [gop_vectors(60), gop_vectors(90)]})


def test_loss_gradients_match_autograd_on_the_whole_set(sets):
    forget, retain = sets
    model = tiny_model()
    g_f, g_r = loss_gradients(model, forget, retain, batch_size=7)         # several uneven batches
    x, y = retain[torch.arange(len(retain))]
    expected = torch.autograd.grad(nn.functional.cross_entropy(model(x), y), list(model.parameters()))
    for a, b in zip(g_r, expected):
        assert torch.allclose(a, b, atol=1e-6)
    x_f, _ = forget[torch.arange(len(forget))]
    probs = model(x_f).softmax(-1)
    forget_loss = (probs * probs.log()).sum(-1).mean()                      # Eq. (7)
    expected_f = torch.autograd.grad(forget_loss, list(model.parameters()))
    for a, b in zip(g_f, expected_f):
        assert torch.allclose(a, b, atol=1e-6)


def test_projection_checks_theorems_hold_per_layer(sets):
    model = tiny_model()
    g_f, g_r = loss_gradients(model, *sets)
    checks = projection_checks(parameter_names(model), g_f, g_r)
    assert list(checks.index) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert checks["cos(g^_f, g_r)"].abs().max() < 1e-4                      # Thm 4.3, layer by layer
    assert np.allclose(checks["<g_f, g^_f>"], checks["|g_f|^2 sin^2"], rtol=1e-3, atol=1e-9)   # Thm 4.4
    assert (checks["<g_f, g^_f>"] >= 0).all()
    # global projection: orthogonal as a whole, so the weighted sum of per-layer inner products is ~0
    glob = projected_directions(g_f, g_r)["global GOP"]
    assert abs(inner(glob, g_r)) < 1e-6 * (inner(g_f, g_f) * inner(g_r, g_r)) ** 0.5 + 1e-9


def test_parameter_kind():
    assert parameter_kind("layer1.0.conv1.weight", (8, 8, 3, 3)) == "weight"
    assert parameter_kind("layer1.0.conv1.weight_quantizer.scale", ()) == "quantizer"
    assert parameter_kind("layer1.0.bn1.bias", (8,)) == "BN / bias"


def test_step_response_is_first_order_for_small_steps_and_leaves_model_alone(sets):
    forget, retain = sets
    forget.data, retain.data = forget.data.double(), retain.data.double()   # loss differences of ~1e-6
    model = tiny_model().double()
    before = [p.clone() for p in model.parameters()]
    g_f, g_r = loss_gradients(model, forget, retain)
    table = step_response(model, forget, retain, g_f, g_r, projected_directions(g_f, g_r), etas=[1e-4, 1e-1])
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    small = table[table.eta == 1e-4].set_index("direction")
    raw = small.loc["g_f (no projection)"]
    assert raw["dL_forget"] == pytest.approx(raw["first-order dL_forget"], rel=0.05)
    assert raw["dL_retain"] == pytest.approx(raw["first-order dL_retain"], rel=0.05)
    proj = small.loc["layer-wise GOP"]
    assert abs(proj["first-order dL_retain"]) < 1e-10                       # Thm 4.3: no first-order change
    assert abs(proj["dL_retain"]) < 0.05 * abs(raw["dL_retain"])


def test_forget_retain_losses_entropy_is_minus_forget_loss(sets):
    losses = forget_retain_losses(tiny_model(), *sets)
    assert losses["forget entropy"] == pytest.approx(-losses["L_forget"])
    assert 0 < losses["forget entropy"] <= math.log(3) + 1e-6
    assert losses["L_retain"] > 0


def _cosine(a, b):
    return float((a * b).sum() / (a.norm() * b.norm()))


@pytest.mark.parametrize("projection", ["layer-wise", "global", "none"])
def test_monitored_oeu_records_the_geometry_of_its_step(sets, projection):
    """One step on the whole of D_f and D_r: the history holds the cosines of those full gradients.

    ``cos before`` is cos(g_f, g_r) of each layer; ``cos after`` is the cosine of the projected g_f,
    written out here from the paper: 0 for layer-wise GOP (Eqs. 9-10), Eq. (8) over all parameters
    for global GOP, unchanged without projection. (That the step itself follows Eq. 12 is
    tests/test_oeu_step.py's job.)
    """
    forget, retain = sets
    model = tiny_model()
    g_f, g_r = loss_gradients(model, forget, retain)          # full-set gradients (tested against autograd above)
    dot, norm2 = sum((f * r).sum() for f, r in zip(g_f, g_r)), sum((r * r).sum() for r in g_r)
    projected = {"layer-wise": None, "none": g_f, "global": [f - dot / norm2 * r for f, r in zip(g_f, g_r)]}
    new, history = monitored_oeu(model, forget, retain, projection=projection, seed=3, epochs=1, lr=0.05,
                                 batch_size=len(retain), beta=1.0)
    assert list(history["step"].unique()) == [0] and list(history["parameter"]) == parameter_names(model)
    assert np.allclose(history["cos before"], [_cosine(f, r) for f, r in zip(g_f, g_r)], atol=1e-5)
    if projection == "layer-wise":
        assert history["cos after"].abs().max() < 1e-5
    else:
        assert np.allclose(history["cos after"], [_cosine(h, r) for h, r in zip(projected[projection], g_r)],
                           atol=1e-5)
    if projection == "global":                                  # orthogonal as a whole, not layer by layer
        assert history["cos after"].abs().max() > 1e-3


def test_monitored_oeu_counts_steps_and_leaves_its_input_alone(sets):
    forget, retain = sets
    model = tiny_model()
    before = [p.detach().clone() for p in model.parameters()]
    new, history = monitored_oeu(model, forget, retain, projection="layer-wise", seed=3, epochs=2, lr=0.05,
                                 batch_size=8)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))        # input untouched
    assert not torch.equal(before[0], next(new.parameters()))                         # the copy moved
    assert history["step"].nunique() == 2 * math.ceil(len(forget) / 8)              # one row per step and layer
    assert len(history) == history["step"].nunique() * len(before)
    assert set(history["kind"]) == {"weight", "BN / bias"}
    assert history["cos after"].abs().max() < 1e-4                                    # Thm 4.3 at every step


def test_monitored_oeu_rejects_unknown_projection(sets):
    with pytest.raises(ValueError, match="projection"):
        monitored_oeu(tiny_model(), *sets, projection="diagonal", epochs=1, lr=0.1, batch_size=8)


def test_geometry_figures_draw():
    fig = plot_gop_grid({alpha: [gop_vectors(angle, alpha=alpha) for angle in (60, 150)] for alpha in (0.0, 1.0)})
    assert len(fig.axes) == 4
    assert fig.axes[1].get_title() == r"$\phi$ = 150°, cos = -0.87, $\alpha$ = 0"    # read off the vectors
    plt.close(fig)
    import pandas as pd
    df = pd.DataFrame({"direction": ["a", "a"], "eta": [1e-3, 1e-2], "dL_retain": [1e-4, -1e-3],
                       "first-order dL_retain": [1e-4, 1e-3], "dL_forget": [-1e-3, -1e-2],
                       "first-order dL_forget": [-1e-3, -1e-2]})
    fig = plot_step_response({"net": df})
    assert len(fig.axes) == 2
    plt.close(fig)


def test_one_projection_palette_across_the_chapter():
    from matplotlib.colors import same_color
    assert projection_color("layer-wise GOP") == projection_color("layer-wise") == PROJECTION_COLORS["layer-wise"]
    assert projection_color("global GOP") == projection_color("global") == PROJECTION_COLORS["global"]
    assert projection_color("g_f (no projection)") == PROJECTION_COLORS["none"]
    import pandas as pd
    rows = [{"direction": d, "eta": e, "dL_retain": 1e-4, "first-order dL_retain": 1e-4, "dL_forget": -1e-3,
             "first-order dL_forget": -1e-3} for d in ("g_f (no projection)", "layer-wise GOP", "global GOP")
            for e in (1e-3, 1e-2)]
    fig = plot_step_response({"net": pd.DataFrame(rows)})
    by_label = {line.get_label(): line.get_color() for line in fig.axes[0].get_lines()}
    assert same_color(by_label["layer-wise GOP: measured"], PROJECTION_COLORS["layer-wise"])
    assert same_color(by_label["global GOP: measured"], PROJECTION_COLORS["global"])
    plt.close(fig)


def test_alpha_runs_draw_one_line_per_seed_and_the_mean():
    import pandas as pd
    from helpers.plots.geometry import plot_alpha_runs
    rows = [{"alpha": a, "seed": s, "retain loss change": 0.01 * s + 0.005 * a, "forget entropy": 0.1 - 0.02 * a * s}
            for s in (1, 2, 3) for a in (1.0, 0.0)]
    fig = plot_alpha_runs(pd.DataFrame(rows))
    for ax, col in zip(fig.axes, ("retain loss change", "forget entropy")):
        lines = ax.get_lines()
        assert len(lines) == 4                                          # three seeds (paired) and the mean
        assert list(lines[0].get_xdata()) == [0.0, 1.0]                 # each seed's runs in alpha order
        mean = lines[-1]
        assert mean.get_label() == "mean over seeds"
        expected = pd.DataFrame(rows).groupby("alpha")[col].mean()
        assert np.allclose(mean.get_ydata(), expected.to_numpy())
    plt.close(fig)


def test_monitored_oeu_is_unlearn_oeu_with_its_registered_settings(sets):
    """Chapter 3 passes ``DEFAULTS["oeu"]`` (loop settings included) and must get OEU's own weights."""
    from helpers.unlearn import DEFAULTS, Task, unlearn

    forget, retain = sets
    model = tiny_model()
    hp = {**DEFAULTS["oeu"], "epochs": 1, "batch_size": 8}
    new, _ = monitored_oeu(model, forget, retain, projection="layer-wise", seed=3, **hp)
    reference = unlearn("oeu", model, Task(forget, retain), seed=3, **hp)
    assert all(torch.equal(a, b) for a, b in zip(new.state_dict().values(), reference.state_dict().values()))


def test_gop_box_lies_below_the_axes_and_never_prints_a_negative_zero():
    """At alpha = 1 the retain change along g_f^(alpha) is about -1e-17: it must read 0.00, not -0.00; and the box is
    the panel's x label (below the axes), not a text inside them where it covered the 170° vectors."""
    from helpers.plots.geometry import signed
    assert signed(-1e-17) == "0.00" and signed(-0.004) == "0.00" and signed(0.0) == "0.00"
    assert signed(-0.006) == "-0.01" and signed(0.5) == "+0.50"
    fig = plot_gop_grid({alpha: [gop_vectors(angle, alpha=alpha) for angle in (45, 135, 170)] for alpha in (0.5, 1.0)})
    for ax in fig.axes:
        assert not any("per unit step" in t.get_text() for t in ax.texts)
        box = ax.get_xlabel()
        assert box.startswith("per unit step") and "-0.00" not in box
    assert "0.00 → " not in fig.axes[-1].get_xlabel() and "→ 0.00," in fig.axes[-1].get_xlabel()
    plt.close(fig)


def test_gop_projected_label_is_drawn_away_from_g_f():
    """g_f^(alpha)'s label sits beside its own tip, on the side away from g_f, not halfway down its arrow."""
    fig, ax = plt.subplots()
    g_r, g_f, g_a = gop_vectors(170, alpha=1.0)
    draw_gop_2d(ax, g_r, g_f, g_a, alpha=1.0)
    label = [t for t in ax.texts if "alpha" in t.get_text()][0]
    x, y = label.get_position()
    assert x > g_a[0] and y > g_a[1] and label.get_ha() == "left"
    plt.close(fig)


def test_step_response_legend_lies_below_the_panels():
    """The legend covered the measured and first-order g_f lines of the right-hand panel: it is the figure's, below."""
    import pandas as pd
    rows = [{"direction": d, "eta": e, "dL_retain": 1e-4, "first-order dL_retain": 1e-4, "dL_forget": -1e-3,
             "first-order dL_forget": -1e-3} for d in ("g_f (no projection)", "layer-wise GOP") for e in (1e-4, 1e-3)]
    fig = plot_step_response({"4-bit": pd.DataFrame(rows), "quantizers off": pd.DataFrame(rows)})
    assert all(ax.get_legend() is None for ax in fig.axes)
    (legend,) = fig.legends
    assert len(legend.get_texts()) == 4
    fig.canvas.draw()
    top = legend.get_window_extent().y1
    assert all(top <= ax.get_window_extent().y0 for ax in fig.axes)
    plt.close(fig)
