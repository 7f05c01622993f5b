"""Chapter 3's readings (helpers.chapters.ch03): every wording branch on constructed inputs."""
from __future__ import annotations

import math

import pandas as pd
import pytest
import torch

from helpers.chapters import ch03
from helpers.experiments.runner import aggregate
from helpers.chapters.gradient_conflict import projection_checks

DECIDED_UP = [1.0, 1.2, 0.9]          # paired differences whose 95 % interval lies above zero
SPANNING = [1.0, -1.2, 0.3]           # ... and one that spans zero


# ------------------------------------------------------------------------------------------------ 3.1
def test_toy_readings_at_120_degrees():
    r = ch03.toy_readings(angle=120)
    assert r["toy_dr_gf"] == pytest.approx(0.5)                  # -cos(120°): a step along g_f raises L_r
    assert r["toy_df_gf"] == pytest.approx(1.0)
    assert r["toy_df_perp"] == pytest.approx(math.sin(math.radians(120)) ** 2)     # Thm 4.4


def test_glue_all_wraps_markdown_only(monkeypatch):
    seen = {}
    monkeypatch.setattr(ch03.notebook, "glue", lambda name, value: seen.setdefault(name, value))
    ch03.glue_all({"a": 1.5, "b": "text"}, {"c": ch03.Md("**bold**")})
    assert seen["a"] == 1.5 and seen["b"] == "text"
    assert type(seen["c"]).__name__ == "Markdown" and seen["c"].data == "**bold**"


# ------------------------------------------------------------------------------------------------ 3.3
@pytest.mark.parametrize("cosines, summary, lead", [
    ({"a": -0.5, "b": -0.1}, "all 2 conv and linear kernels conflict",
     "All 2 kernels conflict (cos < 0); the strongest conflict, -0.50, is in `a`"),
    ({"a": 0.5, "b": 0.1}, "none of its 2 conv and linear kernels conflicts",
     "None of the 2 kernels conflicts (cos < 0); the smallest cosine, +0.10, is in `b`"),
    ({"a": -0.5, "b": -0.1, "c": 0.3}, "2 of its 3 conv and linear kernels conflict",
     "2 of the 3 kernels conflict (cos < 0); the strongest conflict, -0.50, is in `a`"),
    ({"a": -0.5, "b": 0.1, "c": 0.3}, "only 1 of its 3 conv and linear kernels conflict",
     "Only 1 of the 3 kernels conflict (cos < 0); the strongest conflict, -0.50, is in `a`"),
])
def test_conflict_words(cosines, summary, lead):
    assert ch03.conflict_words(pd.Series(cosines)) == (summary, lead)


def test_conflict_words_needs_cosines():
    with pytest.raises(ValueError, match="no cosines"):
        ch03.conflict_words(pd.Series([], dtype=float))


def test_global_layers_words_branches():
    before = pd.Series([-0.5, -0.4, 0.2])
    assert ch03.global_layers_words(before, pd.Series([0.0, 1e-6, -1e-6])) == \
        "global projection (orange) leaves all 3 kernels orthogonal, like the layer-wise one"
    mixed = ch03.global_layers_words(before, pd.Series([-0.2, 0.1, 0.4]))
    assert mixed == ("global projection (orange) lowers the conflict of 2 of the 2 conflicting kernels but leaves "
                     "1 of the 3 kernels still in conflict and 2 with a positive cosine: it is orthogonal to $g_r$ "
                     "only as a whole")
    flipped = ch03.global_layers_words(before, pd.Series([0.6, 0.1, 0.4]))
    assert "lowers the conflict of 1 of the 2" in flipped and "leaves no kernel in conflict and 3 with a positive" in flipped
    no_conflict = ch03.global_layers_words(pd.Series([0.5, 0.2]), pd.Series([0.3, -0.1]))
    assert no_conflict.startswith("global projection (orange) leaves 1 of the 2 kernels still in conflict and 1 with")
    with pytest.raises(ValueError, match="one cosine before and one after"):
        ch03.global_layers_words(before, pd.Series([0.1]))


