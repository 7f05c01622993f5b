"""Chapter 2's readings: what the prose says about the three forgetting objectives, computed from its numbers.

Every function here takes the numbers one section of ``02_entropy_unlearning.ipynb``
has just computed (small tensors, dicts and the summary table) and returns a dict
``{glue name: value}``: numbers stay numbers, sentences are Markdown strings
(glued with ``{glue:md}``). :func:`glue_all` glues such a dict, so that each of the
chapter's hidden cells is a single call. Each wording branch is tested on
constructed inputs in ``tests/test_ch02_readings.py``.

Chapter 2 runs one seed; its sentences describe that run, they do not decide a
ranking (chapter 5 does that over seeds with paired intervals).
"""
from __future__ import annotations

import math

import torch

from ..notebook import glue_all  # noqa: F401  (the chapter's cells call ch02.glue_all)
from ..words import join_words

ORIGINAL, RETRAIN, RETRAIN2 = "original", "Retrain", "Retrain′ (independent seed)"
RANDOM, SIMILAR, EGU, OEU = "Random Labels", "Similar Labels", "max entropy (EGU)", "OEU"
LABEL_OBJECTIVES = (RANDOM, SIMILAR)
ENTROPY_METHODS = (EGU, OEU)
OBJECTIVE_NAMES = {"random": RANDOM, "similar": SIMILAR, "entropy": EGU}
SHORT_NAMES = {ORIGINAL: "orig", RETRAIN: "retrain", RANDOM: "rl", SIMILAR: "sl", EGU: "egu", OEU: "oeu",
               RETRAIN2: "retrain2"}          # the short names of the chapter's glue keys

PEAKED = 0.5            # a prediction whose top probability exceeds this is still peaked (not Fig. 4's flat one)
ONE_HOT_TOLERANCE = 0.1   # nats: a free-logit path within this of H = 0 and KL = log K sits at Theorem 4.1's optimum
UNIFORM_TOLERANCE = 1e-3  # nats: a path whose KL to uniform is below this sits at Theorem 4.2's optimum
DAMAGE_POINTS = 1.0     # test accuracy lost, in points, beyond which a method "damages" the model
# Readings that may hold $math$: the chapter pastes them with {glue:md}`name:myst`, since the default
# (CommonMark) format of {glue:md} would print the dollars.
MYST_READINGS = frozenset({"retrain_summary", "label_lead", "rl_reading", "egu_far", "retrain_confidence",
                           "summary_run"})


def _need(mapping, names, what: str):
    missing = [n for n in names if n not in mapping]
    if missing:
        raise ValueError(f"{what} lacks {missing}; it has {list(mapping)}")


def points(a: float, b: float) -> float:
    """``a - b`` in points, computed from the unrounded values and rounded to one decimal.

    TA 97.22 against 93.75 is 3.5 points (3.47), even though the two print as
    97.2 and 93.8; rounding before subtracting would say 3.4.
    """
    return round(a - b, 1)


def sampling_error_words(error: float, n: int) -> str:
    """The binomial sampling error of a share of ``n`` images, said the same way in chapters 2 and 4.

    ``error`` is one standard error in points at the test accuracy's rate,
    ``100 * sqrt(p (1 - p) / n)`` with ``p = TA / 100``.
    """
    if n < 1 or error < 0:
        raise ValueError(f"need n >= 1 and error >= 0, got {n}, {error}")
    return (f"two binomial standard errors of a share of {n} images (one standard error is ±{error:.1f} points "
            "at the test accuracy's rate)")


def oracle_caveat(ra_retrain: float, ra_second: float, seed: int) -> str:
    """:func:`helpers.experiments.compare.undertrained_words` for a page with one seed: ``""`` when the second
    Retrain (Retrain′) trained as well as Retrain, else the caution sentence naming ``seed`` and both RAs."""
    from ..experiments.compare import is_undertrained, undertrained_words

    return undertrained_words({seed: (ra_retrain, ra_second)} if is_undertrained(ra_retrain, ra_second) else {})


def update_steps(epochs: int, batch_size: int, n_forget: int) -> int:
    """The number of update steps of the unlearning loop: one per forget batch per epoch."""
    if epochs < 0 or batch_size < 1 or n_forget < 1:
        raise ValueError(f"need epochs >= 0, batch_size >= 1, n_forget >= 1; got {epochs}, {batch_size}, {n_forget}")
    return epochs * math.ceil(n_forget / batch_size)


