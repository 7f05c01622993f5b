"""Small conveniences for the chapters' notebooks."""
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


def plural(n: int, word: str) -> str:
    """``"1 seed"``, ``"3 seeds"``: ``n`` and ``word`` with an ``s`` unless ``n`` is 1."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def join_words(words, last: str = " and ") -> str:
    """Words joined for a sentence: ``"a"``, ``"a and b"``, ``"a, b and c"`` (``last=", "``: commas only)."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + last + words[-1]


def group_phrases(groups: dict, templates: dict) -> list[str]:
    """One phrase per non-empty group, in the order of ``templates``: ``templates[key]`` with
    :func:`join_words` of ``groups[key]`` in its ``{}``, e.g. ``{"larger": "larger for {}"}``."""
    return [template.format(join_words(groups[key])) for key, template in templates.items() if groups.get(key)]


def is_are(words) -> str:
    """The verb for :func:`join_words` of ``words``: ``"is"`` for one word, ``"are"`` for more."""
    return "is" if len(list(words)) == 1 else "are"
