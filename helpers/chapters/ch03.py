"""Chapter 3's readings: every number and sentence the chapter's prose quotes, computed here.

Each ``*_readings`` function takes what one section of the notebook computed and
returns a dict ``name -> value`` for :func:`glue_all`; values of type :class:`Md`
are sentences glued as Markdown (``{glue:md}``), all others are numbers or
plain text (``{glue:text}``).

- Sec. 3.1, :func:`gop_vectors`: the 2-D picture's vectors; :func:`toy_readings`: its first-order changes.
- Sec. 3.3, :func:`gradient_readings`: conflict and Theorems 4.3-4.4 on the
  full-batch gradients of the trained network, layer by layer.
- Sec. 3.4, :func:`step_readings`: one step of each direction against the
  first-order prediction, with and without the quantizers.
- Sec. 3.5, :func:`run_readings` (the monitored OEU runs of one seed) and
  :func:`projection_readings` (layer-wise against global projection over seeds).
- Sec. 3.6, :func:`alpha_readings`: the strength ``alpha`` over seeds.

Verdicts over seeds are paired (:func:`helpers.stats.paired_interval`, 95 %
t intervals, sample standard deviation): two runs of the same seed share the
original model, the forget set and the batch order, and a verdict is
"undecided" whenever the interval of the paired differences spans zero. With
one seed there is no interval and the sentences say that nothing is decided.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from ..experiments.compare import LABELS, judge, judge_words, oracle_caveat_words, per_seed
from ..unlearn.gop import project, project_global, project_layerwise
from .. import notebook
from ..words import join_words, plural
from ..plots.geometry import first_order_changes
from ..stats import PairedInterval, paired_interval

ZERO_COS = 1e-4          # |cos| below this is "orthogonal to floating-point precision" (float32 gradients)
KEPT_SHARE = 0.01        # a quantizer parameter whose projected g_f keeps less than this share is "not moved"
LAYERWISE, GLOBAL = "oeu", "oeu_global_gop"
PROJECTION_NAMES = {LAYERWISE: "layer-wise GOP", GLOBAL: "global GOP"}


class Md(str):
    """A reading to be glued as Markdown (``{glue:md}``) rather than as text."""


def glue_all(*readings: dict) -> None:
    """Glue every reading of one or more ``*_readings`` dicts; :class:`Md` values as Markdown."""
    notebook.glue_all(*readings, markdown=Md)


def _interval(iv: PairedInterval) -> str:
    return f"paired 95 % interval over {iv.n} seeds [{iv.low:+.2f}, {iv.high:+.2f}]"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------------------------------------ 3.1
def gop_vectors(angle: float, norm_f: float = 1.0, norm_r: float = 1.0, alpha: float = 1.0):
    """2-D ``g_r`` (along the x axis), ``g_f`` at ``angle`` degrees from it, and ``g_f^(alpha)`` (Eq. 8 with
    alpha, :func:`helpers.unlearn.gop.project`): the vectors that :func:`helpers.plots.geometry.plot_gop_2d` draws."""
    phi = np.deg2rad(angle)
    g_r = torch.tensor([norm_r, 0.0], dtype=torch.float64)
    g_f = torch.tensor([norm_f * np.cos(phi), norm_f * np.sin(phi)], dtype=torch.float64)
    return g_r.numpy(), g_f.numpy(), project(g_f, g_r, alpha).numpy()


def toy_readings(angle: float = 120.0, norm_f: float = 1.0, norm_r: float = 1.0, alpha: float = 1.0) -> dict:
    """First-order changes per unit step of the 2-D picture (:func:`gop_vectors`, same arguments).

    ``toy_dr_gf``: retain-loss change along ``g_f``; ``toy_df_gf`` and
    ``toy_df_perp``: the forget-loss *decrease* along ``g_f`` and along the projection.
    """
    g_r, g_f, g_perp = gop_vectors(angle, norm_f, norm_r, alpha)
    return {"toy_dr_gf": first_order_changes(g_r, g_f, g_f)[0],
            "toy_df_gf": -first_order_changes(g_r, g_f, g_f)[1],
            "toy_df_perp": -first_order_changes(g_r, g_f, g_perp)[1]}


# ------------------------------------------------------------------------------------------------ 3.3
def _kernels(checks: pd.DataFrame) -> pd.DataFrame:
    kernels = checks[checks["kind"] == "weight"]
    if kernels.empty:
        raise ValueError("the checks hold no conv or linear kernel (kind 'weight')")
    return kernels


def conflict_words(cosines: pd.Series) -> tuple[str, str]:
    """``(summary, lead)`` about how many kernels conflict (``cos(g_f, g_r) < 0``), from their cosines.

    ``summary`` completes "On the trained network, ...", ``lead`` opens a
    paragraph and names the strongest conflict (or, without conflict, the
    smallest cosine) and its layer.

    >>> conflict_words(pd.Series({"a": -0.5, "b": -0.1}))[0]
    'all 2 conv and linear kernels conflict'
    """
    if cosines.empty:
        raise ValueError("no cosines to read")
    n, n_c = len(cosines), int((cosines < 0).sum())
    if n_c == n:
        summary, lead = f"all {n} conv and linear kernels conflict", f"All {n} kernels conflict"
    elif n_c == 0:
        summary, lead = f"none of its {n} conv and linear kernels conflicts", f"None of the {n} kernels conflicts"
    elif 2 * n_c > n:
        summary, lead = f"{n_c} of its {n} conv and linear kernels conflict", f"{n_c} of the {n} kernels conflict"
    else:
        summary = f"only {n_c} of its {n} conv and linear kernels conflict"
        lead = f"Only {n_c} of the {n} kernels conflict"
    extreme = "the strongest conflict" if n_c else "the smallest cosine"
    lead += f" (cos < 0); {extreme}, {cosines.min():+.2f}, is in `{cosines.idxmin()}`"
    return summary, lead


def global_layers_words(cos_before: pd.Series, cos_after: pd.Series) -> str:
    """What the global projection (Eq. 8 over all parameters) leaves in each kernel, by the sign of its cosine."""
    if len(cos_before) != len(cos_after) or cos_before.empty:
        raise ValueError("need one cosine before and one after projection for each kernel")
    n = len(cos_after)
    negative, positive = int((cos_after < -ZERO_COS).sum()), int((cos_after > ZERO_COS).sum())
    lowered = int(((cos_before < 0) & (cos_after.abs() < cos_before.abs())).sum())
    conflicts = int((cos_before < 0).sum())
    if negative == 0 and positive == 0:
        return f"global projection (orange) leaves all {n} kernels orthogonal, like the layer-wise one"
    parts = []
    if conflicts:
        parts.append(f"lowers the conflict of {lowered} of the {conflicts} conflicting kernels")
    left = [f"{negative} of the {n} kernels still in conflict" if negative else "no kernel in conflict"]
    if positive:
        left.append(f"{positive} with a positive cosine")
    parts.append("leaves " + join_words(left))
    return "global projection (orange) " + join_words(parts, " but ") + ": it is orthogonal to $g_r$ only as a whole"


def theorem_table(checks: pd.DataFrame) -> pd.DataFrame:
    """Theorems 4.3-4.4 by kind of parameter: largest |cos| after each projection, the Thm 4.4 identity's
    largest error, and how many layers the layer-wise projection leaves with no forgetting gradient."""
    by_kind = checks.groupby("kind")
    table = by_kind.agg(layers=("size", "size"),
                        max_abs_cos_layerwise=("cos(g^_f, g_r)", lambda c: c.abs().max()),
                        max_abs_cos_global=("cos(global, g_r)", lambda c: c.abs().max()))
    error = (checks["<g_f, g^_f>"] - checks["|g_f|^2 sin^2"]).abs()
    table["Thm 4.4 max |<g_f,g^_f> - |g_f|^2 sin^2|"] = error.groupby(checks["kind"]).max()
    table["layers with g^_f = 0"] = (checks["<g_f, g^_f>"].abs() < 1e-12).groupby(checks["kind"]).sum()
    return table


def kept_shares(g_f, g_hat, names) -> pd.Series:
    """``||g^_f|| / ||g_f||`` per layer that has a forgetting gradient: the share of it the projection keeps."""
    return pd.Series({n: (h.norm() / f.norm()).item() for n, f, h in zip(names, g_f, g_hat, strict=True)
                      if f.norm() > 0}, dtype=float)


def quantizer_words(moving: int, killed: int) -> str:
    """How much of the forgetting gradient layer-wise GOP leaves to the one-element quantizer parameters."""
    if killed < 0 or killed > moving:
        raise ValueError(f"need 0 <= killed <= moving, got {killed} and {moving}")
    if moving == 0:
        return "the forgetting objective reaches no quantization range at all"
    if 2 * killed > moving:
        return "under layer-wise GOP the forgetting objective barely moves most quantization ranges; $g_r$ moves them"
    if killed:
        return (f"under layer-wise GOP the forgetting objective barely moves {killed} of the {moving} "
                "quantization parameters it reaches")
    return "layer-wise GOP still lets the forgetting objective move every quantization range it reaches"


def gradient_readings(checks: pd.DataFrame, g_f, g_r) -> dict:
    """Sec. 3.3's readings from :func:`helpers.chapters.gradient_conflict.projection_checks` and the two gradients.

    Theorem 4.3 is read on the kernels (largest |cos(g^_f, g_r)|), Theorem 4.4's
    identity on the kernels too (relative to ``||g_f||^2`` of the layer: the
    one-element quantizer "layers" are where ``eps`` of Eq. 9 shows).
    """
    if len(checks) != len(g_f) or len(g_f) != len(g_r):
        raise ValueError(f"checks ({len(checks)} rows), g_f ({len(g_f)}) and g_r ({len(g_r)}) must match")
    dot = sum(float((f * r).sum()) for f, r in zip(g_f, g_r))
    norm_f = math.sqrt(sum(float((f * f).sum()) for f in g_f))
    norm_r = math.sqrt(sum(float((r * r).sum()) for r in g_r))
    cos_global = dot / (norm_f * norm_r)
    kernels = _kernels(checks)
    cosines = kernels["cos(g_f, g_r)"]
    summary, lead = conflict_words(cosines)
    thm43 = float(kernels["cos(g^_f, g_r)"].abs().max())
    norms2 = pd.Series({n: float((f * f).sum()) for n, f in zip(checks.index, g_f)})[kernels.index]
    thm44 = float(((kernels["<g_f, g^_f>"] - kernels["|g_f|^2 sin^2"]).abs() / norms2.where(norms2 > 0)).max())
    quant = checks[checks["kind"] == "quantizer"]
    kept = kept_shares(g_f, project_layerwise(g_f, g_r), checks.index)
    kept = kept[kept.index.isin(quant.index)]
    glob = project_global(g_f, g_r)
    quant_after = quant["cos(g^_f, g_r)"].abs()
    return {
        "cos_global": cos_global, "norm_gf": norm_f, "norm_gr": norm_r,
        "global_conflict": Md("the two gradients conflict as a whole" if cos_global < 0 else
                              "the two gradients do not conflict as a whole" if cos_global > 0 else
                              "the two gradients are orthogonal as a whole"),
        "n_params": len(checks), "conflict_summary": Md(summary), "conflict_lead": Md(lead),
        "layerwise_layers": Md("layer-wise projection (green) leaves no cosine at all" if thm43 < ZERO_COS else
                               f"layer-wise projection (green) leaves cosines up to {thm43:.1e}"),
        "global_layers": Md(global_layers_words(cosines, kernels["cos(global, g_r)"])),
        "thm43_max": thm43,
        "thm43_words": Md("holds per layer to floating-point precision" if thm43 < ZERO_COS else
                          "does not hold per layer to floating-point precision"),
        "thm44_error": thm44,
        "thm44_words": Md("holds as well" if thm44 < 1e-3 else "holds only approximately"),
        "global_total": sum(float((h * r).sum()) for h, r in zip(glob, g_r)) / (norm_f * norm_r),
        "n_quant": len(quant), "n_quant_moving": len(kept), "n_quant_killed": int((kept < KEPT_SHARE).sum()),
        "quant_cos_after": float(quant_after.max()) if quant_after.notna().any() else float("nan"),
        "quant_words": Md(_capital(quantizer_words(len(kept), int((kept < KEPT_SHARE).sum())))),
    }


# ------------------------------------------------------------------------------------------------ 3.4
def retain_change_table(responses: dict) -> pd.DataFrame:
    """The measured retain-loss changes of :func:`helpers.chapters.gradient_conflict.step_response`, one column
    per (network, direction), one row per step size."""
    return pd.concat({net: r.pivot(index="eta", columns="direction", values="dL_retain")
                      for net, r in responses.items()}, axis=1)


def _row(response: pd.DataFrame, eta: float, direction: str) -> pd.Series:
    rows = response[(response["eta"] == eta) & (response["direction"] == direction)]
    if len(rows) != 1:
        raise ValueError(f"no single row for direction {direction!r} at eta = {eta}")
    return rows.iloc[0]


def smooth_words(ratio: float, forget_measured: float, forget_predicted: float) -> tuple[str, str]:
    """``(verdict, forget)`` for the network without quantizers at one step size.

    The theorem is *visible* when the step along ``g^_f`` changes the retain
    loss less than a tenth as much as the step along ``g_f``; the forget loss
    falls *almost as predicted* when it falls within 20 % of the first-order change.
    """
    verdict = ("Without quantization the theorem is visible" if ratio < 0.1 else
               "Even without quantization the theorem is hard to see at this step size")
    if forget_measured >= 0:
        forget = "while the forget loss does not fall at all"
    elif forget_predicted < 0 and abs(forget_measured / forget_predicted - 1) <= 0.2:
        forget = "while the forget loss falls almost as predicted"
    else:
        forget = (f"while the forget loss falls by {abs(forget_measured):.1e}, against "
                  f"{abs(forget_predicted):.1e} predicted to first order")
    return verdict, forget


def quantized_words(measured_gf: float, predicted_gf: float, ratio: float) -> str:
    """What one step does to the 4-bit network's retain loss, against the first-order prediction.

    Rounding *dominates* when the measured change along ``g_f`` is farther from
    its prediction than the prediction is from zero.
    """
    if abs(measured_gf - predicted_gf) > abs(predicted_gf):
        far = abs(measured_gf) > abs(predicted_gf)
        return ("jumps from rounding, " + ("far larger than" if far else "unrelated to")
                + f" the first-order prediction ({predicted_gf:+.1e} along $g_f$, zero along $\\hat g_f$), "
                "dominate both directions")
    closer = "smaller" if ratio < 1 else "not smaller"
    return (f"the change along $g_f$ stays near its first-order prediction ({predicted_gf:+.1e}), "
            f"and the one along $\\hat g_f$ is {closer}: at this step the surrogate's slope still describes the "
            "quantized loss")


def step_readings(quantized: pd.DataFrame, smooth: pd.DataFrame, eta: float) -> dict:
    """Sec. 3.4's readings at step size ``eta`` from two :func:`step_response` tables (4-bit, quantizers off)."""
    raw, proj = "g_f (no projection)", "layer-wise GOP"
    s_raw, s_proj = _row(smooth, eta, raw), _row(smooth, eta, proj)
    q_raw, q_proj = _row(quantized, eta, raw), _row(quantized, eta, proj)
    ratio_fp = abs(s_proj["dL_retain"] / s_raw["dL_retain"])
    ratio_q = abs(q_proj["dL_retain"] / q_raw["dL_retain"])
    verdict, forget = smooth_words(ratio_fp, s_proj["dL_forget"], s_proj["first-order dL_forget"])
    rounding = quantized_words(q_raw["dL_retain"], q_raw["first-order dL_retain"], ratio_q)
    visible = ratio_fp < 0.1
    dominates = abs(q_raw["dL_retain"] - q_raw["first-order dL_retain"]) > abs(q_raw["first-order dL_retain"])
    summary = (("Without rounding the first-order guarantee is visible" if visible else
                "Even without rounding the first-order guarantee is hard to see")
               + f" (at $\\eta$ = {eta:g} the projected step changes the retain loss {ratio_fp:.1e} times as much)"
               + ("; with rounding, jumps dominate small steps: the theorems are about the STE's smooth surrogate"
                  if dominates else "; with rounding the first-order prediction still holds at this step"))
    return {"eta0": eta, "ratio_fp": ratio_fp, "ratio_q": ratio_q,
            "dLr_q_gf": q_raw["dL_retain"], "dLr_q_gop": q_proj["dL_retain"],
            "smooth_verdict": Md(verdict), "smooth_forget": Md(forget), "rounding_words": Md(rounding),
            "first_order_summary": Md(summary)}


