"""The tail of a download: an idle connection takes half of a slow one's share, below min split."""

from __future__ import annotations

from wherry.core.jobs import Segment
from wherry.engine.connections import Worker, claim, more_work_may_come, tail_split, worth_splitting

MIB = 1024 * 1024


def _slow_worker(segment: Segment, rate: float, running_for: float, now: float) -> Worker:
    worker = Worker(0)
    worker.segment = segment
    worker.started = now - running_for
    worker.meter.eta = lambda left: None if left is None else left / rate  # type: ignore[method-assign]
    return worker


def test_a_share_smaller_than_twice_the_min_split_is_still_halved_for_an_idle_connection() -> None:
    # Sixteen even 2 MiB shares of a 32 MiB file, min split 1 MiB: once a connection has started,
    # its share has less than 2 MiB left, so halving by the min split alone never happens and the
    # slowest connection holds the end of the file while the others sit idle.
    now = 100.0
    slow = Segment(0, 2 * MIB, 512 * 1024)  # 1.5 MiB left at 150 KB/s: ten seconds to go
    done = Segment(2 * MIB, 4 * MIB, 2 * MIB)
    segments = [slow, done]
    worker = _slow_worker(slow, 150_000, running_for=3.0, now=now)
    busy = {id(slow)}
    assert more_work_may_come(segments, True, MIB)
    taken = claim(
        segments,
        busy,
        piece=None,
        min_split=MIB,
        can_split=True,
        worth=lambda s: worth_splitting([worker], s, now),
    )
    assert taken is not None
    assert taken.start > slow.position
    assert taken.end == 2 * MIB
    assert slow.end == taken.start  # the slow connection now stops where the new share begins
    assert (taken.end - taken.start) >= tail_split(MIB)
    assert slow.end - slow.position >= tail_split(MIB)


def test_nothing_is_halved_below_the_tail_size_or_from_a_connection_about_to_finish() -> None:
    now = 100.0
    small = Segment(0, 2 * MIB, 2 * MIB - tail_split(MIB))  # less than two tail pieces left
    assert not more_work_may_come([small], True, MIB)
    assert (
        claim([small], {id(small)}, piece=None, min_split=MIB, can_split=True, worth=lambda s: True) is None
    )
    fast = Segment(0, 2 * MIB, MIB)  # 1 MiB left at 10 MB/s: done in a tenth of a second
    worker = _slow_worker(fast, 10e6, running_for=3.0, now=now)
    found = claim(
        [fast],
        {id(fast)},
        piece=None,
        min_split=MIB,
        can_split=True,
        worth=lambda s: worth_splitting([worker], s, now),
    )
    assert found is None


def test_the_tail_size_follows_the_min_split_setting() -> None:
    assert tail_split(MIB) == 256 * 1024
    assert tail_split(20 * MIB) == 5 * MIB  # a person who asked for big requests still gets big ones
    assert tail_split(1000) == 4096  # never below one aligned block
