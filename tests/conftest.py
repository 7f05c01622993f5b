"""Shared fixtures."""
import os
import socket

import pytest

from booktools import build_book, given_build


@pytest.fixture(autouse=True)
def torch_threads_restored():
    """Every test ends with torch's thread count as it found it. The result cache's keys include the thread
    count, so a test that leaves it at 1 (a benchmark's measure(threads=1) did) makes every later test miss
    the book build's cache, recompute with other threads and read other numbers."""
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def fake_md5(monkeypatch):
    """Make torchvision's MD5 comparison pass (real files have fixed hashes; tiny fakes cannot)."""
    import torchvision.datasets.utils as tv_utils

    # check_integrity(path, md5) still returns False for a missing file; only the hash is skipped.
    monkeypatch.setattr(tv_utils, "check_md5", lambda fpath, md5, **kwargs: True)


@pytest.fixture
def no_network(monkeypatch):
    """Refuse every socket connection, as on a machine without a network."""
    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="session")
def result_cache_env():
    """The environment for executing notebooks: no live progress bars, and one result cache
    (``$UNLEARNING_BOOK_CACHE``, default ~/.cache/unlearning-book/results) shared by the book
    build and the wheel test, so experiments computed by one are reused by the other."""
    from helpers.experiments.cache import ENV_VAR, default_folder

    return dict(os.environ, UNLEARNING_BOOK_PROGRESS="0", **{ENV_VAR: str(default_folder())})


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, result_cache_env):
    """The whole book, built once per session into a fresh folder (``jupyter-book build --all -W
    --keep-going``: any cell error or Sphinx warning fails it). ``$UNLEARNING_BOOK_HTML`` names an
    already built ``_build/html`` folder to use instead (see tests/booktools.py)."""
    return given_build() or build_book(tmp_path_factory.mktemp("book"), env=result_cache_env)


def pytest_configure(config):
    """Draw figures off-screen in the tests."""
    import matplotlib

    matplotlib.use("Agg")