# ------------------------------------------------------------------------------------------------ 3.5
def conflict_table(histories: dict, accuracies: dict) -> pd.DataFrame:
    """Per monitored run: share of (kernel, step) pairs in conflict, mean cosine before and mean |cos| after
    projection, and the run's FA and RA (``accuracies``: run -> ``(FA %, RA %)``)."""
    rows = {}
    for run, history in histories.items():
        kernels = history[history["kind"] == "weight"]
        fa, ra = accuracies[run]
        rows[run] = {"share of layer-steps with cos < 0": (kernels["cos before"] < 0).mean(),
                     "mean cos before": kernels["cos before"].mean(),
                     "mean |cos| after projection": kernels["cos after"].abs().mean(), "FA %": fa, "RA %": ra}
    return pd.DataFrame(rows).T


def run_readings(stats: pd.DataFrame, histories: dict) -> dict:
    """Sec. 3.5's readings of the two monitored runs (``"layer-wise"`` and ``"global"``) of one seed."""
    if set(stats.index) != {"layer-wise", "global"} or set(histories) != {"layer-wise", "global"}:
        raise ValueError("need the 'layer-wise' and 'global' runs in stats and histories")
    layer = histories["layer-wise"]
    after = layer[layer["kind"] == "weight"]["cos after"].abs().max()
    out = {"share_conflict": 100 * stats.loc["layer-wise", "share of layer-steps with cos < 0"],
           "after_global": stats.loc["global", "mean |cos| after projection"],
           "n_steps": int(layer["step"].max() + 1),
           "run_removal": Md("Layer-wise GOP removes every one of them (dashed line at zero)" if after < ZERO_COS
                             else f"Layer-wise GOP leaves cosines up to {after:.1e}")}
    for run in stats.index:
        key = run.replace("-", "")
        out[f"fa_{key}"], out[f"ra_{key}"] = stats.loc[run, "FA %"], stats.loc[run, "RA %"]
    return out


