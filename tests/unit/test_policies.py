"""Retry, circuit breaker, speed, Retry-After, Content-Range and URL checks: pure functions."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from wherry.core.errors import InputError, RetryableError, SourceError
from wherry.engine import validate_url
from wherry.engine.breaker import CircuitBreaker
from wherry.engine.http_errors import error_for_status, parse_retry_after
from wherry.engine.probe import ContentRange, parse_content_range
from wherry.engine.retry import RetryPolicy, RetryState
from wherry.engine.stats import SpeedMeter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_grows_exponentially_within_jitter_and_cap():
    policy = RetryPolicy(base_delay=1.0, max_delay=10.0)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)]:
        delay = policy.delay(attempt, rng=rng)
        assert ceiling / 2 <= delay <= ceiling


def test_retry_after_wins_when_longer():
    assert RetryPolicy(base_delay=0.1, max_delay=1.0).delay(1, retry_after=7.0) == 7.0


def test_retry_budget_counts_tries_and_time_and_progress_resets_it():
    state = RetryState(RetryPolicy(max_tries=3, max_seconds=100.0))
    state.record_failure(0.0)
    state.record_failure(1.0)
    assert not state.exhausted(1.0)
    state.record_progress()
    state.record_failure(2.0)
    state.record_failure(3.0)
    assert not state.exhausted(3.0)
    state.record_failure(4.0)
    assert state.exhausted(4.0)
    timed = RetryState(RetryPolicy(max_tries=100, max_seconds=10.0))
    timed.record_failure(0.0)
    assert timed.exhausted(5.0, next_delay=6.0)


class Longest(random.Random):
    """Jitter that always picks the longest wait: the worst case for how long giving up takes."""

    def uniform(self, a: float, b: float) -> float:
        return b


def _seconds_until_given_up(state: RetryState, cut_at: int | None, tries: int = 100) -> float | None:
    """Fail again and again at the same point, waiting each delay; when does the URL give up?"""
    now = 0.0
    for _ in range(tries):
        state.record_failure(now, cut_at)
        delay = state.policy.delay(state.failures, rng=Longest())
        if state.exhausted(now, delay):
            return now
        now += delay
    return None


def test_a_server_ending_at_the_same_byte_is_given_up_within_thirty_seconds_of_the_first_try():
    policy = RetryPolicy()  # the defaults a user gets
    state = RetryState(policy)
    # The first answer got somewhere (progress), then every answer stops at the same byte.
    state.record_progress()
    given_up = _seconds_until_given_up(state, cut_at=5000)
    assert given_up is not None
    assert given_up <= 30.0
    assert state.stuck_tries == policy.max_stuck_tries
    assert "byte 5,000 " in state.stuck_sentence("example.org")


def test_a_flaky_link_without_answers_keeps_the_long_budget():
    policy = RetryPolicy()
    given_up = _seconds_until_given_up(RetryState(policy), cut_at=None)
    assert given_up is not None
    assert given_up > 60.0  # minutes of patience for a link that drops, as before
    assert policy.max_stuck_tries < policy.max_tries


def test_progress_past_the_furthest_point_renews_both_budgets():
    state = RetryState(RetryPolicy(max_stuck_tries=3))
    state.record_failure(0.0, cut_at=100)
    state.record_failure(1.0, cut_at=100)
    assert not state.exhausted(1.0)
    state.record_progress()
    state.record_failure(2.0, cut_at=200)
    state.record_failure(3.0, cut_at=200)
    assert not state.exhausted(3.0)
    state.record_failure(4.0, cut_at=200)
    assert state.exhausted(4.0)
    assert state.stuck_at == 200


def test_the_stuck_budget_is_also_bounded_in_time():
    state = RetryState(RetryPolicy(max_stuck_tries=100, max_stuck_seconds=30.0))
    state.record_failure(0.0, cut_at=7)
    assert not state.exhausted(10.0, next_delay=5.0)
    assert state.exhausted(25.0, next_delay=6.0)


def test_breaker_opens_after_threshold_then_lets_one_probe_through():
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, cooldown=30.0, clock=clock)
    for _ in range(2):
        breaker.failed("h")
    assert breaker.allow("h")
    breaker.failed("h")
    assert not breaker.allow("h")
    assert breaker.retry_in("h") == pytest.approx(30.0)
    clock.now += 31
    assert breaker.allow("h")  # half-open: one probe
    assert not breaker.allow("h")  # and only one
    breaker.failed("h")
    assert not breaker.allow("h")  # open again
    clock.now += 31
    assert breaker.allow("h")
    breaker.succeeded("h")
    assert breaker.allow("h")
    assert breaker.allow("h")


def test_breaker_hosts_are_independent():
    breaker = CircuitBreaker(threshold=1, cooldown=30.0, clock=Clock())
    breaker.failed("a")
    assert not breaker.allow("a")
    assert breaker.allow("b")


def test_speed_meter_window_and_eta():
    clock = Clock()
    meter = SpeedMeter(window=5.0, clock=clock)
    for _ in range(10):
        clock.now += 0.5
        meter.add(1000)
    assert meter.speed() == pytest.approx(2000, rel=0.15)
    assert meter.eta(4000) == pytest.approx(2.0, rel=0.15)
    clock.now += 60
    assert meter.speed() == 0.0
    assert meter.eta(4000) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bytes 0-99/100", ContentRange(0, 99, 100)),
        ("bytes 10-19/*", ContentRange(10, 19, None)),
        ("BYTES 5-5/6", ContentRange(5, 5, 6)),
        ("bytes 20-10/100", None),
        ("bytes 0-100/100", None),
        ("bytes */100", None),
        ("items 0-1/2", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_content_range(value, expected):
    assert parse_content_range(value) == expected


def test_parse_retry_after_seconds_and_dates():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("999999") == 3600.0


@pytest.mark.parametrize(
    ("status", "kind"),
    [(404, SourceError), (410, SourceError), (401, SourceError), (403, SourceError), (418, SourceError)],
)
def test_permanent_statuses_abandon_the_url(status, kind):
    error = error_for_status(status, "http://example.org/x")
    assert isinstance(error, kind)
    assert str(status) in error.message


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(status):
    error = error_for_status(status, "http://example.org/x", "12")
    assert isinstance(error, RetryableError)
    assert error.retry_after == 12.0


@pytest.mark.parametrize(
    "url",
    [
        "ftp://host/file",
        "file:///etc/passwd",
        "http://",
        "not a url",
        "http://host:99999/",
        "javascript:alert(1)",
    ],
)
def test_bad_urls_are_refused_in_one_sentence(url):
    with pytest.raises(InputError) as info:
        validate_url(url)
    assert info.value.message.endswith(".")
    assert "\n" not in info.value.message


def test_good_urls_pass_stripped():
    assert validate_url("  https://example.org/a b  ".replace(" b", "")) == "https://example.org/a"
