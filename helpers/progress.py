"""Progress bars for long computations (a widget in Jupyter and Colab, off in the book build)."""
from __future__ import annotations

import os

from tqdm.auto import tqdm

PROGRESS_ENV = "UNLEARNING_BOOK_PROGRESS"


def progress_bar(iterable, desc: str = "", enabled: bool = True, **kwargs):
    """A ``tqdm.auto`` progress bar over ``iterable`` (a widget in Jupyter and Colab).

    Setting the environment variable ``UNLEARNING_BOOK_PROGRESS=0`` turns every
    bar off; the book build does so, since a static page cannot show a live
    widget.
    """
    enabled = enabled and os.environ.get(PROGRESS_ENV, "1") != "0"
    return tqdm(iterable, desc=desc, disable=not enabled, leave=False, **kwargs)
