"""DownloadHandle: one download inside a Downloader, to await, pause, resume, cancel or follow."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator
from typing import TYPE_CHECKING, Any

from wherry.core.errors import ErrorKind, JobError
from wherry.core.events import Event, JobChanged, Progress
from wherry.core.jobs import AddRequest, Job, JobState
from wherry.headless import earlier_job, start_or_resume
from wherry.library import target_lock
from wherry.library.failure import failure_of
from wherry.library.progress import ProgressCallback, SafeCallback
from wherry.library.result import Result

if TYPE_CHECKING:
    from wherry.library.downloader import Downloader

__all__ = ["DownloadHandle"]

_DEFAULT_DIGEST = "sha256"


class DownloadHandle:
    """One download started by ``Downloader.add()``.

    ``await handle`` gives the Result or raises a DownloadError; ``async for p in handle`` yields
    progress readings (``wherry.Progress``) until the download rests, the last one with the
    whole size when it finished. ``pause()``, ``resume()`` and ``cancel()`` act on the job; a
    paused download keeps its bytes and ``await handle`` goes on waiting until it is resumed.
    """

    def __init__(self, owner: Downloader, request: AddRequest, progress: ProgressCallback | None) -> None:
        self._owner = owner
        self._request = request
        self._callback = SafeCallback(progress)
        self._job: Job | None = None
        self._started = asyncio.Event()
        self._resumed = asyncio.Event()
        self._followers: list[asyncio.Queue[Progress | None]] = []
        self._reused = 0
        self._last: Progress | None = None
        self._task: asyncio.Task[Result] = asyncio.create_task(
            self._run(), name=f"wherry-download {request.url}"
        )

    # ---- reading -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._request.url

    @property
    def job_id(self) -> str | None:
        """The job's id in the store, once the download has started (or been found again)."""
        return self._job.id if self._job is not None else None

    @property
    def state(self) -> JobState | None:
        return self._job.state if self._job is not None else None

    def done(self) -> bool:
        """True once the download has finished, failed or been cancelled."""
        return self._task.done()

    def progress(self) -> Progress | None:
        """The latest progress reading, or None before the first."""
        return self._last

    # ---- commands ----------------------------------------------------------------------------

    async def result(self) -> Result:
        """Wait for the Result; cancelling this wait leaves the download running."""
        return await asyncio.shield(self._task)

    def __await__(self) -> Generator[Any, None, Result]:
        return self.result().__await__()

    async def pause(self) -> None:
        """Stop transferring and keep every byte; ``resume()`` continues."""
        job = await self._wait_started()
        if job is not None and not job.state.is_terminal:
            await self._owner._live_engine().pause(job.id)

    async def resume(self) -> None:
        """Continue a paused download from its bytes on disk."""
        job = await self._wait_started()
        if job is not None and job.state is JobState.PAUSED:
            await self._owner._live_engine().resume(job.id)
            self._resumed.set()

    async def cancel(self) -> None:
        """Give the download up and delete its partial file; awaiting the handle then raises."""
        job = await self._wait_started()
        if job is None:
            self._task.cancel()
            return
        if job.state is not JobState.FINISHED:
            await self._owner._live_engine().cancel(job.id)
        self._resumed.set()

    def __aiter__(self) -> AsyncIterator[Progress]:
        return self._follow()

    async def _follow(self) -> AsyncIterator[Progress]:
        queue: asyncio.Queue[Progress | None] = asyncio.Queue()
        if self._task.done():
            if self._last is not None:
                yield self._last
            return
        self._followers.append(queue)
        try:
            while (item := await queue.get()) is not None:
                yield item
        finally:
            self._followers.remove(queue)

    # ---- fed by the Downloader ---------------------------------------------------------------

    def _progressed(self, progress: Progress) -> None:
        self._last = progress
        self._callback(progress)
        for queue in self._followers:
            queue.put_nowait(progress)

    def _event(self, event: Event) -> None:
        if isinstance(event, JobChanged) and event.what == "restarted":
            self._reused = 0  # the bytes from before are gone; everything is fetched again

    # ---- the download ------------------------------------------------------------------------

    async def _wait_started(self) -> Job | None:
        started = asyncio.ensure_future(self._started.wait())
        try:
            await asyncio.wait({started, self._task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            started.cancel()
        return self._job

    async def _run(self) -> Result:
        try:
            async with target_lock.held(self._owner._locks, self._request):
                try:
                    return await self._download()
                finally:
                    # Whoever waits for this lock reads the store next, from another process
                    # perhaps: this run's saves (FINISHED above all) must be in it by then, not
                    # still queued for a group commit.
                    self._owner._live_engine().commit_saves()
        finally:
            for queue in self._followers:
                queue.put_nowait(None)

    async def _download(self) -> Result:
        owner, request = self._owner, self._request
        engine = owner._live_engine()
        # Another process may have created or finished this job since our engine read the store.
        fresh = earlier_job(owner._live_repository().load_jobs(), request)
        if fresh is not None:
            engine.adopt(fresh)
        job, continued = await start_or_resume(engine, request)
        self._job = job
        self._owner._track(job.id, self)
        self._started.set()
        self._reused = job.bytes_done if continued or job.state is JobState.FINISHED else 0
        while True:
            job = await engine.wait(job.id)
            if job.state is JobState.PAUSED and job.error_kind is None:
                self._resumed.clear()
                if job.state is JobState.PAUSED:
                    await self._resumed.wait()
                continue
            if job.state.is_terminal or job.state is JobState.PAUSED:
                break
        self._final_progress(job)
        await self._callback.drain()
        if job.state is not JobState.FINISHED:
            raise failure_of(job)
        return await self._result(job)

    def _final_progress(self, job: Job) -> None:
        done = job.bytes_done
        if job.state is JobState.FINISHED and job.total_size is not None:
            done = job.total_size
        self._progressed(
            Progress(
                job.id, job.state, done, job.total_size, 0.0, 0.0 if job.state is JobState.FINISHED else None
            )
        )

    async def _result(self, job: Job) -> Result:
        target = job.target
        assert target is not None, "a finished job has its name"
        size = job.total_size if job.total_size is not None else target.stat().st_size
        digests: dict[str, str] = {}
        if job.actual_digest is not None:
            digests[job.checksum.algorithm if job.checksum else _DEFAULT_DIGEST] = job.actual_digest
        wanted = self._request.checksum
        for algorithm in {wanted.algorithm if wanted else _DEFAULT_DIGEST} - digests.keys():
            # Finished by another door that did not hash it, or under another checksum.
            hasher = await self._owner._live_engine().verifier.hash_prefix(target, algorithm, size)
            digests[algorithm] = hasher.hexdigest()
        if wanted is not None and digests[wanted.algorithm] != wanted.hexdigest:
            raise JobError(
                ErrorKind.CHECKSUM_MISMATCH,
                f"{target} is already there, but its {wanted.algorithm} is {digests[wanted.algorithm]}, "
                f"not {wanted.hexdigest}; it was left as it was.",
            )
        return Result(
            path=target,
            size=size,
            digests=digests,
            bytes_reused=min(self._reused, size),
            sources=self._owner._live_engine().sources(job.id),
            job_id=job.id,
        )
