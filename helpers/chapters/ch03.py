"""Chapter 3's readings: one OEU run per projection, against doing nothing and the oracle's noise floor.

Chapter 3 runs a single seed, so no paired interval exists there; the scale
against which its differences are read is the **noise floor** measured on that
same seed: the gap between Retrain and a second, independently seeded Retrain
(Retrain′). Chapter 5 repeats the comparison over seeds with paired intervals.
"""
from __future__ import annotations


def noise_floor_resolution(floor: float, one_image: float) -> float:
    """The smallest difference one seed can resolve: the larger of the noise floor and one forget image's worth."""
    if floor < 0 or one_image <= 0:
        raise ValueError(f"need floor >= 0 and one_image > 0, got {floor} and {one_image}")
    return max(floor, one_image)


def against_baselines(ag: dict, original: float, floor: float) -> str:
    """Each run's AG against doing nothing, with the noise floor as the scale (one seed).

    ``ag`` maps a run's name to its AG; ``original`` is the do-nothing model's
    AG and ``floor`` Retrain′'s AG (both to the same Retrain). A run is
    *closer to Retrain than doing nothing* only if its AG is below the
    original's by more than the floor, *farther* if above by more than it,
    and *level with doing nothing, within the noise floor* otherwise.

    >>> against_baselines({"layer-wise": 0.5}, original=2.0, floor=0.8)
    'layer-wise GOP (AG 0.50) is closer to Retrain than doing nothing (AG 2.00) by more than the noise floor (0.80)'
    """
    if not ag:
        raise ValueError("no runs to compare")
    parts = []
    for name, value in ag.items():
        if value < original - floor:
            where = "is closer to Retrain than doing nothing"
            tail = "by more than the noise floor"
        elif value > original + floor:
            where = "is farther from Retrain than doing nothing"
            tail = "by more than the noise floor"
        else:
            where = "is level with doing nothing"
            tail = "within the noise floor"
        parts.append(f"{name} GOP (AG {value:.2f}) {where} (AG {original:.2f}) {tail} ({floor:.2f})")
    return "; ".join(parts)


__all__ = ["noise_floor_resolution", "against_baselines"]
