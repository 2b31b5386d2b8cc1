"""Which URL to use next: the primary first, then mirrors by priority, skipping broken hosts.

A URL is used until it fails permanently (404, 403, TLS, wrong size) or keeps failing (its
retry budget runs out); then the next one takes over. When every remaining host is parked by
the circuit breaker, the job waits for the first cool-down to end.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from wherry.core.errors import ErrorKind, JobError, RetryableError, SourceError, WherryError
from wherry.core.jobs import Job
from wherry.engine.breaker import CircuitBreaker
from wherry.engine.retry import RetryPolicy, RetryState

__all__ = ["Sources", "host_of"]


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or url)


class Sources:
    def __init__(
        self,
        job: Job,
        policy: RetryPolicy,
        breaker: CircuitBreaker,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job = job
        self.policy = policy
        self.breaker = breaker
        self._clock = clock
        self._states: dict[str, RetryState] = {}
        self._exhausted: set[str] = set()
        self.last_error: WherryError | None = None

    def candidates(self) -> list[str]:
        return [url for url in self.job.urls if url not in self._exhausted]

    def is_mirror(self, url: str) -> bool:
        return url != self.job.url

    async def next_url(self) -> str:
        while True:
            candidates = self.candidates()
            if not candidates:
                raise self.final_error()
            for url in candidates:
                if self.breaker.allow(host_of(url)):
                    return url
            wait = min(self.breaker.retry_in(host_of(url)) for url in candidates)
            # The breaker parks hosts for its cool-down; waiting here is the policy, not a poll.
            await asyncio.sleep(max(wait, 0.05))

    def retryable_failed(self, url: str, error: RetryableError, progressed: bool) -> float | None:
        """Record a transient failure; return the delay before retrying, or None to move on."""
        state = self._states.setdefault(url, RetryState(self.policy))
        if progressed:
            state.record_progress()
        now = self._clock()
        state.record_failure(now)
        self.breaker.failed(host_of(url))
        delay = self.policy.delay(state.failures, error.retry_after)
        self.last_error = error
        if state.exhausted(now, delay):
            self._exhausted.add(url)
            return None
        return delay

    def tries(self, url: str) -> int:
        state = self._states.get(url)
        return state.failures if state else 0

    def source_failed(self, url: str, error: SourceError) -> None:
        """This URL will not give us the file: never use it again in this job's run."""
        self._exhausted.add(url)
        self.last_error = error
        for mirror in self.job.mirrors:
            if mirror.url == url:
                mirror.rejected = error.message

    def succeeded(self, url: str) -> None:
        self.breaker.succeeded(host_of(url))
        state = self._states.get(url)
        if state:
            state.record_progress()

    def final_error(self) -> JobError:
        last = self.last_error
        if last is None:
            return JobError(ErrorKind.NO_SOURCES, "There is no address left to download this file from.")
        tries = max((s.failures for s in self._states.values()), default=0)
        suffix = f" Wherry gave up after {tries} tries." if isinstance(last, RetryableError) else ""
        if len(self.job.urls) <= 1:
            return JobError(last.kind, last.message + suffix)
        return JobError(
            ErrorKind.NO_SOURCES,
            f"None of the {len(self.job.urls)} sources worked; the last said: {last.message}",
        )
