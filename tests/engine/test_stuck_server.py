"""A server that always ends early at the same byte is given up after a few tries, not ten minutes."""

from __future__ import annotations

import asyncio

import pytest

from tests.engine.conftest import payload
from tests.helpers.flaky_server import FaultPlan
from wherry.core.jobs import JobState
from wherry.engine.retry import RetryPolicy

SIZE = 400_000
END = 123_456
# A long budget for flaky links, so only the rule for a stuck server can stop the job this early.
PATIENT = {"retry_max_tries": 50, "retry_max_seconds": 600.0}


@pytest.mark.parametrize("connections", [1, 3])
async def test_a_server_ending_every_answer_at_the_same_byte_stops_after_a_few_tries(
    harness, flaky_server, connections
):
    body = payload(SIZE)
    url = flaky_server.add("/short.bin", body, plan=FaultPlan(end_at=END))
    await harness.open(**PATIENT, min_split_size=64 * 1024)
    job = await harness.download(url, connections=connections)
    assert job.state is JobState.FAILED
    # The sentence names the offset: with one connection exactly where it stops; with several, the
    # lowest start of a piece the server will not send.
    if connections == 1:
        assert f"at byte {END:,} " in job.error_message
    assert "keeps ending its answers at byte" in job.error_message
    assert "\n" not in job.error_message
    gets = flaky_server.requests_for("/short.bin", "GET")
    stuck = RetryPolicy().max_stuck_tries
    # Per connection: the answers that got somewhere, then the few that stopped at the same byte.
    assert len(gets) <= connections * (2 + stuck)
    # The job and its bytes are kept: everything before the offset is on disk and counted.
    part = harness.downloads / "short.bin.part"
    assert part.read_bytes()[:END] == body[:END]
    stored = next(j for j in harness.repository.load_jobs() if j.id == job.id)
    assert stored.bytes_done == END
    assert stored.state is JobState.FAILED


async def test_a_server_ending_later_each_time_renews_the_budget_and_finishes(harness, flaky_server):
    body = payload(SIZE)
    # Every answer is cut 40 kB in, wherever it starts: progress each time, so no give-up.
    url = flaky_server.add("/creep.bin", body, plan=FaultPlan(drop_after=40_000))
    await harness.open(retry_max_tries=3)
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "creep.bin").read_bytes() == body
    assert len(flaky_server.requests_for("/creep.bin", "GET")) == SIZE // 40_000


async def test_resuming_a_job_given_up_as_stuck_continues_from_the_kept_bytes(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/later.bin", body, plan=FaultPlan(end_at=END))
    engine = await harness.open(**PATIENT)
    job = await harness.download(url)
    assert job.state is JobState.FAILED
    flaky_server.set_plan("/later.bin", FaultPlan())  # the server was fixed
    await engine.resume(job.id)
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED, done.error_message
    assert (harness.downloads / "later.bin").read_bytes() == body
    assert flaky_server.requests_for("/later.bin", "GET")[-1].range.startswith(f"bytes={END}-")
