"""A circuit breaker per host, shared by every download of the engine.

After ``threshold`` consecutive failures a host is *open* (skipped) for ``cooldown`` seconds,
then *half-open*: one request may probe it; success closes it, failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CircuitBreaker"]


@dataclass
class _Host:
    failures: int = 0
    open_until: float = 0.0
    probing: bool = False


class CircuitBreaker:
    def __init__(
        self, threshold: int = 5, cooldown: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._hosts: dict[str, _Host] = {}

    def allow(self, host: str) -> bool:
        """May a request go to ``host`` now? In half-open state only one probe is let through."""
        state = self._hosts.get(host)
        if state is None or state.failures < self.threshold:
            return True
        if self._clock() < state.open_until:
            return False
        if state.probing:
            return False
        state.probing = True
        return True

    def retry_in(self, host: str) -> float:
        """Seconds until ``host`` may be tried again (0 when it may be tried now)."""
        state = self._hosts.get(host)
        if state is None or state.failures < self.threshold:
            return 0.0
        return max(state.open_until - self._clock(), 0.0)

    def is_open(self, host: str) -> bool:
        state = self._hosts.get(host)
        return state is not None and state.failures >= self.threshold and self._clock() < state.open_until

    def succeeded(self, host: str) -> None:
        self._hosts.pop(host, None)

    def failed(self, host: str) -> None:
        state = self._hosts.setdefault(host, _Host())
        state.failures += 1
        state.probing = False
        if state.failures >= self.threshold:
            state.open_until = self._clock() + self.cooldown
