"""Colab editions: each chapter as a plain Jupyter notebook, without the book's MyST syntax.

A chapter notebook is written for Jupyter Book: its prose pastes computed numbers
with ``{glue:text}`` roles, hides solutions in ``{solution}`` fences, cites with
``{cite}`` and refers to equations with ``{eq}``. Colab shows all of that as raw
markup. ``python -m helpers.book colab-editions --out DIR`` writes, for every
chapter of ``_toc.yml``, an *edition* a student can read anywhere:

==========================  =====================================================
in the chapter              in its edition
==========================  =====================================================
``{glue:text}`key:.2f```    the value of the last book build (a note cell says so)
``{exercise}`` fence        a heading "Exercise 2.3: <title>"
``{solution}`` fence        ``<details><summary>Solution</summary>…</details>``
``{admonition}`` fence      a blockquote with a bold title
``{math}`` / ``$$ (lab)``   plain ``$$`` math, numbered with ``\\tag``
``{eq}``, ``{ref}``, …      text linked to the online book (:func:`pages_url`)
``{cite}`key```             "(Author et al., 2024)" linked to its bibliography
==========================  =====================================================

Code cells (the setup cell, the ``parameters`` cell, all others) are kept as they
are, without outputs. The glued values come from the book build: myst-nb writes
each chapter's glue data to ``_build/jupyter_execute/notebooks/<chapter>.glue.json``.
:func:`myst_leftovers` lists any MyST syntax left in a text; the tests require none.

The editions are published next to the HTML (``_build/html/colab/``) and on the
repository's :data:`EDITIONS_BRANCH` branch, which is where the book's Colab
buttons (:func:`colab_url`, book/_ext/colab_editions.py) open them.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

EDITIONS_BRANCH = "colab"      # the branch that holds the editions, one <chapter>.ipynb each, at its root
EDITIONS_FOLDER = "colab"      # their folder inside the published HTML (_build/html/colab/)
COLAB = "https://colab.research.google.com/github"
BIBLIOGRAPHY_PAGE = "book/bibliography"

ROLE = re.compile(r"\{([A-Za-z][\w:-]*)\}`([^`]*)`")
FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,}|~{3,})[ \t]*(?P<directive>\{[\w:-]+\})?[ \t]*(?P<argument>.*?)\s*$")
OPTION = re.compile(r"^:([\w-]+):[ \t]*(.*?)\s*$")
TARGET = re.compile(r"^\(([^()\s]+)\)=\s*$")
LABELLED_DOLLARMATH = re.compile(r"\$\$(?P<body>.+?)\$\$[ \t]*\((?P<label>[^()\s]+)\)", re.DOTALL)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.MULTILINE)
ADMONITIONS = {"admonition", "note", "tip", "hint", "important", "warning", "caution", "attention",
               "danger", "error", "seealso"}


# --------------------------------------------------------------------------- addresses
def repository_parts(repository_url: str) -> tuple[str, str]:
    """``("OWNER", "REPO")`` of ``https://github.com/OWNER/REPO``, or a ValueError."""
    match = re.fullmatch(r"https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?",
                         repository_url.strip())
    if not match:
        raise ValueError(f"repository URL must look like https://github.com/OWNER/REPO, got {repository_url!r}")
    return match.group(1), match.group(2)


def pages_url(repository_url: str) -> str:
    """The online book: where GitHub Pages publishes ``https://github.com/OWNER/REPO``.

    GitHub serves a project site at ``https://OWNER.github.io/REPO/`` (the owner in
    lower case, as GitHub's host names are); the workflow .github/workflows/book.yml
    publishes the book there. The editions link every cross-reference and citation
    to pages under this address.
    """
    owner, repo = repository_parts(repository_url)
    return f"https://{owner.lower()}.github.io/{repo}/"


def colab_url(repository_url: str, chapter: str) -> str:
    """The Colab address of ``chapter``'s edition (e.g. ``"01_qat_ste"``) on :data:`EDITIONS_BRANCH`."""
    owner, repo = repository_parts(repository_url)
    return f"{COLAB}/{owner}/{repo}/blob/{EDITIONS_BRANCH}/{chapter}.ipynb"


