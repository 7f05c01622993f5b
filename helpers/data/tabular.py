"""Small tabular datasets for the quantum classifier (quantum unlearning paper, Sec. 4).

>>> data = load_tabular("iris")           # ships with scikit-learn, works offline
>>> data.X_train.shape[1], data.num_classes
(4, 3)

Every dataset becomes three classes and four features in ``[0, π]`` (the rotation
angles of the circuit's feature map):

=========  ================================  ========  ============================
name       samples (train / val / test)      source    preprocessing
=========  ================================  ========  ============================
iris       96 / 24 / 30                      sklearn   min-max to [0, π]
wine       113 / 29 / 36                     sklearn   standardise, PCA to 4, min-max
covertype  3 x ``n_per_class`` (default 150) download  classes 3, 5, 7 -> 0, 1, 2;
           stratified subsample: 288/72/90             standardise, PCA to 4, min-max
=========  ================================  ========  ============================

Scaler, PCA and min-max are fitted on the training split only; validation and test
values are clipped to ``[0, π]``. Covertype (581,012 forest cells, 54 features) is
downloaded once, like scikit-learn's ``fetch_covtype``, into
``<data home>/covertype/covtype.data.gz``; offline, the loader raises one error
that names ``load_tabular("iris")`` as the way forward.
"""
from __future__ import annotations

import gzip
import hashlib
import math
import urllib.request
from pathlib import Path

import numpy as np
import torch

from ..words import join_words
from .dataset import TensorSplits
from .home import download_atomically, get_data_home

TABULAR_DATASETS = ("iris", "wine", "covertype")
COVERTYPE_URLS = ("https://ndownloader.figshare.com/files/5976039",        # scikit-learn's mirror
                  "https://archive.ics.uci.edu/ml/machine-learning-databases/covtype/covtype.data.gz")
COVERTYPE_SHA256 = "614360d0257557dd1792834a85a1cdebfadc3c4f30b011d56afee7ffb5b15771"
COVERTYPE_FILE = "covtype.data.gz"
COVERTYPE_CLASSES = (3, 5, 7)        # the paper's three cover types, remapped to 0, 1, 2
COVERTYPE_NAMES = ("Ponderosa Pine", "Aspen", "Krummholz")
OFFLINE_HINT = 'load_tabular("iris")'


def display_name(name: str) -> str:
    """A dataset's name for a sentence: ``"iris"`` -> ``"Iris"`` (the loader's names are lower case)."""
    return name[:1].upper() + name[1:]


def display_list(names, last: str = " and ") -> str:
    """Display names joined for a sentence: ``"Iris"``, ``"Iris and Wine"``, ``"Iris, Wine and Covertype"``
    (``last=", "`` joins every name with commas)."""
    return join_words(map(display_name, names), last)


def load_tabular(name: str = "iris", *, root=None, download: bool = True, seed: int = 0,
                 test_size: float = 0.2, val_size: float = 0.2, n_per_class: int = 150) -> TensorSplits:
    """Load ``name`` (``"iris"``, ``"wine"`` or ``"covertype"``) as a :class:`~helpers.data.dataset.TensorSplits`:
    float64 features (N, 4) in [0, π], three classes and their ``class_names``.

    Parameters
    ----------
    root : data home for covertype; defaults to ``$UNLEARNING_BOOK_DATA`` or ``~/.cache/unlearning-book``.
    download : download covertype if it is missing (never re-downloads).
    seed : seeds the stratified splits (and covertype's subsample).
    test_size : fraction of all samples kept for testing (stratified).
    val_size : fraction of the remaining samples kept for validation (model selection).
    n_per_class : covertype only: samples drawn per class before splitting.

    Raises
    ------
    ValueError : unknown ``name``.
    FileNotFoundError : covertype missing and ``download=False``.
    OSError : covertype could not be downloaded (e.g. offline).
    """
    if name not in TABULAR_DATASETS:
        raise ValueError(f"Unknown tabular dataset {name!r}; choose one of {', '.join(TABULAR_DATASETS)}.")
    if name == "covertype":
        X, y = covertype_subsample(root, download=download, n_per_class=n_per_class, seed=seed)
        class_names = COVERTYPE_NAMES
    else:
        from sklearn.datasets import load_iris, load_wine
        bunch = (load_iris if name == "iris" else load_wine)()
        X, y, class_names = bunch.data, bunch.target, tuple(map(str, bunch.target_names))
    return _split_and_scale(name, X, y, class_names, seed, test_size, val_size, pca=X.shape[1] > 4)


