"""Chapter 1's readings (helpers.chapters.ch01): the provoked collapse of Sec. 1.6 and every wording branch."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

import helpers.quant.quantizers as Q
from helpers.chapters import ch01
from helpers.quant import LSQ

from tiny import tiny_forgetting_problem


@pytest.fixture(scope="module")
def trained():
    model, forget, retain, test = tiny_forgetting_problem(600, train_epochs=3)
    return model, test.subset(range(200))


def test_the_clamp_on_the_fused_function_collapses_a_step_that_crossed_zero(trained):
    """The chapter's exercise patches what LSQ+ really calls (``Q.lsq_plus``): with |s| a negated step changes
    nothing, with a clamp at 1e-8 the classifier's inputs collapse, accuracy falls and the gradient is 0."""
    model, test = trained
    before = ch01.probe_classifier(model, test)
    crossed = ch01.step_crosses_zero(model)
    assert model.fc.act_quantizer.scale.item() > 0 > crossed.fc.act_quantizer.scale.item()
    kept = ch01.probe_classifier(crossed, test)
    assert kept["test acc %"] == before["test acc %"] and kept["distinct inputs"] == before["distinct inputs"]
    assert kept["step gradient"] != 0 and before["distinct inputs"] > 10
    fused = Q.lsq_plus
    Q.lsq_plus = lambda x, scale, offset, g, q_n, q_p: fused(x, scale.clamp(min=1e-8), offset, g, q_n, q_p)
    try:
        clamped = ch01.probe_classifier(crossed, test)
        untouched = ch01.probe_classifier(model, test)           # a positive step is not affected by the clamp
    finally:
        Q.lsq_plus = fused
    assert clamped["step gradient"] == 0.0 and clamped["distinct inputs"] <= 2
    assert clamped["test acc %"] < before["test acc %"] - 30
    assert untouched["test acc %"] == before["test acc %"]
    assert ch01.collapse_words(kept, clamped, 10.0).startswith("With the clamp the network falls to")


def test_step_size_is_not_what_lsq_plus_calls(trained):
    """Patching ``Q.step_size`` (the exercise's first version) leaves a ResNet-18 W4A4 untouched."""
    model, test = trained
    crossed = ch01.step_crosses_zero(model)
    original = Q.step_size
    Q.step_size = lambda scale, g: scale.clamp(min=1e-8)
    try:
        probed = ch01.probe_classifier(crossed, test)
    finally:
        Q.step_size = original
    assert probed == ch01.probe_classifier(crossed, test)


def test_probe_needs_a_learned_step(trained):
    model, test = trained
    with pytest.raises(ValueError, match="learned step"):
        ch01.probe_classifier(model, test, quantizer="no_such_quantizer")


def test_collapse_words_both_branches():
    kept = {"test acc %": 95.0, "distinct inputs": 200, "step gradient": 0.01}
    collapsed = {"test acc %": 9.7, "distinct inputs": 1, "step gradient": 0.0}
    assert ch01.collapse_words(kept, collapsed, 10.0).startswith(
        "With the clamp the network falls to 9.7% test accuracy (chance: 10%): the classifier's inputs take 1 "
        "distinct value, against 200 with $|s|$, and the step's gradient is exactly 0")
    assert "take 2 distinct values" in ch01.collapse_words(kept, {**collapsed, "distinct inputs": 2}, 10.0)
    survived = {"test acc %": 80.0, "distinct inputs": 50, "step gradient": 0.0}
    assert ch01.collapse_words(kept, survived, 10.0).startswith("The clamp does not collapse this network: 80.0%")
    with pytest.raises(ValueError, match="chance"):
        ch01.collapse_words(kept, collapsed, 0.0)


def test_collapse_summary_both_branches():
    kept = {"test acc %": 95.0, "distinct inputs": 200, "step gradient": 0.01}
    collapsed = {"test acc %": 9.7, "distinct inputs": 1, "step gradient": 0.0}
    assert ch01.collapse_summary(kept, collapsed, 10.0) == (
        "with the clamp and a negative step the network sat at 9.7% test accuracy (chance: 10%) and the step's "
        "gradient was exactly 0, against 95.0% with $|s|$")
    survived = {"test acc %": 80.0, "distinct inputs": 50, "step gradient": 0.0}
    assert ch01.collapse_summary(kept, survived, 10.0).startswith("there the clamp did not collapse the network (80.0%")
    with pytest.raises(ValueError, match="chance"):
        ch01.collapse_summary(kept, collapsed, 100.0)


