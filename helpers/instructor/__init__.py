"""The instructor's kit: the chapters' coding exercises as autograded assignments (otter-grader).

Presentation and teaching tooling only: nothing here runs inside a cached computation.

- :mod:`.exercises`: reads the exercises (and their solutions) from the chapters' MyST fences;
- :mod:`.checks`: the hand-written tests of each coding exercise (``autograder_tests/chNN.py``);
- :mod:`.master`: one exercise as an otter master notebook;
- :mod:`.kit`: ``build`` (otter assign: student notebooks, answer keys, autograders) and ``grade``.

Command line::

    python -m helpers.instructor build --out kit
    python -m helpers.instructor grade submissions/ --kit kit --csv grades.csv

otter-grader is the optional extra ``instructor``: ``pip install -e ".[instructor]"``.
"""
from .checks import Checks, load_checks
from .exercises import Exercise, chapter_exercises, coding_exercises
from .kit import build, grade

__all__ = ["Exercise", "chapter_exercises", "coding_exercises", "Checks", "load_checks", "build", "grade"]
