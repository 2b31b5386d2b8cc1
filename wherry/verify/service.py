"""VerifyService: hashing, batch verification and find-by-digest on Qt thread pools, reported by signals.

Worker threads never touch widgets or the service's state: they only emit on a relay QObject
created in the GUI thread, whose queued connections bring every outcome back to the GUI thread.
The service is also the ``Verifier`` the engine is handed under qasync, where the asyncio loop
is the Qt loop, so the slot that receives an outcome may settle an asyncio future directly.

The window imports only this module of the package, so the plain result types of the batch and
search functions are re-exported here.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from wherry.core.errors import WherryError
from wherry.core.ports import Hasher
from wherry.verify.batch import FileResult, FileStatus, PlanWarning, plan_verification, verify_items
from wherry.verify.finder import (
    DigestTarget,
    FindMatch,
    FindProblem,
    FindStats,
    find_by_digest,
    parse_digest_target,
)
from wherry.verify.hashing import (
    HASH_ALGORITHMS,
    HashingCancelled,
    hash_file,
    hash_prefix,
    normalize_algorithm,
    read_error_message,
)

__all__ = [
    "HASH_ALGORITHMS",
    "DigestTarget",
    "FileResult",
    "FileStatus",
    "FindMatch",
    "FindProblem",
    "FindProgress",
    "PlanWarning",
    "VerifyPlanned",
    "VerifyService",
    "VerifySummary",
    "parse_digest_target",
]

log = logging.getLogger(__name__)

# Progress from a fast disk would otherwise queue thousands of events a second on the GUI thread.
_PROGRESS_INTERVAL = 0.1
# How often a search's running counts are read; they are only shown to a person.
_FIND_POLL_MS = 200


@dataclass(frozen=True)
class VerifyPlanned:
    """What a verify run will check, announced before any file is hashed."""

    files: int
    warnings: tuple[PlanWarning, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerifySummary:
    """How a verify run ended, counted by status."""

    ok: int = 0
    mismatched: int = 0
    missing: int = 0
    unreadable: int = 0

    @property
    def checked(self) -> int:
        return self.ok + self.mismatched + self.missing + self.unreadable


@dataclass(frozen=True)
class FindProgress:
    """A search's running counts at one moment."""

    folders: int = 0
    files_seen: int = 0
    files_hashed: int = 0
    bytes_hashed: int = 0

    @classmethod
    def of(cls, stats: FindStats) -> FindProgress:
        return cls(stats.folders, stats.files_seen, stats.files_hashed, stats.bytes_hashed)


class _Relay(QObject):
    """Lives in the GUI thread. Workers put their news in ``inbox`` and emit ``poked``, which carries
    no Python objects: queued signals with Python arguments made across threads crashed the
    process now and then, so everything a worker produces travels through the queue instead."""

    poked = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.inbox: queue.SimpleQueue[tuple[str, str, object]] = queue.SimpleQueue()

    def send(self, task_id: str, kind: str, payload: object) -> None:
        self.inbox.put((task_id, kind, payload))
        self.poked.emit()


class _Reporter:
    """What a task's work may do from its thread: report progress and news, and ask whether to stop."""

    def __init__(self, task_id: str, relay: _Relay, stop: threading.Event) -> None:
        self._task_id = task_id
        self._relay = relay
        self.stopped = stop.is_set
        self._last_emit = 0.0
        # verify_items calls progress from several hashing threads at once.
        self._lock = threading.Lock()

    def progress(self, done: int, total: int) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._last_emit < _PROGRESS_INTERVAL and done < total:
                return
            self._last_emit = now
        self._relay.send(self._task_id, _PROGRESS, (done, total))

    def report(self, kind: str, payload: object) -> None:
        self._relay.send(self._task_id, kind, payload)


_PROGRESS, _ENDED = "__progress__", "__ended__"  # message kinds besides a batch job's news
_NEWS = {
    "planned": "verify_planned",
    "checked": "verify_checked",
    "matched": "find_matched",
    "skipped": "find_skipped",
}

