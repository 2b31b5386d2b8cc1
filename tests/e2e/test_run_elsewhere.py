"""A window (or ``wherry serve``) that starts while ``wherry get`` runs a job of the same store
leaves that job to it, refuses commands on it, and shows how it ended there."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

import wherry.engine.engine as engine_module
from tests.e2e.conftest import spawn, stored_progress, wait_for
from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.core import JobState
from wherry.core.errors import InputError
from wherry.core.events import JobFinished
from wherry.headless import headless_engine
from wherry.store import open_store

pytestmark = pytest.mark.e2e

SIZE = 1_000_000
HELD = 400_000
TIMEOUT = 30


@pytest.fixture(autouse=True)
def _quick_looks(monkeypatch):
    monkeypatch.setattr(engine_module, "ELSEWHERE_RECHECK", 0.05)


async def _checkpointed(home, name: str) -> None:
    # The command line has its part file locked and its first bytes counted in the store.
    reached = await asyncio.to_thread(wait_for, lambda: stored_progress(home).get(name, 0) >= HELD, TIMEOUT)
    assert reached


@asynccontextmanager
async def _window_beside(
    cli: subprocess.Popen[str], home: Any, ready: Callable[[], bool]
) -> AsyncIterator[tuple[Any, list[Any]]]:
    """Once ``ready``, a window's engine (``manage_all``) on the store the command line ``cli``
    uses, with the events it sends; after it, ``cli`` must end with 0."""
    try:
        assert await asyncio.to_thread(wait_for, ready, TIMEOUT)
        repository, _ = open_store(home / "wherry.db")
        events: list[Any] = []
        try:
            async with headless_engine(repository, events.append, manage_all=True) as engine:
                yield engine, events
        finally:
            repository.close()
        assert await asyncio.to_thread(cli.wait, TIMEOUT) == 0
    finally:
        if cli.poll() is None:
            cli.kill()
        cli.communicate()


async def test_a_download_another_process_runs_is_left_to_it_and_shows_how_it_ended(
    flaky_server, workdir, wherry_home
):
    body = payload(SIZE)
    url = flaky_server.add("/other.bin", body, plan=FaultPlan(hold_at=HELD))
    cli = spawn("get", "-q", url, "-d", str(workdir), cwd=workdir)

    def checkpointed() -> bool:  # its part file locked, its first bytes counted in the store
        return stored_progress(wherry_home).get("other.bin", 0) >= HELD

    async with _window_beside(cli, wherry_home, checkpointed) as (engine, events):
        [job] = engine.jobs()
        assert job.state is JobState.RUNNING
        for command in (engine.cancel, engine.resume, engine.remove):
            with pytest.raises(InputError, match="Another Wherry"):
                await command(job.id)
        assert (workdir / "other.bin.part").exists()

        flaky_server.set_plan("/other.bin", FaultPlan())
        ended = await asyncio.wait_for(engine.wait(job.id), TIMEOUT)

        assert ended.state is JobState.FINISHED
        # It never ran here: no start, no failure on the other's lock, one "finished".
        assert events == [JobFinished(job.id, str(workdir / "other.bin"))]
    assert (workdir / "other.bin").read_bytes() == body


async def test_a_download_whose_process_is_killed_is_taken_back_and_finished_here(
    flaky_server, workdir, wherry_home
):
    body = payload(SIZE, seed=3)
    url = flaky_server.add("/killed.bin", body, plan=FaultPlan(hold_at=HELD))
    cli = spawn("get", "-q", url, "-d", str(workdir), cwd=workdir)
    try:
        await _checkpointed(wherry_home, "killed.bin")
        repository, _ = open_store(wherry_home / "wherry.db")
        try:
            async with headless_engine(repository, lambda event: None, manage_all=True) as engine:
                [job] = engine.jobs()
                assert job.state is JobState.RUNNING
                cli.send_signal(signal.SIGKILL)
                await asyncio.to_thread(cli.wait, TIMEOUT)
                flaky_server.set_plan("/killed.bin", FaultPlan())

                ended = await asyncio.wait_for(engine.wait(job.id), TIMEOUT)

                assert ended.state is JobState.FINISHED
                history = [line for _, line in engine.history(job.id)]
                assert any("The other Wherry stopped during this download" in line for line in history)
        finally:
            repository.close()
    finally:
        if cli.poll() is None:
            cli.kill()
        cli.communicate()
    assert (workdir / "killed.bin").read_bytes() == body
    resumed = flaky_server.requests_for("/killed.bin", "GET")[-1]
    assert resumed.range is not None
    assert not resumed.range.startswith("bytes=0-")


async def test_a_list_another_process_runs_is_left_to_it_even_the_downloads_it_has_not_started(
    flaky_server, workdir, wherry_home
):
    """``wherry get -i`` stores its whole list and starts two; the other four wait in its own
    queue with nothing on disk. A window started then leaves all six to it: it starts none,
    fails none, refuses commands on them, and shows each one finished when the list is done."""
    bodies = {f"/list/l{i}.bin": payload(SIZE // 4, seed=i) for i in range(6)}
    urls = [flaky_server.add(path, body, plan=FaultPlan(hold_at=HELD // 4)) for path, body in bodies.items()]
    listing = workdir / "list.txt"
    listing.write_text("\n".join(urls) + "\n")
    cli = spawn("get", "-q", "-j", "2", "-i", str(listing), "-d", str(workdir), cwd=workdir)

    def two_started() -> bool:
        return len([n for n, done in stored_progress(wherry_home).items() if done]) == 2

    async with _window_beside(cli, wherry_home, two_started) as (engine, events):
        jobs = engine.jobs()
        assert sorted(job.state.value for job in jobs) == ["queued"] * 4 + ["running"] * 2
        assert all(engine.runs_elsewhere(job.id) for job in jobs)  # what the window's list shows
        for job in jobs:
            with pytest.raises(InputError, match="Another Wherry"):
                await engine.resume(job.id)
        assert events == []  # nothing started here

        for path in bodies:
            flaky_server.set_plan(path, FaultPlan())
        ended = await asyncio.wait_for(asyncio.gather(*(engine.wait(job.id) for job in jobs)), TIMEOUT)

        assert [job.state for job in ended] == [JobState.FINISHED] * 6
        assert not any(engine.runs_elsewhere(job.id) for job in jobs)
        assert sorted(events, key=lambda e: e.job_id) == sorted(
            (JobFinished(job.id, str(workdir / job.filename)) for job in ended),
            key=lambda e: e.job_id,
        )
    for path, body in bodies.items():
        assert (workdir / path.rsplit("/", 1)[1]).read_bytes() == body
    assert not list(workdir.glob("*.part"))
    for path in bodies:
        assert len(flaky_server.requests_for(path, "GET")) == 1  # each fetched once, by the list
