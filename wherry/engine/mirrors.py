"""Which URL a connection uses next: every usable source, fastest first, within host limits.

A URL is used until it fails permanently (404, 403, TLS, wrong size) or keeps failing (its retry
budget runs out). Sources are ranked by measured speed per open connection, and a source nobody
has measured yet is tried first so it gets measured (aria2's "feedback" selector works the same
way). Hosts parked by the circuit breaker or at their connection cap are skipped; when nothing
is usable the connection waits for a slot or for a cool-down to end.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from wherry.core.errors import ErrorKind, JobError, RetryableError, SourceError, WherryError
from wherry.core.jobs import Job
from wherry.engine.hosts import HostPool
from wherry.engine.retry import RetryPolicy, RetryState
from wherry.engine.stats import SpeedMeter

__all__ = ["Sources", "host_of"]

# When every host is parked or full, look again at least this often.
_RECHECK = 1.0


@functools.lru_cache(maxsize=4096)
def host_of(url: str) -> str:
    # Asked several times per request (slots, meters, fair shares); urlsplit's host parsing
    # showed in the many-small-files profile.
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or url)


class Sources:
    def __init__(
        self,
        job: Job,
        policy: RetryPolicy,
        hosts: HostPool,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job = job
        self.policy = policy
        self.hosts = hosts
        self._clock = clock
        self._states: dict[str, RetryState] = {}
        self._exhausted: set[str] = set()
        self._meters: dict[str, SpeedMeter] = {}
        self._peaks: dict[str, float] = {}
        self._open: dict[str, int] = {}
        self._suspects: set[str] = set()
        self.last_error: WherryError | None = None

    def candidates(self) -> list[str]:
        return [url for url in self.job.urls if url not in self._exhausted]

    def is_mirror(self, url: str) -> bool:
        return url != self.job.url

    def meter(self, url: str) -> SpeedMeter:
        return self._meters.setdefault(url, SpeedMeter(window=5.0, clock=self._clock))

    def peak(self, url: str) -> float:
        """The best speed this source has shown, so a source that went idle is not forgotten."""
        meter = self._meters.get(url)
        if meter is not None:
            self._peaks[url] = max(self._peaks.get(url, 0.0), meter.speed())
        return self._peaks.get(url, 0.0)

    def best_speed(self, excluding: str | None = None) -> float:
        return max((self.peak(url) for url in self.candidates() if url != excluding), default=0.0)

    def _score(self, url: str) -> float:
        meter = self._meters.get(url)
        if meter is None or not meter.measured():
            return float("inf")
        return max(meter.speed(), self.peak(url)) / (self._open.get(url, 0) + 1)

    async def acquire(self) -> str:
        """A URL with a connection slot taken on its host; give it back with ``release``."""
        woken: str | None = None  # the host we were woken for, having room then
        while True:
            candidates = self.candidates()
            if not candidates:
                raise self.final_error()
            # Unsuspected sources first; then fastest per connection; among equals (say, none
            # measured yet) the one with fewer connections, so a fresh download spreads over its
            # mirrors; then list order.
            ranked = sorted(
                candidates,
                key=lambda url: (url in self._suspects, -self._score(url), self._open.get(url, 0)),
            )
            for url in ranked:
                host = host_of(url)
                if self.hosts.try_acquire(host, self):
                    self._open[url] = self._open.get(url, 0) + 1
                    if woken is not None:
                        # Room left for the next in line: more than one slot came free, or we
                        # took ours on another host than the one we were woken for.
                        self.hosts.wake(woken)
                    return url
            # Woken for nothing: a job just starting took the room first. Nobody else in line
            # could have used it either, so we wait at the head of the line again.
            parked = [self.hosts.breaker.retry_in(host_of(url)) for url in candidates]
            wait = min([_RECHECK, *(p for p in parked if p > 0)])
            hosts = {host_of(url) for url in candidates}
            woken = await self.hosts.wait_for_room(wait, hosts, self, first=woken is not None)

    def suspect(self, urls: set[str]) -> None:
        """These sources gave bytes that failed a check: use them only when nothing else is left."""
        self._suspects |= urls

    def release(self, url: str) -> None:
        self._open[url] -= 1
        self.hosts.release(host_of(url), self)

    def want(self, count: int) -> None:
        """Tell the host pool how many connections this job would like on each of its hosts."""
        for url in self.candidates():
            self.hosts.want(host_of(url), self, count)

    def excess(self) -> dict[str, int]:
        """Per host, the connections held beyond this job's fair share while another is short."""
        found: dict[str, int] = {}
        for url in self.candidates():
            host = host_of(url)
            extra = self.hosts.excess(host, self)
            if extra:
                found[host] = extra
        return found

    def room(self) -> bool:
        """Could one more connection start now, on some usable source, within the fair share?"""
        for url in self.candidates():
            host = host_of(url)
            if self.hosts.usable(host) and self.hosts.held(host, self) < self.hosts.share(host, self):
                return True
        return False

    def can_grow(self) -> bool:
        """Would a host of this job grant it more connections than it holds, if it asked?"""
        return any(
            self.hosts.usable(host_of(url)) and self.hosts.could_grow(host_of(url), self)
            for url in self.candidates()
        )

    def close(self) -> None:
        """The job's transfers are over: its wants stop counting against other jobs."""
        self.hosts.leave(self)

    def retryable_failed(
        self, url: str, error: RetryableError, progressed: bool, cut_at: int | None = None
    ) -> float | None:
        """Record a transient failure; return the delay before retrying, or None to move on.

        ``cut_at`` is where the answer ended, when the server did answer with the file.
        """
        state = self._states.setdefault(url, RetryState(self.policy))
        if progressed:
            state.record_progress()
        now = self._clock()
        state.record_failure(now, None if progressed else cut_at)
        self.hosts.breaker.failed(host_of(url))
        delay = self.policy.delay(state.failures, error.retry_after)
        self.last_error = error
        if state.stuck(now, delay):
            self.last_error = RetryableError(error.kind, state.stuck_sentence(host_of(url)))
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
        self.hosts.breaker.succeeded(host_of(url))
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
