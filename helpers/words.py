"""Joining words for the chapters' sentences: ``"a, b and c"``, ``"3 seeds"``, ``"is"``/``"are"``, a capital."""
from __future__ import annotations


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
    :func:`join_words` of ``groups[key]`` in its first ``{}`` and :func:`is_are` of it in a second
    one, e.g. ``{"larger": "larger for {}", "lower": "{} {} lower"}``."""
    return [template.format(join_words(groups[key]), is_are(groups[key]))
            for key, template in templates.items() if groups.get(key)]


def is_are(words) -> str:
    """The verb for :func:`join_words` of ``words``: ``"is"`` for one word, ``"are"`` for more."""
    return "is" if len(list(words)) == 1 else "are"


def capital(text: str) -> str:
    """``text`` with its first letter upper-cased, to start a sentence (the rest is kept: "AG", "GA")."""
    return text[:1].upper() + text[1:]
