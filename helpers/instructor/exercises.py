"""The exercises of the book's chapters, read from their MyST fences.

Each chapter (``notebooks/NN_*.ipynb``) ends with exercises written as
sphinx-exercise fences::

    ```{exercise} A 1-bit quantizer
    :label: ch1-ex-sign

    *Coding.* Write `sign_ste(x)` that ...
    ```

    ```{solution} ch1-ex-sign
    :class: dropdown

    ~~~python
    def sign_ste(x): ...
    ~~~

    What to expect ...
    ```

The first emphasised word of an exercise is its kind (*Conceptual*, *Coding*
or *Experimental*); the ``~~~python`` block of its solution is the solution code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..book import cell_source, first_code_cell, read_notebook

KINDS = ("conceptual", "coding", "experimental")
EXERCISE = re.compile(r"```\{exercise\}[ \t]*(?P<title>[^\n]*)\n:label:[ \t]*(?P<label>\S+)\n(?P<body>.*?)\n```",
                      re.S)
KIND = re.compile(r"^\*(?P<kind>\w+)\.\*\s*")
CODE = re.compile(r"~~~python\n(?P<code>.*?)\n~~~", re.S)


@dataclass(frozen=True)
class Exercise:
    """One exercise of a chapter: its label, title, kind, text (without the kind) and solution code."""
    chapter: str            # the notebook's stem, e.g. "01_qat_ste"
    label: str              # e.g. "ch1-ex-sign"
    title: str
    kind: str               # one of KINDS
    text: str               # the MyST text of the question, without its "*Coding.*" tag
    solution_code: str      # the python block of its solution ("" if it has none)
    install_cell: str = ""  # the chapter's first code cell, which installs helpers where it is missing


def chapter_paths(chapters_dir: Path) -> list[Path]:
    """The chapters' notebooks in ``chapters_dir`` (``NN_*.ipynb``), in book order; ValueError if there are none."""
    chapters_dir = Path(chapters_dir)
    if not chapters_dir.is_dir():
        raise ValueError(f"chapters folder {chapters_dir} does not exist; pass the book's notebooks/ folder")
    paths = sorted(p for p in chapters_dir.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise ValueError(f"no chapter notebooks (NN_*.ipynb) in {chapters_dir}")
    return paths


def _markdown(notebook: dict) -> str:
    return "\n\n".join(cell_source(cell) for cell in notebook["cells"] if cell["cell_type"] == "markdown")


def _solution_code(markdown: str, label: str) -> str:
    fence = re.search(r"```\{solution\}[ \t]*" + re.escape(label) + r"\n(?P<body>.*?)\n```(?:\n|$)", markdown, re.S)
    if fence is None:
        return ""
    code = CODE.search(fence.group("body"))
    return code.group("code") + "\n" if code else ""


def chapter_exercises(path: Path) -> list[Exercise]:
    """Every exercise of one chapter notebook, in order. ValueError for an exercise without a kind."""
    path = Path(path)
    notebook = read_notebook(path)
    markdown = _markdown(notebook)
    install = cell_source(first_code_cell(notebook))
    install = install if "pip" in install else ""
    found = []
    for fence in EXERCISE.finditer(markdown):
        label, body = fence.group("label"), fence.group("body").strip()
        kind = KIND.match(body)
        if kind is None or kind.group("kind").lower() not in KINDS:
            raise ValueError(f"exercise {label} in {path.name} does not start with its kind "
                             f"(*Conceptual.*, *Coding.* or *Experimental.*)")
        found.append(Exercise(path.stem, label, fence.group("title").strip(), kind.group("kind").lower(),
                              body[kind.end():], _solution_code(markdown, label), install))
    return found


def coding_exercises(chapters_dir: Path) -> list[Exercise]:
    """The coding exercises of every chapter in ``chapters_dir``, in book order."""
    return [e for path in chapter_paths(chapters_dir) for e in chapter_exercises(path) if e.kind == "coding"]