# --------------------------------------------------------------------------- what the chapters define
@dataclass(frozen=True)
class Target:
    """Something a cross-reference can point at: an equation, an exercise or a section."""
    page: str            # the book page holding it, e.g. "notebooks/01_qat_ste"
    anchor: str          # its id in that page's HTML
    text: str            # how a reference names it, e.g. "(3)" or "Exercise 1.2"


@dataclass
class Book:
    """What a conversion needs to know about the whole book."""
    site: str                                                   # pages_url(...)
    targets: dict[str, Target] = field(default_factory=dict)    # label -> Target
    titles: dict[str, str] = field(default_factory=dict)        # page -> its title
    citations: dict[str, str] = field(default_factory=dict)     # bibtex key -> "Author et al., 2024"

    def link(self, page: str, anchor: str = "") -> str:
        return f"{self.site}{page}.html" + (f"#{anchor}" if anchor else "")


def split_fences(text: str) -> list[tuple[str, str]]:
    """``text`` cut into ``("text" | "code" | "directive", raw)`` pieces (joined, they give ``text``)."""
    lines = text.splitlines(keepends=True)
    pieces, plain, i = [], [], 0
    while i < len(lines):
        opening = FENCE_OPEN.match(lines[i].rstrip("\n"))
        if not opening or (opening.group("fence")[0] == ":" and not opening.group("directive")):
            plain.append(lines[i])
            i += 1
            continue
        fence = opening.group("fence")
        closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j].rstrip("\n"))), None)
        if end is None:
            raise ValueError(f"unclosed fence {lines[i].strip()!r}: add a closing {fence}")
        if plain:
            pieces.append(("text", "".join(plain)))
            plain = []
        pieces.append(("directive" if opening.group("directive") else "code", "".join(lines[i:end + 1])))
        i = end + 1
    if plain:
        pieces.append(("text", "".join(plain)))
    return pieces


def parse_directive(raw: str) -> tuple[str, str, dict, str]:
    """``(name, argument, options, body)`` of one directive fence."""
    lines = raw.rstrip("\n").split("\n")
    opening = FENCE_OPEN.match(lines[0])
    options, body = {}, lines[1:-1]
    while body and OPTION.match(body[0]):
        key, value = OPTION.match(body[0]).groups()
        options[key] = value
        body = body[1:]
    return opening.group("directive")[1:-1], opening.group("argument"), options, "\n".join(body).strip("\n")


def chapter_targets(page: str, number: int, markdown: list[str]) -> dict[str, Target]:
    """Every label defined in one chapter (its Markdown cells, in order): equations numbered
    (1), (2)... and exercises ``number``.1, ``number``.2... as the book numbers them per page,
    sections by their heading."""
    targets, equations, exercises = {}, 0, 0
    for text in markdown:
        for kind, raw in split_fences(text):
            if kind == "directive":
                name, argument, options, _ = parse_directive(raw)
                label = options.get("label")
                if name == "math" and label:
                    equations += 1
                    targets[label] = Target(page, f"equation-{label}", f"({equations})")
                elif name == "exercise":
                    exercises += 1
                    if label:
                        targets[label] = Target(page, label, f"Exercise {number}.{exercises}")
            elif kind == "text":
                for match in LABELLED_DOLLARMATH.finditer(raw):
                    equations += 1
                    label = match.group("label")
                    targets[label] = Target(page, f"equation-{label}", f"({equations})")
                lines = raw.split("\n")
                for i, line in enumerate(lines):
                    target = TARGET.match(line)
                    if target:
                        heading = next((HEADING.match(l) for l in lines[i + 1:] if l.strip()), None)
                        title = heading.group(2) if heading else target.group(1)
                        targets[target.group(1)] = Target(page, target.group(1), title)
    return targets


