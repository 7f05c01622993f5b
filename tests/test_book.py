"""The book as a whole: set-up files agree, notebooks are in shape, and the book builds.

``test_book_builds`` (marker ``book``) reads the HTML of the real build, ``jupyter-book
build --all -W --keep-going`` into a fresh folder, so any cell error or Sphinx warning
fails it. That build is made once per session (``built_book`` in conftest.py) and shared
with tests/test_browser.py and tests/test_wheel.py.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from booktools import toc_files
from helpers import book, editions

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def _requirement_set(requirements):
    return {re.sub(r"\s+", "", r).lower() for r in requirements}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted |= set(extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert _requirement_set(p for p in pip if p != "-e .") == _requirement_set(wanted)
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert python == "python=3.11"


def test_torch_has_lower_bounds_only():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for dep in deps:
        if re.match(r"torch(vision)?\b", dep):
            assert ">=" in dep and "==" not in dep and "<" not in dep.replace("<=", ""), dep


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/build_book.sh" in readme and "bash scripts/run_tests.sh" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^bash scripts/run_tests\.sh$", ci, re.MULTILINE)
    build = (ROOT / "scripts" / "build_book.sh").read_text()
    assert "jupyter-book build . --all -W --keep-going" in build


def test_toc_lists_every_chapter_and_every_page_exists():
    files = toc_files()
    for f in files:
        assert (ROOT / f"{f}.md").exists() or (ROOT / f"{f}.ipynb").exists(), f
    assert sorted(f.split("/")[-1] for f in files if f.startswith("notebooks/")) == CHAPTERS


def test_notebooks_are_in_sync_with_the_config_and_stripped():
    assert book.problems(ROOT) == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_structure(chapter):
    nb = book.read_notebook(ROOT / "notebooks" / f"{chapter}.ipynb")
    cells = nb["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    text = "\n".join(book.cell_source(c) for c in cells if c["cell_type"] == "markdown")
    assert 'find_spec("helpers") is None' in book.cell_source(code[0])      # the setup cell
    assert "parameters" in code[1].get("metadata", {}).get("tags", []), "second code cell must be tagged parameters"
    assert "Learning objectives" in text
    assert "## Summary" in text
    exercises = re.findall(r"```\{exercise\}", text)
    solutions = re.findall(r"```\{solution\}[^\n]*\n:class: dropdown", text)
    assert len(exercises) >= 3 and len(solutions) == len(exercises)
    for kind in ("Conceptual", "Coding", "Experimental"):
        assert f"*{kind}.*" in text


def _copy_book(dst: Path) -> Path:
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, dst / name)
    shutil.copytree(ROOT / "notebooks", dst / "notebooks")
    return dst


def test_set_repository_rewrites_config_and_every_setup_cell(tmp_path):
    root = _copy_book(tmp_path)
    url = "https://github.com/someone/my-fork"
    changed = book.set_repository(url + ".git", root)
    assert root / "_config.yml" in changed and len(changed) == 1 + len(CHAPTERS)
    assert book.read_repository_url(root) == url
    assert book.problems(root) == []
    ref = book.read_install_ref(ROOT)                         # kept when --ref is not given
    for path in book.notebooks(root):
        assert f"git+{url}@{ref}\"" in book.cell_source(book.first_code_cell(book.read_notebook(path)))
    assert book.set_repository(url, root) == []              # idempotent
    changed = book.set_repository(url, root, ref="1a2b3c4")   # pinned to a commit
    assert len(changed) == 1 + len(CHAPTERS) and book.read_install_ref(root) == "1a2b3c4"
    assert "@1a2b3c4\"" in book.cell_source(book.first_code_cell(book.read_notebook(book.notebooks(root)[0])))
    assert book.problems(root) == []
    with pytest.raises(ValueError, match="tag or commit"):
        book.set_repository(url, root, ref="main; rm -rf ~")
    assert "# The book's repository" in (root / "_config.yml").read_text()   # comments survive


def test_set_repository_command_line_and_bad_urls(tmp_path):
    root = _copy_book(tmp_path)
    run = subprocess.run([sys.executable, "-m", "helpers.book", "--root", str(root), "set-repository",
                          "https://github.com/a/b"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and "updated _config.yml" in run.stdout
    tagged = subprocess.run([sys.executable, "-m", "helpers.book", "--root", str(root), "set-repository",
                             "https://github.com/a/b", "--ref", "v2.0"], capture_output=True, text=True, cwd=ROOT)
    assert tagged.returncode == 0 and book.read_install_ref(root) == "v2.0"
    bad = subprocess.run([sys.executable, "-m", "helpers.book", "--root", str(root), "set-repository",
                          "https://gitlab.com/a/b"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode != 0 and "https://github.com/OWNER/REPO" in bad.stderr
    with pytest.raises(ValueError, match="OWNER/REPO"):
        book.set_repository("not a url", root)


def test_check_reports_a_stale_setup_cell_and_outputs(tmp_path):
    root = _copy_book(tmp_path)
    path = book.notebooks(root)[0]
    nb = book.read_notebook(path)
    book.first_code_cell(nb)["source"] = "print('hello')"
    nb["cells"][-1] = {"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [], "source": ""}
    book.write_notebook(path, nb)
    found = book.problems(root)
    assert any("not the setup cell" in p for p in found) and any("not stripped" in p for p in found)
    assert book.strip_outputs(root) == [path]


def _figure_cells(chapter: str) -> int:
    """The chapter's code cells that call one of helpers' figure functions (``plot_...(``): each shows a figure."""
    cells = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text())["cells"]
    return sum(c["cell_type"] == "code" and re.search(r"\bplot_\w+\(", "".join(c["source"])) is not None
               for c in cells)


def test_every_chapter_draws_figures():
    assert all(_figure_cells(chapter) >= 3 for chapter in CHAPTERS)


@pytest.mark.book
def test_book_builds(built_book):
    """The whole book, built from scratch into a fresh folder (once per session, see conftest.py),
    and its rendered chapters."""
    html = built_book.html
    assert (html / "index.html").exists()
    url = book.read_repository_url(ROOT)
    for chapter in CHAPTERS:
        page = (html / "notebooks" / f"{chapter}.html").read_text()
        assert "Traceback" not in page and 'class="output traceback' not in page
        assert editions.colab_url(url, chapter) in page               # the Colab button opens the edition
        assert f"blob/main/notebooks/{chapter}.ipynb" not in page         # not the MyST source
        images = re.findall(r'<img[^>]+src="([^"]+)"', page)
        figures = [src for src in images if "_images/" in src]
        assert len(figures) >= _figure_cells(chapter), f"{chapter}: {len(figures)} figures shown"
        for src in images:
            if not src.startswith(("data:", "http")):
                assert (html / "notebooks" / src).resolve().exists(), src
        assert "<table" in page
    course = (html / "book" / "course.html").read_text()
    assert editions.colab_url(url, "01_qat_ste") in course            # the course guide's {colab} links
    ch1 = (html / "notebooks" / "01_qat_ste.html").read_text()
    assert "all within 2^b levels: True" in ch1
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", ch1))
    assert re.search(r"full-precision ResNet-18 reaches \d+\.\d% test accuracy", text)   # glued numbers
    assert ch1.count('class="solution dropdown') >= 3 or ch1.count("dropdown") >= 3


def test_data_files_of_helpers_ship_in_the_wheel():
    """Every non-Python file inside helpers/ must be declared as package data, or a wheel install loses it."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = {(pkg, name) for pkg, names in declared.items() for name in names}
    for path in (ROOT / "helpers").rglob("*"):
        if path.is_file() and path.suffix not in (".py", ".pyc"):
            rel = path.relative_to(ROOT)
            assert (".".join(rel.parent.parts), rel.name) in shipped, f"{rel} is not package data"
