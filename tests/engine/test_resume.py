"""3c/3d: resume with Range + If-Range, restart from zero whenever appending could corrupt."""

from __future__ import annotations

import asyncio

from tests.engine.conftest import payload, until
from tests.helpers.flaky_server import FaultPlan
from wherry.core.events import JobRetrying
from wherry.core.jobs import JobState

SIZE = 400_000


async def _interrupt_at_gate(harness, flaky_server, path: str, engine=None):
    """Start a download, wait until the server has sent up to its gate, then close the engine."""
    engine = engine or await harness.open()
    job = await engine.add(harness.request(flaky_server.url(path)))
    assert await asyncio.to_thread(flaky_server.wait_gate, path, 10)
    await until(lambda: job.bytes_done > 0 and _stored_done(harness, job) == job.bytes_done)
    await harness.close()
    flaky_server.release(path)
    return job


def _stored_job(harness, job):
    from wherry.store import open_store

    repo, _ = open_store(harness.tmp / "wherry.db")
    try:
        return next(j for j in repo.load_jobs() if j.id == job.id)
    finally:
        repo.close()


def _stored_done(harness, job) -> int:
    return _stored_job(harness, job).bytes_done


async def test_resumes_after_a_dropped_connection_with_range_and_if_range(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add(
        "/r.bin", body, etag='"strong-1"', plan=FaultPlan(drop_after=150_000, drop_times=1)
    )
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    assert (harness.downloads / "r.bin").read_bytes() == body
    gets = flaky_server.requests_for("/r.bin", "GET")
    assert len(gets) == 2
    assert gets[1].headers["Range"].startswith("bytes=150000-")
    assert gets[1].headers["If-Range"] == '"strong-1"'
    assert sum(r.bytes_sent for r in gets) == SIZE  # nothing fetched twice


async def test_weak_etag_falls_back_to_last_modified_for_if_range(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add(
        "/w.bin",
        body,
        etag='W/"weak"',
        last_modified="Wed, 21 Oct 2015 07:28:00 GMT",
        plan=FaultPlan(drop_after=100_000, drop_times=1),
    )
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    gets = flaky_server.requests_for("/w.bin", "GET")
    assert gets[1].headers["If-Range"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert (harness.downloads / "w.bin").read_bytes() == body


async def test_resumes_across_an_engine_restart_from_the_checkpoint(harness, flaky_server):
    body = payload(SIZE)
    flaky_server.add("/c.bin", body, plan=FaultPlan(gate_after=200_000))
    job = await _interrupt_at_gate(harness, flaky_server, "/c.bin")
    engine = await harness.open()  # auto_resume picks the interrupted job up
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "c.bin").read_bytes() == body
    last = flaky_server.requests_for("/c.bin", "GET")[-1]
    assert last.headers["Range"].startswith("bytes=200000-")


async def test_restarts_from_zero_when_the_etag_changed(harness, flaky_server):
    old, new = payload(SIZE, seed=1), payload(SIZE, seed=2)
    flaky_server.add("/e.bin", old, etag='"one"', plan=FaultPlan(gate_after=100_000))
    job = await _interrupt_at_gate(harness, flaky_server, "/e.bin")
    flaky_server.replace("/e.bin", new, etag='"two"')
    engine = await harness.open()
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "e.bin").read_bytes() == new
    assert any("changed" in line for line in harness.history(job))
    assert done.etag == '"two"'


async def test_restarts_from_zero_when_the_server_ignores_ranges(harness, flaky_server):
    body = payload(SIZE)
    flaky_server.add("/i.bin", body, plan=FaultPlan(gate_after=100_000))
    job = await _interrupt_at_gate(harness, flaky_server, "/i.bin")
    flaky_server.set_plan("/i.bin", FaultPlan(ignore_range=True))
    engine = await harness.open()
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "i.bin").read_bytes() == body
    assert not done.accept_ranges


async def test_wrong_content_range_is_never_written(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add(
        "/wr.bin", body, plan=FaultPlan(drop_after=100_000, drop_times=1, wrong_content_range=5_000)
    )
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "wr.bin").read_bytes() == body


