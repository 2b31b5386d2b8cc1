"""One job from first byte to final name: fetch (with retries and mirrors), verify, finalize.

The runner raises JobError when the job must stop (the engine decides whether that pauses or
fails it) and returns normally when the file sits complete at its final path.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from wherry.core.errors import (
    ErrorKind,
    JobError,
    RemoteChangedError,
    RetryableError,
    SourceError,
    WherryError,
)
from wherry.core.jobs import Job, Segment
from wherry.core.ports import Hasher, JobRepository, Verifier
from wherry.core.settings import Settings
from wherry.engine.breaker import CircuitBreaker
from wherry.engine.checkpoint import Checkpointer
from wherry.engine.fetcher import Fetcher, RestartNeeded
from wherry.engine.mirrors import Sources, host_of
from wherry.engine.naming import sanitize_filename, unique_name
from wherry.engine.partfile import PartFile, finalize
from wherry.engine.probe import RemoteFile, url_filename
from wherry.engine.retry import RetryPolicy
from wherry.engine.sizes import human_size
from wherry.engine.stats import SpeedMeter

__all__ = ["RunContext", "Runner"]

log = logging.getLogger(__name__)

# A file that changes on every request would restart forever; past this, give up and say so.
MAX_RESTARTS = 5


@dataclass
class RunContext:
    """What a runner borrows from its engine."""

    session: aiohttp.ClientSession
    repository: JobRepository
    verifier: Verifier
    settings: Settings
    breaker: CircuitBreaker
    taken_names: Callable[[Job], set[str]]
    changed: Callable[[Job, str], None]  # save the job and tell listeners
    retrying: Callable[[Job, WherryError, int, float], None]
    verifying: Callable[[Job], None]
    note: Callable[[Job, str], None]  # a line in the job's history


class Runner:
    def __init__(self, job: Job, ctx: RunContext) -> None:
        self.job = job
        self.ctx = ctx
        self.meter = SpeedMeter()
        self.checkpoint = Checkpointer(job, ctx.repository, ctx.settings.checkpoint_interval)
        self.part: PartFile | None = None
        self.hasher: Hasher | None = None
        self.hashed = 0  # bytes the hasher has absorbed, always a prefix of the file
        self.restarts = 0
        self.use_range = True
        # The furthest any attempt got: only passing it counts as progress for the retry budget,
        # so a server that restarts from zero on every drop cannot retry forever.
        self.high_water = 0

    # ---- lifecycle ---------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            await self._download()
            await self._complete()
        finally:
            await self._close()

    async def _close(self) -> None:
        try:
            await self.checkpoint.stop()
        finally:
            if self.part is not None:
                self.part.close()

    # ---- fetching with retries and mirrors ---------------------------------------------------

    def _segment(self) -> Segment:
        if not self.job.segments:
            self.job.segments.append(Segment(0, self.job.total_size))
        return self.job.segments[0]

    def _policy(self) -> RetryPolicy:
        s = self.ctx.settings
        return RetryPolicy(s.retry_base_delay, s.retry_max_delay, s.retry_max_tries, s.retry_max_seconds)

    async def _download(self) -> None:
        sources = Sources(self.job, self._policy(), self.ctx.breaker)
        fetcher = Fetcher(self)
        while not self._segment().complete:
            url = await sources.next_url()
            before = max(self.high_water, self.job.bytes_done)
            try:
                await fetcher.fetch(url, is_mirror=sources.is_mirror(url))
                sources.succeeded(url)
            except RestartNeeded as restart:
                await self.restart(restart.reason, restart.changed)
            except RetryableError as error:
                progressed = self.job.bytes_done > before
                self.high_water = max(before, self.job.bytes_done)
                delay = sources.retryable_failed(url, error, progressed)
                if delay is None:
                    self.ctx.note(self.job, f"Gave up on {host_of(url)}: {error.message}")
                    continue
                attempt = sources.tries(url)
                self.ctx.retrying(self.job, error, attempt, delay)
                await self.checkpoint.flush()
                await asyncio.sleep(delay)
            except SourceError as error:
                sources.source_failed(url, error)
                if sources.is_mirror(url):
                    self.ctx.changed(self.job, "mirror")
                self.ctx.note(self.job, error.message)

    async def restart(self, reason: str, changed: bool = True) -> None:
        """Throw away what is on disk and begin again at byte 0, saying why."""
        self.restarts += changed
        if self.restarts > MAX_RESTARTS:
            raise RemoteChangedError(
                ErrorKind.REMOTE_CHANGED,
                "The file on the server kept changing during the download; try again later.",
            )
        self.job.segments = [Segment(0, self.job.total_size)]
        self.hasher = None
        self.hashed = 0
        if self.part is not None:
            self.part.truncate(0)
        self.checkpoint.forget()
        self.meter.reset()
        self.ctx.note(self.job, reason)
        self.ctx.changed(self.job, "restarted")

    # ---- things the fetcher asks of the job --------------------------------------------------

    def decide_name(self, remote: RemoteFile) -> None:
        """Fix the final file name from the first response; never changes afterwards."""
        job = self.job
        if job.filename:
            return
        if job.requested_name:
            job.filename = job.requested_name
        else:
            suggested = remote.filename or url_filename(remote.final_url) or url_filename(job.url)
            name = sanitize_filename(suggested)
            job.filename = unique_name(Path(job.directory), name, self.ctx.taken_names(job))
        self.ctx.changed(job, "name")

    def check_space(self, remaining: int | None) -> None:
        if not remaining:
            return
        try:
            free = shutil.disk_usage(self.job.directory).free
        except OSError:
            return
        if free < remaining:
            raise JobError(
                ErrorKind.DISK_FULL, f"The disk is full; {human_size(remaining - free)} more is needed."
            )

    def open_part(self) -> PartFile:
        if self.part is None:
            path = self.job.part_path
            assert path is not None, "name is decided before the first byte"
            self.part = PartFile.open(path)
            self.checkpoint.part = self.part
            self.checkpoint.start()
        return self.part

    async def prepare_hasher(self, position: int) -> None:
        """Make the streaming digest cover exactly the bytes before ``position``."""
        checksum = self.job.checksum
        if checksum is None or (self.hasher is not None and self.hashed == position):
            return
        if position == 0:
            from hashlib import new

            self.hasher = new(checksum.algorithm)
        else:
            path = self.job.part_path
            assert path is not None
            self.hasher = await self.ctx.verifier.hash_prefix(path, checksum.algorithm, position)
        self.hashed = position

    # ---- the end -----------------------------------------------------------------------------

    async def _complete(self) -> None:
        job = self.job
        segment = self._segment()
        if job.total_size is None:
            job.total_size = segment.position
        part = self.open_part()  # an empty file still needs its .part to rename
        await self.checkpoint.flush()
        if job.checksum is not None:
            self.ctx.verifying(job)
            await self.prepare_hasher(segment.position)
            assert self.hasher is not None
            job.actual_digest = self.hasher.hexdigest()
            self.ctx.changed(job, "digest")
            if job.actual_digest != job.checksum.hexdigest:
                raise JobError(
                    ErrorKind.CHECKSUM_MISMATCH,
                    f"The {job.checksum.algorithm} of the download is {job.actual_digest}, "
                    f"but {job.checksum.hexdigest} was expected; the file was not kept as finished.",
                )
        part.close()
        self._rename()

    def _rename(self) -> None:
        job = self.job
        part, target = job.part_path, job.target
        assert part is not None
        assert target is not None
        started = time.monotonic()
        while True:
            try:
                finalize(part, target, job.overwrite)
                break
            except FileExistsError as exc:
                if job.requested_name:
                    raise JobError(
                        ErrorKind.FILE_EXISTS,
                        f"{target} appeared while downloading and was not replaced; "
                        f"the download is kept as {part.name}.",
                    ) from exc
                # A file took our name meanwhile: pick the next free one and keep the .part.
                new_name = unique_name(Path(job.directory), job.filename or "", self.ctx.taken_names(job))
                new_part = Path(job.directory, new_name + ".part")
                part.rename(new_part)
                job.filename = new_name
                part, target = new_part, Path(job.directory, new_name)
                self.ctx.changed(job, "name")
            except OSError as exc:
                from wherry.engine.http_errors import translate_disk_error

                raise translate_disk_error(exc, str(target)) from exc
            if time.monotonic() - started > 5:
                raise JobError(ErrorKind.FILE_EXISTS, f"No free name for {job.filename} could be found.")