def citation_texts(bibtex: str) -> dict[str, str]:
    """``{key: "Zhang et al., 2026"}`` for every entry of a BibTeX file (author-year, as the book cites)."""
    texts = {}
    for match in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", bibtex, re.DOTALL):
        key, fields = match.groups()
        author = re.search(r"\bauthor\s*=\s*\{(.*?)\}\s*,?\s*\n", fields, re.DOTALL)
        year = re.search(r"\byear\s*=\s*\{?(\d{4})", fields)
        if not author or not year:
            raise ValueError(f"bibliography entry {key!r} needs an author and a year")
        names = [n.strip() for n in re.split(r"\s+and\s+", " ".join(author.group(1).split()))]
        last = [n.split(",")[0] if "," in n else n.split()[-1] for n in names]
        last = [_plain_tex(n) for n in last]
        who = last[0] if len(last) == 1 else (f"{last[0]} and {last[1]}" if len(last) == 2 else f"{last[0]} et al.")
        texts[key] = f"{who}, {year.group(1)}"
    return texts


def _plain_tex(name: str) -> str:
    """``L{\\'e}onard`` -> ``Léonard`` (the accents BibTeX files use), braces dropped."""
    accents = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "c": "\u0327",
               "v": "\u030c", "u": "\u0306", "=": "\u0304"}
    name = re.sub(r"\\i\b", "i", name)
    name = re.sub(r"\\([\'`\"^~cvu=])\s*\{?(\w)\}?", lambda m: m.group(2) + accents[m.group(1)], name)
    return unicodedata.normalize("NFC", name.replace("{", "").replace("}", ""))


# --------------------------------------------------------------------------- glued values
def glued_text(output: dict, fmt: str = "") -> str:
    """The ``text/plain`` of one glued output, formatted by myst-nb's own ``{glue:text}`` formatter
    (``myst_nb.core.variables.format_plain_text``: the repr is evaluated back to a number or
    string, then ``format(value, fmt)``). myst-nb comes with the book extra, as does a build."""
    from myst_nb.core.variables import format_plain_text

    plain = output["data"].get("text/plain")
    if plain is None:
        raise ValueError("the glued value has no text/plain form")
    return format_plain_text(plain, fmt)


def glued_markdown(output: dict) -> str:
    """The ``text/markdown`` of one glued output (``{glue:md}``), else its plain text."""
    data = output["data"]
    return data["text/markdown"] if "text/markdown" in data else glued_text(output)


def fill_glue(text: str, values: dict[str, dict], page: str = "") -> str:
    """Replace every ``{glue}``, ``{glue:text}``, ``{glue:md}`` role and glue directive by its value."""
    def value_of(content: str) -> tuple[dict, str]:
        key, _, fmt = content.split("::")[-1].partition(":")
        if key not in values:
            raise KeyError(f"{page}: no glued value {key!r} in the book build; rebuild the book "
                           "(bash scripts/build_book.sh), then make the editions again")
        return values[key], fmt

    def role(match: re.Match) -> str:
        name, content = match.groups()
        if name in ("glue:text", "glue:any", "glue"):
            output, fmt = value_of(content)
            if name == "glue:text" or "text/markdown" not in output["data"]:
                return glued_text(output, fmt)
            return glued_markdown(output).strip()
        if name == "glue:md":
            return glued_markdown(value_of(content)[0]).strip()
        return match.group(0)

    pieces = []
    for kind, raw in split_fences(text):
        if kind == "directive":
            name, argument, _, body = parse_directive(raw)
            if name in ("glue", "glue:any", "glue:md"):
                pieces.append(glued_markdown(value_of(argument)[0]).strip() + "\n")
                continue
            if name.startswith("glue:"):
                raise ValueError(f"{page}: the {{{name}}} directive has no plain-Markdown form in the editions")
            lines = raw.rstrip("\n").split("\n")
            inner = fill_glue("".join(line + "\n" for line in lines[1:-1]), values, page)
            pieces.append(lines[0] + "\n" + inner + lines[-1] + ("\n" if raw.endswith("\n") else ""))
        elif kind == "text":
            pieces.append(ROLE.sub(role, raw))
        else:
            pieces.append(raw)
    return "".join(pieces)


