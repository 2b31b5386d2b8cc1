"""Where Wherry keeps its data: the platform's user-data folder, or ``WHERRY_HOME`` when set."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["data_dir", "database_path", "default_download_dir", "log_path"]

APP_NAME = "wherry"


def data_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the database and the log (``home`` when given); created on first use."""
    override = os.fspath(home) if home is not None else os.environ.get("WHERRY_HOME")
    path = Path(override).expanduser() if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(home: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(home) / "wherry.db"


def log_path() -> Path:
    return data_dir() / "wherry.log"


def default_download_dir() -> Path:
    return Path(platformdirs.user_downloads_dir())