@pytest.mark.parametrize("moving, killed, words", [
    (0, 0, "the forgetting objective reaches no quantization range at all"),
    (10, 8, "under layer-wise GOP the forgetting objective barely moves most quantization ranges; $g_r$ moves them"),
    (10, 3, "under layer-wise GOP the forgetting objective barely moves 3 of the 10 quantization parameters it reaches"),
    (10, 0, "layer-wise GOP still lets the forgetting objective move every quantization range it reaches"),
])
def test_quantizer_words(moving, killed, words):
    assert ch03.quantizer_words(moving, killed) == words


def test_quantizer_words_rejects_impossible_counts():
    with pytest.raises(ValueError, match="killed"):
        ch03.quantizer_words(2, 3)


def _gradients(conflict: bool):
    """A 2x2 kernel, a bias and a one-element quantizer "layer" whose retain gradient is tiny (about eps)."""
    sign = -1.0 if conflict else 1.0
    g_f = [torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([1.0, 2.0]), torch.tensor([3.0]), torch.tensor([2.0])]
    g_r = [torch.tensor([[sign, 1.0], [0.0, 0.0]]), torch.tensor([sign * 1.0, 0.5]), torch.tensor([-2.0]),
           torch.tensor([1e-8])]
    names = ["conv.weight", "bn.bias", "conv.weight_quantizer.scale", "act.quantizer.offset"]
    return names, g_f, g_r


@pytest.mark.parametrize("conflict", [True, False])
def test_gradient_readings(conflict):
    names, g_f, g_r = _gradients(conflict)
    checks = projection_checks(names, g_f, g_r)
    r = ch03.gradient_readings(checks, g_f, g_r)
    dot = sum(float((f * r_).sum()) for f, r_ in zip(g_f, g_r))
    assert r["cos_global"] == pytest.approx(dot / (r["norm_gf"] * r["norm_gr"]))
    assert r["global_conflict"] == ("the two gradients conflict as a whole" if r["cos_global"] < 0
                                    else "the two gradients do not conflict as a whole")
    assert r["n_params"] == 4
    assert r["conflict_lead"].startswith("All 1 kernels conflict" if conflict else "None of the 1 kernels conflicts")
    assert r["thm43_max"] < 1e-6 and r["thm43_words"] == "holds per layer to floating-point precision"
    assert r["thm44_words"] == "holds as well"
    assert r["layerwise_layers"] == "layer-wise projection (green) leaves no cosine at all"
    assert abs(r["global_total"]) < 1e-6                                  # Eq. (8) is orthogonal as a whole
    # the quantizer with a large retain gradient is projected to nothing; the one with |g_r| ~ eps keeps half
    assert (r["n_quant"], r["n_quant_moving"], r["n_quant_killed"]) == (2, 2, 1)
    assert r["quant_words"] == ("Under layer-wise GOP the forgetting objective barely moves 1 of the 2 quantization "
                                "parameters it reaches")
    assert r["quant_cos_after"] == pytest.approx(1.0)
    assert isinstance(r["conflict_lead"], ch03.Md) and not isinstance(r["thm43_max"], ch03.Md)


def test_gradient_readings_orthogonal_and_broken_theorem():
    names, g_f, g_r = _gradients(True)
    g_r[1], g_r[3] = torch.tensor([1.0, 3.0]), torch.tensor([0.0])     # <g_f, g_r> = -1 + 7 - 6 + 0 = 0
    checks = projection_checks(names, g_f, g_r)
    assert ch03.gradient_readings(checks, g_f, g_r)["global_conflict"] == "the two gradients are orthogonal as a whole"
    broken = checks.copy()
    broken.loc["conv.weight", "cos(g^_f, g_r)"] = 0.3         # a projection that failed
    broken.loc["conv.weight", "<g_f, g^_f>"] += 1.0
    r = ch03.gradient_readings(broken, g_f, g_r)
    assert r["thm43_words"] == "does not hold per layer to floating-point precision"
    assert r["layerwise_layers"] == "layer-wise projection (green) leaves cosines up to 3.0e-01"
    assert r["thm44_words"] == "holds only approximately"
    with pytest.raises(ValueError, match="must match"):
        ch03.gradient_readings(checks, g_f[:2], g_r)
    with pytest.raises(ValueError, match="no conv or linear kernel"):
        ch03.gradient_readings(checks.assign(kind="BN / bias"), g_f, g_r)


