"""The Colab button opens the chapter's Colab edition, not its MyST source.

sphinx-book-theme builds the Colab launch link from ``repository.url``, ``branch``
and the page's path, i.e. the chapter notebook on ``main``, whose prose is full of
``{glue}`` roles and solution fences. This extension runs after the theme's
``add_launch_buttons`` (priority 501) on every page and points the Colab button at
the edition written by ``python -m helpers.book colab-editions`` and published on the
editions branch (``helpers.editions.colab_url``; the workflow
.github/workflows/book.yml pushes it). Pages without a Colab button are untouched.

Enabled in ``_config.yml`` under ``sphinx.local_extensions``.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from helpers.editions import colab_url

COLAB_HOST = "https://colab.research.google.com/"


def point_colab_at_editions(app, pagename, templatename, context, doctree) -> None:
    """Rewrite the Colab entry of the launch-buttons group of one page."""
    repository = app.config.html_theme_options.get("repository_url", "")
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if group.get("label") == "launch-buttons" else []:
            if button.get("url", "").startswith(COLAB_HOST):
                button["url"] = colab_url(repository, PurePosixPath(pagename).name)


def setup(app):
    app.connect("html-page-context", point_colab_at_editions, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
