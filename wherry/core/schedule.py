"""The schedule: when the queue starts and stops, and when a lower speed limit applies.

Times are local wall-clock times ("01:00") on chosen weekdays, as uGet and FDM offer them. The
days name the day a period *begins*: a period from 23:00 to 06:00 on Friday ends on Saturday
morning. Pure and standard library only; the window drives it with a timer and a clock.

Starting and stopping are moments, not states: the queue is started when a start time passes and
stopped when a stop time passes, so what a person does by hand in between (resuming a download
at noon) is left alone until the next moment comes. If the computer slept across several of
them, only the latest counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from wherry.core.settings import Settings

__all__ = [
    "WEEKDAYS",
    "LimitPeriod",
    "QueueAction",
    "QueueSchedule",
    "format_time",
    "limit_period",
    "parse_time",
    "queue_schedule",
]

# Stored in Settings by these names, Monday first as datetime.weekday() counts.
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# A longer sleep than this only needs the latest moment, and it lies within the last week.
_LOOK_BACK = timedelta(days=8)


class QueueAction(StrEnum):
    START = "start"
    STOP = "stop"


def parse_time(text: str) -> time | None:
    """``"HH:MM"`` as a time; None for "" or anything unreadable."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _weekdays(names: Iterable[str]) -> frozenset[int]:
    return frozenset(WEEKDAYS.index(name) for name in names if name in WEEKDAYS)


@dataclass(frozen=True)
class QueueSchedule:
    """Start the queue at ``start`` and stop it at ``stop`` (either may be None) on ``days``."""

    days: frozenset[int]
    start: time | None
    stop: time | None

    def _moments_on(self, day: datetime) -> list[tuple[datetime, QueueAction]]:
        if day.weekday() not in self.days:
            return []
        moments = []
        if self.start is not None:
            moments.append((datetime.combine(day.date(), self.start), QueueAction.START))
        if self.stop is not None:
            overnight = self.start is not None and self.stop <= self.start
            stop_day = day.date() + timedelta(days=1 if overnight else 0)
            moments.append((datetime.combine(stop_day, self.stop), QueueAction.STOP))
        return moments

    def moments(self, after: datetime, until: datetime) -> list[tuple[datetime, QueueAction]]:
        """The starts and stops in (``after``, ``until``], in order."""
        if until <= after:
            return []
        after = max(after, until - _LOOK_BACK)
        found = []
        day = datetime.combine(after.date() - timedelta(days=1), time())
        while day.date() <= until.date():
            found += [(at, action) for at, action in self._moments_on(day) if after < at <= until]
            day += timedelta(days=1)
        return sorted(found)

    def due(self, after: datetime, until: datetime) -> QueueAction | None:
        """What to do now, having last looked at ``after``: the latest moment passed, if any."""
        passed = self.moments(after, until)
        return passed[-1][1] if passed else None

    def next_moment(self, now: datetime) -> tuple[datetime, QueueAction] | None:
        ahead = self.moments(now, now + timedelta(days=8))
        return ahead[0] if ahead else None


@dataclass(frozen=True)
class LimitPeriod:
    """A total speed limit of ``rate`` bytes per second from ``begin`` to ``end`` on ``days``."""

    days: frozenset[int]
    begin: time
    end: time
    rate: int

    def _periods_from(self, day: datetime) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self.days:
            return None
        begins = datetime.combine(day.date(), self.begin)
        end_day = day.date() + timedelta(days=1 if self.end <= self.begin else 0)
        return begins, datetime.combine(end_day, self.end)

    def ends_at(self, now: datetime) -> datetime | None:
        """When the period ``now`` lies in ends, or None when ``now`` is outside every period."""
        for back in (1, 0):
            period = self._periods_from(now - timedelta(days=back))
            if period is not None and period[0] <= now < period[1]:
                return period[1]
        return None

    def active_at(self, now: datetime) -> bool:
        return self.ends_at(now) is not None

    def effective_limit(self, now: datetime, normal: int) -> int:
        """The total limit to apply at ``now``: the lower of the two where both limit (0 is none)."""
        if not self.active_at(now):
            return normal
        return min(normal, self.rate) if normal else self.rate


def queue_schedule(settings: Settings) -> QueueSchedule | None:
    """The queue's schedule, or None when it is off or names no time and no day."""
    days = _weekdays(settings.schedule_days)
    start, stop = parse_time(settings.schedule_start), parse_time(settings.schedule_stop)
    if not settings.schedule_enabled or not days or (start is None and stop is None):
        return None
    return QueueSchedule(days, start, stop)


def limit_period(settings: Settings) -> LimitPeriod | None:
    """The scheduled speed limit, or None when it is off or incomplete."""
    days = _weekdays(settings.limit_schedule_days)
    begin, end = parse_time(settings.limit_schedule_from), parse_time(settings.limit_schedule_to)
    if (
        not settings.limit_schedule_enabled
        or not days
        or begin is None
        or end is None
        or begin == end
        or settings.limit_schedule_rate <= 0
    ):
        return None
    return LimitPeriod(days, begin, end, settings.limit_schedule_rate)
