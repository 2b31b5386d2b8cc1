"""Exponential backoff with jitter, bounded in tries and in time, honouring Retry-After.

Two budgets. A flaky link (resets, timeouts, 5xx) gets the long one: ``max_tries`` and
``max_seconds``, renewed whenever the transfer passes the furthest point it had reached. A server
that answers but always ends at the same byte gets a short one: retrying it for ten minutes would
only fetch the same bytes again, so after ``max_stuck_tries`` such answers in a row (or
``max_stuck_seconds`` after the first of them) the URL is given up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from wherry.engine.sizes import human_size

__all__ = ["RetryPolicy", "RetryState"]


@dataclass(frozen=True)
class RetryPolicy:
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_tries: int = 8
    max_seconds: float = 600.0
    max_stuck_tries: int = 3
    max_stuck_seconds: float = 30.0

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
    """Consecutive failures of one URL; progress past the furthest point starts the count afresh."""

    policy: RetryPolicy
    failures: int = 0
    first_failure_at: float | None = None
    history: list[str] = field(default_factory=list)
    stuck_tries: int = 0
    """Answers in a row that ended early without passing the furthest point reached."""
    stuck_since: float | None = None
    stuck_at: int | None = None
    """The lowest offset such an answer ended at: the first byte the server will not send."""

    def record_failure(self, now: float, cut_at: int | None = None) -> None:
        """A failed try; ``cut_at`` is where its answer ended, if the server answered at all
        (and the answer brought nothing past the furthest point)."""
        self.failures += 1
        if self.first_failure_at is None:
            self.first_failure_at = now
        if cut_at is not None:
            self.stuck_tries += 1
            self.stuck_at = cut_at if self.stuck_at is None else min(self.stuck_at, cut_at)
            if self.stuck_since is None:
                self.stuck_since = now

    def record_progress(self) -> None:
        self.failures = 0
        self.first_failure_at = None
        self.stuck_tries = 0
        self.stuck_since = None
        self.stuck_at = None

    def stuck(self, now: float, next_delay: float = 0.0) -> bool:
        """Does the server keep ending at the same byte, past the short budget for that?"""
        if self.stuck_since is None:
            return False
        if self.stuck_tries >= self.policy.max_stuck_tries:
            return True
        return now + next_delay - self.stuck_since > self.policy.max_stuck_seconds

    def exhausted(self, now: float, next_delay: float = 0.0) -> bool:
        if self.failures >= self.policy.max_tries or self.stuck(now, next_delay):
            return True
        if self.first_failure_at is None:
            return False
        return now + next_delay - self.first_failure_at > self.policy.max_seconds

    def stuck_sentence(self, host: str) -> str:
        """What to tell the user about a server that keeps ending at the same byte."""
        at = self.stuck_at or 0
        return (
            f"{host} keeps ending its answers at byte {at:,} ({human_size(at)}) although it "
            "promises more; the bytes received are kept."
        )
