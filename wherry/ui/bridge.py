"""The one edge between the engine and Qt: engine events become typed signals, UI commands
become engine coroutines.

The engine calls :meth:`Bridge.deliver` (its event sink) on the event-loop thread, which under
qasync is the GUI thread. Whatever a listener does wrong is logged here and never reaches the
engine, so a UI bug cannot break a transfer. Commands are started as tasks on the running
loop; a done-callback logs failures and turns their sentences into ``error_reported``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal

from wherry.core import (
    AddRequest,
    ChecksumSpec,
    Event,
    Job,
    JobAdded,
    JobChanged,
    JobFailed,
    JobFinished,
    JobId,
    JobPaused,
    JobQueued,
    JobRemoved,
    JobRetrying,
    JobStarted,
    JobVerifying,
    Settings,
    WherryError,
)
from wherry.ui.engine_port import EnginePort, MoveWhere, SettingsStore

__all__ = ["Bridge"]

log = logging.getLogger(__name__)

_UNEXPECTED = QT_TRANSLATE_NOOP("Bridge", "Something went wrong; the details are in the log file.")


class Bridge(QObject):
    """Engine events as Qt signals, and the commands the window sends the engine.

    Signals:
        job_added(str job_id)
        job_queued(str job_id)
        job_started(str job_id)
        job_changed(str job_id, str what)
        job_retrying(str job_id, str message, int attempt, float delay)
        job_verifying(str job_id)
        job_paused(str job_id, str message): message is empty when the user paused it
        job_finished(str job_id, str path)
        job_failed(str job_id, str kind, str message): kind is an ErrorKind value
        job_removed(str job_id)
        job_updated(str job_id): after every lifecycle event but removal
        queue_reordered(): jobs moved in the queue
        error_reported(str sentence): a command failed; the sentence is for the user
        settings_changed(object settings): new Settings were saved and applied
    """

    job_added = Signal(str)
    job_queued = Signal(str)
    job_started = Signal(str)
    job_changed = Signal(str, str)
    job_retrying = Signal(str, str, int, float)
    job_verifying = Signal(str)
    job_paused = Signal(str, str)
    job_finished = Signal(str, str)
    job_failed = Signal(str, str, str)
    job_removed = Signal(str)
    job_updated = Signal(str)
    queue_reordered = Signal()
    error_reported = Signal(str)
    settings_changed = Signal(object)

    def __init__(
        self,
        engine: EnginePort,
        settings_store: SettingsStore,
        settings: Settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._store = settings_store
        self._settings = settings
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def engine(self) -> EnginePort:
        return self._engine

    @property
    def settings(self) -> Settings:
        return self._settings

    # -- engine → UI ---------------------------------------------------------------------------

    def deliver(self, event: Event) -> None:
        """The engine's event sink. Never raises."""
        try:
            self._emit(event)
        except Exception:
            log.exception("A window listener failed on %r", event)

    def _emit(self, event: Event) -> None:
        job_id = event.job_id
        match event:
            case JobAdded():
                self.job_added.emit(job_id)
            case JobQueued():
                self.job_queued.emit(job_id)
            case JobStarted():
                self.job_started.emit(job_id)
            case JobChanged(what=what):
                self.job_changed.emit(job_id, what)
            case JobRetrying(message=message, attempt=attempt, delay=delay):
                self.job_retrying.emit(job_id, message, attempt, float(delay))
            case JobVerifying():
                self.job_verifying.emit(job_id)
            case JobPaused(message=message):
                self.job_paused.emit(job_id, message or "")
            case JobFinished(path=path):
                self.job_finished.emit(job_id, str(path))
            case JobFailed(kind=kind, message=message):
                self.job_failed.emit(job_id, str(kind), message)
            case JobRemoved():
                self.job_removed.emit(job_id)
                return
            case _:
                log.debug("No signal for %r", event)
        self.job_updated.emit(job_id)

    # -- UI → engine ---------------------------------------------------------------------------

    def run(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Start ``coro`` on the running loop; its failure is logged and reported, never raised."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, what))
        return task

    def _finished(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            return
        if isinstance(error, WherryError):
            log.info("%s failed: %s", what, error)
            self.error_reported.emit(error.message)
        else:
            log.error("%s failed", what, exc_info=error)
            self.error_reported.emit(self.tr(_UNEXPECTED))

    async def drain(self) -> None:
        """Wait for the commands already started (used when quitting and by tests)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    def add(self, requests: Sequence[AddRequest]) -> asyncio.Task[list[Job]]:
        """Add all of ``requests`` or none: if one is refused, those added before it are removed."""

        async def add_all() -> list[Job]:
            added: list[Job] = []
            try:
                for request in requests:
                    job = await self._engine.add(request)
                    added.append(job)
            except BaseException:
                for job in reversed(added):
                    try:
                        await self._engine.remove(job.id)
                    except Exception:
                        log.exception("Could not take back %s", job.url)
                raise
            return added

        return self.run(add_all(), "Adding downloads")

    def _each(
        self, method: Callable[[JobId], Awaitable[Any]], ids: Sequence[JobId], what: str
    ) -> asyncio.Task[None]:
        async def each() -> None:
            for job_id in ids:
                try:
                    await method(job_id)
                except KeyError:
                    log.info("%s: job %s is gone", what, job_id)

        return self.run(each(), what)

    def replace_url(self, job_id: JobId, url: str) -> asyncio.Task[str]:
        """Give a paused or failed job a new address; the task's result says what was kept."""
        return self.run(self._engine.replace_url(job_id, url), "Changing the address")

    def replace_credentials(
        self,
        job_id: JobId,
        headers: tuple[tuple[str, str], ...],
        secret: tuple[str, ...] = (),
        cookie_file: str | None = None,
    ) -> asyncio.Task[None]:
        """New login headers (and cookies) for a paused or failed job, which then continues."""

        async def change() -> None:
            self._engine.replace_credentials(job_id, headers, secret, cookie_file)
            await self._engine.resume(job_id)

        return self.run(change(), "Changing the credentials")

    def find_checksum(self, request: AddRequest) -> Awaitable[tuple[ChecksumSpec, str]]:
        return self._engine.find_checksum(request)

    def pause(self, ids: Sequence[JobId]) -> asyncio.Task[None]:
        return self._each(self._engine.pause, ids, "Pausing")

    def resume(self, ids: Sequence[JobId]) -> asyncio.Task[None]:
        return self._each(self._engine.resume, ids, "Resuming")

    def retry(self, ids: Sequence[JobId]) -> asyncio.Task[None]:
        return self._each(self._engine.retry, ids, "Retrying")

    def cancel(self, ids: Sequence[JobId]) -> asyncio.Task[None]:
        return self._each(self._engine.cancel, ids, "Cancelling")

    def remove(self, ids: Sequence[JobId], delete_file: bool = False) -> asyncio.Task[None]:
        async def remove_one(job_id: JobId) -> None:
            await self._engine.remove(job_id, delete_file=delete_file)

        return self._each(remove_one, ids, "Removing")

    def pause_all(self) -> asyncio.Task[None]:
        return self.run(self._engine.pause_all(), "Pausing all")

    def resume_all(self) -> asyncio.Task[None]:
        return self.run(self._engine.resume_all(), "Resuming all")

    def move(self, ids: Sequence[JobId], where: MoveWhere) -> asyncio.Task[None]:
        # Moving a block keeps its inner order: the leading job goes first in its direction.
        ordered = list(ids) if where in ("up", "bottom") else list(reversed(ids))

        async def move_all() -> None:
            for job_id in ordered:
                await self._engine.move(job_id, where)
            self.queue_reordered.emit()

        return self.run(move_all(), "Moving")

    def apply_settings(self, settings: Settings) -> None:
        """Save ``settings`` where the engine and the command line read them, and apply them now."""
        self._store.save_settings(settings)
        self._engine.update_settings(settings)
        self._settings = settings
        self.settings_changed.emit(settings)
