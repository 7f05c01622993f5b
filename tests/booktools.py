"""The book's files as the tests see them: the chapters of ``_toc.yml`` and one build.

The full book is built once per test session (``built_book`` in ``conftest.py``);
the build test, the browser test and the wheel test all use that build. To run
them against a book you have already built, without building again::

    UNLEARNING_BOOK_HTML=/path/to/_build/html python -m pytest -m book tests/test_browser.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HTML_ENV_VAR = "UNLEARNING_BOOK_HTML"


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page of ``_toc.yml`` (root first), as paths without suffix, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def toc_chapters(root: Path = ROOT) -> list[str]:
    """The chapter notebooks listed in ``_toc.yml``, e.g. ``["01_qat_ste", ...]``, in reading order."""
    return [f.split("/")[-1] for f in toc_files(root) if f.startswith("notebooks/")]


@dataclass
class Build:
    html: Path          # the folder holding index.html
    log: str            # what jupyter-book printed ("" for a given, pre-built book)


def build_book(out: Path, env: dict | None = None) -> Build:
    """``jupyter-book build --all -W --keep-going`` of the book into ``out``, then its Colab editions
    into ``_build/html/colab`` (as scripts/build_book.sh does); fails with the log tail."""
    jb = shutil.which("jupyter-book", path=str(Path(sys.executable).parent)) or "jupyter-book"
    run = subprocess.run([jb, "build", str(ROOT), "--all", "-W", "--keep-going", "--path-output", str(out)],
                         capture_output=True, text=True, env=env)
    log = run.stdout + run.stderr
    if run.returncode != 0:
        raise AssertionError(f"the book build failed (exit {run.returncode}):\n"
                             + run.stdout[-6000:] + run.stderr[-6000:])
    build = out / "_build"
    editions = subprocess.run([sys.executable, "-m", "helpers.book", "--root", str(ROOT), "colab-editions",
                               "--out", str(build / "html" / "colab"), "--build", str(build)],
                              capture_output=True, text=True, env=env, cwd=ROOT)
    if editions.returncode != 0:
        raise AssertionError(f"the Colab editions failed:\n{editions.stdout[-3000:]}{editions.stderr[-3000:]}")
    return Build(html=build / "html", log=log + editions.stdout)


def given_build() -> Build | None:
    """The pre-built book named by ``$UNLEARNING_BOOK_HTML``, if set (checked, with a clear error)."""
    given = os.environ.get(HTML_ENV_VAR)
    if not given:
        return None
    html = Path(given).expanduser().resolve()
    if not (html / "index.html").exists():
        raise FileNotFoundError(f"${HTML_ENV_VAR}={given!r} has no index.html; point it at a built "
                                "book's _build/html folder, or unset it to build the book afresh")
    return Build(html=html, log="")
