"""The statistics summary: bytes per local day for 30 days, savings, failures by cause."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from wherry.core import ErrorKind
from wherry.core.statistics import Outcome, Transfer, summarize

TODAY = date(2026, 12, 1)
BERLIN_WINTER = timezone(timedelta(hours=1))


def _at(day: int, hour: int) -> datetime:
    return (
        datetime(2026, 11, day, hour, tzinfo=UTC)
        if day <= 30
        else datetime(2026, 12, day - 30, hour, tzinfo=UTC)
    )


def test_thirty_days_every_day_present_oldest_first_in_the_local_zone():
    transfers = [
        Transfer("a", _at(31, 9), Outcome.FINISHED, fetched=1000, saved=200),
        Transfer("b", _at(30, 23), Outcome.STOPPED, fetched=50),  # 00:30 on 1 Dec in Berlin
        Transfer("c", _at(2, 12), Outcome.FINISHED, fetched=7),  # day 30 counted back from today
        Transfer("d", _at(1, 12), Outcome.FINISHED, fetched=9999),  # 31 days ago: outside the chart
    ]
    stats = summarize(transfers, TODAY, BERLIN_WINTER)
    days = [day for day, _ in stats.per_day]
    assert len(days) == 30
    assert days[0] == date(2026, 11, 2)
    assert days[-1] == TODAY
    assert stats.per_day[-1] == (TODAY, 1050)
    assert stats.per_day[0] == (date(2026, 11, 2), 7)
    assert sum(b for _, b in stats.per_day) == 1057
    assert stats.fetched_total == 1000 + 50 + 7 + 9999  # totals are all-time
    assert stats.saved_total == 200
    assert stats.finished == 3


def test_failures_are_counted_by_cause_most_frequent_first():
    at = _at(31, 9)
    transfers = [
        Transfer("a", at, Outcome.FAILED, error_kind=ErrorKind.NOT_FOUND),
        Transfer("b", at, Outcome.FAILED, error_kind=ErrorKind.CHECKSUM_MISMATCH),
        Transfer("c", at, Outcome.FAILED, error_kind=ErrorKind.NOT_FOUND),
        Transfer("d", at, Outcome.STOPPED),
        Transfer("e", at, Outcome.FAILED),
    ]
    stats = summarize(transfers, TODAY, UTC)
    assert stats.failures == (
        (ErrorKind.NOT_FOUND, 2),
        (ErrorKind.CHECKSUM_MISMATCH, 1),
        (ErrorKind.INTERNAL, 1),
    )
