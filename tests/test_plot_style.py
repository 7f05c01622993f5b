"""helpers' figures carry the book's seaborn theme without restyling the student's own figures.

Each check runs in a fresh interpreter (``tests/plot_style_probe.py``), so importing
``helpers.plots`` really happens there for the first time.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("plot_style_probe.py")


def probe(mode: str) -> dict:
    done = subprocess.run([sys.executable, str(PROBE), mode], capture_output=True, text=True, timeout=300,
                          cwd=PROBE.parent.parent)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def renders():
    return {mode: probe(mode) for mode in ("global-theme", "student", "unstyled")}


def test_importing_and_drawing_leave_the_students_style_alone(renders):
    student = renders["student"]
    assert student["changed_rc"] == [], f"helpers.plots changed the student's rcParams: {student['changed_rc']}"
    assert student["changed_codes"] == [], f"helpers.plots remapped colour codes: {student['changed_codes']}"


def test_figures_look_as_under_the_old_global_theme(renders):
    """Same PNG bytes as when ``sns.set_theme`` was applied globally at import (the old behaviour)."""
    assert renders["student"]["png"] == renders["global-theme"]["png"]


def test_the_theme_is_applied(renders):
    """Without the style wrapper, the same figures come out different (the test can tell)."""
    different = [name for name, digest in renders["unstyled"]["png"].items()
                 if digest != renders["student"]["png"][name]]
    assert sorted(different) == sorted(renders["student"]["png"])


def test_book_style_restores_after_an_error():
    import matplotlib as mpl

    from helpers.plots import book_style
    before = dict(mpl.rcParams)
    with pytest.raises(RuntimeError):
        with book_style():
            assert mpl.rcParams["axes.grid"]
            raise RuntimeError("boom")
    assert dict(mpl.rcParams) == before


def test_every_figure_of_a_notebook_is_shown(tmp_path):
    """In a Jupyter kernel, the first figure loads the inline backend inside book_style, which switches
    ``interactive`` on; book_style must not undo that on exit, or no later figure is ever shown (the
    built chapters 1-5 showed only their first figure)."""
    import nbformat
    from nbclient import NotebookClient

    define = ("import matplotlib.pyplot as plt\nfrom helpers.plots.style import styled\n@styled\n"
              "def figure():\n    fig, ax = plt.subplots()\n    ax.plot([0, 1])\n    return fig\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)
                                         for source in (define, "first = figure()", "second = figure()")])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = [sum("image/png" in out.get("data", {}) for out in cell.outputs) for cell in nb.cells]
    assert shown == [0, 1, 1]
