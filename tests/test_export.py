"""Tests for helpers.quant.export: packing, integer layers, agreement with the fake-quant model,
size on disk, and the errors of bad input."""
from __future__ import annotations

import io
import math
from dataclasses import replace

import pytest
import torch

from helpers.data import load_dataset
from helpers.experiments.populations import PopulationNet
from helpers.models import resnet18
from helpers.profiles import build_quantized, get_profile, get_setting
from helpers.quant import (QuantConv2d, agreement, disk_size, export_integer, pack, quantize_model,
                           quantized_layers, set_quantization, size_report, unpack)
from helpers.quant.export import IntegerLayer, code_range
from helpers.train import seed_everything, train

# the quantizer settings the book trains: chapter 5's two networks, Fig. 3's PACT and DSQ, chapter 1's LSQ,
# and the distributional section's W4A4 MLP
SETTINGS = ("resnet18-w4a4", "resnet18-w4a4-pact", "resnet18-w4a4-dsq", "resnet18-w4a4-lsq",
            "mobilenet_v2-w2", "population-mlp")


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


def build(name: str, digits):
    """A model of setting ``name`` at the default profile's width, untrained (quantizers not initialised)."""
    seed_everything(0)
    if name == "population-mlp":
        return PopulationNet().build(digits.train[0][0].numel(), digits.num_classes)
    base, _, method = name.partition("-w")
    bits, _, method = ("w" + method).partition("-")
    setting = get_setting(f"{base}-{bits}")
    setting = replace(setting, method=method) if method else setting
    return build_quantized(setting, digits.num_classes, digits.in_channels, get_profile("default").width(setting.arch))


@pytest.fixture(scope="module")
def trained(digits):
    """Setting -> (model trained for two short epochs on 512 digits, its integer export), built once."""
    models = {}

    def get(name):
        if name not in models:
            model = build(name, digits)
            train(model, digits.train.subset(range(512)), epochs=2, lr=0.05, batch_size=64, progress=False)
            models[name] = (model.eval(), export_integer(model))
        return models[name]
    return get


# ----------------------------------------------------------------------------- packing
@pytest.mark.parametrize("bits", [1, 2, 4, 8])
@pytest.mark.parametrize("signed", [True, False])
def test_pack_unpack_round_trip(bits, signed):
    low, high = code_range(bits, signed)
    g = torch.Generator().manual_seed(bits)
    for n in (1, 7, 8, 37, 1000):
        codes = torch.randint(low, high + 1, (n,), generator=g)
        codes[: min(n, high - low + 1)] = torch.arange(low, high + 1)[:n]        # every code appears
        stored = pack(codes, bits, signed)
        assert stored.numel() == math.ceil(n * bits / 8)                         # 8 // bits codes per byte
        assert stored.dtype == (torch.int8 if bits == 8 and signed else torch.uint8)
        assert torch.equal(unpack(stored, bits, signed, n), codes)


def test_pack_puts_the_first_code_in_the_lowest_bits():
    assert pack(torch.tensor([0, 1, 2, 3]), 2, signed=False).tolist() == [0b11100100]
    # signed 4-bit codes are stored as k + 8: -8 -> 0, 7 -> 15, 0 -> 8 (the last byte padded with 0)
    assert pack(torch.tensor([-8, 7, 0]), 4, signed=True).tolist() == [0xF0, 0x08]
    assert pack(torch.tensor([-128, 127]), 8, signed=True).tolist() == [-128, 127]


@pytest.mark.parametrize("bits", [3, 5, 6, 16])
def test_bit_width_with_no_packing_is_an_error(bits):
    with pytest.raises(ValueError, match=f"no packed storage for {bits}-bit codes.*one of"):
        pack(torch.zeros(4, dtype=torch.int64), bits, signed=True)
    with pytest.raises(ValueError, match="no packed storage"):
        unpack(torch.zeros(4, dtype=torch.uint8), bits, signed=True, count=4)


def test_pack_refuses_codes_outside_the_range():
    with pytest.raises(ValueError, match="outside the 2-bit signed range -2..1"):
        pack(torch.tensor([0, 2]), 2, signed=True)
    with pytest.raises(ValueError, match="outside the 4-bit unsigned range 0..15"):
        pack(torch.tensor([-1, 3]), 4, signed=False)


