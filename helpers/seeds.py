"""Seed roles: one experiment seed, separate random streams for each job in it.

An experiment seed ``s`` (1, 2, 3, ... in the chapters) fixes a data split and
an original model. Everything else that is random draws from its *own* stream,
derived from ``(s, role, replica)``:

=============  ==============================================================
role           what the derived seed controls
=============  ==============================================================
``original``   the original model's initial weights and batch order; this is
               ``s`` itself, so an original trained before roles existed is
               the same model
``oracle``     a Retrain / gold / oracle model: its fresh initial weights and
               its batch order (``replica`` numbers independent oracles)
``unlearn``    an unlearning run: its batch order, random labels, samples
               (``replica`` numbers independent runs from one original)
``attack``     a membership attack's shadow splits and folds; the relearning
               attack's samples and batches (:mod:`helpers.metrics.relearning`)
``population`` the models of a distributional test (:mod:`helpers.metrics.distributional`)
``device``     the shots of one read-out on a simulated device (:mod:`helpers.quantum.device_study`)
=============  ==============================================================

Why it matters: if Retrain started from ``seed_everything(s)`` like the
original, its initial weights would be bit-identical to the original's and
its batch order nearly so, and every gap to Retrain would be a distance to a
model correlated with the original, which flatters doing nothing. Derived
seeds are a hash, so neighbouring seeds and roles give unrelated streams.
"""
from __future__ import annotations

import hashlib

ROLES = ("original", "oracle", "unlearn", "attack", "population", "device")


def derive_seed(seed: int, role: str, replica: int = 0) -> int:
    """The seed of stream ``(seed, role, replica)``: a 31-bit integer (valid for torch, numpy, random).

    ``derive_seed(s, "original") == s``; every other role is a SHA-256 hash of
    ``(s, role, replica)``, so ``derive_seed(1, "oracle")``,
    ``derive_seed(1, "oracle", replica=1)`` and ``derive_seed(2, "oracle")``
    are unrelated streams.

    >>> derive_seed(3, "original")
    3
    >>> derive_seed(3, "oracle") != derive_seed(3, "oracle", replica=1)
    True
    """
    if role not in ROLES:
        raise ValueError(f"unknown seed role {role!r}; choose one of {ROLES}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(replica, bool) or not isinstance(replica, int) or replica < 0:
        raise ValueError(f"replica must be a non-negative integer, got {replica!r}")
    if role == "original":
        if replica:
            raise ValueError("the original model has one stream: replica must be 0")
        return seed
    digest = hashlib.sha256(f"{seed}/{role}/{replica}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


__all__ = ["ROLES", "derive_seed"]