_Work = Callable[[_Reporter], object]


class _Task(QRunnable):
    def __init__(self, task_id: str, relay: _Relay, stop: threading.Event, work: _Work) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task_id = task_id
        self._relay = relay
        self._reporter = _Reporter(task_id, relay, stop)
        self._work = work

    def run(self) -> None:
        outcome: object
        try:
            outcome = self._work(self._reporter)
        except (HashingCancelled, WherryError, OSError) as exc:
            outcome = exc
        except Exception as exc:  # a bug must still end the task, or its caller waits forever
            log.exception("task %s failed", self._task_id)
            outcome = exc
        self._relay.send(self._task_id, _ENDED, outcome)


class VerifyService(QObject):
    """Hashes files, verifies batches and searches by digest on its own thread pools; all cancellable.

    Signals (always emitted in the GUI thread):
        progressed(task_id: str, done: int, total: int)  bytes hashed so far by a ``start_hash`` task
        finished(task_id: str, digests: dict[str, str])  a hash task's digests, algorithm → hex
        verify_planned(job_id: str, planned: VerifyPlanned)  what a verify run will check
        verify_checked(job_id: str, result: FileResult)  one file's verdict, in plan order
        verify_progressed(job_id: str, done: int, total: int)  bytes hashed over the whole run
        verify_finished(job_id: str, summary: VerifySummary)  every file was checked
        find_matched(job_id: str, match: FindMatch)      a file with the digest was found
        find_skipped(job_id: str, problem: FindProblem)  a folder or file could not be read
        find_progressed(job_id: str, progress: FindProgress)  running counts, a few times a second
        find_finished(job_id: str, progress: FindProgress)  the whole tree was searched
        failed(task_id: str, message: str)               one sentence for the person
        cancelled(task_id: str)                          stopped by ``cancel``

    Exactly one of finished / verify_finished / find_finished, failed or cancelled ends every
    task or job. Once ``cancel`` has returned True, the next signal about it is ``cancelled``
    and nothing else follows. ``hash_prefix`` (the engine's Verifier port) reports through its
    awaitable instead.
    """

    progressed = Signal(str, object, object)
    finished = Signal(str, object)
    verify_planned = Signal(str, object)
    verify_checked = Signal(str, object)
    verify_progressed = Signal(str, object, object)
    verify_finished = Signal(str, object)
    find_matched = Signal(str, object)
    find_skipped = Signal(str, object)
    find_progressed = Signal(str, object)
    find_finished = Signal(str, object)
    failed = Signal(str, str)
    cancelled = Signal(str)

    def __init__(self, parent: QObject | None = None, *, max_threads: int | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        # Two to four readers keep an SSD busy; more only makes a spinning disk seek.
        self._pool.setMaxThreadCount(max_threads or max(1, min(4, os.cpu_count() or 1)))
        # A batch job's thread mostly waits on its own hashing threads; on a pool of their own,
        # a long verify run never delays the engine's hashing when it resumes a download.
        self._batch_pool = QThreadPool(self)
        self._batch_pool.setMaxThreadCount(4)
        self._relay = _Relay(self)
        self._relay.poked.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self._ids = itertools.count(1)
        self._stops: dict[str, threading.Event] = {}
        self._paths: dict[str, str] = {}
        self._futures: dict[str, asyncio.Future[Any]] = {}
        self._kinds: dict[str, str] = {}
        self._searches: dict[str, tuple[FindStats, FindProgress]] = {}
        self._find_timer = QTimer(self)
        self._find_timer.setInterval(_FIND_POLL_MS)
        self._find_timer.timeout.connect(self._poll_searches)

    @property
    def active_tasks(self) -> int:
        """Tasks and jobs started and not yet ended (their ending signal has not been emitted)."""
        return len(self._stops)

    def start_hash(
        self,
        path: str | os.PathLike[str],
        algorithms: Iterable[str] = ("sha256",),
        *,
        length: int | None = None,
    ) -> str:
        """Queue hashing ``path`` (or its first ``length`` bytes); return the task id.

        An unknown algorithm raises ValueError here, before anything is queued.
        """
        names = [normalize_algorithm(a) for a in algorithms]
        if not names:
            raise ValueError("at least one algorithm is needed")

        def work(reporter: _Reporter) -> object:
            return hash_file(
                path, names, length=length, progress=reporter.progress, cancelled=reporter.stopped
            )

        return self._start("hash", os.fspath(path), work)

    def start_verify(self, paths: Iterable[str | os.PathLike[str]]) -> str:
        """Check checksum files, folders holding them, or files with checksums beside them.

        Emits verify_planned once, then verify_checked per file and verify_progressed as bytes
        are hashed, and ends with verify_finished. Returns the job id.
        """
        names = [os.fspath(p) for p in paths]

        def work(reporter: _Reporter) -> object:
            plan = plan_verification(names)
            if reporter.stopped():
                raise HashingCancelled
            reporter.report(
                "planned", VerifyPlanned(len(plan.items), tuple(plan.warnings), tuple(plan.problems))
            )
            counts: Counter[FileStatus] = Counter()
            results = verify_items(plan.items, progress=reporter.progress, cancelled=reporter.stopped)
            try:
                for result in results:
                    if reporter.stopped():
                        raise HashingCancelled
                    counts[result.status] += 1
                    reporter.report("checked", result)
            finally:
                _close(results)
            return VerifySummary(
                counts[FileStatus.OK],
                counts[FileStatus.MISMATCH],
                counts[FileStatus.MISSING],
                counts[FileStatus.UNREADABLE],
            )

        return self._start("verify", ", ".join(names), work)

    def start_find(
        self,
        target: DigestTarget,
        roots: Iterable[str | os.PathLike[str]],
        *,
        size: int | None = None,
        follow_symlinks: bool = False,
    ) -> str:
        """Search the trees under ``roots`` for files with ``target``'s digest (and ``size``, if given).

        Emits find_matched and find_skipped as the search goes, find_progressed a few times a
        second, and ends with find_finished. Returns the job id.
        """
        folders = [os.fspath(r) for r in roots]
        stats = FindStats()

        def work(reporter: _Reporter) -> object:
            found = find_by_digest(
                target,
                folders,
                size=size,
                follow_symlinks=follow_symlinks,
                cancelled=reporter.stopped,
                stats=stats,
            )
            try:
                for item in found:
                    if reporter.stopped():
                        raise HashingCancelled
                    reporter.report("matched" if isinstance(item, FindMatch) else "skipped", item)
            finally:
                _close(found)
            return FindProgress.of(stats)

        job_id = self._start("find", ", ".join(folders), work)
        # Progress is pulled: the search only writes plain counters, read here from the GUI thread.
        self._searches[job_id] = (stats, FindProgress())
        self._find_timer.start()
        return job_id

    def cancel(self, task_id: str) -> bool:
        """Ask a task or job to stop within a chunk; False if it is unknown or already ended."""
        stop = self._stops.get(task_id)
        if stop is None:
            return False
        stop.set()
        return True

    def cancel_all(self) -> None:
        for stop in self._stops.values():
            stop.set()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything and wait for the workers; True if they all stopped in time."""
        self.cancel_all()
        deadline = time.monotonic() + timeout_ms / 1000
        batches_done = bool(self._batch_pool.waitForDone(timeout_ms))
        left_ms = max(0, int((deadline - time.monotonic()) * 1000))
        return bool(self._pool.waitForDone(left_ms)) and batches_done

    async def hash_prefix(self, path: Path, algorithm: str, length: int) -> Hasher:
        """The Verifier port: hash the first ``length`` bytes on the pool, without blocking the loop.

        Raises JobError as ``wherry.verify.hashing.hash_prefix`` does. Cancelling the awaiting
        coroutine cancels the task.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def work(reporter: _Reporter) -> object:
            return hash_prefix(path, algorithm, length, cancelled=reporter.stopped)

        task_id = self._start("hash", os.fspath(path), work, future)
        try:
            result: Hasher = await future
        except asyncio.CancelledError:
            self.cancel(task_id)
            raise
        return result

    def _start(self, kind: str, path: str, work: _Work, future: asyncio.Future[Any] | None = None) -> str:
        task_id = f"{kind}-{next(self._ids)}"
        stop = threading.Event()
        self._stops[task_id] = stop
        self._paths[task_id] = path
        self._kinds[task_id] = kind
        if future is not None:
            self._futures[task_id] = future
        pool = self._pool if kind == "hash" else self._batch_pool
        pool.start(_Task(task_id, self._relay, stop, work))
        return task_id

    def _live(self, task_id: str) -> bool:
        stop = self._stops.get(task_id)
        return stop is not None and not stop.is_set()

    @Slot()
    def _drain(self) -> None:
        """Hand every queued worker message to its handler, in the GUI thread."""
        while True:
            try:
                task_id, kind, payload = self._relay.inbox.get_nowait()
            except queue.Empty:
                return
            if kind == _PROGRESS:
                done, total = cast(tuple[int, int], payload)
                self._on_progressed(task_id, done, total)
            elif kind == _ENDED:
                self._on_ended(task_id, payload)
            else:
                self._on_reported(task_id, kind, payload)

    def _on_progressed(self, task_id: str, done: int, total: int) -> None:
        if self._live(task_id) and task_id not in self._futures:
            signal = self.verify_progressed if self._kinds.get(task_id) == "verify" else self.progressed
            signal.emit(task_id, done, total)

    def _on_reported(self, task_id: str, kind: str, payload: object) -> None:
        if not self._live(task_id):
            return  # cancelled: what was already on its way is dropped
        # Looked up by name each time: a dict of our own bound signals would put the service in a
        # reference cycle, freed by whichever thread the cycle collector happens to run on.
        getattr(self, _NEWS[kind]).emit(task_id, payload)

    @Slot()
    def _poll_searches(self) -> None:
        for job_id, (stats, last) in list(self._searches.items()):
            now = FindProgress.of(stats)
            if now != last and self._live(job_id):
                self._searches[job_id] = (stats, now)
                self.find_progressed.emit(job_id, now)

    def _on_ended(self, task_id: str, outcome: object) -> None:
        stop = self._stops.pop(task_id, None)
        path = self._paths.pop(task_id, "")
        kind = self._kinds.pop(task_id, "hash")
        future = self._futures.pop(task_id, None)
        if self._searches.pop(task_id, None) is not None and not self._searches:
            self._find_timer.stop()
        if future is not None:
            if not future.done():
                if isinstance(outcome, HashingCancelled):
                    future.cancel()
                elif isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
            return
        if isinstance(outcome, HashingCancelled) or (stop is not None and stop.is_set()):
            self.cancelled.emit(task_id)
        elif isinstance(outcome, BaseException):
            self.failed.emit(task_id, _sentence(path, outcome))
        else:
            ending = {"verify": self.verify_finished, "find": self.find_finished}.get(kind, self.finished)
            ending.emit(task_id, outcome)


def _close(iterator: Iterator[object]) -> None:
    # Closing a batch generator stops its hashing threads and waits for them, so a cut-short run
    # ends its job only once nothing of it is still reading.
    if isinstance(iterator, Generator):
        iterator.close()


def _sentence(path: str, exc: BaseException) -> str:
    if isinstance(exc, WherryError):
        return exc.message
    if isinstance(exc, OSError):
        return read_error_message(path, exc)
    return f"Wherry could not check {path} because of an internal error; the log has the details."
