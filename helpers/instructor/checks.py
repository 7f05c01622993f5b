"""The autograder's tests of each coding exercise, written by hand in ``autograder_tests/chNN.py``.

Each chapter's module defines ``CHECKS``, a dict from an exercise label to::

    "ch1-ex-sign": {
        "solution": "whole",     # or "definitions": only the imports and functions of the chapter's solution
        "why": "...",            # required with "definitions": why the rest of the solution is not run here
        "answer": "...",         # what the tests read, when the exercise's text does not name it
        "setup": "import torch", # optional: code run before the student's answer (small, fast context)
        "tests": [
            {"name": "forward pass", "points": 1, "hidden": False,   # hidden: in the autograder only
             "code": "def test_forward(sign_ste): ..."},              # arguments: the notebook's variables
        ],
    }

Each test is one function whose arguments otter fills from the notebook's
variables (otter's exception-based tests): it passes if it raises nothing.
Every coding exercise needs at least one public and one hidden test.
"""
from __future__ import annotations

import ast
import runpy
from dataclasses import dataclass
from pathlib import Path

from .exercises import Exercise

CHECKS_DIR = Path(__file__).with_name("autograder_tests")
SOLUTION_MODES = ("whole", "definitions")


@dataclass(frozen=True)
class Test:
    name: str
    code: str
    points: float
    hidden: bool


@dataclass(frozen=True)
class Checks:
    """What the autograder of one exercise runs: the setup, which part of the solution, and its tests."""
    label: str
    solution: str           # "whole" or "definitions"
    why: str
    answer: str             # the names the tests read, told to the student ("" if the exercise names them)
    setup: str
    tests: tuple[Test, ...]

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tests)


def _test(label: str, where: str, raw) -> Test:
    if not isinstance(raw, dict) or not {"name", "code"} <= set(raw):
        raise ValueError(f"{where}: every test of {label} needs a name and code, got {raw!r}")
    unknown = set(raw) - {"name", "code", "points", "hidden"}
    if unknown:
        raise ValueError(f"{where}: test {raw['name']!r} of {label} has unknown keys {sorted(unknown)}; "
                         "a test has name, code, points and hidden")
    try:
        tree = ast.parse(raw["code"])
    except SyntaxError as error:
        raise ValueError(f"{where}: test {raw['name']!r} of {label} is not valid Python: {error}") from error
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        raise ValueError(f"{where}: test {raw['name']!r} of {label} must be exactly one function definition "
                         "(otter's exception-based tests)")
    points = raw.get("points", 1)
    if not isinstance(points, (int, float)) or points <= 0:
        raise ValueError(f"{where}: test {raw['name']!r} of {label} needs positive points, got {points!r}")
    return Test(raw["name"], raw["code"].strip("\n") + "\n", float(points), bool(raw.get("hidden", False)))


def _checks(label: str, where: str, raw) -> Checks:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: the entry of {label} must be a mapping (solution, setup, tests)")
    unknown = set(raw) - {"solution", "why", "answer", "setup", "tests"}
    if unknown:
        raise ValueError(f"{where}: {label} has unknown keys {sorted(unknown)}; "
                         "allowed: solution, why, answer, setup, tests")
    mode = raw.get("solution", "whole")
    if mode not in SOLUTION_MODES:
        raise ValueError(f"{where}: {label}'s solution must be one of {SOLUTION_MODES}, got {mode!r}")
    if mode == "definitions" and not raw.get("why"):
        raise ValueError(f"{where}: {label} grades only the solution's definitions: say why under 'why'")
    tests = tuple(_test(label, where, t) for t in raw.get("tests") or [])
    if not tests:
        raise ValueError(f"{where}: {label} has no tests; write at least one public and one hidden test")
    if all(t.hidden for t in tests) or not any(t.hidden for t in tests):
        raise ValueError(f"{where}: {label} needs at least one public and one hidden test")
    names = [t.name for t in tests]
    if len(set(names)) != len(names):
        raise ValueError(f"{where}: {label} has two tests of the same name")
    setup = (raw.get("setup") or "").strip("\n")
    return Checks(label, mode, raw.get("why", ""), raw.get("answer", ""), setup + "\n" if setup else "", tests)


def load_checks(exercises: list[Exercise], checks_dir: Path = CHECKS_DIR) -> dict[str, Checks]:
    """The checks of every coding exercise in ``exercises`` (label -> Checks), read from ``checks_dir/ch*.py``.

    ValueError if a coding exercise has no checks, or a file names a label that is not a coding exercise.
    """
    checks_dir = Path(checks_dir)
    if not checks_dir.is_dir():
        raise ValueError(f"checks folder {checks_dir} does not exist")
    coding = {e.label for e in exercises if e.kind == "coding"}
    found: dict[str, Checks] = {}
    for path in sorted(checks_dir.glob("ch*.py")):
        raw = runpy.run_path(str(path)).get("CHECKS")
        if not isinstance(raw, dict):
            raise ValueError(f"{path}: expected CHECKS, a dict from exercise labels to their checks")
        for label, entry in raw.items():
            if label not in coding:
                raise ValueError(f"{path.name}: {label!r} is not the label of a coding exercise of the chapters; "
                                 f"coding exercises: {sorted(coding)}")
            if label in found:
                raise ValueError(f"{path.name}: {label} has checks in two places")
            found[label] = _checks(label, path.name, entry)
    missing = sorted(coding - set(found))
    if missing:
        raise ValueError(f"coding exercise(s) {missing} have no tests: add them to {checks_dir}/chNN.py")
    return found
