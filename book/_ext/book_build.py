"""Tell the chapters' kernels that they run inside the book build.

When Sphinx loads this extension it sets ``$UNLEARNING_BOOK_BUILD`` in its own
environment, which the kernels myst-nb starts to execute the chapters inherit.
``helpers.notebook.glue`` then only records each value for the prose, as myst-nb's
``glue`` does; run anywhere else (Colab, Jupyter, a Colab edition) it also shows the
value under its cell.

Enabled in ``_config.yml`` under ``sphinx.local_extensions``.
"""
from __future__ import annotations

import os

from helpers.notebook import BUILD_ENV


def setup(app):
    os.environ[BUILD_ENV] = "1"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
