"""A window that starts a job just as another process took it on finds the part file locked:
that is the other's run, followed until it ends, not a failure here."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import wherry.engine.engine as engine_module
from tests.engine.conftest import Harness, payload, until
from wherry.core.errors import InputError
from wherry.core.events import JobFailed
from wherry.core.jobs import JobState
from wherry.core.settings import Settings
from wherry.engine import Engine, RunClaims
from wherry.engine.partfile import PartFile
from wherry.store import open_store
from wherry.verify.hashing import ExecutorVerifier

TIMEOUT = 30


@pytest.fixture(autouse=True)
def _quick_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "ELSEWHERE_RECHECK", 0.05)


async def test_a_job_whose_part_file_another_holds_is_followed_not_failed(
    harness: Harness, flaky_server: Any
) -> None:
    body = payload(50_000)
    url = flaky_server.add("/raced.bin", body)
    engine = await harness.open()  # manage_all, as the window
    job = await engine.add(harness.request(url, filename="raced.bin", start_paused=True))
    # Another process has just opened and locked the job's part file.
    other = PartFile.open(Path(harness.downloads, "raced.bin.part"))
    try:
        await engine.resume(job.id)
        await until(lambda: any("another Wherry" in line for _, line in engine.history(job.id)), TIMEOUT)
        assert engine.job(job.id).state is not JobState.FAILED
        with pytest.raises(InputError, match="Another Wherry"):
            await engine.resume(job.id)
    finally:
        other.close()  # that process stopped without finishing it
    done = await asyncio.wait_for(engine.wait(job.id), TIMEOUT)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "raced.bin").read_bytes() == body
    assert not harness.of_type(JobFailed)
    assert any("The other Wherry stopped" in line for _, line in engine.history(job.id))


async def test_downloads_go_on_when_their_claims_cannot_be_written(
    harness: Harness, flaky_server: Any, tmp_path: Path
) -> None:
    """A claims folder that cannot be made (a file stands in its place) costs the command line
    nothing but the claims: it adds and finishes its downloads all the same."""
    blocked = tmp_path / "wherry.db.runs"
    blocked.write_text("not a folder")
    body = payload(20_000)
    url = flaky_server.add("/claimless.bin", body)
    repository, _ = open_store(tmp_path / "wherry.db")
    engine = Engine(
        repository,
        ExecutorVerifier(),
        lambda event: None,
        Settings(),
        manage_all=False,
        claims=RunClaims(blocked),
    )
    await engine.start()
    try:
        job = await engine.add(harness.request(url))
        done = await asyncio.wait_for(engine.wait(job.id), TIMEOUT)
    finally:
        await engine.close()
        repository.close()
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "claimless.bin").read_bytes() == body
