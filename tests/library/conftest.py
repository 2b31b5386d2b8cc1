"""The library's tests: a store with fast retry timings in the test's WHERRY_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.conftest import FAST
from tests.helpers.stores import save_settings


@pytest.fixture(autouse=True)
def fast_store(wherry_home: Path) -> Path:
    """Save the engine tests' quick retry and checkpoint timings in the store the library opens."""
    save_fast_settings(wherry_home)
    return wherry_home


def save_fast_settings(home: Path) -> None:
    save_settings(home, FAST.with_changes(connections=1))