def test_theorem_table_and_kept_shares():
    names, g_f, g_r = _gradients(True)
    table = ch03.theorem_table(projection_checks(names, g_f, g_r))
    assert list(table.index) == ["BN / bias", "quantizer", "weight"]
    assert table.loc["quantizer", "layers"] == 2 and table.loc["quantizer", "layers with g^_f = 0"] == 1
    assert table.loc["weight", "max_abs_cos_layerwise"] < 1e-6
    shares = ch03.kept_shares([torch.tensor([2.0]), torch.tensor([0.0])], [torch.tensor([1.0]), torch.tensor([0.0])],
                              ["a", "b"])
    assert shares.to_dict() == {"a": 0.5}                     # no forgetting gradient: no share


# ------------------------------------------------------------------------------------------------ 3.4
def _response(raw_r, proj_r, pred_raw_r, proj_f=-1.0, pred_proj_f=-1.0, eta=1e-4):
    rows = [{"direction": "g_f (no projection)", "eta": eta, "dL_retain": raw_r, "first-order dL_retain": pred_raw_r,
             "dL_forget": -2.0, "first-order dL_forget": -2.0},
            {"direction": "layer-wise GOP", "eta": eta, "dL_retain": proj_r, "first-order dL_retain": 0.0,
             "dL_forget": proj_f, "first-order dL_forget": pred_proj_f}]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("ratio, measured, predicted, verdict, forget", [
    (0.01, -0.95, -1.0, "Without quantization the theorem is visible", "while the forget loss falls almost as predicted"),
    (0.5, -0.5, -1.0, "Even without quantization the theorem is hard to see at this step size",
     "while the forget loss falls by 5.0e-01, against 1.0e+00 predicted to first order"),
    (0.01, 0.1, -1.0, "Without quantization the theorem is visible", "while the forget loss does not fall at all"),
])
def test_smooth_words(ratio, measured, predicted, verdict, forget):
    assert ch03.smooth_words(ratio, measured, predicted) == (verdict, forget)


def test_quantized_words_branches():
    assert ch03.quantized_words(5e-3, 1e-5, 0.9).startswith("jumps from rounding, far larger than the first-order")
    assert ch03.quantized_words(-5e-6, 1e-5, 0.9).startswith("jumps from rounding, unrelated to the first-order")
    near = ch03.quantized_words(1.1e-5, 1e-5, 0.2)
    assert near.startswith("the change along $g_f$ stays near its first-order prediction (+1.0e-05)")
    assert "is smaller" in near and "is not smaller" in ch03.quantized_words(1.1e-5, 1e-5, 1.5)


def test_step_readings():
    smooth = _response(1e-4, 1e-7, 1e-4)
    quantized = _response(5e-3, -4e-3, 1e-5)
    r = ch03.step_readings(quantized, smooth, 1e-4)
    assert r["ratio_fp"] == pytest.approx(1e-3) and r["ratio_q"] == pytest.approx(0.8)
    assert (r["dLr_q_gf"], r["dLr_q_gop"]) == (5e-3, -4e-3)
    assert r["smooth_verdict"] == "Without quantization the theorem is visible"
    assert r["first_order_summary"].startswith("Without rounding the first-order guarantee is visible")
    assert r["first_order_summary"].endswith("with rounding, jumps dominate small steps: the theorems are about the "
                                             "STE's smooth surrogate")
    calm = ch03.step_readings(_response(1e-5, 1e-6, 1e-5), _response(1e-4, 5e-5, 1e-4), 1e-4)
    assert calm["first_order_summary"].startswith("Even without rounding the first-order guarantee is hard to see")
    assert calm["first_order_summary"].endswith("with rounding the first-order prediction still holds at this step")
    with pytest.raises(ValueError, match="no single row"):
        ch03.step_readings(quantized, smooth, 1e-2)


