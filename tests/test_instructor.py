"""The instructor's kit (helpers.instructor): coding exercises as otter-grader assignments.

Fast tests read the chapters and the hand-written checks. The tests that run otter build the kit of two
exercises once per module (ch1-ex-sign, ch4-ex-threshold: about half a minute) and grade submissions with
it; building every exercise (chapter 5's trains small networks: minutes on a cold cache) is `book`-marked.
"""
from __future__ import annotations

import json
import re
import shutil
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.instructor import build, coding_exercises, grade, load_checks
from helpers.instructor.__main__ import main
from helpers.instructor.checks import CHECKS_DIR
from helpers.instructor.exercises import chapter_exercises, chapter_paths
from helpers.instructor.kit import CHAPTERS_DIR, read_manifest, submissions
from helpers.instructor.master import definitions_only, master_notebook, solution_cell

ROOT = Path(__file__).resolve().parents[1]
FAST = ("ch1-ex-sign", "ch4-ex-threshold")


def coding_labels_in_text() -> set[str]:
    """The labels of the coding exercises, found by a plain text scan of the chapters (not by the kit's parser)."""
    labels = set()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        text = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
        labels |= set(re.findall(r":label: (\S+)\n\n\*Coding\.\*", text))
    return labels


def test_the_generator_finds_every_coding_exercise_of_every_chapter():
    exercises = coding_exercises(CHAPTERS_DIR)
    labels = [e.label for e in exercises]
    assert set(labels) == coding_labels_in_text() and len(labels) == len(set(labels)) == 8
    assert {e.chapter[:2] for e in exercises} == {p.stem[:2] for p in chapter_paths(CHAPTERS_DIR)}
    assert all(e.solution_code.strip() and e.text and not e.text.startswith("*Coding") for e in exercises)
    checks = load_checks([e for p in chapter_paths(CHAPTERS_DIR) for e in chapter_exercises(p)])
    assert set(checks) == set(labels)
    for label, c in checks.items():
        assert any(t.hidden for t in c.tests) and any(not t.hidden for t in c.tests), label


def test_every_exercise_kind_is_read():
    kinds = [e.kind for p in chapter_paths(CHAPTERS_DIR) for e in chapter_exercises(p)]
    assert set(kinds) == {"conceptual", "coding", "experimental"} and kinds.count("coding") == 8


def test_the_master_notebook_holds_the_question_the_chapters_solution_and_every_test():
    exercises = {e.label: e for e in coding_exercises(CHAPTERS_DIR)}
    checks = load_checks(list(exercises.values()))
    for label, exercise in exercises.items():
        notebook = master_notebook(exercise, checks[label])
        sources = [c.source for c in notebook.cells]
        assert sources[0].startswith("# ASSIGNMENT CONFIG") and sources[-1] == "# END QUESTION"
        solution = sources[sources.index("# BEGIN SOLUTION") + 1]
        expected = (definitions_only(exercise.solution_code) if checks[label].solution == "definitions"
                    else exercise.solution_code)
        kept = [line for line in solution.splitlines() if "# BEGIN SOLUTION" not in line and "# END SOLUTION" not in line]
        assert "\n".join(kept).split() == expected.split(), label        # the chapter's code, only marked
        tests = sources[sources.index("# BEGIN TESTS") + 1:sources.index("# END TESTS")]
        assert len(tests) == len(checks[label].tests)
        assert sum("hidden: true" in t for t in tests) == sum(t.hidden for t in checks[label].tests)
        assert "{eq}" not in "".join(sources) and "{ref}" not in "".join(sources)


def defined_names(code: str) -> set[str]:
    """The names a block of code binds at top level (imports, assignments, functions)."""
    import ast
    names = set()
    for node in ast.parse(code or "pass").body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def test_every_name_a_test_reads_is_told_to_the_student():
    """A test's arguments come from the student's notebook: the exercise or its autograder note must name them."""
    import ast
    exercises = {e.label: e for e in coding_exercises(CHAPTERS_DIR)}
    for label, checks in load_checks(list(exercises.values())).items():
        told = exercises[label].text + checks.answer
        for test in checks.tests:
            args = [a.arg for a in ast.parse(test.code).body[0].args.args]
            untold = [a for a in args if a not in defined_names(checks.setup) and f"`{a}" not in told
                      and f"{a}(" not in told]
            assert not untold, f"{label}: test {test.name!r} reads {untold}, which the student is never told to define"


