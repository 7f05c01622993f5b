"""Chapter 5's readings of the deployment audit (helpers.chapters.ch05) on constructed frames of the
audit's format (tests/deployment_frames.py: known effects plus a per-seed wobble)."""
from __future__ import annotations

import pandas as pd
import pytest

from deployment_frames import METHODS, SEEDS, export_frame, flips_frame, ptq_frame, relearn_frame, wobble
from helpers.chapters import ch05
from helpers.stats import paired_interval


def test_the_wobble_gives_the_intervals_the_docstring_promises():
    """An effect of 0 spans zero, an effect of 5 excludes it, whatever two wobbles are subtracted."""
    for a in METHODS:
        for b in METHODS:
            d0 = [wobble(a, "k", s) - wobble(b, "j", s) for s in SEEDS]
            assert paired_interval(d0, [0, 0, 0]).direction == "undecided"
            assert paired_interval([5 + d for d in d0], [0, 0, 0]).direction == "larger"


# ----------------------------------------------------------------------------- the frames' format
@pytest.mark.parametrize("name, build", [("flips", flips_frame), ("export", export_frame), ("ptq", ptq_frame),
                                         ("relearn", relearn_frame)])
def test_check_frame_accepts_the_audits_frames(name, build):
    frame = build()
    assert ch05.check_frame(frame, name) is frame


@pytest.mark.parametrize("name, frame, message", [
    ("export", pd.DataFrame(), "must be a non-empty DataFrame"),
    ("export", export_frame().reset_index(level=1), "has 1 index level"),
    ("export", export_frame().rename(columns={"integer": "int8"}, level=0), "its models must be"),
    ("ptq", ptq_frame(bits=("FP",)), "its bit widths must be 'FP' and some 'N-bit'"),
    ("ptq", ptq_frame().rename(columns={"2-bit": "2 bits"}, level=0), "its bit widths must be 'FP'"),
    ("ptq", ptq_frame(bits=("8-bit", "4-bit")), "its bit widths must be 'FP'"),
    ("ptq", ptq_frame().droplevel(1, axis=1).iloc[:, :4], "its columns must have two levels"),
    ("flips", flips_frame() * 100, "fractions between 0 and 1 \\(not percent\\)"),
    ("flips", flips_frame().drop(columns="vs retrain"), "no column \\['vs retrain'\\]"),
    ("relearn", relearn_frame().rename(columns=str), "integer numbers of steps"),
    ("relearn", relearn_frame().rename(index={"forget 1 %": "forget 10 %"}, level=2), "unknown attack"),
    ("sizes", export_frame(), "unknown audit frame 'sizes'"),
])
def test_check_frame_says_what_is_wrong(name, frame, message):
    with pytest.raises(ValueError, match=message):
        ch05.check_frame(frame, name)


def test_seed_mean_sd_averages_over_seeds_with_the_sample_sd():
    mean, sd = ch05.seed_mean_sd(relearn_frame())
    assert list(mean.index.names) == ["method", "attack"] and mean.index[0] == ("original", "forget 1 %")
    ft = [relearn_frame().loc[("ft", s, "forget 1 %"), 50] for s in SEEDS]
    assert mean.loc[("ft", "forget 1 %"), 50] == pytest.approx(sum(ft) / 3)
    assert sd.loc[("ft", "forget 1 %"), 50] == pytest.approx(pd.Series(ft).std(ddof=1))


# ----------------------------------------------------------------------------- export
def test_an_exact_export_reads_equal_for_every_method():
    table = ch05.export_table(export_frame())
    assert (table["verdict"] == "equal").all() and (table["integer - fake-quant"] == 0).all()
    assert ch05.export_words(export_frame()) == (
        "The integer model's FA equals the fake-quant model's for every method on each of the 3 seeds: "
        "exporting to integers changes nothing the FA can see")