def _split_and_scale(name, X, y, class_names, seed, test_size, val_size, pca) -> TensorSplits:
    from sklearn.decomposition import PCA
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)
    X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=val_size, stratify=y_rest,
                                                      random_state=seed)
    steps = [StandardScaler(), PCA(n_components=4, random_state=seed)] if pca else []
    scale = make_pipeline(*steps, MinMaxScaler(feature_range=(0.0, math.pi))).fit(X_train)

    def prepare(features, labels):
        features = np.clip(scale.transform(features), 0.0, math.pi)
        return torch.tensor(features, dtype=torch.float64), torch.tensor(labels, dtype=torch.int64)
    return TensorSplits(name, *prepare(X_train, y_train), *prepare(X_val, y_val), *prepare(X_test, y_test),
                        num_classes=len(class_names), class_names=class_names)


# --------------------------------------------------------------------------- covertype
def covertype_subsample(root=None, *, download: bool = True, n_per_class: int = 150, seed: int = 0):
    """Raw covertype rows of classes 3, 5, 7, ``n_per_class`` of each drawn with ``seed``:
    X (3 n, 54) float64 and y (3 n,) remapped to 0, 1, 2 (before any scaling)."""
    folder = get_data_home(root) / "covertype"
    path = folder / COVERTYPE_FILE
    if not path.is_file():
        if not download:
            raise FileNotFoundError(f"The 'covertype' dataset was not found in {folder}; pass download=True "
                                    f"to download it, or use {OFFLINE_HINT}, which works offline.")
        _download_covertype(folder)
    X, y = read_covertype(path)
    rng = np.random.default_rng(seed)
    picked = []
    for cover in COVERTYPE_CLASSES:
        rows = np.flatnonzero(y == cover)
        if len(rows) < n_per_class:
            raise ValueError(f"covertype class {cover} has {len(rows)} rows in {path}, fewer than "
                             f"n_per_class={n_per_class}")
        picked.append(rng.choice(rows, size=n_per_class, replace=False))
    rows = np.sort(np.concatenate(picked))
    remap = {c: i for i, c in enumerate(COVERTYPE_CLASSES)}
    return X[rows], np.array([remap[c] for c in y[rows]])


def read_covertype(path) -> tuple[np.ndarray, np.ndarray]:
    """Read ``covtype.data.gz``: gzipped CSV, no header, 54 integer features then the cover type (1..7)."""
    import pandas as pd

    table = pd.read_csv(path, header=None, compression="gzip").to_numpy()
    if table.ndim != 2 or table.shape[1] != 55:
        raise ValueError(f"{path} is not in covertype's format (55 columns: 54 features + label); "
                         f"found shape {table.shape}")
    return table[:, :54].astype(np.float64), table[:, 54].astype(np.int64)


def _download_covertype(folder: Path) -> None:
    """Fetch ``covtype.data.gz`` (about 11 MB) into a temporary folder, check it, move it into place."""
    def fetch(tmp: Path):
        errors = []
        for url in COVERTYPE_URLS:
            try:
                urllib.request.urlretrieve(url, tmp / COVERTYPE_FILE)
                break
            except OSError as err:                  # urllib.error.URLError is an OSError
                errors.append(f"{url}: {err}")
        else:
            raise OSError("; ".join(errors))
        digest = hashlib.sha256((tmp / COVERTYPE_FILE).read_bytes()).hexdigest()
        if digest != COVERTYPE_SHA256:
            raise OSError(f"checksum mismatch for {COVERTYPE_FILE} (got sha256 {digest})")
        with gzip.open(tmp / COVERTYPE_FILE) as f:   # a truncated archive fails here, not later
            f.read(1)

    try:
        download_atomically(folder, fetch)
    except OSError as err:
        reason = " ".join(str(err).split())
        raise OSError(f"The 'covertype' dataset could not be downloaded into {folder} ({reason}); this "
                      f"machine may be offline, so use {OFFLINE_HINT}, which ships with scikit-learn "
                      f"and needs no network.") from err
    print(f"Downloaded 'covertype' into {folder} (only the first time).")   # offline, the error alone
