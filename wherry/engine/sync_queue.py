"""Group commit for fsyncs: one trip to a worker thread syncs everything asked for before it began.

A download's bytes are durable only once ``fdatasync`` returns, and a finished file's name only
once its folder is fsynced. Each sync blocks, so it runs off the event loop; but a list of
3,000 small files finishing 16 at a time would send 6,000 of them to the executor one by one,
and every hand-off wakes a thread that then fights the loop for the GIL (futex calls were most
of the system time of such a run, see docs/PERFORMANCE.md). Here a caller that arrives while a
batch is under way waits for the next batch, which begins after its call and syncs everything
asked for meanwhile in one executor job. Nobody returns before a sync that began after their
call, and a failure is raised to the caller whose file failed, not to the others.

On the file systems Linux users download to, the first ``fdatasync`` of a batch commits the
journal for all of them, so the rest of the batch costs little.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

__all__ = ["SyncQueue"]

K = TypeVar("K", bound=Hashable)


class SyncQueue(Generic[K]):
    """Runs ``sync_one(key)`` for each key asked for, in batches, one batch at a time."""

    def __init__(self, sync_one: Callable[[K], None], name: str) -> None:
        self._sync_one = sync_one
        self._name = name
        self._pending: dict[K, asyncio.Future[OSError | None]] = {}
        self._task: asyncio.Task[None] | None = None  # held so the loop cannot drop it half-way
        self.batches = 0  # executor jobs run so far, for tests and the log

    async def sync(self, key: K) -> None:
        """Return once ``sync_one(key)`` has run in a batch that began after this call.

        Raises the OSError that syncing ``key`` raised. Being cancelled while waiting does not
        take ``key`` out of its batch: it is synced all the same.
        """
        loop = asyncio.get_running_loop()
        future = self._pending.get(key)
        if future is None:
            future = self._pending[key] = loop.create_future()
        if self._task is None:
            self._task = loop.create_task(self._drain(), name=f"sync-{self._name}")
        # Shielded: one caller cancelled must not cancel the batch the others wait for.
        error = await asyncio.shield(future)
        if error is not None:
            raise error

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch, self._pending = self._pending, {}
                self.batches += 1
                try:
                    errors = await loop.run_in_executor(None, _sync_all, self._sync_one, list(batch))
                except BaseException as exc:  # the loop is closing: nobody will sync these
                    failure = OSError(f"the sync was not run: {exc!r}")
                    for future in batch.values():
                        if not future.done():
                            future.set_result(failure)
                    raise
                for key, future in batch.items():
                    if not future.done():
                        future.set_result(errors.get(key))
        finally:
            self._task = None


def _sync_all(sync_one: Callable[[K], None], keys: Iterable[K]) -> dict[K, OSError]:
    errors: dict[K, OSError] = {}
    for key in keys:
        try:
            sync_one(key)
        except OSError as exc:
            errors[key] = exc
    return errors