def test_retain_change_table():
    table = ch03.retain_change_table({"net": _response(1.0, 2.0, 0.0)})
    assert table.loc[1e-4, ("net", "layer-wise GOP")] == 2.0


# ------------------------------------------------------------------------------------------------ 3.5
def _history(after_layerwise):
    rows = []
    for step in range(3):
        rows += [{"step": step, "parameter": "w", "kind": "weight", "cos before": -0.2 if step else 0.4,
                  "cos after": after_layerwise},
                 {"step": step, "parameter": "b", "kind": "BN / bias", "cos before": -0.9, "cos after": 0.0}]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("after, words", [(1e-7, "Layer-wise GOP removes every one of them (dashed line at zero)"),
                                          (0.02, "Layer-wise GOP leaves cosines up to 2.0e-02")])
def test_conflict_table_and_run_readings(after, words):
    histories = {"layer-wise": _history(after), "global": _history(0.3)}
    stats = ch03.conflict_table(histories, {"layer-wise": (40.0, 99.0), "global": (30.0, 98.0)})
    assert stats.loc["layer-wise", "share of layer-steps with cos < 0"] == pytest.approx(2 / 3)   # kernels only
    r = ch03.run_readings(stats, histories)
    assert r["share_conflict"] == pytest.approx(200 / 3) and r["n_steps"] == 3
    assert r["after_global"] == pytest.approx(0.3) and r["run_removal"] == words
    assert (r["fa_layerwise"], r["ra_layerwise"], r["fa_global"], r["ra_global"]) == (40.0, 99.0, 30.0, 98.0)
    with pytest.raises(ValueError, match="'layer-wise' and 'global'"):
        ch03.run_readings(stats.drop(index="global"), histories)


def test_resolved():
    assert ch03.resolved(_iv([0.5, 0.5, 0.5]), 0.5) == "below resolution"
    assert ch03.resolved(_iv([0.5, 0.5, 0.5]), 0.4) == "larger"
    assert ch03.resolved(_iv([0.6944418, 0.6944478, 0.6944478]), 100 / 144) == "below resolution"   # float32 FA
    assert ch03.resolved(_iv(SPANNING), 0.0) == "undecided"
    with pytest.raises(ValueError, match="resolution"):
        ch03.resolved(_iv(SPANNING), -1.0)


def test_position_words():
    assert ch03.position_words(pd.Series([2.0])) == "2.0 points above it on this one seed"
    assert ch03.position_words(pd.Series([-1.5])) == "1.5 points below it on this one seed"
    assert ch03.position_words(pd.Series([0.0])) == "level with it on this one seed"
    assert ch03.position_words(pd.Series(DECIDED_UP)).startswith("1.0 points above it (paired 95 % interval over 3")
    assert ch03.position_words(-pd.Series(DECIDED_UP)).startswith("1.0 points below it (paired")
    assert ch03.position_words(pd.Series(SPANNING)).startswith("within seed noise of it (+0.0 points; the paired")
    assert ch03.position_words(pd.Series(SPANNING)).endswith("spans zero: undecided)")
    assert ch03.position_words(pd.Series([0.5, 0.5, 0.5]), resolution=0.5).startswith(
        "within one forget image of it (+0.5 points; paired 95 % interval over 3 seeds [+0.50, +0.50]): undecided")


def _iv(diffs):
    from helpers.stats import paired_interval
    return paired_interval(diffs, [0.0] * len(diffs))


