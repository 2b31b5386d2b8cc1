from __future__ import annotations

import asyncio

from tests.engine.conftest import payload
from wherry.core.jobs import JobState


async def test_downloads_a_file_byte_identical(harness, flaky_server):
    body = payload(300_000)
    url = flaky_server.add("/data.bin", body)
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "data.bin").read_bytes() == body
    assert not (harness.downloads / "data.bin.part").exists()


async def test_resting_is_a_future_of_the_job_once_it_rests(harness, flaky_server):
    body = payload(200_000)
    url = flaky_server.add("/rest.bin", body)
    engine = await harness.open()
    job = await engine.add(harness.request(url))
    given_up = engine.resting(job.id)
    pending = engine.resting(job.id)
    assert not pending.done()  # queued, not resting
    given_up.cancel()  # a waiter that stops waiting stops nothing else
    ended = await asyncio.wait_for(pending, 30)
    assert ended.state is JobState.FINISHED, ended.error_message
    assert (harness.downloads / "rest.bin").read_bytes() == body
    again = engine.resting(job.id)
    assert again.done()
    assert again.result() is ended