def _paired(a, b) -> PairedInterval | None:
    return paired_interval(np.asarray(a), np.asarray(b)) if len(a) >= 2 else None


def _fa_gap(block: pd.DataFrame, method: str) -> pd.Series:
    return per_seed(block, method, "FA") - per_seed(block, "retrain", "FA")


def resolved(iv: PairedInterval, resolution: float) -> str:
    """``iv.direction``, except ``"below resolution"`` when the interval excludes zero but the mean difference
    is no larger than ``resolution`` (one forget image's worth: FA moves in steps of ``100 / |D_f|`` points,
    and a few seeds that all differ by one such step give an interval of no width). The comparison allows
    ``1e-4`` for accuracies computed in float32 (one image of 144 is 0.694442... or 0.694447... points)."""
    if resolution < 0:
        raise ValueError(f"resolution must be >= 0, got {resolution}")
    if iv.direction != "undecided" and abs(iv.mean) <= resolution + 1e-4:
        return "below resolution"
    return iv.direction


def position_words(gap: pd.Series, resolution: float = 0.0) -> str:
    """Where a method's FA ends relative to Retrain's over seeds (``gap``: FA - FA(Retrain) per seed)."""
    mean = float(gap.mean())
    if len(gap) < 2:
        side = "above" if mean > 0 else "below" if mean < 0 else "level with"
        return f"{abs(mean):.1f} points {side} it on this one seed" if mean else "level with it on this one seed"
    iv = paired_interval(gap.to_numpy(), np.zeros(len(gap)))
    verdict = resolved(iv, resolution)
    if verdict == "larger":
        return f"{mean:.1f} points above it ({_interval(iv)})"
    if verdict == "smaller":
        return f"{-mean:.1f} points below it ({_interval(iv)})"
    if verdict == "below resolution":
        return f"within one forget image of it ({mean:+.1f} points; {_interval(iv)}): undecided"
    return f"within seed noise of it ({mean:+.1f} points; the {_interval(iv)} spans zero: undecided)"


