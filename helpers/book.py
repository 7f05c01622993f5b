"""Book maintenance: the repository URL, the notebooks' setup cells, stripped outputs, Colab editions.

The repository URL and the release the notebooks install are written in one place,
``_config.yml`` (``repository.url`` and ``repository.install_ref``). Every notebook's
first code cell installs the package from that repository, at that tag or commit,
wherever ``helpers`` cannot be imported (Colab, Kaggle, Binder, a downloaded notebook).
To point the whole book at a fork and a release of it::

    python -m helpers.book set-repository https://github.com/OWNER/REPO --ref v0.1.0

to check that config and notebooks agree (the tests do this too)::

    python -m helpers.book check

and, after a book build, to write the chapters' Colab editions (helpers/editions.py)::

    python -m helpers.book colab-editions --out _build/html/colab
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL_PATTERN = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
CONFIG_URL_LINE = re.compile(r"^(repository:\s*\n(?:[ \t]+#.*\n)*[ \t]+url:[ \t]*)(\S+)", re.MULTILINE)
CONFIG_REF_LINE = re.compile(r"^([ \t]+install_ref:[ \t]*)(\S+)", re.MULTILINE)
REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
PACKAGE = "unlearning-book"


def find_root(start: Path | None = None) -> Path:
    """The book's folder: the first of ``start`` (default: the working directory) and its
    parents that holds ``_config.yml``, else the folder above this package."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "_config.yml").exists() and (folder / "_toc.yml").exists():
            return folder
    return ROOT


def setup_cell_source(url: str, ref: str) -> str:
    """The setup cell for repository ``url`` at tag or commit ``ref`` (first code cell of every notebook).

    Wherever ``helpers`` cannot be imported (Colab, Kaggle, Binder, a downloaded
    notebook) it installs this package from the repository at ``ref``; where it is
    installed (a local clone, the book build) it does nothing. pip runs without
    ``--upgrade``, so a preinstalled torch that meets the package's lower bound (Colab's)
    is kept. If pip fails, its own output is printed and a RuntimeError names the command.
    """
    return (
        "# Setup: install the book's `helpers` package wherever it is missing (Colab, Kaggle, Binder...).\n"
        "import importlib.util, subprocess, sys\n"
        "\n"
        "if importlib.util.find_spec(\"helpers\") is None:\n"
        f"    pip = [sys.executable, \"-m\", \"pip\", \"install\", \"{PACKAGE} @ git+{url}@{ref}\"]\n"
        "    print(\"Installing\", pip[-1], \"(a minute or two)...\")\n"
        "    run = subprocess.run(pip, capture_output=True, text=True)\n"
        "    if run.returncode != 0:\n"
        "        print(run.stdout[-3000:], run.stderr[-3000:], sep=\"\\n\", file=sys.stderr)\n"
        "        raise RuntimeError(\"installing helpers failed (pip's output above): \" + \" \".join(pip))"
    )


def default_ref(root: Path = ROOT) -> str:
    """The release tag of the package's version in ``pyproject.toml``, e.g. ``v0.1.0``.

    A tag names one reviewed state that never moves (``main`` does), and the version in
    pyproject.toml is the one the notebooks were written against; a commit hash could not
    be written into the very commit that carries it. Tag the release (``git tag v0.1.0;
    git push --tags``) before students open the notebooks.
    """
    version = re.search(r'^version\s*=\s*"([^"]+)"', (root / "pyproject.toml").read_text(), re.MULTILINE)
    if not version:
        raise ValueError(f"{root / 'pyproject.toml'} has no version; pass --ref TAG_OR_COMMIT")
    return f"v{version.group(1)}"


def check_ref(ref: str) -> str:
    """``ref`` if it can name a git tag or commit, else a ValueError."""
    if not REF_PATTERN.match(ref) or ".." in ref:
        raise ValueError(f"--ref must be a git tag or commit such as v0.1.0 or 1a2b3c4, got {ref!r}")
    return ref


def check_url(url: str) -> str:
    """Return ``url`` without a trailing slash or ``.git``, or raise ValueError."""
    url = url.strip().rstrip("/").removesuffix(".git")
    if not URL_PATTERN.match(url):
        raise ValueError(f"repository URL must look like https://github.com/OWNER/REPO, got {url!r} "
                         "(Colab opens notebooks from GitHub)")
    return url


def read_repository_url(root: Path = ROOT) -> str:
    """The ``repository.url`` of ``_config.yml``."""
    match = CONFIG_URL_LINE.search((root / "_config.yml").read_text())
    if not match:
        raise ValueError(f"{root / '_config.yml'} has no repository.url entry")
    return match.group(2)


def read_install_ref(root: Path = ROOT) -> str:
    """The ``repository.install_ref`` of ``_config.yml``: the tag or commit the notebooks install."""
    match = CONFIG_REF_LINE.search((root / "_config.yml").read_text())
    if not match:
        raise ValueError(f"{root / '_config.yml'} has no repository.install_ref entry; run "
                         "`python -m helpers.book set-repository URL --ref TAG_OR_COMMIT`")
    return match.group(2)


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "notebooks").glob("*.ipynb"))


