"""Re-execute every chapter when ``helpers`` changes, so a rebuilt page never shows stale results.

With ``execute_notebooks: cache`` jupyter-cache re-runs a notebook only when its code cells
change, and Sphinx re-reads only the source files that changed; but every number, figure,
sentence and code listing of a chapter comes from ``helpers``. Before any page is read, this
extension compares a fingerprint of the package with the one stored in the execution cache
(``_build/.jupyter_cache/helpers.fingerprint``). When they differ (or none is stored), it
clears the cached executions and marks every page outdated, so the build executes every
chapter afresh; then it stores the new fingerprint.

The fingerprint covers every file of the package, byte for byte (code, docstrings, comments,
presentation modules, ``hparams.json``): the pages print source code with its docstrings
(``inspect.getsource``), word the results with ``helpers.chapters`` and draw them with
``helpers.plots``. It is deliberately not ``helpers.experiments.cache.code_fingerprint``,
which leaves those out so that rewording a sentence never recomputes a trained model: after
such a change the chapters re-execute, but their experiments come from the result cache.

Enabled in ``_config.yml`` under ``sphinx.local_extensions``; ``fresh_pages_package`` (default
``"helpers"``) names the package to watch.
"""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from jupyter_cache import get_cache
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)


def package_folder(name: str) -> Path:
    """The folder of the installed package ``name`` (found without importing it)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(f"fresh_pages: cannot find the package {name!r} that the chapters import; "
                             "install it (pip install -e .) or set fresh_pages_package in _config.yml")
    return Path(next(iter(spec.submodule_search_locations)))


def package_fingerprint(folder: Path) -> str:
    """A hash of every file under ``folder`` (names and bytes), byte code caches left out."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if "__pycache__" in relative.parts or path.suffix == ".pyc":
            continue
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def refresh_cache(cache_folder: Path, fingerprint: str, name: str = "helpers") -> bool:
    """Clear the jupyter-cache in ``cache_folder`` unless its executions were made with ``fingerprint``
    of package ``name``, and store ``fingerprint`` there. True when it was cleared."""
    stamp = cache_folder / f"{name}.fingerprint"
    if stamp.exists() and stamp.read_text().strip() == fingerprint:
        return False
    if cache_folder.exists():
        get_cache(str(cache_folder)).clear_cache()
    cache_folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n")
    return True


def _outdated_when_package_changed(app, env, added, changed, removed) -> list[str]:
    config = env.mystnb_config
    if config.execution_mode == "off":
        return []
    name = app.config.fresh_pages_package
    if not refresh_cache(Path(config.execution_cache_path), package_fingerprint(package_folder(name)), name):
        return []
    logger.info(f"fresh_pages: {name} changed since the cached executions; every page is read and executed again")
    return sorted(env.found_docs)


def setup(app):
    app.setup_extension("myst_nb")
    app.add_config_value("fresh_pages_package", "helpers", "env")
    app.connect("env-get-outdated", _outdated_when_package_changed)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
