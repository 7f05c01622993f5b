"""No page loads anything from outside the book: every script, stylesheet, icon, image and frame
of the built HTML (and every ``url(...)`` of its CSS) is a file of the book. Widgets embed no
state and load no CDN scripts (book/_ext/no_widget_state.py). The browser test
(tests/test_browser.py) checks the same on the live pages, request by request."""
from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "book" / "_ext"))
import no_widget_state  # noqa: E402
import scratchbook  # noqa: E402

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
#: What a browser fetches on its own: (tag, attribute); <link> only for the rel values below.
LOADED = {("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"), ("source", "src"),
          ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"), ("embed", "src"),
          ("object", "data"), ("input", "src")}
LOADED_LINKS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload",
                "prefetch", "manifest", "mask-icon"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")


def is_outside(url: str) -> bool:
    """True for an absolute or protocol-relative URL to a host other than this machine."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) and parts.scheme in ("http", "https", "") and parts.hostname not in LOCAL_HOSTS


class _Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            if LOADED_LINKS & set((attrs.get("rel") or "").lower().split()) and attrs.get("href"):
                self.urls.append(attrs["href"])
            return
        for (loaded_tag, attribute) in LOADED:
            if tag == loaded_tag and attrs.get(attribute):
                value = attrs[attribute]
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()] \
                    if attribute == "srcset" else [value]


def outside_sources(html: Path) -> list[str]:
    """``file: url`` for every resource a page or stylesheet under ``html`` loads from another host."""
    found = []
    for page in sorted(html.rglob("*.html")):
        parser = _Sources()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        found += [f"{page.relative_to(html)}: {url}" for url in parser.urls if is_outside(url)]
    for sheet in sorted(html.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        found += [f"{sheet.relative_to(html)}: {url}" for url in CSS_URL.findall(text) if is_outside(url)]
    return found


def test_outside_sources_are_found(tmp_path):
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="https://cdn.example.org/a.css"><link rel="canonical" href="https://x.org/">'
        '<script src="//cdn.example.org/b.js"></script><script src="_static/c.js"></script>'
        '<img src="http://127.0.0.1:8000/d.png" srcset="e.png 1x, https://img.example.org/f.png 2x">'
        '<a href="https://colab.research.google.com/">a link is not a load</a>')
    (tmp_path / "s.css").write_text('@import "https://fonts.example.org/g.css"; .x{background:url(h.png)}')
    assert outside_sources(tmp_path) == ["page.html: https://cdn.example.org/a.css",
                                         "page.html: //cdn.example.org/b.js",
                                         "page.html: https://img.example.org/f.png",
                                         "s.css: https://fonts.example.org/g.css"]


def test_widget_scripts_are_the_state_and_its_loaders():
    js_files = {"ipywidgets_state": None, "ipywidgets_0": None, "ipywidgets_1": None, "thebe": None}
    assert no_widget_state.widget_scripts(js_files) == ["ipywidgets_state", "ipywidgets_0", "ipywidgets_1"]


def test_a_page_with_a_widget_loads_nothing_from_outside(tmp_path):
    """Scratch book: a page whose executed notebook holds a widget's state (as chapter 3's does)."""
    book = scratchbook.write_book(tmp_path, [("import ipywidgets as w\nw.FloatSlider(value=0.5)", ["remove-output"]),
                                             ("print('after the widget')", [])], ["no_widget_state"])
    scratchbook.build(book)
    executed = json.loads((book / "_build" / "jupyter_execute" / "page.ipynb").read_text())
    assert executed["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"], \
        "the scratch notebook should carry widget state, or this test shows nothing"
    html = book / "_build" / "html"
    assert outside_sources(html) == []
    page = (html / "page.html").read_text()
    assert "widget-state+json" not in page and "after the widget" in page


@pytest.mark.book
def test_no_page_loads_from_outside_the_book(built_book):
    assert (built_book.html / "index.html").exists()
    found = outside_sources(built_book.html)
    assert not found, "pages that need the network:\n" + "\n".join(found[:20])
