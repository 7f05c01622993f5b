"""Chapter 3's readings against doing nothing and the noise floor (helpers.chapters.ch03)."""
from __future__ import annotations

import pytest

from helpers.chapters.ch03 import against_baselines, noise_floor_resolution


def test_each_branch_of_the_reading():
    text = against_baselines({"layer-wise": 0.5, "global": 3.5, "other": 1.5}, original=2.0, floor=0.8)
    first, second, third = text.split("; ")
    assert first.startswith("layer-wise GOP (AG 0.50) is closer to Retrain than doing nothing")
    assert second.startswith("global GOP (AG 3.50) is farther from Retrain than doing nothing")
    assert third == "other GOP (AG 1.50) is level with doing nothing (AG 2.00) within the noise floor (0.80)"


def test_the_floor_sets_the_resolution():
    assert noise_floor_resolution(1.2, 0.7) == 1.2 and noise_floor_resolution(0.1, 0.7) == 0.7
    with pytest.raises(ValueError, match="floor >= 0"):
        noise_floor_resolution(-1.0, 0.7)
    with pytest.raises(ValueError, match="no runs"):
        against_baselines({}, 1.0, 0.5)