def first_code_cell(nb: dict) -> dict:
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            return cell
    raise ValueError("notebook has no code cell")


def cell_source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_notebook(path: Path, nb: dict) -> None:
    """Write in nbformat's on-disk style (1-space indent, trailing newline), atomically."""
    tmp = path.with_suffix(".ipynb.tmp")
    tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def set_repository(url: str, root: Path = ROOT, ref: str | None = None) -> list[Path]:
    """Point ``_config.yml`` and every notebook's setup cell at ``url`` at tag or commit ``ref``
    (default: the one in ``_config.yml``, else :func:`default_ref`); return the files changed."""
    url = check_url(url)
    config = root / "_config.yml"
    text = config.read_text()
    if not CONFIG_URL_LINE.search(text):
        raise ValueError(f"{config} has no repository.url entry")
    written = CONFIG_REF_LINE.search(text)
    ref = check_ref(ref or (written.group(2) if written else default_ref(root)))
    changed = []
    new_text = CONFIG_URL_LINE.sub(lambda m: m.group(1) + url, text, count=1)
    if written:
        new_text = CONFIG_REF_LINE.sub(lambda m: m.group(1) + ref, new_text, count=1)
    else:
        new_text = CONFIG_URL_LINE.sub(lambda m: f"{m.group(0)}\n  install_ref: {ref}", new_text, count=1)
    if new_text != text:
        config.write_text(new_text)
        changed.append(config)
    for path in notebooks(root):
        nb = read_notebook(path)
        cell = first_code_cell(nb)
        if cell_source(cell) != setup_cell_source(url, ref):
            cell["source"] = setup_cell_source(url, ref).splitlines(keepends=True)   # nbformat's style
            write_notebook(path, nb)
            changed.append(path)
    return changed


def has_outputs(cell: dict) -> bool:
    """True for a code cell that carries outputs or an execution count."""
    return cell["cell_type"] == "code" and bool(cell.get("outputs") or cell.get("execution_count"))


def strip_outputs(root: Path = ROOT) -> list[Path]:
    """Remove outputs and execution counts from every notebook; return the files changed."""
    changed = []
    for path in notebooks(root):
        nb = read_notebook(path)
        dirty = False
        for cell in nb["cells"]:
            if has_outputs(cell):
                cell["outputs"], cell["execution_count"] = [], None
                dirty = True
        if dirty:
            write_notebook(path, nb)
            changed.append(path)
    return changed


def problems(root: Path = ROOT) -> list[str]:
    """Everything that is out of sync: setup cells that do not match the config, unstripped outputs."""
    url, ref = read_repository_url(root), read_install_ref(root)
    found = []
    for path in notebooks(root):
        nb = read_notebook(path)
        if cell_source(first_code_cell(nb)) != setup_cell_source(url, ref):
            found.append(f"{path.name}: first code cell is not the setup cell for {url} at {ref}")
        if any(has_outputs(c) for c in nb["cells"]):
            found.append(f"{path.name}: outputs are not stripped (run `python -m helpers.book strip`)")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.book", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("set-repository", help="point _config.yml and every notebook at a GitHub repository")
    p.add_argument("url", help="https://github.com/OWNER/REPO")
    p.add_argument("--ref", default=None, help="the tag or commit the notebooks install (default: the one in "
                   "_config.yml, else v<version of pyproject.toml>)")
    sub.add_parser("check", help="report notebooks out of sync with _config.yml or carrying outputs")
    sub.add_parser("strip", help="strip outputs from every notebook")
    p = sub.add_parser("colab-editions", help="write every chapter as a plain notebook for Colab "
                       "(glued values from the last book build)")
    p.add_argument("--out", type=Path, required=True, help="folder for the editions, e.g. _build/html/colab")
    p.add_argument("--build", type=Path, default=None, help="the book build to take glued values from "
                   "(default: _build of the book's folder)")
    parser.add_argument("--root", type=Path, default=None, help="the book's folder (default: found from here)")
    args = parser.parse_args(argv)
    root = args.root or find_root()
    if args.command == "set-repository":
        try:
            changed = set_repository(args.url, root, args.ref)
        except ValueError as err:
            parser.error(str(err))
        print("\n".join(f"updated {p.relative_to(root)}" for p in changed) or "already up to date")
    elif args.command == "strip":
        print("\n".join(f"stripped {p.relative_to(root)}" for p in strip_outputs(root)) or "nothing to strip")
    elif args.command == "colab-editions":
        from .editions import write_editions

        try:
            written = write_editions(root, args.build or root / "_build", args.out, read_repository_url(root))
        except (FileNotFoundError, KeyError, ValueError) as err:
            print(f"colab-editions: {err.args[0] if err.args else err}", file=sys.stderr)
            return 1
        print("\n".join(f"wrote {p}" for p in written))
    else:
        found = problems(root)
        print("\n".join(found) or "ok: notebooks match _config.yml and carry no outputs")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
