"""Chapter 5's readings of the deployment audit (section 5.10): does forgetting survive deployment?

The audit (``helpers.experiments.deployment.deployment_audit``) forgets class 3 from the chapter's
4-bit ResNet-18 (LSQ+) with every method (registry keys; ``"original"`` is doing nothing) on every
seed, and records, in percent unless said otherwise, four frames:

- ``flips``: index ``(method, seed, layer)`` (layers in model order), columns ``"vs original"``
  and ``"vs retrain"``: the *fraction* (0 to 1) of a layer's integer weight codes that differ from
  the original model's, and from Retrain's;
- ``export``: index ``(method, seed)``, columns ``(model, metric)``: model ``"fake-quant"`` or
  ``"integer"`` (:func:`helpers.quant.export_integer`), metric FA, RA, TA or MIA;
- ``ptq``: index ``(method, seed)``, columns ``(bits, metric)``: bits ``"FP"``, ``"8-bit"``,
  ``"4-bit"``, ``"2-bit"``; full-precision models unlearned in full precision, then weight-only
  round-to-nearest post-training quantization;
- ``relearn``: index ``(method, seed, attack)`` with attack ``"retain"`` or ``"forget 1 %"``,
  one column per number of fine-tuning steps (0, 5, 20, 50): the FA after that many steps.

Every verdict here is paired over seeds (:func:`helpers.stats.paired_interval`: the mean of the
per-seed differences, their sample standard deviation and a 95 % Student-t interval, chapter 5's
equation ``ch5-paired``) and reads "undecided" when the interval spans zero, "equal" when the two rows are the
same on every seed:

- :func:`export_table` / :func:`export_words`: does the integer model forget as the fake-quant
  one does (FA integer - FA fake-quant)? :func:`agreement_words` and :func:`size_words` read
  :func:`helpers.quant.agreement` and :func:`helpers.quant.size_report` on one model;
- :func:`ptq_table` / :func:`ptq_words` / :func:`surviving_words`: does post-training quantization
  restore what full-precision unlearning removed (the change of FA beside Retrain's own change),
  and whose forgetting survives 8, 4 and 2 bits (FA still below doing nothing's)?
- :func:`relearn_table` / :func:`relearn_words` / :func:`hiding_words`: after a few fine-tuning steps, does a
  method's FA rise (its gain, FA after minus FA before the attack) more than Retrain's after the same steps (it
  hid the class rather than removed it)? Read at :func:`telling_steps`, the most steps at which Retrain has not
  yet learned the class from the attack's images itself; methods whose FA before the attack is already above
  Retrain's are named as not having forgotten the class as Retrain had.
- :func:`flip_table` / :func:`flip_words`: which share of the weight codes each method changes
  (a description, no verdict).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..experiments.compare import LABELS, interval_words
from ..stats import PairedInterval, paired_interval, same_on_every_seed
from ..words import capital, join_words

ORIGINAL, RETRAIN = "original", "retrain"
EXPORT_MODELS = ("fake-quant", "integer")
BITS = ("FP", "8-bit", "4-bit", "2-bit")           # the audit's default widths; any "N-bit" is read
ATTACKS = {"retain": "on the retain set", "forget 1 %": "on 1 % of the forget set"}
#: What a gain of FA (after the attack minus before it) decidedly above Retrain's gain after the same steps of
#: each attack says about a method.
HIDING = {"retain": "the class comes back without a single image of it, so {it} the class rather than remove it",
          "forget 1 %": "a handful of its images bring the class back, so {it} the class rather than remove it"}
#: The relearning verdict is read at the most steps at which Retrain's FA (mean over seeds) is still within this
#: many points of its FA before the attack (:func:`telling_steps`); later, Retrain learns the class too.
RELEARNED_POINTS = 10.0
RETRAIN_BEFORE, RETRAIN_GAIN = "Retrain's before", "Retrain's gain"
#: A bit width *breaks* the models when doing nothing loses more test accuracy than this to it (beyond seed noise).
BROKEN_POINTS = 10.0

#: Each frame's index levels and what its columns hold (the module docstring has the meaning).
FORMATS = {"flips": (("method", "seed", "layer"), "the columns 'vs original' and 'vs retrain' (fractions 0-1)"),
           "export": (("method", "seed"), "(model, metric) columns, model 'fake-quant' and 'integer'"),
           "ptq": (("method", "seed"), "(bits, metric) columns, bits 'FP' and 'N-bit' widths"),
           "relearn": (("method", "seed", "attack"), "one column per number of fine-tuning steps (integers)")}


# ----------------------------------------------------------------------------- the frames
def _columns_problem(frame: pd.DataFrame, name: str) -> str:
    """What is wrong with the columns of the audit's ``name`` frame, or ``""``."""
    columns = frame.columns
    if name == "flips":
        missing = {"vs original", "vs retrain"} - set(columns)
        if missing:
            return f"it has no column {sorted(missing)}"
        values = frame[["vs original", "vs retrain"]].to_numpy(dtype=float)
        if not (np.isfinite(values).all() and (values >= 0).all() and (values <= 1).all()):
            return "its values must be fractions between 0 and 1 (not percent)"
        return ""
    if name == "relearn":
        if not all(isinstance(c, (int, np.integer)) for c in columns):
            return f"its columns must be integer numbers of steps, got {list(columns)}"
        unknown = set(frame.index.get_level_values(2)) - set(ATTACKS)
        return f"unknown attack(s) {sorted(unknown)}; the attacks are {list(ATTACKS)}" if unknown else ""
    if columns.nlevels != 2:
        return f"its columns must have two levels, got {columns.nlevels}"
    first = list(dict.fromkeys(columns.get_level_values(0)))
    if name == "export" and sorted(first) != sorted(EXPORT_MODELS):
        return f"its models must be {list(EXPORT_MODELS)}, got {first}"
    if name == "ptq" and ("FP" not in first or len(first) < 2
                          or not all(b == "FP" or re.fullmatch(r"\d+-bit", str(b)) for b in first)):
        return f"its bit widths must be 'FP' and some 'N-bit' ({list(BITS[1:])} by default), got {first}"
    return ""


