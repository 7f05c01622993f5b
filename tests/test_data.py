"""Tests for :mod:`helpers.data`.

Every downloadable dataset is tested offline: a fixture writes a *tiny* copy in
the dataset's real on-disk format (the files torchvision or our own loader
read), then ``load_dataset(..., download=False)`` goes through the real code
path. Only one thing is bypassed: torchvision compares CIFAR and SVHN files
against the MD5 hashes of the official downloads, which tiny files can never
match, so ``fake_md5`` makes that comparison succeed (the file-exists check
still runs). MNIST's uncompressed files and Tiny-ImageNet have no such check.
"""
from __future__ import annotations

import os
import struct

import numpy as np
import pytest
import torch
from formats import random_images, write_cifar

from helpers.data import DATASETS, ImageDataset, get_data_home, load_dataset
from helpers.data.home import download_atomically

RNG = np.random.default_rng(0)


def write_svhn(folder, train, test):
    """``train_32x32.mat`` / ``test_32x32.mat``: X is (32, 32, 3, N), y is (N, 1) with 10 for digit 0."""
    from scipy.io import savemat

    folder.mkdir(parents=True)
    for split, (images, labels) in (("train", train), ("test", test)):
        y = np.where(labels == 0, 10, labels).astype(np.uint8).reshape(-1, 1)
        savemat(folder / f"{split}_32x32.mat", {"X": images.transpose(2, 3, 1, 0), "y": y})


def write_idx(path, array):
    """IDX file: magic (0, 0, type 0x08 = uint8, ndim), big-endian int32 sizes, then the bytes."""
    header = struct.pack(">I", 0x0800 + array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def write_mnist(folder, cls_name, train, test):
    """``<cls_name>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (uncompressed: what torchvision reads)."""
    raw = folder / cls_name / "raw"
    raw.mkdir(parents=True)
    for prefix, (images, labels) in (("train", train), ("t10k", test)):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images[:, 0])     # magic 0x00000803
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels)           # magic 0x00000801


def write_tiny_imagenet(folder, wnids, train_labels, val_labels):
    """``tiny-imagenet-200/`` with wnids.txt, train/<wnid>/images/*.JPEG, val/images + val_annotations.txt.

    Each image is one flat colour, which JPEG stores almost exactly; returns those colours.
    """
    from PIL import Image

    base = folder / "tiny-imagenet-200"
    base.mkdir(parents=True)
    (base / "wnids.txt").write_text("\n".join(wnids) + "\n")       # deliberately not sorted
    order = sorted(wnids)
    colours = {}
    for k, label in enumerate(train_labels):
        images = base / "train" / order[label] / "images"
        images.mkdir(parents=True, exist_ok=True)
        colour = (40 * k % 256, 255 - 30 * k % 256, 90)
        Image.new("RGB", (64, 64), colour).save(images / f"{order[label]}_{k}.JPEG")
        colours[("train", k)] = colour
    (base / "val" / "images").mkdir(parents=True)
    rows = []
    for k, label in enumerate(val_labels):
        colour = (200, 20 * k, 60)
        mode_image = Image.new("RGB", (64, 64), colour)
        if k == 0:                                    # a greyscale JPEG, as in the real dataset
            mode_image = mode_image.convert("L")
            colour = (mode_image.getpixel((0, 0)),) * 3
        mode_image.save(base / "val" / "images" / f"val_{k}.JPEG")
        rows.append(f"val_{k}.JPEG\t{order[label]}\t0\t0\t63\t63")
        colours[("val", k)] = colour
    (base / "val" / "val_annotations.txt").write_text("\n".join(rows) + "\n")
    return colours


# --------------------------------------------------------------------------- torchvision formats
def check_splits(data, name, shape, num_classes, train, test):
    assert data.name == name and data.num_classes == num_classes
    assert (data.in_channels, data.image_size, data.image_size) == shape
    for split, (images, labels) in ((data.train, train), (data.test, test)):
        assert split.images.dtype == torch.uint8 and split.targets.dtype == torch.int64
        assert tuple(split.images.shape) == (len(labels), *shape)
        assert split.num_classes == num_classes
        assert torch.equal(split.targets, torch.as_tensor(labels, dtype=torch.int64))
        assert torch.equal(split.images, torch.from_numpy(images))   # lossless: exact pixels
    x, y = data.train[torch.arange(3)]
    assert x.shape == (3, *shape) and x.dtype == torch.float32 and y.shape == (3,)