def test_solution_cell_keeps_imports_and_signatures_only():
    code = "import torch\n\ndef f(x):\n    y = x + 1\n    return y\n\nprint(f(1))\n"
    marked = solution_cell(code)
    assert marked.splitlines() == ["import torch", "", "def f(x):", "    # BEGIN SOLUTION", "    y = x + 1",
                                   "    return y", "    # END SOLUTION", "# BEGIN SOLUTION", "", "print(f(1))",
                                   "# END SOLUTION"]
    assert definitions_only(code + "g = lambda z: z\nz = 3\n") == "import torch\n\ndef f(x):\n    y = x + 1\n    return y\n\ng = lambda z: z\n"


def write_checks(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in CHECKS_DIR.glob("ch*.py"):
        shutil.copy(path, folder / path.name)
    (folder / "ch99.py").write_text(textwrap.dedent(text))
    return folder


EXERCISES = [e for p in chapter_paths(CHAPTERS_DIR) for e in chapter_exercises(p)]


def test_a_check_for_an_unknown_label_is_a_clear_error(tmp_path):
    folder = write_checks(tmp_path / "c", """
        CHECKS = {"ch1-ex-sgn": {"tests": [{"name": "t", "code": "def test_t(x):\\n    assert x"}]}}
    """)
    with pytest.raises(ValueError, match="'ch1-ex-sgn' is not the label of a coding exercise"):
        load_checks(EXERCISES, folder)
    folder = write_checks(tmp_path / "d", """
        CHECKS = {"ch1-ex-step": {"tests": [{"name": "t", "code": "def test_t(x):\\n    assert x"}]}}
    """)
    with pytest.raises(ValueError, match="'ch1-ex-step' is not the label of a coding exercise"):   # conceptual
        load_checks(EXERCISES, folder)


def test_a_coding_exercise_without_tests_is_a_clear_error(tmp_path):
    folder = write_checks(tmp_path / "c", "CHECKS = {}\n")
    (folder / "ch04.py").unlink()
    with pytest.raises(ValueError, match=r"\['ch4-ex-threshold'\] have no tests"):
        load_checks(EXERCISES, folder)
    source = (CHECKS_DIR / "ch04.py").read_text()
    (folder / "ch04.py").write_text(source.replace('"hidden": True', '"hidden": False'))
    with pytest.raises(ValueError, match="ch4-ex-threshold needs at least one public and one hidden test"):
        load_checks(EXERCISES, folder)
    (folder / "ch04.py").write_text(source.replace("def test_separable(best_threshold):", "if True:"))
    with pytest.raises(ValueError, match="must be exactly one function definition"):
        load_checks(EXERCISES, folder)
    (folder / "ch04.py").write_text(source.replace('"solution": "definitions",\n        "why"', '"solution": "definitions",\n        "whyy"'))
    with pytest.raises(ValueError, match="unknown keys"):
        load_checks(EXERCISES, folder)
    with pytest.raises(ValueError, match="checks folder .* does not exist"):
        load_checks(EXERCISES, tmp_path / "nowhere")


def test_missing_folders_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="chapters folder .* does not exist"):
        coding_exercises(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="no chapter notebooks"):
        coding_exercises(tmp_path)
    with pytest.raises(ValueError, match=r"unknown exercise label\(s\) \['ch1-ex-nope'\]"):
        build(tmp_path / "kit", labels=["ch1-ex-nope"])
    with pytest.raises(ValueError, match="is not an instructor's kit"):
        read_manifest(tmp_path)
    with pytest.raises(ValueError, match="submissions folder .* does not exist"):
        submissions(tmp_path / "nowhere", {"ch1-ex-sign": {}})


