"""The book as a Colab user gets it: the package installed from a built wheel, not the source tree.

Fast checks (always run): every notebook's first cell is the setup cell of _config.yml's
repository and install_ref, and it cannot reinstall Colab's torch; run in a fresh venv
without ``helpers`` against a fake pip (no network), it installs, or shows pip's own error
and raises a RuntimeError naming the command; where ``helpers`` is installed it does nothing.

``test_notebook_runs_from_the_wheel`` (marker ``book``) builds a wheel, installs it
into a new virtual environment outside the source tree, and runs each chapter's Colab
edition (the plain notebook a Colab user opens, written by the session's book build into
``_build/html/colab``) top to bottom in a fresh kernel of that environment, from a copy
in a temporary folder (so neither the working directory nor an editable install can
supply ``helpers``). The new environment borrows the running environment's third-party
packages (torch, qiskit, Jupyter...) through a ``.pth`` line instead of installing them
again. The result cache is shared with the book build (``$UNLEARNING_BOOK_CACHE``;
its key fingerprints the helpers source, identical in the wheel), so experiments the
build computed are reused.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from booktools import ROOT, toc_chapters
from helpers import book, editions

CHAPTERS = toc_chapters()
PIP_INSTALL = re.compile(r"\[([^\]]*\"install\"[^\]]*)\]", re.DOTALL)


# --------------------------------------------------------------------------- fast checks
@pytest.mark.parametrize("path", book.notebooks(ROOT), ids=lambda p: p.stem)
def test_setup_cell_matches_config_and_keeps_colabs_torch(path):
    source = book.cell_source(book.first_code_cell(book.read_notebook(path)))
    assert source == book.setup_cell_source(book.read_repository_url(ROOT), book.read_install_ref(ROOT)), \
        f"{path.name}: stale setup cell; run `python -m helpers.book set-repository <url> --ref <tag>`"
    pip = PIP_INSTALL.search(source)
    assert pip, f"{path.name}: the setup cell has no pip install command"
    words = re.findall(r"\"([^\"]*)\"", pip.group(1))
    assert not any(re.match(r"torch|torchvision", w) for w in words), f"{path.name}: installs torch: {words}"
    assert not {"-U", "--upgrade", "--force-reinstall", "--ignore-installed", "-q"} & set(words), words
    assert f"@{book.read_install_ref(ROOT)}" in words[-1] and not words[-1].endswith("@main"), words


# --------------------------------------------------------------------------- the setup cell, run
FAKE_PIP = """import sys
print("fake pip: install", sys.argv[1:])
if {fail}:
    print("ERROR: Could not find a version that satisfies the requirement (fake pip)", file=sys.stderr)
    sys.exit(1)
"""


def _python_without_helpers(folder: Path, fail: bool) -> Path:
    """A fresh venv (no ``helpers``) whose ``python -m pip`` is a fake that fails or succeeds, offline."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "pip").mkdir()
    (site / "pip" / "__init__.py").write_text("")
    (site / "pip" / "__main__.py").write_text(FAKE_PIP.format(fail=fail))
    return python


def _run_setup_cell(python, cwd: Path) -> subprocess.CompletedProcess:
    source = book.setup_cell_source("https://github.com/someone/fork", "v9.9.9")
    return subprocess.run([python, "-c", source], capture_output=True, text=True, cwd=cwd, env=_clean_env())


def test_setup_cell_shows_pips_error_when_the_install_fails(tmp_path):
    run = _run_setup_cell(_python_without_helpers(tmp_path / "venv", fail=True), tmp_path)
    assert run.returncode != 0
    assert "Could not find a version that satisfies the requirement (fake pip)" in run.stderr   # pip's own error
    assert "RuntimeError: installing helpers failed" in run.stderr
    assert "unlearning-book @ git+https://github.com/someone/fork@v9.9.9" in run.stderr        # the command
    assert "CalledProcessError" not in run.stderr


