"""What Wherry has downloaded: one record per run of a job, and the summary the window draws.

A run ends when its job finishes, fails or stops (paused, cancelled, Wherry closed). Records
outlive the jobs, so clearing finished downloads from the list keeps the statistics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from wherry.core.errors import ErrorKind
from wherry.core.jobs import JobId

__all__ = ["Outcome", "Statistics", "Transfer", "summarize"]


class Outcome(StrEnum):
    FINISHED = "finished"
    FAILED = "failed"
    STOPPED = "stopped"  # paused, cancelled, or Wherry closed mid-transfer


@dataclass(frozen=True)
class Transfer:
    """One run: ``fetched`` bytes came over the network; ``saved`` bytes did not have to
    (already on disk from an earlier run, or an identical file reused)."""

    job_id: JobId
    at: datetime  # aware; when the run ended
    outcome: Outcome
    fetched: int = 0
    saved: int = 0
    error_kind: ErrorKind | None = None


@dataclass(frozen=True)
class Statistics:
    per_day: tuple[tuple[date, int], ...]  # bytes fetched per local day, oldest first, every day present
    fetched_total: int
    saved_total: int
    finished: int
    failures: tuple[tuple[ErrorKind, int], ...]  # most frequent first


def summarize(
    transfers: Iterable[Transfer], today: date, zone: tzinfo | None = None, days: int = 30
) -> Statistics:
    """Sum ``transfers`` up; the chart covers ``days`` days ending with ``today`` in ``zone``."""
    first = today - timedelta(days=days - 1)
    per_day = dict.fromkeys((first + timedelta(days=n) for n in range(days)), 0)
    fetched = saved = finished = 0
    failures: Counter[ErrorKind] = Counter()
    for transfer in transfers:
        fetched += transfer.fetched
        saved += transfer.saved
        day = transfer.at.astimezone(zone).date()
        if day in per_day:
            per_day[day] += transfer.fetched
        if transfer.outcome is Outcome.FINISHED:
            finished += 1
        elif transfer.outcome is Outcome.FAILED:
            failures[transfer.error_kind or ErrorKind.INTERNAL] += 1
    ranked = sorted(failures.items(), key=lambda item: (-item[1], item[0].value))
    return Statistics(tuple(per_day.items()), fetched, saved, finished, tuple(ranked))
