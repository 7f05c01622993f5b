"""The book's labelled equations: every {eq} reference has its {math} label, labels are unique, and no
reference is wrapped in parentheses (Sphinx already prints "(N)", so "({eq}`x`)" would read "((N))")."""
import re

from booktools import ROOT
from helpers import book


def markdown_sources():
    for path in book.notebooks(ROOT):
        for cell in book.read_notebook(path)["cells"]:
            if cell["cell_type"] == "markdown":
                yield path.name, book.cell_source(cell)
    for path in (ROOT / "book").glob("*.md"):
        yield path.name, path.read_text()


def test_every_equation_reference_resolves_and_labels_are_unique():
    labels, references = [], set()
    for _, text in markdown_sources():
        labels += re.findall(r"```\{math\}\n:label:\s*(\S+)", text)
        references |= set(re.findall(r"\{eq\}`([^`]+)`", text))
    assert len(labels) == len(set(labels)), sorted(label for label in labels if labels.count(label) > 1)
    assert references <= set(labels), sorted(references - set(labels))
    assert len(labels) >= 20


def test_no_equation_reference_in_parentheses():
    wrapped = [(name, m.group(0)) for name, text in markdown_sources() for m in re.finditer(r"\(\{eq\}`[^`]+`", text)]
    assert not wrapped, wrapped