def closer_words(iv: PairedInterval | None, what: str, resolution: float = 0.0) -> tuple[str | None, str]:
    """``(winner, clause)``: which projection ends nearer Retrain by ``what`` (FA or AG).

    ``iv`` is the paired interval of (layer-wise distance - global distance):
    below zero layer-wise is nearer, above zero global; spanning zero, one
    seed (``None``) or a mean difference within ``resolution`` (:func:`resolved`): undecided.
    The page introduces the clause with "By FA," / "By AG,", so it does not repeat ``what``
    except to state the one-image rule.
    """
    if iv is None:
        return None, "one seed cannot tell the two apart"
    verdict = resolved(iv, resolution)
    if verdict == "smaller":
        return "layer-wise", (f"**layer-wise** projection is the closer of the two ({_interval(iv)}), "
                              "as in the paper's ablation")
    if verdict == "larger":
        return "global", (f"**global** projection is the closer of the two ({_interval(iv)}), "
                          "the opposite of the paper's ranking")
    if verdict == "below resolution":
        return None, (f"the two cannot be told apart: their distances to Retrain differ by {iv.mean:+.2f} points "
                      f"on average ({_interval(iv)}), no more than the {resolution:.2f} points by which one forget "
                      f"image moves {what}, the smallest step {what} can take, so the difference counts as undecided")
    return None, f"the two cannot be told apart: undecided ({_interval(iv)} spans zero)"


