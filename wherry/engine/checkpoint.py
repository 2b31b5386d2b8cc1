"""Save a job's progress: data first (fdatasync), then the counters (one SQLite transaction).

After a crash nothing past the last checkpoint is trusted, so the store must never count a
byte that is not on disk: the counters are read *before* the sync and those values are saved.
Unchanged progress is not rewritten.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

from wherry.core.jobs import Job, Segment
from wherry.core.ports import JobRepository
from wherry.engine.partfile import PartFile

__all__ = ["Checkpointer"]

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, job: Job, repository: JobRepository, interval: float = 1.0) -> None:
        self.job = job
        self.repository = repository
        self.interval = interval
        self.part: PartFile | None = None
        self._saved: tuple[tuple[int, int | None, int], ...] | None = None
        self._task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._lock = asyncio.Lock()

    def _shape(self) -> tuple[tuple[int, int | None, int], ...]:
        return tuple((s.start, s.end, s.done) for s in self.job.segments)

    def forget(self) -> None:
        """The saved state no longer matches (restart from zero): the next flush must write."""
        self._saved = None

    async def flush(self, last: bool = False) -> None:
        """Sync the data, then save the counters read before the sync; ``last``: the download's
        final one, whose sync may share a batch with other files finishing (PartFile.sync_shared)."""
        async with self._lock:
            shape = self._shape()
            if shape == self._saved:
                return
            if self.part is not None and not self.part.closed:
                await (self.part.sync_shared() if last else self.part.sync())
            snapshot = dataclasses.replace(self.job, segments=[Segment(s, e, d) for s, e, d in shape])
            self.repository.save_progress(snapshot)
            self._saved = shape

    def start(self) -> None:
        # The periodic task starts only when the first interval ends: a file that is done
        # sooner (most small ones) never needs it, and a task per file showed in profiles.
        if self._task is None and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.interval, self._begin)

    def _begin(self) -> None:
        self._timer = None
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"checkpoint-{self.job.id}")

    async def stop(self) -> None:
        """Stop the timer and write a last checkpoint."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._task is not None:
            self._task.cancel()
            # wait() rather than await: a cancellation aimed at our caller must not be swallowed.
            await asyncio.wait([self._task])
            self._task = None
        await self.flush()

    async def _run(self) -> None:
        while True:
            try:
                await self.flush()
            except Exception:
                # A failed checkpoint costs at most one interval of work; the transfer goes on
                # and its own write errors are reported where they happen.
                log.exception("checkpoint of %s failed", self.job.id)
            await asyncio.sleep(self.interval)
