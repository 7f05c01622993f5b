"""The rendered book in a real browser: every chapter page of the session's build, opened in
headless Chromium (Debian's ``chromium``; installed here when missing and we are root).

Each chapter page must request nothing from outside the book and get an answer to every
request (tests/cdp.py records them), show no error output, load every image, typeset its math with
MathJax (served from the book itself, book/_ext/local_mathjax.py, since the browser
here reaches no outside host) and carry a Colab launch button that opens the
chapter's Colab edition on the editions branch of the repository in _config.yml. A screenshot of
each page is written to ``_build/screenshots/<chapter>.png``.

Iterating on this file without rebuilding the book::

    UNLEARNING_BOOK_HTML=/path/to/_build/html python -m pytest -m book tests/test_browser.py
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from booktools import ROOT, toc_chapters
from cdp import Chromium
from helpers import book, editions

pytestmark = pytest.mark.book

SCREENSHOTS = ROOT / "_build" / "screenshots"

# Runs in the page once it has loaded: waits for the images and for MathJax, then reports.
PAGE_REPORT = r"""
(async () => {
  const main = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
  await Promise.all([...document.images].map(img => {
    img.loading = "eager";                                  // no lazy images left unloaded
    return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
  }));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  const text = el => el.innerText || el.textContent || "";
  return {
    images: [...document.images].map(img => ({src: img.getAttribute("src"), width: img.naturalWidth})),
    figures: main.querySelectorAll("img").length,
    math: main.querySelectorAll(".math").length,
    typeset: main.querySelectorAll("mjx-container").length,
    texErrors: [...main.querySelectorAll("mjx-merror")].map(text),
    mathjaxLoaded: Boolean(window.MathJax && window.MathJax.version),
    tracebacks: [...main.querySelectorAll(".output.traceback, .cell_output .traceback")].map(text),
    stderr: [...main.querySelectorAll(".output.stderr")].map(text),
    tracebackText: text(main).includes("Traceback (most recent call last)"),
    colab: [...document.querySelectorAll("a[href]")].map(a => a.href)
             .filter(h => h.startsWith("https://colab.research.google.com/")),
    title: document.title,
  };
})()
"""


def _chromium() -> str:
    """The Chromium executable; ``apt-get install chromium`` first when missing and we are root."""
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("no `chromium` on PATH and cannot install it (needs root and apt-get): "
                    "apt-get install chromium")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "chromium"]
    run = subprocess.run(install, capture_output=True, text=True, env=env)
    if run.returncode != 0:                       # maybe the package lists are stale or missing
        subprocess.run(["apt-get", "update"], capture_output=True, text=True, env=env)
        run = subprocess.run(install, capture_output=True, text=True, env=env)
    found = shutil.which("chromium")
    if not found:
        pytest.skip(f"could not install Debian's chromium package: {run.stderr[-1500:]}")
    return found


@pytest.fixture(scope="module")
def server(built_book):
    """The built HTML served on localhost (as a reader's browser would get it)."""
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_book.html)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with Chromium(_chromium()) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def repository_url():
    return book.read_repository_url(ROOT)


@pytest.mark.parametrize("chapter", toc_chapters())
def test_chapter_page_in_a_browser(chapter, server, browser, repository_url, built_book):
    assert (built_book.html / "notebooks" / f"{chapter}.html").exists(), f"{chapter} was not rendered"
    page = browser.new_page(width=1280, height=900)
    try:
        page.record_requests()
        loaded = page.goto(f"{server}/notebooks/{chapter}.html")
        report = page.evaluate(PAGE_REPORT)
        page.screenshot(SCREENSHOTS / f"{chapter}.png")
        requests = page.requests()
    finally:
        page.close()
    assert loaded, f"{chapter}: the page's load event never came"

    # nothing from outside the book, and every request answered (the browser's own /favicon.ico
    # guess aside: the book has no favicon)
    outside = [r["url"] for r in requests
               if r["url"].split(":", 1)[0] in ("http", "https", "ws", "wss") and not r["url"].startswith(server + "/")]
    assert not outside, f"{chapter}: requests to outside hosts (pages must work offline): {outside[:10]}"
    failed = [f"{r['url']}: {r['error'] or r['status']}" for r in requests
              if (r["error"] or (r["status"] or 0) >= 400) and r["url"] != f"{server}/favicon.ico"]
    assert not failed, f"{chapter}: failed requests: {failed[:10]}"

    # no error output
    assert not report["tracebacks"] and not report["tracebackText"], f"{chapter}: traceback on the page"
    errors = [s for s in report["stderr"] if "Error" in s]
    assert not errors, f"{chapter}: error output on the page: {errors[0][:1500]}"

    # every image loads
    assert report["figures"], f"{chapter}: no image in the page's content"
    broken = [img["src"] for img in report["images"] if img["width"] == 0]
    assert not broken, f"{chapter}: images that did not load: {broken}"

    # math renders
    if report["math"]:
        assert report["mathjaxLoaded"], (f"{chapter}: MathJax did not load (is mathjax_path a CDN? "
                                         "see book/_ext/local_mathjax.py)")
        assert report["typeset"] >= report["math"], (
            f"{chapter}: {report['math']} math elements but {report['typeset']} typeset by MathJax")
        assert not report["texErrors"], f"{chapter}: TeX errors: {report['texErrors'][:5]}"

    # the Colab button opens this chapter's Colab edition (helpers/editions.py), not its MyST source
    expected = editions.colab_url(repository_url, chapter)
    assert expected in report["colab"], f"{chapter}: Colab links {report['colab']}, expected {expected}"

    assert (SCREENSHOTS / f"{chapter}.png").stat().st_size > 0
