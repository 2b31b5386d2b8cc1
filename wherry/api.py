"""Wherry as a library: download files resumably and verified, from any Python program.

    result = await wherry.download(url, "model.bin", sha256=digest, mirrors=[url2])
    result = wherry.download_sync(url, "model.bin")          # the same, blocking

    async with wherry.Downloader() as d:                     # one engine for many downloads
        handle = d.add(url, directory="data")
        await handle

Every download is a job in Wherry's store, exactly like one started by ``wherry get``: asking for
the same (url, dest) again, in this process or another, continues that job from the bytes on disk,
and returns at once when it is already complete. Nothing appears at ``dest`` until every byte is
in and the checksum (when given) matched. Every failure raises a ``DownloadError`` subclass with a
``kind`` and one sentence (``str(error)``).

The pieces live in ``wherry.library``; this module is the surface, pinned by a test.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterable

from wherry.core.errors import (
    ErrorKind,
    InputError,
    JobError,
    RemoteChangedError,
    RetryableError,
    SourceError,
    StoreError,
)
from wherry.core.errors import WherryError as DownloadError
from wherry.core.events import Progress
from wherry.core.jobs import JobState
from wherry.library.downloader import Downloader
from wherry.library.handle import DownloadHandle
from wherry.library.progress import ProgressCallback
from wherry.library.request import Headers, PathLike
from wherry.library.result import Result

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
    "download",
    "download_sync",
]


async def download(
    url: str,
    dest: PathLike | None = None,
    *,
    directory: PathLike | None = None,
    sha256: str | None = None,
    checksum: str | None = None,
    mirrors: Iterable[str] = (),
    connections: int | None = None,
    headers: Headers | None = None,
    progress: ProgressCallback | None = None,
    overwrite: bool = False,
    home: PathLike | None = None,
) -> Result:
    """Download ``url`` to ``dest`` (a file path) and return a Result once it is complete.

    ``dest`` may be omitted (or be an existing folder): the file then takes the server's name in
    ``directory`` (default: Wherry's download folder). ``sha256`` (hex) or ``checksum``
    (``"ALGO:HEX"``, md5/sha1/sha256/sha512) is checked before the file is put in place; a
    mismatch fetches the file once more, then raises. ``mirrors`` are other URLs of the same file;
    ``connections`` (1–32) the parallel connections for it; ``headers`` extra request headers
    (a mapping or (name, value) pairs), sent to the host of ``url`` only. ``progress`` is called
    with keyword arguments ``bytes_downloaded``, ``total_bytes``, ``speed`` (bytes/s), ``eta``
    (seconds or None) and ``state`` a few times a second and once at the end with the whole
    size; its exceptions are logged and ignored. ``overwrite`` replaces an existing ``dest``
    once the new file is complete; without it an existing ``dest`` raises InputError. ``home``
    is the folder holding Wherry's store (default: ``WHERRY_HOME`` or the user-data folder).

    Raises a DownloadError subclass: InputError (bad arguments, ``dest`` exists), SourceError
    (404, 403, …: no source has the file), RetryableError (the network or server kept failing;
    worth trying later), JobError (checksum mismatch, disk full, …), StoreError. After any of
    them nothing sits at ``dest``, and the bytes fetched so far are kept for the next call.
    Cancelling the call stops the download the same way.
    """
    async with Downloader(home=home) as downloader:
        return await downloader.download(
            url,
            dest,
            directory=directory,
            sha256=sha256,
            checksum=checksum,
            mirrors=mirrors,
            connections=connections,
            headers=headers,
            progress=progress,
            overwrite=overwrite,
        )


def download_sync(
    url: str,
    dest: PathLike | None = None,
    *,
    directory: PathLike | None = None,
    sha256: str | None = None,
    checksum: str | None = None,
    mirrors: Iterable[str] = (),
    connections: int | None = None,
    headers: Headers | None = None,
    progress: ProgressCallback | None = None,
    overwrite: bool = False,
    home: PathLike | None = None,
) -> Result:
    """``download()`` for code without an event loop: blocks until the Result (or the error).

    Each call runs its own event loop, so it may be called from several threads at once and
    from a program whose event loop runs in another thread. Called from a thread whose own loop
    is running, it runs in a helper thread (that loop is blocked meanwhile; prefer ``await
    download()`` there). ``progress`` is called on the thread that runs the download.
    """
    work = download(
        url,
        dest,
        directory=directory,
        sha256=sha256,
        checksum=checksum,
        mirrors=mirrors,
        connections=connections,
        headers=headers,
        progress=progress,
        overwrite=overwrite,
        home=home,
    )
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="wherry-download") as pool:
        return pool.submit(asyncio.run, work).result()