def test_export_words_group_higher_lower_and_undecided():
    shift = {"ga": {1: 6.0, 2: 5.0, 3: 7.0}, "oeu": {1: -6.0, 2: -5.0, 3: -7.0}, "ft": {1: 1.0, 2: -1.0}}
    table = ch05.export_table(export_frame(shift))
    assert table.loc["ga", "verdict"] == "larger" and table.loc["oeu", "verdict"] == "smaller"
    assert table.loc["ft", "verdict"] == "undecided" and table.loc["retrain", "verdict"] == "equal"
    assert table.loc["ga", "integer - fake-quant"] == pytest.approx(6.0)
    assert table.loc["ga", "low"] == pytest.approx(paired_interval([6, 5, 7], [0, 0, 0]).low)
    words = ch05.export_words(export_frame(shift))
    assert words.startswith("The integer model's FA equals the fake-quant model's on every seed for "
                            "Original (do nothing), Retrain, IU, RL, ℓ1-sparse, SalUn and Q-MUL; ")
    assert "is decidedly higher for GA (it forgets less); is decidedly lower for OEU (it forgets more); and " \
           "differs on some seed for FT, but not decidedly (undecided)" in words
    assert words.endswith("(paired 95 % t intervals over 3 seeds)")


def test_export_with_one_seed_decides_nothing():
    one = export_frame({"ga": {1: 6.0}}).xs(1, level=1, drop_level=False)
    assert ch05.export_table(one).loc["ga", "verdict"] == "undecided"
    assert ch05.export_words(one).endswith("(one seed: a paired comparison needs two seeds or more)")


def test_export_needs_the_metric():
    with pytest.raises(ValueError, match="no metric 'AG'"):
        ch05.export_table(export_frame(), "AG")


def test_agreement_and_size_words():
    report = {"samples": 360, "argmax agree": 360, "max |logit diff|": 3.2e-5, "flipped samples": 0}
    assert ch05.agreement_words(report) == ("On all 360 test images the integer model predicts the fake-quant "
                                            "model's class, and their logits differ by at most 3.2e-05")
    report.update({"argmax agree": 358, "flipped samples": 1})
    assert ch05.agreement_words(report) == (
        "On 358 of the 360 test images the integer model predicts the fake-quant model's class (2 differ), and "
        "their logits differ by at most 3.2e-05; on 1 image an activation code rounds the other way (a value "
        "within float32 rounding of a tie)")
    assert ch05.size_words({"float bytes": 2048 * 10, "integer bytes": 2048, "ratio": 10.0}) == (
        "the QAT model's float state takes 20.0 KiB and the integer model 2.0 KiB, 10.0 times smaller")
    assert ch05.size_words({"float bytes": 1024, "integer bytes": 2048}).endswith("2.0 times larger")


