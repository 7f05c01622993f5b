"""Datasets for the book.

``load_dataset(name)`` returns a :class:`DatasetSplits` (train and test
:class:`ImageDataset` plus ``num_classes``). The default, ``"digits"``, ships
inside scikit-learn and needs no network; the others are the papers' datasets,
downloaded by torchvision into the data home (``$UNLEARNING_BOOK_DATA`` or
``~/.cache/unlearning-book``).
"""
from .dataset import ImageDataset
from .home import get_data_home
from .images import DATASETS, DatasetSplits, load_dataset
from .splits import drop_class, forget_split

__all__ = ["ImageDataset", "DatasetSplits", "DATASETS", "load_dataset", "get_data_home", "forget_split", "drop_class"]
