"""helpers.data.load_tabular: iris and wine offline; covertype on tiny files in its real format."""
from __future__ import annotations

import hashlib
import math
import os

import numpy as np
import pytest
import torch

import helpers.data.tabular as tabular
from helpers.data import TABULAR_DATASETS, load_tabular
from helpers.data.tabular import covertype_subsample, read_covertype
from formats import write_covertype


def check(data, n_train, n_val, n_test):
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (n_train, n_val, n_test)
    for X, y in [(data.X_train, data.y_train), (data.X_val, data.y_val), (data.X_test, data.y_test)]:
        assert X.dtype == torch.float64 and y.dtype == torch.int64 and X.shape == (len(y), 4)
        assert X.min() >= 0.0 and X.max() <= math.pi
        assert set(y.tolist()) == {0, 1, 2}
    # min-max is fitted on the training split: it spans exactly [0, π] there
    assert torch.allclose(data.X_train.min(0).values, torch.zeros(4, dtype=torch.float64))
    assert torch.allclose(data.X_train.max(0).values, torch.full((4,), math.pi, dtype=torch.float64))


def test_iris_and_wine_offline():
    check(load_tabular("iris"), 96, 24, 30)
    check(load_tabular("wine"), 113, 29, 36)
    assert load_tabular("iris").class_names == ("setosa", "versicolor", "virginica")


def test_splits_are_stratified_and_seeded():
    a, b, c = load_tabular("iris", seed=0), load_tabular("iris", seed=0), load_tabular("iris", seed=1)
    assert torch.equal(a.X_test, b.X_test) and not torch.equal(a.X_test, c.X_test)
    assert torch.bincount(a.y_test).tolist() == [10, 10, 10]


def test_unknown_name():
    with pytest.raises(ValueError, match="iris, wine, covertype"):
        load_tabular("mnist")
    assert TABULAR_DATASETS == ("iris", "wine", "covertype")


# --------------------------------------------------------------------------- covertype
def test_covertype_reads_its_real_format(tmp_path):
    path = write_covertype(tmp_path / "covertype", rows_per_class=12)
    X, y = read_covertype(path)
    assert X.shape == (84, 54) and sorted(set(y.tolist())) == list(range(1, 8))


def test_covertype_keeps_classes_3_5_7_remapped(tmp_path):
    write_covertype(tmp_path / "covertype", rows_per_class=12)
    X, y = covertype_subsample(tmp_path, download=False, n_per_class=10, seed=0)
    assert X.shape == (30, 54) and np.bincount(y).tolist() == [10, 10, 10]
    original = X[:, 0] // 1000                       # the writer stores 1000 * cover type in column 0
    assert {(int(o), int(l)) for o, l in zip(original, y)} == {(3, 0), (5, 1), (7, 2)}


def test_load_tabular_covertype_pca_to_four_features(tmp_path):
    write_covertype(tmp_path / "covertype", rows_per_class=40)
    data = load_tabular("covertype", root=tmp_path, download=False, n_per_class=40, seed=3)
    check(data, 76, 20, 24)
    assert data.class_names == ("Ponderosa Pine", "Aspen", "Krummholz")


def test_covertype_too_few_rows(tmp_path):
    write_covertype(tmp_path / "covertype", rows_per_class=5)
    with pytest.raises(ValueError, match="fewer than n_per_class=10"):
        covertype_subsample(tmp_path, download=False, n_per_class=10)


def test_covertype_wrong_format(tmp_path):
    import gzip
    (tmp_path / "covertype").mkdir()
    with gzip.open(tmp_path / "covertype" / "covtype.data.gz", "wt") as f:
        f.write("1,2,3\n4,5,6\n")
    with pytest.raises(ValueError, match="covertype's format"):
        load_tabular("covertype", root=tmp_path, download=False)


def test_covertype_missing_without_download(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'download=True.*load_tabular\("iris"\)'):
        load_tabular("covertype", root=tmp_path, download=False)


def test_covertype_offline_fails_with_one_clear_message(tmp_path, no_network):
    with pytest.raises(OSError, match=r'offline.*load_tabular\("iris"\)'):
        load_tabular("covertype", root=tmp_path, download=True)
    assert os.listdir(tmp_path) == []                       # no temporary or half-written folder


def _fake_download(source):
    def urlretrieve(url, filename):
        filename.write_bytes(source.read_bytes())
        return filename, None
    return urlretrieve


def test_covertype_download_lands_in_place(tmp_path, monkeypatch):
    source = write_covertype(tmp_path / "source", rows_per_class=40)
    monkeypatch.setattr(tabular.urllib.request, "urlretrieve", _fake_download(source))
    monkeypatch.setattr(tabular, "COVERTYPE_SHA256", hashlib.sha256(source.read_bytes()).hexdigest())
    home = tmp_path / "home"
    data = load_tabular("covertype", root=home, n_per_class=40)
    assert len(data.y_test) == 24 and os.listdir(home) == ["covertype"]
    assert (home / "covertype" / "covtype.data.gz").read_bytes() == source.read_bytes()


def test_covertype_bad_checksum_leaves_nothing(tmp_path, monkeypatch):
    source = write_covertype(tmp_path / "source", rows_per_class=40)
    monkeypatch.setattr(tabular.urllib.request, "urlretrieve", _fake_download(source))
    home = tmp_path / "home"
    with pytest.raises(OSError, match=r'checksum mismatch.*load_tabular\("iris"\)'):
        load_tabular("covertype", root=home)
    assert os.listdir(home) == []
