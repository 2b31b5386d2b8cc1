"""Calling the caller's progress callback: keyword arguments, and never at the download's cost."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any

from wherry.core.events import Progress

__all__ = ["ProgressCallback", "SafeCallback"]

log = logging.getLogger("wherry.api")

# Called as callback(bytes_downloaded=…, total_bytes=…, speed=…, eta=…, state=…); may be async.
ProgressCallback = Callable[..., Any]


class SafeCallback:
    """Wraps a progress callback so that its exceptions are logged and go no further."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._pending: set[asyncio.Future[Any]] = set()

    def __call__(self, progress: Progress) -> None:
        if self._callback is None:
            return
        try:
            outcome = self._callback(
                bytes_downloaded=progress.bytes_downloaded,
                total_bytes=progress.total_bytes,
                speed=progress.speed,
                eta=progress.eta,
                state=progress.state,
            )
            if inspect.isawaitable(outcome):
                future = asyncio.ensure_future(outcome)
                self._pending.add(future)
                future.add_done_callback(self._settled)
        except Exception:
            log.exception("the progress callback raised; the download goes on")

    def _settled(self, future: asyncio.Future[Any]) -> None:
        self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("the progress callback raised; the download goes on", exc_info=future.exception())

    async def drain(self) -> None:
        """Let async callbacks still running finish, so the last report arrives before the result."""
        if self._pending:
            await asyncio.wait(set(self._pending))
