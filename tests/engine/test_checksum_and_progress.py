"""3h/3i: digests computed while bytes stream in; progress for any listener; pause/cancel/remove."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from tests.engine.conftest import data_requests, payload, until
from tests.helpers.flaky_server import FaultPlan
from wherry.core.errors import ErrorKind
from wherry.core.events import JobAdded, JobFailed, JobFinished, JobPaused, JobStarted, JobVerifying
from wherry.core.jobs import ChecksumSpec, JobState
from wherry.verify.hashing import ExecutorVerifier

SIZE = 300_000


class CountingVerifier(ExecutorVerifier):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    async def hash_prefix(self, path, algorithm, length):
        self.calls.append(length)
        return await super().hash_prefix(path, algorithm, length)


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha256", "sha512"])
async def test_checksum_verified_while_streaming(harness, flaky_server, algorithm):
    body = payload(SIZE)
    spec = ChecksumSpec(algorithm, hashlib.new(algorithm, body).hexdigest())
    url = flaky_server.add("/ok.bin", body)
    job = await harness.download(url, checksum=spec)
    assert job.state is JobState.FINISHED
    assert job.actual_digest == spec.hexdigest
    assert [type(e) for e in harness.events if type(e) in (JobVerifying, JobFinished)] == [
        JobVerifying,
        JobFinished,
    ]


async def test_checksum_mismatch_fails_with_both_digests_and_no_finished_file(harness, flaky_server):
    body = payload(SIZE)
    expected = hashlib.sha256(body).hexdigest()
    url = flaky_server.add("/bad.bin", body, plan=FaultPlan(corrupt_at=1234))
    job = await harness.download(url, checksum=ChecksumSpec("sha256", expected))
    assert job.state is JobState.FAILED
    assert job.error_kind is ErrorKind.CHECKSUM_MISMATCH
    assert expected in job.error_message
    assert job.actual_digest in job.error_message
    assert job.actual_digest != expected
    assert not (harness.downloads / "bad.bin").exists()
    assert harness.of_type(JobFailed)[-1].kind is ErrorKind.CHECKSUM_MISMATCH
    # Fetched twice (the automatic second try), then failed.
    assert len(data_requests(flaky_server, "/bad.bin")) == 2
    assert any("once more" in line for line in harness.history(job))
    # The job can be retried by hand; with the server fixed, it finishes.
    flaky_server.set_plan("/bad.bin", FaultPlan())
    await harness.engine.retry(job.id)
    done = await asyncio.wait_for(harness.engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "bad.bin").read_bytes() == body
    assert data_requests(flaky_server, "/bad.bin")[-1].headers["Range"].startswith("bytes=0-")


async def test_a_transient_corruption_is_fixed_by_the_automatic_second_fetch(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/once.bin", body, plan=FaultPlan(corrupt_at=99, corrupt_times=1))
    job = await harness.download(url, checksum=ChecksumSpec("sha256", hashlib.sha256(body).hexdigest()))
    assert job.state is JobState.FINISHED
    assert (harness.downloads / "once.bin").read_bytes() == body
    assert len(data_requests(flaky_server, "/once.bin")) == 2


async def test_the_second_fetch_prefers_another_source(harness, flaky_server):
    body = payload(SIZE)
    spec = ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())
    bad = flaky_server.add("/bad/src.bin", body, plan=FaultPlan(corrupt_at=5))
    good = flaky_server.add("/good/src.bin", body)
    job = await harness.download(bad, checksum=spec, connections=1, mirrors=(good,))
    assert job.state is JobState.FINISHED
    assert (harness.downloads / "src.bin").read_bytes() == body
    assert len(data_requests(flaky_server, "/bad/src.bin")) == 1
    assert len(data_requests(flaky_server, "/good/src.bin")) == 1
    assert any("once more from" in line for line in harness.history(job))


async def test_a_drop_within_one_run_keeps_streaming_into_the_same_digest(harness, flaky_server):
    body = payload(SIZE)
    verifier = CountingVerifier()
    url = flaky_server.add("/d.bin", body, plan=FaultPlan(drop_after=100_000, drop_times=1))
    engine = await harness.open()
    engine.verifier = verifier
    job = await engine.add(
        harness.request(url, checksum=ChecksumSpec("sha256", hashlib.sha256(body).hexdigest()))
    )
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert verifier.calls == []  # no second read of the file, not even of the prefix


async def test_after_a_restart_only_the_prefix_on_disk_is_hashed_once(harness, flaky_server):
    body = payload(SIZE)
    flaky_server.add("/p.bin", body, plan=FaultPlan(gate_after=120_000))
    engine = await harness.open()
    spec = ChecksumSpec("sha256", hashlib.sha256(body).hexdigest())
    job = await engine.add(harness.request(flaky_server.url("/p.bin"), checksum=spec))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/p.bin", 10)
    await until(lambda: job.bytes_done == 120_000)
    await harness.close()
    flaky_server.release("/p.bin")
    verifier = CountingVerifier()
    harness_engine = await harness.open()
    harness_engine.verifier = verifier
    # The interrupted job was re-queued by start(); its runner picks up the new verifier.
    await harness_engine.pause(job.id)
    await harness_engine.resume(job.id)
    done = await asyncio.wait_for(harness_engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert done.actual_digest == spec.hexdigest
    assert len(verifier.calls) == 1
    assert 0 < verifier.calls[0] <= 120_000
    # A digest missing the prefix would fail the check and pass after a silent second download:
    # only the count of bytes served shows that nothing was fetched twice.
    assert sum(r.bytes_sent for r in data_requests(flaky_server, "/p.bin")) == SIZE
    assert not any("once more" in line for line in harness.history(done))


async def test_a_plain_progress_callback_sees_bytes_and_total(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/prog.bin", body, plan=FaultPlan(drip_rate=600_000))
    engine = await harness.open()
    seen: list[tuple[int, int | None]] = []

    def on_progress(bytes_downloaded: int, total_bytes: int | None) -> None:
        seen.append((bytes_downloaded, total_bytes))

    unsubscribe = engine.on_progress(lambda p: on_progress(p.bytes_downloaded, p.total_bytes), interval=0.05)
    job = await engine.add(harness.request(url))
    await asyncio.wait_for(engine.wait(job.id), 20)
    unsubscribe()
    assert len(seen) >= 3
    assert [b for b, _ in seen] == sorted(b for b, _ in seen)
    assert {t for _, t in seen if t is not None} == {SIZE}
    assert 0 < seen[-1][0] <= SIZE
    snapshot = engine.snapshot()[job.id]
    assert (snapshot.bytes_downloaded, snapshot.total_bytes, snapshot.state) == (
        SIZE,
        SIZE,
        JobState.FINISHED,
    )


async def test_lifecycle_events_in_order(harness, flaky_server):
    url = flaky_server.add("/ev.bin", b"abc")
    job = await harness.download(url)
    kinds = [
        type(e)
        for e in harness.events
        if e.job_id == job.id and type(e) in (JobAdded, JobStarted, JobFinished)
    ]
    assert kinds == [JobAdded, JobStarted, JobFinished]


async def test_snapshot_reports_speed_and_eta_while_running(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/sp.bin", body, plan=FaultPlan(drip_rate=200_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url))
    await until(lambda: engine.snapshot()[job.id].speed > 0 and job.bytes_done > 60_000)
    progress = engine.snapshot()[job.id]
    assert progress.state is JobState.RUNNING
    assert progress.eta is not None
    assert progress.eta > 0
    await engine.pause(job.id)


async def test_pause_keeps_the_bytes_and_resume_continues(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/pr.bin", body, plan=FaultPlan(gate_after=100_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/pr.bin", 10)
    await until(lambda: job.bytes_done == 100_000)
    await engine.pause(job.id)
    flaky_server.release("/pr.bin")
    assert job.state is JobState.PAUSED
    assert harness.of_type(JobPaused)
    assert (harness.downloads / "pr.bin.part").stat().st_size >= 100_000
    await engine.resume(job.id)
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "pr.bin").read_bytes() == body
    assert flaky_server.requests_for("/pr.bin", "GET")[-1].headers["Range"].startswith("bytes=100000-")


async def test_cancel_removes_the_partial_file(harness, flaky_server):
    url = flaky_server.add("/cx.bin", payload(SIZE), plan=FaultPlan(gate_after=50_000))
    engine = await harness.open()
    job = await engine.add(harness.request(url))
    assert await asyncio.to_thread(flaky_server.wait_gate, "/cx.bin", 10)
    await until(lambda: job.bytes_done == 50_000)
    await engine.cancel(job.id)
    flaky_server.release("/cx.bin")
    assert job.state is JobState.CANCELLED
    assert list(harness.downloads.iterdir()) == []


async def test_remove_with_delete_file_forgets_the_job_and_its_file(harness, flaky_server):
    url = flaky_server.add("/rm.bin", b"bytes")
    job = await harness.download(url)
    await harness.engine.remove(job.id, delete_file=True)
    assert harness.engine.jobs() == []
    assert not (harness.downloads / "rm.bin").exists()
    assert harness.repository.load_jobs() == []


async def _gated_jobs(harness, flaky_server, engine, prefix: str, count: int) -> list:
    """Jobs whose downloads stop after 10 kB until ``_release_all``: they hold their slots."""
    urls = [
        flaky_server.add(f"/{prefix}{i}.bin", payload(50_000, i), plan=FaultPlan(gate_after=10_000))
        for i in range(count)
    ]
    return [await engine.add(harness.request(u)) for u in urls]


async def _release_all(harness, flaky_server, engine, prefix: str, jobs: list) -> list:
    """Let every gated job finish; returns the ids in the order they started."""
    for i in range(len(jobs)):
        flaky_server.release(f"/{prefix}{i}.bin")
    await asyncio.wait_for(asyncio.gather(*(engine.wait(j.id) for j in jobs)), 20)
    assert all(j.state is JobState.FINISHED for j in jobs)
    return [e.job_id for e in harness.of_type(JobStarted)]


async def test_queue_runs_at_most_max_active_in_order(harness, flaky_server):
    engine = await harness.open(max_active=2)
    jobs = await _gated_jobs(harness, flaky_server, engine, "q", 4)
    await until(lambda: [j.state for j in jobs].count(JobState.RUNNING) == 2)
    assert [j.state for j in jobs] == [JobState.RUNNING, JobState.RUNNING, JobState.QUEUED, JobState.QUEUED]
    assert await _release_all(harness, flaky_server, engine, "q", jobs) == [j.id for j in jobs]


async def test_a_write_failure_on_a_full_disk_pauses_and_keeps_the_bytes(harness, flaky_server, monkeypatch):
    import errno
    import os

    body = payload(SIZE)
    url = flaky_server.add("/full.bin", body, plan=FaultPlan(drip_rate=1_000_000))
    real_pwrite = os.pwrite
    state = {"written": 0, "full": True}

    def pwrite(fd, data, offset):
        if state["full"] and state["written"] + len(data) > 100_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = real_pwrite(fd, data, offset)
        state["written"] += n
        return n

    monkeypatch.setattr(os, "pwrite", pwrite)
    job = await harness.download(url)
    assert job.state is JobState.PAUSED
    assert job.error_kind is ErrorKind.DISK_FULL
    assert job.error_message.startswith("The disk is full;")
    assert "more is needed" in job.error_message
    kept = job.bytes_done
    assert 0 < kept <= 100_000
    state["full"] = False
    await harness.engine.resume(job.id)
    done = await asyncio.wait_for(harness.engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "full.bin").read_bytes() == body
    assert flaky_server.requests_for("/full.bin", "GET")[-1].headers["Range"].startswith(f"bytes={kept}-")


async def test_a_download_paused_during_a_slow_checkpoint_sync_is_unlocked_when_it_says_paused(
    harness, flaky_server, monkeypatch
):
    """A checkpoint's fdatasync runs in a worker thread, which holds the file (and its lock)
    until it returns. A pause reported before then left a resume at once to find its own .part
    locked, "being downloaded by another Wherry" (a CI run caught it); the pause now waits."""
    import errno
    import fcntl
    import os
    import threading

    import wherry.engine.partfile as partfile

    body = payload(SIZE)
    url = flaky_server.add("/slow-sync.bin", body, plan=FaultPlan(drip_rate=200_000))
    real_sync, real_pwrite = partfile._sync, os.pwrite
    syncing, let_go = threading.Event(), threading.Event()
    state = {"full": False}

    def slow_sync(fd: int) -> None:
        if syncing.is_set():
            real_sync(fd)  # the pause's own last sync is quick
            return
        # The first checkpoint's sync meets a slow disk: two seconds at most, let go at once
        # when the pause is seen. The kernel holds the open file for as long as fdatasync runs;
        # a duplicate descriptor holds it here the same way.
        held = os.dup(fd)
        try:
            syncing.set()
            let_go.wait(2)
            real_sync(held)
        finally:
            os.close(held)

    def pwrite(fd, data, offset):
        if state["full"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(partfile, "_sync", slow_sync)
    monkeypatch.setattr(os, "pwrite", pwrite)
    lock_free_when_paused: list[bool] = []

    def on_event(event) -> None:
        if isinstance(event, JobPaused):
            part = harness.downloads / "slow-sync.bin.part"
            fd = os.open(part, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                lock_free_when_paused.append(True)
            except BlockingIOError:
                lock_free_when_paused.append(False)
            finally:
                os.close(fd)
            let_go.set()

    engine = await harness.open()
    engine.subscribe(on_event)
    job = await engine.add(harness.request(url))
    assert await asyncio.to_thread(syncing.wait, 10)  # a checkpoint is syncing now
    state["full"] = True  # the next write fails: the download pauses mid-sync
    paused = await asyncio.wait_for(engine.wait(job.id), 20)
    assert paused.state is JobState.PAUSED
    assert paused.error_kind is ErrorKind.DISK_FULL
    assert lock_free_when_paused == [True]

    state["full"] = False
    monkeypatch.setattr(partfile, "_sync", real_sync)
    await engine.resume(job.id)
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED, done.error_message
    assert (harness.downloads / "slow-sync.bin").read_bytes() == body


async def test_regression_pause_before_the_transfer_first_ran_settles_the_job(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/early.bin", body)
    engine = await harness.open()
    job = await engine.add(harness.request(url))
    await engine.pause(job.id)  # no await point between scheduling and pausing
    assert job.state is JobState.PAUSED
    await engine.resume(job.id)
    done = await asyncio.wait_for(engine.wait(job.id), 20)
    assert done.state is JobState.FINISHED
    assert (harness.downloads / "early.bin").read_bytes() == body


async def test_every_download_gets_a_sha256_when_asked_even_without_a_checksum(harness, flaky_server):
    body = payload(SIZE)
    url = flaky_server.add("/plain.bin", body)
    await harness.open(hash_every_download=True)
    job = await harness.download(url)
    assert job.state is JobState.FINISHED
    assert job.actual_digest == hashlib.sha256(body).hexdigest()


async def test_no_digest_is_computed_by_default_without_a_checksum(harness, flaky_server):
    url = flaky_server.add("/plain2.bin", payload(SIZE))
    job = await harness.download(url)
    assert job.actual_digest is None


async def test_finished_downloads_older_than_the_history_setting_are_forgotten_at_start(
    harness, flaky_server
):
    from datetime import timedelta

    from wherry.core.jobs import utcnow

    url = flaky_server.add("/old.bin", b"old")
    old = await harness.download(url)
    recent = await harness.download(flaky_server.add("/new.bin", b"new"))
    failed = await harness.download(flaky_server.add("/gone.bin", b"", plan=FaultPlan(always_status=404)))
    old.finished_at = utcnow() - timedelta(days=40)
    harness.repository.save_job(old)
    engine = await harness.reopen(history_days=30)
    assert {j.id for j in engine.jobs()} == {recent.id, failed.id}
    assert (harness.downloads / "old.bin").read_bytes() == b"old"  # the file itself stays


async def test_a_job_moved_to_the_front_of_the_queue_starts_next(harness, flaky_server):
    # changePosition (remote control) moves a job to an absolute place: the next free slot must
    # go to the job now at the front, not to the one that was there when they were queued.
    engine = await harness.open(max_active=1)
    jobs = await _gated_jobs(harness, flaky_server, engine, "m", 4)
    await until(lambda: jobs[0].state is JobState.RUNNING)
    await engine.move_to(jobs[3].id, 0)
    await engine.move_to(jobs[2].id, 1)
    assert [j.id for j in engine.jobs()] == [jobs[3].id, jobs[2].id, jobs[0].id, jobs[1].id]
    starts = await _release_all(harness, flaky_server, engine, "m", jobs)
    assert starts == [jobs[0].id, jobs[3].id, jobs[2].id, jobs[1].id]
