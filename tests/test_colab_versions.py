"""The book installs in Colab without upgrading Colab's own packages.

Colab preinstalls most of the book's dependencies (ipywidgets 7.7.1 among them: an upgrade to
ipywidgets 8 breaks Colab's widgets and progress bars). ``tests/colab-constraints.txt`` holds
Colab's versions (where they come from is written at its top).

Fast checks: every dependency's lower bound accepts Colab's version, and every third-party
module ``helpers`` imports is a declared dependency.

``book``-marked: the wheel installed into a fresh virtual environment under those constraints
(so pip must pick exactly Colab's versions; it fails if a lower bound excludes one), then each
chapter's first cells (setup, parameters, imports) run in a kernel of that environment (Colab's
ipykernel, IPython and ipywidgets), and chapter 3's widget is created and driven. Colab's torch
(2.11.0+cpu) comes from download.pytorch.org, not the package index, so the environment borrows
the running environment's torch and torchvision through a ``.pth`` line placed after its own
packages (its other borrowed packages are shadowed by the constrained ones, as checked); qiskit,
qiskit-aer and pylatexenc are installed fresh, as in Colab. The environment runs this machine's
Python (Colab runs 3.13). Downloads go through pip's cache: the first run takes a few minutes.
"""
from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from booktools import ROOT, toc_chapters
from test_wheel import _build_wheel, _clean_env

CONSTRAINTS = ROOT / "tests" / "colab-constraints.txt"
#: Colab's torch and torchvision (CPU runtime; see the top of colab-constraints.txt).
COLAB_TORCH = {"torch": "2.11.0", "torchvision": "0.26.0"}
#: Dependencies Colab does not preinstall: pip installs them fresh there too.
NOT_ON_COLAB = {"qiskit", "qiskit-aer", "pylatexenc"}
#: Imports of helpers that are not dependencies, and why.
OPTIONAL_IMPORTS = {"myst_nb": "glue records values only in the book build (the book extra); "
                               "helpers.notebook imports it in a try",
                    "ray": "the ray extra; helpers.experiments.executors imports it only for --executor ray"}


def colab_versions() -> dict[str, str]:
    """``{canonical name: version}`` of tests/colab-constraints.txt."""
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def dependencies() -> list[Requirement]:
    return [Requirement(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]


# --------------------------------------------------------------------------- fast checks
def test_lower_bounds_accept_colabs_versions():
    colab = {**colab_versions(), **COLAB_TORCH}
    unknown = sorted(canonicalize_name(r.name) for r in dependencies()
                     if canonicalize_name(r.name) not in colab and canonicalize_name(r.name) not in NOT_ON_COLAB)
    assert not unknown, f"add Colab's versions of {unknown} to {CONSTRAINTS.name} (or to NOT_ON_COLAB)"
    refused = [f"{r} refuses Colab's {colab[canonicalize_name(r.name)]}" for r in dependencies()
               if canonicalize_name(r.name) in colab and not r.specifier.contains(colab[canonicalize_name(r.name)])]
    assert not refused, refused
    assert colab["ipywidgets"].startswith("7.7."), "Colab's ipywidgets moved: check helpers.plots.gop_widget on it"


def _third_party_imports() -> set[str]:
    """Top-level modules that helpers' code imports, other than the standard library and helpers."""
    found = set()
    for path in (ROOT / "helpers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"helpers", "__future__"}


def test_every_third_party_import_of_helpers_is_a_dependency():
    declared = {canonicalize_name(r.name) for r in dependencies()}
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for module in sorted(_third_party_imports() - set(OPTIONAL_IMPORTS)):
        names = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not names & declared:
            missing[module] = sorted(names)
    assert not missing, f"helpers imports these without declaring them in pyproject.toml: {missing}"


# --------------------------------------------------------------------------- in Colab's versions
def _site_packages(python: Path) -> Path:
    return Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())


@pytest.fixture(scope="module")
def colab_python(tmp_path_factory) -> Path:
    """A fresh venv: the book's dependencies at Colab's versions, ipykernel and nbclient, the wheel,
    and (after its own packages) the running environment's torch and torchvision."""
    tmp = tmp_path_factory.mktemp("colab")
    wheel = _build_wheel(tmp)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wanted = [str(r) for r in dependencies() if canonicalize_name(r.name) not in COLAB_TORCH]
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--disable-pip-version-check"]
    for command in (pip + ["-c", str(CONSTRAINTS), *wanted, "ipykernel", "nbclient"],
                    pip + ["--no-deps", "--no-index", str(wheel)]):
        run = subprocess.run(command, capture_output=True, text=True, env=_clean_env(), timeout=1800)
        assert run.returncode == 0, f"{' '.join(command[:8])} ...:\n{run.stdout[-3000:]}{run.stderr[-3000:]}"
    borrowed = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (_site_packages(python) / "borrowed-torch.pth").write_text("\n".join(borrowed) + "\n")
    return python


VERSIONS = r"""
import importlib, importlib.metadata, json, sys
modules = {"numpy": "numpy", "scipy": "scipy", "pandas": "pandas", "scikit-learn": "sklearn",
           "matplotlib": "matplotlib", "seaborn": "seaborn", "ipywidgets": "ipywidgets", "tqdm": "tqdm",
           "pillow": "PIL", "ipykernel": "ipykernel", "ipython": "IPython", "nbclient": "nbclient"}
print(json.dumps({name: [importlib.metadata.version(name), importlib.import_module(module).__file__]
                  for name, module in modules.items()}))
"""


@pytest.mark.book
def test_the_environment_has_colabs_versions(colab_python):
    run = subprocess.run([colab_python, "-c", VERSIONS], capture_output=True, text=True, env=_clean_env())
    assert run.returncode == 0, run.stderr
    colab, venv = colab_versions(), colab_python.parent.parent
    for name, (version, where) in json.loads(run.stdout).items():
        assert version == colab[canonicalize_name(name)], f"{name} {version}, Colab has {colab[name]}"
        assert Path(where).is_relative_to(venv), f"{name} was imported from {where}, not the Colab venv"


def first_cells(chapter: str) -> list[str]:
    """The chapter's code cells up to its imports: the setup cell, the parameters, the imports."""
    notebook = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text())
    cells, after_parameters = [], False
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        cells.append("".join(cell["source"]))
        if after_parameters:
            return cells
        after_parameters = "parameters" in cell.get("metadata", {}).get("tags", [])
    raise ValueError(f"{chapter}: no code cell after a cell tagged 'parameters'")