# ----------------------------------------------------------------------------------------- Sec. 2.1: the oracle
def retrain_readings(fa: float, ta: float, n_forget: int, floor: float | None = None) -> dict:
    """Retrain's forget accuracy against its test accuracy (Sec. 2.1 and the summary).

    FA on ``n_forget`` images has a binomial sampling error of about
    ``sqrt(p (1 - p) / n)``; FA is *close to* TA when the two differ by at most
    twice that error (at TA's rate). A larger gap is set against ``floor``, the
    FA gap between two independently seeded Retrains, when given. Also says
    whether Retrain still classifies most forgotten images correctly (FA above 50 %).
    """
    if n_forget < 1 or not (0 <= fa <= 100 and 0 <= ta <= 100):
        raise ValueError(f"need n_forget >= 1 and accuracies in [0, 100]; got {n_forget}, {fa}, {ta}")
    p = ta / 100
    error = 100 * math.sqrt(max(p * (1 - p), 1e-12) / n_forget)
    gap = points(fa, ta)
    if abs(gap) <= 2 * error:
        fa_ta = f"close to its TA ({ta:.1f}%), within {sampling_error_words(error, n_forget)}"
        short = f"its FA, {fa:.1f}%, is close to its TA, {ta:.1f}%"
    else:
        side = "above" if gap > 0 else "below"
        fa_ta = f"{abs(gap):.1f} points {side} its TA ({ta:.1f}%), more than {sampling_error_words(error, n_forget)}"
        if floor is not None:
            fa_ta += (f" but {'no more' if abs(gap) <= floor else 'more'} than the {floor:.1f} points between the FAs "
                      "of two independently seeded Retrains (below)")
        short = f"its FA, {fa:.1f}%, is {abs(gap):.1f} points {side} its TA, {ta:.1f}%"
    if fa > 50:
        majority = f"the gold standard still classifies most forgotten images correctly ({fa:.1f}%)"
        summary = f"for random forgetting it still classifies most of $D_f$ correctly ({short})"
    else:
        majority = f"the gold standard misclassifies most forgotten images (its FA is {fa:.1f}%)"
        summary = f"here it misclassifies most of $D_f$ ({short})"
    return {"retrain_fa_ta": fa_ta, "retrain_majority": majority, "retrain_summary": summary}


# -------------------------------------------------------------------------------- Sec. 2.3: the gradient of Eq. 7
def positive_gradient_words(gradient: torch.Tensor, logits: torch.Tensor) -> str:
    """Which classes have a positive gradient of ``-H`` (those a descent step lowers), for one sample's logits."""
    if gradient.shape != logits.shape or gradient.dim() != 1:
        raise ValueError(f"need one sample's gradient and logits of equal shape (K,); got {tuple(gradient.shape)} "
                         f"and {tuple(logits.shape)}")
    positive = (gradient > 0).nonzero().flatten().tolist()
    top = int(logits.argmax())
    if not positive:
        return "none of them: the prediction is already uniform"
    if positive == [top]:
        return f"one class, {top}, the predicted one"
    among = "the predicted one among them" if top in positive else "not including the predicted one"
    return f"{len(positive)} classes, {join_words(str(c) for c in positive)}, {among}"