def overforget_words(gap: pd.Series, resolution: float = 0.0) -> str:
    """Does global projection over-forget (FA below Retrain's)? ``gap``: FA(global) - FA(Retrain) per seed."""
    if len(gap) < 2:
        return ("One seed cannot say whether global projection over-forgets (ends with FA below Retrain's), "
                "the failure the paper reports for it.")
    iv = paired_interval(gap.to_numpy(), np.zeros(len(gap)))
    verdict = resolved(iv, resolution)
    if verdict == "smaller":
        return (f"Global projection ends with FA below Retrain's ({_interval(iv)}): it over-forgets, "
                "as the paper reports.")
    if verdict == "larger":
        return (f"Global projection does not over-forget here: its FA ends above Retrain's ({_interval(iv)}). "
                "The paper's failure mode of global projection, an FA far below Retrain's, does not appear.")
    if verdict == "below resolution":
        return (f"Whether global projection over-forgets is undecided here: its FA differs from Retrain's by no "
                f"more than one forget image ({_interval(iv)}).")
    return (f"Whether global projection over-forgets is undecided here: its FA minus Retrain's, {_interval(iv)}, "
            "spans zero.")


PAPER_SAYS = {"layer-wise": "agrees with the paper's ranking", "global": "reverses the paper's ranking",
              None: "cannot separate the two projections"}