def test_submissions_that_are_not_notebooks_are_clear_errors(tmp_path):
    manifest = {"ch1-ex-sign": {"points": 4.0}}
    student = tmp_path / "subs" / "ada"
    student.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["otter"] = {"assignment_name": "ch1-ex-sign"}
    nbformat.write(notebook, student / "renamed.ipynb")
    assert submissions(tmp_path / "subs", manifest) == {"ada": {"ch1-ex-sign": student / "renamed.ipynb"}}
    (student / "answer.txt").write_text("x = 1")
    with pytest.raises(ValueError, match=r"answer.txt is not a notebook \(.ipynb\)"):
        submissions(tmp_path / "subs", manifest)
    (student / "answer.txt").unlink()
    (student / "broken.ipynb").write_text("{ this is not json")
    with pytest.raises(ValueError, match="broken.ipynb is not a readable Jupyter notebook"):
        submissions(tmp_path / "subs", manifest)
    (student / "broken.ipynb").unlink()
    nbformat.write(nbformat.v4.new_notebook(), student / "ch9-ex-other.ipynb")
    with pytest.raises(ValueError, match="is for exercise 'ch9-ex-other', which is not in the kit"):
        submissions(tmp_path / "subs", manifest)
    (student / "ch9-ex-other.ipynb").unlink()
    shutil.copy(student / "renamed.ipynb", student / "again.ipynb")
    with pytest.raises(ValueError, match="ada submitted ch1-ex-sign twice"):
        submissions(tmp_path / "subs", manifest)
    (student / "again.ipynb").unlink()
    (tmp_path / "subs" / "loose.ipynb").write_text("{}")
    with pytest.raises(ValueError, match="is not in a student's folder"):
        submissions(tmp_path / "subs", manifest)


def test_the_command_line_reports_bad_input_without_a_traceback(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "nowhere"), "--kit", str(tmp_path)]) == 2
    assert "is not an instructor's kit" in capsys.readouterr().err


# ---- otter: build two exercises once, grade submissions with them ----

@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    pytest.importorskip("otter", reason="the instructor extra: pip install -e '.[instructor]'")
    out = tmp_path_factory.mktemp("kit")
    manifest = build(out, labels=FAST, log=lambda *_: None)
    assert set(manifest) == set(FAST)
    return out


def test_the_kit_has_a_student_version_an_answer_key_and_an_autograder(kit):
    for label in FAST:
        for part in (f"masters/{label}.ipynb", f"student/{label}.ipynb", f"answers/{label}.ipynb",
                     f"autograder/{label}.zip"):
            assert (kit / part).is_file(), part


def test_the_student_version_has_no_solution_and_no_hidden_test(kit):
    exercises = {e.label: e for e in coding_exercises(CHAPTERS_DIR)}
    checks = load_checks(list(exercises.values()))
    for label in FAST:
        student = (kit / "student" / f"{label}.ipynb").read_text()
        answers = (kit / "answers" / f"{label}.ipynb").read_text()
        solution = exercises[label].solution_code
        solution = definitions_only(solution) if checks[label].solution == "definitions" else solution
        code = [line.strip() for line in solution.splitlines()]
        body = [line for line in code if line and not line.startswith(("def ", "import ", "from ", "#"))]
        assert body and all(json.dumps(line)[1:-1] in answers for line in body if len(line) > 12)
        public = "".join(t.code for t in checks[label].tests if not t.hidden)   # may share a line of the example
        leaked = [line for line in body if len(line) > 12 and json.dumps(line)[1:-1] in student and line not in public]
        assert not leaked, f"{label}: solution lines in the student version: {leaked}"
        with zipfile.ZipFile(kit / "autograder" / f"{label}.zip") as autograder:
            every_test = autograder.read(f"tests/{label.replace('-', '_')}.py").decode()
        for test in checks[label].tests:
            name = re.search(r"def (\w+)", test.code).group(1)
            assert (name in student) is (not test.hidden), f"{label}: test {name} (hidden={test.hidden})"
            assert f"hidden={test.hidden}" in every_test and f"def {name}(" in every_test


def submit(folder: Path, student: str, notebooks: dict[str, Path]) -> None:
    (folder / student).mkdir(parents=True)
    for label, path in notebooks.items():
        shutil.copy(path, folder / student / f"{label}.ipynb")


