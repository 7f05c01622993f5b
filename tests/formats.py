"""Tiny dataset files in real on-disk formats, shared by the tests."""
from __future__ import annotations

import pickle

import numpy as np

RNG = np.random.default_rng(0)


def random_images(n, c, h, w):
    return RNG.integers(0, 256, size=(n, c, h, w), dtype=np.uint8)


def write_cifar(folder, name, train, test):
    """``cifar-10-batches-py`` / ``cifar-100-python`` pickles: rows of 3072 bytes (R, G, B planes).

    The official files are Python 2 pickles; torchvision reads them with
    ``encoding="latin1"``, which turns their keys into ``str`` ("data", "labels"),
    so Python 3 pickles with ``str`` keys are what torchvision really sees.
    """
    def dump(path, images, labels, key):
        entry = {"batch_label": "fake", "data": images.reshape(len(images), 3072), key: list(map(int, labels)),
                 "filenames": [f"img_{i}.png" for i in range(len(images))]}
        with open(path, "wb") as f:
            pickle.dump(entry, f, protocol=2)

    if name == "cifar10":
        base = folder / "cifar-10-batches-py"
        base.mkdir(parents=True)
        for i, (images, labels) in enumerate(zip(np.array_split(train[0], 5), np.array_split(train[1], 5))):
            dump(base / f"data_batch_{i + 1}", images, labels, "labels")
        dump(base / "test_batch", *test, "labels")
        meta = {"label_names": [f"class{i}" for i in range(10)], "num_cases_per_batch": 10, "num_vis": 3072}
        with open(base / "batches.meta", "wb") as f:
            pickle.dump(meta, f, protocol=2)
    else:
        base = folder / "cifar-100-python"
        base.mkdir(parents=True)
        dump(base / "train", *train, "fine_labels")
        dump(base / "test", *test, "fine_labels")
        meta = {"fine_label_names": [f"class{i}" for i in range(100)], "coarse_label_names": ["c"] * 20}
        with open(base / "meta", "wb") as f:
            pickle.dump(meta, f, protocol=2)




def write_covertype(folder, rows_per_class=12, classes=range(1, 8)):
    """``covtype.data.gz`` as the UCI archive has it: gzipped CSV, no header, 55 integer columns
    (10 quantitative features, 4 wilderness-area and 40 soil-type one-hot columns, then the cover
    type 1..7). Column 0 (elevation) is ``1000 * cover type + row``, so tests can trace labels."""
    import gzip

    lines = []
    for cover in classes:
        for i in range(rows_per_class):
            quantitative = [1000 * cover + i] + list(RNG.integers(0, 360, size=9))
            wilderness = [0] * 4
            wilderness[RNG.integers(0, 4)] = 1
            soil = [0] * 40
            soil[RNG.integers(0, 40)] = 1
            lines.append(",".join(map(str, quantitative + wilderness + soil + [cover])))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "covtype.data.gz"
    with gzip.open(path, "wt") as f:
        f.write("\n".join(lines) + "\n")
    return path