def paper_comparison(by_fa: str | None, by_ag: str | None) -> tuple[str, str]:
    """``(comparison, verdict)``: how the FA and AG winners compare with the paper's ranking (layer-wise first)."""
    for winner in (by_fa, by_ag):
        if winner not in PAPER_SAYS:
            raise ValueError(f"a winner is 'layer-wise', 'global' or None, got {winner!r}")
    if by_fa == by_ag:
        comparison = f"{PAPER_SAYS[by_fa]} by FA and by AG"
    else:
        again = {**PAPER_SAYS, "layer-wise": "agrees with it", "global": "reverses it"} if by_fa else PAPER_SAYS
        comparison = f"{PAPER_SAYS[by_fa]} by FA and {again[by_ag]} by AG"
    winners = {by_fa, by_ag}
    if winners == {"layer-wise"}:
        tail = ", on an easy data set far from the paper's CIFAR-100 setting"
    elif "global" in winners:
        tail = (". One small data set cannot overturn a published result, but on it this page contradicts the "
                "paper's ranking")
    else:
        tail = ": this page neither confirms nor contradicts the paper's ranking"
    return comparison, comparison + tail


def projection_readings(block: pd.DataFrame, n_forget: int) -> dict:
    """Layer-wise (``oeu``) against global (``oeu_global_gop``) projection, paired over the block's seeds.

    ``block`` is one ratio of :func:`helpers.experiments.run_table`
    (:func:`helpers.experiments.compare.block`), with Retrain, Retrain′ and
    Original. Distances to Retrain are ``|FA - FA(Retrain)|`` and AG, per seed.
    ``n_forget`` (the size of a forget set) sets the resolution: one forget
    image moves FA by ``100 / n_forget`` points and AG (through FA or MIA) by a
    quarter of that; a paired difference no larger is undecided (:func:`resolved`).
    """
    for method in ("retrain", "retrain_indep", "original", LAYERWISE, GLOBAL):
        if method not in block.index:
            raise ValueError(f"the block has no {method!r} row")
    if n_forget < 1:
        raise ValueError(f"n_forget must be a positive number of images, got {n_forget}")
    one_image = 100 / n_forget
    gaps = {m: _fa_gap(block, m) for m in (LAYERWISE, GLOBAL)}
    n = len(gaps[LAYERWISE])
    by_fa, fa_words = closer_words(_paired(gaps[LAYERWISE].abs(), gaps[GLOBAL].abs()), "FA", one_image)
    by_ag, ag_words = closer_words(_paired(per_seed(block, LAYERWISE), per_seed(block, GLOBAL)), "AG",
                                   one_image / 4)
    comparison, verdict = paper_comparison(by_fa, by_ag)
    if n >= 2:
        judged = judge(block).rename(index={LABELS[LAYERWISE]: "layer-wise GOP", LABELS[GLOBAL]: "global GOP"})
        versus = judge_words(judged)
    else:
        versus = ("One seed decides nothing against doing nothing or against the noise floor: there is no "
                  "interval to read.")
    return {"gop_seeds_words": Md(plural(n, "seed")), "oracle_caveat": Md(oracle_caveat_words(block)),
            "fa_retrain": block.loc["retrain", "FA"], "floor_fa": block.loc["retrain_indep", "FA_gap"],
            "floor_ag": block.loc["retrain_indep", "AG"], "ag_original": block.loc["original", "AG"],
            "ag_layerwise": block.loc[LAYERWISE, "AG"], "ag_global": block.loc[GLOBAL, "AG"],
            "one_image": one_image,
            "pos_layerwise": Md(position_words(gaps[LAYERWISE], one_image)),
            "pos_global": Md(position_words(gaps[GLOBAL], one_image)),
            "gop_closer_fa": Md(fa_words), "gop_closer_ag": Md(ag_words),
            "gop_overforget": Md(overforget_words(gaps[GLOBAL], one_image)), "gop_vs_nothing": Md(versus),
            "gop_paper_verdict": Md(verdict), "gop_summary": Md(f"the comparison with Retrain {comparison}")}