def logit_path_readings(paths: dict, num_classes: int, start_entropy: float) -> dict:
    """Where free-logit descent ends under each objective, and how fast it leaves the start (Sec. 2.3).

    ``paths`` maps ``"Random Labels"``, ``"Similar Labels"`` and ``"max entropy (EGU)"``
    to :func:`helpers.chapters.forget_objectives.optimize_logits` paths (at least 101 steps).
    A label path sits at Theorem 4.1's optimum when its final H is within
    ``ONE_HOT_TOLERANCE`` of 0 and its KL within it of ``log K``; EGU's at Theorem
    4.2's when its final KL is below ``UNIFORM_TOLERANCE``. Random Labels *moves
    at once* when its entropy has changed by a tenth of ``log K`` or more after 10
    steps; EGU *barely moves* when its entropy has risen by less than that after
    100 steps. ``start_entropy``: the sample's entropy under the original model.
    """
    _need(paths, (RANDOM, SIMILAR, EGU), "paths")
    if num_classes < 2:
        raise ValueError(f"need at least 2 classes, got {num_classes}")
    if any(len(p["H"]) < 101 for p in paths.values()):
        raise ValueError("every path needs at least 100 steps")
    log_k = math.log(num_classes)
    at_one_hot = [n for n in LABEL_OBJECTIVES
                  if paths[n]["H"][-1] <= ONE_HOT_TOLERANCE and paths[n]["KL"][-1] >= log_k - ONE_HOT_TOLERANCE]
    at_uniform = paths[EGU]["KL"][-1] < UNIFORM_TOLERANCE
    steps = len(paths[EGU]["H"]) - 1
    if len(at_one_hot) == 2 and at_uniform:
        verdict = "Both theorems hold"
    else:
        parts = []
        if len(at_one_hot) == 2:
            parts.append("the label objectives end at Theorem 4.1's one-hot")
        elif at_one_hot:
            parts.append(f"only {at_one_hot[0]} ends at Theorem 4.1's one-hot within {steps} steps")
        else:
            parts.append(f"the label objectives are still short of Theorem 4.1's one-hot after {steps} steps")
        parts.append("EGU ends at Theorem 4.2's uniform distribution" if at_uniform else
                     f"EGU is still short of Theorem 4.2's uniform distribution after {steps} steps")
        verdict = parts[0][0].upper() + parts[0][1:] + ", and " + parts[1]
    rl_10, egu_100 = paths[RANDOM]["H"][10], paths[EGU]["H"][100]
    if abs(rl_10 - start_entropy) >= 0.1 * log_k:
        rl_start = (f"Random Labels moves at once: after ten steps its entropy has gone from {start_entropy:.3f} to "
                    f"{rl_10:.2f} nats, on the way from one one-hot to another")
    else:
        rl_start = f"Random Labels too starts slowly: after ten steps its entropy is {rl_10:.3f} nats"
    if egu_100 - start_entropy < 0.1 * log_k:
        egu_start = f"EGU barely moves at first: after 100 steps its entropy is still {egu_100:.3f} nats"
    else:
        egu_start = f"EGU moves from the start: after 100 steps its entropy is already {egu_100:.3f} nats"
    return {"paths_verdict": verdict, "rl_start": rl_start, "egu_start": egu_start}


# --------------------------------------------------------------------------- Sec. 2.4: Propositions A.5 and A.6
def target_bias(true_class: int, num_classes: int, targets: dict, seed: int, draws: int = 100_000) -> dict:
    """The numbers of Sec. 2.4: the expected random-label target p̄ of Eq. (24) (``ch2-expected-target``),
    its estimate from ``draws`` sampled labels, and the class shares of the label objectives' targets.

    ``targets``: ``{"random": labels, "similar": labels}`` over D_f (tensors of class indices).
    Returns the glued numbers (``kl_bar``, ``kl_hat``, ``kl_formula`` = log(K/(K-1)) of Eq. (25),
    ``kl_similar``, ``kl_random_share``, ``kl_noise``, ``kl_back``, ``top_similar``,
    ``top_similar_pct``) and, under ``"arrays"``, ``p_bar``, ``p_hat`` and the ``shares`` for the figure.
    ``kl_noise = (K - 1) / (2 |D_f|)`` is the expected KL of |D_f| uniform draws to U, to first order.
    """
    from ..metrics.divergence import kl_divergence
    from .forget_objectives import expected_random_label_target, sampled_random_label_target

    if set(targets) != {"random", "similar"}:
        raise ValueError(f"targets must hold 'random' and 'similar' labels, got {sorted(targets)}")
    n_forget = len(targets["random"])
    p_bar = expected_random_label_target(true_class, num_classes)
    p_hat = sampled_random_label_target(true_class, num_classes, draws=draws, seed=seed)
    uniform = torch.full((num_classes,), 1 / num_classes)
    shares = {obj: torch.bincount(labels, minlength=num_classes).float() / n_forget for obj, labels in targets.items()}
    return {"kl_bar": kl_divergence(p_bar, uniform).item(), "kl_hat": kl_divergence(p_hat, uniform).item(),
            "kl_formula": math.log(num_classes / (num_classes - 1)),
            "kl_similar": kl_divergence(shares["similar"], uniform).item(),
            "kl_random_share": kl_divergence(shares["random"], uniform).item(),
            "kl_noise": (num_classes - 1) / (2 * n_forget), "kl_back": kl_divergence(uniform, p_bar).item(),
            "top_similar": int(shares["similar"].argmax()), "top_similar_pct": 100 * shares["similar"].max().item(),
            "arrays": {"p_bar": p_bar, "p_hat": p_hat, "shares": shares}}


