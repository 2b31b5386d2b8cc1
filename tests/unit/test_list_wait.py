"""Waiting for a shared list: the parent sleeps until its helper ends, and then takes over."""

from __future__ import annotations

import asyncio
from typing import Any

from wherry.commands.get_list import ListRun, wait_all


class CountingEvent(asyncio.Event):
    def __init__(self) -> None:
        super().__init__()
        self.looks = 0

    def is_set(self) -> bool:
        self.looks += 1
        return super().is_set()


class QuietHelper:
    """A helper still at work: it has ended nothing and reports nothing unfinished."""

    def __init__(self) -> None:
        self.ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def unfinished(self) -> list[int]:
        return []


async def test_a_parent_done_with_its_share_sleeps_until_the_helper_ends():
    run = ListRun(engine=None, requests={}, reporter=None)  # type: ignore[arg-type]
    run.idle = CountingEvent()
    run.check()  # nothing of its own: idle
    helper = QuietHelper()
    stop = asyncio.Event()
    waiting = asyncio.ensure_future(wait_all(run, helper, stop))  # type: ignore[arg-type]
    for _ in range(200):
        await asyncio.sleep(0)
    looks_while_waiting = run.idle.looks
    for _ in range(200):
        await asyncio.sleep(0)
    assert not waiting.done()
    assert run.idle.looks == looks_while_waiting  # asleep, not looking again and again
    helper.ended.set_result(None)
    assert await asyncio.wait_for(waiting, 5) is True


async def test_a_stop_ends_the_wait_at_once():
    run: Any = ListRun(engine=None, requests={}, reporter=None)  # type: ignore[arg-type]
    run.check()
    helper = QuietHelper()
    stop = asyncio.Event()
    waiting = asyncio.ensure_future(wait_all(run, helper, stop))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    stop.set()
    assert await asyncio.wait_for(waiting, 5) is False
