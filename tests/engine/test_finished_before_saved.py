"""A download renamed into place whose saves a crash lost is kept once, not fetched under a new name.

The engine's saves share group commits (a few milliseconds), so a download can be complete,
synced and renamed before the store has heard that it even started. A crash then leaves the
file in place and the job as it was last committed: queued with no name, or running with no
bytes counted. Run again, the job fetches the file once more; before this was handled, the
name it had was taken (by itself), and the second copy became ``name (1).bin``.

The crash is reproduced exactly: the saves are held (never committed) and the store file is
copied at that moment, which is what a SIGKILL would leave on disk. The engine then restarts
on the copy.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.engine.conftest import Harness, payload
from wherry.core.events import Event, JobChanged
from wherry.core.jobs import Job, JobState
from wherry.engine import Engine

TIMEOUT = 30


def _crash_copy(harness: Harness, where: Path) -> Path:
    """The store as a crash now would leave it: the committed transactions only."""
    where.mkdir()
    for suffix in ("", "-wal"):
        source = harness.tmp / f"wherry.db{suffix}"
        if source.exists():
            shutil.copyfile(source, where / source.name)
    return where


async def _restart_on(crashed: Path, **overrides: object) -> tuple[Harness, Engine]:
    after = Harness(crashed)
    return after, await after.open(**overrides)


async def _finish_all(engine: Engine, jobs: list[Job]) -> list[Job]:
    for job in jobs:
        if engine.job(job.id).state is not JobState.QUEUED:
            await engine.resume(job.id)
    return list(await asyncio.wait_for(asyncio.gather(*(engine.wait(job.id) for job in jobs)), TIMEOUT))


def _history(harness: Harness, job: Job) -> list[str]:
    assert harness.repository is not None
    return [line for _, line in harness.repository.load_history(job.id)]


async def test_files_renamed_before_any_save_was_committed_are_kept_once(
    harness: Harness, flaky_server: Any, tmp_path: Path
) -> None:
    bodies = {f"unsaved-{i}.bin": payload(3000, seed=i) for i in range(5)}
    urls = [flaky_server.add(f"/{name}", body) for name, body in bodies.items()]
    engine = await harness.open()
    assert harness.repository is not None
    held: list[Callable[[], None]] = []
    harness.repository.group_commits(held.append)
    added = await engine.add_many([harness.request(url) for url in urls])
    jobs = [job for job in added if isinstance(job, Job)]
    done = await asyncio.wait_for(asyncio.gather(*(engine.wait(job.id) for job in jobs)), TIMEOUT)
    assert all(job.state is JobState.FINISHED for job in done)
    crashed = _crash_copy(harness, tmp_path / "crashed")
    await harness.close()

    after, engine = await _restart_on(crashed)
    try:
        stored = {job.id: job for job in engine.jobs()}
        # As committed: added, never heard of since (no name, no bytes).
        assert all(stored[job.id].filename is None for job in jobs)
        again = await _finish_all(engine, jobs)
        assert [job.state for job in again] == [JobState.FINISHED] * len(jobs)
        assert sorted(job.filename or "" for job in again) == sorted(bodies)
        assert sorted(p.name for p in harness.downloads.iterdir()) == sorted(bodies)
        for name, body in bodies.items():
            assert (harness.downloads / name).read_bytes() == body
        assert all(any("identical" in line for line in _history(after, job)) for job in again)
    finally:
        await after.close()


class _CommitWhenProbed(list[Event]):
    """An event sink that lets the group commit through once, when the file's name is decided:
    the store then knows the name, but not that the bytes are in or that the file is final."""

    def __init__(self, held: list[Callable[[], None]]) -> None:
        super().__init__()
        self.held = held

    def append(self, event: Event) -> None:
        super().append(event)
        if isinstance(event, JobChanged) and event.what == "probed":
            callbacks, self.held[:] = list(self.held), []
            for callback in callbacks:
                callback()


async def test_a_file_renamed_after_only_its_name_was_committed_is_kept_once(
    harness: Harness, flaky_server: Any, tmp_path: Path
) -> None:
    body = payload(20_000)
    url = flaky_server.add("/named.bin", body)
    held: list[Callable[[], None]] = []
    harness.events = _CommitWhenProbed(held)
    engine = await harness.open()
    assert harness.repository is not None
    harness.repository.group_commits(held.append)
    job = await engine.add(harness.request(url))
    assert (await asyncio.wait_for(engine.wait(job.id), TIMEOUT)).state is JobState.FINISHED
    crashed = _crash_copy(harness, tmp_path / "crashed")
    await harness.close()

    after, engine = await _restart_on(crashed)
    try:
        before = engine.job(job.id)
        assert before.filename == "named.bin"
        assert before.bytes_done == 0
        (again,) = await _finish_all(engine, [job])
        assert again.state is JobState.FINISHED
        assert again.filename == "named.bin"
        assert sorted(p.name for p in harness.downloads.iterdir()) == ["named.bin"]
        assert (harness.downloads / "named.bin").read_bytes() == body
    finally:
        await after.close()


async def test_a_chosen_name_already_holding_the_same_bytes_finishes_the_job_from_before(
    harness: Harness, flaky_server: Any
) -> None:
    """``-o NAME`` refuses to replace a file; the same bytes, left by the job's own run, are no
    conflict."""
    body = payload(8000)
    url = flaky_server.add("/chosen.bin", body)
    engine = await harness.open()
    job = await engine.add(harness.request(url, filename="mine.bin", start_paused=True))
    engine = await harness.reopen()  # the job is now one from before
    (harness.downloads / "mine.bin").write_bytes(body)  # what the lost run renamed into place
    (again,) = await _finish_all(engine, [job])
    assert again.state is JobState.FINISHED, again.error_message
    assert sorted(p.name for p in harness.downloads.iterdir()) == ["mine.bin"]


async def test_a_different_file_at_the_name_is_left_alone_and_the_download_takes_the_next_name(
    harness: Harness, flaky_server: Any
) -> None:
    body = payload(8000)
    url = flaky_server.add("/taken.bin", body)
    engine = await harness.open()
    job = await engine.add(harness.request(url, start_paused=True))
    engine = await harness.reopen()
    theirs = b"someone else's file of the same name"
    (harness.downloads / "taken.bin").write_bytes(theirs)
    (again,) = await _finish_all(engine, [job])
    assert again.state is JobState.FINISHED
    assert again.filename == "taken (1).bin"
    assert (harness.downloads / "taken.bin").read_bytes() == theirs
    assert (harness.downloads / "taken (1).bin").read_bytes() == body
    assert sorted(p.name for p in harness.downloads.iterdir()) == ["taken (1).bin", "taken.bin"]


async def test_a_new_download_of_a_file_already_there_still_gets_a_name_of_its_own(
    harness: Harness, flaky_server: Any
) -> None:
    """Only a job from an earlier run can have made the file at its name; a new one never
    claims a file it finds, identical or not."""
    body = payload(8000)
    url = flaky_server.add("/again.bin", body)
    (harness.downloads / "again.bin").write_bytes(body)
    job = await harness.download(url)
    assert job.filename == "again (1).bin"
    assert sorted(p.name for p in harness.downloads.iterdir()) == ["again (1).bin", "again.bin"]
