"""The original design's interface, ``RecoverableDownloadManager``, over ``wherry.api``.

Code written against it runs unchanged::

    manager = RecoverableDownloadManager("/srv/models", progress_callback=report)
    await manager.download_file(
        url="https://example.org/model.bin",
        dest_path="/srv/models/model.bin",
        sha256_checksum="9f86d0…",
        alternate_urls=["https://mirror.example.org/model.bin"],
    )

which is, in the new API::

    await wherry.download(
        "https://example.org/model.bin",
        "/srv/models/model.bin",
        sha256="9f86d0…",
        mirrors=["https://mirror.example.org/model.bin"],
        progress=lambda **kw: report(bytes_downloaded=kw["bytes_downloaded"],
                                     total_bytes=kw["total_bytes"]),
        home="/srv/models/.wherry",
    )
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from wherry.api import Result, download

__all__ = ["STATE_FOLDER", "RecoverableDownloadManager"]

log = logging.getLogger("wherry.compat")

# The manager's jobs live in this folder under project_path.
STATE_FOLDER = ".wherry"

# config keys with a meaning here; others are accepted and ignored, as the original did.
_KNOWN = {"connections", "headers", "overwrite"}


class RecoverableDownloadManager:
    """Resumable, verified downloads whose state is kept under ``project_path``.

    ``config`` may set ``connections`` (1–32), ``headers`` (a mapping) and ``overwrite``.
    ``progress_callback`` is called with the keyword arguments ``bytes_downloaded`` and
    ``total_bytes`` only, as the original interface promised.

    Mapping to ``wherry.api``: ``download_file(url, dest_path, sha256_checksum, alternate_urls)``
    is ``wherry.download(url, dest_path, sha256=sha256_checksum, mirrors=alternate_urls,
    home=project_path/.wherry)``; it returns the ``wherry.Result`` (path-like, so code that used
    the return value as a path still works) and raises ``wherry.DownloadError`` subclasses.
    """

    def __init__(
        self,
        project_path: str | os.PathLike[str],
        config: Mapping[str, Any] | None = None,
        progress_callback: Callable[..., Any] | None = None,
    ) -> None:
        self.project_path = Path(project_path).expanduser().absolute()
        self.config: dict[str, Any] = dict(config or {})
        unknown = sorted(set(self.config) - _KNOWN)
        if unknown:
            log.debug("RecoverableDownloadManager ignores config keys %s", unknown)
        self.progress_callback = progress_callback

    @property
    def state_path(self) -> Path:
        """Where the jobs are kept: a folder inside ``project_path``."""
        return self.project_path / STATE_FOLDER

    async def download_file(
        self,
        url: str,
        dest_path: str | os.PathLike[str],
        sha256_checksum: str | None = None,
        alternate_urls: Sequence[str] | None = None,
    ) -> Result:
        """Download ``url`` to ``dest_path``, continuing an earlier attempt; returns the Result."""
        callback = self.progress_callback

        def report(*, bytes_downloaded: int, total_bytes: int | None, **_: Any) -> Any:
            assert callback is not None
            return callback(bytes_downloaded=bytes_downloaded, total_bytes=total_bytes)

        return await download(
            url,
            dest_path,
            sha256=sha256_checksum,
            mirrors=tuple(alternate_urls or ()),
            connections=self.config.get("connections"),
            headers=self.config.get("headers"),
            overwrite=bool(self.config.get("overwrite", False)),
            progress=report if callback is not None else None,
            home=self.state_path,
        )
