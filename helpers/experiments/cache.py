"""A small on-disk cache for experiment results and trained models.

Entries are keyed by the whole configuration (a JSON-able dict), the version
of ``helpers`` and a fingerprint of its source code: change a hyper-parameter
or any line of ``helpers`` and the old entry is simply not found (stale
results are never served after a bug fix). Every write goes to a temporary file that is
then renamed into place, so an interrupted run never leaves a half-written
entry; an entry that cannot be read back (truncated, corrupt, wrong key) is
deleted and recomputed, never trusted.

The folder is ``$UNLEARNING_BOOK_CACHE`` or ``~/.cache/unlearning-book/results``.
"""
from __future__ import annotations

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


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of every ``.py`` file of the ``helpers`` package (computed once per process)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(config: dict) -> str:
    """A stable hash of ``config``, the helpers version and :func:`code_fingerprint`."""
    text = json.dumps({"config": config, "version": __version__, "code": code_fingerprint()},
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

    def get_state(self, config: dict):
        """A stored ``state_dict`` for ``config``, or None (a corrupt file is removed)."""
        path = self._path(config, ".pt")
        if not self.enabled or not path.exists():
            return None
        try:
            return torch.load(path, map_location="cpu", weights_only=True)
        except Exception:                      # truncated or corrupt file: recompute
            path.unlink(missing_ok=True)
            return None

    def put_state(self, config: dict, state_dict: dict) -> None:
        if self.enabled:
            buffer = io.BytesIO()
            torch.save(state_dict, buffer)
            atomic_write_bytes(self._path(config, ".pt"), buffer.getvalue())
