"""Small conveniences for the chapters' notebooks: glue numbers into the prose, and (re-exported
for the notebooks' imports) the progress bar and the sentence helpers."""
from __future__ import annotations

from .progress import PROGRESS_ENV, progress_bar  # noqa: F401  (the notebooks import them from here)
from .words import group_phrases, is_are, join_words, plural  # noqa: F401


def glue(name: str, value, display: bool = False):
    """Store ``value`` under ``name`` for the book's prose (myst-nb ``{glue}`` roles).

    Numbers quoted in the text are glued from the computation, never typed in.
    Outside a book build (e.g. in Colab, where myst-nb is not installed) this
    does nothing but return the value.
    """
    if hasattr(value, "item"):      # NumPy / torch scalars -> plain Python numbers
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return value
    myst_glue(name, value, display=display)
    return value


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