def test_setup_cell_installs_where_helpers_is_missing_and_nothing_where_it_is(tmp_path):
    run = _run_setup_cell(_python_without_helpers(tmp_path / "venv", fail=False), tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Installing unlearning-book @ git+https://github.com/someone/fork@v9.9.9" in run.stdout
    here = _run_setup_cell(sys.executable, tmp_path)        # helpers is installed in the test environment
    assert here.returncode == 0 and here.stdout == "", here.stdout + here.stderr


def test_the_wheel_requires_torch_with_lower_bounds_only():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    torch = [d for d in deps if re.match(r"torch(vision)?\b", d)]
    assert torch, "torch is not a dependency?"
    for dep in torch:
        assert re.fullmatch(r"torch(vision)?\s*>=\s*[\d.]+", dep), f"{dep}: a lower bound only, or Colab's torch is replaced"


# --------------------------------------------------------------------------- wheel environment
def _build_wheel(out: Path) -> Path:
    """``pip wheel`` of a clean copy of the project (setuptools' build/ folder in the source tree
    can hold stale modules that would ship; the copy has none and leaves the tree untouched).
    Without build isolation when a recent setuptools is here, which saves a download."""
    source = out / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "_build", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(out)]
    if importlib.util.find_spec("setuptools") and importlib.util.find_spec("wheel"):
        import setuptools

        if int(setuptools.__version__.split(".")[0]) >= 77:
            command.insert(-3, "--no-build-isolation")
    run = subprocess.run(command, capture_output=True, text=True, cwd=out)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    wheels = sorted(out.glob("unlearning_book-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _clean_env(**extra) -> dict:
    """The environment for the wheel's Python: nothing that points back at the source tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return dict(env, **extra)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def wheel_python(wheel, tmp_path_factory) -> Path:
    """The Python of a fresh venv holding the built wheel (and the running env's dependencies)."""
    tmp = tmp_path_factory.mktemp("wheel")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # A plain path line: the borrowed folder joins sys.path *after* the venv's own, and its .pth
    # files (among them the source tree's editable-install hook) are NOT run.
    borrowed = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "borrowed-dependencies.pth").write_text("\n".join(borrowed) + "\n")
    run = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                          "--no-index", "-q", str(wheel)], capture_output=True, text=True, env=_clean_env())
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return python


def test_wheel_carries_every_file_of_helpers(wheel):
    """Every file of helpers/, code and data (e.g. experiments/hparams.json), is inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "helpers").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert path.relative_to(ROOT).as_posix() in names, f"{path.relative_to(ROOT)} is missing from the wheel"


RUNNER = r"""
import json, sys
import nbclient, nbformat

path, timeout = sys.argv[1], int(sys.argv[2])
nb = nbformat.read(path, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(
    "import helpers, sys, json\nprint(json.dumps({'helpers': helpers.__file__, 'python': sys.executable}))"))
nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                        resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
print(nb.cells[-1].outputs[-1]["text"].strip())
"""


@pytest.mark.book
def test_wheel_is_installed_outside_the_source_tree(wheel_python, tmp_path):
    run = subprocess.run([wheel_python, "-c", "import helpers; print(helpers.__file__)"], capture_output=True,
                         text=True, cwd=tmp_path, env=_clean_env())
    assert run.returncode == 0, run.stderr
    where = Path(run.stdout.strip()).resolve()
    assert where.is_relative_to(wheel_python.parent.parent.resolve()), where
    assert not where.is_relative_to(ROOT), f"helpers came from the source tree: {where}"


@pytest.mark.book
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_runs_from_the_wheel(chapter, wheel_python, tmp_path, result_cache_env, built_book):
    """The chapter's Colab edition, top to bottom in a fresh kernel of the wheel's environment,
    from a copy outside the source tree."""
    notebooks, made = tmp_path / "notebooks", built_book.html / editions.EDITIONS_FOLDER
    assert (made / f"{chapter}.ipynb").exists(), \
        f"no Colab edition in {made}: build with scripts/build_book.sh (it runs `python -m helpers.book colab-editions`)"
    shutil.copytree(made, notebooks)
    timeout = int(__import__("yaml").safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"])
    cache = {k: v for k, v in result_cache_env.items() if k.startswith("UNLEARNING_BOOK_")}
    run = subprocess.run([wheel_python, "-c", RUNNER, str(notebooks / f"{chapter}.ipynb"), str(timeout)],
                         capture_output=True, text=True, cwd=notebooks, env=_clean_env(**cache))
    assert run.returncode == 0, f"{chapter} failed in the wheel's environment:\n{run.stderr[-6000:]}"
    where = json.loads(run.stdout.strip().splitlines()[-1])
    venv = wheel_python.parent.parent.resolve()
    assert Path(where["helpers"]).resolve().is_relative_to(venv), where
    assert Path(where["python"]).parent.parent.resolve() == venv, f"the kernel is not the wheel's Python: {where}"