def test_closer_words():
    assert ch03.closer_words(None, "FA") == (None, "one seed cannot tell the two apart")
    winner, words = ch03.closer_words(_iv([-x for x in DECIDED_UP]), "AG")
    assert winner == "layer-wise" and words.startswith("**layer-wise** projection is the closer of the two (paired")
    assert words.endswith("as in the paper's ablation")
    winner, words = ch03.closer_words(_iv(DECIDED_UP), "FA")
    assert winner == "global" and words.endswith("the opposite of the paper's ranking")
    winner, words = ch03.closer_words(_iv(SPANNING), "FA")
    assert winner is None and words.startswith("the two cannot be told apart: undecided (paired")
    winner, words = ch03.closer_words(_iv(DECIDED_UP), "AG", resolution=2.0)
    assert winner is None and words.startswith("the two cannot be told apart: their distances to Retrain differ by "
                                              "+1.03 points on average (paired")
    assert words.endswith("no more than the 2.00 points by which one forget image moves AG, the smallest step AG can "
                          "take, so the difference counts as undecided")


def test_overforget_words():
    assert ch03.overforget_words(pd.Series([-3.0])).startswith("One seed cannot say whether global projection")
    assert ch03.overforget_words(-pd.Series(DECIDED_UP)).endswith("it over-forgets, as the paper reports.")
    assert ch03.overforget_words(pd.Series(DECIDED_UP)).startswith("Global projection does not over-forget here")
    assert ch03.overforget_words(pd.Series(SPANNING)).startswith("Whether global projection over-forgets is undecided")
    assert ch03.overforget_words(pd.Series([-0.5, -0.5, -0.5]), resolution=0.5).startswith(
        "Whether global projection over-forgets is undecided here: its FA differs from Retrain's by no more than one")


@pytest.mark.parametrize("by_fa, by_ag, comparison, tail", [
    ("layer-wise", "layer-wise", "agrees with the paper's ranking by FA and by AG", ", on an easy data set"),
    ("global", "global", "reverses the paper's ranking by FA and by AG", ". One small data set cannot overturn"),
    (None, None, "cannot separate the two projections by FA and by AG", ": this page neither confirms nor"),
    ("layer-wise", None, "agrees with the paper's ranking by FA and cannot separate the two projections by AG",
     ": this page neither"),
    ("layer-wise", "global", "agrees with the paper's ranking by FA and reverses it by AG", ". One small data set"),
    (None, "layer-wise", "cannot separate the two projections by FA and agrees with the paper's ranking by AG",
     ": this page neither"),
])
def test_paper_comparison(by_fa, by_ag, comparison, tail):
    got, verdict = ch03.paper_comparison(by_fa, by_ag)
    assert got == comparison and verdict.startswith(comparison + tail)


def test_paper_comparison_rejects_unknown_winner():
    with pytest.raises(ValueError, match="winner"):
        ch03.paper_comparison("diagonal", None)


def _block(seeds, fa, ag_extra=None):
    """A run_table block (one ratio) from per-seed FA; RA, TA, MIA equal Retrain's unless ``ag_extra`` moves MIA."""
    rows = []
    for i, seed in enumerate(seeds):
        for method, values in fa.items():
            mia = 50.0 + (ag_extra or {}).get(method, [0.0] * len(seeds))[i]
            rows.append({"amount": 0.1, "method": method, "seed": seed, "FA": values[i], "RA": 99.0, "TA": 97.0,
                         "MIA": mia, "seconds": 1.0})
    table = aggregate(pd.DataFrame(rows))
    from helpers.experiments.compare import block
    return block(table, 0.1)


