"""Display names for the chapters' prose: ``load_tabular`` names datasets in lower case
(``"iris"``), sentences capitalise them (``"Iris"``)."""
from __future__ import annotations

from ..words import join_words

DISPLAY_NAMES = {"iris": "Iris", "wine": "Wine", "covertype": "Covertype"}


def display_name(name: str) -> str:
    """``"iris"`` -> ``"Iris"``; an unknown name is capitalised."""
    return DISPLAY_NAMES.get(name, name[:1].upper() + name[1:])


def display_list(names, last: str = " and ") -> str:
    """Display names joined for a sentence: ``"Iris"``, ``"Iris and Wine"``, ``"Iris, Wine and Covertype"``
    (``last=", "`` joins every name with commas)."""
    return join_words((display_name(n) for n in names), last)
