"""Tests for the deployment audit (issue 20): code flips between two integer exports
(helpers.quant.code_flips) and the audit runner (helpers.experiments.deployment)."""
from __future__ import annotations

import pytest
import torch

from helpers.profiles import build_quantized
from helpers.quant import code_flips, export_integer
from helpers.train import seed_everything


def initialised_resnet(seed: int = 0):
    """An untrained ResNet-18 W4A4 at width 1/8, its quantizers initialised on one batch of noise."""
    seed_everything(seed)
    model = build_quantized("resnet18-w4a4", 10, 1, 0.125)
    model(torch.rand(8, 1, 8, 8))
    return model.eval()


def test_code_flips_counts_the_changed_codes_of_each_layer():
    model = initialised_resnet()
    exported = export_integer(model)
    codes = exported.weight_codes()
    assert code_flips(exported, exported) == dict.fromkeys(codes, 0.0)
    changed = {name: c.clone() for name, c in codes.items()}
    first, last = list(codes)[0], list(codes)[-1]
    changed[first].view(-1)[:3] += 1                              # 3 codes of the first layer
    changed[last].view(-1)[: changed[last].numel() // 2] -= 1     # half of the last layer's
    flips = code_flips(codes, changed)
    assert list(flips) == list(codes)                             # model order
    assert flips[first] == pytest.approx(3 / codes[first].numel())
    assert flips[last] == pytest.approx((codes[last].numel() // 2) / codes[last].numel())
    assert all(v == 0.0 for n, v in flips.items() if n not in (first, last))
    assert code_flips(changed, codes) == flips                    # symmetric


def test_code_flips_of_two_different_models_lie_between_zero_and_one():
    flips = code_flips(export_integer(initialised_resnet(0)), export_integer(initialised_resnet(1)))
    assert all(0.0 < v <= 1.0 for v in flips.values())


def test_code_flips_of_different_architectures_is_an_error():
    codes = export_integer(initialised_resnet()).weight_codes()
    fewer = dict(list(codes.items())[:-1])
    with pytest.raises(ValueError, match="different quantized layers"):
        code_flips(codes, fewer)
    first = next(iter(codes))
    with pytest.raises(ValueError, match=f"{first}: weight codes of shape"):
        code_flips(codes, {**codes, first: codes[first][:1]})
