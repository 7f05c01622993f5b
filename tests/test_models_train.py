"""Tests for helpers.models, helpers.train and helpers.profiles."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from formats import random_images, write_cifar
from helpers.data import load_dataset
from helpers.models import build_model, count_parameters, mobilenet_v2, resnet18
from helpers.profiles import build_quantized, get_profile, get_setting
from helpers.quant import quantize_model, quantized_layers
from helpers.train import accuracy, evaluation_view, predict, seed_everything, train


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


@pytest.mark.parametrize("builder", [resnet18, mobilenet_v2])
@pytest.mark.parametrize("channels,size", [(1, 8), (3, 32)])
def test_models_take_digits_and_cifar_inputs(builder, channels, size):
    model = builder(num_classes=7, in_channels=channels, width=0.25)
    assert model(torch.randn(2, channels, size, size)).shape == (2, 7)


def test_full_width_parameter_counts():
    assert count_parameters(resnet18(10, 3)) == 11_173_962
    assert 2_200_000 < count_parameters(mobilenet_v2(10, 3)) < 2_300_000


def test_model_argument_errors():
    with pytest.raises(ValueError, match="unknown model 'vgg'"):
        build_model("vgg", 10, 3)
    with pytest.raises(ValueError, match="num_classes"):
        resnet18(num_classes=1)
    with pytest.raises(ValueError, match="in_channels"):
        mobilenet_v2(in_channels=0)
    with pytest.raises(ValueError, match="width"):
        resnet18(width=0)


def test_channel_mismatch_is_a_clear_error(digits):
    model = resnet18(10, in_channels=3, width=0.25)
    with pytest.raises(ValueError, match="channel mismatch.*in_channels=1"):
        train(model, digits.train, epochs=1, progress=False)
    with pytest.raises(ValueError, match="channel mismatch"):
        accuracy(model, digits.test)


def test_too_few_outputs_is_a_clear_error(digits):
    with pytest.raises(ValueError, match="3 outputs but the dataset has 10 classes"):
        accuracy(resnet18(3, 1, width=0.25), digits.test)


def _tiny_run(digits, seed):
    seed_everything(seed)
    model = build_quantized("resnet18-w4a4", 10, 1, width=0.125)
    history = train(model, digits.train.subset(range(256)), epochs=1, lr=0.05, batch_size=64,
                    seed=seed, progress=False)
    return model, history


def test_same_seed_same_weights(digits):
    a, ha = _tiny_run(digits, seed=3)
    b, hb = _tiny_run(digits, seed=3)
    c, _ = _tiny_run(digits, seed=4)
    assert ha == hb
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)


def test_training_learns_digits(digits):
    seed_everything(0)
    model = build_model("resnet18", 10, 1, width=0.25)
    before = accuracy(model, digits.test)
    train(model, digits.train, epochs=3, lr=0.05, batch_size=64, progress=False)
    after = accuracy(model, digits.test)
    assert after > 80 and after > before + 40
    assert predict(model, digits.test).shape == (360, 10)
    assert not model.training


@pytest.mark.parametrize("arch,bits,act_bits", [("resnet18", 4, 4), ("mobilenet_v2", 2, None)])
@pytest.mark.parametrize("method", ["lsq", "lsq+", "pact", "dsq"])
def test_trained_weights_take_at_most_2_to_the_b_values(digits, arch, bits, act_bits, method):
    """After QAT, every quantized layer's effective weight has at most 2^b distinct values."""
    seed_everything(0)
    model = quantize_model(build_model(arch, 10, 1, width=0.125), bits, act_bits, method)
    train(model, digits.train.subset(range(192)), epochs=1, lr=0.02, batch_size=64, progress=False)
    layers = list(quantized_layers(model).values())
    for i, layer in enumerate(layers):
        edge = i in (0, len(layers) - 1)
        limit = 2 ** (8 if edge else bits)
        levels = layer.effective_weight().detach().unique().numel()
        assert levels <= limit, f"layer {i} has {levels} > {limit} weight levels"
    inner = layers[len(layers) // 2]
    assert inner.effective_weight().detach().unique().numel() > 1  # and it did not collapse


def test_profiles():
    default, paper = get_profile("default"), get_profile("paper")
    assert default.dataset == "digits" and paper.dataset == "cifar10"
    assert (paper.epochs, paper.retrain_epochs, paper.batch_size, paper.lr, paper.width("resnet18")) == (182, 160, 256, 0.1, 1.0)
    assert get_setting("resnet18-w4a4").method == "lsq+"
    assert (get_setting("mobilenet_v2-w2").weight_bits, get_setting("mobilenet_v2-w2").act_bits) == (2, None)
    with pytest.raises(ValueError, match="unknown profile 'fast'"):
        get_profile("fast")
    with pytest.raises(ValueError, match="unknown setting"):
        get_setting("resnet50-w4a4")


def test_one_training_step_of_the_paper_profile(tmp_path, fake_md5):
    """The paper's recipe (CIFAR-10, full-width 4-bit LSQ+ ResNet-18, batch 256, lr 0.1) on a tiny fixture."""
    rng = np.random.default_rng(1)
    write_cifar(tmp_path / "cifar10", "cifar10", (random_images(20, 3, 32, 32), rng.integers(0, 10, 20)),
                (random_images(5, 3, 32, 32), rng.integers(0, 10, 5)))
    profile = get_profile("paper")
    data = load_dataset(profile.dataset, root=tmp_path, download=False, augment=profile.augment)
    assert data.train.augment and data.num_classes == 10
    model = build_quantized("resnet18-w4a4", data.num_classes, data.in_channels, profile.width("resnet18"))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    history = train(model, data.train, epochs=1, lr=profile.lr, batch_size=profile.batch_size,
                    momentum=profile.momentum, weight_decay=profile.weight_decay, progress=False)
    assert len(history) == 1 and np.isfinite(history[0])
    changed = [k for k, v in model.state_dict().items() if not torch.equal(before[k], v)]
    assert "conv1.weight" in changed and "layer2.0.conv1.weight_quantizer.scale" in changed
    # accuracy counts agreement with the labels: 100 against the model's own predictions, 0 against shifted ones
    predicted = predict(model, evaluation_view(data.test)).argmax(1)
    own, shifted = data.test.subset(torch.arange(len(data.test))), data.test.subset(torch.arange(len(data.test)))
    own.targets, shifted.targets = predicted, (predicted + 1) % data.num_classes
    assert accuracy(model, own) == 100.0 and accuracy(model, shifted) == 0.0