def check_frame(frame, name: str) -> pd.DataFrame:
    """``frame`` itself if it has the format of the audit's ``name`` frame (module docstring), else a ValueError
    saying what is wrong."""
    if name not in FORMATS:
        raise ValueError(f"unknown audit frame {name!r}; the frames are {list(FORMATS)}")
    levels, columns = FORMATS[name]
    hint = f"pass the audit's frame (deployment_audit(...).{name}): index {levels}, {columns}"
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError(f"the {name} frame must be a non-empty DataFrame; {hint}")
    if frame.index.nlevels != len(levels):
        raise ValueError(f"the {name} frame has {frame.index.nlevels} index level(s), not {len(levels)}; {hint}")
    problem = _columns_problem(frame, name)
    if problem:
        raise ValueError(f"the {name} frame is not the audit's: {problem}; {hint}")
    return frame


def _require(frame: pd.DataFrame, name: str, methods=(), metric: str | None = None) -> None:
    present = set(frame.index.get_level_values(0))
    missing = [m for m in methods if m not in present]
    if missing:
        raise ValueError(f"the {name} frame has no {missing} rows, which this reading compares with; "
                         f"it has {list(dict.fromkeys(frame.index.get_level_values(0)))}")
    if metric is not None and metric not in set(frame.columns.get_level_values(1)):
        raise ValueError(f"the {name} frame has no metric {metric!r}; it has "
                         f"{list(dict.fromkeys(frame.columns.get_level_values(1)))}")


def methods_in(frame: pd.DataFrame, leave_out=()) -> list[str]:
    """The methods of an audit frame in their order, without those in ``leave_out``."""
    return [m for m in dict.fromkeys(frame.index.get_level_values(0)) if m not in leave_out]


def seed_count(frame: pd.DataFrame) -> int:
    """How many seeds an audit frame holds (its second index level)."""
    return int(frame.index.get_level_values(1).nunique())


