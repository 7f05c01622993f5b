"""Load the book's image datasets as :class:`ImageDataset` train/test pairs.

>>> data = load_dataset("digits")          # ships with scikit-learn, works offline
>>> data.train.images.shape, data.test.images.shape
(torch.Size([1437, 1, 8, 8]), torch.Size([360, 1, 8, 8]))

Every other dataset is read from (and, the first time, downloaded into) its own
folder ``<data home>/<name>``, where the data home is ``root`` if given, else
``$UNLEARNING_BOOK_DATA``, else ``~/.cache/unlearning-book``. Downloads go into
a temporary folder that is renamed into place only when complete, so an
interrupted download never leaves a broken dataset behind.

=============  =====================  =======  ===========  ============
name           images (train / test)  shape    classes      source
=============  =====================  =======  ===========  ============
digits         1,437 / 360            1x8x8    10           scikit-learn
mnist          60,000 / 10,000        1x28x28  10           torchvision
fashion-mnist  60,000 / 10,000        1x28x28  10           torchvision
cifar10        50,000 / 10,000        3x32x32  10           torchvision
cifar100       50,000 / 10,000        3x32x32  100          torchvision
svhn           73,257 / 26,032        3x32x32  10           torchvision
tiny-imagenet  100,000 / 10,000       3x64x64  200          cs231n.stanford.edu
=============  =====================  =======  ===========  ============
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .dataset import ImageDataset
from .home import download_atomically, get_data_home

DATASETS = ("digits", "cifar10", "cifar100", "svhn", "mnist", "fashion-mnist", "tiny-imagenet")

# name -> (num_classes, per-channel mean, per-channel std, random horizontal flip?)
# Means and standard deviations are those of each training set, in [0, 1] units.
# Digits and house numbers are not mirror-symmetric, so they are never flipped.
_INFO = {
    "cifar10": (10, (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616), True),
    "cifar100": (100, (0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762), True),
    "svhn": (10, (0.4377, 0.4438, 0.4728), (0.1980, 0.2010, 0.1970), False),
    "mnist": (10, (0.1307,), (0.3081,), False),
    "fashion-mnist": (10, (0.2860,), (0.3530,), True),
    "tiny-imagenet": (200, (0.4802, 0.4481, 0.3975), (0.2770, 0.2691, 0.2821), True),
}

TINY_IMAGENET_URL = "http://cs231n.stanford.edu/tiny-imagenet-200.zip"
OFFLINE_HINT = 'load_dataset("digits")'


@dataclass
class DatasetSplits:
    """A dataset's train and test splits (both :class:`ImageDataset`)."""

    name: str
    train: ImageDataset
    test: ImageDataset
    num_classes: int

    @property
    def in_channels(self) -> int:
        return self.train.in_channels

    @property
    def image_size(self) -> int:
        return self.train.image_size

    def __repr__(self) -> str:
        c, s = self.in_channels, self.image_size
        return (f"DatasetSplits(name={self.name!r}, train={len(self.train)}, test={len(self.test)}, "
                f"shape=({c}, {s}, {s}), num_classes={self.num_classes})")


def load_dataset(name="digits", root=None, download=True, *, augment=False, test_size=0.2, seed=0) -> DatasetSplits:
    """Load dataset ``name`` (one of :data:`DATASETS`) as train and test :class:`ImageDataset`.

    Images are ``uint8`` tensors ``(N, C, H, W)`` and labels ``int64`` tensors ``(N,)``;
    indexing a split with a tensor of indices gives a normalised ``float32`` batch.

    Parameters
    ----------
    name : ``"digits"`` (default, offline), ``"mnist"``, ``"fashion-mnist"``,
        ``"cifar10"``, ``"cifar100"``, ``"svhn"`` or ``"tiny-imagenet"``.
    root : data home; defaults to ``$UNLEARNING_BOOK_DATA`` or ``~/.cache/unlearning-book``.
    download : download the files if they are missing (never re-downloads).
    augment : random crop (and flip where it makes sense) on the *train* split.
    test_size, seed : only for ``"digits"``, which has no official test split:
        a stratified split keeping ``test_size`` of the images for testing.
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of {', '.join(DATASETS)}.")
    if name == "digits":
        return _load_digits(augment, test_size, seed)
    folder = get_data_home(root) / name
    if name in ("cifar10", "cifar100"):
        train, test = _load_cifar(name, folder, download)
    elif name == "svhn":
        train, test = _load_svhn(folder, download)
    elif name in ("mnist", "fashion-mnist"):
        train, test = _load_mnist(name, folder, download)
    else:
        train, test = _load_tiny_imagenet(folder, download)
    num_classes, mean, std, flip = _INFO[name]
    return _make_splits(name, train, test, num_classes, mean, std, flip, augment)


def _make_splits(name, train, test, num_classes, mean, std, flip, augment) -> DatasetSplits:
    """Wrap ``(images, labels)`` pairs into a :class:`DatasetSplits` (test is never augmented)."""
    def wrap(pair, aug):
        images, labels = pair
        return ImageDataset(images, labels, num_classes, mean, std, augment=aug, flip=flip, name=name)
    return DatasetSplits(name, wrap(train, augment), wrap(test, False), num_classes)


# --------------------------------------------------------------------------- digits
def _load_digits(augment, test_size, seed) -> DatasetSplits:
    """scikit-learn's 1,797 handwritten digits: 8x8 grey levels 0..16, scaled to 0..255."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = np.round(digits.images * 255 / 16).astype(np.uint8)[:, None]   # (1797, 1, 8, 8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=test_size, stratify=digits.target, random_state=seed)
    pixels = x_train / 255.0
    mean, std = (pixels.mean(),), (pixels.std(),)
    return _make_splits("digits", (x_train, y_train), (x_test, y_test), 10, mean, std,
                        flip=False, augment=augment)


