"""Build the instructor's kit with otter-grader, and grade a folder of submissions with it.

``build(out)`` writes, for every coding exercise of the chapters::

    out/masters/<label>.ipynb      otter's master notebook (question, chapter's solution, all tests)
    out/student/<label>.ipynb      to hand out: no solution, public tests only
    out/answers/<label>.ipynb      the answer key: the solved notebook
    out/autograder/<label>.zip     otter's autograder (every test, hidden ones included)
    out/kit.json                   the exercises, their chapter, title and points

``grade(submissions, kit)`` runs otter's autograder on every notebook of
``submissions/<student>/`` in this Python environment (``otter run``: no
Docker), and returns one row per student and exercise.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pandas as pd

from .checks import CHECKS_DIR, load_checks
from .exercises import chapter_paths, chapter_exercises
from .master import master_notebook, question_name

CHAPTERS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
MANIFEST = "kit.json"
FOLDERS = ("masters", "student", "answers", "autograder")
COLUMNS = ["student", "exercise", "score", "possible", "status"]


def _otter(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the otter command line of this environment in ``cwd`` (its output captured)."""
    if importlib.util.find_spec("otter") is None:
        raise ValueError("otter-grader is not installed in this environment: pip install -e \".[instructor]\"")
    return subprocess.run([sys.executable, "-m", "otter", *args], cwd=cwd, capture_output=True, text=True)


def build(out: Path, labels=None, chapters_dir: Path = CHAPTERS_DIR, checks_dir: Path = CHECKS_DIR,
          log=print) -> dict:
    """Generate the kit of the coding exercises (all, or those of ``labels``) into ``out``; return the manifest.

    otter assign runs every test against the chapter's solution while building: a
    solution that fails its own tests stops the build (RuntimeError with otter's output).
    """
    exercises = [e for path in chapter_paths(chapters_dir) for e in chapter_exercises(path)]
    checks = load_checks(exercises, checks_dir)
    coding = [e for e in exercises if e.kind == "coding"]
    if labels:
        unknown = sorted(set(labels) - {e.label for e in coding})
        if unknown:
            raise ValueError(f"unknown exercise label(s) {unknown}; coding exercises: {[e.label for e in coding]}")
        coding = [e for e in coding if e.label in labels]
    out = Path(out)
    for folder in FOLDERS:
        (out / folder).mkdir(parents=True, exist_ok=True)
    manifest = {}
    for exercise in coding:
        label = exercise.label
        log(f"{label}: otter assign ...")
        master = out / "masters" / f"{label}.ipynb"
        nbformat.write(master_notebook(exercise, checks[label]), master)
        with tempfile.TemporaryDirectory() as tmp:
            done = _otter("assign", "-v", str(master), tmp, cwd=out)    # -v: otter logs "All autograder tests passed"
            result = Path(tmp)
            zips = sorted((result / "autograder").glob("*.zip"))
            if done.returncode != 0 or "All autograder tests passed" not in done.stdout + done.stderr or not zips:
                raise RuntimeError(f"otter assign failed for {label} (the chapter's solution must pass its "
                                   f"tests):\n{done.stdout}\n{done.stderr}")
            shutil.copy(result / "student" / f"{label}.ipynb", out / "student" / f"{label}.ipynb")
            shutil.copy(result / "autograder" / f"{label}.ipynb", out / "answers" / f"{label}.ipynb")
            shutil.copy(zips[-1], out / "autograder" / f"{label}.zip")
        manifest[label] = {"chapter": exercise.chapter, "title": exercise.title,
                           "question": question_name(label), "points": checks[label].points}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def read_manifest(kit: Path) -> dict:
    """The exercises of a built kit (label -> chapter, title, question, points); ValueError if ``kit`` is not one."""
    path = Path(kit) / MANIFEST
    if not path.exists():
        raise ValueError(f"{kit} is not an instructor's kit (no {MANIFEST}); build one with "
                         "`python -m helpers.instructor build --out DIR`")
    return json.loads(path.read_text())


def exercise_of(notebook_path: Path, manifest: dict) -> str:
    """The exercise label of a submitted notebook (otter's ``assignment_name`` in its metadata, else its file name).

    ValueError if the file is not a notebook, or belongs to no exercise of the kit.
    """
    if notebook_path.suffix != ".ipynb":
        raise ValueError(f"{notebook_path} is not a notebook (.ipynb); a submission folder holds only the "
                         "student's notebooks")
    try:
        notebook = nbformat.read(notebook_path, as_version=4)
    except Exception as error:          # nbformat raises several kinds for a broken file
        raise ValueError(f"{notebook_path} is not a readable Jupyter notebook ({error})") from error
    label = notebook.metadata.get("otter", {}).get("assignment_name") or notebook_path.stem
    if label not in manifest:
        raise ValueError(f"{notebook_path} is for exercise {label!r}, which is not in the kit; "
                         f"the kit has {sorted(manifest)}")
    return label


def submissions(folder: Path, manifest: dict) -> dict[str, dict[str, Path]]:
    """``{student: {label: notebook}}`` of a submissions folder laid out as ``folder/<student>/<notebook>.ipynb``.

    Everything is checked before anything is graded: ValueError for a missing folder, a file outside a
    student's folder, a file that is not a notebook, or two notebooks of one student for the same exercise.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"submissions folder {folder} does not exist")
    found: dict[str, dict[str, Path]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if not entry.is_dir():
            raise ValueError(f"{entry} is not in a student's folder: put each student's notebooks in "
                             f"{folder}/<student>/")
        notebooks: dict[str, Path] = {}
        for path in sorted(p for p in entry.iterdir() if not p.name.startswith(".")):
            label = exercise_of(path, manifest)
            if label in notebooks:
                raise ValueError(f"{entry.name} submitted {label} twice: {notebooks[label].name} and {path.name}")
            notebooks[label] = path
        found[entry.name] = notebooks
    if not found:
        raise ValueError(f"no student folders in {folder}")
    return found


def grade_notebook(notebook: Path, autograder: Path) -> float:
    """The score otter's autograder gives one notebook (run here, without Docker)."""
    with tempfile.TemporaryDirectory() as tmp:
        done = _otter("run", "--no-logo", "-a", str(autograder.resolve()), "-o", tmp, str(notebook.resolve()),
                      cwd=Path(tmp))
        results = Path(tmp) / "results.json"
        if not results.exists():
            raise RuntimeError(f"otter run did not grade {notebook}:\n{done.stdout}\n{done.stderr}")
        tests = json.loads(results.read_text())["tests"]
    return float(sum(t["score"] for t in tests if "score" in t))


def grade(folder: Path, kit: Path, log=print) -> pd.DataFrame:
    """Grade every student's notebooks with the kit's autograders: one row per student and exercise of the kit.

    A missing notebook scores 0 with status ``not submitted``.
    """
    manifest = read_manifest(kit)
    rows = []
    for student, notebooks in submissions(folder, manifest).items():
        for label, info in manifest.items():
            if label not in notebooks:
                rows.append([student, label, 0.0, info["points"], "not submitted"])
                continue
            score = grade_notebook(notebooks[label], Path(kit) / "autograder" / f"{label}.zip")
            log(f"{student} {label}: {score:g} / {info['points']:g}")
            rows.append([student, label, score, info["points"], "graded"])
    return pd.DataFrame(rows, columns=COLUMNS)