# ----------------------------------------------------------------------------- the integer model
@pytest.mark.parametrize("name", SETTINGS)
def test_integer_model_predicts_as_the_fake_quant_model(name, trained, digits):
    """Every test sample with no flipped activation code: the same class, logits within 1e-4. A flip
    is rare and starts at a tie (the fake-quant model's float32 rounding on a rounding boundary).
    These briefly trained networks are noisier than the book's (PACT's logits reach ~40 at 45 %
    accuracy, a few samples in a hundred flip); the default-profile originals give the same class on
    every test sample (see the module docstring of helpers.quant.export)."""
    model, integer = trained(name)
    x = digits.test[torch.arange(len(digits.test))][0]
    report = agreement(model, integer, x)
    assert report["samples"] == len(digits.test)
    assert report["argmax agree"] >= report["samples"] - report["flipped samples"]
    assert report["max |logit diff| unflipped"] <= 1e-4
    assert report["flipped samples"] <= 0.03 * report["samples"]
    assert report["largest first-flip distance"] <= 1e-3
    if name == "mobilenet_v2-w2":           # float activations: no code to flip, every logit within 1e-4
        assert report["activation codes"] == 0 and report["max |logit diff|"] <= 1e-4
    else:
        assert report["activation codes"] > 0


@pytest.mark.parametrize("name", SETTINGS)
def test_each_integer_layer_computes_its_fake_quant_layer(name, trained, digits):
    """Given the same input, each layer's output matches to float32 rounding (every offset term of the
    expansion is exercised: LSQ+ activation offsets, DoReFa's -1, PACT's signed -alpha, DSQ's lower bounds)."""
    model, integer = trained(name)
    inputs = {}
    hooks = [m.register_forward_hook(lambda m, i, o, n=n: inputs.__setitem__(n, i[0]))
             for n, m in quantized_layers(model).items()]
    with torch.no_grad():
        model(digits.test[torch.arange(64)][0])
        for h in hooks:
            h.remove()
        for n, layer in integer.integer_layers().items():
            expected, got = model.get_submodule(n)(inputs[n]), layer(inputs[n])
            assert torch.allclose(got, expected, rtol=1e-4, atol=1e-5 * expected.abs().max().item()), n


def test_integer_accumulation_is_exact(trained, digits):
    """The float64 convolution of integer codes equals the int64 sum of products, bit for bit."""
    model, integer = trained("resnet18-w4a4")
    layer = integer.integer_layers()["layer2.0.conv1"]
    x = torch.randn(4, layer.weight_shape[1], 8, 8) * 3
    k_a, k_w = layer.input_side(x)[0].long(), layer.codes()
    got = layer.accumulate(k_a.double(), k_w.double())
    columns = torch.nn.functional.unfold(k_a.double(), 3, padding=1, stride=2).long()   # (N, C*9, L)
    exact = (k_w.view(k_w.shape[0], -1) @ columns).view(got.shape)                     # int64 arithmetic
    assert torch.equal(got.long(), exact) and torch.equal(got, got.round())


@pytest.mark.parametrize("name", SETTINGS)
def test_weight_codes_give_back_the_fake_quantized_weight(name, trained):
    model, integer = trained(name)
    for n, layer in integer.integer_layers().items():
        quant = model.get_submodule(n)
        if layer.weight_grid is None:
            continue
        codes, grid = layer.codes(), layer.weight_grid
        assert codes.shape == quant.weight.shape
        assert grid["low"] <= codes.min() and codes.max() <= grid["high"]
        assert codes.unique().numel() <= 2 ** grid["bits"]
        assert layer.packed.numel() == math.ceil(codes.numel() * grid["bits"] / 8)
        values = codes.double() * layer.weight_scale + layer.weight_offset
        assert torch.allclose(values.float(), quant.effective_weight().detach(), rtol=1e-5, atol=1e-6), n
        assert "weight" not in dict(layer.named_buffers())                    # no float copy of the weight


def test_resnet_w4a4_layers_and_what_stays_float(trained):
    model, integer = trained("resnet18-w4a4")
    layers = integer.integer_layers()
    assert list(layers) == list(quantized_layers(model))
    assert {n: m.weight_grid["bits"] for n, m in layers.items() if m.weight_grid["bits"] != 4} == {"conv1": 8, "fc": 8}
    assert all(m.input_grid is not None for m in layers.values())
    assert integer.network.bn1.weight.dtype == torch.float32 and integer.network.fc.bias.dtype == torch.float32
    text = repr(integer)
    assert "float: BatchNorm, biases" in text and "accumulation exact" in text and "packed 2 per byte" in text
    assert set(integer.weight_codes()) == set(layers)


def test_mobilenet_w2_keeps_float_activations_and_packs_four_codes_per_byte(trained):
    model, integer = trained("mobilenet_v2-w2")
    layers = integer.integer_layers()
    assert all(m.input_grid is None for m in layers.values())
    assert {m.weight_grid["bits"] for m in layers.values()} == {2, 8}
    assert "inputs=float, accumulation float64" in repr(layers["features.3.block.0"])