def seed_mean_sd(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean and sample standard deviation (``ddof=1``) over seeds of an audit frame: its seed level goes,
    the other levels stay in their order (NaN SD with one seed)."""
    keep = [level for level in range(frame.index.nlevels) if level != 1]
    groups = frame.groupby(level=keep, sort=False)
    return groups.mean(), groups.std(ddof=1)


def per_seed(frame: pd.DataFrame, method: str, column, attack: str | None = None) -> pd.Series:
    """One method's ``column`` on each seed (index: seed); ``attack`` picks the relearning attack."""
    rows = frame.xs(method, level=0) if attack is None else frame.xs((method, attack), level=(0, 2))
    return rows[column].astype(float)


def _interval(a: pd.Series, b: pd.Series) -> PairedInterval | None:
    """The t interval of ``a - b`` paired over the seeds both hold; None with fewer than two."""
    a, b = a.align(b, join="inner")
    return paired_interval(a.to_numpy(), b.to_numpy()) if len(a) >= 2 else None


def _direction(interval: PairedInterval | None) -> str:
    return "undecided" if interval is None else interval.direction


#: A paired verdict (:func:`_verdict`) in the words of a level: below / above the other row.
_LEVEL = {"smaller": "below", "larger": "above", "equal": "equal", "undecided": "undecided"}


def _verdict(a: pd.Series, b: pd.Series) -> str:
    """``a`` against ``b`` paired over the seeds both hold: ``"equal"`` when they are the same on every seed (a
    difference of exactly 0 everywhere, which a t interval of zero width cannot call anything but undecided),
    else the direction of the 95 % t interval of ``a - b`` (``"larger"``, ``"smaller"``, ``"undecided"``; one
    seed decides nothing)."""
    a, b = a.align(b, join="inner")
    return "equal" if same_on_every_seed(a.to_numpy(), b.to_numpy()) else _direction(_interval(a, b))


def _how(n: int) -> str:
    """How the verdicts were decided: the intervals, or that one seed decides nothing."""
    return interval_words(n) if n >= 2 else "one seed: a paired comparison needs two seeds or more"


def _label(method: str) -> str:
    return LABELS.get(method, method)


def _labels(methods) -> str:
    return join_words(_label(m) for m in methods)


def _bounds(interval: PairedInterval | None) -> dict:
    """``{"low": ..., "high": ...}`` of a t interval (NaN without one)."""
    return {"low": np.nan if interval is None else interval.low, "high": np.nan if interval is None else interval.high}


# ----------------------------------------------------------------------------- integer export
def export_table(export: pd.DataFrame, metric: str = "FA") -> pd.DataFrame:
    """Per method: ``metric`` of the fake-quant and the integer model (means over seeds), and the integer model's
    minus the fake-quant one's, paired over seeds.

    ``verdict``: ``"equal"`` (the same value on every seed), ``"larger"`` or ``"smaller"`` (the 95 % t
    interval lies above or below zero), ``"undecided"`` (it spans zero, or there is one seed).
    """
    check_frame(export, "export")
    _require(export, "export", metric=metric)
    rows = {}
    for m in methods_in(export):
        fake, integer = per_seed(export, m, ("fake-quant", metric)).align(per_seed(export, m, ("integer", metric)),
                                                                          join="inner")
        iv = _interval(integer, fake)
        rows[m] = {f"{metric} fake-quant": fake.mean(), f"{metric} integer": integer.mean(),
                   "integer - fake-quant": (integer - fake).mean(), **_bounds(iv),
                   "verdict": _verdict(integer, fake)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("method")


def export_words(export: pd.DataFrame, metric: str = "FA") -> str:
    """Does the integer model score ``metric`` as the fake-quant one does? One sentence from :func:`export_table`."""
    table, n = export_table(export, metric), seed_count(export)
    groups = {v: list(table.index[table["verdict"] == v]) for v in ("equal", "larger", "smaller", "undecided")}
    if len(groups["equal"]) == len(table):
        return (f"The integer model's {metric} equals the fake-quant model's for every method on each of the {n} "
                f"seeds: exporting to integers changes nothing the {metric} can see")
    meaning = {"larger": " (it forgets less)", "smaller": " (it forgets more)"} if metric == "FA" else {}
    parts = []
    if groups["equal"]:
        parts.append(f"equals the fake-quant model's on every seed for {_labels(groups['equal'])}")
    for v, word in (("larger", "higher"), ("smaller", "lower")):
        if groups[v]:
            parts.append(f"is decidedly {word} for {_labels(groups[v])}{meaning.get(v, '')}")
    if groups["undecided"]:
        parts.append(f"differs on some seed for {_labels(groups['undecided'])}, but not decidedly (undecided)")
    listed = "; ".join(parts[:-1]) + ("; and " if len(parts) > 1 else "") + parts[-1]
    return f"The integer model's {metric} {listed} ({_how(n)})"


def agreement_words(report: dict) -> str:
    """The integer model's predictions beside the fake-quant model's, from :func:`helpers.quant.agreement`."""
    needed = {"samples", "argmax agree", "max |logit diff|", "flipped samples"}
    if not isinstance(report, dict) or not needed <= set(report):
        raise ValueError(f"pass the dict of helpers.quant.agreement(model, integer_model, x); "
                         f"it needs {sorted(needed)}")
    n, agree = int(report["samples"]), int(report["argmax agree"])
    if not 0 <= agree <= n or n < 1:
        raise ValueError(f"{agree} agreeing predictions out of {n} samples is not a count")
    head = (f"On all {n:,} test images the integer model predicts the fake-quant model's class" if agree == n else
            f"On {agree:,} of the {n:,} test images the integer model predicts the fake-quant model's class "
            f"({n - agree:,} differ)")
    text = head + f", and their logits differ by at most {report['max |logit diff|']:.1e}"
    flipped = int(report["flipped samples"])
    if flipped:
        text += (f"; on {flipped:,} image{'s' if flipped != 1 else ''} an activation code rounds the other way "
                 "(a value within float32 rounding of a tie)")
    return text


def size_words(sizes: dict) -> str:
    """The float model's and the integer model's sizes on disk, from :func:`helpers.quant.size_report`."""
    if not isinstance(sizes, dict) or not {"float bytes", "integer bytes"} <= set(sizes):
        raise ValueError("pass the dict of helpers.quant.size_report(model, integer_model) "
                         "(keys 'float bytes' and 'integer bytes')")
    float_bytes, integer_bytes = int(sizes["float bytes"]), int(sizes["integer bytes"])
    if float_bytes <= 0 or integer_bytes <= 0:
        raise ValueError(f"sizes must be positive numbers of bytes, got {float_bytes} and {integer_bytes}")
    ratio = float_bytes / integer_bytes
    how = f"{ratio:.1f} times smaller" if ratio >= 1 else f"{1 / ratio:.1f} times larger"
    return (f"the QAT model's float state takes {float_bytes / 1024:,.1f} KiB and the integer model "
            f"{integer_bytes / 1024:,.1f} KiB, {how}")


# ----------------------------------------------------------------------------- weight codes
def flip_table(flips: pd.DataFrame, sizes: dict | None = None) -> pd.DataFrame:
    """Per method (the original left out): the share of weight codes, in %, that differ from the original's and
    from Retrain's, mean over seeds (and its sample SD), and the layer whose share against the original is largest.

    ``sizes`` (``{layer: number of weight codes}``, e.g. the sizes of
    :meth:`helpers.quant.IntegerModel.weight_codes`) weights each layer by its codes: the share of *all*
    codes. Without it, the share is the mean over layers (``attrs["weighted"]`` says which).
    """
    check_frame(flips, "flips")
    layers = list(dict.fromkeys(flips.index.get_level_values(2)))
    if sizes is not None:
        missing = [layer for layer in layers if layer not in sizes]
        if missing:
            raise ValueError(f"sizes has no number of codes for the layer(s) {missing}; pass "
                             "{name: codes.numel() for name, codes in integer_model.weight_codes().items()}")
        weights = pd.Series([float(sizes[layer]) for layer in layers], index=layers)
    else:
        weights = pd.Series(1.0, index=layers)
    rows = {}
    for m in methods_in(flips, leave_out=(ORIGINAL,)):
        by_seed = flips.xs(m, level=0)                                      # index (seed, layer)
        w = pd.Series(weights.reindex(by_seed.index.get_level_values(1)).to_numpy(), index=by_seed.index)
        share = {c: 100 * (by_seed[c] * w).groupby(level=0).sum() / w.groupby(level=0).sum()
                 for c in ("vs original", "vs retrain")}
        per_layer = 100 * by_seed["vs original"].groupby(level=1, sort=False).mean()
        rows[m] = {"vs original": share["vs original"].mean(), "vs original SD": share["vs original"].std(ddof=1),
                   "vs retrain": share["vs retrain"].mean(), "most changed layer": per_layer.idxmax(),
                   "its share": per_layer.max()}
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("method")
    out.attrs["weighted"] = sizes is not None
    return out


def flip_words(table: pd.DataFrame, method: str = "oeu") -> str:
    """A description of :func:`flip_table`: Retrain's share of changed codes, the methods' range, ``method``'s."""
    if not {"vs original", "vs retrain"} <= set(table.columns) or "weighted" not in table.attrs:
        raise ValueError("flip_words reads a table made by flip_table")
    what = "of all weight codes" if table.attrs["weighted"] else "of a layer's weight codes (mean over layers)"
    methods = [m for m in table.index if m != RETRAIN]
    parts = []
    if RETRAIN in table.index:
        parts.append(f"Retrain, which trains afresh on the retain set, changes "
                     f"{table.loc[RETRAIN, 'vs original']:.1f} % {what} against the original")
    if methods:
        low, high = table.loc[methods, "vs original"].idxmin(), table.loc[methods, "vs original"].idxmax()
        spread = (f"the unlearning methods change from {table.loc[low, 'vs original']:.1f} % ({_label(low)}) to "
                  f"{table.loc[high, 'vs original']:.1f} % ({_label(high)})" if low != high else
                  f"{_label(low)} changes {table.loc[low, 'vs original']:.1f} %")
        if method in methods and method not in (low, high):
            spread += f", {_label(method)} {table.loc[method, 'vs original']:.1f} %"
        parts.append(spread + (f" {what}" if not parts else ""))
        away = table.loc[methods, "vs retrain"]
        spread = f"{away.min():.1f} %" if away.min() == away.max() else f"{away.min():.1f} % to {away.max():.1f} %"
        whose = "every method's" if len(methods) > 1 else f"{_label(methods[0])}'s"
        parts.append(f"and {whose} codes differ from Retrain's in {spread} of places")
    return capital("; ".join(parts)) + " (means over seeds; a description, not a verdict)"


# ----------------------------------------------------------------------------- post-training quantization
def _widths(ptq: pd.DataFrame) -> list[str]:
    return [b for b in dict.fromkeys(ptq.columns.get_level_values(0)) if b != "FP"]


def _check_bits(ptq: pd.DataFrame, bits: str) -> None:
    if bits not in _widths(ptq):
        raise ValueError(f"{bits!r} is not a bit width of this ptq frame; it has {_widths(ptq)}")


def _change(ptq: pd.DataFrame, method: str, bits: str, metric: str) -> pd.Series:
    """``metric`` after PTQ to ``bits`` minus in full precision, per seed."""
    return per_seed(ptq, method, (bits, metric)) - per_seed(ptq, method, ("FP", metric))


def broken_widths(ptq: pd.DataFrame, points: float = BROKEN_POINTS) -> list[str]:
    """The bit widths at which doing nothing's test accuracy falls more than ``points`` below its full-precision
    TA, beyond seed noise (a paired t interval of ``TA(bits) - TA(FP) + points`` wholly below zero; on one seed
    the single difference decides): the quantized models are broken there."""
    check_frame(ptq, "ptq")
    _require(ptq, "ptq", (ORIGINAL,), "TA")
    out = []
    for bits in _widths(ptq):
        shifted = _change(ptq, ORIGINAL, bits, "TA") + points
        iv = _interval(shifted, shifted * 0)
        if (shifted.iloc[0] < 0) if iv is None else iv.direction == "smaller":
            out.append(bits)
    return out


def ptq_table(ptq: pd.DataFrame, metric: str = "FA") -> pd.DataFrame:
    """Per bit width and method (Retrain and the original left out), how PTQ moves ``metric``, paired over seeds.

    Columns: ``FP`` and ``after`` (means over seeds), ``change`` (after - FP) and ``Retrain's change``;
    ``change - Retrain's``, its 95 % t interval (``low``, ``high``) and ``vs Retrain's change``
    (``"larger"``: PTQ raises the method's FA more than Retrain's, undoing some forgetting; ``"smaller"``;
    ``"equal"``: the same change as Retrain's on every seed; ``"undecided"``); ``vs doing nothing`` (``after``
    against the original's after the same quantization: ``"below"``, forgetting still visible; ``"above"``;
    ``"equal"``; ``"undecided"``); ``FP vs doing nothing``, the same in full precision (did the method forget at
    all before quantization?). "Equal" is read as :func:`export_table` reads it (the same value on every seed).
    """
    check_frame(ptq, "ptq")
    _require(ptq, "ptq", (ORIGINAL, RETRAIN), metric)
    rows = {}
    for bits in _widths(ptq):
        reference = _change(ptq, RETRAIN, bits, metric)
        for m in methods_in(ptq, leave_out=(ORIGINAL, RETRAIN)):
            change = _change(ptq, m, bits, metric)
            iv = _interval(change, reference)
            rows[(bits, m)] = {
                "FP": per_seed(ptq, m, ("FP", metric)).mean(), "after": per_seed(ptq, m, (bits, metric)).mean(),
                "change": change.mean(), "Retrain's change": reference.mean(),
                "change - Retrain's": (change - reference).mean(), **_bounds(iv),
                "vs Retrain's change": _verdict(change, reference),
                "vs doing nothing": _LEVEL[_verdict(per_seed(ptq, m, (bits, metric)),
                                                    per_seed(ptq, ORIGINAL, (bits, metric)))],
                "FP vs doing nothing": _LEVEL[_verdict(per_seed(ptq, m, ("FP", metric)),
                                                       per_seed(ptq, ORIGINAL, ("FP", metric)))]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index = pd.MultiIndex.from_tuples(out.index, names=["bits", "method"])
    return out


def _broken_caution(ptq: pd.DataFrame, bits: str) -> str:
    if bits not in broken_widths(ptq):
        return ""
    fp, after = per_seed(ptq, ORIGINAL, ("FP", "TA")).mean(), per_seed(ptq, ORIGINAL, (bits, "TA")).mean()
    return (f" Caution: at {bits} doing nothing's test accuracy falls from {fp:.1f} % to {after:.1f} %, more than "
            f"{BROKEN_POINTS:.0f} points beyond seed noise: the quantized models are broken, and their FA measures "
            "the damage, not forgetting.")


def ptq_words(ptq: pd.DataFrame, bits: str, metric: str = "FA") -> str:
    """Does post-training quantization to ``bits`` restore what full-precision unlearning removed? Each method's
    change of ``metric`` beside Retrain's own change (the yardstick), paired over seeds (:func:`ptq_table`)."""
    _check_bits(ptq, bits)
    table, n = ptq_table(ptq, metric).xs(bits, level=0), seed_count(ptq)
    retrain, original = _change(ptq, RETRAIN, bits, metric), _change(ptq, ORIGINAL, bits, metric)
    text = (f"At {bits}, Retrain's {metric} moves by {retrain.mean():+.1f} points and doing nothing's by "
            f"{original.mean():+.1f}. ")
    groups = {v: list(table.index[table["vs Retrain's change"] == v])
              for v in ("larger", "smaller", "equal", "undecided")}
    parts = []
    if groups["larger"]:
        parts.append(f"quantization raises the {metric} of {_labels(groups['larger'])} more than Retrain's "
                     f"(forgetting partly undone)")
    if groups["smaller"]:
        parts.append(f"quantization lowers the {metric} of {_labels(groups['smaller'])} more than Retrain's")
    if groups["equal"]:
        parts.append(f"every method's {metric} changes exactly as Retrain's on every seed"
                     if len(groups["equal"]) == len(table) else
                     f"the change of {_labels(groups['equal'])} equals Retrain's on every seed")
    if groups["undecided"]:
        if len(groups["undecided"]) == len(table):
            parts.append("no method's change is told apart from Retrain's (undecided)")
        else:
            parts.append(f"the change of {_labels(groups['undecided'])} cannot be told apart from Retrain's "
                         "(undecided)")
    return text + capital("; ".join(parts)) + f" ({_how(n)})." + _broken_caution(ptq, bits)


def surviving_words(ptq: pd.DataFrame, metric: str = "FA") -> str:
    """Whose forgetting survives each bit width: the methods whose ``metric`` is decidedly below doing nothing's
    in full precision (they forgot), and, per width, those still decidedly below doing nothing's after the same
    quantization (paired over seeds, :func:`ptq_table`)."""
    table, n = ptq_table(ptq, metric), seed_count(ptq)
    first = table.xs(_widths(ptq)[0], level=0)["FP vs doing nothing"]
    forgot = list(first.index[first == "below"])
    rest = list(first.index[first != "below"])
    if not forgot:
        return (f"No method's {metric} in full precision is decidedly below doing nothing's ({_how(n)}), so there "
                "is no forgetting for quantization to undo.")
    text = f"In full precision {_labels(forgot)} forget{'s' if len(forgot) == 1 else ''} ({metric} decidedly " \
           f"below doing nothing's)"
    if rest:
        text += f"; {_labels(rest)} {'does' if len(rest) == 1 else 'do'} not, beyond seed noise"
    broken = broken_widths(ptq)
    per_width = []
    for bits in _widths(ptq):
        verdict = table.xs(bits, level=0).loc[forgot, "vs doing nothing"]
        kept = list(verdict.index[verdict == "below"])
        whose = "all of them" if kept == forgot else _labels(kept) if kept else "none of them"
        per_width.append(f"at {bits} for {whose}"
                         + (" (a width that breaks the models)" if bits in broken else ""))
    return (text + f". Their forgetting survives post-training quantization ({metric} still decidedly below "
            f"doing nothing's quantized the same way) {'; '.join(per_width)} ({_how(n)}).")


# ----------------------------------------------------------------------------- relearning
def _steps(relearn: pd.DataFrame, steps) -> int:
    columns = list(relearn.columns)
    if steps not in columns:
        raise ValueError(f"{steps!r} is not a number of steps of this relearn frame; it has {columns}")
    return steps


def _attacks(relearn: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(relearn.index.get_level_values(2)))


def _check_attack(relearn: pd.DataFrame, attack: str) -> None:
    if attack not in _attacks(relearn):
        raise ValueError(f"{attack!r} is not an attack of this relearn frame; it has {_attacks(relearn)}")


def _gain(relearn: pd.DataFrame, method: str, steps: int, attack: str) -> pd.Series:
    """FA after ``steps`` steps of ``attack`` minus FA before the attack (the frame's first column), per seed."""
    return per_seed(relearn, method, steps, attack) - per_seed(relearn, method, min(relearn.columns), attack)


def _retrain_gain(relearn: pd.DataFrame, attack: str) -> pd.Series:
    """Retrain's gain of FA (mean over seeds) after each number of steps of ``attack`` (index: steps)."""
    return pd.Series({k: _gain(relearn, RETRAIN, k, attack).mean() for k in sorted(relearn.columns)})


def telling_steps(relearn: pd.DataFrame, attack: str = "forget 1 %", points: float = RELEARNED_POINTS) -> int:
    """The most fine-tuning steps of ``attack`` at which Retrain has not yet learned the class: the last number of
    steps, going up, before Retrain's FA (mean over seeds) first rises more than ``points`` above its FA before the
    attack. Later, a model that never held the class learns it from the attack's images too, and a gain beside
    Retrain's no longer tells a hidden class from a new one."""
    check_frame(relearn, "relearn")
    _require(relearn, "relearn", (RETRAIN,))
    _check_attack(relearn, attack)
    gain, chosen = _retrain_gain(relearn, attack), min(relearn.columns)
    for k, g in gain.items():
        if g > points:
            break
        chosen = k
    return int(chosen)


def relearn_table(relearn: pd.DataFrame, steps: int | None = None) -> pd.DataFrame:
    """Per attack and method (Retrain left out): the *gain* of FA after ``steps`` fine-tuning steps (FA after minus
    FA before the attack) against Retrain's gain after the same steps, paired over seeds. Without ``steps``, each
    attack is read at :func:`telling_steps` (the most steps at which Retrain has not yet learned the class).

    The gain, not the FA reached, is compared: a method that never forgot (GA or IU, say, with a high FA before
    the attack) would otherwise read as "relearned" without the attack doing anything.

    Columns: ``steps``; ``before`` (FA at 0 steps), ``after``, ``gain``, ``Retrain's before``, ``Retrain's after``,
    ``Retrain's gain`` (means over seeds); ``gain - Retrain's`` (mean), its 95 % t interval (``low``, ``high``) and
    ``verdict``: ``"above"`` (the method regains decidedly more than Retrain: the class comes back more easily than
    into a model that never learned it), ``"below"``, ``"equal"`` (the same gain as Retrain's on every seed) or
    ``"undecided"``; ``before vs Retrain``, the same reading of the FA before the attack (``"above"``: the method
    never forgot as Retrain did). ``attrs["steps"]``: ``{attack: steps read}``.
    """
    check_frame(relearn, "relearn")
    _require(relearn, "relearn", (RETRAIN,))
    first = min(relearn.columns)
    rows, read = {}, {}
    for attack in _attacks(relearn):
        k = read[attack] = telling_steps(relearn, attack) if steps is None else _steps(relearn, steps)
        reference = _gain(relearn, RETRAIN, k, attack)
        ref_before = per_seed(relearn, RETRAIN, first, attack)
        for m in methods_in(relearn, leave_out=(RETRAIN,)):
            gain, before = _gain(relearn, m, k, attack), per_seed(relearn, m, first, attack)
            iv = _interval(gain, reference)
            rows[(attack, m)] = {"steps": k, "before": before.mean(), "after": per_seed(relearn, m, k, attack).mean(),
                                 "gain": gain.mean(), RETRAIN_BEFORE: ref_before.mean(),
                                 "Retrain's after": per_seed(relearn, RETRAIN, k, attack).mean(),
                                 RETRAIN_GAIN: reference.mean(), "gain - Retrain's": (gain - reference).mean(),
                                 **_bounds(iv), "verdict": _LEVEL[_verdict(gain, reference)],
                                 "before vs Retrain": _LEVEL[_verdict(before, ref_before)]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index = pd.MultiIndex.from_tuples(out.index, names=["attack", "method"])
    out.attrs["steps"] = read
    return out


def _attack_rows(table: pd.DataFrame, attack: str) -> pd.DataFrame:
    """The rows of one attack of :func:`relearn_table` (index: method)."""
    attacks = list(dict.fromkeys(table.index.get_level_values(0)))
    if attack not in attacks:
        raise ValueError(f"{attack!r} is not an attack of this relearn frame; it has {attacks}")
    return table.xs(attack, level=0)


def hiding_methods(relearn: pd.DataFrame, attack: str = "forget 1 %", steps: int | None = None) -> list[str]:
    """The methods (doing nothing left out) whose gain of FA after ``steps`` steps of ``attack`` (default
    :func:`telling_steps`) is decidedly above Retrain's gain (:func:`relearn_table`): they hide the class rather
    than remove it."""
    rows = _attack_rows(relearn_table(relearn, steps), attack).drop(index=ORIGINAL, errors="ignore")
    return list(rows.index[rows["verdict"] == "above"])


def _regainers(methods: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The methods of ``methods`` (an attack's rows of :func:`relearn_table`, doing nothing left out) that regain
    decidedly more than Retrain, split in two: those that had forgotten the class as Retrain had (they hide it) and
    those whose FA before the attack was already above Retrain's (they regain the part they did remove)."""
    above = list(methods.index[methods["verdict"] == "above"])
    partial = [m for m in above if methods.loc[m, "before vs Retrain"] == "above"]
    return [m for m in above if m not in partial], partial


def _gains(methods: pd.DataFrame, names: list[str]) -> str:
    """``"a gain of +60.0 points"`` / ``"gains of +99.3 and +98.4 points"``: the gains of ``names``."""
    values = join_words(f"{methods.loc[m, 'gain']:+.1f}" for m in names)
    return f"{'a gain' if len(names) == 1 else 'gains'} of {values} points"


def _where(relearn: pd.DataFrame, attack: str) -> str:
    """The attack in words, with the number of images of a forget-set attack when the audit recorded it."""
    images = relearn.attrs.get("forget attack samples") if attack != "retain" else None
    return ATTACKS[attack] + (f" ({int(images)} image{'s' if int(images) != 1 else ''})" if images else "")


def _later(relearn: pd.DataFrame, attack: str, steps: int) -> str:
    """Why the frame's most steps are not read: Retrain has learned the class by then (``""`` when it has not)."""
    last = max(relearn.columns)
    if steps == last or _retrain_gain(relearn, attack)[last] <= RELEARNED_POINTS:
        return ""
    return (f"by {last} steps Retrain has learned the class from the same images too "
            f"({per_seed(relearn, RETRAIN, last, attack).mean():.1f} %), so {last} steps no longer tell a hidden "
            "class from a new one")


def relearn_words(relearn: pd.DataFrame, attack: str = "forget 1 %", steps: int | None = None) -> str:
    """After ``steps`` fine-tuning steps of ``attack`` (default :func:`telling_steps`, said in the text), whose FA
    rises decidedly more than Retrain's after the same steps (the gain, paired over seeds, :func:`relearn_table`)?
    Methods whose FA before the attack is already decidedly above Retrain's are named as not having forgotten the
    class as Retrain had; if their gain is decidedly above Retrain's too, they are named apart from the methods that
    hide the class: the part of the class they did remove comes back faster than into a model that never learned it.
    Doing nothing is described, not judged."""
    table = relearn_table(relearn, steps)
    rows = _attack_rows(table, attack)
    k, first = table.attrs["steps"][attack], min(relearn.columns)
    text = (f"After {k} steps {_where(relearn, attack)}, Retrain (which never learned the class) reaches an FA of "
            f"{per_seed(relearn, RETRAIN, k, attack).mean():.1f} % "
            f"(from {per_seed(relearn, RETRAIN, first, attack).mean():.1f} %)")
    if ORIGINAL in rows.index:
        text += f" and doing nothing {rows.loc[ORIGINAL, 'after']:.1f} % (from {rows.loc[ORIGINAL, 'before']:.1f} %)"
    if steps is None and k < max(relearn.columns):
        text += (f"; {k} is the most steps at which Retrain's FA stays within {RELEARNED_POINTS:.0f} points of "
                 "where it started")
    text += "."
    methods = rows.drop(index=ORIGINAL, errors="ignore")
    never = list(methods.index[methods["before vs Retrain"] == "above"])
    if never:
        values = join_words(f"{methods.loc[m, 'before']:.1f} %" for m in never)
        whose = "its" if len(never) == 1 else "their"
        text += (f" {_labels(never)} had not forgotten the class as Retrain had: {whose} FA before the attack is "
                 f"already {values} (decidedly above Retrain's {rows[RETRAIN_BEFORE].iloc[0]:.1f} %).")
    groups = {v: list(methods.index[methods["verdict"] == v]) for v in ("below", "equal", "undecided")}
    hiding, partial = _regainers(methods)
    parts = []
    if hiding:
        one = len(hiding) == 1
        parts.append(f"{_labels(hiding)} {'regains' if one else 'regain'} decidedly more than Retrain "
                     f"({_gains(methods, hiding)} against Retrain's {rows[RETRAIN_GAIN].iloc[0]:+.1f}): "
                     + HIDING[attack].format(it="it hides" if one else "they hide"))
    else:
        parts.append("no method that had forgotten the class as Retrain had regains decidedly more than Retrain"
                     if partial else "no method regains decidedly more than Retrain")
    if partial:
        one = len(partial) == 1
        parts.append(f"{_labels(partial)}, whose FA started above Retrain's, {'regains' if one else 'regain'} "
                     f"decidedly more than Retrain{' too' if hiding else ''} ({_gains(methods, partial)}): the part "
                     f"of the class {'it' if one else 'they'} did remove comes back faster than into a model that "
                     "never learned it, so that part was hidden rather than removed")
    if groups["below"]:
        parts.append(f"{_labels(groups['below'])} {'regains' if len(groups['below']) == 1 else 'regain'} "
                     "decidedly less than Retrain")
    if groups["equal"]:
        parts.append(f"the FA of {_labels(groups['equal'])} moves exactly as Retrain's on every seed")
    if groups["undecided"]:
        parts.append(f"the gain of {_labels(groups['undecided'])} cannot be told apart from Retrain's (undecided)")
    text += " " + capital("; ".join(parts)) + f" ({_how(seed_count(relearn))})."
    later = _later(relearn, attack, k)
    return text + (f" {capital(later)}." if later else "")


def hiding_words(relearn: pd.DataFrame, attack: str = "forget 1 %") -> str:
    """One sentence for the chapter's summary: after :func:`telling_steps` steps of ``attack``, which methods regain
    decidedly more of the class than Retrain (:func:`hiding_methods`; those whose FA before the attack was already
    above Retrain's named apart, as regaining the part they did remove), and whether Retrain learns it later."""
    table = relearn_table(relearn)
    hiding, partial = _regainers(_attack_rows(table, attack).drop(index=ORIGINAL, errors="ignore"))
    k = table.attrs["steps"][attack]
    who = (f"{_labels(hiding)} {'regains' if len(hiding) == 1 else 'regain'} decidedly more of the class than "
           "Retrain" if hiding else "no method that had forgotten the class as Retrain had regains decidedly more "
           "of it than Retrain" if partial else "no method regains decidedly more of the class than Retrain")
    if partial:
        one = len(partial) == 1
        who += (f", and {_labels(partial)} (whose FA started above Retrain's) decidedly more of the part "
                f"{'it' if one else 'they'} did remove")
    later = _later(relearn, attack, k)
    return (f"After {k} steps of fine-tuning {_where(relearn, attack)}, {who} "
            f"({_how(seed_count(relearn))})" + (f"; {later}" if later else ""))


__all__ = ["ORIGINAL", "RETRAIN", "EXPORT_MODELS", "BITS", "ATTACKS", "HIDING", "BROKEN_POINTS", "FORMATS",
           "check_frame",
           "methods_in", "seed_count", "seed_mean_sd", "per_seed", "export_table", "export_words", "agreement_words",
           "size_words", "flip_table", "flip_words", "broken_widths", "ptq_table", "ptq_words", "surviving_words",
           "RELEARNED_POINTS", "telling_steps", "relearn_table", "hiding_methods", "relearn_words", "hiding_words"]
