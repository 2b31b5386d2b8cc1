"""Jobs waiting for a connection slot wait in line: room wakes the one that can take it."""

from __future__ import annotations

import asyncio

from wherry.engine.breaker import CircuitBreaker
from wherry.engine.hosts import HostPool

LONG = 30.0  # a wait that must end by a wake-up, never by its timeout


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_released_slot_wakes_only_the_first_job_in_line() -> None:
    pool = HostPool(CircuitBreaker(), cap=1)
    holder = object()
    assert pool.try_acquire("h", holder)
    waiters = [asyncio.create_task(pool.wait_for_room(LONG, {"h"})) for _ in range(5)]
    await _settle()
    assert not any(w.done() for w in waiters)

    pool.release("h", holder)
    await _settle()

    assert [w.done() for w in waiters] == [True, False, False, False, False]
    assert waiters[0].result() == "h"
    for waiter in waiters[1:]:
        waiter.cancel()
    await asyncio.gather(*waiters[1:], return_exceptions=True)


async def test_the_line_skips_a_job_beyond_its_share_and_one_waiting_for_another_host() -> None:
    pool = HostPool(CircuitBreaker(), cap=2)
    greedy, fair, other_host = object(), object(), object()
    for owner in (greedy, fair):
        pool.want("h", owner, 2)
    assert pool.try_acquire("h", greedy)  # its whole share: one of the two
    assert pool.try_acquire("h")  # the other slot, held outside the shares
    first = asyncio.create_task(pool.wait_for_room(LONG, {"h"}, greedy))
    second = asyncio.create_task(pool.wait_for_room(LONG, {"elsewhere"}, other_host))
    third = asyncio.create_task(pool.wait_for_room(LONG, {"h"}, fair))
    await _settle()

    pool.release("h")
    await _settle()

    assert (first.done(), second.done(), third.done()) == (False, False, True)
    assert pool.try_acquire("h", fair)
    for task in (first, second):
        task.cancel()
    await asyncio.gather(first, second, return_exceptions=True)


async def test_room_given_to_a_job_cancelled_before_it_runs_goes_to_the_next() -> None:
    pool = HostPool(CircuitBreaker(), cap=1)
    holder = object()
    assert pool.try_acquire("h", holder)
    first = asyncio.create_task(pool.wait_for_room(LONG, {"h"}))
    second = asyncio.create_task(pool.wait_for_room(LONG, {"h"}))
    await _settle()

    pool.release("h", holder)  # wakes the first ...
    first.cancel()  # ... which is stopped (its job paused) before it could take the slot
    await _settle()

    assert first.cancelled()
    assert second.done()
    assert second.result() == "h"


async def test_a_wait_ends_at_its_timeout_and_leaves_the_line() -> None:
    pool = HostPool(CircuitBreaker(), cap=1)
    assert pool.try_acquire("h")

    assert await asyncio.wait_for(pool.wait_for_room(0.01, {"h"}), LONG) is None

    later = asyncio.create_task(pool.wait_for_room(LONG, {"h"}))
    await _settle()
    pool.release("h")
    assert await asyncio.wait_for(later, LONG) == "h"  # the line held nobody stale before it