@pytest.mark.parametrize("name,num_classes", [("cifar10", 10), ("cifar100", 100)])
def test_cifar(tmp_path, fake_md5, name, num_classes):
    train = random_images(12, 3, 32, 32), RNG.integers(0, num_classes, 12)
    test = random_images(4, 3, 32, 32), RNG.integers(0, num_classes, 4)
    write_cifar(tmp_path / name, name, train, test)
    data = load_dataset(name, tmp_path, download=False)
    check_splits(data, name, (3, 32, 32), num_classes, train, test)
    assert data.train.flip


def test_svhn_maps_label_10_to_digit_0(tmp_path, fake_md5):
    train = random_images(10, 3, 32, 32), np.arange(10)             # includes digit 0 (stored as 10)
    test = random_images(3, 3, 32, 32), np.array([0, 5, 9])
    write_svhn(tmp_path / "svhn", train, test)
    data = load_dataset("svhn", tmp_path, download=False)
    check_splits(data, "svhn", (3, 32, 32), 10, train, test)
    assert not data.train.flip


@pytest.mark.parametrize("name,cls_name,flip", [("mnist", "MNIST", False), ("fashion-mnist", "FashionMNIST", True)])
def test_mnist_formats(tmp_path, name, cls_name, flip):
    train = random_images(7, 1, 28, 28), RNG.integers(0, 10, 7).astype(np.uint8)
    test = random_images(3, 1, 28, 28), RNG.integers(0, 10, 3).astype(np.uint8)
    write_mnist(tmp_path / name, cls_name, train, test)
    data = load_dataset(name, root=tmp_path, download=False)
    check_splits(data, name, (1, 28, 28), 10, train, test)
    assert data.train.flip == flip


def test_tiny_imagenet(tmp_path):
    wnids = ["n09999999", "n01443537", "n02124075"]                 # sorted: n014.., n021.., n099..
    train_labels, val_labels = [0, 0, 1, 2, 2, 1], [2, 0, 1]
    colours = write_tiny_imagenet(tmp_path / "tiny-imagenet", wnids, train_labels, val_labels)
    data = load_dataset("tiny-imagenet", tmp_path, download=False)
    assert data.num_classes == 200 and (data.in_channels, data.image_size) == (3, 64)
    assert data.train.images.shape == (6, 3, 64, 64) and data.test.images.shape == (3, 3, 64, 64)
    assert data.train.images.dtype == torch.uint8 and data.train.targets.dtype == torch.int64
    # train is read class by class (sorted wnids), files sorted by name: here already in label order
    assert sorted(data.train.targets.tolist()) == data.train.targets.tolist() == sorted(train_labels)
    assert data.test.targets.tolist() == val_labels
    for k in range(3):                                              # JPEG is lossy: allow a few levels
        got = data.test.images[k, :, 32, 32].int()
        assert (got - torch.tensor(colours[("val", k)])).abs().max() <= 3


# --------------------------------------------------------------------------- digits
def test_digits_split_is_stratified_and_deterministic():
    data = load_dataset("digits")
    assert len(data.train) == 1437 and len(data.test) == 360 and data.num_classes == 10
    assert data.train.images.shape == (1437, 1, 8, 8) and data.train.images.dtype == torch.uint8
    assert data.train.images.max() == 255 and not data.train.flip
    train_share = torch.bincount(data.train.targets, minlength=10) / len(data.train)
    test_share = torch.bincount(data.test.targets, minlength=10) / len(data.test)
    assert (train_share - test_share).abs().max() < 0.01
    again, other = load_dataset("digits"), load_dataset("digits", seed=1)
    assert torch.equal(again.test.targets, data.test.targets) and torch.equal(again.test.images, data.test.images)
    assert not torch.equal(other.test.images, data.test.images)
    x, _ = data.train[torch.arange(len(data.train))]
    assert abs(x.mean().item()) < 1e-4 and abs(x.std().item() - 1) < 1e-3


