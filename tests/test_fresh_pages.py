"""A rebuilt page never shows stale results: the build re-executes every chapter when ``helpers``
changes (book/_ext/fresh_pages.py), although jupyter-cache alone re-runs a notebook only when its
code cells change."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "book" / "_ext"))
import fresh_pages  # noqa: E402
import scratchbook  # noqa: E402
from booktools import ROOT  # noqa: E402


def make_package(folder: Path, value: int) -> Path:
    package = folder / "pagepkg"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(f'"""A stand-in for helpers."""\nVALUE = {value}\n')
    return package


def test_fingerprint_sees_every_file_but_byte_code(tmp_path):
    package = make_package(tmp_path, 1)
    (package / "data.json").write_text("{}")
    first = fresh_pages.package_fingerprint(package)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert fresh_pages.package_fingerprint(package) == first
    (package / "__init__.py").write_text('"""A reworded docstring."""\nVALUE = 1\n')
    second = fresh_pages.package_fingerprint(package)
    assert second != first                                  # pages print docstrings: they count
    (package / "data.json").write_text('{"lr": 0.1}')
    assert fresh_pages.package_fingerprint(package) not in (first, second)


def test_the_book_watches_helpers():
    config = (ROOT / "_config.yml").read_text()
    assert "fresh_pages: book/_ext" in config
    assert fresh_pages.package_folder("helpers") == ROOT / "helpers"


def test_unknown_package_is_a_clear_error():
    with pytest.raises(Exception, match="cannot find the package 'no_such_package_here'"):
        fresh_pages.package_folder("no_such_package_here")


def test_refresh_cache_clears_only_when_the_fingerprint_changes(tmp_path):
    from jupyter_cache import get_cache

    cache_folder = tmp_path / ".jupyter_cache"
    cache = get_cache(str(cache_folder))
    notebook = tmp_path / "page.ipynb"
    scratchbook.write_book(tmp_path, [("print(1)", [])], [])
    cache.add_nb_to_project(str(notebook))
    assert fresh_pages.refresh_cache(cache_folder, "aaa")           # no fingerprint stored yet: cleared
    assert not cache_folder.joinpath("global.db").exists()
    cache = get_cache(str(cache_folder))
    cache.add_nb_to_project(str(notebook))
    assert not fresh_pages.refresh_cache(cache_folder, "aaa")       # same helpers: kept
    assert [r.uri for r in get_cache(str(cache_folder)).list_project_records()] == [str(notebook)]
    assert fresh_pages.refresh_cache(cache_folder, "bbb")           # helpers changed: cleared
    assert get_cache(str(cache_folder)).list_project_records() == []
    assert (cache_folder / "helpers.fingerprint").read_text().strip() == "bbb"


def test_a_page_is_executed_again_after_a_package_change(tmp_path):
    """Scratch book, one page printing ``pagepkg.VALUE``: change the package, not the notebook,
    rebuild into the same _build, and the page shows the new value."""
    make_package(tmp_path / "lib", 1)
    book = scratchbook.write_book(tmp_path / "book", [("import pagepkg\nprint('value', pagepkg.VALUE)", [])],
                                  ["fresh_pages"], config="    fresh_pages_package: pagepkg\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / "lib"), os.environ.get("PYTHONPATH", "")]))
    page = book / "_build" / "html" / "page.html"

    scratchbook.build(book, env)
    assert "value 1" in page.read_text()
    log = scratchbook.build(book, env)                              # nothing changed: the cache serves it
    assert "Executing notebook" not in log and "value 1" in page.read_text()
    make_package(tmp_path / "lib", 2)
    log = scratchbook.build(book, env)
    assert "Executing notebook" in log, log[-2000:]
    assert "value 2" in page.read_text()