def test_first_and_last_layers_kept_in_full_precision_stay_float_layers(digits):
    seed_everything(0)
    model = quantize_model(resnet18(10, 1, 0.125), 4, 4, "lsq+", first_last_bits=None)
    model(digits.train[torch.arange(8)][0])
    integer = export_integer(model.eval())
    assert type(integer.network.conv1) is torch.nn.Conv2d and type(integer.network.fc) is torch.nn.Linear
    assert "conv1" not in integer.integer_layers() and "layer1.0.conv1" in integer.integer_layers()
    x = digits.test[torch.arange(32)][0]
    report = agreement(model, integer, x)
    assert report["argmax agree"] == 32 and report["max |logit diff| unflipped"] <= 1e-4


def test_agreement_sees_a_changed_weight_code(digits):
    """The comparison can fail: one changed code of the last layer moves the logits of every sample."""
    model = build("resnet18-w4a4", digits)
    model(digits.train[torch.arange(8)][0])
    model.eval()
    integer = export_integer(model)
    fc = integer.integer_layers()["fc"]
    fc.packed[0] = 127 if fc.packed[0] < 0 else -128
    report = agreement(model, integer, digits.test[torch.arange(16)][0])
    assert report["flipped codes"] == 0 and report["max |logit diff| unflipped"] > 1e-3


def test_export_leaves_the_model_untouched_and_stays_in_eval_mode(digits):
    model = build("resnet18-w4a4-dsq", digits)
    model(digits.train[torch.arange(8)][0])
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    integer = export_integer(model)
    assert model.training and all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    integer.train()
    assert not integer.training and not integer.network.bn1.training
    assert integer.in_channels == 1 and integer.num_classes == 10


# ----------------------------------------------------------------------------- size on disk
def test_size_on_disk(trained):
    model, integer = trained("resnet18-w4a4")
    buffer = io.BytesIO()
    torch.save(integer.state_dict(), buffer)
    assert disk_size(integer) == len(buffer.getvalue())
    sizes = size_report(model, integer)
    assert sizes["float bytes"] == disk_size(model)
    weights = sum(layer.weight.numel() for layer in quantized_layers(model).values())
    packed = sum(layer.packed.numel() for layer in integer.integer_layers().values())
    assert packed < weights * 4 / 7                   # 4-bit codes (8-bit at the edges) vs 4 bytes a weight
    assert sizes["integer bytes"] < sizes["float bytes"] / 4 and sizes["ratio"] > 4


# ----------------------------------------------------------------------------- bad input
def test_exporting_a_model_that_is_not_quantized_is_an_error(digits):
    with pytest.raises(ValueError, match="not quantized.*quantize_model"):
        export_integer(resnet18(10, 1, 0.125))
    full_precision = quantize_model(resnet18(10, 1, 0.125), None, None)       # QuantConv2d layers, no quantizer
    assert isinstance(full_precision.conv1, QuantConv2d)
    with pytest.raises(ValueError, match="not quantized"):
        export_integer(full_precision)


def test_exporting_weights_with_no_packing_is_an_error(digits):
    model = quantize_model(resnet18(10, 1, 0.125), 3, 4, "lsq+")
    model(digits.train[torch.arange(8)][0])
    with pytest.raises(ValueError, match="no packed storage for 3-bit codes"):
        export_integer(model)


@pytest.mark.parametrize("name", ["resnet18-w4a4", "resnet18-w4a4-pact", "mobilenet_v2-w2"])
def test_exporting_an_uninitialised_quantizer_is_an_error(name, digits):
    model = build(name, digits)                                    # no forward pass yet
    with pytest.raises(ValueError, match="not initialised.*run one forward pass, or train the model"):
        export_integer(model)


def test_sums_too_large_for_exact_float64_are_an_error(digits):
    """8-bit weights and (unsigned) 42-bit activations over 64 inputs: 64 * (2^42 - 1) * 128 > 2^53."""
    mlp = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 64), torch.nn.Linear(64, 64),
                              torch.nn.Linear(64, 10))
    model = quantize_model(mlp, 8, 42, "lsq+", first_last_bits=8)
    model(digits.train[torch.arange(8)][0])
    with pytest.raises(ValueError, match="^2: sums of 64 products.*exceed 2\\^53.*fewer bits"):
        export_integer(model)


def test_exporting_a_disabled_quantizer_is_an_error(digits):
    model = build("resnet18-w4a4", digits)
    model(digits.train[torch.arange(8)][0])
    set_quantization(model, False)
    with pytest.raises(ValueError, match="disabled.*set_quantization"):
        export_integer(model)


def test_integer_layer_is_what_export_puts_in_place(trained):
    model, integer = trained("resnet18-w4a4-pact")
    assert all(isinstance(integer.network.get_submodule(n), IntegerLayer) for n in quantized_layers(model))
