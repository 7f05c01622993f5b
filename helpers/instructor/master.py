"""The otter-grader master notebook of one coding exercise.

Layout (otter assign's notebook format)::

    raw       # ASSIGNMENT CONFIG  (name, no PDF, tests inside the notebook, exception-based)
    markdown  title, where the exercise comes from
    code      the chapter's install cell (helpers, wherever it is missing: Colab, Kaggle...)
    code      otter, installed if missing, and its ``grader``
    code      setup (the context the answer needs: imports, small inputs)
    raw       # BEGIN QUESTION
    markdown  the exercise's text
    raw       # BEGIN SOLUTION
    code      the chapter's solution; each function keeps its signature, its body is the solution
    raw       # END SOLUTION
    raw       # BEGIN TESTS
    code      one test per cell (public, or hidden: autograder only)
    raw       # END TESTS
    raw       # END QUESTION

otter assign turns it into the student's notebook (solutions replaced by
``...``, public tests only) and the autograder (every test).
"""
from __future__ import annotations

import ast
import re

import nbformat
import yaml

from .checks import Checks
from .exercises import Exercise

BOOK_URL = "https://unlearning-book.github.io/unlearning-book"
MYST_ROLE = re.compile(r"\{(?P<role>[a-z:-]+)\}`(?P<target>[^`]+)`")


def question_name(label: str) -> str:
    """The otter question name of an exercise label: ``ch1-ex-sign`` -> ``ch1_ex_sign``."""
    return label.replace("-", "_")


def plain_markdown(text: str) -> str:
    """``text`` with MyST roles made plain: ``{eq}`ch1-quantizer``` -> "equation `ch1-quantizer` of the book"."""
    def plain(match: re.Match) -> str:
        role, target = match.group("role"), match.group("target")
        if role == "eq":
            return f"equation `{target}` of the book"
        if role in ("ref", "numref", "doc"):
            return f"section `{target}` of the book"
        if role == "cite":
            return f"[{target}]"
        return target
    return MYST_ROLE.sub(plain, text)


def definitions_only(code: str) -> str:
    """The imports, functions and lambdas of ``code`` (a solution whose driver needs the chapter's models)."""
    tree = ast.parse(code)
    lines = code.splitlines()
    keep = [node for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))
            or (isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda))]
    return "\n\n".join("\n".join(lines[n.lineno - 1:n.end_lineno]) for n in keep) + "\n"


def solution_cell(code: str) -> str:
    """``code`` marked for otter: imports and each function's ``def`` line(s) stay, everything else becomes ``...``."""
    tree = ast.parse(code)
    lines = code.splitlines()
    out: list[str] = []
    hidden: list[str] = []

    def flush():
        if any(line.strip() for line in hidden):
            out.extend(["# BEGIN SOLUTION", *hidden, "# END SOLUTION"])
        else:
            out.extend(hidden)                  # blank lines between imports and functions stay
        hidden.clear()

    cursor = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            hidden.extend(lines[cursor:node.lineno - 1])
            flush()
            out.extend(lines[node.lineno - 1:node.end_lineno])
            cursor = node.end_lineno
            continue
        if not isinstance(node, ast.FunctionDef):
            continue
        hidden.extend(lines[cursor:node.lineno - 1])
        flush()
        body_start = node.body[0].lineno - 1
        out.extend(lines[node.lineno - 1:body_start])
        indent = re.match(r"\s*", lines[body_start]).group(0)
        out.extend([f"{indent}# BEGIN SOLUTION", *lines[body_start:node.end_lineno], f"{indent}# END SOLUTION"])
        cursor = node.end_lineno
    hidden.extend(lines[cursor:])
    flush()
    return "\n".join(out).strip("\n") + "\n"


OTTER_REQUIREMENT = "otter-grader>=7.0,<8"


def grader_cell(label: str) -> str:
    """The cell that installs otter where it is missing (e.g. Colab) and makes the notebook's ``grader``."""
    return ("# otter-grader checks your answers (grader.check); installed here if it is missing.\n"
            "import importlib.util, subprocess, sys\n\n"
            'if importlib.util.find_spec("otter") is None:\n'
            f'    subprocess.run([sys.executable, "-m", "pip", "install", "{OTTER_REQUIREMENT}"], check=True)\n'
            "import otter\n\n"
            f'grader = otter.Notebook("{label}.ipynb")')


def _raw(text: str):
    return nbformat.v4.new_raw_cell(text)


def _test_cell(test) -> str:
    config = f"hidden: {str(test.hidden).lower()}\npoints: {test.points:g}"
    return f'""" # BEGIN TEST CONFIG\n{config}\n""" # END TEST CONFIG\n{test.code}'


def master_notebook(exercise: Exercise, checks: Checks) -> nbformat.NotebookNode:
    """The otter master notebook of ``exercise``, graded by ``checks``."""
    if not exercise.solution_code:
        raise ValueError(f"coding exercise {exercise.label} ({exercise.chapter}) has no ~~~python solution block")
    code = definitions_only(exercise.solution_code) if checks.solution == "definitions" else exercise.solution_code
    config = {"name": exercise.label, "init_cell": False, "check_all_cell": False, "export_cell": False,
              "run_tests": True, "generate": True, "tests": {"files": False, "ok_format": False}}
    chapter = exercise.chapter
    intro = (f"# {exercise.title}\n\nA coding exercise of chapter {int(chapter[:2])} of the book "
             f"(`{chapter}.ipynb`, exercise `{exercise.label}`), autograded: run every cell, write your answer "
             "where the `...` are, and check it with the `grader.check` cell. Hidden tests run when your "
             "notebook is graded.")
    question = plain_markdown(exercise.text)
    if checks.answer:
        question += f"\n\n**For the autograder:** {checks.answer}"
    if checks.solution == "definitions":
        question += ("\n\n**Graded here:** the function(s) the exercise asks for, on small inputs. "
                     f"{checks.why}")
    cells = [_raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)),
             nbformat.v4.new_markdown_cell(intro)]
    if exercise.install_cell:
        cells.append(nbformat.v4.new_code_cell(exercise.install_cell.rstrip("\n")))
    cells.append(nbformat.v4.new_code_cell(grader_cell(exercise.label)))
    if checks.setup:
        cells.append(nbformat.v4.new_code_cell(checks.setup.rstrip("\n")))
    cells += [_raw(f"# BEGIN QUESTION\nname: {question_name(exercise.label)}"),
              nbformat.v4.new_markdown_cell(question),
              _raw("# BEGIN SOLUTION"), nbformat.v4.new_code_cell(solution_cell(code).rstrip("\n")),
              _raw("# END SOLUTION"), _raw("# BEGIN TESTS"),
              *[nbformat.v4.new_code_cell(_test_cell(t).rstrip("\n")) for t in checks.tests],
              _raw("# END TESTS"), _raw("# END QUESTION")]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return notebook
