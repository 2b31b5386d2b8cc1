"""One job from first byte to final name: connections fill segments, then verify and finalize.

Each connection (a ``Worker``) takes an unfinished segment nobody holds, or splits the largest
remaining one, and fetches it from the best available source, retrying on its own. The first
answer of a fresh download is the probe: once it shows the size and range support, the other
connections start. A watch replaces a connection far slower than its peers, grows the number
of connections of a job left to the default while that adds throughput, and gives
connections back when another job on the same host is short of its fair share (the
decisions are in ``connections.py``). The runner raises
JobError when the job must stop (the engine decides whether that pauses or fails it) and returns
normally when the file sits complete at its final path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from collections.abc import Set as AbstractSet
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
from wherry.core.jobs import Job, JobState, Segment
from wherry.core.ports import Hasher, JobRepository, LocalCopies, Verifier
from wherry.core.settings import Settings
from wherry.engine.checkpoint import Checkpointer
from wherry.engine.connections import (
    IDLE_RECHECK,
    SLOW_GRACE,
    Growth,
    Worker,
    claim,
    more_work_may_come,
    slow_workers,
    worth_splitting,
)
from wherry.engine.digests import digests_disagree
from wherry.engine.fetcher import CHUNK, Fetcher, RestartNeeded
from wherry.engine.hosts import HostPool
from wherry.engine.job_file import JobFile
from wherry.engine.mirrors import Sources, host_of
from wherry.engine.on_disk import kept_from_before, renamed_before_a_crash, reuse_copy
from wherry.engine.partfile import PartFile, sync_directory
from wherry.engine.pieces import PieceChecker
from wherry.engine.planner import carve, contiguous_prefix, split_evenly
from wherry.engine.prefix_hash import PrefixHasher
from wherry.engine.probe import RemoteFile
from wherry.engine.published import adopt_published, hash_prefix, new_hasher
from wherry.engine.ratelimit import TokenBucket
from wherry.engine.retry import RetryPolicy
from wherry.engine.sizes import human_size
from wherry.engine.stats import SpeedMeter
from wherry.engine.sync_queue import SyncQueue
from wherry.engine.transport import Transport

__all__ = [
    "AUTO_CONNECTIONS",
    "MAX_CONNECTIONS",
    "RunContext",
    "Runner",
    "Worker",
]  # Worker lives in connections.py

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 32
# Job.connections of a job that adapts its connections to the link (Settings.adaptive_connections).
AUTO_CONNECTIONS = 0
# A file that changes on every request would restart forever; past this, give up and say so.
MAX_RESTARTS = 5
# The same for a server that keeps breaking off in ways that cannot be continued.
MAX_RESTARTS_ANY = 20
# How often the watch looks at the connections (growth, fair share); the slow check keeps
# its own, slower pace.
WATCH_TICK = 0.25
# With a checksum, connections take pieces of up to this size in file order (see _ordered).
ORDERED_PIECE = 8 * 1024 * 1024


@dataclass
class RunContext:
    """What a runner borrows from its engine."""

    session: aiohttp.ClientSession
    transport: Transport  # proxies and redirects; every request of a job goes through it
    repository: JobRepository
    verifier: Verifier
    settings: Settings
    hosts: HostPool
    bucket: TokenBucket  # the global speed limit
    copies: LocalCopies | None  # finds a file already on disk with the job's digest
    taken_names: Callable[[Job], AbstractSet[str]]  # names other jobs hold in its folder
    changed: Callable[[Job, str], None]  # save the job and tell listeners
    retrying: Callable[[Job, WherryError, int, float], None]
    verifying: Callable[[Job], None]
    note: Callable[[Job, str], None]  # a line in the job's history
    folders: SyncQueue[Path] | None = None  # shares directory fsyncs among jobs finishing together
    syncs: SyncQueue[int] | None = None  # shares their files' fdatasyncs the same way
    # Whether the job was in the store before this engine started (an earlier run may have
    # begun it): such a job may find the .part it created before a crash.
    from_before: Callable[[Job], bool] = lambda job: False


class Runner:
    def __init__(self, job: Job, ctx: RunContext) -> None:
        self.job = job
        self.ctx = ctx
        self.meter = SpeedMeter()
        self.bucket = TokenBucket(job.speed_limit)
        self.checkpoint = Checkpointer(job, ctx.repository, ctx.settings.checkpoint_interval)
        self.fetcher = Fetcher(self)
        self.file = JobFile(job, ctx)  # its name and its .part
        self.hash: PrefixHasher | None = None
        self._hash_seed: tuple[Hasher, int] | None = None
        self.restarts = 0
        self.restarts_any = 0
        self.refetched = False
        self.suppliers: set[str] = set()  # URLs whose bytes are in the file
        self.pieces = PieceChecker(self)
        self.use_range = True
        # The furthest each segment (by start) ever got: only passing it counts as progress for
        # the retry budget, so a server that restarts from zero on every drop cannot retry forever.
        self.reached: dict[int, int] = {}
        self.workers: list[Worker] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._busy: set[int] = set()
        self._group: asyncio.TaskGroup | None = None
        self._primary_digest: str | None = None
        self.sources = Sources(job, self._policy(), ctx.hosts)
        self.received = 0  # bytes taken in by this run, for the growth measure
        # A job left to the default (connections 0) adapts to the link; a number is a hard cap.
        self.growth: Growth | None = None
        if job.connections <= AUTO_CONNECTIONS:
            ceiling = min(ctx.settings.max_connections_per_host, MAX_CONNECTIONS)
            self.growth = Growth(ceiling)
        self.peak_connections = 0  # the most connections transferring at once, for the log
        self._split_ready = False
        self._watching = False

    # ---- lifecycle ---------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            if await renamed_before_a_crash(self) or await reuse_copy(self):
                return
            while True:
                await self._download()
                try:
                    await self._complete()
                    return
                except JobError as error:
                    if error.kind is not ErrorKind.CHECKSUM_MISMATCH or self.refetched:
                        raise
                    await self._refetch(error)
        finally:
            await self._close()

    async def _refetch(self, error: JobError) -> None:
        """A wrong digest gets one more whole fetch, from other sources first, before failing."""
        self.refetched = True
        others = [url for url in self.sources.candidates() if url not in self.suppliers]
        self.sources.suspect(self.suppliers)
        where = f" from {host_of(others[0])}" if others else ""
        self.ctx.note(self.job, f"{error.message} Fetching the file once more{where}.")
        self.suppliers = set()
        self.job.actual_digest = None
        self.job.transition(JobState.RUNNING)
        await self.restart("Starting again after the checksum mismatch.", changed=False)  # saves, tells

    async def _close(self) -> None:
        self.sources.close()
        if self.growth is not None and self.growth.steps:
            log.info(
                "job %s: connections %s (count, bytes/s per stage); settled on %d, at most %d at once",
                self.job.id,
                [(n, round(rate)) for n, rate in self.growth.steps],
                self.growth.target,
                self.peak_connections,
            )
        await self.pieces.cancel()
        try:
            if self.hash is not None:
                await self.hash.close()
            await self.checkpoint.stop()
        finally:
            if self.part is not None:
                try:
                    await self.part.settle()
                finally:
                    self.part.close()  # closed even if a second cancellation cuts the wait short

    def _policy(self) -> RetryPolicy:
        s = self.ctx.settings
        return RetryPolicy(s.retry_base_delay, s.retry_max_delay, s.retry_max_tries, s.retry_max_seconds)

    def connections(self) -> int:
        """Connections this job should have now: its own number, or what growth has reached."""
        if self.growth is not None:
            return self.growth.target
        return max(1, min(self.job.connections, MAX_CONNECTIONS))

    # ---- connections -------------------------------------------------------------------------

    def finished(self) -> bool:
        return bool(self.job.segments) and all(s.complete for s in self.job.segments)

    async def _download(self) -> None:
        if not self.job.segments:
            self.job.segments = [Segment(0, self.job.total_size)]
        while not self.finished():
            try:
                await self._run_workers()
                # A piece that fails its check is reopened; the loop then fetches it again.
                await self.pieces.settle()
            except RestartNeeded as restart:
                await self.restart(restart.reason, restart.changed)

    def _check_part_on_disk(self) -> None:
        """The .part file must still hold what the store counts, or nothing past it is trusted."""
        job = self.job
        if job.bytes_done == 0:
            return
        path = job.part_path
        # Only counted bytes matter: a segment nobody has started may begin past the file's end.
        furthest = max((s.position for s in job.segments if s.done), default=0)
        try:
            size = path.stat().st_size if path is not None else -1
        except OSError:
            size = -1
        if size < furthest:
            raise RestartNeeded(
                "The partial file was missing or shorter than recorded; starting again.", False
            )

    async def _run_workers(self) -> None:
        self._check_part_on_disk()
        await self._prepare_hash()
        job = self.job
        known = job.total_size is not None and job.accept_ranges
        self.workers, self._tasks, self._busy = [], [], set()
        self._split_ready = known
        self.sources.want(self.connections())
        self._watching = False
        timer: asyncio.TimerHandle | None = None
        try:
            async with asyncio.TaskGroup() as group:
                self._group = group
                for _ in range(self.connections() if known else 1):
                    self._spawn()
                if known:
                    self._start_watch()
                else:
                    # A lone probe has nothing to watch yet: most small files are done before
                    # this fires, and a task per file showed in the many-files profile.
                    timer = asyncio.get_running_loop().call_later(WATCH_TICK, self._start_watch)
        except BaseExceptionGroup as errors:
            raise _most_serious(errors) from None
        finally:
            if timer is not None:
                timer.cancel()
            self._group = None

    def _start_watch(self) -> None:
        if self._group is not None and not self._watching:
            self._watching = True
            self._group.create_task(self._watch(), name=f"watch-{self.job.id}")

    def _spawn(self) -> None:
        assert self._group is not None
        worker = Worker(len(self.workers))
        self.workers.append(worker)
        self._tasks.append(
            self._group.create_task(self._work(worker), name=f"conn-{self.job.id}-{worker.index}")
        )

    def _ordered(self) -> bool:
        """Fetch in file order, piece by piece, so the digest can follow the download.

        Only for jobs with a checksum: an even split keeps requests long, but all its segments
        finish together, and the digest would then need a second read of the whole file.
        """
        return self.job.checksum is not None and self.connections() > 1

    def _piece(self) -> int:
        # About four pieces per connection for smaller files, at most ORDERED_PIECE each.
        share = (self.job.total_size or 0) // (4 * self.connections())
        return max(min(ORDERED_PIECE, share), self.ctx.settings.min_split_size)

    def _claim(self) -> Segment | None:
        job, min_split = self.job, self.ctx.settings.min_split_size
        return claim(
            job.segments,
            self._busy,
            piece=self._piece() if self._ordered() else None,
            min_split=min_split,
            can_split=job.accept_ranges and bool(job.total_size),
            worth=lambda segment: worth_splitting(self.workers, segment, time.monotonic()),
        )

    def _more_work_may_come(self) -> bool:
        return more_work_may_come(self.job.segments, self.job.accept_ranges, self.ctx.settings.min_split_size)

    async def _work(self, worker: Worker) -> None:
        while not worker.retired:
            segment = self._claim()
            if segment is None:
                if not self._more_work_may_come():
                    return
                # Stay available for the tail; look again shortly.
                await asyncio.sleep(IDLE_RECHECK)
                continue
            worker.segment = segment
            try:
                await self._fill(worker, segment)
            finally:
                self._busy.discard(id(segment))
                worker.segment = None

    async def _fill(self, worker: Worker, segment: Segment) -> None:
        while not segment.complete:
            url = await self.sources.acquire()
            if worker.retired:
                self.sources.release(url)
                return
            before = max(segment.position, self.reached.get(segment.start, 0))
            worker.replaced, worker.started, worker.url = False, time.monotonic(), url
            worker.meter.reset()
            try:
                worker.task = asyncio.create_task(
                    self.fetcher.fetch(worker, segment, url, self.sources.is_mirror(url))
                )
                try:
                    await worker.task
                except asyncio.CancelledError:
                    current = asyncio.current_task()
                    if worker.retired and current is not None and not current.cancelling():
                        return  # the segment goes back to the others, bytes so far kept
                    if worker.replaced and current is not None and not current.cancelling():
                        self.ctx.note(self.job, f"A slow connection to {host_of(url)} was replaced.")
                        continue
                    raise
                finally:
                    worker.task = None
                self.sources.succeeded(url)
                if segment.end is None:
                    return  # a body of unknown length ended cleanly: that was all of it
            except RetryableError as error:
                self.reached[segment.start] = max(before, segment.position)
                cut_at = segment.position if worker.answered else None
                delay = self.sources.retryable_failed(url, error, segment.position > before, cut_at)
                if delay is None:
                    self.ctx.note(self.job, f"Gave up on {host_of(url)}: {error.message}")
                    continue
                self.ctx.retrying(self.job, error, self.sources.tries(url), delay)
                await self.checkpoint.flush()
                await asyncio.sleep(delay)
            except SourceError as error:
                self.sources.source_failed(url, error)
                if self.sources.is_mirror(url):
                    self.ctx.changed(self.job, "mirror")
                self.ctx.note(self.job, error.message)
            finally:
                self.sources.release(url)

    async def _watch(self) -> None:
        """Replace slow connections, grow or give back connections, until the transfers end."""
        grace = min(SLOW_GRACE, 2 * self.ctx.settings.stall_timeout)
        slow_every = min(1.0, grace / 2)
        next_slow = time.monotonic() + slow_every
        while any(not task.done() for task in self._tasks):
            # Wake at once when the connections are done, so no download waits on this watch.
            await asyncio.wait(list(self._tasks), timeout=min(WATCH_TICK, slow_every))
            now = time.monotonic()
            if now >= next_slow:
                next_slow = now + slow_every
                min_split = self.ctx.settings.min_split_size
                for worker in slow_workers(self.workers, now, grace, min_split, self.sources.best_speed):
                    if worker.task is not None:
                        worker.replaced = True
                        worker.task.cancel()
            self._adjust(now)

    def _adjust(self, now: float) -> None:
        """Match the live connections to what growth wants and the fair share allows."""
        live = [w for w in self.workers if not w.retired and w not in self._finished_workers()]
        transferring = sum(1 for w in live if w.transferring)
        receiving = sum(1 for w in live if w.receiving)
        self.peak_connections = max(self.peak_connections, transferring)
        if self.growth is not None and self._split_ready:
            before = self.growth.target
            target = self.growth.observe(now, self.received, receiving, self.sources.can_grow())
            if target != before:
                self.sources.want(target)
        for host, extra in self.sources.excess().items():
            # Another job on this host is short of its share: give back the newest ones.
            on_host = [w for w in live if w.transferring and w.url is not None and host_of(w.url) == host]
            for worker in on_host[::-1][:extra]:
                self._retire(worker)
                live.remove(worker)
        wanted = self.connections()
        if len(live) > wanted:
            for worker in live[wanted:]:
                self._retire(worker)
        elif self._split_ready and len(live) < wanted and self._more_work_may_come() and self.sources.room():
            for _ in range(wanted - len(live)):
                self._spawn()

    def _finished_workers(self) -> set[Worker]:
        return {w for w, t in zip(self.workers, self._tasks, strict=True) if t.done()}

    def _retire(self, worker: Worker) -> None:
        worker.retired = True
        if worker.task is not None:
            worker.task.cancel()

    # ---- what the fetcher reports ------------------------------------------------------------

    def probe_answered(self, waited: float) -> None:
        """How long the probe waited for its answer: a long path starts with more connections."""
        if self.growth is not None:
            before = self.growth.target
            if self.growth.probe_answered(waited) != before:
                self.sources.want(self.growth.target)

    def probed(self, remote: RemoteFile, split: bool) -> None:
        """The first answer of a fresh download: fix the name, check space, start more connections."""
        self.file.decide_name(remote)
        self.file.check_space(self.job.total_size)
        self._primary_digest = remote.digest
        if adopt_published(self.job, remote) and self.job.bytes_done == 0 and self.hash is None:
            # A digest the server vouches for is checked like a given one, hashed as bytes arrive.
            checksum = self.job.checksum
            assert checksum is not None
            self._hash_seed = (new_hasher(checksum.algorithm, self.job.total_size), 0)
        if split and self._group is not None and self.job.total_size:
            min_split = self.ctx.settings.min_split_size
            if self._ordered():
                added = carve(self.job.segments, 0, self._piece(), min_split)
            else:
                # A job that may grow gets as many shares as it may grow to: the connections it
                # adds later then start on a share of their own, where halving a running one's
                # would cut that request and make its connection start over (on a lossy line,
                # a new TCP connection starts slow). Fewer connections take the spare shares in turn.
                shares = self.growth.ceiling if self.growth is not None else self.connections()
                added = bool(split_evenly(self.job.segments, 0, shares, min_split))
            for _ in range(self.connections() - 1 if added else 0):
                self._spawn()
            self._split_ready = True
            if added:
                self._start_watch()
        self.ctx.changed(self.job, "probed")

    def check_mirror(self, remote: RemoteFile, url: str) -> None:
        """A mirror's bytes are mixed in only if it serves the same size (and digest, if both say)."""
        job, host = self.job, host_of(url)
        if (
            job.total_size is not None
            and remote.total_size is not None
            and remote.total_size != job.total_size
        ):
            raise SourceError(
                ErrorKind.SIZE_MISMATCH,
                f"The mirror {host} offers {human_size(remote.total_size)}, "
                f"not {human_size(job.total_size)}; it was not used.",
            )
        if digests_disagree(self._primary_digest, remote.digest):
            raise SourceError(
                ErrorKind.SIZE_MISMATCH, f"The mirror {host} announces a different digest; it was not used."
            )

    def absorbed(self, worker: Worker, url: str, offset: int, chunk: bytes) -> None:
        size = len(chunk)
        self.received += size
        self.suppliers.add(url)
        self.meter.add(size)
        worker.meter.add(size)
        worker.warmed = True
        self.sources.meter(url).add(size)
        if self.hash is not None:
            self.hash.feed(offset, chunk)
            self.hash.poke()
        self.pieces.saw(url, offset, size)

    def throttled(self) -> bool:
        return bool(self.ctx.bucket.rate or self.bucket.rate)

    def chunk_size(self) -> int:
        return min(self.ctx.bucket.chunk_size(CHUNK), self.bucket.chunk_size(CHUNK))

    async def throttle(self, size: int) -> None:
        await self.ctx.bucket.consume(size)
        await self.bucket.consume(size)

    async def restart(self, reason: str, changed: bool = True) -> None:
        """Throw away what is on disk and begin again at byte 0, saying why."""
        self.restarts += changed
        self.restarts_any += 1
        if self.restarts > MAX_RESTARTS:
            raise RemoteChangedError(
                ErrorKind.REMOTE_CHANGED,
                "The file on the server kept changing during the download; try again later.",
            )
        if self.restarts_any > MAX_RESTARTS_ANY:
            raise JobError(
                ErrorKind.BAD_RESPONSE,
                "The server kept breaking off the transfer in a way that cannot be continued; "
                "try again later.",
            )
        job = self.job
        if changed:
            job.total_size = None  # the next answer describes the new file
        # The size stays known unless the file changed: without it, the end of the next answer
        # would be taken for the end of the file.
        job.segments = [Segment(0, job.total_size)]
        if self.hash is not None:
            await self.hash.close()
        self.hash, self._hash_seed = None, None
        self.pieces.reset()
        if self.part is not None:
            self.part.truncate(0)
        self.checkpoint.forget()
        self.meter.reset()
        self.ctx.note(job, reason)
        self.ctx.changed(job, "restarted")

    # ---- the file ----------------------------------------------------------------------------

    @property
    def part(self) -> PartFile | None:
        return self.file.part

    def open_part(self) -> PartFile:
        part = self.checkpoint.part = self.file.open()
        if self.hash is None and self._hash_seed is not None:
            hasher, hashed = self._hash_seed
            self.hash = PrefixHasher(hasher, hashed, part, lambda: contiguous_prefix(self.job.segments))
        return part

    async def _prepare_hash(self) -> None:
        """Seed the digest with the bytes already on disk (read once), or start it empty."""
        algorithm = self._hash_algorithm()
        if algorithm is None or self.hash is not None or self._hash_seed is not None:
            return
        prefix = contiguous_prefix(self.job.segments)
        path = self.job.part_path
        total = self.job.total_size
        if prefix == 0 or path is None or not path.exists():
            self._hash_seed = (new_hasher(algorithm, total), 0)
        else:
            self._hash_seed = (await hash_prefix(self.ctx.verifier, path, algorithm, prefix, total), prefix)

    def _hash_algorithm(self) -> str | None:
        """The checksum's algorithm; else SHA-256 when every download gets a digest; else none."""
        if self.job.checksum is not None:
            return self.job.checksum.algorithm
        return "sha256" if self.ctx.settings.hash_every_download else None

    # ---- the end -----------------------------------------------------------------------------

    async def _complete(self) -> None:
        job = self.job
        if job.total_size is None:
            job.total_size = sum(s.done for s in job.segments)
        await self._prepare_hash()
        part = self.open_part()  # an empty file still needs its .part to rename
        await self.checkpoint.flush(last=True)
        if job.checksum is None and self.hash is not None:
            job.actual_digest = await self.hash.finish(job.total_size)  # recorded, nothing to compare
            self.ctx.changed(job, "digest")
        if job.checksum is not None:
            self.ctx.verifying(job)
            assert self.hash is not None
            behind = job.total_size - self.hash.hashed
            started = time.monotonic()
            job.actual_digest = await self.hash.finish(job.total_size)
            log.info(
                "job %s: digest ready %.3f s after the last byte (%d bytes were left to hash)",
                job.id,
                time.monotonic() - started,
                behind,
            )
            self.ctx.changed(job, "digest")
            if job.actual_digest != job.checksum.hexdigest:
                raise JobError(
                    ErrorKind.CHECKSUM_MISMATCH,
                    f"The {job.checksum.algorithm} of the download is {job.actual_digest}, "
                    f"but {job.checksum.hexdigest} was expected; the file was not kept as finished.",
                )
        folders = self.ctx.folders
        if await kept_from_before(self):
            if folders is None:
                sync_directory(Path(job.directory))
        else:
            part.close()
            self.file.rename(sync_folder=folders is None)
        if folders is not None:
            # The engine records FINISHED only after this: the new name is on disk by then.
            await folders.sync(Path(job.directory))


def _most_serious(errors: BaseExceptionGroup) -> BaseException:
    """Of the errors several connections raised at once, the one that decides the job's fate."""
    flat: list[BaseException] = []

    def walk(group: BaseExceptionGroup) -> None:
        for error in group.exceptions:
            if isinstance(error, BaseExceptionGroup):
                walk(error)
            else:
                flat.append(error)

    walk(errors)
    for kind in (JobError, RestartNeeded, WherryError):
        for error in flat:
            if isinstance(error, kind):
                return error
    return flat[0]
