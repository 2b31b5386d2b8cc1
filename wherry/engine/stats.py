"""Transfer speed over a sliding window, and the ETA that follows from it."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

__all__ = ["SpeedMeter"]


class SpeedMeter:
    """Bytes per second over the last ``window`` seconds; cheap enough to feed every chunk."""

    def __init__(self, window: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()
        self._total = 0

    def add(self, nbytes: int) -> None:
        now = self._clock()
        self._total += nbytes
        self._samples.append((now, self._total))
        self._trim(now)

    def _trim(self, now: float) -> None:
        while len(self._samples) > 2 and now - self._samples[1][0] > self.window:
            self._samples.popleft()

    def speed(self) -> float:
        now = self._clock()
        self._trim(now)
        if not self._samples:
            return 0.0
        t0, b0 = self._samples[0]
        if now - self._samples[-1][0] > self.window:
            return 0.0
        span = max(now - t0, 0.5)
        return (self._total - b0) / span if len(self._samples) > 1 else 0.0

    def measured(self) -> bool:
        """True once there are samples spanning some time to compute a speed from."""
        return len(self._samples) > 1

    def reset(self) -> None:
        self._samples.clear()

    def eta(self, remaining: int | None) -> float | None:
        if remaining is None:
            return None
        speed = self.speed()
        if remaining <= 0:
            return 0.0
        return remaining / speed if speed > 0 else None
