"""Small conveniences for the chapters' notebooks: glue numbers into the prose, and (re-exported
for the notebooks' imports) the progress bar and the sentence helpers."""
from __future__ import annotations

import os

from .progress import PROGRESS_ENV, progress_bar  # noqa: F401  (the notebooks import them from here)
from .words import group_phrases, is_are, join_words, plural  # noqa: F401

BUILD_ENV = "UNLEARNING_BOOK_BUILD"   # set in the book build's kernels by book/_ext/book_build.py


def glue(name: str, value, display: bool = False):
    """Store ``value`` under ``name`` for the book's prose (myst-nb ``{glue}`` roles).

    Numbers quoted in the text are glued from the computation, never typed in.
    In the book build (``$UNLEARNING_BOOK_BUILD`` set) the value is only recorded,
    as myst-nb does. Anywhere else (Colab, a Colab edition, Jupyter) it is also shown
    under the cell as ``name = value``, so a reader sees the number the prose quotes;
    it is recorded there too when myst-nb is installed. Returns the value.
    """
    if hasattr(value, "item"):      # NumPy / torch scalars -> plain Python numbers
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        myst_glue = None
    if myst_glue is not None:
        myst_glue(name, value, display=display)
    if not os.environ.get(BUILD_ENV):
        show_glued(name, value)
    return value


def show_glued(name: str, value) -> None:
    """Show one glued value under its cell: ``name = value`` (Markdown rendered, numbers as they are)."""
    from IPython.display import Markdown
    from IPython.display import display as show

    if isinstance(value, Markdown):
        show(Markdown(f"`{name}` = {value.data}"))
    elif isinstance(value, (str, int, float, bool)) or value is None:
        show(Markdown(f"`{name}` = {value}"))
    else:
        show(Markdown(f"`{name}` ="), value)


def glue_all(*readings: dict, markdown: type = str) -> dict:
    """Glue every ``name: value`` of one or more readings dicts (a chapter's ``*_readings``).

    Values of type ``markdown`` (by default every string) are glued as ``Markdown``, for
    ``{glue:md}`` (``{glue:text}`` would print ``<...Markdown object>``); numbers as they are.
    A chapter whose plain strings are pasted with ``{glue:text}`` passes its own ``str``
    subclass (chapter 3's ``Md``). Returns the last dict, so a call can be chained.
    """
    from IPython.display import Markdown

    for found in readings:
        for name, value in found.items():
            glue(name, Markdown(str(value)) if isinstance(value, markdown) else value)
    return readings[-1] if readings else {}