def target_bias_readings(kl_bar: float, kl_hat: float, kl_formula: float, kl_random: float, kl_similar: float,
                         kl_noise: float) -> dict:
    """Proposition A.6 checked three ways, and how far the label shares over D_f are from uniform (Sec. 2.4).

    ``kl_bar``: KL(p̄ || U) from Eq. (24); ``kl_hat``: from sampled labels;
    ``kl_formula``: ``log(K / (K - 1))``. The proposition *checks out* when the
    exact value matches the formula to 1e-6 and the sampled one to 2 %.
    ``kl_random`` / ``kl_similar``: KL of the Random / Similar Labels' class shares
    over D_f to uniform; ``kl_noise``: what uniform draws give by chance.
    """
    values = dict(kl_bar=kl_bar, kl_hat=kl_hat, kl_formula=kl_formula, kl_random=kl_random,
                  kl_similar=kl_similar, kl_noise=kl_noise)
    if any(v < 0 or math.isnan(v) for v in values.values()) or kl_noise == 0 or kl_formula == 0:
        raise ValueError(f"need non-negative KL divergences and positive kl_noise, kl_formula; got {values}")
    exact = abs(kl_bar - kl_formula) < 1e-6
    sampled = abs(kl_hat - kl_formula) <= 0.02 * kl_formula
    if exact and sampled:
        a6 = "Proposition A.6 checks out"
    elif exact:
        a6 = "Proposition A.6 checks out exactly, though the sampled estimate strays by more than 2 %"
    else:
        a6 = "Proposition A.6 does *not* check out here"
    noise = kl_random / kl_noise
    rl_noise = "about the size of" if 0.4 < noise < 2.5 else "well above" if noise >= 2.5 else "well below"
    if kl_random == 0:
        sl_vs_rl = "farther from uniform than the random labels, whose shares are exactly uniform"
    else:
        ratio = kl_similar / kl_random
        sl_vs_rl = (f"{ratio:.1f} times as far" if ratio >= 1.5 else "about as far" if ratio > 1 / 1.5
                    else "closer to uniform than the random labels")
    return {"a6_verdict": a6, "rl_noise": rl_noise, "sl_vs_rl": sl_vs_rl}


# ------------------------------------------------------------------------------- Sec. 2.5: one sample (Fig. 4)
def _mass_words(name, p, true_class, target, similar_of_sample, same_digit_labels):
    """Where one label objective put the probability the true class lost; and whether it is its own target."""
    k = max((c for c in range(len(p)) if c != true_class), key=lambda c: p[c])   # the wrong class holding most
    text = f"under {name} the largest wrong probability, {p[k]:.2f}, is on class {k}"
    if k == target:
        return text + ", the objective's own target", True
    text += f", not on the target class {target} ({p[target]:.3f})"
    label, n_k, n = name[:-1], int((same_digit_labels == k).sum()), len(same_digit_labels)
    if n and k == int(torch.bincount(same_digit_labels, minlength=len(p)).argmax()):
        text += (f"; class {k} is the {label} of {n_k} of the {n} forget images of digit {true_class}, the most "
                 "frequent one among them: the network seems to learn where images *like* ours are being sent, "
                 "not each image's own label")
    elif k == similar_of_sample:
        text += f"; class {k} is the original model's own runner-up for this image"
    else:
        text += f"; class {k} is the {label} of {n_k} of the {n} forget images of digit {true_class}"
    return text, False


