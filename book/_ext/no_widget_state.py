"""Keep live widgets out of the rendered pages, so no page loads anything from outside the book.

When a notebook shows an ipywidget while it is executed, myst-nb embeds the widget's state
in the page and loads require.js and the widget manager from public CDNs
(``cdnjs.cloudflare.com``, ``cdn.jsdelivr.net``) to draw it: a page that needs the network.
The book's widgets (chapter 3's sliders, ``helpers.plots.gop_widget``) are for a live
session (Jupyter, Colab): a page runs no Python, so embedded sliders could not redraw
anything, and their cells carry the ``remove-output`` tag, with the same pictures drawn as
static figures beside them. This extension drops the widget state and those scripts from
every page.

Enabled in ``_config.yml`` under ``sphinx.local_extensions``.
"""
from __future__ import annotations

from myst_nb.sphinx_ import NbMetadataCollector

#: myst-nb's keys of a page's scripts: the embedded state and its loaders (``ipywidgets_0``, ...).
WIDGET_SCRIPTS = "ipywidgets_"


def widget_scripts(js_files: dict) -> list[str]:
    """The keys of ``js_files`` (a page's scripts, as myst-nb records them) that embed or draw widgets."""
    return [key for key in js_files if key.startswith(WIDGET_SCRIPTS)]


def _drop_widget_scripts(app, doctree) -> None:
    js_files = NbMetadataCollector.get_js_files(app.env, app.env.docname)
    for key in widget_scripts(js_files):
        del js_files[key]


def setup(app):
    app.setup_extension("myst_nb")
    app.connect("doctree-read", _drop_widget_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
