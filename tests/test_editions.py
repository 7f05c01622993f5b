"""The Colab editions (helpers/editions.py): every conversion on small constructed snippets, the
real chapters converted with stand-in values, ``glue`` in and out of a build, and (marker ``book``)
the editions written by the session's book build."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings

import nbformat
import pytest

from booktools import ROOT, toc_chapters
from helpers import book as bookfile
from helpers import editions as ed
from helpers import notebook

REPO = "https://github.com/Some-One/my-book"
SITE = "https://some-one.github.io/my-book/"


def small_book() -> ed.Book:
    return ed.Book(
        site=SITE,
        targets={"q": ed.Target("notebooks/01_a", "equation-q", "(1)"),
                 "ex": ed.Target("notebooks/01_a", "ex", "Exercise 1.1"),
                 "sec": ed.Target("notebooks/02_b", "sec", "2.1 A section")},
        titles={"notebooks/01_a": "1. First", "book/course": "Teaching a module"},
        citations={"a2020": "Ant et al., 2020", "b2019": "Bee, 2019"})


def convert(text: str, number: int = 1) -> str:
    return ed.convert_markdown(text, small_book(), ed.Chapter("notebooks/01_a", number))


# --------------------------------------------------------------------------- addresses
def test_pages_url_and_colab_url_follow_github_conventions():
    assert ed.pages_url(REPO) == SITE
    assert ed.pages_url(REPO + ".git") == SITE
    assert ed.colab_url(REPO, "01_a") == \
        f"https://colab.research.google.com/github/Some-One/my-book/blob/{ed.EDITIONS_BRANCH}/01_a.ipynb"
    with pytest.raises(ValueError, match="OWNER/REPO"):
        ed.pages_url("https://gitlab.com/a/b")


# --------------------------------------------------------------------------- fences
def test_split_fences_keeps_code_verbatim_and_finds_nested_directives():
    text = ("Intro.\n```python\nx = '{eq}`q`'\n```\n````{solution} ex\n:class: dropdown\n\n"
            "```python\nprint(1)\n```\n````\nEnd.\n")
    pieces = ed.split_fences(text)
    assert [kind for kind, _ in pieces] == ["text", "code", "directive", "text"]
    assert "".join(raw for _, raw in pieces) == text
    name, argument, options, body = ed.parse_directive(pieces[2][1])
    assert (name, argument, options) == ("solution", "ex", {"class": "dropdown"})
    assert body == "```python\nprint(1)\n```"
    assert "{eq}`q`" in convert(text)                         # code is never converted
    with pytest.raises(ValueError, match="unclosed fence"):
        ed.split_fences("```{exercise} Open\nnever closed\n")


def test_exercise_becomes_a_heading_and_solution_a_details_block():
    text = ("```{exercise} Try it\n:label: ex\n\n*Coding.* Do $x$.\n```\n\n"
            "```{solution} ex\n:class: dropdown\n\nDone:\n~~~python\nprint(2)\n~~~\n```\n")
    out = convert(text, number=3)
    assert out.startswith("#### Exercise 3.1: Try it\n\n*Coding.* Do $x$.")
    assert "<details>\n<summary>Solution to Exercise 1.1</summary>\n\nDone:\n~~~python\nprint(2)\n~~~\n\n</details>" in out
    assert ed.myst_leftovers(out) == []


def test_exercises_are_numbered_in_order():
    out = convert("```{exercise} A\n```\n\n```{exercise} B\n```\n", number=2)
    assert "Exercise 2.1: A" in out and "Exercise 2.2: B" in out


def test_admonitions_become_blockquotes_with_a_bold_title():
    out = convert("```{admonition} Learning objectives\n:class: tip\nYou can\n\n1. do\n   this\n```\n")
    assert out == "> **Learning objectives**\n>\n> You can\n>\n> 1. do\n>    this\n"
    assert convert("```{note}\nCareful.\n```\n") == "> **Note**\n>\n> Careful.\n"


def test_math_fences_and_labelled_dollarmath_become_numbered_dollar_blocks():
    out = convert("```{math}\n:label: q\na = b \\\\\n\nc = d\n```\n")
    assert out == "$$\n\\begin{split}\na = b \\\\\nc = d\n\\end{split} \\tag{1}\n$$\n"
    assert convert("Then $$x^2$$ (q) holds.") == "Then $$\nx^2 \\tag{1}\n$$ holds."
    assert convert("```{math}\ny = 1\n```\n") == "$$\ny = 1\n$$\n"


def test_references_link_to_the_online_book():
    out = convert("By {eq}`q`, see {ref}`ex`, {ref}`this one <sec>`, {numref}`ex` and {doc}`../book/course`.")
    assert out == (f"By [(1)]({SITE}notebooks/01_a.html#equation-q), see [Exercise 1.1]({SITE}notebooks/01_a.html#ex), "
                   f"[this one]({SITE}notebooks/02_b.html#sec), [Exercise 1.1]({SITE}notebooks/01_a.html#ex) and "
                   f"[Teaching a module]({SITE}book/course.html).")
    with pytest.raises(KeyError, match="no equation, exercise or section labelled 'nope'"):
        convert("{eq}`nope`")
    with pytest.raises(KeyError, match="not a page of _toc.yml"):
        convert("{doc}`missing`")


def test_citations_become_author_year_links_to_the_bibliography():
    bib = f"{SITE}book/bibliography.html"
    assert convert("as shown {cite}`a2020`.") == f"as shown ([Ant et al., 2020]({bib}))."
    assert convert("{cite}`a2020,b2019`") == f"([Ant et al., 2020]({bib}); [Bee, 2019]({bib}))"
    with pytest.raises(KeyError, match="'zz' is not in book/references.bib"):
        convert("{cite}`zz`")


def test_inline_math_role_targets_and_unknown_syntax():
    assert convert("(sec)=\n## A section\n\nSo {math}`x^2`.") == "## A section\n\nSo $x^2$."
    with pytest.raises(ValueError, match=r"the \{abbr\} role"):
        convert("{abbr}`LSQ (learned step)`")
    with pytest.raises(ValueError, match=r"the \{figure\} directive"):
        convert("```{figure} a.png\n```\n")


def test_citation_texts_read_authors_and_years_from_bibtex():
    bib = ("@article{one,\n  author = {Krizhevsky, Alex},\n  year = {2009}\n}\n"
           "@article{two,\n  author = {Song, Liwei and Mittal, Prateek},\n  year = {2021}\n}\n"
           "@article{three,\n  author = {Havl{\\'\\i}{\\v{c}}ek, Vojt{\\v{e}}ch and C{\\'o}rcoles, A. and Temme, K.},\n"
           "  year = {2019}\n}\n"
           "@article{plain,\n  author = {Yoshua Bengio and Aaron Courville and Pascal Vincent},\n  year = 2013\n}\n")
    assert ed.citation_texts(bib) == {"one": "Krizhevsky, 2009", "two": "Song and Mittal, 2021",
                                      "three": "Havlíček et al., 2019", "plain": "Bengio et al., 2013"}
    with pytest.raises(ValueError, match="'noyear' needs an author and a year"):
        ed.citation_texts("@misc{noyear,\n  author = {A, B},\n  title = {T}\n}\n")


def test_chapter_targets_number_equations_and_exercises_per_chapter():
    cells = ["```{math}\n:label: e1\na\n```\n\n$$b$$ (e2)\n",
             "(s1)=\n## 3.2 Section\n\n```{exercise} First\n:label: x1\n```\n\n```{exercise} Second\n:label: x2\n```\n"]
    targets = ed.chapter_targets("notebooks/03_c", 3, cells)
    assert targets["e1"] == ed.Target("notebooks/03_c", "equation-e1", "(1)")
    assert targets["e2"].text == "(2)"
    assert targets["x2"] == ed.Target("notebooks/03_c", "x2", "Exercise 3.2")
    assert targets["s1"].text == "3.2 Section"


# --------------------------------------------------------------------------- glue
def glued(plain: str, markdown: str | None = None) -> dict:
    data = {"text/plain": plain} | ({"text/markdown": markdown} if markdown else {})
    return {"output_type": "display_data", "metadata": {}, "data": data}


def test_glued_values_are_formatted_as_myst_nb_does():
    assert ed.glued_text(glued("0.91234"), ".2f") == "0.91"
    assert ed.glued_text(glued("0.91234"), ".1%") == "91.2%"
    assert ed.glued_text(glued("12"), "") == "12"
    assert ed.glued_text(glued("'three words'"), "") == "three words"
    assert ed.glued_markdown(glued("<Markdown object>", "**bold**")) == "**bold**"


def test_fill_glue_fills_roles_and_directives_even_inside_fences():
    values = {"acc": glued("0.91234"), "words": glued("<IPython.core.display.Markdown object>", "{eq}`q` holds"),
              "table": glued("<Markdown>", "| a |\n|---|\n| 1 |")}
    text = ("Accuracy {glue:text}`acc:.2f`, {glue:md}`words:myst`, {glue}`acc`.\n"
            "```{exercise} E\nReach {glue:text}`01_a.ipynb::acc:.0%`.\n```\n```{glue:md} table\n```\n")
    filled = ed.fill_glue(text, values, "notebooks/01_a")
    assert filled.startswith("Accuracy 0.91, {eq}`q` holds, 0.91234.\n```{exercise} E\nReach 91%.\n```\n")
    assert filled.endswith("| a |\n|---|\n| 1 |\n")
    assert "[(1)](" in convert(filled)                  # MyST inside a glued Markdown value is converted too
    with pytest.raises(KeyError, match="no glued value 'gone'.*rebuild the book"):
        ed.fill_glue("{glue:text}`gone`", values, "notebooks/01_a")


def test_glue_shows_its_value_outside_a_build_and_only_records_inside(monkeypatch):
    import IPython.display
    import myst_nb.ext.glue as myst_glue
    from IPython.display import Markdown

    shown, recorded = [], []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.setattr(myst_glue, "ipy_display", lambda obj, **kw: recorded.append((obj, kw)))

    monkeypatch.delenv(notebook.BUILD_ENV, raising=False)
    assert notebook.glue("acc", 0.5) == 0.5
    notebook.glue("words", Markdown("**two** words"))
    assert [m.data for m in shown] == ["`acc` = 0.5", "`words` = **two** words"]
    assert len(recorded) == 2                          # recorded as well, where myst-nb is installed

    shown.clear(), recorded.clear()
    monkeypatch.setenv(notebook.BUILD_ENV, "1")
    notebook.glue("acc", 0.5)
    assert shown == []                                 # the build's pages show nothing new
    assert recorded == [({myst_glue.GLUE_PREFIX + "text/plain": "0.5"},
                         {"raw": True, "metadata": {"scrapbook": {"name": "acc", "mime_prefix": myst_glue.GLUE_PREFIX}}})]


def test_the_book_build_marks_its_kernels():
    run = subprocess.run([sys.executable, "-c", "import sys, os; sys.path.insert(0, 'book/_ext'); import book_build; "
                          "book_build.setup(None); import subprocess; subprocess.run([sys.executable, '-c', "
                          "'import os; print(os.environ[\"UNLEARNING_BOOK_BUILD\"])'])"],
                         capture_output=True, text=True, cwd=ROOT, env={k: v for k, v in os.environ.items()
                                                                         if k != notebook.BUILD_ENV})
    assert run.stdout.strip() == "1", run.stderr


# --------------------------------------------------------------------------- leftovers
@pytest.mark.parametrize("text,kind", [
    ("a {glue:text}`x` b", "role"), ("see {eq}`q`", "role"), ("```{exercise} T\n```", "directive"),
    (":::{note}\nx\n:::", "directive"), (":label: q", "directive option"), ("(sec)=", "target"),
    ("$$x$$ (q)", "labelled math"), ("Hello {{ name }}", "substitution"), ("+++", "block break"),
])
def test_myst_leftovers_finds_each_kind(text, kind):
    assert any(item.startswith(kind + ":") for item in ed.myst_leftovers(text)), ed.myst_leftovers(text)


def test_myst_leftovers_accepts_plain_markdown_and_tex():
    text = ("# Title\n\n> **Note**\n>\n> $x^{{2}}$ and $$\n\\frac{{a}}{b} \\tag{1}\n$$\n\n"
            "<details>\n<summary>Solution</summary>\n\n~~~python\nprint({1: 2})\n~~~\n\n</details>\n"
            "A [link](https://x.github.io/y/a.html#b) (1) and `code`.")
    assert ed.myst_leftovers(text) == []


# --------------------------------------------------------------------------- whole chapters
def stand_in_values(nb: dict) -> dict:
    """A value for every key a chapter's prose pastes (numbers for text roles, Markdown for md)."""
    values = {}
    for text in ed.markdown_cells(nb):
        for name, content in ed.ROLE.findall(text):
            if name.startswith("glue"):
                key = content.split("::")[-1].split(":")[0]
                values[key] = glued("0.25", "**md**" if name == "glue:md" else None)
    return values