def test_images_and_fit_words():
    assert ch01.images_words(97.5, 96.9, 360) == "the 4-bit twin gets 2 test images fewer right, of 360"
    assert ch01.images_words(96.9, 97.2, 360) == "the 4-bit twin gets 1 test image more right, of 360"
    assert ch01.images_words(97.0, 97.0, 360).startswith("the 4-bit twin gets exactly as many")
    with pytest.raises(ValueError):
        ch01.images_words(101.0, 97.0, 360)
    assert ch01.loss_trend_words([0.5, 0.3, 0.2]) == "its training loss was still falling in the last epoch (0.300 → 0.200)"
    assert ch01.loss_trend_words([0.5, 0.2, 0.2]).startswith("its training loss had stopped falling")
    with pytest.raises(ValueError):
        ch01.loss_trend_words([0.5])
    assert ch01.fit_words(99.0, 90.0, [0.3, 0.2]).startswith(
        "its *training* accuracy (90.0%, against 99.0% in full precision) shows that it also fits the training set less well")
    assert "fits the training set about as well" in ch01.fit_words(99.0, 98.5, [0.3, 0.2])


def test_grid_words_counts_levels_inside_the_range():
    q = LSQ(2, kind="activation")
    q(torch.linspace(-0.5, 2.0, 101))                        # s = 2 mean|x| / sqrt(1), about 1.7
    assert ch01.grid_words(q, -0.5, 2.0) == (
        f"$s \\approx$ {q.scale.item():.2f}: only two of its four levels fall inside the data's range")
    assert ch01.grid_words(q, -10.0, 10.0).startswith(f"$s \\approx$ {q.scale.item():.2f}: all four")


def test_lowest_level_words():
    assert ch01.lowest_level_words([-0.1, 0.0, 0.1, 0.1], 0.1).startswith("the lowest level $-2s$ is not used at all")
    assert ch01.lowest_level_words([-0.2, -0.1, 0.0, 0.1], 0.1).startswith(
        "the lowest level $-2s$ holds 1 of its 4 weights (25.0%)")


def test_cost_words_branches():
    table = pd.DataFrame({"seconds": [10.0, 12.0, 11.0, 30.0]}, index=["LSQ", "LSQ+", "PACT", "DSQ"])
    assert ch01.cost_words(table).startswith("On this run the slowest to train is DSQ (30.0 s, 3.0 times LSQ's 10.0 s). DSQ")
    table.loc["PACT", "seconds"] = 40.0
    assert ch01.cost_words(table).endswith("DSQ, which computes its $\\tanh$ surrogate for every value in every "
                                           "forward pass, is not the slowest here")


def test_every_glue_reference_of_chapter_1_is_computed(trained):
    import json
    import re
    from pathlib import Path

    cells = json.loads((Path(__file__).parents[1] / "notebooks" / "01_qat_ste.ipynb").read_text())["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    referenced = {m.split(":")[0] for m in re.findall(r"\{glue:\w+\}`([^`]+)`", text)}
    code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    glued_in_code = set(re.findall(r"glue\(\"(\w+)\"", code))
    model, _ = trained
    results = pd.DataFrame({"train acc %": [99.0, 98.0, 99.0, 90.0], "test acc %": [97.0, 96.0, 95.0, 88.0]})
    comparison = pd.DataFrame({"epochs": [1] * 4, "test acc %": [90.0, 91.0, 89.0, 80.0],
                               "seconds": [1.0, 1.0, 1.0, 3.0]}, index=["LSQ", "LSQ+", "PACT", "DSQ"])
    q = LSQ(2, kind="activation")
    q(torch.linspace(-0.5, 2.0, 11))
    probe = {"test acc %": 50.0, "distinct inputs": 3, "step gradient": 0.0}
    values = ch01.readings(results, {"mobilenet_v2-w2": [0.3, 0.2]}, comparison, {"LSQ": q},
                           torch.linspace(-0.5, 2.0, 11), model.layer2[0].conv1, {"|s|": probe, "clamp": probe},
                           n_test=360, n_classes=10)
    assert values["q_best"] == "LSQ+" and values["q_worst"] == "DSQ" and values["gap_mb"] == 7.0
    assert values["one_test_image"] == pytest.approx(100 / 360)
    assert referenced - set(values) - glued_in_code == set()
    # a sentence with $math$ renders only when its glue:md role asks for MyST (commonmark is the default)
    values["collapse_words"] = ch01.collapse_words(probe, probe, 10.0)       # both branches carry $|s|$
    with_math = {k for k, v in values.items() if isinstance(v, str) and "$" in v}
    assert {"collapse_words", "collapse_summary", "lsq_grid", "mb_lowest_level", "q_cost"} <= with_math
    # every string is glued as Markdown (helpers.notebook.glue_all), which {glue:text} would print as "<...Markdown object>"
    text_roles = {m.split(":")[0] for m in re.findall(r"\{glue:text\}`([^`]+)`", text)}
    assert not text_roles & {k for k, v in values.items() if isinstance(v, str)}
    md_roles = re.findall(r"\{glue:md\}`([^`]+)`", text)
    assert all(r.endswith(":myst") for r in md_roles if r.split(":")[0] in with_math)
    hidden = [c for c in cells if "remove-cell" in c.get("metadata", {}).get("tags", [])]
    assert sum(len("".join(c["source"]).splitlines()) for c in hidden) <= 3
    assert np.all([isinstance(v, (str, int, float, np.floating)) for v in values.values()])