def sample_readings(probs: dict, true_class: int, similar_label: int, start_entropy: float, new_labels: dict,
                    forget_targets: torch.Tensor, *, sample: int, seed: int, n_steps: int) -> dict:
    """The reading of the Fig. 4 analogue: does EGU flatten the sample as in the paper, and where the label
    objectives put the mass they took (Sec. 2.5).

    ``probs``: model name -> the sample's softmax (length K), for ``"original"``,
    the two label objectives, EGU and OEU; ``new_labels``: label objective ->
    its labels over D_f (the sample's is ``new_labels[name][sample]``);
    ``forget_targets``: D_f's true labels. The paper's picture is reproduced
    when neither EGU's nor OEU's top probability exceeds ``PEAKED``.
    """
    _need(probs, (ORIGINAL, *LABEL_OBJECTIVES, *ENTROPY_METHODS), "probs")
    _need(new_labels, LABEL_OBJECTIVES, "new_labels")
    if not 0 <= sample < len(forget_targets) or int(forget_targets[sample]) != true_class:
        raise ValueError(f"sample {sample} is not a forget image of class {true_class}")
    lost = {name: float(probs[ORIGINAL][true_class] - p[true_class]) for name, p in probs.items()}
    label_lost = max(lost[n] for n in LABEL_OBJECTIVES)
    entropy_lost = max(lost[n] for n in ENTROPY_METHODS)
    how_far = "only slightly" if label_lost < 0.2 else "noticeably" if label_lost < 0.5 else "a lot"
    egu_part = ("EGU and OEU, which leave it almost exactly as confident as before" if entropy_lost < 0.01 else
                f"EGU and OEU, which take at most {entropy_lost:.2f} off it")
    moves = (f"the label objectives move the sample {how_far} (the true class loses at most {label_lost:.2f} of its "
             "probability), " + ("but more than " if label_lost > entropy_lost else "and no more than ") + egu_part)
    if max(float(max(probs[n])) for n in ENTROPY_METHODS) > PEAKED:        # still peaked: not the paper's Fig. 4
        verdict = (f"On our run (SEED = {seed}, SAMPLE = {sample}) this is *not* the paper's Fig. 4: {moves}. The "
                   f"sample starts at an entropy of {start_entropy:.3f} nats, where the entropy loss's gradient is negligible "
                   f"(the saturation of Sec. 2.3), and {n_steps} update steps cannot move it.")
    else:
        verdict = (f"On our run (SEED = {seed}, SAMPLE = {sample}) EGU and OEU flatten the prediction as in the "
                   f"paper's Fig. 4, and {moves}.")
    out = {"n_steps": n_steps, "fig4_verdict": verdict}
    same_digit = forget_targets == true_class
    hits = 0
    for name in LABEL_OBJECTIVES:
        text, hit = _mass_words(name, probs[name], true_class, int(new_labels[name][sample]), similar_label,
                                new_labels[name][same_digit])
        out[f"mass_{SHORT_NAMES[name]}"], hits = text, hits + hit
    out["mass_lead"] = ("Not where Theorem 4.1 points" if hits == 0 else
                        "Where Theorem 4.1 points" if hits == len(LABEL_OBJECTIVES) else
                        "Only partly where Theorem 4.1 points")
    return out


# ------------------------------------------------------------------------- Sec. 2.5: the whole forget set
def _mostly_where_unsure(rise: dict) -> bool:
    """EGU acts mostly where the model was less sure: the less confident half's entropy rise is more
    than twice the more confident half's."""
    return rise["dH_unsure_egu"] > 2 * max(rise["dH_sure_egu"], 0)


def entropy_rise_by_confidence(logits: dict) -> dict:
    """How much EGU and OEU change the mean entropy of the less and the more confident half of D_f.

    ``logits``: model name -> logits over D_f, for ``"original"`` (whose median
    entropy splits D_f), EGU and OEU. EGU acts *mostly where the model was less
    sure* when the less confident half's rise is more than twice the other's.
    """
    from ..metrics.divergence import entropy

    _need(logits, (ORIGINAL, *ENTROPY_METHODS), "logits")
    before = entropy(logits[ORIGINAL])
    unsure = before > before.median()                      # the less confident half of D_f under M_0
    out = {}
    for name in ENTROPY_METHODS:
        change = entropy(logits[name]) - before
        out[f"dH_unsure_{SHORT_NAMES[name]}"] = change[unsure].mean().item()
        out[f"dH_sure_{SHORT_NAMES[name]}"] = change[~unsure].mean().item() if (~unsure).any() else 0.0
    out["egu_where"] = ("Over the whole forget set EGU does act, mostly where the model was less sure"
                        if _mostly_where_unsure(out) else
                        "Over the whole forget set EGU acts about as much on confident as on less confident samples")
    return out


