"""The job store a Wherry process under test opens from its WHERRY_HOME, prepared by the test."""

from __future__ import annotations

from pathlib import Path

from wherry.core.settings import Settings
from wherry.store import open_store

__all__ = ["save_settings"]


def save_settings(home: Path, settings: Settings) -> None:
    """Store ``settings`` where a library call, ``wherry serve`` or ``wherry get`` will read them."""
    repository, _ = open_store(home / "wherry.db")
    try:
        repository.save_settings(settings)
    finally:
        repository.close()
