"""Per-host politeness shared by every job: a connection cap and the circuit breaker together."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

from wherry.engine.breaker import CircuitBreaker

__all__ = ["HostPool"]


class HostPool:
    """Counts open connections per host; a host is usable when under its cap and not parked."""

    def __init__(self, breaker: CircuitBreaker, cap: int = 16) -> None:
        self.breaker = breaker
        self.cap = cap
        self._active: Counter[str] = Counter()
        self._freed = asyncio.Event()

    def active(self, host: str) -> int:
        return self._active[host]

    def has_room(self, host: str) -> bool:
        return self._active[host] < self.cap

    def usable(self, host: str) -> bool:
        return self.has_room(host) and not self.breaker.is_open(host)

    def try_acquire(self, host: str) -> bool:
        """Take a connection slot on ``host`` if it is under its cap and the breaker allows it."""
        if not self.has_room(host) or not self.breaker.allow(host):
            return False
        self._active[host] += 1
        return True

    def release(self, host: str) -> None:
        self._active[host] -= 1
        if self._active[host] <= 0:
            del self._active[host]
        self._freed.set()

    async def wait_for_room(self, timeout: float) -> None:
        """Wait until some slot is released (or ``timeout`` passes, e.g. for a breaker cool-down)."""
        self._freed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._freed.wait(), timeout)
