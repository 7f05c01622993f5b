"""A one-page Jupyter Book under a scratch folder, to watch the book's own Sphinx extensions
(book/_ext) at work in seconds instead of building the whole book."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

EXTENSIONS = Path(__file__).resolve().parent.parent / "book" / "_ext"


def write_book(folder: Path, cells: list[tuple[str, list[str]]], extensions: list[str], config: str = "") -> Path:
    """A book whose one page, ``page.ipynb``, holds the code ``cells`` (source, tags), built with the
    local ``extensions`` of book/_ext and the extra Sphinx ``config`` lines (YAML, indented 4)."""
    folder.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# A scratch page")] + [
        nbformat.v4.new_code_cell(source, metadata={"tags": tags} if tags else {}) for source, tags in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "page.ipynb")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    local = "".join(f"    {name}: {EXTENSIONS}\n" for name in extensions)
    (folder / "_config.yml").write_text(
        "title: scratch\nexecute:\n  execute_notebooks: cache\n"
        f"sphinx:\n  local_extensions:\n{local}  config:\n    nb_execution_raise_on_error: true\n{config}")
    return folder


def build(folder: Path, env: dict | None = None) -> str:
    """``jupyter-book build`` of the scratch book (reusing its ``_build``); its log, or a failure with it."""
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    run = subprocess.run([jb, "build", str(folder)], capture_output=True, text=True, timeout=600,
                         env=env or dict(os.environ))
    log = run.stdout + run.stderr
    assert run.returncode == 0, f"scratch book build failed:\n{log[-3000:]}"
    return log