# --------------------------------------------------------------------------- roles and directives
def convert_roles(text: str, book: Book, page: str) -> str:
    """Citations, cross-references and inline math as plain Markdown (glue roles must be filled first)."""
    def role(match: re.Match) -> str:
        name, content = match.groups()
        if name == "math":
            return f"${content}$"
        if name in ("cite", "cite:p", "cite:t"):
            return cite(content, book, parenthetical=name != "cite:t")
        if name in ("eq", "ref", "numref"):
            return reference(name, content, book, page)
        if name == "doc":
            return document_link(content, book, page)
        raise ValueError(f"{page}: the {{{name}}} role has no plain-Markdown form in the editions")
    return ROLE.sub(role, text)


def cite(content: str, book: Book, parenthetical: bool = True) -> str:
    """``{cite}`a,b``` -> ``([A et al., 2020](…bibliography.html); [B, 2019](…))``."""
    links = []
    for key in (k.strip() for k in content.split(",")):
        if key not in book.citations:
            raise KeyError(f"citation {key!r} is not in book/references.bib")
        links.append(f"[{book.citations[key]}]({book.link(BIBLIOGRAPHY_PAGE)})")
    joined = "; ".join(links)
    return f"({joined})" if parenthetical else joined


def reference(kind: str, content: str, book: Book, page: str) -> str:
    """``{eq}``, ``{ref}``, ``{numref}``: the target's number or title, linked to the online book."""
    explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content.strip())
    text, label = (explicit.group(1), explicit.group(2)) if explicit else (None, content.strip())
    if label not in book.targets:
        raise KeyError(f"{page}: no equation, exercise or section labelled {label!r} in the chapters")
    target = book.targets[label]
    if text and kind == "numref":
        text = text.replace("%s", target.text.split()[-1]).replace("{number}", target.text.split()[-1])
    return f"[{text or target.text}]({book.link(target.page, target.anchor)})"


def document_link(content: str, book: Book, page: str) -> str:
    """``{doc}`../book/course``` -> ``[Teaching a module from this book](…/book/course.html)``."""
    explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content.strip())
    text, path = (explicit.group(1), explicit.group(2)) if explicit else (None, content.strip())
    target = path.lstrip("/") if path.startswith("/") else _resolve(page, path)
    target = re.sub(r"\.(md|ipynb)$", "", target)
    if target not in book.titles:
        raise KeyError(f"{page}: {{doc}} names {path!r}, which is not a page of _toc.yml")
    return f"[{text or book.titles[target]}]({book.link(target)})"


def _resolve(page: str, relative: str) -> str:
    parts = page.split("/")[:-1]
    for part in relative.split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def display_math(body: str, number: str = "") -> str:
    """A ``$$`` block (no blank line inside, which would end it); several lines joined by
    ``\\\\`` are aligned as Sphinx does (``split``); ``number`` as ``\\tag``."""
    body = "\n".join(line for line in body.strip().split("\n") if line.strip())
    if "\\\\" in body and not body.lstrip().startswith("\\begin"):
        body = f"\\begin{{split}}\n{body}\n\\end{{split}}"
    tag = f" \\tag{{{number.strip('()')}}}" if number else ""
    return f"$$\n{body}{tag}\n$$"


def blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))


@dataclass
class Chapter:
    """The chapter being converted: its page, number and running count of exercises."""
    page: str
    number: int
    exercises: int = 0


def convert_directive(name: str, argument: str, options: dict, body: str, book: Book, chapter: Chapter) -> str:
    """One directive as plain Markdown (its body converted first)."""
    inner = convert_markdown(body, book, chapter)
    if name == "exercise":
        chapter.exercises += 1
        title = f": {convert_markdown(argument, book, chapter)}" if argument else ""
        return f"#### Exercise {chapter.number}.{chapter.exercises}{title}\n\n{inner}"
    if name == "solution":
        target = book.targets.get(argument.strip())
        which = f" to {target.text}" if target else ""
        return f"<details>\n<summary>Solution{which}</summary>\n\n{inner}\n\n</details>"
    if name in ADMONITIONS:
        title = convert_markdown(argument, book, chapter) if name == "admonition" else name.capitalize()
        return blockquote(f"**{title}**\n\n{inner}" if title else inner)
    if name == "math":
        label = options.get("label")
        return display_math(body, book.targets[label].text if label in book.targets else "")
    raise ValueError(f"{chapter.page}: the {{{name}}} directive has no plain-Markdown form in the editions")


