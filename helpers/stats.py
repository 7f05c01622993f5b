"""Verdicts against seed noise: paired differences over seeds with a t interval.

Every "better / worse / reproduces" sentence in the book comes from
:func:`paired_verdict`. Two methods run on the same seeds (same split, same
original model) are compared seed by seed: ``d_s = a_s - b_s``. The mean of
``d`` gets a Student-t interval with the *sample* standard deviation
(``ddof=1``, ``n - 1`` degrees of freedom). If the interval lies wholly below
zero, ``a`` is smaller; wholly above, larger; if it spans zero, the verdict is
**undecided**. With two seeds the t quantile is 12.7 (95 %): two seeds decide
only very large, very consistent differences, which is the honest answer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

CONFIDENCE = 0.95


@dataclass(frozen=True)
class PairedInterval:
    """Mean paired difference ``a - b`` over ``n`` seeds, its sample std and a t interval."""

    mean: float
    sd: float
    low: float
    high: float
    n: int
    confidence: float

    @property
    def direction(self) -> str:
        """``"smaller"`` (interval below 0), ``"larger"`` (above 0) or ``"undecided"`` (spans 0)."""
        if self.high < 0:
            return "smaller"
        if self.low > 0:
            return "larger"
        return "undecided"

    def text(self, decimals: int = 2, scale: float = 1.0) -> str:
        """``"+0.02 [+0.01, +0.04]"``: the mean difference and its interval, times ``scale``, signed."""
        mean, low, high = (f"{scale * v:+.{decimals}f}" for v in (self.mean, self.low, self.high))
        return f"{mean} [{low}, {high}]"

    def __str__(self) -> str:
        return f"{self.text()} ({self.confidence:.0%} t interval, {self.n} seeds)"


def _as_pairs(a, b) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"paired values need the same number of seeds, got {a.size} and {b.size}")
    if a.size < 2:
        raise ValueError(f"a paired comparison needs at least 2 seeds, got {a.size}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("paired values must be finite numbers")
    return a, b


def paired_interval(a, b, confidence: float = CONFIDENCE) -> PairedInterval:
    """The t interval of the mean of ``a_s - b_s`` over seeds (sample std, ``n - 1`` d.o.f.).

    >>> str(paired_interval([3.0, 4.0, 5.0], [1.0, 1.0, 1.0]))
    '+3.00 [+0.52, +5.48] (95% t interval, 3 seeds)'
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    a, b = _as_pairs(a, b)
    d = a - b
    n, mean, sd = d.size, float(d.mean()), float(d.std(ddof=1))
    half = float(_st.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return PairedInterval(mean, sd, mean - half, mean + half, n, confidence)


def same_on_every_seed(a, b) -> bool:
    """``a`` and ``b`` hold the same value on every seed (a paired difference of exactly 0 everywhere, which a
    t interval of zero width can only call "undecided"); one seed is enough to say so.

    >>> same_on_every_seed([0.9, 1.0], [0.9, 1.0]), same_on_every_seed([0.9, 1.0], [0.9, 0.95])
    (True, False)
    """
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"paired values need the same number of seeds, got {a.size} and {b.size}")
    return a.size > 0 and bool((a == b).all())


def paired_verdict(a, b, *, lower_is_better: bool = True, confidence: float = CONFIDENCE) -> str:
    """``"better"``, ``"worse"`` or ``"undecided"``: is ``a`` better than ``b`` over paired seeds?

    ``lower_is_better`` says which direction wins (a gap, a KL: lower; an
    accuracy, a score: higher). ``"undecided"`` whenever the interval of
    :func:`paired_interval` spans zero.
    """
    direction = paired_interval(a, b, confidence).direction
    if direction == "undecided":
        return "undecided"
    return "better" if (direction == "smaller") == lower_is_better else "worse"


__all__ = ["CONFIDENCE", "PairedInterval", "paired_interval", "same_on_every_seed", "paired_verdict"]