@pytest.mark.parametrize("call, message", [
    (lambda: ch05.agreement_words({"samples": 3}), "helpers.quant.agreement"),
    (lambda: ch05.agreement_words({"samples": 3, "argmax agree": 4, "max |logit diff|": 0, "flipped samples": 0}),
     "is not a count"),
    (lambda: ch05.size_words({"float bytes": 10}), "helpers.quant.size_report"),
    (lambda: ch05.size_words({"float bytes": 0, "integer bytes": 10}), "positive numbers of bytes"),
])
def test_agreement_and_size_words_reject_other_dicts(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ----------------------------------------------------------------------------- weight codes
def test_flip_table_shares_per_layer_mean_or_weighted_by_codes():
    plain = ch05.flip_table(flips_frame())
    assert "original" not in plain.index and not plain.attrs["weighted"]
    assert plain.loc["ft", "vs original"] == pytest.approx(100 * (0.02 + 0.1 + 0.3) / 3)
    assert plain.loc["ft", "vs original SD"] == pytest.approx(0.0)
    assert plain.loc["ft", "most changed layer"] == "fc" and plain.loc["ft", "its share"] == pytest.approx(30.0)
    sizes = {"conv1": 100, "layer1.0.conv1": 1000, "fc": 10}
    weighted = ch05.flip_table(flips_frame(), sizes)
    assert weighted.attrs["weighted"]
    assert weighted.loc["ft", "vs original"] == pytest.approx(100 * (2 + 100 + 3) / 1110)
    assert weighted.loc["retrain", "vs retrain"] == 0 and weighted.loc["ga", "vs retrain"] == pytest.approx(85.0)


def test_flip_table_needs_every_layers_size():
    with pytest.raises(ValueError, match="no number of codes for the layer\\(s\\) \\['fc'\\]"):
        ch05.flip_table(flips_frame(), {"conv1": 100, "layer1.0.conv1": 1000})


def test_flip_words_describe_retrain_and_the_methods_range():
    words = ch05.flip_words(ch05.flip_table(flips_frame()))
    assert words == ("Retrain, which trains afresh on the retain set, changes 90.0 % of a layer's weight "
                     "codes (mean over layers) against the original; the unlearning methods change from 1.0 % "
                     "(GA) to 20.0 % (SalUn), OEU 5.0 %; and every method's codes differ from Retrain's in 85.0 % "
                     "of places (means over seeds; a description, not a verdict)")
    one = ch05.flip_table(flips_frame().loc[["original", "retrain", "ga"]])
    one.loc["ga", "vs retrain"] = 80.0
    assert ch05.flip_words(one).endswith("and GA's codes differ from Retrain's in 80.0 % of places (means over seeds; "
                                         "a description, not a verdict)")
    with pytest.raises(ValueError, match="made by flip_table"):
        ch05.flip_words(pd.DataFrame({"vs original": [1.0]}))


# ----------------------------------------------------------------------------- post-training quantization
def test_ptq_table_compares_each_change_with_retrains():
    table = ch05.ptq_table(ptq_frame())
    assert list(dict.fromkeys(table.index.get_level_values(0))) == ["8-bit", "4-bit", "2-bit"]
    assert {"original", "retrain"}.isdisjoint(table.index.get_level_values(1))
    ft4 = table.loc[("4-bit", "ft")]
    assert ft4["change"] == pytest.approx(55.0) and ft4["Retrain's change"] == pytest.approx(1.0)
    assert ft4["change - Retrain's"] == pytest.approx(54.0) and ft4["vs Retrain's change"] == "larger"
    assert ft4["vs doing nothing"] == "below" and ft4["FP vs doing nothing"] == "below"
    # the same change as Retrain's on every seed reads "equal", as the export reading says it
    assert table.loc[("8-bit", "ft"), "vs Retrain's change"] == "equal"
    assert table.loc[("4-bit", "oeu"), "vs Retrain's change"] == "equal"
    assert table.loc[("4-bit", "ga"), "vs Retrain's change"] == "undecided"
    assert table.loc[("2-bit", "ft"), "vs Retrain's change"] == "larger"       # +20 against Retrain's +10
    # RL's FA is doing nothing's on every seed, in full precision and after PTQ
    assert table.loc[("4-bit", "rl"), "FP vs doing nothing"] == "equal"
    assert table.loc[("2-bit", "rl"), "vs doing nothing"] == "equal"


def test_two_bits_break_the_models_here():
    assert ch05.broken_widths(ptq_frame()) == ["2-bit"]
    assert ch05.broken_widths(ptq_frame(), points=60.0) == []


def test_ptq_words_name_the_restored_methods():
    words = ch05.ptq_words(ptq_frame(), "4-bit")
    assert words == ("At 4-bit, Retrain's FA moves by +1.0 points and doing nothing's by +1.0. Quantization raises "
                     "the FA of FT more than Retrain's (forgetting partly undone); the change of IU, RL, ℓ1-sparse, "
                     "SalUn and OEU equals Retrain's on every seed; the change of GA and Q-MUL cannot be told apart "
                     "from Retrain's (undecided) (paired 95 % t intervals over 3 seeds).")
    assert ch05.ptq_words(ptq_frame(), "8-bit").endswith(
        "Every method's FA changes exactly as Retrain's on every seed (paired 95 % t intervals over 3 seeds).")
    noisy = ptq_frame()
    order = ch05.methods_in(noisy)                           # a different per-seed wobble for each method
    noisy[("8-bit", "FA")] += [(order.index(m) + 1) * {1: 1.0, 2: -1.0, 3: 0.0}[s] for m, s in noisy.index]
    assert ch05.ptq_words(noisy, "8-bit").endswith(
        "No method's change is told apart from Retrain's (undecided) (paired 95 % t intervals over 3 seeds).")
    two = ch05.ptq_words(ptq_frame(), "2-bit")
    assert two.endswith("Caution: at 2-bit doing nothing's test accuracy falls from 95.0 % to 40.0 %, more than 10 "
                        "points beyond seed noise: the quantized models are broken, and their FA measures the "
                        "damage, not forgetting.")
    with pytest.raises(ValueError, match="'3-bit' is not a bit width of this ptq frame"):
        ch05.ptq_words(ptq_frame(), "3-bit")


def test_ptq_words_each_clause_names_its_subject():
    """With no method raised, the clause on lowered methods must not start with a bare "it"."""
    words = ch05.ptq_words(ptq_frame().drop(index="ft", level=0), "2-bit")
    assert words.startswith("At 2-bit, Retrain's FA moves by +10.0 points and doing nothing's by -68.0. Quantization "
                            "lowers the FA of RL more than Retrain's; the change of GA, IU, ℓ1-sparse, SalUn, Q-MUL "
                            "and OEU equals Retrain's on every seed (paired 95 % t intervals over 3 seeds).")
    both = ch05.ptq_words(ptq_frame(), "2-bit")
    assert "(forgetting partly undone); quantization lowers the FA of RL more than Retrain's; " in both


def test_surviving_words_per_width():
    words = ch05.surviving_words(ptq_frame())
    assert words.startswith("In full precision FT, GA, IU, ℓ1-sparse, SalUn, Q-MUL and OEU forget (FA decidedly "
                            "below doing nothing's); RL does not, beyond seed noise. Their forgetting survives ")
    assert "(FA still decidedly below doing nothing's quantized the same way) at 8-bit for all of them; " in words
    frame = ptq_frame()
    frame.loc[("ft", slice(None)), ("4-bit", "FA")] = frame.loc[("original", slice(None)), ("4-bit", "FA")].to_numpy()
    assert "at 4-bit for GA, IU, ℓ1-sparse, SalUn, Q-MUL and OEU; " in ch05.surviving_words(frame)
    assert words.endswith("(a width that breaks the models) (paired 95 % t intervals over 3 seeds).")


def test_surviving_words_when_nothing_forgot():
    frame = ptq_frame()
    for m in METHODS:
        frame.loc[(m, slice(None)), ("FP", "FA")] = frame.loc[("original", slice(None)), ("FP", "FA")].to_numpy()
    assert ch05.surviving_words(frame).startswith("No method's FA in full precision is decidedly below doing "
                                                  "nothing's (paired 95 % t intervals over 3 seeds)")


def test_ptq_needs_its_yardsticks():
    with pytest.raises(ValueError, match="no \\['retrain'\\] rows"):
        ch05.ptq_table(ptq_frame().drop(index="retrain", level=0))


# ----------------------------------------------------------------------------- relearning
def test_telling_steps_stop_before_retrain_learns_the_class():
    """Retrain's forget-set curve rises 3, 8, then 95 points: 20 steps is the last before it learns the class."""
    assert ch05.telling_steps(relearn_frame(), "forget 1 %") == 20
    assert ch05.telling_steps(relearn_frame(), "retain") == 50
    assert ch05.telling_steps(relearn_frame(), "forget 1 %", points=2.0) == 0
    assert ch05.telling_steps(relearn_frame(), "forget 1 %", points=100.0) == 50
    with pytest.raises(ValueError, match="'forget 10 %' is not an attack"):
        ch05.telling_steps(relearn_frame(), "forget 10 %")


def test_relearn_table_judges_the_gain_at_the_telling_steps():
    table = ch05.relearn_table(relearn_frame())
    assert table.attrs["steps"] == {"forget 1 %": 20, "retain": 50}
    assert "retrain" not in table.index.get_level_values(1)
    ft = table.loc[("forget 1 %", "ft")]
    assert ft["steps"] == 20 and ft["before"] == pytest.approx(0.0) and ft["after"] == pytest.approx(60.0)
    assert ft["gain"] == pytest.approx(60.0) and ft["Retrain's gain"] == pytest.approx(8.0)
    assert ft["gain - Retrain's"] == pytest.approx(52.0) and ft["verdict"] == "above"
    assert table.loc[("forget 1 %", "oeu"), "verdict"] == "below"
    # GA never forgot (40 % before the attack): its FA is far above Retrain's, its gain is Retrain's
    ga = table.loc[("forget 1 %", "ga")]
    assert ga["before vs Retrain"] == "above" and ga["after"] == pytest.approx(48.0)
    assert ga["gain"] == pytest.approx(8.0) and ga["verdict"] == "equal"
    assert table.loc[("retain", "ga"), "verdict"] == "undecided"
    assert ch05.relearn_table(relearn_frame(), steps=0).loc[("forget 1 %", "oeu"), "verdict"] == "equal"
    last = ch05.relearn_table(relearn_frame(), steps=50)
    assert last.attrs["steps"] == {"forget 1 %": 50, "retain": 50}
    assert last.loc[("forget 1 %", "ft"), "verdict"] == "undecided"    # Retrain has learned the class too


def test_hiding_methods_leave_doing_nothing_and_the_never_forgotten_out():
    assert ch05.hiding_methods(relearn_frame()) == ["ft"]
    assert ch05.hiding_methods(relearn_frame(), "retain") == ["ft"]       # GA's 41 % is where it started
    assert ch05.hiding_methods(relearn_frame(), steps=50) == []
    with pytest.raises(ValueError, match="'forget 10 %' is not an attack"):
        ch05.hiding_methods(relearn_frame(), "forget 10 %")
    with pytest.raises(ValueError, match="7 is not a number of steps"):
        ch05.relearn_table(relearn_frame(), steps=7)


def test_relearn_words_say_which_steps_and_who_never_forgot():
    frame = relearn_frame()
    frame.attrs["forget attack samples"] = 2
    assert ch05.relearn_words(frame) == (
        "After 20 steps on 1 % of the forget set (2 images), Retrain (which never learned the class) reaches an FA "
        "of 8.0 % (from 0.0 %) and doing nothing 98.0 % (from 98.0 %); 20 is the most steps at which Retrain's FA "
        "stays within 10 points of where it started. GA had not forgotten the class as Retrain had: its FA before "
        "the attack is already 40.0 % (decidedly above Retrain's 0.0 %). FT regains decidedly more than Retrain "
        "(a gain of +60.0 points against Retrain's +8.0): a handful of its images bring the class back, so it hides "
        "the class rather than remove it; OEU regains decidedly less than Retrain; the FA of GA, IU, RL, "
        "ℓ1-sparse, SalUn and Q-MUL moves exactly as Retrain's on every seed (paired 95 % t intervals over 3 "
        "seeds). By 50 steps Retrain has learned the class from the same images too (95.0 %), so 50 steps no "
        "longer tell a hidden class from a new one.")
    retain = ch05.relearn_words(frame, "retain")
    assert retain.startswith("After 50 steps on the retain set, Retrain (which never learned the class) reaches "
                             "an FA of 1.0 % (from 0.0 %) and doing nothing 97.0 % (from 98.0 %). GA had not "
                             "forgotten the class as Retrain had: its FA before the attack is already 40.0 %")
    assert "FT regains decidedly more than Retrain (a gain of +20.0 points against Retrain's +1.0): the class " \
           "comes back without a single image of it" in retain
    assert "the gain of GA, RL and Q-MUL cannot be told apart from Retrain's (undecided)" in retain
    assert "steps no longer tell" not in retain


def test_relearn_words_name_several_hiders_and_no_hider():
    frame = relearn_frame()
    for m in ("rl", "salun"):
        for s in SEEDS:
            frame.loc[(m, s, "forget 1 %")] = frame.loc[("ft", s, "forget 1 %")]
    words = ch05.relearn_words(frame)
    assert "FT, RL and SalUn regain decidedly more than Retrain (gains of +60.0, +60.0 and +60.0 points against " \
           "Retrain's +8.0): a handful of its images bring the class back, so they hide the class" in words
    at_50 = ch05.relearn_words(relearn_frame(), steps=50)
    assert at_50.startswith("After 50 steps on 1 % of the forget set, Retrain (which never learned the class) "
                            "reaches an FA of 95.0 % (from 0.0 %) and doing nothing 98.0 % (from 98.0 %). GA had")
    assert "No method regains decidedly more than Retrain; " in at_50 and "steps no longer tell" not in at_50


def test_relearn_words_name_a_method_that_forgot_part_of_the_class_apart_from_the_hiders():
    """GA starts above Retrain (it had not forgotten the class) and then regains decidedly more than Retrain: it is
    named apart from the hiders, with what its gain means, not listed among them without comment."""
    frame = relearn_frame()
    for s in SEEDS:
        frame.loc[("ga", s, "forget 1 %")] = [40.0, 50.0, 70.0 + s, 95.0]
    words = ch05.relearn_words(frame)
    assert "GA had not forgotten the class as Retrain had" in words
    assert "FT regains decidedly more than Retrain (a gain of +60.0 points against Retrain's +8.0): a handful of " \
           "its images bring the class back, so it hides the class rather than remove it; GA, whose FA started " \
           "above Retrain's, regains decidedly more than Retrain too (a gain of +32.0 points): the part of the " \
           "class it did remove comes back faster than into a model that never learned it, so that part was " \
           "hidden rather than removed; OEU regains decidedly less" in words
    alone = ch05.relearn_words(frame.drop(index="ft", level=0))
    assert "No method that had forgotten the class as Retrain had regains decidedly more than Retrain; GA, whose " \
           "FA started above Retrain's, regains decidedly more than Retrain (a gain of +32.0 points)" in alone
    assert ch05.hiding_methods(frame) == ["ft", "ga"]
    assert ch05.hiding_words(frame).startswith(
        "After 20 steps of fine-tuning on 1 % of the forget set, FT regains decidedly more of the class than Retrain, "
        "and GA (whose FA started above Retrain's) decidedly more of the part it did remove (paired 95 % t ")
    assert ch05.hiding_words(frame.drop(index="ft", level=0)).startswith(
        "After 20 steps of fine-tuning on 1 % of the forget set, no method that had forgotten the class as Retrain "
        "had regains decidedly more of it than Retrain, and GA (whose FA started above Retrain's) decidedly more")


def test_relearn_words_with_every_method_undecided_and_one_seed():
    frame = relearn_frame().drop(index=["ft", "oeu", "original", "ga"], level=0)
    order = ch05.methods_in(frame)                           # a different per-seed wobble for each method
    frame[20] += [(order.index(m) + 1) * {1: 1.0, 2: -1.0, 3: 0.0}[s] * (a == "forget 1 %") for m, s, a in frame.index]
    words = ch05.relearn_words(frame)
    assert "No method regains decidedly more than Retrain; the gain of IU, RL, ℓ1-sparse, SalUn and Q-MUL cannot " \
           "be told apart from Retrain's (undecided) (paired 95 % t intervals over 3 seeds)." in words
    one = relearn_frame().xs(1, level=1, drop_level=False)
    assert ch05.hiding_methods(one) == []
    assert "(one seed: a paired comparison needs two seeds or more)." in ch05.relearn_words(one)


def test_hiding_words_for_the_summary():
    frame = relearn_frame()
    frame.attrs["forget attack samples"] = 2
    assert ch05.hiding_words(frame) == (
        "After 20 steps of fine-tuning on 1 % of the forget set (2 images), FT regains decidedly more of the class "
        "than Retrain (paired 95 % t intervals over 3 seeds); by 50 steps Retrain has learned the class from the "
        "same images too (95.0 %), so 50 steps no longer tell a hidden class from a new one")
    assert ch05.hiding_words(frame, "retain") == (
        "After 50 steps of fine-tuning on the retain set, FT regains decidedly more of the class than Retrain "
        "(paired 95 % t intervals over 3 seeds)")
    none = frame.drop(index="ft", level=0)
    assert ch05.hiding_words(none).startswith("After 20 steps of fine-tuning on 1 % of the forget set (2 images), "
                                              "no method regains decidedly more of the class than Retrain")


def test_any_n_bit_width_is_read():
    frame = ptq_frame().rename(columns={"4-bit": "6-bit"}, level=0)
    assert list(dict.fromkeys(ch05.ptq_table(frame).index.get_level_values(0))) == ["8-bit", "6-bit", "2-bit"]
    assert ch05.ptq_words(frame, "6-bit").startswith("At 6-bit, Retrain's FA moves by +1.0 points")


# ----------------------------------------------------------------------------- the built chapter
@pytest.mark.book
def test_the_built_section_quotes_the_audit_of_its_own_build(built_book, result_cache_env, monkeypatch):
    """Section 5.10 of the built chapter says what ch05 says of the audit the build computed (read back from
    the build's result cache, so nothing is trained here), and section 5.11 follows it."""
    import re

    from helpers import editions
    from helpers.experiments.cache import ENV_VAR
    from helpers.experiments.deployment import deployment_audit

    values = editions.glue_values(built_book.html.parent, "notebooks/05_reproducing_oeu")
    monkeypatch.setenv(ENV_VAR, result_cache_env[ENV_VAR])
    audit = deployment_audit("default", forget_class=3, seeds=SEEDS, progress=False)
    expected = {"dep_export": ch05.export_words(audit.export), "dep_survives": ch05.surviving_words(audit.ptq),
                "dep_ptq_4": ch05.ptq_words(audit.ptq, "4-bit"),
                "dep_relearn_forget": ch05.relearn_words(audit.relearn, "forget 1 %"),
                "dep_relearn_retain": ch05.relearn_words(audit.relearn, "retain"),
                "dep_hiding": ch05.hiding_words(audit.relearn, "forget 1 %")}
    for name, text in expected.items():
        assert editions.glued_text(values[name]) == text, name
    html = (built_book.html / "notebooks" / "05_reproducing_oeu.html").read_text()
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert page.index("5.10 Does forgetting survive deployment?") < page.index("5.11 What holds, and what does not")