RUNNER = r"""
import json, sys
import nbclient, nbformat
cells = json.loads(sys.stdin.read())
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3").execute()
print(nb.cells[-1].outputs[-1]["text"].strip().splitlines()[-1])
"""
REPORT = """import json, sys
import ipywidgets
print(json.dumps({"python": sys.executable, "ipywidgets": ipywidgets.__version__}))"""
# Creates chapter 3's widget as the chapter does, then moves two sliders like a reader; ipywidgets
# shows a callback's error under the widget instead of raising it, so the kernel's showtraceback
# is recorded.
DRIVE_WIDGET = """import json, sys
import ipywidgets
errors, calls = [], []
get_ipython().showtraceback = lambda exc_tuple=None, *args, **kwargs: errors.append(repr(exc_tuple))

def vectors(**sliders):
    calls.append(sliders)
    return ch03.gop_vectors(**sliders)

box = gop_widget(vectors, angle=120, norm_f=1.0, norm_r=1.0, alpha=1.0)
sliders = {s.description: s for row in box.children[:2] for s in row.children}
sliders["angle φ (°)"].value = 150
sliders["α"].value = 0.5
print(json.dumps({"python": sys.executable, "ipywidgets": ipywidgets.__version__, "errors": errors,
                  "calls": calls, "kinds": [type(s).__name__ for s in sliders.values()],
                  "output": type(box.children[2]).__name__}))"""


def run_cells(python: Path, cells: list[str], tmp_path: Path) -> dict:
    env = _clean_env(UNLEARNING_BOOK_PROGRESS="0", JUPYTER_DATA_DIR=str(tmp_path / "jupyter"))  # no user kernels
    run = subprocess.run([python, "-c", RUNNER], input=json.dumps(cells), capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=900)
    assert run.returncode == 0, f"failed in Colab's versions:\n{run.stderr[-6000:]}"
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(report["python"]).parent.parent == python.parent.parent, f"the kernel is not the venv's: {report}"
    return report


@pytest.mark.book
@pytest.mark.parametrize("chapter", toc_chapters())
def test_first_cells_run_in_colabs_versions(chapter, colab_python, tmp_path):
    report = run_cells(colab_python, first_cells(chapter) + [REPORT], tmp_path)
    assert report["ipywidgets"] == colab_versions()["ipywidgets"]


@pytest.mark.book
def test_chapter_3_widget_works_in_colabs_ipywidgets(colab_python, tmp_path):
    report = run_cells(colab_python, first_cells("03_gop_geometry") + [DRIVE_WIDGET], tmp_path)
    assert report["ipywidgets"] == colab_versions()["ipywidgets"]
    assert report["kinds"] == ["FloatSlider"] * 4 and report["output"] == "Output", report
    assert not report["errors"], f"the widget's redraw failed: {report['errors']}"
    assert len(report["calls"]) == 3, report["calls"]                 # drawn once, then once per slider move
    assert report["calls"][-1] == {"angle": 150.0, "norm_f": 1.0, "norm_r": 1.0, "alpha": 0.5}, report["calls"]


def test_first_cells_are_setup_parameters_and_imports():
    for chapter in toc_chapters():
        cells = first_cells(chapter)
        assert len(cells) == 3 and "import" in cells[-1] and re.search(r"^\w+ = ", cells[1], re.M), chapter
