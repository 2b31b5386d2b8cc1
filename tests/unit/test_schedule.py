"""The schedule: moments the queue starts and stops, and hours a lower speed limit applies."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from wherry.core import Settings
from wherry.core.schedule import (
    LimitPeriod,
    QueueAction,
    QueueSchedule,
    format_time,
    limit_period,
    parse_time,
    queue_schedule,
)

START, STOP = QueueAction.START, QueueAction.STOP
WEEKDAYS_ONLY = frozenset(range(5))
# 2026-11-30 is a Monday.
MON, TUE, FRI, SAT, SUN = 30, 1, 4, 5, 6


def at(day: int, hour: int, minute: int = 0) -> datetime:
    month = 11 if day >= 30 else 12
    return datetime(2026, month, day, hour, minute)


def test_the_calendar_used_here() -> None:
    assert at(MON, 0).weekday() == 0
    assert at(FRI, 0).weekday() == 4
    assert at(SUN, 0).weekday() == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01:00", time(1, 0)),
        (" 23:59 ", time(23, 59)),
        ("", None),
        ("24:00", None),
        ("7", None),
        ("a:b", None),
    ],
)
def test_times_are_read_as_hh_mm(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected
    if expected is not None:
        assert parse_time(format_time(expected)) == expected


def test_night_schedule_starts_and_stops_on_chosen_days_only() -> None:
    night = QueueSchedule(WEEKDAYS_ONLY, time(1, 0), time(7, 0))
    moments = night.moments(at(FRI, 0), at(SUN, 23))
    assert moments == [(at(FRI, 1), START), (at(FRI, 7), STOP)]  # nothing on Saturday or Sunday


@pytest.mark.parametrize(
    ("after", "until", "due"),
    [
        (at(MON, 0, 59), at(MON, 1, 0), START),  # the minute it comes
        (at(MON, 0, 30), at(MON, 0, 59), None),  # not yet
        (at(MON, 1, 0), at(MON, 1, 10), None),  # already done last time
        (at(MON, 0, 30), at(MON, 8, 0), STOP),  # slept across both: the latest counts
        (at(MON, 6, 0), at(MON, 5, 0), None),  # the clock went back
        (at(MON, 0, 30), datetime(2026, 12, 11, 1, 30), START),  # slept for days: the latest, within a week
    ],
)
def test_due_is_the_latest_moment_passed_since_the_last_look(
    after: datetime, until: datetime, due: QueueAction | None
) -> None:
    night = QueueSchedule(WEEKDAYS_ONLY, time(1, 0), time(7, 0))
    assert night.due(after, until) == due


def test_an_overnight_period_stops_the_morning_after_its_day() -> None:
    friday_night = QueueSchedule(frozenset({4}), time(23, 0), time(6, 0))
    assert friday_night.moments(at(FRI, 12), at(SUN, 12)) == [(at(FRI, 23), START), (at(SAT, 6), STOP)]


def test_start_only_and_stop_only() -> None:
    every_day = frozenset(range(7))
    assert QueueSchedule(every_day, time(2, 0), None).next_moment(at(MON, 3)) == (at(TUE, 2), START)
    assert QueueSchedule(every_day, None, time(8, 0)).next_moment(at(MON, 3)) == (at(MON, 8), STOP)


def test_limit_applies_in_its_hours_and_overnight_into_the_next_day() -> None:
    office = LimitPeriod(WEEKDAYS_ONLY, time(9, 0), time(18, 0), 100_000)
    assert office.active_at(at(MON, 9, 0))
    assert office.ends_at(at(MON, 12)) == at(MON, 18)
    assert not office.active_at(at(MON, 18, 0))
    assert not office.active_at(at(SAT, 12))
    night = LimitPeriod(frozenset({4}), time(22, 0), time(6, 0), 50_000)
    assert night.ends_at(at(SAT, 5, 59)) == at(SAT, 6)
    assert not night.active_at(at(SUN, 5))  # Saturday night is not chosen


@pytest.mark.parametrize(("normal", "expected"), [(0, 100_000), (50_000, 50_000), (400_000, 100_000)])
def test_the_lower_of_the_two_limits_applies(normal: int, expected: int) -> None:
    office = LimitPeriod(WEEKDAYS_ONLY, time(9, 0), time(18, 0), 100_000)
    assert office.effective_limit(at(MON, 10), normal) == expected
    assert office.effective_limit(at(MON, 20), normal) == normal


def test_settings_make_a_schedule_only_when_on_and_complete() -> None:
    assert queue_schedule(Settings()) is None  # off by default
    on = Settings(schedule_enabled=True, schedule_days=("mon", "fri", "bogus"))
    assert queue_schedule(on) == QueueSchedule(frozenset({0, 4}), time(1, 0), time(7, 0))
    assert queue_schedule(on.with_changes(schedule_start="", schedule_stop="")) is None
    assert queue_schedule(on.with_changes(schedule_days=())) is None
    assert limit_period(Settings()) is None
    limit = Settings(limit_schedule_enabled=True, limit_schedule_rate=2048)
    assert limit_period(limit) == LimitPeriod(WEEKDAYS_ONLY, time(9, 0), time(18, 0), 2048)
    assert limit_period(limit.with_changes(limit_schedule_rate=0)) is None
    assert limit_period(limit.with_changes(limit_schedule_to="09:00")) is None
