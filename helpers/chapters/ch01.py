"""Chapter 1's instruments and readings: the step that crosses zero (Sec. 1.6) and every glued sentence.

Chapter 1 trains each network once, on one seed, so its comparisons are
counted in test images and say that one seed decides nothing. The collapse
of Sec. 1.6 is provoked, not waited for: :func:`step_crosses_zero` copies a
trained network and flips the sign of one learned step, as one SGD step too
many would, and :func:`probe_classifier` measures what the classifier then
computes (accuracy, the number of distinct values of its quantized input,
the gradient of the step). The notebook runs the probe once with the book's
``|s|`` and once with the function every LSQ+ quantizer calls
(``helpers.quant.quantizers.lsq_plus``) patched to clamp the step instead.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
import torch.nn.functional as F

from ..train import evaluation_view

NUMBER_WORDS = {0: "none", 1: "one", 2: "two", 3: "three", 4: "four"}


def _step_of(model, layer: str, quantizer: str):
    module = getattr(model.get_submodule(layer), quantizer, None)
    if module is None or not hasattr(module, "scale"):
        raise ValueError(f"{layer}.{quantizer} is not a quantizer with a learned step (scale)")
    return module


def step_crosses_zero(model, layer: str = "fc", quantizer: str = "act_quantizer"):
    """A copy of ``model`` whose raw step of ``layer.quantizer`` is negated: ``s -> -s``.

    This is where one SGD step too many leaves a small step: below zero. The
    original model is not touched.
    """
    crossed = copy.deepcopy(model)
    with torch.no_grad():
        _step_of(crossed, layer, quantizer).scale.neg_()
    return crossed


def probe_classifier(model, dataset, layer: str = "fc", quantizer: str = "act_quantizer") -> dict:
    """What ``layer`` computes on ``dataset``, with whatever quantizer function is in force.

    Returns ``{"test acc %", "distinct inputs", "step gradient"}``: top-1 accuracy
    (eval mode, no augmentation), the number of distinct values the quantizer
    hands the layer over the whole set, and the cross-entropy gradient of the
    raw step (``scale``); a gradient of exactly 0 means the step cannot move.
    """
    q = _step_of(model, layer, quantizer)
    plain = evaluation_view(dataset)
    x, y = plain[torch.arange(len(plain))]
    seen = []
    handle = q.register_forward_hook(lambda module, inputs, output: seen.append(output.detach().flatten()))
    was_training = model.training
    model.eval()
    try:
        logits = model(x)
    finally:
        handle.remove()
        model.train(was_training)
    (grad,) = torch.autograd.grad(F.cross_entropy(logits, y), q.scale)
    return {"test acc %": 100.0 * (logits.argmax(1) == y).float().mean().item(),
            "distinct inputs": int(torch.cat(seen).unique().numel()), "step gradient": float(grad)}


def collapse_words(kept: dict, clamped: dict, chance: float) -> str:
    """What the clamp did to a step that crossed zero, against ``|s|`` (both from :func:`probe_classifier`)."""
    if not 0 < chance < 100:
        raise ValueError(f"chance is a percentage in (0, 100), got {chance}")
    if clamped["test acc %"] <= chance + 5 and clamped["step gradient"] == 0:
        n = clamped["distinct inputs"]
        return (f"With the clamp the network falls to {clamped['test acc %']:.1f}% test accuracy (chance: "
                f"{chance:.0f}%): the classifier's inputs take {n} distinct value{'' if n == 1 else 's'}, "
                f"against {kept['distinct inputs']} with $|s|$, and the step's gradient is exactly 0, so it can "
                f"never recover. With $|s|$ nothing changes: {kept['test acc %']:.1f}%, and a gradient of "
                f"{kept['step gradient']:.2g} keeps the step learning")
    return (f"The clamp does not collapse this network: {clamped['test acc %']:.1f}% test accuracy with the clamp "
            f"against {kept['test acc %']:.1f}% with $|s|$ ({clamped['distinct inputs']} and "
            f"{kept['distinct inputs']} distinct classifier inputs, step gradient {clamped['step gradient']:.2g})")


def collapse_summary(kept: dict, clamped: dict, chance: float) -> str:
    """One clause for exercise 3's solution: what Sec. 1.6's probe showed a collapsed classifier to look like.

    Summarises :func:`collapse_words` (same inputs) without repeating it; the
    collapse branch and the no-collapse branch use the same test.
    """
    if not 0 < chance < 100:
        raise ValueError(f"chance is a percentage in (0, 100), got {chance}")
    if clamped["test acc %"] <= chance + 5 and clamped["step gradient"] == 0:
        return (f"with the clamp and a negative step the network sat at {clamped['test acc %']:.1f}% test accuracy "
                f"(chance: {chance:.0f}%) and the step's gradient was exactly 0, against "
                f"{kept['test acc %']:.1f}% with $|s|$")
    return (f"there the clamp did not collapse the network ({clamped['test acc %']:.1f}% test accuracy with the clamp "
            f"against {kept['test acc %']:.1f}% with $|s|$), so this page shows no collapsed classifier to compare with")


def images_words(fp: float, quantized: float, n_test: int, what: str = "4-bit twin") -> str:
    """The accuracy difference of a quantized network and its full-precision original, in test images."""
    for value in (fp, quantized):
        if not 0 <= value <= 100:
            raise ValueError(f"accuracies are percentages in [0, 100], got {value}")
    k = int(round((fp - quantized) * n_test / 100))
    if k == 0:
        return f"the {what} gets exactly as many of the {n_test} test images right"
    return (f"the {what} gets {abs(k)} test image{'' if abs(k) == 1 else 's'} {'fewer' if k > 0 else 'more'} "
            f"right, of {n_test}")


def loss_trend_words(history) -> str:
    """Was the training loss still falling in the last epoch?"""
    h = np.asarray(history, dtype=float)
    if h.size < 2:
        raise ValueError("a trend needs at least two epochs")
    trend = "was still falling" if h[-1] < h[-2] else "had stopped falling"
    return f"its training loss {trend} in the last epoch ({h[-2]:.3f} → {h[-1]:.3f})"


def fit_words(train_fp: float, train_quantized: float, history) -> str:
    """Does the 2-bit network fit its training set less well than the full-precision one, and why might it?"""
    if train_quantized < train_fp - 1:
        return (f"its *training* accuracy ({train_quantized:.1f}%, against {train_fp:.1f}% in full precision) "
                "shows that it also fits the training set less well: with four values per weight the network "
                f"has less capacity, and {loss_trend_words(history)}")
    return (f"its *training* accuracy ({train_quantized:.1f}%, against {train_fp:.1f}% in full precision) shows "
            f"that it fits the training set about as well, so the test gap is not one of fitting; "
            f"{loss_trend_words(history)}")


def grid_words(quantizer, low: float, high: float) -> str:
    """How many levels of an initialised ``LSQ`` quantizer's grid fall inside the data's range ``[low, high]``."""
    q_n, q_p = quantizer.int_range()
    s = abs(quantizer.scale.item()) + 1e-8
    levels = s * np.arange(-q_n, q_p + 1)
    inside = int(((levels >= low) & (levels <= high)).sum())
    count = NUMBER_WORDS.get(inside, str(inside))
    total = NUMBER_WORDS.get(levels.size, str(levels.size))
    if inside == levels.size:
        return f"$s \\approx$ {s:.2f}: all {total} of its levels fall inside the data's range"
    return f"$s \\approx$ {s:.2f}: only {count} of its {total} levels fall inside the data's range"


def lowest_level_words(weights, step: float) -> str:
    """How a 2-bit layer uses its lowest level ``-2s``: unused (ternary) or by how many weights."""
    w = np.asarray(weights, dtype=float).ravel()
    lowest = int(np.isclose(w, -2 * step, rtol=1e-4, atol=0).sum())
    if lowest == 0:
        return "the lowest level $-2s$ is not used at all, which makes this layer effectively *ternary* $\\{-s, 0, s\\}$"
    return (f"the lowest level $-2s$ holds {lowest} of its {w.size} weights "
            f"({100 * lowest / w.size:.1f}%): this layer uses all four levels")


def cost_words(comparison) -> str:
    """Which quantizer took longest to train on this run, and DSQ's place in it."""
    seconds = comparison["seconds"]
    slowest, fastest = seconds.idxmax(), seconds.idxmin()
    ratio = seconds[slowest] / seconds[fastest]
    head = (f"On this run the slowest to train is {slowest} ({seconds[slowest]:.1f} s, {ratio:.1f} times "
            f"{fastest}'s {seconds[fastest]:.1f} s)")
    if slowest == "DSQ":
        return (head + ". DSQ outputs the hard grid, but computes its $\\tanh$ surrogate for every value in every "
                "forward pass, so that the backward pass can differentiate it")
    return (head + "; DSQ, which computes its $\\tanh$ surrogate for every value in every forward pass, is not the "
            "slowest here")


