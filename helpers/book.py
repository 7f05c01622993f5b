"""Book maintenance: the repository URL, the notebooks' Colab setup cells, stripped outputs.

The repository URL is written in one place, ``_config.yml`` (``repository.url``).
Every notebook's first code cell installs the package from that repository
when it runs in Google Colab. To point the whole book at a fork::

    python -m helpers.book set-repository https://github.com/OWNER/REPO

and to check that config and notebooks agree (the tests do this too)::

    python -m helpers.book check
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
PACKAGE = "unlearning-book"


def find_root(start: Path | None = None) -> Path:
    """The book's folder: the first of ``start`` (default: the working directory) and its
    parents that holds ``_config.yml``, else the folder above this package."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "_config.yml").exists() and (folder / "_toc.yml").exists():
            return folder
    return ROOT


def setup_cell_source(url: str) -> str:
    """The Colab setup cell for repository ``url`` (first code cell of every notebook).

    It installs this package straight from the repository's ``main`` branch.
    Colab's own torch already satisfies the package's lower bound, so pip
    leaves it alone; outside Colab the cell does nothing.
    """
    return (
        "# Colab setup: install the book's `helpers` package (does nothing outside Colab).\n"
        "import sys\n"
        "\n"
        "if \"google.colab\" in sys.modules:\n"
        "    import subprocess\n"
        f"    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\",\n"
        f"                    \"{PACKAGE} @ git+{url}@main\"], check=True)"
    )


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


def set_repository(url: str, root: Path = ROOT) -> list[Path]:
    """Point ``_config.yml`` and every notebook's setup cell at ``url``; return the files changed."""
    url = check_url(url)
    config = root / "_config.yml"
    text = config.read_text()
    if not CONFIG_URL_LINE.search(text):
        raise ValueError(f"{config} has no repository.url entry")
    changed = []
    new_text = CONFIG_URL_LINE.sub(lambda m: m.group(1) + url, text, count=1)
    if new_text != text:
        config.write_text(new_text)
        changed.append(config)
    for path in notebooks(root):
        nb = read_notebook(path)
        cell = first_code_cell(nb)
        if cell_source(cell) != setup_cell_source(url):
            cell["source"] = setup_cell_source(url)
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
    url = read_repository_url(root)
    found = []
    for path in notebooks(root):
        nb = read_notebook(path)
        if cell_source(first_code_cell(nb)) != setup_cell_source(url):
            found.append(f"{path.name}: first code cell is not the Colab setup cell for {url}")
        if any(has_outputs(c) for c in nb["cells"]):
            found.append(f"{path.name}: outputs are not stripped (run `python -m helpers.book strip`)")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.book", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("set-repository", help="point _config.yml and every notebook at a GitHub repository")
    p.add_argument("url", help="https://github.com/OWNER/REPO")
    sub.add_parser("check", help="report notebooks out of sync with _config.yml or carrying outputs")
    sub.add_parser("strip", help="strip outputs from every notebook")
    parser.add_argument("--root", type=Path, default=None, help="the book's folder (default: found from here)")
    args = parser.parse_args(argv)
    root = args.root or find_root()
    if args.command == "set-repository":
        try:
            changed = set_repository(args.url, root)
        except ValueError as err:
            parser.error(str(err))
        print("\n".join(f"updated {p.relative_to(root)}" for p in changed) or "already up to date")
    elif args.command == "strip":
        print("\n".join(f"stripped {p.relative_to(root)}" for p in strip_outputs(root)) or "nothing to strip")
    else:
        found = problems(root)
        print("\n".join(found) or "ok: notebooks match _config.yml and carry no outputs")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