def wrong_threshold(kit: Path, folder: Path) -> Path:
    """The answer key of ch4-ex-threshold with a deliberately wrong best_threshold."""
    notebook = nbformat.read(kit / "answers" / "ch4-ex-threshold.ipynb", as_version=4)
    cells = [c for c in notebook.cells if "def best_threshold" in c.source]
    assert len(cells) == 1
    cells[0].source = "import numpy as np\n\ndef best_threshold(x_in, x_out):\n    return float(np.median(x_out)) - 1\n"
    path = folder / "wrong.ipynb"
    nbformat.write(notebook, path)
    return path


def test_grading_gives_full_marks_to_the_answer_key_and_loses_exactly_the_wrong_questions_points(kit, tmp_path):
    subs = tmp_path / "subs"
    submit(subs, "key", {label: kit / "answers" / f"{label}.ipynb" for label in FAST})
    submit(subs, "blank", {"ch1-ex-sign": kit / "student" / "ch1-ex-sign.ipynb"})
    submit(subs, "half", {"ch1-ex-sign": kit / "answers" / "ch1-ex-sign.ipynb",
                          "ch4-ex-threshold": wrong_threshold(kit, tmp_path)})
    csv = tmp_path / "grades.csv"
    assert main(["grade", str(subs), "--kit", str(kit), "--csv", str(csv)]) == 0
    scores = pd.read_csv(csv).set_index(["student", "exercise"])
    possible = read_manifest(kit)
    assert set(scores.index) == {(s, label) for s in ("key", "blank", "half") for label in FAST}
    for label in FAST:
        assert scores.loc[("key", label), "score"] == scores.loc[("key", label), "possible"] == possible[label]["points"]
    assert scores.loc[("blank", "ch1-ex-sign"), "score"] == 0 and scores.loc[("blank", "ch1-ex-sign"), "status"] == "graded"
    assert scores.loc[("blank", "ch4-ex-threshold"), "status"] == "not submitted"
    half = scores.loc["half", "score"]
    assert half["ch1-ex-sign"] == possible["ch1-ex-sign"]["points"] and half["ch4-ex-threshold"] == 0
    assert half.sum() == sum(p["points"] for p in possible.values()) - possible["ch4-ex-threshold"]["points"]


def test_a_wrong_answer_that_passes_the_public_tests_is_caught_by_the_hidden_ones(kit, tmp_path):
    """A threshold that separates the public examples but is not the best on overlapping data."""
    notebook = nbformat.read(kit / "answers" / "ch4-ex-threshold.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if "def best_threshold" in c.source)
    cell.source = ("import numpy as np\n\ndef best_threshold(x_in, x_out):\n"
                   "    return float(np.max(x_out))          # separates separable sets only\n")
    subs = tmp_path / "subs"
    (subs / "eve").mkdir(parents=True)
    nbformat.write(notebook, subs / "eve" / "ch4-ex-threshold.ipynb")
    scores = grade(subs, kit, log=lambda *_: None).set_index("exercise")
    hidden = sum(t.points for t in load_checks(EXERCISES)["ch4-ex-threshold"].tests if t.hidden)
    assert scores.loc["ch4-ex-threshold", "score"] == read_manifest(kit)["ch4-ex-threshold"]["points"] - hidden


@pytest.mark.book
def test_every_coding_exercise_builds_and_its_answer_key_gets_full_marks(tmp_path):
    """The whole kit: otter assign runs every test on every chapter's solution; the answer keys grade full."""
    pytest.importorskip("otter", reason="the instructor extra: pip install -e '.[instructor]'")
    manifest = build(tmp_path / "kit", log=lambda *_: None)
    assert set(manifest) == coding_labels_in_text()
    subs = tmp_path / "subs"
    submit(subs, "key", {label: tmp_path / "kit" / "answers" / f"{label}.ipynb" for label in manifest})
    scores = grade(subs, tmp_path / "kit", log=lambda *_: None)
    assert (scores["score"] == scores["possible"]).all(), scores
