from __future__ import annotations

from tests.engine.conftest import payload
from wherry.core.jobs import JobState


async def test_downloads_a_file_byte_identical(harness, flaky_server):
    body = payload(300_000)
    url = flaky_server.add("/data.bin", body)
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "data.bin").read_bytes() == body
    assert not (harness.downloads / "data.bin.part").exists()
