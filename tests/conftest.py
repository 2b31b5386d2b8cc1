"""Shared fixtures. Qt runs offscreen; every test gets its own WHERRY_HOME."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def wherry_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep every test's database and settings out of the real user-data folder."""
    home = tmp_path_factory.mktemp("wherry-home")
    monkeypatch.setenv("WHERRY_HOME", str(home))
    return home


@pytest.fixture
def downloads(tmp_path):
    """An empty download folder for the test."""
    path = tmp_path / "downloads"
    path.mkdir()
    return path


@pytest.fixture
def flaky_server():
    """A started `FlakyServer` on 127.0.0.1 (see tests/helpers/flaky_server.py), stopped after the test."""
    from tests.helpers.flaky_server import FlakyServer

    server = FlakyServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def service(qapp):
    """A real VerifyService (QThreadPool hashing), shut down and deleted after the test."""
    from wherry.verify.service import VerifyService

    svc = VerifyService(max_threads=3)
    yield svc
    assert svc.shutdown(30_000)
    svc.deleteLater()