def test_projection_readings_over_seeds_layerwise_closer_and_global_over_forgets():
    fa = {"retrain": [90.0, 91.0, 89.0], "retrain_indep": [90.5, 90.0, 89.5], "original": [100.0, 100.0, 100.0],
          "oeu": [91.0, 92.0, 89.5], "oeu_global_gop": [80.0, 82.0, 78.0]}
    r = ch03.projection_readings(_block([1, 2, 3], fa), n_forget=200)
    assert r["gop_seeds_words"] == "3 seeds" and r["one_image"] == 0.5
    assert r["fa_retrain"] == pytest.approx(90.0) and r["floor_fa"] == pytest.approx(2 / 3)
    assert r["gop_closer_fa"].startswith("**layer-wise** projection is the closer of the two (")
    assert r["gop_closer_ag"].startswith("**layer-wise** projection is the closer of the two (")
    assert r["pos_global"].startswith("10.0 points below it")
    assert r["gop_overforget"].endswith("it over-forgets, as the paper reports.")
    assert r["gop_paper_verdict"].startswith("agrees with the paper's ranking by FA and by AG, on an easy data set")
    assert r["gop_summary"] == "the comparison with Retrain agrees with the paper's ranking by FA and by AG"
    assert r["gop_vs_nothing"].startswith("Layer-wise GOP is closer to Retrain than doing nothing; for global GOP "
                                          "the difference from doing nothing is undecided")      # AG 2.5 vs 2.5
    assert ("(paired 95 % t intervals over 3 seeds). Global GOP is farther from Retrain than an independently seeded "
            "Retrain is; layer-wise GOP is not shown to be farther") in r["gop_vs_nothing"]


def test_projection_readings_warn_when_retrain_prime_trained_poorly():
    fa = {"retrain": [90.0, 91.0, 89.0], "retrain_indep": [90.5, 90.0, 89.5], "original": [100.0, 100.0, 100.0],
          "oeu": [91.0, 92.0, 89.5], "oeu_global_gop": [80.0, 82.0, 78.0]}
    assert ch03.projection_readings(_block([1, 2, 3], fa), n_forget=200)["oracle_caveat"] == ""
    poor = _block([1, 2, 3], fa)
    rows = poor.attrs["per_seed"]
    rows.loc[(rows.method == "retrain_indep") & (rows.seed == 2), "RA"] = 80.0      # seed 2's Retrain′ did not finish
    caveat = ch03.projection_readings(poor, n_forget=200)["oracle_caveat"]
    assert caveat.startswith("Caution: Retrain′ trained poorly on seed 2 (RA 80.0 % against Retrain's 99.0 %)")


def test_projection_readings_undecided_and_one_seed():
    fa = {"retrain": [90.0, 91.0, 89.0], "retrain_indep": [90.5, 90.0, 89.5], "original": [100.0, 100.0, 100.0],
          "oeu": [92.0, 90.0, 90.0], "oeu_global_gop": [90.5, 93.0, 88.0]}
    r = ch03.projection_readings(_block([1, 2, 3], fa), n_forget=200)
    assert "undecided" in r["gop_closer_fa"] and "undecided" in r["gop_closer_ag"]
    assert r["gop_overforget"].startswith("Whether global projection over-forgets is undecided")
    assert r["gop_paper_verdict"].endswith("this page neither confirms nor contradicts the paper's ranking")
    one = ch03.projection_readings(_block([1], {m: v[:1] for m, v in fa.items()}), n_forget=200)
    assert one["gop_seeds_words"] == "1 seed" and one["gop_closer_fa"] == "one seed cannot tell the two apart"
    assert one["gop_vs_nothing"].startswith("One seed decides nothing")
    assert one["gop_overforget"].startswith("One seed cannot say")
    with pytest.raises(ValueError, match="no 'original' row"):
        ch03.projection_readings(_block([1], {m: v[:1] for m, v in fa.items() if m != "original"}), 200)
    with pytest.raises(ValueError, match="n_forget"):
        ch03.projection_readings(_block([1], {m: v[:1] for m, v in fa.items()}), 0)


def test_projection_readings_one_image_on_every_seed_is_below_resolution():
    """Each seed: layer-wise FA one image (0.5 points) farther from Retrain than global's. The paired interval
    has no width, yet the difference is the smallest FA can show: undecided, not 'global is closer'."""
    fa = {"retrain": [90.0, 91.0, 89.0], "retrain_indep": [90.5, 90.0, 89.5], "original": [100.0, 100.0, 100.0],
          "oeu": [95.0, 96.0, 94.0], "oeu_global_gop": [94.5, 95.5, 93.5]}
    r = ch03.projection_readings(_block([1, 2, 3], fa), n_forget=200)
    assert r["gop_closer_fa"].startswith("the two cannot be told apart: their distances to Retrain differ by +0.50")
    assert r["gop_closer_fa"].endswith("the 0.50 points by which one forget image moves FA, the smallest step FA "
                                       "can take, so the difference counts as undecided")
    assert r["gop_summary"].startswith("the comparison with Retrain cannot separate the two projections by FA")
    finer = ch03.projection_readings(_block([1, 2, 3], fa), n_forget=1000)      # one image = 0.1 points
    assert finer["gop_closer_fa"].startswith("**global** projection is the closer of the two (")


