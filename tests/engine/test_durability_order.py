"""The store never counts a byte that is not on disk: fdatasync first, then the counters.

A SIGKILL keeps the page cache, so the kill tests cannot see a checkpoint that commits its counters
before (or without) syncing the data; only a power cut would. These tests therefore watch the real
Checkpointer through a recording PartFile (which knows which bytes each fdatasync made durable)
and a recording repository (which checks every committed counter against those bytes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from wherry.core.jobs import Job, JobState, Segment
from wherry.engine.checkpoint import Checkpointer
from wherry.engine.partfile import PartFile
from wherry.store import SqliteRepository
from wherry.store.db import open_database

SIZE = 64 * 1024


class RecordingPart(PartFile):
    """A real locked .part file that remembers which bytes were written and which were synced."""

    def __init__(self, path: Path, fd: int) -> None:
        super().__init__(path, fd)
        self.written = bytearray(SIZE)  # 1 where a byte was written
        self.durable = bytearray(SIZE)  # 1 where a completed fdatasync covered the write
        self.syncs = 0
        self.during_sync: Callable[[], None] | None = None

    def write_at(self, data: bytes | memoryview, offset: int) -> int:
        n = super().write_at(data, offset)
        self.written[offset : offset + n] = b"\x01" * n
        return n

    async def sync(self) -> None:
        # fdatasync makes durable what was written before it was called; bytes written while it
        # runs (other connections keep writing) may or may not be covered, so they are not counted.
        covered = bytes(self.written)
        if self.during_sync is not None:
            self.during_sync()
        await asyncio.sleep(0)  # the real sync runs in an executor: the loop goes on meanwhile
        await super().sync()
        self.syncs += 1
        self.durable = bytearray(a | b for a, b in zip(self.durable, covered, strict=True))


class RecordingRepository(SqliteRepository):
    """The real store, checking each committed progress against what the part file made durable."""

    part: RecordingPart
    commits: list[int]

    def save_progress(self, job: Job) -> None:
        for segment in job.segments:
            counted = self.part.durable[segment.start : segment.position]
            assert all(counted), (
                f"segment at {segment.start} counts {segment.done} bytes, "
                f"but only {sum(counted)} of them were synced before the commit"
            )
        super().save_progress(job)
        self.commits.append(job.bytes_done)


@pytest.fixture
def rig(tmp_path: Path):
    db, _ = open_database(tmp_path / "wherry.db")
    repo = RecordingRepository(db, tmp_path / "wherry.db")
    job = Job(url="http://127.0.0.1/x.bin", directory=str(tmp_path), filename="x.bin")
    job.total_size, job.accept_ranges, job.state = SIZE, True, JobState.RUNNING
    job.segments = [Segment(0, SIZE // 2), Segment(SIZE // 2, SIZE)]
    repo.save_job(job)
    path = tmp_path / "x.bin.part"
    plain = PartFile.open(path)
    part = RecordingPart(path, plain._fd)
    repo.part, repo.commits = part, []
    try:
        yield job, repo, part
    finally:
        part.close()
        repo.close()


def _write(job: Job, part: RecordingPart, index: int, n: int) -> None:
    """What a connection does: bytes to the file first, then its counter moves."""
    segment = job.segments[index]
    part.write_at(bytes([index + 1]) * n, segment.position)
    segment.done += n


async def test_counters_committed_only_for_bytes_synced_before_the_commit(rig):
    job, repo, part = rig
    checkpoint = Checkpointer(job, repo, interval=0.01)
    checkpoint.part = part
    _write(job, part, 0, 1000)
    _write(job, part, 1, 500)
    # Connections keep writing while the sync runs; those bytes must wait for the next checkpoint.
    part.during_sync = lambda: (_write(job, part, 0, 700), _write(job, part, 1, 300))
    await checkpoint.flush()
    assert repo.commits == [1500]
    assert part.syncs == 1
    part.during_sync = None
    await checkpoint.flush()
    assert repo.commits == [1500, 2500]
    stored = next(j for j in repo.load_jobs() if j.id == job.id)
    assert [s.done for s in stored.segments] == [1700, 800]


async def test_the_timer_and_the_last_checkpoint_keep_the_order_under_concurrent_writes(rig):
    job, repo, part = rig
    checkpoint = Checkpointer(job, repo, interval=0.005)
    checkpoint.part = part
    part.during_sync = lambda: _write(job, part, 1, 64)
    checkpoint.start()

    async def connection(index: int) -> None:
        for _ in range(40):
            if job.segments[index].remaining and job.segments[index].remaining >= 256:
                _write(job, part, index, 256)
            await asyncio.sleep(0.001)

    await asyncio.wait_for(asyncio.gather(connection(0), connection(1)), 20)
    await asyncio.wait_for(until_commits(repo, 3), 10)
    part.during_sync = None
    await checkpoint.stop()
    assert repo.commits[-1] == job.bytes_done
    assert repo.commits == sorted(repo.commits)
    assert part.syncs >= len(repo.commits)


async def until_commits(repo: RecordingRepository, n: int) -> None:
    while len(repo.commits) < n:
        await asyncio.sleep(0.005)


async def test_unchanged_progress_is_neither_synced_nor_rewritten(rig):
    job, repo, part = rig
    checkpoint = Checkpointer(job, repo)
    checkpoint.part = part
    _write(job, part, 0, 10)
    await checkpoint.flush()
    await checkpoint.flush()
    assert repo.commits == [10]
    assert part.syncs == 1