async def test_content_range_with_a_different_total_restarts(harness, flaky_server):
    old, new = payload(SIZE), payload(SIZE + 1000, seed=3)
    flaky_server.add("/t.bin", old, etag=None, last_modified=None, plan=FaultPlan(gate_after=100_000))
    job = await _interrupt_at_gate(harness, flaky_server, "/t.bin")
    flaky_server.replace("/t.bin", new, etag=None, last_modified=None)
    engine = await harness.open()
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert (harness.downloads / "t.bin").read_bytes() == new
    assert done.total_size == len(new)


async def test_unsatisfiable_range_after_the_file_shrank_restarts(harness, flaky_server):
    old, new = payload(SIZE), payload(50_000, seed=4)
    flaky_server.add("/s.bin", old, etag=None, last_modified=None, plan=FaultPlan(gate_after=100_000))
    job = await _interrupt_at_gate(harness, flaky_server, "/s.bin")
    flaky_server.replace("/s.bin", new, etag=None, last_modified=None)
    engine = await harness.open()
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "s.bin").read_bytes() == new


async def test_server_without_range_support_restarts_from_zero_after_a_drop(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add(
        "/n.bin",
        body,
        etag=None,
        last_modified=None,
        plan=FaultPlan(no_length=True, drop_after=50_000, drop_times=1),
    )
    job = await harness.download(url)
    assert job.state is JobState.FINISHED, job.error_message
    assert (harness.downloads / "n.bin").read_bytes() == body
    gets = flaky_server.requests_for("/n.bin", "GET")
    assert len(gets) == 2
    assert any("starting again" in line for line in harness.history(job))


async def test_partial_file_deleted_while_paused_restarts_cleanly(harness, flaky_server):
    body = payload(SIZE)
    flaky_server.add("/d.bin", body, plan=FaultPlan(gate_after=100_000))
    job = await _interrupt_at_gate(harness, flaky_server, "/d.bin")
    (harness.downloads / "d.bin.part").unlink()
    engine = await harness.open()
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert (harness.downloads / "d.bin").read_bytes() == body
    assert done.state is JobState.FINISHED


async def test_checkpoints_never_count_bytes_that_are_not_on_disk(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/k.bin", body, plan=FaultPlan(drip_rate=400_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url))
    part = harness.downloads / "k.bin.part"
    seen = []

    async def watch() -> None:
        while job.state is not JobState.FINISHED:
            stored = _stored_job(harness, job)
            # The .part is preallocated to its full size, so its length proves nothing: every byte
            # the store counts must already hold the server's byte at that offset.
            if stored.bytes_done and part.exists():
                on_disk = part.read_bytes()
                for segment in stored.segments:
                    assert on_disk[segment.start : segment.position] == body[segment.start : segment.position]
            seen.append(stored.bytes_done)
            await asyncio.sleep(0.05)

    await asyncio.wait_for(asyncio.gather(watch(), engine.wait(job.id)), 20)
    progress = sorted(set(seen))
    assert len([v for v in progress if 0 < v < SIZE]) >= 2, "progress was checkpointed while running"
    assert (harness.downloads / "k.bin").read_bytes() == body
    assert not harness.of_type(JobRetrying)


async def test_regression_a_crash_between_rename_and_saving_finished_does_not_download_again(
    harness, flaky_server
):
    import hashlib

    from wherry.core.jobs import ChecksumSpec

    body = payload(SIZE)
    url = flaky_server.add("/done.bin", body)
    spec = ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())
    job = await harness.download(url, checksum=spec)
    assert job.state is JobState.FINISHED
    # As the store looked if the process died right after the rename: complete, still "running".
    job.state = JobState.RUNNING
    job.finished_at = None
    harness.repository.save_job(job)
    requests_before = len(flaky_server.requests)
    engine = await harness.reopen()
    again = engine.job(job.id)
    done = await asyncio.wait_for(engine.wait(again.id), 20)
    assert done.state is JobState.FINISHED
    assert sorted(p.name for p in harness.downloads.iterdir()) == ["done.bin"]
    assert len(flaky_server.requests) == requests_before
