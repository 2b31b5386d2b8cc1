"""A token bucket for bytes per second, shared fairly by every connection that draws from it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["TokenBucket"]

# Sleeping in short slices lets a changed limit take effect within this many seconds.
_SLICE = 0.2


class TokenBucket:
    """``rate`` bytes per second (0 = unlimited), with a burst of a quarter second's worth.

    Waiters are served in arrival order (one lock), so N connections each get about 1/N.
    Drawing more than is available puts the bucket in debt; the drawer waits it off.
    """

    def __init__(self, rate: int = 0, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rate = max(int(rate), 0)
        self._tokens = 0.0
        self._stamp = clock()
        self._lock = asyncio.Lock()

    @property
    def rate(self) -> int:
        return self._rate

    @rate.setter
    def rate(self, value: int) -> None:
        self._refill()
        self._rate = max(int(value), 0)
        self._tokens = min(self._tokens, self._burst())

    def _burst(self) -> float:
        return max(self._rate / 4, 16 * 1024)

    def _refill(self) -> None:
        now = self._clock()
        if self._rate:
            self._tokens = min(self._tokens + (now - self._stamp) * self._rate, self._burst())
        self._stamp = now

    def chunk_size(self, default: int) -> int:
        """A read size that keeps the flow smooth under this limit."""
        if not self._rate:
            return default
        return max(16 * 1024, min(default, self._rate // 8))

    async def consume(self, nbytes: int) -> None:
        if not self._rate:
            return
        async with self._lock:
            self._refill()
            self._tokens -= nbytes
            while self._rate and self._tokens < 0:
                await asyncio.sleep(min(-self._tokens / self._rate, _SLICE))
                self._refill()
