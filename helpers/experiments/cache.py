"""A small on-disk cache for experiment results and trained models.

Entries are keyed by the whole configuration (a JSON-able dict), the version
of ``helpers``, a fingerprint of its code and torch's thread count: change a
hyper-parameter or any line of code in ``helpers`` and the old entry is simply not
found (stale results are never served after a bug fix); a reworded docstring or a
presentation module (chapter readings, plots, verdict wording) leaves it valid. Every write goes to a temporary file that is
then renamed into place, so an interrupted run never leaves a half-written
entry; an entry that cannot be read back (truncated, corrupt, wrong key) is
deleted and recomputed, never trusted.

The folder is ``$UNLEARNING_BOOK_CACHE`` or ``~/.cache/unlearning-book/results``.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

import torch

from .. import __version__

ENV_VAR = "UNLEARNING_BOOK_CACHE"


def default_folder() -> Path:
    return Path(os.environ.get(ENV_VAR) or Path("~/.cache/unlearning-book/results")).expanduser()


#: Modules that only word, draw or tabulate results already computed: they never run
#: inside a cached computation, so editing them must not recompute the book.
PRESENTATION = ("chapters/", "plots/", "paper/", "notebook.py", "words.py", "progress.py", "stats.py",
                "experiments/compare.py", "experiments/verdicts.py", "hybrid/verdicts.py",
                "experiments/cost.py",    # the grid's cost estimate (the setup page): never runs in a cell
                "book.py", "editions.py",   # book maintenance and the Colab editions
                "instructor/")              # the instructor's kit (otter-grader assignments)


def _is_presentation(relative: str) -> bool:
    return any(relative == p or (p.endswith("/") and relative.startswith(p)) for p in PRESENTATION)


def _code_only(source: bytes) -> str:
    """The module's syntax tree without docstrings (comments never reach the tree)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False)


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the code of every ``helpers`` module that computes results (once per process).

    Docstrings, comments and the presentation modules in :data:`PRESENTATION` are left
    out: rewording a sentence or a figure never invalidates a trained model, while any
    change to a line of code that computes one does.
    """
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        if _is_presentation(relative):
            continue
        digest.update(relative.encode())
        digest.update(_code_only(path.read_bytes()).encode())
    return digest.hexdigest()[:16]


def cache_key(config: dict) -> str:
    """A stable hash of ``config``, the helpers version, :func:`code_fingerprint` and torch's
    thread count (1 and 2 threads sum in different orders and train different models)."""
    text = json.dumps({"config": config, "version": __version__, "code": code_fingerprint(),
                       "threads": torch.get_num_threads()},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ResultCache:
    """JSON results and torch state dicts, stored under hashed keys in ``folder``.

    ``enabled=False`` turns it into a no-op (always a miss, never writes).
    """

    def __init__(self, folder: str | Path | None = None, enabled: bool = True):
        self.folder = Path(folder) if folder is not None else default_folder()
        self.enabled = enabled

    def _path(self, config: dict, suffix: str) -> Path:
        return self.folder / f"{cache_key(config)}{suffix}"

    def get_json(self, config: dict):
        """The stored value for ``config``, or None (a corrupt entry is removed)."""
        path = self._path(config, ".json")
        if not self.enabled or not path.exists():
            return None
        try:
            entry = json.loads(path.read_text())
            if entry["key"] != cache_key(config):
                raise ValueError("key mismatch")
            return entry["value"]
        except (ValueError, KeyError, TypeError, OSError):
            path.unlink(missing_ok=True)
            return None

    def put_json(self, config: dict, value) -> None:
        if self.enabled:
            entry = {"key": cache_key(config), "config": config, "value": value}
            atomic_write_bytes(self._path(config, ".json"),
                               json.dumps(entry, sort_keys=True, default=str).encode())

    def get_state(self, config: dict, map_location="cpu"):
        """A stored ``state_dict`` for ``config`` on the device ``map_location``, or None (a corrupt file is removed).

        States are stored from the CPU (:meth:`put_state` callers move them there), so a cache
        filled on a GPU machine loads on a CPU one and vice versa."""
        path = self._path(config, ".pt")
        if not self.enabled or not path.exists():
            return None
        try:
            return torch.load(path, map_location=map_location, weights_only=True)
        except Exception:                      # truncated or corrupt file: recompute
            path.unlink(missing_ok=True)
            return None

    def put_state(self, config: dict, state_dict: dict) -> None:
        if self.enabled:
            buffer = io.BytesIO()
            torch.save(state_dict, buffer)
            atomic_write_bytes(self._path(config, ".pt"), buffer.getvalue())
