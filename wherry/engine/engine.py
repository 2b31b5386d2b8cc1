"""The download queue: add, pause, resume, cancel, remove, reorder, and progress snapshots.

The engine owns the jobs in memory; the repository is their durable copy. Lifecycle changes go
out as events to the sink; bytes, speed and ETA are read through ``snapshot()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import aiohttp

from wherry import __version__
from wherry.core.errors import ErrorKind, InputError, JobError, WherryError
from wherry.core.events import (
    Event,
    EventSink,
    JobAdded,
    JobChanged,
    JobFailed,
    JobFinished,
    JobPaused,
    JobQueued,
    JobRemoved,
    JobRetrying,
    JobStarted,
    JobVerifying,
    Progress,
)
from wherry.core.jobs import AddRequest, ChecksumSpec, Job, JobId, JobState, Segment
from wherry.core.ports import JobRepository, LocalCopies, Verifier
from wherry.core.settings import Settings
from wherry.engine.breaker import CircuitBreaker
from wherry.engine.claims import OwnClaims, RunClaims
from wherry.engine.credentials import carry_credentials, request_credentials
from wherry.engine.elsewhere import RECHECK as ELSEWHERE_RECHECK
from wherry.engine.elsewhere import Elsewhere
from wherry.engine.fetcher import CHUNK
from wherry.engine.hosts import HostPool
from wherry.engine.intake import build_job, validate_url
from wherry.engine.names import NameIndex, TakenNames
from wherry.engine.new_address import same_file_at, what_became_of
from wherry.engine.partfile import HeldElsewhere, PartFile, sync_and_close, sync_directory
from wherry.engine.proxies import ProxyChooser
from wherry.engine.queue_order import QueueOrder
from wherry.engine.ratelimit import TokenBucket
from wherry.engine.runner import RunContext, Runner
from wherry.engine.sync_queue import SyncQueue
from wherry.engine.transport import Transport

__all__ = ["Engine"]

log = logging.getLogger(__name__)

Where = Literal["up", "down", "top", "bottom"]
_RESTING = (JobState.FINISHED, JobState.FAILED, JobState.CANCELLED, JobState.PAUSED)
# Quitting must not hang on a slow disk; anything not flushed by then is redone next time.
CLOSE_TIMEOUT = 2.0
# Saves of running jobs that come within this long of each other share one transaction
# (SqliteRepository.group_commits): much less than the checkpoint interval, so a crash loses
# no more than it already could.
GROUP_COMMIT_WINDOW = 0.01


class Engine:
    def __init__(
        self,
        repository: JobRepository,
        verifier: Verifier,
        sink: EventSink,
        settings: Settings,
        *,
        manage_all: bool = True,
        copies: LocalCopies | None = None,
        claims: RunClaims | None = None,
    ) -> None:
        """``manage_all`` False (the command line) runs only jobs added or resumed through it.

        ``claims``: with ``manage_all`` False, the jobs it takes on are claimed there for as long
        as it runs them; with ``manage_all``, jobs other live processes claimed are left to them.
        """
        self.repository = repository
        self.verifier = verifier
        self.sink = sink
        self.settings = settings
        self.manage_all = manage_all
        self.copies = copies
        self.claims = claims
        self._own = OwnClaims(None if manage_all else claims)
        self.breaker = CircuitBreaker(settings.breaker_threshold, settings.breaker_cooldown)
        self.hosts = HostPool(self.breaker, settings.max_connections_per_host)
        self.bucket = TokenBucket(settings.speed_limit)
        self._jobs: dict[JobId, Job] = {}
        self._queue = QueueOrder()
        self._runners: dict[JobId, Runner] = {}
        self._tasks: dict[JobId, asyncio.Task[None]] = {}
        self._added_here: set[JobId] = set()  # jobs this engine created, not found in the store
        self._elsewhere = Elsewhere(self._busy_elsewhere)  # jobs other processes run now
        self._following: asyncio.Task[None] | None = None
        self._stop_reason: dict[JobId, str] = {}
        self._claimed: set[JobId] = set()
        self._waiters: dict[JobId, list[asyncio.Future[Job]]] = {}
        self._sources: dict[JobId, tuple[str, ...]] = {}
        # Constant cost per job: names are looked up in an index, as the queue's order keeps
        # its waiting jobs in a heap (engine/queue_order.py).
        self._names = NameIndex()
        self._folders: SyncQueue[Path] = SyncQueue(sync_directory, "folders")
        self._syncs: SyncQueue[int] = SyncQueue(sync_and_close, "files")
        self._session: aiohttp.ClientSession | None = None
        self._transport: Transport | None = None
        self._closing = False
        self._listeners: list[EventSink] = []

    # ---- start and stop ----------------------------------------------------------------------

    async def start(self) -> None:
        s = self.settings

        def new_session(connector: aiohttp.BaseConnector) -> aiohttp.ClientSession:
            # The host pool enforces the per-host cap and knows about it; the connector only pools.
            return aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=s.connect_timeout, sock_read=s.stall_timeout
                ),
                # A download is the bytes as served: no transparent decompression, so sizes and
                # ranges refer to the file itself.
                auto_decompress=False,
                headers={"User-Agent": f"Wherry/{__version__}", "Accept-Encoding": "identity"},
                read_bufsize=CHUNK,
            )

        self._transport = Transport(new_session, ProxyChooser(s.proxy))
        self._session = self._transport.session
        if self.manage_all and s.history_days > 0:
            # Finished downloads are remembered for history_days, then forgotten (files stay).
            forgotten = self.repository.purge_finished(timedelta(days=s.history_days))
            if forgotten:
                log.info("forgot %d finished downloads older than %d days", forgotten, s.history_days)
        jobs = self.repository.load_jobs()
        # Read after the jobs: a process claims its jobs before it stores them.
        taken = self._claimed_by_others(recheck=True)
        for job in jobs:
            self._know(job)
            if self.manage_all and (job.id in taken or job.state in (JobState.RUNNING, JobState.VERIFYING)):
                if self._elsewhere.claim(job, taken):
                    continue  # not interrupted: `wherry get` or a script runs it, or will
                # Interrupted by a quit or a crash.
                job.transition(JobState.QUEUED if s.auto_resume else JobState.PAUSED)
                self.repository.save_job(job)
                self._note(
                    job, "Wherry was closed during this download; it continues from the last checkpoint."
                )
            self._offer(job)
        group = getattr(self.repository, "group_commits", None)
        if group is not None:
            loop = asyncio.get_running_loop()
            group(lambda commit: loop.call_later(GROUP_COMMIT_WINDOW, self._own.committed, commit))
            self._own.grouping = True
        self._keep_following()
        self._schedule()

    def _know(self, job: Job) -> None:
        self._jobs[job.id] = job
        self._queue.append(job)
        self._names.update(job)

    def learn_added(self) -> int:
        """Load the jobs other processes added to the store since this engine started.

        They are known here from then on, to find and resume, and not started: as the jobs
        loaded at start. Returns how many there were."""
        added = [job for job in self.repository.load_jobs() if job.id not in self._jobs]
        taken = self._claimed_by_others()
        for job in added:
            self._know(job)
            if self.manage_all and job.id in taken:
                self._elsewhere.claim(job, taken)
        self._keep_following()
        return len(added)

    async def close(self) -> None:
        """Stop every transfer within about two seconds; their jobs resume at the next start."""
        self._closing = True
        if self._following is not None:
            self._following.cancel()
        tasks = list(self._tasks.items())
        for job_id, task in tasks:
            self._stop_reason[job_id] = "close"
            task.cancel()
        if tasks:
            await asyncio.wait([t for _, t in tasks], timeout=CLOSE_TIMEOUT)
        if self._transport is not None:
            await self._transport.close()
            self._transport = self._session = None
        group = getattr(self.repository, "group_commits", None)
        if group is not None:
            group(None)  # commits what is queued
        self._own.grouping = False
        if self.claims is not None:
            self.claims.close()  # after the commit: whoever reads it next finds how each ended

    def commit_saves(self) -> None:
        """Commit the store's queued saves now: before telling another process it may read them."""
        commit = getattr(self.repository, "commit_pending", None)
        if commit is not None:
            commit()

    # ---- reading -----------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        return [self._jobs[i] for i in self._queue]

    def job(self, job_id: JobId) -> Job:
        return self._jobs[job_id]

    def runs_elsewhere(self, job_id: JobId) -> bool:
        """Is another Wherry process running this job, or holding it for later (engine/claims.py)?"""
        return job_id in self._elsewhere

    def history(self, job_id: JobId) -> list[tuple[datetime, str]]:
        return self.repository.load_history(job_id)

    def snapshot(self, active_only: bool = False) -> dict[JobId, Progress]:
        """Every job's progress in queue order; ``active_only``: only the transferring ones.

        A poll of a long list asks for the active ones: their number is bounded by
        ``max_active``, whatever the list holds; the others change only with an event.
        """
        ids: Collection[JobId] = list(self._tasks) if active_only else self._queue.ids
        return {job_id: self.progress_of(job_id) for job_id in ids if job_id in self._jobs}

    def progress_of(self, job_id: JobId) -> Progress:
        """One job's bytes, speed and ETA now."""
        job = self._jobs[job_id]
        runner = self._runners.get(job_id)
        done = job.bytes_done
        remaining = None if job.total_size is None else job.total_size - done
        speed = runner.meter.speed() if runner else 0.0
        eta = runner.meter.eta(remaining) if runner else None
        return Progress(job_id, job.state, done, job.total_size, speed, eta)

    def on_progress(self, callback: Callable[[Progress], None], interval: float = 0.5) -> Callable[[], None]:
        """Call ``callback`` with every active job's progress each ``interval``; returns unsubscribe."""

        async def poll() -> None:
            while True:
                for progress in self.snapshot(active_only=True).values():
                    if progress.state.is_active:
                        try:
                            callback(progress)
                        except Exception:
                            log.exception("progress callback failed")
                await asyncio.sleep(interval)

        task = asyncio.create_task(poll(), name="progress-poll")

        def unsubscribe() -> None:
            task.cancel()

        return unsubscribe

    def sources(self, job_id: JobId) -> tuple[str, ...]:
        """The URLs that supplied bytes to the job's last run in this process, primary first."""
        return self._sources.get(job_id, ())

    def adopt(self, job: Job) -> Job:
        """Take ``job`` as the store has it now, unless it runs here; returns the engine's copy.

        Another process may have created the job, or moved it on, since this engine loaded the
        store; resuming an older copy would repeat work or miss that it is finished.
        """
        if job.id in self._tasks:
            return self._jobs[job.id]
        if job.id not in self._jobs:
            self._queue.append(job)
        self._jobs[job.id] = job
        self._names.update(job)
        self._offer(job)
        return job

    def subscribe(self, listener: EventSink) -> Callable[[], None]:
        """Deliver every event to ``listener`` too (after the sink); returns unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    async def wait(self, job_id: JobId) -> Job:
        """Wait until the job rests: finished, failed, cancelled or paused."""
        return await self.resting(job_id)

    def resting(self, job_id: JobId) -> asyncio.Future[Job]:
        """The job, once it rests: a future, so a long list waits for each of its jobs without
        a task each. Done already if the job rests now; cancelling it only stops the waiting."""
        job = self._jobs[job_id]
        future: asyncio.Future[Job] = asyncio.get_running_loop().create_future()
        if job.state in _RESTING and job_id not in self._tasks:
            future.set_result(job)
        else:
            self._waiters.setdefault(job_id, []).append(future)
        return future

    # ---- commands ----------------------------------------------------------------------------

    async def add(self, request: AddRequest) -> Job:
        job = await self._new_job(request)
        self._store_claimed([job])
        self._admit([job])
        return job

    async def add_many(self, requests: Sequence[AddRequest]) -> list[Job | InputError]:
        """Add a list at once: the valid requests are stored in one transaction.

        Returns, for each request in order, its new job or the InputError saying why it was
        refused; one bad line does not stop the others.
        """
        results: list[Job | InputError] = []
        jobs: list[Job] = []
        planned: set[Path] = set()  # names insisted on earlier in the same list
        folders: dict[str, Path] = {}  # each folder of the list made and resolved once
        for request in requests:
            try:
                job = await self._new_job(request, planned, folders)
            except InputError as error:
                results.append(error)
                continue
            if job.target is not None:
                planned.add(job.target)
            jobs.append(job)
            results.append(job)
        self._store_claimed(jobs)
        self._admit(jobs)
        return results

    def _store_claimed(self, jobs: list[Job]) -> None:
        """Store new jobs at once (never queued: the caller is told they are stored), claimed
        first, so a window that finds them in the store also finds them taken."""
        ids = [job.id for job in jobs]
        self._own.hold(ids)
        try:
            self.repository.save_jobs(jobs)
        except BaseException:
            self._own.unstored(ids)
            raise

    async def _new_job(
        self, request: AddRequest, planned: Collection[Path] = (), folders: dict[str, Path] | None = None
    ) -> Job:
        job = build_job(
            request, self.settings, self._names, self._jobs, self._queue.new_position, planned, folders
        )
        self._added_here.add(job.id)
        if job.checksum is None and request.checksum_url:
            assert self._transport is not None
            from wherry.engine.checksum_lookup import checksum_from_url  # rarely needed; slow to load

            found = await checksum_from_url(self._transport, job, request.checksum_url)
            job.checksum, job.checksum_source = found
        return job

    def _admit(self, jobs: Sequence[Job]) -> None:
        """Jobs just stored: hold them, announce them, and start what may start."""
        for job in jobs:
            self._jobs[job.id] = job
            self._queue.append(job)
            self._claimed.add(job.id)
            self._names.update(job)
            self._offer(job)
        for job in jobs:
            self._emit(JobAdded(job.id))
        self._schedule()

    async def pause(self, job_id: JobId) -> None:
        job = self._jobs[job_id]
        if job_id in self._tasks:
            await self._stop(job_id, "pause")
        elif job.state in (JobState.QUEUED, JobState.FAILED):
            self._transition(job, JobState.PAUSED, JobPaused(job_id))

    async def resume(self, job_id: JobId) -> None:
        self._refuse_if_elsewhere(job_id)
        job = self._jobs[job_id]
        self._claimed.add(job_id)
        self._own.hold([job_id])
        if job_id in self._tasks or job.state is JobState.QUEUED:
            self._offer(job)
            self._schedule()
            return
        if job.state is JobState.FINISHED:
            if job.target is not None and job.target.exists():
                return
            self._reset(job, "The finished file is gone; downloading it again.")
        if job.state is JobState.FAILED and job.error_kind is ErrorKind.CHECKSUM_MISMATCH:
            self._reset(job, "The checksum did not match; downloading again from the beginning.")
        if job.state is JobState.CANCELLED:
            self._reset(job, "Downloading again from the beginning.")
        self._transition(job, JobState.QUEUED, JobQueued(job_id))
        self._schedule()

    retry = resume

    async def cancel(self, job_id: JobId) -> None:
        self._refuse_if_elsewhere(job_id)
        job = self._jobs[job_id]
        if job_id in self._tasks:
            await self._stop(job_id, "cancel")
        elif job.state is not JobState.FINISHED:
            self._discard_part(job)
            job.segments = []
            self._transition(job, JobState.CANCELLED, JobChanged(job_id, "cancelled"))

    async def remove(self, job_id: JobId, delete_file: bool = False) -> None:
        self._refuse_if_elsewhere(job_id)
        job = self._jobs[job_id]
        if job_id in self._tasks:
            await self._stop(job_id, "remove")
        self._discard_part(job)
        if delete_file and job.state is JobState.FINISHED and job.target is not None:
            with contextlib.suppress(FileNotFoundError):
                job.target.unlink()
        self.repository.delete_job(job_id)
        self._forget(job_id)
        self._schedule()

    async def replace_url(self, job_id: JobId, url: str) -> str:
        """Give a paused or failed job a new address (an expired link); returns what happened.

        The bytes already downloaded are kept only when the new address serves the same file
        (engine/new_address.py); otherwise they are discarded.
        """
        job = self._jobs[job_id]
        new = validate_url(url)
        if (
            job_id in self._tasks
            or job.state in (JobState.FINISHED, JobState.CANCELLED)
            or self._busy_elsewhere(job)
        ):
            raise InputError(ErrorKind.BAD_INPUT, "Pause the download before giving it a new address.")
        had = job.bytes_done
        assert self._transport is not None
        keep = await same_file_at(self._transport, new, job)
        dropped = carry_credentials(job, new)
        job.url = new
        if dropped:
            self._note(job, dropped)
        if not keep:
            self._discard_part(job)
            job.segments, job.total_size, job.etag, job.last_modified = [], None, None, None
        message = what_became_of(new, had, keep)
        self.repository.save_job(job)
        self._note(job, message)
        self._emit(JobChanged(job_id, "url"))
        return message

    async def find_checksum(self, request: AddRequest) -> tuple[ChecksumSpec, str]:
        """The expected digest for what ``request`` would download, from a checksum file beside
        it (or ``request.checksum_url``), and where it came from; InputError when none is found."""
        assert self._transport is not None
        url, headers, secret = request_credentials(request)
        probe_job = Job(
            url=validate_url(url),
            directory=request.directory,
            requested_name=request.filename,
            headers=headers,
            secret_headers=secret,
        )
        from wherry.engine.checksum_lookup import checksum_from_url, find_checksum

        if request.checksum_url:
            return await checksum_from_url(self._transport, probe_job, request.checksum_url)
        return await find_checksum(self._transport, probe_job)

    def replace_credentials(
        self,
        job_id: JobId,
        headers: tuple[tuple[str, str], ...],
        secret: tuple[str, ...] = (),
        cookie_file: str | None = None,
    ) -> None:
        """Give a paused or failed job new request headers (a new token, a fresh cookie file)."""
        self._refuse_if_elsewhere(job_id)
        job = self._jobs[job_id]
        if job_id in self._tasks or job.state in (JobState.FINISHED, JobState.CANCELLED):
            raise InputError(ErrorKind.BAD_INPUT, "Pause the download before changing its credentials.")
        asked = AddRequest(
            url=job.url,
            directory=job.directory,
            headers=headers,
            secret_headers=secret,
            cookie_file=cookie_file,
        )
        _, job.headers, job.secret_headers = request_credentials(asked)
        self.repository.save_job(job)
        self._note(job, f"The request headers were changed ({len(job.headers)} given).")
        self._emit(JobChanged(job_id, "credentials"))

    def _busy_elsewhere(self, job: Job) -> bool:
        """Is another Wherry process writing this job's file right now (it holds the lock)?"""
        part = job.part_path
        if part is None or not part.exists():
            return False
        try:
            PartFile.open(part).close()
        except WherryError:
            return True
        return False

    async def pause_all(self) -> None:
        for job_id in list(self._queue):
            if self._jobs[job_id].state in (JobState.QUEUED, JobState.RUNNING, JobState.VERIFYING):
                await self.pause(job_id)

    async def resume_all(self) -> None:
        for job_id in list(self._queue):
            if self._jobs[job_id].state in (JobState.PAUSED, JobState.FAILED):
                await self.resume(job_id)

    async def move(self, job_id: JobId, where: Where) -> None:
        index = self._queue.ids.index(job_id)
        target = {"up": max(index - 1, 0), "down": index + 1, "top": 0, "bottom": len(self._queue)}[where]
        await self.move_to(job_id, target)

    async def move_to(self, job_id: JobId, index: int) -> None:
        """Put the job at ``index`` in the queue (clamped), the others keeping their order."""
        moved = self._queue.place(job_id, index, self._jobs, self._startable)
        self.repository.save_positions(moved)
        self._emit(JobChanged(job_id, "order"))
        self._schedule()

    def update_settings(self, settings: Settings) -> None:
        self.settings = settings
        if self._transport is not None:
            self._transport.chooser = ProxyChooser(settings.proxy)
        self.breaker.threshold = settings.breaker_threshold
        self.breaker.cooldown = settings.breaker_cooldown
        self.hosts.cap = settings.max_connections_per_host
        self.bucket.rate = settings.speed_limit
        for runner in self._runners.values():
            runner.ctx.settings = settings
        self._schedule()

    async def set_speed_limit(self, job_id: JobId, rate: int) -> None:
        """Limit one job to ``rate`` bytes per second (0: no limit of its own), at once."""
        self._refuse_if_elsewhere(job_id)
        job = self._jobs[job_id]
        job.speed_limit = max(int(rate), 0)
        runner = self._runners.get(job_id)
        if runner is not None:
            runner.bucket.rate = job.speed_limit
        self.repository.save_job(job)
        self._emit(JobChanged(job_id, "speed limit"))

    # ---- running -----------------------------------------------------------------------------

    def _offer(self, job: Job) -> None:
        """Put a queued job among those waiting for a slot (no-op for any other job)."""
        if self._startable(job.id):
            self._queue.offer(job.id)

    def _startable(self, job_id: JobId) -> bool:
        job = self._jobs.get(job_id)
        return (
            job is not None
            and job.state is JobState.QUEUED
            and job_id not in self._tasks
            and (self.manage_all or job_id in self._claimed)
        )

    def _schedule(self) -> None:
        if self._closing or self._session is None:
            return
        while len(self._tasks) < self.settings.max_active:
            job_id = self._queue.next_ready(self._startable)
            if job_id is None:
                return
            self._launch(self._jobs[job_id])

    def _context(self) -> RunContext:
        assert self._session is not None
        assert self._transport is not None
        return RunContext(
            session=self._session,
            transport=self._transport,
            repository=self.repository,
            verifier=self.verifier,
            settings=self.settings,
            hosts=self.hosts,
            bucket=self.bucket,
            copies=self.copies,
            taken_names=self._taken_names,
            changed=self._changed,
            retrying=self._retrying,
            verifying=self._verifying,
            note=self._note,
            folders=self._folders,
            syncs=self._syncs,
            from_before=lambda job: job.id not in self._added_here,
        )

    def _launch(self, job: Job) -> None:
        taken = self._claimed_by_others()
        if job.id in taken:
            # Taken on by a live command line or script since this engine queued it.
            self._follow_elsewhere(job, taken)
            return
        self._transition(job, JobState.RUNNING, JobStarted(job.id))
        runner = Runner(job, self._context())
        self._runners[job.id] = runner
        self._tasks[job.id] = asyncio.create_task(self._drive(job, runner), name=f"job-{job.id}")

    async def _drive(self, job: Job, runner: Runner) -> None:
        try:
            try:
                await runner.run()
            finally:
                order = job.urls
                self._sources[job.id] = tuple(
                    sorted(runner.suppliers, key=lambda u: order.index(u) if u in order else len(order))
                )
        except asyncio.CancelledError:
            if job.id not in self._stop_reason:
                raise
            self._stopped(job)
        except HeldElsewhere as error:
            if self.manage_all:
                # Another process took the job on between our look at the claims and its
                # part file: its run, not a failure here; it shows here when that one ends.
                self._note(job, error.message)
                self._elsewhere.follow(job.id)
                self._keep_following()
                self._emit(JobChanged(job.id, "elsewhere"))
            else:
                self._stopped_by(job, error)
        except JobError as error:
            self._stopped_by(job, error)
        except WherryError as error:
            self._stopped_by(job, JobError(error.kind, error.message))
        except Exception:
            log.exception("download %s stopped by an unexpected error", job.id)
            self._stopped_by(
                job,
                JobError(
                    ErrorKind.INTERNAL, "An unexpected error stopped this download; the log file has details."
                ),
            )
        else:
            path = str(job.target)
            self._transition(job, JobState.FINISHED, JobFinished(job.id, path))
            self._note(job, f"Finished: {path}")
        finally:
            self._settle(job)

    def _settle(self, job: Job) -> None:
        self._tasks.pop(job.id, None)
        self._runners.pop(job.id, None)
        if job.state in _RESTING:
            self._own.let_go(job.id)
        self._wake(job)
        if job.id in self._jobs:
            self._offer(job)
        self._schedule()

    def _stopped(self, job: Job) -> None:
        """Apply what a pause, cancel, remove or close asked of a transfer that has stopped."""
        reason = self._stop_reason.pop(job.id, None)
        if reason == "pause":
            self._transition(job, JobState.PAUSED, JobPaused(job.id))
        elif reason == "cancel":
            self._discard_part(job)
            job.segments = []
            self._transition(job, JobState.CANCELLED, JobChanged(job.id, "cancelled"))

    def _stopped_by(self, job: Job, error: JobError) -> None:
        self._note(job, error.message)
        if error.kind is ErrorKind.DISK_FULL:
            # A full disk is not the download's fault: keep every byte and wait for the user.
            self._transition(job, JobState.PAUSED, JobPaused(job.id, error.message, error.kind))
        else:
            self._transition(job, JobState.FAILED, JobFailed(job.id, error.kind, error.message))
        job.error_kind, job.error_message = error.kind, error.message
        self.repository.save_job(job)

    async def _stop(self, job_id: JobId, reason: str) -> None:
        task = self._tasks[job_id]
        self._stop_reason[job_id] = reason
        task.cancel()
        await asyncio.wait([task])
        if self._tasks.get(job_id) is task:
            # Cancelled before its first step: _drive never ran, so settle it here.
            self._stopped(self._jobs[job_id])
            self._settle(self._jobs[job_id])

    async def _follow(self) -> None:
        """Take back, as the store has them, the jobs other processes were running at start."""
        while self._elsewhere and not self._closing:
            await asyncio.sleep(ELSEWHERE_RECHECK)
            freed = self._elsewhere.freed(self._jobs, self._claimed_by_others(recheck=True))
            if freed:
                stored = {job.id: job for job in self.repository.load_jobs()}
                for job_id in freed:
                    self._take_back(job_id, stored.get(job_id))

    def _take_back(self, job_id: JobId, stored: Job | None) -> None:
        if job_id not in self._jobs:
            return
        if stored is None:  # the other process removed it
            self._forget(job_id)
            return
        self._jobs[job_id] = stored
        self._names.update(stored)
        if stored.state in (JobState.RUNNING, JobState.VERIFYING):
            part = stored.part_path
            if (part is None or not part.exists()) and self._elsewhere.again(job_id):
                return  # renamed into place there, its end not committed yet: look again
            # The other process stopped without a word (killed): as after a crash here.
            self._note(stored, "The other Wherry stopped during this download; it continues from here.")
            queued = self.settings.auto_resume
            event = JobQueued(job_id) if queued else JobPaused(job_id)
            self._transition(stored, JobState.QUEUED if queued else JobState.PAUSED, event)
            self._schedule()
            return
        match stored.state:
            case JobState.FINISHED:
                self._emit(JobFinished(job_id, str(stored.target)))
            case JobState.FAILED:
                kind = stored.error_kind or ErrorKind.INTERNAL
                self._emit(JobFailed(job_id, kind, stored.error_message or ""))
            case JobState.PAUSED:
                self._emit(JobPaused(job_id, stored.error_message, stored.error_kind))
            case JobState.QUEUED:
                self._emit(JobQueued(job_id))
                self._offer(stored)
                self._schedule()
            case _:
                self._emit(JobChanged(job_id, "state"))
        self._wake(stored)

    # ---- helpers -----------------------------------------------------------------------------

    def _claimed_by_others(self, recheck: bool = False) -> frozenset[JobId]:
        """Jobs other live processes have taken on; only a window or ``wherry serve`` asks."""
        if not self.manage_all or self.claims is None:
            return frozenset()
        return self.claims.others(recheck)

    def _follow_elsewhere(self, job: Job, taken: frozenset[JobId]) -> None:
        if self._elsewhere.claim(job, taken):
            self._keep_following()
            self._emit(JobChanged(job.id, "elsewhere"))

    def _keep_following(self) -> None:
        """Look at the jobs other processes run now and then, while there are any."""
        if self._elsewhere and not self._closing and (self._following is None or self._following.done()):
            self._following = asyncio.create_task(self._follow(), name="follow-elsewhere")

    def _refuse_if_elsewhere(self, job_id: JobId) -> None:
        """Raise the sentence for a command on a job another process runs or has taken on."""
        if job_id not in self._elsewhere and job_id in self._jobs and job_id not in self._tasks:
            taken = self._claimed_by_others()
            if job_id in taken:
                self._follow_elsewhere(self._jobs[job_id], taken)
        self._elsewhere.refuse(job_id)

    def _forget(self, job_id: JobId) -> None:
        """Drop a job the store no longer holds, and tell whoever listens or waits."""
        job = self._jobs.pop(job_id)
        self._own.let_go(job_id)
        self._queue.remove(job_id)
        self._names.discard(job_id)
        self._claimed.discard(job_id)
        self._emit(JobRemoved(job_id))
        self._wake(job)

    def _transition(self, job: Job, state: JobState, event: Event) -> None:
        job.transition(state)
        self.repository.save_job(job)
        self._names.update(job)
        self._emit(event)
        if state is JobState.QUEUED:
            self._offer(job)

    def _reset(self, job: Job, reason: str) -> None:
        self._discard_part(job)
        job.segments = [Segment(0, job.total_size)] if job.total_size is not None else []
        job.actual_digest = None
        self._note(job, reason)

    def _discard_part(self, job: Job) -> None:
        part = job.part_path
        if part is not None:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()

    def _wake(self, job: Job) -> None:
        if job.state in _RESTING or job.id not in self._jobs:
            for future in self._waiters.pop(job.id, []):
                if not future.done():
                    future.set_result(job)

    def _emit(self, event: Event) -> None:
        for listener in (self.sink, *self._listeners):
            try:
                listener(event)
            except Exception:
                # A listener's bug must never break a transfer.
                log.exception("event listener failed on %r", event)

    def _note(self, job: Job, message: str) -> None:
        try:
            self.repository.add_history(job.id, message)
        except Exception:
            log.exception("could not record history for %s", job.id)

    def _changed(self, job: Job, what: str) -> None:
        self.repository.save_job(job)
        self._names.update(job)
        self._emit(JobChanged(job.id, what))

    def _retrying(self, job: Job, error: WherryError, attempt: int, delay: float) -> None:
        self._note(job, f"{error.message} Trying again in {delay:.0f} s (attempt {attempt + 1}).")
        self._emit(JobRetrying(job.id, error.kind, error.message, attempt, delay))

    def _verifying(self, job: Job) -> None:
        self._transition(job, JobState.VERIFYING, JobVerifying(job.id))

    def _taken_names(self, job: Job) -> TakenNames:
        self._names.update(job)
        return TakenNames(self._names, job, self._jobs.get)