def convert_markdown(text: str, book: Book, chapter: Chapter) -> str:
    """A Markdown cell (glue already filled) as plain Markdown: directives, roles, labelled math,
    ``(label)=`` targets."""
    pieces = []
    for kind, raw in split_fences(text):
        if kind == "directive":
            trailing = "\n" if raw.endswith("\n") else ""
            pieces.append(convert_directive(*parse_directive(raw), book, chapter) + trailing)
        elif kind == "code":
            pieces.append(raw)
        else:
            raw = "".join(line for line in raw.splitlines(keepends=True) if not TARGET.match(line.rstrip("\n")))

            def labelled(match: re.Match) -> str:
                target = book.targets.get(match.group("label"))
                return display_math(match.group("body"), target.text if target else "")
            pieces.append(convert_roles(LABELLED_DOLLARMATH.sub(labelled, raw), book, chapter.page))
    return "".join(pieces)


# --------------------------------------------------------------------------- what must not be left
LEFTOVERS = {
    "role": re.compile(r"\{[A-Za-z][\w:-]*\}`"),
    "directive": re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{", re.MULTILINE),
    "directive option": re.compile(r"^:[\w-]+:(\s|$)", re.MULTILINE),
    "target": re.compile(r"^\([^()\s]+\)=\s*$", re.MULTILINE),
    "labelled math": re.compile(r"\$\$\s*\([^()\s]+\)"),
    "substitution": re.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}"),
    "block break": re.compile(r"^\+\+\+", re.MULTILINE),
}


def myst_leftovers(text: str) -> list[str]:
    """Every piece of MyST syntax in a Markdown ``text``, as ``"kind: line"`` strings (none: ``[]``).

    Looks for roles (``{name}`x```), directive fences, directive options (``:label:``),
    ``(label)=`` targets, labelled ``$$`` math, ``{{ substitutions }}`` and ``+++`` breaks.
    Math (``$...$``) is left out of the substitution check, since TeX writes ``{{x}}``.
    """
    found = []
    without_math = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", "", text, flags=re.DOTALL)
    for kind, pattern in LEFTOVERS.items():
        source = without_math if kind == "substitution" else text
        for match in pattern.finditer(source):
            line_start = source.rfind("\n", 0, match.start()) + 1
            line_end = source.find("\n", match.end())
            found.append(f"{kind}: {source[line_start:line_end if line_end >= 0 else None].strip()}")
    return found


# --------------------------------------------------------------------------- whole notebooks
def markdown_cells(nb: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "markdown"]


def page_title(markdown: str) -> str:
    heading = HEADING.search(markdown)
    return heading.group(2) if heading else ""


def note_cell(chapter_title: str, online: str, build: str) -> dict:
    """The edition's first cell: what it is, and where the numbers in its prose come from."""
    text = (f"> **This is the Colab edition of [{chapter_title}]({online})**, generated from the book's "
            "notebook so that it reads as plain Markdown.\n>\n"
            f"> The numbers quoted in the text are those of the book build of {build}. Running the cells "
            "recomputes them: each `glue(...)` call shows its value under its cell. Solutions are folded "
            "(click *Solution*); references and citations link to the online book.")
    return {"cell_type": "markdown", "id": "colab-edition-note", "metadata": {}, "source": text}