def _label_lead(table) -> str:
    new = {n: table.loc[n, "predicts its new label %"] for n in LABEL_OBJECTIVES}
    drop = {n: points(table.loc[ORIGINAL, "TA"], table.loc[n, "TA"]) for n in LABEL_OBJECTIVES}
    damaging = [n for n in LABEL_OBJECTIVES if drop[n] > DAMAGE_POINTS]
    if min(new.values()) >= 99:
        reach = f"They reach Theorem 4.1's destination: each predicts its new label on at least {min(new.values()):.0f}% of $D_f$"
        if len(damaging) == len(LABEL_OBJECTIVES):
            return reach + ", at a cost to the whole model"
        if not damaging:
            return reach + ", without damaging the rest of the model"
        return reach + f"; only {damaging[0]} damages the rest of the model on the way"
    reach = "They do not reach Theorem 4.1's destination"
    if len(damaging) == len(LABEL_OBJECTIVES):
        return reach + "; they damage the model instead"
    if not damaging:
        return reach + ", nor do they change the model much"
    return reach + f"; {damaging[0]} damages the model instead, {[n for n in LABEL_OBJECTIVES if n not in damaging][0]} hardly changes it"


def _random_labels_reading(table) -> str:
    rl, orig = table.loc[RANDOM], table.loc[ORIGINAL]
    direction = "rises" if rl["mean H"] > orig["mean H"] else "falls"
    if rl["predicts its new label %"] >= 50:
        kind = "mostly the wrong answer it was trained towards"
    elif rl["FA"] >= 50 and rl["mean H"] > orig["mean H"]:
        kind = "not a confident wrong answer but, mostly, a less confident right one"
    elif rl["FA"] >= 50:
        kind = "mostly still the right answer"
    else:
        kind = "mostly neither the true label nor its new one"
    drop = points(orig["TA"], rl["TA"])
    test = ("and the damage spreads to the test set" if drop > DAMAGE_POINTS else "and the test set hardly notices")
    return (f"Random Labels predicts its random label on {rl['predicts its new label %']:.1f}% of $D_f$, and its mean "
            f"entropy there {direction} to {rl['mean H']:.2f} nats (original: {orig['mean H']:.2f}): {kind} "
            f"(FA {rl['FA']:.1f}%), {test} (TA {rl['TA']:.1f}% against the original's {orig['TA']:.1f}%)")


def _similar_labels_reading(table) -> str:
    rl, sl, orig = table.loc[RANDOM], table.loc[SIMILAR], table.loc[ORIGINAL]
    drop_rl, drop_sl = points(orig["TA"], rl["TA"]), points(orig["TA"], sl["TA"])   # test accuracy lost
    further = ("gets further towards" if sl["predicts its new label %"] > rl["predicts its new label %"]
               else "gets no further towards")
    if drop_sl > 1.5 * max(drop_rl, 0.1):
        cost = f"a cost about {drop_sl / drop_rl:.0f} times larger" if drop_rl > 0.5 else "a larger cost"
    elif drop_rl > 1.5 * max(drop_sl, 0.1):
        cost = "a smaller cost"
    else:
        cost = "a similar cost"
    return (f"Similar Labels {further} its labels ({sl['predicts its new label %']:.1f}% of the forget set) at "
            f"{cost}: TA {sl['TA']:.1f}%, {drop_sl:.1f} points below the original's, where Random Labels lose "
            f"{drop_rl:.1f}")


def _gradient_lead(norms: dict, clip: float) -> str:
    """Do the label objectives pull harder than the entropy loss, before and after the loop's clipping at ``clip``?"""
    labels = sorted((norms["random"], norms["similar"]))
    ratio = labels[0] / norms["entropy"] if norms["entropy"] > 0 else math.inf
    if ratio >= 3:
        if math.isinf(ratio):
            times = ""
        else:
            low, high = math.floor(ratio), math.floor(labels[1] / norms["entropy"])
            times = f" {low} times" if low == high else f" {low} to {high} times"
        lead = ("One step size does not suit all three objectives: cross-entropy on wrong labels, whose gradient "
                f"does not saturate on confident samples, has a raw gradient{times} larger than the entropy loss's "
                "(the paper's Eq. 7)")
        if labels[0] > clip and norms["entropy"] > 0:
            lead += (f"; the loop clips each step's gradient at norm {clip:g}, which caps the ratio of the steps "
                     f"at about {clip / norms['entropy']:.0f}")
        return lead
    if ratio <= 1 / 3:
        return ("Here the entropy loss (the paper's Eq. 7) pulls harder than cross-entropy on wrong labels, though it "
                "saturates on confident samples")
    return "The three forgetting gradients are of similar size here, so the shared step size is not what separates them"