def test_published_readings():
    published = pd.DataFrame({"FA": [70.0, 80.0, 60.0], "AG": [float("nan"), 2.0, 5.0]},
                             index=["retrain", "oeu", "oeu_global_gop"])
    r = ch03.published_readings(published)
    assert r == {"pub_fa_global": 60.0, "pub_fa_retrain": 70.0, "pub_fa_oeu": 80.0, "pub_ag_oeu": 2.0,
                 "pub_ag_global": 5.0}


# ------------------------------------------------------------------------------------------------ 3.6
NAMES = ("α = 0", "α = 1")


def test_alpha_words_branches():
    low = pd.Series([1.0, 1.0, 1.0], index=[1, 2, 3])
    verdict, words = ch03.alpha_words(low, low - pd.Series(DECIDED_UP, index=[1, 2, 3]), "the retain-loss change",
                                      "smaller", NAMES)
    assert verdict == "agrees" and words.startswith("The retain-loss change is smaller with α = 1 than with α = 0")
    assert words.endswith("as the 2-D picture predicts")
    verdict, words = ch03.alpha_words(low, low + pd.Series(DECIDED_UP, index=[1, 2, 3]), "the forget entropy",
                                      "smaller", NAMES)
    assert verdict == "reverses" and words.endswith("the reverse of the 2-D picture")
    verdict, words = ch03.alpha_words(low, low + pd.Series(SPANNING, index=[1, 2, 3]), "the forget entropy",
                                      "smaller", NAMES)
    assert verdict == "undecided" and words.startswith("Whether the forget entropy differs between α = 1 and α = 0 is "
                                                       "undecided")
    verdict, words = ch03.alpha_words(pd.Series([1.0]), pd.Series([1.5]), "the forget entropy", "smaller", NAMES)
    assert verdict == "one seed" and words == ("On this one run the forget entropy is larger with α = 1 than with "
                                               "α = 0 (+0.5000); one run per α decides nothing")
    with pytest.raises(ValueError, match="predicted"):
        ch03.alpha_words(low, low, "x", "equal", NAMES)
    with pytest.raises(ValueError, match="same seeds"):
        ch03.alpha_words(low, pd.Series([1.0, 1.0, 1.0], index=[4, 5, 6]), "x", "smaller", NAMES)


def _runs(retain_drop, entropy_drop, seeds=(1, 2, 3)):
    """Sweep rows: at alpha = 1 the retain change and the entropy are lower than at alpha = 0 by the given drops."""
    rows = []
    for i, seed in enumerate(seeds):
        for alpha in (0.0, 0.5, 1.0):
            rows.append({"alpha": alpha, "seed": seed, "retain loss change": 0.05 - alpha * retain_drop[i],
                         "forget entropy": 1.0 - alpha * entropy_drop[i]})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("retain_drop, entropy_drop, verdict", [
    (DECIDED_UP, DECIDED_UP, "shows the trade-off of the 2-D picture"),
    ([-x for x in DECIDED_UP], DECIDED_UP, "runs against the trade-off of the 2-D picture"),
    (SPANNING, DECIDED_UP, "leaves the trade-off of the 2-D picture undecided"),
])
def test_alpha_readings(retain_drop, entropy_drop, verdict):
    r = ch03.alpha_readings(_runs(retain_drop, entropy_drop), {"forget entropy": 0.2}, 10)
    assert r["alpha_verdict"] == verdict
    assert (r["alpha_lo"], r["alpha_hi"], r["h_before"]) == (0.0, 1.0, 0.2)
    assert r["logK"] == pytest.approx(math.log(10)) and r["h_a0"] == pytest.approx(1.0)
    assert r["alpha_runs"] == "3 seeds per α, paired by seed"
    assert r["alpha_noise"].startswith("Each seed gives every α the same batch order")