def convert_notebook(nb: dict, book: Book, chapter: Chapter, values: dict[str, dict], build: str) -> dict:
    """The edition of one chapter notebook: a note cell, Markdown converted, code kept, outputs stripped."""
    cells = []
    for cell in nb["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        kept = {k: cell[k] for k in ("id", "metadata") if k in cell}
        if cell["cell_type"] == "markdown":
            text = convert_markdown(fill_glue(source, values, chapter.page), book, chapter)
            cells.append({"cell_type": "markdown", **kept, "source": text})
        elif cell["cell_type"] == "code":
            cells.append({"cell_type": "code", "execution_count": None, **kept, "outputs": [], "source": source})
        else:
            cells.append(dict(cell, source=source))
    title = page_title("\n".join(markdown_cells(nb)))
    cells.insert(0, note_cell(title, book.link(chapter.page), build))
    metadata = {k: v for k, v in nb.get("metadata", {}).items() if k in ("kernelspec", "language_info")}
    metadata["colab"] = {"name": Path(chapter.page).name + ".ipynb", "provenance": []}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": nb.get("nbformat_minor", 5)}


def toc_pages(root: Path) -> list[str]:
    """Every page of ``_toc.yml`` in reading order, e.g. ``["book/intro", ..., "notebooks/01_qat_ste", ...]``."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        pages += [chapter["file"] for chapter in part.get("chapters", [])]
    return pages


def read_book(root: Path, repository_url: str) -> tuple[Book, list[str]]:
    """The :class:`Book` of the repository at ``root`` and its chapter pages in reading order."""
    pages = toc_pages(root)
    chapters = [p for p in pages if (root / f"{p}.ipynb").exists()]
    book = Book(site=pages_url(repository_url),
                citations=citation_texts((root / "book" / "references.bib").read_text(encoding="utf-8")))
    for page in pages:
        path = root / f"{page}.ipynb"
        markdown = markdown_cells(json.loads(path.read_text(encoding="utf-8"))) if path.exists() \
            else [(root / f"{page}.md").read_text(encoding="utf-8")]
        book.titles[page] = page_title("\n".join(markdown)) or Path(page).name
        if page in chapters:
            book.targets.update(chapter_targets(page, chapters.index(page) + 1, markdown))
    return book, chapters


def glue_values(build: Path, page: str) -> dict[str, dict]:
    """The glued values of one chapter in the book build at ``build`` (a ``_build`` folder)."""
    path = build / "jupyter_execute" / f"{page}.glue.json"
    if not path.exists():
        raise FileNotFoundError(f"no glued values for {page} ({path} is missing): build the book first "
                                "(bash scripts/build_book.sh), then make the editions")
    return json.loads(path.read_text(encoding="utf-8"))


def build_stamp(build: Path, root: Path) -> str:
    """``"2026-12-02 (commit 1a2b3c4)"``: the date of the build's glue data and the commit built."""
    stamps = sorted((build / "jupyter_execute").rglob("*.glue.json"), key=lambda p: p.stat().st_mtime)
    if not stamps:
        raise FileNotFoundError(f"{build / 'jupyter_execute'} holds no glued values: build the book first "
                                "(bash scripts/build_book.sh), then make the editions")
    date = dt.datetime.fromtimestamp(stamps[-1].stat().st_mtime, dt.timezone.utc).strftime("%Y-%m-%d")
    commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True)
    return f"{date} (commit {commit.stdout.strip()})" if commit.returncode == 0 else date


def write_editions(root: Path, build: Path, out: Path, repository_url: str) -> list[Path]:
    """Write the edition of every chapter of ``root`` to ``out/<chapter>.ipynb``; return their paths.

    ``build`` is the book build whose values fill the prose (``_build`` of ``jupyter-book build``).
    Any MyST syntax left after conversion is an error, so no broken edition is written.
    """
    book, chapters = read_book(root, repository_url)
    stamp = build_stamp(build, root)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for number, page in enumerate(chapters, start=1):
        nb = json.loads((root / f"{page}.ipynb").read_text(encoding="utf-8"))
        has_glue = any("{glue" in text for text in markdown_cells(nb))
        values = glue_values(build, page) if has_glue else {}
        edition = convert_notebook(nb, book, Chapter(page, number), values, stamp)
        left = [f"{page}: {item}" for text in markdown_cells(edition) for item in myst_leftovers(text)]
        if left:
            raise ValueError("MyST syntax left in the editions:\n" + "\n".join(left[:20]))
        path = out / f"{Path(page).name}.ipynb"
        path.write_text(json.dumps(edition, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
