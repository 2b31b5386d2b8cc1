"""The library's tests: a store with fast retry timings in the test's WHERRY_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.conftest import FAST
from wherry.store import open_store


@pytest.fixture(autouse=True)
def fast_store(wherry_home: Path) -> Path:
    """Save the engine tests' quick retry and checkpoint timings in the store the library opens."""
    save_fast_settings(wherry_home)
    return wherry_home


def save_fast_settings(home: Path) -> None:
    repository, _ = open_store(home / "wherry.db")
    try:
        repository.save_settings(FAST.with_changes(connections=1))
    finally:
        repository.close()


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    path = tmp_path / "downloads"
    path.mkdir()
    return path
