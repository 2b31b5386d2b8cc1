"""Constant cost per job: a list goes in as one transaction, and running one job touches no other."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.engine.conftest import Harness, payload
from tests.helpers.flaky_server import FlakyServer
from wherry.core.jobs import Job, JobState
from wherry.store import SqliteRepository, open_store


@contextmanager
def traced(repository: SqliteRepository) -> Iterator[list[str]]:
    """Every SQL statement the repository's own connection runs, as SQLite expanded it."""
    statements: list[str] = []
    connection = repository._db.connection()
    connection.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        connection.set_trace_callback(None)


def transactions(statements: list[str]) -> int:
    return sum(1 for s in statements if s.split(None, 1)[0].upper() == "BEGIN")


async def test_a_list_of_urls_is_stored_in_one_transaction(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    urls = [flaky_server.add(f"/list-{i}.bin", payload(100, seed=i)) for i in range(300)]
    # Nothing may start, so the only writes are the adding itself.
    engine = await harness.open(max_active=0)
    assert harness.repository is not None
    with traced(harness.repository) as statements:
        added = await engine.add_many([harness.request(url) for url in urls])
    assert all(isinstance(job, Job) for job in added)
    assert transactions(statements) == 1
    assert len(harness.repository.load_jobs()) == 300


async def test_a_bad_line_in_a_list_is_refused_alone(harness: Harness, flaky_server: FlakyServer) -> None:
    good = flaky_server.add("/good.bin", payload(100))
    engine = await harness.open(max_active=0)
    added = await engine.add_many(
        [harness.request(good), harness.request("ftp://nowhere/x"), harness.request(good, filename="a.bin")]
    )
    assert [type(x).__name__ for x in added] == ["Job", "InputError", "Job"]
    assert len(engine.jobs()) == 2


class _Watched(Job):
    """A job that notes every attribute read: the engine must leave other jobs alone."""

    touched: set[str] = set()  # noqa: RUF012 - shared on purpose: one set for every watched job

    def __getattribute__(self, name: str) -> Any:
        _Watched.touched.add(object.__getattribute__(self, "id"))
        return super().__getattribute__(name)


async def test_running_a_job_touches_no_other_job_in_memory_or_in_the_store(
    harness: Harness, flaky_server: FlakyServer, tmp_path: Any
) -> None:
    # A long list already in the store: 2,000 paused and finished jobs.
    repository, _ = open_store(tmp_path / "wherry.db")
    resting = [
        Job(
            url=f"{flaky_server.base_url}/old-{i}.bin",
            directory=str(harness.downloads),
            filename=f"old-{i}.bin",
            state=JobState.PAUSED if i % 2 else JobState.FINISHED,
            position=i,
        )
        for i in range(2000)
    ]
    repository.save_jobs(resting)
    harness.repository = repository
    engine = await harness.open()
    resting_ids = {job.id for job in resting}
    for job in engine.jobs():
        job.__class__ = _Watched
    _Watched.touched = set()

    data = payload(200_000)
    url = flaky_server.add("/new.bin", data)
    with traced(repository) as statements:
        new = await engine.add(harness.request(url))
        done = await asyncio.wait_for(engine.wait(new.id), 30)
    assert done.state is JobState.FINISHED
    assert done.target is not None
    assert done.target.read_bytes() == data
    # Adding, scheduling, starting, checkpointing and finishing read no other job…
    assert not (_Watched.touched & resting_ids)
    # …and every statement that reads or writes rows names the new job (no scan of the table).
    rows = [s for s in statements if s.split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")]
    assert rows
    assert all(new.id in s for s in rows), [s for s in rows if new.id not in s][:3]


async def test_small_files_finishing_together_share_their_commits(
    harness: Harness, flaky_server: FlakyServer
) -> None:
    # Each one-response file used to cost five commits (running, probed, checkpoint, finished,
    # the history line). With the engine's saves grouped, the commit waits for the schedule:
    # here one that fires only when the test says, so all forty files make one transaction.
    urls = [flaky_server.add(f"/small-{i}.bin", payload(2000, seed=i)) for i in range(40)]
    engine = await harness.open(max_active=8)
    repository = harness.repository
    assert repository is not None
    held: list[Any] = []
    repository.group_commits(held.append)
    added = await engine.add_many([harness.request(url) for url in urls])
    before = repository.commit_count
    done = await asyncio.wait_for(
        asyncio.gather(*(engine.wait(job.id) for job in added if isinstance(job, Job))), 60
    )
    assert all(job.state is JobState.FINISHED for job in done)
    assert repository.commit_count == before  # every save of the forty runs is still queued
    assert len(held) == 1
    held[0]()
    assert repository.commit_count == before + 1
    other, _ = open_store(harness.tmp / "wherry.db")
    try:
        stored = other.load_jobs()
        assert [j.state for j in stored] == [JobState.FINISHED] * 40
        assert all(j.bytes_done == 2000 for j in stored)
        assert all(any(m.startswith("Finished") for _, m in other.load_history(j.id)) for j in stored)
    finally:
        other.close()
