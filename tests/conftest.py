"""Shared fixtures."""
import pytest


@pytest.fixture
def fake_md5(monkeypatch):
    """Make torchvision's MD5 comparison pass (real files have fixed hashes; tiny fakes cannot)."""
    import torchvision.datasets.utils as tv_utils

    # check_integrity(path, md5) still returns False for a missing file; only the hash is skipped.
    monkeypatch.setattr(tv_utils, "check_md5", lambda fpath, md5, **kwargs: True)


def pytest_configure(config):
    """Draw figures off-screen in the tests."""
    import matplotlib

    matplotlib.use("Agg")