def test_alpha_readings_one_seed_and_errors():
    r = ch03.alpha_readings(_runs([0.1], [0.1], seeds=(1,)), {"forget entropy": 0.2}, 10)
    assert r["alpha_verdict"] == "decides nothing about the trade-off of the 2-D picture (one run per α)"
    assert r["alpha_runs"] == "one run per α" and "add seeds to `ALPHA_SEEDS`" in r["alpha_noise"]
    assert r["alpha_retain_words"].startswith("On this one run the retain-loss change is smaller")
    with pytest.raises(ValueError, match="two values of alpha"):
        ch03.alpha_readings(_runs([0.1], [0.1], seeds=(1,)).query("alpha == 0"), {"forget entropy": 0.2}, 10)


# ------------------------------------------------------------------------------------------------ the page
def _every_reading():
    """Every readings dict of the chapter, on constructed inputs (as the notebook calls them)."""
    names, g_f, g_r = _gradients(True)
    histories = {"layer-wise": _history(1e-7), "global": _history(0.3)}
    fa = {"retrain": [90.0, 91.0, 89.0], "retrain_indep": [90.5, 90.0, 89.5], "original": [100.0, 100.0, 100.0],
          "oeu": [91.0, 92.0, 89.5], "oeu_global_gop": [80.0, 82.0, 78.0]}
    published = pd.DataFrame({"FA": [70.0, 80.0, 60.0], "AG": [float("nan"), 2.0, 5.0]},
                             index=["retrain", "oeu", "oeu_global_gop"])
    return {**ch03.toy_readings(), **ch03.gradient_readings(projection_checks(names, g_f, g_r), g_f, g_r),
            **ch03.step_readings(_response(5e-3, -4e-3, 1e-5), _response(1e-4, 1e-7, 1e-4), 1e-4),
            **ch03.run_readings(ch03.conflict_table(histories, {"layer-wise": (1.0, 2.0), "global": (1.0, 2.0)}),
                                histories),
            **ch03.projection_readings(_block([1, 2, 3], fa), 144), **ch03.published_readings(published),
            **ch03.alpha_readings(_runs(DECIDED_UP, DECIDED_UP), {"forget entropy": 0.2}, 10)}


def test_every_glue_reference_of_chapter_3_is_computed_and_hidden_code_is_short():
    import json
    import re
    from pathlib import Path

    cells = json.loads((Path(__file__).parent.parent / "notebooks" / "03_gop_geometry.ipynb").read_text())["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    roles = re.findall(r"\{glue:(text|md)\}`([^`:]+)(:[^`]*)?`", text)
    values = _every_reading()
    assert {name for _, name, _ in roles} == set(values)                     # none missing, none unused
    for kind, name, spec in roles:
        assert isinstance(values[name], ch03.Md) == (kind == "md"), name       # sentences as md, numbers as text
        if kind == "md":
            assert spec == ":myst", name          # MyST, so that $math$ and **bold** in a sentence render
    hidden = [c for c in cells if "remove-cell" in c.get("metadata", {}).get("tags", [])]
    assert sum(len("".join(c["source"]).strip().splitlines()) for c in hidden) <= 5
    labels = set(re.findall(r":label: (ch3-[\w-]+)", text))
    assert {"ch3-gop-global", "ch3-gop-alpha", "ch3-gop-normalise", "ch3-gop-layerwise", "ch3-update"} <= labels
    assert set(re.findall(r"\{eq\}`([^`]+)`", text)) <= labels | {"ch2-egu", "ch2-entropy"}     # chapter 2's
    assert "({eq}" not in text                       # "({eq}`x`)" renders "((8))"; write "(Eq. {eq}`x`)"
