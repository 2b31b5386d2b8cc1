from __future__ import annotations

import asyncio

from wherry.engine.breaker import CircuitBreaker
from wherry.engine.hosts import HostPool
from wherry.engine.ratelimit import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_unlimited_bucket_never_waits(monkeypatch):
    clock = Clock()
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    bucket = TokenBucket(0, clock=clock)
    for _ in range(100):
        await bucket.consume(10**12)
    assert slept == []
    assert clock.now == 0.0
    assert bucket.chunk_size(1 << 20) == 1 << 20  # full-size reads: nothing to smooth
    # A limit set and lifted again leaves the bucket unlimited.
    bucket.rate = 1000
    bucket.rate = 0
    await bucket.consume(10**12)
    assert slept == []


async def test_bucket_debt_is_waited_off_at_the_rate(monkeypatch):
    clock = Clock()
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    bucket = TokenBucket(100_000, clock=clock)
    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    await bucket.consume(100_000)
    assert sum(slept) == __import__("pytest").approx(1.0, rel=0.01)
    assert max(slept) <= 0.2  # a changed limit is noticed within a fifth of a second


async def test_raising_the_limit_takes_effect_at_once(monkeypatch):
    clock = Clock()
    bucket = TokenBucket(1_000, clock=clock)

    async def fake_sleep(seconds: float) -> None:
        clock.now += seconds
        bucket.rate = 0  # unlimited from now on

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    await bucket.consume(1_000_000)
    assert clock.now <= 0.2


def test_chunk_size_shrinks_for_low_limits():
    assert TokenBucket(0).chunk_size(1 << 20) == 1 << 20
    assert TokenBucket(80_000).chunk_size(1 << 20) == 16 * 1024
    assert TokenBucket(80_000_000).chunk_size(1 << 20) == 1 << 20


def test_host_pool_caps_connections_and_respects_the_breaker():
    breaker = CircuitBreaker(threshold=1, cooldown=60)
    pool = HostPool(breaker, cap=2)
    assert pool.try_acquire("a")
    assert pool.try_acquire("a")
    assert not pool.try_acquire("a")
    assert pool.try_acquire("b")
    pool.release("a")
    assert pool.try_acquire("a")
    breaker.failed("b")
    assert not pool.usable("b")
    assert not pool.try_acquire("b")