def published_readings(published: pd.DataFrame) -> dict:
    """The paper's Table 2 numbers the chapter quotes (``oeu_wide(2, gaps=True)``)."""
    return {"pub_fa_global": published.loc[GLOBAL, "FA"], "pub_fa_retrain": published.loc["retrain", "FA"],
            "pub_fa_oeu": published.loc[LAYERWISE, "FA"], "pub_ag_oeu": published.loc[LAYERWISE, "AG"],
            "pub_ag_global": published.loc[GLOBAL, "AG"]}


# ------------------------------------------------------------------------------------------------ 3.6
def alpha_words(lows: pd.Series, highs: pd.Series, what: str, predicted: str,
                names: tuple[str, str]) -> tuple[str, str]:
    """``(verdict, sentence)`` for one quantity at the largest against the smallest ``alpha``, paired by seed.

    ``lows``/``highs``: the quantity per seed at the smallest/largest alpha;
    ``predicted`` is the direction the 2-D picture predicts (``"smaller"`` or
    ``"larger"``); ``names`` the two alphas' descriptions. ``verdict`` is
    ``"agrees"``, ``"reverses"`` or ``"undecided"`` (``"one seed"`` with one seed).
    """
    if predicted not in ("smaller", "larger"):
        raise ValueError(f"predicted must be 'smaller' or 'larger', got {predicted!r}")
    if list(lows.index) != list(highs.index):
        raise ValueError("the two alphas must have been run on the same seeds")
    low_name, high_name = names
    if len(lows) < 2:
        diff = float(highs.iloc[0] - lows.iloc[0])
        side = "larger" if diff > 0 else "smaller" if diff < 0 else "the same"
        return "one seed", (f"On this one run {what} is {side} with {high_name} than with {low_name} "
                            f"({diff:+.4f}); one run per α decides nothing")
    iv = paired_interval(highs.to_numpy(), lows.to_numpy())
    numbers = f"paired 95 % interval of the difference over {iv.n} seeds [{iv.low:+.4f}, {iv.high:+.4f}]"
    if iv.direction == "undecided":
        return "undecided", (f"Whether {what} differs between {high_name} and {low_name} is undecided "
                             f"({numbers} spans zero)")
    verdict = "agrees" if iv.direction == predicted else "reverses"
    how = "as the 2-D picture predicts" if verdict == "agrees" else "the reverse of the 2-D picture"
    return verdict, f"{_capital(what)} is {iv.direction} with {high_name} than with {low_name} ({numbers}), {how}"


