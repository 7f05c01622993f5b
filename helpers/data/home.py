"""Where downloaded datasets live, and how to download them safely.

The data home is, in order of preference: the ``root`` you pass, the
environment variable ``UNLEARNING_BOOK_DATA``, or ``~/.cache/unlearning-book``
(the same idea as scikit-learn's ``get_data_home``).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

ENV_VAR = "UNLEARNING_BOOK_DATA"
DEFAULT_HOME = Path("~") / ".cache" / "unlearning-book"


def get_data_home(root=None) -> Path:
    """The folder holding the datasets, created if it does not exist yet.

    ``root`` wins if given; otherwise ``$UNLEARNING_BOOK_DATA``; otherwise
    ``~/.cache/unlearning-book``.
    """
    if root is None:
        root = os.environ.get(ENV_VAR) or DEFAULT_HOME
    home = Path(root).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def download_atomically(final_dir: Path, fetch: Callable[[Path], None]) -> Path:
    """Run ``fetch(tmp)`` in a temporary folder, then rename it to ``final_dir``.

    The temporary folder sits next to ``final_dir`` (same file system, so the
    rename is atomic). If ``fetch`` fails, the temporary folder is removed and
    the error re-raised: an interrupted download never leaves a half-written
    dataset in the cache. If ``final_dir`` already exists (e.g. an empty
    folder), it is replaced.
    """
    final_dir = Path(final_dir)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=final_dir.parent, prefix=".tmp-"))
    try:
        fetch(tmp)
        if final_dir.exists():
            shutil.rmtree(final_dir)
        os.replace(tmp, final_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final_dir