def _entropy_readings(table, log_k: float) -> dict:
    orig, egu, oeu = table.loc[ORIGINAL], table.loc[EGU], table.loc[OEU]
    top = max(egu["mean H"], oeu["mean H"])
    rise = top - orig["mean H"]
    lead = ("It does not rise" if rise <= 0 else "It rises only slightly" if rise < 0.05 * log_k else
            "It rises moderately" if rise < 0.3 * log_k else "It rises strongly")
    far = (f"That is far from the uniform optimum ($\\log K =$ {log_k:.2f}): the saturation of Sec. 2.3 and the "
           "retain gradient hold it back" if top < 0.5 * log_k else
           f"That is more than half of the way to the uniform optimum ($\\log K =$ {log_k:.2f})")
    return {"egu_rise": lead, "egu_far": far, "egu_ta_cost": ta_change_words({"EGU": egu["TA"], "OEU": oeu["TA"]}, orig["TA"])}


def ta_change_words(tas: dict, ta_original: float) -> str:
    """What each method did to test accuracy against the original model's, from the unrounded values.

    >>> ta_change_words({"EGU": 98.33, "OEU": 96.67}, 96.94)
    'that EGU gains 1.4 points of test accuracy and OEU loses 0.3'
    """
    if not tas:
        raise ValueError("no methods to describe")
    parts = []
    for i, (name, ta) in enumerate(tas.items()):
        d = points(ta, ta_original)
        unit = " points of test accuracy" if i == 0 else ""
        parts.append(f"{name} keeps its test accuracy" if d == 0 and i == 0 else f"{name} keeps it" if d == 0 else
                     f"{name} {'gains' if d > 0 else 'loses'} {abs(d):.1f}{unit}")
    return "that " + join_words(parts)


def _fa_note(table, logits: dict, forget_targets: torch.Tensor) -> str:
    from ..metrics.divergence import entropy

    orig, rt = table.loc[ORIGINAL], table.loc[RETRAIN]
    n = len(forget_targets)
    wrong0 = logits[ORIGINAL].argmax(-1) != forget_targets
    h_before = entropy(logits[ORIGINAL])

    def flips(name):
        right = logits[name].argmax(-1) == forget_targets
        return int((wrong0 & right).sum()), int((~wrong0 & ~right).sum())

    (fixed_o, broken_o), (fixed_e, broken_e) = flips(OEU), flips(EGU)
    above = [name for name in ENTROPY_METHODS if table.loc[name, "FA"] > orig["FA"]]
    if not above:
        return (f"In the FA column, under OEU {fixed_o} of the original's {int(wrong0.sum())} forget mistakes became "
                f"right and {broken_o} new ones appeared; under EGU {fixed_e} and {broken_e}.")
    unsure_pct = 100 * (h_before >= h_before[wrong0].min()).float().mean().item() if wrong0.any() else 0.0
    away = all(abs(table.loc[a, "FA"] - rt["FA"]) > abs(orig["FA"] - rt["FA"]) for a in above)
    who, values = " and ".join(above), ", ".join(f"{table.loc[a, 'FA']:.1f}%" for a in above)
    return (f"The FA column holds a surprise: the forget accuracy of {who} ({values}) is *above* the original "
            f"model's ({orig['FA']:.1f}%). After unlearning, the model fits the forget set *better* than before"
            + (f", and so sits further from Retrain's {rt['FA']:.1f}% than the untouched model did" if away else "")
            + ". Nothing in the paper's Eq. 7 asks for a wrong answer: it rewards flat outputs, and an argmax survives a lot "
            "of flattening. Because of the saturation, the confident forget images hardly feel the objective, whose "
            "gradient comes from the uncertain ones; and that is where the original model's mistakes are: its "
            f"{int(wrong0.sum())} wrong forget images are among the {unsure_pct:.0f}% it is least sure of. Reshuffling "
            "the probabilities of those images, with a retain step on the same distribution alongside, can fix a "
            f"mistake as easily as make one: under OEU {fixed_o} of the original's mistakes became right and "
            f"{broken_o} new ones appeared, under EGU {fixed_e} and {broken_e}. On {n} images one flip is "
            f"{100 / n:.1f} points of FA.")