@pytest.mark.parametrize("number,page", list(enumerate(ed.read_book(ROOT, REPO)[1], start=1)))
def test_every_chapter_converts_to_plain_markdown_and_keeps_its_code(number, page):
    book, _ = ed.read_book(ROOT, REPO)
    nb = json.loads((ROOT / f"{page}.ipynb").read_text())
    edition = ed.convert_notebook(nb, book, ed.Chapter(page, number), stand_in_values(nb), "2026-01-01 (commit abc)")
    left = [item for text in ed.markdown_cells(edition) for item in ed.myst_leftovers(text)]
    assert left == [], left[:10]
    with warnings.catch_warnings():
        warnings.simplefilter("error")                          # nbformat only warns about missing cell ids
        nbformat.validate(nbformat.from_dict(edition))         # a valid notebook, cell ids included
    assert "2026-01-01 (commit abc)" in edition["cells"][0]["source"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code_out = [c for c in edition["cells"] if c["cell_type"] == "code"]
    assert [bookfile.cell_source(c) for c in code] == [c["source"] for c in code_out]
    assert "parameters" in code_out[1]["metadata"].get("tags", [])
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code_out)
    text = "\n".join(ed.markdown_cells(edition))
    assert text.count("<details>") == text.count("</details>") == len(re.findall(r"\{solution\}", json.dumps(nb)))
    assert "#### Exercise" in text and SITE in text