def readings(results, histories, comparison, quantizers, calibration, mobilenet_layer, collapse: dict,
             n_test: int, n_classes: int) -> dict:
    """Every glued value and sentence of chapter 1, by name.

    ``results``: Sec. 1.4's table (rows in the order fp ResNet, 4-bit ResNet, fp
    MobileNetV2, 2-bit MobileNetV2); ``histories``: their training losses by
    setting name; ``comparison``: Sec. 1.7's table; ``quantizers``: Sec. 1.3's
    initialised quantizers and ``calibration`` their input; ``mobilenet_layer``:
    the 2-bit layer drawn in Sec. 1.5; ``collapse``: :func:`probe_classifier`
    with ``|s|`` and with the clamp, keyed ``"|s|"`` and ``"clamp"``.
    """
    if len(results) != 4 or n_test < 1 or n_classes < 2:
        raise ValueError("need Sec. 1.4's four rows, n_test >= 1 and n_classes >= 2")
    acc, train = results["test acc %"].to_list(), results["train acc %"].to_list()
    w = mobilenet_layer.effective_weight().detach()
    step = abs(mobilenet_layer.weight_quantizer.scale.item()) + 1e-8
    short_acc = comparison["test acc %"]
    return {"acc_r18_fp": acc[0], "acc_r18_w4": acc[1], "acc_mb_fp": acc[2], "acc_mb_w2": acc[3],
            "gap_mb": acc[2] - acc[3], "train_mb_w2": train[3], "n_test": n_test, "one_test_image": 100 / n_test,
            "r18_images": images_words(acc[0], acc[1], n_test),
            "mb_fit": fit_words(train[2], train[3], histories["mobilenet_v2-w2"]),
            "lsq_grid": grid_words(quantizers["LSQ"], float(calibration.min()), float(calibration.max())),
            "mb_lowest_level": lowest_level_words(w.numpy(), step),
            "q_short": int(comparison["epochs"].iloc[0]), "q_best": short_acc.idxmax(), "q_worst": short_acc.idxmin(),
            "q_best_acc": short_acc.max(), "q_worst_acc": short_acc.min(), "q_cost": cost_words(comparison),
            "collapse_acc": collapse["clamp"]["test acc %"], "collapse_levels": collapse["clamp"]["distinct inputs"],
            "collapse_words": collapse_words(collapse["|s|"], collapse["clamp"], 100 / n_classes),
            "collapse_summary": collapse_summary(collapse["|s|"], collapse["clamp"], 100 / n_classes)}


__all__ = ["step_crosses_zero", "probe_classifier", "collapse_words", "collapse_summary", "images_words", "loss_trend_words",
           "fit_words", "grid_words", "lowest_level_words", "cost_words", "readings"]