def alpha_readings(runs: pd.DataFrame, before: dict, num_classes: int) -> dict:
    """Sec. 3.6's readings from the sweep's rows (``alpha``, ``seed``, ``retain loss change``, ``forget entropy``).

    The 2-D picture predicts, from no projection (smallest alpha) to full
    projection (largest), a *smaller* retain-loss rise and a *smaller* forget
    entropy (slower forgetting). Each is judged paired by seed; the sweep shows
    the trade-off when both agree, runs against it when one reverses, and is
    undecided otherwise.
    """
    alphas = sorted(runs["alpha"].unique())
    if len(alphas) < 2:
        raise ValueError(f"the sweep needs at least two values of alpha, got {alphas}")
    a0, a1 = alphas[0], alphas[-1]
    wide = {col: runs.pivot(index="seed", columns="alpha", values=col)
            for col in ("retain loss change", "forget entropy")}
    names = (f"α = {a0:g}", f"α = {a1:g}")
    retain = alpha_words(wide["retain loss change"][a0], wide["retain loss change"][a1],
                         "the retain-loss change", "smaller", names)
    entropy = alpha_words(wide["forget entropy"][a0], wide["forget entropy"][a1],
                          "the forget entropy", "smaller", names)
    verdicts = {retain[0], entropy[0]}
    n = len(wide["forget entropy"])
    if n < 2:
        sweep = "decides nothing about the trade-off of the 2-D picture (one run per α)"
    elif verdicts == {"agrees"}:
        sweep = "shows the trade-off of the 2-D picture"
    elif "reverses" in verdicts:
        sweep = "runs against the trade-off of the 2-D picture"
    else:
        sweep = "leaves the trade-off of the 2-D picture undecided"
    means = runs.groupby("alpha")[["retain loss change", "forget entropy"]].mean()
    return {"alpha_lo": a0, "alpha_hi": a1,
            "dr_a0": means.loc[a0, "retain loss change"], "dr_a1": means.loc[a1, "retain loss change"],
            "h_a0": means.loc[a0, "forget entropy"], "h_a1": means.loc[a1, "forget entropy"],
            "h_before": before["forget entropy"], "logK": math.log(num_classes),
            "alpha_retain_words": Md(retain[1]), "alpha_entropy_words": Md(entropy[1]),
            "alpha_verdict": Md(sweep),
            "alpha_runs": Md("one run per α" if n == 1 else f"{n} seeds per α, paired by seed"),
            "alpha_noise": Md("With one seed per α these differences may be seed noise; add seeds to "
                              "`ALPHA_SEEDS` to get intervals" if n == 1 else
                              "Each seed gives every α the same batch order, so the pairs differ only in α")}


__all__ = ["Md", "glue_all", "toy_readings", "conflict_words", "global_layers_words", "theorem_table", "kept_shares",
           "quantizer_words", "gradient_readings", "retain_change_table", "smooth_words", "quantized_words",
           "step_readings", "conflict_table", "run_readings", "resolved", "position_words", "closer_words",
           "overforget_words",
           "paper_comparison", "projection_readings", "published_readings", "alpha_words", "alpha_readings"]