def test_editions_need_a_book_build(tmp_path):
    run = subprocess.run([sys.executable, "-m", "helpers.book", "colab-editions", "--out", str(tmp_path / "out"),
                          "--build", str(tmp_path / "no_build")], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and "build the book first" in run.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --------------------------------------------------------------------------- the session's book build
@pytest.mark.book
@pytest.mark.parametrize("chapter", toc_chapters())
def test_the_build_writes_a_plain_edition_of_every_chapter(chapter, built_book):
    """The editions next to the HTML (``colab/``): no MyST left, every glued value filled with the build's."""
    path = built_book.html / ed.EDITIONS_FOLDER / f"{chapter}.ipynb"
    assert path.exists(), f"{path} missing: the build did not run `python -m helpers.book colab-editions`"
    edition = json.loads(path.read_text())
    text = "\n".join(ed.markdown_cells(edition))
    assert ed.myst_leftovers(text) == []
    assert "Markdown object>" not in text                # a Markdown value pasted as text
    values = ed.glue_values(built_book.html.parent, f"notebooks/{chapter}")
    source = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text())
    for name, content in ed.ROLE.findall("\n".join(ed.markdown_cells(source))):
        if name == "glue:text":
            key, _, fmt = content.partition(":")
            assert ed.glued_text(values[key], fmt) in text, f"{chapter}: {key} not filled"


