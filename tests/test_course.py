"""The instructor's guide (book/course.md) keeps up with the book."""
from __future__ import annotations

import re

from booktools import ROOT, toc_chapters, toc_files
from helpers import book

COURSE = ROOT / "book" / "course.md"


def _text() -> str:
    """The page without its MyST comment lines (``% ...``), which are not rendered."""
    return "\n".join(line for line in COURSE.read_text().splitlines() if not line.lstrip().startswith("%"))


def test_course_guide_is_in_the_toc():
    assert "book/course" in toc_files()


def test_course_guide_links_every_chapter_of_the_toc():
    linked = set(re.findall(r"\{doc\}`(?:[^`<]*<)?\.\./notebooks/([\w-]+)>?`", _text()))
    missing = [c for c in toc_chapters() if c not in linked]
    assert not missing, f"book/course.md does not link these chapters of _toc.yml: {missing}"
    assert linked <= set(toc_chapters()), f"book/course.md links chapters not in _toc.yml: {linked - set(toc_chapters())}"


def test_exercises_named_in_the_course_guide_exist():
    labels = set()
    for path in book.notebooks(ROOT):
        nb = book.read_notebook(path)
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                labels |= set(re.findall(r"^:label:\s*(\S+)", book.cell_source(cell), re.MULTILINE))
    named = set(re.findall(r"\{ref\}`(ch\d+-ex-[\w-]+)`", _text()))
    assert named, "the course guide assigns no exercise by label"
    assert named <= labels, f"book/course.md names exercises that do not exist: {sorted(named - labels)}"
    exercises = {label for label in labels if re.fullmatch(r"ch\d+-ex-[\w-]+", label)}
    assert exercises <= named, f"book/course.md does not assign these exercises: {sorted(exercises - named)}"


def test_course_guide_has_its_parts():
    text = _text()
    for heading in ("## Prerequisites", "## Learning objectives", "## Schedule", "## Exercises to assign",
                    "## The lab", "## Discussion questions"):
        assert heading in text, heading
    assert "Article 17" in text and "Retrain" in text and "MIA" in text
