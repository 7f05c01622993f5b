"""The Colab button opens the chapter's Colab edition, not its MyST source.

sphinx-book-theme builds the Colab launch link from ``repository.url``, ``branch``
and the page's path, i.e. the chapter notebook on ``main``, whose prose is full of
``{glue}`` roles and solution fences. This extension runs after the theme's
``add_launch_buttons`` (priority 501) on every page and points the Colab button at
the edition written by ``python -m helpers.book colab-editions`` and published on the
editions branch (``helpers.editions.colab_url``; the workflow
.github/workflows/book.yml pushes it). Pages without a Colab button are untouched.

It also adds the role ``{colab}`chapter 1 in Colab <01_qat_ste>``` (or just
``{colab}`01_qat_ste```), a link to a chapter's Colab edition for the prose pages
(the course guide), so no page writes the repository's URL by hand.

Enabled in ``_config.yml`` under ``sphinx.local_extensions``.
"""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from docutils import nodes

from helpers.editions import colab_url

COLAB_HOST = "https://colab.research.google.com/"


def point_colab_at_editions(app, pagename, templatename, context, doctree) -> None:
    """Rewrite the Colab entry of the launch-buttons group of one page."""
    repository = app.config.html_theme_options.get("repository_url", "")
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if group.get("label") == "launch-buttons" else []:
            if button.get("url", "").startswith(COLAB_HOST):
                button["url"] = colab_url(repository, PurePosixPath(pagename).name)


def colab_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{colab}`text <chapter>``` -> a link to ``chapter``'s Colab edition."""
    explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", text.strip())
    label, chapter = (explicit.group(1), explicit.group(2)) if explicit else (None, text.strip())
    env = inliner.document.settings.env
    if not (Path(env.srcdir) / "notebooks" / f"{chapter}.ipynb").exists():
        message = inliner.reporter.error(f"{{colab}}: no chapter notebooks/{chapter}.ipynb", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    url = colab_url(env.config.html_theme_options.get("repository_url", ""), chapter)
    return [nodes.reference(rawtext, label or f"{chapter} in Colab", refuri=url)], []


def setup(app):
    app.connect("html-page-context", point_colab_at_editions, priority=502)
    app.add_role("colab", colab_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