# --------------------------------------------------------------------------- the publishing workflow
def test_the_publishing_workflow_builds_like_the_script_and_publishes_html_and_editions():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))          # PyYAML reads the key `on` as True
    assert "main" in triggers["push"]["branches"]
    jobs = workflow["jobs"]
    steps = {job: job_spec["steps"] for job, job_spec in jobs.items()}
    uses = {job: [s.get("uses", "").split("@")[0] for s in job_steps] for job, job_steps in steps.items()}
    runs = "\n".join(s.get("run", "") for job_steps in steps.values() for s in job_steps)

    build_script = (ROOT / "scripts" / "build_book.sh").read_text()
    assert "jupyter-book build . --all -W --keep-going" in build_script
    assert f"python -m helpers.book colab-editions --out _build/html/{ed.EDITIONS_FOLDER}" in build_script
    assert re.search(r"^\s*bash scripts/build_book\.sh\s*$", runs, re.MULTILINE), "the workflow must run the build script"

    build = next(job for job, names in uses.items() if "actions/upload-pages-artifact" in names)
    assert {"actions/checkout", "actions/setup-python"} <= set(uses[build])
    upload = next(s for s in steps[build] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    editions_upload = [s for s in steps[build] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert editions_upload and editions_upload[0]["with"]["path"] == f"_build/html/{ed.EDITIONS_FOLDER}"

    deploy = next(job for job, names in uses.items() if "actions/deploy-pages" in names)
    assert jobs[deploy]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs[deploy]["environment"]["name"] == "github-pages" and build in str(jobs[deploy]["needs"])

    push = next(job for job, job_steps in steps.items() if "git push" in str(job_steps))
    assert jobs[push]["permissions"] == {"contents": "write"}
    assert re.search(rf"git init -q -b {ed.EDITIONS_BRANCH}\b", runs)
    assert re.search(rf"git push .* {ed.EDITIONS_BRANCH}$", runs, re.MULTILINE)
