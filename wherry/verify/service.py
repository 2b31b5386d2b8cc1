"""VerifyService: hash files on a QThreadPool and report by signals, for the window.

Worker threads never touch widgets or the service's state: they only emit on a relay QObject
created in the GUI thread, whose queued connections bring every outcome back to the GUI thread.
The service is also the ``Verifier`` the engine is handed under qasync, where the asyncio loop
is the Qt loop, so the slot that receives an outcome may settle an asyncio future directly.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from wherry.core.errors import WherryError
from wherry.core.ports import Hasher
from wherry.verify.hashing import (
    HashingCancelled,
    hash_file,
    hash_prefix,
    normalize_algorithm,
    read_error_message,
)

__all__ = ["VerifyService"]

log = logging.getLogger(__name__)

# Progress from a fast disk would otherwise queue thousands of events a second on the GUI thread.
_PROGRESS_INTERVAL = 0.1


class _Relay(QObject):
    """Lives in the GUI thread; workers emit here and never on anything else."""

    progressed = Signal(str, object, object)  # task id, done, total (object: sizes exceed 32 bits)
    ended = Signal(str, object)  # task id, dict of digests | Hasher | BaseException


class _HashTask(QRunnable):
    def __init__(
        self,
        task_id: str,
        relay: _Relay,
        stop: threading.Event,
        work: Callable[[Callable[[int, int], None], Callable[[], bool]], object],
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task_id = task_id
        self._relay = relay
        self._stop = stop
        self._work = work
        self._last_emit = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_emit >= _PROGRESS_INTERVAL or done >= total:
            self._last_emit = now
            self._relay.progressed.emit(self._task_id, done, total)

    def run(self) -> None:
        outcome: object
        try:
            outcome = self._work(self._progress, self._stop.is_set)
        except (HashingCancelled, WherryError, OSError) as exc:
            outcome = exc
        except Exception as exc:  # a bug must still end the task, or its caller waits forever
            log.exception("hash task %s failed", self._task_id)
            outcome = exc
        self._relay.ended.emit(self._task_id, outcome)


class VerifyService(QObject):
    """Hashes files on its own QThreadPool; several at once, each cancellable.

    Signals (always emitted in the GUI thread):
        progressed(task_id: str, done: int, total: int)  bytes hashed so far, of ``total``
        finished(task_id: str, digests: dict[str, str])  algorithm → hex digest
        failed(task_id: str, message: str)               one sentence for the person
        cancelled(task_id: str)                          stopped by ``cancel``; nothing follows

    Exactly one of finished, failed or cancelled ends every task started with ``start_hash``.
    ``hash_prefix`` (the engine's Verifier port) reports through its awaitable instead.
    """

    progressed = Signal(str, object, object)
    finished = Signal(str, object)
    failed = Signal(str, str)
    cancelled = Signal(str)

    def __init__(self, parent: QObject | None = None, *, max_threads: int | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        # Two to four readers keep an SSD busy; more only makes a spinning disk seek.
        self._pool.setMaxThreadCount(max_threads or max(1, min(4, os.cpu_count() or 1)))
        self._relay = _Relay(self)
        queued = Qt.ConnectionType.QueuedConnection
        self._relay.progressed.connect(self._on_progressed, queued)
        self._relay.ended.connect(self._on_ended, queued)
        self._ids = itertools.count(1)
        self._stops: dict[str, threading.Event] = {}
        self._paths: dict[str, str] = {}
        self._futures: dict[str, asyncio.Future[Any]] = {}

    @property
    def active_tasks(self) -> int:
        """Tasks started and not yet ended (their ending signal has not been emitted)."""
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

        def work(progress: Callable[[int, int], None], stop: Callable[[], bool]) -> object:
            return hash_file(path, names, length=length, progress=progress, cancelled=stop)

        return self._start(os.fspath(path), work)

    def cancel(self, task_id: str) -> bool:
        """Ask a task to stop within a chunk; False if it is unknown or already ended."""
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
        return bool(self._pool.waitForDone(timeout_ms))

    async def hash_prefix(self, path: Path, algorithm: str, length: int) -> Hasher:
        """The Verifier port: hash the first ``length`` bytes on the pool, without blocking the loop.

        Raises JobError as ``wherry.verify.hashing.hash_prefix`` does. Cancelling the awaiting
        coroutine cancels the task.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def work(progress: Callable[[int, int], None], stop: Callable[[], bool]) -> object:
            return hash_prefix(path, algorithm, length, cancelled=stop)

        task_id = self._start(os.fspath(path), work, future)
        try:
            result: Hasher = await future
        except asyncio.CancelledError:
            self.cancel(task_id)
            raise
        return result

    def _start(
        self,
        path: str,
        work: Callable[[Callable[[int, int], None], Callable[[], bool]], object],
        future: asyncio.Future[Any] | None = None,
    ) -> str:
        task_id = f"hash-{next(self._ids)}"
        stop = threading.Event()
        self._stops[task_id] = stop
        self._paths[task_id] = path
        if future is not None:
            self._futures[task_id] = future
        self._pool.start(_HashTask(task_id, self._relay, stop, work))
        return task_id

    @Slot(str, object, object)
    def _on_progressed(self, task_id: str, done: int, total: int) -> None:
        if task_id in self._stops and task_id not in self._futures:
            self.progressed.emit(task_id, done, total)

    @Slot(str, object)
    def _on_ended(self, task_id: str, outcome: object) -> None:
        self._stops.pop(task_id, None)
        path = self._paths.pop(task_id, "")
        future = self._futures.pop(task_id, None)
        if future is not None:
            if not future.done():
                if isinstance(outcome, HashingCancelled):
                    future.cancel()
                elif isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
            return
        if isinstance(outcome, HashingCancelled):
            self.cancelled.emit(task_id)
        elif isinstance(outcome, BaseException):
            self.failed.emit(task_id, _sentence(path, outcome))
        else:
            self.finished.emit(task_id, outcome)


def _sentence(path: str, exc: BaseException) -> str:
    if isinstance(exc, WherryError):
        return exc.message
    if isinstance(exc, OSError):
        return read_error_message(path, exc)
    return f"Wherry could not check {path} because of an internal error; the log has the details."
