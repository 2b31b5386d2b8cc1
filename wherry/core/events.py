"""Lifecycle events the engine pushes, the progress it lets others pull, and the sink protocol.

Lifecycle is pushed (one event per state change); bytes, speed and ETA are pulled through
``Engine.snapshot()`` so a fast transfer costs listeners nothing extra.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from wherry.core.errors import ErrorKind
from wherry.core.jobs import JobId, JobState

__all__ = [
    "Event",
    "EventSink",
    "JobAdded",
    "JobChanged",
    "JobFailed",
    "JobFinished",
    "JobPaused",
    "JobQueued",
    "JobRemoved",
    "JobRetrying",
    "JobStarted",
    "JobVerifying",
    "Progress",
]


@dataclass(frozen=True)
class Event:
    job_id: JobId


@dataclass(frozen=True)
class JobAdded(Event):
    pass


@dataclass(frozen=True)
class JobQueued(Event):
    pass


@dataclass(frozen=True)
class JobStarted(Event):
    pass


@dataclass(frozen=True)
class JobChanged(Event):
    """Something other than the state changed: name decided, size learnt, URL replaced, restart."""

    what: str = ""


@dataclass(frozen=True)
class JobRetrying(Event):
    """A transient failure; the engine will try again after ``delay`` seconds."""

    kind: ErrorKind
    message: str
    attempt: int
    delay: float


@dataclass(frozen=True)
class JobVerifying(Event):
    pass


@dataclass(frozen=True)
class JobPaused(Event):
    """Paused by the user (``message`` None) or by a condition such as a full disk."""

    message: str | None = None
    kind: ErrorKind | None = None


@dataclass(frozen=True)
class JobFinished(Event):
    path: str


@dataclass(frozen=True)
class JobFailed(Event):
    kind: ErrorKind
    message: str


@dataclass(frozen=True)
class JobRemoved(Event):
    pass


@dataclass(frozen=True)
class Progress:
    """A point-in-time reading of one job; speed in bytes/s, eta in seconds (None if unknown)."""

    job_id: JobId
    state: JobState
    bytes_downloaded: int
    total_bytes: int | None
    speed: float
    eta: float | None


class EventSink(Protocol):
    def __call__(self, event: Event) -> None: ...
