"""Downloader: one engine and one store, shared by many downloads in one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from wherry import paths
from wherry.core.categories import folder_for
from wherry.core.events import Event, Progress
from wherry.core.jobs import JobId
from wherry.core.ports import JobRepository
from wherry.core.settings import Settings
from wherry.engine import Engine
from wherry.headless import headless_engine, open_repository
from wherry.library.handle import DownloadHandle
from wherry.library.progress import ProgressCallback
from wherry.library.request import Headers, PathLike, build_request
from wherry.library.result import Result

__all__ = ["Downloader"]

log = logging.getLogger("wherry.api")

# Seconds between progress readings; the engine counts bytes in memory, so this costs nothing
# per byte however fast the transfer.
PROGRESS_INTERVAL = 0.25


class Downloader:
    """An async context manager owning one engine and one job store for many downloads.

        async with wherry.Downloader() as d:
            result = await d.download(url, "model.bin", sha256=digest)
            handle = d.add(other_url, directory="data")
            async for p in handle:
                print(p.bytes_downloaded, p.total_bytes)
            await handle

    The store is the usual one (the data folder, or ``WHERRY_HOME``) unless ``home`` names a
    folder. Only the downloads asked for here run; the rest of the queue in the store is left
    alone. Leaving the block stops unfinished downloads, which continue from their bytes on disk
    when the same (url, dest) is asked for again. Use it from one event loop.
    """

    def __init__(self, *, home: PathLike | None = None) -> None:
        self._home = home
        self._stack: contextlib.AsyncExitStack | None = None
        self._engine: Engine | None = None
        self._repository: JobRepository | None = None
        self._default_dir = Path.cwd()
        self._settings = Settings()
        self._handles: list[DownloadHandle] = []
        self._by_job: dict[JobId, DownloadHandle] = {}
        self._locks = Path()

    # ---- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Downloader:
        stack = contextlib.AsyncExitStack()
        try:
            repository, notice = open_repository(self._home)
            stack.callback(repository.close)
            if notice:
                log.warning("%s", notice)
            # Every library download gets a digest, so a Result always says what it holds.
            settings = repository.load_settings().with_changes(hash_every_download=True)
            self._engine = await stack.enter_async_context(headless_engine(repository, self._event, settings))
            stack.callback(self._engine.on_progress(self._progress, PROGRESS_INTERVAL))
        except BaseException:
            await stack.aclose()
            raise
        self._repository = repository
        self._default_dir = Path(settings.download_dir or paths.default_download_dir()).expanduser()
        self._settings = settings
        self._locks = paths.data_dir(self._home) / "locks"
        self._stack = stack
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop what still runs (it resumes next time) and close the engine and the store."""
        pending = [h._task for h in self._handles if not h.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()
        self._engine = None

    # The engine and store stay private: the surface is the handles, so it can be kept stable.
    def _live_engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("use the Downloader inside `async with`")
        return self._engine

    def _live_repository(self) -> JobRepository:
        if self._repository is None:
            raise RuntimeError("use the Downloader inside `async with`")
        return self._repository

    # ---- downloads ---------------------------------------------------------------------------

    def add(
        self,
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
    ) -> DownloadHandle:
        """Start a download and return its handle at once; arguments as for ``wherry.download``.

        Raises InputError (a DownloadError) at once for arguments that cannot work.
        """
        self._live_engine()  # raises when used outside `async with`
        request = build_request(
            url,
            dest,
            directory=directory,
            # Wherry's download folder, sorted by category when the user turned categories on.
            default_directory=self._folder_for(url),
            sha256=sha256,
            checksum=checksum,
            mirrors=mirrors,
            connections=connections,
            headers=headers,
            overwrite=overwrite,
        )
        handle = DownloadHandle(self, request, progress)
        self._handles.append(handle)
        return handle

    def _folder_for(self, url: object) -> Path:
        """Wherry's download folder, or a category's inside it when the user turned categories on."""
        if not isinstance(url, str):
            return self._default_dir  # build_request says what is wrong with it
        return Path(folder_for(self._settings, url, str(self._default_dir)).directory)

    async def download(
        self,
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
    ) -> Result:
        """Download one file and return its Result; see ``wherry.download``.

        Cancelling this call pauses the download, keeping its bytes for the next call.
        """
        handle = self.add(
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
        try:
            return await handle
        except asyncio.CancelledError:
            if handle.job_id is not None and self._engine is not None:
                await asyncio.shield(handle.pause())
            handle._task.cancel()
            raise

    # ---- fed by the engine ---------------------------------------------------------------------

    def _track(self, job_id: JobId, handle: DownloadHandle) -> None:
        self._by_job[job_id] = handle

    def _event(self, event: Event) -> None:
        handle = self._by_job.get(event.job_id)
        if handle is not None:
            handle._event(event)

    def _progress(self, progress: Progress) -> None:
        handle = self._by_job.get(progress.job_id)
        if handle is not None and not handle.done():
            handle._progressed(progress)