def _destination_words(table, log_k: float) -> str:
    reached = [n for n in LABEL_OBJECTIVES if table.loc[n, "predicts its new label %"] >= 99]
    reached += [n for n in ENTROPY_METHODS if table.loc[n, "mean H"] >= 0.95 * log_k]
    return "no method gets there" if not reached else f"only {join_words(reached)} {'gets' if len(reached) == 1 else 'get'} there"


def _retrain_entropy(table, log_k: float) -> dict:
    h = table.loc[RETRAIN, "mean H"]
    if h < 0.5 * log_k:
        return {"retrain_lead": "Retrain is not uniform",
                "retrain_confidence": (f"far below $\\log K =$ {log_k:.2f}: for random forgetting the gold standard is "
                                       "*confident* on forgotten samples. Theorem 4.2's optimum, taken literally over "
                                       "all of $D_f$, would overshoot Retrain"),
                "retrain_uniform_summary": (f"the uniform optimum is not Retrain's behaviour on random forgetting "
                                            f"(Retrain's mean entropy on $D_f$ is {h:.2f} nats against $\\log K =$ "
                                            f"{log_k:.2f}): the budget decides how far to go")}
    return {"retrain_lead": "Retrain is far from confident",
            "retrain_confidence": (f"more than half of $\\log K =$ {log_k:.2f}: here the gold standard is unsure of "
                                   "the forgotten samples, and Theorem 4.2's optimum is not far from what it does"),
            "retrain_uniform_summary": (f"Retrain itself is unsure on $D_f$ (mean entropy {h:.2f} nats against "
                                        f"$\\log K =$ {log_k:.2f}), near the uniform optimum")}


def table_readings(table, logits: dict, forget_targets: torch.Tensor, gradient_norms: dict, clip: float) -> dict:
    """Every sentence of the reading of the chapter's table (Sec. 2.5) and of the summary's last bullet.

    ``table``: the chapter's table (rows ``original``, ``Retrain``, the label
    objectives, EGU, OEU; columns ``mean H``, ``predicts its new label %``, ``FA``,
    ``TA``); ``logits``: model name -> logits over D_f (``original``, EGU, OEU);
    ``forget_targets``: D_f's labels; ``gradient_norms``: the
    :func:`helpers.chapters.forget_objectives.gradient_norms` at the original weights;
    ``clip``: the loop's gradient clipping norm.
    """
    _need(table.index, (ORIGINAL, RETRAIN, *LABEL_OBJECTIVES, *ENTROPY_METHODS), "table")
    _need(table.columns, ("mean H", "predicts its new label %", "FA", "TA"), "table's columns")
    _need(gradient_norms, ("retain", "random", "similar", "entropy"), "gradient_norms")
    log_k = math.log(logits[ORIGINAL].shape[-1])
    out = {f"gnorm_{name}": value for name, value in gradient_norms.items()}
    out["clip"] = clip
    out["label_lead"] = _label_lead(table)
    out["rl_reading"] = _random_labels_reading(table)
    out["sl_reading"] = _similar_labels_reading(table)
    out["gnorm_lead"] = _gradient_lead(gradient_norms, clip)
    out.update(_entropy_readings(table, log_k))
    out["fa_note"] = _fa_note(table, logits, forget_targets)
    out["destination"] = _destination_words(table, log_k)
    out.update(_retrain_entropy(table, log_k))
    rise = entropy_rise_by_confidence(logits)
    drops = [points(table.loc[ORIGINAL, "TA"], table.loc[n, "TA"]) for n in LABEL_OBJECTIVES]
    u, s = rise["dH_unsure_egu"], rise["dH_sure_egu"]
    why = " (the entropy loss saturates on confident samples)" if _mostly_where_unsure(rise) else ""
    label_cost = (f"the label objectives change test accuracy by {-drops[0]:+.1f} (Random) and {-drops[1]:+.1f} "
                  "(Similar) points")
    out["summary_run"] = (f"EGU changes the mean entropy of the less confident half of $D_f$ by {u:+.3f} nats and "
                          f"of the more confident half by {s:+.4f}{why}, while {label_cost}; "
                          f"and {out.pop('retrain_uniform_summary')}")
    return out


__all__ = ["MYST_READINGS", "SHORT_NAMES", "OBJECTIVE_NAMES", "glue_all", "points", "sampling_error_words",
           "oracle_caveat", "ta_change_words", "update_steps", "retrain_readings",
           "positive_gradient_words", "logit_path_readings", "target_bias_readings", "sample_readings",
           "entropy_rise_by_confidence", "table_readings"]