# --------------------------------------------------------------------------- torchvision
def _load_cifar(name, folder, download):
    """CIFAR-10/100: torchvision keeps ``.data`` as (N, 32, 32, 3) uint8; we return (N, 3, 32, 32)."""
    from torchvision.datasets import CIFAR10, CIFAR100

    cls = CIFAR10 if name == "cifar10" else CIFAR100
    splits = _open_torchvision(name, folder, download, lambda root, train, dl: cls(root, train=train, download=dl))
    return [(torch.from_numpy(ds.data).permute(0, 3, 1, 2).contiguous(), torch.tensor(ds.targets))
            for ds in splits]


def _load_svhn(folder, download):
    """SVHN: torchvision already gives (N, 3, 32, 32) and maps the label 10 of digit 0 to 0."""
    from torchvision.datasets import SVHN

    def make(root, train, dl):
        return SVHN(root, split="train" if train else "test", download=dl)
    splits = _open_torchvision("svhn", folder, download, make)
    return [(torch.from_numpy(np.ascontiguousarray(ds.data)), torch.from_numpy(ds.labels)) for ds in splits]


def _load_mnist(name, folder, download):
    """MNIST / Fashion-MNIST: torchvision gives (N, 28, 28) uint8; we add the channel axis."""
    from torchvision.datasets import MNIST, FashionMNIST

    cls = MNIST if name == "mnist" else FashionMNIST
    splits = _open_torchvision(name, folder, download, lambda root, train, dl: cls(root, train=train, download=dl))
    return [(ds.data.unsqueeze(1), ds.targets) for ds in splits]


def _open_torchvision(name, folder, download, make):
    """``(train, test)`` torchvision datasets from ``folder``, downloading them only if missing.

    ``make(root, train, download)`` builds one split. We first try without the
    network; only if the files are missing (and ``download``) do we download,
    into a temporary folder that becomes ``folder`` once both splits are there.
    """
    try:
        return make(folder, True, False), make(folder, False, False)
    except (RuntimeError, FileNotFoundError):
        if not download:
            raise _missing(name, folder) from None
    _download(name, folder, lambda tmp: (make(tmp, True, True), make(tmp, False, True)))
    return make(folder, True, False), make(folder, False, False)


# --------------------------------------------------------------------------- tiny-imagenet
def _load_tiny_imagenet(folder, download):
    """Tiny-ImageNet from ``<folder>/tiny-imagenet-200`` (its official layout); the val folder is the test split.

    Class ``i`` is the ``i``-th wnid in *sorted* order (like torchvision's
    ``ImageFolder``), not the order of ``wnids.txt``. Images are (N, 3, 64, 64).
    """
    base = folder / "tiny-imagenet-200"
    if not (base / "wnids.txt").is_file():
        if not download:
            raise _missing("tiny-imagenet", folder)
        from torchvision.datasets.utils import download_and_extract_archive
        _download("tiny-imagenet", folder,
                  lambda tmp: download_and_extract_archive(TINY_IMAGENET_URL, tmp, remove_finished=True))
    wnids = sorted((base / "wnids.txt").read_text().split())
    index = {wnid: i for i, wnid in enumerate(wnids)}
    train = [(path, index[wnid]) for wnid in wnids
             for path in sorted((base / "train" / wnid / "images").glob("*.JPEG"))]
    rows = [line.split("\t") for line in (base / "val" / "val_annotations.txt").read_text().splitlines() if line]
    test = [(base / "val" / "images" / row[0], index[row[1]]) for row in rows]
    return _read_jpegs(train), _read_jpegs(test)


def _read_jpegs(pairs):
    """``[(path, label), ...]`` -> images (N, 3, H, W) uint8 and labels (N,) int64."""
    from PIL import Image

    def read(path):
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))          # (H, W, 3); some images are greyscale
    images = np.stack([read(path) for path, _ in pairs]) if pairs else np.zeros((0, 64, 64, 3), np.uint8)
    labels = torch.tensor([label for _, label in pairs], dtype=torch.int64)
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous(), labels


# --------------------------------------------------------------------------- downloads and errors
def _download(name, folder: Path, fetch) -> None:
    """Run ``fetch(tmp)`` then move ``tmp`` to ``folder``; network failures become a clear OSError."""
    print(f"Downloading {name!r} into {folder} (only the first time) ...")
    try:
        download_atomically(folder, fetch)
    except (OSError, RuntimeError) as err:     # urllib.error.URLError is an OSError
        reason = " ".join(str(err).split())    # torchvision's MNIST error spans several lines
        raise OSError(
            f"The {name!r} dataset could not be downloaded into {folder} ({reason}); this machine may be "
            f"offline, so use {OFFLINE_HINT}, which ships with scikit-learn and needs no network."
        ) from err


def _missing(name, folder) -> FileNotFoundError:
    return FileNotFoundError(
        f"The {name!r} dataset was not found in {folder}; pass download=True to download it, "
        f"or use {OFFLINE_HINT}, which works offline."
    )
