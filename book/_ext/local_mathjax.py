"""Serve MathJax 3 from the book itself instead of a CDN.

Sphinx loads MathJax from ``cdn.jsdelivr.net`` by default, so the rendered book
shows raw TeX wherever that CDN cannot be reached (an offline laptop, a
classroom behind a firewall, the CI machine that checks the pages in a
browser). This extension copies MathJax 3 from the ``django-static-mathjax``
package (a plain copy of MathJax's ``es5`` build; Django is not needed) into
``_static/mathjax/`` of the HTML output and points ``mathjax_path`` at it.

Enabled in ``_config.yml`` under ``sphinx.local_extensions``.
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

BUNDLE = "tex-mml-chtml.js"          # the component Sphinx uses by default
TARGET = "mathjax"                   # folder under _static/


def mathjax_source() -> Path:
    """The ``es5`` folder of the installed MathJax copy, or a clear error."""
    spec = importlib.util.find_spec("mathjax")
    folder = Path(spec.origin).parent / "static" / "mathjax" / "es5" if spec and spec.origin else None
    if folder is None or not (folder / BUNDLE).exists():
        raise ExtensionError("local_mathjax: MathJax 3 is not installed; install the book extra "
                             "(pip install -e \".[book]\", which brings django-static-mathjax)")
    return folder


def _ignore(folder: str, names: list[str]) -> list[str]:
    """Skip the other all-in-one bundles and the SVG output: only CommonHTML is used."""
    root = Path(folder)
    skipped = []
    for name in names:
        if root.name == "es5" and name.endswith(".js") and name != BUNDLE:
            skipped.append(name)
        elif root.name == "output" and name in ("svg", "svg.js"):
            skipped.append(name)
    return skipped


def _use_local_path(app, config) -> None:
    mathjax_source()                                   # fail at start-up, not at the end
    config.mathjax_path = f"{TARGET}/{BUNDLE}"         # relative: resolved under _static/


def _copy(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        shutil.copytree(mathjax_source(), Path(app.outdir) / "_static" / TARGET,
                        ignore=_ignore, dirs_exist_ok=True)


def setup(app):
    app.connect("config-inited", _use_local_path)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
