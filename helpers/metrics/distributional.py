"""The field's distributional test of forgetting, on arrays of model outputs.

Two measurements compare, **example by example**, a population of ``N``
unlearned models with a population of ``N`` retrained models (Retrain run with
``N`` independent seeds). Inputs are arrays of shape ``(N, S)``: one scalar
output per model and forget example. Nothing here knows about models, so the
quantized nets, the VQC and the hybrids all use the same code.

1. **The NeurIPS 2023 Machine Unlearning challenge score** (Triantafillou et
   al., 2024, "Are we making progress in unlearning?", arXiv 2406.09073; the
   evaluation section and the released scoring code, google-deepmind/
   ``unlearning_evaluation``, ``metric.py``). Per forget example ``s``:

   - the scalar output is the **logit-scaled confidence**
     ``c = log p_y - log(1 - p_y)`` (:func:`logit_scaled_confidence`);
   - a family of attacks separates the two populations: every *single
     threshold* ``c >= t`` on a grid of 100 thresholds per unit between the
     smallest and the largest output, and every *double threshold*
     ``l <= c <= r`` (an interval, predicted as the less spread population;
     ``r`` on a grid of 400 points within 2 units of that population's range,
     ``l`` on a grid of 400 points around ``r - width``), exactly the grids of
     ``metric.py``. The "positive" population of an example is the one with the
     larger median;
   - each attack with false positive rate FPR and false negative rate FNR
     bounds the privacy parameter by the hypothesis-testing view of
     differential privacy (Kairouz et al., 2015):

     ``eps >= max( log(1 - delta - FPR) - log FNR , log(1 - delta - FNR) - log FPR )``

     An attack with FPR = FNR = 0 (perfect separation) gives ``eps = inf``; an
     attack with exactly one of them zero is discarded (too few samples to
     estimate it). The per-example ``eps_s`` is the largest bound over all
     attacks, clipped to ``[0, 50]``. ``delta = 1e-5`` as in ``metric.py``.
     If one population's range is below 1 % of the other's (a "peaky"
     unlearned population) ``eps_s = 50`` directly, as ``metric.py`` does;
   - **binning**: ``eps_s`` falls into bin ``n = 1, 2, ...`` of width 0.5
     (``[0, 0.5)`` is bin 1) and scores ``h(eps_s) = 2 / 2^n`` points: 1, 1/2,
     1/4, ... Only bins that end at or below ``ceil(log(N - 1))`` exist (the
     largest epsilon ``N`` samples can resolve, ``metric.py``); an ``eps_s`` beyond
     them scores 0;
   - the **forgetting quality** is ``F = mean_s h(eps_s)``: 1 when no attack
     tells the populations apart on any example, 0 when every example is
     perfectly separated; and the **final score** multiplies in utility:
     ``F * (RA_u / RA_r) * (TA_u / TA_r)`` with accuracies averaged over each
     population (``main.py``).

2. **U-LiRA** (Hayes et al., 2024, "Inexact unlearning needs more careful
   evaluations to avoid a false sense of privacy", arXiv 2403.01218): a
   *per-example* likelihood-ratio membership test. For each example, fit a
   Gaussian to the logit-scaled confidences of the unlearned models ("in":
   trained on it, then unlearned) and one to the retrained models ("out"), and
   call a model "unlearned" when ``N(c; mu_in, sd_in) > N(c; mu_out, sd_out)``.
   The attack's accuracy on held-out models is 50 % when the populations are
   indistinguishable and 100 % when every model is told apart.

Deviations, named:

- ``metric.py`` adds ``1e-45`` inside both logarithms of the confidence
  (capping it near +-103); :func:`logit_scaled_confidence` computes the same
  quantity exactly with a log-sum-exp, in float64.
- ``metric.py`` asserts when no attack survives the discarding rule; here that
  example gets ``eps = 0`` (no attack found evidence), as in later re-releases.
- U-LiRA as published trains shadow *original* models on random halves of the
  data and unlearns each, so its "in" population varies over the original's
  training too. Here every unlearned model starts from the **same** original
  (the challenge's protocol), so the "in" population varies only over the
  unlearning run's randomness: a narrower "in" population, an easier attack.
  Instead of separate shadow and target models, the ``N`` models of each
  population are split into two folds (model ``i`` in fold ``i % 2``): the
  Gaussians are fitted on one fold and the other is attacked, both ways
  (cross-fitting). The standard deviations are sample
  standard deviations (``ddof=1``) with a floor of ``1e-6``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .mia import roc

DELTA = 1e-5                    # metric.py's DELTA
EPSILON_CAP = 50.0              # metric.py's EPSILON_CAP
THRESHOLDS_PER_UNIT = 100       # metric.py's NUM_THRESHOLDS_PER_UNIT
BIN_WIDTH = 0.5                 # metric.py's bucket_size
PEAKY_RATIO = 0.01              # metric.py: smallest / largest range below this gives EPSILON_CAP
DOUBLE_BUFFER = 2.0             # metric.py's buffer of the double-threshold grid
MIN_STD = 1e-6                  # floor of U-LiRA's fitted standard deviations


# --------------------------------------------------------------------------- inputs
def logit_scaled_confidence(logits, labels) -> np.ndarray:
    """``log p_y - log(1 - p_y)`` per row, in float64 (LiRA's statistic; challenge ``metric.py``).

    ``p = softmax(logits)``; computed as ``z_y - logsumexp_{k != y} z_k``,
    which is exact and never overflows (``metric.py`` adds ``1e-45`` inside
    each log instead). ``logits`` is ``(S, C)`` with ``C >= 2``, ``labels`` ``(S,)``.
    """
    z = _checked(logits, "logits", "an (S, C) array with C >= 2 classes", (0, 2))
    y = np.asarray(labels)
    if y.shape != (z.shape[0],) or not np.issubdtype(y.dtype, np.integer) or (y < 0).any() or (y >= z.shape[1]).any():
        raise ValueError(f"labels must be {z.shape[0]} integers in [0, {z.shape[1]}), got {y.dtype} of shape {y.shape}")
    rows = np.arange(z.shape[0])
    z_true = z[rows, y]
    others = z.copy()
    others[rows, y] = -np.inf
    top = others.max(axis=1)
    lse_others = top + np.log(np.exp(others - top[:, None]).sum(axis=1))
    return z_true - lse_others


def _checked(value, name: str, shape: str = "non-empty", minimum: tuple = (), *, nonnegative: bool = False,
             finite: bool = True) -> np.ndarray:
    """``value`` as a float64 array, or a ``ValueError`` naming ``name``: with ``minimum``, ``len(minimum)`` axes
    of at least those lengths (described by ``shape``), else non-empty; no NaN, no infinity unless
    ``finite=False``, no negative entry with ``nonnegative``."""
    a = np.asarray(value, dtype=np.float64)
    if (a.ndim != len(minimum) or any(n < m for n, m in zip(a.shape, minimum))) if minimum else a.size == 0:
        raise ValueError(f"{name} must be {shape}, got shape {a.shape}")
    if np.isnan(a).any() or (finite and np.isinf(a).any()) or (nonnegative and (a < 0).any()):
        raise ValueError(f"{name} must be {'non-negative ' * nonnegative}{'finite ' * finite}numbers")
    return a


def _populations(unlearned, retrained) -> tuple[np.ndarray, np.ndarray]:
    u, r = (_checked(v, f"the {name} population", "a 2-D array (N >= 2 models, S >= 1 forget examples)", (2, 1))
            for v, name in ((unlearned, "unlearned"), (retrained, "retrained")))
    if u.shape != r.shape:
        raise ValueError(f"unlearned and retrained populations must have the same shape "
                         f"(N models, S examples), got {u.shape} and {r.shape}")
    return u, r


# --------------------------------------------------------------------------- attacks
def _count_at_least(sorted_values: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """How many values are ``>= t`` for each threshold ``t``."""
    return sorted_values.size - np.searchsorted(sorted_values, thresholds, side="left")


def _single_threshold_counts(pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True and false positives of "positive iff ``c >= t``" over ``metric.py``'s threshold grid.

    ``t`` runs over ``ceil(100 * (max - min))`` evenly spaced points from the
    smallest to the largest output of both populations.
    """
    lo, hi = min(pos.min(), neg.min()), max(pos.max(), neg.max())
    thresholds = np.linspace(lo, hi, int(math.ceil((hi - lo) * THRESHOLDS_PER_UNIT)))
    return _count_at_least(np.sort(pos), thresholds), _count_at_least(np.sort(neg), thresholds)


def _double_threshold_counts(pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True and false positives of "peakier population iff ``l <= c <= r``" (``metric.py``'s grid).

    The population with the smaller range becomes the positive one; its range
    is the interval's nominal ``width``. ``r`` takes ``ceil(100 * (range_pos -
    width + 4))`` points from ``min_pos + width - 2`` to ``max_pos + 2``; for
    each ``r``, ``l`` takes 400 points from ``r - width - 2`` to ``r - width + 2``.
    One entry per distinct outcome of each row of the grid (fixed ``r``), not
    per grid point: the counts only change where ``l`` passes a sample, so the
    grid's first ``l`` and every ``l`` just past a sample cover all outcomes.
    """
    if np.ptp(pos) >= np.ptp(neg):
        pos, neg = neg, pos
    width = np.ptp(pos)
    lo, hi = pos.min() + width - DOUBLE_BUFFER, pos.max() + DOUBLE_BUFFER
    right = np.linspace(lo, hi, int(math.ceil((hi - lo) * THRESHOLDS_PER_UNIT)))
    n_left = int(math.ceil(2 * DOUBLE_BUFFER * THRESHOLDS_PER_UNIT))
    offsets = np.linspace(-width - DOUBLE_BUFFER, -width + DOUBLE_BUFFER, n_left)
    # first[i, v]: the first left index j with v < right[i] + offsets[j] (tested as offsets[j] > v - right[i];
    # the two forms can differ only for a v within rounding error of a threshold)
    first = [np.searchsorted(offsets, np.sort(values)[None, :] - right[:, None], side="right")
             for values in (pos, neg)]                                  # each (n_right, N)
    candidates = np.minimum(np.concatenate([np.zeros((right.size, 1), dtype=np.intp), *first], axis=1),
                            n_left - 1)                                 # (n_right, 2N + 1) left indices
    counts = []
    for values, firsts in zip((pos, neg), first):
        at_most_right = np.searchsorted(np.sort(values), right, side="right")          # (n_right,)
        below_left = _count_at_most_per_row(np.sort(firsts, axis=1), candidates)     # (n_right, 2N + 1)
        counts.append(np.maximum(at_most_right[:, None] - below_left, 0).ravel())    # l > r: empty
    return counts[0], counts[1]


def _count_at_most_per_row(sorted_rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``#{k : sorted_rows[i, k] <= queries[i, q]}`` for every row ``i`` (one global search)."""
    n_rows, width = sorted_rows.shape
    shift = (np.arange(n_rows) * (max(sorted_rows.max(), queries.max()) + 1))[:, None]
    found = np.searchsorted((sorted_rows + shift).ravel(), (queries + shift).ravel(), side="right")
    return found.reshape(queries.shape) - (np.arange(n_rows) * width)[:, None]


def epsilon_from_rates(fpr, fnr) -> float:
    """The largest ``eps`` lower bound over attacks with rates ``(fpr, fnr)``, clipped to ``[0, 50]``.

    Per attack: ``max(log(1 - delta - FPR) - log FNR, log(1 - delta - FNR) - log FPR)``;
    ``inf`` if FPR = FNR = 0; discarded if exactly one is 0 (``metric.py``).
    No surviving attack gives 0 (``metric.py`` asserts instead). ``delta`` is :data:`DELTA`.
    """
    fpr, fnr = np.asarray(fpr, dtype=np.float64), np.asarray(fnr, dtype=np.float64)
    if ((fpr == 0) & (fnr == 0)).any():         # a perfect attack
        return EPSILON_CAP
    keep = (fpr > 0) & (fnr > 0)
    if not keep.any():
        return 0.0
    fpr, fnr = fpr[keep], fnr[keep]
    with np.errstate(invalid="ignore", divide="ignore"):
        bounds = np.fmax(np.log(1 - DELTA - fpr) - np.log(fnr),
                         np.log(1 - DELTA - fnr) - np.log(fpr))
    if np.isnan(bounds).all():
        return 0.0
    return float(np.clip(np.nanmax(bounds), 0.0, EPSILON_CAP))


def example_epsilon(unlearned: np.ndarray, retrained: np.ndarray) -> float:
    """``eps_s`` of one forget example from its ``N`` unlearned and ``N`` retrained outputs."""
    ranges = sorted((np.ptp(unlearned), np.ptp(retrained)))
    if ranges[1] == 0:                          # both populations constant
        return 0.0 if unlearned[0] == retrained[0] else EPSILON_CAP
    if ranges[0] / ranges[1] < PEAKY_RATIO:
        return EPSILON_CAP
    pos, neg = (retrained, unlearned) if np.median(retrained) > np.median(unlearned) else (unlearned, retrained)
    n = pos.size                                # both populations have N models
    # Many thresholds give the same (TP, FP) counts: evaluate each distinct pair once.
    tp, fp = (np.concatenate(c) for c in zip(_single_threshold_counts(pos, neg),
                                               _double_threshold_counts(pos, neg)))
    seen = np.flatnonzero(np.bincount(fp * (n + 1) + tp, minlength=(n + 1) ** 2))
    fp, tp = np.divmod(seen, n + 1)
    return epsilon_from_rates(fp / n, 1.0 - tp / n)


def per_example_epsilon(unlearned, retrained) -> np.ndarray:
    """``eps_s`` for every forget example: inputs ``(N, S)``, output ``(S,)`` in ``[0, 50]``.

    ``unlearned[i, s]`` is the scalar output (the logit-scaled confidence in
    the challenge) of unlearned model ``i`` on forget example ``s``; likewise
    ``retrained``. Small ``eps_s``: no threshold attack tells the two
    populations apart on ``s``, i.e. the unlearned models are
    ``(eps_s, delta)``-indistinguishable from Retrain on that example.
    """
    u, r = _populations(unlearned, retrained)
    return np.array([example_epsilon(u[:, s], r[:, s]) for s in range(u.shape[1])])


# --------------------------------------------------------------------------- aggregate
def max_resolvable_epsilon(n_models: int) -> float:
    """``ceil(log(N - 1))``: the last bin edge ``metric.py`` scores with ``N`` models per population."""
    if isinstance(n_models, bool) or not isinstance(n_models, (int, np.integer)) or n_models < 2:
        raise ValueError(f"n_models must be an integer >= 2, got {n_models!r}")
    return float(math.ceil(math.log(n_models - 1)))


def epsilon_points(epsilons, *, n_models: int) -> np.ndarray:
    """``h(eps) = 2 / 2^n`` for bin ``n`` (width 0.5, bin 1 = ``[0, 0.5)``); 0 beyond the last bin.

    The bins end at :func:`max_resolvable_epsilon` ``(n_models)``.
    """
    eps = _checked(epsilons, "epsilons", "a non-empty 1-D array", (1,), nonnegative=True, finite=False)
    n_bins = int(round(max_resolvable_epsilon(n_models) / BIN_WIDTH))
    with np.errstate(over="ignore", invalid="ignore"):
        index = np.floor(eps / BIN_WIDTH) + 1                   # bin n = 1, 2, ...
    return np.where(index <= n_bins, 2.0 / 2.0 ** np.minimum(index, 1023), 0.0)


@dataclass(frozen=True)
class DistributionalScore:
    """The challenge's score of one unlearning method against the retrained population."""

    epsilons: np.ndarray        # (S,) per-example eps
    quality: float              # F = mean_s h(eps_s), the forgetting quality, in [0, 1]
    ra_ratio: float             # RA_u / RA_r
    ta_ratio: float             # TA_u / TA_r
    score: float                # F * ra_ratio * ta_ratio
    n_models: int


def distributional_score(unlearned, retrained, *, ra_unlearned, ra_retrained,
                         ta_unlearned, ta_retrained) -> DistributionalScore:
    """The NeurIPS 2023 challenge score: ``F * (RA_u / RA_r) * (TA_u / TA_r)``.

    ``unlearned``/``retrained`` are ``(N, S)`` outputs; the four accuracies are
    each population's accuracies (a scalar mean or the ``N`` per-model values,
    which are averaged as ``main.py`` does), in any one unit.
    """
    u, r = _populations(unlearned, retrained)
    accuracies = dict(ra_unlearned=ra_unlearned, ra_retrained=ra_retrained, ta_unlearned=ta_unlearned,
                      ta_retrained=ta_retrained)
    ra_u, ra_r, ta_u, ta_r = (float(_checked(v, k, nonnegative=True).mean()) for k, v in accuracies.items())
    for value, name in ((ra_r, "ra_retrained"), (ta_r, "ta_retrained")):
        if value <= 0:
            raise ValueError(f"{name} must be positive to form a utility ratio, got {value}")
    eps = per_example_epsilon(u, r)
    quality = float(np.mean(epsilon_points(eps, n_models=u.shape[0])))
    ra_ratio, ta_ratio = ra_u / ra_r, ta_u / ta_r
    return DistributionalScore(eps, quality, ra_ratio, ta_ratio, quality * ra_ratio * ta_ratio, u.shape[0])


# --------------------------------------------------------------------------- U-LiRA
@dataclass(frozen=True)
class ULiRAResult:
    """U-LiRA per example and on average: 0.5 = indistinguishable from Retrain, 1 = always caught."""

    accuracy: np.ndarray        # (S,) held-out attack accuracy per example
    auc: np.ndarray             # (S,) held-out AUC of the likelihood ratio per example
    mean_accuracy: float
    mean_auc: float


def likelihood_ratio(x, unlearned_fit, retrained_fit) -> np.ndarray:
    """``log N(x; in) - log N(x; out)`` for Gaussian fits given as ``(mean, sd)`` pairs."""
    def log_n(mean, sd):
        z = (np.asarray(x, dtype=np.float64) - mean) / sd
        return -0.5 * z ** 2 - np.log(sd) - 0.5 * math.log(2 * math.pi)
    return log_n(*unlearned_fit) - log_n(*retrained_fit)


def _fit(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and sample std (``ddof=1``, floored at ``MIN_STD``) of ``(n, S)`` values."""
    return values.mean(axis=0), np.maximum(values.std(axis=0, ddof=1), MIN_STD)


def ulira(unlearned, retrained) -> ULiRAResult:
    """U-LiRA's per-example membership test against the retrained population, cross-fitted.

    Model ``i`` of each population belongs to fold ``i % 2``. For each
    fold: fit per-example Gaussians (mean, sample std) to the *other* fold's
    unlearned and retrained outputs, score the held-out models with
    :func:`likelihood_ratio`, and call "unlearned" when it is ``> 0`` (equal
    priors). ``accuracy[s]`` is the share of the ``2N`` held-out models
    classified correctly; ``auc[s]`` the ROC AUC of the held-out ratios
    (:func:`helpers.metrics.mia.roc`, unlearned models positive).
    """
    u, r = _populations(unlearned, retrained)
    n = u.shape[0]
    if n < 4:
        raise ValueError(f"U-LiRA's Gaussian fits need N >= 4 models (two folds of two), got N = {n}")
    fold = np.arange(n) % 2
    score_u, score_r = np.empty_like(u), np.empty_like(r)
    for k in range(2):
        held, fit = fold == k, fold != k
        fit_u, fit_r = _fit(u[fit]), _fit(r[fit])
        score_u[held] = likelihood_ratio(u[held], fit_u, fit_r)
        score_r[held] = likelihood_ratio(r[held], fit_u, fit_r)
    accuracy = ((score_u > 0).sum(axis=0) + (score_r <= 0).sum(axis=0)) / (2 * n)
    auc = np.array([roc(score_u[:, s], score_r[:, s]).auc for s in range(u.shape[1])])
    return ULiRAResult(accuracy, auc, float(accuracy.mean()), float(auc.mean()))

