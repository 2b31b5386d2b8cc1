"""Wherry: a download manager whose downloads are never lost and never wrong.

The library surface (``wherry.download``, ``download_sync``, ``Downloader``, ``Result``,
``DownloadError`` …) lives in ``wherry.api`` and is loaded on first use, so ``import wherry``
alone stays cheap: no aiohttp, peewee or Qt until a name below is asked for (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "DownloadError",
    "DownloadHandle",
    "Downloader",
    "ErrorKind",
    "InputError",
    "JobError",
    "JobState",
    "Progress",
    "RemoteChangedError",
    "Result",
    "RetryableError",
    "SourceError",
    "StoreError",
    "__version__",
    "download",
    "download_sync",
]

# Everything but the version comes from wherry.api on first use.
_API = frozenset(__all__) - {"__version__"}

if TYPE_CHECKING:
    from wherry.api import (
        Downloader,
        DownloadError,
        DownloadHandle,
        ErrorKind,
        InputError,
        JobError,
        JobState,
        Progress,
        RemoteChangedError,
        Result,
        RetryableError,
        SourceError,
        StoreError,
        download,
        download_sync,
    )


def __getattr__(name: str) -> Any:
    if name in _API:
        from wherry import api

        value = getattr(api, name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'wherry' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
