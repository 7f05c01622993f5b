"""Datasets for the book.

``load_dataset(name)`` returns a :class:`DatasetSplits` (train and test
:class:`ImageDataset` plus ``num_classes``). The default, ``"digits"``, ships
inside scikit-learn and needs no network; the others are the papers' datasets,
downloaded by torchvision into the data home (``$UNLEARNING_BOOK_DATA`` or
``~/.cache/unlearning-book``).

``load_tabular(name)`` gives the quantum classifier's small tabular datasets
(iris and wine offline, covertype downloaded): four features in [0, π], three classes, as
:class:`TensorSplits` (train / validation / test tensors).
"""
from .corruption import CORRUPTIONS, Corrupted, corrupt, mislabel, poison
from .dataset import ImageDataset, Samples, TensorSplits
from .home import get_data_home
from .images import DATASETS, DatasetSplits, load_dataset
from .splits import check_forget_class, drop_class, forget_split
from .tabular import TABULAR_DATASETS, load_tabular

__all__ = ["ImageDataset", "Samples", "DatasetSplits", "DATASETS", "load_dataset", "get_data_home", "forget_split", "drop_class", "check_forget_class",
           "corrupt", "mislabel", "poison", "Corrupted", "CORRUPTIONS",
           "load_tabular", "TensorSplits", "TABULAR_DATASETS"]
