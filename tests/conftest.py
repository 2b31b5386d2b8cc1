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
