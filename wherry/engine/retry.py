"""Exponential backoff with jitter, bounded in tries and in time, honouring Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["RetryPolicy", "RetryState"]


@dataclass(frozen=True)
class RetryPolicy:
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_tries: int = 8
    max_seconds: float = 600.0

    def delay(
        self, attempt: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait before try number ``attempt + 1`` (attempt counts from 1)."""
        # Full jitter halves the herd when many connections fail together (AWS architecture blog).
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(attempt - 1, 0)))
        wait = (rng or random).uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            # The server's own hint wins when it asks for longer; the time budget still bounds it.
            wait = max(wait, retry_after)
        return wait


@dataclass
class RetryState:
    """Consecutive failures of one URL; progress (any byte received) starts the count afresh."""

    policy: RetryPolicy
    failures: int = 0
    first_failure_at: float | None = None
    history: list[str] = field(default_factory=list)

    def record_failure(self, now: float) -> None:
        self.failures += 1
        if self.first_failure_at is None:
            self.first_failure_at = now

    def record_progress(self) -> None:
        self.failures = 0
        self.first_failure_at = None

    def exhausted(self, now: float, next_delay: float = 0.0) -> bool:
        if self.failures >= self.policy.max_tries:
            return True
        if self.first_failure_at is None:
            return False
        return now + next_delay - self.first_failure_at > self.policy.max_seconds