# --------------------------------------------------------------------------- errors
def test_unknown_name():
    with pytest.raises(ValueError, match="digits"):
        load_dataset("imagenet-21k")
    assert "tiny-imagenet" in DATASETS


@pytest.mark.parametrize("name", [n for n in DATASETS if n != "digits"])
def test_missing_files_without_download(tmp_path, name):
    with pytest.raises(FileNotFoundError, match=r'download=True.*load_dataset\("digits"\)'):
        load_dataset(name, tmp_path, download=False)


@pytest.mark.parametrize("name", ["cifar10", "mnist", "tiny-imagenet"])
def test_offline_download_fails_cleanly(tmp_path, no_network, name):
    with pytest.raises(OSError, match=r'offline.*load_dataset\("digits"\)'):
        load_dataset(name, tmp_path, download=True)
    assert os.listdir(tmp_path) == []                             # no temporary or half-written folder


def test_present_files_never_touch_the_network(tmp_path, fake_md5, no_network):
    train = random_images(5, 3, 32, 32), RNG.integers(0, 10, 5)
    test = random_images(2, 3, 32, 32), RNG.integers(0, 10, 2)
    write_cifar(tmp_path / "cifar10", "cifar10", train, test)
    check_splits(load_dataset("cifar10", tmp_path, download=True), "cifar10", (3, 32, 32), 10, train, test)


def test_download_lands_in_place(tmp_path, monkeypatch):
    """A successful (fake) Tiny-ImageNet download is renamed from its temporary folder into place."""
    import torchvision.datasets.utils as tv_utils

    def fake_download(url, download_root, **kwargs):
        assert url.endswith("tiny-imagenet-200.zip") and os.path.basename(download_root).startswith(".tmp-")
        write_tiny_imagenet(download_root, ["n0001", "n0002"], [0, 1], [1])
    monkeypatch.setattr(tv_utils, "download_and_extract_archive", fake_download)
    data = load_dataset("tiny-imagenet", tmp_path)
    assert data.train.targets.tolist() == [0, 1] and data.test.targets.tolist() == [1]
    assert os.listdir(tmp_path) == ["tiny-imagenet"]


def test_download_atomically(tmp_path):
    def broken(tmp):
        (tmp / "half.bin").write_bytes(b"123")
        raise ConnectionError("cut")
    with pytest.raises(ConnectionError):
        download_atomically(tmp_path / "ds", broken)
    assert os.listdir(tmp_path) == []

    download_atomically(tmp_path / "ds", lambda tmp: (tmp / "ok.bin").write_bytes(b"1"))
    assert os.listdir(tmp_path) == ["ds"] and (tmp_path / "ds" / "ok.bin").read_bytes() == b"1"


def test_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("UNLEARNING_BOOK_DATA", str(tmp_path / "from-env"))
    assert get_data_home() == tmp_path / "from-env" and (tmp_path / "from-env").is_dir()
    assert get_data_home(tmp_path / "explicit") == tmp_path / "explicit"


# --------------------------------------------------------------------------- ImageDataset
def test_image_dataset_batches_subset_and_augmentation():
    images = torch.from_numpy(random_images(10, 3, 16, 16))
    ds = ImageDataset(images, torch.arange(10) % 4, 4, mean=(0.5,) * 3, std=(0.25,) * 3, name="toy")
    x, y = ds[torch.tensor([1, 3, 5])]
    assert x.shape == (3, 3, 16, 16) and x.dtype == torch.float32 and y.tolist() == [1, 3, 1]
    x0, y0 = ds[2]
    assert x0.shape == (3, 16, 16) and y0.item() == 2
    assert torch.allclose(x0, (images[2].float() / 255 - 0.5) / 0.25)
    assert torch.equal(ds[torch.arange(10)][0], ds[torch.arange(10)][0])    # no augmentation: deterministic
    sub = ds.subset([7, 8])
    assert len(sub) == 2 and torch.equal(sub.images, images[7:9]) and sub.num_classes == 4
    ds.augment = True
    xa, ya = ds[torch.arange(10)]
    assert xa.shape == (10, 3, 16, 16) and torch.equal(ya, ds.targets)
    assert not ds.without_augmentation().augment and ds.augment
