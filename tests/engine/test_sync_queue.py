"""SyncQueue: callers share executor trips, none returns before a sync that began after its call."""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from pathlib import Path

import pytest

from wherry.engine.partfile import PartFile, sync_and_close
from wherry.engine.sync_queue import SyncQueue


class Recorder:
    """A sync_one that records each batch it ran in, and can be held until the test lets go."""

    def __init__(self) -> None:
        self.synced: list[tuple[int, str]] = []  # (batch number, key)
        self.batch = 0
        self.hold = threading.Event()
        self.hold.set()
        self.entered = threading.Event()
        self.fail: set[str] = set()

    def __call__(self, key: str) -> None:
        self.entered.set()
        assert self.hold.wait(10)
        self.synced.append((self.batch, key))
        if key in self.fail:
            raise OSError(errno.EIO, "Input/output error", key)


async def test_callers_during_a_batch_share_the_next_one() -> None:
    recorder = Recorder()
    queue: SyncQueue[str] = SyncQueue(recorder, "test")
    recorder.hold.clear()
    first = asyncio.create_task(queue.sync("a"))
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(None, recorder.entered.wait, 10)  # batch 1 runs, held
    # Asked while batch 1 is under way: it may have begun before their writes, so they wait for
    # batch 2, and both share it (and "a" again is synced again).
    later = [asyncio.create_task(queue.sync(key)) for key in ("b", "c", "a")]
    await asyncio.sleep(0)
    assert not any(task.done() for task in later)
    recorder.hold.set()
    await asyncio.wait_for(asyncio.gather(first, *later), 10)
    assert queue.batches == 2
    assert [key for _, key in recorder.synced] == ["a", "b", "c", "a"]


async def test_a_failed_sync_is_raised_to_its_own_caller_only() -> None:
    recorder = Recorder()
    recorder.fail = {"bad"}
    queue: SyncQueue[str] = SyncQueue(recorder, "test")
    good, bad = queue.sync("good"), queue.sync("bad")
    results = await asyncio.wait_for(asyncio.gather(good, bad, return_exceptions=True), 10)
    assert results[0] is None
    assert isinstance(results[1], OSError)
    assert results[1].errno == errno.EIO
    assert queue.batches == 1


async def test_a_cancelled_caller_does_not_cancel_the_batch_of_the_others() -> None:
    recorder = Recorder()
    queue: SyncQueue[str] = SyncQueue(recorder, "test")
    recorder.hold.clear()
    leaving = asyncio.create_task(queue.sync("x"))
    staying = asyncio.create_task(queue.sync("y"))
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(None, recorder.entered.wait, 10)
    leaving.cancel()
    recorder.hold.set()
    await asyncio.wait_for(staying, 10)
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert sorted(key for _, key in recorder.synced) == ["x", "y"]  # x was synced all the same


async def test_a_part_file_synced_in_a_batch_keeps_its_descriptor_and_lock(tmp_path: Path) -> None:
    queue: SyncQueue[int] = SyncQueue(sync_and_close, "files")
    part = PartFile.open(tmp_path / "x.part", queue)
    try:
        part.write_at(b"data", 0)
        await asyncio.wait_for(part.sync(), 10)  # a periodic checkpoint: its own trip
        assert queue.batches == 0
        await asyncio.wait_for(part.sync_shared(), 10)  # a download's last sync: in a batch
        assert queue.batches == 1
        part.write_at(b"more", 4)  # the duplicate the batch closed was not the file's own
        assert part.read_at(8, 0) == b"datamore"
        with pytest.raises(Exception, match="another Wherry"):
            PartFile.open(tmp_path / "x.part")  # still locked
    finally:
        part.close()
    before = len(os.listdir(f"/proc/{os.getpid()}/fd")) if Path("/proc/self/fd").exists() else None
    if before is not None:
        part = PartFile.open(tmp_path / "x.part", queue)
        await asyncio.wait_for(part.sync_shared(), 10)
        part.close()
        assert len(os.listdir(f"/proc/{os.getpid()}/fd")) == before  # no descriptor left open
