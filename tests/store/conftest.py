"""Fixtures for the store tests: real SQLite files under tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wherry.store import SqliteRepository, open_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wherry.db"


@pytest.fixture
def repo(db_path: Path) -> Iterator[SqliteRepository]:
    repository, notice = open_store(db_path)
    assert notice is None
    try:
        yield repository
    finally:
        repository.close()
